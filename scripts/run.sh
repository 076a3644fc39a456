#!/usr/bin/env bash
# The main job: install missing packages (nginx among them), build, and run the demo round
# (scripts/demo.sh: the production layout, nginx in front of tongket-server, on 127.0.0.1).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target tongket tongket-server
exec scripts/demo.sh "$root/build"
