"""Gemeente boundaries per indeling year (2015–2025) from the offline mirror.

Sources (all CBS/PDOK generalised gemeente boundaries, see each folder's ``SOURCE.md``):

* 2015–2021: ``propertyapp-gemeentegrenzen/data/geodata/gemeentegrenzen_<jaar>.geojson``
  (CBS "gebiedsindelingen", land and water; properties ``statcode``/``statnaam``).
* 2022: ``nlstat-kwb2021/data/gemeenten.geojson`` (CBS gebiedsindeling 2022, 345 gemeenten).
* 2023: ``rubensan19-kaarten/gemeenten.geojson`` (indeling of 1 January 2023, 342 gemeenten,
  coarsely simplified; properties ``gemeenteCode``/``gemeenteNaam``).
* 2024 and 2025: the same 2023 file, reused. There were no herindelingen on 1 January 2024
  or 1 January 2025: the CBS gemeente lists of those years have the same 342 codes (the
  mirror's ``Gemeenteklassen/2024.csv`` and ``2025.csv`` list the same 342 names).

The rubensan19 file declares ``EPSG:4289`` (Amersfoort, geographic), but its coordinates are
WGS84 lon/lat: compared with the 2022 CBS file, the centroids of unchanged gemeenten lie a
median 86 m apart when the file is read as WGS84 and 140 m when it is transformed from
EPSG:4289. The CRS is therefore overridden to EPSG:4326, not transformed.

Names are kept exactly as each file publishes them (``Groningen`` up to 2022,
``Groningen (gemeente)`` from 2023; ``Nuenen. Gerwen en Nederwetten`` in 2017); use
:mod:`analysekit.data.lookup` for tolerant name matching. Invalid geometries (a few
self-touching rings per file) are repaired with :func:`shapely.make_valid`, keeping the
polygonal parts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from analysekit.data.mirror.common import mirror_file
from analysekit.errors import DataError
from analysekit.vocab import GM_CODE_RE

GRENZEN_COLUMNS = ["gm_code", "jaar", "naam", "geometry"]


@dataclass(frozen=True)
class GrenzenBron:
    """Where the boundaries of one indeling year come from.

    Attributes:
        parts: Path of the GeoJSON file inside the mirror, as path parts.
        code_col: Property holding the GM code.
        name_col: Property holding the gemeente name.
        crs_override: CRS to assign (not transform to) when the declared CRS is wrong.
        note: Short provenance note (e.g. that a later year reuses an earlier file).
    """

    parts: tuple[str, ...]
    code_col: str
    name_col: str
    crs_override: str | None = None
    note: str = ""


_PROPERTYAPP = ("propertyapp-gemeentegrenzen", "data", "geodata")
_RUBENSAN = GrenzenBron(
    ("rubensan19-kaarten", "gemeenten.geojson"),
    "gemeenteCode",
    "gemeenteNaam",
    crs_override="EPSG:4326",
    note="indeling 1 January 2023",
)

#: Source file per indeling year (1 January of that year).
GRENZEN_BRONNEN: dict[int, GrenzenBron] = {
    **{
        jaar: GrenzenBron(
            (*_PROPERTYAPP, f"gemeentegrenzen_{jaar}.geojson"), "statcode", "statnaam"
        )
        for jaar in range(2015, 2022)
    },
    2022: GrenzenBron(("nlstat-kwb2021", "data", "gemeenten.geojson"), "statcode", "statnaam"),
    2023: _RUBENSAN,
    2024: GrenzenBron(
        _RUBENSAN.parts,
        _RUBENSAN.code_col,
        _RUBENSAN.name_col,
        _RUBENSAN.crs_override,
        note="2023 file reused: no herindelingen on 1 January 2024",
    ),
    2025: GrenzenBron(
        _RUBENSAN.parts,
        _RUBENSAN.code_col,
        _RUBENSAN.name_col,
        _RUBENSAN.crs_override,
        note="2023 file reused: no herindelingen on 1 January 2024 or 2025",
    ),
}


def _read_geojson(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file; any read failure becomes a :class:`DataError` naming the file."""
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: niet te lezen als GeoJSON ({first})") from None
    if len(gdf) == 0:
        raise DataError(f"{path}: geen features; verwacht: één polygoon per gemeente")
    return gdf


def read_grenzen_file(path: Path, jaar: int, bron: GrenzenBron) -> gpd.GeoDataFrame:
    """Read and check one boundary file into the canonical grenzen frame for ``jaar``.

    Args:
        path: The GeoJSON file.
        jaar: The indeling year it stands for.
        bron: Column names and CRS handling of the file.

    Returns:
        GeoDataFrame ``[gm_code, jaar, naam, geometry]`` in EPSG:4326, sorted by gm_code.

    Raises:
        DataError: Unreadable file, missing property, malformed or duplicate GM code,
            empty geometry, a ``jrstatcode`` of another year, or no CRS; the message names
            the file.
    """
    gdf = _read_geojson(path)
    missing = [c for c in (bron.code_col, bron.name_col) if c not in gdf.columns]
    if missing:
        raise DataError(
            f"{path}: eigenschap(pen) {', '.join(repr(m) for m in missing)} ontbreken; "
            f"verwacht: {bron.code_col!r} en {bron.name_col!r}"
        )
    codes = gdf[bron.code_col].astype("string").str.strip()
    bad = ~codes.fillna("").str.match(GM_CODE_RE)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: feature {pos}, eigenschap {bron.code_col!r}: "
            f"{gdf[bron.code_col].iloc[pos]!r}; verwacht: een gemeentecode als 'GM0855'"
        )
    dup = codes.duplicated()
    if dup.any():
        raise DataError(
            f"{path}: gemeentecode {codes[dup].iloc[0]} komt meer dan eens voor; "
            "verwacht: één feature per gemeente"
        )
    if "jrstatcode" in gdf.columns:
        years = gdf["jrstatcode"].astype("string").str[:4]
        wrong = years != str(jaar)
        if wrong.any():
            raise DataError(
                f"{path}: jrstatcode {gdf['jrstatcode'][wrong].iloc[0]!r} hoort niet bij "
                f"indeling {jaar}; verwacht: codes als '{jaar}GM0855'"
            )
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        raise DataError(
            f"{path}: gemeente {codes[empty].iloc[0]} heeft geen geometrie; verwacht: een polygoon"
        )
    if bron.crs_override:
        gdf = gdf.set_crs(bron.crs_override, allow_override=True)
    elif gdf.crs is None:
        raise DataError(f"{path}: geen coördinatenstelsel (CRS); verwacht: WGS84 (EPSG:4326)")
    else:
        gdf = gdf.to_crs("EPSG:4326")
    geoms = gdf.geometry.array
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = repaired
    if not shapely.is_valid(geoms).all():  # pragma: no cover - make_valid guarantees validity
        raise DataError(
            f"{path}: geometrie niet te herstellen met make_valid; verwacht: geldige polygonen"
        )
    out = gpd.GeoDataFrame(
        {
            "gm_code": codes.astype(str).to_numpy(),
            "jaar": pd.Series(jaar, index=range(len(gdf)), dtype="int64"),
            "naam": gdf[bron.name_col].astype("string").str.strip().astype(str).to_numpy(),
        },
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326").to_numpy(),
        crs="EPSG:4326",
    )
    return out.sort_values("gm_code", ignore_index=True)


def build_grenzen(mirror: str | Path | None = None) -> gpd.GeoDataFrame:
    """Build the canonical ``grenzen`` table for the indeling years 2015–2025.

    Args:
        mirror: Mirror folder; default from :func:`analysekit.paths.mirror_dir`.

    Returns:
        GeoDataFrame ``[gm_code, jaar, naam, geometry]`` (EPSG:4326), one row per gemeente
        per indeling year, sorted by (jaar, gm_code). 2024 and 2025 repeat the 2023
        geometries (see the module docstring).

    Raises:
        DataError: A source file is missing or malformed; the message names the file.
    """
    cache: dict[Path, gpd.GeoDataFrame] = {}
    frames = []
    for jaar, bron in GRENZEN_BRONNEN.items():
        path = mirror_file(mirror, *bron.parts)
        if path not in cache:
            cache[path] = read_grenzen_file(path, jaar, bron)
        frames.append(cache[path].assign(jaar=jaar))
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out[GRENZEN_COLUMNS], geometry="geometry", crs="EPSG:4326")
