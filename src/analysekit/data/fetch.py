"""``analysekit data fetch``: get the raw data into ``data/raw`` with a manifest.

Two ways in:

* **live**: CBS OData (:mod:`analysekit.data.live`; bulk data from the feed), written to
  ``data/raw/live``, one file per source;
* **mirror**: a snapshot copy of the offline mirror of real CBS/BZK files
  (``../shared/data``), written to ``data/raw/mirror`` with the same layout.

``mode="auto"`` (the default, used by ``make demo``) tries CBS first and falls back to the
mirror when CBS is unreachable, or per source when one live source fails, saying so.
Sources the live path does not cover (BZK gemeentefonds files, boundaries) always come
from the mirror.

Every raw file gets a manifest entry in ``data/raw/manifest.json``: name, source, retrieved_at,
sha256, rows, path. Files are written atomically; a file whose checksum is unchanged is not
copied again, so a second run writes nothing new.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysekit import io
from analysekit.data.provenance import count_rows as _count_rows
from analysekit.data.provenance import read_manifest
from analysekit.errors import DataError, SourceUnavailable
from analysekit.paths import mirror_dir, raw_dir

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MIRROR_SUBDIR = "mirror"
LIVE_SUBDIR = "live"
# Files in the mirror that the kit reads; everything else in the mirror is left alone.
MIRROR_SUFFIXES = {".csv", ".json", ".geojson", ".parquet"}
#: Compressed files the kit reads (gzip CSV, e.g. ``cbs-iv3-meerjarig``).
MIRROR_COMPRESSED = (".csv.gz",)


def _is_data_file(path: Path) -> bool:
    return path.is_file() and (
        path.suffix in MIRROR_SUFFIXES or path.name.endswith(MIRROR_COMPRESSED)
    )


def _read_sources(root: Path) -> dict[str, Any]:
    """Return the live-source statuses recorded in the manifest (name -> status dict)."""
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("sources", {}))
    except (ValueError, AttributeError):
        return {}


def _write_manifest(
    root: Path, entries: dict[str, dict[str, Any]], sources: dict[str, Any] | None = None
) -> None:
    """Write the manifest: every file (with ``via``) and the live-source statuses."""
    files = []
    for e in sorted(entries.values(), key=lambda e: e["name"]):
        via = "live" if e["name"].startswith(f"{LIVE_SUBDIR}/") else "mirror"
        files.append({**e, "via": e.get("via", via)})
    doc: dict[str, Any] = {"files": files}
    known = _read_sources(root) if sources is None else sources
    if known:
        doc["sources"] = known
    io.write_json(root / MANIFEST, doc)


def fetch_mirror(
    mirror: str | Path | None = None,
    root: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Snapshot the offline mirror into ``data/raw/mirror``.

    Args:
        mirror: Mirror folder (default ``$ANALYSEKIT_MIRROR`` or ``../shared/data``).
        root: Raw data folder (default ``data/raw``).
        progress: Optional callback receiving a line per copied file.

    Returns:
        The manifest entries of all snapshot files (copied or already up to date).

    Raises:
        DataError: The mirror does not exist or holds no data files.
    """
    src = mirror_dir(mirror)
    root = root or raw_dir()
    dest_root = root / MIRROR_SUBDIR
    files = sorted(p for p in src.rglob("*") if _is_data_file(p))
    if not files:
        raise DataError(
            f"mirror-map {src} bevat geen .csv/.json/.geojson-bestanden; verwacht: de CBS-mirror"
        )
    old = read_manifest(root)
    entries: dict[str, dict[str, Any]] = dict(old)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    copied = 0
    for path in files:
        rel = path.relative_to(src).as_posix()
        name = f"{MIRROR_SUBDIR}/{rel}"
        digest = io.sha256_file(path)
        target = dest_root / rel
        prev = old.get(name)
        # Skip only when the raw copy itself still has the recorded hash: a copy damaged
        # after the fetch (cut, edited) is copied again from the mirror.
        if (
            prev
            and prev.get("sha256") == digest
            and target.is_file()
            and io.sha256_file(target) == digest
        ):
            continue
        with io.atomic_path(target) as tmp:
            shutil.copyfile(path, tmp)
        copied += 1
        entries[name] = {
            "name": name,
            "source": f"mirror:{rel}",
            "origin": str(path),
            "retrieved_at": now,
            "sha256": digest,
            "rows": _count_rows(path),
            "path": name,
        }
        if progress:
            progress(f"  {rel}")
    _write_manifest(root, entries)
    log.info("mirror snapshot: %d files copied, %d up to date", copied, len(files) - copied)
    return [entries[f"{MIRROR_SUBDIR}/{p.relative_to(src).as_posix()}"] for p in files]


def fetch(
    mode: str = "auto",
    *,
    mirror: str | Path | None = None,
    jaren: list[int] | None = None,
    root: Path | None = None,
    echo: Callable[[str], None] = print,
    progress: bool = True,
) -> dict[str, Any]:
    """Fetch raw data, live from CBS or from the offline mirror, source by source.

    Live sources (Iv3 per boekjaar, 70072ned, KWB per year) succeed or fail one by one:

    * ``auto``: CBS unreachable -> everything from the mirror. Otherwise each live source
      that fails falls back to the mirror on its own (one line per failure), and the others
      are used live. ``manifest.json`` says per file ``via: live`` or ``via: mirror`` and
      lists every live source with its status (``sources``).
    * ``live``: the failed sources are listed with their cause, what succeeded is kept
      (written and in the manifest), and :class:`SourceUnavailable` is raised (non-zero exit).

    The mirror snapshot is always made (BZK gemeentefonds files and boundaries only exist
    there, and it is what a failed source falls back to). Nothing in ``data/raw`` is replaced
    by a partial download.

    Args:
        mode: ``auto`` (live when reachable, else mirror), ``live`` or ``mirror``.
        mirror: Mirror folder for the offline path (and for sources live does not cover).
        jaren: Years for the live download (default: every Iv3 boekjaar CBS lists).
        root: Raw data folder (default ``data/raw``).
        echo: Where to print status lines.
        progress: Show progress bars for live downloads.

    Returns:
        A summary: ``{"mode", "files", "new_or_changed", "raw_dir", "failed"}``.

    Raises:
        SourceUnavailable: ``mode="live"`` and CBS cannot be reached, or a source failed.
        DataError: The mirror is missing or malformed.
    """
    if mode not in {"auto", "live", "mirror"}:
        raise DataError(f"onbekende fetch-modus {mode!r}; verwacht: auto, live of mirror")
    root = root or raw_dir()
    used = mode
    live_entries: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    statuses: dict[str, Any] = {}
    if mode in {"auto", "live"}:
        from analysekit.data import live

        if mode == "auto" and not live.is_reachable():
            echo(f"CBS OData is niet bereikbaar: offline mirror gebruikt ({mirror_dir(mirror)})")
            used = "mirror"
        else:
            years = jaren or _default_years(live)
            result = live.fetch_live(root, years, progress=progress)
            live_entries = list(result)
            failures = list(getattr(result, "failures", []))
            statuses = dict(getattr(result, "sources", {}))
            for fail in failures:
                tail = ": offline mirror gebruikt voor deze bron" if mode == "auto" else ""
                echo(f"CBS-bron {fail['name']} mislukt: {fail['cause']}{tail}")
            if mode == "auto" and failures and not live_entries:
                used = "mirror"
            elif failures:
                used = f"{mode} (deels mirror)" if mode == "auto" else mode
    entries = read_manifest(root)
    for entry in live_entries:
        entries[entry["name"]] = {**entry, "via": "live"}
    sources = _read_sources(root)
    for name, status in statuses.items():
        fail = next((f for f in failures if f["name"] == name), None)
        sources[name] = {
            "status": status,
            "via": "live" if status != "failed" else ("mirror" if mode == "auto" else "none"),
            **({"cause": fail["cause"], "url": fail["url"]} if fail else {}),
        }
    if live_entries or statuses:
        _write_manifest(root, entries, sources)
    before = read_manifest(root)
    mirror_entries = fetch_mirror(mirror, root)
    after = read_manifest(root)
    changed = sum(1 for k, v in after.items() if before.get(k, {}).get("sha256") != v["sha256"])
    if mode == "live" and failures:
        names = ", ".join(f["name"] for f in failures)
        raise SourceUnavailable(
            f"{len(failures)} CBS-bron(nen) mislukt ({names}); de geslaagde bronnen zijn "
            f"bewaard in {root / LIVE_SUBDIR}"
        )
    return {
        "mode": used,
        "files": len(mirror_entries) + len(live_entries),
        "new_or_changed": changed + len(live_entries),
        "raw_dir": str(root),
        "failed": [f["name"] for f in failures],
    }


def _default_years(live: Any) -> list[int]:
    """Every Iv3 boekjaar the CBS catalogue lists (the known ids when it cannot be read)."""
    from analysekit.data.cbs_odata import CbsClient

    return sorted(live.discover_iv3_tables(CbsClient(retries=1)))
