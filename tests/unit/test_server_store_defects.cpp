// Store defects found in reading the code (issue 11, section 5), through the real SQLite store
// and handlers: a damaged value reads as store corruption (never as a plausible value, never
// as a bare 500 from a library), and a cursor past the log head is an error, not a crash.
#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/error.hpp"
#include "tongket/server/sqlite_store.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using server::Scope;

namespace {

Errc code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no tongket::Error was thrown");
  return Errc::internal;
}

}  // namespace

TEST_CASE("store: a cursor past the log head is an error, not a read of nothing",
          "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  REQUIRE(push_reply(d.push(f, {d.change_set({d.op(kCountField, 1)})})).results.size() == 1);
  const auto head = f.store().log_head().seq;
  REQUIRE(head > 0);
  CHECK(code_of([&] {
          f.store().events_after({Scope::Kind::all, {}}, head + 5, 10);
        }) == Errc::not_found);
  CHECK(f.store().events_after({Scope::Kind::all, {}}, head, 10).cursor.seq == head);
}

TEST_CASE("store: an unknown stored change set status is store corruption, not 'applied'",
          "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto cs = d.change_set({d.op(kCountField, 7)});
  REQUIRE(push_reply(d.push(f, {cs})).results.at(0).status == sync::PushStatus::applied);
  exec_store_sql(f.data_dir(),
                 "UPDATE change_sets SET result = json_set(result, '$.status', 'bogus')");
  CHECK(code_of([&] { f.store().change_sets_of_unit(kCommune); }) == Errc::store_corrupt);
  // The client re-sending it (a lost reply) learns the server's store is damaged.
  auto again = server::dispatch(d.request("POST", sync::kPathPush, sync::encode_push_request({cs})),
                                f.ctx());
  CHECK(again.status == 500);
  CHECK_THAT(json_body(again)["error"]["message"].get<std::string>(),
             Catch::Contains("store is damaged"));
}

TEST_CASE("store: a damaged number in the store is reported as store corruption",
          "[server][store]") {
  ServerFixture f;
  exec_store_sql(f.data_dir(), "UPDATE meta SET value = 'abc' WHERE key = 'created_ms'");
  auto store = server::open_sqlite_store(f.data_dir());
  try {
    store->identity();
    FAIL("identity() read a damaged number");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::store_corrupt);
    CHECK_THAT(e.what(), Catch::Contains("created_ms") && Catch::Contains("damaged"));
  }
}
