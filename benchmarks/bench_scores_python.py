#!/usr/bin/python3
"""rapport's batch scores as an analyst calls them: from Python, each returned as a pandas DataFrame.

    PYTHONPATH=<build>/python /usr/bin/python3 benchmarks/bench_scores_python.py <archive> [repeats=7]

The archive is the organisation bench_scores built from gen_data's columns (its third argument), so
the data are those of bench_scores and bench_scores_pandas.py. Loading is not timed. Every call is
whole: the batch pass, statistics and privacy in the core, then the DataFrame with its labels (unit
keys and names, relationship ends) and NaN where a value is not ok. The result is dropped before
the next call, as in a notebook cell run again. Prints JSON with the median and minimum wall time
of each task and the checksums bench_scores_pandas.py computes.
"""
import json
import statistics
import sys
import time

import numpy as np

import rapport
from rapport import score


def timed(repeats, f):
    times, result = [], None
    for _ in range(repeats):
        result = None  # dropped before the next call
        t = time.perf_counter()
        result = f()
        times.append((time.perf_counter() - t) * 1e3)
    return {"median_ms": statistics.median(times), "min_ms": min(times)}, result


def main() -> None:
    org = rapport.load(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    t_units, units = timed(repeats, lambda: score.unit_scores(org))
    t_latest, latest = timed(repeats, lambda: score.latest_scores(org))
    t_years, years = timed(repeats, lambda: score.unit_years(org, 2021, 2025))
    ok = latest["status"] == "ok"
    checks = {
        "n": int(units["n"].sum()),
        "units_with_data": int((units["n"] > 0).sum()),
        "latest_count": int(ok.sum()),
        "latest_sum": int(latest.loc[ok, "score"].astype(np.int64).sum()),
        "unit_year_cells": int((years["n"] > 0).sum()),
        "unit_year_n": int(years["n"].sum()),
    }
    print(json.dumps({"rapport": rapport.__version__, "unit_scores": t_units, "latest_scores": t_latest,
                      "unit_years": t_years, "checksums": checks}, indent=2))


if __name__ == "__main__":
    main()
