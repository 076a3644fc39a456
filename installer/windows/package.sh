#!/usr/bin/env bash
# Packages the Windows client (cross-built by build-client.sh, run first) into
#   dist/tongket-<version>-win64.zip        portable: unzip anywhere (a USB stick) and run
#   dist/tongket-<version>-win64-setup.exe  installer (nsis): Program Files + Start menu
#
# Layout of both (the program finds its data at ..\share\tongket from bin\tongket.exe):
#   bin\tongket.exe  share\tongket\{template,units,web}  README.txt
# The zip adds "portable" (a marker: the store and key live in data\ beside it, on the stick)
# and "Tong ket CCHC.cmd" (starts the web app). Installed, the data is in %LOCALAPPDATA%\tongket.
#   TONGKET_DIST=DIR   output folder (default <repo>/dist)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${TONGKET_WIN_BUILD:-$ROOT/build-win}
DIST=${TONGKET_DIST:-$ROOT/dist}
VERSION=$(sed -n 's/^project(tongket VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
NAME=tongket-$VERSION-win64

[ "${TONGKET_SKIP_BUILD:-0}" = 1 ] || "$HERE/build-client.sh"
t0=$(date +%s)
EXE="$BUILD/client/tongket.exe"
[ -f "$EXE" ] || { echo "package: $EXE missing (run build-client.sh)" >&2; exit 1; }

STAGE="$BUILD/stage/$NAME"
rm -rf "$BUILD/stage" && mkdir -p "$STAGE/bin" "$STAGE/share/tongket/units" "$DIST"
install -m755 "$EXE" "$STAGE/bin/"
cp -r "$ROOT/data/template" "$STAGE/share/tongket/"
cp "$ROOT"/data/units/*.csv "$STAGE/share/tongket/units/"
cp -r "$ROOT/client/web" "$STAGE/share/tongket/web"
# Windows text files: CRLF line ends, UTF-8 with a byte-order mark so Notepad shows the accents.
printf '\xef\xbb\xbf' >"$STAGE/README.txt"
sed 's/$/\r/' "$HERE/README.txt" >>"$STAGE/README.txt"

# The installer (before the portable marker is added).
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$VERSION" -DSTAGE="$STAGE" \
  -DOUTFILE="$DIST/$NAME-setup.exe" "$HERE/tongket.nsi"

# The portable zip.
printf 'tongket portable: data is kept in the "data" folder beside this file.\r\n' >"$STAGE/portable"
printf '@echo off\r\nstart "" /min "%%~dp0bin\\tongket.exe" ui\r\n' >"$STAGE/Tong ket CCHC.cmd"
rm -f "$DIST/$NAME.zip"
(cd "$BUILD/stage" && zip -qr9 "$DIST/$NAME.zip" "$NAME")
t1=$(date +%s)
echo "package: $DIST/$NAME.zip ($(du -h "$DIST/$NAME.zip" | cut -f1)), $DIST/$NAME-setup.exe ($(du -h "$DIST/$NAME-setup.exe" | cut -f1)) in $((t1 - t0)) s"
