"""Packaging: the package imports from a `cmake --install` tree and from a pip install into a fresh venv.

The default run installs with cmake and pip-installs with the module this build already made
(RAPPORT_PREBUILT_EXTENSION), so it checks the packaging in seconds. The slow test lets pip build
everything from the source tree, offline, with Debian's setuptools and no build isolation."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import rapport

BUILD = Path(os.environ.get("RAPPORT_BUILD_DIR", Path(rapport.__file__).parents[2]))
SOURCE = Path(os.environ.get("RAPPORT_SOURCE_DIR", Path(__file__).parents[2]))
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

SMOKE = """
import sys, rapport, rapport._rapport as n
assert rapport.__file__.startswith(sys.argv[1]), (rapport.__file__, sys.argv[1])
o = rapport.Organisation()
o.add_unit('a'); o.add_unit('b'); r = o.add_relationship('a', 'b')
o.add_conversations(relationship=[r.id, r.id], date=['2025-01-01', '2025-02-01'], score=[7, 9])
assert len(o.conversations.to_frame()) == 2
try:
    o.unit('nobody')
except KeyError as e:
    assert type(e).__name__ == 'NotFound'
import pathlib
root = pathlib.Path(rapport.__file__).parent
assert (root / 'py.typed').exists() and (root / '_rapport.pyi').exists()
print('ok', rapport.__version__)
"""


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def smoke(python: str, prefix: Path, env: dict[str, str] | None = None) -> None:
    out = subprocess.run([python, "-c", SMOKE, str(prefix)], env=env or clean_env(), cwd="/",
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok " + rapport.__version__)


def test_import_from_build_tree() -> None:
    assert Path(rapport.__file__).parent == BUILD / "python" / "rapport"
    smoke(PYTHON, BUILD / "python", dict(clean_env(), PYTHONPATH=str(BUILD / "python")))


def test_cmake_install(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(prefix), "--component", "python"],
                   check=True, capture_output=True)
    site = [p for p in prefix.rglob("rapport/__init__.py")]
    assert len(site) == 1, site
    site_dir = site[0].parent.parent
    assert site_dir.name == "site-packages"
    assert not list(site_dir.rglob("__pycache__"))
    smoke(PYTHON, site_dir, dict(clean_env(), PYTHONPATH=str(site_dir)))


def make_venv(path: Path) -> str:
    venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(path)
    return str(path / "bin" / "python")


def pip_install(python: str, env: dict[str, str]) -> None:
    # pip comes from Debian's python3-pip through the system site packages; no index, no isolation.
    out = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                          "--disable-pip-version-check", "-q", str(SOURCE / "python")],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_pip_install_prebuilt(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "venv")
    module = next((BUILD / "python" / "rapport").glob("_rapport*.so"))
    pip_install(python, dict(clean_env(), RAPPORT_PREBUILT_EXTENSION=str(module),
                             RAPPORT_SETUP_SCRATCH=str(tmp_path / "setup")))
    smoke(python, tmp_path / "venv")
    shown = subprocess.run([python, "-m", "pip", "show", "rapport"], env=clean_env(), capture_output=True, text=True)
    assert "Version: " + rapport.__version__ in shown.stdout


@pytest.mark.slow
def test_pip_install_from_source(tmp_path: Path) -> None:
    """pip builds the C++ core and the module with CMake (minutes on two cores)."""
    python = make_venv(tmp_path / "venv")
    pip_install(python, dict(clean_env(), RAPPORT_CMAKE_BUILD_DIR=str(tmp_path / "cmake"),
                             RAPPORT_SETUP_SCRATCH=str(tmp_path / "setup")))
    smoke(python, tmp_path / "venv")
