// Push (checks 1-5, conflict rules, refusals) and pull (scope, paging, cursor reset) through
// the real handlers and a real SQLite store (no sockets).
#include <catch2/catch.hpp>

#include "server_fixture.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using sync::PushStatus;

namespace {

sync::PushResult push_one(ServerFixture& f, TestDevice& d, const sync::SignedChangeSet& scs) {
  auto reply = push_reply(d.push(f, {scs}));
  REQUIRE_FALSE(reply.error);
  REQUIRE(reply.results.size() == 1);
  return reply.results[0];
}

std::vector<std::string> units_of(const sync::PullPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.events) out.push_back(e.unit);
  return out;
}

}  // namespace

TEST_CASE("push: an applied change set, then the same one again", "[server][push]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto cs = d.change_set({d.op(kCountField, 12), d.op(kTextField, "Đã triển khai.\n")});
  auto r = push_one(f, d, cs);
  CHECK(r.status == PushStatus::applied);
  CHECK(r.seq == 1);
  CHECK(r.server_seq == 2);
  CHECK(r.conflicts.empty());

  auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 2);
  CHECK(history[0].value == 12);
  CHECK(history[0].device == d.id);
  CHECK(history[0].author == "Tester");
  auto stored = f.store().change_set(d.id, 1);
  REQUIRE(stored);
  CHECK(stored->bytes == cs.bytes);  // the audit log keeps the bytes as signed
  CHECK(stored->signature == cs.signature);
  CHECK(stored->received_ms == f.now);
  CHECK(f.store().device(d.id)->last_seq == 1);

  SECTION("a re-send is a duplicate with the stored result, nothing applied") {
    auto again = push_one(f, d, cs);
    CHECK(again.status == PushStatus::duplicate);
    CHECK(again.server_seq == r.server_seq);
    CHECK(f.store().log_head().seq == 2);
    CHECK(f.store().history(kCommune).size() == 2);
  }
  SECTION("the next change set continues the chain") {
    auto r2 = push_one(f, d, d.change_set({d.op(kCountField, 13, 1)}));
    CHECK(r2.status == PushStatus::applied);
    CHECK(r2.seq == 2);
    CHECK(f.store().log_head().seq == 3);
  }
}

TEST_CASE("push: gap and fork end the batch", "[server][push]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto cs1 = d.change_set({d.op(kCountField, 1)});
  auto cs2 = d.change_set({d.op(kCountField, 2)});

  SECTION("a gap: seq 2 before seq 1") {
    auto reply = push_reply(d.push(f, {cs2}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "gap");
    CHECK(reply.error->expected_seq == 1u);
    CHECK(reply.results.empty());
    CHECK(f.store().log_head().seq == 0);
  }
  SECTION("results before a failure stand") {
    auto bad = d.change_set({d.op(kCountField, 3)});
    bad.signature[5] ^= 1;
    auto reply = push_reply(d.push(f, {cs1, cs2, bad}));
    CHECK(reply.results.size() == 2);
    REQUIRE(reply.error);
    CHECK(reply.error->code == "bad_signature");
    CHECK(f.store().device(d.id)->last_seq == 2);
  }
  SECTION("a fork: another change set with a seq already accepted") {
    push_one(f, d, cs1);
    d.chain = {};
    auto forked = d.change_set({d.op(kCountField, 99)});
    auto reply = push_reply(d.push(f, {forked}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "fork");
    CHECK(f.store().history(kCommune).size() == 1);
  }
  SECTION("a fork: the right seq with the wrong previous hash") {
    push_one(f, d, cs1);
    d.chain = {1, sync::Hash{}};
    auto reply = push_reply(d.push(f, {d.change_set({d.op(kCountField, 5)})}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "fork");
  }
  CHECK(f.store().refusals(10).size() == 1);  // every failure is in the security log
}

TEST_CASE("push: signatures and devices", "[server][push]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto other = TestDevice::enrolled(f, kCommune, Role::clerk);

  SECTION("a tampered signature") {
    auto cs = d.change_set({d.op(kCountField, 1)});
    cs.signature[0] ^= 1;
    auto reply = push_reply(d.push(f, {cs}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "bad_signature");
  }
  SECTION("a change set of this device signed by another key") {
    auto forged = TestDevice();
    forged.id = d.id;
    forged.unit = d.unit;
    auto cs = forged.change_set({forged.op(kCountField, 1)});
    auto reply = push_reply(d.push(f, {cs}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "bad_signature");
  }
  SECTION("another device's change set, relayed") {
    auto cs = other.change_set({other.op(kCountField, 1)});
    auto reply = push_reply(d.push(f, {cs}));
    REQUIRE(reply.error);
    CHECK(reply.error->code == "unauthorized");
  }
  SECTION("a revoked device") {
    REQUIRE(f.store().revoke_device(d.id, f.now));
    auto reply = d.push(f, {d.change_set({d.op(kCountField, 1)})});
    CHECK(reply.status == 401);
    CHECK(error_code(reply) == "revoked");
  }
  CHECK(f.store().log_head().seq == 0);
  CHECK(f.store().device(d.id)->last_seq == 0);
  CHECK_FALSE(f.store().refusals(10).empty());
}

TEST_CASE("push: a write outside the device's scope is refused on its own and logged",
          "[server][push][scope]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  // The first operation is fine; the second writes another commune.
  auto cs = d.change_set({d.op(kCountField, 4), d.op(kCountField, 7, 0, kCommune2)});
  auto r = push_one(f, d, cs);
  // Each operation is judged on its own (protocol 1.2): the first applies, the second is
  // listed with its own reason; the chain advanced.
  CHECK(r.status == PushStatus::applied);
  CHECK(r.reason.empty());
  REQUIRE(r.refused_ops.size() == 1);
  CHECK(r.refused_ops[0].op == sync::decode(cs.bytes).ops[1].id);
  CHECK(r.refused_ops[0].reason.find(kCommune2) != std::string::npos);
  CHECK(f.store().log_head().seq == 1);
  // Through the store's interface, so that this suite runs on every backend.
  CHECK(f.store().unit_fields(kCommune).size() == 1);
  CHECK(f.store().unit_fields(kCommune2).empty());
  CHECK(f.store().history(kCommune).size() == 1);
  CHECK(f.store().history(kCommune2).empty());
  CHECK(f.store().device(d.id)->last_seq == 1);
  auto refusals = f.store().refusals(10);
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0].code == "forbidden");
  CHECK(refusals[0].device == d.id);
  CHECK(refusals[0].cs_seq == 1);

  SECTION("a retry gets the same answer") {
    auto again = push_one(f, d, cs);
    CHECK(again.status == PushStatus::duplicate);
    CHECK(again.refused_ops == r.refused_ops);
    CHECK(f.store().log_head().seq == 1);
  }
  SECTION("a change set whose every operation is refused is refused") {
    auto all = push_one(f, d, d.change_set({d.op(kCountField, 7, 0, kCommune2)}));
    CHECK(all.status == PushStatus::refused);
    CHECK(all.reason.find(kCommune2) != std::string::npos);
    CHECK(all.refused_ops.size() == 1);
    CHECK(f.store().log_head().seq == 1);
  }
  SECTION("the device goes on with its next change set") {
    CHECK(push_one(f, d, d.change_set({d.op(kCountField, 4)})).status == PushStatus::applied);
  }
}

TEST_CASE("push: roles decide which units a device may write", "[server][push][scope]") {
  ServerFixture f;
  auto reviewer = TestDevice::enrolled(f, kDistrict, Role::district_reviewer);
  auto in_district =
      push_one(f, reviewer, reviewer.change_set({reviewer.op(kCountField, 1, 0, kCommune)}));
  CHECK(in_district.status == PushStatus::applied);
  auto elsewhere =
      push_one(f, reviewer, reviewer.change_set({reviewer.op(kCountField, 1, 0, kOtherCommune)}));
  CHECK(elsewhere.status == PushStatus::refused);

  auto province = TestDevice::enrolled(f, kProvince, Role::province_reviewer);
  CHECK(push_one(f, province, province.change_set({province.op(kCountField, 2, 0, kOtherCommune)}))
            .status == PushStatus::applied);
}

TEST_CASE("push: values are checked against the template", "[server][push]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  SECTION("a negative count") {
    auto r = push_one(f, d, d.change_set({d.op(kCountField, -3)}));
    CHECK(r.status == PushStatus::refused);
  }
  SECTION("an unknown indicator") {
    auto r = push_one(f, d, d.change_set({d.op("v:NO.SUCH:2016", 1)}));
    CHECK(r.status == PushStatus::refused);
  }
  SECTION("a period the indicator does not have") {
    auto r = push_one(f, d, d.change_set({d.op("v:PL1.4:1999", 1)}));
    CHECK(r.status == PushStatus::refused);
  }
  CHECK(f.store().log_head().seq == 0);
  CHECK(f.store().refusals(10).at(0).code == "invalid");
}

TEST_CASE("push: concurrent writes keep the accepted value and open a conflict",
          "[server][push][conflict]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto b = TestDevice::enrolled(f, kCommune, Role::clerk);
  REQUIRE(push_one(f, a, a.change_set({a.op(kCountField, 10)}, "An")).status ==
          PushStatus::applied);
  auto rb = push_one(f, b, b.change_set({b.op(kCountField, 20)}, "Bình"));  // base 0: concurrent
  CHECK(rb.status == PushStatus::applied);
  REQUIRE(rb.conflicts.size() == 1);
  auto conflicts = f.store().conflicts(std::nullopt, true);
  REQUIRE(conflicts.size() == 1);
  const auto& c = conflicts[0];
  CHECK(c.id == rb.conflicts[0]);
  CHECK(c.current_value == 10);
  CHECK(c.incoming_value == 20);
  CHECK(c.current_author == "An");
  CHECK(c.incoming_author == "Bình");
  auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 2);  // nothing lost: the incoming value is in the history
  CHECK(history[1].outcome == "conflict");

  SECTION("a write that saw the current value is not concurrent") {
    auto r = push_one(f, b, b.change_set({b.op(kCountField, 30, 1)}));
    CHECK(r.conflicts.empty());
  }
  SECTION("resolving it") {
    auto op = a.op(kCountField, 20, 1);
    op.resolves = c.id;
    auto r = push_one(f, a, a.change_set({op}));
    CHECK(r.status == PushStatus::applied);
    CHECK(r.conflicts.empty());
    CHECK(f.store().conflicts(std::nullopt, true).empty());
    auto all = f.store().conflicts(std::string(kCommune), false);
    REQUIRE(all.size() == 1);
    CHECK(all[0].resolved_device == a.id);
  }
  SECTION("resolving a conflict of another field is refused") {
    auto op = a.op("v:PL1.4:2017", 5, 0);
    op.resolves = c.id;
    CHECK(push_one(f, a, a.change_set({op})).status == PushStatus::refused);
  }
}

TEST_CASE("push: concurrent narrative edits of different lines merge", "[server][push][conflict]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto b = TestDevice::enrolled(f, kCommune, Role::clerk);
  push_one(f, a, a.change_set({a.op(kTextField, "một\nhai\nba\n")}));
  push_one(f, b, b.change_set({b.op(kTextField, "MỘT\nhai\nba\n", 1)}));
  auto r = push_one(f, a, a.change_set({a.op(kTextField, "một\nhai\nBA\n", 1)}));
  CHECK(r.conflicts.empty());
  auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 3);
  CHECK(history[2].outcome == "merged");
  CHECK(history[2].value == "MỘT\nhai\nBA\n");

  SECTION("overlapping edits conflict") {
    auto r2 = push_one(f, b, b.change_set({b.op(kTextField, "một\nhai\nba ba\n", 2)}));
    CHECK(r2.conflicts.size() == 1);
  }
}

TEST_CASE("pull: each role sees its scope", "[server][pull][scope]") {
  ServerFixture f;
  auto c1 = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto c2 = TestDevice::enrolled(f, kCommune2, Role::clerk);
  auto c3 = TestDevice::enrolled(f, kOtherCommune, Role::clerk);
  auto district = TestDevice::enrolled(f, kDistrict, Role::district_reviewer);
  auto province = TestDevice::enrolled(f, kProvince, Role::province_reviewer);
  push_one(f, c1, c1.change_set({c1.op(kCountField, 1)}));
  push_one(f, c2, c2.change_set({c2.op(kCountField, 2)}));
  push_one(f, c3, c3.change_set({c3.op(kCountField, 3)}));

  auto pull_all = [&](TestDevice& d) { return pull_page(d.pull(f, {"", {}, 100})); };
  auto p1 = pull_all(c1);
  CHECK(units_of(p1) == std::vector<std::string>{kCommune});
  CHECK(p1.cursor.seq == 3);  // the last page moves the cursor to the head
  CHECK(p1.server_id == f.ctx().server_id);
  CHECK(p1.events[0].value == 1);
  CHECK(p1.events[0].device == c1.id);
  CHECK(units_of(pull_all(district)) == std::vector<std::string>{kCommune, kCommune2});
  CHECK(units_of(pull_all(province)) ==
        std::vector<std::string>{kCommune, kCommune2, kOtherCommune});

  SECTION("pages are bounded and the cursor carries on") {
    auto page1 = pull_page(province.pull(f, {f.ctx().server_id, {}, 2}));
    CHECK(page1.events.size() == 2);
    CHECK(page1.more);
    auto page2 = pull_page(province.pull(f, {f.ctx().server_id, page1.cursor, 2}));
    CHECK(units_of(page2) == std::vector<std::string>{kOtherCommune});
    CHECK_FALSE(page2.more);
    auto page3 = pull_page(province.pull(f, {f.ctx().server_id, page2.cursor, 2}));
    CHECK(page3.events.empty());
    CHECK(page3.cursor == page2.cursor);
  }
  SECTION("a cursor of another server or an unknown hash is reset") {
    auto other_server = province.pull(f, {"0123456789abcdef0123456789abcdef", p1.cursor, 10});
    CHECK(other_server.status == 409);
    CHECK(error_code(other_server) == "cursor_reset");
    auto bad_hash = p1.cursor;
    bad_hash.hash[0] ^= 1;
    CHECK(error_code(province.pull(f, {f.ctx().server_id, bad_hash, 10})) == "cursor_reset");
    auto beyond = p1.cursor;
    beyond.seq = 99;
    CHECK(error_code(province.pull(f, {f.ctx().server_id, beyond, 10})) == "cursor_reset");
  }
  SECTION("a gzip reply when the client accepts it") {
    for (int i = 0; i < 40; ++i)
      push_one(f, c1, c1.change_set({c1.op(kTextField, std::string(100, 'a' + i % 26) + "\n")}));
    auto req = c1.request("POST", sync::kPathPull, sync::encode_pull_request({"", {}, 100}));
    req.headers["Accept-Encoding"] = "gzip";
    auto reply = server::handle_pull(req, f.ctx());
    CHECK(reply.headers["Content-Encoding"] == "gzip");
    CHECK(pull_page(reply).events.size() == 41);
  }
}
