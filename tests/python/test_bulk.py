"""Bulk in (DataFrame, dict of columns, NumPy arrays, keywords) and bulk out (frames and columns)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import rapport

from conftest import big_org

import pandas as pd


@pytest.fixture
def two() -> tuple[rapport.Organisation, rapport.Relationship, rapport.Relationship]:
    o = rapport.Organisation()
    o.add_units(key=["co", "a", "b", "c"], kind=["company", "team", "team", "team"], parent=[None, "co", "co", "co"])
    r1 = o.add_relationship("a", "b", label="reports")
    r2 = o.add_relationship("b", "c", "cooperation")
    return o, r1, r2


def test_from_dataframe(two) -> None:
    o, r1, r2 = two
    df = pd.DataFrame({
        "relationship": [r1.id, r1.id, r2.id],
        "date": pd.to_datetime(["2025-01-05", "2025-06-01", "2025-03-03"]),
        "kind": pd.Categorical(["customer_review", "customer_review", "cooperation_review"]),
        "score": [7.0, np.nan, 9.0],
        "self_assessment": pd.array([8, None, 9], dtype="Int64"),
    })
    ids = o.add_conversations(df)
    assert ids == range(0, 3)
    out = o.conversations.to_frame().sort_index()
    assert list(out["date"].dt.date) == [dt.date(2025, 1, 5), dt.date(2025, 6, 1), dt.date(2025, 3, 3)]
    assert out["score"].tolist() == [7, pd.NA, 9] or (out["score"].isna().tolist() == [False, True, False])
    assert out["self_assessment"].isna().tolist() == [False, True, False]
    assert list(out["kind"]) == ["customer_review", "customer_review", "cooperation_review"]
    assert list(out["guide"]) == [0, 0, 1]  # default guide by kind
    assert o.conversation(2).self_assessment == 9


def test_from_numpy_columns_and_keywords(two) -> None:
    o, r1, r2 = two
    cols = {
        "relationship": np.array([r1.id, r2.id], dtype=np.uint32),
        "date": np.array(["2025-01-01", "2025-01-02"], dtype="datetime64[D]"),
        "kind": np.array([0, 1], dtype=np.uint8),
        "guide": np.array([0, 1], dtype=np.uint32),
        "score": np.array([5, 255], dtype=np.uint8),  # 255: the core's "no score"
    }
    assert o.add_conversations(cols) == range(0, 2)
    assert o.add_conversations(**cols) == range(2, 4)
    assert o.conversation(1).score is None and o.conversation(0).score == 5
    # Other spellings: dates as objects and strings, kinds and guides by name, scores as lists with None.
    o.add_conversations(relationship=[r1.id], date=[dt.date(2025, 2, 2)], kind=["ad_hoc"], guide=["customer_review"],
                        score=[None])
    o.add_conversations(relationship=[r1.id], date=["2025-02-03"], kind=[rapport.ConversationKind.RETENTION])
    assert o.conversation(4).kind == "ad_hoc" and o.conversation(4).score is None
    assert o.conversation(5).kind == "retention" and o.conversation(5).guide == 2
    # A structured array works too.
    rec = np.array([(r1.id, np.datetime64("2025-03-01"), 3)], dtype=[("relationship", "u4"), ("date", "M8[D]"), ("score", "i8")])
    assert o.add_conversations(rec) == range(6, 7)


def test_by_provider_and_recipient(two) -> None:
    o, r1, r2 = two
    o.add_conversations(pd.DataFrame({"provider": ["a", "c"], "recipient": ["b", "b"], "bond": ["service", "cooperation"],
                                      "date": ["2025-01-01", "2025-01-02"], "score": [4, 6]}))
    assert [o.conversation(i).relationship for i in (0, 1)] == [r1.id, r2.id]  # cooperation either way round
    with pytest.raises(rapport.NotFound, match="no service relationship"):
        o.add_conversations(provider=["b"], recipient=["a"], date=["2025-01-01"])
    with pytest.raises(rapport.NotFound, match="unknown unit key 'zz'"):
        o.add_conversations(provider=["zz"], recipient=["a"], date=["2025-01-01"])


@pytest.mark.parametrize("columns, error, match", [
    ({"score": [11]}, rapport.ValidationError, "outside the guide's scale"),
    ({"score": [300]}, rapport.ValidationError, "outside every scale"),
    ({"score": [-1]}, rapport.ValidationError, "outside every scale"),
    ({"score": [7.5]}, rapport.ValidationError, "whole numbers"),
    ({"kind": ["chat"]}, rapport.ValidationError, "unknown value 'chat'"),
    ({"kind": [9]}, rapport.ValidationError, "invalid code"),
    ({"guide": ["nope"]}, rapport.NotFound, "unknown guide key"),
    ({"guide": [77]}, rapport.ValidationError, "unknown guide id 77"),
    ({"relationship": [99]}, rapport.ValidationError, "unknown relationship id 99"),
    ({"relationship": [-1]}, rapport.NotFound, "unknown id -1"),
    ({"date": [20250101]}, rapport.ValidationError, "out of range"),
    ({"date": ["yesterday"]}, rapport.ValidationError, "not a date"),
    ({"date": [np.datetime64("NaT")]}, rapport.ValidationError, "NaT"),
    ({"colour": ["red"]}, rapport.ValidationError, "unknown column"),
])
def test_validation_is_all_or_nothing(two, columns, error, match) -> None:
    o, r1, _ = two
    base = {"relationship": [r1.id, r1.id], "date": ["2025-01-01", "2025-01-02"], "score": [5, 6]}
    for name, value in columns.items():
        base[name] = [base[name][0], value[0]] if name in base else [value[0], value[0]]
    with pytest.raises(error, match=match):
        o.add_conversations(base)
    assert len(o.conversations) == 0


def test_shape_errors(two) -> None:
    o, r1, _ = two
    with pytest.raises(rapport.ValidationError, match="differ in length"):
        o.add_conversations(relationship=[r1.id, r1.id], date=["2025-01-01"])
    with pytest.raises(rapport.ValidationError, match="'date' is required"):
        o.add_conversations(relationship=[r1.id])
    with pytest.raises(TypeError, match="not both"):
        o.add_conversations({"relationship": [r1.id]}, date=["2025-01-01"])
    with pytest.raises(TypeError):
        o.add_conversations([1, 2, 3])
    with pytest.raises(rapport.ValidationError, match="not numbers"):
        o.add_conversations(relationship=[r1.id], date=[20250101])
    with pytest.raises(rapport.ValidationError, match="booleans"):
        o.add_conversations(relationship=[r1.id], date=["2025-01-01"], score=np.array([True]))
    assert o.add_conversations(relationship=[], date=[]) == range(0, 0)


def test_zero_copy_input(two) -> None:
    """uint32 / int32-ready columns go to the core without a Python-side copy."""
    from rapport import _bulk

    rel = np.zeros(10, dtype=np.uint32)
    assert _bulk.ids(rel, "relationship") is rel or np.shares_memory(_bulk.ids(rel, "relationship"), rel)
    s = pd.Series(np.arange(10, dtype=np.uint32))
    assert np.shares_memory(_bulk.ids(s, "relationship"), s.to_numpy())
    sc = np.full(10, 3, dtype=np.uint8)
    assert np.shares_memory(_bulk.scores(sc, "score"), sc)


def test_units_and_relationships_in_bulk() -> None:
    o = rapport.Organisation()
    ids = o.add_units(pd.DataFrame({"key": ["co", "hr", "pay"], "name": ["Co", "HR", None],
                                    "kind": ["company", "department", "team"], "parent": [None, "co", "hr"]}))
    assert list(ids) == [0, 1, 2] and o.unit("pay").parent == 1 and o.unit("pay").name == "pay"
    rels = o.add_relationships(provider=["pay", "hr"], recipient=["hr", "pay"], bond=["service", "leadership"],
                               label=["payroll", None])
    assert list(rels) == [0, 1] and o.relationship(1).bond == "leadership" and o.relationship(1).label == ""
    # All or nothing, with the row named.
    with pytest.raises(rapport.NotFound, match="units row 1: unknown unit key 'nope'"):
        o.add_units(key=["x", "y"], parent=["co", "nope"])
    assert "x" not in o.units and len(o.units) == 3
    with pytest.raises(rapport.DuplicateError, match="relationships row 1"):
        o.add_relationships(provider=["co", "pay"], recipient=["hr", "hr"])
    assert len(o.relationships) == 2
    # Ids with gaps come as floats with NaN from pandas.
    ids = o.add_units(pd.DataFrame({"key": ["t1", "t2"], "parent": [np.nan, 1.0]}))
    assert o.unit("t1").parent is None and o.unit("t2").parent == 1
    with pytest.raises(rapport.ValidationError, match="'key' is required"):
        o.add_units(name=["x"])
    with pytest.raises(rapport.ValidationError, match="missing values"):
        o.add_units(key=["x", None])


def test_frames_and_columns_round_trip() -> None:
    o = big_org(20_000, relationships=50)
    frame = o.conversations.to_frame()
    assert len(frame) == 20_000 and frame.index.name == "id"
    assert frame["score"].dtype == "UInt8" and str(frame["kind"].dtype) == "category"
    cols = o.conversations.columns()
    assert cols["date"].dtype == np.dtype("datetime64[D]") and cols["score"].dtype == np.uint8
    # What columns() gives, add_conversations takes back: a copy of the store.
    o2 = rapport.Organisation()
    o2.add_units(o.units.to_frame().reset_index()[["key", "kind"]])
    o2.add_relationships(provider=o.relationships.to_frame()["provider_key"], recipient=o.relationships.to_frame()["recipient_key"])
    o2.add_conversations({k: v for k, v in cols.items() if k != "id"})
    assert o2.conversations.to_frame().reset_index(drop=True).equals(frame.reset_index(drop=True))


def test_select() -> None:
    o = big_org(5_000, relationships=20)
    everything = o.conversations.to_frame()
    u = o.unit("u0")
    rel = o.find_relationship("u0", "u1")
    by_unit = o.conversations.select(unit=u)
    assert set(by_unit["relationship"]) == {rel.id}
    assert len(o.conversations.select(unit="u0", side="input")) == 0
    assert len(o.conversations.select(unit="u1", side="input")) == len(by_unit)
    p = o.conversations.select(period=2025, scored=True, relationship=rel)
    assert (p["date"].dt.year == 2025).all() and len(p) == ((everything["relationship"] == rel.id) & (everything["date"].dt.year == 2025)).sum()
    assert len(o.conversations.select(kind="retention")) == 0
    assert len(o.conversations.select(bond="service", guide="customer_review")) == 5_000
    assert len(o.conversations.select(period=("2024-01-01", "2024-02-01"))) == (everything["date"] < "2024-02-01").sum()
    with pytest.raises(rapport.ValidationError, match="needs a `unit`"):
        o.conversations.select(side="input")
    with pytest.raises(rapport.ValidationError, match="before it begins"):
        o.conversations.select(period=("2025-01-01", "2024-01-01"))
    with pytest.raises(rapport.NotFound):
        o.conversations.select(unit="nobody")
