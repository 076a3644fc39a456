// Wall and CPU time for the benchmarks.
#pragma once

#include <time.h>

#include <chrono>

namespace tongket::bench {

using Clock = std::chrono::steady_clock;

// Seconds of wall time since `start`.
inline double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// This thread's CPU time in seconds: what the work costs on an idle core, whatever else the
// machine runs.
inline double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace tongket::bench
