// The security log's front: refusals counted per (source, endpoint, code) in memory and
// written as one row per window with a count, and the per-source limit on failed enrollments.
// Pure logic: the clock is passed in (ms), the store is passed to flush(); no sockets.
//
// Contract (docs/security.md):
// - note(): any thread. Returns true when the caller should write this refusal now (the first
//   of its key in the window, or one naming a change set); otherwise it is only counted.
// - note_counted(): any thread (the HTTP edge's own refusals: 408, 411, 413, 503). Never asks
//   for a write: the first and the rest are written by the next flush.
// - flush(): the store's thread only. Writes one row per key whose window has closed (or
//   every key, when `all`), with the count, the first time and the last time.
// - Memory is bounded: at most max_keys keys; past that, refusals of new sources count under
//   the source "(other sources)".
// - Enrollment: a source with enroll_failures failed enrollments within enroll_window_ms is
//   refused (enroll_allowed() false) until the oldest of those leaves the window.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "tongket/server/store.hpp"

namespace tongket::server {

struct SecurityLogOptions {
  std::int64_t window_ms = 60'000;
  std::size_t max_keys = 4096;
  std::size_t enroll_failures = 10;
  std::int64_t enroll_window_ms = 15 * 60'000;
};

class SecurityLog {
 public:
  explicit SecurityLog(SecurityLogOptions options = {}) : options_(options) {}

  bool note(const Refusal& refusal);
  void note_counted(const Refusal& refusal);
  void flush(Store& store, std::int64_t now_ms, bool all = false);

  bool enroll_allowed(const std::string& source, std::int64_t now_ms);
  void enroll_failed(const std::string& source, std::int64_t now_ms);
  // When the source may try again (ms), for the refusal's message.
  std::int64_t enroll_retry_at(const std::string& source, std::int64_t now_ms);

  const SecurityLogOptions& options() const { return options_; }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // source, endpoint, code
  struct Pending {
    Refusal first;                // the first not yet written (count and last_ms kept here)
    std::int64_t window_end = 0;  // when this key's window closes
    bool written_first = false;   // the window's first refusal went out at once
    std::uint64_t counted = 0;    // refusals since, not yet written
  };
  bool add(const Refusal& refusal, bool may_write_now);
  void prune_enroll(std::vector<std::int64_t>& times, std::int64_t now_ms) const;

  SecurityLogOptions options_;
  std::mutex mutex_;
  std::map<Key, Pending> pending_;
  std::int64_t next_due_ = INT64_MAX;  // the earliest window end among pending_
  std::map<std::string, std::vector<std::int64_t>> enroll_failures_;
};

}  // namespace tongket::server
