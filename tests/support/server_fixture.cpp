#include "server_fixture.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "store_backend.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/bytes.hpp"
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

void exec_store_sql(const std::filesystem::path& data_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server::store_file(data_dir).c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace tongket::test
