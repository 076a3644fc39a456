#!/bin/sh
# The one generator of tongket's nginx configuration: fills the placeholders of
# tongket-site.conf.in (and standalone.conf.in) next to this script.
# Usage:
#   render.sh site [NAME=VALUE ...]              the site on stdout (defaults: production)
#   render.sh production                         = site with the defaults (deploy/nginx/tongket.conf)
#   render.sh standalone PREFIX [NAME=VALUE ...] PREFIX/nginx.conf + PREFIX/tongket-site.conf,
#                                                logs and temp dirs, for an unprivileged nginx
# Names: LISTEN SERVER_NAME CERT KEY BACKEND MAX_BODY HEADER_TIMEOUT REQ_RATE REQ_BURST
#        CONN_PER_ADDR CONN_ALL ACCESS_LOG ZONE (see docs/security.md). BACKEND may list several
#        tongket-server processes on one PostgreSQL store, comma-separated (docs/install.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
mode=$1
shift

# Production defaults; NAME=VALUE arguments override them.
LISTEN=443
SERVER_NAME=_
CERT=/etc/ssl/tongket/fullchain.pem
KEY=/etc/ssl/tongket/privkey.pem
BACKEND=127.0.0.1:8443
MAX_BODY=4194304
HEADER_TIMEOUT=10
REQ_RATE=10
REQ_BURST=40
CONN_PER_ADDR=32
CONN_ALL=900
ACCESS_LOG=/var/log/nginx/tongket.access.log
ZONE=tongket
PREFIX=

if [ "$mode" = standalone ]; then
  [ $# -ge 1 ] || usage
  PREFIX=$1
  shift
  ACCESS_LOG=$PREFIX/logs/access.log
fi

for assignment in "$@"; do
  name=${assignment%%=*}
  value=${assignment#*=}
  case $name in
    LISTEN|SERVER_NAME|CERT|KEY|BACKEND|ACCESS_LOG|ZONE) ;;
    MAX_BODY|HEADER_TIMEOUT|REQ_RATE|REQ_BURST|CONN_PER_ADDR|CONN_ALL)
      case $value in
        ''|*[!0-9]*) echo "render.sh: $name must be a whole number, not '$value'" >&2; exit 2 ;;
      esac ;;
    *) echo "render.sh: unknown setting '$assignment' (see the usage in $0)" >&2; exit 2 ;;
  esac
  case $value in
    *[\|\;\{\}\'\"\\]*|'') echo "render.sh: $name='$value' has a character nginx would misread" >&2; exit 2 ;;
  esac
  eval "$name=\$value"
done

# One `server` line of the upstream per BACKEND entry.
fill() {
  backends "$1" | sed -e "s|@LISTEN@|$LISTEN|g" -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
    -e "s|@CERT@|$CERT|g" -e "s|@KEY@|$KEY|g" -e "s|@BACKEND@|$BACKEND|g" \
    -e "s|@MAX_BODY@|$MAX_BODY|g" -e "s|@HEADER_TIMEOUT@|$HEADER_TIMEOUT|g" \
    -e "s|@REQ_RATE@|$REQ_RATE|g" -e "s|@REQ_BURST@|$REQ_BURST|g" \
    -e "s|@CONN_PER_ADDR@|$CONN_PER_ADDR|g" -e "s|@CONN_ALL@|$CONN_ALL|g" \
    -e "s|@ACCESS_LOG@|$ACCESS_LOG|g" -e "s|@ZONE@|$ZONE|g" -e "s|@PREFIX@|$PREFIX|g"
}
backends() {
  awk -v list="$BACKEND" '/@BACKEND@/ { n = split(list, b, ","); for (i = 1; i <= n; i++) {
      line = $0; sub(/@BACKEND@/, b[i], line); print line }; next } { print }' "$1"
}

case $mode in
  site|production) fill "$here/tongket-site.conf.in" ;;
  standalone)
    mkdir -p "$PREFIX/logs" "$PREFIX/temp"
    # As root, nginx would switch its worker to "nobody", who may not reach PREFIX (a private
    # temp dir): keep the worker as the user who started it.
    if [ "$(id -u)" = 0 ]; then user_line="user root;"; else user_line=""; fi
    fill "$here/tongket-site.conf.in" >"$PREFIX/tongket-site.conf"
    fill "$here/standalone.conf.in" | sed "s|@USER_LINE@|$user_line|" >"$PREFIX/nginx.conf"
    ;;
  *) usage ;;
esac
