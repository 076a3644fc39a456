// Crash consistency of the server (issue part 3): a district reviewer pushes a big outbox (many
// change sets) while the server is killed with SIGKILL at a random moment, round after round,
// and restarted on the same data dir. After each restart the server holds every change set the
// client saw acknowledged, possibly some unacknowledged ones, each one whole: never a part.
// Rounds: TONGKET_CHAOS_ROUNDS (default 16); seed: TONGKET_CHAOS_SEED.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "chaos_process.hpp"
#include "chaos_world.hpp"
#include "sync_world.hpp"

using namespace tongket::test;
using namespace std::chrono_literals;
namespace chaos = tongket::test::chaos;

namespace {

std::int64_t stored_change_sets(const SyncServer& server, const std::string& device) {
  return server_count(server.data(), "SELECT count(*) FROM change_sets WHERE device = ?1", device);
}

void check_no_problems(const std::string& what, const std::vector<std::string>& problems) {
  INFO(what << ":\n" << chaos::lines(problems));
  CHECK(problems.empty());
}

}  // namespace

TEST_CASE("the server is killed (SIGKILL) at random points of a bulk ingest, many times",
          "[e2e][chaos][crash][slow]") {
  SyncServer server;
  TempDir dir("tongket-chaos-server-kill");
  SyncClient d(dir.path(), "district");
  d.init(chaos::kDistrict, "Trần Văn D");
  d.enroll(server, server.token(chaos::kDistrict, "district_reviewer"));
  const std::string device = d.meta("device_id");

  const int rounds = chaos::rounds(16);
  const auto seed = chaos::seed();
  std::mt19937_64 rng(seed);
  std::map<std::string, int> latest;
  // Kills fall uniformly in [0, window]; the window follows how long a whole sync takes here.
  auto window = 1500ms;
  int mid_ingest = 0, before_ingest = 0, after_ingest = 0;
  std::int64_t ops = 0;

  for (int round = 1; round <= rounds; ++round) {
    // Six change sets of 78-276 operations each, on top of what earlier kills left unsent.
    ops += static_cast<std::int64_t>(chaos::write_district_round(d.store(), round, 5, latest));
    const auto outbox_before = chaos::outbox_rows(d);
    const auto stored_before = stored_change_sets(server, device);

    KillableProcess sync(d.argv({"sync", "--attempts", "1"}), d.options(),
                         dir / ("sync-" + std::to_string(round)));
    const auto delay = std::chrono::milliseconds(
        std::uniform_int_distribution<long>(0, static_cast<long>(window.count()))(rng));
    // The second half aims at the ingest until a kill has landed inside it: the kill follows
    // the first change set of this round stored (evidence the ingest is under way).
    const bool aim = round > rounds / 2 && mid_ingest == 0;
    const bool finished_first =
        aim ? !sync.wait_until([&] { return stored_change_sets(server, device) > stored_before; },
                               30s)
            : sync.wait(delay).has_value();
    server.kill9();
    const auto exit_code = sync.wait(60s);
    INFO("round " << round << ", server killed after " << delay.count() << " ms\nclient:\n"
                  << sync.out() << sync.err());
    REQUIRE(exit_code.has_value());
    // 0: it finished before the kill; 5: a network problem. Anything else is a bug.
    CHECK((*exit_code == 0 || *exit_code == 5));
    if (*exit_code == 0 && finished_first && !aim)
      window = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(sync.elapsed()),
                          200ms, 5000ms);

    server.start();  // same data dir, same port
    const auto packed = d.count("SELECT count(*) FROM change_set");
    const auto stored = stored_change_sets(server, device);
    if (stored > stored_before && stored < packed)
      ++mid_ingest;
    else if (stored == stored_before && stored < packed)
      ++before_ingest;
    else
      ++after_ingest;
    INFO("change sets: " << packed << " packed by the client, " << stored_before
                         << " on the server before, " << stored << " after the kill");
    check_no_problems("server after restart", server_integrity_problems(server.data()));
    check_no_problems("acknowledged change sets", chaos::acked_missing_problems(server, d));
    check_no_problems("duplicates", chaos::duplicate_problems(server, d));
    check_no_problems("client store", chaos::client_store_problems(d));
    check_no_problems("outbox",
                      chaos::outbox_intact_problems(outbox_before, chaos::outbox_rows(d)));
    CHECK(stored <= packed);  // nothing the client never made
  }
  std::printf(
      "chaos server kill (seed %llu): %d rounds, %lld operations; kills landed %d mid-ingest, "
      "%d before the first change set, %d after the last\n",
      static_cast<unsigned long long>(seed), rounds, static_cast<long long>(ops), mid_ingest,
      before_ingest, after_ingest);
  std::fflush(stdout);
  // The fault window was hit: a kill between the change sets of one push (some stored, not all).
  CHECK(mid_ingest >= 1);

  // The link is back: everything converges, once.
  std::string transcript;
  const int took = chaos::sync_until_ok(d, {}, 5, transcript);
  INFO(transcript << "\nserver log:\n" << server.log());
  REQUIRE(took > 0);
  check_no_problems("server", server_integrity_problems(server.data()));
  check_no_problems("converged", chaos::convergence_problems(server, d, chaos::kDistrict));
  check_no_problems("cursor", chaos::cursor_problems(server, d, chaos::kDistrict));
  check_no_problems("duplicates", chaos::duplicate_problems(server, d));
  CHECK(server_count(server.data(), "SELECT count(*) FROM field_history_full WHERE device = ?1",
                     device) == ops);
  CHECK(stored_change_sets(server, device) == d.count("SELECT count(*) FROM change_set"));
  const auto want = chaos::expected_values(latest);
  const auto have = server_values(server.data(), chaos::kDistrict);
  INFO("expected " << want.size() << " values, the server has " << have.size());
  CHECK(have == want);
}
