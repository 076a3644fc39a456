#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz/ and runs each in turn for
# FUZZ_SECONDS (default 60). Exits non-zero if any target finds a crash, leak, timeout or
# undefined behaviour; prints one summary line per target.
# Usage: scripts/fuzz.sh [target ...]          (default: all five)
# Environment: FUZZ_SECONDS   seconds per target (CI: 10; a long run: 3600)
#              FUZZ_ARGS      extra libFuzzer flags, e.g. "-jobs=2 -workers=2"
#              FUZZ_CC/FUZZ_CXX  the clang to use (default clang-16/clang++-16)
#              JOBS           build parallelism (default: nproc)
# Needs clang 16 and its libFuzzer runtime: TONGKET_WITH_FUZZ=1 scripts/setup.sh
source scripts/lib/ccache.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}
cc=${FUZZ_CC:-clang-16}
cxx=${FUZZ_CXX:-clang++-16}
build=$root/build-fuzz
all=(fuzz_changeset fuzz_messages fuzz_request fuzz_template fuzz_csv_import)
targets=("${@:-${all[@]}}")

TONGKET_WITH_FUZZ=1 scripts/setup.sh
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found; run TONGKET_WITH_FUZZ=1 scripts/setup.sh" >&2
  exit 2
fi
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONGKET_FUZZ=ON -DTONGKET_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_make_corpus "${targets[@]}" -j"$jobs"

# Working corpus in the build dir (libFuzzer adds to it): checked-in seeds, encoder-made
# seeds, and the real template.
corpus=$build/corpus
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t"
  if [ -d "fuzz/corpus/$t" ]; then cp -n fuzz/corpus/"$t"/* "$corpus/$t/" 2>/dev/null || true; fi
done
"$build/fuzz/fuzz_make_corpus" "$corpus" >/dev/null
cp -n data/template/cchc-2011-2020.json "$corpus/fuzz_template/" 2>/dev/null || true

symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1${symbolizer:+:external_symbolizer_path=$symbolizer}}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/logs"
failed=0
summary=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  log=$build/logs/$t.log
  artifacts=$build/artifacts/$t/
  mkdir -p "$artifacts"
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  status=ok
  # Saved crashers first: each must now pass (fuzz/regressions/<target>/).
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    if ! "$bin" -runs=1 fuzz/regressions/"$t"/* >"$build/logs/$t.regressions.log" 2>&1; then
      status="FAILED regressions (log: build-fuzz/logs/$t.regressions.log)"
    fi
  fi
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  if ! "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "${dict[@]}" ${FUZZ_ARGS:-} "$corpus/$t" >"$log" 2>&1; then
    status="FAILED (log: build-fuzz/logs/$t.log, input: $(ls -t "$artifacts" | head -1))"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  size=$(ls "$corpus/$t" | wc -l)
  line="fuzz: $t: $status; ${runs:-?} runs in ${seconds}s, coverage ${cov:-?}, corpus $size"
  [ "$status" = ok ] || failed=1
  echo "$line"
  summary+=("$line")
done
echo "fuzz: $(grep -c ': ok;' <(printf '%s\n' "${summary[@]}")) passed, \
$(grep -vc ': ok;' <(printf '%s\n' "${summary[@]}")) failed"
exit $failed
