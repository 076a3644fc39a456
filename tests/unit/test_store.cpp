#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <filesystem>

#include "temp_dir.hpp"
#include "tongket/client_store.hpp"
#include "tongket/error.hpp"

using namespace tongket;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Runs SQL on a file with a separate raw connection, as another program would.
void raw_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(msg);
  REQUIRE(rc == SQLITE_OK);
}

std::int64_t raw_int(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  auto v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string raw_text(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  auto* p = sqlite3_column_text(st, 0);
  std::string v = p ? reinterpret_cast<const char*>(p) : "<NULL>";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

Errc open_error(const fs::path& file, std::string& message) {
  try {
    ClientStore::open(file);
  } catch (const Error& e) {
    message = e.what();
    return e.code();
  }
  FAIL("opening " << file << " did not fail");
  return Errc::internal;
}

const auto kValue = FieldKey::value("PL3.5.a.1", "2016");

}  // namespace

TEST_CASE("create makes a store that open finds again", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  {
    auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 3);
    CHECK(s.unit() == "25459");
    CHECK(s.meta("template_id") == "cchc-2011-2020");
    CHECK(s.meta("template_version") == "3");
    CHECK_FALSE(s.meta("device_id"));
    s.set_meta("author", "Nguyễn Văn A");
    s.set_meta("author", "Trần Thị B");
    s.set_field("25459", kValue, 12, "Trần Thị B", 1);
  }
  auto s = ClientStore::open(file);
  CHECK(s.unit() == "25459");
  CHECK(s.meta("author") == "Trần Thị B");
  CHECK(s.get_field("25459", kValue) == json(12));
  CHECK(s.outbox_count() == 1);
  CHECK(raw_text(file, "PRAGMA journal_mode") == "wal");
  CHECK(raw_int(file, "PRAGMA application_id") == kClientStoreApplicationId);
  CHECK(raw_int(file, "PRAGMA user_version") == client_store_schema_version());
}

TEST_CASE("create never overwrites an existing file", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  test::write_file(file, "my thesis");
  try {
    ClientStore::create(file, "25459", "cchc-2011-2020", 1);
    FAIL("create overwrote a file");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::io_error);
    CHECK_THAT(e.what(), Catch::Contains("already exists"));
  }
  CHECK(test::read_file(file) == "my thesis");
}

TEST_CASE("a missing store is reported with what to do", "[store]") {
  test::TempDir dir;
  std::string msg;
  CHECK(open_error(dir / "none.db", msg) == Errc::io_error);
  CHECK_THAT(msg, Catch::Contains("tongket init"));
  CHECK_FALSE(fs::exists(dir / "none.db"));
}

TEST_CASE("every write appends exactly one outbox operation", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 1);

  auto op1 = s.set_field("25459", kValue, 12, "A", 100);
  auto op2 = s.set_field("25459", FieldKey::text("P1.I"), "Văn bản\ncó dấu", "A", 101);
  auto op3 = s.set_field("25459", kValue, nullptr, "B", 102);  // cleared
  CHECK(op1 < op2);
  CHECK(op2 < op3);
  CHECK(s.outbox_count() == 3);
  CHECK(s.outbox_count(OpState::pending) == 3);
  CHECK(s.outbox_count(OpState::acked) == 0);

  auto ops = s.pending_ops();
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].id == op1);
  CHECK(ops[0].key == kValue);
  CHECK(ops[0].value == json(12));
  CHECK(ops[0].base == 0);
  CHECK(ops[0].hlc == 100);
  CHECK(ops[0].author == "A");
  CHECK(ops[0].state == OpState::pending);
  CHECK_FALSE(ops[0].change_set);
  CHECK(ops[0].local_time.size() == 20);  // 2026-11-28T06:41:00Z
  CHECK(ops[1].value == json("Văn bản\ncó dấu"));
  CHECK(ops[2].value.is_null());
  CHECK(s.pending_ops(2).size() == 2);

  // Cleared: no value, but the field (and its version) is still there.
  CHECK_FALSE(s.get_field("25459", kValue));
  auto f = s.field("25459", kValue);
  REQUIRE(f);
  CHECK(f->value.is_null());
  CHECK(f->dirty);
  CHECK(f->author == "B");

  // Values are JSON text, readable with the sqlite3 tool.
  CHECK(raw_text(file, "SELECT value FROM field WHERE key = 't:P1.I'") == "\"Văn bản\\ncó dấu\"");
  CHECK(raw_text(file, "SELECT value FROM outbox WHERE op_id = " + std::to_string(op1)) == "12");
}

TEST_CASE("the outbox op's base is the field's current server version", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 1);
  s.set_field("25459", kValue, 1, "A", 1);
  // What a pull does: the server's version 42 of the field arrives.
  raw_exec(file, "UPDATE field SET version = 42, dirty = 0 WHERE key = 'v:PL3.5.a.1:2016'");
  s.set_field("25459", kValue, 2, "A", 2);
  s.set_field("25459", FieldKey::value("PL3.5.a.1", "2017"), 3, "A", 3);
  auto ops = s.pending_ops();
  REQUIRE(ops.size() == 3);
  CHECK(ops[1].base == 42);
  CHECK(ops[2].base == 0);
  CHECK(s.field("25459", kValue)->version == 42);
}

TEST_CASE("a failure in the middle of a batch writes nothing", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 1);
  s.set_field("25459", kValue, 7, "A", 1);

  SECTION("a write the schema refuses (empty unit)") {
    std::vector<FieldWrite> batch = {
        {"25459", FieldKey::value("PL3.1", "2016"), 1},
        {"25459", FieldKey::value("PL3.1", "2017"), 2},
        {"", FieldKey::value("PL3.1", "2018"), 3},
        {"25459", FieldKey::value("PL3.1", "2019"), 4},
    };
    CHECK_THROWS_AS(s.set_fields(batch, "A", 1000), Error);
  }
  SECTION("a value that cannot be stored (invalid UTF-8)") {
    std::vector<FieldWrite> batch = {
        {"25459", FieldKey::value("PL3.1", "2016"), 1},
        {"25459", FieldKey::text("P1.I"), std::string("bad \xFF byte")},
    };
    try {
      s.set_fields(batch, "A", 1000);
      FAIL("stored invalid UTF-8");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK_THAT(e.what(), Catch::Contains("t:P1.I"));
    }
  }
  SECTION("the outbox insert fails after the field was written") {
    raw_exec(file,
             "CREATE TRIGGER boom BEFORE INSERT ON outbox WHEN NEW.key = 'v:PL3.1:2017' "
             "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    std::vector<FieldWrite> batch = {
        {"25459", FieldKey::value("PL3.1", "2016"), 1},
        {"25459", FieldKey::value("PL3.1", "2017"), 2},
    };
    CHECK_THROWS_AS(s.set_fields(batch, "A", 1000), Error);
    CHECK_THROWS_AS(s.set_field("25459", FieldKey::value("PL3.1", "2017"), 2, "A", 5), Error);
  }
  CHECK(s.outbox_count() == 1);
  CHECK(s.fields("25459", FieldKind::value).size() == 1);
  CHECK(s.get_field("25459", kValue) == json(7));
  CHECK(raw_int(file, "SELECT count(*) FROM field") == 1);
  CHECK(raw_int(file, "SELECT count(*) FROM outbox") == 1);
  // The store still works after the rollback.
  s.set_field("25459", FieldKey::value("PL3.1", "2016"), 1, "A", 6);
  CHECK(s.outbox_count() == 2);
}

TEST_CASE("a batch writes every field and op in one go, with rising clocks", "[store]") {
  test::TempDir dir;
  auto s = ClientStore::create(dir / "t.db", "25459", "cchc-2011-2020", 1);
  auto before = s.next_hlc(5000);
  std::vector<FieldWrite> batch;
  for (int year = 2015; year <= 2020; ++year)
    batch.push_back({"25459", FieldKey::value("PL1.1", std::to_string(year)), year});
  auto ops = s.set_fields(batch, "A", 1000);  // physical clock behind: still monotonic
  CHECK(ops.size() == 6);
  auto pending = s.pending_ops();
  REQUIRE(pending.size() == 6);
  std::uint64_t prev = before;
  for (const auto& op : pending) {
    CHECK(op.hlc > prev);
    prev = op.hlc;
  }
  CHECK(s.next_hlc(1000) > prev);
}

TEST_CASE("fields lists by kind and item prefix", "[store]") {
  test::TempDir dir;
  auto s = ClientStore::create(dir / "t.db", "25459", "cchc-2011-2020", 1);
  s.set_fields({{"25459", FieldKey::value("PL3.1", "2016"), 1},
                {"25459", FieldKey::value("PL3.2", "2016"), 2},
                {"25459", FieldKey::value("PL4.1", "2016"), 3},
                {"25459", FieldKey::text("P1.I"), "x"},
                {"25459", FieldKey::assessment("PL8.1"), "dat"},
                {"703", FieldKey::value("PL3.1", "2016"), 9}},
               "A", 1);
  CHECK(s.fields("25459", FieldKind::value).size() == 3);
  auto pl3 = s.fields("25459", FieldKind::value, "PL3.");
  REQUIRE(pl3.size() == 2);
  CHECK(pl3[0].key == FieldKey::value("PL3.1", "2016"));
  CHECK(pl3[1].value == json(2));
  CHECK(s.fields("25459", FieldKind::text).size() == 1);
  CHECK(s.fields("25459", FieldKind::assessment)[0].value == json("dat"));
  CHECK(s.fields("25459", FieldKind::row).empty());
  CHECK(s.fields("703", FieldKind::value).size() == 1);
}

TEST_CASE("the HLC is monotonic and survives reopening", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  std::uint64_t last = 0;
  {
    auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 1);
    for (std::uint64_t t : {1000u, 1000u, 999u, 5u, 2000u}) {
      auto v = s.next_hlc(t);
      CHECK(v > last);
      last = v;
    }
    s.observe_hlc(last + 1000);
    last += 1000;
  }
  auto s = ClientStore::open(file);
  CHECK(s.next_hlc(0) > last);
  CHECK(s.next_hlc(system_time_ms()) >> 16 >= system_time_ms() - 60'000);
}

TEST_CASE("a store from a newer tongket is refused and left unchanged", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  { ClientStore::create(file, "25459", "cchc-2011-2020", 1); }
  raw_exec(file, "PRAGMA journal_mode = DELETE; PRAGMA user_version = " +
                     std::to_string(client_store_schema_version() + 1));
  const auto bytes = test::read_file(file);
  std::string msg;
  CHECK(open_error(file, msg) == Errc::store_newer);
  CHECK_THAT(msg, Catch::Contains("newer tongket"));
  CHECK(test::read_file(file) == bytes);
}

TEST_CASE("create migrates from user_version 0 to the current schema", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  { ClientStore::create(file, "25459", "cchc-2011-2020", 1); }
  CHECK(raw_int(file, "PRAGMA user_version") == client_store_schema_version());
  for (auto table : {"meta", "field", "outbox", "change_set", "sync_state", "conflict"}) {
    INFO(table);
    CHECK(raw_int(file, std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                                    "AND name = '") +
                            table + "'") == 1);
  }
  CHECK(raw_int(file, "SELECT count(*) FROM refused_op") == 0);
  CHECK(raw_int(file, "SELECT count(*) FROM sync_state") == 1);
  CHECK(raw_int(file, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("foreign and garbage files are refused and left byte-identical", "[store]") {
  test::TempDir dir;
  std::string msg;

  SECTION("another application's SQLite database") {
    const auto file = dir / "other.db";
    raw_exec(file, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');");
    const auto bytes = test::read_file(file);
    CHECK(open_error(file, msg) == Errc::store_foreign);
    CHECK_THAT(msg, Catch::Contains("another application"));
    CHECK(test::read_file(file) == bytes);
    CHECK_FALSE(fs::exists(dir / "other.db-wal"));
  }
  SECTION("a text file") {
    const auto file = dir / "notes.txt";
    test::write_file(file, std::string(5000, 'x'));
    CHECK(open_error(file, msg) == Errc::store_foreign);
    CHECK_THAT(msg, Catch::Contains("not an SQLite database"));
    CHECK(test::read_file(file) == std::string(5000, 'x'));
  }
  SECTION("an empty file") {
    const auto file = dir / "empty.db";
    test::write_file(file, "");
    CHECK(open_error(file, msg) == Errc::store_foreign);
    CHECK(test::read_file(file).empty());
  }
  SECTION("a directory") {
    fs::create_directory(dir / "d");
    CHECK(open_error(dir / "d", msg) == Errc::store_foreign);
  }
}

TEST_CASE("a damaged store is reported as corrupt", "[store]") {
  test::TempDir dir;
  const auto file = dir / "t.db";
  {
    auto s = ClientStore::create(file, "25459", "cchc-2011-2020", 1);
    std::vector<FieldWrite> batch;
    for (int i = 0; i < 500; ++i)
      batch.push_back({"25459", FieldKey::text("S" + std::to_string(i)), std::string(200, 'a')});
    s.set_fields(batch, "A", 1);
  }
  raw_exec(file, "PRAGMA journal_mode = DELETE");
  auto bytes = test::read_file(file);
  REQUIRE(bytes.size() > 8 * 4096);
  // Scribble over pages 2..7 (table and index b-trees), keeping the header.
  for (std::size_t i = 4096; i < 7 * 4096; ++i) bytes[i] = static_cast<char>(i * 7);
  test::write_file(file, bytes);
  std::string msg;
  CHECK(open_error(file, msg) == Errc::store_corrupt);
  CHECK_THAT(msg, Catch::Contains(file.string()));
}
