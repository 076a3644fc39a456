#!/usr/bin/env bash
# ThreadSanitizer run of the server: builds tongket-server with -fsanitize=thread in build-tsan/
# and runs the server's e2e tests against it (the e2e tests start `serve` from
# $TONGKET_TEST_SERVER_BIN). The threads live in the server (listener pool, store executor,
# body watchdog, shutdown); the test binaries are single-threaded drivers, so they come from the
# normal build/ (built here if missing) and only the server is instrumented: this keeps the
# run to a few minutes on 2 cores. Any ThreadSanitizer report fails the run.
# Usage: scripts/tsan.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-$(nproc)}
# The metrics and no-echo tests: /metrics rendered on a listener thread while the store thread
# counts, pushes prepared (decoded, verified with cached keys) on the request threads.
tests='tongket-server over HTTPS|tongket-server refuses plain HTTP|tongket-server.s own TLS|drain time-out|500 reply|behind nginx|GET /metrics|one request id per request|push reply leaves'
binaries=(test_server_https test_edge_own_server test_edge_probes test_edge_metrics test_sync_no_echo)

flags="-fsanitize=thread -fno-omit-frame-pointer"
# ccache when there is one: a second run rebuilds only what changed (about a minute in all).
source scripts/lib/ccache.sh
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONGKET_TESTS=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build build-tsan -j"$jobs" --target tongket-server
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" --target "${binaries[@]}"

reports="$root/build-tsan/reports"
rm -rf "$reports"
mkdir -p "$reports"
export TONGKET_TEST_SERVER_BIN="$root/build-tsan/server/tongket-server"
# Reports go to files (a server killed by a test still leaves them); exitcode=0 so that a
# report never changes the server's exit code under test, the files decide instead.
export TSAN_OPTIONS="log_path=$reports/tsan exitcode=0 second_deadlock_stack=1"
# GCC 12's TSan cannot map its shadow memory with the kernel's higher ASLR entropy: run the
# tests without address randomisation when setarch can do that.
run=()
if setarch "$(uname -m)" -R true 2>/dev/null; then run=(setarch "$(uname -m)" -R); fi
set +e
"${run[@]}" ctest --test-dir build -R "$tests" --output-on-failure -j"$jobs" --timeout 600 "$@"
status=$?
set -e
if compgen -G "$reports/tsan*" >/dev/null; then
  echo "== ThreadSanitizer reports ($(ls "$reports" | wc -l) files in $reports):"
  cat "$reports"/tsan* | head -200
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
echo "== ThreadSanitizer: no reports"
