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

int pragma_int(sqlite::Db& db, const char* pragma) {
  sqlite::Stmt s(db, std::string("PRAGMA ") + pragma);
  return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

}  // namespace

void configure(sqlite::Db& db) {
  // Admin commands run while the server runs: wait for the writer instead of failing.
  sqlite3_busy_timeout(db.handle(), 5000);
  db.exec("PRAGMA journal_mode=WAL");
  // FULL: a change set is acknowledged only after its commit, and the ack must survive a power
  // loss too. NORMAL under WAL may lose the last commits on power failure (not on a crash of
  // the process). Pushes are one transaction per change set, so the fsync cost is per batch
  // item, not per value (~12k commits/s measured on this kind of machine).
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=ON");
}

void check_and_migrate(sqlite::Db& db, bool create) {
  int app = pragma_int(db, "application_id");
  int version = pragma_int(db, "user_version");
  if (app != 0 && app != kApplicationId)
    throw Error(Errc::store_foreign, db.file().string() +
                                         " is not a tongket server store (application_id " +
                                         std::to_string(app) + ")");
  if (app == 0 && version == 0) {
    sqlite::Stmt count(db, "SELECT count(*) FROM sqlite_schema");
    count.step();
    if (count.int64(0) != 0)
      throw Error(Errc::store_foreign, db.file().string() + " is not a tongket server store");
    if (!create)
      throw Error(Errc::not_found,
                  db.file().string() + " is not initialised: run `tongket-server init --data DIR`");
  }
  if (version > kVersion)
    throw Error(Errc::store_newer, db.file().string() + " has schema version " +
                                       std::to_string(version) + ", newer than this server's " +
                                       std::to_string(kVersion) + ": upgrade tongket-server");
  if (version == kVersion) return;
  sqlite::Transaction txn(db);
  if (version < 1) db.exec(kV1);
  if (version < 2) db.exec(kV2);
  if (version < 3) db.exec(kV3);
  // Future migrations: if (version < 4) db.exec(kV4); ...
  db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
  db.exec("PRAGMA user_version=" + std::to_string(kVersion));
  txn.commit();
}

}  // namespace tongket::server::schema
