// Field failures that stranded a laptop or hid a clerk's work, through the real server and
// clients over HTTPS: each edit judged on its own, refused edits kept visible and sent again.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "sync_world.hpp"

using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";
constexpr const char* kCommuneB = "25492";
constexpr int kExitRefused = 9;  // `tongket --help`: sync finished, some edits refused

}  // namespace

TEST_CASE("one refused edit does not take the others of its change set with it", "[e2e][refusal]") {
  SyncServer server;
  TempDir dir("tongket-refusal");
  SyncClient a(dir.path(), "xa-a"), d(dir.path(), "huyen");
  a.init(kCommuneA, "Cán bộ xã A");
  d.init(kDistrict, "Phòng Nội vụ");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  d.enroll(server, server.token(kDistrict, "district_reviewer"));
  d.sync_ok();

  // The district corrects two communes offline; meanwhile commune A submits (locked).
  d.set("PL1.4", "2016", "9", kCommuneA);
  d.set("PL1.4", "2016", "4", kCommuneB);
  a.set("PL1.4", "2016", "3");
  a.run_ok({"submit", "--override", "báo cáo thử: các mục còn trống"});
  a.sync_ok();

  auto r = d.sync();
  INFO(r.out << r.err);
  CHECK(r.exit_code == kExitRefused);
  CHECK_THAT(r.err, Contains("--retry-refused"));
  CHECK_THAT(r.out, Contains("REFUSED edit") && Contains("locked"));
  // B's edit was applied; A's kept aside with its own reason.
  auto values = server_values(server.data(), kDistrict);
  CHECK(values.at({kCommuneB, "v:PL1.4:2016"}) == 4);
  CHECK(values.at({kCommuneA, "v:PL1.4:2016"}) == 3);
  CHECK(server_integrity_problems(server.data()).empty());

  auto status = d.run_ok({"status"});
  INFO(status.out);
  CHECK_THAT(status.out, Contains("refused edit") && Contains("v:PL1.4:2016 (unit 25489) = 9") &&
                             Contains("25489") && Contains("locked"));
  CHECK_THAT(status.out, !Contains("(unit 25492)"));
  // A sync with nothing new still says the refusal stands (exit 0: nothing refused this time).
  CHECK(d.sync().exit_code == 0);
  CHECK_THAT(d.run_ok({"status"}).out, Contains("(unit 25489) = 9"));

  // Once the district returns A's report, the refused value goes through when sent again.
  d.run_ok({"review", "return", "--unit", kCommuneA, "--comment", "PL1.4 cần sửa"});
  auto again = d.run({"sync", "--quiet", "--attempts", "1", "--retry-refused"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("sending 1 refused edit(s) again"));
  CHECK(server_values(server.data(), kDistrict).at({kCommuneA, "v:PL1.4:2016"}) == 9);
  CHECK_THAT(d.run_ok({"status"}).out, !Contains("refused edit"));
  CHECK(server_integrity_problems(server.data()).empty());
}

TEST_CASE("a sync that fails prints no success summary before the error", "[e2e][refusal]") {
  SyncServer server;
  TempDir dir("tongket-sync-fail");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  REQUIRE(server.admin({"devices", "revoke", "--device", a.meta("device_id")}).exit_code == 0);
  auto r = a.sync();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.out, Contains("sync did NOT finish"));
  CHECK_THAT(r.err, Contains("revoked"));
}

TEST_CASE("a revoked laptop enrolls again and its unsent edits go out signed with the new key",
          "[e2e][enroll]") {
  SyncServer server;
  TempDir dir("tongket-reenroll");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.sync_ok();
  const std::string old_device = a.meta("device_id");

  // Revoked while it still has edits: one packed and signed by the old key, one not packed.
  REQUIRE(server.admin({"devices", "revoke", "--device", old_device}).exit_code == 0);
  a.set("PL1.4", "2017", "4");
  auto revoked = a.sync();
  INFO(revoked.out << revoked.err);
  REQUIRE(revoked.exit_code == 6);
  REQUIRE(a.count("SELECT count(*) FROM change_set WHERE state = 'sent'") == 1);
  a.set("PL2.1", "2018", "1");

  auto again = a.run({"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token",
                      server.token(kCommuneA, "clerk")});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("replaces device " + old_device));
  CHECK(a.meta("device_id") != old_device);
  CHECK(std::filesystem::exists(a.key_file().string() + ".old-" + old_device));

  a.sync_ok();
  auto values = server_values(server.data(), kCommuneA);
  CHECK(values.at({kCommuneA, "v:PL1.4:2016"}) == 3);
  CHECK(values.at({kCommuneA, "v:PL1.4:2017"}) == 4);
  CHECK(values.at({kCommuneA, "v:PL2.1:2018"}) == 1);
  CHECK(server_count(server.data(), "SELECT count(*) FROM change_sets WHERE device = ?1",
                     a.meta("device_id")) >= 1);
  CHECK(server_integrity_problems(server.data()).empty());
  CHECK(a.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 0);
  // The next edit continues the new chain.
  a.set("PL1.4", "2018", "5");
  a.sync_ok();
  CHECK(server_values(server.data(), kCommuneA).at({kCommuneA, "v:PL1.4:2018"}) == 5);
}

TEST_CASE("a token typed on the wrong store is not spent", "[e2e][enroll]") {
  SyncServer server;
  TempDir dir("tongket-wrong-store");
  SyncClient a(dir.path(), "xa-a"), b(dir.path(), "xa-b");
  a.init(kCommuneA, "Cán bộ xã A");
  b.init(kCommuneB, "Cán bộ xã B");
  const std::string token_b = server.token(kCommuneB, "clerk");
  auto wrong =
      a.run({"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token", token_b});
  INFO(wrong.out << wrong.err);
  CHECK(wrong.exit_code == 6);
  CHECK_THAT(wrong.err, Contains("is for unit 25492"));
  CHECK(server_count(server.data(), "SELECT count(*) FROM devices") == 0);
  CHECK(a.meta("device_id").empty());
  CHECK(!std::filesystem::exists(a.key_file()));
  b.enroll(server, token_b);  // the right store still can
  CHECK(server_count(server.data(), "SELECT count(*) FROM devices") == 1);
}

TEST_CASE("a key that cannot be saved is never registered", "[e2e][enroll]") {
  SyncServer server;
  TempDir dir("tongket-key-first");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  const std::string token = server.token(kCommuneA, "clerk");
  // Whatever temporary name the key file is written under, it cannot be created.
  for (const char* suffix : {".tmp", ".new.tmp"}) {
    std::filesystem::create_directories(a.key_file().string() + suffix + "/x");
  }
  auto r =
      a.run({"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token", token});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Contains("key file"));
  CHECK(server_count(server.data(), "SELECT count(*) FROM devices") == 0);
  for (const char* suffix : {".tmp", ".new.tmp"})
    std::filesystem::remove_all(a.key_file().string() + suffix);
  a.enroll(server, token);  // the token was not spent
}

namespace {

// Flips one bit of the signed bytes of the store's change set `seq` (a damaged disk sector).
void flip_stored_byte(const std::filesystem::path& store, std::int64_t seq) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(store.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* get = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT bytes FROM change_set WHERE seq = ?1", -1, &get,
                             nullptr) == SQLITE_OK);
  sqlite3_bind_int64(get, 1, seq);
  REQUIRE(sqlite3_step(get) == SQLITE_ROW);
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(get, 0));
  std::vector<unsigned char> bytes(data, data + sqlite3_column_bytes(get, 0));
  sqlite3_finalize(get);
  REQUIRE(bytes.size() > 20);
  bytes[bytes.size() - 3] ^= 0x01;  // inside the last operation's value
  sqlite3_stmt* put = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE change_set SET bytes = ?2 WHERE seq = ?1", -1, &put,
                             nullptr) == SQLITE_OK);
  sqlite3_bind_int64(put, 1, seq);
  sqlite3_bind_blob(put, 2, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  REQUIRE(sqlite3_step(put) == SQLITE_DONE);
  sqlite3_finalize(put);
  REQUIRE(sqlite3_changes(db) == 1);
  sqlite3_close(db);
}

// Text that gzip cannot shrink much: letters from a fixed pseudo-random sequence.
std::string noisy_text(unsigned seed, std::size_t n) {
  std::string s;
  unsigned x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s += static_cast<char>('a' + (x >> 16) % 26);
    if (i % 60 == 59) s += '\n';
  }
  return s;
}

}  // namespace

TEST_CASE("a damaged pending change set is rebuilt and re-signed, later edits are not stranded",
          "[e2e][damage]") {
  SyncServer server;
  TempDir dir("tongket-damage");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.sync_ok();
  // Packed and signed, but the link was down: the change set waits in the store.
  a.set("PL1.4", "2017", "4");
  auto down = a.sync("https://127.0.0.1:" + std::to_string(free_port()));
  REQUIRE(down.exit_code == 5);
  REQUIRE(a.count("SELECT count(*) FROM change_set WHERE state = 'sent' AND seq = 2") == 1);
  flip_stored_byte(a.store(), 2);
  a.set("PL2.1", "2018", "1");  // a later edit

  auto r = a.run({"sync", "--attempts", "1"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("damaged"));
  auto values = server_values(server.data(), kCommuneA);
  CHECK(values.at({kCommuneA, "v:PL1.4:2017"}) == 4);
  CHECK(values.at({kCommuneA, "v:PL2.1:2018"}) == 1);
  CHECK(server_integrity_problems(server.data()).empty());
  CHECK(a.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')") == 0);
}

TEST_CASE("the client sizes its change sets to the server's stated body limit", "[e2e][limit]") {
  SyncServer server({"--max-body", "4096"});
  TempDir dir("tongket-body-limit");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  const std::vector<std::string> sections = {"KH.X.1.1", "KH.X.1.2", "KH.X.1.3",
                                             "KH.X.2.1", "KH.X.2.2", "KH.X.2.3"};
  for (std::size_t i = 0; i < sections.size(); ++i)
    a.text(sections[i], noisy_text(static_cast<unsigned>(i), 1500));

  auto r = a.run({"sync", "--attempts", "1"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("4096"));
  auto values = server_values(server.data(), kCommuneA);
  for (std::size_t i = 0; i < sections.size(); ++i)
    CHECK(values.at({kCommuneA, "t:" + sections[i]}) == noisy_text(static_cast<unsigned>(i), 1500));
  CHECK(a.count("SELECT count(*) FROM change_set") > 1);
  CHECK(a.count("SELECT count(*) FROM change_set WHERE length(bytes) + 64 > 4096") == 0);
  CHECK(server_integrity_problems(server.data()).empty());
  // The next sync packs to the limit at once.
  a.text("KH.X.1.1", noisy_text(99, 3000));
  a.sync_ok();
}

TEST_CASE("a conflict reaches the client with the details the server sends", "[e2e][conflict]") {
  SyncServer server;
  TempDir dir("tongket-conflict-event");
  SyncClient a(dir.path(), "may-1"), b(dir.path(), "may-2");
  a.init(kCommuneA, "Người A");
  b.init(kCommuneA, "Người B");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.sync_ok();
  b.set("PL1.4", "2016", "8");  // concurrent: b never saw a's value
  b.sync_ok();
  a.sync_ok();
  const auto on_server = server_conflicts(server.data());
  REQUIRE(on_server.size() == 1);
  for (const auto* c : {&a, &b}) {
    INFO(c->store());
    CHECK(c->count("SELECT count(*) FROM conflict WHERE id = " + std::to_string(on_server[0].id) +
                   " AND current_value = '3' AND other_value = '8' AND current_author = 'Người A'"
                   // Quoted: a bare current_time is SQLite's CURRENT_TIME (the time of day),
                   // which made this check fail every evening from 20:00 UTC.
                   " AND current_hlc > 0 AND other_hlc > 0 AND \"current_time\" IS NOT NULL"
                   " AND other_time IS NOT NULL AND \"current_time\" <= other_time") == 1);
  }
}
