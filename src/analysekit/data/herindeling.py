"""Crosswalk between gemeente indelingen, and re-expressing series in a reference indeling.

Gemeenten merge (samenvoeging) and, rarely, are split over several neighbours (Haaren in
2021, Littenseradiel in 2018). To compare a gemeente over time, figures of earlier years are
expressed in one reference indeling: figures of merged gemeenten are added to their
successor, and figures of a split gemeente are divided over its successors.

The crosswalk is derived from the boundary files (:func:`analysekit.data.mirror.grenzen.
build_grenzen`), one step per pair of consecutive indeling years:

* A GM code present in both years maps to itself with ``aandeel`` 1 (``sleutel`` =
  ``identiek``). Small boundary corrections between continuing gemeenten are ignored.
* A code that disappears is intersected with the gemeenten of the next year in the Dutch
  national grid RD New (EPSG:28992). RD is conformal, not equal-area, but its area scale
  varies by less than 0.04% across the country (checked against the equal-area
  EPSG:3035), so area ratios are exact for this purpose. ``sleutel`` is ``samenvoeging``
  when the whole area goes to one successor and ``oppervlak`` when it is split.
* Generalisation noise. The boundary files of different years are simplified
  independently (and 2022 and 2023 come from other sources), so the same border lies a
  few hundred metres apart from year to year: the median Hausdorff distance between the
  two versions of an unchanged gemeente is 270–460 m for most consecutive files (0 m for
  2020–2021, which share one generalisation) and 820 m from 2022 to 2023, and in those
  pairs 10% of unchanged gemeenten lose more than 2–7% of their area to neighbours. A
  plain "drop overlaps below 1%" rule leaves such strips as fake successors (e.g. Weesp
  2022 → Gooise Meren 3.3%, Schijndel 2016 → Bernheze 2.8%).
  Which successors are real is therefore decided on the old gemeente **eroded by
  500 m** (:data:`EROSION_M`): a successor is kept when it covers at least 1%
  (:data:`SLIVER_SHARE`) of that core. Strips along a border vanish; transferred areas
  more than about a kilometre wide stay (Muiden 2015 → Weesp, Winsum 2018 → Westerkwartier,
  Haaren 2020 → Boxtel, Oisterwijk, Tilburg, Vught). The shares themselves are the
  overlaps of the full, un-eroded geometry with the kept successors, renormalised to sum
  to 1. Gemeenten narrower than 1 km (no core) fall back to the 1% rule on the full area.

The key for splits is **area**, not population: the mirror has no population below the
gemeente level, so a split gemeente's figures are divided in proportion to the land and
water area that went to each successor. This is a known approximation (villages are not
spread evenly over area); it only affects the few split gemeenten.

:func:`to_indeling` applies the crosswalk. It is only valid for **additive** quantities
(counts of persons or clients, euros). Ratios, percentages, per-inhabitant figures and
averages must be recomputed from re-expressed numerators and denominators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysekit.errors import DataError, ParameterError

if TYPE_CHECKING:  # geopandas/shapely only for building the crosswalk (data build), not for
    import geopandas as gpd  # applying it: report processes that re-express series skip them

#: Overlaps smaller than this share of the old gemeente's area are dropped as slivers.
SLIVER_SHARE = 0.01
#: Erosion (metres) of the old gemeente before deciding which overlaps are real successors.
EROSION_M = 500.0
#: Projected CRS used for area computations (RD New, metres).
AREA_CRS = "EPSG:28992"
CROSSWALK_COLUMNS = ["van_jaar", "van_gm_code", "naar_jaar", "naar_gm_code", "aandeel", "sleutel"]
SLEUTELS = ("identiek", "samenvoeging", "oppervlak")


def _to_area_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Project to :data:`AREA_CRS`, repairing geometries the projection made invalid."""
    import shapely

    out = gdf[["gm_code", "geometry"]].to_crs(AREA_CRS)
    geoms = out.geometry.array
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad], method="structure", keep_collapsed=False)
        out = out.set_geometry(geoms)
    return out


def _step(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, van: int, naar: int) -> pd.DataFrame:
    """Crosswalk rows from indeling ``van`` to indeling ``naar`` (one step)."""
    import geopandas as gpd
    import shapely

    new_codes = set(new["gm_code"])
    same = old["gm_code"][old["gm_code"].isin(new_codes)].to_numpy()
    rows = [
        pd.DataFrame(
            {"van_gm_code": same, "naar_gm_code": same, "aandeel": 1.0, "sleutel": "identiek"}
        )
    ]
    gone = old[~old["gm_code"].isin(new_codes)]
    if len(gone):
        gone_rd = _to_area_crs(gone).reset_index(drop=True)
        new_rd = _to_area_crs(new).reset_index(drop=True)
        pairs = gpd.sjoin(gone_rd, new_rd, how="inner", predicate="intersects")
        left = gone_rd.geometry.array[pairs.index.to_numpy()]
        right = new_rd.geometry.array[pairs["index_right"].to_numpy()]
        # Shares on the full geometry ...
        share = shapely.area(shapely.intersection(left, right)) / shapely.area(left)
        # ... but which successors are real is decided on the eroded old geometry, where
        # the strips that differ only by generalisation have vanished.
        core = shapely.buffer(gone_rd.geometry.array, -EROSION_M)
        core_left = core[pairs.index.to_numpy()]
        core_area = shapely.area(core_left)
        core_share = np.divide(
            shapely.area(shapely.intersection(core_left, right)),
            core_area,
            out=np.full(len(pairs), np.nan),
            where=core_area > 0,
        )
        # Gemeenten narrower than 2 x EROSION_M have no core: fall back to the full overlap.
        keep = np.where(np.isnan(core_share), share >= SLIVER_SHARE, core_share >= SLIVER_SHARE)
        ov = pd.DataFrame(
            {
                "van_gm_code": pairs["gm_code_left"].to_numpy(),
                "naar_gm_code": pairs["gm_code_right"].to_numpy(),
                "aandeel": share,
            }
        )[keep & (share > 0)]
        lost = sorted(set(gone["gm_code"]) - set(ov["van_gm_code"]))
        if lost:
            raise DataError(
                f"gemeente {lost[0]} van indeling {van} overlapt geen enkele gemeente van "
                f"indeling {naar}; verwacht: het gebied gaat naar een of meer opvolgers"
            )
        ov["aandeel"] = ov["aandeel"] / ov.groupby("van_gm_code")["aandeel"].transform("sum")
        n = ov.groupby("van_gm_code")["naar_gm_code"].transform("size")
        ov["sleutel"] = np.where(n == 1, "samenvoeging", "oppervlak")
        rows.append(ov)
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "van_jaar", van)
    out.insert(2, "naar_jaar", naar)
    return out[CROSSWALK_COLUMNS]


def build_crosswalk(grenzen: gpd.GeoDataFrame) -> pd.DataFrame:
    """Derive the crosswalk between consecutive indeling years from boundary files.

    See the module docstring for the method (identical codes, area overlap in EPSG:28992
    with slivers below 1% dropped, shares renormalised) and why the key is area.

    Args:
        grenzen: The canonical grenzen frame ``[gm_code, jaar, naam, geometry]``, e.g. from
            :func:`analysekit.data.mirror.grenzen.build_grenzen`. Consecutive years present
            in the frame are linked; a gap (e.g. 2019 then 2021) links 2019 to 2021.

    Returns:
        DataFrame ``[van_jaar, van_gm_code, naar_jaar, naar_gm_code, aandeel, sleutel]``
        with one or more rows per gemeente of every year but the last; ``aandeel`` sums to 1
        per (van_jaar, van_gm_code).

    Raises:
        DataError: A column is missing, fewer than two years are given, a code occurs twice
            within a year, or a disappearing gemeente overlaps nothing in the next year.
    """
    missing = [c for c in ("gm_code", "jaar", "geometry") if c not in grenzen.columns]
    if missing:
        raise DataError(
            f"grenzen-frame: kolom(men) {', '.join(missing)} ontbreken; "
            "verwacht: gm_code, jaar, geometry"
        )
    if grenzen.crs is None:
        raise DataError("grenzen-frame: geen CRS; verwacht: EPSG:4326")
    dup = grenzen.duplicated(["jaar", "gm_code"])
    if dup.any():
        row = grenzen[dup].iloc[0]
        raise DataError(
            f"grenzen-frame: gemeente {row['gm_code']} komt twee keer voor in {row['jaar']}; "
            "verwacht: één rij per gemeente per jaar"
        )
    jaren = sorted(int(j) for j in grenzen["jaar"].unique())
    if len(jaren) < 2:
        raise DataError(f"grenzen-frame: indelingsjaren {jaren}; verwacht: minstens twee")
    by_year = {j: g.reset_index(drop=True) for j, g in grenzen.groupby("jaar", sort=True)}
    steps = [_step(by_year[a], by_year[b], a, b) for a, b in zip(jaren, jaren[1:], strict=False)]
    out = pd.concat(steps, ignore_index=True)
    out["van_jaar"] = out["van_jaar"].astype("int64")
    out["naar_jaar"] = out["naar_jaar"].astype("int64")
    return out.sort_values(["van_jaar", "van_gm_code", "naar_gm_code"], ignore_index=True)


def indeling_years(crosswalk: pd.DataFrame) -> list[int]:
    """All indeling years covered by a crosswalk (van and naar)."""
    return sorted({*map(int, crosswalk["van_jaar"]), *map(int, crosswalk["naar_jaar"])})


def _codes(crosswalk: pd.DataFrame, jaar: int) -> np.ndarray:
    """GM codes of indeling ``jaar`` according to the crosswalk."""
    van = crosswalk.loc[crosswalk["van_jaar"] == jaar, "van_gm_code"]
    if len(van):
        return np.sort(van.unique())
    return np.sort(crosswalk.loc[crosswalk["naar_jaar"] == jaar, "naar_gm_code"].unique())


def chain(crosswalk: pd.DataFrame, van_jaar: int, naar_jaar: int) -> pd.DataFrame:
    """Compose crosswalk steps to map indeling ``van_jaar`` onto a later ``naar_jaar``.

    Args:
        crosswalk: Output of :func:`build_crosswalk` (or the ``herindelingen`` table).
        van_jaar: Indeling year of the data.
        naar_jaar: Reference indeling year, ``>= van_jaar``.

    Returns:
        Crosswalk-shaped frame with ``van_jaar`` and ``naar_jaar`` as given. ``sleutel`` is
        ``identiek`` when a code maps to itself through every step, ``samenvoeging`` when
        all of it ends in one other gemeente, else ``oppervlak``. For ``van_jaar ==
        naar_jaar`` every code maps to itself.

    Raises:
        ParameterError: A year outside the crosswalk, or ``naar_jaar < van_jaar``.
    """
    jaren = indeling_years(crosswalk)
    for label, j in (("van_jaar", van_jaar), ("naar_jaar", naar_jaar)):
        if j not in jaren:
            raise ParameterError(
                f"{label}={j} is geen indelingsjaar van de omzettingstabel; verwacht: een van "
                f"{jaren[0]}–{jaren[-1]}"
            )
    if naar_jaar < van_jaar:
        raise ParameterError(
            f"naar_jaar={naar_jaar} ligt vóór van_jaar={van_jaar}; verwacht: naar_jaar >= "
            "van_jaar (de omzetting gaat alleen vooruit naar een latere indeling)"
        )
    # Compose the steps on plain dicts: a few hundred codes times at most ten steps.
    cur: dict[str, dict[str, float]] = {c: {c: 1.0} for c in _codes(crosswalk, van_jaar)}
    ident = dict.fromkeys(cur, True)
    for a, b in zip(jaren, jaren[1:], strict=False):
        if a < van_jaar or b > naar_jaar:
            continue
        sel = crosswalk[(crosswalk["van_jaar"] == a) & (crosswalk["naar_jaar"] == b)]
        step: dict[str, list[tuple[str, float]]] = {}
        moved: set[str] = set()
        for v, n, share, key in zip(
            sel["van_gm_code"], sel["naar_gm_code"], sel["aandeel"], sel["sleutel"], strict=True
        ):
            step.setdefault(v, []).append((n, float(share)))
            if key != "identiek":
                moved.add(v)
        for van, targets in cur.items():
            nxt: dict[str, float] = {}
            for via, share in targets.items():
                if via not in step:
                    raise DataError(
                        f"omzettingstabel: gemeente {via} van indeling {a} heeft geen rijen naar "
                        f"{b}; verwacht: elke code van een jaar is omgezet"
                    )
                if via in moved:
                    ident[van] = False
                for naar, s2 in step[via]:
                    nxt[naar] = nxt.get(naar, 0.0) + share * s2
            cur[van] = nxt
    rows = [
        (
            van,
            naar,
            share,
            "identiek" if ident[van] else ("samenvoeging" if len(targets) == 1 else "oppervlak"),
        )
        for van, targets in cur.items()
        for naar, share in targets.items()
    ]
    out = pd.DataFrame(rows, columns=["van_gm_code", "naar_gm_code", "aandeel", "sleutel"])
    out.insert(0, "van_jaar", int(van_jaar))
    out.insert(2, "naar_jaar", int(naar_jaar))
    out["aandeel"] = out["aandeel"].astype("float64")
    return out[CROSSWALK_COLUMNS].sort_values(["van_gm_code", "naar_gm_code"], ignore_index=True)


def _default_crosswalk() -> pd.DataFrame:
    """The project's ``herindelingen`` table from ``data/processed``."""
    from analysekit.data import store

    return store.read("herindelingen")


def to_indeling(
    df: pd.DataFrame,
    value_cols: str | Sequence[str],
    naar_jaar: int | None = None,
    jaar_col: str = "jaar",
    crosswalk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Express a gemeente-level series in one reference indeling.

    Figures of merged gemeenten are summed into their successor; figures of a split
    gemeente are divided over its successors by ``aandeel`` (area share). **Only valid for
    additive quantities** (counts, euros): recompute ratios and per-inhabitant figures
    afterwards from re-expressed numerators and denominators.

    Each row is mapped from the indeling of its own year (``jaar_col``). All columns other
    than ``gm_code`` and ``value_cols`` are kept as grouping keys (e.g. ``jaar``,
    ``verslagsoort``, ``taakveld``), so drop gemeente attributes such as ``naam`` first.
    Missing values count as 0 in sums, except that a result is NaN when every
    contributing value is NaN.

    Args:
        df: Frame with ``gm_code``, ``jaar_col`` and the value columns.
        value_cols: Column name(s) to re-express.
        naar_jaar: Reference indeling year; default the newest year in the crosswalk.
        jaar_col: Column holding the year whose indeling each row uses.
        crosswalk: Crosswalk table; default the project's ``herindelingen`` table.

    Returns:
        Frame with the same columns, ``gm_code`` in the ``naar_jaar`` indeling, one row per
        (gm_code, keys), sorted.

    Raises:
        ParameterError: A named column does not exist, a value column is not numeric, or
            a year is outside the crosswalk or after ``naar_jaar``.
        DataError: A gm_code does not exist in the indeling of its row's year.
    """
    values = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    if not values:
        raise ParameterError("value_cols is leeg; verwacht: minstens één kolom om om te zetten")
    for col in ["gm_code", jaar_col, *values]:
        if col not in df.columns:
            raise ParameterError(
                f"kolom {col!r} staat niet in het frame; beschikbaar: "
                f"{', '.join(map(str, df.columns))}"
            )
    for col in values:
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise ParameterError(
                f"waardekolom {col!r} heeft dtype {df[col].dtype}; verwacht: getallen "
                "(aantallen, euro's)"
            )
    cw = _default_crosswalk() if crosswalk is None else crosswalk
    jaren = indeling_years(cw)
    target = jaren[-1] if naar_jaar is None else int(naar_jaar)
    keys = [c for c in df.columns if c not in ("gm_code", *values)]
    parts = []
    for jaar, sub in df.groupby(jaar_col, sort=True):
        step = chain(cw, int(jaar), target)
        unknown = sorted(set(sub["gm_code"]) - set(step["van_gm_code"]))
        if unknown:
            raise DataError(
                f"gm_code {unknown[0]} bestaat niet in de indeling {int(jaar)} "
                f"({len(unknown)} onbekende code(s)); verwacht: codes van dat jaar"
            )
        m = sub.merge(
            step[["van_gm_code", "naar_gm_code", "aandeel"]],
            left_on="gm_code",
            right_on="van_gm_code",
            how="inner",
        )
        for col in values:
            m[col] = m[col] * m["aandeel"]
        m["gm_code"] = m["naar_gm_code"]
        parts.append(m[["gm_code", *keys, *values]])
    if not parts:
        return df.iloc[0:0].copy()
    long = pd.concat(parts, ignore_index=True)
    out = long.groupby(["gm_code", *keys], as_index=False, dropna=False, sort=True)[values].sum(
        min_count=1
    )
    return out[[c for c in df.columns if c in out.columns]]


def successors(
    crosswalk: pd.DataFrame, gm_code: str, van_jaar: int, naar_jaar: int
) -> pd.DataFrame:
    """Successor(s) of one gemeente: the rows of :func:`chain` for ``gm_code``."""
    step = chain(crosswalk, van_jaar, naar_jaar)
    return step[step["van_gm_code"] == gm_code].reset_index(drop=True)


__all__ = [
    "EROSION_M",
    "SLIVER_SHARE",
    "build_crosswalk",
    "chain",
    "indeling_years",
    "successors",
    "to_indeling",
]
