// A version-1 client store (as the first release wrote it, before the review workflow) is
// migrated in place on open: every field, outbox operation, conflict and the operation-id
// counter survive, and the store then takes "w:report" writes and keeps a review log.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <string>

#include "temp_dir.hpp"
#include "tongket/client_store.hpp"

using namespace tongket;

namespace {

// The schema of version 1, frozen as shipped (client/src/store/schema.cpp, migration 1).
const char* const kSchemaV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per (unit, field key): the current value of every field this device knows.
CREATE TABLE field (
  unit         TEXT NOT NULL CHECK (length(unit) > 0),
  key          TEXT NOT NULL CHECK (key GLOB '[vtgr]:?*'),  -- FieldKey::str()
  value        TEXT CHECK (value IS NULL OR json_valid(value)),  -- JSON; NULL = cleared
  version      INTEGER NOT NULL DEFAULT 0,  -- server version the value is based on; 0 = never
  server_value TEXT CHECK (server_value IS NULL OR json_valid(server_value)),  -- at version
  dirty        INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),  -- unsent local edits
  hlc          INTEGER NOT NULL DEFAULT 0,  -- of the last write
  author       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (unit, key)
) WITHOUT ROWID;

-- Signed change sets this device has packed, kept so that a retry sends the same bytes.
CREATE TABLE change_set (
  seq       INTEGER PRIMARY KEY CHECK (seq > 0),
  bytes     BLOB NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64),
  hash      BLOB NOT NULL CHECK (length(hash) = 32),
  op_count  INTEGER NOT NULL,
  state     TEXT NOT NULL DEFAULT 'sent'   -- sent = waiting for the server's result
            CHECK (state IN ('sent', 'acked', 'refused')),
  result    TEXT CHECK (result IS NULL OR json_valid(result)),  -- the server's PushResult
  packed_at TEXT NOT NULL,
  result_at TEXT
);

-- Local edits, one row per write, in order. op_id is the protocol's operation id.
CREATE TABLE outbox (
  op_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  unit       TEXT NOT NULL CHECK (length(unit) > 0),
  key        TEXT NOT NULL CHECK (key GLOB '[vtgr]:?*'),
  value      TEXT CHECK (value IS NULL OR json_valid(value)),  -- NULL = cleared
  base       INTEGER NOT NULL,  -- server version the edit was based on
  hlc        INTEGER NOT NULL,
  author     TEXT NOT NULL,
  local_time TEXT NOT NULL,     -- ISO 8601 UTC, for display
  resolves   INTEGER,           -- conflict id this edit resolves
  state      TEXT NOT NULL DEFAULT 'pending'
             CHECK (state IN ('pending', 'packed', 'acked', 'refused')),
  change_set INTEGER REFERENCES change_set (seq),
  refusal    TEXT,
  CHECK ((state = 'pending') = (change_set IS NULL))
);
CREATE INDEX outbox_by_state ON outbox (state, op_id);
CREATE INDEX outbox_by_field ON outbox (unit, key);
CREATE INDEX outbox_by_change_set ON outbox (change_set);

-- One row: where this device stands with its server.
CREATE TABLE sync_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  server_id       TEXT NOT NULL DEFAULT '',  -- empty before the first pull
  cursor_seq      INTEGER NOT NULL DEFAULT 0,
  cursor_hash     BLOB NOT NULL DEFAULT (zeroblob(32)),
  chain_seq       INTEGER NOT NULL DEFAULT 0,  -- last change set this device made
  chain_hash      BLOB NOT NULL DEFAULT (zeroblob(32)),
  request_counter INTEGER NOT NULL DEFAULT 0,  -- last X-Tongket-Counter used
  hlc             INTEGER NOT NULL DEFAULT 0,  -- greatest clock value issued or seen
  last_attempt    TEXT,                        -- ISO 8601 UTC
  last_success    TEXT,
  last_error      TEXT                         -- what stopped the last sync, for the user
);
INSERT INTO sync_state (id) VALUES (1);

-- Concurrent edits the server kept aside (its conflict ids), until resolved.
CREATE TABLE conflict (
  id             INTEGER PRIMARY KEY,  -- the server's conflict id
  unit           TEXT NOT NULL,
  key            TEXT NOT NULL,
  current_value  TEXT CHECK (current_value IS NULL OR json_valid(current_value)),
  other_value    TEXT CHECK (other_value IS NULL OR json_valid(other_value)),
  current_author TEXT,
  other_author   TEXT,
  current_device TEXT,
  other_device   TEXT,
  current_hlc    INTEGER,
  other_hlc      INTEGER,
  current_time   TEXT,  -- server times
  other_time     TEXT,
  state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  resolved_by    INTEGER REFERENCES outbox (op_id)
);
CREATE INDEX conflict_open ON conflict (state, unit, key);

-- Edits the server refused, with the reason, for `tongket status`.
CREATE VIEW refused_op AS
SELECT o.op_id, o.unit, o.key, o.value, o.author, o.local_time, o.change_set,
       COALESCE(o.refusal, json_extract(c.result, '$.reason')) AS reason
FROM outbox o LEFT JOIN change_set c ON c.seq = o.change_set
WHERE o.state = 'refused';
)sql";

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  INFO(msg);
  REQUIRE(rc == SQLITE_OK);
}

std::string text_of(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      auto* t = sqlite3_column_text(st, i);
      out += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    out += "\n";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// A store as version 1 left it: values, a sent and a pending edit, a conflict resolved by an
// edit (a reference into the outbox), and an operation counter past the last row.
void make_v1_store(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  exec(db, "PRAGMA application_id = " + std::to_string(kClientStoreApplicationId));
  exec(db, "BEGIN");
  exec(db, kSchemaV1);
  exec(db, R"sql(
INSERT INTO meta VALUES ('unit', '25489'), ('template_id', 'cchc-2011-2020'),
  ('template_version', '1'), ('device_id', 'dev1'), ('author', 'A');
INSERT INTO field VALUES ('25489', 'v:PL1.4:2016', '3', 7, '3', 0, 100, 'A');
INSERT INTO field VALUES ('25489', 't:KH.X.1', '"Kết quả"', 0, NULL, 1, 200, 'A');
INSERT INTO change_set (seq, bytes, signature, hash, op_count, state, packed_at)
  VALUES (1, x'00', zeroblob(64), zeroblob(32), 1, 'acked', '2026-01-01T00:00:00Z');
INSERT INTO outbox (op_id, unit, key, value, base, hlc, author, local_time, state, change_set)
  VALUES (4, '25489', 'v:PL1.4:2016', '3', 0, 100, 'A', '2026-01-01T00:00:00Z', 'acked', 1);
INSERT INTO outbox (op_id, unit, key, value, base, hlc, author, local_time)
  VALUES (5, '25489', 't:KH.X.1', '"Kết quả"', 0, 200, 'A', '2026-01-01T00:00:00Z');
UPDATE sqlite_sequence SET seq = 9 WHERE name = 'outbox';
INSERT INTO conflict (id, unit, key, current_value, other_value, state, resolved_by)
  VALUES (12, '25489', 'v:PL1.4:2016', '2', '3', 'resolved', 4);
)sql");
  exec(db, "COMMIT");
  exec(db, "PRAGMA user_version = 1");
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("a version-1 store is migrated on open and keeps everything", "[store][migration]") {
  test::TempDir dir;
  const auto file = dir / "old.db";
  make_v1_store(file);
  const std::string fields_before = text_of(file, "SELECT * FROM field ORDER BY key");
  const std::string outbox_before = text_of(file, "SELECT * FROM outbox ORDER BY op_id");
  const std::string conflicts_before = text_of(file, "SELECT * FROM conflict");

  {
    auto store = ClientStore::open(file);
    CHECK(store.unit() == "25489");
    CHECK(store.get_field("25489", FieldKey::value("PL1.4", "2016")) == nlohmann::json(3));
    CHECK(store.outbox_count(OpState::pending) == 1);
    // The workflow's field is storable now, and operation ids continue past the old counter.
    auto op =
        store.set_field("25489", FieldKey::review(),
                        {{"action", "submit"}, {"data_hash", std::string(64, 'a')}}, "A", 300);
    CHECK(op == 10);
  }
  CHECK(text_of(file, "PRAGMA user_version") ==
        std::to_string(client_store_schema_version()) + "\n");
  CHECK(client_store_schema_version() >= 2);
  CHECK(text_of(file, "SELECT * FROM field WHERE key <> 'w:report' ORDER BY key") == fields_before);
  // Every column the version-1 outbox had (later versions add columns).
  CHECK(text_of(file,
                "SELECT op_id, unit, key, value, base, hlc, author, local_time, resolves, state, "
                "change_set, refusal FROM outbox WHERE op_id < 10 ORDER BY op_id") ==
        outbox_before);
  CHECK(text_of(file, "SELECT * FROM conflict") == conflicts_before);
  CHECK(text_of(file, "PRAGMA foreign_key_check").empty());
  CHECK(text_of(file, "SELECT count(*) FROM review") == "0\n");
  CHECK(text_of(file, "SELECT count(*) FROM refused_op") == "0\n");
  // Schema 4: what the server's administrator announces (added units, deadlines).
  CHECK(text_of(file, "SELECT count(*) FROM added_unit") == "0\n");
  CHECK(text_of(file, "SELECT count(*) FROM server_deadline") == "0\n");
  // The CHECK still refuses what is not a field key.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "INSERT INTO field (unit, key) VALUES ('25489', 'x:bad')", nullptr,
                     nullptr, nullptr) == SQLITE_CONSTRAINT);
  sqlite3_close(db);
  // Opening again changes nothing more.
  REQUIRE_NOTHROW(ClientStore::open(file));
}

TEST_CASE("a new store is made at the latest version and takes w:report", "[store][migration]") {
  test::TempDir dir;
  auto store = ClientStore::create(dir / "new.db", "25489", "cchc-2011-2020", 1);
  store.set_field("25489", FieldKey::review(),
                  {{"action", "submit"}, {"data_hash", std::string(64, 'b')}}, "A", 1);
  CHECK(store.field("25489", FieldKey::review()));
  CHECK(text_of(dir / "new.db", "SELECT count(*) FROM review") == "0\n");
}
