#include "server_fixture.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "store_backend.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::test {

ServerFixture::ServerFixture() : dir_("tongket-server-test") {
  store_ = open_store_url(fresh_store_url(test_backend(), dir_.path()));
  auto identity = store_->identity();
  template_ = ReportTemplate::parse(identity.template_json, "test template");
  ctx_ = std::make_unique<server::HandlerContext>(
      server::HandlerContext{*store_, template_, [this] { return now; }, identity.server_id, {}});
}

ServerFixture::~ServerFixture() = default;

std::string ServerFixture::make_token(const std::string& unit, server::Role role,
                                      std::int64_t ttl_ms) {
  std::string token = sync::random_id();
  server::EnrollToken t;
  t.token_hash = sync::sha256(sync::as_bytes(token));
  t.unit = unit;
  t.role = role;
  t.created_ms = now;
  t.expires_ms = now + ttl_ms;
  store_->add_token(t);
  return token;
}

TestDevice::TestDevice() : key(sync::SigningKey::generate()) {}

TestDevice TestDevice::enrolled(ServerFixture& f, const std::string& unit, server::Role role) {
  TestDevice d;
  sync::EnrollRequest er{f.make_token(unit, role), d.key.public_key(), "test device", unit};
  server::Request req{"POST",
                      sync::kPathEnroll,
                      {{"Content-Type", "application/json"}},
                      sync::encode_enroll_request(er),
                      {}};
  server::Reply reply = server::handle_enroll(req, f.ctx());
  REQUIRE(reply.status == 200);
  auto er_reply = sync::decode_enroll_reply(reply.body);
  d.id = er_reply.device_id;
  d.unit = er_reply.unit;
  REQUIRE(d.unit == unit);
  return d;
}

server::Request TestDevice::request(const std::string& method, const std::string& path,
                                    const sync::Bytes& body) {
  ++counter;
  server::Request r{method, path, {}, body, {}};
  for (auto& [k, v] : sync::sign_request(key, method, path, id, counter, body)) r.headers[k] = v;
  return r;
}

sync::Operation TestDevice::op(const std::string& field, nlohmann::json value, std::uint64_t base,
                               const std::string& op_unit) {
  sync::Operation o;
  o.id = next_op_id++;
  o.unit = op_unit;
  o.field = field;
  o.value = std::move(value);
  o.base = base;
  o.hlc = 1;
  return o;
}

sync::SignedChangeSet TestDevice::change_set(std::vector<sync::Operation> ops,
                                             const std::string& author) {
  sync::ChangeSet cs;
  cs.device = id;
  cs.unit = unit;
  cs.seq = chain.last_seq + 1;
  cs.prev = chain.last_hash;
  cs.hlc = 1;
  cs.author = author;
  cs.ops = std::move(ops);
  auto scs = sync::sign_change_set(cs, key);
  chain = {cs.seq, scs.hash()};
  return scs;
}

server::Reply TestDevice::push(ServerFixture& f, const std::vector<sync::SignedChangeSet>& batch) {
  return server::handle_push(request("POST", sync::kPathPush, sync::encode_push_request(batch)),
                             f.ctx());
}

server::Reply TestDevice::pull(ServerFixture& f, const sync::PullRequest& pr) {
  return server::handle_pull(request("POST", sync::kPathPull, sync::encode_pull_request(pr)),
                             f.ctx());
}

nlohmann::json json_body(const server::Reply& reply) {
  auto j = nlohmann::json::parse(reply.body.begin(), reply.body.end(), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::string error_code(const server::Reply& reply) {
  auto j = json_body(reply);
  REQUIRE(j.contains("error"));
  return j["error"]["code"].get<std::string>();
}

sync::PushReply push_reply(const server::Reply& reply) {
  REQUIRE(reply.status == 200);
  auto it = reply.headers.find("Content-Encoding");
  return sync::decode_push_reply(
      sync::open_body(it == reply.headers.end() ? "" : it->second, reply.body));
}

sync::PullPage pull_page(const server::Reply& reply) {
  REQUIRE(reply.status == 200);
  auto it = reply.headers.find("Content-Encoding");
  return sync::decode_pull_page(
      sync::open_body(it == reply.headers.end() ? "" : it->second, reply.body));
}

std::int64_t count_rows(const std::filesystem::path& data_dir, const std::string& table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(server::store_file(data_dir).c_str(), &db, SQLITE_OPEN_READONLY,
                          nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT count(*) FROM " + table;  // table names are the test's literals
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

namespace {

void sql_gunzip(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_value_blob(argv[0]));
  try {
    const auto plain = sync::gunzip({data, static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))},
                                    64 * 1024 * 1024);
    sqlite3_result_blob64(ctx, plain.data(), plain.size(), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(ctx, e.what(), -1);
  }
}

}  // namespace

const char* const kStoreBackToV4 = R"sql(
BEGIN;
UPDATE pull_log SET value = CAST(test_gunzip(zvalue) AS TEXT) WHERE zvalue IS NOT NULL;
DROP VIEW field_values;
DROP VIEW field_history_full;
CREATE TABLE field_history_v4 (
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
INSERT INTO field_history_v4
  SELECT h.version, h.unit, h.field, coalesce(h.value, p.value), h.base,
         coalesce(h.device, p.device), h.cs_seq,
         h.op_id, coalesce(h.author, p.author), coalesce(h.hlc, p.hlc), h.received_ms, h.outcome,
         h.conflict_id
  FROM field_history h JOIN pull_log p ON p.seq = h.version;
CREATE TABLE field_current (
  unit    TEXT NOT NULL,
  field   TEXT NOT NULL,
  version INTEGER NOT NULL REFERENCES field_history(version),
  PRIMARY KEY (unit, field)
) STRICT, WITHOUT ROWID;
INSERT INTO field_current(unit, field, version)
  SELECT unit, field, max(version) FROM field_history_v4 WHERE outcome <> 'conflict'
  GROUP BY unit, field;
DROP TABLE field_history;
ALTER TABLE field_history_v4 RENAME TO field_history;
CREATE INDEX field_history_field ON field_history(unit, field, version);
CREATE INDEX field_history_change_set ON field_history(device, cs_seq);
CREATE VIEW field_values(unit, field, value, version) AS
  SELECT c.unit, c.field, h.value, c.version
  FROM field_current c JOIN field_history h ON h.version = c.version;
CREATE TABLE pull_log_v4 (
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
INSERT INTO pull_log_v4
  SELECT p.seq, p.kind, p.unit, u.district, coalesce(u.province, ''), p.field, p.value,
         p.version, p.device, p.author, p.hlc, p.extra, p.hash
  FROM pull_log p LEFT JOIN units u ON u.code = p.unit;
DROP TABLE pull_log;
ALTER TABLE pull_log_v4 RENAME TO pull_log;
CREATE INDEX pull_log_unit ON pull_log(unit, seq);
UPDATE change_sets SET bytes = test_gunzip(bytes);
ALTER TABLE change_sets DROP COLUMN plain_size;
PRAGMA user_version=4;
COMMIT;
)sql";

void exec_store_sql(const std::filesystem::path& data_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server::store_file(data_dir).c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_create_function_v2(db, "test_gunzip", 1, SQLITE_UTF8, nullptr, sql_gunzip,
                                     nullptr, nullptr, nullptr) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace tongket::test
