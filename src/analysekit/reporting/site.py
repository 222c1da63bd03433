"""Build the static site: an index of all gemeenten with their headline figures and a map.

``analysekit publish`` reads the executed report notebooks under ``reports/`` with
scrapbook, collects the glued headline figures, and writes ``site/``.

One page shows one jaar + verslagsoort (a *period*): its table and its map never mix
years or verslagsoorten. ``index.html`` shows the chosen period (``--jaar``,
``--verslagsoort``; default the latest jaarrekening among the reports); every other
period found gets its own page ``<jaar>-<verslagsoort>.html``, linked from each page.

* a table of the gemeenten (sortable and filterable with a few lines of inline JavaScript);
  the key columns fit a laptop screen (1366 px), the rest is behind a column chooser;
  every header is at most two lines, a gap column carries the key "tekort (+) / overschot
  (−)", and every row says which jaar and verslagsoort its figures are about;
* a choropleth map as inline SVG (drawn here from the boundaries, so nothing is fetched):
  a gemeente without data for that period (``iv3_levering``: not delivered, or no value)
  is grey, "geen gegevens" — never coloured as 0; one without a report is marked apart;
* ``rapporten/<GM0855-tilburg>/<jaar>-<verslagsoort>/<notebook>.html`` — the reports;
* ``kerncijfers.csv`` (index period) and ``kerncijfers-<jaar>-<verslagsoort>.csv``.

All links are relative, so the site works from ``file://`` and from any static host.
Every page and report goes through :func:`analysekit.reporting.sanitize.sanitize_html`
(only the site's own script is kept). Every file is written atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import math
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from analysekit import nl
from analysekit.errors import AnalysekitError
from analysekit.io import write_text
from analysekit.reporting import cached_scrap_validation
from analysekit.reporting.runner import (
    DEFAULT_NOTEBOOK,
    period_name,
    report_period,
    reports_dir,
)
from analysekit.reporting.sanitize import sanitize_html

#: Scraps that identify the gemeente rather than being headline figures.
IDENTITY = ("gm_code", "naam", "provincie")

#: The sign key of every gap column (one sign convention in the whole kit).
TEKEN_SLEUTEL = "tekort (+) / overschot (−)"


@dataclasses.dataclass(frozen=True)
class Kolom:
    """How a headline figure appears on the site.

    ``kop`` and ``eenheid`` are the two header lines (short; never wrapped), ``label`` the
    full description (tooltip, map title, CSV readers), ``vorm`` the number format
    (``getal``, ``mln``, ``pct``), ``kloof`` marks a gap column (sign key, explicit +).
    """

    kop: str
    eenheid: str
    label: str
    vorm: str = "getal"
    decimals: int = 0
    kloof: bool = False


def _dom(naam: str, kort: str | None = None) -> dict[str, Kolom]:
    key = {"Jeugd": "jeugd", "Wmo": "wmo", "Participatie": "participatie"}.get(naam, "basis")
    return {
        f"netto_{key}_per_inwoner": Kolom(
            kort or naam, "€ per inwoner", f"{naam}, netto lasten per inwoner (€)"
        ),
        f"netto_{key}_eur": Kolom(kort or naam, "€ mln", f"{naam}, netto lasten (€)", "mln", 1),
    }


_JEUGD, _WMO, _PART, _BASIS = (
    _dom("Jeugd"),
    _dom("Wmo"),
    _dom("Participatie"),
    _dom("Sociale basisvoorzieningen", "Basisvoorzieningen"),
)

#: Known headline figures, in the site's column order (per inwoner first, then totals).
HEADLINES: dict[str, Kolom] = {
    "netto_sd_per_inwoner": Kolom(
        "Netto lasten", "€ per inwoner", "Netto lasten sociaal domein per inwoner (€)"
    ),
    "verschil_mediaan_pct": Kolom(
        "T.o.v. mediaan",
        "alle gemeenten, %",
        "Verschil met de mediaan van alle gemeenten (%)",
        "pct",
        1,
    ),
    "tekort_sd_per_inwoner": Kolom(
        "Tekort (+) / overschot (−)",
        "gemeentefonds, € per inw.",
        f"Structureel tekort t.o.v. het gemeentefonds per inwoner (€; {TEKEN_SLEUTEL})",
        kloof=True,
    ),
    "inwoners": Kolom("Inwoners", "aantal", "Inwoners"),
    "verschil_peers_pct": Kolom(
        "T.o.v. vergelijkbare",
        "gemeenten, %",
        "Verschil met vergelijkbare gemeenten (%)",
        "pct",
        1,
    ),
    **{k: v for d in (_JEUGD, _WMO, _PART, _BASIS) for k, v in d.items() if "inwoner" in k},
    "netto_sd_eur": Kolom("Netto lasten", "€ mln", "Netto lasten sociaal domein (€)", "mln", 1),
    "tekort_sd_eur": Kolom(
        "Tekort (+) / overschot (−)",
        "gemeentefonds, € mln",
        f"Structureel tekort t.o.v. het gemeentefonds (€; {TEKEN_SLEUTEL})",
        "mln",
        1,
        True,
    ),
    "overschrijding_sd_eur": Kolom(
        "Tekort (+) / overschot (−)",
        "t.o.v. begroting, € mln",
        f"Overschrijding: jaarrekening min begroting (€; {TEKEN_SLEUTEL})",
        "mln",
        1,
        True,
    ),
    "potentieel_peers_eur": Kolom(
        "Besparingspotentieel",
        "t.o.v. vergelijkbare, € mln",
        "Besparingspotentieel t.o.v. vergelijkbare gemeenten (€)",
        "mln",
        1,
    ),
    **{k: v for d in (_JEUGD, _WMO, _PART, _BASIS) for k, v in d.items() if "inwoner" not in k},
}

#: Columns shown at first (they fit a 1366 px screen beside the map); the rest is behind
#: the column chooser.
KEY_COLUMNS = ("netto_sd_per_inwoner", "verschil_mediaan_pct", "tekort_sd_per_inwoner", "inwoners")
#: Glued beside the gap: the gemeentefonds uitkeringsjaar it uses (labels the gap columns;
#: not a column of its own).
GF_JAAR = "gf_uitkeringsjaar"
#: Gap columns against the gemeentefonds, labelled with the uitkeringsjaar.
GF_KOLOMMEN = ("tekort_sd_per_inwoner", "tekort_sd_eur")
#: The same-year column that takes the gap's place among the key columns when the
#: gemeentefonds of the cost year is not in the data (a mismatched year is never headlined).
KEY_VERVANGER = "overschrijding_sd_eur"


def gf_jaren(rows: Sequence[Row]) -> list[int]:
    """The gemeentefonds uitkeringsjaren the rows' gaps use (sorted, unique)."""
    return sorted({int(r.values[GF_JAAR]) for r in rows if _is_number(r.values.get(GF_JAAR))})


def kolom_voor_periode(name: str, period: Period, jaren: Sequence[int]) -> Kolom:
    """The column as shown for one period: gap columns name their uitkeringsjaar.

    Args:
        name: Headline name.
        period: ``(jaar, verslagsoort)`` of the page.
        jaren: Gemeentefonds uitkeringsjaren used by the rows (:func:`gf_jaren`).

    Returns:
        The column, with ``eenheid`` and ``label`` saying which uitkeringsjaar the gap is
        against and, when that is not the cost year, "ander jaar".
    """
    k = kolom(name)
    if name not in GF_KOLOMMEN or not jaren:
        return k
    jaar_txt = "/".join(str(j) for j in jaren)
    ander = any(j != period[0] for j in jaren)
    unit = "€ per inw." if name.endswith("per_inwoner") else "€ mln"
    eenheid = f"fonds {jaar_txt}{' (ander jaar)' if ander else ''}, {unit}"
    extra = (f"; gemeentefonds uitkeringsjaar {jaar_txt}"
             + (f", niet {period[0]}: uitkeringsjaar {period[0]} staat niet in de gegevens"
                if ander else ""))
    return dataclasses.replace(k, eenheid=eenheid, label=k.label + extra)


def key_columns(period: Period, jaren: Sequence[int]) -> tuple[str, ...]:
    """Columns shown at first for a period (the gap only when its year matches)."""
    if jaren and any(j != period[0] for j in jaren):
        return tuple(KEY_VERVANGER if c == "tekort_sd_per_inwoner" else c for c in KEY_COLUMNS)
    return KEY_COLUMNS

#: Sequential palette (ColorBrewer YlOrRd, 5 classes), the grey of "geen gegevens" and the
#: near-white of a gemeente without a report on the site.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MISSING = "#9e9e9e"
NO_REPORT = "#f2f2f2"


@dataclasses.dataclass
class Row:
    """One gemeente in the index."""

    gm_code: str
    naam: str
    provincie: str
    link: str
    values: dict[str, Any]
    jaar: int | None = None
    verslagsoort: str | None = None

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix: ``Utrecht (gemeente)`` → ``Utrecht``."""
        return re.sub(r"\s*\(gemeente\)\s*$", "", self.naam)

    @property
    def periode(self) -> str:
        """``jaarrekening 2023``: what the row's figures are about."""
        return f"{self.verslagsoort} {self.jaar}" if self.jaar is not None else ""


# --------------------------------------------------------------------------- collecting


def collect(root: Path, notebook: str = DEFAULT_NOTEBOOK) -> list[tuple[Row, Path]]:
    """Read the headline figures of every executed report under ``root`` (with scrapbook).

    Reports are found in ``<root>/<GM-code>-<naam>/<jaar>-<verslagsoort>/`` (and, from
    before reports were kept per period, in ``<root>/<GM-code>-<naam>/``; their period is
    read from the notebook's metadata).

    Returns:
        ``(row, html_path)`` per report with both ``.ipynb`` and ``.html``, sorted by
        period and name. ``row.link`` is relative to the site root.
    """
    out: list[tuple[Row, Path]] = []
    if not root.is_dir():
        return out
    with cached_scrap_validation():
        out = _collect(root, notebook)
    out.sort(key=lambda t: (t[0].jaar or 0, t[0].verslagsoort or "", t[0].naam.casefold()))
    return out


def _report_folders(root: Path, notebook: str) -> list[Path]:
    folders: list[Path] = []
    for gem in sorted(root.iterdir()):
        if not gem.is_dir() or gem.name.startswith((".", "_")):
            continue
        for folder in [gem, *sorted(p for p in gem.iterdir() if p.is_dir())]:
            if (folder / f"{notebook}.ipynb").is_file() and (folder / f"{notebook}.html").is_file():
                folders.append(folder)
    return folders


def _collect(root: Path, notebook: str) -> list[tuple[Row, Path]]:
    import scrapbook as sb

    out: list[tuple[Row, Path]] = []
    for folder in _report_folders(root, notebook):
        ipynb, html_path = folder / f"{notebook}.ipynb", folder / f"{notebook}.html"
        book = sb.read_notebook(str(ipynb))
        scraps = {k: v.data for k, v in book.scraps.items()}
        meta = book.metadata.get("analysekit", {}) if hasattr(book, "metadata") else {}
        gem = folder if folder.parent == root else folder.parent
        jaar, soort = meta.get("jaar"), meta.get("verslagsoort")
        if jaar is None and isinstance(meta.get("params"), dict):
            with contextlib.suppress(AnalysekitError, OSError):
                jaar, soort = report_period(
                    notebook, {k: v for k, v in meta["params"].items() if k != "gemeente"}
                ) or (None, None)
        gm_code = str(scraps.get("gm_code") or meta.get("gm_code") or gem.name.split("-")[0])
        row = Row(
            gm_code=gm_code,
            naam=str(scraps.get("naam") or meta.get("naam") or gem.name),
            provincie=str(scraps.get("provincie") or meta.get("provincie") or ""),
            link=f"rapporten/{folder.relative_to(root).as_posix()}/{notebook}.html",
            values={k: v for k, v in scraps.items() if k not in IDENTITY},
            jaar=int(jaar) if isinstance(jaar, int | float) else None,
            verslagsoort=str(soort) if soort else None,
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
    return known + [k for k in seen if k not in HEADLINES and k != GF_JAAR]


def kolom(name: str) -> Kolom:
    """How a headline figure is shown (an unknown one gets a plain label)."""
    if name in HEADLINES:
        return HEADLINES[name]
    text = name.replace("_", " ").capitalize()
    return Kolom(text, "", text, "getal", 1)


def label(name: str) -> str:
    """Dutch description of a headline figure (the full label, with unit and sign key)."""
    return kolom(name).label


def format_nl(value: Any, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1234567.8`` → ``1.234.568``; missing → ``–``."""
    return nl.getal(value, decimals)


def format_value(name: str, value: Any) -> str:
    """A headline value as its column shows it (``€ mln``, ``+12,3%``, ``+385``)."""
    k = kolom(name)
    if not _is_number(value):
        return nl.ONTBREEKT
    if k.vorm == "pct":
        return nl.pct(value, k.decimals, sign=True)
    v = value / 1e6 if k.vorm == "mln" else value
    text = nl.getal(v, k.decimals)
    if k.kloof and v > 0 and text.strip("0,") != "":
        text = "+" + text
    return text.replace("-", "\u2212")  # a true minus sign, as in the reports


# --------------------------------------------------------------------------- periods

Period = tuple[int, str]


def periods(rows: Sequence[Row]) -> list[Period]:
    """The (jaar, verslagsoort) pairs of the rows, newest first, jaarrekening before begroting."""
    found = {(r.jaar, r.verslagsoort) for r in rows if r.jaar is not None and r.verslagsoort}
    return sorted(found, key=lambda p: (-p[0], p[1] != "jaarrekening", p[1]))


def choose_period(
    available: Sequence[Period], jaar: int | None = None, verslagsoort: str | None = None
) -> Period:
    """The period a page shows: as asked, else the latest jaarrekening (else the latest).

    Raises:
        AnalysekitError: The asked period has no reports (the message lists those that do).
    """
    if not available:
        raise AnalysekitError(
            "geen rapporten met een jaar en verslagsoort; maak ze opnieuw met `analysekit batch`"
        )
    soort = verslagsoort or "jaarrekening"
    fits = [p for p in available if p[1] == soort and (jaar is None or p[0] == jaar)]
    if fits:
        return fits[0]
    if jaar is None and verslagsoort is None:
        return available[0]  # no jaarrekening reports at all: the newest there is
    asked = f"{soort} {jaar}" if jaar is not None else soort
    have = ", ".join(f"{v} {j}" for j, v in available)
    raise AnalysekitError(
        f"geen rapporten over {asked}; wel over: {have} (kies met --jaar en --verslagsoort)"
    )


def page_name(period: Period, chosen: Period) -> str:
    """``index.html`` for the chosen period, ``<jaar>-<verslagsoort>.html`` for the others."""
    return "index.html" if period == chosen else f"{period_name(*period)}.html"


def not_delivered(period: Period) -> set[str]:
    """GM codes without an Iv3 submission for the period (``iv3_levering``: geleverd False)."""
    import analysekit

    try:
        lev = analysekit.load("iv3_levering")
    except (AnalysekitError, OSError):
        return set()
    sel = lev[(lev["jaar"] == period[0]) & (lev["verslagsoort"] == period[1]) & ~lev["geleverd"]]
    return {str(c) for c in sel["gm_code"]}


# --------------------------------------------------------------------------- map


def _classes(values: Sequence[float], k: int = len(PALETTE)) -> list[float]:
    """Quantile class breaks (at most k-1 inner breaks) of the finite values.

    Equal breaks are merged, so a handful of gemeenten gets fewer classes, never a legend
    like ``1.444 – 1.444``; one distinct value gets none (one class).
    """
    import numpy as np

    arr = np.asarray([v for v in values if _is_number(v)], dtype=float)
    if arr.size == 0:
        return []
    k = min(k, len(np.unique(arr)))
    breaks = [float(x) for x in np.quantile(arr, [i / k for i in range(1, k)])]
    return sorted(set(breaks))


def _palette(n_classes: int) -> list[str]:
    """``n_classes`` colours spread over :data:`PALETTE` (all five for five classes)."""
    if n_classes <= 1:
        return [PALETTE[len(PALETTE) // 2]]
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (n_classes - 1))] for i in range(n_classes)]


def _colour(value: Any, breaks: Sequence[float]) -> str:
    if not _is_number(value):
        return MISSING
    i = sum(value > b for b in breaks)
    return _palette(len(breaks) + 1)[i]


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
    breaks = _classes(values)
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
        if code in missing or (row is not None and not _is_number(value)):
            fill, shown = MISSING, nl.GEEN_GEGEVENS
        elif row is None:
            fill, shown = NO_REPORT, "geen rapport op deze site"
            any_without_report = True
        else:
            fill, shown = _colour(value, breaks), format_value(color_by, value)
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
        has_values=any(_is_number(v) for v in values),
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
        for i, colour in enumerate(_palette(n_classes)):
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
                f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{colour}" stroke="#666" '
                f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">{html.escape(text)}</text>'
            )
    extra = [(MISSING, nl.GEEN_GEGEVENS)]
    if without_report:
        extra.append((NO_REPORT, "geen rapport"))
    for j, (colour, text) in enumerate(extra):
        yy = y + (n_classes + j) * 24
        items.append(
            f'<rect x="{x}" y="{yy}" width="18" height="18" fill="{colour}" stroke="#666" '
            f'stroke-width="0.5"/><text x="{x + 24}" y="{yy + 14}">{html.escape(text)}</text>'
        )
    return f'<g class="legenda">{"".join(items)}</g>'


def load_geometries(jaar: int | None = None) -> Any:
    """Gemeente boundaries of the indeling year ``jaar`` (default: the newest available)."""
    import analysekit

    gdf = analysekit.load("grenzen")
    years = sorted(int(y) for y in gdf["jaar"].unique())
    if not years:
        raise AnalysekitError("tabel 'grenzen' is leeg; voer `analysekit data build` uit")
    chosen = jaar if jaar in years else years[-1]
    return gdf[gdf["jaar"] == chosen]


# --------------------------------------------------------------------------- site


def _template(name: str) -> str:
    return resources.files("analysekit.reporting").joinpath("templates", name).read_text("utf-8")


def _copy_sanitised(src: Path, dst: Path) -> None:
    """Put report ``src`` at ``dst``, sanitised (unless ``dst`` is already newer)."""
    if dst.is_file() and dst.stat().st_mtime_ns >= src.stat().st_mtime_ns:
        return
    write_text(dst, sanitize_html(src.read_text(encoding="utf-8")))
    os.chmod(dst, 0o644)


def build_site(
    reports: Path | None = None,
    site: Path | str = "site",
    *,
    notebook: str = DEFAULT_NOTEBOOK,
    color_by: str | None = None,
    with_map: bool = True,
    geometries: Any = None,
    title: str = "Sociaal domein van gemeenten",
    jaar: int | None = None,
    verslagsoort: str | None = None,
) -> dict[str, Any]:
    """Build the static site from the executed reports: one page per jaar + verslagsoort.

    Args:
        reports: Reports folder (default ``reports/``).
        site: Output folder.
        notebook: Which report notebook to index.
        color_by: Headline figure for the map colours (default: the first headline).
        with_map: Draw the map.
        geometries: Boundaries (GeoDataFrame with ``gm_code``); default: the ``grenzen``
            table of the period's year (else the newest indeling).
        title: Page title (the period is added: ``… — jaarrekening 2023``).
        jaar: Year of ``index.html`` (default: the latest of ``verslagsoort``).
        verslagsoort: Verslagsoort of ``index.html`` (default ``jaarrekening``).

    Returns:
        ``{"index": Path, "rows": int, "reports": int, "map": bool, "columns": [...],
        "period": (jaar, verslagsoort), "pages": {period: Path}}`` — rows and columns of
        the index page; ``reports`` counts every report copied.

    Raises:
        AnalysekitError: No reports found, the asked period has none, or ``color_by`` is
            not a headline figure.
    """
    reports = Path(reports) if reports else reports_dir()
    site = Path(site)
    found = collect(reports, notebook)
    if not found:
        raise AnalysekitError(
            f"geen uitgevoerde {notebook}-rapporten in {reports}; maak ze eerst met "
            "`analysekit batch`"
        )
    all_rows = [r for r, _ in found]
    available = periods(all_rows)
    chosen = choose_period(available, jaar, verslagsoort)
    if color_by is not None:
        columns = headline_columns([r for r in all_rows if (r.jaar, r.verslagsoort) == chosen])
        if color_by not in columns:
            raise AnalysekitError(
                f"--kleur {color_by!r} is geen kerncijfer; kies uit: {', '.join(columns)}"
            )
    for row, src in found:
        if (row.jaar, row.verslagsoort) in available:
            _copy_sanitised(src, site / row.link)

    pages: dict[Period, Path] = {}
    info: dict[str, Any] = {}
    for period in available:
        rows = sorted(
            (r for r in all_rows if (r.jaar, r.verslagsoort) == period),
            key=lambda r: r.naam.casefold(),
        )
        page = _build_page(
            site,
            rows,
            period,
            chosen,
            available,
            notebook=notebook,
            color_by=color_by,
            with_map=with_map,
            geometries=geometries,
            title=title,
        )
        pages[period] = page["index"]
        if period == chosen:
            info = page
    return {**info, "reports": len(found), "period": chosen, "pages": pages}


def _build_page(
    site: Path,
    rows: list[Row],
    period: Period,
    chosen: Period,
    available: Sequence[Period],
    *,
    notebook: str,
    color_by: str | None,
    with_map: bool,
    geometries: Any,
    title: str,
) -> dict[str, Any]:
    from jinja2 import Environment

    columns = headline_columns(rows)
    colour = color_by if color_by in columns else (columns[0] if columns else None)
    periode = f"{period[1]} {period[0]}"
    svg, map_note = "", ""
    if with_map and colour:
        try:
            gdf = geometries if geometries is not None else load_geometries(period[0])
            svg = map_svg(gdf, rows, colour, missing=not_delivered(period))
        except AnalysekitError as exc:
            map_note = f"Kaart niet beschikbaar: {exc}"
    provincies = sorted({r.provincie for r in rows if r.provincie})
    suffix = "" if period == chosen else f"-{period_name(*period)}"
    jaren = gf_jaren(rows)
    sleutel = key_columns(period, jaren)
    kolommen = [
        {
            "naam": c,
            "kop": kolom_voor_periode(c, period, jaren).kop,
            "eenheid": kolom_voor_periode(c, period, jaren).eenheid,
            "label": kolom_voor_periode(c, period, jaren).label,
            "kloof": kolom(c).kloof,
            "zichtbaar": c in sleutel,
        }
        for c in columns
    ]
    others = [
        {"href": page_name(p, chosen), "tekst": f"{p[1]} {p[0]}", "actief": p == period}
        for p in available
    ]
    env = Environment(autoescape=True)
    js = _template("site.js")
    page = env.from_string(_template("index.html")).render(
        title=f"{title} — {periode}",
        kop=title,
        periode=periode,
        rows=rows,
        kolommen=kolommen,
        provincies=provincies,
        svg=svg,
        map_note=map_note,
        color_label=label(colour) if colour else "",
        css=_template("site.css"),
        js=js,
        notebook=notebook,
        is_number=_is_number,
        fmt=format_value,
        others=others if len(others) > 1 else [],
        csv=f"kerncijfers{suffix}.csv",
        sleutel=TEKEN_SLEUTEL,
        any_gap=any(k["kloof"] for k in kolommen),
    )
    index = write_text(site / page_name(period, chosen), sanitize_html(page, [js]))
    csv_cols = [*columns, GF_JAAR] if jaren else list(columns)
    write_text(site / f"kerncijfers{suffix}.csv", "\ufeff" + _csv(rows, csv_cols))
    write_text(
        site / f"kerncijfers{suffix}.json",
        json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, default=str),
    )
    return {"index": index, "rows": len(rows), "map": bool(svg), "columns": columns}


def _csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["gm_code", "naam", "provincie", "jaar", "verslagsoort", *columns, "rapport"])
    for r in rows:
        w.writerow(
            [
                r.gm_code,
                r.naam,
                r.provincie,
                r.jaar,
                r.verslagsoort,
                *(_cell(r.values.get(c)) for c in columns),
                r.link,
            ]
        )
    return buf.getvalue()


def _cell(v: Any) -> str:
    return "" if not _is_number(v) else repr(float(v)) if isinstance(v, float) else str(v)


__all__ = [
    "HEADLINES",
    "KEY_COLUMNS",
    "TEKEN_SLEUTEL",
    "build_site",
    "choose_period",
    "collect",
    "format_nl",
    "format_value",
    "map_svg",
    "periods",
]
