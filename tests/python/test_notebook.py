"""docs/notebooks/rapport-tour.ipynb runs headless, top to bottom, without a cell error."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import rapport

import nbformat
import nbclient
import ipykernel  # noqa: F401 - the kernel nbclient starts

SOURCE = Path(os.environ.get("RAPPORT_SOURCE_DIR", Path(__file__).parents[2]))
NOTEBOOK = SOURCE / "docs" / "notebooks" / "rapport-tour.ipynb"


def test_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel is this interpreter (ipykernel's native kernel) and inherits PYTHONPATH: the build tree.
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    here = str(Path(rapport.__file__).resolve().parents[1])  # the kernel imports this very package
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert html.count("<svg") >= 2  # the fishbones are drawn
    text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    for story in ("blind_spot", "sales-keyaccount", "Customer service centre"):
        assert story in text or story in html
