// The SQLite server store: initialisation, foreign/newer files, one transaction per push,
// the pull log's running hash and scope queries, and a second connection (admin commands).
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "tongket/error.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"
#include "tongket/server/pull_log.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/server/store_factory.hpp"

using namespace tongket;
using namespace tongket::test;
using server::Scope;

namespace {

void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

Errc open_error(const std::filesystem::path& dir) {
  try {
    server::open_sqlite_store(dir);
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("the store opened");
  return Errc::internal;
}

sync::PullEvent value_event(std::uint64_t seq, const std::string& unit, int value) {
  sync::PullEvent e;
  e.kind = "value";
  e.seq = seq;
  e.unit = unit;
  e.field = kCountField;
  e.value = value;
  e.version = seq;
  e.device = "dev";
  e.author = "A";
  e.hlc = 7;
  return e;
}

// Appends one value event per unit, each in its own push-like transaction.
void append(server::Store& store, const std::vector<std::string>& units) {
  for (const auto& u : units)
    store.write([&](server::WriteTxn& t) {
      server::PullLogWriter log(t);
      auto e = value_event(log.next_seq(), u, 1);
      log.append(e);
    });
}

}  // namespace

TEST_CASE("store: init makes an identified store once and refuses foreign or newer files",
          "[server][store]") {
  ServerFixture f;
  auto id = f.store().identity();
  CHECK(id.server_id.size() == 32);
  CHECK(id.unit_count > 10000);
  auto commune = f.store().unit(kCommune);
  REQUIRE(commune);
  CHECK(commune->level == UnitLevel::commune);
  CHECK(commune->district == kDistrict);
  CHECK(commune->province == kProvince);
  CHECK(f.store().unit(kDistrict)->district == kDistrict);
  CHECK(f.store().unit(kProvince)->district.empty());

  SECTION("init again keeps the server id") {
    auto again = server::init_sqlite_store(f.data_dir(), Hierarchy::load(units_dir()),
                                           read_file(template_file()), 1);
    CHECK(again.server_id == id.server_id);
    CHECK(again.unit_count == id.unit_count);
  }
  SECTION("a newer schema") {
    exec(server::store_file(f.data_dir()), "PRAGMA user_version = 99");
    CHECK(open_error(f.data_dir()) == Errc::store_newer);
  }
  SECTION("another application's database") {
    TempDir other;
    exec(server::store_file(other.path()), "CREATE TABLE t(x)");
    CHECK(open_error(other.path()) == Errc::store_foreign);
  }
  SECTION("no store at all") {
    TempDir empty;
    CHECK(open_error(empty.path()) == Errc::io_error);  // a store problem: exit 4 (--help)
  }
}

TEST_CASE("store: a write transaction commits whole or not at all", "[server][store]") {
  ServerFixture f;
  CHECK_THROWS(f.store().write([&](server::WriteTxn& t) {
    server::PullLogWriter log(t);
    auto e = value_event(log.next_seq(), kCommune, 1);
    log.append(e);
    throw Error(Errc::internal, "fails half-way");
  }));
  CHECK(f.store().log_head().seq == 0);
  CHECK(count_rows(f.data_dir(), "pull_log") == 0);

  SECTION("an event must take the next seq, and name a known unit") {
    CHECK_THROWS(f.store().write(
        [&](server::WriteTxn& t) { t.append_event(value_event(5, kCommune, 1), sync::Hash{}); }));
    CHECK_THROWS(f.store().write([&](server::WriteTxn& t) {
      t.append_event(value_event(1, "no-such-unit", 1), sync::Hash{});
    }));
    CHECK(f.store().log_head().seq == 0);
  }
  SECTION("a change set must be the next on its device's chain") {
    auto d = TestDevice::enrolled(f, kCommune, server::Role::clerk);
    server::StoredChangeSet cs;
    cs.device = d.id;
    cs.seq = 2;
    cs.status = "applied";
    try {
      f.store().write([&](server::WriteTxn& t) { t.record_change_set(cs); });
      FAIL("accepted seq 2 first");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::protocol);
    }
  }
}

TEST_CASE("store: the pull log's running hash and scopes", "[server][store][pull]") {
  ServerFixture f;
  append(f.store(), {kCommune, kCommune2, kOtherCommune, kDistrict, kProvince, kCommune});

  // The running hash is the chain of sync::next_log_hash over every event, in seq order.
  auto all = f.store().events_after({Scope::Kind::all, {}}, 0, 100);
  REQUIRE(all.events.size() == 6);
  CHECK_FALSE(all.more);
  sync::Hash h{};
  for (const auto& e : all.events) {
    h = sync::next_log_hash(h, sync::encode_event(e));
    CHECK(f.store().log_hash_at(e.seq) == h);
  }
  CHECK(f.store().log_head().hash == h);
  CHECK(all.cursor == f.store().log_head());
  CHECK(f.store().log_hash_at(0) == sync::Hash{});
  CHECK_FALSE(f.store().log_hash_at(7));

  auto seqs = [&](Scope scope, std::uint64_t after = 0, std::size_t limit = 100) {
    std::vector<std::uint64_t> out;
    for (const auto& e : f.store().events_after(scope, after, limit).events) out.push_back(e.seq);
    return out;
  };
  CHECK(seqs({Scope::Kind::unit, kCommune}) == std::vector<std::uint64_t>{1, 6});
  CHECK(seqs({Scope::Kind::district, kDistrict}) == std::vector<std::uint64_t>{1, 2, 4, 6});
  CHECK(seqs({Scope::Kind::province, kProvince}) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6});
  CHECK(seqs({Scope::Kind::unit, kCommune}, 1) == std::vector<std::uint64_t>{6});

  // A full page stops at its last event; the last page jumps to the head.
  auto page = f.store().events_after({Scope::Kind::unit, kCommune}, 0, 1);
  CHECK(page.more);
  CHECK(page.cursor.seq == 1);
  auto last = f.store().events_after({Scope::Kind::unit, kCommune}, 1, 1);
  CHECK(last.cursor.seq == 6);
  auto none = f.store().events_after({Scope::Kind::unit, kOtherCommune}, 3, 10);
  CHECK(none.events.empty());
  CHECK(none.cursor.seq == 6);
}

TEST_CASE("store: a second connection (an admin command) sees commits at once", "[server][store]") {
  ServerFixture f;
  auto admin = server::open_sqlite_store(f.data_dir());
  CHECK(admin->devices().empty());
  auto d = TestDevice::enrolled(f, kCommune, server::Role::clerk);
  CHECK(admin->devices().size() == 1);
  REQUIRE(admin->revoke_device(d.id, 5));
  CHECK(f.store().device(d.id)->revoked_ms == 5);
  CHECK_FALSE(admin->revoke_device("nobody", 5));
}

TEST_CASE("store: inside a write only the WriteTxn is used and writes do not nest",
          "[server][store][contract]") {
  ServerFixture f;
  auto code_of = [&](const std::function<void(server::WriteTxn&)>& fn) {
    try {
      f.store().write(fn);
    } catch (const Error& e) {
      return e.code();
    }
    FAIL("the write committed");
    return Errc::invalid_argument;
  };
  auto appended_then = [&](const std::function<void()>& call) {
    return [&, call](server::WriteTxn& t) {
      server::PullLogWriter log(t);
      auto e = value_event(log.next_seq(), kCommune, 1);
      log.append(e);
      call();
    };
  };
  CHECK(code_of(appended_then([&] { f.store().write([](server::WriteTxn&) {}); })) ==
        Errc::internal);
  CHECK(code_of(appended_then([&] { f.store().advance_counter("d", 1); })) == Errc::internal);
  CHECK(code_of(appended_then([&] { f.store().log_refusal(server::Refusal{}); })) ==
        Errc::internal);
  CHECK(code_of(appended_then([&] { f.store().events_after({}, 0, 10); })) == Errc::internal);
  CHECK(code_of(appended_then([&] { f.store().unit(kCommune); })) == Errc::internal);
  // Each refused call rolled its whole write back.
  CHECK(f.store().log_head().seq == 0);
  CHECK(count_rows(f.data_dir(), "refusals") == 0);

  SECTION("the counter advanced through the WriteTxn commits with the write, or not at all") {
    auto d = TestDevice::enrolled(f, kCommune, server::Role::clerk);
    CHECK(code_of([&](server::WriteTxn& t) {
            CHECK(t.advance_counter(d.id, 7).accepted);
            throw Error(Errc::conflict, "fails after the counter");
          }) == Errc::conflict);
    CHECK(f.store().device(d.id)->last_counter < 7);
    f.store().write([&](server::WriteTxn& t) {
      CHECK(t.advance_counter(d.id, 7).accepted);
      auto again = t.advance_counter(d.id, 7);
      CHECK_FALSE(again.accepted);
      CHECK(again.last == 7);
    });
    CHECK(f.store().device(d.id)->last_counter == 7);
  }
}

TEST_CASE("store: the pull log keeps the hash the protocol layer chained", "[server][store]") {
  ServerFixture f;
  append(f.store(), {kCommune, kCommune2});
  sync::Hash h{};
  for (std::uint64_t seq = 1; seq <= 2; ++seq) {
    auto page = f.store().events_after({Scope::Kind::all, ""}, seq - 1, 1);
    REQUIRE(page.events.size() == 1);
    h = sync::next_log_hash(h, sync::encode_event(page.events[0]));
    CHECK(f.store().log_hash_at(seq) == h);
  }
  CHECK(f.store().log_head().hash == h);
}

TEST_CASE("store: a data directory records its database URL and every command uses it",
          "[server][store][factory]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  const auto file = dir.path() / "elsewhere.db";
  const std::string url = "sqlite:" + file.string();
  auto hierarchy = Hierarchy::load(units_dir());
  const std::string tpl = read_file(template_file());

  SECTION("an unknown scheme, or sqlite: without a file, is refused and nothing is written") {
    for (const std::string bad : {"mysql://x/y", "sqlite:", "/tmp/x.db"}) {
      INFO(bad);
      try {
        server::check_data_store_url(data, bad);
        FAIL("accepted");
      } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK_THAT(e.what(), Catch::Contains(bad));
      }
    }
    CHECK_FALSE(std::filesystem::exists(data));
  }
  SECTION("init with --database: the store is there, the URL recorded, open_data_store uses it") {
    auto id = server::init_store(url, hierarchy, tpl, 5);
    server::record_data_store_url(data, url);
    CHECK(std::filesystem::exists(file));
    CHECK_FALSE(std::filesystem::exists(server::store_file(data)));
    CHECK(server::data_store_url(data) == url);
    CHECK((std::filesystem::status(data / "database").permissions() &
           std::filesystem::perms::others_read) == std::filesystem::perms::none);
    CHECK(server::open_data_store(data)->identity().server_id == id.server_id);
    // Another URL for the same directory is refused, naming both.
    try {
      server::check_data_store_url(data, "sqlite:" + (dir.path() / "third.db").string());
      FAIL("a second store was accepted");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK_THAT(e.what(), Catch::Contains(url));
    }
    CHECK(server::data_store_url(data) == url);
  }
  SECTION("a directory without a recorded URL uses its own SQLite file") {
    CHECK(server::data_store_url(data) == "sqlite:" + server::store_file(data).string());
  }
}
