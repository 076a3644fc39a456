// The server's record of a review transition: who, when it was signed and received, and
// whether a submission was on time (docs/protocol.md, "Review"), and the pull event that
// carries it to the units concerned.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "tongket/server/store.hpp"

namespace tongket::server::review {

// Change sets of one device received this close together came in the same sync (signed
// offline together): only one received before that bounds a submission's signed time.
inline constexpr std::int64_t kSameSyncMs = 60'000;

// What the transition's judgement needs beyond the write itself.
struct JudgeInput {
  std::string deadline;                   // in force for the unit's level; "" = none
  std::int64_t previous_received_ms = 0;  // the device's previous change set; 0 = none
};

// The record of an accepted w:report write `write` (its version, device, author, HLC and
// receipt time) whose value is `transition`; event_seq is left for the caller.
ReviewEntry judge_transition(const HistoryEntry& write, const nlohmann::json& transition,
                             const JudgeInput& in);

// The "x" of the "review" pull event: {"state", "comment"?, "deadline", "on_time"?, "signed",
// "received", "plausible"}.
nlohmann::json event_extra(const ReviewEntry& review);

}  // namespace tongket::server::review
