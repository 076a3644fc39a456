// Push decoding and signature checks off the store thread (protocol.hpp, prepare()) and the
// per-device cache of parsed keys (key_cache.hpp): a verdict made with a cached key counts only
// for the device as stored now, so a revoked device, a re-enrolled one and a key that is not the
// stored one are handled as if there were no cache. Through the real handlers and store.
#include <catch2/catch.hpp>
#include <thread>

#include "server_fixture.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using sync::PushStatus;

namespace {

server::Reply dispatch_prepared(ServerFixture& f, const server::Request& request) {
  // As the HTTP edge does: prepare() (a request thread), then dispatch() (the store thread).
  server::Prepared prepared;
  std::thread request_thread([&] { prepared = server::prepare(request, f.ctx()); });
  request_thread.join();
  return server::dispatch(request, f.ctx(), prepared);
}

server::Request push_request(TestDevice& d, std::vector<sync::SignedChangeSet> batch) {
  return d.request("POST", sync::kPathPush, sync::encode_push_pull_request({batch, {}}));
}

}  // namespace

TEST_CASE("key cache: one parsed key per device, reused across requests and threads",
          "[server][push][keys]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  CHECK(f.ctx().keys->find(a.id) == nullptr);  // enrolling does not verify anything
  auto first =
      push_reply(dispatch_prepared(f, push_request(a, {a.change_set({a.op(kCountField, 1)})})));
  REQUIRE(first.results.size() == 1);
  CHECK(first.results[0].status == PushStatus::applied);
  auto key = f.ctx().keys->find(a.id);
  REQUIRE(key != nullptr);
  CHECK(key->raw() == a.key.public_key());

  // The next push is verified on the request thread with that same key object.
  auto request =
      push_request(a, {a.change_set({a.op(kCountField, 2, first.results[0].server_seq)})});
  auto prepared = server::prepare(request, f.ctx());
  auto second = push_reply(server::dispatch(request, f.ctx(), prepared));
  REQUIRE(second.results.size() == 1);
  CHECK(second.results[0].status == PushStatus::applied);
  CHECK(f.ctx().keys->find(a.id) == key);
  CHECK(f.ctx().keys->size() == 1);

  SECTION("a change set with a bad signature is refused although the request's is good") {
    auto scs = a.change_set({a.op(kCountField, 3)});
    scs.signature[0] ^= 1;
    auto reply = push_reply(dispatch_prepared(f, push_request(a, {scs})));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "bad_signature");
  }
  SECTION("many request threads prepare at once with the shared key") {
    std::vector<server::Request> requests;
    for (int i = 0; i < 8; ++i)
      requests.push_back(a.request("POST", sync::kPathPull, sync::encode_pull_request({})));
    std::vector<server::Prepared> results(requests.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < requests.size(); ++i)
      threads.emplace_back([&, i] { results[i] = server::prepare(requests[i], f.ctx()); });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < requests.size(); ++i)
      CHECK(server::dispatch(requests[i], f.ctx(), results[i]).status == 200);
  }
}

TEST_CASE("key cache: a revoked device is refused although its key is cached",
          "[server][push][keys]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  REQUIRE(push_reply(dispatch_prepared(f, push_request(a, {a.change_set({a.op(kCountField, 1)})})))
              .results.size() == 1);
  REQUIRE(f.ctx().keys->find(a.id) != nullptr);

  // Revoked by the administrator (another process in production: the server hears nothing).
  REQUIRE(f.store().revoke_device(a.id, f.now));
  auto request = push_request(a, {a.change_set({a.op(kCountField, 2)})});
  auto prepared = server::prepare(request, f.ctx());  // still verifies with the cached key
  const auto log_before = f.store().log_head().seq;
  auto reply = server::dispatch(request, f.ctx(), prepared);
  CHECK(reply.status == 401);
  CHECK(error_code(reply) == "revoked");
  CHECK(f.store().log_head().seq == log_before);
  CHECK(f.ctx().keys->find(a.id) == nullptr);  // forgotten by the store thread

  SECTION("re-enrolled with a new key: the new device works, the old one stays refused") {
    auto again = TestDevice::enrolled(f, kCommune, Role::clerk);
    REQUIRE(again.id != a.id);
    REQUIRE(again.key.public_key() != a.key.public_key());
    auto ok = push_reply(
        dispatch_prepared(f, push_request(again, {again.change_set({again.op(kCountField, 5)})})));
    REQUIRE(ok.results.size() == 1);
    CHECK(ok.results[0].status == PushStatus::applied);
    REQUIRE(f.ctx().keys->find(again.id) != nullptr);
    CHECK(f.ctx().keys->find(again.id)->raw() == again.key.public_key());
    CHECK(error_code(dispatch_prepared(
              f, push_request(a, {a.change_set({a.op(kCountField, 6)})}))) == "revoked");
  }
}

TEST_CASE("key cache: a cached key that is not the stored one never accepts a request",
          "[server][push][keys]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto mallory = TestDevice::enrolled(f, kCommune2, Role::clerk);
  // The cache holds mallory's key under a's id (as if a's key had changed since it was cached).
  server::Device wrong = *f.store().device(a.id);
  wrong.public_key = mallory.key.public_key();
  REQUIRE(f.ctx().keys->admit(wrong) != nullptr);

  // Mallory signs as a: the request thread's check passes with the wrong cached key...
  TestDevice forged;
  forged.id = a.id;
  forged.unit = a.unit;
  forged.key = sync::SigningKey::from_pem(mallory.key.private_pem());
  forged.counter = 100;
  auto request = push_request(forged, {forged.change_set({forged.op(kCountField, 66)})});
  auto prepared = server::prepare(request, f.ctx());
  // ...and the store thread, seeing another key stored, verifies again: refused, nothing written.
  const auto log_before = f.store().log_head().seq;
  auto reply = server::dispatch(request, f.ctx(), prepared);
  CHECK(error_code(reply) == "bad_signature");
  CHECK(f.store().log_head().seq == log_before);
  // The cache now holds a's stored key, and a's own pushes go through.
  CHECK(f.ctx().keys->find(a.id)->raw() == a.key.public_key());
  auto ok =
      push_reply(dispatch_prepared(f, push_request(a, {a.change_set({a.op(kCountField, 7)})})));
  REQUIRE(ok.results.size() == 1);
  CHECK(ok.results[0].status == PushStatus::applied);
}
