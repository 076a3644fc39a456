#!/usr/bin/env bash
# Installs exactly the Debian 12 packages tongket needs, when they are missing. Idempotent.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  ccache                          # compiler cache: CI and rebuilds recompile only what changed
  clang-format                    # the formatting CI checks (.clang-format)
  libsqlite3-dev sqlite3          # client and server stores
  libcurl4-openssl-dev            # client HTTP
  libcpprest-dev                  # server HTTP
  libssl-dev openssl              # TLS, Ed25519, hashes; openssl CLI for certs/
  catch2                          # tests
  nlohmann-json3-dev              # JSON and CBOR (template, change sets)
  zlib1g-dev                      # compressed request and response bodies
  libcsv-dev                      # CSV import
  libgit2-dev                     # three-way text merge (git_merge_file)
  libxlsxwriter-dev               # .xlsx export of the appendices
  libzip-dev                      # zip container of the .docx export (never hand-rolled)
  curl python3                    # scripts/demo.sh waits for the server; free port; data scripts
  libcpp-httplib-dev              # the client's loopback web app (header-only; builds with MinGW)
  libutf8proc-dev                 # Unicode NFC of imported text
  libexpat1-dev                   # reading the XML inside an imported .docx
  nginx-light                     # the production layout: TLS, limits and time-outs in front
  postgresql libpq-dev            # the national deployment's store (server/src/store/pg, libpq);
                                  # the tests start private clusters with initdb/pg_ctl
  chromium chromium-driver python3-selenium   # the web app's tests in a real browser
  python3-yaml                    # tests/unit/test_openapi: docs/openapi.yaml read by a real YAML parser
  dpkg-dev lintian                # .deb packages: dpkg-shlibdeps (CPack Depends), lintian checks
  systemd                         # systemd-analyze verify of the units in deploy/systemd
)
# The tests open the exported .docx/.xlsx in LibreOffice (headless) and read the PDF's text.
if [ "${TONGKET_WITH_OFFICE:-0}" = 1 ]; then
  # fonts-liberation2: metric-compatible with Times New Roman (the decree's font), so the
  # PDF's lines break where Word's would.
  packages+=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2)
fi
# Fuzzing (scripts/fuzz.sh): clang 16 and its libFuzzer runtime. clang 14, Debian's default,
# cannot compile the project (C++20 lambdas capturing structured bindings).
if [ "${TONGKET_WITH_FUZZ:-0}" = 1 ]; then
  packages+=(clang-16 libclang-rt-16-dev)
fi
# The Windows client (installer/windows/): MinGW-w64, Wine, nsis... installer/windows/ keeps the
# list (its own setup-packages.sh, idempotent too).
if [ "${TONGKET_WITH_WINDOWS:-0}" = 1 ]; then
  "$(cd "$(dirname "$0")/.." && pwd)/installer/windows/setup-packages.sh"
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
