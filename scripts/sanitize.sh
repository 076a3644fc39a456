#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ and runs
# the whole test suite there. Any leak, memory error or undefined behaviour fails the run.
# Usage: scripts/sanitize.sh [extra ctest args, e.g. -R store]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/lib/ccache.sh
jobs=${JOBS:-$(nproc)}
build=${BUILD_DIR:-build-asan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONGKET_SANITIZE=ON -DTONGKET_TESTS=ON \
  >/dev/null
cmake --build "$build" -j"$jobs"
# abort_on_error gives a core-style stop ctest reports as a failure; halt_on_error makes the first
# UB report fatal (the build already uses -fno-sanitize-recover=undefined, this covers the rest).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
# Sanitized code runs several times slower: a longer per-test timeout than scripts/test.sh.
ctest --output-on-failure -j"$jobs" --timeout 1800 "$@"
