#!/usr/bin/env bash
# The demo round, run by scripts/run.sh after the build: a commune of Tây Ninh fills part of
# its report offline; then the server as deployed (scripts/serve.sh: nginx terminating TLS in
# front of tongket-server) on 127.0.0.1, and two communes and their district's reviewer sync
# through it. Everything lives in a fresh folder under /tmp.
set -euo pipefail
build="${1:-$(cd "$(dirname "$0")/.." && pwd)/build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tongket="$build/client/tongket"
server="$build/server/tongket-server"
work="$(mktemp -d /tmp/tongket-demo.XXXXXX)"
cd "$work"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
server_pid=""
# serve.sh stops nginx and tongket-server on SIGTERM.
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" || true; }
trap cleanup EXIT

say "1. Offline: a store for Xã Tân Lập, Huyện Tân Biên, Tỉnh Tây Ninh"
"$tongket" init --unit "tan lap tan bien" --store tanlap.db --author "Nguyễn Văn An"
export TONGKET_STORE="$work/tanlap.db"
"$tongket" parts | head -20

say "2. Figures and text, entered with no network"
"$tongket" set PL1.4 2015 2
"$tongket" set PL1.4 2016 3
"$tongket" set PL1.4 2017 3
"$tongket" set PL3.5.c.1 2019 1250
"$tongket" set PL3.5.c.2 2019 1198
cat > values.csv <<'CSV'
indicator,period,value
PL3.6.a,2018,14
PL3.6.b,2018,13
PL3.6.a,2019,9
PL3.6.b,2019,9
PL3.5.c.1,2020,310
PL3.5.c.2,2020,301
CSV
"$tongket" import values.csv --dry-run
"$tongket" import values.csv
printf 'Giai đoạn 2011-2020, xã đã triển khai bộ phận một cửa, công khai đầy đủ thủ tục hành chính.\nTỷ lệ hồ sơ giải quyết đúng hẹn đạt trên 95%%.\n' |
  "$tongket" text set KH.X.1.1

say "3. Bad input is refused and changes nothing"
"$tongket" set PL3.6.b 2019 -3 || echo "(exit $?)"
"$tongket" set PL3.6.b 2030 3 || echo "(exit $?)"

say "4. Validation"
"$tongket" set PL3.6.b 2019 12   # 12 resolved of 9 received: a part over its whole
"$tongket" validate || echo "(exit $? : a rule is broken, as expected)"
"$tongket" set PL3.6.b 2019 9
"$tongket" validate

say "5. Appendix 3 as a table"
"$tongket" show PL3
unset TONGKET_STORE

say "6. The server as deployed, on 127.0.0.1: nginx (TLS, limits) in front of tongket-server"
bash "$root/certs/make-dev-certs.sh" certs >/dev/null
"$server" init --data srv
read -r port backend < <(python3 -c 'import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
url="https://127.0.0.1:$port"
"$root/scripts/serve.sh" --data srv --port "$port" --backend-port "$backend" \
  --cert certs/server.pem --key certs/server-key.pem --server-bin "$server" >server.log 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fs --cacert certs/ca.pem -o /dev/null "$url/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS --cacert certs/ca.pem "$url/healthz"

say "7. Enroll Xã Tân Lập, Xã Thạnh Bắc and the reviewer of Huyện Tân Biên"
"$tongket" init --unit 25492 --store thanhbac.db --author "Lê Thị Bình" >/dev/null
"$tongket" init --unit 705 --store tanbien.db --author "Trần Văn Cường" >/dev/null
for pair in tanlap.db:25489:clerk thanhbac.db:25492:clerk tanbien.db:705:district_reviewer; do
  IFS=: read -r store unit role <<<"$pair"
  token=$("$server" token create --data srv --unit "$unit" --role "$role" 2>/dev/null)
  "$tongket" enroll --store "$store" --server "$url" --ca certs/ca.pem --token "$token"
done

say "8. Sync: each commune sends its outbox; the district receives both communes"
"$tongket" set PL1.4 2016 1 --store thanhbac.db
"$tongket" sync --store tanlap.db
"$tongket" sync --store thanhbac.db
"$tongket" sync --store tanbien.db
"$tongket" get PL1.4 --store tanbien.db --unit 25492

say "9. A concurrent edit: the reviewer corrects a figure while the commune edits it offline"
"$tongket" set PL1.4 2017 4 --store tanbien.db --unit 25489
"$tongket" sync --store tanbien.db --quiet
"$tongket" set PL1.4 2017 5 --store tanlap.db
"$tongket" sync --store tanlap.db --quiet
"$tongket" conflicts --store tanlap.db
"$tongket" status --store tanlap.db
say "Done. Everything is in $work"

# scripts/run.sh asks for the app too: Xã Tân Lập's clerk works in the browser, with the server
# above still running (Ctrl-C stops both).
if [ "${TONGKET_DEMO_UI:-0}" = 1 ]; then
  say "10. Ứng dụng cho cán bộ xã: tongket ui (mở trình duyệt; Ctrl-C để dừng)"
  "$tongket" ui --store tanlap.db
fi
