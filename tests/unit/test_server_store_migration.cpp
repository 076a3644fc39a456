// Schema version 3 (field_values as a view over the history, no district/province indexes on
// the pull log): a version-2 file with data migrates in place on open, and reads the same.
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

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
ALTER TABLE refusals DROP COLUMN source;
ALTER TABLE refusals DROP COLUMN count;
ALTER TABLE refusals DROP COLUMN last_ms;
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

TEST_CASE("store: two connections opening one version-2 file at once both migrate it",
          "[server][store][migration]") {
  // The version is re-read under the write lock, inside the migrating transaction: the one
  // that waited finds the file migrated and does nothing (before: "table field_current already
  // exists"). Two threads, two connections, as two processes would; many rounds.
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  REQUIRE(push_reply(d.push(f, {d.change_set({d.op(kCountField, 12)})})).results.size() == 1);
  const auto fields = f.store().unit_fields(kCommune);
  exec_store_sql(f.data_dir(), "PRAGMA wal_checkpoint(TRUNCATE)");  // the copies need it all
  TempDir round_dir("tongket-migration-race");
  const auto copy = round_dir / "tongket-server.db";
  int failures = 0;
  std::string last_error;
  std::mutex error_mutex;
  for (int round = 0; round < 12; ++round) {
    std::filesystem::remove(copy);
    std::filesystem::copy_file(server::store_file(f.data_dir()), copy);
    exec_store_sql(round_dir.path(), kBackToV2);
    std::atomic<int> ready{0};
    std::atomic<int> failed{0};
    auto open = [&] {
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      try {
        auto store = server::open_sqlite_store(round_dir.path());
        if (store->unit_fields(kCommune) != fields) failed.fetch_add(1);
      } catch (const std::exception& e) {
        failed.fetch_add(1);
        std::lock_guard lock(error_mutex);
        last_error = e.what();
      }
    };
    std::thread a(open);
    std::thread b(open);
    a.join();
    b.join();
    failures += failed.load();
  }
  INFO(last_error);
  CHECK(failures == 0);
}
