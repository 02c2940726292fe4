"""Shared helpers for the command-line tests: run `rapport`, build the sample archive once."""
import os
import pathlib
import subprocess

import pytest

BIN = os.environ.get("RAPPORT_BIN", "rapport")
OUT = pathlib.Path(os.environ.get("RAPPORT_TEST_OUT", "."))


def rapport(*args, check=None, input=None, env=None):
    """Runs rapport; returns the CompletedProcess. `check` is the expected exit code, if any."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, input=input, env=e, timeout=240)
    if check is not None:
        assert p.returncode == check, f"exit {p.returncode}, expected {check}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The bundled sample organisation: (csv folder, archive)."""
    d = tmp_path_factory.mktemp("sample")
    folder, archive = d / "csv", d / "sample.rapport"
    rapport("sample", folder, check=0)
    rapport("import", folder, "-o", archive, "-q", check=0)
    return folder, archive


def write_folder(path, files):
    """Writes a CSV folder: {name: text}."""
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path / name, mode) as f:
            f.write(text)
    return path
