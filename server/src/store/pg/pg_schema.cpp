#include "store/pg/pg_schema.hpp"

#include <cstdlib>
#include <string>

#include "tongket/error.hpp"

namespace tongket::server::pg::schema {

namespace {

// Version 1: the SQLite store's schema v4 in PostgreSQL's types. Values and events are JSON
// text (exactly the bytes received, as in SQLite; readable with psql). Keys that are listed in
// order (unit codes, field keys) sort bytewise (COLLATE "C"), as SQLite does, whatever the
// database's locale.
constexpr const char* kV1 = R"sql(
CREATE TABLE meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE units (
  code     text COLLATE "C" PRIMARY KEY,
  name     text NOT NULL,
  type     text NOT NULL,
  level    text NOT NULL CHECK (level IN ('province','district','commune','department')),
  parent   text COLLATE "C",
  province text NOT NULL,
  district text
);
CREATE INDEX units_parent ON units(parent);
CREATE INDEX units_district ON units(district) WHERE district IS NOT NULL;
CREATE INDEX units_province ON units(province);

CREATE TABLE enroll_tokens (
  token_hash bytea PRIMARY KEY,
  unit       text NOT NULL REFERENCES units(code),
  role       text NOT NULL,
  created_ms bigint NOT NULL,
  expires_ms bigint NOT NULL,
  used_ms    bigint,
  used_by    text
);

CREATE TABLE devices (
  id           text COLLATE "C" PRIMARY KEY,
  unit         text COLLATE "C" NOT NULL REFERENCES units(code),
  role         text NOT NULL,
  public_key   bytea NOT NULL,
  label        text NOT NULL DEFAULT '',
  enrolled_ms  bigint NOT NULL,
  revoked_ms   bigint,
  last_counter bigint NOT NULL DEFAULT 0,
  last_seq     bigint NOT NULL DEFAULT 0,
  last_hash    bytea NOT NULL
);

CREATE TABLE change_sets (
  device      text COLLATE "C" NOT NULL REFERENCES devices(id),
  seq         bigint NOT NULL,
  hash        bytea NOT NULL,
  bytes       bytea NOT NULL,
  signature   bytea NOT NULL,
  unit        text NOT NULL,
  author      text NOT NULL,
  received_ms bigint NOT NULL,
  status      text NOT NULL CHECK (status IN ('applied','refused')),
  result      text NOT NULL,
  PRIMARY KEY (device, seq)
);
CREATE INDEX change_sets_unit ON change_sets(unit, received_ms);

CREATE TABLE pull_log (
  seq      bigint PRIMARY KEY,
  kind     text NOT NULL,
  unit     text NOT NULL,
  district text,
  province text NOT NULL,
  field    text NOT NULL,
  value    text NOT NULL,
  version  bigint NOT NULL,
  device   text NOT NULL,
  author   text NOT NULL,
  hlc      bigint NOT NULL,
  extra    text,
  hash     bytea NOT NULL
);
CREATE INDEX pull_log_unit ON pull_log(unit, seq);

CREATE TABLE field_history (
  version     bigint PRIMARY KEY REFERENCES pull_log(seq),
  unit        text NOT NULL,
  field       text COLLATE "C" NOT NULL,
  value       text NOT NULL,
  base        bigint NOT NULL,
  device      text COLLATE "C" NOT NULL,
  cs_seq      bigint NOT NULL,
  op_id       bigint NOT NULL,
  author      text NOT NULL,
  hlc         bigint NOT NULL,
  received_ms bigint NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('applied','merged','conflict','resolved')),
  conflict_id bigint,
  FOREIGN KEY (device, cs_seq) REFERENCES change_sets(device, seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX field_history_field ON field_history(unit, field, version);
CREATE INDEX field_history_change_set ON field_history(device, cs_seq);

CREATE TABLE field_current (
  unit    text NOT NULL,
  field   text COLLATE "C" NOT NULL,
  version bigint NOT NULL REFERENCES field_history(version),
  PRIMARY KEY (unit, field)
);

CREATE TABLE conflicts (
  id               bigint PRIMARY KEY,
  unit             text NOT NULL,
  field            text NOT NULL,
  current_version  bigint NOT NULL,
  incoming_version bigint NOT NULL REFERENCES field_history(version),
  current_value    text NOT NULL,
  incoming_value   text NOT NULL,
  current_device   text NOT NULL,
  incoming_device  text NOT NULL,
  current_author   text NOT NULL,
  incoming_author  text NOT NULL,
  current_hlc      bigint NOT NULL,
  incoming_hlc     bigint NOT NULL,
  current_ms       bigint NOT NULL,
  incoming_ms      bigint NOT NULL,
  resolved_version bigint,
  resolved_ms      bigint,
  resolved_device  text
);
CREATE INDEX conflicts_unit ON conflicts(unit, id);

CREATE TABLE refusals (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms    bigint NOT NULL,
  device   text NOT NULL,
  endpoint text NOT NULL,
  code     text NOT NULL,
  message  text NOT NULL,
  cs_seq   bigint NOT NULL DEFAULT 0,
  source   text NOT NULL DEFAULT '',
  count    bigint NOT NULL DEFAULT 1,
  last_ms  bigint NOT NULL DEFAULT 0
);

CREATE TABLE review (
  version     bigint PRIMARY KEY REFERENCES field_history(version),
  event_seq   bigint NOT NULL REFERENCES pull_log(seq),
  unit        text NOT NULL,
  action      text NOT NULL CHECK (action IN ('submit','accept','return','finalise')),
  state       text NOT NULL,
  device      text NOT NULL,
  author      text NOT NULL,
  comment     text,
  override    text,
  data_hash   text,
  signed_ms   bigint NOT NULL,
  received_ms bigint NOT NULL,
  deadline    text NOT NULL,
  on_time     smallint CHECK (on_time IN (0,1)),  -- submit and finalise only
  plausible   smallint NOT NULL CHECK (plausible IN (0,1))
);
CREATE INDEX review_unit ON review(unit, version);

CREATE TABLE deadlines (
  level  text COLLATE "C" PRIMARY KEY
         CHECK (level IN ('province','district','commune','department')),
  value  text NOT NULL,
  set_ms bigint NOT NULL
);
)sql";

struct Stamp {
  bool has_meta = false;
  bool has_tables = false;
  std::string mark;
  int version = 0;
};

// Reads only: nothing is written to a database before it is known to be ours.
Stamp read_stamp(Conn& conn) {
  Stamp s;
  auto t = conn.run(
      "SELECT count(*), count(*) FILTER (WHERE tablename = 'meta') FROM pg_tables "
      "WHERE schemaname = current_schema()");
  s.has_tables = t.int64(0, 0) > 0;
  s.has_meta = t.int64(0, 1) > 0;
  if (!s.has_meta) return s;
  auto m = conn.run("SELECT key, value FROM meta WHERE key IN ('store', 'schema_version')");
  for (int i = 0; i < m.rows(); ++i) {
    if (m.text(i, 0) == "store") s.mark = m.text(i, 1);
    if (m.text(i, 0) == "schema_version") s.version = std::atoi(m.text(i, 1).c_str());  // 0: bad
  }
  return s;
}

void refuse_unless_ours(Conn& conn, const Stamp& s, bool create) {
  const std::string& where = conn.display_url();
  if (s.has_tables && s.mark != kStoreMark)
    throw Error(Errc::store_foreign, "the database " + where +
                                         " holds tables that are not a tongket server store: "
                                         "nothing was changed in it; give "
                                         "`tongket-server init --database` an empty database");
  if (!s.has_tables && !create)
    throw Error(Errc::io_error, "the database " + where +
                                    " is not initialised: run `tongket-server init --data DIR "
                                    "--database URL`");
  if (s.version > kVersion)
    throw Error(Errc::store_newer, "the database " + where + " has schema version " +
                                       std::to_string(s.version) + ", newer than this server's " +
                                       std::to_string(kVersion) + ": upgrade tongket-server");
}

}  // namespace

void check_and_migrate(Conn& conn, bool create) {
  {
    Transaction look(conn, Transaction::Kind::snapshot);
    const Stamp first = read_stamp(conn);
    refuse_unless_ours(conn, first, create);
    if (first.version == kVersion) return;
  }
  // The version that counts is the one read under the write lock, in the migrating transaction
  // (PostgreSQL's DDL is transactional: a failed migration leaves nothing behind).
  Transaction txn(conn, Transaction::Kind::write);
  const Stamp s = read_stamp(conn);
  refuse_unless_ours(conn, s, create);
  if (s.version == kVersion) return;  // migrated meanwhile (rolls back)
  if (s.version < 1) conn.exec(kV1);
  // Future migrations: if (s.version < 2) conn.exec(kV2); ...
  conn.run(
      "INSERT INTO meta(key, value) VALUES ('store', $1), ('schema_version', $2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      Params().add(kStoreMark).add(std::to_string(kVersion)));
  txn.commit();
}

}  // namespace tongket::server::pg::schema
