// The deadline with real processes: a commune submits while the server cannot be reached,
// before a deadline the administrator set a few seconds ahead (`tongket-server deadline
// set`); the deadline passes; then it syncs. The server judges the submission by its signed
// time: on time, and `review list` shows both the signed and the receipt time. Another
// commune submits after the deadline: late. The commune's `tongket status` shows the
// administrator's deadline.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <thread>

#include "process.hpp"
#include "server_process.hpp"
#include "sync_world.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";  // Xã Tân Lập
constexpr const char* kCommuneB = "25492";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "YYYY-MM-DDTHH:MM:SS" in Vietnam time (UTC+7), as `deadline set` takes it.
std::string vietnam_iso(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000 + 7 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

TEST_CASE("an offline submission before the deadline, synced after it, is on time",
          "[e2e][review][deadline]") {
  SyncServer server;
  TempDir dir("tongket-deadline");
  SyncClient a(dir.path(), "xa-a"), b(dir.path(), "xa-b");
  a.init(kCommuneA, "Cán bộ xã A");
  b.init(kCommuneB, "Cán bộ xã B");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  a.set("PL1.4", "2016", "3");
  b.set("PL1.4", "2016", "5");
  a.sync_ok();
  b.sync_ok();

  // The deadline: 4 seconds from now, set while the server runs.
  const std::int64_t deadline_ms = (now_ms() / 1000 + 4) * 1000;
  const std::string deadline = vietnam_iso(deadline_ms);
  auto set = server.admin({"deadline", "set", "--level", "commune", "--date", deadline});
  INFO(set.out << set.err);
  REQUIRE(set.exit_code == 0);

  // Commune A submits with no link: the sync fails (nothing listens there), the outbox stays.
  a.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  const std::string nowhere = "https://127.0.0.1:" + std::to_string(free_port());
  auto offline = a.sync(nowhere);
  INFO(offline.out << offline.err);
  REQUIRE(offline.exit_code != 0);
  REQUIRE(now_ms() < deadline_ms);  // the submission was signed before the deadline

  // The deadline passes; then the link comes back.
  while (now_ms() <= deadline_ms + 1000)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  a.sync_ok();
  // Commune B submits only now: late.
  b.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  b.sync_ok();

  auto list = server.admin({"review", "list", "--unit", kDistrict});
  INFO(list.out << list.err);
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Contains("25489  Xã Tân Lập  submitted"));
  CHECK_THAT(list.out, Contains("deadline " + deadline + ": on time"));
  CHECK_THAT(list.out, Contains("deadline " + deadline + ": LATE"));
  CHECK_THAT(list.out, Contains("submit signed ") && Contains(", received "));
  CHECK_THAT(list.out, Contains("2 submitted (2 waiting for review") && Contains("1 late"));

  // The server's record: A signed before the deadline and received after it.
  CHECK(server_count(server.data(),
                     "SELECT count(*) FROM review WHERE unit = ?1 AND on_time = 1 AND "
                     "signed_ms <= " +
                         std::to_string(deadline_ms + 999) + " AND received_ms > " +
                         std::to_string(deadline_ms),
                     kCommuneA) == 1);
  CHECK(server_count(server.data(), "SELECT count(*) FROM review WHERE unit = ?1 AND on_time = 0",
                     kCommuneB) == 1);

  // The communes learn the judgement and the administrator's deadline by sync.
  a.sync_ok();
  auto status = a.run_ok({"status"});
  CHECK_THAT(status.out, Contains("report: submitted"));
  CHECK_THAT(status.out, Contains("deadline: " + deadline));
  CHECK(a.count("SELECT count(*) FROM review WHERE unit = '25489'") == 1);
  CHECK(a.count("SELECT count(*) FROM review WHERE unit = '25489' AND "
                "json_extract(extra, '$.on_time') = 1") == 1);

  // And the verification of what was submitted holds.
  auto verify = server.admin({"verify", "--unit", kCommuneA});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}
