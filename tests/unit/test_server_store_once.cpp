// Schema v5's and v6's storage rules on a real SQLite store: a value is stored once (the history
// row refers to its pull-log event), a long text is kept gzipped, change sets are kept gzipped
// and come back exactly as signed, a field's current value is its last write that is not a
// conflict.
#include <catch2/catch.hpp>

#include <map>

#include "server_fixture.hpp"
#include "tongket/error.hpp"
#include "tongket/server/pull_log.hpp"
#include "tongket/server/sqlite_store.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Role;

namespace {

// An event and its history row through the store's own write path, as apply_change_set
// writes them; the history's value may differ from the event's (a bug or a hand on the data).
void write_value(ServerFixture& f, const std::string& device, const nlohmann::json& event_value,
                 const nlohmann::json& history_value, const std::string& outcome,
                 bool becomes_current) {
  f.store().write([&](server::WriteTxn& t) {
    server::PullLogWriter log(t);
    sync::PullEvent ev;
    ev.kind = "value";
    ev.seq = log.next_seq();
    ev.unit = kCommune;
    ev.field = kCountField;
    ev.value = event_value;
    ev.version = ev.seq;
    ev.device = device;
    ev.author = "Chị Lan";
    ev.hlc = 7;
    log.append(ev);
    server::HistoryEntry h;
    h.version = ev.seq;
    h.unit = kCommune;
    h.field = kCountField;
    h.value = history_value;
    h.device = device;
    h.cs_seq = 1;
    h.op_id = 1;
    h.author = "Chị Lan";
    h.hlc = 7;
    h.received_ms = f.now;
    h.outcome = outcome;
    if (outcome == "conflict") h.conflict_id = ev.seq;
    t.record_write(h, becomes_current);
  });
}

}  // namespace

TEST_CASE("store: a pushed value is stored once, its change set gzipped and returned as signed",
          "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  const std::string text = "Phường 1 đã rà soát 42 thủ tục hành chính.\nDòng hai.\n";
  auto sent = d.change_set({d.op(kCountField, 12), d.op(kTextField, text)});
  auto reply = push_reply(d.push(f, {sent}));
  REQUIRE(reply.results.size() == 1);
  REQUIRE(reply.results[0].status == sync::PushStatus::applied);

  // The values are in the pull log only; the history reads them through it.
  CHECK(count_rows(f.data_dir(), "field_history") == 2);
  CHECK(count_rows(f.data_dir(),
                   "field_history WHERE value IS NULL AND author IS NULL AND "
                   "hlc IS NULL AND device IS NULL") == 2);
  CHECK(count_rows(f.data_dir(), "pull_log WHERE value IS NOT NULL") == 2);
  const auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 2);
  CHECK(history[0].value == 12);
  CHECK(history[1].value == text);
  CHECK(history[1].author == "Tester");
  CHECK(history[1].hlc != 0);
  const auto fields = f.store().unit_fields(kCommune);
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].second == text);  // by key: t:... before v:...

  // The change set is a gzip stream beside its length, and comes back byte for byte.
  CHECK(count_rows(f.data_dir(),
                   "change_sets WHERE substr(bytes, 1, 2) = x'1f8b' AND "
                   "plain_size = " +
                       std::to_string(sent.bytes.size())) == 1);
  auto stored = f.store().change_set(d.id, 1);
  REQUIRE(stored);
  CHECK(stored->bytes == sent.bytes);
  CHECK(stored->signature == sent.signature);
  CHECK(sync::verify_change_set({stored->bytes, stored->signature}, d.key.public_key()));
  // A re-push of the same change set is recognised as the stored one.
  auto again = push_reply(d.push(f, {sent}));
  REQUIRE(again.results.size() == 1);
  CHECK(again.results[0].status == sync::PushStatus::duplicate);
  CHECK(count_rows(f.data_dir(), "change_sets") == 1);

  // Damaged stored bytes are refused as damage, not returned.
  exec_store_sql(f.data_dir(), "UPDATE change_sets SET plain_size = plain_size + 1");
  try {
    f.store().change_set(d.id, 1);
    FAIL("damaged change set bytes were returned");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::store_corrupt);
  }
}

TEST_CASE("store: a history value that differs from its event's is kept, and read back",
          "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  write_value(f, d.id, 4, 5, "applied", true);
  CHECK(count_rows(f.data_dir(), "field_history WHERE value = '5' AND author IS NULL") == 1);
  const auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 1);
  CHECK(history[0].value == 5);
  CHECK(history[0].author == "Chị Lan");
  auto page = f.store().events_after({server::Scope::Kind::unit, kCommune}, 0, 10);
  REQUIRE(page.events.size() == 1);
  CHECK(page.events[0].value == 4);
}

TEST_CASE("store: the current value is the last write that is not a conflict", "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  write_value(f, d.id, 4, 4, "applied", true);
  write_value(f, d.id, 9, 9, "conflict", false);
  auto fields = f.store().unit_fields(kCommune);
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].second == 4);
  write_value(f, d.id, 6, 6, "resolved", true);
  fields = f.store().unit_fields(kCommune);
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].second == 6);

  // becomes_current says the same as the outcome, or the write is refused whole.
  const auto rows = count_rows(f.data_dir(), "pull_log");
  for (const auto& [outcome, current] :
       std::vector<std::pair<std::string, bool>>{{"applied", false}, {"conflict", true}}) {
    try {
      write_value(f, d.id, 8, 8, outcome, current);
      FAIL("record_write took outcome " + outcome + " with becomes_current " +
           (current ? "true" : "false"));
    } catch (const Error& e) {
      CHECK(e.code() == Errc::internal);
    }
  }
  CHECK(count_rows(f.data_dir(), "pull_log") == rows);
  CHECK(f.store().unit_fields(kCommune)[0].second == 6);
}

TEST_CASE("store: a long text is kept gzipped, read back whole, and refused as damage when broken",
          "[server][store]") {
  ServerFixture f;
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  std::string text;
  for (int i = 0; i < 30; ++i)
    text += "Năm " + std::to_string(2011 + i % 10) + ", xã đã rà soát và đơn giản hoá thủ tục.\n";
  auto reply =
      push_reply(d.push(f, {d.change_set({d.op(kTextField, text), d.op(kCountField, 12)})}));
  REQUIRE(reply.results.size() == 1);
  REQUIRE(reply.results[0].status == sync::PushStatus::applied);
  // The text gzipped, its text column empty; the number as text.
  CHECK(count_rows(f.data_dir(),
                   "pull_log WHERE zvalue IS NOT NULL AND value = '' AND "
                   "length(zvalue) * 2 < " +
                       std::to_string(text.size())) == 1);
  CHECK(count_rows(f.data_dir(), "pull_log WHERE zvalue IS NULL") == 1);
  // Every reader gets the text back: the history, the current fields, the pull log.
  const auto history = f.store().history(kCommune);
  REQUIRE(history.size() == 2);
  CHECK(history[0].value == text);
  CHECK(history[1].value == 12);
  std::map<std::string, nlohmann::json> fields;
  for (auto& [k, v] : f.store().unit_fields(kCommune)) fields[k] = v;
  CHECK(fields[kTextField] == text);
  auto page = f.store().events_after({server::Scope::Kind::unit, kCommune}, 0, 10);
  REQUIRE(page.events.size() == 2);
  CHECK(page.events[0].value == text);

  // A broken stored form is reported as damage, never read as another value.
  exec_store_sql(f.data_dir(),
                 "UPDATE pull_log SET zvalue = substr(zvalue, 1, 20) WHERE zvalue IS NOT NULL");
  try {
    f.store().history(kCommune);
    FAIL("a damaged stored text was returned");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::store_corrupt);
    CHECK_THAT(e.what(), Catch::Contains("damaged"));
  }
}
