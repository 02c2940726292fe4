"""Shared fixtures. The tests import the build tree's package: CTest sets PYTHONPATH to <build>/python."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import rapport


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes minutes; run with -m slow (CTest: RAPPORT_SLOW_TESTS=ON)")


@pytest.fixture
def org() -> rapport.Organisation:
    """The demo organisation from docs/examples/fishbone_demo.cpp, built through Python."""
    o = rapport.Organisation()
    o.add_unit("market", "Energy market", kind="market")
    o.add_unit("co", "Stadtwerke Beispiel", kind="company", payer="market")
    o.add_unit("hr", "Human Resources", kind="department", parent="co")
    o.add_unit("payroll", "Payroll", kind="team", parent="hr")
    o.add_unit("it", "IT", kind="department", parent="co")
    o.add_unit("sales", "Sales and service", kind="department", parent="co")
    o.add_unit("anna", "Anna (head of payroll)", kind="person", parent="payroll")
    o.add_unit("ben", "Ben (payroll clerk)", kind="person", parent="payroll")
    o.add_unit("client", "Municipal utility client", kind="customer", payer="market")
    o.add_relationship("ben", "anna", "service", "payroll runs")
    o.add_relationship("anna", "ben", "leadership", "leadership")
    o.add_relationship("payroll", "sales", "service", "salary statements")
    o.add_relationship("it", "payroll", "service", "payroll system")
    o.add_relationship("payroll", "it", "cooperation", "payroll interface")
    o.add_relationship("sales", "client", "service", "energy supply")
    rel = o.add_relationship("hr", "sales", "service", "recruiting")
    o.add_conversation(rel, dt.date(2026, 3, 1), score=7, self_assessment=9, answers={"better": "Faster hiring, please."})
    return o


def big_org(n: int, relationships: int = 1000, seed: int = 7) -> rapport.Organisation:
    """An organisation with `n` conversations spread over `relationships` service relationships."""
    o = rapport.Organisation()
    o.add_unit("co", kind="company")
    units = 2 * relationships
    o.add_units(key=[f"u{i}" for i in range(units)], kind=["team"] * units, parent=["co"] * units)
    o.add_relationships(provider=[f"u{2 * i}" for i in range(relationships)],
                        recipient=[f"u{2 * i + 1}" for i in range(relationships)])
    rng = np.random.default_rng(seed)
    rel = np.sort(rng.integers(0, relationships, n).astype(np.uint32))
    date = (np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, n)).astype("datetime64[D]")
    score = rng.integers(0, 11, n).astype(np.uint8)
    o.add_conversations(relationship=rel, date=date, score=score, self_assessment=np.minimum(score + 1, 10).astype(np.uint8))
    return o
