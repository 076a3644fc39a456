// tongket-server backup / restore with real processes: an online backup of a serving server,
// checked; a restore refused while the server runs; and after a restore, the clients that
// synced after the backup keep what they hold (cursor_reset: they pull again) and bring the
// server back up to date with their next edit (gap: they re-send the change sets it lost).
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "server_fixture.hpp"
#include "sync_world.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

constexpr const char* kCommuneA = "25489";
constexpr const char* kCommuneB = "25492";

// A data dir whose store is a copy of `file`, to read it with the server-store readers.
fs::path as_data_dir(const fs::path& file, const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy_file(file, dir / "tongket-server.db");
  return dir;
}

}  // namespace

TEST_CASE("backup while serving, restore, and clients that are ahead catch the server up",
          "[package][backup]") {
  SyncServer server;
  TempDir dir("tongket-backup");
  SyncClient a(dir.path(), "a"), b(dir.path(), "b");
  a.init(kCommuneA, "Nguyễn Văn A");
  b.init(kCommuneB, "Trần Thị B");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.text("KH.X.1.1", "Xã Tân Lập: trước khi sao lưu.\n");
  b.set("PL2.1", "2018", "1");
  a.sync_ok();
  b.sync_ok();

  // Online: the server keeps running and serving across the backup.
  const fs::path backup = dir / "backup.db";
  const ServerData at_backup = server_data(server.data());
  auto r = server.admin({"backup", "--out", backup.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("integrity ok"));
  CHECK(server_data(as_data_dir(backup, dir / "check")) == at_backup);
  // One self-contained file: header bytes 18-19 say rollback journal (1), not WAL (2).
  CHECK(read_file(backup).at(18) == 1);
  CHECK_FALSE(fs::exists(backup.string() + "-wal"));

  SECTION("bad requests are refused and change nothing") {
    auto again = server.admin({"backup", "--out", backup.string()});
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Contains("exists"));
    write_file(dir / "not-a-store.db", "this is not SQLite at all, just text");
    auto garbage = server.admin({"restore", "--from", (dir / "not-a-store.db").string()});
    CHECK(garbage.exit_code != 0);
    CHECK_THAT(garbage.err, Contains("not-a-store.db"));
    CHECK(server_data(server.data()) == at_backup);
  }

  // After the backup, both clients write and sync: the server moves ahead of the backup.
  a.set("PL1.4", "2017", "4");
  a.text("KH.X.1.1", "Xã Tân Lập: sau khi sao lưu.\n");
  b.set("PL2.1", "2019", "2");
  a.sync_ok();
  b.sync_ok();
  const ServerData before_restore = server_data(server.data());
  REQUIRE_FALSE(before_restore == at_backup);

  // A running server holds the store: restore refuses and leaves it as it was.
  auto busy = server.admin({"restore", "--from", backup.string()});
  CHECK(busy.exit_code != 0);
  CHECK_THAT(busy.err, Contains("stop the server first"));
  CHECK(server_data(server.data()) == before_restore);

  server.kill9();
  auto restored = server.admin({"restore", "--from", backup.string()});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == 0);
  CHECK(server_data(server.data()) == at_backup);
  // The store it replaced is kept, whole.
  fs::path kept;
  for (const auto& e : fs::directory_iterator(server.data()))
    if (e.path().filename().string().find(".before-restore-") != std::string::npos) kept = e.path();
  REQUIRE_FALSE(kept.empty());
  CHECK(server_data(as_data_dir(kept, dir / "kept")) == before_restore);

  // The clients are ahead of the restored server. A sync with nothing to send meets
  // cursor_reset (their pull cursors are past the restored log): they pull again from the start
  // and keep every value they hold.
  server.start();
  const FieldMap a_held = a.values(), b_held = b.values();
  a.sync_ok();
  b.sync_ok();
  CHECK(a.values() == a_held);
  CHECK(b.values() == b_held);
  // Their next edit meets gap (the server expects a change set it lost): they re-send every
  // change set from there, and the server holds all of it again.
  a.set("PL1.4", "2018", "5");
  b.set("PL2.1", "2020", "3");
  for (int round = 0; round < 2; ++round) {
    a.sync_ok();
    b.sync_ok();
  }
  CHECK(server_values(server.data(), kCommuneA) == a.values());
  CHECK(server_values(server.data(), kCommuneB) == b.values());
  FieldMap expected = before_restore.values;
  expected[{kCommuneA, "v:PL1.4:2018"}] = 5;
  expected[{kCommuneB, "v:PL2.1:2020"}] = 3;
  CHECK(server_data(server.data()).values == expected);
  CHECK(server_data(server.data()).change_sets == before_restore.change_sets + 2);
  CHECK(server_integrity_problems(server.data()).empty());
}

TEST_CASE("backups taken while a client keeps pushing are each one consistent state",
          "[package][backup]") {
  SyncServer server;
  TempDir dir("tongket-backup-busy");
  SyncClient a(dir.path(), "a");
  a.init(kCommuneA, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommuneA, "clerk"));

  // The writer: edit and sync, again and again, in the background (no Catch macros in a
  // thread: it only records what happened).
  std::atomic<bool> done{false};
  std::vector<int> exit_codes;
  std::thread writer([&] {
    for (int i = 1; i <= 12; ++i) {
      exit_codes.push_back(a.run({"set", "PL1.4", "2016", std::to_string(i)}).exit_code);
      exit_codes.push_back(a.sync().exit_code);
    }
    done = true;
  });
  std::vector<fs::path> backups;
  while (!done || backups.empty()) {
    backups.push_back(dir / ("busy-" + std::to_string(backups.size()) + ".db"));
    auto r = server.admin({"backup", "--out", backups.back().string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
  }
  writer.join();
  for (int code : exit_codes) CHECK(code == 0);

  // Every copy is a state the server was in after some commit: whole change sets, a log
  // whose running hash chains, device heads that are their last change sets.
  std::int64_t last_change_sets = -1;
  for (std::size_t i = 0; i < backups.size(); ++i) {
    auto copy = as_data_dir(backups[i], dir / ("copy-" + std::to_string(i)));
    INFO(backups[i]);
    CHECK(server_integrity_problems(copy).empty());
    auto change_sets = server_data(copy).change_sets;
    CHECK(change_sets >= last_change_sets);  // taken one after the other
    last_change_sets = change_sets;
  }
  CHECK(server_data(server.data()).change_sets >= last_change_sets);
  CHECK(server_values(server.data(), kCommuneA).at({kCommuneA, "v:PL1.4:2016"}) == 12);
}
