#!/usr/bin/python3
"""The analyst's alternative to rapport's batch scores: pandas on the same columns (gen_data's .npy).

    /usr/bin/python3 benchmarks/bench_scores_pandas.py <data-dir> [repeats=3]

Prints JSON: the median and minimum wall time of each task, and checksums that bench_scores computes
too, so both are seen to do the same work. Each task starts from a DataFrame of the conversation
columns that is already in memory (loading is not timed), with the providing unit as a column (the
join is not timed either) - the setup most favourable to pandas.

Tasks, written as an analyst would, choosing the fastest correct idiom:
  unit_scores    per unit (as provider): count, mean and NPS of the scored conversations
  latest_scores  per relationship: the latest scored conversation by (date, id)
  unit_years     per unit and calendar year: count and mean, and the change from the previous year
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def load(d: Path) -> pd.DataFrame:
    cols = {name: np.load(d / f"conv_{name}.npy") for name in ("rel", "date", "kind", "score", "unit")}
    df = pd.DataFrame(cols)
    df["id"] = np.arange(len(df), dtype=np.uint32)
    return df


def unit_scores(df: pd.DataFrame) -> pd.DataFrame:
    d = df[df.score != 255]
    s = d.score
    g = pd.DataFrame({"unit": d.unit, "score": s, "p": s >= 9, "d": s <= 6}).groupby("unit")
    out = g.agg(n=("score", "size"), mean=("score", "mean"), p=("p", "sum"), d=("d", "sum"))
    out["nps"] = 100.0 * (out.p - out.d) / out.n
    return out


def latest_scores(df: pd.DataFrame) -> pd.DataFrame:
    # Order by time (date, then id, as one int64 key) and keep each relationship's last row. (A
    # three-column sort_values is about twice as slow; groupby().idxmax() is far slower in pandas 1.5.)
    d = df[df.score != 255]
    key = d.date.astype(np.int64) * (1 << 32) + d.id.astype(np.int64)
    return d.assign(key=key).sort_values("key").drop_duplicates("rel", keep="last")


def unit_years(df: pd.DataFrame) -> pd.DataFrame:
    d = df[df.score != 255]
    year = pd.Series(d.date.values.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970,
                     index=d.index, name="year")
    g = d.score.groupby([d.unit, year]).agg(["size", "mean"])
    wide = g["mean"].unstack()
    delta = wide.diff(axis=1)
    return g, delta


def timed(repeats, f, *args):
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = f(*args)
        times.append((time.perf_counter() - t) * 1e3)
    return {"median_ms": statistics.median(times), "min_ms": min(times)}, result


def main() -> None:
    d = Path(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    df = load(d)
    t_units, units = timed(repeats, unit_scores, df)
    t_latest, latest = timed(repeats, latest_scores, df)
    t_years, (cells, _) = timed(repeats, unit_years, df)
    scored = df[df.score != 255]
    checks = {
        "n": int(units.n.sum()),
        "sum": int(scored.score.astype(np.int64).sum()),
        "nps_net": int(units.p.sum() - units.d.sum()),
        "units_with_data": int(len(units)),
        "latest_count": int(len(latest)),
        "latest_sum": int(latest.score.astype(np.int64).sum()),
        "unit_year_cells": int(len(cells)),
        "unit_year_n": int(cells["size"].sum()),
    }
    print(json.dumps({"pandas": pd.__version__, "numpy": np.__version__, "conversations": len(df),
                      "unit_scores": t_units, "latest_scores": t_latest, "unit_years": t_years,
                      "checksums": checks}, indent=2))


if __name__ == "__main__":
    main()
