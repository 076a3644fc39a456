#include "review/changes.hpp"

#include <map>
#include <set>

namespace tongket::client {

namespace {

bool fixes_data(const ReviewRecord& r) {
  return r.action == sync::ReviewAction::submit || r.action == sync::ReviewAction::accept ||
         r.action == sync::ReviewAction::finalise;
}

std::map<std::string, nlohmann::json> as_map(const nlohmann::json& snapshot) {
  std::map<std::string, nlohmann::json> out;
  if (snapshot.is_object())
    for (const auto& [k, v] : snapshot.items()) out[k] = v;
  return out;
}

}  // namespace

std::vector<FieldChange> field_changes(const nlohmann::json& snapshot,
                                       const std::map<std::string, nlohmann::json>& now) {
  const auto then = as_map(snapshot);
  std::set<std::string> keys;
  for (const auto& [k, v] : then) keys.insert(k);
  for (const auto& [k, v] : now) keys.insert(k);
  std::vector<FieldChange> out;
  for (const auto& k : keys) {
    auto a = then.count(k) ? then.at(k) : nlohmann::json();
    auto b = now.count(k) ? now.at(k) : nlohmann::json();
    if (k == "w:report" || a == b) continue;
    out.push_back({k, std::move(a), std::move(b)});
  }
  return out;
}

std::vector<ChangeComparison> review_changes(
    const std::vector<ReviewRecord>& history,
    const std::vector<std::pair<std::string, nlohmann::json>>& now_fields) {
  const std::map<std::string, nlohmann::json> now(now_fields.begin(), now_fields.end());
  // The latest submission, and before it the previous one and the return in between.
  const ReviewRecord *latest = nullptr, *previous = nullptr, *returned = nullptr;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (!latest) {
      if (it->action == sync::ReviewAction::submit) latest = &*it;
      continue;
    }
    if (!returned && !previous && it->action == sync::ReviewAction::give_back &&
        it->snapshot.is_object())
      returned = &*it;
    if (it->action == sync::ReviewAction::submit && it->snapshot.is_object()) {
      previous = &*it;
      break;
    }
  }
  std::vector<ChangeComparison> out;
  if (previous)
    out.push_back(
        {previous, nullptr, "previous_submission", field_changes(previous->snapshot, now)});
  if (returned)
    out.push_back({returned, nullptr, "return", field_changes(returned->snapshot, now)});
  if (!out.empty()) return out;
  for (auto it = history.rbegin(); it != history.rend(); ++it)
    if (fixes_data(*it) && it->snapshot.is_object())
      return {{&*it, nullptr, std::string(sync::review_action_name(it->action)),
               field_changes(it->snapshot, now)}};
  return {};
}

std::optional<ChangeComparison> resubmission_change(const std::vector<ReviewRecord>& history) {
  const ReviewRecord *last = nullptr, *before = nullptr;
  for (auto it = history.rbegin(); it != history.rend() && !before; ++it) {
    if (it->action != sync::ReviewAction::submit || !it->snapshot.is_object()) continue;
    (last ? before : last) = &*it;
  }
  if (!before) return std::nullopt;
  return ChangeComparison{before, last, "previous_submission",
                          field_changes(before->snapshot, as_map(last->snapshot))};
}

}  // namespace tongket::client
