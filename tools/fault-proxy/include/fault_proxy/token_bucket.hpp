// Caps a byte rate: tokens refill at a fixed rate up to a burst, and each forwarded byte
// spends one token.
#pragma once

#include <cstdint>

#include "fault_proxy/clock.hpp"

namespace tongket::fault_proxy {

class TokenBucket {
 public:
  // bytes_per_second == 0 means unlimited. The bucket starts full.
  TokenBucket(std::uint64_t bytes_per_second, std::uint64_t burst_bytes, TimePoint now);

  bool unlimited() const noexcept { return rate_ == 0; }
  std::uint64_t rate() const noexcept { return rate_; }
  std::uint64_t capacity() const noexcept { return capacity_; }

  // Whole tokens available at `now`; a huge number when unlimited.
  std::uint64_t available(TimePoint now);
  // Spends n tokens; n must not exceed what available() just returned.
  void consume(std::uint64_t n);
  // Earliest time at which min(n, capacity()) tokens will be available.
  TimePoint when_available(std::uint64_t n, TimePoint now);

 private:
  void refill(TimePoint now);

  std::uint64_t rate_;
  std::uint64_t capacity_;
  // Tokens are kept in units of 1e-9 byte, so refilling every microsecond loses nothing to
  // rounding.
  std::uint64_t scaled_tokens_;
  TimePoint last_;
};

}  // namespace tongket::fault_proxy
