#include "store/schema.hpp"

#include <string>

#include "tongket/error.hpp"
#include "tongket/server/packed.hpp"

namespace tongket::server::schema {

namespace {

// Version 1. Values and events are JSON text so the file stays readable with `sqlite3`.
constexpr const char* kV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE units (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  type     TEXT NOT NULL,
  level    TEXT NOT NULL CHECK (level IN ('province','district','commune','department')),
  parent   TEXT,
  province TEXT NOT NULL,
  district TEXT
) STRICT;

CREATE TABLE enroll_tokens (
  token_hash BLOB PRIMARY KEY,
  unit       TEXT NOT NULL REFERENCES units(code),
  role       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms    INTEGER,
  used_by    TEXT
) STRICT;

CREATE TABLE devices (
  id           TEXT PRIMARY KEY,
  unit         TEXT NOT NULL REFERENCES units(code),
  role         TEXT NOT NULL,
  public_key   BLOB NOT NULL,
  label        TEXT NOT NULL DEFAULT '',
  enrolled_ms  INTEGER NOT NULL,
  revoked_ms   INTEGER,
  last_counter INTEGER NOT NULL DEFAULT 0,
  last_seq     INTEGER NOT NULL DEFAULT 0,
  last_hash    BLOB NOT NULL
) STRICT;

-- The audit log: every change set accepted onto a device's chain, bytes and signature as
-- received, with the result returned for it.
CREATE TABLE change_sets (
  device      TEXT NOT NULL REFERENCES devices(id),
  seq         INTEGER NOT NULL,
  hash        BLOB NOT NULL,
  bytes       BLOB NOT NULL,
  signature   BLOB NOT NULL,
  unit        TEXT NOT NULL,
  author      TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('applied','refused')),
  result      TEXT NOT NULL,
  PRIMARY KEY (device, seq)
) STRICT;
CREATE INDEX change_sets_unit ON change_sets(unit, received_ms);

-- The pull log. seq is every write's version; hash chains every event to the one before.
CREATE TABLE pull_log (
  seq      INTEGER PRIMARY KEY,
  kind     TEXT NOT NULL,
  unit     TEXT NOT NULL,
  district TEXT,
  province TEXT NOT NULL,
  field    TEXT NOT NULL,
  value    TEXT NOT NULL,
  version  INTEGER NOT NULL,
  device   TEXT NOT NULL,
  author   TEXT NOT NULL,
  hlc      INTEGER NOT NULL,
  extra    TEXT,
  hash     BLOB NOT NULL
) STRICT;
CREATE INDEX pull_log_unit ON pull_log(unit, seq);
CREATE INDEX pull_log_district ON pull_log(district, seq) WHERE district IS NOT NULL;
CREATE INDEX pull_log_province ON pull_log(province, seq);

-- Every accepted write, current or not: nothing is lost.
CREATE TABLE field_history (
  version     INTEGER PRIMARY KEY REFERENCES pull_log(seq),
  unit        TEXT NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT NOT NULL,
  base        INTEGER NOT NULL,
  device      TEXT NOT NULL,
  cs_seq      INTEGER NOT NULL,
  op_id       INTEGER NOT NULL,
  author      TEXT NOT NULL,
  hlc         INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('applied','merged','conflict','resolved')),
  conflict_id INTEGER,
  FOREIGN KEY (device, cs_seq) REFERENCES change_sets(device, seq) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX field_history_field ON field_history(unit, field, version);
CREATE INDEX field_history_change_set ON field_history(device, cs_seq);

CREATE TABLE field_values (
  unit    TEXT NOT NULL,
  field   TEXT NOT NULL,
  value   TEXT NOT NULL,
  version INTEGER NOT NULL REFERENCES field_history(version),
  PRIMARY KEY (unit, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE conflicts (
  id               INTEGER PRIMARY KEY,
  unit             TEXT NOT NULL,
  field            TEXT NOT NULL,
  current_version  INTEGER NOT NULL,
  incoming_version INTEGER NOT NULL REFERENCES field_history(version),
  current_value    TEXT NOT NULL,
  incoming_value   TEXT NOT NULL,
  current_device   TEXT NOT NULL,
  incoming_device  TEXT NOT NULL,
  current_author   TEXT NOT NULL,
  incoming_author  TEXT NOT NULL,
  current_hlc      INTEGER NOT NULL,
  incoming_hlc     INTEGER NOT NULL,
  current_ms       INTEGER NOT NULL,
  incoming_ms      INTEGER NOT NULL,
  resolved_version INTEGER,
  resolved_ms      INTEGER,
  resolved_device  TEXT
) STRICT;
CREATE INDEX conflicts_unit ON conflicts(unit, id);

-- Security log: every refused request or change set.
CREATE TABLE refusals (
  id       INTEGER PRIMARY KEY,
  at_ms    INTEGER NOT NULL,
  device   TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  code     TEXT NOT NULL,
  message  TEXT NOT NULL,
  cs_seq   INTEGER NOT NULL DEFAULT 0
) STRICT;
)sql";

// Version 2: the review round. `review` keeps every accepted transition of w:report with how
// the server judged it (the signed time against the deadline in force when it arrived), so
// `review list` and the pull log's "review" events need no re-judging later; `deadlines` holds
// an administrator's override of a level's deadline from the template.
constexpr const char* kV2 = R"sql(
CREATE TABLE review (
  version     INTEGER PRIMARY KEY REFERENCES field_history(version),
  event_seq   INTEGER NOT NULL REFERENCES pull_log(seq),
  unit        TEXT NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('submit','accept','return','finalise')),
  state       TEXT NOT NULL,
  device      TEXT NOT NULL,
  author      TEXT NOT NULL,
  comment     TEXT,
  override    TEXT,
  data_hash   TEXT,
  signed_ms   INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  deadline    TEXT NOT NULL,
  on_time     INTEGER CHECK (on_time IN (0,1)),  -- submit and finalise only
  plausible   INTEGER NOT NULL CHECK (plausible IN (0,1))
) STRICT;
CREATE INDEX review_unit ON review(unit, version);

CREATE TABLE deadlines (
  level  TEXT PRIMARY KEY CHECK (level IN ('province','district','commune','department')),
  value  TEXT NOT NULL,
  set_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 3: ingest speed (docs/benchmarks.md). A field's current value is the value of its
// history row, not a third copy of every text (field_values stays, as a view, for readers);
// scope reads find a district's or province's units in `units` (indexed, static) instead of
// two more indexes the pull log kept up on every write.
constexpr const char* kV3 = R"sql(
CREATE TABLE field_current (
  unit    TEXT NOT NULL,
  field   TEXT NOT NULL,
  version INTEGER NOT NULL REFERENCES field_history(version),
  PRIMARY KEY (unit, field)
) STRICT, WITHOUT ROWID;
INSERT INTO field_current(unit, field, version) SELECT unit, field, version FROM field_values;
DROP TABLE field_values;
CREATE VIEW field_values(unit, field, value, version) AS
  SELECT c.unit, c.field, h.value, c.version
  FROM field_current c JOIN field_history h ON h.version = c.version;
DROP INDEX pull_log_district;
DROP INDEX pull_log_province;
CREATE INDEX units_district ON units(district) WHERE district IS NOT NULL;
CREATE INDEX units_province ON units(province);
)sql";

// Version 4: the security log (docs/security.md). Refusals are aggregated per source and
// kind over a window (one row with a count, not one row per request), carry the client
// address the HTTP edge passed, and the table is bounded (the newest rows are kept).
constexpr const char* kV4 = R"sql(
ALTER TABLE refusals ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE refusals ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE refusals ADD COLUMN last_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 5: a third of the writes (docs/benchmarks.md). A history row no longer repeats what
// its pull-log event (seq = version, written just before it) holds: value, author and hlc are
// NULL when equal to the event's and read through it (field_history_full). A field's current
// value is its last write that is not a conflict (the rule value_at already read the history
// by): field_current, a second B-tree written per value, goes. The pull log's district and
// province columns (unread since v3) go. Its outcome
// CHECK compares instead of `IN (...)`, which SQLite evaluates with a temporary table on every
// insert. The deferred foreign key to change_sets goes, and with it the index that only served
// it: a change set is recorded in the same transaction as its writes (apply_change_set), and
// the deferred check cost a lookup per value and a child scan per change set. The change set's
// signed bytes are kept gzipped, with their length (exactly these bytes come back on read).
constexpr const char* kV5 = R"sql(
DROP VIEW field_values;
CREATE TABLE field_history_v5 (
  version     INTEGER PRIMARY KEY REFERENCES pull_log(seq),
  unit        TEXT NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT,     -- NULL: the value of the pull-log event with seq = version
  base        INTEGER NOT NULL,
  device      TEXT NOT NULL,
  cs_seq      INTEGER NOT NULL,
  op_id       INTEGER NOT NULL,
  author      TEXT,     -- NULL: the event's
  hlc         INTEGER,  -- NULL: the event's
  received_ms INTEGER NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome = 'applied' OR outcome = 'merged' OR
                                   outcome = 'conflict' OR outcome = 'resolved'),
  conflict_id INTEGER
) STRICT;
INSERT INTO field_history_v5
  SELECT h.version, h.unit, h.field, nullif(h.value, p.value), h.base, h.device,
         h.cs_seq, h.op_id, nullif(h.author, p.author), nullif(h.hlc, p.hlc), h.received_ms,
         h.outcome, h.conflict_id
  FROM field_history h LEFT JOIN pull_log p ON p.seq = h.version;
DROP TABLE field_history;
ALTER TABLE field_history_v5 RENAME TO field_history;
CREATE INDEX field_history_field ON field_history(unit, field, version);
CREATE VIEW field_history_full(version, unit, field, value, base, device, cs_seq, op_id, author,
                               hlc, received_ms, outcome, conflict_id) AS
  SELECT h.version, h.unit, h.field, coalesce(h.value, p.value), h.base, h.device, h.cs_seq, h.op_id, coalesce(h.author, p.author),
         coalesce(h.hlc, p.hlc), h.received_ms, h.outcome, h.conflict_id
  FROM field_history h JOIN pull_log p ON p.seq = h.version;
DROP TABLE field_current;
CREATE VIEW field_values(unit, field, value, version) AS
  SELECT h.unit, h.field, coalesce(h.value, p.value), h.version
  FROM field_history h JOIN pull_log p ON p.seq = h.version
  WHERE h.version = (SELECT max(l.version) FROM field_history l
                     WHERE l.unit = h.unit AND l.field = h.field AND l.outcome <> 'conflict');
ALTER TABLE pull_log DROP COLUMN district;
ALTER TABLE pull_log DROP COLUMN province;
ALTER TABLE change_sets ADD COLUMN plain_size INTEGER NOT NULL DEFAULT -1;
UPDATE change_sets SET bytes = tongket_gzip(bytes), plain_size = length(bytes);
)sql";

// Version 6 (issue 13: at most 45 KB per commune report). A long value (the narrative
// sections' prose) is kept gzipped in the pull log's `zvalue`, its `value` then '' (packed.hpp,
// pack_value, done off the store thread); older rows stay as they are and both forms read back.
// A history row leaves out its device too when it is its event's, as v5 did for value, author
// and HLC. The views carry the packed form beside the text so that their readers unpack it.
constexpr const char* kV6 = R"sql(
DROP VIEW field_values;
DROP VIEW field_history_full;
CREATE TABLE field_history_v6 (
  version     INTEGER PRIMARY KEY REFERENCES pull_log(seq),
  unit        TEXT NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT,     -- NULL: the value of the pull-log event with seq = version
  base        INTEGER NOT NULL,
  device      TEXT,     -- NULL: the event's
  cs_seq      INTEGER NOT NULL,
  op_id       INTEGER NOT NULL,
  author      TEXT,     -- NULL: the event's
  hlc         INTEGER,  -- NULL: the event's
  received_ms INTEGER NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome = 'applied' OR outcome = 'merged' OR
                                   outcome = 'conflict' OR outcome = 'resolved'),
  conflict_id INTEGER
) STRICT;
INSERT INTO field_history_v6
  SELECT h.version, h.unit, h.field, h.value, h.base, nullif(h.device, p.device), h.cs_seq,
         h.op_id, h.author, h.hlc, h.received_ms, h.outcome, h.conflict_id
  FROM field_history h LEFT JOIN pull_log p ON p.seq = h.version;
DROP TABLE field_history;
ALTER TABLE field_history_v6 RENAME TO field_history;
CREATE INDEX field_history_field ON field_history(unit, field, version);
ALTER TABLE pull_log ADD COLUMN zvalue BLOB;
CREATE VIEW field_history_full(version, unit, field, value, base, device, cs_seq, op_id, author,
                               hlc, received_ms, outcome, conflict_id, zvalue) AS
  SELECT h.version, h.unit, h.field, coalesce(h.value, p.value), h.base,
         coalesce(h.device, p.device), h.cs_seq, h.op_id, coalesce(h.author, p.author),
         coalesce(h.hlc, p.hlc), h.received_ms, h.outcome, h.conflict_id,
         iif(h.value IS NULL, p.zvalue, NULL)
  FROM field_history h JOIN pull_log p ON p.seq = h.version;
CREATE VIEW field_values(unit, field, value, version, zvalue) AS
  SELECT h.unit, h.field, coalesce(h.value, p.value), h.version,
         iif(h.value IS NULL, p.zvalue, NULL)
  FROM field_history h JOIN pull_log p ON p.seq = h.version
  WHERE h.version = (SELECT max(l.version) FROM field_history l
                     WHERE l.unit = h.unit AND l.field = h.field AND l.outcome <> 'conflict');
)sql";

// tongket_gzip(blob): the blob gzipped, for kV5's migration of stored change sets.
void sql_gzip(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_value_blob(argv[0]));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  try {
    const Bytes z = pack_change_set({data, size});
    sqlite3_result_blob64(ctx, z.data(), z.size(), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(ctx, e.what(), -1);
  }
}

// Rebuilding a table that others refer to needs foreign keys off, and that pragma does nothing
// inside a transaction: off before the migrating transaction, on again after it (SQLite's
// "other kinds of table schema changes"); the migration checks the keys itself.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(sqlite::Db& db) : db_(db) { db_.exec("PRAGMA foreign_keys=OFF"); }
  ~ForeignKeysOff() {
    try {
      db_.exec("PRAGMA foreign_keys=ON");
    } catch (...) {  // the connection is unusable then; its next statement says so
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  sqlite::Db& db_;
};

void check_foreign_keys(sqlite::Db& db) {
  sqlite::Stmt s(db, "PRAGMA foreign_key_check");
  if (s.step())
    throw Error(Errc::store_corrupt, db.file().string() + ": a row of table " + s.text(0) +
                                         " refers to a missing row of " + s.text(2) +
                                         "; the migration was rolled back and nothing was changed");
}

void migrate_to_v5(sqlite::Db& db) {
  if (sqlite3_create_function_v2(db.handle(), "tongket_gzip", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                 sql_gzip, nullptr, nullptr, nullptr) != SQLITE_OK)
    db.fail("register tongket_gzip", sqlite3_errcode(db.handle()));
  struct Unregister {
    sqlite::Db& db;
    ~Unregister() {
      sqlite3_create_function_v2(db.handle(), "tongket_gzip", 1, SQLITE_UTF8, nullptr, nullptr,
                                 nullptr, nullptr, nullptr);
    }
  } unregister{db};
  db.exec(kV5);
}

int pragma_int(sqlite::Db& db, const char* pragma) {
  sqlite::Stmt s(db, std::string("PRAGMA ") + pragma);
  return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

struct Stamp {
  int app = 0;
  int version = 0;
  bool empty = true;
};

// Reads only: nothing is written to a file before it is known to be ours.
Stamp read_stamp(sqlite::Db& db) {
  Stamp s;
  s.app = pragma_int(db, "application_id");
  s.version = pragma_int(db, "user_version");
  sqlite::Stmt count(db, "SELECT count(*) FROM sqlite_schema");
  s.empty = count.step() && count.int64(0) == 0;
  return s;
}

void refuse_unless_ours(sqlite::Db& db, const Stamp& s, bool create) {
  if (s.app != 0 && s.app != kApplicationId)
    throw Error(Errc::store_foreign, db.file().string() +
                                         " is not a tongket server store (application_id " +
                                         std::to_string(s.app) + "): nothing was changed in it");
  if (s.app == 0 && s.version == 0) {
    if (!s.empty)
      throw Error(Errc::store_foreign, db.file().string() +
                                           " is not a tongket server store: nothing was changed "
                                           "in it");
    if (!create)
      throw Error(Errc::io_error,
                  db.file().string() + " is not initialised: run `tongket-server init --data DIR`");
  }
  if (s.version > kVersion)
    throw Error(Errc::store_newer, db.file().string() + " has schema version " +
                                       std::to_string(s.version) + ", newer than this server's " +
                                       std::to_string(kVersion) + ": upgrade tongket-server");
}

Error damaged(sqlite::Db& db, const std::string& problems) {
  return Error(Errc::store_corrupt,
               db.file().string() + " is damaged (" + problems.substr(0, 300) +
                   "): nothing was written to it; restore it from a backup, or keep it for "
                   "inspection and `tongket-server init` a new data directory");
}

// A damaged file is refused before anything reads meaning from it or writes into it.
// quick_check: every page and record format, not the index contents (O(size), no sorting).
void check_integrity(sqlite::Db& db) {
  std::string problems;
  try {
    sqlite::Stmt s(db, "PRAGMA quick_check(3)");
    while (s.step()) {
      auto line = s.text(0);
      if (line == "ok") return;
      problems += (problems.empty() ? "" : "; ") + line;
    }
  } catch (const Error& e) {
    if (e.code() != Errc::store_corrupt) throw;
    problems = e.what();
  }
  throw damaged(db, problems);
}

}  // namespace

void configure(sqlite::Db& db) {
  // Admin commands run while the server runs: wait for the writer instead of failing.
  sqlite3_busy_timeout(db.handle(), 5000);
  db.exec("PRAGMA foreign_keys=ON");
}

void check_and_migrate(sqlite::Db& db, bool create) {
  Stamp first;
  try {
    first = read_stamp(db);
  } catch (const Error& e) {
    if (e.code() == Errc::store_corrupt) throw damaged(db, e.what());
    throw;
  }
  refuse_unless_ours(db, first, create);
  check_integrity(db);
  db.exec("PRAGMA journal_mode=WAL");
  // FULL: a change set is acknowledged only after its commit, and the ack must survive a power
  // loss too. NORMAL under WAL may lose the last commits on power failure (not on a crash of
  // the process). Pushes are one transaction per change set, so the fsync cost is per batch
  // item, not per value (~12k commits/s measured on this kind of machine).
  db.exec("PRAGMA synchronous=FULL");
  if (first.version == kVersion) return;
  ForeignKeysOff keys_off(db);
  // Another process may be migrating the same file right now: the version that counts is the
  // one read under the write lock, in the transaction that migrates.
  sqlite::Transaction txn(db);
  const Stamp s = read_stamp(db);
  refuse_unless_ours(db, s, create);
  if (s.version == kVersion) return;  // migrated meanwhile: nothing to do (rolls back)
  if (s.version < 1) db.exec(kV1);
  if (s.version < 2) db.exec(kV2);
  if (s.version < 3) db.exec(kV3);
  if (s.version < 4) db.exec(kV4);
  if (s.version < 5) migrate_to_v5(db);
  if (s.version < 6) db.exec(kV6);
  // Future migrations: if (s.version < 7) ...
  check_foreign_keys(db);
  db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
  db.exec("PRAGMA user_version=" + std::to_string(kVersion));
  txn.commit();
}

}  // namespace tongket::server::schema
