// The report's review workflow as pure logic: per unit, draft -> submitted -> accepted, or
// returned (with a comment) by the level above; the province finalises its own report. A
// transition travels as an operation on the field "w:report" (docs/protocol.md), so it is
// signed, chained and audited like every edit; this decides whether it is allowed, what it
// leads to, whether a report is locked, and whether a submission was on time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tongket/hierarchy.hpp"

namespace tongket::sync {

enum class ReviewState { draft, submitted, accepted, returned, finalised };
enum class ReviewAction { submit, accept, give_back, finalise };  // give_back = "return"

std::string_view review_state_name(ReviewState state);
std::optional<ReviewState> parse_review_state(std::string_view name);
std::string_view review_action_name(ReviewAction action);  // "submit", "accept", "return", ...
std::optional<ReviewAction> parse_review_action(std::string_view name);

// The state a transition leads to.
ReviewState state_after(ReviewAction action);
// Submitted, accepted and finalised reports refuse edits until returned.
bool is_locked(ReviewState state);

// The unit whose reviewers accept or return `unit`'s report: a commune's district, a
// district's or department's province; empty for a province (it finalises its own).
std::string reviewing_unit(const Hierarchy& hierarchy, const std::string& unit);

// Why a device of `actor_unit` with `actor_role` ("clerk", "district_reviewer",
// "province_reviewer", "admin") may not take `action` on `report_unit`'s report in `state`;
// nullopt when it may. submit: a device of the unit itself, from draft or returned (not a
// province: it finalises); accept, return: a reviewer of the level above, from submitted;
// finalise: the province's reviewer, for the province's own report, from draft or returned.
std::optional<std::string> check_transition(ReviewState state, ReviewAction action,
                                            std::string_view actor_role,
                                            const std::string& actor_unit,
                                            const std::string& report_unit,
                                            const Hierarchy& hierarchy);

// The same, for a caller that knows the report unit's level and the unit above it (its
// parent's code and level; empty and ignored for a province) instead of the hierarchy.
std::optional<std::string> check_transition(ReviewState state, ReviewAction action,
                                            std::string_view actor_role,
                                            const std::string& actor_unit,
                                            const std::string& report_unit, UnitLevel report_level,
                                            const std::string& parent, UnitLevel parent_level);

// The message an edit of a locked report gets: "locked: submitted by X on DATE; ask Y to
// return it". `by` and `date` as they should be shown; `reviewer` the reviewing unit's name.
std::string lock_message(ReviewState state, const std::string& report_unit, const std::string& by,
                         const std::string& date, const std::string& reviewer);

// Deadlines: an ISO date "2020-03-10" means the end of that day in Vietnam (UTC+7); a time
// "2020-03-10T17:00:00" (an administrator's override) the end of that second in UTC+7.
// Returns the last millisecond (since 1970, UTC) that is still on time; nullopt for a
// malformed date or time.
std::optional<std::uint64_t> deadline_end_ms(std::string_view iso_date);

// How far a device's signed time may drift from the server's receipt time and still be
// believed without question.
inline constexpr std::uint64_t kPlausibleSkewMs = 5 * 60 * 1000;

struct Timeliness {
  bool on_time = true;    // signed time <= deadline
  bool plausible = true;  // false: show both times for the reviewer to judge
};

// A submission is judged by its signed time (offline before the deadline, synced later, is
// on time). The signed time is implausible when it is after the receipt (a clock ahead by
// more than the skew) or before the receipt of the device's previous change set (a clock
// set back). `previous_received_ms` 0 = none.
Timeliness judge_submission(std::uint64_t signed_ms, std::uint64_t received_ms,
                            std::uint64_t previous_received_ms, std::uint64_t deadline_ms);

// "2020-03-10 14:05 (UTC+7)" for display.
std::string vietnam_time(std::uint64_t ms);

}  // namespace tongket::sync
