#!/usr/bin/env bash
# Batch scores against pandas, on the same data, in one run: builds the benchmark and the Python
# module (Release), generates the data with a fixed seed, runs rapport in C++ (bench_scores), rapport
# from Python returning DataFrames (bench_scores_python.py) and pandas (bench_scores_pandas.py) on 1M
# and 10M conversations, and prints each task's times, the speed-ups over pandas, the memory-bandwidth
# bound (bytes the pass must read / single-thread read bandwidth measured in the same run) and how far
# from it rapport is, the 10M/1M scaling, and whether the checksums agree.
#
#   benchmarks/run_scores.sh [build-dir] [data-dir]
#
# Defaults: build-dir = build-bench in the source tree, data-dir = $TMPDIR/rapport-bench-data (about
# 250 MB for 10M). Single-threaded throughout. On a busy machine the wall times suffer; the CPU time
# of the rapport thread is printed as well.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
data=${2:-${TMPDIR:-/tmp}/rapport-bench-data}
py=/usr/bin/python3

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$py" \
      -DRAPPORT_BUILD_PYTHON=ON > /dev/null
cmake --build "$build" -j2 --target gen_data bench_scores _rapport > "$build/bench-build.log" 2>&1 ||
  { cat "$build/bench-build.log"; exit 1; }

for n in 1000000 10000000; do
  dir="$data/$n"
  "$build/benchmarks/gen_data" "$n" "$dir" > /dev/null
  echo "running rapport on $n conversations..." >&2
  "$build/benchmarks/bench_scores" "$dir" 7 "$dir/org.rapport" > "$dir/rapport.json"
  echo "running rapport from Python on $n conversations..." >&2
  PYTHONPATH="$build/python" "$py" "$root/benchmarks/bench_scores_python.py" "$dir/org.rapport" 7 > "$dir/python.json"
  echo "running pandas on $n conversations..." >&2
  "$py" "$root/benchmarks/bench_scores_pandas.py" "$dir" 3 > "$dir/pandas.json"
done

"$py" - "$data" <<'EOF'
import json, sys, os
data = sys.argv[1]
runs = {}
for n in (1000000, 10000000):
    d = os.path.join(data, str(n))
    runs[n] = tuple(json.load(open(os.path.join(d, f"{side}.json"))) for side in ("rapport", "pandas", "python"))
r0 = runs[10000000][0]
print(f"single-thread read bandwidth: {r0['bandwidth_gbs']:.1f} GB/s; pandas {runs[10000000][1]['pandas']}, "
      f"numpy {runs[10000000][1]['numpy']}; 100k units, {r0['relationships']:.0f} relationships")
tasks = [("unit_scores", "per-unit count, mean, NPS"), ("latest_scores", "latest score per relationship"),
         ("unit_years", "per-unit year-over-year")]
head = (f"{'task':32} {'n':>4} {'rapport ms':>11} {'(cpu ms)':>9} {'pandas ms':>10} {'x pandas':>9} {'bound ms':>9} "
        f"{'x bound':>8} {'x bound cpu':>11} {'python ms':>10} {'x pandas':>9}")
print(head)
print("-" * len(head))
for key, label in tasks:
    for n, (r, p, y) in runs.items():
        t = r[key]
        print(f"{label:32} {n // 1000000:>3}M {t['median_ms']:11.2f} {t['cpu_ms']:9.2f} {p[key]['median_ms']:10.1f} "
              f"{p[key]['median_ms'] / t['median_ms']:9.1f} {t['bound_ms']:9.2f} {t['median_ms'] / t['bound_ms']:8.1f} "
              f"{t['cpu_ms'] / t['bound_ms']:11.1f} {y[key]['median_ms']:10.1f} {p[key]['median_ms'] / y[key]['median_ms']:9.1f}")
print("(python: the same call from /usr/bin/python3, returning a pandas DataFrame with labels)")
for n, (r, p, y) in runs.items():
    t, lines = r["latest_scores"], r["latest_lines"]
    print(f"latest score per relationship, {n // 1000000}M, against the 64-byte lines it must read (the id and date "
          f"lines holding a latest row, {lines['bytes'] / 1e6:.0f} MB with the rest): bound {lines['bound_ms']:.2f} ms, "
          f"x {t['median_ms'] / lines['bound_ms']:.1f} (cpu x {t['cpu_ms'] / lines['bound_ms']:.1f})")
print()
print("rapport alone (median wall ms, cpu ms):")
for key in ("unit_pass", "year_pass", "subtree_scores"):
    a, b = runs[1000000][0][key], runs[10000000][0][key]
    print(f"  {key:15} 1M {a['median_ms']:7.2f} ({a['cpu_ms']:.2f})   10M {b['median_ms']:7.2f} ({b['cpu_ms']:.2f})")
print()
print("scaling 10M / 1M (linear = 10):")
for key, label in tasks:
    a, b = runs[1000000][0][key], runs[10000000][0][key]
    print(f"  {label:32} wall {b['median_ms'] / a['median_ms']:5.1f}   cpu {b['cpu_ms'] / a['cpu_ms']:5.1f}")
for n, (r, p, y) in runs.items():
    same = r["checksums"] == p["checksums"] and all(p["checksums"][k] == v for k, v in y["checksums"].items())
    print(f"checksums {n // 1000000}M: {'identical' if same else 'DIFFER'}")
    if not same:
        print("  rapport", r["checksums"], "\n  pandas ", p["checksums"], "\n  python ", y["checksums"])
        sys.exit(1)
EOF
