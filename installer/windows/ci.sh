#!/usr/bin/env bash
# The CI step for the Windows client (.ci/run calls it when it is executable): cross-builds the
# libraries (reused when the prefix is there), the client, the zip and the installer, then runs
# test-wine.sh. Prints each sub-step's duration on a line starting with "windows:" and the Wine
# result on a line starting with "wine:"; exits non-zero on the first failure.
#
# Needs the native build (build/, or TONGKET_NATIVE_BUILD=DIR) with tongket-server and tongket:
# .ci/run runs this after scripts/test.sh has made it.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PREFIX=${TONGKET_MINGW_PREFIX:-/var/cache/tongket/mingw64}
export TONGKET_MINGW_PREFIX=$PREFIX
LOGS=${TONGKET_WIN_BUILD:-$ROOT/build-win}/ci-logs
mkdir -p "$LOGS"

t_all=$(date +%s)
# substep NAME COMMAND...: runs it with its output in $LOGS/NAME.log, prints "windows: NAME ..."
substep() {
  local name=$1 t0 rc
  shift
  t0=$(date +%s)
  "$@" >"$LOGS/$name.log" 2>&1
  rc=$?
  local took=$(($(date +%s) - t0))
  if [ $rc -ne 0 ]; then
    echo "windows: $name FAILED (exit $rc) after $took s; last lines of $LOGS/$name.log:"
    tail -n 30 "$LOGS/$name.log" | sed 's/^/  /'
    [ "$name" = test-wine ] && echo "wine: FAILED ($(grep -m1 '^FAIL' "$LOGS/$name.log" || echo "exit $rc"))"
    echo "windows: failed after $(($(date +%s) - t_all)) s"
    exit 1
  fi
  echo "windows: $name took $took s"
}

# A cold prefix is ~79 min of cross-building on 2 loaded cores (~20 min idle). Correctness first:
# it is built all the same, and the time says so loudly.
if [ -n "$(ls -A "$PREFIX/.stamps" 2>/dev/null)" ]; then
  echo "windows: reusing the library prefix $PREFIX"
else
  echo "windows: NOTE the library prefix $PREFIX is absent: building it from Debian sources" \
    "(took ~79 min cold under load; keep $PREFIX between CI runs)"
fi
substep build-deps "$HERE/build-deps.sh"
substep build-client "$HERE/build-client.sh"
substep package env TONGKET_SKIP_BUILD=1 "$HERE/package.sh"
substep test-wine "$HERE/test-wine.sh"
echo "wine: $(grep -m1 '^test-wine: .* checks passed' "$LOGS/test-wine.log" || echo 'passed')"
echo "windows: all done in $(($(date +%s) - t_all)) s"
