#!/usr/bin/env bash
# The main job: install missing packages (nginx among them), build, run the demo round
# (scripts/demo.sh: the production layout, nginx in front of tongket-server, on 127.0.0.1), then
# start the clerk's web app on the demo commune's store (its address is printed first; the
# browser opens where there is a desktop). TONGKET_DEMO_UI=0 stops after the round.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target tongket tongket-server
TONGKET_DEMO_UI=${TONGKET_DEMO_UI:-1} exec scripts/demo.sh "$root/build"
