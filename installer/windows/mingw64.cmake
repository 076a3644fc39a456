# CMake toolchain for the Windows client: Debian's MinGW-w64 (x86_64-w64-mingw32, posix threads)
# with the libraries cross-built by build-deps.sh into TONGKET_MINGW_PREFIX.
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=installer/windows/mingw64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TONGKET_MINGW_HOST x86_64-w64-mingw32)

if(NOT TONGKET_MINGW_PREFIX)
  if(DEFINED ENV{TONGKET_MINGW_PREFIX})
    set(TONGKET_MINGW_PREFIX "$ENV{TONGKET_MINGW_PREFIX}")
  else()
    set(TONGKET_MINGW_PREFIX /var/cache/tongket/mingw64)
  endif()
endif()
set(TONGKET_MINGW_PREFIX "${TONGKET_MINGW_PREFIX}" CACHE PATH "Cross-built libraries")
# try_compile projects get the toolchain file, not the cache: pass the prefix on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TONGKET_MINGW_PREFIX)

# The posix-threads variant: std::thread and std::mutex need winpthreads.
set(CMAKE_C_COMPILER ${TONGKET_MINGW_HOST}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TONGKET_MINGW_HOST}-g++-posix)
set(CMAKE_RC_COMPILER ${TONGKET_MINGW_HOST}-windres)
set(CMAKE_AR ${TONGKET_MINGW_HOST}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${TONGKET_MINGW_HOST}-ranlib CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH ${TONGKET_MINGW_PREFIX} /usr/${TONGKET_MINGW_HOST})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_PREFIX_PATH ${TONGKET_MINGW_PREFIX})
set(PKG_CONFIG_EXECUTABLE ${TONGKET_MINGW_PREFIX}/bin/${TONGKET_MINGW_HOST}-pkg-config
  CACHE FILEPATH "pkg-config of the cross prefix (static)")

# Static libraries of the prefix, not import libraries; the C and C++ runtimes linked in too,
# so the client is one .exe. The system libraries the static archives need close every link.
set(OPENSSL_USE_STATIC_LIBS ON)
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_C_STANDARD_LIBRARIES
  "-lws2_32 -lcrypt32 -lbcrypt -ladvapi32 -luser32 -lgdi32 -liphlpapi -lrpcrt4 -lole32 -lsecur32 -lshell32"
  CACHE STRING "")
set(CMAKE_CXX_STANDARD_LIBRARIES "${CMAKE_C_STANDARD_LIBRARIES}" CACHE STRING "")
