// Field failures that stranded a laptop or hid a clerk's work, through the real server and
// clients over HTTPS: each edit judged on its own, refused edits kept visible and sent again.
#include <catch2/catch.hpp>

#include "sync_world.hpp"

using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";
constexpr const char* kCommuneB = "25492";
constexpr int kExitRefused = 9;  // `tongket --help`: sync finished, some edits refused

}  // namespace

TEST_CASE("one refused edit does not take the others of its change set with it", "[e2e][refusal]") {
  SyncServer server;
  TempDir dir("tongket-refusal");
  SyncClient a(dir.path(), "xa-a"), d(dir.path(), "huyen");
  a.init(kCommuneA, "Cán bộ xã A");
  d.init(kDistrict, "Phòng Nội vụ");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  d.enroll(server, server.token(kDistrict, "district_reviewer"));
  d.sync_ok();

  // The district corrects two communes offline; meanwhile commune A submits (locked).
  d.set("PL1.4", "2016", "9", kCommuneA);
  d.set("PL1.4", "2016", "4", kCommuneB);
  a.set("PL1.4", "2016", "3");
  a.run_ok({"submit"});
  a.sync_ok();

  auto r = d.sync();
  INFO(r.out << r.err);
  CHECK(r.exit_code == kExitRefused);
  CHECK_THAT(r.err, Contains("--retry-refused"));
  CHECK_THAT(r.out, Contains("REFUSED edit") && Contains("locked"));
  // B's edit was applied; A's kept aside with its own reason.
  auto values = server_values(server.data(), kDistrict);
  CHECK(values.at({kCommuneB, "v:PL1.4:2016"}) == 4);
  CHECK(values.at({kCommuneA, "v:PL1.4:2016"}) == 3);
  CHECK(server_integrity_problems(server.data()).empty());

  auto status = d.run_ok({"status"});
  INFO(status.out);
  CHECK_THAT(status.out, Contains("refused edit") && Contains("v:PL1.4:2016 (unit 25489) = 9") &&
                             Contains("25489") && Contains("locked"));
  CHECK_THAT(status.out, !Contains("(unit 25492)"));
  // A sync with nothing new still says the refusal stands (exit 0: nothing refused this time).
  CHECK(d.sync().exit_code == 0);
  CHECK_THAT(d.run_ok({"status"}).out, Contains("(unit 25489) = 9"));

  // Once the district returns A's report, the refused value goes through when sent again.
  d.run_ok({"review", "return", "--unit", kCommuneA, "--comment", "PL1.4 cần sửa"});
  auto again = d.run({"sync", "--quiet", "--attempts", "1", "--retry-refused"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("sending 1 refused edit(s) again"));
  CHECK(server_values(server.data(), kDistrict).at({kCommuneA, "v:PL1.4:2016"}) == 9);
  CHECK_THAT(d.run_ok({"status"}).out, !Contains("refused edit"));
  CHECK(server_integrity_problems(server.data()).empty());
}

TEST_CASE("a sync that fails prints no success summary before the error", "[e2e][refusal]") {
  SyncServer server;
  TempDir dir("tongket-sync-fail");
  SyncClient a(dir.path(), "xa-a");
  a.init(kCommuneA, "Cán bộ xã A");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  REQUIRE(server.admin({"devices", "revoke", "--device", a.meta("device_id")}).exit_code == 0);
  auto r = a.sync();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.out, Contains("sync did NOT finish"));
  CHECK_THAT(r.err, Contains("revoked"));
}
