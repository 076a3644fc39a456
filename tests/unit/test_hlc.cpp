#include <catch2/catch.hpp>

#include "tongket/error.hpp"
#include "tongket/sync/hlc.hpp"

using tongket::sync::HybridClock;

TEST_CASE("pack puts milliseconds in the top 48 bits and the counter in the low 16", "[hlc]") {
  auto v = HybridClock::pack(1'700'000'000'123, 7);
  CHECK(v == (std::uint64_t{1'700'000'000'123} << 16 | 7));
  CHECK(HybridClock::millis(v) == 1'700'000'000'123);
  CHECK(HybridClock::counter(v) == 7);
  CHECK(HybridClock::pack(~std::uint64_t{0}, 0) == HybridClock::kMaxMillis << 16);
}

TEST_CASE("now follows the physical clock when it moves forward", "[hlc]") {
  HybridClock clock;
  CHECK(clock.now(1000) == HybridClock::pack(1000, 0));
  CHECK(clock.now(1000) == HybridClock::pack(1000, 1));
  CHECK(clock.now(1000) == HybridClock::pack(1000, 2));
  CHECK(clock.now(2000) == HybridClock::pack(2000, 0));
  CHECK(clock.last() == HybridClock::pack(2000, 0));
}

TEST_CASE("now stays monotonic when the physical clock goes backwards", "[hlc]") {
  HybridClock clock(HybridClock::pack(5000, 3));
  std::uint64_t prev = clock.last();
  // A laptop reset to 2001, then back to normal, then a jitter of a few ms backwards.
  for (std::uint64_t physical : {5000u, 4000u, 100u, 0u, 5001u, 4999u, 5001u, 9000u}) {
    auto v = clock.now(physical);
    CHECK(v > prev);
    prev = v;
  }
  CHECK(HybridClock::millis(prev) == 9000);
}

TEST_CASE("a counter overflow carries into the milliseconds", "[hlc]") {
  HybridClock clock(HybridClock::pack(1000, 0xFFFF));
  auto v = clock.now(1000);
  CHECK(v == HybridClock::pack(1001, 0));
}

TEST_CASE("observe moves the clock past a remote value, never back", "[hlc]") {
  HybridClock clock;
  clock.now(1000);
  clock.observe(HybridClock::pack(3000, 5));
  CHECK(clock.now(1000) == HybridClock::pack(3000, 6));
  clock.observe(HybridClock::pack(10, 0));
  CHECK(clock.now(1000) == HybridClock::pack(3000, 7));
}

TEST_CASE("an exhausted clock throws instead of wrapping", "[hlc]") {
  HybridClock clock(~std::uint64_t{0});
  CHECK_THROWS_AS(clock.now(0), tongket::Error);
}
