#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
TONGKET_WITH_OFFICE=1 scripts/setup.sh
source scripts/lib/ccache.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
cd build
ctest --output-on-failure -j"$jobs" --timeout 900
