"""Notebooks under nbval: every notebook executes, and stored outputs are checked.

nbval compares against the outputs *stored* in a notebook. The report notebooks in
notebooks/ are committed without outputs, so they run with ``--nbval-lax``: every cell is
executed in a fresh Jupyter kernel (the current venv) and any error fails the run. The
test notebook tests/notebooks/kerncijfers-tilburg.ipynb keeps its outputs; its cells
marked ``# NBVAL_CHECK_OUTPUT`` hold real figures (Tilburg, jaarrekening 2023: 6.72d
lasten € 43.122.000, Jeugd netto € 76.214.000) and are compared after the replacements in
tests/nbval_sanitize.cfg (timestamps, paths, memory addresses). A copy with one stored
figure changed must fail, which shows the comparison really happens.

One pytest subprocess runs it all (``pytest -q`` at the root does not collect .ipynb
files: nbval only does with ``--nbval``/``--nbval-lax``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ROOT / "tests" / "notebooks" / "kerncijfers-tilburg.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _stored_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_checked_notebook_stores_real_figures():
    nb = nbformat.read(CHECKED, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source]
    assert len(checked) >= 4 and all(c.outputs for c in checked)
    text = _stored_text(nb)
    assert "6.72d lasten: € 43.122.000" in text
    assert "Jeugd netto: € 76.214.000" in text
    assert "inwoners: 227.707" in text


@pytest.mark.slow
def test_nbval_executes_notebooks_and_compares_stored_outputs(built, tmp_path):
    tampered = tmp_path / "tampered.ipynb"
    nb = nbformat.read(CHECKED, as_version=4)
    for c in nb.cells:
        for o in c.get("outputs", []):
            if "text" in o:
                o["text"] = o["text"].replace("€ 43.122.000", "€ 43.122.001")
    nbformat.write(nb, tampered)
    report = tmp_path / "nbval.xml"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # as in JupyterLab
    cmd = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
        "--nbval-lax", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
        f"--junitxml={report}",
        str(ROOT / "notebooks"), str(CHECKED), str(tampered),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    cases = ET.parse(report).getroot().iter("testcase")
    failed = {}
    per_file: dict[str, int] = {}
    for case in cases:
        # classname is "notebooks.01-verkenning.ipynb"; empty for the copy outside the root
        classname = case.get("classname", "")
        key = classname.removesuffix(".ipynb").split(".")[-1] if classname else "tampered"
        per_file[key] = per_file.get(key, 0) + 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed[f"{key}::{case.get('name')}"] = key
    # every notebook was collected cell by cell ...
    for key in ("01-verkenning", "02-benchmark", "03-hefbomen", "04-scenario",
                "foto-sociaal-domein", "kerncijfers-tilburg", "tampered"):
        assert per_file.get(key, 0) >= 5, (key, per_file, proc.stdout[-3000:])
    # ... and the only failure is the changed figure (first checked cell) of the tampered copy
    assert list(failed) == ["tampered::Cell 1"], (failed, proc.stdout[-6000:])
    assert proc.returncode == 1
