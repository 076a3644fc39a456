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

TEST_CASE("push with pull and skip_own: the device's own values are listed, not echoed",
          "[server][push]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto b = TestDevice::enrolled(f, kCommune, Role::clerk);
  REQUIRE(push_reply(b.push(f, {b.change_set({b.op(kCountField, 7)})})).results.size() == 1);
  const std::string server_id = f.store().identity().server_id;
  sync::PullRequest pull{server_id, {}, 1000, true};

  auto ops = std::vector<sync::Operation>{a.op(kTextField, "Một dòng.\n"), a.op("v:PL1.4:2017", 5),
                                          // concurrent with b's 7 (base 0): a conflict event
                                          a.op(kCountField, 9)};
  auto request = push_pull_request(a, {a.change_set(ops)}, pull);
  // Through dispatch as the edge sends it: the request's own bytes decode skip_own.
  REQUIRE(sync::decode_push_pull_request(request.body).pull->skip_own);
  auto reply = push_reply(server::handle_push(request, f.ctx()));
  REQUIRE(reply.results.size() == 1);
  CHECK(reply.results[0].status == PushStatus::applied);
  REQUIRE(reply.results[0].conflicts.size() == 1);
  REQUIRE(reply.page);
  // Sent: b's value, and a's conflict (the server decided it: the client cannot rebuild it).
  REQUIRE(reply.page->events.size() == 2);
  CHECK(reply.page->events[0].device == b.id);
  CHECK(reply.page->events[1].kind == "conflict");
  CHECK(reply.page->events[1].device == a.id);
  // Listed: a's two plain values, by seq and operation id, in seq order.
  REQUIRE(reply.page->own.size() == 2);
  CHECK(reply.page->own[0] == sync::OwnEvent{2, ops[0].id});
  CHECK(reply.page->own[1] == sync::OwnEvent{3, ops[1].id});
  // The cursor is the log's head, as a full page would have it; the full page holds exactly
  // the listed events beside the sent ones.
  CHECK(reply.page->cursor == f.store().log_head());
  auto full = pull_page(a.pull(f, sync::PullRequest{server_id, {}, 1000}));
  REQUIRE(full.events.size() == 4);
  CHECK(full.events[1].seq == 2);
  CHECK(full.events[1].value == "Một dòng.\n");
  CHECK(full.events[1].version == 2);
  CHECK(full.events[2].field == "v:PL1.4:2017");
  CHECK(full.cursor == reply.page->cursor);

  SECTION("the wire form round-trips, deltas and all") {
    auto again = sync::decode_push_reply(sync::encode_push_reply(reply));
    CHECK(again.page->own == reply.page->own);
  }
  SECTION("without skip_own (a client before 1.4) everything comes back, as before") {
    auto old = push_reply(
        server::handle_push(push_pull_request(a, {a.change_set({a.op("v:PL1.4:2018", 6)})},
                                              sync::PullRequest{"", reply.page->cursor, 1000}),
                            f.ctx()));
    REQUIRE(old.page);
    CHECK(old.page->own.empty());
    REQUIRE(old.page->events.size() == 1);
    CHECK(old.page->events[0].device == a.id);
  }
  SECTION("events of earlier pushes are sent in full: only this push's are listed") {
    auto plain = push_reply(a.push(f, {a.change_set({a.op("v:PL1.4:2019", 1)})}));
    REQUIRE(plain.results.size() == 1);
    auto next = push_reply(server::handle_push(
        push_pull_request(a, {a.change_set({a.op("v:PL1.4:2020", 2)})},
                          sync::PullRequest{"", reply.page->cursor, 1000, true}),
        f.ctx()));
    REQUIRE(next.page);
    REQUIRE(next.page->events.size() == 1);
    CHECK(next.page->events[0].field == "v:PL1.4:2019");
    REQUIRE(next.page->own.size() == 1);
  }
}
