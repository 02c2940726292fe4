#!/usr/bin/env bash
# A fuzzing campaign of one target under libFuzzer with ASan + UBSan.
#   tests/fuzz/run.sh <archive|csv|capi> <seconds> [--merge] [extra libFuzzer flags...]
#   (<seconds> = 0 only configures and builds)
# Configures (once) a separate clang build in build-fuzz/ (RAPPORT_FUZZ_BUILD_DIR overrides it) with
# -DRAPPORT_FUZZ=ON -DRAPPORT_SANITIZE=ON, builds rapport_fuzz_<target> (-j RAPPORT_JOBS, default 1),
# then fuzzes a scratch copy of tests/fuzz/corpus/<target> for <seconds> seconds in one process
# (-jobs=1 -workers=1) and prints executions, exec/s, coverage and corpus size.
#   --merge   afterwards merges the inputs that add coverage edges into the committed corpus (kept at
#             most 200 files and 2 MB; otherwise the merge is minimised, or refused)
# Environment: RAPPORT_FUZZ_FORK=1 runs in fork mode with -ignore_crashes=1 (a crash does not end the
# campaign); RAPPORT_FUZZ_WORK sets the scratch folder (default build-fuzz/fuzz-work/<target>).
# Crashing inputs are left in <work>/artifacts/: copy them to tests/fuzz/crashes/<target>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1 seconds=$2
shift 2
merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
case "$target" in
  archive) max_len=16384 ;;
  csv) max_len=8192 ;;
  capi) max_len=4096 ;;
  *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

build=${RAPPORT_FUZZ_BUILD_DIR:-$src/build-fuzz}
cc=${CC_FUZZ:-clang-14} cxx=${CXX_FUZZ:-clang++-14}
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "run.sh: configuring $build" >&2
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DRAPPORT_FUZZ=ON -DRAPPORT_SANITIZE=ON \
    -DRAPPORT_BUILD_PYTHON=OFF -DRAPPORT_BUILD_BENCHMARKS=OFF \
    -DPython3_EXECUTABLE=/usr/bin/python3 > "$build.configure.log" 2>&1 ||
    { tail -30 "$build.configure.log"; exit 1; }
  mv "$build.configure.log" "$build/configure.log"
fi
echo "run.sh: building rapport_fuzz_$target" >&2
cmake --build "$build" --target "rapport_fuzz_$target" -j "${RAPPORT_JOBS:-1}" > "$build/build-$target.log" 2>&1 ||
  { tail -40 "$build/build-$target.log"; exit 1; }
bin=$(find "$build/tests/fuzz" -maxdepth 1 -name "rapport_fuzz_$target" -type f | head -1)
[ -x "$bin" ] || { echo "run.sh: rapport_fuzz_$target was not built" >&2; exit 1; }
[ "$seconds" -gt 0 ] || { echo "run.sh: built $bin"; exit 0; }

work=${RAPPORT_FUZZ_WORK:-$build/fuzz-work/$target}
committed=$here/corpus/$target
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$committed"/* "$work/corpus/" 2>/dev/null || true
dict=()
[ -f "$here/$target.dict" ] && dict=("-dict=$here/$target.dict")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
flags=(-max_total_time="$seconds" -max_len="$max_len" -timeout=30 -rss_limit_mb=2048
       -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" "$@")
log=$work/fuzz.log
cd "$work"
start=$(date +%s)
set +e
if [ "${RAPPORT_FUZZ_FORK:-0}" = 1 ]; then
  "$bin" "${flags[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 corpus > "$log" 2>&1
  status=$?
else
  rm -f fuzz-0.log
  "$bin" "${flags[@]}" -jobs=1 -workers=1 corpus > "$log.outer" 2>&1
  status=$?
  cat fuzz-0.log > "$log" 2>/dev/null
fi
set -e
elapsed=$(( $(date +%s) - start ))

echo "== rapport_fuzz_$target: ${elapsed}s, log $log"
grep -E '^#[0-9]+' "$log" | tail -1 || true
grep -E '^stat::' "$log" || true
grep -E 'ERROR: |SUMMARY: |fuzz_[a-z]+: |Test unit written' "$log" | head -20 || true
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $files files, $bytes bytes; artifacts: $(find "$work/artifacts" -type f | wc -l) in $work/artifacts"

if [ "$merge" = 1 ]; then
  backup=$(mktemp -d)
  cp -a "$committed/." "$backup/"
  # Edges only (-use_counters=0): hit-count features would double the files for little gain.
  "$bin" -merge=1 -use_counters=0 -max_len="$max_len" "$committed" "$work/corpus" > "$work/merge.log" 2>&1
  n=$(find "$committed" -type f | wc -l); b=$(du -sb "$committed" | cut -f1)
  if [ "$n" -gt 200 ] || [ "$b" -gt 2000000 ]; then
    echo "run.sh: the merged corpus has $n files, $b bytes: minimising" >&2
    fresh=$(mktemp -d)
    "$bin" -merge=1 -use_counters=0 -max_len="$max_len" "$fresh" "$backup" "$work/corpus" >> "$work/merge.log" 2>&1
    n=$(find "$fresh" -type f | wc -l); b=$(du -sb "$fresh" | cut -f1)
    rm -rf "$committed"/*
    if [ "$n" -gt 200 ] || [ "$b" -gt 2000000 ]; then
      echo "run.sh: still $n files, $b bytes: keeping the old corpus" >&2
      cp -a "$backup/." "$committed/"
    else
      cp -a "$fresh/." "$committed/"
    fi
    rm -rf "$fresh"
  fi
  rm -rf "$backup"
  echo "committed corpus: $(find "$committed" -type f | wc -l) files, $(du -sb "$committed" | cut -f1) bytes"
fi
exit $status
