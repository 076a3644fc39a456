#!/usr/bin/env bash
# Builds every package into dist/:
#   dist/tongket_<version>_amd64.deb, dist/tongket-server_<version>_amd64.deb  (CPack, here)
#   dist/tongket-<version>-win64.zip, dist/tongket-<version>-win64-setup.exe
#       (installer/windows/package.sh, when it exists and MinGW-w64 is installed)
# then runs lintian on the .deb files. Reuses the build tree ($TONGKET_BUILD_DIR, default
# build/) and configures it when it is missing.
# Exit status: non-zero if a build, cpack or lintian error fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TONGKET_BUILD_DIR:-$root/build}
dist=${TONGKET_DIST_DIR:-$root/dist}
jobs=${TONGKET_JOBS:-2}
source "$root/scripts/lib/ccache.sh"
start=$(date +%s)

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" --target tongket tongket-server -j"$jobs"

mkdir -p "$dist"
work=$(mktemp -d "${TMPDIR:-/tmp}/tongket-cpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
# cpack writes its staging trees under -B: a temp dir, so the build tree stays clean.
(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
version=$(sed -n 's/^project(tongket VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
for deb in "$work"/*.deb; do
  cp "$deb" "$dist/"
  echo "package: dist/$(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
done
for name in tongket tongket-server; do
  [ -f "$dist/${name}_${version}_amd64.deb" ] || { echo "package: ${name}_${version}_amd64.deb missing" >&2; exit 1; }
done

# lintian: errors and warnings fail the script. What remains at info level (hardening-no-
# fortify-functions: the project's flags have no -D_FORTIFY_SOURCE; SOURCE.md beside the units
# data; no init.d script) is listed with -I and explained in docs/install.md.
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning -I "$dist/tongket_${version}_amd64.deb" \
    "$dist/tongket-server_${version}_amd64.deb"
  echo "package: lintian: no errors, no warnings"
else
  echo "package: lintian is not installed (scripts/setup.sh installs it): skipped" >&2
fi

# Windows: the other half of issue 12, built by installer/windows/.
win=$root/installer/windows/package.sh
if [ -x "$win" ] && command -v x86_64-w64-mingw32-g++ >/dev/null; then
  # It cross-builds the client (build-client.sh; the MinGW library prefix is reused) first.
  TONGKET_DIST="$dist" "$win"
elif [ ! -x "$win" ]; then
  echo "package: Windows packages skipped: $win does not exist yet" >&2
else
  echo "package: Windows packages skipped: MinGW-w64 (x86_64-w64-mingw32-g++) is not installed" \
       "(apt-get install g++-mingw-w64-x86-64)" >&2
fi
echo "package: done in $(( $(date +%s) - start )) s"
