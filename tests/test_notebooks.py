"""The notebooks of notebooks/ run from top to bottom, and are committed with their outputs.

Each notebook is executed in memory (the committed file is not rewritten) by a ``python3``
kernel of the interpreter running pytest, with notebooks/ as its working directory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS


@pytest.fixture()
def current_python_kernel(tmp_path, monkeypatch) -> str:
    """A ``python3`` kernel spec for this interpreter, ahead of any other on JUPYTER_PATH, so
    the notebooks run with the packages of the environment under test."""
    pytest.importorskip("ipykernel")
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (tests)",
        "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, current_python_kernel: str):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name=current_python_kernel,
        resources={"metadata": {"path": str(path.parent)}}, record_timing=False,
    )
    client.execute()  # raises CellExecutionError if a cell raises
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_with_outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for i, cell in enumerate(code):
        assert cell.get("execution_count") is not None, f"code cell {i} was not executed"
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", ())), i
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", ()))
    assert images >= 1, "no plot in the saved outputs"
