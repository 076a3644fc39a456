// Sync over a bad link, end to end: the real server, the real client, and tongket-fault-proxy
// between them. A push whose reply is lost is applied once; a server killed (SIGKILL) in the
// middle of a push keeps whole change sets only, and the client's retry converges.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "sync_world.hpp"
#include "tongket/sync/bytes.hpp"

using namespace tongket::test;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

constexpr const char* kCommune = "25489";  // Xã Tân Lập, Huyện Tân Biên

// Polls `done` every few milliseconds; false if it did not become true within `limit`.
template <class F>
bool wait_for(F done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(3ms);
  }
  return false;
}

std::int64_t device_change_sets(const SyncServer& server, const std::string& device) {
  return server_count(server.data(), "SELECT count(*) FROM change_sets WHERE device = ?1", device);
}

// Operations the device packed, and the server's history rows for them: each op at most once.
void check_each_op_once(const SyncServer& server, const SyncClient& client) {
  const std::string device = client.meta("device_id");
  const auto packed = client.count("SELECT coalesce(sum(op_count), 0) FROM change_set");
  const auto rows = server_count(
      server.data(), "SELECT count(*) FROM field_history_full WHERE device = ?1", device);
  const auto distinct = server_count(server.data(),
                                     "SELECT count(*) FROM (SELECT DISTINCT cs_seq, op_id FROM "
                                     "field_history_full WHERE device = ?1)",
                                     device);
  CHECK(rows == packed);
  CHECK(distinct == rows);
}

void check_client_matches_server(const SyncServer& server, const SyncClient& client,
                                 const std::string& scope) {
  const auto on_server = server_values(server.data(), scope);
  const auto on_client = client.values();
  INFO("server:\n" << describe(on_server) << "client:\n" << describe(on_client));
  CHECK(on_client == on_server);
  CHECK(client.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 0);
  CHECK(client.count("SELECT count(*) FROM change_set WHERE state <> 'acked'") == 0);
}

// About `bytes` of text in lines of words, different on every call: compresses like prose
// (about 3:1), so that a batch takes a while on a slow link without being mostly noise.
std::string prose(std::size_t bytes) {
  static const std::vector<std::string> words = {
      "cải", "cách",  "hành",  "chính", "thủ",   "tục",  "một",  "cửa",  "liên",  "thông",
      "xã",  "huyện", "tỉnh",  "cán",   "bộ",    "công", "chức", "kết",  "quả",   "năm",
      "đạt", "kế",    "hoạch", "dân",   "người", "hồ",   "sơ",   "trực", "tuyến", "dịch"};
  std::string out;
  const auto noise = tongket::sync::random_bytes(bytes / 4 + 16);
  std::size_t i = 0;
  while (out.size() < bytes) {
    out += words[noise[i % noise.size()] % words.size()];
    out += (noise[(i + 7) % noise.size()] % 12 == 0) ? "\n" : " ";
    ++i;
  }
  return out + "\n";
}

const std::vector<std::string> kSections = {"KH.X.1.1", "KH.X.1.2", "KH.X.1.3", "KH.X.2.1",
                                            "KH.X.2.2", "KH.X.2.3", "KH.X.3"};

}  // namespace

TEST_CASE("the reply to a push is lost: the retry is a duplicate, applied once",
          "[e2e][sync][faults]") {
  SyncServer server;
  TempDir dir("tongket-sync-faults");
  SyncClient a(dir.path(), "commune-a");
  a.init(kCommune, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommune, "clerk"));
  const std::string device = a.meta("device_id");
  a.set("PL1.4", "2016", "3");
  a.set("PL1.4", "2017", "4");
  a.text("KH.X.1.1", "Kết quả.\n");

  // 400 ms each way: the reply is still in the proxy when the server has committed the push;
  // the link dies then (the proxy is killed), so the client never sees the reply.
  FaultProxy proxy(server.port(), {"--latency-ms", "400"});
  auto in_flight = std::async(std::launch::async, [&] { return a.sync(proxy.url(), 1); });
  const bool applied = wait_for([&] { return device_change_sets(server, device) == 1; }, 30s);
  proxy.kill9();
  auto cut = in_flight.get();
  INFO(cut.out << cut.err << "\nserver log:\n" << server.log());
  REQUIRE(applied);
  CHECK(cut.exit_code == 5);  // a network problem: try again later
  CHECK_THAT(cut.err, Contains("no answer from"));
  // The server applied it; the client still waits for the result.
  CHECK(server_count(server.data(), "SELECT count(*) FROM field_history_full WHERE device = ?1",
                     device) == 3);
  CHECK(a.count("SELECT count(*) FROM change_set WHERE state = 'sent'") == 1);
  CHECK(a.count("SELECT count(*) FROM outbox WHERE state = 'packed'") == 3);

  auto retry = a.sync();
  INFO(retry.out << retry.err);
  REQUIRE(retry.exit_code == 0);
  CHECK_THAT(retry.out, Contains("sent 1 change set(s): 0 applied, 1 already there"));
  CHECK(device_change_sets(server, device) == 1);
  check_each_op_once(server, a);
  check_client_matches_server(server, a, kCommune);
  CHECK(server_integrity_problems(server.data()).empty());
  auto status = a.run({"status"});
  CHECK_THAT(status.out, Contains("outbox: 0 edit(s) not yet packed, 0 sent and waiting"));
}

TEST_CASE("the server is killed (SIGKILL) in the middle of a push: whole change sets only",
          "[e2e][sync][faults][slow]") {
  SyncServer server;
  TempDir dir("tongket-sync-kill");
  SyncClient a(dir.path(), "commune-a");
  a.init(kCommune, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommune, "clerk"));
  const std::string device = a.meta("device_id");

  // A big outbox: every narrative section of the commune, rewritten three times; about
  // 60 KB each, so about two per change set (client::kValueBytesPerChangeSet) and more
  // change sets than one push batch holds.
  const int rounds = 3;
  for (int round = 1; round <= rounds; ++round)
    for (const auto& section : kSections) a.text(section, prose(60'000));
  const auto ops = a.count("SELECT count(*) FROM outbox");
  REQUIRE(ops == static_cast<std::int64_t>(kSections.size()) * rounds);

  // A slow link, so that the push is in flight for a while; kill -9 the server as soon as
  // it has committed its first change set of the batch.
  FaultProxy proxy(server.port(), {"--bandwidth-bps", "1600000"});
  auto in_flight = std::async(std::launch::async, [&] { return a.sync(proxy.url(), 1); });
  const bool started = wait_for([&] { return device_change_sets(server, device) >= 1; }, 60s);
  server.kill9();
  auto killed = in_flight.get();
  INFO(killed.out << killed.err);
  REQUIRE(started);
  CHECK(killed.exit_code == 5);
  const auto packed = a.count("SELECT count(*) FROM change_set");
  const auto stored_at_kill = device_change_sets(server, device);
  INFO("change sets: " << packed << " packed, " << stored_at_kill << " stored when killed");
  CHECK(packed > 1);
  CHECK(stored_at_kill < packed);  // the kill landed in the middle of the push
  WARN("SIGKILL landed with " << stored_at_kill << " of " << packed
                              << " change sets stored by the server");

  server.start();  // same data dir, same port
  const auto problems = server_integrity_problems(server.data());
  INFO([&] {
    std::string s;
    for (const auto& p : problems) s += p + "\n";
    return s;
  }());
  CHECK(problems.empty());
  const auto acked = a.count("SELECT count(*) FROM change_set WHERE state = 'acked'");
  auto retry = a.sync({}, 3);
  INFO(retry.out << retry.err << "\nserver log:\n" << server.log());
  REQUIRE(retry.exit_code == 0);
  CHECK_THAT(retry.out, Contains("0 refused"));
  // What the server stored before it died comes back as already there, the rest is applied.
  CHECK_THAT(retry.out, Contains(std::to_string(packed - stored_at_kill) + " applied, " +
                                 std::to_string(stored_at_kill - acked) + " already there"));
  CHECK(device_change_sets(server, device) == packed);
  check_each_op_once(server, a);
  check_client_matches_server(server, a, kCommune);
  CHECK(server_integrity_problems(server.data()).empty());
}

TEST_CASE("a connection reset during the TLS handshake is a network problem: sync retries",
          "[e2e][sync][faults]") {
  SyncServer server;
  TempDir dir("tongket-sync-reset");
  SyncClient a(dir.path(), "commune-a");
  a.init(kCommune, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommune, "clerk"));
  a.set("PL1.4", "2016", "3");

  // Every connection is reset right after it is accepted, as a dying 2G link does: nothing
  // about the certificate is wrong, so the client must say "no answer" and try again.
  FaultProxy proxy(server.port(), {"--reset-rate", "1", "--reset-mode", "accept"});
  auto r = a.sync(proxy.url(), 3);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  std::size_t retries = 0;
  for (auto at = r.err.find("trying again"); at != std::string::npos;
       at = r.err.find("trying again", at + 1))
    ++retries;
  CHECK(retries == 2);
  CHECK_THAT(r.err, !Contains("cannot verify the server"));
  CHECK(a.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 1);

  auto direct = a.sync();
  CHECK(direct.exit_code == 0);
  CHECK(server_values(server.data(), kCommune) == a.values());
}
