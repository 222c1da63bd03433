"""Shared fixtures: the real mirror and the canonical tables built from it.

Tests never write into the project's own output folders: for the whole session the
report cache (``$ANALYSEKIT_CACHE``, else ``data/cache/reports``) and the reports folder
(``$ANALYSEKIT_REPORTS``, else ``reports/``) point to a temporary folder, removed at the
end, and a cache key pinned by a surrounding batch (``$ANALYSEKIT_CACHE_KEY``) is dropped.
Subprocesses (the CLI tests) inherit these settings. Tests that need other folders pass
them explicitly (``tmp_path``); the site is always built into a folder given by the test.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# as in analysekit.cli: one BLAS thread per process, set before numpy is imported
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")

from analysekit.paths import mirror_dir, processed_dir  # noqa: E402
from analysekit.reporting.cache import CACHE_ENV, KEY_ENV  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: Session folder for everything a test writes by default (one per test process).
SESSION_TMP = Path(tempfile.mkdtemp(prefix="analysekit-tests-"))
atexit.register(shutil.rmtree, SESSION_TMP, ignore_errors=True)
os.environ[CACHE_ENV] = str(SESSION_TMP / "cache")
os.environ["ANALYSEKIT_REPORTS"] = str(SESSION_TMP / "reports")  # runner.REPORTS_ENV
os.environ.pop(KEY_ENV, None)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of real CBS/BZK data (../shared/data or $ANALYSEKIT_MIRROR)."""
    return mirror_dir()


@pytest.fixture(scope="session")
def built() -> Path:
    """data/processed with all canonical tables (built from the mirror if missing)."""
    from analysekit.data.build import require_built

    return require_built(processed_dir(), echo=lambda s: None)


@pytest.fixture()
def no_network(monkeypatch):
    """Fail loudly if a test tries to open a socket."""
    import socket

    def guard(*args, **kwargs):
        raise AssertionError("tests must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", guard)
    return None


os.environ.setdefault("MPLBACKEND", "Agg")
