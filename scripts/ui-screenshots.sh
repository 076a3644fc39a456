#!/bin/sh
# Takes the screenshots of every page of the web app into docs/screenshots (for the user guide
# docs/huong-dan-su-dung.md) by running the browser tests against a build.
# Usage: scripts/ui-screenshots.sh [BUILD_DIR]   (default: build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$root/docs/screenshots"
TONGKET_CLIENT_BIN=$build/client/tongket \
TONGKET_SERVER_BIN=$build/server/tongket-server \
TONGKET_SOURCE_DIR=$root \
TONGKET_SCREENSHOTS=$root/docs/screenshots \
  /usr/bin/python3 "$root/tests/browser/test_ui_commune_round.py"
TONGKET_CLIENT_BIN=$build/client/tongket \
TONGKET_SERVER_BIN=$build/server/tongket-server \
TONGKET_SOURCE_DIR=$root \
TONGKET_SCREENSHOTS=$root/docs/screenshots \
  /usr/bin/python3 "$root/tests/browser/test_ui_department_goals.py"
TONGKET_CLIENT_BIN=$build/client/tongket \
TONGKET_SERVER_BIN=$build/server/tongket-server \
TONGKET_SOURCE_DIR=$root \
TONGKET_SCREENSHOTS=$root/docs/screenshots \
  /usr/bin/python3 "$root/tests/browser/test_ui_district_review.py"
TONGKET_CLIENT_BIN=$build/client/tongket \
TONGKET_SERVER_BIN=$build/server/tongket-server \
TONGKET_SOURCE_DIR=$root \
TONGKET_SCREENSHOTS=$root/docs/screenshots \
  /usr/bin/python3 "$root/tests/browser/test_ui_province_report.py"
