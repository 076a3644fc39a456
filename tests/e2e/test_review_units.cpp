// The reviewer's view of the units below (Workspace::units_below) and what changed between a
// unit's previous and last submission (Workspace::resubmission_changes), on a district store
// filled by real syncs over HTTPS from real commune clients.
#include <catch2/catch.hpp>
#include <map>

#include "sync_world.hpp"
#include "tongket/workspace.hpp"

using namespace tongket;
using namespace tongket::test;

namespace {

constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";  // submits, is returned, resubmits
constexpr const char* kCommuneB = "25492";  // a draft
constexpr const char* kCommuneC = "25495";  // sends nothing

client::Workspace open_at(const SyncClient& c, std::uint64_t now_ms) {
  client::WorkspaceOptions o;
  o.store = c.store();
  o.language = client::Language::vi;
  o.clock = [now_ms] { return now_ms; };
  return client::Workspace::open(o);
}

std::map<std::string, client::UnitReview> by_code(client::Workspace& ws) {
  std::map<std::string, client::UnitReview> out;
  for (auto& u : ws.units_below()) out[u.unit.code] = u;
  return out;
}

}  // namespace

TEST_CASE("a district sees each commune's state and what a resubmission changed", "[e2e][review]") {
  SyncServer server;
  TempDir dir("tongket-review-units");
  SyncClient a(dir.path(), "xa-a"), b(dir.path(), "xa-b"), d(dir.path(), "huyen");
  a.init(kCommuneA, "Cán bộ xã A");
  b.init(kCommuneB, "Cán bộ xã B");
  d.init(kDistrict, "Phòng Nội vụ huyện");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  d.enroll(server, server.token(kDistrict, "district_reviewer"));

  a.set("PL1.4", "2016", "3");
  a.set("PL1.4", "2017", "2");
  a.run_ok({"submit", "--override", "báo cáo thử: các mục còn trống"});
  a.sync_ok();
  b.set("PL1.4", "2016", "5");
  b.sync_ok();
  d.sync_ok();

  constexpr std::uint64_t before_deadline = 1'580'000'000'000;  // 2020-01-26
  constexpr std::uint64_t after_deadline = 1'600'000'000'000;   // 2020-09-13
  {
    auto ws = open_at(d, before_deadline);
    auto units = by_code(ws);
    REQUIRE(units.size() == 10);  // Huyện Tân Biên's communes
    CHECK(units[kCommuneA].state == "submitted");
    CHECK(units[kCommuneA].state_label == "đã gửi");
    CHECK(units[kCommuneA].last_author == "Cán bộ xã A");
    CHECK(units[kCommuneA].reviewed_here);
    CHECK(units[kCommuneB].state == "draft");
    CHECK(units[kCommuneC].state == "missing");
    CHECK(units[kCommuneC].state_label == "chưa có số liệu");
    CHECK(units[kCommuneC].deadline == "2020-03-10");
    CHECK_FALSE(units[kCommuneC].late);  // not yet due
    ws.select_unit(kCommuneA);
    CHECK_FALSE(ws.resubmission_changes().known);  // submitted once
  }
  {
    auto later = open_at(d, after_deadline);
    CHECK(by_code(later)[kCommuneC].late);  // past the deadline, nothing submitted
  }

  d.run_ok({"review", "return", "--unit", kCommuneA, "--comment", "PL1.4 năm 2016 chưa đúng"});
  d.sync_ok();
  a.sync_ok();
  a.set("PL1.4", "2016", "4");
  a.set("PL1.4", "2018", "1");
  a.run_ok({"submit", "--override", "báo cáo thử: các mục còn trống"});
  a.sync_ok();
  d.sync_ok();

  auto ws = open_at(d, before_deadline);
  auto units = by_code(ws);
  CHECK(units[kCommuneA].state == "submitted");
  ws.select_unit(kCommuneA);
  const auto changes = ws.resubmission_changes();
  REQUIRE(changes.known);
  std::map<std::string, std::pair<std::string, std::string>> rows;
  for (const auto& r : changes.rows) rows[r.field] = {r.before, r.value};
  CHECK(rows.size() == 2);  // 2017 did not change
  CHECK(rows["v:PL1.4:2016"] == std::pair<std::string, std::string>{"3", "4"});
  CHECK(rows["v:PL1.4:2018"] == std::pair<std::string, std::string>{"(trống)", "1"});
  CHECK(changes.digest_matches);
  ws.accept("Đạt");
  ws.select_unit("");
  CHECK(by_code(ws)[kCommuneA].state == "accepted");
  CHECK(by_code(ws)[kCommuneA].comment == "Đạt");
}
