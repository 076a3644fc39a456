// Sync end to end: the real tongket-server (HTTPS, dev certificates) and three real `tongket`
// clients in temp dirs: two communes of Huyện Tân Biên and the district's reviewer. After
// offline edits and syncs, every client holds exactly the server's values for its scope;
// concurrent edits give one winner everywhere and a conflict record on every replica.
#include <catch2/catch.hpp>

#include "sync_world.hpp"

using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kDistrict = "705";    // Huyện Tân Biên
constexpr const char* kCommuneA = "25489";  // Xã Tân Lập
constexpr const char* kCommuneB = "25492";  // Xã Thạnh Bắc

// Two communes and the district's reviewer, enrolled with tokens from the admin command.
struct World {
  SyncServer server;
  TempDir dir{"tongket-sync-e2e"};
  SyncClient a{dir.path(), "commune-a"};
  SyncClient b{dir.path(), "commune-b"};
  SyncClient d{dir.path(), "district"};

  World() {
    a.init(kCommuneA, "Nguyễn Văn A");
    b.init(kCommuneB, "Lê Thị B");
    d.init(kDistrict, "Trần Văn D");
    a.enroll(server, server.token(kCommuneA, "clerk"));
    b.enroll(server, server.token(kCommuneB, "clerk"));
    d.enroll(server, server.token(kDistrict, "district_reviewer"));
  }

  void sync_ok(const SyncClient& c) {
    auto r = c.sync();
    INFO(c.store() << ":\n" << r.out << r.err << "\nserver log:\n" << server.log());
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("0 refused"));
  }

  // Each client holds exactly the server's values for its scope, and nothing is left unsent.
  void check_converged() {
    const std::vector<std::pair<SyncClient*, const char*>> scopes = {
        {&a, kCommuneA}, {&b, kCommuneB}, {&d, kDistrict}};
    for (auto [client, scope] : scopes) {
      const auto on_server = server_values(server.data(), scope);
      const auto on_client = client->values();
      INFO("scope " << scope << "\nserver:\n"
                    << describe(on_server) << "client " << client->store() << ":\n"
                    << describe(on_client));
      CHECK(on_client == on_server);
      CHECK(client->count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 0);
      CHECK(client->count("SELECT count(*) FROM field WHERE dirty = 1") == 0);
    }
  }
};

std::string text_of(const FieldMap& m, const std::string& unit, const std::string& key) {
  auto it = m.find({unit, key});
  REQUIRE(it != m.end());
  REQUIRE(it->second.is_string());
  return it->second.get<std::string>();
}

}  // namespace

TEST_CASE("offline edits on every laptop, then sync: each holds the server's data for its scope",
          "[e2e][sync]") {
  World w;

  // The link is down while everybody works.
  w.server.kill9();
  w.a.set("PL1.4", "2016", "3");
  w.a.set("PL1.4", "2017", "4");
  w.a.set("PL2.1", "2018", "1");
  w.a.text("KH.X.1.1", "Xã Tân Lập: kết quả CCHC.\nDòng hai.\n");
  w.a.set("PL1.4", "2017", "5");  // edited twice offline: the last edit counts
  w.b.set("PL1.4", "2016", "8");
  w.b.text("KH.X.2.1", "Mục tiêu của Xã Thạnh Bắc.\n");
  w.d.set("PL1.4", "2016", "12");             // the district's own report
  w.d.text("KH.H.1.1", "Huyện Tân Biên.\n");  //
  w.d.set("PL2.1", "2019", "2", kCommuneB);   // the reviewer corrects a commune
  auto offline = w.a.sync();
  CHECK(offline.exit_code == 5);  // no server: a network problem, nothing lost
  CHECK(w.a.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 5);

  w.server.start();
  w.sync_ok(w.a);
  w.sync_ok(w.b);
  w.sync_ok(w.d);  // pulls both communes' edits
  w.sync_ok(w.a);
  w.sync_ok(w.b);  // pulls the reviewer's correction
  w.check_converged();

  // What each scope holds, concretely.
  const auto district = server_values(w.server.data(), kDistrict);
  CHECK(district.size() == 9);
  CHECK(district.at({kCommuneA, "v:PL1.4:2017"}) == 5);
  CHECK(district.at({kCommuneB, "v:PL2.1:2019"}) == 2);
  CHECK(district.at({kDistrict, "v:PL1.4:2016"}) == 12);
  const auto a_values = w.a.values();
  CHECK(a_values.size() == 4);
  for (const auto& [key, value] : a_values) CHECK(key.first == kCommuneA);
  const auto b_values = w.b.values();
  CHECK(b_values.size() == 3);
  CHECK(b_values.at({kCommuneB, "v:PL2.1:2019"}) == 2);
  for (const auto& [key, value] : b_values) CHECK(key.first == kCommuneB);
  // Every edit is in the server's history once (A's two edits of PL1.4 2017 included).
  CHECK(server_count(w.server.data(), "SELECT count(*) FROM field_history") == 10);
  CHECK(server_integrity_problems(w.server.data()).empty());

  // A second round moves nothing.
  auto again = w.d.sync();
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("sent 0 change set(s)"));
  CHECK_THAT(again.out, Contains("pulled 0 change(s)"));
  w.check_converged();
}

TEST_CASE("the same value edited concurrently: one winner everywhere, the other kept aside",
          "[e2e][sync][conflict]") {
  World w;
  w.a.set("PL1.4", "2016", "3");
  w.sync_ok(w.a);
  w.sync_ok(w.d);  // both have seen version 1

  w.a.set("PL1.4", "2016", "9");
  w.d.set("PL1.4", "2016", "11", kCommuneA);
  w.sync_ok(w.d);  // the reviewer's edit reaches the server first: it stays current
  auto late = w.a.sync();
  INFO(late.out << late.err);
  REQUIRE(late.exit_code == 0);
  CHECK_THAT(late.out, Contains("1 conflict(s)"));
  w.sync_ok(w.d);
  w.sync_ok(w.b);
  w.check_converged();

  const auto key = std::pair<std::string, std::string>{kCommuneA, "v:PL1.4:2016"};
  CHECK(server_values(w.server.data(), kCommuneA).at(key) == 11);
  CHECK(w.a.values().at(key) == 11);
  CHECK(w.d.values().at(key) == 11);

  const auto on_server = server_conflicts(w.server.data());
  REQUIRE(on_server.size() == 1);
  CHECK(on_server[0].unit == kCommuneA);
  CHECK(on_server[0].field == "v:PL1.4:2016");
  CHECK(on_server[0].current == 11);
  CHECK(on_server[0].other == 9);
  CHECK(on_server[0].open);
  CHECK(client_conflicts(w.a) == on_server);
  CHECK(client_conflicts(w.d) == on_server);
  CHECK(client_conflicts(w.b).empty());  // not in its scope
  // Both values are in the history (SQLite's v5 keeps a history value in its event: portable
  // SQL reads it through the log).
  CHECK(server_count(w.server.data(),
                     "SELECT count(*) FROM field_history h JOIN pull_log p ON p.seq = h.version "
                     "WHERE h.field = 'v:PL1.4:2016' AND coalesce(h.value, p.value) IN ('9', "
                     "'11')") == 2);
  auto listed = w.a.run({"conflicts"});
  CHECK_THAT(listed.out, Contains("conflict " + std::to_string(on_server[0].id) + " [open]"));

  SECTION("resolving it on one laptop settles it everywhere") {
    auto resolve =
        w.a.run({"conflicts", "resolve", std::to_string(on_server[0].id), "--keep", "other"});
    INFO(resolve.err);
    REQUIRE(resolve.exit_code == 0);
    w.sync_ok(w.a);
    w.sync_ok(w.d);
    w.check_converged();
    CHECK(server_values(w.server.data(), kCommuneA).at(key) == 9);
    CHECK(w.d.values().at(key) == 9);
    const auto after = server_conflicts(w.server.data());
    REQUIRE(after.size() == 1);
    CHECK_FALSE(after[0].open);
    CHECK(client_conflicts(w.a) == after);
    CHECK(client_conflicts(w.d) == after);
  }
}

TEST_CASE("narrative text: edits of different lines merge, edits of the same line conflict",
          "[e2e][sync][conflict]") {
  World w;
  const std::string key = "t:KH.X.1.1";
  w.a.text("KH.X.1.1", "dòng 1\ndòng 2\ndòng 3\ndòng 4\ndòng 5\n");
  w.sync_ok(w.a);
  w.sync_ok(w.d);

  // The commune rewrites line 1, the reviewer line 5, both from the same base.
  w.a.text("KH.X.1.1", "dòng 1 (xã sửa)\ndòng 2\ndòng 3\ndòng 4\ndòng 5\n");
  w.d.text("KH.X.1.1", "dòng 1\ndòng 2\ndòng 3\ndòng 4\ndòng 5 (huyện sửa)\n", kCommuneA);
  w.sync_ok(w.a);
  w.sync_ok(w.d);
  w.sync_ok(w.a);
  w.check_converged();
  const std::string merged = "dòng 1 (xã sửa)\ndòng 2\ndòng 3\ndòng 4\ndòng 5 (huyện sửa)\n";
  CHECK(text_of(server_values(w.server.data(), kCommuneA), kCommuneA, key) == merged);
  CHECK(text_of(w.a.values(), kCommuneA, key) == merged);
  CHECK(text_of(w.d.values(), kCommuneA, key) == merged);
  CHECK(server_conflicts(w.server.data()).empty());
  CHECK(server_count(w.server.data(),
                     "SELECT count(*) FROM field_history WHERE outcome = 'merged'") == 1);

  // Now both rewrite line 3: no clean merge.
  w.a.text("KH.X.1.1", "dòng 1 (xã sửa)\ndòng 2\ndòng 3 của xã\ndòng 4\ndòng 5 (huyện sửa)\n");
  w.d.text("KH.X.1.1", "dòng 1 (xã sửa)\ndòng 2\ndòng 3 của huyện\ndòng 4\ndòng 5 (huyện sửa)\n",
           kCommuneA);
  w.sync_ok(w.a);
  w.sync_ok(w.d);
  w.sync_ok(w.a);
  w.check_converged();
  const std::string commune_text =
      "dòng 1 (xã sửa)\ndòng 2\ndòng 3 của xã\ndòng 4\ndòng 5 (huyện sửa)\n";
  CHECK(text_of(server_values(w.server.data(), kCommuneA), kCommuneA, key) == commune_text);
  CHECK(text_of(w.d.values(), kCommuneA, key) == commune_text);
  const auto conflicts = server_conflicts(w.server.data());
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].field == key);
  CHECK(conflicts[0].current == commune_text);
  CHECK(conflicts[0].other ==
        "dòng 1 (xã sửa)\ndòng 2\ndòng 3 của huyện\ndòng 4\ndòng 5 (huyện sửa)\n");
  CHECK(client_conflicts(w.a) == conflicts);
  CHECK(client_conflicts(w.d) == conflicts);
}
