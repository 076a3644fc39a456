// The client store's damage check (PRAGMA quick_check) runs when it matters, not on every
// command: after an unclean shutdown (a process that wrote to the store killed with SIGKILL),
// on demand (`tongket check`), and when the last check is older than kStoreCheckDays; never on
// a clean re-open. Observed through what the store records (meta check_count/check_reason),
// not through timing. A damaged store is refused with exit 4 and left byte-identical.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <sqlite3.h>
#include "chaos_process.hpp"
#include "cli_fixture.hpp"
#include "temp_dir.hpp"
#include "tongket/client_store.hpp"
#include "tongket/workspace.hpp"

using Catch::Contains;
using namespace std::chrono_literals;
using tongket::test::CliFixture;
namespace fs = std::filesystem;

namespace {

// Read with a read-write connection: a read-only one cannot remove the WAL when it closes,
// and a WAL left beside the store is what an unclean shutdown looks like.
std::string meta(const fs::path& store, const std::string& key) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, nullptr) ==
          SQLITE_OK);
  sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void raw_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("the store check: not on a clean re-open, after a kill -9, on demand, when due",
          "[store][check]") {
  CliFixture cli;
  cli.init("25459");
  const auto store = cli.store();
  // A new store records its creation as checked; clean commands do not check again.
  REQUIRE_FALSE(meta(store, "check_at").empty());
  for (int i = 0; i < 2; ++i) REQUIRE(cli.tongket({"status"}).exit_code == 0);
  REQUIRE(cli.tongket({"set", "PL1.4", "2016", "3"}).exit_code == 0);
  CHECK(meta(store, "check_count").empty());
  CHECK_FALSE(fs::exists(fs::path(store) += "-wal"));

  SECTION("after a process that wrote to the store was killed") {
    // `text set --file FIFO` opens the store, then blocks reading the FIFO: killed there. Its
    // open wrote (a check was due and recorded), so it leaves a WAL with frames, as a clerk's
    // program killed while saving does.
    raw_exec(store, "UPDATE meta SET value = '0' WHERE key = 'check_at'");
    const auto wal = fs::path(store) += "-wal";
    REQUIRE_FALSE(fs::exists(wal));
    const auto fifo = cli.dir() / "blocks.txt";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    tongket::test::ProcessOptions options;
    options.env["TONGKET_DATA"] = std::string(TONGKET_SOURCE_DIR) + "/data";
    tongket::test::KillableProcess holder({TONGKET_CLIENT_BIN, "text", "set", "KH.X.1.1", "--file",
                                           fifo.string(), "--store", store.string()},
                                          options, cli.dir() / "holder");
    // Killed once its write is committed (then it blocks on the FIFO). Polled gently: every
    // look opens the store too.
    const bool committed = holder.wait_until(
        [&] {
          std::this_thread::sleep_for(20ms);
          return meta(store, "check_count") == "1";
        },
        30s);
    INFO("the holder said: " << holder.err());
    REQUIRE(committed);
    holder.kill9();
    REQUIRE(fs::file_size(wal) > 0);  // the unclean shutdown's trace
    auto after = cli.tongket({"status"});
    INFO(after.err);
    REQUIRE(after.exit_code == 0);
    CHECK(meta(store, "check_count") == "2");  // the killed one's (due), then this one's
    CHECK(meta(store, "check_reason") == "unclean");
    // That open closed cleanly: the next one does not check again.
    REQUIRE(cli.tongket({"get", "PL1.4", "2016"}).out == "3\n");
    CHECK(meta(store, "check_count") == "2");
  }

  SECTION("not after a killed process that only read") {
    const auto fifo = cli.dir() / "blocks.txt";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    tongket::test::ProcessOptions options;
    options.env["TONGKET_DATA"] = std::string(TONGKET_SOURCE_DIR) + "/data";
    tongket::test::KillableProcess reader({TONGKET_CLIENT_BIN, "text", "set", "KH.X.1.1", "--file",
                                           fifo.string(), "--store", store.string()},
                                          options, cli.dir() / "reader");
    REQUIRE(reader.wait_until([&] { return fs::exists(fs::path(store) += "-wal"); }, 30s));
    reader.kill9();
    REQUIRE(cli.tongket({"status"}).exit_code == 0);
    CHECK(meta(store, "check_count").empty());
  }

  SECTION("on demand") {
    auto check = cli.tongket({"check"});
    INFO(check.err);
    REQUIRE(check.exit_code == 0);
    CHECK_THAT(check.out, Contains("no damage found") && Contains("1 check(s)"));
    CHECK(meta(store, "check_count") == "1");
    CHECK(meta(store, "check_reason") == "requested");
    cli.lang = "vi_VN.UTF-8";
    CHECK_THAT(cli.tongket({"check", "--help"}).out, Contains("kiểm tra ngay kho dữ liệu"));
  }

  SECTION("when the last check is older than the period") {
    const auto old = std::to_string(std::uint64_t{1'600'000'000'000});  // 2020
    raw_exec(store, "UPDATE meta SET value = '" + old + "' WHERE key = 'check_at'");
    REQUIRE(cli.tongket({"status"}).exit_code == 0);
    CHECK(meta(store, "check_count") == "1");
    CHECK(meta(store, "check_reason") == "due");
    CHECK(meta(store, "check_at") != old);
    REQUIRE(cli.tongket({"status"}).exit_code == 0);
    CHECK(meta(store, "check_count") == "1");
  }
}

TEST_CASE("a damaged store is refused by the check with exit 4 and left byte-identical",
          "[store][check]") {
  tongket::test::TempDir dir;
  const auto file = dir / "t.db";
  {
    auto s = tongket::ClientStore::create(file, "25459", "cchc-2011-2020", 1);
    std::vector<tongket::FieldWrite> batch;
    for (int i = 0; i < 500; ++i)
      batch.push_back(
          {"25459", tongket::FieldKey::text("S" + std::to_string(i)), std::string(200, 'a')});
    s.set_fields(batch, "A", 1);
  }
  raw_exec(file, "PRAGMA journal_mode = DELETE");
  auto bytes = tongket::test::read_file(file);
  REQUIRE(bytes.size() > 16 * 4096);
  // Scribble over the last pages (the fields' and outbox's b-trees, written last), keeping
  // the header and the meta table's early page readable.
  for (std::size_t i = bytes.size() - 4 * 4096; i < bytes.size() - 4096; ++i)
    bytes[i] = static_cast<char>(i * 7);
  tongket::test::write_file(file, bytes);
  const auto damaged = tongket::test::read_file(file);
  auto check = tongket::test::run({TONGKET_CLIENT_BIN, "check", "--store", file.string()}, "",
                                  {{"TONGKET_DATA", std::string(TONGKET_SOURCE_DIR) + "/data"}});
  CHECK(check.exit_code == 4);
  CHECK_THAT(check.err, Contains("damaged") && Contains("restore it from a backup"));
  CHECK(tongket::test::read_file(file) == damaged);
  // In-process too: the check refuses it as store_corrupt.
  try {
    tongket::ClientStore::open(file, tongket::StoreCheck::always);
    FAIL("a damaged store was opened");
  } catch (const tongket::Error& e) {
    CHECK(e.code() == tongket::Errc::store_corrupt);
  }
  CHECK(tongket::test::read_file(file) == damaged);
}

TEST_CASE("the installed template is parsed once per process", "[store][check]") {
  tongket::test::TempDir dir;
  tongket::client::WorkspaceOptions options;
  options.store = dir / "t.db";
  ::setenv("TONGKET_DATA", (std::string(TONGKET_SOURCE_DIR) + "/data").c_str(), 1);
  tongket::client::Workspace::create(options, "25459", "A");
  const auto before = tongket::client::Workspace::template_parses();
  for (int i = 0; i < 3; ++i) {
    auto ws = tongket::client::Workspace::open(options);
    CHECK(ws.unit().template_id == "cchc-2011-2020");
  }
  CHECK(tongket::client::Workspace::template_parses() == before);
  CHECK(before == 1);
}

TEST_CASE("a second connection of the same process is not taken for an unclean shutdown",
          "[store][check]") {
  tongket::test::TempDir dir;
  const auto file = dir / "t.db";
  auto first = tongket::ClientStore::create(file, "25459", "cchc-2011-2020", 1);
  first.set_meta("author", "A");
  REQUIRE(fs::exists(fs::path(file) += "-wal"));  // the first connection's, still open
  {
    auto second = tongket::ClientStore::open(file);  // as the web app's sync worker does
    CHECK_FALSE(second.meta("check_count"));
  }
  CHECK_FALSE(first.meta("check_count"));
}
