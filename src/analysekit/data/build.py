"""``analysekit data build``: raw snapshot → validated canonical tables in ``data/processed``.

Stages (owid-style): the raw snapshot in ``data/raw`` (immutable, as fetched) is first
checked against its manifest (no file cut mid-row, row counts and sha256 as recorded; see
:func:`analysekit.data.provenance.verify_raw`), then read by one adapter per source
(``analysekit.data.mirror.*`` for the mirror layout, ``live`` parquet files for CBS OData
downloads, which take precedence for the years they cover), harmonised (taakveld → domein,
aggregates that refinements replace dropped, submissions without any amount split off into
``iv3_levering``, see :mod:`analysekit.data.levering`), validated (pandera schema +
chainable content checks) and only then written, each table atomically, with a
``<table>.meta.yaml`` beside it. If any table fails, nothing in ``data/processed`` is replaced.

``build.json`` records the inputs fingerprint and the sha256 of every processed file; a
build is "up to date" only when the raw snapshot is unchanged **and** every processed file
still has the recorded sha256, so a corrupt or altered table is rebuilt.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysekit import __version__, io, settings
from analysekit.data import schemas
from analysekit.data.fetch import LIVE_SUBDIR, MIRROR_SUBDIR, fetch_mirror
from analysekit.data.provenance import (
    BUILD_INFO,
    processed_hashes,
    read_build_info,
    read_manifest,
    verify_raw,
)
from analysekit.data.validate import Checks
from analysekit.errors import DataError
from analysekit.paths import processed_dir, raw_dir

log = logging.getLogger(__name__)

TABLE_NAMES = tuple(schemas.TABLES)


@dataclass(frozen=True)
class BuildResult(Mapping[str, Any]):
    """What :func:`build` did.

    Attributes:
        rebuilt: True when the tables were built and written in this call; False when
            they were already up to date and nothing was written.
        reason: Why (Dutch, for a status line): e.g. ``"actueel"``, ``"--force"``,
            ``"iv3.parquet wijkt af van de build (sha256)"``, ``"ruwe data gewijzigd"``.
        info: The build record (``build.json``): ``inputs``, ``rows``, ``seconds``,
            ``sha256``. The result also reads as a mapping of these keys plus
            ``rebuilt`` and ``reason`` (``result["rows"]``, ``result.get("rebuilt")``).
        out_dir: The processed folder.
    """

    rebuilt: bool
    reason: str
    info: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None

    def _view(self) -> dict[str, Any]:
        return {**self.info, "rebuilt": self.rebuilt, "reason": self.reason}

    def __getitem__(self, key: str) -> Any:
        return self._view()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._view())

    def __len__(self) -> int:
        return len(self._view())


def _snapshot(root: Path, echo: Callable[[str], None]) -> Path:
    """Return the mirror snapshot folder, creating it from the mirror if absent."""
    snap = root / MIRROR_SUBDIR
    if not snap.is_dir() or not read_manifest(root):
        echo("Geen ruwe data gevonden: snapshot van de offline mirror wordt gemaakt")
        fetch_mirror(root=root)
    return snap


def _live_frames(root: Path, prefix: str) -> list[pd.DataFrame]:
    live = root / LIVE_SUBDIR
    return (
        [pd.read_parquet(p) for p in sorted(live.glob(f"{prefix}*.parquet"))]
        if live.is_dir()
        else []
    )


def build_iv3(
    snap: Path, root: Path, gemeenten: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Iv3 from every source, one source per (jaar, verslagsoort).

    Precedence per submission year and verslagsoort: a live CBS download, else the
    ``michielsd-begrotingsanalysetool`` files (lasten **and baten**, with the 2023
    sub-taakvelden), else ``cbs-iv3-meerjarig`` (lasten only: ``baten_eur`` NaN and
    ``baten_bekend`` False; its mixed PGB code 6.79 is divided over Wmo and Jeugd by
    :func:`analysekit.data.mirror.iv3_meerjarig.split_pgb`).

    Returns:
        ``(iv3, iv3_levering)``: the real submissions only, and per gemeente of each
        jaar's indeling whether it delivered (see :mod:`analysekit.data.levering`).
    """
    from analysekit.data import taakvelden
    from analysekit.data.levering import split_levering
    from analysekit.data.mirror import iv3_meerjarig
    from analysekit.data.mirror.iv3 import build_iv3_raw

    naam = iv3_meerjarig.NAAM_COLUMN
    raw = build_iv3_raw(snap)
    live = _live_frames(root, "iv3_")
    if live:
        lv = pd.concat(live, ignore_index=True)
        covered = set(zip(lv["jaar"], lv["verslagsoort"], strict=True))
        keep = [
            (j, v) not in covered for j, v in zip(raw["jaar"], raw["verslagsoort"], strict=True)
        ]
        raw = pd.concat([raw[keep], lv[raw.columns]], ignore_index=True)
    have = raw[["jaar", "verslagsoort"]].drop_duplicates()
    mj = iv3_meerjarig.read_lasten(snap)
    rest = mj.merge(have, on=["jaar", "verslagsoort"], how="left", indicator=True)["_merge"]
    mj = iv3_meerjarig.split_pgb(mj[(rest == "left_only").to_numpy()], raw)
    raw = pd.concat(
        [raw.assign(**{naam: None, "baten_bekend": True}), mj.assign(baten_bekend=False)],
        ignore_index=True,
    )
    out = taakvelden.drop_replaced_aggregates(raw)
    out, levering = split_levering(out, gemeenten)
    out = taakvelden.add_domein(out, mirror=snap)
    own = out[naam].notna()
    out.loc[own, "taakveld_naam"] = out.loc[own, naam]
    cols = list(schemas.TABLES["iv3"].columns)
    iv3 = (
        out[cols]
        .sort_values(["jaar", "verslagsoort", "gm_code", "taakveld"])
        .reset_index(drop=True)
    )
    return iv3, levering


def build_kenmerken(snap: Path, root: Path) -> pd.DataFrame:
    """Kenmerken from the mirror; live CBS kenmerken take precedence for the same key."""
    from analysekit.data.mirror.kenmerken import build_kenmerken as from_mirror

    frames = [*_live_frames(root, "kerncijfers_"), *_live_frames(root, "kwb_"), from_mirror(snap)]
    out = pd.concat(frames, ignore_index=True).drop_duplicates(["gm_code", "jaar", "kenmerk"])
    return out.sort_values(["kenmerk", "jaar", "gm_code"]).reset_index(drop=True)


def build_tables(root: Path | None = None, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Build every canonical table in memory (no writes) and return them with timings."""
    from analysekit.data import herindeling
    from analysekit.data.mirror.gemeentefonds import build_gemeentefonds
    from analysekit.data.mirror.gemeenten import build_gemeenten
    from analysekit.data.mirror.grenzen import build_grenzen
    from analysekit.data.mirror.iv3_meerjarig import read_totalen
    from analysekit.data.series_build import build_domein_reeks

    root = root or raw_dir()
    snap = _snapshot(root, echo)
    tables: dict[str, Any] = {}
    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = fn()
        timings[name] = round(time.perf_counter() - t0, 3)
        return result

    tables["gemeenten"] = step("gemeenten", lambda: build_gemeenten(snap))
    tables["iv3"], tables["iv3_levering"] = step(
        "iv3", lambda: build_iv3(snap, root, tables["gemeenten"])
    )
    tables["kenmerken"] = step("kenmerken", lambda: build_kenmerken(snap, root))
    tables.update(step("gemeentefonds", lambda: build_gemeentefonds(snap)))
    tables["grenzen"] = step("grenzen", lambda: build_grenzen(snap))
    tables["herindelingen"] = step(
        "herindelingen", lambda: herindeling.build_crosswalk(tables["grenzen"])
    )
    tables["iv3_totalen"] = step("iv3_totalen", lambda: read_totalen(snap))
    tables["domein_reeks"] = step("domein_reeks", lambda: build_domein_reeks(tables))
    return {"tables": tables, "timings": timings}


def check_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Validate every table against its schema and the cross-table content rules."""
    out = {name: schemas.validate(name, df) for name, df in tables.items()}
    gem = out["gemeenten"]
    iv3 = out["iv3"]
    lev = out["iv3_levering"]
    lo, hi = settings.GEMEENTEN_PER_INDELING
    Checks(iv3, "iv3").not_empty().subset_of("gm_code", gem["gm_code"], "gemeenten")
    Checks(gem, "gemeenten").count_between_by("gm_code", lo, hi, ["jaar"])
    (
        Checks(lev, "iv3_levering")
        .not_empty()
        .count_between_by("gm_code", lo, hi, ["jaar", "verslagsoort"])
        .subset_of("gm_code", gem["gm_code"], "gemeenten")
    )
    delivered = lev.loc[lev["geleverd"], ["gm_code", "jaar", "verslagsoort"]]
    in_iv3 = iv3[["gm_code", "jaar", "verslagsoort"]].drop_duplicates()
    if len(delivered) != len(in_iv3) or len(delivered.merge(in_iv3)) != len(in_iv3):
        raise DataError(
            f"tabel 'iv3_levering': {len(delivered)} geleverde opgaven maar iv3 bevat er "
            f"{len(in_iv3)}; verwacht: iv3 bevat precies de geleverde opgaven"
        )
    Checks(out["gemeentefonds"], "gemeentefonds").subset_of("gm_code", gem["gm_code"], "gemeenten")
    Checks(out["herindelingen"], "herindelingen").sums_equal(
        "aandeel",
        ["van_jaar", "van_gm_code"],
        out["herindelingen"].assign(een=1.0).drop_duplicates(["van_jaar", "van_gm_code"]),
        "een",
        rtol=1e-6,
    )
    return out


def inputs_fingerprint(root: Path | None = None) -> str:
    """Checksum over the raw manifest and the kit version: what a build depends on."""
    manifest = read_manifest(root or raw_dir())
    payload = json.dumps(
        {"version": __version__, "files": {k: v["sha256"] for k, v in sorted(manifest.items())}},
        sort_keys=True,
    )
    return io.sha256_bytes(payload.encode())


def stale_reason(root: Path | None = None, out_dir: Path | None = None) -> str | None:
    """Why the processed tables must be rebuilt, or None when they are up to date.

    Up to date means: every table and its metadata exist, ``build.json`` was written from
    the current raw manifest and kit version, and every processed file still has the
    sha256 recorded in ``build.json``.

    Returns:
        A short Dutch reason (for a status line), or None.
    """
    out_dir = out_dir or processed_dir()
    info = read_build_info(out_dir)
    if not info:
        return "nog niet gebouwd"
    missing = [n for n in TABLE_NAMES if not (out_dir / f"{n}.parquet").is_file()]
    if missing:
        return f"tabel {missing[0]} ontbreekt"
    if info.get("inputs") != inputs_fingerprint(root):
        return "ruwe data of kitversie gewijzigd sinds de vorige build"
    recorded = info.get("sha256")
    if not isinstance(recorded, dict) or not recorded:
        return "build.json bevat geen controlegetallen (oudere build)"
    current = processed_hashes(out_dir, TABLE_NAMES)
    for fname in sorted(set(recorded) | set(current)):
        if recorded.get(fname) != current.get(fname):
            return f"{fname} wijkt af van de vorige build (sha256; beschadigd of gewijzigd)"
    return None


def is_up_to_date(root: Path | None = None, out_dir: Path | None = None) -> bool:
    """True when every table exists, was built from the current raw snapshot and is intact."""
    return stale_reason(root, out_dir) is None


def build(
    *,
    root: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> BuildResult:
    """Check the raw snapshot, then build, validate and write all canonical tables.

    The raw files are always checked against the manifest first (also when the tables
    are up to date), so an altered or truncated raw file is reported. When the tables are
    up to date, ``echo`` gets one line saying so and nothing else happens; otherwise it
    gets the reason for building, and the caller reports the result (``result.rebuilt``
    tells which of the two happened).

    Args:
        root: Raw data folder (default ``data/raw``); made from the mirror if empty.
        out_dir: Output folder (default ``data/processed``).
        force: Rebuild even when the outputs are up to date.
        echo: Where to print progress lines (e.g. that a mirror snapshot is made).

    Returns:
        A :class:`BuildResult`: ``rebuilt`` (False when up to date, nothing written),
        ``reason`` and ``info`` (the build record: inputs fingerprint, rows per table,
        seconds per step, sha256 per processed file).

    Raises:
        DataError: A raw file is missing, cut mid-row, altered or malformed, or a table
            fails validation; nothing in ``out_dir`` is written.
    """
    root = root or raw_dir()
    out_dir = out_dir or processed_dir()
    _snapshot(root, echo)
    verify_raw(root)
    reason = "--force" if force else stale_reason(root, out_dir)
    if reason is None:
        echo(
            f"Tabellen in {out_dir} zijn actueel en intact (niets te doen; --force om opnieuw "
            "te bouwen)"
        )
        return BuildResult(False, "actueel", read_build_info(out_dir), out_dir)
    if not force:
        echo(f"Tabellen worden gebouwd: {reason}")
    t0 = time.perf_counter()
    built = build_tables(root, echo)
    tables = check_tables(built["tables"])
    manifest = read_manifest(root)
    for name, df in tables.items():
        io.write_parquet(out_dir / f"{name}.parquet", df)
        meta = schemas.metadata(name, len(df), sorted(manifest))
        io.write_text(
            out_dir / f"{name}.meta.yaml", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        )
    info = {
        "inputs": inputs_fingerprint(root),
        "rows": {n: len(df) for n, df in tables.items()},
        "seconds": {**built["timings"], "total": round(time.perf_counter() - t0, 3)},
        "sha256": processed_hashes(out_dir, tables),
    }
    io.write_json(out_dir / BUILD_INFO, info)
    return BuildResult(True, reason, info, out_dir)


def require_built(out_dir: Path | None = None, echo: Callable[[str], None] = print) -> Path:
    """Build the tables if any is missing; return the processed folder."""
    out_dir = out_dir or processed_dir()
    if not all((out_dir / f"{n}.parquet").is_file() for n in TABLE_NAMES):
        echo("Canonieke tabellen ontbreken: analysekit data build wordt uitgevoerd")
        build(out_dir=out_dir, echo=echo)
    return out_dir


__all__ = [
    "BuildResult",
    "DataError",
    "build",
    "build_tables",
    "check_tables",
    "is_up_to_date",
    "require_built",
    "stale_reason",
]
