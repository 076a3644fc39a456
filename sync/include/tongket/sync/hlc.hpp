// Hybrid logical clock (docs/protocol.md): 48 bits of milliseconds since 1970, then 16 bits
// of counter, packed in one uint64 so that values compare as integers. For audit and display
// only; it never decides a conflict. Pure: the caller passes the physical time in.
#pragma once

#include <cstdint>

namespace tongket::sync {

class HybridClock {
 public:
  static constexpr std::uint64_t kMaxMillis = (std::uint64_t{1} << 48) - 1;

  // `last`: the greatest value this clock has returned or observed (persisted by the caller).
  explicit HybridClock(std::uint64_t last = 0) : last_(last) {}

  // A value greater than every value returned or observed so far: the physical time with
  // counter 0 when the physical clock has moved past the last value, else last + 1 (a counter
  // overflow carries into the milliseconds). So it stays monotonic when the physical clock
  // goes backwards. Throws Error(internal) if the clock is exhausted.
  std::uint64_t now(std::uint64_t physical_ms);
  // Takes in a clock value seen from elsewhere so that later values sort after it.
  void observe(std::uint64_t remote) noexcept;
  std::uint64_t last() const noexcept { return last_; }

  // Milliseconds above kMaxMillis are clamped to it.
  static std::uint64_t pack(std::uint64_t ms, std::uint16_t counter) noexcept;
  static std::uint64_t millis(std::uint64_t hlc) noexcept { return hlc >> 16; }
  static std::uint16_t counter(std::uint64_t hlc) noexcept {
    return static_cast<std::uint16_t>(hlc & 0xFFFF);
  }

 private:
  std::uint64_t last_;
};

}  // namespace tongket::sync
