"""Build the static site: an index of all gemeenten with their headline figures and a map.

``analysekit publish`` reads the executed report notebooks under ``reports/`` with
scrapbook, collects the glued headline figures, and writes ``site/``:

* ``index.html`` — a table of all gemeenten (sortable and filterable with a few lines of
  inline JavaScript), a choropleth map as inline SVG (drawn here from the boundaries, so
  nothing is fetched), and a link to each report;
* ``rapporten/<GM0855-tilburg>/<notebook>.html`` — the reports (hard links when possible);
* ``kerncijfers.csv`` — the table as CSV.

All links are relative, so the site works from ``file://`` and from any static host.
Every file is written atomically.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from analysekit.errors import AnalysekitError
from analysekit.io import write_text
from analysekit.reporting import cached_scrap_validation
from analysekit.reporting.runner import DEFAULT_NOTEBOOK, reports_dir

#: Scraps that identify the gemeente rather than being headline figures.
IDENTITY = ("gm_code", "naam", "provincie")

#: Dutch column labels and decimals for known headline figures.
HEADLINES: dict[str, tuple[str, int]] = {
    "netto_sd_per_inwoner": ("Netto lasten sociaal domein per inwoner (€)", 0),
    "netto_sd_eur": ("Netto lasten sociaal domein (€)", 0),
    "inwoners": ("Inwoners", 0),
    "verschil_mediaan_pct": ("Verschil met mediaan gemeenten (%)", 1),
    "tekort_sd_per_inwoner": ("Structureel tekort per inwoner (€)", 0),
    "tekort_sd_eur": ("Structureel tekort (€)", 0),
    "overschrijding_sd_eur": ("Overschrijding begroting (€)", 0),
    "verschil_peers_pct": ("Verschil met vergelijkbare gemeenten (%)", 1),
    "potentieel_peers_eur": ("Besparingspotentieel t.o.v. peers (€)", 0),
    "netto_jeugd_per_inwoner": ("Jeugd, netto per inwoner (€)", 0),
    "netto_wmo_per_inwoner": ("Wmo, netto per inwoner (€)", 0),
    "netto_participatie_per_inwoner": ("Participatie, netto per inwoner (€)", 0),
    "netto_basis_per_inwoner": ("Sociale basisvoorzieningen, netto per inwoner (€)", 0),
    "netto_jeugd_eur": ("Jeugd, netto (€)", 0),
    "netto_wmo_eur": ("Wmo, netto (€)", 0),
    "netto_participatie_eur": ("Participatie, netto (€)", 0),
    "netto_basis_eur": ("Sociale basisvoorzieningen, netto (€)", 0),
}

#: Sequential palette (ColorBrewer YlOrRd, 5 classes) and the colour for missing values.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MISSING = "#d9d9d9"


@dataclasses.dataclass
class Row:
    """One gemeente in the index."""

    gm_code: str
    naam: str
    provincie: str
    link: str
    values: dict[str, Any]


# --------------------------------------------------------------------------- collecting


def collect(root: Path, notebook: str = DEFAULT_NOTEBOOK) -> list[tuple[Row, Path]]:
    """Read the headline figures of every executed report under ``root`` (with scrapbook).

    Returns:
        ``(row, html_path)`` per gemeente whose report has both ``.ipynb`` and ``.html``,
        sorted by name. ``row.link`` is relative to the site root.
    """
    out: list[tuple[Row, Path]] = []
    if not root.is_dir():
        return out
    with cached_scrap_validation():
        out = _collect(root, notebook)
    out.sort(key=lambda t: t[0].naam.casefold())
    return out


def _collect(root: Path, notebook: str) -> list[tuple[Row, Path]]:
    import scrapbook as sb

    out: list[tuple[Row, Path]] = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        ipynb, html_path = folder / f"{notebook}.ipynb", folder / f"{notebook}.html"
        if not (ipynb.is_file() and html_path.is_file()):
            continue
        book = sb.read_notebook(str(ipynb))
        scraps = {k: v.data for k, v in book.scraps.items()}
        meta = book.metadata.get("analysekit", {}) if hasattr(book, "metadata") else {}
        gm_code = str(scraps.get("gm_code") or meta.get("gm_code") or folder.name.split("-")[0])
        row = Row(
            gm_code=gm_code,
            naam=str(scraps.get("naam") or meta.get("naam") or folder.name),
            provincie=str(scraps.get("provincie") or meta.get("provincie") or ""),
            link=f"rapporten/{folder.name}/{notebook}.html",
            values={k: v for k, v in scraps.items() if k not in IDENTITY},
        )
        out.append((row, html_path))
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def headline_columns(rows: Sequence[Row]) -> list[str]:
    """The headline names with a number for at least one gemeente, known ones first."""
    seen: list[str] = []
    for r in rows:
        for k, v in r.values.items():
            if k not in seen and _is_number(v):
                seen.append(k)
    known = [k for k in HEADLINES if k in seen]
    return known + [k for k in seen if k not in HEADLINES]


def label(name: str) -> str:
    """Dutch column label for a headline name."""
    return HEADLINES.get(name, (name.replace("_", " ").capitalize(), 1))[0]


def format_nl(value: Any, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1234567.8`` → ``1.234.568`` (0 decimals)."""
    if not _is_number(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# --------------------------------------------------------------------------- map


def _classes(values: Sequence[float], k: int = len(PALETTE)) -> list[float]:
    """Quantile class breaks (k-1 inner breaks) of the finite values."""
    import numpy as np

    arr = np.asarray([v for v in values if _is_number(v)], dtype=float)
    if arr.size == 0:
        return []
    return [float(x) for x in np.quantile(arr, [i / k for i in range(1, k)])]


def _colour(value: Any, breaks: Sequence[float]) -> str:
    if not _is_number(value) or not breaks:
        return MISSING
    i = sum(value > b for b in breaks)
    return PALETTE[min(i, len(PALETTE) - 1)]


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
) -> str:
    """Draw a choropleth of ``color_by`` as an inline SVG, each gemeente linking to its report.

    Args:
        geometries: GeoDataFrame with ``gm_code`` and ``geometry`` (any CRS; projected to
            EPSG:28992 RD New when geographic).
        rows: The index rows (values and links).
        color_by: The headline figure that sets the colour.
        width: Width of the SVG in user units.

    Returns:
        ``<svg>`` markup with a legend.
    """
    gdf = geometries[["gm_code", "geometry"]].copy()
    if gdf.crs is not None and gdf.crs.is_geographic:
        gdf = gdf.to_crs(28992)
    minx, miny, maxx, maxy = gdf.total_bounds
    span = max(maxx - minx, maxy - miny) or 1.0
    gdf["geometry"] = gdf.geometry.simplify(span / 1500, preserve_topology=True)
    scale = width / (maxx - minx or 1.0)
    height = (maxy - miny) * scale
    by_code = {r.gm_code: r for r in rows}
    values = [r.values.get(color_by) for r in rows]
    breaks = _classes(values)
    decimals = HEADLINES.get(color_by, ("", 1))[1]
    paths = []
    for code, geom in zip(gdf["gm_code"], gdf.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        d = _path_d(geom, minx, maxy, scale)
        if not d:
            continue
        row = by_code.get(str(code))
        value = row.values.get(color_by) if row else None
        name = row.naam if row else str(code)
        title = f"{name}: {format_nl(value, decimals)}"
        path = (
            f'<path d="{d}" fill="{_colour(value, breaks)}" data-gm="{html.escape(str(code))}">'
            f"<title>{html.escape(title)}</title></path>"
        )
        if row:
            path = f'<a href="{html.escape(row.link)}">{path}</a>'
        paths.append(path)
    legend = _legend(breaks, decimals, x=width + 15, y=12)
    return (
        f'<svg class="kaart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width + 175:.0f} {max(height, 160):.0f}" '
        f'aria-label="Kaart: {html.escape(label(color_by))}">'
        f'<g class="gemeenten">{"".join(paths)}</g>{legend}</svg>'
    )


def _legend(breaks: Sequence[float], decimals: int, x: float, y: float) -> str:
    items = []
    if breaks:
        edges = ["", *[format_nl(b, decimals) for b in breaks], ""]
        for i, colour in enumerate(PALETTE[: len(breaks) + 1]):
            lo, hi = edges[i], edges[i + 1]
            text = f"≤ {hi}" if not lo else (f"> {lo}" if not hi else f"{lo} – {hi}")
            yy = y + i * 24
            items.append(
                f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{colour}" stroke="#666" '
                f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">{html.escape(text)}</text>'
            )
    yy = y + (len(breaks) + 1) * 24
    items.append(
        f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{MISSING}" stroke="#666" '
        f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">geen gegevens</text>'
    )
    return f'<g class="legenda">{"".join(items)}</g>'


def load_geometries(jaar: int | None = None) -> Any:
    """Gemeente boundaries of the indeling year ``jaar`` (default: the newest available)."""
    import analysekit

    gdf = analysekit.load("grenzen")
    years = sorted(int(y) for y in gdf["jaar"].unique())
    if not years:
        raise AnalysekitError("the grenzen table is empty")
    chosen = jaar if jaar in years else years[-1]
    return gdf[gdf["jaar"] == chosen]


# --------------------------------------------------------------------------- site


def _template(name: str) -> str:
    return resources.files("analysekit.reporting").joinpath("templates", name).read_text("utf-8")


def _link_or_copy(src: Path, dst: Path) -> None:
    """Put ``src`` at ``dst`` (hard link, else copy), atomically, unless already identical."""
    if dst.is_file():
        a, b = src.stat(), dst.stat()
        if (a.st_ino == b.st_ino and a.st_dev == b.st_dev) or (
            a.st_size == b.st_size and a.st_mtime_ns <= b.st_mtime_ns
        ):
            return
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dst)


def build_site(
    reports: Path | None = None,
    site: Path | str = "site",
    *,
    notebook: str = DEFAULT_NOTEBOOK,
    color_by: str | None = None,
    with_map: bool = True,
    geometries: Any = None,
    title: str = "Sociaal domein van gemeenten",
) -> dict[str, Any]:
    """Build the static site from the executed reports.

    Args:
        reports: Reports folder (default ``reports/``).
        site: Output folder.
        notebook: Which report notebook to index.
        color_by: Headline figure for the map colours (default: the first headline).
        with_map: Draw the map.
        geometries: Boundaries (GeoDataFrame with ``gm_code``); default: the ``grenzen``
            table of the newest indeling.
        title: Page title.

    Returns:
        ``{"index": Path, "rows": int, "reports": int, "map": bool, "columns": [...]}``.

    Raises:
        AnalysekitError: No reports found, or ``color_by`` is not a headline figure.
    """
    from jinja2 import Environment

    reports = Path(reports) if reports else reports_dir()
    site = Path(site)
    found = collect(reports, notebook)
    if not found:
        raise AnalysekitError(
            f"no executed {notebook} reports in {reports}; run `analysekit batch` first"
        )
    rows = [r for r, _ in found]
    columns = headline_columns(rows)
    if color_by is not None and color_by not in columns:
        raise AnalysekitError(
            f"--kleur {color_by!r} is not a headline figure; expected one of: {', '.join(columns)}"
        )
    color_by = color_by or (columns[0] if columns else None)

    for row, src in found:
        _link_or_copy(src, site / row.link)

    svg, map_note = "", ""
    if with_map and color_by:
        try:
            gdf = geometries if geometries is not None else load_geometries()
            svg = map_svg(gdf, rows, color_by)
        except AnalysekitError as exc:
            map_note = f"Kaart niet beschikbaar: {exc}"
    provincies = sorted({r.provincie for r in rows if r.provincie})

    env = Environment(autoescape=True)
    env.filters["nl"] = format_nl
    page = env.from_string(_template("index.html")).render(
        title=title,
        rows=rows,
        columns=[(c, label(c), HEADLINES.get(c, ("", 1))[1]) for c in columns],
        provincies=provincies,
        svg=svg,
        map_note=map_note,
        color_label=label(color_by) if color_by else "",
        css=_template("site.css"),
        js=_template("site.js"),
        notebook=notebook,
        is_number=_is_number,
    )
    index = write_text(site / "index.html", page)
    write_text(site / "kerncijfers.csv", "\ufeff" + _csv(rows, columns))
    write_text(
        site / "kerncijfers.json",
        json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, default=str),
    )
    return {
        "index": index,
        "rows": len(rows),
        "reports": len(found),
        "map": bool(svg),
        "columns": columns,
    }


def _csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["gm_code", "naam", "provincie", *columns, "rapport"])
    for r in rows:
        w.writerow(
            [r.gm_code, r.naam, r.provincie, *(_cell(r.values.get(c)) for c in columns), r.link]
        )
    return buf.getvalue()


def _cell(v: Any) -> str:
    return "" if not _is_number(v) else repr(float(v)) if isinstance(v, float) else str(v)


__all__ = ["build_site", "collect", "format_nl", "map_svg"]
