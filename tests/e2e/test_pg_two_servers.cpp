// The national deployment: two tongket-server processes on one PostgreSQL store behind the
// production nginx (round robin), real clients syncing through it at the same time. Whatever
// process answers, every device's counter and chain are right, the pull log is one gapless
// chain, and a concurrent edit of one value is one conflict with both values kept.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include "server_farm.hpp"
#include "store_backend.hpp"
#include "sync_world.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/messages.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kCommune = "25489";   // Xã Tân Lập
constexpr const char* kCommune2 = "25492";  // Xã Thạnh Bắc
const std::pair<std::string, std::string> kKey{kCommune, "v:PL1.4:2016"};

// The pull log read back page by page, its running hash recomputed: problems, or none.
std::vector<std::string> chain_problems(server::Store& store) {
  std::vector<std::string> problems;
  sync::Cursor at;
  for (;;) {
    auto page = store.events_after({server::Scope::Kind::all, "all"}, at.seq, 200);
    for (const auto& e : page.events) {
      if (e.seq != at.seq + 1) problems.push_back("gap before seq " + std::to_string(e.seq));
      at = {e.seq, sync::next_log_hash(at.hash, sync::encode_event(e))};
      if (store.log_hash_at(e.seq) != at.hash)
        problems.push_back("seq " + std::to_string(e.seq) + " does not chain");
    }
    if (!page.more) break;
  }
  if (store.log_head() != at) problems.push_back("the head is not the last event");
  return problems;
}

void sync_ok(const SyncClient& c, const ServerFarm& farm) {
  auto r = c.sync();
  INFO(c.store() << ":\n" << r.out << r.err << "\n" << farm.log());
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("0 refused"));
}

}  // namespace

TEST_CASE("two server processes on one PostgreSQL, nginx in front: counters, one chain, conflicts",
          "[e2e][postgresql]") {
  ServerFarm farm(2);
  TempDir dir("tongket-pg-farm");
  SyncClient a1(dir.path(), "a1"), a2(dir.path(), "a2"), b(dir.path(), "b");
  a1.init(kCommune, "Nguyễn Văn A");
  a2.init(kCommune, "Phạm Thị A");
  b.init(kCommune2, "Lê Thị B");
  for (auto* c : {&a1, &a2})
    c->run_ok({"enroll", "--server", farm.url(), "--ca", farm.ca().string(), "--token",
               farm.token(kCommune, "clerk")});
  b.run_ok({"enroll", "--server", farm.url(), "--ca", farm.ca().string(), "--token",
            farm.token(kCommune2, "clerk")});

  // Both laptops of the commune see version 1 of the value.
  a1.set("PL1.4", "2016", "3");
  sync_ok(a1, farm);
  sync_ok(a2, farm);

  // Then each edits it offline, and all three sync at once, several rounds, while the other
  // commune keeps writing: pushes from different processes interleave in the store.
  a1.set("PL1.4", "2016", "9");
  a2.set("PL1.4", "2016", "11");
  // Catch's assertions stay on this thread: the clients' threads only collect results.
  std::vector<std::pair<const SyncClient*, ProcessResult>> results(9);
  std::vector<std::thread> clients;
  clients.emplace_back([&] { results[0] = {&a1, a1.sync()}; });
  clients.emplace_back([&] { results[1] = {&a2, a2.sync()}; });
  clients.emplace_back([&] {
    for (int round = 0; round < 6; ++round) {
      auto set = b.run({"set", "PL1.4", std::to_string(2015 + round), std::to_string(100 + round)});
      results[static_cast<std::size_t>(2 + round)] = {&b, set.exit_code ? set : b.sync()};
    }
  });
  for (auto& t : clients) t.join();
  for (const auto& [client, r] : results) {
    if (!client) continue;
    INFO(client->store() << ":\n" << r.out << r.err << "\n" << farm.log());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("0 refused"));
  }
  for (int round = 0; round < 2; ++round)
    for (auto* c : {&a1, &a2, &b}) sync_ok(*c, farm);

  // Both processes answered pushes.
  INFO(farm.log());
  CHECK(farm.answered_by(0, "POST /v1/push") > 0);
  CHECK(farm.answered_by(1, "POST /v1/push") > 0);

  auto store = open_store_url(farm.database());
  CHECK(chain_problems(*store).empty());
  // Every device's counter and chain head are what its laptop last sent.
  for (const auto* c : {&a1, &a2, &b}) {
    const auto mine = c->device_state();
    auto theirs = store->device(mine.device);
    REQUIRE(theirs);
    CHECK(theirs->last_counter == mine.request_counter);
    CHECK(theirs->last_seq == mine.chain_seq);
    CHECK(theirs->last_hash == mine.chain_hash);
    CHECK(mine.chain_seq > 0);
  }
  // One conflict, recorded once, both values kept: one current, the other aside.
  auto conflicts = store->conflicts(std::string(kCommune), false);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].field == kKey.second);
  std::set<nlohmann::json> both = {conflicts[0].current_value, conflicts[0].incoming_value};
  CHECK(both == std::set<nlohmann::json>{9, 11});
  // Every laptop holds the server's values, with the same winner.
  std::map<std::string, nlohmann::json> on_server;
  for (const auto& [field, value] : store->unit_fields(kCommune)) on_server[field] = value;
  CHECK(on_server.at(kKey.second) == conflicts[0].current_value);
  for (const auto* c : {&a1, &a2}) {
    auto values = c->values();
    CHECK(values.at(kKey) == conflicts[0].current_value);
    CHECK(client_conflicts(*c).size() == 1);
  }
  FieldMap commune2;
  for (const auto& [field, value] : store->unit_fields(kCommune2))
    commune2[{kCommune2, field}] = value;
  CHECK(commune2.size() >= 6);
  CHECK(b.values() == commune2);
}
