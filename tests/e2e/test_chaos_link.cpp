// Sync over a bad link, end to end (issue part 2): the real server and real `tongket` clients
// with tongket-fault-proxy between them. Through 30% connection resets every replica converges
// with nothing duplicated and nothing lost; over a 64 kbit/s, 500 ms link a commune's whole
// report gets through (the time is printed, not asserted: this machine is shared).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "chaos_world.hpp"
#include "sync_world.hpp"

using namespace tongket::test;
using namespace std::chrono_literals;
using tongket::UnitLevel;
namespace chaos = tongket::test::chaos;

namespace {

constexpr const char* kCommuneA = "25489";  // Xã Tân Lập, Huyện Tân Biên
constexpr const char* kCommuneB = "25492";  // Xã Thạnh Bắc

// A unit's whole report entered through the CLI: every value (round 1), every text section,
// then every value again (round 2), by two authors, so the outbox holds several change sets
// and two writes of each value. Returns what the server must end up holding.
FieldMap enter_report(const SyncClient& c, const std::string& unit, UnitLevel level,
                      const TempDir& dir, std::size_t max_sections) {
  const auto round1 = chaos::report_values(level, 1);
  const auto round2 = chaos::report_values(level, 2);
  const auto texts = chaos::report_texts(level, 1, max_sections);
  const auto csv1 = dir / (unit + "-1.csv");
  const auto csv2 = dir / (unit + "-2.csv");
  write_file(csv1, chaos::csv_of(round1));
  write_file(csv2, chaos::csv_of(round2));
  auto first = c.run({"import", csv1.string(), "--author", "Người nhập 1"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  for (const auto& [section, text] : texts) c.text(section, text);
  auto second = c.run({"import", csv2.string(), "--author", "Người nhập 2"});
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  return chaos::expected_fields(unit, round2, texts);
}

void require_no_problems(const std::string& what, const std::vector<std::string>& problems) {
  INFO(what << ":\n" << chaos::lines(problems));
  CHECK(problems.empty());
}

}  // namespace

TEST_CASE("sync converges through 30% connection resets: nothing duplicated, nothing lost",
          "[e2e][chaos][link]") {
  SyncServer server;
  TempDir dir("tongket-chaos-resets");
  SyncClient a(dir.path(), "commune-a");
  SyncClient b(dir.path(), "commune-b");
  SyncClient d(dir.path(), "district");
  a.init(kCommuneA, "Nguyễn Văn A");
  b.init(kCommuneB, "Lê Thị B");
  d.init(chaos::kDistrict, "Trần Văn D");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  d.enroll(server, server.token(chaos::kDistrict, "district_reviewer"));

  auto want_a = enter_report(a, kCommuneA, UnitLevel::commune, dir, 100);
  auto want_b = enter_report(b, kCommuneB, UnitLevel::commune, dir, 100);
  auto want_d = enter_report(d, chaos::kDistrict, UnitLevel::district, dir, 3);
  const auto made = a.count("SELECT count(*) FROM outbox") +
                    b.count("SELECT count(*) FROM outbox") + d.count("SELECT count(*) FROM outbox");
  INFO(made << " operations in the three outboxes");
  REQUIRE(made > 800);  // 2 x 78 + 7 per commune, 2 x 276 + 3 for the district

  // Every connection is reset with probability 0.3: right after accept, or somewhere in the
  // server's reply (cut points up to 4 KiB, so replies are often cut, not merely followed by
  // a RST). A fixed seed makes a failing run replayable.
  const auto seed = std::to_string(chaos::seed());
  FaultProxy proxy(server.port(), {"--reset-rate", "0.3", "--reset-mode", "both", "--seed", seed,
                                   "--cut-max-bytes", "4096"});
  const int max_tries = 40;
  int runs = 0, syncs = 0;
  std::string transcript;
  // At least twice round the three laptops (the second round brings each what the others sent),
  // and on until a reset has broken a sync: a sync run is only a few connections, so two rounds
  // can by chance see none, and then this test would prove nothing (at most 8 rounds).
  for (int pass = 1; pass <= 2 || (runs == syncs && pass <= 8); ++pass) {
    for (const SyncClient* c : {&a, &b, &d}) {
      const int took = chaos::sync_until_ok(*c, proxy.url(), max_tries, transcript);
      INFO(c->store() << " pass " << pass << "\n"
                      << transcript << "\nserver log:\n"
                      << server.log());
      REQUIRE(took > 0);
      runs += took;
      ++syncs;
    }
  }
  std::printf("chaos resets (seed %s): %d sync runs for %d successful syncs\n", seed.c_str(), runs,
              syncs);
  std::fflush(stdout);
  INFO("failed runs:\n" << transcript);
  CHECK(runs > syncs);  // the proxy did break syncs, or this test proved nothing

  require_no_problems("server", server_integrity_problems(server.data()));
  for (auto [c, scope] : {std::pair{&a, kCommuneA}, {&b, kCommuneB}, {&d, chaos::kDistrict}}) {
    const std::string who = c->store().filename().string();
    require_no_problems(who + " converged", chaos::convergence_problems(server, *c, scope));
    require_no_problems(who + " store", chaos::client_store_problems(*c));
    require_no_problems(who + " cursor", chaos::cursor_problems(server, *c, scope));
    require_no_problems(who + " duplicates", chaos::duplicate_problems(server, *c));
  }
  // Nothing lost: the server holds exactly what was entered, and every edit once.
  CHECK(server_values(server.data(), kCommuneA) == want_a);
  CHECK(server_values(server.data(), kCommuneB) == want_b);
  FieldMap want_district = want_d;
  want_district.insert(want_a.begin(), want_a.end());
  want_district.insert(want_b.begin(), want_b.end());
  CHECK(server_values(server.data(), chaos::kDistrict) == want_district);
  CHECK(server_count(server.data(), "SELECT count(*) FROM field_history") == made);
  CHECK(server_count(server.data(), "SELECT count(*) FROM conflicts") == 0);
}

TEST_CASE("a commune's whole report gets through a 64 kbit/s, 500 ms link",
          "[e2e][chaos][link][slow]") {
  SyncServer server;
  TempDir dir("tongket-chaos-slow");
  SyncClient a(dir.path(), "commune-a");
  a.init(kCommuneA, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  const auto rows = chaos::report_values(UnitLevel::commune, 1);
  const auto texts = chaos::report_texts(UnitLevel::commune, 1);
  write_file(dir / "report.csv", chaos::csv_of(rows));
  auto imported = a.run({"import", (dir / "report.csv").string()});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  std::size_t text_bytes = 0;
  for (const auto& [section, text] : texts) {
    a.text(section, text);
    text_bytes += text.size();
  }

  FaultProxy proxy(server.port(), {"--bandwidth-bps", "64000", "--latency-ms", "500"});
  const auto start = std::chrono::steady_clock::now();
  auto r = a.sync(proxy.url(), 3);
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  INFO(r.out << r.err << "\nserver log:\n" << server.log());
  REQUIRE(r.exit_code == 0);
  std::printf(
      "chaos slow link (64 kbit/s, 500 ms each way): %zu values and %zu sections (%zu bytes of "
      "text) synced in %.1f s\n",
      rows.size(), texts.size(), text_bytes, took.count());
  std::fflush(stdout);
  WARN("64 kbit/s, 500 ms: a commune's report synced in " << took.count() << " s");

  require_no_problems("converged", chaos::convergence_problems(server, a, kCommuneA));
  require_no_problems("cursor", chaos::cursor_problems(server, a, kCommuneA));
  require_no_problems("server", server_integrity_problems(server.data()));
  CHECK(server_values(server.data(), kCommuneA) == chaos::expected_fields(kCommuneA, rows, texts));
}
