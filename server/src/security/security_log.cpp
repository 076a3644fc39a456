#include "tongket/server/security_log.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace tongket::server {

namespace {
const char* const kOtherSources = "(other sources)";
}  // namespace

bool SecurityLog::note(const Refusal& refusal) {
  return add(refusal, true);
}

void SecurityLog::note_counted(const Refusal& refusal) {
  add(refusal, false);
}

bool SecurityLog::add(const Refusal& refusal, bool may_write_now) {
  std::lock_guard lock(mutex_);
  Key key{refusal.source, refusal.endpoint, refusal.code};
  auto it = pending_.find(key);
  if (it == pending_.end() && pending_.size() >= options_.max_keys) {
    std::get<0>(key) = kOtherSources;
    it = pending_.find(key);
  }
  if (it == pending_.end()) {
    Pending p;
    p.first = refusal;
    if (std::get<0>(key) == kOtherSources) p.first.source = kOtherSources;
    p.first.last_ms = refusal.at_ms;
    p.window_end = refusal.at_ms + options_.window_ms;
    p.written_first = may_write_now;
    p.counted = may_write_now ? 0 : 1;
    next_due_ = std::min(next_due_, p.window_end);
    pending_.emplace(std::move(key), std::move(p));
    return may_write_now;
  }
  Pending& p = it->second;
  if (p.counted == 0) {  // the first one not written at once is the row's sample
    std::string source = p.first.source;
    p.first = refusal;
    p.first.source = std::move(source);
  }
  ++p.counted;
  p.first.last_ms = refusal.at_ms;
  return false;
}

void SecurityLog::flush(Store& store, std::int64_t now_ms, bool all) {
  std::vector<Refusal> rows;
  {
    std::lock_guard lock(mutex_);
    if (!all && now_ms < next_due_) return;
    next_due_ = INT64_MAX;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (all || now_ms >= it->second.window_end) {
        if (it->second.counted > 0) {
          rows.push_back(std::move(it->second.first));
          rows.back().count = it->second.counted;
        }
        it = pending_.erase(it);
      } else {
        next_due_ = std::min(next_due_, it->second.window_end);
        ++it;
      }
    }
  }
  if (rows.empty()) return;
  try {
    store.log_refusals(rows);  // one commit for the window's rows
  } catch (const std::exception&) {
    // A busy or full store: the counts are lost, the service goes on.
  }
}

void SecurityLog::prune_enroll(std::vector<std::int64_t>& times, std::int64_t now_ms) const {
  std::erase_if(times, [&](std::int64_t t) { return t <= now_ms - options_.enroll_window_ms; });
}

bool SecurityLog::enroll_allowed(const std::string& source, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = enroll_failures_.find(source);
  // A source not tracked is judged with the overflow bucket only while the map is full.
  if (it == enroll_failures_.end() && enroll_failures_.size() >= options_.max_keys)
    it = enroll_failures_.find(kOtherSources);
  if (it == enroll_failures_.end()) return true;
  prune_enroll(it->second, now_ms);
  return it->second.size() < options_.enroll_failures;
}

void SecurityLog::enroll_failed(const std::string& source, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (!enroll_failures_.count(source) && enroll_failures_.size() >= options_.max_keys) {
    // Make room from sources whose failures have all left the window.
    for (auto it = enroll_failures_.begin(); it != enroll_failures_.end();) {
      prune_enroll(it->second, now_ms);
      it = it->second.empty() ? enroll_failures_.erase(it) : std::next(it);
    }
  }
  std::string key = source;
  if (!enroll_failures_.count(key) && enroll_failures_.size() >= options_.max_keys)
    key = kOtherSources;
  auto& times = enroll_failures_[key];
  prune_enroll(times, now_ms);
  times.push_back(now_ms);
}

std::int64_t SecurityLog::enroll_retry_at(const std::string& source, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = enroll_failures_.find(source);
  if (it == enroll_failures_.end() || it->second.empty()) return now_ms;
  prune_enroll(it->second, now_ms);
  if (it->second.size() < options_.enroll_failures) return now_ms;
  // Allowed again once enough of the oldest failures have left the window.
  auto oldest_needed = it->second[it->second.size() - options_.enroll_failures];
  return oldest_needed + options_.enroll_window_ms;
}

}  // namespace tongket::server
