#!/usr/bin/env bash
# Tests the Windows client under Wine (Debian's wine64), headless, in a throw-away WINEPREFIX:
#  1. the portable zip: --version, init (the store lands in data\ beside "portable"), set, get,
#     text set/get, validate (a broken rule exits 3, fixed exits 0), export --format docx, all with
#     Vietnamese file names;
#  2. enroll and sync over HTTPS with a Linux tongket-server on 127.0.0.1 (dev certificates),
#     the values arriving at a Linux client of the district; the device key owner-only; the web
#     app (`tongket ui`) answering a Linux curl on loopback, 403 without its token;
#  3. the installer: setup.exe /S, the installed files and Start-menu entry, the installed
#     program's data in %LOCALAPPDATA%\tongket, uninstall keeping the data.
# Needs dist/ from package.sh and the native tongket-server and tongket (build/, or
# TONGKET_NATIVE_BUILD=DIR).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIST=${TONGKET_DIST:-$ROOT/dist}
NATIVE=${TONGKET_NATIVE_BUILD:-$ROOT/build}
VERSION=$(sed -n 's/^project(tongket VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
NAME=tongket-$VERSION-win64
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
[ -x "$WINE" ] || WINE=$(command -v wine64 || command -v wine)
[ -x "$WINESERVER" ] || WINESERVER=$(command -v wineserver)

for f in "$DIST/$NAME.zip" "$DIST/$NAME-setup.exe" "$NATIVE/server/tongket-server" \
  "$NATIVE/client/tongket"; do
  [ -f "$f" ] || { echo "test-wine: $f missing (package.sh / native build first)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/tongket-wine.XXXXXX)
export WINEPREFIX="$WORK/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
server_pid=""
ui_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$ui_pid" ] && kill "$ui_pid" 2>/dev/null
  "$WINESERVER" -k 2>/dev/null || true
  [ "${TONGKET_KEEP:-0}" = 1 ] && echo "test-wine: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $passed - $*"
}
winpath() { echo "Z:${1//\//\\}"; }  # Wine maps / to Z:
# Runs a Windows program; stdout without CR; exit status kept in $rc.
run() {
  set +e
  "$WINE" "$@" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null
  rc=$?
  set -e
  out=$(tr -d '\r' <"$WORK/stdout")
  err=$(tr -d '\r' <"$WORK/stderr")
}

t0=$(date +%s)
"$WINE" wineboot --init >/dev/null 2>&1 || fail "wineboot"
echo "test-wine: Wine prefix ready in $(($(date +%s) - t0)) s"

# --- 1. the portable zip -------------------------------------------------------------------------
(cd "$WORK" && unzip -q "$DIST/$NAME.zip")
APP="$WORK/$NAME"
EXE="$APP/bin/tongket.exe"
[ -f "$APP/portable" ] || fail "the zip has no portable marker"

run "$EXE" --version
[ $rc -eq 0 ] && grep -q "tongket $VERSION" <<<"$out" || fail "--version: $out $err"
ok "--version: $(head -1 <<<"$out")"

# No --store: the portable layout keeps the store in data\ beside the marker.
run "$EXE" init --unit 25489 --author "Nguyễn Văn An"
[ $rc -eq 0 ] || fail "init: $err"
[ -f "$APP/data/tongket.db" ] || fail "init did not create data\\tongket.db: $out"
grep -q "Xã Tân Lập" <<<"$out" || fail "init output lacks the unit name: $out"
ok "init in the portable layout: $APP/data/tongket.db"

# A store in a folder with a Vietnamese name.
mkdir -p "$WORK/Tổng kết"
STORE_UNIX="$WORK/Tổng kết/xã Tân Lập.db"
STORE=$(winpath "$STORE_UNIX")
run "$EXE" init --unit 25489 --store "$STORE" --author "Lê Thị Bình"
[ $rc -eq 0 ] && [ -f "$STORE_UNIX" ] || fail "init with a Vietnamese path: $err"
ok "init --store with a Vietnamese path"
run "$EXE" init --unit 25489 --store "$STORE" --author "Lê Thị Bình"
[ $rc -ne 0 ] && grep -q "already exists" <<<"$err" || fail "init over an existing store: $rc $err"
ok "init refuses to overwrite: $err"

for v in "PL1.4 2015 2" "PL1.4 2016 3" "PL3.6.a 2019 9"; do
  # shellcheck disable=SC2086
  run "$EXE" set $v --store "$STORE"
  [ $rc -eq 0 ] || fail "set $v: $err"
done
run "$EXE" get PL1.4 2016 --store "$STORE"
[ "$out" = "3" ] || fail "get PL1.4 2016 gave '$out'"
ok "set and get: PL1.4 2016 = $out"

TEXT="Xã đã triển khai bộ phận một cửa; tỷ lệ hồ sơ đúng hẹn trên 95%."
printf '%s\n' "$TEXT" >"$WORK/Tổng kết/văn bản.txt"
run "$EXE" text set KH.X.1.1 --file "$(winpath "$WORK/Tổng kết/văn bản.txt")" --store "$STORE"
[ $rc -eq 0 ] || fail "text set: $err"
run "$EXE" text get KH.X.1.1 --store "$STORE"
[ "$out" = "$TEXT" ] || fail "text get gave '$out'"
ok "text set from a Vietnamese file name, text get gives the same UTF-8"

run "$EXE" set PL3.6.b 2019 12 --store "$STORE" # resolved 12 of 9 received: breaks a rule
run "$EXE" validate --store "$STORE"
[ $rc -eq 3 ] && grep -q "PL3.6" <<<"$out$err" || fail "validate of a broken rule: $rc $out $err"
ok "validate: a resolved count over the received one exits 3"
run "$EXE" set PL3.6.b 2019 9 --store "$STORE"
run "$EXE" validate --store "$STORE"
[ $rc -eq 0 ] || fail "validate after the fix: $rc $out $err"
ok "validate: exits 0 once fixed"

DOCX_UNIX="$WORK/Tổng kết/báo cáo Tân Lập.docx"
run "$EXE" export --format docx --out "$(winpath "$DOCX_UNIX")" --store "$STORE"
[ $rc -eq 0 ] && [ -f "$DOCX_UNIX" ] || fail "export docx: $err"
unzip -p "$DOCX_UNIX" word/document.xml | grep -q "Tân Lập" || fail "the .docx lacks the unit"
unzip -p "$DOCX_UNIX" word/document.xml | grep -q "bộ phận một cửa" || fail "the .docx lacks the text"
ok "export --format docx to a Vietnamese file name (unit and text inside)"

# --- 2. enroll and sync with a Linux server ------------------------------------------------------
bash "$ROOT/certs/make-dev-certs.sh" "$WORK/certs" >/dev/null 2>&1
"$NATIVE/server/tongket-server" init --data "$WORK/srv" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="https://127.0.0.1:$port"
"$NATIVE/server/tongket-server" serve --data "$WORK/srv" --listen "$url" \
  --cert "$WORK/certs/server.pem" --key "$WORK/certs/server-key.pem" >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -s --cacert "$WORK/certs/ca.pem" -o /dev/null "$url/" 2>/dev/null && break
  sleep 0.2
done
token=$("$NATIVE/server/tongket-server" token create --data "$WORK/srv" --unit 25489 --role clerk)
run "$EXE" enroll --store "$STORE" --server "$url" --ca "$(winpath "$WORK/certs/ca.pem")" \
  --token "$token"
[ $rc -eq 0 ] || fail "enroll: $out $err"
[ -f "$STORE_UNIX.key" ] || fail "enroll wrote no key beside the store"
ok "enroll over HTTPS (OpenSSL in the .exe verifies the dev CA)"

run "$EXE" sync --store "$STORE"
[ $rc -eq 0 ] || fail "sync: $out $err"
ok "sync: $(head -1 <<<"$out")"

# The district's Linux client receives what the Windows clerk entered.
tk() { "$NATIVE/client/tongket" "$@"; }
tk init --unit 705 --store "$WORK/district.db" >/dev/null
token=$("$NATIVE/server/tongket-server" token create --data "$WORK/srv" --unit 705 \
  --role district_reviewer)
tk enroll --store "$WORK/district.db" --server "$url" --ca "$WORK/certs/ca.pem" --token "$token" \
  >/dev/null
tk sync --store "$WORK/district.db" >/dev/null
got=$(tk get PL1.4 2016 --store "$WORK/district.db" --unit 25489)
[ "$got" = "3" ] || fail "the district got PL1.4 2016 = '$got'"
got=$(tk text get KH.X.1.1 --store "$WORK/district.db" --unit 25489)
[ "$got" = "$TEXT" ] || fail "the district got the text '$got'"
ok "a Linux district client received the Windows clerk's figure and Vietnamese text"

# A key readable by others is refused (the Windows-side check, not a Linux mode bit).
chmod 644 "$STORE_UNIX.key"
run "$EXE" sync --store "$STORE"
if [ $rc -ne 0 ] && grep -q "readable by others" <<<"$err"; then
  ok "a device key readable by others is refused: $err"
else
  echo "note: Wine kept the key's own ACL after chmod (rc $rc); the refusal is not shown here"
fi
chmod 600 "$STORE_UNIX.key"

# The local web app under Wine: `tongket ui` prints its URL (with the access token) first; a
# Linux curl opens it (the token becomes a session cookie), and a request without it is refused.
ui_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$WINE" "$EXE" ui --no-browser --port "$ui_port" --store "$STORE" >"$WORK/ui.out" \
  2>"$WORK/ui.err" </dev/null &
ui_pid=$!
for _ in $(seq 300); do
  grep -q 'token=' "$WORK/ui.out" 2>/dev/null && break
  kill -0 "$ui_pid" 2>/dev/null || break
  sleep 0.2
done
ui_url=$(head -1 "$WORK/ui.out" | tr -d '\r')
[[ "$ui_url" == "http://127.0.0.1:$ui_port/?token="* ]] ||
  fail "tongket ui printed no URL: '$ui_url' $(tr -d '\r' <"$WORK/ui.err")"
code=$(curl -s -L -c "$WORK/ui.jar" -b "$WORK/ui.jar" -o "$WORK/ui.html" -w '%{http_code}' "$ui_url")
[ "$code" = 200 ] && grep -qi '<html' "$WORK/ui.html" || fail "tongket ui page: HTTP $code"
code=$(curl -s -b "$WORK/ui.jar" -o "$WORK/ui.json" -w '%{http_code}' \
  "http://127.0.0.1:$ui_port/api/state")
[ "$code" = 200 ] && grep -q '"initialised":true' "$WORK/ui.json" ||
  fail "tongket ui /api/state: HTTP $code $(cat "$WORK/ui.json")"
ok "tongket ui under Wine: the page with the token answers 200, /api/state reads the store"
code=$(curl -s -o "$WORK/ui.403" -w '%{http_code}' "http://127.0.0.1:$ui_port/")
[ "$code" = 403 ] || fail "tongket ui without the token answered $code, not 403"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ui_port/api/state")
[ "$code" = 403 ] || fail "tongket ui /api/state without a session answered $code, not 403"
ok "tongket ui under Wine: no token, no session: 403 ($(grep -o '"code":"[a-z_]*"' "$WORK/ui.403"))"
kill "$ui_pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$ui_pid" 2>/dev/null || break; sleep 0.1; done
kill -9 "$ui_pid" 2>/dev/null || true
wait "$ui_pid" 2>/dev/null || true
ui_pid=""

# --- 3. the installer -------------------------------------------------------------------------
t1=$(date +%s)
run "$DIST/$NAME-setup.exe" /S
[ $rc -eq 0 ] || fail "setup.exe /S exited $rc: $err"
PF="$WINEPREFIX/drive_c/Program Files/tongket"
for f in bin/tongket.exe share/tongket/template/cchc-2011-2020.json share/tongket/units/communes.csv \
  share/tongket/web/index.html uninstall.exe README.txt; do
  [ -f "$PF/$f" ] || fail "installed $f missing"
done
LNK=$(find "$WINEPREFIX/drive_c" -name "Tổng kết CCHC.lnk" | head -1)
[ -n "$LNK" ] || fail "no Start-menu entry 'Tổng kết CCHC'"
tr -d '\0' <"$LNK" | grep -aq "tongket.exe" || fail "the shortcut does not run 'tongket ui'"
ok "setup.exe /S installed into Program Files with the Start-menu entry (in $(($(date +%s) - t1)) s)"

run "$PF/bin/tongket.exe" init --unit 25489
[ $rc -eq 0 ] || fail "the installed tongket.exe: $err"
DATA=$(find "$WINEPREFIX/drive_c/users" -path "*AppData/Local/tongket/tongket.db" | head -1)
[ -n "$DATA" ] || fail "the installed program's store is not in %LOCALAPPDATA%\\tongket: $out"
ok "installed program finds share\\tongket and keeps its store in %LOCALAPPDATA%\\tongket"

# The uninstaller copies itself to %TEMP% and returns at once: wait for every Wine process.
run "$PF/uninstall.exe" /S
"$WINESERVER" -w
[ ! -f "$PF/bin/tongket.exe" ] || fail "uninstall left bin\\tongket.exe"
[ -z "$(find "$WINEPREFIX/drive_c" -name "Tổng kết CCHC.lnk")" ] || fail "uninstall left the shortcut"
[ -f "$DATA" ] || fail "uninstall deleted the user's data"
ok "uninstall removes the program and keeps %LOCALAPPDATA%\\tongket"

echo "test-wine: $passed checks passed in $(($(date +%s) - t0)) s"
