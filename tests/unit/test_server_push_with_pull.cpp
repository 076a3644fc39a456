// Protocol 1.1 on the server: a push that also pulls, and the request counter consumed in the
// change set's own transaction (one commit per change set), through the real handlers.
#include <catch2/catch.hpp>

#include "server_fixture.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using sync::PushStatus;

namespace {

server::Request push_pull_request(TestDevice& d, const std::vector<sync::SignedChangeSet>& batch,
                                  std::optional<sync::PullRequest> pull) {
  return d.request("POST", sync::kPathPush, sync::encode_push_pull_request({batch, pull}));
}

}  // namespace

TEST_CASE("push with pull: the page after the batch comes in the reply", "[server][push]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto b = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto other = TestDevice::enrolled(f, kOtherCommune, Role::clerk);
  REQUIRE(push_reply(b.push(f, {b.change_set({b.op(kCountField, 7)})})).results.size() == 1);
  REQUIRE(
      push_reply(other.push(f, {other.change_set({other.op(kCountField, 9)})})).results.size() ==
      1);
  const std::string server_id = f.store().identity().server_id;

  auto reply = push_reply(
      server::handle_push(push_pull_request(a, {a.change_set({a.op(kTextField, "Một dòng.\n")})},
                                            sync::PullRequest{server_id, {}, 1000}),
                          f.ctx()));
  REQUIRE(reply.results.size() == 1);
  CHECK(reply.results[0].status == PushStatus::applied);
  REQUIRE(reply.page);
  CHECK(reply.page->server_id == server_id);
  REQUIRE(reply.page->events.size() == 2);  // b's and its own; not the other commune's
  CHECK(reply.page->events[0].device == b.id);
  CHECK(reply.page->events[1].device == a.id);
  CHECK(reply.page->events[1].value == "Một dòng.\n");
  CHECK_FALSE(reply.page->more);
  CHECK(reply.page->cursor == f.store().log_head());

  SECTION("the same page as a plain pull would give") {
    auto page = pull_page(a.pull(f, sync::PullRequest{server_id, {}, 1000}));
    CHECK(page == *reply.page);
  }
  SECTION("a limit cuts the page short") {
    auto cut = push_reply(server::handle_push(
        push_pull_request(a, {}, sync::PullRequest{server_id, {}, 1}), f.ctx()));
    REQUIRE(cut.page);
    CHECK(cut.page->events.size() == 1);
    CHECK(cut.page->more);
  }
  SECTION("a cursor the log does not hold, or another server: no page, the push stands") {
    sync::Cursor bad = reply.page->cursor;
    bad.hash[0] ^= 1;
    auto r =
        push_reply(server::handle_push(push_pull_request(a, {a.change_set({a.op(kCountField, 3)})},
                                                         sync::PullRequest{server_id, bad, 1000}),
                                       f.ctx()));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].status == PushStatus::applied);
    CHECK_FALSE(r.page);
    auto r2 = push_reply(server::handle_push(
        push_pull_request(a, {}, sync::PullRequest{"another-server", {}, 1000}), f.ctx()));
    CHECK_FALSE(r2.page);
    // The plain pull says why.
    CHECK(error_code(a.pull(f, sync::PullRequest{server_id, bad, 1000})) == "cursor_reset");
  }
  SECTION("without a pull the reply is JSON, as before") {
    auto plain = a.push(f, {a.change_set({a.op(kCountField, 4)})});
    REQUIRE(plain.status == 200);
    CHECK(json_body(plain)["results"][0]["status"] == "applied");
  }
}

TEST_CASE("push: the request counter commits with the change set", "[server][push][auth]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto cs1 = d.change_set({d.op(kCountField, 1)});
  auto req = d.request("POST", sync::kPathPush, sync::encode_push_request({cs1}));

  SECTION("applied: the counter is consumed, a replay is stale and applies nothing") {
    CHECK(push_reply(server::handle_push(req, f.ctx())).results[0].status == PushStatus::applied);
    CHECK(f.store().device(d.id)->last_counter == d.counter);
    auto replay = server::handle_push(req, f.ctx());
    CHECK(replay.status == 401);
    CHECK(error_code(replay) == "stale_counter");
    CHECK(json_body(replay)["error"]["last_counter"] == d.counter);
    CHECK(f.store().log_head().seq == 1);
  }
  SECTION("a later counter used first makes this request stale: nothing applied") {
    auto pull = d.request("POST", sync::kPathPull, sync::encode_pull_request({}));
    CHECK(server::handle_pull(pull, f.ctx()).status == 200);
    auto late = server::handle_push(req, f.ctx());
    CHECK(error_code(late) == "stale_counter");
    CHECK(f.store().log_head().seq == 0);
    CHECK(f.store().device(d.id)->last_seq == 0);
  }
  SECTION("refused as a whole: the chain and the counter advance together") {
    auto bad = d.change_set({d.op(kCountField, 2, 0, kOtherCommune)});
    auto r = push_reply(d.push(f, {bad}));
    // cs1 was never sent: a gap, which writes nothing but still burns the counter.
    CHECK(r.error->code == "gap");
    CHECK(f.store().device(d.id)->last_counter == d.counter);
  }
  SECTION("only duplicates, or a body that does not decode, still consume the counter") {
    REQUIRE(push_reply(server::handle_push(req, f.ctx())).results.size() == 1);
    auto dup = push_reply(d.push(f, {cs1}));
    CHECK(dup.results[0].status == PushStatus::duplicate);
    CHECK(f.store().device(d.id)->last_counter == d.counter);
    auto garbage = d.request("POST", sync::kPathPush, sync::Bytes{0xa1, 0x01});
    CHECK(error_code(server::handle_push(garbage, f.ctx())) == "malformed");
    CHECK(f.store().device(d.id)->last_counter == d.counter);
  }
  SECTION("a refused change set and the counter in one transaction") {
    TestDevice e = TestDevice::enrolled(f, kCommune, Role::clerk);
    auto refused = e.change_set({e.op(kCountField, 2, 0, kOtherCommune)});
    auto r = push_reply(e.push(f, {refused}));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].status == PushStatus::refused);
    CHECK(f.store().device(e.id)->last_counter == e.counter);
    CHECK(f.store().device(e.id)->last_seq == 1);
  }
}
