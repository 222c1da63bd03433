"""Packaging: the data folder is kept but ignored (environment.yml: see test_env.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_data_folder_is_ignored_but_kept():
    ignore = (ROOT / ".gitignore").read_text()
    assert "/data/raw/*" in ignore and "/data/processed/*" in ignore
    assert (ROOT / "data" / "raw" / ".gitkeep").exists()
