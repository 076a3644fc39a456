#!/usr/bin/env bash
# Installs the Debian 12 packages of the Windows build, when missing (idempotent):
# the MinGW-w64 cross toolchain (posix threads: std::thread/std::mutex), Wine for the tests,
# nsis for the installer, dpkg-dev for apt-get source, tcl for SQLite's amalgamation step.
set -euo pipefail
packages=(mingw-w64 gcc-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-posix wine64 nsis
  dpkg-dev tcl zip unzip pkg-config cmake make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup-packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
