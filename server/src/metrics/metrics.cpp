#include "tongket/server/metrics.hpp"

#include <cmath>
#include <sstream>

namespace tongket::server {

namespace {

// Every path the server answers (protocol routes and the edge's own): bounded labels.
constexpr std::string_view kEndpoints[] = {"/v1/enroll", "/v1/push", "/v1/pull",
                                           "/v1/status", "/healthz", "/metrics"};

std::string number(double v) {
  std::ostringstream out;
  out.precision(6);
  out << v;
  return out.str();
}

}  // namespace

std::string_view Metrics::endpoint_label(std::string_view path) {
  for (auto e : kEndpoints)
    if (path == e) return e;
  return "other";
}

void Metrics::count_request(std::string_view /*method*/, std::string_view path, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(endpoint_label(path)), status}];
}

void Metrics::count_refusal(std::string_view code) {
  std::lock_guard lock(mutex_);
  std::string kind(code);
  if (!refusals_.count(kind) && refusals_.size() >= kMaxKinds) kind = "other";
  ++refusals_[kind];
}

void Metrics::observe_push(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  std::size_t i = 0;
  while (i < kPushBuckets.size() && seconds > kPushBuckets[i]) ++i;
  ++push_buckets_[i];
  ++push_count_;
  push_micros_ += static_cast<std::uint64_t>(std::llround(seconds * 1e6));
}

void Metrics::count_ingested(std::uint64_t change_sets, std::uint64_t values) {
  change_sets_ += change_sets;
  values_ += values;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::ostringstream out;
  {
    std::lock_guard lock(mutex_);
    out << "# HELP tongket_requests_total HTTP requests answered, by endpoint and status.\n"
           "# TYPE tongket_requests_total counter\n";
    for (const auto& [key, n] : requests_)
      out << "tongket_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second
          << "\"} " << n << "\n";
    out << "# HELP tongket_refusals_total Refused requests and change sets, by error code.\n"
           "# TYPE tongket_refusals_total counter\n";
    for (const auto& [kind, n] : refusals_)
      out << "tongket_refusals_total{kind=\"" << kind << "\"} " << n << "\n";
  }
  out << "# HELP tongket_push_seconds Push handling time, body arrival to reply.\n"
         "# TYPE tongket_push_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kPushBuckets.size(); ++i) {
    cumulative += push_buckets_[i].load();
    out << "tongket_push_seconds_bucket{le=\"" << number(kPushBuckets[i]) << "\"} " << cumulative
        << "\n";
  }
  cumulative += push_buckets_.back().load();
  out << "tongket_push_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "tongket_push_seconds_sum " << number(static_cast<double>(push_micros_.load()) / 1e6)
      << "\n"
      << "tongket_push_seconds_count " << push_count_.load() << "\n";
  out << "# HELP tongket_store_queue_depth Jobs waiting for the store thread.\n"
         "# TYPE tongket_store_queue_depth gauge\n"
      << "tongket_store_queue_depth " << gauges.store_queue_depth << "\n"
      << "# HELP tongket_key_cache_entries Device verification keys held in memory.\n"
         "# TYPE tongket_key_cache_entries gauge\n"
      << "tongket_key_cache_entries " << gauges.key_cache_entries << "\n"
      << "# HELP tongket_change_sets_ingested_total Change sets recorded on a device chain.\n"
         "# TYPE tongket_change_sets_ingested_total counter\n"
      << "tongket_change_sets_ingested_total " << change_sets_.load() << "\n"
      << "# HELP tongket_values_ingested_total Operations applied (values written).\n"
         "# TYPE tongket_values_ingested_total counter\n"
      << "tongket_values_ingested_total " << values_.load() << "\n";
  return out.str();
}

}  // namespace tongket::server
