// The running server's counters for GET /metrics, in the Prometheus text exposition format
// (version 0.0.4; docs/security.md says who may read it).
//
// Threads: every method may be called from any thread at any time. The HTTP edge's threads
// count requests and push latencies; the store thread counts refusals and what pushes
// ingested; a scrape renders on a listener thread. Counters are atomics; the labelled maps
// (endpoint x status, refusal kind) take one short mutex. Label values are bounded: the
// endpoint is one of the served paths or "other", a refusal kind one of the server's own
// codes (at most kMaxKinds, further ones count as "other").
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace tongket::server {

class Metrics {
 public:
  static constexpr std::size_t kMaxKinds = 64;
  // Upper bounds (seconds) of the push latency histogram's buckets; +Inf follows.
  static constexpr std::array<double, 12> kPushBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                          0.5,   1,    2.5,   5,    10,  30};

  // One answered request. `path` is the client's: anything not served counts as "other".
  void count_request(std::string_view method, std::string_view path, int status);
  // One refusal by its wire code ("bad_signature", "too_large", ...).
  void count_refusal(std::string_view code);
  // A push from its body's arrival to its reply (server time only, not the network).
  void observe_push(double seconds);
  // What pushes wrote: change sets recorded on a chain (applied or refused), values applied.
  void count_ingested(std::uint64_t change_sets, std::uint64_t values);

  // Values read at scrape time from their owners.
  struct Gauges {
    std::size_t store_queue_depth = 0;  // jobs waiting for the store thread
    std::size_t key_cache_entries = 0;  // devices' verification keys held
  };
  // The whole exposition, "# HELP"/"# TYPE" lines included, ending in a newline.
  std::string render(const Gauges& gauges) const;

  // The label for a path: itself when the server serves it, else "other".
  static std::string_view endpoint_label(std::string_view path);

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (endpoint, status)
  std::map<std::string, std::uint64_t> refusals_;                  // kind
  std::array<std::atomic<std::uint64_t>, kPushBuckets.size() + 1> push_buckets_{};  // +Inf last
  std::atomic<std::uint64_t> push_count_{0};
  std::atomic<std::uint64_t> push_micros_{0};  // sum, in microseconds (atomic integer)
  std::atomic<std::uint64_t> change_sets_{0};
  std::atomic<std::uint64_t> values_{0};
};

}  // namespace tongket::server
