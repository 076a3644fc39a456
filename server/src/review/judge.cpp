#include "review/judge.hpp"

#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::review {

namespace {

std::string text_member(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>()
                                                                : std::string();
}

}  // namespace

ReviewEntry judge_transition(const HistoryEntry& write, const nlohmann::json& transition,
                             const JudgeInput& in) {
  ReviewEntry r;
  r.version = write.version;
  r.unit = write.unit;
  r.action = text_member(transition, "action");
  auto action = sync::parse_review_action(r.action);
  r.state = action ? std::string(sync::review_state_name(sync::state_after(*action))) : "draft";
  r.device = write.device;
  r.author = write.author;
  r.comment = text_member(transition, "comment");
  r.override_reason = text_member(transition, "override");
  r.data_hash = text_member(transition, "data_hash");
  r.signed_ms = static_cast<std::int64_t>(sync::HybridClock::millis(write.hlc));
  r.received_ms = write.received_ms;
  r.deadline = in.deadline;
  // Every transition gets the plausibility check (a reviewer's clock matters too); only a
  // report sent up (submit, finalise) is on time or late.
  const auto deadline_ms = sync::deadline_end_ms(in.deadline);
  const auto judged = sync::judge_submission(
      static_cast<std::uint64_t>(r.signed_ms), static_cast<std::uint64_t>(r.received_ms),
      static_cast<std::uint64_t>(in.previous_received_ms), deadline_ms.value_or(UINT64_MAX));
  r.plausible = judged.plausible;
  if (action == sync::ReviewAction::submit || action == sync::ReviewAction::finalise)
    r.on_time = judged.on_time;
  return r;
}

nlohmann::json event_extra(const ReviewEntry& r) {
  nlohmann::json x = {{"state", r.state},
                      {"deadline", r.deadline},
                      {"signed", r.signed_ms},
                      {"received", r.received_ms},
                      {"plausible", r.plausible}};
  if (!r.comment.empty()) x["comment"] = r.comment;
  if (r.on_time) x["on_time"] = *r.on_time;
  return x;
}

}  // namespace tongket::server::review
