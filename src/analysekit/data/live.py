"""Live CBS adapters: OData tables -> the same frames the mirror adapters produce.

* :func:`fetch_iv3` -- Iv3 lasten/baten per gemeente x verslagsoort x taakveld (dataderden).
* :func:`fetch_kerncijfers` -- population by age from 70072ned, long format.
* :func:`fetch_kwb` -- Kerncijfers wijken en buurten at gemeente level, long format.
* :func:`fetch_live` -- all of the above into ``raw_dir/live/*.parquet`` + manifest entries.
* :func:`is_reachable` -- a quick probe, to fall back to the offline mirror.

Measure columns are resolved by the stem of their ``Key`` in ``/DataProperties``
(CBS renumbers the ``_NN`` suffixes between table versions); see
:meth:`analysekit.data.cbs_odata.CbsClient.resolve_key`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysekit.data.cbs_odata import (
    DATADERDEN_ROOT,
    OPENDATA_ROOT,
    CbsClient,
    all_of,
    any_of,
    is_reachable,
    startswith,
)
from analysekit.errors import DataError, ParameterError
from analysekit.io import sha256_file, write_parquet

__all__ = [
    "IV3_COLUMNS",
    "IV3_TABLES",
    "KERNCIJFERS_TABLE",
    "KWB_TABLES",
    "LONG_COLUMNS",
    "aggregate_iv3",
    "fetch_iv3",
    "fetch_kerncijfers",
    "fetch_kwb",
    "fetch_live",
    "is_reachable",
]

logger = logging.getLogger(__name__)

IV3_TABLES: dict[int, str] = {
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
"""CBS 'Gemeenten <boekjaar> onbewerkte Iv3-data' table per boekjaar (dataderden)."""

KWB_TABLES: dict[int, str] = {
    2017: "83765NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}
"""CBS Kerncijfers wijken en buurten per edition year (2022 per the r_practice mirror)."""

KERNCIJFERS_TABLE = "70072ned"
"""CBS Regionale kerncijfers Nederland."""

IV3_COLUMNS = [
    "gm_code",
    "jaar",
    "verslagsoort",
    "taakveld",
    "lasten_eur",
    "baten_eur",
    "salarissen_eur",
]
LONG_COLUMNS = ["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"]

IV3_SENTINELS = frozenset({-99997.0, -99998.0})
"""Iv3 values meaning 'geen opgave'; compared for equality (real negatives are kept)."""

VERSLAGSOORTEN = {"000": "begroting", "005": "jaarrekening"}
"""Suffix of the Verslagsoort code (``2023X005``) -> verslagsoort."""

THOUSAND = 1000.0
SALARISSEN_CATEGORIE = "L1.1"

_GM_CODE = re.compile(r"GM\d{4}")
_TAAKVELD = re.compile(r"\d+\.\d+[a-z]*")
_PERIODE_JAAR = re.compile(r"(\d{4})JJ00")


# --------------------------------------------------------------------------- Iv3


def _iv3_url(jaar: int, table: str | None) -> tuple[str, str]:
    table_id = table or IV3_TABLES.get(int(jaar))
    if table_id is None:
        raise ParameterError(
            f"no CBS Iv3 table known for jaar {jaar}; expected one of "
            f"{min(IV3_TABLES)}-{max(IV3_TABLES)}"
        )
    if table_id.startswith(("http://", "https://")):
        return table_id.rstrip("/").rsplit("/", 1)[-1], table_id.rstrip("/")
    return table_id, f"{DATADERDEN_ROOT}/{table_id}"


def _is_total_category(key: str, title: Any) -> bool:
    """Return whether a Categorie is a side total (``L``, ``B``, 'Totaal lasten', ...)."""
    if key in ("L", "B"):
        return True
    return isinstance(title, str) and title.strip().lower().startswith("totaal")


def _category_descendants(categories: pd.DataFrame) -> pd.DataFrame:
    """Return ``(categorie, descendant)`` pairs of aggregate Iv3 categories.

    An aggregate is a code that is the dotted prefix of another code (``L4.3`` of
    ``L4.3.1``), or a side total (see :func:`_is_total_category`), whose descendants
    are all other codes on the same side.
    """
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
    return pd.DataFrame(pairs, columns=["Categorie", "descendant"], dtype="str")


def aggregate_iv3(
    rows: pd.DataFrame,
    jaar: int,
    *,
    measure: str,
    fallback: str | None,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn Iv3 TypedDataSet rows into lasten/baten/salarissen per taakveld, in euros.

    Args:
        rows: Rows with ``Gemeenten``, ``TaakveldBalanspost``, ``Categorie``,
            ``Verslagsoort`` and the measure columns (codes already stripped).
        jaar: Boekjaar; only Verslagsoort codes ``<jaar>X000``/``<jaar>X005`` are kept.
        measure: Column of the latest placement (``k_2ePlaatsing_*``).
        fallback: Column used where ``measure`` is empty (``k_1ePlaatsing_*``), or None.
        categories: The ``Categorie`` lookup (``Key``, ``Title``) to find aggregate
            categories; codes seen in ``rows`` are added to it.

    Returns:
        A DataFrame with :data:`IV3_COLUMNS`. Rules: balance posts (A*/P*) and
        non-gemeente rows are dropped; sentinel values (-99998, -99997, 'geen opgave')
        become NaN while real negative amounts are kept; an aggregate category is only
        counted where none of its sub-categories is reported for the same gemeente,
        verslagsoort and taakveld (no double counting); lasten = sum of L-categories,
        baten = sum of B-categories (0 where the side has no rows, NaN where all its
        rows are 'geen opgave'); salarissen = L1.1 (NaN where not reported).
    """
    need = {"Gemeenten", "TaakveldBalanspost", "Categorie", "Verslagsoort", measure}
    if fallback:
        need.add(fallback)
    missing = sorted(need - set(rows.columns))
    if missing:
        raise DataError(f"Iv3 rows for {jaar} lack columns {missing}; expected {sorted(need)}")
    df = rows.copy()
    for col in ("Gemeenten", "TaakveldBalanspost", "Categorie", "Verslagsoort"):
        df[col] = df[col].astype("str").str.strip()
    suffix = df["Verslagsoort"].str.extract(rf"^{int(jaar)}X(\d{{3}})$", expand=False)
    df["verslagsoort"] = suffix.map(VERSLAGSOORTEN)
    keep = (
        df["Gemeenten"].str.fullmatch(_GM_CODE.pattern)
        & df["TaakveldBalanspost"].str.fullmatch(_TAAKVELD.pattern)
        & df["Categorie"].str[:1].isin(["L", "B"])
        & df["verslagsoort"].notna()
    )
    df = df[keep.fillna(False).astype(bool)]

    def numeric(col: str) -> pd.Series:
        values = pd.to_numeric(df[col], errors="coerce").astype("float64")
        return values

    latest = numeric(measure)
    first = numeric(fallback) if fallback else pd.Series(np.nan, index=df.index)
    reported = latest.notna() | first.notna()
    latest = latest.mask(latest.isin(IV3_SENTINELS))
    first = first.mask(first.isin(IV3_SENTINELS))
    df["bedrag"] = latest.combine_first(first) * THOUSAND
    df = df[reported]

    key = ["Gemeenten", "verslagsoort", "TaakveldBalanspost"]
    cats = pd.DataFrame({"Key": sorted(set(df["Categorie"]))})
    if categories is not None and not categories.empty:
        lookup = categories[["Key"] + (["Title"] if "Title" in categories else [])].copy()
        lookup["Key"] = lookup["Key"].astype("str").str.strip()
        cats = pd.concat([lookup, cats[~cats["Key"].isin(lookup["Key"])]], ignore_index=True)
    pairs = _category_descendants(cats)
    if not pairs.empty and not df.empty:
        present = df.loc[df["bedrag"].notna(), [*key, "Categorie"]].rename(
            columns={"Categorie": "descendant"}
        )
        covered = (
            df[[*key, "Categorie"]]
            .reset_index()
            .merge(pairs, on="Categorie")
            .merge(present.drop_duplicates(), on=[*key, "descendant"])
        )
        dropped = pd.Index(covered["index"].unique())
        if len(dropped):
            logger.debug("Iv3 %s: %d aggregate category rows skipped", jaar, len(dropped))
        df = df.drop(index=dropped)

    df["side"] = df["Categorie"].str[:1]
    sides = df.groupby([*key, "side"], sort=True)["bedrag"].sum(min_count=1)
    table = sides.unstack("side", fill_value=0.0)
    for side in ("L", "B"):
        if side not in table.columns:
            table[side] = 0.0
    is_salaris = (df["Categorie"] == SALARISSEN_CATEGORIE) | df["Categorie"].str.startswith(
        SALARISSEN_CATEGORIE + "."
    )
    salarissen = df[is_salaris].groupby(key)["bedrag"].sum(min_count=1)
    out = pd.DataFrame(
        {
            "lasten_eur": table["L"].astype("float64"),
            "baten_eur": table["B"].astype("float64"),
            "salarissen_eur": salarissen.reindex(table.index).astype("float64"),
        }
    ).reset_index()
    out = out.rename(columns={"Gemeenten": "gm_code", "TaakveldBalanspost": "taakveld"})
    out.insert(1, "jaar", int(jaar))
    out = out[IV3_COLUMNS].sort_values(["gm_code", "verslagsoort", "taakveld"])
    out["jaar"] = out["jaar"].astype("int64")
    for col in ("gm_code", "verslagsoort", "taakveld"):
        out[col] = out[col].astype("str")
    return out.reset_index(drop=True)


def fetch_iv3(client: CbsClient, jaar: int, *, table: str | None = None) -> pd.DataFrame:
    """Fetch one boekjaar of Iv3 data per gemeente x verslagsoort x taakveld.

    One request per Verslagsoort (begroting ``<jaar>X000``, jaarrekening ``<jaar>X005``)
    and per hoofdtaakveld (``0.`` ... ``8.``), filtered on the server to taakvelden
    (never balance posts A*/P*), to L/B categories and to reported (non-null) values,
    so each query stays small; each is paged past the 10,000-row cap. The measure is
    the 2nd placement (latest), the 1st where the 2nd is empty, both resolved by Key.

    Args:
        client: The OData client.
        jaar: Boekjaar (the table comes from :data:`IV3_TABLES`).
        table: Override the table id or URL.

    Returns:
        DataFrame ``[gm_code, jaar, verslagsoort, taakveld, lasten_eur, baten_eur,
        salarissen_eur]``, amounts in euros (CBS publishes thousands).

    Raises:
        ParameterError: No table is known for ``jaar``.
        SourceUnavailable: CBS cannot be reached.
        DataError: The table lacks the expected columns, codes or rows.
    """
    table_id, url = _iv3_url(jaar, table)
    measure = str(client.resolve_key(url, "k_2ePlaatsing"))  # required: never None
    fallback = client.resolve_key(url, "k_1ePlaatsing", required=False)

    soorten = [
        k
        for k in client.lookup(url, "Verslagsoort")["Key"]
        if re.fullmatch(rf"{int(jaar)}X(000|005)", str(k))
    ]
    if not soorten:
        raise DataError(
            f"CBS table {table_id}: no Verslagsoort {jaar}X000 or {jaar}X005; "
            "expected the begroting and/or jaarrekening of that boekjaar"
        )
    taakvelden = [
        str(k)
        for k in client.lookup(url, "TaakveldBalanspost")["Key"]
        if _TAAKVELD.fullmatch(str(k))
    ]
    if not taakvelden:
        raise DataError(f"CBS table {table_id}: TaakveldBalanspost lists no taakvelden (0.1-8.x)")
    hoofd = sorted({k.split(".")[0] + "." for k in taakvelden}, key=lambda h: int(h[:-1]))
    categories = client.lookup(url, "Categorie")

    reported = any_of(f"{col} ne null" for col in (measure, fallback) if col)
    select = ["Gemeenten", "TaakveldBalanspost", "Categorie", "Verslagsoort", measure]
    if fallback:
        select.append(fallback)
    frames = []
    for soort in soorten:
        for prefix in hoofd:
            flt = all_of(
                [
                    startswith("Verslagsoort", soort),
                    startswith("TaakveldBalanspost", prefix),
                    any_of([startswith("Categorie", "L"), startswith("Categorie", "B")]),
                    reported,
                ]
            )
            frames.append(client.typed_dataset(url, filter=flt, select=select))
    rows = pd.concat(frames, ignore_index=True)
    out = aggregate_iv3(rows, jaar, measure=measure, fallback=fallback, categories=categories)
    if out.empty:
        raise DataError(f"CBS table {table_id}: no Iv3 taakveld rows for gemeenten in {jaar}")
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
    Kenmerk("eenpersoonshuishoudens", ("Eenpersoonshuishoudens",), "huishoudens"),
    Kenmerk("bijstand", ("PersonenPerSoortUitkeringBijstand",), "personen"),
    Kenmerk("wmo_clienten", ("WmoClienten",), "personen"),
    Kenmerk("wmo_clienten_per_1000", ("WmoClientenRelatief",), "per 1000 inwoners"),
    Kenmerk("jeugdzorg_pct", ("PercentageJongerenMetJeugdzorg",), "%"),
    Kenmerk("lage_inkomens_pct", ("HuishoudensMetEenLaagInkomen",), "%"),
    Kenmerk("gemiddeld_inkomen_per_inwoner", ("GemiddeldInkomenPerInwoner",), "EUR"),
    Kenmerk("stedelijkheid", ("MateVanStedelijkheid",), "klasse (1-5)"),
    Kenmerk("omgevingsadressendichtheid", ("Omgevingsadressendichtheid",), "adressen per km2"),
    Kenmerk("oppervlakte_land", ("OppervlakteLand",), "ha"),
)
"""KWB measures at gemeente level (reference dates differ per measure; see CBS metadata)."""


def _scale_for(unit: str | None) -> float:
    """Return the factor that turns a CBS unit into plain units ('x 1 000 euro' -> 1000)."""
    if unit and re.search(r"x\s*1[\s.]?000\b", unit.lower()):
        return THOUSAND
    return 1.0


def _resolve(
    client: CbsClient, url: str, kenmerken: Sequence[Kenmerk]
) -> dict[str, tuple[str, Kenmerk, float]]:
    """Resolve kenmerken to ``{key: (name, kenmerk, factor)}``; skip optional ones."""
    resolved: dict[str, tuple[str, Kenmerk, float]] = {}
    for km in kenmerken:
        key = client.resolve_key(url, km.stems, unit=km.unit, required=km.required)
        if key is None:
            logger.warning("CBS %s: no column for %s (%s); skipped", url, km.name, km.stems[0])
            continue
        resolved[key] = (km.name, km, _scale_for(client.unit(url, key)))
    return resolved


def _to_long(
    wide: pd.DataFrame,
    resolved: dict[str, tuple[str, Kenmerk, float]],
    bron: str,
) -> pd.DataFrame:
    """Melt ``[gm_code, jaar, <keys>]`` into :data:`LONG_COLUMNS`, dropping empty values."""
    frames = []
    for key, (name, km, factor) in resolved.items():
        values = pd.to_numeric(wide[key], errors="coerce").astype("float64") * factor
        frames.append(
            pd.DataFrame(
                {
                    "gm_code": wide["gm_code"].to_numpy(),
                    "jaar": wide["jaar"].to_numpy(),
                    "kenmerk": name,
                    "waarde": values.to_numpy(),
                    "eenheid": km.eenheid,
                    "bron": bron,
                }
            )
        )
    if not frames:
        return _empty_long()
    out = pd.concat(frames, ignore_index=True)
    return _finish_long(out)


def _empty_long() -> pd.DataFrame:
    return _finish_long(pd.DataFrame({c: [] for c in LONG_COLUMNS}))


def _finish_long(out: pd.DataFrame) -> pd.DataFrame:
    out = out[out["waarde"].notna()].copy()
    out["jaar"] = out["jaar"].astype("int64")
    out["waarde"] = out["waarde"].astype("float64")
    for col in ("gm_code", "kenmerk", "eenheid", "bron"):
        out[col] = out[col].astype("str")
    out = out.sort_values(["gm_code", "jaar", "kenmerk"]).reset_index(drop=True)
    return out[LONG_COLUMNS]


def fetch_kerncijfers(
    client: CbsClient, jaren: Iterable[int], *, table: str = KERNCIJFERS_TABLE
) -> pd.DataFrame:
    """Fetch population by age per gemeente from 70072ned, in long format.

    One request per year (``startswith(RegioS,'GM')`` and the ``<jaar>JJ00`` period).
    Columns are resolved by Key stem with unit 'aantal', so the percentage twins of the
    age groups in newer table versions are not picked up. Age groups missing from a table
    version are skipped with a warning; the total population is required.

    Args:
        client: The OData client.
        jaren: Years (population on 1 January).
        table: Table id or URL (default 70072ned on opendata.cbs.nl).

    Returns:
        DataFrame ``[gm_code, jaar, kenmerk, waarde, eenheid, bron]``; bron ``70072ned``.
    """
    years = sorted({int(j) for j in jaren})
    if not years:
        raise ParameterError("fetch_kerncijfers needs at least one jaar")
    url = table if table.startswith("http") else f"{OPENDATA_ROOT}/{table}"
    bron = url.rstrip("/").rsplit("/", 1)[-1]
    resolved = _resolve(client, url, KERNCIJFERS_KENMERKEN)
    select = ["RegioS", "Perioden", *resolved]
    frames = []
    for jaar in years:
        flt = all_of([startswith("RegioS", "GM"), startswith("Perioden", f"{jaar}JJ00")])
        frames.append(client.typed_dataset(url, filter=flt, select=select))
    wide = pd.concat(frames, ignore_index=True)
    wide = wide[wide["RegioS"].astype("str").str.fullmatch(_GM_CODE.pattern).fillna(False)]
    jaar_col = wide["Perioden"].astype("str").str.extract(_PERIODE_JAAR, expand=False)
    wide = wide.assign(gm_code=wide["RegioS"], jaar=pd.to_numeric(jaar_col))
    wide = wide[wide["jaar"].isin(years)]
    out = _to_long(wide, resolved, bron)
    found = set(out["jaar"])
    for jaar in years:
        if jaar not in found:
            logger.warning("CBS %s: no gemeente figures for %s", bron, jaar)
    if out.empty:
        raise DataError(f"CBS table {bron}: no gemeente rows for {years}")
    return out


def fetch_kwb(client: CbsClient, jaar: int, *, table: str | None = None) -> pd.DataFrame:
    """Fetch the gemeente rows of one Kerncijfers wijken en buurten edition, long format.

    Adds ``bijstand_per_1000`` = bijstand / inwoners x 1000 (both from the same table;
    their reference dates can differ, see the CBS metadata). Amounts in 'x 1 000 euro'
    are converted to euros.

    Args:
        client: The OData client.
        jaar: Edition year (table from :data:`KWB_TABLES`).
        table: Override the table id or URL.

    Returns:
        DataFrame ``[gm_code, jaar, kenmerk, waarde, eenheid, bron]``; bron the table id.
    """
    table_id = table or KWB_TABLES.get(int(jaar))
    if table_id is None:
        raise ParameterError(
            f"no CBS KWB table known for jaar {jaar}; expected one of {sorted(KWB_TABLES)}"
        )
    url = table_id if table_id.startswith("http") else f"{OPENDATA_ROOT}/{table_id}"
    bron = url.rstrip("/").rsplit("/", 1)[-1]
    resolved = _resolve(client, url, KWB_KENMERKEN)
    wide = client.typed_dataset(
        url, filter=startswith("WijkenEnBuurten", "GM"), select=["WijkenEnBuurten", *resolved]
    )
    wide = wide[wide["WijkenEnBuurten"].astype("str").str.fullmatch(_GM_CODE.pattern).fillna(False)]
    if wide.empty:
        raise DataError(f"CBS table {bron}: no gemeente rows (WijkenEnBuurten 'GM....')")
    wide = wide.assign(gm_code=wide["WijkenEnBuurten"], jaar=int(jaar))
    out = _to_long(wide, resolved, bron)
    by_name = {name: key for key, (name, _, _) in resolved.items()}
    if "bijstand" in by_name:
        inwoners = pd.to_numeric(wide[by_name["inwoners"]], errors="coerce").astype("float64")
        bijstand = pd.to_numeric(wide[by_name["bijstand"]], errors="coerce").astype("float64")
        per_1000 = (bijstand / inwoners.where(inwoners > 0)) * 1000.0
        extra = pd.DataFrame(
            {
                "gm_code": wide["gm_code"].to_numpy(),
                "jaar": int(jaar),
                "kenmerk": "bijstand_per_1000",
                "waarde": per_1000.to_numpy(),
                "eenheid": "per 1000 inwoners",
                "bron": bron,
            }
        )
        out = _finish_long(pd.concat([out, extra], ignore_index=True))
    return out


# ------------------------------------------------------------------- fetch_live


@dataclass(frozen=True)
class _Task:
    name: str
    table: str
    url: str
    run: Any  # Callable[[], pd.DataFrame]


def _plan(client: CbsClient, jaren: Sequence[int]) -> list[_Task]:
    tasks: list[_Task] = []
    for jaar in jaren:
        if jaar in IV3_TABLES:
            tid = IV3_TABLES[jaar]
            tasks.append(
                _Task(
                    f"iv3_{jaar}",
                    tid,
                    f"{DATADERDEN_ROOT}/{tid}",
                    lambda j=jaar: fetch_iv3(client, j),
                )
            )
        else:
            logger.warning("no CBS Iv3 table for %s; skipped", jaar)
    tasks.append(
        _Task(
            f"kerncijfers_{KERNCIJFERS_TABLE}",
            KERNCIJFERS_TABLE,
            f"{OPENDATA_ROOT}/{KERNCIJFERS_TABLE}",
            lambda: fetch_kerncijfers(client, jaren),
        )
    )
    for jaar in jaren:
        if jaar in KWB_TABLES:
            tid = KWB_TABLES[jaar]
            tasks.append(
                _Task(
                    f"kwb_{jaar}",
                    tid,
                    f"{OPENDATA_ROOT}/{tid}",
                    lambda j=jaar: fetch_kwb(client, j),
                )
            )
        else:
            logger.warning("no CBS KWB table for %s; skipped", jaar)
    return tasks


def fetch_live(
    raw_dir: str | Path,
    jaren: Iterable[int],
    client: CbsClient | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Fetch the live CBS tables into ``raw_dir/live/<name>.parquet``.

    Writes ``iv3_<jaar>`` (each jaar with an Iv3 table), ``kerncijfers_70072ned`` (all
    jaren) and ``kwb_<jaar>`` (each jaar with a KWB edition). Everything is downloaded
    first and only then written (each file atomically), so a failed download leaves
    every existing file untouched. Downloaded pages are cached (by default in
    ``<raw_dir>/../cache/cbs_odata``), so a rerun after a failure is quick.

    Args:
        raw_dir: The raw data folder (``data/raw``).
        jaren: Years to fetch.
        client: OData client; default one with retries and the cache above.
        progress: Show a tqdm progress bar.

    Returns:
        One manifest entry per file: ``name``, ``source`` (table id and URL), ``table``,
        ``url``, ``retrieved_at`` (ISO 8601 UTC), ``sha256`` of the written file,
        ``rows`` and ``path`` (relative to ``raw_dir``).

    Raises:
        ParameterError: ``jaren`` is empty.
        SourceUnavailable: CBS could not be reached (nothing is written).
        DataError: CBS answered with something unexpected (nothing is written).
    """
    raw = Path(raw_dir)
    years = sorted({int(j) for j in jaren})
    if not years:
        raise ParameterError("fetch_live needs at least one jaar")
    if client is None:
        client = CbsClient(OPENDATA_ROOT, cache_dir=raw.resolve().parent / "cache" / "cbs_odata")
    tasks = _plan(client, years)
    frames: list[tuple[_Task, pd.DataFrame, str]] = []
    for task in tqdm(tasks, desc="CBS OData", unit="tabel", disable=not progress):
        frame = task.run()
        frames.append((task, frame, datetime.now(UTC).isoformat(timespec="seconds")))
    entries: list[dict[str, Any]] = []
    for task, frame, retrieved_at in frames:
        rel = Path("live") / f"{task.name}.parquet"
        target = write_parquet(raw / rel, frame)
        entries.append(
            {
                "name": task.name,
                "source": f"CBS {task.table} {task.url}",
                "table": task.table,
                "url": task.url,
                "retrieved_at": retrieved_at,
                "sha256": sha256_file(target),
                "rows": int(len(frame)),
                "path": rel.as_posix(),
            }
        )
    return entries
