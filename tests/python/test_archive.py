"""Archives: save / load files, bytes, pickling, and the errors of damaged files."""
from __future__ import annotations

import os
import pickle
import resource
import signal

import pytest

import rapport

from conftest import big_org


def frames(o: rapport.Organisation) -> list:
    return [v.to_frame().sort_index() for v in (o.units, o.relationships, o.guides, o.conversations, o.agreements, o.complaints,
                                   o.referrals)] + [o.conversations.answers_frame()]


def same(a: rapport.Organisation, b: rapport.Organisation) -> bool:
    return repr(a) == repr(b) and all(x.equals(y) for x, y in zip(frames(a), frames(b)))


def test_save_and_load(org: rapport.Organisation, tmp_path) -> None:
    rel = org.find_relationship("payroll", "sales")
    c = org.add_conversation(rel, "2025-01-01", score=6, answers={"goals": "Less paper"})
    org.add_agreement(c, "payroll", "Digital payslips", "2025-12-31")
    org.add_complaint(rel, "2025-02-01", text="Wrong tax class")
    path = tmp_path / "org.rapport"
    org.save(path)
    again = rapport.load(path)
    assert same(org, again)
    assert same(org, rapport.Organisation.load(str(path)))
    rapport.save(org, os.fspath(tmp_path / "b.rapport"))
    assert (tmp_path / "b.rapport").read_bytes() == path.read_bytes() == org.to_bytes()
    assert same(org, rapport.Organisation.from_bytes(org.to_bytes()))
    assert same(org, rapport.load_bytes(org.to_bytes()))
    assert same(org, pickle.loads(pickle.dumps(org)))


def test_sample_round_trip(tmp_path) -> None:
    s = rapport.sample()
    s.save(tmp_path / "s.rapport")
    assert same(s, rapport.load(tmp_path / "s.rapport"))


def test_large_round_trip(tmp_path) -> None:
    o = big_org(300_000, relationships=200)
    o.save(tmp_path / "big.rapport")
    again = rapport.load(tmp_path / "big.rapport")
    assert len(again.conversations) == 300_000
    assert again.conversations.to_frame().sort_index().equals(o.conversations.to_frame().sort_index())


def test_failed_save_leaves_target(org: rapport.Organisation, tmp_path) -> None:
    path = tmp_path / "keep.rapport"
    rapport.Organisation().save(path)
    before = path.read_bytes()
    assert len(org.to_bytes()) > len(before) + 1
    # A file-size limit fails the write for any user, root included (EFBIG, once SIGXFSZ is ignored).
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 1, hard))
    try:
        with pytest.raises(rapport.IoError):
            org.save(path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.rapport"]  # no temporary file left behind


def test_damaged_files(tmp_path) -> None:
    good = big_org(1000, relationships=10).to_bytes()
    path = tmp_path / "x.rapport"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(rapport.CorruptArchive, match="truncated"):
        rapport.load(path)
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x40
    path.write_bytes(bytes(flipped))
    with pytest.raises(rapport.CorruptArchive, match="checksum"):
        rapport.load(path)
    path.write_text("name,kind\nhr,department\n")
    with pytest.raises(rapport.NotAnArchive):
        rapport.load(path)
    path.write_bytes(b"")
    with pytest.raises(rapport.NotAnArchive):
        rapport.load(path)
    with pytest.raises(rapport.IoError):
        rapport.load(tmp_path)  # a folder


def test_format_version() -> None:
    assert rapport.FORMAT_VERSION >= 1
    assert rapport.Organisation().to_bytes()[:8] == b"\x89RAPPORT"
