#!/bin/sh
# Makes a development CA and a server certificate for localhost/127.0.0.1 signed by it.
# Usage: certs/make-dev-certs.sh OUTDIR
# Writes OUTDIR/ca.pem, ca-key.pem, server.pem, server-key.pem. Idempotent: files that
# exist are kept (delete OUTDIR to start again), so clients that pinned ca.pem keep working.
# For development and tests only: see certs/README.md for production.
set -eu

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
umask 077

if [ ! -s "$out/ca-key.pem" ] || [ ! -s "$out/ca.pem" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/ca-key.pem" -out "$out/ca.pem" -days 3650 -sha256 \
    -subj "/O=tongket development/CN=tongket development CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  rm -f "$out/server.pem"  # a new CA means the old server certificate no longer verifies
fi

if [ ! -s "$out/server-key.pem" ] || [ ! -s "$out/server.pem" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/ext.cnf" <<'CNF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
CNF
  if [ ! -s "$out/server-key.pem" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
      -out "$out/server-key.pem" 2>/dev/null
  fi
  openssl req -new -key "$out/server-key.pem" -out "$tmp/server.csr" \
    -subj "/O=tongket development/CN=localhost" 2>/dev/null
  openssl x509 -req -in "$tmp/server.csr" -CA "$out/ca.pem" -CAkey "$out/ca-key.pem" \
    -CAcreateserial -CAserial "$tmp/ca.srl" -out "$out/server.pem" -days 825 -sha256 \
    -extfile "$tmp/ext.cnf" 2>/dev/null
fi

chmod 600 "$out/ca-key.pem" "$out/server-key.pem"
chmod 644 "$out/ca.pem" "$out/server.pem"
openssl verify -CAfile "$out/ca.pem" "$out/server.pem" >/dev/null
echo "development certificates in $out: ca.pem (pin this in clients), server.pem, server-key.pem"
