"""Where the data came from: metadata, the raw manifest, mirror versions and fingerprints.

The one place that reads the provenance files of the data layer:

* :func:`read_meta` — ``data/processed/<table>.meta.yaml`` (title, source, columns);
* :func:`read_manifest` — ``data/raw/manifest.json`` (one entry per raw file: source,
  retrieved_at, sha256, rows);
* :func:`mirror_commits` — the snapshot commit of each mirror folder (its ``SOURCE.md``);
* :func:`read_build_info` / :func:`data_fingerprint` — ``data/processed/build.json`` and a
  stable hash of the processed files recorded there (the key of the report cache);
* :func:`verify_raw` — refuse raw files that are cut mid-row or differ from the manifest;
* :func:`sources_table` — per canonical table, the CBS and BZK tables it came from (id,
  title, years) and whether they came live from CBS or from the offline mirror.

Imports nothing from ``analysis`` or ``reporting``, and nothing of the data layer that
reads tables (``load``, ``lookup``), so every layer may use it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysekit import io
from analysekit.data.mirror.common import incomplete_last_line
from analysekit.errors import AnalysekitError, DataError
from analysekit.paths import mirror_dir, processed_dir, raw_dir

__all__ = [
    "BUILD_INFO",
    "MANIFEST",
    "count_rows",
    "data_fingerprint",
    "mirror_commits",
    "processed_hashes",
    "read_build_info",
    "read_manifest",
    "read_meta",
    "sources_table",
    "verify_raw",
]

#: File in ``data/processed`` with the build record (inputs, rows, seconds, sha256).
BUILD_INFO = "build.json"
#: File in ``data/raw`` listing every raw file (name, source, retrieved_at, sha256, rows).
MANIFEST = "manifest.json"
#: Raw files whose rows are text lines (row count and last-line checks apply).
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
#: data_fingerprint per (folder, build.json's bytes).
_FINGERPRINTS: dict[tuple[str, bytes], str] = {}
_COMMIT = re.compile(r"commit\s+`?([0-9a-f]{7,40})`?\s*(\((\d{4}-\d{2}-\d{2})\))?")


# --------------------------------------------------------------------------- readers


def read_meta(table: str, folder: Path | None = None) -> dict[str, Any]:
    """Return the ``<table>.meta.yaml`` document of a processed table ({} when absent).

    Args:
        table: Canonical table name (``iv3``, ``iv3_levering``, ``gemeenten`` …).
        folder: Processed folder (default ``data/processed``).

    Raises:
        DataError: The file exists but is not valid YAML.
    """
    import yaml

    path = (folder or processed_dir()) / f"{table}.meta.yaml"
    if not path.is_file():
        return {}
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid"
        raise DataError(
            f"{path}: geen geldige YAML ({first}); voer `analysekit data build --force` uit"
        ) from None


def read_manifest(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Return the raw manifest as ``name → entry``; empty when none was written yet.

    Raises:
        DataError: The manifest exists but is not valid JSON with a ``files`` list.
    """
    path = (root or raw_dir()) / MANIFEST
    if not path.is_file():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {e["name"]: e for e in files}
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{path}: geen geldig manifest ({type(exc).__name__}: {exc}); verwacht: JSON met "
            "een lijst 'files'; voer `analysekit data fetch` uit om het opnieuw te schrijven"
        ) from None


def mirror_commits(folders: Iterable[str], mirror: Path | None = None) -> dict[str, str]:
    """Return ``folder → 'commit 67cc06d813 (2025-04-28)'`` from the mirror's SOURCE.md files.

    Folders without a SOURCE.md or without a commit line are left out; without a mirror
    the result is empty (a live install need not have one).
    """
    try:
        root = mirror_dir(mirror)
    except AnalysekitError:
        return {}
    out: dict[str, str] = {}
    for folder in folders:
        path = root / folder / "SOURCE.md"
        if not path.is_file():
            continue
        m = _COMMIT.search(path.read_text(encoding="utf-8"))
        if m:
            out[folder] = f"commit {m.group(1)[:10]}" + (f" ({m.group(3)})" if m.group(3) else "")
    return out


def read_build_info(folder: Path | None = None) -> dict[str, Any]:
    """Return ``data/processed/build.json`` ({} when absent or unreadable)."""
    path = (folder or processed_dir()) / BUILD_INFO
    if not path.is_file():
        return {}
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def processed_hashes(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """sha256 of ``<name>.parquet`` and ``<name>.meta.yaml`` per table (files that exist)."""
    out: dict[str, str] = {}
    for name in names:
        for suffix in (".parquet", ".meta.yaml"):
            path = folder / f"{name}{suffix}"
            if path.is_file():
                out[path.name] = io.sha256_file(path)
    return out


def data_fingerprint(folder: Path | None = None) -> str:
    """A stable hash of the processed data, from the sha256 values recorded in build.json.

    Two builds of the same inputs by the same kit version give the same fingerprint, and
    any rebuild that changes a table changes it. It does not depend on file times, so a
    copy of ``data/processed`` keeps its fingerprint. Without a build record (tables not
    built by ``analysekit data build``) it falls back to the names, sizes and contents'
    sha256 of the parquet files.

    Args:
        folder: Processed folder (default ``data/processed``).

    Returns:
        A hex sha256 string.
    """
    folder = folder or processed_dir()
    # a report asks for this dozens of times: parse build.json once per content
    try:
        stamp: tuple[str, bytes] | None = (str(folder), (folder / BUILD_INFO).read_bytes())
    except OSError:
        stamp = None
    if stamp is not None and stamp in _FINGERPRINTS:
        return _FINGERPRINTS[stamp]
    info = read_build_info(folder)
    files = info.get("sha256") if isinstance(info.get("sha256"), dict) else None
    h = hashlib.sha256()
    if files:
        h.update(
            json.dumps({"inputs": info.get("inputs"), "sha256": files}, sort_keys=True).encode()
        )
        if stamp is not None:
            _FINGERPRINTS[stamp] = h.hexdigest()
        return h.hexdigest()
    if folder.is_dir():
        for p in sorted(folder.glob("*.parquet")):
            h.update(f"{p.name}\0{io.sha256_file(p)}\n".encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- raw checks


def count_rows(path: Path) -> int:
    """Count data rows the way the manifest does: non-blank lines minus the header line.

    JSON and GeoJSON files count their features (or list items), any other JSON as 1;
    parquet files their rows (from the file's metadata).
    """
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception as exc:  # noqa: BLE001 - any unreadable parquet is a data error
            raise DataError(f"{path}: geen leesbaar parquet-bestand ({exc})") from None
    if path.suffix in {".json", ".geojson"}:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DataError(f"{path}: geen geldige JSON ({exc})") from None
        if isinstance(doc, dict) and "features" in doc:
            return len(doc["features"])
        return len(doc) if isinstance(doc, list) else 1
    if path.name.endswith(".gz"):
        import gzip
        import zlib

        try:
            with gzip.open(path, "rb") as fh:
                lines = sum(1 for line in fh if line.strip())
        except (EOFError, OSError, zlib.error) as exc:
            raise DataError(
                f"{path}: gzip-bestand is afgebroken of beschadigd ({type(exc).__name__}); "
                "verwacht: een volledig bestand; voer `analysekit data fetch` uit"
            ) from None
        return max(lines - 1, 0)
    with open(path, "rb") as fh:
        lines = sum(1 for line in fh if line.strip())
    return max(lines - 1, 0)


def verify_raw(root: Path | None = None) -> int:
    """Check every raw file against the manifest before a build.

    For each manifest entry: the file exists; a text table's last line is complete (as
    many fields as the header); its row count and sha256 equal the manifest's.

    Args:
        root: Raw data folder (default ``data/raw``).

    Returns:
        The number of files checked.

    Raises:
        DataError: The first file that is missing, cut mid-row, or altered, in one line
            naming the file, what was found and what the manifest expected.
    """
    root = root or raw_dir()
    manifest = read_manifest(root)
    fix = "voer `analysekit data fetch` uit om het te herstellen"
    for name, entry in sorted(manifest.items()):
        path = root / str(entry.get("path", name))
        if not path.is_file():
            raise DataError(
                f"{path}: staat in {root / MANIFEST} maar ontbreekt; "
                "voer `analysekit data fetch` uit"
            )
        gz = path.name.endswith(".csv.gz")
        text = path.suffix in _TEXT_SUFFIXES or gz
        if text and not gz:
            cut = incomplete_last_line(path)
            if cut:
                raise DataError(f"{path}: {cut}; verwacht: een volledig bestand; {fix}")
        want_rows = entry.get("rows")
        if text and isinstance(want_rows, int):
            rows = count_rows(path)
            if rows != want_rows:
                raise DataError(
                    f"{path}: {rows} datarijen; verwacht: {want_rows} volgens "
                    f"{root / MANIFEST} (bestand ingekort of gewijzigd); {fix}"
                )
        want_sha = entry.get("sha256")
        if want_sha and io.sha256_file(path) != want_sha:
            raise DataError(
                f"{path}: sha256 wijkt af van {root / MANIFEST} (bestand gewijzigd na het "
                f"ophalen); verwacht: {str(want_sha)[:12]}…; {fix}"
            )
    return len(manifest)


# --------------------------------------------------------------------------- sources

#: Mirror folder(s) that hold the offline copy of each source (for the footnote).
_MIRROR_FOLDERS: dict[str, tuple[str, ...]] = {
    "iv3": ("michielsd-begrotingsanalysetool",),
    "iv3_meerjarig": ("cbs-iv3-meerjarig",),
    "iv3_beide": ("michielsd-begrotingsanalysetool", "cbs-iv3-meerjarig"),
    "klassen": ("michielsd-begrotingsanalysetool",),
    "gf": ("michielsd-begrotingsanalysetool",),
    "70072ned": ("lostconnectionhere-r_practice",),
    "60039fvw": ("lostconnectionhere-r_practice", "tinatiresome-spatial-heart"),
    "83765NED": ("mapnl-kwb2017",),
    "85039NED": ("nlstat-kwb2021",),
    "grenzen": ("propertyapp-gemeentegrenzen", "nlstat-kwb2021", "rubensan19-kaarten"),
}
_CIRCULAIRE = {"M": "meicirculaire", "S": "septembercirculaire"}


def _span(jaren: Iterable[int]) -> str:
    js = sorted({int(j) for j in jaren})
    if not js:
        return ""
    return str(js[0]) if len(js) == 1 else f"{js[0]}–{js[-1]}"


def _column(folder: Path, table: str, cols: Sequence[str]) -> pd.DataFrame:
    path = folder / f"{table}.parquet"
    if not path.is_file():
        return pd.DataFrame(columns=list(cols))
    try:
        return pd.read_parquet(path, columns=list(cols)).drop_duplicates()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        raise DataError(
            f"{path}: niet leesbaar ({type(exc).__name__}); "
            "voer `analysekit data build --force` uit"
        ) from None


def sources_table(folder: Path | None = None, root: Path | None = None) -> pd.DataFrame:
    """The CBS and BZK tables behind each canonical table, for a report's source list.

    Args:
        folder: Processed folder (default ``data/processed``).
        root: Raw folder with the manifest (default ``data/raw``).

    Returns:
        DataFrame with one row per (canonical table, source table): ``tabel`` (canonical
        table), ``uitgever`` (CBS or BZK), ``id`` (CBS table id or circulaire code; empty
        where the source does not name one), ``titel``, ``jaren``, ``herkomst``
        (``live`` = downloaded from CBS OData, ``mirror`` = the offline copy) and
        ``mirror`` (the mirror folder and its snapshot commit, for a footnote; empty for
        live sources).
    """
    from analysekit.data.live import IV3_TABLES, KERNCIJFERS_TABLE, KWB_TABLES

    folder = folder or processed_dir()
    manifest = read_manifest(root)
    live_names = {
        str(e.get("name")) for e in manifest.values() if str(e.get("path", "")).startswith("live/")
    }
    rows: list[dict[str, str]] = []

    def add(
        tabel: str, uitgever: str, tid: str, titel: str, jaren: str, live: bool, key: str
    ) -> None:
        rows.append(
            {
                "tabel": tabel,
                "uitgever": uitgever,
                "id": tid,
                "titel": titel,
                "jaren": jaren,
                "herkomst": "live" if live else "mirror",
                "mirror": "" if live else ", ".join(_MIRROR_FOLDERS.get(key, ())),
            }
        )

    iv3 = _column(folder, "iv3", ["jaar", "verslagsoort", "baten_bekend"])
    for jaar, g in iv3.groupby("jaar", sort=True):
        soorten = ", ".join(sorted(set(g["verslagsoort"])))
        live = f"iv3_{int(jaar)}" in live_names
        # with baten: michielsd-begrotingsanalysetool; lasten only: cbs-iv3-meerjarig
        bekend = set(g["baten_bekend"].astype(bool))
        key = "iv3_beide" if len(bekend) == 2 else ("iv3" if True in bekend else "iv3_meerjarig")
        add(
            "iv3",
            "CBS",
            IV3_TABLES.get(int(jaar), ""),
            f"Gemeenten {int(jaar)} onbewerkte Iv3-data",
            f"{int(jaar)} ({soorten})",
            live,
            key,
        )
    gem = _column(folder, "gemeenten", ["jaar"])
    gj = sorted(int(j) for j in gem["jaar"])
    if gj:
        # Years with a Gemeenteklassen file come from it; earlier ones from 70072ned.
        from analysekit.data.mirror.gemeenten import KLASSEN_JAREN

        early = [j for j in gj if j < min(KLASSEN_JAREN)]
        late = [j for j in gj if j >= min(KLASSEN_JAREN)]
        if early:
            add(
                "gemeenten",
                "CBS",
                KERNCIJFERS_TABLE,
                "Regionale kerncijfers Nederland (inwoners op 1 januari)",
                _span(early),
                "kerncijfers_70072ned" in live_names,
                "70072ned",
            )
        if late:
            add(
                "gemeenten",
                "CBS",
                "",
                "Gemeenteklassen in de indeling van Gebieden in Nederland (grootte, "
                "stedelijkheid, inwoners; tabel-id niet vermeld door de bron)",
                _span(late),
                False,
                "klassen",
            )
    ken = _column(folder, "kenmerken", ["bron", "jaar"])
    for bron, g in ken.groupby("bron", sort=True):
        bron = str(bron)
        span = _span(g["jaar"])
        if bron.startswith("gf:"):
            circ = bron[3:].split("_")[0]
            add(
                "kenmerken",
                "BZK",
                circ,
                f"Gemeentefonds, {_CIRCULAIRE.get(circ[:1], '')} {circ[1:]} (maatstaven)",
                span,
                False,
                "gf",
            )
        elif bron.lower() == KERNCIJFERS_TABLE:
            add(
                "kenmerken",
                "CBS",
                bron,
                "Regionale kerncijfers Nederland",
                span,
                "kerncijfers_70072ned" in live_names,
                "70072ned",
            )
        elif bron.lower() == "60039fvw":
            add(
                "kenmerken",
                "CBS",
                bron,
                "Maatstaven Financiële-verhoudingswet (gemeentefonds)",
                span,
                False,
                "60039fvw",
            )
        else:
            ed = next((j for j, t in KWB_TABLES.items() if t == bron), None)
            titel = f"Kerncijfers wijken en buurten {ed}" if ed else "CBS-tabel"
            add("kenmerken", "CBS", bron, titel, span, f"kwb_{ed}" in live_names, bron)
    gf = _column(folder, "gemeentefonds", ["circulaire", "uitkeringsjaar"])
    for (circ, jaar), _ in gf.groupby(["circulaire", "uitkeringsjaar"], sort=True):
        add(
            "gemeentefonds",
            "BZK",
            str(circ),
            f"Gemeentefonds, {_CIRCULAIRE.get(str(circ)[:1], '')} "
            f"{str(circ)[1:]} (verdeelmodel en integratie- en decentralisatie-uitkeringen)",
            f"uitkeringsjaar {int(jaar)}",
            False,
            "gf",
        )
    gr = _column(folder, "grenzen", ["jaar"])
    if len(gr):
        add(
            "grenzen",
            "CBS",
            "",
            "Wijk- en buurtkaart / gebiedsindelingen (PDOK), gemeentegrenzen",
            _span(gr["jaar"]),
            False,
            "grenzen",
        )
    out = pd.DataFrame(
        rows, columns=["tabel", "uitgever", "id", "titel", "jaren", "herkomst", "mirror"]
    )
    folders = sorted({f for m in out["mirror"] if m for f in m.split(", ")})
    commits = mirror_commits(folders)
    out["mirror"] = [
        ", ".join(f"{f} ({commits[f]})" if f in commits else f for f in m.split(", ")) if m else ""
        for m in out["mirror"]
    ]
    return out
