"""The type stubs (.pyi) describe the native module as it is: every public name, class member and
function of `rapport._rapport` and `rapport.score` appears in them, and nothing that does not exist."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import rapport

PACKAGE = Path(rapport.__file__).parent
ALIASES = {"DateLike", "PeriodLike", "ScaleLike", "UnitLike", "GuideLike", "RelationshipLike", "ConversationLike",
           "AgreementLike", "ComplaintLike", "ReferralLike", "DataFrame", "Columns", "Kinds", "Bonds"}


def stub(name: str) -> dict[str, set[str] | None]:
    """Top-level names of a stub: classes map to their members (bases' members included), functions to None."""
    tree = ast.parse((PACKAGE / name).read_text())
    classes: dict[str, ast.ClassDef] = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    out: dict[str, set[str] | None] = {}

    def members(c: ast.ClassDef) -> set[str]:
        names = set()
        for n in c.body:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(n.name)
            elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                names.add(n.target.id)
            elif isinstance(n, ast.Assign):
                names.update(t.id for t in n.targets if isinstance(t, ast.Name))
        for b in c.bases:
            if isinstance(b, ast.Name) and b.id in classes:
                names |= members(classes[b.id])
        return names

    for n in tree.body:
        if isinstance(n, ast.ClassDef):
            out[n.name] = members(n)
        elif isinstance(n, ast.FunctionDef):
            out[n.name] = None
        elif isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = None
        elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
            out[n.target.id] = None
        elif isinstance(n, ast.ImportFrom) and n.module is None:
            for a in n.names:
                out[a.asname or a.name] = None
    return out


def public(obj: object) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


def check(module: object, stub_file: str) -> None:
    described = stub(stub_file)
    runtime = public(module)
    missing = sorted(runtime - set(described))
    assert not missing, f"{stub_file} lacks {missing}"
    invented = sorted(n for n in described if n not in runtime and n not in ALIASES and not n.startswith("_"))
    assert not invented, f"{stub_file} describes what does not exist: {invented}"
    for name, members in described.items():
        if members is None or name not in runtime:
            continue
        cls = getattr(module, name)
        if not inspect.isclass(cls) or issubclass(cls, BaseException):
            continue
        if issubclass(cls, rapport.Side.__mro__[1]):  # StrEnum members: compare the member names
            assert {m.name for m in cls} == {m for m in members if m.isupper()}, name
            continue
        lacking = sorted(m for m in public(cls) if m not in members)
        assert not lacking, f"{stub_file}: class {name} lacks {lacking}"
        unknown = sorted(m for m in members if not m.startswith("_") and not hasattr(cls, m))
        assert not unknown, f"{stub_file}: class {name} describes missing {unknown}"


def test_native_module_stub() -> None:
    check(rapport._rapport, "_rapport.pyi")


def test_score_stub() -> None:
    check(rapport.score, "score.pyi")


def test_package_files() -> None:
    assert (PACKAGE / "py.typed").exists()
