# Sourced by the build scripts: compile through ccache when the machine has it (scripts/setup.sh
# installs it), so that a second build of an unchanged file is a cache hit. CCACHE_BASEDIR makes
# the hashes independent of where the clone is, so CI's fresh clone reuses the cache too.
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
