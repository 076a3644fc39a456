#!/usr/bin/env bash
# Cross-builds the Windows client tongket.exe with MinGW-w64 against the prefix of build-deps.sh
# (built first when missing). Only the client: TONGKET_CLIENT_ONLY=ON, no tests.
#
#   installer/windows/build-client.sh          # -> build-win/client/tongket.exe
#   TONGKET_WIN_BUILD=DIR ...                   # build folder (default <repo>/build-win)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PREFIX=${TONGKET_MINGW_PREFIX:-/var/cache/tongket/mingw64}
BUILD=${TONGKET_WIN_BUILD:-$ROOT/build-win}
export TONGKET_MINGW_PREFIX=$PREFIX

"$HERE/build-deps.sh"

t0=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$ROOT" -B "$BUILD" -G "Unix Makefiles" \
  -DCMAKE_TOOLCHAIN_FILE="$HERE/mingw64.cmake" -DTONGKET_MINGW_PREFIX="$PREFIX" \
  -DCMAKE_BUILD_TYPE=Release -DTONGKET_CLIENT_ONLY=ON -DTONGKET_TESTS=OFF "${launcher[@]}" >/dev/null
nice -n 10 cmake --build "$BUILD" --target tongket -j"${TONGKET_MINGW_JOBS:-2}"
x86_64-w64-mingw32-strip "$BUILD/client/tongket.exe"
t1=$(date +%s)
echo "build-client: $BUILD/client/tongket.exe ($(du -h "$BUILD/client/tongket.exe" | cut -f1)) in $((t1 - t0)) s"
# One .exe: list any DLL it needs beyond Windows' own, so the package can carry it.
x86_64-w64-mingw32-objdump -p "$BUILD/client/tongket.exe" | awk '/DLL Name:/ { print "  needs " $3 }'
