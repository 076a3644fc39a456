#!/usr/bin/env bash
# Sets up (Debian packages), builds in build-bench/ (Release) and runs every benchmark, printing
# one results table (see docs/benchmarks.md). Not run by CI.
#   BENCH_SCALE=0.1 scripts/bench.sh    # a quick run: a tenth of the communes
# Other knobs: BENCH_CLIENTS (concurrent clients end to end, default 8), BENCH_INGEST_SECONDS
# (ingest time budget before extrapolating, default 300), BENCH_KEEP=1 BENCH_WORK=DIR (keep
# the stores and logs), BENCH_OUT=FILE (also write the table there).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTONGKET_TESTS=OFF >/dev/null
cmake --build build-bench --target tongket-bench -j"$(nproc)"
if [ -n "${BENCH_OUT:-}" ]; then
  build-bench/bench/tongket-bench | tee "$BENCH_OUT"
else
  build-bench/bench/tongket-bench
fi
