#include "fault_proxy/token_bucket.hpp"

#include <algorithm>
#include <limits>

#include "tongket/error.hpp"

namespace tongket::fault_proxy {

namespace {
constexpr std::uint64_t kScale = 1'000'000'000;  // scaled tokens per byte; also ns per second
// Keeps capacity * kScale and elapsed_ns * rate inside 64 bits.
constexpr std::uint64_t kMaxCapacity = 1'000'000'000;
constexpr std::uint64_t kMaxRate = 1'000'000'000'000;
}  // namespace

TokenBucket::TokenBucket(std::uint64_t bytes_per_second, std::uint64_t burst_bytes, TimePoint now)
    : rate_(bytes_per_second), capacity_(burst_bytes), scaled_tokens_(0), last_(now) {
  if (rate_ > kMaxRate) {
    throw Error(Errc::invalid_argument, "token bucket rate above 1e12 bytes/s is not supported");
  }
  if (rate_ != 0 && (capacity_ == 0 || capacity_ > kMaxCapacity)) {
    throw Error(Errc::invalid_argument, "token bucket burst must be 1..1e9 bytes");
  }
  scaled_tokens_ = capacity_ * kScale;
}

void TokenBucket::refill(TimePoint now) {
  if (unlimited() || now <= last_) return;
  const auto elapsed_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count());
  last_ = now;
  const std::uint64_t full = capacity_ * kScale;
  const std::uint64_t missing = full - scaled_tokens_;
  // Compare before multiplying so a long idle period cannot overflow.
  if (elapsed_ns >= missing / rate_ + 1) {
    scaled_tokens_ = full;
  } else {
    scaled_tokens_ = std::min(full, scaled_tokens_ + elapsed_ns * rate_);
  }
}

std::uint64_t TokenBucket::available(TimePoint now) {
  if (unlimited()) return std::numeric_limits<std::uint64_t>::max();
  refill(now);
  return scaled_tokens_ / kScale;
}

void TokenBucket::consume(std::uint64_t n) {
  if (unlimited()) return;
  const std::uint64_t scaled = std::min(n, capacity_) * kScale;
  if (n > capacity_ || scaled > scaled_tokens_) {
    throw Error(Errc::internal, "token bucket: spent more tokens than available");
  }
  scaled_tokens_ -= scaled;
}

TimePoint TokenBucket::when_available(std::uint64_t n, TimePoint now) {
  if (unlimited()) return now;
  refill(now);
  const std::uint64_t want = std::min(n, capacity_) * kScale;
  if (scaled_tokens_ >= want) return now;
  const std::uint64_t ns = (want - scaled_tokens_ + rate_ - 1) / rate_;
  return std::max(now, last_) + std::chrono::ceil<Duration>(std::chrono::nanoseconds(ns));
}

}  // namespace tongket::fault_proxy
