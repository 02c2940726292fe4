"""Turning the native module's column specs into pandas DataFrames (pandas is imported here, lazily).

Numeric columns are passed to pandas as they are, with ``copy=False``: a DataFrame column then shares
memory with the NumPy array the native module made (and, for score tables, with the core's result).
Dates arrive already converted to the ``datetime64[ns]`` pandas 1.x stores (the native module's
FrameBuilder.dates), NaT where missing.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def pandas() -> Any:
    """Imports pandas on first use, with a clear message if it is missing."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - pandas is a declared optional dependency
        raise ImportError("rapport needs pandas for DataFrames: install pandas (Debian: python3-pandas)") from e
    return pd


def column(kind: str, values: Any, extra: Any) -> Any:
    pd = pandas()
    if kind in ("int", "float", "bool", "str", "object"):
        return values
    if kind == "nullable_int":
        values = np.asarray(values)
        if values.dtype.kind not in "iu":
            values = values.astype(np.int64)
        return pd.arrays.IntegerArray(values, np.asarray(extra, dtype=bool), copy=False)
    if kind == "nullable_float":
        return values
    if kind == "datetime":  # datetime64[ns], NaT where missing (FrameBuilder::dates converts)
        return values
    if kind == "enum":
        return pd.Categorical.from_codes(np.asarray(values), categories=[m.value for m in extra])
    if kind == "categories":  # codes plus an explicit list of category names
        return pd.Categorical.from_codes(np.asarray(values), categories=list(extra))
    raise ValueError(f"unknown column kind {kind!r}")


def build(specs: list, index: str | None = None, owner: Any = None) -> Any:
    """A DataFrame from (name, kind, values, extra) specs; ``index`` names the column to index by."""
    pd = pandas()
    data: dict[str, Any] = {}
    idx = None
    for name, kind, values, extra in specs:
        col = column(kind, values, extra)
        if name == index:
            idx = pd.Index(col, name=name)
        else:
            data[name] = col
    n = len(idx) if idx is not None else (len(next(iter(data.values()))) if data else 0)
    if not data:
        return pd.DataFrame(index=idx if idx is not None else pd.RangeIndex(n))
    # copy=False keeps every column its own block, so numeric columns stay views of their arrays.
    # The owner (if any) needs no reference here: it is the base of the arrays that use it. (Keeping it
    # in df.attrs would make the frame unpicklable.)
    return pd.DataFrame(data, index=idx, copy=False)


_SCORE_FRAME: Any = None


def score_frame_class() -> Any:
    """rapport.ScoreFrame: a pandas DataFrame that shows itself in Jupyter with bands coloured, suppressed
    values greyed and flags marked. Defined on first use, so that pandas is imported lazily."""
    global _SCORE_FRAME
    if _SCORE_FRAME is None:
        pd = pandas()

        class ScoreFrame(pd.DataFrame):
            """A DataFrame of scores. Numeric columns of batch scores share memory with the core's result;
            the result object stays alive as long as any of these arrays does."""

            @property
            def _constructor(self) -> Any:
                return ScoreFrame

            def _repr_html_(self) -> str:
                from ._html import frame_html

                return frame_html(self)

        ScoreFrame.__module__ = "rapport"
        ScoreFrame.__qualname__ = "ScoreFrame"  # pickles as rapport.ScoreFrame
        _SCORE_FRAME = ScoreFrame
    return _SCORE_FRAME


def owner_of(column: Any) -> Any:
    """The object that owns a column's memory: the end of its NumPy base chain (None when it owns it)."""
    arr = column.array._data if hasattr(column.array, "_mask") else column.to_numpy()
    while isinstance(arr, np.ndarray):
        arr = arr.base
    return arr


def score_frame(df: Any, owner: Any = None) -> Any:
    """The same data as a ScoreFrame, sharing df's blocks (no copy)."""
    cls = score_frame_class()
    out = cls(df)  # a DataFrame argument shares its block manager: no copy
    out.attrs.update(df.attrs)
    return out


def add_cost_of_loss(frame: Any, salary: Any, preset: Any) -> Any:
    """Adds salary, replacement cost and expected cost of loss (risk x replacement cost) columns."""
    pd = pandas()
    from . import _rapport

    r = _rapport.score.replacement_range(preset)
    if isinstance(salary, (int, float, np.integer, np.floating)):
        pay = pd.Series(float(salary), index=frame.index)
    else:
        mapping = pd.Series(salary, dtype="float64") if not isinstance(salary, pd.Series) else salary.astype("float64")
        by_key = frame["key"].map(mapping)
        by_id = pd.Series(frame.index, index=frame.index).map(mapping)
        pay = by_key.fillna(by_id) if mapping.index.dtype == object else by_id
    if (pay < 0).any():
        raise _rapport.ValidationError("a salary cannot be negative")
    frame = frame.copy()
    frame["salary"] = pay.to_numpy()
    frame["replacement_low"] = pay.to_numpy() * r.low
    frame["replacement_high"] = pay.to_numpy() * r.high
    frame["expected_cost_low"] = frame["risk"] * frame["replacement_low"]
    frame["expected_cost_high"] = frame["risk"] * frame["replacement_high"]
    frame.attrs["replacement_preset"] = str(preset)
    frame.attrs["replacement_citation"] = r.citation
    return frame
