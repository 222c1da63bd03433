"""Atomic writes: readable permissions, nothing half-written on failure."""

import os
import stat

import pytest

from analysekit import io


def test_atomic_write_is_world_readable(tmp_path):
    old = os.umask(0o022)
    try:
        path = io.write_text(tmp_path / "a.html", "<p>rapport</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "<p>rapport</p>"


def test_failed_write_leaves_target_and_no_temp_file(tmp_path):
    target = tmp_path / "b.txt"
    target.write_text("oud")
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("onderbroken")
    assert target.read_text() == "oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
