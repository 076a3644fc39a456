// The local web app (`tongket ui`) on a province reviewer's store: opening the PL3 form and a
// cell save round trip over real HTTP on loopback, beside baselines from the same run (the
// same server returning a static file; a direct write to the store).
#pragma once

#include "bench_env.hpp"

namespace tongket::bench {

// Uses env.work/pull-province.db when the pull benchmark made it (a real synced reviewer's
// store); otherwise builds one with every Tây Ninh unit's generated values.
void run_ui(BenchEnv& env);

}  // namespace tongket::bench
