// The units below the store's unit as their reviewer sees them: the state of each report,
// its deadline and whether it is late (the web app's reviewer pages; the CLI has the tallies).
#include "core/workspace_impl.hpp"
#include "review/deadline.hpp"
#include "review/review_log.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::client {

namespace {

// Late by the server's judgement of the first submission when it gave one, else by the signed
// time; not submitted: late once the deadline (end of day, UTC+7) is past.
bool is_late(Workspace::Impl& d, const std::vector<ReviewRecord>& history,
             const std::optional<std::uint64_t>& end) {
  for (const auto& r : history) {
    if (r.action != sync::ReviewAction::submit) continue;
    if (r.extra.is_object() && r.extra.contains("on_time") && r.extra["on_time"].is_boolean())
      return !r.extra["on_time"].get<bool>();
    return end && sync::HybridClock::millis(r.hlc) > *end;
  }
  return end && d.now() > *end;
}

UnitReview review_of(Workspace::Impl& d, const Unit& u) {
  UnitReview out;
  out.unit = {u.code, u.name, d.unit_label(u.code), std::string(level_name(u.level))};
  const auto history = review_history(d.store, u.code);
  if (!history.empty()) {
    const auto& last = history.back();
    out.state = std::string(sync::review_state_name(last.state));
    out.last_action = std::string(sync::review_action_name(last.action));
    out.last_author = last.author;
    out.last_time = sync::vietnam_time(sync::HybridClock::millis(last.hlc));
    out.comment = last.comment;
  } else {
    out.state = report_fields(d.store, u.code).empty() ? "missing" : "draft";
  }
  out.state_label = d.msg("state." + out.state);
  // The same deadline the unit's own client shows (review/deadline.hpp).
  out.deadline = deadline_in_force(d.tpl, d.store, u.code, u.level);
  const std::optional<std::uint64_t> end = sync::deadline_end_ms(out.deadline);
  out.late = is_late(d, history, end);
  out.reviewed_here = sync::reviewing_unit(d.units(), u.code) == d.store.unit();
  return out;
}

}  // namespace

std::vector<UnitReview> Workspace::units_below() {
  auto& d = *impl_;
  const Unit* top = d.units().find(d.store.unit());
  if (!top) throw Error(Errc::not_found, d.msg("unit.unknown", {d.store.unit()}));
  if (top->level == UnitLevel::commune || top->level == UnitLevel::department)
    throw Error(Errc::invalid_argument, d.msg("completeness.none_below", {top->code}));
  std::vector<UnitReview> out;
  for (const Unit* c : d.units().children(top->code)) out.push_back(review_of(d, *c));
  return out;
}

}  // namespace tongket::client
