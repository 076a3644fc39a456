#include "tongket/sync/hlc.hpp"

#include <algorithm>
#include <limits>

#include "tongket/error.hpp"

namespace tongket::sync {

std::uint64_t HybridClock::pack(std::uint64_t ms, std::uint16_t counter) noexcept {
  return (std::min(ms, kMaxMillis) << 16) | counter;
}

std::uint64_t HybridClock::now(std::uint64_t physical_ms) {
  const std::uint64_t physical = pack(physical_ms, 0);
  if (physical > last_) {
    last_ = physical;
  } else {
    if (last_ == std::numeric_limits<std::uint64_t>::max())
      throw Error(Errc::internal, "the hybrid logical clock has reached its maximum value");
    ++last_;
  }
  return last_;
}

void HybridClock::observe(std::uint64_t remote) noexcept {
  last_ = std::max(last_, remote);
}

}  // namespace tongket::sync
