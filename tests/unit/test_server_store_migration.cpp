// Schema version 3 (field_values as a view over the history, no district/province indexes on
// the pull log): a version-2 file with data migrates in place on open, and reads the same.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/server/sqlite_store.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using server::Scope;

namespace {

// The tables and indexes version 2 had where version 3 differs, frozen as shipped
// (server/src/store/schema.cpp, kV1), filled from the version-3 data.
constexpr const char* kBackToV2 = R"sql(
BEGIN;
CREATE TABLE field_values_v2 (
  unit    TEXT NOT NULL,
  field   TEXT NOT NULL,
  value   TEXT NOT NULL,
  version INTEGER NOT NULL REFERENCES field_history(version),
  PRIMARY KEY (unit, field)
) STRICT, WITHOUT ROWID;
INSERT INTO field_values_v2 SELECT unit, field, value, version FROM field_values;
DROP VIEW field_values;
DROP TABLE field_current;
ALTER TABLE field_values_v2 RENAME TO field_values;
DROP INDEX units_district;
DROP INDEX units_province;
CREATE INDEX pull_log_district ON pull_log(district, seq) WHERE district IS NOT NULL;
CREATE INDEX pull_log_province ON pull_log(province, seq);
PRAGMA user_version=2;
COMMIT;
)sql";

std::vector<std::uint64_t> seqs(server::Store& store, Scope scope, std::uint64_t after,
                                std::size_t limit, bool* more = nullptr) {
  auto page = store.events_after(scope, after, limit);
  if (more) *more = page.more;
  std::vector<std::uint64_t> out;
  for (const auto& e : page.events) out.push_back(e.seq);
  return out;
}

}  // namespace

TEST_CASE("store: a version-2 file migrates to version 3 and reads the same",
          "[server][store][migration]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto b = TestDevice::enrolled(f, kCommune2, Role::clerk);
  auto c = TestDevice::enrolled(f, kOtherCommune, Role::clerk);
  REQUIRE(push_reply(a.push(f, {a.change_set({a.op(kCountField, 12),
                                              a.op(kTextField, "Dòng một.\nDòng hai.\n")})}))
              .results.size() == 1);
  REQUIRE(push_reply(b.push(f, {b.change_set({b.op(kCountField, 5)})})).results.size() == 1);
  REQUIRE(push_reply(c.push(f, {c.change_set({c.op(kCountField, 9)})})).results.size() == 1);
  REQUIRE(push_reply(a.push(f, {a.change_set({a.op(kCountField, 13, 1)})})).results.size() == 1);
  // A concurrent write by another device of the unit: a conflict, the accepted value stays.
  auto a2 = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto r = push_reply(a2.push(f, {a2.change_set({a2.op(kCountField, 99)})}));
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].conflicts.size() == 1);

  const auto fields = f.store().unit_fields(kCommune);
  REQUIRE(fields.size() == 2);
  const auto history = f.store().history(kCommune);
  const auto all = f.store().events_after({Scope::Kind::all, {}}, 0, 100);
  const Scope province{Scope::Kind::province, kProvince};
  const Scope district{Scope::Kind::district, kDistrict};
  const Scope other{Scope::Kind::district, kOtherDistrict};
  const auto in_province = seqs(f.store(), province, 0, 100);
  const auto in_district = seqs(f.store(), district, 0, 100);
  const auto in_other = seqs(f.store(), other, 0, 100);
  CHECK(in_other.size() == 1);
  CHECK(in_district.size() + in_other.size() == in_province.size());

  exec_store_sql(f.data_dir(), kBackToV2);
  auto store = server::open_sqlite_store(f.data_dir());  // migrates
  CHECK(count_rows(f.data_dir(), "field_current") == count_rows(f.data_dir(), "field_values"));
  CHECK(store->unit_fields(kCommune) == fields);
  CHECK(store->history(kCommune).size() == history.size());
  auto again = store->events_after({Scope::Kind::all, {}}, 0, 100);
  CHECK(again.events == all.events);
  CHECK(again.cursor == all.cursor);
  CHECK(seqs(*store, province, 0, 100) == in_province);
  CHECK(seqs(*store, district, 0, 100) == in_district);
  CHECK(seqs(*store, other, 0, 100) == in_other);
  // Pages by the scope join: ascending, after the cursor, at most the limit, "more" when cut.
  bool more = false;
  auto first = seqs(*store, province, 0, 2, &more);
  CHECK(first == std::vector<std::uint64_t>(in_province.begin(), in_province.begin() + 2));
  CHECK(more);
  auto rest = seqs(*store, province, first.back(), 100, &more);
  CHECK(rest == std::vector<std::uint64_t>(in_province.begin() + 2, in_province.end()));
  CHECK_FALSE(more);
}
