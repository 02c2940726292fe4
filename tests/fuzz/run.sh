#!/usr/bin/env bash
# A fuzzing campaign of one target under libFuzzer with ASan + UBSan.
#   tests/fuzz/run.sh <archive|csv|capi> <seconds> [--merge] [extra libFuzzer flags...]
#   (<seconds> = 0 only configures and builds)
#   tests/fuzz/run.sh <target> merge    merges the scratch corpus of the last campaign, as --merge does
# Configures (once) a separate clang build in build-fuzz/ (RAPPORT_FUZZ_BUILD_DIR overrides it) with
# -DRAPPORT_FUZZ=ON -DRAPPORT_SANITIZE=ON, builds rapport_fuzz_<target> (-j RAPPORT_JOBS, default 1),
# then fuzzes a scratch copy of tests/fuzz/corpus/<target> for <seconds> seconds in one process
# (-jobs=1 -workers=1) and prints executions, exec/s, coverage and corpus size.
#   --merge   afterwards adds the new inputs that cover the most new edges to the committed corpus,
#             keeping it within 200 files and 2 MB
# Environment: RAPPORT_FUZZ_FORK=1 runs in fork mode with -ignore_crashes=1 (a crash does not end the
# campaign); RAPPORT_FUZZ_WORK sets the scratch folder (default build-fuzz/fuzz-work/<target>).
# Crashing inputs are left in <work>/artifacts/: copy them to tests/fuzz/crashes/<target>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
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
if [ "$seconds" = merge ]; then merge=2; seconds=0; fi
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
[ "$seconds" -gt 0 ] || [ "$merge" = 2 ] || { echo "run.sh: built $bin"; exit 0; }

work=${RAPPORT_FUZZ_WORK:-$build/fuzz-work/$target}
committed=$here/corpus/$target
status=0
if [ "$merge" != 2 ]; then
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
fi

if [ "$merge" != 0 ]; then
  # libFuzzer's merge records the coverage edges of every input in a control file; from it, keep every
  # committed input and add, greedily, the new inputs that cover the most edges not yet covered, while
  # the committed corpus stays within 200 files and 2 MB.
  empty=$(mktemp -d)
  rm -f "$work/merge.ctl"
  "$bin" -merge=1 -use_counters=0 -max_len="$max_len" -merge_control_file="$work/merge.ctl" \
    "$empty" "$committed" "$work/corpus" > "$work/merge.log" 2>&1 || true
  rm -rf "$empty"
  python3 - "$work/merge.ctl" "$committed" <<'PY'
import hashlib, heapq, os, pathlib, sys
ctl, committed = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
lines = ctl.read_text().splitlines()
n = int(lines[0]); files = lines[2:2 + n]
cov = {}
for line in lines[2 + n:]:
    parts = line.split()
    if parts and parts[0] == "COV":
        cov[int(parts[1])] = set(parts[2:])
old = [i for i, f in enumerate(files) if pathlib.Path(f).parent == committed]
covered = set().union(*(cov.get(i, set()) for i in old))
count = len(old); size = sum(os.path.getsize(files[i]) for i in old)
have = {hashlib.sha1(pathlib.Path(files[i]).read_bytes()).hexdigest() for i in old}
candidates = [i for i in range(n) if i not in old and i in cov and
              hashlib.sha1(pathlib.Path(files[i]).read_bytes()).hexdigest() not in have]
# Lazy greedy set cover: a gain only shrinks, so a stale heap entry is an upper bound.
heap = [(-len(cov[i] - covered), os.path.getsize(files[i]), i) for i in candidates]
heapq.heapify(heap)
added = 0
while heap and count < 200:
    _, sz, i = heapq.heappop(heap)
    gain = len(cov[i] - covered)
    if heap and gain < -heap[0][0]:
        heapq.heappush(heap, (-gain, sz, i))
        continue
    if gain == 0: break
    data = pathlib.Path(files[i]).read_bytes()
    if size + len(data) > 2_000_000: continue
    (committed / hashlib.sha1(data).hexdigest()).write_bytes(data)
    covered |= cov[i]; count += 1; size += len(data); added += 1
candidates = [i for _, _, i in heap]
left = len(set().union(*(cov[i] for i in candidates)) - covered) if candidates else 0
print(f"merge: added {added} inputs; committed corpus {count} files, {size} bytes, {len(covered)} edges"
      f" ({left} edges of the new inputs left out by the limits)")
PY
fi
exit $status
