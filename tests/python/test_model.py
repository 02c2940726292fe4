"""The model bindings: units, relationships, guides, conversations, agreements, complaints, referrals,
fishbones, views, records and their reprs."""
from __future__ import annotations

import copy
import datetime as dt
import pickle

import numpy as np
import pytest

import rapport
from rapport import Bond, UnitKind


def test_units(org: rapport.Organisation) -> None:
    payroll = org.unit("payroll")
    assert payroll.key == "payroll" and payroll.name == "Payroll"
    assert payroll.kind is UnitKind.TEAM and payroll.kind == "team"
    assert org.unit(payroll.id) == payroll == org.units["payroll"] == org.units[payroll.id] == org.unit(payroll)
    hr = org.unit("hr")
    assert payroll.parent == hr.id and payroll.payer is None and payroll.effective_payer == hr.id
    assert [u.key for u in org.children("payroll")] == ["anna", "ben"]
    assert [u.key for u in org.payer_chain("payroll")] == ["hr", "co", "market"]
    assert [u.key for u in org.subtree("hr")] == ["hr", "payroll", "anna", "ben"]
    assert org.find_unit("nobody") is None and org.find_unit("it").key == "it"
    assert org.unit("client").is_external and not payroll.is_external
    assert len(org.units) == 9 and "payroll" in org.units and "nobody" not in org.units and 99 not in org.units
    assert -1 not in org.units and 3.5 not in org.units
    assert org.units.get("nobody") is None and org.units.get("it").key == "it"
    assert [u.key for u in org.units][:2] == ["market", "co"]
    assert list(org.units.ids()) == list(range(9)) and org.units.ids().dtype == np.uint32


def test_unit_defaults_and_updates(org: rapport.Organisation) -> None:
    u = org.add_unit("x")
    assert u.name == "x" and u.kind == "team" and u.parent is None
    u = org.update_unit(u, name="Team X", parent="hr", kind=UnitKind.DEPARTMENT)
    assert (u.name, u.kind, u.parent) == ("Team X", "department", org.unit("hr").id)
    u = org.update_unit("x", parent=None, payer="co")
    assert u.parent is None and u.payer == org.unit("co").id
    with pytest.raises(TypeError, match="colour"):
        org.update_unit("x", colour="red")
    with pytest.raises(rapport.ConflictError, match="cycle"):
        org.update_unit("hr", parent="payroll")
    org.remove_unit("x")
    assert "x" not in org.units
    with pytest.raises(rapport.ConflictError):
        org.remove_unit("hr")


def test_enum_arguments(org: rapport.Organisation) -> None:
    assert org.add_unit("a1", kind=UnitKind.PERSON).kind == "person"
    assert org.add_unit("a2", kind="person").kind == "person"
    assert org.add_unit("a3", kind=0).kind == "person"  # the stable code
    with pytest.raises(rapport.ValidationError, match="unknown unit kind 'persona'"):
        org.add_unit("a4", kind="persona")
    with pytest.raises(rapport.ValidationError):
        org.add_unit("a5", kind=42)
    with pytest.raises(TypeError):
        org.add_unit("a6", kind=1.5)
    assert [m.value for m in rapport.Bond] == ["service", "cooperation", "leadership"]
    assert str(rapport.Side.INPUT) == "input"


def test_relationships(org: rapport.Organisation) -> None:
    r = org.find_relationship("payroll", "sales")
    assert r is not None and r.bond is Bond.SERVICE and r.label == "salary statements"
    assert org.relationship(r.id) == r == org.relationships[r.id]
    assert r.other(org.unit("payroll")) == org.unit("sales").id and r.involves(r.provider)
    coop = org.find_relationship("it", "payroll", "cooperation")  # symmetric
    assert coop is not None and coop.provider == org.unit("payroll").id
    assert org.side_of("it", coop) == "throughput"
    assert [x.label for x in org.relationships_of("payroll", side="input")] == ["payroll system"]
    assert len(org.relationships_of("payroll")) == 3
    r2 = org.update_relationship(r, label="payslips")
    assert r2.label == "payslips" and org.relationship(r.id).label == "payslips"
    with pytest.raises(rapport.DuplicateError):
        org.add_relationship("payroll", "sales")
    with pytest.raises(rapport.ValidationError, match="itself"):
        org.add_relationship("it", "it")
    with pytest.raises(rapport.NotFound):
        org.add_relationship("it", "nobody")
    new = org.add_relationship("it", "sales", label="laptops")
    org.remove_relationship(new)
    assert new.id not in org.relationships
    with pytest.raises(rapport.ConflictError, match="conversations"):
        org.remove_relationship(org.find_relationship("hr", "sales"))


def test_guides(org: rapport.Organisation) -> None:
    assert [g.key for g in org.guides] == ["customer_review", "cooperation_review", "employee_review"]
    cr = org.guide("customer_review")
    assert cr.builtin and cr.scale == rapport.Scale(0, 10) and cr.scale.is_nps
    assert cr.question("standing").text_in("de").startswith("Wo stehen wir")
    g = org.add_guide("pulse", "Pulse check", kind="ad_hoc", scale=(1, 5),
                      questions=["mood", ("why", "Why?"), {"key": "next", "text": {"en": "Next?", "de": "Weiter?"}},
                                 rapport.Question("extra", "Anything else?")])
    assert g.scale.min == 1 and g.scale.max == 5 and not g.scale.is_nps and g.scale.normalise(3) == 50
    assert [q.key for q in g.questions] == ["mood", "why", "next", "extra"]
    assert org.guide("pulse").question("next").text == {"en": "Next?", "de": "Weiter?"}
    with pytest.raises(rapport.DuplicateError):
        org.add_guide("pulse")
    with pytest.raises(rapport.ValidationError):
        org.add_guide("bad", scale=(5, 5))
    assert org.find_guide("nope") is None


def test_conversations(org: rapport.Organisation) -> None:
    rel = org.find_relationship("payroll", "sales")
    c = org.add_conversation(rel, "2025-02-03", score=8, self_assessment=9,
                             answers={"better": "Earlier payslips", "goals": "Fewer errors"})
    assert c.date == dt.date(2025, 2, 3) and c.kind == "customer_review" and c.guide == 0
    assert c.answers == {"better": "Earlier payslips", "goals": "Fewer errors"}
    assert org.conversation(c.id) == c == org.conversations[c.id]
    assert org.answers(c) == c.answers
    coop = org.find_relationship("payroll", "it", "cooperation")
    c2 = org.add_conversation(coop, dt.date(2025, 3, 1), kind="cooperation_review", score=6)
    assert c2.guide == org.guide("cooperation_review").id  # the kind's guide by default
    c3 = org.add_conversation(org.find_relationship("anna", "ben", "leadership"), np.datetime64("2025-04-01"),
                              kind="employee_review", score=None)
    assert c3.guide == 2 and c3.score is None
    c = org.update_conversation(c, score=4, answers={"better": "Much earlier"})
    assert c.score == 4 and c.answers == {"better": "Much earlier"} and c.self_assessment == 9
    with pytest.raises(rapport.ValidationError, match="outside the scale"):
        org.add_conversation(rel, "2025-01-01", score=11)
    with pytest.raises(rapport.ValidationError, match="has no question"):
        org.add_conversation(rel, "2025-01-01", answers={"nope": "x"})
    with pytest.raises(rapport.ValidationError, match="ISO"):
        org.add_conversation(rel, "01.01.2025")
    with pytest.raises(TypeError):
        org.update_conversation(c, colour=1)
    assert len(org.conversations) == 4 and c.id in org.conversations and 999 not in org.conversations
    assert [x.id for x in org.conversations] == [0, 1, 2, 3]
    org.remove_conversation(c2)
    assert c2.id not in org.conversations and len(org.conversations) == 3
    with pytest.raises(rapport.NotFound):
        org.conversation(c2.id)
    org.compact()
    assert len(org.conversations) == 3


def test_frames_refuse_dates_pandas_cannot_hold(org: rapport.Organisation) -> None:
    """The core holds years 1-9999, pandas' datetime64[ns] only 1678-2261: a frame with a date beyond
    that is a clear error naming the date, never a wrapped-around timestamp."""
    rel = org.find_relationship("payroll", "sales")
    org.add_conversation(rel, "2262-04-11", score=8)  # the last day pandas holds
    assert org.conversations.to_frame()["date"].max().date() == dt.date(2262, 4, 11)
    org.add_conversation(rel, "2300-01-01", score=8)
    with pytest.raises(rapport.ValidationError, match="2300-01-01"):
        org.conversations.to_frame()


def test_agreements_complaints_referrals(org: rapport.Organisation) -> None:
    rel = org.find_relationship("payroll", "sales")
    c = org.add_conversation(rel, "2025-02-03", score=8)
    a = org.add_agreement(c, "payroll", "Payslips by the 25th", due="2025-06-30")
    assert a.made == dt.date(2025, 2, 3) and a.status == "open" and a.closed is None
    assert a.is_overdue("2025-07-01") and not a.is_overdue("2025-06-01")
    a = org.close_agreement(a, "kept", "2025-06-20")
    assert a.status is rapport.AgreementStatus.KEPT and a.closed == dt.date(2025, 6, 20)
    with pytest.raises(rapport.ConflictError):
        org.close_agreement(a, "broken", "2025-06-21")
    with pytest.raises(rapport.ValidationError, match="before it was made"):
        org.add_agreement(c, "payroll", "x", due="2025-01-01")
    assert len(org.agreements) == 1 and org.agreements.to_frame().loc[a.id, "status"] == "kept"

    k = org.add_complaint(rel, "2025-03-01", severity="high", text="Late payslips")
    assert k.stage == "received" and k.is_open and k.steps == {"received": dt.date(2025, 3, 1)}
    k = org.advance_complaint(k, "acknowledged", "2025-03-02")
    with pytest.raises(rapport.ValidationError, match="outcome"):
        org.advance_complaint(k, "closed", "2025-03-10")
    k = org.advance_complaint(k, "closed", "2025-03-10", outcome="accepted")
    assert not k.is_open and k.outcome == "accepted" and k.stage == rapport.ComplaintStage.CLOSED
    frame = org.complaints.to_frame()
    assert frame.loc[k.id, "acknowledged"].date() == dt.date(2025, 3, 2) and frame["in_progress"].isna().all()

    x = org.add_referral(rel, "2025-04-01", target="employee", referred="client")
    assert x.outcome == "pending" and x.referred == org.unit("client").id
    x = org.set_referral_outcome(x, "won", "2025-05-01")
    assert x.outcome == "won" and x.closed == dt.date(2025, 5, 1)
    with pytest.raises(rapport.ValidationError, match="third party"):
        org.add_referral(rel, "2025-04-01", referred="sales")
    org.remove_referral(x)
    org.remove_complaint(k)
    org.remove_agreement(a)
    assert len(org.referrals) == len(org.complaints) == len(org.agreements) == 0


def test_frames(org: rapport.Organisation) -> None:
    import pandas as pd
    units = org.units.to_frame()
    assert units.index.name == "id" and list(units.columns) == ["key", "name", "kind", "parent", "payer"]
    assert isinstance(units["kind"].dtype, pd.CategoricalDtype) and units.loc[3, "key"] == "payroll"
    assert str(units["parent"].dtype) == "Int64" and pd.isna(units.loc[0, "parent"])
    rels = org.relationships.to_frame()
    assert list(rels.columns) == ["provider", "recipient", "bond", "label", "provider_key", "recipient_key"]
    convs = org.conversations.to_frame()
    assert convs["date"].dtype == "datetime64[ns]" and convs["score"].iloc[0] == 7
    assert org.guides.to_frame().loc[0, "scale_max"] == 10
    answers = org.conversations.answers_frame()
    assert answers.to_dict("records") == [{"conversation": 0, "question": "better", "text": "Faster hiring, please."}]


def test_frames_follow_the_units_and_relationships(org: rapport.Organisation) -> None:
    """The unit and relationship frames share the handle's unit strings with the batch scores, and
    show every change: a renamed unit, a new and a removed relationship, labels empty or not."""
    org = org.copy()
    before = org.relationships.to_frame()
    payroll = org.unit("payroll").id
    org.update_unit("payroll", key="payroll-team", name="Payroll team")
    units = org.units.to_frame()
    assert units.loc[payroll, "key"] == "payroll-team" and units.loc[payroll, "name"] == "Payroll team"
    rels = org.relationships.to_frame()
    mine = rels["provider"] == payroll
    assert mine.any() and set(rels.loc[mine, "provider_key"]) == {"payroll-team"}
    assert set(before.loc[before["provider"] == payroll, "provider_key"]) == {"payroll"}  # earlier frames keep theirs
    plain = org.add_relationship("it", "sales", "service")
    named = org.add_relationship("sales", "it", "service", "a label of its own")
    rels = org.relationships.to_frame()
    assert rels.loc[plain.id, "label"] == "" and rels.loc[named.id, "label"] == "a label of its own"
    assert (rels.loc[named.id, "provider_key"], rels.loc[named.id, "recipient_key"]) == ("sales", "it")
    assert rels["label"].dtype == object and rels.index.is_monotonic_increasing
    org.remove_relationship(plain)
    rels = org.relationships.to_frame()
    assert plain.id not in rels.index and len(rels) == len(org.relationships)
    assert rels["provider_key"].tolist() == [org.units[u].key for u in rels["provider"]]


def test_fishbone(org: rapport.Organisation) -> None:
    fb = org.fishbone("payroll")
    assert fb.unit.key == "payroll"
    assert [r.label for r in fb.input] == ["payroll system"]
    assert [r.label for r in fb.throughput] == ["payroll interface"]
    assert [r.label for r in fb.output] == ["salary statements"]
    assert [(b.side, b.other.key) for b in fb.bones] == [("input", "it"), ("throughput", "it"), ("output", "sales")]
    assert repr(fb) == "Fishbone(unit='payroll', input=1, throughput=1, output=1)"
    frame = fb.to_frame()
    assert list(frame["side"]) == ["input", "throughput", "output"]


def test_erase_person(org: rapport.Organisation) -> None:
    rel = org.find_relationship("anna", "ben", "leadership")
    c = org.add_conversation(rel, "2025-01-10", kind="employee_review", score=8, answers={"contribution": "ok"}
                             if "contribution" in [q.key for q in org.guide(2).questions] else None)
    org.add_agreement(c, "anna", "Training budget", "2025-12-31")
    report = org.erase_person("ben")
    assert report.relationships == 2 and report.conversations == 1 and report.agreements == 1
    assert "ben" not in org.units
    assert "ErasureReport(relationships=2" in repr(report)
    with pytest.raises(rapport.ValidationError, match="not a person"):
        org.erase_person("hr")


def test_copy_and_pickle(org: rapport.Organisation) -> None:
    for other in (org.copy(), copy.copy(org), copy.deepcopy(org), pickle.loads(pickle.dumps(org))):
        assert repr(other) == repr(org) and other is not org
        other.add_unit("only-in-copy")
        assert "only-in-copy" not in org.units


def test_period_and_scale() -> None:
    p = rapport.Period(2025)
    assert p == rapport.Period.year(2025) == rapport.Period("2025-01-01", "2026-01-01") == rapport.Period(("2025-01-01", "2026-01-01"))
    assert dt.date(2025, 12, 31) in p and dt.date(2026, 1, 1) not in p
    assert tuple(p) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert rapport.Period.last_twelve_months("2024-02-29").begin == dt.date(2023, 2, 28)
    assert repr(p) == "Period(2025-01-01, 2026-01-01)" and pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(rapport.ValidationError):
        rapport.Period("2025-02-01", "2025-01-01")
    with pytest.raises(rapport.ValidationError, match="impossible date"):
        rapport.Period("2025-02-30", "2025-03-01")
    assert rapport.Scale(1, 5).span == 4 and repr(rapport.Scale(1, 7)) == "Scale(1, 7)"


def test_dates_accept_datetime_like() -> None:
    import pandas as pd
    o = rapport.Organisation()
    o.add_unit("a"), o.add_unit("b")
    r = o.add_relationship("a", "b")
    for d in (dt.date(2025, 5, 6), dt.datetime(2025, 5, 6, 13, 0), pd.Timestamp("2025-05-06 08:00"),
              np.datetime64("2025-05-06"), np.datetime64("2025-05-06T10:00:00"), "2025-05-06"):
        assert o.add_conversation(r, d).date == dt.date(2025, 5, 6)
    with pytest.raises(rapport.ValidationError, match="NaT"):
        o.add_conversation(r, np.datetime64("NaT"))
    with pytest.raises(rapport.ValidationError, match="NaT"):
        o.add_conversation(r, pd.NaT)


def test_reprs(org: rapport.Organisation) -> None:
    assert repr(org) == ("<rapport.Organisation: 9 units, 7 relationships, 1 conversation, 0 agreements, "
                         "0 complaints, 0 referrals>")
    assert repr(org.unit("payroll")) == "Unit(id=3, key='payroll', name='Payroll', kind='team', parent=2)"
    assert repr(org.relationship(2)) == ("Relationship(id=2, provider=3, recipient=5, bond='service', "
                                         "label='salary statements')")
    assert repr(org.conversation(0)) == ("Conversation(id=0, relationship=6, date=2026-03-01, kind='customer_review', "
                                         "guide=0, score=7, self_assessment=9, answers=1)")
    assert repr(org.guide(0)).startswith("Guide(id=0, key='customer_review', kind='customer_review', scale=Scale(0, 10)")
    assert repr(org.units) == "<rapport.Units: 9>" and repr(org.conversations) == "<rapport.Conversations: 1>"
    assert repr(rapport.Question("q", "Why?")) == "Question('q', 'Why?')"
    for view in (org.units, org.relationships, org.guides, org.conversations):
        assert "<table" in view._repr_html_()
