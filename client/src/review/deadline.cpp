#include "review/deadline.hpp"

#include "review/review_log.hpp"
#include "store/server_records.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::client {

std::string deadline_of_level(const ReportTemplate& tpl, ClientStore& store, UnitLevel level) {
  if (auto set = server_deadline(store, level)) return set->value;
  const auto* info = tpl.level(level);
  return info ? info->deadline : std::string();
}

std::string deadline_in_force(const ReportTemplate& tpl, ClientStore& store,
                              const std::string& unit, UnitLevel level) {
  const auto set = server_deadline(store, level);
  const auto history = review_history(store, unit);
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (!it->seq || (set && *it->seq < set->seq)) continue;
    if (it->extra.is_object() && it->extra.contains("deadline") &&
        it->extra["deadline"].is_string() && !it->extra["deadline"].get<std::string>().empty())
      return it->extra["deadline"].get<std::string>();
  }
  return deadline_of_level(tpl, store, level);
}

std::optional<Judgement> judge_submission(ClientStore& store, const std::string& unit,
                                          const std::string& deadline, std::uint64_t signed_ms) {
  const auto end = sync::deadline_end_ms(deadline);
  if (!end) return std::nullopt;
  // The plan's rule, as the server applies it (server/src/review/completeness): a report sent
  // back and submitted again is judged by its first submission.
  for (const auto& r : review_history(store, unit)) {
    if (r.action != sync::ReviewAction::submit && r.action != sync::ReviewAction::finalise)
      continue;
    bool on_time = sync::HybridClock::millis(r.hlc) <= *end;
    if (r.extra.is_object() && r.extra.contains("on_time") && r.extra["on_time"].is_boolean())
      on_time = r.extra["on_time"].get<bool>();
    return Judgement{true, !on_time};
  }
  return Judgement{false, signed_ms > *end};
}

}  // namespace tongket::client
