// Enrollment, request authentication and malformed requests, through the real handlers and a
// real SQLite store (no sockets).
#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;

namespace {

server::Request enroll_request(const std::string& token, const sync::Bytes& public_key) {
  return {"POST",
          sync::kPathEnroll,
          {{"Content-Type", "application/json"}},
          sync::encode_enroll_request({token, public_key, "laptop", ""}),
          {}};
}

sync::Bytes bytes(const std::string& s) {
  return sync::Bytes(s.begin(), s.end());
}

}  // namespace

TEST_CASE("enroll: a token registers one device with its unit and role", "[server][enroll]") {
  ServerFixture f;
  auto key = sync::SigningKey::generate();
  auto token = f.make_token(kCommune, Role::clerk);
  auto reply = server::handle_enroll(enroll_request(token, key.public_key()), f.ctx());
  REQUIRE(reply.status == 200);
  auto er = sync::decode_enroll_reply(reply.body);
  CHECK(er.unit == kCommune);
  CHECK(er.role == "clerk");
  CHECK(er.server_id == f.ctx().server_id);
  auto device = f.store().device(er.device_id);
  REQUIRE(device);
  CHECK(device->public_key == key.public_key());
  CHECK(device->unit == kCommune);
  CHECK(device->enrolled_ms == f.now);

  SECTION("the same token cannot enroll a second device") {
    auto other = sync::SigningKey::generate();
    auto again = server::handle_enroll(enroll_request(token, other.public_key()), f.ctx());
    CHECK(again.status == 401);
    CHECK(error_code(again) == "unauthorized");
    CHECK(f.store().devices().size() == 1);
    CHECK(f.store().refusals(10).at(0).endpoint == "POST /v1/enroll");
  }
}

TEST_CASE("enroll: expired and unknown tokens are refused", "[server][enroll]") {
  ServerFixture f;
  auto key = sync::SigningKey::generate();
  auto token = f.make_token(kCommune, Role::clerk, 1000);
  f.now += 1000;  // expiry is by the server clock
  auto reply = server::handle_enroll(enroll_request(token, key.public_key()), f.ctx());
  CHECK(reply.status == 401);
  CHECK(json_body(reply)["error"]["message"].get<std::string>().find("expired") !=
        std::string::npos);
  auto unknown =
      server::handle_enroll(enroll_request(sync::random_id(), key.public_key()), f.ctx());
  CHECK(unknown.status == 401);
  CHECK(f.store().devices().empty());
  // Both in the security log: one row at once, the same kind again counted until the flush.
  server::flush_security_log(f.ctx(), true);
  std::uint64_t refused = 0;
  for (const auto& r : f.store().refusals(10)) refused += r.count;
  CHECK(refused == 2);
}

TEST_CASE("malformed bodies get 400 with a JSON error, never a crash", "[server][malformed]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);

  SECTION("enroll with garbage, wrong JSON, a short key") {
    for (const auto& body : {bytes("not json"), bytes("{}"), bytes("[1,2]"),
                             bytes(R"({"token":"x","public_key":"AAAA","label":""})"),
                             sync::Bytes{0xff, 0x00, 0x01}}) {
      auto reply = server::handle_enroll({"POST", sync::kPathEnroll, {}, body}, f.ctx());
      CHECK(reply.status == 400);
      CHECK(error_code(reply) == "malformed");
    }
  }
  SECTION("push with a body that is not the batch CBOR") {
    for (const auto& body : {bytes("{}"), sync::Bytes{0xa0}, sync::Bytes{0x1f, 0x8b, 0x08}}) {
      auto reply = server::handle_push(d.request("POST", sync::kPathPush, body), f.ctx());
      CHECK(reply.status == 400);
      CHECK(error_code(reply) == "malformed");
    }
  }
  SECTION("a gzip header that lies") {
    auto req = d.request("POST", sync::kPathPull, bytes("{\"x\":1}"));
    req.headers["Content-Encoding"] = "gzip";
    auto reply = server::handle_pull(req, f.ctx());
    CHECK(reply.status == 400);
  }
  SECTION("pull with a bad cursor hash") {
    auto reply = server::handle_pull(
        d.request("POST", sync::kPathPull,
                  bytes(R"({"server_id":"","cursor":{"seq":1,"hash":"zz"},"limit":10})")),
        f.ctx());
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == "malformed");
  }
  SECTION("dispatch: unknown path and wrong method") {
    auto r404 = server::dispatch({"POST", "/v1/nothing", {}, {}}, f.ctx());
    CHECK(r404.status == 404);
    CHECK(error_code(r404) == "not_found");
    auto r405 = server::dispatch({"GET", sync::kPathPush, {}, {}}, f.ctx());
    CHECK(r405.status == 405);
  }
  CHECK(f.store().log_head().seq == 0);  // nothing was applied by any of it
}

TEST_CASE("request authentication", "[server][auth]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  sync::Bytes body = sync::encode_pull_request({});

  SECTION("a good request passes and consumes its counter") {
    auto req = d.request("POST", sync::kPathPull, body);
    CHECK(server::handle_pull(req, f.ctx()).status == 200);
    SECTION("replaying it is refused as stale, with the last counter") {
      auto replay = server::handle_pull(req, f.ctx());
      CHECK(replay.status == 401);
      CHECK(error_code(replay) == "stale_counter");
      CHECK(json_body(replay)["error"]["last_counter"] == d.counter);
    }
  }
  SECTION("missing headers") {
    auto reply = server::handle_pull({"POST", sync::kPathPull, {}, body}, f.ctx());
    CHECK(reply.status == 401);
    CHECK(error_code(reply) == "unauthorized");
  }
  SECTION("a counter that is not a plain decimal") {
    auto req = d.request("POST", sync::kPathPull, body);
    req.headers[sync::kHeaderCounter] = "+1";
    auto reply = server::handle_pull(req, f.ctx());
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == "malformed");
  }
  SECTION("unknown device") {
    auto req = d.request("POST", sync::kPathPull, body);
    req.headers[sync::kHeaderDevice] = "0123456789abcdef0123456789abcdef";
    CHECK(error_code(server::handle_pull(req, f.ctx())) == "unauthorized");
  }
  SECTION("a body changed after signing") {
    auto req = d.request("POST", sync::kPathPull, body);
    req.body.push_back(' ');
    auto reply = server::handle_pull(req, f.ctx());
    CHECK(reply.status == 401);
    CHECK(error_code(reply) == "bad_signature");
    CHECK(f.store().device(d.id)->last_counter == 0);  // a forged request burns no counter
  }
  SECTION("signed by another key") {
    auto other = sync::SigningKey::generate();
    d.key = std::move(other);
    CHECK(error_code(server::handle_pull(d.request("POST", sync::kPathPull, body), f.ctx())) ==
          "bad_signature");
  }
  SECTION("signed for another path") {
    auto req = d.request("POST", sync::kPathPush, body);
    req.path = sync::kPathPull;
    CHECK(error_code(server::handle_pull(req, f.ctx())) == "bad_signature");
  }
  SECTION("a revoked device") {
    REQUIRE(f.store().revoke_device(d.id, f.now));
    auto reply = server::handle_pull(d.request("POST", sync::kPathPull, body), f.ctx());
    CHECK(reply.status == 401);
    CHECK(error_code(reply) == "revoked");
  }
  SECTION("status reports the device's chain head") {
    auto reply = server::dispatch(d.request("GET", "/v1/status", {}), f.ctx());
    REQUIRE(reply.status == 200);
    auto j = json_body(reply);
    CHECK(j["server_id"] == f.ctx().server_id);
    CHECK(j["device"]["id"] == d.id);
    CHECK(j["device"]["last_seq"] == 0);
  }
  CHECK(f.store().log_head().seq == 0);
}
