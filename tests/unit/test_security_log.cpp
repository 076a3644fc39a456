// The security log (docs/security.md): refusals aggregated per source and kind with an injected
// clock, the HTTP edge's refusals counted, the table bounded, failed enrollments rate-limited
// per source. Through the real handlers and a real SQLite store.
#include <algorithm>
#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/server/security_log.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;

namespace {

// An unsigned pull from a device id nobody enrolled: what token or key guessing looks like.
server::Request guess(const std::string& source) {
  server::Request r{"POST", sync::kPathPull, {}, {}, source};
  r.headers[sync::kHeaderDevice] = sync::random_id();
  r.headers[sync::kHeaderCounter] = "1";
  r.headers[sync::kHeaderSignature] = "AAAA";
  return r;
}

server::Request enroll_from(const std::string& source, const std::string& token) {
  auto key = sync::SigningKey::generate();
  return {"POST",
          sync::kPathEnroll,
          {{"Content-Type", "application/json"}},
          sync::encode_enroll_request({token, key.public_key(), "laptop", {}}),
          source};
}

std::uint64_t total(const std::vector<server::Refusal>& rows) {
  std::uint64_t n = 0;
  for (const auto& r : rows) n += r.count;
  return n;
}

}  // namespace

TEST_CASE("security log: a flood from one source is one row per window with its count",
          "[server][security]") {
  ServerFixture f;
  const std::string attacker = "203.0.113.7";
  for (int i = 0; i < 300; ++i) REQUIRE(server::dispatch(guess(attacker), f.ctx()).status == 401);
  // The first is written at once (with its source); the other 299 only counted.
  auto rows = f.store().refusals(100);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].source == attacker);
  CHECK(rows[0].code == "unauthorized");
  CHECK(rows[0].endpoint == "POST /v1/pull");
  CHECK(rows[0].count == 1);

  SECTION("the window's count is written by the next request after it closes") {
    const std::int64_t first_window_end = f.now + 60'000;
    f.now += 10'000;
    REQUIRE(server::dispatch(guess(attacker), f.ctx()).status == 401);
    CHECK(f.store().refusals(100).size() == 1);
    f.now = first_window_end;
    REQUIRE(server::dispatch(guess(attacker), f.ctx()).status == 401);
    rows = f.store().refusals(100);
    REQUIRE(rows.size() == 3);  // newest first: the new window's first, the aggregate, the first
    CHECK(rows[1].count == 300);
    CHECK(rows[1].source == attacker);
    CHECK(rows[1].last_ms == first_window_end - 50'000);
    CHECK(rows[0].count == 1);
    CHECK(total(rows) == 302);
  }

  SECTION("another source has its own rows") {
    REQUIRE(server::dispatch(guess("198.51.100.9"), f.ctx()).status == 401);
    rows = f.store().refusals(100);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].source == "198.51.100.9");
  }

  SECTION("at shutdown every pending count is written") {
    server::flush_security_log(f.ctx(), true);
    rows = f.store().refusals(100);
    REQUIRE(rows.size() == 2);
    CHECK(total(rows) == 300);
  }
}

TEST_CASE("security log: refusals at the HTTP edge are counted, written by the store's flush",
          "[server][security]") {
  ServerFixture f;
  server::Request big{"POST", sync::kPathPush, {}, {}, "192.0.2.5"};
  for (int i = 0; i < 5; ++i)
    server::note_edge_refusal(f.ctx(), big, "too_large", "the body is over the limit");
  server::note_edge_refusal(f.ctx(), big, "request_timeout", "the body did not arrive");
  // Paths the client made up count under one key.
  for (int i = 0; i < 50; ++i)
    server::note_edge_refusal(f.ctx(), {"POST", "/x/" + std::to_string(i), {}, {}, "192.0.2.5"},
                              "length_required", "send a Content-Length");
  CHECK(f.store().refusals(10).empty());  // the edge's threads never write
  server::flush_security_log(f.ctx(), true);
  auto rows = f.store().refusals(10);
  REQUIRE(rows.size() == 3);
  auto other = std::find_if(rows.begin(), rows.end(),
                            [](const auto& r) { return r.endpoint == "POST (other path)"; });
  REQUIRE(other != rows.end());
  CHECK(other->count == 50);
  CHECK(other->code == "length_required");
  rows.erase(other);
  for (const auto& r : rows) {
    CHECK(r.source == "192.0.2.5");
    CHECK(r.endpoint == "POST /v1/push");
    CHECK(r.count == (r.code == "too_large" ? 5u : 1u));
  }
}

TEST_CASE("security log: the table keeps only the newest rows", "[server][security]") {
  ServerFixture f;
  exec_store_sql(f.data_dir(),
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                     std::to_string(server::kMaxRefusalRows) +
                     ") INSERT INTO refusals(id, at_ms, device, endpoint, code, message) "
                     "SELECT i, 0, '', 'POST /v1/pull', 'unauthorized', 'old' FROM n");
  REQUIRE(count_rows(f.data_dir(), "refusals") ==
          static_cast<std::int64_t>(server::kMaxRefusalRows));
  REQUIRE(server::dispatch(guess("203.0.113.1"), f.ctx()).status == 401);
  CHECK(count_rows(f.data_dir(), "refusals") == static_cast<std::int64_t>(server::kMaxRefusalRows));
  auto rows = f.store().refusals(server::kMaxRefusalRows + 1);
  REQUIRE(rows.size() == server::kMaxRefusalRows);
  CHECK(rows.front().source == "203.0.113.1");  // the newest is kept, the oldest went
}

TEST_CASE("security log: memory is bounded, new sources past the bound count together",
          "[server][security]") {
  ServerFixture f;
  server::SecurityLog log({60'000, 2, 10, 60'000});
  auto refusal = [&](const std::string& source) {
    server::Refusal r{f.now, "", "POST /v1/pull", "unauthorized", "unknown device", 0, source};
    r.last_ms = f.now;
    return r;
  };
  CHECK(log.note(refusal("a")));
  CHECK(log.note(refusal("b")));
  CHECK(log.note(refusal("c")));  // the overflow key's first: written with its real source
  CHECK_FALSE(log.note(refusal("d")));
  CHECK_FALSE(log.note(refusal("e")));
  log.flush(f.store(), f.now, true);
  auto rows = f.store().refusals(10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].source == "(other sources)");
  CHECK(rows[0].count == 2);
}

TEST_CASE("enrollment: too many failed attempts from one address get 429 until the window passes",
          "[server][security][enroll]") {
  ServerFixture f;
  const std::string clerk_office = "203.0.113.20";
  const auto& options = f.ctx().security->options();
  for (std::size_t i = 0; i < options.enroll_failures; ++i)
    REQUIRE(server::dispatch(enroll_from(clerk_office, sync::random_id()), f.ctx()).status == 401);

  auto token = f.make_token(kCommune, Role::clerk, 24 * 3'600'000);
  auto limited = server::dispatch(enroll_from(clerk_office, token), f.ctx());
  CHECK(limited.status == 429);
  CHECK(error_code(limited) == "rate_limited");
  CHECK_THAT(json_body(limited)["error"]["message"].get<std::string>(),
             Catch::Contains("too many failed enrollments") && Catch::Contains("minute"));
  CHECK(std::stoll(limited.headers.at("Retry-After")) > 0);
  CHECK(f.store().devices().empty());  // the token was not spent

  // Another address is not affected; successes never count.
  auto other_token = f.make_token(kCommune2, Role::clerk);
  CHECK(server::dispatch(enroll_from("198.51.100.4", other_token), f.ctx()).status == 200);

  f.now += options.enroll_window_ms;
  CHECK(server::dispatch(enroll_from(clerk_office, token), f.ctx()).status == 200);
  CHECK(f.store().devices().size() == 2);
}
