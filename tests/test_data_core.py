"""Data layer core: mirror adapters for Iv3/gemeenten, fetch, build, load, bad input."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysekit.data.fetch import fetch_mirror, read_manifest
from analysekit.data.mirror.gemeenten import build_gemeenten, name_to_code
from analysekit.data.mirror.iv3 import build_iv3_raw, read_iv3_file
from analysekit.errors import DataError, ParameterError

IV3_DIR = ("michielsd-begrotingsanalysetool", "Analysedata", "Iv3")


def raw_cell(mirror: Path, fname: str, gemeente: str, taakveld_code: str, column: str) -> float:
    """Read one figure straight from a mirror CSV, independently of the adapter."""
    with open(mirror.joinpath(*IV3_DIR, fname), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["Gemeenten"] == gemeente and row["Taakveld"].split(" ")[0] == taakveld_code:
                return float(row[column])
    raise KeyError((gemeente, taakveld_code))


@pytest.fixture(scope="module")
def iv3_raw(mirror):
    return build_iv3_raw(mirror)


def test_tilburg_6_72d_equals_raw_figure_times_1000(iv3_raw, mirror):
    row = iv3_raw.query(
        "gm_code == 'GM0855' and jaar == 2023 and verslagsoort == 'jaarrekening' "
        "and taakveld == '6.72d'"
    )
    assert len(row) == 1
    expected = raw_cell(mirror, "2023_jaarrekening.csv", "Tilburg", "6.72d", "Lasten") * 1000
    assert expected == 43_122_000
    assert row["lasten_eur"].item() == expected
    assert (
        row["baten_eur"].item()
        == raw_cell(mirror, "2023_jaarrekening.csv", "Tilburg", "6.72d", "Baten") * 1000
    )


def test_342_gemeenten_per_file_and_no_national_total(iv3_raw):
    counts = iv3_raw.groupby(["jaar", "verslagsoort"])["gm_code"].nunique()
    assert counts.to_dict() == {
        (2023, "begroting"): 342,
        (2023, "jaarrekening"): 342,
        (2024, "begroting"): 342,
        (2025, "begroting"): 342,
    }
    assert iv3_raw["gm_code"].str.fullmatch(r"GM\d{4}").all()


def test_gemeentefonds_spellings_map_to_cbs_codes(mirror):
    codes = name_to_code(mirror)
    assert codes["'s-Gravenhage"] == codes["'s-Gravenhage (gemeente)"] == "GM0518"
    assert codes["Utrecht"] == "GM0344"
    assert codes["Hengelo"] == "GM0164"


def test_gemeenten_table(mirror):
    g = build_gemeenten(mirror)
    per_year = g.groupby("jaar")["gm_code"].nunique().to_dict()
    assert per_year[2017] == 388 and per_year[2019] == 355 and per_year[2023] == 342
    til = g[(g.gm_code == "GM0855") & (g.jaar == 2023)].iloc[0]
    # Gemeenteklassen 2023: Tilburg, Noord-Brabant, 150000tot250000, Zeersterkstedelijk.
    assert til.provincie == "Noord-Brabant"
    assert til.grootteklasse == "150000tot250000inwoners"
    assert til.stedelijkheid == 1
    utrecht = g[(g.gm_code == "GM0344") & (g.jaar == 2023)].iloc[0]
    assert utrecht.inwoners == 367_947  # equals 70072ned 1 January 2023
    assert not g.duplicated(["gm_code", "jaar"]).any()


# ---------------------------------------------------------------- bad input
@pytest.fixture()
def codes(mirror):
    return name_to_code(mirror)


def _broken_copy(mirror: Path, tmp_path: Path, edit) -> Path:
    src = mirror.joinpath(*IV3_DIR, "2023_jaarrekening.csv")
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)[:50]
    dst = tmp_path / "2023_jaarrekening.csv"
    dst.write_text("".join(edit(lines)), encoding="utf-8")
    return dst


def test_non_numeric_amount_names_file_row_and_column(mirror, tmp_path, codes):
    def edit(lines):
        parts = lines[5].split(";")
        parts[4] = "veel"
        lines[5] = ";".join(parts)
        return lines

    path = _broken_copy(mirror, tmp_path, edit)
    with pytest.raises(
        DataError, match=r"2023_jaarrekening.csv: rij 6, kolom 'Lasten': 'veel' is geen getal"
    ):
        read_iv3_file(path, 2023, "jaarrekening", codes)


def test_missing_column(mirror, tmp_path, codes):
    path = _broken_copy(
        mirror, tmp_path, lambda lines: [lines[0].replace("Baten", "Batn"), *lines[1:]]
    )
    with pytest.raises(DataError, match="kolom.*'Baten' ontbreken"):
        read_iv3_file(path, 2023, "jaarrekening", codes)


def test_empty_and_truncated_files(mirror, tmp_path, codes):
    empty = tmp_path / "leeg.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="leeg.csv"):
        read_iv3_file(empty, 2023, "jaarrekening", codes)
    header_only = _broken_copy(mirror, tmp_path, lambda lines: lines[:1])
    with pytest.raises(DataError, match="0 datarijen"):
        read_iv3_file(header_only, 2023, "jaarrekening", codes)


def test_duplicate_key(mirror, tmp_path, codes):
    path = _broken_copy(mirror, tmp_path, lambda lines: [*lines, lines[3]])
    with pytest.raises(DataError, match="dubbele rij voor gemeente GM0518"):
        read_iv3_file(path, 2023, "jaarrekening", codes)


def test_unknown_gemeente(mirror, tmp_path, codes):
    path = _broken_copy(
        mirror,
        tmp_path,
        lambda lines: [*lines[:2], "Atlantis" + lines[2][lines[2].index(";") :], *lines[3:]],
    )
    with pytest.raises(DataError, match="rij 3, kolom 'Gemeenten': onbekende gemeente 'Atlantis'"):
        read_iv3_file(path, 2023, "jaarrekening", codes)


# ---------------------------------------------------------------- fetch / manifest
def test_fetch_mirror_manifest_and_second_run_copies_nothing(mirror, tmp_path):
    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    root = tmp_path / "raw"
    entries = fetch_mirror(sub, root)
    by_name = {e["name"]: e for e in entries}
    koppel = by_name["mirror/rubensan19-kaarten/KoppelCodes.csv"]
    assert koppel["rows"] == 342
    assert len(koppel["sha256"]) == 64
    assert (root / "mirror/rubensan19-kaarten/KoppelCodes.csv").read_bytes() == (
        sub / "rubensan19-kaarten/KoppelCodes.csv"
    ).read_bytes()
    stamp = read_manifest(root)[koppel["name"]]["retrieved_at"]
    mtime = (root / koppel["path"]).stat().st_mtime_ns
    fetch_mirror(sub, root)
    assert read_manifest(root)[koppel["name"]]["retrieved_at"] == stamp
    assert (root / koppel["path"]).stat().st_mtime_ns == mtime
    assert not list(root.rglob("*.tmp"))


def test_fetch_mirror_recopies_a_damaged_raw_copy(mirror, tmp_path):
    """A raw copy altered after the fetch is restored even though the mirror is unchanged."""
    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    root = tmp_path / "raw"
    fetch_mirror(sub, root)
    raw = root / "mirror/rubensan19-kaarten/KoppelCodes.csv"
    good = raw.read_bytes()
    raw.chmod(0o644)
    raw.write_bytes(good[: len(good) // 2])
    fetch_mirror(sub, root)
    assert raw.read_bytes() == good


def test_fetch_missing_mirror_is_one_line_error(tmp_path):
    with pytest.raises(DataError, match="mirror-map .*bestaat-niet bestaat niet"):
        fetch_mirror(tmp_path / "bestaat-niet", tmp_path / "raw")


def test_cli_bad_mirror_exits_nonzero_without_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysekit.cli",
            "data",
            "fetch",
            "--mirror",
            str(tmp_path / "nope"),
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "ANALYSEKIT_DATA": str(tmp_path / "data")},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "nope" in lines[0]


# ---------------------------------------------------------------- build / load
def test_build_failure_leaves_processed_untouched(mirror, tmp_path):
    from analysekit.data.build import build

    raw = tmp_path / "raw"
    shutil.copytree(mirror, raw / "mirror")
    fetch_mirror(raw / "mirror", raw)  # manifest over the copy itself
    target = raw / "mirror" / Path(*IV3_DIR) / "2024_begroting.csv"
    target.chmod(0o644)
    text = target.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = text[10].split(";")
    parts[4] = "n.v.t."
    text[10] = ";".join(parts)
    target.write_text("".join(text), encoding="utf-8")
    fetch_mirror(raw / "mirror", raw)  # record the edit, so the parser (not the sha) refuses
    out = tmp_path / "processed"
    out.mkdir()
    sentinel = out / "iv3.parquet"
    sentinel.write_bytes(b"previous build")
    with pytest.raises(DataError, match="2024_begroting.csv: rij 11, kolom 'Lasten'"):
        build(root=raw, out_dir=out, force=True, echo=lambda s: None)
    assert sentinel.read_bytes() == b"previous build"
    assert sorted(p.name for p in out.iterdir()) == ["iv3.parquet"]


def test_load_filters_and_values(built, mirror):
    import analysekit as ak

    df = ak.load("iv3", gemeente="GM0855", jaar=2023, verslagsoort="jaarrekening")
    assert set(df["gm_code"]) == {"GM0855"} and set(df["jaar"]) == {2023}
    row = df[df.taakveld == "6.72d"].iloc[0]
    assert row.lasten_eur == 43_122_000
    assert row.domein == "Jeugd"
    by_name = ak.load("iv3", gemeente="Tilburg", jaar=2023, verslagsoort="jaarrekening")
    pd.testing.assert_frame_equal(df, by_name)
    full = ak.load("iv3")
    # 342 gemeenten in the 2023 indeling, of which GM1961 delivered no jaarrekening 2023
    assert (
        full[(full.jaar == 2023) & (full.verslagsoort == "jaarrekening")]["gm_code"].nunique()
        == 341
    )


def test_load_bad_arguments(built):
    import analysekit as ak

    with pytest.raises(ParameterError, match="onbekende tabel 'iv4'"):
        ak.load("iv4")
    with pytest.raises(ParameterError, match="onbekend domein 'Zorg'"):
        ak.load("iv3", domein="Zorg")
    with pytest.raises(ParameterError, match="geen kolom voor filter verslagsoort"):
        ak.load("gemeenten", verslagsoort="begroting")


def test_metadata_beside_each_table(built):
    import yaml

    from analysekit.data.schemas import TABLES

    for name in TABLES:
        meta = yaml.safe_load((built / f"{name}.meta.yaml").read_text(encoding="utf-8"))
        assert meta["table"] == name and meta["source"] and meta["columns"]
    iv3meta = yaml.safe_load((built / "iv3.meta.yaml").read_text(encoding="utf-8"))
    assert iv3meta["columns"]["lasten_eur"]["unit"] == "EUR"


def test_fetch_auto_falls_back_to_mirror_when_cbs_unreachable(mirror, tmp_path, monkeypatch):
    from analysekit.data import fetch as fetch_mod
    from analysekit.data import live

    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    monkeypatch.setattr(live, "is_reachable", lambda *a, **k: False)
    said = []
    summary = fetch_mod.fetch("auto", mirror=sub, root=tmp_path / "raw", echo=said.append)
    assert summary["mode"] == "mirror"
    assert any("niet bereikbaar" in s and "offline mirror" in s for s in said)
    assert "mirror/rubensan19-kaarten/KoppelCodes.csv" in read_manifest(tmp_path / "raw")


def test_fetch_live_entries_are_merged_into_manifest(mirror, tmp_path, monkeypatch):
    from analysekit.data import fetch as fetch_mod
    from analysekit.data import live

    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    fake = {
        "name": "live/iv3_2023.parquet",
        "source": "45063NED",
        "retrieved_at": "2026-01-01T00:00:00+00:00",
        "sha256": "0" * 64,
        "rows": 3,
        "path": "live/iv3_2023.parquet",
    }
    monkeypatch.setattr(live, "fetch_live", lambda root, jaren, progress=True: [fake])
    summary = fetch_mod.fetch(
        "live", mirror=sub, root=tmp_path / "raw", jaren=[2023], echo=lambda s: None
    )
    assert summary["mode"] == "live"
    manifest = read_manifest(tmp_path / "raw")
    assert manifest["live/iv3_2023.parquet"]["source"] == "45063NED"
    assert "mirror/rubensan19-kaarten/KoppelCodes.csv" in manifest


def test_fetch_unknown_mode(tmp_path):
    from analysekit.data.fetch import fetch

    with pytest.raises(DataError, match="onbekende fetch-modus 'web'"):
        fetch("web", root=tmp_path)


def test_provincie_names_are_the_12_cbs_spellings(mirror):
    g = build_gemeenten(mirror)
    assert set(g["provincie"]) == {
        "Drenthe",
        "Flevoland",
        "Fryslân",
        "Gelderland",
        "Groningen",
        "Limburg",
        "Noord-Brabant",
        "Noord-Holland",
        "Overijssel",
        "Utrecht",
        "Zeeland",
        "Zuid-Holland",
    }
