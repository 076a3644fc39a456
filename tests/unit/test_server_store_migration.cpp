// Schema migrations on open, with real data: a version-4 file to version 6 (each value stored
// once, change sets gzipped, no field_current), and a version-2 file through versions 3-5 (v3:
// field_values a view over the history, no district/province indexes on the pull log). Each
// reads the same after as before.
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "server_fixture.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/changeset.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;
using server::Scope;

namespace {

// The tables and indexes version 2 had where version 3 differs, frozen as shipped
// (server/src/store/schema.cpp, kV1), filled from the version-4 data (after kStoreBackToV4).
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

// Everything a history entry holds, to compare before and after.
std::vector<std::string> described(const std::vector<server::HistoryEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& h : entries)
    out.push_back(std::to_string(h.version) + " " + h.unit + " " + h.field + " " + h.value.dump() +
                  " " + std::to_string(h.base) + " " + h.device + " " + std::to_string(h.cs_seq) +
                  " " + std::to_string(h.op_id) + " " + h.author + " " + std::to_string(h.hlc) +
                  " " + std::to_string(h.received_ms) + " " + h.outcome + " " +
                  std::to_string(h.conflict_id.value_or(0)));
  return out;
}

std::vector<std::string> described(const std::vector<server::ConflictRecord>& conflicts) {
  std::vector<std::string> out;
  for (const auto& c : conflicts)
    out.push_back(std::to_string(c.id) + " " + c.field + " " + c.current_value.dump() + " " +
                  c.incoming_value.dump() + " " + c.current_device + " " + c.incoming_device + " " +
                  std::to_string(c.current_version) + " " + std::to_string(c.incoming_version));
  return out;
}

std::vector<std::uint64_t> seqs(server::Store& store, Scope scope, std::uint64_t after,
                                std::size_t limit, bool* more = nullptr) {
  auto page = store.events_after(scope, after, limit);
  if (more) *more = page.more;
  std::vector<std::uint64_t> out;
  for (const auto& e : page.events) out.push_back(e.seq);
  return out;
}

}  // namespace

// A narrative section long enough to be stored gzipped (schema v6, packed.hpp).
std::string long_text(const std::string& line) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += line + " Dòng " + std::to_string(i) + ".\n";
  return text;
}

TEST_CASE(
    "store: a version-4 file migrates to version 6, each value stored once, and reads the same",
    "[server][store][migration]") {
  ServerFixture f;
  auto a = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto a2 = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto c = TestDevice::enrolled(f, kOtherCommune, Role::clerk);
  std::vector<sync::SignedChangeSet> sent{
      a.change_set({a.op(kCountField, 12), a.op(kTextField, long_text("Kết quả cải cách."))}),
      a.change_set({a.op(kCountField, 13, 1)}), a2.change_set({a2.op(kCountField, 99)})};
  REQUIRE(push_reply(a.push(f, {sent[0], sent[1]})).results.size() == 2);
  auto conflicted = push_reply(a2.push(f, {sent[2]}));  // a conflict: the accepted value stays
  REQUIRE(conflicted.results.size() == 1);
  CHECK(conflicted.results[0].conflicts.size() == 1);
  REQUIRE(push_reply(c.push(f, {c.change_set({c.op(kCountField, 9)})})).results.size() == 1);

  const auto fields = f.store().unit_fields(kCommune);
  REQUIRE(fields.size() == 2);
  const auto history = described(f.store().history(kCommune));
  REQUIRE(history.size() == 4);
  const auto conflicts = described(f.store().conflicts(std::nullopt, false));
  REQUIRE(conflicts.size() == 1);
  const auto all = f.store().events_after({Scope::Kind::all, {}}, 0, 100);
  // The long text was stored gzipped, its text column empty.
  CHECK(count_rows(f.data_dir(), "pull_log WHERE zvalue IS NOT NULL AND value = ''") == 1);

  exec_store_sql(f.data_dir(), kStoreBackToV4);
  REQUIRE(count_rows(f.data_dir(), "pragma_user_version WHERE user_version = 4") == 1);
  REQUIRE(count_rows(f.data_dir(), "field_current") == 3);
  auto store = server::open_sqlite_store(f.data_dir());  // migrates
  CHECK(count_rows(f.data_dir(), "pragma_user_version WHERE user_version = 6") == 1);
  // Rows written before stay plain and read the same; only new ones are packed.
  CHECK(count_rows(f.data_dir(), "pull_log WHERE zvalue IS NOT NULL") == 0);
  CHECK(store->unit_fields(kCommune) == fields);
  CHECK(described(store->history(kCommune)) == history);
  CHECK(described(store->conflicts(std::nullopt, false)) == conflicts);
  auto again = store->events_after({Scope::Kind::all, {}}, 0, 100);
  CHECK(again.events == all.events);
  CHECK(again.cursor == all.cursor);
  // Exactly the signed bytes come back from their gzipped form (the three arrived in one
  // millisecond: matched by device and seq, not by order).
  auto stored = store->change_sets_of_unit(kCommune);
  REQUIRE(stored.size() == 3);
  for (const auto& cs : stored) {
    const bool first = cs.device == a.id;
    const auto& expected = first ? sent[cs.seq - 1] : sent[2];
    CHECK(cs.bytes == expected.bytes);
    CHECK(sync::verify_change_set({cs.bytes, cs.signature},
                                  first ? a.key.public_key() : a2.key.public_key()));
  }
  // Stored once: no history row repeats its event's value, author or clock; the change sets are
  // gzip streams; the tables and the index only the old layout needed are gone.
  CHECK(count_rows(f.data_dir(), "field_history") == 5);
  CHECK(count_rows(f.data_dir(),
                   "field_history WHERE value IS NOT NULL OR author IS NOT NULL "
                   "OR hlc IS NOT NULL OR device IS NOT NULL") == 0);
  CHECK(count_rows(f.data_dir(), "change_sets WHERE substr(bytes, 1, 2) = x'1f8b'") == 4);
  CHECK(count_rows(f.data_dir(), "pull_log") == 5);
  CHECK(count_rows(f.data_dir(),
                   "sqlite_schema WHERE name IN ('field_current', "
                   "'field_history_change_set')") == 0);
  // And it takes new writes; a new long text is packed and reads back.
  const std::string text = long_text("Bản mới.");
  auto more =
      push_reply(a.push(f, {a.change_set({a.op(kCountField, 14, 3), a.op(kTextField, text, 2)})}));
  REQUIRE(more.results.size() == 1);
  CHECK(more.results[0].status == sync::PushStatus::applied);
  CHECK(more.results[0].conflicts.empty());
  CHECK(count_rows(f.data_dir(), "pull_log WHERE zvalue IS NOT NULL AND value = ''") == 1);
  bool found = false;
  for (const auto& [key, value] : store->unit_fields(kCommune))
    if (key == kTextField) found = value == text;
  CHECK(found);
  CHECK(store->events_after({Scope::Kind::all, {}}, 0, 100).events.back().value == text);
}

TEST_CASE("store: a version-2 file migrates to version 6 and reads the same",
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

  exec_store_sql(f.data_dir(), kStoreBackToV4);
  exec_store_sql(f.data_dir(), kBackToV2);
  auto store = server::open_sqlite_store(f.data_dir());  // migrates
  CHECK(count_rows(f.data_dir(), "field_values") == 4);
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
    exec_store_sql(round_dir.path(), kStoreBackToV4);
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
