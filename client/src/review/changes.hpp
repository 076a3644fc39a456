// What changed in a unit's report between two points of its review history, for a reviewer:
// since the previous submission and since the return, when the report was sent back and
// submitted again; otherwise since the last submission or acceptance; and what the last
// submission changed against the one before it. Pure: works on the history's snapshots (the
// server's values as of each transition) and the data now. The one diff and the one rule for
// which transitions count, for Workspace::changes and resubmission_changes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "review/review_log.hpp"

namespace tongket::client {

struct FieldChange {
  std::string key;
  nlohmann::json then, now;  // null: empty
};

struct ChangeComparison {
  const ReviewRecord* since = nullptr;  // the transition compared with
  const ReviewRecord* until = nullptr;  // the later transition's data; null: the data now
  // "previous_submission", "return", or the transition's action ("submit", "accept", ...):
  // the catalogue's "changes.since.<what>".
  std::string what;
  std::vector<FieldChange> changes;
};

// The comparisons to show; empty when no transition with its data is known. `now` is the
// unit's report data as held now (report_fields). `history` must outlive the result.
std::vector<ChangeComparison> review_changes(
    const std::vector<ReviewRecord>& history,
    const std::vector<std::pair<std::string, nlohmann::json>>& now);

// The last submission's data against the previous submission's (both with their data): what a
// resubmission after a return changed. nullopt when fewer than two submissions have their data.
std::optional<ChangeComparison> resubmission_change(const std::vector<ReviewRecord>& history);

// Every field (but "w:report") whose value differs between a snapshot and `now` (null: absent).
std::vector<FieldChange> field_changes(const nlohmann::json& snapshot,
                                       const std::map<std::string, nlohmann::json>& now);

}  // namespace tongket::client
