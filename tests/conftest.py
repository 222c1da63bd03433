"""Shared fixtures: the real mirror and the canonical tables built from it."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from analysekit.paths import mirror_dir, processed_dir  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


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
