#!/usr/bin/env bash
# Import speed: `rapport import` of a CSV folder with 10 million conversation rows, fully validated,
# against pandas.read_csv of the same files with explicit dtypes, in one run on the same machine.
#   benchmarks/bench_import.sh [BUILD_DIR] [ROWS]      (defaults: build, 10000000)
# The CSV folder is generated once by gen_import_csv into BUILD_DIR/bench-import/ and reused.
set -euo pipefail
build=${1:-build}
rows=${2:-10000000}
runs=${RUNS:-3}
rapport="$build/src/cli/rapport"
gen="$build/benchmarks/gen_import_csv"
python=${PYTHON:-/usr/bin/python3}
work="$build/bench-import"
data="$work/csv-$rows"
for f in "$rapport" "$gen"; do
  [ -x "$f" ] || { echo "bench_import: $f is missing; build first (cmake --build $build)" >&2; exit 1; }
done
mkdir -p "$work"
if [ ! -f "$data/conversations.csv" ]; then
  echo "generating $rows conversation rows into $data ..." >&2
  "$gen" "$data.tmp" "$rows" && mv "$data.tmp" "$data"
fi
size=$(du -m "$data/conversations.csv" | cut -f1)
cat "$data"/*.csv > /dev/null  # both readers start from the page cache

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $rows conversation rows, ${size} MB (conversations.csv), plus units.csv and relationships.csv"

best() { sort -n | head -1; }

rapport_import=()
rapport_total=()
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  out=$(RAPPORT_IMPORT_TIMING=1 "$rapport" import "$data" -o "$work/bench.rapport" 2>"$work/phases.txt")
  end=$(date +%s.%N)
  rapport_import+=("$(sed -n 's/^imported .* in \([0-9.]*\) s .*/\1/p' <<<"$out")")
  rapport_total+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
done
ri=$(printf '%s\n' "${rapport_import[@]}" | best)
rt=$(printf '%s\n' "${rapport_total[@]}" | best)

pd=$("$python" - "$data" "$runs" <<'PY'
import sys, time
import pandas as pd
data, runs = sys.argv[1], int(sys.argv[2])
best = None
for _ in range(runs):
    t = time.perf_counter()
    units = pd.read_csv(f"{data}/units.csv", dtype={"key": str, "name": str, "kind": "category", "parent": str, "payer": str})
    rels = pd.read_csv(f"{data}/relationships.csv",
                       dtype={"key": str, "provider": str, "recipient": str, "bond": "category", "label": str})
    conv = pd.read_csv(f"{data}/conversations.csv",
                       dtype={"id": str, "relationship": str, "date": str, "kind": "category",
                              "score": "Int8", "self_assessment": "Int8"})
    dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt)
    assert len(conv) > 0
print(f"{best:.3f}")
PY
)
echo
printf '%-58s %8s\n' "reader (best of $runs)" "seconds"
printf '%-58s %8.2f\n' "pandas $("$python" -c 'import pandas; print(pandas.__version__)') read_csv, explicit dtypes (no validation)" "$pd"
printf '%-58s %8.2f\n' "rapport import: parse + validate + build the model" "$ri"
printf '%-58s %8.2f\n' "rapport import: the whole command (also writes the archive)" "$rt"
echo
awk -v p="$pd" -v i="$ri" -v t="$rt" 'BEGIN { printf "speed-up over pandas: %.1fx (import), %.1fx (whole command)\n", p / i, p / t }'
echo "phases of the last rapport run:"
cat "$work/phases.txt"
