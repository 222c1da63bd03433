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
* a choropleth map as inline SVG (drawn from the boundaries by
  :mod:`analysekit.reporting.site_map`, so nothing is fetched):
  a gemeente without data for that period (``iv3_levering``: not delivered, or no value)
  is grey, "geen gegevens" — never coloured as 0; one without a report is marked apart;
* ``rapporten/<GM0855-tilburg>/<jaar>-<verslagsoort>/<notebook>.html`` — the reports;
* ``kerncijfers.csv`` (index period) and ``kerncijfers-<jaar>-<verslagsoort>.csv``.

All links are relative, so the site works from ``file://`` and from any static host.
Every page and report goes through :func:`analysekit.reporting.sanitize.sanitize_html`
(only the site's own script is kept). Every file is written atomically.

The headline figures (columns, labels, number formats, :class:`Row`) live in
:mod:`analysekit.reporting.site_columns`, the map in :mod:`analysekit.reporting.site_map`;
their public names used elsewhere are re-exported here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

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
from analysekit.reporting.site_columns import (
    GEEN_KOLOM,
    HEADLINES,
    KEY_COLUMNS,
    TEKEN_SLEUTEL,
    Kolom,
    Period,
    Row,
    format_value,
    gf_jaren,
    headline_columns,
    is_number,
    key_columns,
    kolom,
    kolom_voor_pagina,
    kolom_voor_periode,
    label,
    meerjarig,
)
from analysekit.reporting.site_map import (
    MISSING,
    NO_REPORT,
    PALETTE,
    load_geometries,
    map_svg,
    not_delivered,
)

#: Scraps that identify the gemeente rather than being headline figures.
IDENTITY = ("gm_code", "naam", "provincie")


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


# --------------------------------------------------------------------------- periods


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
    shown = {c: kolom_voor_pagina(c, period, rows) for c in columns}
    kolommen = [
        {
            "naam": c,
            "kop": shown[c].kop,
            "eenheid": shown[c].eenheid,
            "label": shown[c].label,
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
        # every row is about the page's period (its title says so): the column that says it
        # again per row is in the column chooser, shown when a row is about another period
        periode_zichtbaar=any(r.periode != periode for r in rows),
        rows=rows,
        kolommen=kolommen,
        provincies=provincies,
        svg=svg,
        map_note=map_note,
        color_label=shown[colour].label if colour in shown else (label(colour) if colour
                                                                 else ""),
        # a multi-year column's label names its years; the page's period would be wrong
        kaart_periode="" if colour and meerjarig(colour) else periode,
        meerjarig_kolommen=any(meerjarig(c) for c in columns),
        css=_template("site.css"),
        js=js,
        notebook=notebook,
        is_number=is_number,
        fmt=format_value,
        others=others if len(others) > 1 else [],
        csv=f"kerncijfers{suffix}.csv",
        sleutel=TEKEN_SLEUTEL,
        any_gap=any(k["kloof"] for k in kolommen),
    )
    index = write_text(site / page_name(period, chosen), sanitize_html(page, [js]))
    csv_cols = [*columns, *(c for c in GEEN_KOLOM
                            if any(is_number(r.values.get(c)) for r in rows))]
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
    return "" if not is_number(v) else repr(float(v)) if isinstance(v, float) else str(v)


__all__ = [
    "HEADLINES",
    "KEY_COLUMNS",
    "MISSING",
    "NO_REPORT",
    "PALETTE",
    "TEKEN_SLEUTEL",
    "Kolom",
    "Row",
    "build_site",
    "choose_period",
    "collect",
    "format_value",
    "kolom_voor_pagina",
    "kolom_voor_periode",
    "load_geometries",
    "map_svg",
    "not_delivered",
    "periods",
]
