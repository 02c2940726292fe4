"""The score bindings: every score, its None / NaN semantics, explanations, privacy, the batch forms as
DataFrames sharing memory with the core's results, and their agreement with the one-at-a-time scores."""
from __future__ import annotations

import datetime as dt
import gc
import math

import numpy as np
import pytest

import rapport

from rapport import score

import pandas as pd


@pytest.fixture
def shop() -> rapport.Organisation:
    """A provider with six customers who gave 10, 9, 8, 7, 6 and 0 in 2025 (self-assessment 9 each),
    and 5, 5, 5, 5, 5, 5 in 2024."""
    o = rapport.Organisation()
    o.add_unit("co", kind="company")
    o.add_unit("p", "Provider", kind="team", parent="co")
    for i in range(6):
        o.add_unit(f"c{i}", f"Customer {i}", kind="customer")
        r = o.add_relationship("p", f"c{i}", label="supply")
        o.add_conversation(r, dt.date(2024, 3, 1), score=5)
        o.add_conversation(r, dt.date(2025, 3, 1), score=[10, 9, 8, 7, 6, 0][i], self_assessment=9,
                           answers={"better": f"answer {i}"})
    return o


def test_satisfaction(shop: rapport.Organisation) -> None:
    s = score.satisfaction(shop, unit="p", period=2025)
    assert s.ok and s.status == "ok" and s.n == 6 and s.respondents == 6
    assert s.mean == pytest.approx(40 / 6) and s.scale == rapport.Scale(0, 10)
    assert s.sd == pytest.approx(np.std([10, 9, 8, 7, 6, 0]))
    assert s.mean_normalised == pytest.approx(400 / 6)
    assert s.distribution[10] == 1 and s.distribution[5] == 0 and sum(s.distribution.values()) == 6
    assert repr(s).startswith("SatisfactionStats(status='ok', n=6, respondents=6, mean=6.667")
    # Explained: each conversation's share adds up to the normalised mean.
    e = score.satisfaction(shop, unit="p", period=2025, explain=True)
    frame = e.records_frame()
    assert len(e.records) == 6 and set(frame["kind"]) == {"conversation"}
    assert frame["contribution"].sum() == pytest.approx(e.mean_normalised)
    # Suppressed below the minimum group size: the values are None, not 0.
    small = score.satisfaction(shop, unit="p", period=2025, min_group=7)
    assert small.status == rapport.Status.SUPPRESSED and not small.ok
    assert small.mean is None and small.mean_normalised is None and small.distribution is None
    # One relationship is a named one-to-one score: never suppressed.
    r = shop.find_relationship("p", "c0")
    assert score.satisfaction(shop, relationship=r, period=2025, min_group=7).mean == 10
    assert score.satisfaction(shop, unit="p", period=2023).status == "no_data"
    by_year = score.satisfaction_by_year(shop, 2023, 2025, unit="p")
    assert list(by_year.index) == [2023, 2024, 2025] and by_year.loc[2024, "mean"] == 5
    assert math.isnan(by_year.loc[2023, "mean"]) and by_year.loc[2023, "status"] == "no_data"


def test_scope_keywords(shop: rapport.Organisation) -> None:
    assert score.satisfaction(shop).n == 12
    assert score.satisfaction(shop, subtree="co").n == 12
    assert score.satisfaction(shop, unit="p", side="output").n == 12
    assert score.satisfaction(shop, unit="p", side="input").status == "no_data"
    assert score.satisfaction(shop, kinds=["retention"]).status == "no_data"
    assert score.satisfaction(shop, kinds="reviews", bonds="service", guide="customer_review").n == 12
    assert score.satisfaction(shop, bonds=["leadership", "cooperation"]).status == "no_data"
    assert score.satisfaction(shop, unit="p", period=("2024-01-01", "2024-12-31")).n == 6
    with pytest.raises(rapport.ValidationError, match="one scope"):
        score.satisfaction(shop, unit="p", subtree="co")
    with pytest.raises(rapport.ValidationError, match="give unit= too"):
        score.satisfaction(shop, side="input")
    with pytest.raises(rapport.NotFound):
        score.satisfaction(shop, unit="nobody")
    with pytest.raises(rapport.NotFound):
        score.satisfaction(shop, relationship=999)
    with pytest.raises(rapport.ValidationError, match="never below 3|below 3"):
        score.satisfaction(shop, unit="p", min_group=2)
    with pytest.raises(TypeError):
        score.satisfaction(shop, "p")  # keywords only


def test_nps_and_csat(shop: rapport.Organisation) -> None:
    n = score.nps(shop, unit="p", period=2025)
    assert (n.promoters, n.passives, n.detractors) == (2, 2, 2) and n.nps == 0
    assert n.se == pytest.approx(100 * math.sqrt((4 / 6) / 6))
    assert score.nps(shop, unit="p", period=2025, preset="cultureiq").detractors == 1
    assert score.nps(shop, unit="p", period=2025, min_group=7).nps is None
    assert score.nps_of_scores([10, 9, 8, 7, 6, 0]).nps == 0
    assert score.nps_of_counts(3, 1, 0).nps == 75
    with pytest.raises(rapport.ValidationError):
        score.nps_of_scores([11])
    c = score.csat(shop, unit="p", period=2025)
    assert c.value == pytest.approx(100 * 2 / 6)  # top two boxes of 0-10: 9 and 10
    assert score.csat(shop, unit="p", period=2025, preset="mean").value == pytest.approx(40 / 6)
    # A 1-5 guide: never fed into NPS.
    g = shop.add_guide("pulse", scale=(1, 5))
    r = shop.find_relationship("p", "c0")
    shop.add_conversation(r, "2025-06-01", guide=g, score=4)
    with pytest.raises(rapport.ValidationError):
        score.nps(shop, relationship=r, guide="pulse")
    assert score.csat(shop, relationship=r, guide="pulse").value == 100


def test_trend(shop: rapport.Organisation) -> None:
    t = score.trend(shop, 2024, 2025, unit="p")
    assert t.ok and t.delta == pytest.approx(400 / 6 - 50) and t.delta_scale == pytest.approx(40 / 6 - 5)
    assert t.before.mean == 5 and t.after.n == 6 and t.se is not None
    assert score.year_over_year(shop, 2025, unit="p").delta == pytest.approx(t.delta)
    e = score.trend(shop, rapport.Period(2024), rapport.Period(2025), unit="p", explain=True)
    assert e.records_frame()["contribution"].sum() == pytest.approx(e.delta)
    assert score.trend(shop, 2022, 2023, unit="p").delta is None


def test_coverage_and_reliability(shop: rapport.Organisation) -> None:
    c = score.coverage(shop, "2025-12-31", unit="p")
    assert c.ok and c.relationships == 6 and c.covered == 6 and c.share == 1 and len(c.overdue) == 0
    late = score.coverage(shop, "2026-06-01", unit="p")
    assert late.share == 0 and list(late.overdue["days_since_last"]) == [457] * 6
    assert late.overdue["last"].iloc[0] == pd.Timestamp("2025-03-01")
    assert score.coverage(shop, unit="p").share == 1  # as of the latest conversation date
    conv = shop.conversations.select(relationship=shop.find_relationship("p", "c0"), period=2025).index[0]
    a1 = shop.add_agreement(int(conv), "p", "Weekly report", "2025-06-01")
    a2 = shop.add_agreement(int(conv), "p", "Faster delivery", "2025-07-01")
    shop.add_agreement(int(conv), "p", "Visit", "2025-08-01")
    shop.close_agreement(a1, "kept", "2025-05-30")
    shop.close_agreement(a2, "broken", "2025-07-02")
    r = score.reliability(shop, 2025, "2025-12-31", unit="p")
    assert r.ok and r.reliability == 0.5 and r.on_time_share == 0.5
    assert (r.counts.kept, r.counts.broken, r.counts.open, r.counts.open_overdue) == (1, 1, 1, 1)
    assert score.reliability(shop, 2024, "2025-12-31", unit="p").reliability is None


def test_perception(shop: rapport.Organisation) -> None:
    g = score.perception_gap(shop, unit="p", period=2025)
    assert g.ok and g.self_mean == 90 and g.others_mean == pytest.approx(400 / 6)
    assert g.gap == pytest.approx(90 - 400 / 6) and g.kind == "none" and not g.significant
    assert score.classify_gap(40) == rapport.GapKind.BLIND_SPOT and score.classify_gap(-40) == "hidden_strength"
    spots = score.significant_gaps(shop, period=2025)
    assert list(spots.relationships["provider_key"]) == ["p"]  # 9 against 0: a blind spot
    assert spots.relationships["kind"].iloc[0] == "blind_spot" and len(spots.units) == 0
    # Reciprocity: c0 also serves p.
    back = shop.add_relationship("c0", "p", label="feedback")
    shop.add_conversation(back, "2025-04-01", score=6)
    rec = score.reciprocity(shop, "p", "c0")
    assert rec.ok and rec.n_a_of_b == 1 and rec.b_of_a == pytest.approx((5 + 10) / 2 * 10)
    pairs = score.reciprocal_pairs(shop)
    assert len(pairs) == 1 and pairs["difference"].iloc[0] == pytest.approx(rec.difference)


def test_health_and_retention(shop: rapport.Organisation) -> None:
    h = score.health(shop, "2025-12-31", unit="p", explain=True)
    assert h.ok and 0 <= h.health <= 100 and h.band == score.band_of(h.health)
    parts = h.to_frame()
    assert parts["contribution"].sum() == pytest.approx(h.health)
    assert list(parts["component"]) == ["satisfaction", "trend", "reliability", "recency", "complaints"]
    assert "<table" in h._repr_html_()
    heavy = score.health(shop, "2025-12-31", unit="p", weights={"satisfaction": 1, "trend": 0, "reliability": 0,
                                                                "recency": 0, "complaints": 0})
    assert heavy.health == pytest.approx(400 / 6)
    assert score.health(shop, "2025-12-31", unit="p", weights=score.HealthWeights(satisfaction=1, trend=0, reliability=0,
                                                                                  recency=0, complaints=0)).health == heavy.health
    with pytest.raises(rapport.ValidationError):
        score.HealthWeights(satisfaction=-1)
    with pytest.raises(rapport.ValidationError, match="unknown health weight"):
        score.health(shop, unit="p", weights={"mood": 1})
    table = score.health_table(shop, "2025-12-31")
    assert table.loc[shop.unit("p").id, "health"] == pytest.approx(h.health)
    rels = score.health_table(shop, "2025-12-31", of="relationships")
    assert len(rels) == 6 and set(rels["band"].dropna()) <= {"red", "yellow", "green"}

    # Leadership: p leads e1, whose ratings of the leadership fall.
    shop.add_unit("e1", "Employee", kind="person", parent="p")
    lead = shop.add_relationship("p", "e1", "leadership")
    shop.add_conversation(lead, "2024-05-01", kind="employee_review", score=8)
    c = shop.add_conversation(lead, "2025-05-01", kind="employee_review", score=3)
    a = shop.add_agreement(c, "p", "Training", "2025-09-01")
    shop.close_agreement(a, "broken", "2025-09-02")
    risk = score.retention_risk(shop, "e1", "2025-12-31", explain=True)
    assert risk.ok and 0 < risk.risk <= 1 and risk.employee == shop.unit("e1").id
    assert risk.to_frame()["contribution"].sum() == pytest.approx(risk.risk)
    assert score.retention_risk(shop, "c0", "2025-12-31").status == "no_data"
    risks = score.retention_risks(shop, "2025-12-31", salary={"e1": 60_000})
    row = risks.loc[shop.unit("e1").id]
    assert row["risk"] == pytest.approx(risk.risk)
    assert row["expected_cost_low"] == pytest.approx(risk.risk * 0.21 * 60_000)
    assert score.retention_risks(shop, "2025-12-31", salary=50_000, preset="half_to_double")["replacement_high"].iloc[0] == 100_000
    cost = score.expected_cost_of_loss(0.5, 60_000, "percent_21")
    assert cost.expected_low == cost.expected_high == pytest.approx(6300)
    rr = score.replacement_range("months_6_to_9")
    assert (rr.low, rr.high) == (0.5, 0.75) and rr.citation
    with pytest.raises(rapport.ValidationError):
        score.expected_cost_of_loss(1.5, 60_000)


def test_local_optimiser(shop: rapport.Organisation) -> None:
    # p serves its payer (co) very well and its peers poorly.
    pay = shop.add_relationship("p", "co", label="results")
    for year in (2024, 2025):
        shop.add_conversation(pay, f"{year}-02-01", score=10)
    lo = score.local_optimiser(shop, "p")
    assert lo.ok and lo.payer_mean == 100 and lo.index == pytest.approx(100 - lo.fabric_mean)
    batch = score.local_optimisers(shop)
    row = batch.loc[shop.unit("p").id]
    assert row["index"] == pytest.approx(lo.index) and bool(row["flagged"]) == lo.flagged
    assert batch["flagged"].dtype == bool
    assert score.local_optimiser(shop, "c0").index is None


def test_servqual() -> None:
    o = rapport.Organisation()
    o.add_units(key=["it", "u1"])
    r = o.add_relationship("it", "u1")
    g = score.add_servqual_guide(o)
    assert g.scale == rapport.Scale(1, 7) and "reliability.perception" in [q.key for q in g.questions]
    o.add_conversation(r, "2025-01-01", guide=g, score=None,
                       answers={"reliability.expectation": "7", "reliability.perception": "5", "empathy.perception": "6"})
    res = score.servqual(o, relationship=r)
    assert res.ok and res.mode == "gap"
    frame = res.to_frame().set_index("dimension")
    assert frame.loc["reliability", "value"] == -2 and frame.loc["empathy", "status"] == "no_data"
    perf = score.servqual(o, relationship=r, mode="perceptions_only")
    assert {d.dimension: d.value for d in perf.dimensions if d.ok} == {"reliability": 5, "empathy": 6}
    assert score.parse_servqual_key("reliability.on_time.perception") == {
        "dimension": "reliability", "item": "on_time", "perception": True}
    assert score.parse_servqual_key("better") is None


def test_privacy(shop: rapport.Organisation) -> None:
    plan = score.plan_suppression(shop, period=2025)
    assert plan.unit("p") == "ok" and plan.organisation() == "ok"
    assert score.plan_suppression(shop, period=2025, min_group=7).unit("p") == "suppressed"
    assert plan.status(unit="p") == plan.unit("p") and "unit_report" in plan.to_frame().columns
    t = score.free_text(shop, "better", unit="p", period=2025)
    assert t.status == "suppressed" and len(t) == 0  # six respondents, free text needs ten
    t = score.free_text(shop, "better", unit="p", period=2025, min_group_text=5)
    assert t.ok and sorted(t) == [f"answer {i}" for i in range(6)] and len(t.conversations) == 6


def values(column: "pd.Series") -> np.ndarray:
    """A column's own buffer: for a nullable integer column (IntegerArray) its data array."""
    arr = column.array
    return arr._data if hasattr(arr, "_mask") else column.to_numpy()


def chain_owner(arr: np.ndarray) -> object:
    while isinstance(arr, np.ndarray):
        arr = arr.base
    return arr


def chain_reaches(arr: np.ndarray, owner: object) -> bool:
    while isinstance(arr, np.ndarray):
        arr = arr.base
    return arr is owner


def test_batch_frames_share_memory_with_the_core(shop: rapport.Organisation) -> None:
    df = score.unit_scores(shop, period=2025)
    owner = chain_owner(df["n"].to_numpy())
    assert type(owner).__name__ == "ScoreColumns" and len(owner) == len(shop.units)
    assert isinstance(df, pd.DataFrame) and isinstance(df, rapport.ScoreFrame)
    import pickle
    again = pickle.loads(pickle.dumps(df))  # a copy, but a faithful one
    assert type(again) is rapport.ScoreFrame and again.equals(df)
    for col in ("n", "respondents", "mean", "sd", "mean_normalised", "promoters", "nps", "nps_se"):
        arr = df[col].to_numpy()
        assert chain_reaches(arr, owner), col
        assert not arr.flags.owndata
    # The arrays keep the result alive after the frame is gone.
    mean = df["mean"].to_numpy()
    del df, owner
    gc.collect()
    assert mean[1] == pytest.approx(40 / 6)
    # Rows that are not ok are NaN, not the core's 0.
    df = score.unit_scores(shop, period=2025)
    assert df.loc[shop.unit("p").id, "nps"] == 0 and math.isnan(df.loc[shop.unit("c0").id, "mean"])
    assert df.loc[shop.unit("c0").id, "status"] == "no_data"
    assert df.loc[shop.unit("p").id, "key"] == "p" and df.index.name == "unit"
    assert "<table" in df._repr_html_()
    for frame in (score.subtree_scores(shop), score.relationship_scores(shop), score.latest_scores(shop),
                  score.unit_years(shop, 2024, 2025), score.local_optimisers(shop)):
        owner = chain_owner(values(frame[[c for c in frame.columns if frame[c].dtype.kind == "f"][0]]))
        assert type(owner).__name__.endswith("Columns"), owner
        # Everything the core computed is shared; the labels added for reading (keys, names, the provider
        # and recipient of a relationship) are copies.
        numeric = [c for c in frame.columns if frame[c].dtype.kind in "fiu" and c not in ("provider", "recipient")]
        assert numeric and all(chain_reaches(values(frame[c]), owner) for c in numeric), type(owner)


def test_batch_agrees_with_single_scores(shop: rapport.Organisation) -> None:
    units = score.unit_scores(shop, period=2025)
    single = score.satisfaction(shop, unit="p", period=2025)
    p = shop.unit("p").id
    assert units.loc[p, "n"] == single.n and units.loc[p, "mean"] == pytest.approx(single.mean)
    assert units.loc[p, "nps"] == pytest.approx(score.nps(shop, unit="p", period=2025).nps)
    rels = score.relationship_scores(shop, period=2025)
    r = shop.find_relationship("p", "c5")
    assert rels.loc[r.id, "mean"] == 0 and rels.loc[r.id, "provider_key"] == "p"
    latest = score.latest_scores(shop)
    assert latest.loc[r.id, "date"] == pd.Timestamp("2025-03-01") and latest.loc[r.id, "score"] == 0
    years = score.unit_years(shop, 2024, 2025).set_index(["key", "year"])
    assert years.loc[("p", 2025), "delta"] == pytest.approx(score.trend(shop, 2024, 2025, unit="p").delta_scale)
    assert math.isnan(years.loc[("p", 2024), "delta"])
    subtrees = score.subtree_scores(shop, period=2025)
    assert subtrees.loc[shop.unit("co").id, "n"] == 6
    # A 1-5 batch counts only 1-5 answers; the 0-10 ones are skipped and counted.
    five = score.unit_scores(shop, scale=(1, 5))
    assert five.attrs["skipped_other_scale"] == 12 and "nps" not in five.columns


def test_batch_label_columns(shop: rapport.Organisation) -> None:
    """Keys and names are text columns (object dtype) with one string per unit, shared by its rows, and
    None on rows whose id names nothing."""
    org = shop.copy()
    gone = org.add_relationship("p", org.add_unit("short-lived"), "service")
    org.remove_relationship(gone)
    wide = org.add_unit("a-longer-key")  # longer than one character: CPython caches those
    for recipient in ("p", "co"):
        org.add_relationship(wide, recipient, "service")
    units = org.units.to_frame()
    key_of = dict(zip(units.index, units["key"]))
    for frame in (score.latest_scores(org), score.relationship_scores(org)):
        rels = org.relationships.to_frame()
        assert frame["provider_key"].dtype == object and frame["recipient_key"].dtype == object
        for rid, row in rels.iterrows():
            assert frame.loc[rid, "provider_key"] == key_of[row["provider"]]
            assert frame.loc[rid, "recipient_key"] == key_of[row["recipient"]]
            assert frame.loc[rid, "bond"] == row["bond"]
        assert frame.loc[gone.id, "provider_key"] is None and pd.isna(frame.loc[gone.id, "provider"])
        provided = frame[frame["provider_key"] == "a-longer-key"]["provider_key"]
        assert len(provided) == 2 and provided.iloc[0] is provided.iloc[1]
    years = score.unit_years(org, 2024, 2025)
    assert list(years["key"]) == [key_of.get(u) for u in years["unit"]]
    frame = score.unit_scores(org)
    assert frame.loc[shop.unit("p").id, "name"] == shop.unit("p").name and frame["name"].dtype == object
    assert org.relationships.to_frame()["provider_key"].tolist() == [key_of[u] for u in org.relationships.to_frame()["provider"]]


def test_batch_label_strings_are_kept_while_the_units_stay(shop: rapport.Organisation) -> None:
    """Each handle keeps the strings of its units' keys and names between calls, and makes them anew
    once a unit is added, renamed or removed."""
    org = shop.copy()
    p = org.unit("p").id
    first, again = score.unit_scores(org), score.unit_scores(org)
    assert first.loc[p, "name"] is again.loc[p, "name"]  # the same string object: kept
    org.update_unit("p", name="Provider renamed")
    renamed = score.unit_scores(org)
    assert renamed.loc[p, "name"] == "Provider renamed" and first.loc[p, "name"] == "Provider"
    newcomer = org.add_unit("newcomer", "Newcomer")
    rel = org.add_relationship("p", newcomer, "service")
    assert score.unit_scores(org).loc[newcomer.id, "key"] == "newcomer"
    assert score.latest_scores(org).loc[rel.id, "recipient_key"] == "newcomer"
    org.remove_relationship(rel)
    org.remove_unit(newcomer)
    assert newcomer.id not in score.unit_scores(org).dropna(subset=["key"]).index
    years = score.unit_years(org, 2024, 2025)
    assert set(years.loc[years["unit"] == p, "key"]) == {"p"}


def test_batch_columns_have_masks_of_their_own(shop: rapport.Organisation) -> None:
    """Setting a value missing in one nullable column leaves the others alone (pandas writes a column's
    mask in place, so two columns must never share one); dates arrive as datetime64[ns], NaT where
    there is none."""
    org = shop.copy()
    gone = org.add_relationship("p", org.add_unit("short-lived"), "service")
    org.remove_relationship(gone)
    latest = score.latest_scores(org)
    assert latest["date"].dtype == "datetime64[ns]" and pd.isna(latest.loc[gone.id, "date"])
    convs = org.conversations.to_frame()
    rid = latest.index[latest["status"] == "ok"][0]
    last = convs[(convs["relationship"] == rid) & convs["score"].notna()].reset_index().sort_values(["date", "id"]).iloc[-1]
    assert latest.loc[rid, "date"] == last["date"] and latest.loc[rid, "score"] == last["score"]
    latest.loc[rid, "conversation"] = pd.NA
    assert pd.notna(latest.loc[rid, "score"]) and pd.notna(latest.loc[rid, "date"])
    rels = score.relationship_scores(org)
    first = rels.index[0]
    rels.loc[first, "provider"] = pd.NA
    assert pd.notna(rels.loc[first, "recipient"])


def test_batch_scores_follow_relationship_changes(shop: rapport.Organisation) -> None:
    """The index the batch scores keep per organisation is rebuilt when relationships change."""
    org = shop.copy()
    before = score.relationship_scores(org)
    newcomer = org.add_unit("newcomer")
    rel = org.add_relationship("p", newcomer, "service")
    org.add_conversation(rel, "2025-05-01", score=9)
    after = score.relationship_scores(org)
    assert len(after) == len(before) + 1 and after.loc[rel.id, "mean"] == 9
    assert after.loc[rel.id, "recipient_key"] == "newcomer"
    assert score.latest_scores(org).loc[rel.id, "score"] == 9
    org.remove_conversation(org.conversations.to_frame().index[-1])
    org.remove_relationship(rel)
    assert score.latest_scores(org).loc[rel.id, "status"] == "no_data"
    assert score.unit_scores(org).loc[shop.unit("p").id, "n"] == score.unit_scores(shop).loc[shop.unit("p").id, "n"]


def test_partials_merge(shop: rapport.Organisation) -> None:
    # Two organisations with the same units and relationships, each with half the conversations.
    halves = [shop.copy(), shop.copy()]
    frame = shop.conversations.to_frame()
    for i, half in enumerate(halves):
        for cid in frame.index[i::2]:
            half.remove_conversation(int(cid))
    merged = score.unit_partial(halves[0])
    merged.merge(score.unit_partial(halves[1]))
    assert merged == score.unit_partial(shop)
    whole = score.unit_scores(shop)
    again = score.finish_units(merged, shop)
    assert again[["n", "mean", "nps"]].equals(whole[["n", "mean", "nps"]])
    assert score.finish_subtrees(merged, shop)["n"].equals(score.subtree_scores(shop)["n"])
    y = score.year_partial(halves[0], 2024, 2025)
    y.merge(score.year_partial(halves[1], 2024, 2025))
    assert score.finish_years(y, shop)["mean"].equals(score.unit_years(shop, 2024, 2025)["mean"])


def test_sample_story() -> None:
    """The bundled sample's story shows through the Python API."""
    s = rapport.sample()
    gaps = score.significant_gaps(s)
    kinds = dict(zip(gaps.units["key"], gaps.units["kind"]))
    assert kinds.get("hr") == "blind_spot"
    assert "hidden_strength" in kinds.values()
    flagged = score.local_optimisers(s).query("flagged")
    assert "sales-keyaccount" in set(flagged["key"])
    fb = s.fishbone("hr")
    assert any(b.band is not None for b in fb.bones)


def test_enums_and_reprs(shop: rapport.Organisation) -> None:
    assert [m.value for m in rapport.Status] == ["ok", "no_data", "suppressed", "suppressed_complementary"]
    assert [m.value for m in rapport.Band] == ["red", "yellow", "green"]
    assert repr(score.nps(shop, unit="p", period=2025)).startswith("NpsResult(status='ok', n=6, promoters=2")
    assert repr(score.nps(shop, unit="p", period=2030)) == "NpsResult(status='no_data', n=0)"
    assert repr(score.HealthWeights()).startswith("HealthWeights(satisfaction=0.4")
    assert "ScoreColumns" in repr(rapport._frames.owner_of(score.unit_scores(shop)["mean"]))
    import rapport.score as again
    from rapport.score import nps
    assert again is score and nps is score.nps
