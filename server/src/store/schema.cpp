#include "store/schema.hpp"

#include <string>

#include "tongket/error.hpp"

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
  // Future migrations: if (s.version < 5) db.exec(kV5); ...
  db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
  db.exec("PRAGMA user_version=" + std::to_string(kVersion));
  txn.commit();
}

}  // namespace tongket::server::schema
