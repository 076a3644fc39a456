#include "tongket/sync/workflow.hpp"

#include <charconv>
#include <ctime>

#include "tongket/calendar_date.hpp"

namespace tongket::sync {

namespace {

constexpr std::int64_t kVietnamOffsetMs = 7 * 3600 * 1000;

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string_view review_state_name(ReviewState state) {
  switch (state) {
    case ReviewState::draft:
      return "draft";
    case ReviewState::submitted:
      return "submitted";
    case ReviewState::accepted:
      return "accepted";
    case ReviewState::returned:
      return "returned";
    case ReviewState::finalised:
      return "finalised";
  }
  return "draft";
}

std::optional<ReviewState> parse_review_state(std::string_view name) {
  for (auto s : {ReviewState::draft, ReviewState::submitted, ReviewState::accepted,
                 ReviewState::returned, ReviewState::finalised})
    if (review_state_name(s) == name) return s;
  return std::nullopt;
}

std::string_view review_action_name(ReviewAction action) {
  switch (action) {
    case ReviewAction::submit:
      return "submit";
    case ReviewAction::accept:
      return "accept";
    case ReviewAction::give_back:
      return "return";
    case ReviewAction::finalise:
      return "finalise";
  }
  return "submit";
}

std::optional<ReviewAction> parse_review_action(std::string_view name) {
  for (auto a : {ReviewAction::submit, ReviewAction::accept, ReviewAction::give_back,
                 ReviewAction::finalise})
    if (review_action_name(a) == name) return a;
  return std::nullopt;
}

ReviewState state_after(ReviewAction action) {
  switch (action) {
    case ReviewAction::submit:
      return ReviewState::submitted;
    case ReviewAction::accept:
      return ReviewState::accepted;
    case ReviewAction::give_back:
      return ReviewState::returned;
    case ReviewAction::finalise:
      return ReviewState::finalised;
  }
  return ReviewState::draft;
}

bool is_locked(ReviewState state) {
  return state == ReviewState::submitted || state == ReviewState::accepted ||
         state == ReviewState::finalised;
}

std::string reviewing_unit(const Hierarchy& hierarchy, const std::string& unit) {
  const Unit* u = hierarchy.find(unit);
  if (!u || u->level == UnitLevel::province) return {};
  return u->parent;
}

std::optional<std::string> check_transition(ReviewState state, ReviewAction action,
                                            std::string_view actor_role,
                                            const std::string& actor_unit,
                                            const std::string& report_unit,
                                            const Hierarchy& hierarchy) {
  const Unit* target = hierarchy.find(report_unit);
  if (!target) return "unknown unit " + report_unit;
  const Unit* above =
      target->level == UnitLevel::province ? nullptr : hierarchy.find(target->parent);
  return check_transition(state, action, actor_role, actor_unit, report_unit, target->level,
                          above ? above->code : std::string(),
                          above ? above->level : UnitLevel::province);
}

std::optional<std::string> check_transition(ReviewState state, ReviewAction action,
                                            std::string_view actor_role,
                                            const std::string& actor_unit,
                                            const std::string& report_unit, UnitLevel report_level,
                                            const std::string& parent_code,
                                            UnitLevel parent_level) {
  const std::string from(review_state_name(state));
  switch (action) {
    case ReviewAction::submit:
      if (actor_unit != report_unit)
        return "only a device of " + report_unit + " may submit its report";
      if (report_level == UnitLevel::province)
        return "a province does not submit its report: its reviewer finalises it";
      if (state != ReviewState::draft && state != ReviewState::returned)
        return "the report of " + report_unit + " is " + from +
               ": it can be submitted again only after it is returned";
      return std::nullopt;
    case ReviewAction::accept:
    case ReviewAction::give_back: {
      const std::string parent = report_level == UnitLevel::province ? "" : parent_code;
      if (parent.empty()) return "the province's own report has no level above to review it";
      const std::string role =
          parent_level == UnitLevel::province ? "province_reviewer" : "district_reviewer";
      if (actor_role != role || actor_unit != parent)
        return "only a " + role + " of " + parent + " may " +
               std::string(review_action_name(action)) + " the report of " + report_unit;
      if (state != ReviewState::submitted)
        return "the report of " + report_unit + " is " + from + ", not submitted: nothing to " +
               std::string(review_action_name(action));
      return std::nullopt;
    }
    case ReviewAction::finalise:
      if (report_level != UnitLevel::province)
        return "only a province's own report is finalised; " + report_unit + " submits its";
      if (actor_role != "province_reviewer" || actor_unit != report_unit)
        return "only a province_reviewer of " + report_unit + " may finalise its report";
      if (state != ReviewState::draft && state != ReviewState::returned)
        return "the report of " + report_unit + " is already " + from;
      return std::nullopt;
  }
  return "unknown action";
}

std::string lock_message(ReviewState state, const std::string& report_unit, const std::string& by,
                         const std::string& date, const std::string& reviewer) {
  std::string msg =
      "locked: the report of " + report_unit + " was " + std::string(review_state_name(state));
  if (!by.empty()) msg += " by " + by;
  if (!date.empty()) msg += " on " + date;
  if (state == ReviewState::finalised) return msg + "; it can no longer be edited";
  return msg + "; ask " + (reviewer.empty() ? std::string("the level above") : reviewer) +
         " to return it before editing";
}

std::optional<std::uint64_t> deadline_end_ms(std::string_view iso_date) {
  // "YYYY-MM-DD" (end of that day) or "YYYY-MM-DDTHH:MM:SS" (that second), both UTC+7.
  if ((iso_date.size() != 10 && iso_date.size() != 19) || iso_date[4] != '-' || iso_date[7] != '-')
    return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_int(iso_date.substr(0, 4), y) || !parse_int(iso_date.substr(5, 2), m) ||
      !parse_int(iso_date.substr(8, 2), d))
    return std::nullopt;
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  // Counted from the month's first day: a day past the month's end (2020-02-30) runs on into
  // the next month, as it always has here (stored deadlines keep their meaning); the server's
  // check_deadline_text refuses such a date when one is set.
  const std::int64_t day = days_since_1970({y, static_cast<unsigned>(m), 1}) + (d - 1);
  if (iso_date.size() == 10)
    return static_cast<std::uint64_t>((day + 1) * 86400000 - kVietnamOffsetMs - 1);
  int hh = 0, mm = 0, ss = 0;
  if (iso_date[10] != 'T' || iso_date[13] != ':' || iso_date[16] != ':' ||
      !parse_int(iso_date.substr(11, 2), hh) || !parse_int(iso_date.substr(14, 2), mm) ||
      !parse_int(iso_date.substr(17, 2), ss) || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
      ss > 59)
    return std::nullopt;
  const std::int64_t ms = day * 86400000 + (hh * 3600 + mm * 60 + ss) * 1000LL + 999;
  return static_cast<std::uint64_t>(ms - kVietnamOffsetMs);
}

Timeliness judge_submission(std::uint64_t signed_ms, std::uint64_t received_ms,
                            std::uint64_t previous_received_ms, std::uint64_t deadline_ms) {
  Timeliness t;
  t.on_time = signed_ms <= deadline_ms;
  if (signed_ms > received_ms + kPlausibleSkewMs) t.plausible = false;
  if (previous_received_ms && signed_ms + kPlausibleSkewMs < previous_received_ms)
    t.plausible = false;
  return t;
}

std::string vietnam_time(std::uint64_t ms) {
  const auto t = static_cast<std::time_t>((ms + kVietnamOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return std::string(buf) + " (UTC+7)";
}

}  // namespace tongket::sync
