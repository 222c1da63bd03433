"""The site's choropleth map: one inline SVG per period, drawn from the gemeente boundaries.

Nothing is fetched: the boundaries (the ``grenzen`` table) are projected to RD New,
simplified and written as SVG paths, each linking to its gemeente's report. Colours are
quantile classes of one headline figure (:data:`PALETTE`); a gemeente without data for
the period (``iv3_levering``: not delivered, or no value) is grey, "geen gegevens" —
never coloured as 0; one without a report on the site is near-white.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from analysekit import nl
from analysekit.errors import AnalysekitError
from analysekit.reporting.site_columns import (
    Period,
    Row,
    format_value,
    is_number,
    kolom,
    label,
)

#: Sequential palette (ColorBrewer YlOrRd, 5 classes), the grey of "geen gegevens" and the
#: near-white of a gemeente without a report on the site.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MISSING = "#9e9e9e"
NO_REPORT = "#f2f2f2"


def not_delivered(period: Period) -> set[str]:
    """GM codes without an Iv3 submission for the period (``iv3_levering``: geleverd False)."""
    import analysekit

    try:
        lev = analysekit.load("iv3_levering")
    except (AnalysekitError, OSError):
        return set()
    sel = lev[(lev["jaar"] == period[0]) & (lev["verslagsoort"] == period[1]) & ~lev["geleverd"]]
    return {str(c) for c in sel["gm_code"]}


def classes(values: Sequence[float], k: int = len(PALETTE)) -> list[float]:
    """Quantile class breaks (at most k-1 inner breaks) of the finite values.

    Equal breaks are merged, so a handful of gemeenten gets fewer classes, never a legend
    like ``1.444 – 1.444``; one distinct value gets none (one class).
    """
    import numpy as np

    arr = np.asarray([v for v in values if is_number(v)], dtype=float)
    if arr.size == 0:
        return []
    k = min(k, len(np.unique(arr)))
    breaks = [float(x) for x in np.quantile(arr, [i / k for i in range(1, k)])]
    return sorted(set(breaks))


def palette(n_classes: int) -> list[str]:
    """``n_classes`` colours spread over :data:`PALETTE` (all five for five classes)."""
    if n_classes <= 1:
        return [PALETTE[len(PALETTE) // 2]]
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (n_classes - 1))] for i in range(n_classes)]


def colour(value: Any, breaks: Sequence[float]) -> str:
    """The fill of ``value`` given the class ``breaks`` (grey :data:`MISSING` when no number)."""
    if not is_number(value):
        return MISSING
    i = sum(value > b for b in breaks)
    return palette(len(breaks) + 1)[i]


def _ring(coords: Any, x0: float, y1: float, scale: float) -> str:
    pts = [f"{(x - x0) * scale:.1f} {(y1 - y) * scale:.1f}" for x, y in coords]
    dedup = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
    if len(dedup) < 3:
        return ""
    return "M" + "L".join(dedup) + "Z"


def _path_d(geom: Any, x0: float, y1: float, scale: float) -> str:
    polys = getattr(geom, "geoms", [geom])
    parts = []
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        parts.append(_ring(poly.exterior.coords, x0, y1, scale))
        parts += [_ring(r.coords, x0, y1, scale) for r in poly.interiors]
    return "".join(p for p in parts if p)


def map_svg(
    geometries: Any,
    rows: Sequence[Row],
    color_by: str,
    *,
    width: float = 400.0,
    missing: set[str] | frozenset[str] = frozenset(),
) -> str:
    """Draw a choropleth of ``color_by`` as an inline SVG, each gemeente linking to its report.

    Args:
        geometries: GeoDataFrame with ``gm_code`` and ``geometry`` (any CRS; projected to
            EPSG:28992 RD New when geographic); an optional ``naam`` names the gemeenten
            without a report.
        rows: The index rows (values and links), all of one period.
        color_by: The headline figure that sets the colour.
        width: Width of the SVG in user units.
        missing: GM codes without data for the period (not delivered): grey, never a class.

    Returns:
        ``<svg>`` markup with a legend. A gemeente with a report but no value, or in
        ``missing``, is grey ("geen gegevens"); one without a report on the site is
        near-white ("geen rapport").
    """
    cols = ["gm_code", "geometry"] + (["naam"] if "naam" in geometries.columns else [])
    gdf = geometries[cols].copy()
    if gdf.crs is not None and gdf.crs.is_geographic:
        gdf = gdf.to_crs(28992)
    minx, miny, maxx, maxy = gdf.total_bounds
    span = max(maxx - minx, maxy - miny) or 1.0
    gdf["geometry"] = gdf.geometry.simplify(span / 1500, preserve_topology=True)
    scale = width / (maxx - minx or 1.0)
    height = (maxy - miny) * scale
    by_code = {r.gm_code: r for r in rows}
    values = [r.values.get(color_by) for r in rows if r.gm_code not in missing]
    breaks = classes(values)
    names = gdf["naam"] if "naam" in gdf.columns else gdf["gm_code"]
    paths = []
    any_without_report = False
    for code, geom, naam in zip(gdf["gm_code"], gdf.geometry, names, strict=True):
        if geom is None or geom.is_empty:
            continue
        d = _path_d(geom, minx, maxy, scale)
        if not d:
            continue
        code = str(code)
        row = by_code.get(code)
        value = row.values.get(color_by) if row else None
        if code in missing or (row is not None and not is_number(value)):
            fill, shown = MISSING, nl.GEEN_GEGEVENS
        elif row is None:
            fill, shown = NO_REPORT, "geen rapport op deze site"
            any_without_report = True
        else:
            fill, shown = colour(value, breaks), format_value(color_by, value)
        name = row.naam_kort if row else str(naam)
        path = (
            f'<path d="{d}" fill="{fill}" data-gm="{html.escape(code)}">'
            f"<title>{html.escape(f'{name}: {shown}')}</title></path>"
        )
        if row:
            path = f'<a href="{html.escape(row.link)}">{path}</a>'
        paths.append(path)
    legend = _legend(
        breaks,
        color_by,
        x=width + 15,
        y=12,
        without_report=any_without_report,
        has_values=any(is_number(v) for v in values),
    )
    return (
        f'<svg class="kaart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width + 175:.0f} {max(height, 160):.0f}" '
        f'aria-label="Kaart: {html.escape(label(color_by))}">'
        f'<g class="gemeenten">{"".join(paths)}</g>{legend}</svg>'
    )


def _legend(
    breaks: Sequence[float],
    color_by: str,
    x: float,
    y: float,
    *,
    without_report: bool = False,
    has_values: bool = True,
) -> str:
    k = kolom(color_by)
    items = []
    unit = k.eenheid.split(", ")[-1] if k.eenheid else ""
    if unit:
        items.append(f'<text x="{x}" y="{y + 4}" class="eenheid">{html.escape(unit)}</text>')
        y += 14
    n_classes = len(breaks) + 1 if has_values else 0
    if n_classes:
        edges = ["", *[format_value(color_by, b) for b in breaks], ""]
        for i, fill in enumerate(palette(n_classes)):
            lo, hi = edges[i], edges[i + 1]
            text = (
                "met gegevens"
                if not lo and not hi
                else f"≤ {hi}"
                if not lo
                else (f"> {lo}" if not hi else f"{lo} – {hi}")
            )
            yy = y + i * 24
            items.append(
                f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{fill}" stroke="#666" '
                f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">{html.escape(text)}</text>'
            )
    extra = [(MISSING, nl.GEEN_GEGEVENS)]
    if without_report:
        extra.append((NO_REPORT, "geen rapport"))
    for j, (fill, text) in enumerate(extra):
        yy = y + (n_classes + j) * 24
        items.append(
            f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{fill}" stroke="#666" '
            f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">{html.escape(text)}</text>'
        )
    return f'<g class="legenda">{"".join(items)}</g>'


def load_geometries(jaar: int | None = None) -> Any:
    """Gemeente boundaries of the indeling year ``jaar`` (default: the newest available)."""
    from analysekit.data.load import indeling

    return indeling("grenzen", jaar)
