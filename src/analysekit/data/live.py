"""Live CBS sources: OData v3 tables -> the same frames the mirror adapters produce.

Sources (each one fails or succeeds on its own, see :func:`fetch_live`):

* ``iv3_<jaar>`` -- Iv3 lasten/baten per gemeente x verslagsoort x taakveld, one dataderden
  table per boekjaar, found in the catalogue (:func:`discover_iv3_tables`). Bulk data comes
  from the **feed** (``ODataFeed/.../TypedDataSet``), paged only by ``odata.nextLink`` and
  streamed page by page to parquet parts on disk: per page only gemeente rows of the
  begroting (``X000``) and jaarrekening (``X005``), taakvelden (no balance posts), L/B
  categories and non-zero amounts are kept, so memory stays bounded by one page plus the
  kept cells. A page cache keyed by the page URL lets an interrupted download resume at its
  last complete page.
* ``kerncijfers_70072ned`` -- population by age from 70072ned (all requested years).
* ``kwb_<jaar>`` -- Kerncijfers wijken en buurten at gemeente level.

Columns are read from ``DataProperties`` (the region may be a ``GeoDimension`` or
``GeoDetail``; older Iv3 tables name the taakveld dimension ``FunctieKostenplaatsBalanspost``
and the measures ``k_1stePlaatsing_1``/``k_2dePlaatsing_2``; the latest placement is used,
the earlier one where the latest is empty; units from DataProperties, ``1 000 euro`` x 1000).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysekit.data.cbs_odata import (
    DIMENSION_TYPES,
    CbsClient,
    api_url,
    catalog_url,
    dataderden_root,
    feed_url,
    full_url,
    is_reachable,
    opendata_root,
    startswith,
    table_id_from_url,
    unit_factor,
)
from analysekit.errors import AnalysekitError, DataError, ParameterError
from analysekit.io import sha256_bytes, sha256_file, write_json, write_parquet
from analysekit.vocab import GM_CODE, IV3_COLUMNS

__all__ = [
    "IV3_COLUMNS",
    "KERNCIJFERS_TABLE",
    "KNOWN_IV3_TABLES",
    "KWB_TABLES",
    "LONG_COLUMNS",
    "LiveResult",
    "aggregate_iv3",
    "discover_iv3_tables",
    "fetch_iv3",
    "fetch_kerncijfers",
    "fetch_kwb",
    "fetch_live",
    "is_reachable",
]

logger = logging.getLogger(__name__)

KNOWN_IV3_TABLES: dict[int, str] = {
    2017: "45038NED",
    2018: "45042NED",
    2019: "45046NED",
    2020: "45050NED",
    2021: "45054NED",
    2022: "45059NED",
    2023: "45063NED",
    2024: "45067NED",
    2025: "45071NED",
    2026: "45078NED",
}
"""Known 'Gemeenten <boekjaar> onbewerkte Iv3-data' tables; used when the catalogue fails."""
IV3_TABLES = KNOWN_IV3_TABLES  # backwards-compatible name

KWB_TABLES: dict[int, str] = {
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}
"""CBS Kerncijfers wijken en buurten per edition year."""

KERNCIJFERS_TABLE = "70072ned"
"""CBS Regionale kerncijfers Nederland."""

IV3_TITLE = re.compile(r"^\s*Gemeenten\s+(\d{4})\s+onbewerkte\s+Iv3-data\s*$", re.IGNORECASE)
IV3_CATALOG = "IV3"
LONG_COLUMNS = ["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"]

IV3_SENTINELS = (-99997.0, -99998.0)
"""Iv3 values meaning 'geen opgave'; compared for equality (real negatives are kept)."""
VERSLAGSOORT_SUFFIX = {"000": "begroting", "005": "jaarrekening"}
"""Suffix of the Verslagsoort code (``2023X005``) -> verslagsoort."""
SALARISSEN_CATEGORIE = "L1.1"
TAAKVELD_DIMENSIONS = ("TaakveldBalanspost", "FunctieKostenplaatsBalanspost")
PLACEMENT = re.compile(r"k_(\d+)(?:e|ste|de)Plaatsing(?:_\d+)?")

_GM = re.compile(GM_CODE)
_PERIODE_JAAR = re.compile(r"(\d{4})JJ00")
_KEPT = ["gm_code", "taakveld", "categorie", "verslagsoort", "bedrag"]


# ------------------------------------------------------------------ Iv3 discovery


def discover_iv3_tables(
    client: CbsClient, root: str | None = None, *, known: dict[int, str] | None = None
) -> dict[int, str]:
    """Return ``{boekjaar: table id}`` of the Iv3 gemeente tables.

    Reads ``{dataderden}/ODataCatalog/Tables`` (Catalog ``IV3``, title "Gemeenten YYYY
    onbewerkte Iv3-data"; when a year has several tables, the most recently modified one).
    A year that appears in the catalogue needs no code change. When the catalogue cannot be
    read, the known ids (:data:`KNOWN_IV3_TABLES`) are used, with a warning.
    """
    known = dict(KNOWN_IV3_TABLES if known is None else known)
    url = catalog_url(root or dataderden_root())
    try:
        rows = client.rows(url)
    except AnalysekitError as exc:
        logger.warning("CBS catalogue not readable (%s); known Iv3 table ids used", exc)
        return known
    found: dict[int, tuple[str, str]] = {}
    for row in rows:
        if not isinstance(row, dict) or str(row.get("Catalog", "")).strip().upper() != IV3_CATALOG:
            continue
        m = IV3_TITLE.match(str(row.get("Title", "")))
        ident = str(row.get("Identifier", "")).strip()
        if not m or not ident:
            continue
        jaar = int(m.group(1))
        stamp = str(row.get("Modified", ""))
        if jaar not in found or (stamp, ident) > found[jaar]:
            found[jaar] = (stamp, ident)
    if not found:
        logger.warning("CBS catalogue %s lists no Iv3 gemeente tables; known ids used", url)
        return known
    return {**known, **{j: ident for j, (_, ident) in found.items()}}


# --------------------------------------------------------------------- Iv3 layout


@dataclass(frozen=True)
class Iv3Layout:
    """Where the Iv3 fields are in one table, read from its DataProperties."""

    region: str
    taakveld: str
    categorie: str
    verslagsoort: str
    measure: str
    fallback: str | None
    factor: float
    unit: str | None

    @property
    def columns(self) -> list[str]:
        """The TypedDataSet columns the loader reads."""
        cols = [self.region, self.taakveld, self.categorie, self.verslagsoort, self.measure]
        return cols + ([self.fallback] if self.fallback else [])


def _region_key(props: pd.DataFrame, where: str) -> str:
    geo = props.loc[props["Type"].isin(["GeoDimension", "GeoDetail"]), "Key"].tolist()
    if not geo:
        raise DataError(
            f"{where}/DataProperties heeft geen regiokolom (GeoDimension/GeoDetail); verwacht: "
            "een CBS-tabel per gemeente"
        )
    return str(geo[0])


def iv3_layout(client: CbsClient, api: str) -> Iv3Layout:
    """Read the Iv3 layout of a table from ``{api}/DataProperties``.

    Raises:
        DataError: A dimension or the placement measure is missing, or the unit is not euro.
    """
    props = client.data_properties(api)
    dims = [str(k) for k in props.loc[props["Type"].isin(DIMENSION_TYPES), "Key"] if k]
    region = _region_key(props, api)
    taakveld = next((d for d in TAAKVELD_DIMENSIONS if d in dims), None) or next(
        (d for d in dims if d.endswith("Balanspost")), None
    )
    missing = [
        name
        for name, key in (
            ("TaakveldBalanspost", taakveld),
            ("Categorie", "Categorie" if "Categorie" in dims else None),
            ("Verslagsoort", "Verslagsoort" if "Verslagsoort" in dims else None),
        )
        if key is None
    ]
    if missing or taakveld is None:
        raise DataError(
            f"{api}/DataProperties mist de dimensie(s) {', '.join(missing)}; "
            f"gevonden: {', '.join(dims) or 'geen'}"
        )
    topics = props[~props["Type"].isin(DIMENSION_TYPES)]
    placements = sorted(
        (int(m.group(1)), str(k))
        for k in topics["Key"]
        if (m := PLACEMENT.fullmatch(str(k))) is not None
    )
    if not placements:
        raise DataError(
            f"{api}/DataProperties heeft geen plaatsingsonderwerp (verwacht: k_1ePlaatsing_N, "
            f"k_2ePlaatsing_N, k_1stePlaatsing_N of k_2dePlaatsing_N); gevonden: "
            f"{', '.join(str(k) for k in topics['Key']) or 'geen onderwerpen'}"
        )
    measure = placements[-1][1]
    fallback = placements[-2][1] if len(placements) > 1 else None
    unit = client.unit(api, measure)
    if unit is None or "euro" not in unit.lower():
        raise DataError(
            f"{api}/DataProperties: onderwerp {measure} heeft eenheid {unit!r}; verwacht: "
            "'1 000 euro'"
        )
    return Iv3Layout(
        region, taakveld, "Categorie", "Verslagsoort", measure, fallback, unit_factor(unit), unit
    )


def iv3_page_frame(rows: list[dict[str, Any]], layout: Iv3Layout, jaar: int) -> pd.DataFrame:
    """Reduce one feed page to the cells that count (the early filter of the stream).

    Keeps gemeente rows, verslagsoort ``<jaar>X000``/``<jaar>X005``, taakvelden (codes that
    start with a digit: balance posts ``A…``/``P…`` never count), categories ``L…``/``B…``
    (never ``Primo``/``Ultimo``) and amounts that are not 0 and not empty. The amount is the
    latest placement, the earlier one where the latest is empty, in the table's unit;
    'geen opgave' sentinels are kept here and become NaN in :func:`aggregate_iv3`.

    Raises:
        DataError: The page lacks one of the layout's columns.
    """
    if not rows:
        return _empty_kept()
    first = rows[0]
    missing = [c for c in layout.columns if c not in first]
    if missing:
        raise DataError(
            f"pagina van TypedDataSet mist kolom(men) {', '.join(missing)}; "
            f"wel aanwezig: {', '.join(list(first)[:12])}"
        )
    soorten = {f"{int(jaar)}X{k}": v for k, v in VERSLAGSOORT_SUFFIX.items()}
    vcol, rcol, tcol, ccol = layout.verslagsoort, layout.region, layout.taakveld, layout.categorie
    measure, fallback = layout.measure, layout.fallback
    is_gm = _GM.fullmatch
    g_out: list[str] = []
    t_out: list[str] = []
    c_out: list[str] = []
    v_out: list[str] = []
    b_out: list[float] = []
    # one pass in plain Python: most cells are 0.0 or of another verslagsoort and leave
    # after two dictionary lookups
    for r in rows:
        soort = r.get(vcol)
        soort = soorten.get(soort.strip()) if isinstance(soort, str) else None
        if soort is None:
            continue
        value = r.get(measure)
        if value is None and fallback is not None:
            value = r.get(fallback)
        if value is None or value == 0:
            continue
        if not isinstance(value, float | int):
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
        if value != value or value == 0:
            continue
        cat = r.get(ccol)
        cat = cat.strip() if isinstance(cat, str) else ""
        if cat[:1] not in ("L", "B"):
            continue
        tv = r.get(tcol)
        tv = tv.strip() if isinstance(tv, str) else ""
        if not tv[:1].isdigit():
            continue
        gm = r.get(rcol)
        gm = gm.strip() if isinstance(gm, str) else ""
        if is_gm(gm) is None:
            continue
        g_out.append(gm)
        t_out.append(tv)
        c_out.append(cat)
        v_out.append(soort)
        b_out.append(float(value))
    return pd.DataFrame(
        {
            "gm_code": pd.Series(g_out, dtype="str"),
            "taakveld": pd.Series(t_out, dtype="str"),
            "categorie": pd.Series(c_out, dtype="str"),
            "verslagsoort": pd.Series(v_out, dtype="str"),
            "bedrag": pd.Series(b_out, dtype="float64"),
        }
    )


def _empty_kept() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gm_code": pd.Series([], dtype="str"),
            "taakveld": pd.Series([], dtype="str"),
            "categorie": pd.Series([], dtype="str"),
            "verslagsoort": pd.Series([], dtype="str"),
            "bedrag": pd.Series([], dtype="float64"),
        }
    )


def _is_total_category(key: str, title: Any) -> bool:
    """Return whether a Categorie is a side total (``L``, ``B``, 'Totaal lasten', ...)."""
    if key in ("L", "B"):
        return True
    return isinstance(title, str) and title.strip().lower().startswith("totaal")


def _category_descendants(categories: pd.DataFrame) -> pd.DataFrame:
    """Return ``(categorie, descendant)`` pairs of aggregate Iv3 categories."""
    keys = [str(k) for k in categories["Key"]]
    titles = dict(zip(keys, categories.get("Title", pd.Series(keys)), strict=True))
    totals = {k for k in keys if _is_total_category(k, titles.get(k))}
    pairs = []
    for parent in keys:
        for child in keys:
            if child == parent or child in totals:
                continue
            if child.startswith(parent + ".") or (parent in totals and child[:1] == parent[:1]):
                pairs.append((parent, child))
    return pd.DataFrame(pairs, columns=["categorie", "descendant"], dtype="str")


def aggregate_iv3(
    kept: pd.DataFrame,
    jaar: int,
    *,
    factor: float = 1000.0,
    taakvelden: Sequence[str] | None = None,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn the kept Iv3 cells into lasten/baten/salarissen per taakveld, in euros.

    Args:
        kept: Cells as produced by :func:`iv3_page_frame` (``gm_code, taakveld, categorie,
            verslagsoort, bedrag``), all pages concatenated.
        jaar: Boekjaar.
        factor: Unit factor (``1 000 euro`` -> 1000).
        taakvelden: The taakvelden of the table (from its dimension list). Every gemeente
            with at least one cell in a verslagsoort gets a row for each of them (lasten and
            baten 0 where nothing was booked), like the mirror.
        categories: The ``Categorie`` dimension list (``Key``, ``Title``) to find aggregate
            categories; an aggregate is only counted where none of its sub-categories has
            an amount for the same gemeente, verslagsoort and taakveld.

    Returns:
        The canonical frame :data:`analysekit.vocab.IV3_COLUMNS`. 'Geen opgave' sentinels
        become NaN; a side whose cells are all 'geen opgave' is NaN; salarissen = L1.1
        (NaN where nothing was booked on it).
    """
    need = set(_KEPT)
    if not need <= set(kept.columns):
        raise DataError(
            f"Iv3-cellen voor {jaar} missen kolommen {sorted(need - set(kept.columns))}; "
            f"verwacht: {_KEPT}"
        )
    df = kept[_KEPT].copy()
    df["bedrag"] = df["bedrag"].astype("float64").mask(df["bedrag"].isin(IV3_SENTINELS)) * factor
    key = ["gm_code", "verslagsoort", "taakveld"]

    cats = pd.DataFrame({"Key": sorted(set(df["categorie"]))}, dtype="str")
    if categories is not None and not categories.empty:
        lookup = categories[["Key"] + (["Title"] if "Title" in categories else [])].copy()
        lookup["Key"] = lookup["Key"].astype("str").str.strip()
        cats = pd.concat([lookup, cats[~cats["Key"].isin(lookup["Key"])]], ignore_index=True)
    pairs = _category_descendants(cats)
    if not pairs.empty and not df.empty:
        present = df.loc[df["bedrag"].notna(), [*key, "categorie"]].rename(
            columns={"categorie": "descendant"}
        )
        covered = (
            df[[*key, "categorie"]]
            .reset_index()
            .merge(pairs, on="categorie")
            .merge(present.drop_duplicates(), on=[*key, "descendant"])
        )
        df = df.drop(index=pd.Index(covered["index"].unique()))

    df["side"] = df["categorie"].str[:1]
    sides = df.groupby([*key, "side"], sort=True)["bedrag"].sum(min_count=1)
    table = sides.unstack("side")
    for side in ("L", "B"):
        if side not in table.columns:
            table[side] = np.nan
    is_salaris = df["categorie"].eq(SALARISSEN_CATEGORIE) | df["categorie"].str.startswith(
        SALARISSEN_CATEGORIE + "."
    )
    salarissen = df[is_salaris].groupby(key)["bedrag"].sum(min_count=1)
    # a side without any cell is 0; a side whose cells are all 'geen opgave' stays NaN
    has = df.groupby([*key, "side"]).size().unstack("side")
    out = pd.DataFrame(index=table.index)
    for side, col in (("L", "lasten_eur"), ("B", "baten_eur")):
        booked = has[side].reindex(table.index) if side in has.columns else None
        values = table[side].astype("float64")
        out[col] = values.where(booked.notna(), 0.0) if booked is not None else 0.0
    out["salarissen_eur"] = salarissen.reindex(out.index).astype("float64")
    if taakvelden is not None and len(out):
        gem = out.reset_index()[["gm_code", "verslagsoort"]].drop_duplicates()
        grid = gem.merge(pd.DataFrame({"taakveld": list(dict.fromkeys(taakvelden))}), how="cross")
        out = out.reindex(pd.MultiIndex.from_frame(grid[key]).union(out.index))
        out.loc[~out.index.isin(table.index), ["lasten_eur", "baten_eur"]] = 0.0
    out = out.reset_index()
    out.insert(1, "jaar", int(jaar))
    out = out[list(IV3_COLUMNS)].sort_values(["gm_code", "verslagsoort", "taakveld"])
    out = out.astype(
        {
            "gm_code": "str",
            "jaar": "int64",
            "verslagsoort": "str",
            "taakveld": "str",
            "lasten_eur": "float64",
            "baten_eur": "float64",
            "salarissen_eur": "float64",
        }
    )
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------ the stream


@dataclass
class StreamStats:
    """What one feed download did (for progress lines, tests and the benchmark)."""

    pages: int = 0
    pages_from_cache: int = 0
    rows: int = 0
    kept: int = 0
    parts: list[Path] = field(default_factory=list)


def stream_feed(
    client: CbsClient,
    url: str,
    transform: Callable[[list[dict[str, Any]]], pd.DataFrame],
    work_dir: Path,
    *,
    params: dict[str, Any] | None = None,
    total: int | None = None,
    desc: str = "",
    progress: bool = True,
) -> StreamStats:
    """Download a feed collection page by page into parquet parts, resumable.

    Each page is reduced by ``transform`` and written to ``work_dir/<sha256(page url)>.parquet``
    (atomically), then a small ``.json`` record with the page's ``odata.nextLink`` marks it
    complete. A rerun walks the chain of recorded pages without downloading them and
    continues at the first page that has no record: an interrupted download resumes at its
    last complete page. Memory holds one page at a time.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    stats = StreamStats()
    seen: set[str] = set()
    bar = tqdm(total=total, unit=" rij", unit_scale=True, desc=desc, disable=not progress)
    try:
        current: str | None = full_url(url, {"$format": "json", **(params or {})})
        while current is not None:
            if current in seen:
                raise DataError(
                    f"CBS-tabel {table_id_from_url(current)}: paginering keert terug naar "
                    f"{current}; verwacht: een nieuwe odata.nextLink"
                )
            seen.add(current)
            name = sha256_bytes(current.encode("utf-8"))[:40]
            part, record = work_dir / f"{name}.parquet", work_dir / f"{name}.json"
            done = _read_json(record) if record.is_file() and part.is_file() else None
            if isinstance(done, dict) and done.get("url") == current:
                stats.pages_from_cache += 1
                nxt, n_rows, n_kept = done["next"], int(done["rows"]), int(done["kept"])
            else:
                payload = client.get_json(current)
                rows = payload["value"]
                link = payload.get("odata.nextLink")
                nxt = urljoin(current, str(link)) if link else None
                frame = transform(rows)
                write_parquet(part, frame)
                n_rows, n_kept = len(rows), len(frame)
                write_json(record, {"url": current, "next": nxt, "rows": n_rows, "kept": n_kept})
                del rows, frame, payload
            stats.pages += 1
            stats.rows += n_rows
            stats.kept += n_kept
            stats.parts.append(part)
            bar.update(n_rows)
            bar.set_postfix(paginas=stats.pages, refresh=False)
            current = nxt
    finally:
        bar.close()
    return stats


def read_parts(parts: Sequence[Path], empty: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the parquet parts of a stream (kept cells only)."""
    frames = [pd.read_parquet(p) for p in parts]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty()


# --------------------------------------------------------------------------- Iv3


def fetch_iv3(
    client: CbsClient,
    jaar: int,
    *,
    table: str | None = None,
    root: str | None = None,
    work_dir: str | Path,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch one boekjaar of Iv3 data per gemeente x verslagsoort x taakveld from the feed.

    Args:
        client: The OData client.
        jaar: Boekjaar.
        table: Table id (default :data:`KNOWN_IV3_TABLES`; :func:`fetch_live` passes the id
            found in the catalogue).
        root: Data-derden root (default ``$ANALYSEKIT_CBS_DATADERDEN``).
        work_dir: Folder for the page cache of this table (resumable parts).
        progress: Show a progress bar (rows, pages, ETA).

    Returns:
        The canonical :data:`analysekit.vocab.IV3_COLUMNS` frame, amounts in euros.

    Raises:
        ParameterError: No table is known for ``jaar``.
        SourceUnavailable: CBS cannot be reached or answers an HTTP error.
        DataError: The table lacks the expected columns, codes or rows.
    """
    table_id = table or KNOWN_IV3_TABLES.get(int(jaar))
    if table_id is None:
        raise ParameterError(
            f"geen CBS Iv3-tabel bekend voor jaar {jaar}; verwacht: een jaar uit "
            f"{min(KNOWN_IV3_TABLES)}-{max(KNOWN_IV3_TABLES)} of een tabel-id"
        )
    root = root or dataderden_root()
    api, feed = api_url(root, table_id), feed_url(root, table_id)
    layout = iv3_layout(client, api)
    taakvelden = [
        str(k)
        for k in client.lookup(api, layout.taakveld)["Key"]
        if re.match(r"\d", str(k))
    ]
    if not taakvelden:
        raise DataError(
            f"{api}/{layout.taakveld} bevat geen taakvelden; verwacht: codes 0.1 … 8.x"
        )
    categories = client.lookup(api, layout.categorie)
    info = client.table_info(api)
    total = pd.to_numeric(info.get("RecordCount"), errors="coerce")
    stats = stream_feed(
        client,
        f"{feed}/TypedDataSet",
        lambda rows: iv3_page_frame(rows, layout, jaar),
        Path(work_dir),
        total=None if pd.isna(total) else int(total),
        desc=f"Iv3 {jaar} ({table_id})",
        progress=progress,
    )
    kept = read_parts(stats.parts, _empty_kept)
    out = aggregate_iv3(
        kept, jaar, factor=layout.factor, taakvelden=taakvelden, categories=categories
    )
    if out.empty:
        raise DataError(
            f"CBS-tabel {table_id}: {feed}/TypedDataSet heeft geen Iv3-bedragen voor gemeenten "
            f"in {jaar}X000/{jaar}X005 ({stats.rows} rijen gelezen); verwacht: bedragen per "
            "gemeente"
        )
    return out


# ---------------------------------------------------------------- kerncijfers, KWB


@dataclass(frozen=True)
class Kenmerk:
    """How one kenmerk is read from a CBS table."""

    name: str
    stems: tuple[str, ...]
    eenheid: str
    unit: str | None = None  # CBS Unit to require (disambiguates absolute vs %)
    required: bool = False


_AANTAL = "aantal"

KERNCIJFERS_KENMERKEN: tuple[Kenmerk, ...] = (
    Kenmerk("inwoners", ("TotaleBevolking",), "personen", _AANTAL, required=True),
    Kenmerk("inwoners_0_4", ("JongerDan5Jaar", "k_0Tot5Jaar"), "personen", _AANTAL),
    Kenmerk("inwoners_5_9", ("k_5Tot10Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_10_14", ("k_10Tot15Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_15_19", ("k_15Tot20Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_20_24", ("k_20Tot25Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_25_44", ("k_25Tot45Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_45_64", ("k_45Tot65Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_65_79", ("k_65Tot80Jaar",), "personen", _AANTAL),
    Kenmerk("inwoners_80_plus", ("k_80JaarOfOuder",), "personen", _AANTAL),
)
"""70072ned measures; the unit filter skips the percentage twins of the age groups."""

KWB_KENMERKEN: tuple[Kenmerk, ...] = (
    Kenmerk("inwoners", ("AantalInwoners",), "personen", required=True),
    Kenmerk("huishoudens", ("HuishoudensTotaal",), "huishoudens"),
    Kenmerk("personen_met_bijstand", ("PersonenPerSoortUitkeringBijstand",), "personen"),
    Kenmerk("wmo_clienten", ("WmoClienten",), "personen"),
    Kenmerk("wmo_clienten_per_1000", ("WmoClientenRelatief",), "per 1000 inwoners"),
    Kenmerk("jongeren_met_jeugdzorg", ("JongerenMetJeugdzorgInNatura",), "personen"),
    Kenmerk("jeugdzorg_pct", ("PercentageJongerenMetJeugdzorg",), "%"),
    Kenmerk("lage_inkomens_pct", ("HuishoudensMetEenLaagInkomen",), "%"),
    Kenmerk("gemiddeld_inkomen_per_inwoner", ("GemiddeldInkomenPerInwoner",), "EUR"),
    Kenmerk(
        "gemiddelde_huishoudensgrootte",
        ("GemiddeldeHuishoudensgrootte",),
        "personen per huishouden",
    ),
    Kenmerk("stedelijkheid", ("MateVanStedelijkheid",), "klasse"),
    Kenmerk("omgevingsadressendichtheid", ("Omgevingsadressendichtheid",), "adressen per km2"),
    Kenmerk("oppervlakte_land_ha", ("OppervlakteLand",), "ha"),
)
"""KWB measures at gemeente level; names as in ``kenmerken.yaml`` (reference dates differ)."""


def _resolve(
    client: CbsClient, api: str, kenmerken: Sequence[Kenmerk]
) -> dict[str, tuple[Kenmerk, float]]:
    """Resolve kenmerken to ``{key: (kenmerk, factor)}``; skip optional ones not present."""
    resolved: dict[str, tuple[Kenmerk, float]] = {}
    for km in kenmerken:
        key = client.resolve_key(api, km.stems, unit=km.unit, required=km.required)
        if key is None:
            logger.info("CBS %s: no column for %s (%s); skipped", api, km.name, km.stems[0])
            continue
        resolved[key] = (km, unit_factor(client.unit(api, key)))
    return resolved


def _gemeente_rows(
    client: CbsClient,
    api: str,
    feed: str,
    columns: Sequence[str],
    region: str,
    work_dir: Path,
    desc: str,
    progress: bool,
    text: Sequence[str] = (),
) -> pd.DataFrame:
    """Read the gemeente rows of a feed TypedDataSet (``startswith(region,'GM')``)."""
    cols = list(dict.fromkeys([region, *columns]))

    def transform(rows: list[dict[str, Any]]) -> pd.DataFrame:
        if rows:
            missing = [c for c in cols if c not in rows[0]]
            if missing:
                raise DataError(
                    f"{feed}/TypedDataSet: pagina mist kolom(men) {', '.join(missing)}; "
                    "verwacht: de kolommen van de eerste pagina"
                )
        frame = pd.DataFrame.from_records(rows, columns=cols)
        codes = frame[region].astype("str").str.strip()
        frame[region] = codes
        frame = frame[codes.str.fullmatch(GM_CODE).fillna(False).to_numpy(dtype=bool)]
        for col in cols:
            if col in text:
                frame[col] = frame[col].astype("str").str.strip()
            elif col != region:
                frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        return frame.reset_index(drop=True)

    stats = stream_feed(
        client,
        f"{feed}/TypedDataSet",
        transform,
        work_dir,
        params={"$filter": startswith(region, "GM"), "$select": ",".join(cols)},
        desc=desc,
        progress=progress,
    )
    return read_parts(stats.parts, lambda: pd.DataFrame(columns=cols))


def _to_long(
    wide: pd.DataFrame, resolved: dict[str, tuple[Kenmerk, float]], bron: str
) -> pd.DataFrame:
    """Melt ``[gm_code, jaar, <keys>]`` into :data:`LONG_COLUMNS`, dropping empty values."""
    from analysekit.data.mirror.kenmerken import kenmerken_spec

    spec = kenmerken_spec()
    frames = [
        pd.DataFrame(
            {
                "gm_code": wide["gm_code"].to_numpy(),
                "jaar": wide["jaar"].to_numpy(),
                "kenmerk": km.name,
                "waarde": (wide[key].astype("float64") * factor).to_numpy(),
                "eenheid": spec.get(km.name, {}).get("eenheid", km.eenheid),
                "bron": bron,
            }
        )
        for key, (km, factor) in resolved.items()
    ]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LONG_COLUMNS)
    return _finish_long(out)


def _finish_long(out: pd.DataFrame) -> pd.DataFrame:
    out = out[out["waarde"].notna()].copy()
    out = out.astype(
        {"gm_code": "str", "jaar": "int64", "kenmerk": "str", "waarde": "float64"}
    ).astype({"eenheid": "str", "bron": "str"})
    return out.sort_values(["gm_code", "jaar", "kenmerk"]).reset_index(drop=True)[LONG_COLUMNS]


def fetch_kerncijfers(
    client: CbsClient,
    jaren: Iterable[int],
    *,
    table: str = KERNCIJFERS_TABLE,
    root: str | None = None,
    work_dir: str | Path,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch population by age per gemeente from 70072ned (feed), in long format.

    Returns:
        DataFrame ``[gm_code, jaar, kenmerk, waarde, eenheid, bron]``; bron ``70072ned``.
    """
    years = sorted({int(j) for j in jaren})
    if not years:
        raise ParameterError("fetch_kerncijfers: geen jaar opgegeven; verwacht: minstens één jaar")
    root = root or opendata_root()
    api, feed = api_url(root, table), feed_url(root, table)
    resolved = _resolve(client, api, KERNCIJFERS_KENMERKEN)
    props = client.data_properties(api)
    region = _region_key(props, api)
    period = next(
        (str(k) for k, t in zip(props["Key"], props["Type"], strict=True) if t == "TimeDimension"),
        "Perioden",
    )
    wide = _gemeente_rows(
        client, api, feed, [period, *resolved], region, Path(work_dir), table, progress, [period]
    )
    jaar = wide[period].astype("str").str.strip().str.extract(_PERIODE_JAAR, expand=False)
    wide = wide.assign(gm_code=wide[region], jaar=pd.to_numeric(jaar))
    wide = wide[wide["jaar"].isin(years)]
    out = _to_long(wide, dict(resolved), table)
    if out.empty:
        raise DataError(
            f"CBS-tabel {table}: {feed}/TypedDataSet heeft geen gemeenterijen voor {years}; "
            "verwacht: rijen per gemeente"
        )
    return out


def fetch_kwb(
    client: CbsClient,
    jaar: int,
    *,
    table: str | None = None,
    root: str | None = None,
    work_dir: str | Path,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch the gemeente rows of one Kerncijfers wijken en buurten edition, long format.

    Adds ``bijstand_per_1000`` = 1000 x personen_met_bijstand / inwoners (both from the
    same table; their reference dates differ, see the CBS metadata).

    Returns:
        DataFrame ``[gm_code, jaar, kenmerk, waarde, eenheid, bron]``; bron the table id.
    """
    table_id = table or KWB_TABLES.get(int(jaar))
    if table_id is None:
        raise ParameterError(
            f"geen CBS KWB-tabel bekend voor jaar {jaar}; verwacht: een van {sorted(KWB_TABLES)}"
        )
    root = root or opendata_root()
    api, feed = api_url(root, table_id), feed_url(root, table_id)
    resolved = _resolve(client, api, KWB_KENMERKEN)
    region = _region_key(client.data_properties(api), api)
    wide = _gemeente_rows(
        client, api, feed, list(resolved), region, Path(work_dir), f"KWB {jaar}", progress
    )
    if wide.empty:
        raise DataError(
            f"CBS-tabel {table_id}: {feed}/TypedDataSet heeft geen gemeenterijen; verwacht: "
            "rijen per gemeente"
        )
    wide = wide.assign(gm_code=wide[region], jaar=int(jaar))
    out = _to_long(wide, resolved, table_id)
    by_name = {km.name: key for key, (km, _) in resolved.items()}
    if "personen_met_bijstand" in by_name:
        inw = wide[by_name["inwoners"]]
        per_1000 = wide[by_name["personen_met_bijstand"]] / inw.where(inw > 0) * 1000.0
        extra = pd.DataFrame(
            {
                "gm_code": wide["gm_code"].to_numpy(),
                "jaar": int(jaar),
                "kenmerk": "bijstand_per_1000",
                "waarde": per_1000.round(4).to_numpy(),
                "eenheid": "per 1000 inwoners",
                "bron": table_id,
            }
        )
        out = _finish_long(pd.concat([out, extra], ignore_index=True))
    return out


# ------------------------------------------------------------------- fetch_live


@dataclass(frozen=True)
class Source:
    """One live source: written to ``raw/live/<name>.parquet``."""

    name: str
    table: str
    root: str
    run: Callable[[CbsClient, Path], pd.DataFrame]  # (client, work_dir) -> frame

    @property
    def api(self) -> str:
        """The table's ODataApi URL (metadata)."""
        return api_url(self.root, self.table)

    @property
    def url(self) -> str:
        """The table's bulk-data URL (feed TypedDataSet)."""
        return f"{feed_url(self.root, self.table)}/TypedDataSet"


class LiveResult(list):
    """Manifest entries of the live files written or kept (a list), plus the failures.

    Attributes:
        failures: One dict per failed source: ``name``, ``table``, ``url``, ``cause``.
        sources: ``{name: status}`` with status ``downloaded``, ``up to date`` or ``failed``.
    """

    def __init__(self, entries: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(entries)
        self.failures: list[dict[str, str]] = []
        self.sources: dict[str, str] = {}


def plan_sources(
    client: CbsClient,
    jaren: Sequence[int],
    *,
    progress: bool = True,
    iv3_tables: dict[int, str] | None = None,
) -> list[Source]:
    """Return the live sources for ``jaren``: Iv3 per year, 70072ned, KWB per year."""
    dd, od = dataderden_root(), opendata_root()
    tables = iv3_tables if iv3_tables is not None else discover_iv3_tables(client, dd)
    sources: list[Source] = []
    for jaar in jaren:
        if jaar in tables:
            sources.append(
                Source(
                    f"iv3_{jaar}",
                    tables[jaar],
                    dd,
                    lambda cl, wd, j=jaar, t=tables[jaar]: fetch_iv3(
                        cl, j, table=t, root=dd, work_dir=wd, progress=progress
                    ),
                )
            )
        else:
            logger.warning("no CBS Iv3 table for %s; skipped", jaar)
    sources.append(
        Source(
            f"kerncijfers_{KERNCIJFERS_TABLE}",
            KERNCIJFERS_TABLE,
            od,
            lambda cl, wd: fetch_kerncijfers(cl, jaren, root=od, work_dir=wd, progress=progress),
        )
    )
    for jaar in jaren:
        if jaar in KWB_TABLES:
            sources.append(
                Source(
                    f"kwb_{jaar}",
                    KWB_TABLES[jaar],
                    od,
                    lambda cl, wd, j=jaar: fetch_kwb(
                        cl, j, root=od, work_dir=wd, progress=progress
                    ),
                )
            )
    return sources


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if isinstance(exc, AnalysekitError) else f"{type(exc).__name__}: {text}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def fetch_live(
    raw_dir: str | Path,
    jaren: Iterable[int],
    client: CbsClient | None = None,
    progress: bool = True,
    *,
    refresh: bool = False,
    sources: Sequence[Source] | None = None,
) -> LiveResult:
    """Fetch every live CBS source into ``raw_dir/live/<name>.parquet``, each on its own.

    A source that fails (network, HTTP status, malformed JSON, unexpected columns, timeout)
    is recorded in ``result.failures`` with a one-line cause naming its table and URL; the
    other sources go on. A file is only written (atomically) when its source succeeded, so a
    failed or interrupted download never replaces anything in ``raw_dir``. Downloaded feed
    pages are kept in ``<raw_dir>/../cache/cbs_feed/<table>/`` until their source succeeds,
    so the next run resumes at the last complete page. A source whose table was not modified
    since the file in ``raw_dir`` was written (``TableInfos.Modified``) is not downloaded again.

    Args:
        raw_dir: The raw data folder (``data/raw``).
        jaren: Years to fetch (Iv3 boekjaren, KWB editions, 70072ned years).
        client: OData client (default: retries, backoff, 120 s timeout).
        progress: Show progress bars (per table: rows, pages, ETA).
        refresh: Download even when the table was not modified.
        sources: The sources to fetch (default :func:`plan_sources`).

    Returns:
        A :class:`LiveResult`: the manifest entries (``name``, ``path``, ``via`` = ``live``,
        ``source``, ``table``, ``url``, ``modified``, ``retrieved_at``, ``sha256``, ``rows``)
        of the files written or still up to date, with ``failures`` and ``sources``.

    Raises:
        ParameterError: ``jaren`` is empty.
    """
    raw = Path(raw_dir)
    years = sorted({int(j) for j in jaren})
    if not years:
        raise ParameterError("fetch_live: geen jaar opgegeven; verwacht: minstens één jaar")
    client = client or CbsClient()
    cache_root = raw.resolve().parent / "cache" / "cbs_feed"
    if sources is None:
        sources = plan_sources(client, years, progress=progress)
    manifest = _read_json(raw / "manifest.json") or {}
    previous = {e.get("name"): e for e in manifest.get("files", []) if isinstance(e, dict)}
    result = LiveResult()
    for src in sources:
        rel = f"live/{src.name}.parquet"
        target = raw / rel
        try:
            info = client.table_info(src.api)
            modified = str(info.get("Modified") or "")
            old = previous.get(rel)
            if (
                not refresh
                and old is not None
                and modified
                and old.get("modified") == modified
                and target.is_file()
                and sha256_file(target) == old.get("sha256")
            ):
                result.append(old)
                result.sources[src.name] = "up to date"
                continue
            work = cache_root / src.table / sha256_bytes(modified.encode())[:12]
            frame = src.run(client, work)
            write_parquet(target, frame)
            shutil.rmtree(cache_root / src.table, ignore_errors=True)
        except Exception as exc:  # noqa: BLE001 - any live error fails this source only
            cause = _one_line(exc)
            if src.table not in cause:
                cause = f"CBS-tabel {src.table} ({src.url}): {cause}"
            logger.warning("live source %s failed: %s", src.name, cause)
            result.failures.append(
                {"name": src.name, "table": src.table, "url": src.url, "cause": cause}
            )
            result.sources[src.name] = "failed"
            continue
        result.append(
            {
                "name": rel,
                "path": rel,
                "via": "live",
                "source": f"CBS {src.table} {src.url}",
                "table": src.table,
                "url": src.url,
                "modified": modified,
                "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sha256": sha256_file(target),
                "rows": int(len(frame)),
            }
        )
        result.sources[src.name] = "downloaded"
    return result


def live_source_of(entry_name: str) -> str | None:
    """Return the live source name of a manifest file name (``live/iv3_2023.parquet``)."""
    m = re.fullmatch(r"live/(.+)\.parquet", entry_name)
    return m.group(1) if m else None

