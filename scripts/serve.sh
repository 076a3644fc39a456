#!/usr/bin/env bash
# The production layout, unprivileged and in the foreground: nginx terminates TLS on
# 127.0.0.1:PORT (or --bind ADDR) and enforces sizes, time-outs and rate limits; tongket-server
# serves plain HTTP on 127.0.0.1:BACKEND behind it. Ctrl-C or SIGTERM stops both.
# Usage: scripts/serve.sh --data DIR --port N [--bind ADDR] [--backend-port M]
#          [--cert FILE --key FILE] [--max-body BYTES] [--server-bin PATH]
#   DIR      the server's data folder (created with `tongket-server init` if it has no store);
#            nginx runs from DIR/nginx (its configuration rendered there by
#            deploy/nginx/render.sh, pid, logs, temp files)
#   --cert/--key  the certificate chain and key; default: development ones made once in
#            DIR/certs by certs/make-dev-certs.sh (clients pin DIR/certs/ca.pem)
#   --backend-port  tongket-server's loopback port (default PORT+1)
# For a real install use deploy/nginx/tongket.conf and the systemd units (docs/security.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() { sed -n '5,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
data="" port="" bind=127.0.0.1 backend="" cert="" key="" max_body=4194304
server_bin="${TONGKET_SERVER_BIN:-}"
while [ $# -gt 0 ]; do
  case $1 in
    --data) data=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --bind) bind=${2:?}; shift 2 ;;
    --backend-port) backend=${2:?}; shift 2 ;;
    --cert) cert=${2:?}; shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --max-body) max_body=${2:?}; shift 2 ;;
    --server-bin) server_bin=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "serve.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$data" ] && [ -n "$port" ] || usage
case $port in ''|*[!0-9]*) echo "serve.sh: --port must be a number" >&2; exit 2 ;; esac
backend=${backend:-$((port + 1))}
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
  echo "serve.sh: nginx is not installed (scripts/setup.sh installs nginx-light)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "$server_bin" ]; then
  server_bin="$root/build/server/tongket-server"
  [ -x "$server_bin" ] || server_bin=$(command -v tongket-server || true)
fi
[ -x "$server_bin" ] || { echo "serve.sh: no tongket-server binary (build it, or --server-bin)" >&2; exit 1; }

mkdir -p "$data"
data=$(cd "$data" && pwd)
if [ ! -e "$data/tongket-server.db" ]; then
  echo "serve.sh: no store in $data: creating one (tongket-server init)"
  "$server_bin" init --data "$data"
fi
if [ -z "$cert" ]; then
  sh "$root/certs/make-dev-certs.sh" "$data/certs" >/dev/null
  cert="$data/certs/server.pem" key="$data/certs/server-key.pem"
  echo "serve.sh: development certificate; clients pin $data/certs/ca.pem"
fi
[ -n "$key" ] || { echo "serve.sh: --cert needs --key" >&2; exit 2; }
cert=$(realpath "$cert") key=$(realpath "$key")

prefix="$data/nginx"
"$root/deploy/nginx/render.sh" standalone "$prefix" "LISTEN=$bind:$port" "CERT=$cert" \
  "KEY=$key" "BACKEND=127.0.0.1:$backend" "MAX_BODY=$max_body"
"$nginx_bin" -t -q -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/nginx.conf"

server_pid="" nginx_pid=""
stop() {
  trap - INT TERM EXIT
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true  # graceful: finish requests
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "serve.sh: stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

"$server_bin" serve --data "$data" --insecure-http --listen "http://127.0.0.1:$backend" \
  --max-body "$max_body" &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$backend/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "serve.sh: tongket-server did not start" >&2; exit 1; }
  sleep 0.1
done
"$nginx_bin" -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
host=$bind
[ "$bind" = 0.0.0.0 ] && host=127.0.0.1
for _ in $(seq 100); do
  # Readiness only (-k: the certificate may name the real host, not this address).
  curl -kfsS -o /dev/null "https://$host:$port/healthz" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { echo "serve.sh: nginx did not start: $prefix/logs/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "serve.sh: https://$bind:$port/ (nginx, logs in $prefix/logs) -> http://127.0.0.1:$backend/ (tongket-server)"
# Either one ending ends the layout (the trap stops the other).
wait -n "$server_pid" "$nginx_pid" || true
echo "serve.sh: one of nginx/tongket-server exited; stopping the other" >&2
exit 1
