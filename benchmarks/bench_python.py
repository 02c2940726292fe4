#!/usr/bin/env python3
"""Python against C++: build a store from a 10-million-row DataFrame and compute the batch scores.

Both sides do the same work on the same data. This script generates the conversations with NumPy, writes
their columns as raw arrays for the C++ baseline (benchmarks/bench_python_baseline.cpp), then times
  build   a fresh Organisation: 10,000 units and 20,000 relationships from DataFrames (add_units,
          add_relationships) and the conversations from one DataFrame (add_conversations);
  scores  unit_scores, subtree_scores, relationship_scores, latest_scores, unit_years (10 years) and
          local_optimisers, each returned as a DataFrame;
and the C++ program the same with the core's own calls on its native columns. Best of `--reps` runs each.
The DataFrame is what an analyst would have: int64 relationship ids, datetime64[ns] dates, categorical
kinds, float64 scores with NaN for none. The target: Python at most 1.5x C++.

    PYTHONPATH=build/python python3 benchmarks/bench_python.py --build-dir build [--rows 10000000] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TEAMS = 9_900
RELATIONSHIPS = 20_000


def generate(rows: int, seed: int = 2026) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    rel = rng.integers(0, RELATIONSHIPS, rows, dtype=np.int64)
    first = np.datetime64("2016-01-01").astype(np.int64)
    last = np.datetime64("2025-12-31").astype(np.int64)
    date = rng.integers(first, last + 1, rows, dtype=np.int64).astype(np.int32)
    cooperation = (rel // TEAMS) % 3 == 2  # the baseline's rule for which relationships are cooperations
    kind = cooperation.astype(np.uint8)  # customer_review 0, cooperation_review 1
    guide = kind.astype(np.uint32)  # the built-in guide of each kind (the default Python picks too)
    score = rng.integers(0, 11, rows, dtype=np.uint8)
    score[rng.random(rows) < 0.1] = 255
    self_assessment = rng.integers(0, 11, rows, dtype=np.uint8)
    self_assessment[rng.random(rows) < 0.5] = 255
    return {"rel": rel, "date": date, "kind": kind, "guide": guide, "score": score, "self": self_assessment}


def as_dataframe(cols: dict[str, np.ndarray]):  # -> pandas.DataFrame
    import pandas as pd

    def with_nan(x: np.ndarray) -> np.ndarray:
        f = x.astype(np.float64)
        f[x == 255] = np.nan
        return f

    return pd.DataFrame({
        "relationship": cols["rel"],
        "date": cols["date"].astype("datetime64[D]").astype("datetime64[ns]"),
        "kind": pd.Categorical.from_codes(cols["kind"], categories=["customer_review", "cooperation_review"]),
        "score": with_nan(cols["score"]),
        "self_assessment": with_nan(cols["self"]),
    })


def units_and_relationships():  # -> (units DataFrame, relationships DataFrame), the baseline's organisation
    import pandas as pd

    departments = (TEAMS + 98) // 99
    units = pd.DataFrame({
        "key": ["co"] + [f"d{d}" for d in range(departments)] + [f"t{t}" for t in range(TEAMS)],
        "name": ["Company"] + [f"Department {d}" for d in range(departments)] + [f"Team {t}" for t in range(TEAMS)],
        "kind": ["company"] + ["department"] * departments + ["team"] * TEAMS,
        "parent": [None] + ["co"] * departments + [f"d{t // 99}" for t in range(TEAMS)],
    })
    k = np.arange(RELATIONSHIPS)
    p = k % TEAMS
    q = (p + 1 + k // TEAMS) % TEAMS
    relationships = pd.DataFrame({
        "provider": [f"t{x}" for x in p],
        "recipient": [f"t{x}" for x in q],
        "bond": np.where((k // TEAMS) % 3 == 2, "cooperation", "service"),
        "label": "work",
    })
    return units, relationships


def run_python(df, units, relationships, reps: int) -> dict[str, float]:
    import rapport
    from rapport import _bulk, score

    best = {"build": float("inf"), "scores": float("inf"), "convert": float("inf")}
    for _ in range(reps):
        t0 = time.perf_counter()
        org = rapport.Organisation()
        org.add_units(units)
        org.add_relationships(relationships)
        org.add_conversations(df)
        t1 = time.perf_counter()
        frames = [
            score.unit_scores(org),
            score.subtree_scores(org),
            score.relationship_scores(org),
            score.latest_scores(org),
            score.unit_years(org, 2016, 2025),
            score.local_optimisers(org),
        ]
        t2 = time.perf_counter()
        assert len(frames[0]) == len(org.units) and len(org.conversations) == len(df)
        # How much of the build is the DataFrame -> column conversion in Python.
        t3 = time.perf_counter()
        _bulk.conversation_columns(org, df, {})
        t4 = time.perf_counter()
        best["build"] = min(best["build"], t1 - t0)
        best["scores"] = min(best["scores"], t2 - t1)
        best["convert"] = min(best["convert"], t4 - t3)
        del org, frames
    best["total"] = best["build"] + best["scores"]
    return best


def find_baseline(build_dir: str | None) -> Path:
    candidates = []
    if build_dir:
        candidates.append(Path(build_dir) / "benchmarks" / "bench_python_baseline")
    if os.environ.get("RAPPORT_BUILD_DIR"):
        candidates.append(Path(os.environ["RAPPORT_BUILD_DIR"]) / "benchmarks" / "bench_python_baseline")
    root = Path(__file__).resolve().parents[1]
    candidates += [root / "build" / "benchmarks" / "bench_python_baseline", root / "build-py" / "benchmarks" / "bench_python_baseline"]
    for c in candidates:
        if c.exists():
            return c
    sys.exit("bench_python: build the C++ baseline first (target bench_python_baseline); looked in "
             + ", ".join(map(str, candidates)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--build-dir", help="the CMake build folder holding benchmarks/bench_python_baseline")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()

    baseline = find_baseline(args.build_dir)
    cols = generate(args.rows)
    df = as_dataframe(cols)
    units, relationships = units_and_relationships()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        cols["rel"].astype(np.uint32).tofile(f"{tmp}/rel.u32")
        for name, ext in (("date", "i32"), ("kind", "u8"), ("guide", "u32"), ("score", "u8"), ("self", "u8")):
            cols[name].tofile(f"{tmp}/{name}.{ext}")
        out = subprocess.run([str(baseline), tmp, str(TEAMS), str(RELATIONSHIPS), str(args.reps)],
                             check=True, capture_output=True, text=True)
    cpp = json.loads(out.stdout.strip().splitlines()[-1])
    py = run_python(df, units, relationships, args.reps)
    result = {
        "rows": args.rows,
        "cpp": {k: cpp[k] for k in ("build", "scores", "total")},
        "python": py,
        "ratio": {k: py[k] / cpp[k] for k in ("build", "scores", "total")},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.rows:,} conversations, {len(units):,} units, {RELATIONSHIPS:,} relationships; best of {args.reps}")
    print(f"{'':10}{'C++ s':>10}{'Python s':>10}{'ratio':>8}")
    for k in ("build", "scores", "total"):
        print(f"{k:10}{cpp[k]:10.3f}{py[k]:10.3f}{py[k] / cpp[k]:8.2f}")
    print(f"(of the Python build, {py['convert']:.3f} s converts the DataFrame's columns)")
    verdict = "within" if result["ratio"]["total"] <= 1.5 else "OVER"
    print(f"Python / C++ = {result['ratio']['total']:.2f} ({verdict} the 1.5x target)")


if __name__ == "__main__":
    main()
