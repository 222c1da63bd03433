"""``analysekit data build``: raw snapshot → validated canonical tables in ``data/processed``.

Stages (owid-style): the raw snapshot in ``data/raw`` (immutable, as fetched) is read by one
adapter per source (``analysekit.data.mirror.*`` for the mirror layout, ``live`` parquet
files for CBS OData downloads, which take precedence for the years they cover), harmonised
(taakveld → domein, aggregates that refinements replace dropped), validated (pandera schema +
chainable content checks) and only then written, each table atomically, with a
``<table>.meta.yaml`` beside it. If any table fails, nothing in ``data/processed`` is replaced.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysekit import __version__, io
from analysekit.data import schemas
from analysekit.data.fetch import LIVE_SUBDIR, MIRROR_SUBDIR, fetch_mirror, read_manifest
from analysekit.data.validate import Checks
from analysekit.errors import DataError
from analysekit.paths import processed_dir, raw_dir

log = logging.getLogger(__name__)

BUILD_INFO = "build.json"
TABLE_NAMES = tuple(schemas.TABLES)


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


def build_iv3(snap: Path, root: Path) -> pd.DataFrame:
    """Iv3 from the mirror snapshot, overridden by live downloads per (jaar, verslagsoort)."""
    from analysekit.data import taakvelden
    from analysekit.data.mirror.iv3 import build_iv3_raw

    raw = build_iv3_raw(snap)
    live = _live_frames(root, "iv3_")
    if live:
        lv = pd.concat(live, ignore_index=True)
        covered = set(zip(lv["jaar"], lv["verslagsoort"], strict=True))
        keep = [
            (j, v) not in covered for j, v in zip(raw["jaar"], raw["verslagsoort"], strict=True)
        ]
        raw = pd.concat([raw[keep], lv[raw.columns]], ignore_index=True)
    out = taakvelden.drop_replaced_aggregates(raw)
    out = taakvelden.add_domein(out, mirror=snap)
    cols = list(schemas.TABLES["iv3"].columns)
    return (
        out[cols]
        .sort_values(["jaar", "verslagsoort", "gm_code", "taakveld"])
        .reset_index(drop=True)
    )


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
    tables["iv3"] = step("iv3", lambda: build_iv3(snap, root))
    tables["kenmerken"] = step("kenmerken", lambda: build_kenmerken(snap, root))
    tables.update(step("gemeentefonds", lambda: build_gemeentefonds(snap)))
    tables["grenzen"] = step("grenzen", lambda: build_grenzen(snap))
    tables["herindelingen"] = step(
        "herindelingen", lambda: herindeling.build_crosswalk(tables["grenzen"])
    )
    return {"tables": tables, "timings": timings}


def check_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Validate every table against its schema and the cross-table content rules."""
    out = {name: schemas.validate(name, df) for name, df in tables.items()}
    gem = out["gemeenten"]
    iv3 = out["iv3"]
    jr2023 = lambda d: d["jaar"].eq(2023) & d["verslagsoort"].eq("jaarrekening")  # noqa: E731
    (
        Checks(iv3, "iv3")
        .not_empty()
        .count_between("gm_code", 300, 400, where=jr2023)
        .subset_of("gm_code", gem["gm_code"], "gemeenten")
    )
    Checks(gem, "gemeenten").count_between("gm_code", 300, 400, where=lambda d: d["jaar"].eq(2023))
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


def is_up_to_date(root: Path | None = None, out_dir: Path | None = None) -> bool:
    """True when every table exists and was built from the current raw snapshot."""
    out_dir = out_dir or processed_dir()
    info = out_dir / BUILD_INFO
    if not info.is_file() or not all((out_dir / f"{n}.parquet").is_file() for n in TABLE_NAMES):
        return False
    try:
        recorded = json.loads(info.read_text(encoding="utf-8")).get("inputs")
    except ValueError:
        return False
    return recorded == inputs_fingerprint(root)


def build(
    *,
    root: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build, validate and write all canonical tables.

    Args:
        root: Raw data folder (default ``data/raw``); made from the mirror if empty.
        out_dir: Output folder (default ``data/processed``).
        force: Rebuild even when the outputs are up to date.
        echo: Where to print status lines.

    Returns:
        Build info: inputs fingerprint, rows per table, seconds per step.

    Raises:
        DataError: A raw file is malformed or a table fails validation; nothing written.
    """
    root = root or raw_dir()
    out_dir = out_dir or processed_dir()
    if not force and is_up_to_date(root, out_dir):
        echo(f"Tabellen in {out_dir} zijn actueel (niets te doen; --force om opnieuw te bouwen)")
        return json.loads((out_dir / BUILD_INFO).read_text(encoding="utf-8"))
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
    }
    io.write_json(out_dir / BUILD_INFO, info)
    return info


def require_built(out_dir: Path | None = None, echo: Callable[[str], None] = print) -> Path:
    """Build the tables if any is missing; return the processed folder."""
    out_dir = out_dir or processed_dir()
    if not all((out_dir / f"{n}.parquet").is_file() for n in TABLE_NAMES):
        echo("Canonieke tabellen ontbreken: analysekit data build wordt uitgevoerd")
        build(out_dir=out_dir, echo=echo)
    return out_dir


__all__ = ["build", "build_tables", "check_tables", "require_built", "DataError"]
