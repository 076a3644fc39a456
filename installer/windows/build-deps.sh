#!/usr/bin/env bash
# Cross-builds every library the Windows client links, from Debian 12's own source packages
# (apt-get source; nothing is downloaded from anywhere else), with Debian's MinGW-w64
# (x86_64-w64-mingw32, posix threads), as static libraries into one prefix.
#
#   installer/windows/build-deps.sh            # builds what is missing, reuses the rest
#   TONGKET_MINGW_PREFIX=DIR ...               # default /var/cache/tongket/mingw64
#   TONGKET_MINGW_JOBS=N ...                   # default 2
#   TONGKET_MINGW_ONLY="curl libgit2" ...      # only these libraries
#
# The prefix is reused: each library leaves a stamp naming its Debian source version, so a re-run
# only builds a library whose source version changed (or that was never built). Timings of each
# library and of the whole run are printed and appended to $PREFIX/build-times.txt.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${TONGKET_MINGW_PREFIX:-/var/cache/tongket/mingw64}
SRC=${TONGKET_MINGW_SRC:-$PREFIX-src}
JOBS=${TONGKET_MINGW_JOBS:-2}
HOST=x86_64-w64-mingw32
NICE="nice -n 10"
export DEBIAN_FRONTEND=noninteractive

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

# --- Debian packages: the cross toolchain, Wine for the tests, nsis for the installer ---------
"$HERE/setup-packages.sh"

# --- deb-src entry: same URIs and suites as the deb entries ------------------------------------
have_deb_src() {
  grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}
add_deb_src() {
  local out=/etc/apt/sources.list.d/tongket-deb-src.sources
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: copy every stanza whose Types has "deb", with Types: deb-src.
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /(^|\n)Types:([^\n]* )?deb( |\n|$)/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
      /etc/apt/sources.list.d/debian.sources | $SUDO tee "$out" >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
      $SUDO tee /etc/apt/sources.list.d/tongket-deb-src.list >/dev/null
  else
    echo "build-deps: no Debian apt source found to derive a deb-src entry from" >&2
    exit 1
  fi
  echo "build-deps: added deb-src entries ($out)"
}
if ! have_deb_src; then
  add_deb_src
  $SUDO apt-get update -qq
elif ! apt-cache showsrc zlib >/dev/null 2>&1 || [ -z "$(apt-cache showsrc zlib 2>/dev/null)" ]; then
  $SUDO apt-get update -qq
fi

mkdir -p "$PREFIX"/{lib,include,bin,lib/pkgconfig,.stamps} "$SRC"
TIMES="$PREFIX/build-times.txt"

# pkg-config for the cross prefix only; --static so static archives bring their dependencies.
cat >"$PREFIX/bin/$HOST-pkg-config" <<EOF
#!/bin/sh
PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR= \\
  exec pkg-config --static "\$@"
EOF
chmod +x "$PREFIX/bin/$HOST-pkg-config"

# A CMake toolchain file for the libraries (the project's own is mingw64.cmake next to this).
CMAKE_CROSS=(-DCMAKE_TOOLCHAIN_FILE="$HERE/mingw64.cmake" -DTONGKET_MINGW_PREFIX="$PREFIX"
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_C_COMPILER_LAUNCHER= -DCMAKE_CXX_COMPILER_LAUNCHER=)

# The Debian source versions of a source package, newest first. (A mirror may list a security
# update whose files it lacks: fetch falls back to the next version.)
src_versions() {
  apt-cache showsrc "$1" | awk '/^Version:/ { print $2 }' |
    while read -r v; do echo "$v"; done | sort -u | sort -r -V
}

# Fetches and unpacks (with Debian's patches) a source package; prints its directory.
fetch() {
  local pkg=$1 ver dir
  for ver in $(src_versions "$pkg"); do
    dir="$SRC/$pkg-${ver#*:}" # no epoch: a colon breaks make and autotools paths
    [ -d "$dir" ] && { echo "$dir"; return 0; }
    rm -rf "$SRC/fetch-$pkg" && mkdir -p "$SRC/fetch-$pkg"
    if (cd "$SRC/fetch-$pkg" && apt-get source -qq "$pkg=$ver" >&2 2>/dev/null); then
      mv "$(find "$SRC/fetch-$pkg" -mindepth 1 -maxdepth 1 -type d | head -1)" "$dir"
      rm -rf "$SRC/fetch-$pkg"
      echo "$dir"
      return 0
    fi
    echo "build-deps: cannot fetch $pkg $ver from the mirror; trying an older version" >&2
  done
  rm -rf "$SRC/fetch-$pkg"
  echo "build-deps: no source of $pkg could be fetched (is there a deb-src entry?)" >&2
  return 1
}

TOTAL_START=$(date +%s)
# build NAME SOURCE-PACKAGE FUNCTION: runs FUNCTION in the unpacked source unless stamped.
build() {
  local name=$1 pkg=$2 fn=$3 ver dir stamp t0 t1
  # TONGKET_MINGW_ONLY="a b": build only these (e.g. two independent libraries side by side).
  if [ -n "${TONGKET_MINGW_ONLY:-}" ] && [[ " $TONGKET_MINGW_ONLY " != *" $name "* ]]; then
    return
  fi
  local versions
  versions=$(src_versions "$pkg")
  [ -n "$versions" ] || { echo "build-deps: no Debian source package '$pkg' (deb-src missing?)" >&2; exit 1; }
  for ver in $versions; do
    if [ -f "$PREFIX/.stamps/$name-${ver#*:}" ]; then
      echo "build-deps: $name $ver present"
      return
    fi
  done
  t0=$(date +%s)
  dir=$(fetch "$pkg") || exit 1
  ver=${dir#"$SRC/$pkg-"}
  stamp="$PREFIX/.stamps/$name-$ver"
  echo "build-deps: building $name $ver"
  local log="$SRC/$name.log"
  # A subshell outside any condition, so set -e stops the build at its first failing step.
  set +e
  (
    set -e
    cd "$dir"
    "$fn" "$dir"
  ) >"$log" 2>&1
  local rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    tail -40 "$log" >&2
    echo "build-deps: $name failed; full log: $log" >&2
    exit 1
  fi
  rm -f "$PREFIX/.stamps/$name-"*
  touch "$stamp"
  t1=$(date +%s)
  echo "build-deps: $name $ver built in $((t1 - t0)) s"
  echo "$(date -u +%FT%TZ) $name $ver $((t1 - t0))s" >>"$TIMES"
}

# pc_cflag NAME FLAG: a static library's header needs FLAG to skip __declspec(dllimport).
pc_cflag() {
  local pc="$PREFIX/lib/pkgconfig/$1.pc"
  grep -q -- "$2" "$pc" || sed -i "s/^Cflags:.*/& $2/" "$pc"
}

cmake_lib() {  # cmake_lib SRC-DIR [options...]: configure, build, install out of tree
  local dir=$1
  shift
  rm -rf "$dir/_mingw"
  cmake -S "$dir" -B "$dir/_mingw" -G "Unix Makefiles" "${CMAKE_CROSS[@]}" "$@"
  $NICE cmake --build "$dir/_mingw" -j"$JOBS"
  cmake --install "$dir/_mingw"
}

# --- the libraries -----------------------------------------------------------------------------
b_zlib() {
  # Debian's zlib source has no win32/ folder and zlib's configure refuses MinGW: compile the
  # library's sources (the list of win32/Makefile.gcc) directly.
  local o objs=()
  for o in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
    inftrees trees uncompr zutil; do
    $NICE $HOST-gcc -O2 -D_LARGEFILE64_SOURCE=1 -c "$o.c" -o "$o.o"
    objs+=("$o.o")
  done
  rm -f libz.a && $HOST-ar rcs libz.a "${objs[@]}"
  install -m644 zlib.h zconf.h "$PREFIX/include/"
  install -m644 libz.a "$PREFIX/lib/"
  cat >"$PREFIX/lib/pkgconfig/zlib.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: zlib
Description: zlib compression library
Version: $(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' zlib.h)
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOF
}

b_openssl() {
  # libcrypto and libssl only (make build_libs): no tests, engines or loadable modules.
  # (OpenSSL 3.0 has no no-docs/no-apps options; build_libs skips both.)
  ./Configure mingw64 --cross-compile-prefix=$HOST- --prefix="$PREFIX" --libdir=lib \
    no-shared no-tests no-engine no-module no-dso no-legacy no-ui-console \
    no-ssl3 no-dtls no-srp no-comp no-capieng
  $NICE make -j"$JOBS" build_libs
  make install_dev
}

b_sqlite() {
  # Debian ships SQLite's full source tree. Its configure cannot cross-build cleanly (it builds
  # its generators with the host's .exe suffix), so the amalgamation sqlite3.c is made with the
  # native tools and then compiled with MinGW-w64.
  rm -rf _native && mkdir -p _native && cd _native
  ../configure --disable-tcl --disable-readline --disable-editline --disable-shared
  $NICE make -j"$JOBS" sqlite3.c sqlite3.h
  $NICE $HOST-gcc -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_FTS5 \
    -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_SECURE_DELETE \
    -c sqlite3.c -o sqlite3.o
  $HOST-ar rcs libsqlite3.a sqlite3.o
  install -m644 sqlite3.h ../src/sqlite3ext.h "$PREFIX/include/"
  install -m644 libsqlite3.a "$PREFIX/lib/"
  cat >"$PREFIX/lib/pkgconfig/sqlite3.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: SQLite
Description: SQL database engine
Version: $(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"/\1/p' sqlite3.h)
Libs: -L\${libdir} -lsqlite3
Cflags: -I\${includedir}
EOF
}

b_curl() {
  # HTTP(S) only, over OpenSSL; no other protocols, no IDN, no PSL, no HTTP/2.
  cmake_lib "$1" -DHTTP_ONLY=ON -DCURL_USE_OPENSSL=ON -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
    -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON -DUSE_LIBIDN2=OFF -DCURL_USE_LIBSSH2=OFF \
    -DCURL_USE_LIBSSH=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_NGTCP2=OFF \
    -DUSE_QUICHE=OFF -DCURL_USE_LIBPSL=OFF -DCURL_USE_GSSAPI=OFF -DENABLE_MANUAL=OFF \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_ZLIB=ON -DENABLE_UNIX_SOCKETS=OFF \
    -DOPENSSL_ROOT_DIR="$PREFIX" -DOPENSSL_USE_STATIC_LIBS=ON -DZLIB_ROOT="$PREFIX"
}

b_libcsv() {
  $NICE $HOST-gcc -O2 -c libcsv.c -o libcsv.o
  $HOST-ar rcs libcsv.a libcsv.o
  install -m644 csv.h "$PREFIX/include/"
  install -m644 libcsv.a "$PREFIX/lib/"
}

b_libzip() {
  cmake_lib "$1" -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF -DENABLE_OPENSSL=OFF \
    -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF -DENABLE_COMMONCRYPTO=OFF -DENABLE_WINDOWS_CRYPTO=ON \
    -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF \
    -DBUILD_OSSFUZZ=OFF -DZLIB_ROOT="$PREFIX"
  pc_cflag libzip -DZIP_STATIC
}

b_xlsxwriter() {
  # OpenSSL's MD5, not the bundled copy: both define MD5_Init & co. in one static link.
  cmake_lib "$1" -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF -DUSE_SYSTEM_MINIZIP=OFF \
    -DUSE_STANDARD_TMPFILE=OFF -DZLIB_ROOT="$PREFIX" -DUSE_OPENSSL_MD5=ON \
    -DOPENSSL_ROOT_DIR="$PREFIX" -DOPENSSL_USE_STATIC_LIBS=ON
  # Debian's build writes the .pc file with its own rules; write one for the prefix.
  if [ ! -f "$PREFIX/lib/pkgconfig/xlsxwriter.pc" ]; then
    cat >"$PREFIX/lib/pkgconfig/xlsxwriter.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: xlsxwriter
Description: A C library for creating Excel XLSX files
Version: $(sed -n 's/^#define LXW_VERSION "\(.*\)"/\1/p' include/xlsxwriter.h)
Libs: -L\${libdir} -lxlsxwriter
Cflags: -I\${includedir}
EOF
  fi
  grep -q "^Requires.private:" "$PREFIX/lib/pkgconfig/xlsxwriter.pc" ||
    echo "Requires.private: zlib libcrypto" >>"$PREFIX/lib/pkgconfig/xlsxwriter.pc"
}

b_http_parser() {  # libgit2 needs it to build even with no network transports
  $NICE $HOST-gcc -O2 -c http_parser.c -o http_parser.o
  $HOST-ar rcs libhttp_parser.a http_parser.o
  install -m644 http_parser.h "$PREFIX/include/"
  install -m644 libhttp_parser.a "$PREFIX/lib/"
}

b_pcre2() {  # libgit2's regular expressions (Debian's libgit2 source has no bundled copy)
  cmake_lib "$1" -DPCRE2_BUILD_TESTS=OFF -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_SUPPORT_JIT=OFF \
    -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF -DPCRE2_BUILD_PCRE2_32=OFF
  [ -f "$PREFIX/lib/pkgconfig/libpcre2-8.pc" ] || cat >"$PREFIX/lib/pkgconfig/libpcre2-8.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: libpcre2-8
Description: PCRE2 - Perl compatible regular expressions C library (8 bit)
Version: 10
Libs: -L\${libdir} -lpcre2-8
Cflags: -I\${includedir} -DPCRE2_STATIC
EOF
}

b_libgit2() {
  # Only git_merge_file is used: no network, SSH or HTTPS. Debian's source bundles nothing
  # (+ds): http-parser and PCRE2 come from their own Debian sources, built above.
  cmake_lib "$1" -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF -DBUILD_FUZZERS=OFF \
    -DUSE_SSH=OFF -DUSE_HTTPS=OFF -DUSE_WINHTTP=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
    -DUSE_HTTP_PARSER=system -DUSE_ICONV=OFF \
    -DREGEX_BACKEND=pcre2 -DUSE_BUNDLED_ZLIB=OFF -DUSE_SHA1=CollisionDetection \
    -DUSE_SHA256=Builtin -DUSE_THREADS=ON -DZLIB_ROOT="$PREFIX" -DCMAKE_C_FLAGS=-DPCRE2_STATIC
}

b_nlohmann() {
  cmake_lib "$1" -DJSON_BuildTests=OFF -DJSON_Install=ON -DJSON_MultipleHeaders=OFF
}

b_httplib() {
  install -m644 httplib.h "$PREFIX/include/"
}

b_utf8proc() {
  cmake_lib "$1" -DUTF8PROC_INSTALL=ON -DUTF8PROC_ENABLE_TESTING=OFF
  [ -f "$PREFIX/lib/pkgconfig/libutf8proc.pc" ] || cat >"$PREFIX/lib/pkgconfig/libutf8proc.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: libutf8proc
Description: UTF8 processing
Version: 2
Libs: -L\${libdir} -lutf8proc
Cflags: -I\${includedir} -DUTF8PROC_STATIC
EOF
  pc_cflag libutf8proc -DUTF8PROC_STATIC
}

b_expat() {
  local dir=$1
  [ -f CMakeLists.txt ] || dir="$1/expat"
  # Debian's security patches test "#if XML_DTD == 1" (its build uses autotools, which define
  # it as 1); CMake's template defines it empty.
  sed -i 's/^#cmakedefine XML_DTD$/#cmakedefine XML_DTD 1/; s/^#cmakedefine XML_NS$/#cmakedefine XML_NS 1/' \
    "$dir/expat_config.h.cmake"
  cmake_lib "$dir" -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
    -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_FUZZERS=OFF
  pc_cflag expat -DXML_STATIC
}

build zlib zlib b_zlib
build openssl openssl b_openssl
build libcsv libcsv b_libcsv
build nlohmann-json nlohmann-json3 b_nlohmann
build cpp-httplib cpp-httplib b_httplib
build utf8proc utf8proc b_utf8proc
build expat expat b_expat
build sqlite sqlite3 b_sqlite
build libzip libzip b_libzip
build xlsxwriter libxlsxwriter b_xlsxwriter
build http-parser http-parser b_http_parser
build pcre2 pcre2 b_pcre2
build libgit2 libgit2 b_libgit2
build curl curl b_curl

TOTAL_END=$(date +%s)
echo "build-deps: prefix $PREFIX ready in $((TOTAL_END - TOTAL_START)) s"
echo "$(date -u +%FT%TZ) total $((TOTAL_END - TOTAL_START))s" >>"$TIMES"
