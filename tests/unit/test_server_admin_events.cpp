// The administrator's events in the server's real SQLite store (protocol 1.3): an added
// department and its "unit" event, in its province's scope only; a level's deadline and its
// "deadline" event, in every scope; both chained into the pull log's running hash like every
// event; bad input writes nothing.
#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/admin_events.hpp"

using namespace tongket;
using namespace tongket::test;

namespace {

const Unit kHealth{"72-SYT", "Sở Y tế tỉnh Tây Ninh", "Sở", UnitLevel::department, "72"};

std::vector<sync::PullEvent> events_of(server::Store& store, server::Scope::Kind kind,
                                       const std::string& code) {
  return store.events_after({kind, code}, 0, 100).events;
}

bool has_kind(const std::vector<sync::PullEvent>& events, std::string_view kind) {
  for (const auto& e : events)
    if (e.kind == kind) return true;
  return false;
}

// Every event's stored hash is the chain of the ones before it.
void check_chain(server::Store& store) {
  sync::Hash prev{};
  for (const auto& e : events_of(store, server::Scope::Kind::all, "*")) {
    prev = sync::next_log_hash(prev, sync::encode_event(e));
    CHECK(store.log_hash_at(e.seq) == prev);
  }
}

}  // namespace

TEST_CASE("an added department and its event are in its province's scope only", "[server][units]") {
  ServerFixture f;
  const auto info = server::add_department(f.store(), kHealth, "admin", f.now);
  CHECK(info.province == "72");
  auto stored = f.store().unit("72-SYT");
  REQUIRE(stored);
  CHECK(stored->level == UnitLevel::department);
  CHECK(stored->province == "72");
  REQUIRE(f.store().added_units().size() == 1);
  CHECK(f.store().added_units()[0].name == kHealth.name);

  using K = server::Scope::Kind;
  auto province = events_of(f.store(), K::province, "72");
  REQUIRE(province.size() == 1);
  auto unit = sync::unit_of_event(province[0]);
  REQUIRE(unit);
  CHECK(unit->code == "72-SYT");
  CHECK(unit->parent == "72");
  CHECK(unit->type == "Sở");
  CHECK(has_kind(events_of(f.store(), K::unit, "72-SYT"), "unit"));
  CHECK_FALSE(has_kind(events_of(f.store(), K::district, kDistrict), "unit"));
  CHECK_FALSE(has_kind(events_of(f.store(), K::unit, kCommune), "unit"));
  CHECK_FALSE(has_kind(events_of(f.store(), K::province, "01"), "unit"));
  check_chain(f.store());

  SECTION("bad input names what is wrong and writes nothing") {
    const auto head = f.store().log_head();
    auto refused = [&](Unit u, const std::string& says) {
      try {
        server::add_department(f.store(), u, "admin", f.now);
        FAIL("accepted " << u.code << " under " << u.parent);
      } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK_THAT(e.what(), Catch::Contains(says));
      }
    };
    refused(kHealth, "--code 72-SYT");                                      // taken
    refused({"99-SGD", "Sở Giáo dục", "Sở", {}, "99"}, "--parent 99");      // no such province
    refused({"703-SGD", "Sở Giáo dục", "Sở", {}, "703"}, "--parent 703");   // a district
    refused({"72-Sgd", "Sở Giáo dục", "Sở", {}, "72"}, "--code 72-Sgd");    // form
    refused({"72-SGD", "", "Sở", {}, "72"}, "--name");                      // no name
    refused({"72-SGD", "Sở Giáo dục", "Phòng", {}, "72"}, "--type Phòng");  // type
    CHECK(f.store().log_head() == head);
    CHECK(f.store().added_units().size() == 1);
    CHECK_FALSE(f.store().unit("72-SGD"));
  }
}

TEST_CASE("a deadline and its event are in every scope", "[server][units][deadline]") {
  ServerFixture f;
  server::add_department(f.store(), kHealth, "admin", f.now);
  server::set_deadline(f.store(), UnitLevel::commune, "2020-03-15", "admin", f.now);
  server::set_deadline(f.store(), UnitLevel::commune, "2020-03-16", "admin", f.now + 1);
  REQUIRE(f.store().deadlines().size() == 1);
  CHECK(f.store().deadlines()[0].value == "2020-03-16");

  using K = server::Scope::Kind;
  for (const auto& [kind, code] : std::vector<std::pair<K, std::string>>{{K::unit, kCommune},
                                                                         {K::unit, "72-SYT"},
                                                                         {K::district, kDistrict},
                                                                         {K::province, "72"},
                                                                         {K::province, "01"},
                                                                         {K::all, "*"}}) {
    INFO(code);
    std::vector<std::string> seen;
    for (const auto& e : events_of(f.store(), kind, code))
      if (auto d = sync::deadline_of_event(e)) seen.push_back(d->value);
    CHECK(seen == std::vector<std::string>{"2020-03-15", "2020-03-16"});
  }
  // A page cut short by its limit still holds the server-wide events in seq order.
  auto page = f.store().events_after({K::district, kDistrict}, 0, 1);
  REQUIRE(page.events.size() == 1);
  CHECK(page.events[0].kind == "deadline");
  CHECK(page.more);
  check_chain(f.store());
}
