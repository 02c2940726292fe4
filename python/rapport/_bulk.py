"""Normalising bulk input (a pandas DataFrame, a dict of columns, NumPy arrays) into the exact column
types the core's bulk insert takes, with every check a silent cast would skip (a score of 300 must
fail, not wrap to 44)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _rapport
from ._frames import pandas

# Units of each datetime64 resolution in one day (coarser ones are converted through days).
_UNITS_PER_DAY = {"D": 1, "h": 24, "m": 1440, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000,
                  "ns": 86_400_000_000_000}
_NO_SCORE = 255
_KIND_NAMES = [m.value for m in _rapport.ConversationKind]
# The built-in guide each conversation kind defaults to (ids 0, 1, 2: customer, cooperation, employee).
_DEFAULT_GUIDE = np.array([0, 1, 2, 2, 0, 0, 0], dtype=np.uint32)

_CONVERSATION_COLUMNS = ("relationship", "provider", "recipient", "bond", "date", "kind", "guide", "score",
                         "self_assessment")


def _fail(msg: str) -> None:
    raise _rapport.ValidationError(msg)


def gather(data: Any, kw: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The named columns of ``data`` (DataFrame, mapping, structured array) or of the keywords."""
    if data is not None and kw:
        raise TypeError(f"add_{what}: pass a table or keyword columns, not both")
    if data is None:
        return dict(kw)
    if hasattr(data, "columns") and hasattr(data, "__getitem__") and not isinstance(data, np.ndarray):
        return {str(c): data[c] for c in data.columns}
    if isinstance(data, Mapping):
        return {str(k): v for k, v in data.items()}
    if isinstance(data, np.ndarray) and data.dtype.names:
        return {n: data[n] for n in data.dtype.names}
    raise TypeError(f"add_{what}: expected a pandas DataFrame, a dict of columns or a structured array, "
                    f"got {type(data).__name__}")


def _check_names(cols: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = [c for c in cols if c not in allowed]
    if unknown:
        _fail(f"add_{what}: unknown column(s) {', '.join(map(repr, unknown))} (expected: {', '.join(allowed)})")


def _length(cols: Mapping[str, Any], what: str) -> int:
    lengths = {name: len(v) for name, v in cols.items()}
    if len(set(lengths.values())) > 1:
        _fail(f"add_{what}: columns differ in length: {lengths}")
    return next(iter(lengths.values()), 0)


def _numpy(values: Any) -> np.ndarray:
    """The values as a NumPy array; a pandas Series without a copy where it can."""
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        return values.to_numpy()
    return np.asarray(values)


def _is_missing(values: Any) -> np.ndarray | None:
    if hasattr(values, "isna"):
        mask = np.asarray(values.isna())
        return mask if mask.any() else None
    return None


def _python(values: Any) -> list:
    """A list of Python objects with None for every missing value (NaN, NaT, <NA>)."""
    mask = _is_missing(values)
    arr = _numpy(values)
    out = arr.tolist()
    if mask is None and arr.dtype.kind == "O":
        out = [None if (v is None or (isinstance(v, float) and v != v)) else v for v in out]
    elif arr.dtype.kind == "f":
        # Ids with gaps arrive as floats (pandas turns None into NaN): 3.0 names unit 3.
        out = [None if v != v else int(v) if float(v).is_integer() else v for v in out]
    if mask is not None:
        out = [None if m else v for v, m in zip(out, mask.tolist())]
    return out


def record_columns(data: Any, kw: Mapping[str, Any], what: str, required: tuple, optional: tuple) -> dict:
    """Columns for add_units / add_relationships, as Python lists (None = missing)."""
    cols = gather(data, kw, what)
    _check_names(cols, tuple(required) + tuple(optional), what)
    for r in required:
        if r not in cols:
            _fail(f"add_{what}: column {r!r} is required")
    _length(cols, what)
    out = {}
    for name, values in cols.items():
        col = _python(values)
        if name in required and any(v is None for v in col):
            _fail(f"add_{what}: column {name!r} has missing values")
        out[name] = col
    return out


def ids(values: Any, name: str) -> np.ndarray:
    """Record ids as uint32 (no copy when they already are)."""
    if _is_missing(values) is not None:
        _fail(f"column {name!r} has missing values")
    arr = _numpy(values)
    if arr.dtype == np.uint32:
        return np.ascontiguousarray(arr)
    if arr.dtype.kind == "b":
        _fail(f"column {name!r} holds ids (integers), got booleans")
    if arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(np.int64)
        except (TypeError, ValueError):
            _fail(f"column {name!r} holds ids (integers), got {arr.dtype}")
    return _rapport._id_column(arr, name)


def days(values: Any, name: str = "date") -> np.ndarray:
    """Dates as int32 days since 1970-01-01, from datetime64 of any unit, date objects or ISO strings."""
    arr = _numpy(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int32)
    if arr.dtype.kind != "M":
        if arr.dtype.kind in "iuf":
            _fail(f"column {name!r} holds dates: use datetime64 values, datetime.date objects or ISO strings, "
                  f"not numbers")
        try:
            arr = np.asarray(arr, dtype="datetime64[D]")
        except (TypeError, ValueError) as e:
            _fail(f"column {name!r}: not a date: {e}")
    unit, count = np.datetime_data(arr.dtype)
    per_day = _UNITS_PER_DAY.get(unit)
    if per_day is None or per_day % count:
        arr, per_day, count = arr.astype("datetime64[D]"), 1, 1
    return _rapport._day_column(np.ascontiguousarray(arr).view(np.int64), per_day // count, name)


def codes(values: Any, names: list[str], name: str) -> np.ndarray:
    """An enum column (names, StrEnum members, a pandas Categorical or integer codes) as uint8 codes."""
    if _is_missing(values) is not None:
        _fail(f"column {name!r} has missing values")
    cat = getattr(values, "cat", None)
    if cat is not None:  # a categorical Series: map its categories once, then its codes
        cats = [str(c) for c in cat.categories]
        unknown = [c for c in cats if c not in names]
        if unknown:
            _fail(f"column {name!r}: unknown value {unknown[0]!r} (expected one of: {', '.join(names)})")
        table = np.array([names.index(c) for c in cats], dtype=np.uint8)
        return table[np.asarray(cat.codes)]
    arr = _numpy(values)
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < 0 or arr.max() >= len(names)):
            _fail(f"column {name!r}: invalid code {arr[(arr < 0) | (arr >= len(names))][0]} "
                  f"(expected 0-{len(names) - 1})")
        return arr.astype(np.uint8)
    arr = arr.astype(str)
    uniq, inverse = np.unique(arr, return_inverse=True)
    table = np.empty(len(uniq), dtype=np.uint8)
    for i, u in enumerate(uniq):
        if u not in names:
            _fail(f"column {name!r}: unknown value {u!r} (expected one of: {', '.join(names)})")
        table[i] = names.index(u)
    return table[inverse]


def scores(values: Any, name: str) -> np.ndarray:
    """Scores as uint8 with 255 for none. Missing values are NaN, None or <NA>; a uint8 array may use
    255 itself (the core's own marker, as ``Conversations.columns()`` returns it)."""
    arr = _numpy(values)
    if arr.dtype == np.uint8 and not hasattr(getattr(values, "array", None), "_mask"):
        return np.ascontiguousarray(arr)
    if arr.dtype.kind == "b":
        _fail(f"column {name!r} holds scores (integers), got booleans")
    masked = getattr(values, "array", None)
    if masked is not None and hasattr(masked, "_mask") and hasattr(masked, "_data"):
        # A pandas nullable integer or float column: its values and its mask, without a copy.
        return _rapport._score_column(masked._data, masked._mask, name)
    if arr.dtype.kind == "O":
        mask = np.array([v is None or (isinstance(v, float) and v != v) or v is getattr(pandas(), "NA", None)
                         for v in arr], dtype=bool)
        try:
            arr = np.where(mask, 0, arr).astype(np.float64)
        except (TypeError, ValueError):
            _fail(f"column {name!r} holds scores (integers), got {arr.dtype}")
        return _rapport._score_column(arr, mask, name)
    if arr.dtype.kind not in "iuf":
        _fail(f"column {name!r} holds scores (integers), got {arr.dtype}")
    return _rapport._score_column(arr, None, name)


def _relationships_by_parties(org: Any, cols: Mapping[str, Any], n: int) -> np.ndarray:
    """Relationship ids looked up from provider / recipient (ids or keys) and an optional bond."""
    pd = pandas()
    bond_names = [m.value for m in _rapport.Bond]
    rels = org.relationships.to_frame()
    units = org.units.to_frame()
    key_to_id = pd.Series(units.index.to_numpy(), index=units["key"].to_numpy())

    def unit_ids(values: Any, name: str) -> np.ndarray:
        arr = _numpy(values)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
        s = pd.Series(arr.astype(str))
        found = s.map(key_to_id)
        if found.isna().any():
            raise _rapport.NotFound(f"column {name!r}: unknown unit key {s[found.isna()].iloc[0]!r}")
        return found.to_numpy().astype(np.int64)

    prov = unit_ids(cols["provider"], "provider")
    reci = unit_ids(cols["recipient"], "recipient")
    bond = codes(cols["bond"], bond_names, "bond") if "bond" in cols else np.zeros(n, np.uint8)
    # Cooperations are symmetric: look them up under (min, max).
    coop = bond == 1
    lo, hi = np.where(coop, np.minimum(prov, reci), prov), np.where(coop, np.maximum(prov, reci), reci)
    rcoop = rels["bond"].to_numpy() == "cooperation"
    rp, rr = rels["provider"].to_numpy().astype(np.int64), rels["recipient"].to_numpy().astype(np.int64)
    rlo, rhi = np.where(rcoop, np.minimum(rp, rr), rp), np.where(rcoop, np.maximum(rp, rr), rr)
    rb = np.array([bond_names.index(str(b)) for b in rels["bond"]], dtype=np.int64)
    index = pd.MultiIndex.from_arrays([rlo, rhi, rb])
    pos = index.get_indexer(pd.MultiIndex.from_arrays([lo, hi, bond.astype(np.int64)]))
    if np.any(pos < 0):
        i = int(np.flatnonzero(pos < 0)[0])
        raise _rapport.NotFound(f"conversation row {i}: no {bond_names[bond[i]]} relationship "
                                f"from unit {prov[i]} to unit {reci[i]}")
    return rels.index.to_numpy()[pos].astype(np.uint32)


def guide_ids(org: Any, values: Any) -> np.ndarray:
    arr = _numpy(values)
    if arr.dtype.kind in "iuf":
        return ids(values, "guide")
    keys = {g.key: g.id for g in org.guides}
    uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
    table = np.empty(len(uniq), dtype=np.uint32)
    for i, u in enumerate(uniq):
        if u not in keys:
            raise _rapport.NotFound(f"column 'guide': unknown guide key {u!r}")
        table[i] = keys[u]
    return table[inverse]


def conversation_columns(org: Any, data: Any, kw: Mapping[str, Any]) -> tuple:
    """(relationship uint32, date int32, kind uint8, guide uint32, score uint8, self_assessment uint8|None)."""
    cols = gather(data, kw, "conversations")
    _check_names(cols, _CONVERSATION_COLUMNS, "conversations")
    n = _length(cols, "conversations")
    if "relationship" in cols:
        if "provider" in cols or "recipient" in cols or "bond" in cols:
            _fail("add_conversations: give `relationship`, or `provider` and `recipient` (and `bond`), not both")
        rel = ids(cols["relationship"], "relationship")
    elif "provider" in cols and "recipient" in cols:
        rel = _relationships_by_parties(org, cols, n)
    else:
        _fail("add_conversations: column 'relationship' (or 'provider' and 'recipient') is required")
    if "date" not in cols:
        _fail("add_conversations: column 'date' is required")
    date = days(cols["date"])
    kind = codes(cols["kind"], _KIND_NAMES, "kind") if "kind" in cols else np.zeros(n, dtype=np.uint8)
    guide = guide_ids(org, cols["guide"]) if "guide" in cols else _DEFAULT_GUIDE[kind]
    score = scores(cols["score"], "score") if "score" in cols else np.full(n, _NO_SCORE, dtype=np.uint8)
    self_assessment = scores(cols["self_assessment"], "self_assessment") if "self_assessment" in cols else None
    return (np.ascontiguousarray(rel, dtype=np.uint32), np.ascontiguousarray(date, dtype=np.int32),
            np.ascontiguousarray(kind, dtype=np.uint8), np.ascontiguousarray(guide, dtype=np.uint32),
            np.ascontiguousarray(score, dtype=np.uint8),
            None if self_assessment is None else np.ascontiguousarray(self_assessment, dtype=np.uint8))
