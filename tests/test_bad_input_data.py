"""Bad-input corpus for the data layer: every bad input gives one clear line, exit 2, no
traceback, and nothing good in data/processed overwritten.

A private data folder (``$ANALYSEKIT_DATA`` in a tmp dir) is built once from the real
mirror; each case damages a copy of a raw or processed file, checks the CLI and/or the
API, and restores the file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysekit import io
from analysekit.errors import DataError, ParameterError

IV3_RAW = Path("mirror/michielsd-begrotingsanalysetool/Analysedata/Iv3/2023_jaarrekening.csv")


@pytest.fixture(scope="module")
def data(tmp_path_factory, mirror) -> Path:
    """A private data folder with raw snapshot and built tables (built once)."""
    root = tmp_path_factory.mktemp("bad_input") / "data"
    proc = _cli(root, "data", "build")
    assert proc.returncode == 0, proc.stderr
    return root


def _cli(data_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANALYSEKIT_DATA": str(data_root)}
    return subprocess.run(
        [sys.executable, "-m", "analysekit.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: io.sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


# ---------------------------------------------------------------- raw files refused at build
def _cut_mid_row(b: bytes) -> bytes:
    return b[: len(b) - 40]  # inside the last line


def _drop_rows(b: bytes) -> bytes:
    lines = b.splitlines(keepends=True)
    return b"".join(lines[:-878])  # whole rows lost, every remaining line complete


def _alter_figure(b: bytes) -> bytes:
    lines = b.splitlines(keepends=True)
    parts = lines[100].split(b";")
    parts[4] = b"999999"
    lines[100] = b";".join(parts)
    return b"".join(lines)


RAW_CASES: list[tuple[str, Callable[[bytes], bytes], str]] = [
    (
        "cut mid-row",
        _cut_mid_row,
        r"2023_jaarrekening\.csv: laatste regel .* velden; het bestand is midden in een rij",
    ),
    ("rows lost", _drop_rows, r"2023_jaarrekening\.csv: 23475 datarijen; verwacht: 24353"),
    ("figure altered", _alter_figure, r"2023_jaarrekening\.csv: sha256 wijkt af"),
]


@pytest.mark.parametrize(("label", "damage", "message"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_damaged_raw_csv_is_refused(data, label, damage, message):
    import re

    raw = data / "raw" / IV3_RAW
    good = raw.read_bytes()
    before = _hashes(data / "processed")
    raw.write_bytes(damage(good))
    try:
        # The CLI without --force: the raw check runs even when the tables are up to date.
        line = _one_error_line(_cli(data, "data", "build"))
        assert re.search(message, line), line
        assert "voer `analysekit data fetch` uit" in line
        from analysekit.data.build import build

        with pytest.raises(DataError, match=message):
            build(root=data / "raw", out_dir=data / "processed", force=True, echo=lambda s: None)
        assert _hashes(data / "processed") == before
    finally:
        raw.write_bytes(good)


def test_fetch_restores_a_damaged_raw_csv_and_build_succeeds(data):
    raw = data / "raw" / IV3_RAW
    good = raw.read_bytes()
    raw.write_bytes(_alter_figure(good))
    try:
        line = _one_error_line(_cli(data, "data", "build"))
        assert "sha256 wijkt af" in line and "voer `analysekit data fetch` uit" in line
        proc = _cli(data, "data", "fetch", "--mode", "mirror")
        assert proc.returncode == 0, proc.stderr
        assert raw.read_bytes() == good
        proc = _cli(data, "data", "build")
        assert proc.returncode == 0, proc.stderr
    finally:
        raw.write_bytes(good)


# ---------------------------------------------------------------- corrupt processed parquet
def test_corrupt_parquet_load_says_rebuild_and_build_repairs(data):
    from analysekit.data.build import stale_reason
    from analysekit.data.load import load

    target = data / "processed" / "iv3.parquet"
    good = io.sha256_file(target)
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    with pytest.raises(
        DataError, match=r"iv3\.parquet: verwerkte tabel niet leesbaar .*data build --force` uit"
    ):
        load("iv3", data_dir=data / "processed")
    assert "iv3.parquet wijkt af" in stale_reason(data / "raw", data / "processed")
    line = _one_error_line(_cli(data, "data", "summary", "Tilburg"))
    assert "iv3.parquet" in line and "analysekit data build --force" in line
    proc = _cli(data, "data", "build")  # no --force: the hash check finds the damage
    assert proc.returncode == 0, proc.stderr
    assert "Tabellen gebouwd" in proc.stdout and "actueel" not in proc.stdout
    assert io.sha256_file(target) == good
    proc = _cli(data, "data", "build")
    assert proc.returncode == 0 and "actueel" in proc.stdout and "gebouwd" not in proc.stdout


# ---------------------------------------------------------------- API parameters
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"jaar": "twintig"}, ParameterError, r"jaar='twintig'; verwacht: een jaartal als geheel"),
        ({"jaar": 2023.5}, ParameterError, r"jaar=2023\.5"),
        ({"jaar": True}, ParameterError, r"jaar=True"),
        ({"jaar": [2023, None]}, ParameterError, r"jaar=None"),
        (
            {"jaar": 2030},
            ParameterError,
            r"jaar 2030 staat niet in tabel 'iv3'; beschikbaar: 2017, 2018, .*, 2026",
        ),
        ({"jaar": 1850}, ParameterError, r"beschikbaar: 2017, 2018, 2019, .*, 2025, 2026"),
        ({"verslagsoort": "jaarrek"}, ParameterError, r"onbekende verslagsoort 'jaarrek'"),
        ({"verslagsoort": 5}, ParameterError, r"onbekende verslagsoort 5"),
        ({"domein": "Zorg"}, ParameterError, r"onbekend domein 'Zorg'"),
        ({"gemeente": "Atlantis"}, Exception, r"onbekende gemeente 'Atlantis'"),
    ],
    ids=lambda v: str(v) if not isinstance(v, type) else v.__name__,
)
def test_bad_load_parameters(built, kwargs, error, message):
    import analysekit as ak
    from analysekit.errors import AnalysekitError

    with pytest.raises(error, match=message) as info:
        ak.load("iv3", **kwargs)
    assert isinstance(info.value, AnalysekitError)
    assert "\n" not in str(info.value)


def test_string_year_is_accepted(built):
    import analysekit as ak

    assert len(ak.load("iv3_levering", jaar="2024")) == 2 * 342  # begroting, jaarrekening


# ---------------------------------------------------------------- CLI: gemeente and jaar
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("data", "summary", "Haaren"),
            r"Haaren \(GM0788\) bestond tot 2020 .*Vught \(GM0865, 42%\).*Tilburg \(GM0855",
        ),
        (("data", "summary", "Atlantis"), r"onbekende gemeente 'Atlantis'"),
        (("data", "summary", "Tilbrug"), r"bedoelde u: Tilburg \(GM0855\)"),
        (("data", "summary", "Tilburg", "--jaar", "2030"), r"jaar 2030 .*beschikbaar: 2017.*2023"),
    ],
    ids=["dissolved", "unknown", "typo", "impossible-jaar"],
)
def test_cli_bad_gemeente_or_jaar(data, args, message):
    import re

    before = _hashes(data / "processed")
    line = _one_error_line(_cli(data, *args))
    assert re.search(message, line), line
    assert _hashes(data / "processed") == before


def test_cli_summary_of_a_gemeente_without_jaarrekening(data):
    proc = _cli(data, "data", "summary", "Vijfheerenlanden", "--jaar", "2023")
    assert proc.returncode == 0, proc.stderr
    assert "Jaarrekening 2023: geen gegevens" in proc.stdout
    assert "€ 0,0 mln" not in proc.stdout


def test_missing_manifest_file_is_named(data):
    raw = data / "raw" / IV3_RAW
    keep = raw.with_suffix(".bak")
    shutil.move(raw, keep)
    try:
        line = _one_error_line(_cli(data, "data", "build"))
        assert "2023_jaarrekening.csv: staat in" in line and "ontbreekt" in line
    finally:
        shutil.move(keep, raw)
