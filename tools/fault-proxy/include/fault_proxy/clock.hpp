// Time types shared by the proxy's pure parts, which take "now" as an argument so tests
// can drive time instead of sleeping.
#pragma once

#include <chrono>

namespace tongket::fault_proxy {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace tongket::fault_proxy
