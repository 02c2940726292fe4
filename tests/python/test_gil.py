"""The GIL is released around engine calls (another Python thread makes progress meanwhile), long calls can
be interrupted, and threads sharing an Organisation are safe."""
from __future__ import annotations

import _thread
import threading
import time

import numpy as np
import pytest

import rapport

from conftest import big_org

from rapport import score


class Ticker:
    """A thread that counts as fast as it can and notes the time every 50 counts."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        n = 0
        while not self.stop:
            n += 1
            if n % 50 == 0:
                self.stamps.append(time.perf_counter())

    def __enter__(self) -> "Ticker":
        self.thread.start()
        time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop = True
        self.thread.join()

    def during(self, t0: float, t1: float, margin: float = 0.01) -> int:
        return sum(t0 + margin < t < t1 - margin for t in self.stamps)


@pytest.fixture(scope="module")
def large() -> rapport.Organisation:
    return big_org(3_000_000, relationships=1000)


def calls(o: rapport.Organisation) -> dict:
    out = {
        "to_frame": lambda: o.conversations.to_frame(),
        "select": lambda: o.conversations.select(bond="service", kind="retention"),
        "to_bytes": lambda: o.to_bytes(),
    }
    if score is not None:
        out.update({
            "satisfaction": lambda: score.satisfaction(o),
            "health": lambda: score.health(o),
            "health_table": lambda: score.health_table(o, of="relationships"),
            "significant_gaps": lambda: score.significant_gaps(o),
        })
    return out


@pytest.mark.parametrize("name", ["to_frame", "select", "to_bytes", "satisfaction", "health", "health_table",
                                  "significant_gaps"])
def test_other_threads_progress_during_long_calls(large: rapport.Organisation, name: str) -> None:
    """While the main thread is inside the call, the ticker records times: only possible without the GIL."""
    todo = calls(large)
    assert name in todo
    windows = []
    with Ticker() as ticker:
        while sum(t1 - t0 for t0, t1 in windows) < 0.2:
            t0 = time.perf_counter()
            todo[name]()
            windows.append((t0, time.perf_counter()))
    inside = sum(ticker.during(t0, t1, margin=0.001) for t0, t1 in windows)
    total = sum(t1 - t0 for t0, t1 in windows)
    assert inside > 0, f"no progress in another thread during {total:.3f} s in {len(windows)} calls of {name}"


def test_bulk_insert_releases_the_gil() -> None:
    o = rapport.Organisation()
    o.add_units(key=["a", "b"])
    r = o.add_relationship("a", "b")
    n = 5_000_000
    cols = {"relationship": np.full(n, r.id, dtype=np.uint32),
            "score": np.full(n, 7, dtype=np.uint8)}
    cols["date"] = (np.datetime64("2000-01-01") + (np.arange(n) // 1000)).astype("datetime64[D]")
    with Ticker() as ticker:
        t0 = time.perf_counter()
        o.add_conversations(cols)
        t1 = time.perf_counter()
    assert len(o.conversations) == n
    assert ticker.during(t0, t1, margin=0.0) > 0


def test_long_call_can_be_interrupted() -> None:
    # A call made as long as wanted: the retention risk of one employee, whose leadership relationship has
    # many conversations, asked many times over.
    o = rapport.Organisation()
    o.add_units(key=["lead", "employee"], kind=["person", "person"])
    rel = o.add_relationship("lead", "employee", "leadership")
    n_conv = 300_000
    o.add_conversations(relationship=np.full(n_conv, rel.id, dtype=np.uint32), kind=np.full(n_conv, 2, dtype=np.uint8),
                        date=(np.datetime64("2020-01-01") + np.arange(n_conv) // 100).astype("datetime64[D]"),
                        score=np.full(n_conv, 6, dtype=np.uint8))
    score.retention_risks(o, units=["employee"] * 3)  # warm up (pandas is imported on first use)
    t = time.perf_counter()
    score.retention_risks(o, units=["employee"] * 20)
    per_call = (time.perf_counter() - t) / 20
    n = int(min(1_000_000, max(20, 3.0 / per_call)))  # about three seconds
    returned = []
    timer = threading.Timer(0.2, _thread.interrupt_main)
    t0 = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        score.retention_risks(o, units=["employee"] * n)
        returned.append(time.perf_counter())
        time.sleep(10)  # reached only if the call was not interrupted: keeps the late signal inside raises()
    elapsed = time.perf_counter() - t0
    timer.cancel()
    assert not returned, f"the call ran to its end ({returned[0] - t0:.2f} s) instead of being interrupted"
    assert elapsed < 1.5, f"interrupted after {elapsed:.2f} s of a call of about {n * per_call:.1f} s"
    # The organisation stays usable: the worker stops at its next step and releases the lock.
    o.add_unit("after")
    assert "after" in o.units and score.retention_risk(o, "employee").ok


def test_threads_share_an_organisation() -> None:
    o = big_org(300_000, relationships=200)
    rel = o.find_relationship("u0", "u1")
    errors: list[BaseException] = []
    batches = 40

    def writer() -> None:
        try:
            for i in range(batches):
                o.add_conversations(relationship=np.full(1000, rel.id, dtype=np.uint32),
                                    date=np.full(1000, np.datetime64("2026-01-01") + i, dtype="datetime64[D]"),
                                    score=np.full(1000, 9, dtype=np.uint8))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def reader() -> None:
        try:
            for _ in range(20):
                df = score.unit_scores(o)
                assert df["n"].sum() >= 300_000
                o.conversations.select(unit="u0")
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(o.conversations) == 300_000 + batches * 1000
    assert score.relationship_scores(o).loc[rel.id, "n"] == len(o.conversations.select(relationship=rel))
