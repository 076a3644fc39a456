// The review workflow's pure logic: who may take which transition from which state, what is
// locked, the digest a submission signs, deadlines in Vietnam time, and the timeliness of a
// submission judged by its signed time.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tongket/paths.hpp"
#include "tongket/sync/report_digest.hpp"
#include "tongket/sync/workflow.hpp"

using namespace tongket;
using namespace tongket::sync;

namespace {

const Hierarchy& units() {
  static const Hierarchy h = Hierarchy::load(units_dir());
  return h;
}

// Commune Xã Tân Lập (25489) in Huyện Tân Biên (705), Tây Ninh (72); the Sở Nội vụ 72-SNV.
std::optional<std::string> check(ReviewState s, ReviewAction a, const char* role, const char* actor,
                                 const char* report) {
  return check_transition(s, a, role, actor, report, units());
}

}  // namespace

TEST_CASE("a unit submits its own report from draft or returned", "[workflow]") {
  CHECK_FALSE(check(ReviewState::draft, ReviewAction::submit, "clerk", "25489", "25489"));
  CHECK_FALSE(check(ReviewState::returned, ReviewAction::submit, "clerk", "25489", "25489"));
  CHECK_FALSE(check(ReviewState::draft, ReviewAction::submit, "clerk", "705", "705"));
  CHECK_FALSE(check(ReviewState::draft, ReviewAction::submit, "clerk", "72-SNV", "72-SNV"));
  // Not twice, not after acceptance, not for someone else, not the province.
  CHECK(check(ReviewState::submitted, ReviewAction::submit, "clerk", "25489", "25489"));
  CHECK(check(ReviewState::accepted, ReviewAction::submit, "clerk", "25489", "25489"));
  CHECK(check(ReviewState::draft, ReviewAction::submit, "district_reviewer", "705", "25489"));
  auto province = check(ReviewState::draft, ReviewAction::submit, "province_reviewer", "72", "72");
  REQUIRE(province);
  CHECK_THAT(*province, Catch::Contains("finalises"));
}

TEST_CASE("the level above accepts or returns a submitted report", "[workflow]") {
  for (auto a : {ReviewAction::accept, ReviewAction::give_back}) {
    CHECK_FALSE(check(ReviewState::submitted, a, "district_reviewer", "705", "25489"));
    CHECK_FALSE(check(ReviewState::submitted, a, "province_reviewer", "72", "705"));
    CHECK_FALSE(check(ReviewState::submitted, a, "province_reviewer", "72", "72-SNV"));
    // Only from submitted.
    CHECK(check(ReviewState::draft, a, "district_reviewer", "705", "25489"));
    CHECK(check(ReviewState::accepted, a, "district_reviewer", "705", "25489"));
    CHECK(check(ReviewState::returned, a, "district_reviewer", "705", "25489"));
    // Not the unit itself, not another district, not the wrong level.
    CHECK(check(ReviewState::submitted, a, "clerk", "25489", "25489"));
    CHECK(check(ReviewState::submitted, a, "district_reviewer", "703", "25489"));
    CHECK(check(ReviewState::submitted, a, "district_reviewer", "705", "705"));
    CHECK(check(ReviewState::submitted, a, "clerk", "72", "705"));
  }
  auto why = check(ReviewState::submitted, ReviewAction::accept, "clerk", "705", "25489");
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("district_reviewer of 705"));
}

TEST_CASE("the province's reviewer finalises the province's own report", "[workflow]") {
  CHECK_FALSE(check(ReviewState::draft, ReviewAction::finalise, "province_reviewer", "72", "72"));
  CHECK_FALSE(
      check(ReviewState::returned, ReviewAction::finalise, "province_reviewer", "72", "72"));
  CHECK(check(ReviewState::finalised, ReviewAction::finalise, "province_reviewer", "72", "72"));
  CHECK(check(ReviewState::draft, ReviewAction::finalise, "clerk", "72", "72"));
  CHECK(check(ReviewState::draft, ReviewAction::finalise, "province_reviewer", "72", "705"));
}

TEST_CASE("transitions lead to their states, and three states lock the report", "[workflow]") {
  CHECK(state_after(ReviewAction::submit) == ReviewState::submitted);
  CHECK(state_after(ReviewAction::accept) == ReviewState::accepted);
  CHECK(state_after(ReviewAction::give_back) == ReviewState::returned);
  CHECK(state_after(ReviewAction::finalise) == ReviewState::finalised);
  CHECK(is_locked(ReviewState::submitted));
  CHECK(is_locked(ReviewState::accepted));
  CHECK(is_locked(ReviewState::finalised));
  CHECK_FALSE(is_locked(ReviewState::draft));
  CHECK_FALSE(is_locked(ReviewState::returned));
  CHECK(review_action_name(ReviewAction::give_back) == "return");
  CHECK(parse_review_action("return") == ReviewAction::give_back);
  CHECK_FALSE(parse_review_action("approve"));
  CHECK(parse_review_state("finalised") == ReviewState::finalised);
  CHECK(reviewing_unit(units(), "25489") == "705");
  CHECK(reviewing_unit(units(), "705") == "72");
  CHECK(reviewing_unit(units(), "72").empty());
  auto msg = lock_message(ReviewState::submitted, "25489", "Nguyễn Văn A", "2020-03-09 10:00",
                          "Huyện Tân Biên");
  CHECK_THAT(msg, Catch::StartsWith("locked:") && Catch::Contains("Nguyễn Văn A") &&
                      Catch::Contains("ask Huyện Tân Biên to return it"));
}

TEST_CASE("the report digest covers exactly the unit's non-empty report fields", "[workflow]") {
  std::vector<std::pair<std::string, nlohmann::json>> a = {
      {"v:PL1.4:2016", 3}, {"t:KH.X.1", "Kết quả"}, {"g:PL8.3", {{"result", "dat"}}}};
  const auto d = report_digest(a);
  CHECK(d.size() == 64);
  CHECK(d.find_first_not_of("0123456789abcdef") == std::string::npos);
  // The order given, empty fields and the workflow field do not matter...
  auto b = a;
  std::reverse(b.begin(), b.end());
  b.emplace_back("v:PL1.4:2017", nullptr);
  b.emplace_back("w:report", nlohmann::json{{"action", "submit"}});
  CHECK(report_digest(b) == d);
  // ...every figure does.
  auto c = a;
  c[0].second = 4;
  CHECK(report_digest(c) != d);
  c = a;
  c.emplace_back("r:KT:1", nlohmann::json{{"ten", "x"}});
  CHECK(report_digest(c) != d);
  // The canonical bytes are documented: SHA-256 of [["v:PL1.4:2016",3]].
  CHECK(report_digest({{"v:PL1.4:2016", 3}}) ==
        "b53f2c1fbb3b5bb442723d6b986ac2b19bf3947a4c5f1664029d03716fc74b8c");
  CHECK(report_digest({}) == report_digest({{"v:X:1", nullptr}}));
}

TEST_CASE("a deadline is the end of its day in Vietnam", "[workflow]") {
  // 2020-03-10 23:59:59.999 UTC+7 = 2020-03-10 16:59:59.999 UTC = 1583859599999.
  auto end = deadline_end_ms("2020-03-10");
  REQUIRE(end);
  CHECK(*end == 1583859599999ULL);
  CHECK_FALSE(deadline_end_ms("2020-3-10"));
  CHECK_FALSE(deadline_end_ms("10/03/2020"));
  CHECK_FALSE(deadline_end_ms("2020-13-01"));
  CHECK(vietnam_time(1583859599999ULL) == "2020-03-10 23:59 (UTC+7)");
}

TEST_CASE("a submission is judged by its signed time, odd clocks are flagged", "[workflow]") {
  const std::uint64_t deadline = *deadline_end_ms("2020-03-10");
  const std::uint64_t minute = 60'000, day = 86'400'000;
  // Signed offline a day before the deadline, synced two days later: on time, plausible.
  auto t = judge_submission(deadline - day, deadline + day, 0, deadline);
  CHECK(t.on_time);
  CHECK(t.plausible);
  // Signed after the deadline: late.
  t = judge_submission(deadline + minute, deadline + 2 * minute, 0, deadline);
  CHECK_FALSE(t.on_time);
  CHECK(t.plausible);
  // Signed "in the future" of its own receipt by more than 5 minutes: a fast clock.
  t = judge_submission(deadline, deadline - 10 * minute, 0, deadline);
  CHECK_FALSE(t.plausible);
  // Signed before the server received the device's previous change set: a clock set back.
  t = judge_submission(deadline - day, deadline + day, deadline, deadline);
  CHECK(t.on_time);
  CHECK_FALSE(t.plausible);
  // Within the 5 minutes: believed.
  t = judge_submission(deadline + 4 * minute, deadline, 0, deadline + day);
  CHECK(t.plausible);
}
