// The storage contract (server/include/tongket/server/store.hpp), tested through the interface
// only, on each backend: tests/CMakeLists.txt builds this file as
// test_store_conformance_sqlite and test_store_conformance_postgresql.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "server_fixture.hpp"
#include "store_contract.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/admin_events.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"

using namespace tongket;
using namespace tongket::test;
using namespace tongket::test::conformance;
using server::Scope;

namespace {

struct Thrown : std::runtime_error {
  Thrown() : std::runtime_error("thrown inside write") {}
};

// Appends `n` events, one write each, for `unit` through `store`.
void append_many(server::Store& store, const std::string& unit, int n, const std::string& tag) {
  for (int i = 0; i < n; ++i)
    store.write([&](server::WriteTxn& txn) {
      auto c = next_event(txn.log_head(), unit, kCountField, tag + std::to_string(i), tag);
      txn.append_event(c.event, c.hash);
    });
}

// Runs `body` in a forked child that opens its own store from `url`; returns the child's
// exit status (what it returned, or 100 if it threw).
template <class Body>
pid_t fork_child(Body body) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 100;
    try {
      code = body();
    } catch (...) {
    }
    _exit(code);  // no atexit handlers: the parent's cluster and temp dirs are the parent's
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool failure_code(const std::function<void()>& fn, Errc* code) {
  try {
    fn();
  } catch (const Error& e) {
    *code = e.code();
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a throw inside write rolls back the counter, change set, events and values together") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  REQUIRE_THROWS_AS(s->write([&](server::WriteTxn& txn) {
    REQUIRE(txn.advance_counter(dev, 5).accepted);
    txn.record_change_set(change_set_record(dev, kCommune, 1));
    append_value(txn, kCommune, kCountField, 12, dev, 1);
    throw Thrown();
  }),
                    Thrown);
  CHECK(s->device(dev)->last_counter == 0);
  CHECK(s->device(dev)->last_seq == 0);
  CHECK_FALSE(s->change_set(dev, 1));
  CHECK(s->log_head() == sync::Cursor{});
  CHECK(s->history(kCommune).empty());
  CHECK(s->unit_fields(kCommune).empty());

  // The same write without the throw: all of it at once.
  s->write([&](server::WriteTxn& txn) {
    REQUIRE(txn.advance_counter(dev, 5).accepted);
    txn.record_change_set(change_set_record(dev, kCommune, 1));
    append_value(txn, kCommune, kCountField, 12, dev, 1);
  });
  CHECK(s->device(dev)->last_counter == 5);
  CHECK(s->device(dev)->last_seq == 1);
  CHECK(s->change_set(dev, 1)->bytes == change_set_record(dev, kCommune, 1).bytes);
  CHECK(s->log_head().seq == 1);
  REQUIRE(s->unit_fields(kCommune).size() == 1);
  CHECK(s->unit_fields(kCommune)[0].second == 12);
  CHECK(chain_problems(*s).empty());
}

TEST_CASE("the same change set recorded twice is refused and leaves the chains as they were") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  s->write([&](server::WriteTxn& txn) {
    txn.record_change_set(change_set_record(dev, kCommune, 1));
    append_value(txn, kCommune, kCountField, 1, dev, 1);
  });
  const auto head = s->log_head();
  const auto device = s->device(dev);
  Errc code = Errc::internal;
  CHECK(failure_code(
      [&] {
        s->write([&](server::WriteTxn& txn) {
          append_value(txn, kCommune, kCountField, 2, dev, 1);
          txn.record_change_set(change_set_record(dev, kCommune, 1));
        });
      },
      &code));
  CHECK(code == Errc::protocol);
  CHECK(s->log_head() == head);
  CHECK(s->device(dev)->last_seq == device->last_seq);
  CHECK(s->device(dev)->last_hash == device->last_hash);
  CHECK(s->history(kCommune).size() == 1);
  CHECK(s->unit_fields(kCommune)[0].second == 1);
  // A gap is refused the same way.
  CHECK_THROWS_AS(s->write([&](server::WriteTxn& txn) {
    txn.record_change_set(change_set_record(dev, kCommune, 3));
  }),
                  Error);
  CHECK(s->device(dev)->last_seq == 1);
}

TEST_CASE("events_after pages a scope in seq order with cursors on the chain") {
  FreshStore s;
  // Events of two communes of one district, another district's commune, interleaved.
  const std::vector<std::string> units = {kCommune,      kOtherCommune, kCommune2, kCommune,
                                          kOtherCommune, kDistrict,     kCommune2};
  for (std::size_t i = 0; i < units.size(); ++i)
    s->write([&](server::WriteTxn& txn) {
      append_value(txn, units[i], kCountField, static_cast<int>(i), "d", 0);
    });
  const auto head = s->log_head();
  REQUIRE(head.seq == units.size());

  struct Case {
    Scope scope;
    std::vector<std::uint64_t> seqs;
  };
  // Added one by one: GCC 12 at -O3 takes an initializer list of these for uninitialised
  // strings (-Wmaybe-uninitialized, a false positive).
  std::vector<Case> cases;
  const auto add = [&](Scope::Kind kind, const char* code, std::vector<std::uint64_t> seqs) {
    cases.push_back(Case{Scope{kind, code}, std::move(seqs)});
  };
  add(Scope::Kind::unit, kCommune, {1, 4});
  add(Scope::Kind::district, kDistrict, {1, 3, 4, 6, 7});
  add(Scope::Kind::province, kProvince, {1, 2, 3, 4, 5, 6, 7});
  add(Scope::Kind::all, "all", {1, 2, 3, 4, 5, 6, 7});
  add(Scope::Kind::district, kOtherDistrict, {2, 5});
  for (const auto& c : cases) {
    INFO("scope " << c.scope.code);
    std::vector<std::uint64_t> seen;
    std::uint64_t after = 0;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = s->events_after(c.scope, after, 2);
      CHECK(page.events.size() <= 2);
      for (const auto& e : page.events) seen.push_back(e.seq);
      // The cursor's hash is the log's running hash at its seq.
      CHECK(s->log_hash_at(page.cursor.seq) == page.cursor.hash);
      if (!page.events.empty() && page.more) CHECK(page.cursor.seq == page.events.back().seq);
      after = page.cursor.seq;
      if (!page.more) {
        CHECK(page.cursor == head);  // a last page moves the cursor to the head
        break;
      }
    }
    CHECK(seen == c.seqs);
  }
  // The events come back as appended.
  auto one = s->events_after({Scope::Kind::unit, kOtherCommune}, 0, 1);
  REQUIRE(one.events.size() == 1);
  CHECK(one.more);
  CHECK(one.events[0].unit == kOtherCommune);
  CHECK(one.events[0].value == 1);
  CHECK(one.events[0].author == "Người thử");
  CHECK(one.events[0] ==
        next_event(sync::Cursor{1, *s->log_hash_at(1)}, kOtherCommune, kCountField, 1, "d").event);
  // Beyond the head: refused; the hash at 0 is zeros, beyond the head none.
  Errc code = Errc::internal;
  CHECK(failure_code([&] { s->events_after({Scope::Kind::all, "all"}, head.seq + 5, 2); }, &code));
  CHECK(code == Errc::not_found);
  CHECK(s->log_hash_at(0) == server::Hash{});
  CHECK_FALSE(s->log_hash_at(head.seq + 1));
  CHECK(chain_problems(*s).empty());
}

TEST_CASE("an event whose seq is not the next one, or of an unknown unit, is refused") {
  FreshStore s;
  s->write([&](server::WriteTxn& txn) { append_value(txn, kCommune, kCountField, 1, "d", 0); });
  auto head = s->log_head();
  Errc code = Errc::internal;
  CHECK(failure_code(
      [&] {
        s->write([&](server::WriteTxn& txn) {
          auto c = next_event(sync::Cursor{head.seq + 1, head.hash}, kCommune, kCountField, 2);
          txn.append_event(c.event, c.hash);
        });
      },
      &code));
  CHECK(code == Errc::internal);
  CHECK(failure_code(
      [&] {
        s->write([&](server::WriteTxn& txn) {
          auto c = next_event(txn.log_head(), "99999999", kCountField, 2);
          txn.append_event(c.event, c.hash);
        });
      },
      &code));
  CHECK(code == Errc::not_found);
  CHECK(s->log_head() == head);
}

TEST_CASE("writers on two store objects in two threads make one gapless chain") {
  FreshStore s;
  auto second = open_store_url(s.url);
  constexpr int kEach = 40;
  std::thread other([&] { append_many(*second, kCommune2, kEach, "b"); });
  append_many(*s, kCommune, kEach, "a");
  other.join();
  CHECK(s->log_head().seq == 2 * kEach);
  CHECK(second->log_head() == s->log_head());
  CHECK(chain_problems(*s).empty());
}

TEST_CASE("writers in two processes make one gapless chain") {
  FreshStore s;
  constexpr int kEach = 40;
  const std::string url = s.url;
  pid_t child = fork_child([&] {
    auto store = open_store_url(url);
    append_many(*store, kCommune2, kEach, "child");
    return 0;
  });
  append_many(*s, kCommune, kEach, "parent");
  CHECK(wait_exit(child) == 0);
  CHECK(s->log_head().seq == 2 * kEach);
  CHECK(chain_problems(*s).empty());
  CHECK(s->events_after({Scope::Kind::unit, kCommune2}, 0, 1000).events.size() == kEach);
}

TEST_CASE("a process that dies half-way through a write leaves nothing of it") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  s->write([&](server::WriteTxn& txn) {
    txn.record_change_set(change_set_record(dev, kCommune, 1));
    append_value(txn, kCommune, kCountField, 1, dev, 1);
  });
  const auto head = s->log_head();
  int got_there[2];
  REQUIRE(pipe(got_there) == 0);
  const std::string url = s.url;
  pid_t child = fork_child([&] {
    auto store = open_store_url(url);
    store->write([&](server::WriteTxn& txn) {
      txn.advance_counter(dev, 9);
      txn.record_change_set(change_set_record(dev, kCommune, 2));
      append_value(txn, kCommune, kCountField, 2, dev, 2);
      // Half of the push is written, nothing committed: the process ends here.
      char one = 1;
      (void)!write(got_there[1], &one, 1);
      _exit(42);
    });
    return 0;
  });
  close(got_there[1]);
  char byte = 0;
  CHECK(read(got_there[0], &byte, 1) == 1);  // the child wrote its half before dying
  close(got_there[0]);
  CHECK(wait_exit(child) == 42);
  CHECK(s->log_head() == head);
  CHECK(s->device(dev)->last_counter == 0);
  CHECK(s->device(dev)->last_seq == 1);
  CHECK_FALSE(s->change_set(dev, 2));
  CHECK(s->history(kCommune).size() == 1);
  CHECK(s->unit_fields(kCommune)[0].second == 1);
  // The store still takes writes (no lock left behind).
  s->write([&](server::WriteTxn& txn) {
    CHECK(txn.advance_counter(dev, 9).accepted);
    txn.record_change_set(change_set_record(dev, kCommune, 2));
    append_value(txn, kCommune, kCountField, 2, dev, 2);
  });
  CHECK(s->unit_fields(kCommune)[0].second == 2);
  CHECK(s->log_head().seq == head.seq + 1);
  CHECK(chain_problems(*s).empty());
}

TEST_CASE("a Store call or a nested write inside write() is a bug: Error(internal), rolled back") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"write", [&] { s->write([](server::WriteTxn&) {}); }},
      {"device", [&] { s->device(dev); }},
      {"log_head", [&] { s->log_head(); }},
      {"advance_counter", [&] { s->advance_counter(dev, 3); }},
      {"events_after",
       [&] {
         s->events_after({Scope::Kind::all, "all"}, 0, 10);
       }},
      {"enroll", [&] { s->enroll(server::Hash{}, server::Device{}, 0); }},
      {"log_refusal", [&] { s->log_refusal(server::Refusal{}); }},
  };
  for (const auto& [name, call] : calls) {
    INFO(name);
    Errc code = Errc::not_found;
    CHECK(failure_code(
        [&] {
          s->write([&](server::WriteTxn& txn) {
            append_value(txn, kCommune, kCountField, 7, dev, 0);
            call();
          });
        },
        &code));
    CHECK(code == Errc::internal);
    CHECK(s->log_head() == sync::Cursor{});
    CHECK(s->device(dev)->last_counter == 0);
  }
  CHECK(s->refusals(10).empty());
  // The store is usable afterwards.
  s->write([&](server::WriteTxn& txn) { append_value(txn, kCommune, kCountField, 7, dev, 0); });
  CHECK(s->log_head().seq == 1);
}

TEST_CASE("a request counter is accepted once, also from two store objects at once") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  CHECK(s->advance_counter(dev, 3).accepted);
  CHECK_FALSE(s->advance_counter(dev, 3).accepted);
  auto lower = s->advance_counter(dev, 2);
  CHECK_FALSE(lower.accepted);
  CHECK(lower.last == 3);
  CHECK_FALSE(s->advance_counter("no-such-device", 1).accepted);

  auto second = open_store_url(s.url);
  constexpr std::uint64_t kUpTo = 150;
  std::vector<std::uint64_t> a, b;
  auto race = [&](server::Store& store, std::vector<std::uint64_t>& won) {
    for (std::uint64_t c = 4; c <= kUpTo; ++c)
      if (store.advance_counter(dev, c).accepted) won.push_back(c);
  };
  std::thread other([&] { race(*second, b); });
  race(*s, a);
  other.join();
  std::set<std::uint64_t> both(a.begin(), a.end());
  for (auto c : b) CHECK(both.insert(c).second);  // never accepted twice
  CHECK(s->device(dev)->last_counter == kUpTo);
}

TEST_CASE("an enrollment token is used once, by one device, before it expires") {
  FreshStore s;
  const std::int64_t now = 1'700'000'000'000;
  auto token = [&](std::int64_t expires) {
    server::EnrollToken t;
    t.token_hash = sync::sha256(sync::as_bytes(sync::random_id()));
    t.unit = kCommune;
    t.role = server::Role::district_reviewer;
    t.created_ms = now;
    t.expires_ms = expires;
    s->add_token(t);
    return t.token_hash;
  };
  auto device = [](const std::string& id) {
    server::Device d;
    d.id = id;
    d.public_key = sync::Bytes(32, 9);
    d.unit = kOtherCommune;  // ignored: the token's unit and role count
    return d;
  };
  auto t1 = token(now + 1000);
  CHECK(s->enroll(t1, device("dev-1"), now) == server::EnrollOutcome::enrolled);
  auto enrolled = s->device("dev-1");
  REQUIRE(enrolled);
  CHECK(enrolled->unit == kCommune);
  CHECK(enrolled->role == server::Role::district_reviewer);
  CHECK(s->token(t1)->used_by == "dev-1");
  CHECK(s->enroll(t1, device("dev-2"), now) == server::EnrollOutcome::used_token);
  CHECK(s->enroll(token(now + 1000), device("dev-1"), now) == server::EnrollOutcome::device_exists);
  CHECK(s->enroll(token(now), device("dev-3"), now) == server::EnrollOutcome::expired_token);
  CHECK(s->enroll(server::Hash{}, device("dev-4"), now) == server::EnrollOutcome::unknown_token);
  CHECK_FALSE(s->device("dev-2"));

  // Two store objects racing for one token: exactly one device gets it.
  auto second = open_store_url(s.url);
  auto t2 = token(now + 1000);
  server::EnrollOutcome a{}, b{};
  std::thread other([&] { b = second->enroll(t2, device("race-b"), now); });
  a = s->enroll(t2, device("race-a"), now);
  other.join();
  CHECK((a == server::EnrollOutcome::enrolled) != (b == server::EnrollOutcome::enrolled));
  CHECK((s->device("race-a").has_value() + s->device("race-b").has_value()) == 1);
}

TEST_CASE("the security log keeps the newest kMaxRefusalRows rows") {
  FreshStore s;
  std::vector<server::Refusal> rows;
  for (std::size_t i = 0; i < server::kMaxRefusalRows + 5; ++i)
    rows.push_back({static_cast<std::int64_t>(i), "dev", "POST /v1/push", "bad_signature",
                    "row " + std::to_string(i), 0, "10.0.0.1", 1, 0});
  s->log_refusals(rows);
  s->log_refusal({99'999, "", "POST /v1/enroll", "unknown_token", "newest", 0, "", 3, 100'000});
  auto kept = s->refusals(server::kMaxRefusalRows + 100);
  REQUIRE(kept.size() == server::kMaxRefusalRows);
  CHECK(kept.front().message == "newest");
  CHECK(kept.front().count == 3);
  CHECK(kept.front().last_ms == 100'000);
  CHECK(kept[1].message == "row " + std::to_string(server::kMaxRefusalRows + 4));
  CHECK(kept.back().message == "row 6");
  CHECK(s->refusals(2).size() == 2);
}

TEST_CASE("an initialised store knows its identity, units and template") {
  FreshStore s;
  auto id = s->identity();
  CHECK_FALSE(id.server_id.empty());
  CHECK(id.created_ms == kSeedCreatedMs);
  CHECK(id.unit_count > 10'000);
  CHECK(nlohmann::json::parse(id.template_json).is_object());
  auto commune = s->unit(kCommune);
  REQUIRE(commune);
  CHECK(commune->district == kDistrict);
  CHECK(commune->province == kProvince);
  CHECK(commune->level == UnitLevel::commune);
  CHECK_FALSE(s->unit("no-such-unit"));
  auto kids = s->children(kDistrict);
  REQUIRE(kids.size() > 2);
  CHECK(std::is_sorted(kids.begin(), kids.end(),
                       [](const auto& x, const auto& y) { return x.code < y.code; }));
  // A second store on the same URL sees the same store.
  CHECK(open_store_url(s.url)->identity().server_id == id.server_id);
}

TEST_CASE("a write the store cannot take fails write() and leaves the store as it was") {
  FreshStore s;
  auto dev = enroll_device(*s, kCommune);
  Errc code = Errc::not_found;
  CHECK(failure_code(
      [&] {
        s->write([&](server::WriteTxn& txn) {
          txn.advance_counter(dev, 4);
          txn.record_change_set(change_set_record(dev, kCommune, 1));
          auto seq = append_value(txn, kCommune, kCountField, 1, dev, 1);
          server::HistoryEntry again = txn.current_writes_after(kCommune, kCountField, 0).at(0);
          CHECK(again.version == seq);
          txn.record_write(again, true);  // the same version twice: the store refuses it
          txn.field(kCommune, kCountField);
        });
      },
      &code));
  CHECK(code != Errc::not_found);
  CHECK(s->log_head() == sync::Cursor{});
  CHECK(s->device(dev)->last_counter == 0);
  CHECK(s->history(kCommune).empty());
  // The store (and its connection) still works.
  s->write([&](server::WriteTxn& txn) {
    txn.record_change_set(change_set_record(dev, kCommune, 1));
    append_value(txn, kCommune, kCountField, 1, dev, 1);
  });
  CHECK(s->history(kCommune).size() == 1);
  CHECK(chain_problems(*s).empty());
}

TEST_CASE(
    "an added unit and a deadline override are kept, and a server-wide event is in every "
    "scope") {
  FreshStore s;
  const std::string added = std::string(kProvince) + "-SXD";
  server::UnitInfo info{added, "Sở Xây dựng", UnitLevel::department, kProvince, kProvince, ""};
  // As `tongket-server units add` and `deadline set` write them (server/src/protocol/admin.cpp).
  auto append = [](server::WriteTxn& txn, sync::PullEvent event) {
    const auto head = txn.log_head();
    event.seq = event.version = head.seq + 1;
    txn.append_event(event, sync::next_log_hash(head.hash, sync::encode_event(event)));
  };
  s->write([&](server::WriteTxn& txn) {
    CHECK_FALSE(txn.unit(added));
    txn.add_unit(info, "Sở");
    CHECK(txn.unit(added)->level == UnitLevel::department);  // read back inside the write
    append(txn, sync::unit_event({added, info.name, "Sở", UnitLevel::department, kProvince}, 0,
                                 "admin", 1'700'000'000'000));
    append(txn,
           sync::deadline_event({UnitLevel::commune, "2020-12-15", 1'700'000'000'000}, 0, "admin"));
    txn.set_deadline(UnitLevel::commune, "2020-12-15", 1'700'000'000'000);
  });
  auto unit = s->unit(added);
  REQUIRE(unit);
  CHECK(unit->province == kProvince);
  CHECK(unit->parent == kProvince);
  auto list = s->added_units();
  REQUIRE(list.size() == 1);
  CHECK(list[0].code == added);
  CHECK(list[0].level == UnitLevel::department);
  auto deadlines = s->deadlines();
  REQUIRE(deadlines.size() == 1);
  CHECK(deadlines[0].level == UnitLevel::commune);
  CHECK(deadlines[0].value == "2020-12-15");

  // The same code again: refused, and nothing of that write stays.
  const auto head = s->log_head();
  Errc code = Errc::internal;
  CHECK(failure_code(
      [&] {
        s->write([&](server::WriteTxn& txn) {
          txn.set_deadline(UnitLevel::district, "2021-01-15", 1'700'000'000'001);
          txn.add_unit(info, "Sở");
        });
      },
      &code));
  CHECK(code == Errc::invalid_argument);
  CHECK(s->log_head() == head);
  CHECK(s->deadlines().size() == 1);

  // Scopes: the added unit's event in its own and its province's; the server-wide one in all.
  auto seqs = [&](const Scope& scope) {
    std::vector<std::uint64_t> out;
    for (const auto& e : s->events_after(scope, 0, 100).events) out.push_back(e.seq);
    return out;
  };
  CHECK(seqs({Scope::Kind::unit, added}) == std::vector<std::uint64_t>{1, 2});
  CHECK(seqs({Scope::Kind::province, kProvince}) == std::vector<std::uint64_t>{1, 2});
  CHECK(seqs({Scope::Kind::unit, kCommune}) == std::vector<std::uint64_t>{2});
  CHECK(seqs({Scope::Kind::district, kDistrict}) == std::vector<std::uint64_t>{2});
  CHECK(seqs({Scope::Kind::province, "79"}) == std::vector<std::uint64_t>{2});
  CHECK(chain_problems(*s).empty());
}

TEST_CASE("field() answers the same after prefetch_fields, writes in the transaction included") {
  FreshStore s;
  const std::string dev = enroll_device(*s, kCommune);
  const std::string written = "v:PL1.4:2016", unwritten = "v:PL1.4:2017";
  std::uint64_t first = 0;
  s->write([&](server::WriteTxn& txn) {
    first = append_value(txn, kCommune, written, 3, dev, 1);
    txn.record_change_set(change_set_record(dev, kCommune, 1));
  });
  s->write([&](server::WriteTxn& txn) {
    const auto before = txn.field(kCommune, written);
    REQUIRE(before);
    txn.prefetch_fields(kCommune, {written, unwritten, "v:PL1.4:\"odd\\key,"});
    auto state = txn.field(kCommune, written);
    REQUIRE(state);
    CHECK(state->value == 3);
    CHECK(state->version == first);
    CHECK(state->device == before->device);
    CHECK(state->author == before->author);
    CHECK(state->hlc == before->hlc);
    CHECK(state->received_ms == before->received_ms);
    CHECK_FALSE(txn.field(kCommune, unwritten));
    CHECK(txn.current_writes_after(kCommune, unwritten, 0).empty());
    CHECK(txn.value_at(kCommune, unwritten, 100).is_null());
    // Written in this transaction: field() sees the new value, not the prefetched one.
    const auto second = append_value(txn, kCommune, written, 4, dev, 2);
    const auto third = append_value(txn, kCommune, unwritten, 5, dev, 2);
    txn.record_change_set(change_set_record(dev, kCommune, 2));
    CHECK(txn.field(kCommune, written)->value == 4);
    CHECK(txn.field(kCommune, written)->version == second);
    CHECK(txn.field(kCommune, unwritten)->version == third);
    CHECK(txn.current_writes_after(kCommune, unwritten, 0).size() == 1);
    CHECK(txn.value_at(kCommune, written, first) == 3);
  });
  CHECK(s->unit_fields(kCommune).size() == 2);
}
