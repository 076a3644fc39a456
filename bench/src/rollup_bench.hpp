// Roll-up of a province and of the whole country over the full generated data, beside a plain
// loop summing the same numbers from an array.
#pragma once

#include "bench_env.hpp"

namespace tongket::bench {

void run_rollup(BenchEnv& env);

}  // namespace tongket::bench
