#include "store/schema.hpp"

#include <array>
#include <string>

namespace tongket::store {

namespace {

// Never edit a migration that has shipped: append a new one.
constexpr std::array kMigrations = {
    // 1: report fields, outbox, sync state, sent change sets, conflicts.
    R"sql(
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
)sql",
    // 2: the review workflow. Field keys may now be "w:report" (a transition travels as a
    // field write), so field and outbox are rebuilt with the wider CHECK (SQLite cannot alter
    // a CHECK); review holds every transition this device knows, pulled or made here.
    // open() runs this with foreign keys off (the rebuild drops a referenced table).
    R"sql(
DROP VIEW refused_op;

CREATE TABLE field_new (
  unit         TEXT NOT NULL CHECK (length(unit) > 0),
  key          TEXT NOT NULL CHECK (key GLOB '[vtgrw]:?*'),  -- FieldKey::str()
  value        TEXT CHECK (value IS NULL OR json_valid(value)),  -- JSON; NULL = cleared
  version      INTEGER NOT NULL DEFAULT 0,  -- server version the value is based on; 0 = never
  server_value TEXT CHECK (server_value IS NULL OR json_valid(server_value)),  -- at version
  dirty        INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),  -- unsent local edits
  hlc          INTEGER NOT NULL DEFAULT 0,  -- of the last write
  author       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (unit, key)
) WITHOUT ROWID;
INSERT INTO field_new (unit, key, value, version, server_value, dirty, hlc, author)
  SELECT unit, key, value, version, server_value, dirty, hlc, author FROM field;
DROP TABLE field;
ALTER TABLE field_new RENAME TO field;

CREATE TABLE outbox_new (
  op_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  unit       TEXT NOT NULL CHECK (length(unit) > 0),
  key        TEXT NOT NULL CHECK (key GLOB '[vtgrw]:?*'),
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
INSERT INTO outbox_new (op_id, unit, key, value, base, hlc, author, local_time, resolves, state,
                        change_set, refusal)
  SELECT op_id, unit, key, value, base, hlc, author, local_time, resolves, state, change_set,
         refusal FROM outbox;
-- Operation ids never go back: keep the old counter.
DELETE FROM sqlite_sequence WHERE name = 'outbox_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_new', seq FROM sqlite_sequence
  WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox (state, op_id);
CREATE INDEX outbox_by_field ON outbox (unit, key);
CREATE INDEX outbox_by_change_set ON outbox (change_set);

CREATE VIEW refused_op AS
SELECT o.op_id, o.unit, o.key, o.value, o.author, o.local_time, o.change_set,
       COALESCE(o.refusal, json_extract(c.result, '$.reason')) AS reason
FROM outbox o LEFT JOIN change_set c ON c.seq = o.change_set
WHERE o.state = 'refused';

-- Review transitions of this unit and the units below it: pulled from the server (seq set),
-- or made here (op_id set; seq NULL until the server's event comes back).
CREATE TABLE review (
  id        INTEGER PRIMARY KEY,
  unit      TEXT NOT NULL CHECK (length(unit) > 0),
  action    TEXT NOT NULL CHECK (action IN ('submit', 'accept', 'return', 'finalise')),
  state     TEXT NOT NULL
            CHECK (state IN ('draft', 'submitted', 'accepted', 'returned', 'finalised')),
  data_hash TEXT,            -- SHA-256 hex of the data it covers (not for return)
  comment   TEXT,
  override  TEXT,            -- the written reason a warning was overridden
  device    TEXT,
  author    TEXT NOT NULL DEFAULT '',
  hlc       INTEGER NOT NULL DEFAULT 0,  -- the signed time (HLC)
  seq       INTEGER UNIQUE,              -- the server log's seq; NULL while only local
  op_id     INTEGER REFERENCES outbox (op_id),
  extra     TEXT CHECK (extra IS NULL OR json_valid(extra)),  -- the server's judgement
  snapshot  TEXT CHECK (snapshot IS NULL OR json_valid(snapshot))  -- {key: value} covered
);
CREATE INDEX review_by_unit ON review (unit, seq);
)sql",
    // 3: refused edits stay listed, each with its own reason, until sent again (retried_as:
    // the outbox operation that re-sent it) or typed over by a later edit of the same field.
    R"sql(
ALTER TABLE outbox ADD COLUMN retried_as INTEGER REFERENCES outbox (op_id);
DROP VIEW refused_op;
CREATE VIEW refused_op AS
SELECT o.op_id, o.unit, o.key, o.value, o.author, o.local_time, o.change_set,
       COALESCE(o.refusal, json_extract(c.result, '$.reason')) AS reason
FROM outbox o LEFT JOIN change_set c ON c.seq = o.change_set
WHERE o.state = 'refused' AND o.retried_as IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox later WHERE later.unit = o.unit AND later.key = o.key
                  AND later.op_id > o.op_id);
)sql",
    // 4: what the server's administrator announced (protocol 1.3): units added on the server
    // (a province's other departments; "unit" events) and each level's deadline ("deadline"
    // events). The client's hierarchy is the units files plus added_unit.
    R"sql(
CREATE TABLE added_unit (
  code   TEXT PRIMARY KEY CHECK (length(code) > 0),
  name   TEXT NOT NULL,
  type   TEXT NOT NULL,
  level  TEXT NOT NULL,
  parent TEXT NOT NULL,
  seq    INTEGER NOT NULL  -- the server log's seq of its event
) WITHOUT ROWID;
CREATE TABLE server_deadline (
  level  TEXT PRIMARY KEY CHECK (level IN ('commune', 'district', 'department', 'province')),
  value  TEXT NOT NULL,     -- "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7)
  set_ms INTEGER NOT NULL,
  seq    INTEGER NOT NULL   -- the server log's seq of its event: the latest one wins
) WITHOUT ROWID;
)sql",
};

}  // namespace

int schema_version() {
  return static_cast<int>(kMigrations.size());
}

int user_version(Database& db) {
  Statement version(db, "PRAGMA user_version");
  version.step();
  return static_cast<int>(version.int64(0));
}

void migrate(Database& db) {
  for (int i = user_version(db); i < schema_version(); ++i) db.exec(kMigrations[i]);
  // PRAGMA takes no parameters; the value is our own constant.
  db.exec(("PRAGMA user_version = " + std::to_string(schema_version())).c_str());
}

}  // namespace tongket::store
