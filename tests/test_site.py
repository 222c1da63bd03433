"""Reporting: the static site (index table, choropleth map, relative links, one period a page)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import scrapbook as sb

from analysekit import nl
from analysekit.errors import AnalysekitError
from analysekit.reporting import site, site_map
from analysekit.reporting.runner import run_report
from analysekit.reporting.sanitize import sanitize_html

GEMEENTEN = ["Tilburg", "Utrecht", "Vlissingen"]
NB = "00-demo"
EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def reports(built, tmp_path_factory) -> Path:
    """Three demo reports on real data (jaarrekening 2023), Utrecht's begroting 2024 beside
    its jaarrekening, and a failed one that is not indexed."""
    root = tmp_path_factory.mktemp("rapporten")
    for g in GEMEENTEN:
        res = run_report(g, NB, {}, root=root)
        assert res.status == "ok", res.message
    res = run_report("Utrecht", NB, {"jaar": 2024, "verslagsoort": "begroting"}, root=root)
    assert res.status == "ok", res.message
    assert run_report("Nergenshuizen", NB, {}, root=root).status == "failed"
    return root


@pytest.fixture(scope="module")
def built_site(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    info = site.build_site(reports, out, notebook=NB)
    return out, info


def test_collect_reads_scraps(reports):
    found = site.collect(reports, NB)
    assert [(r.naam, r.periode) for r, _ in found] == [
        ("Tilburg", "jaarrekening 2023"),
        ("Utrecht (gemeente)", "jaarrekening 2023"),
        ("Vlissingen", "jaarrekening 2023"),
        ("Utrecht (gemeente)", "begroting 2024"),
    ]
    tilburg, html = found[0]
    assert tilburg.gm_code == "GM0855" and tilburg.provincie == "Noord-Brabant"
    assert tilburg.link == "rapporten/GM0855-tilburg/2023-jaarrekening/00-demo.html"
    assert html == reports / "GM0855-tilburg" / "2023-jaarrekening" / f"{NB}.html"
    book = sb.read_notebook(str(reports / "GM0855-tilburg" / "2023-jaarrekening" / f"{NB}.ipynb"))
    assert tilburg.values["netto_sd_per_inwoner"] == book.scraps["netto_sd_per_inwoner"].data


def test_index_table_links_and_map(built_site, reports):
    out, info = built_site
    assert info["rows"] == 3 and info["map"] is True
    assert info["period"] == (2023, "jaarrekening")  # default: the latest jaarrekening
    assert info["columns"][0] == "netto_sd_per_inwoner"
    page = (out / "index.html").read_text()
    assert not EXTERNAL.search(page)  # nothing from the internet
    assert "<script src" not in page and "<link" not in page  # css and js are inline
    rows = re.findall(r'<tr data-gm="(GM\d{4})"', page)
    assert rows == ["GM0855", "GM0344", "GM0718"]
    links = re.findall(r'<a href="([^"]+)"', page)
    assert all(not link.startswith(("/", "http", "file:")) for link in links)
    for link in set(links):
        assert (out / link).is_file(), link  # every relative link resolves
    # the report in the site is the report that was made
    rel = "GM0855-tilburg/2023-jaarrekening/00-demo.html"
    copied = out / "rapporten" / rel
    assert copied.read_text() == sanitize_html((reports / rel).read_text())
    assert (reports / rel).read_text() == sanitize_html((reports / rel).read_text())  # idempotent
    # map: one path per gemeente of the 2023 indeling; three coloured; Vijfheerenlanden did
    # not deliver its jaarrekening 2023 (iv3_levering): grey "geen gegevens", never a class;
    # the others have no report on this site
    paths = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})" data-gm="(GM\d{4})"', page)
    assert len(paths) == 342
    fills = {gm: fill for fill, gm in paths}
    coloured = {gm for gm, fill in fills.items() if fill not in (site.MISSING, site.NO_REPORT)}
    assert coloured == {"GM0855", "GM0344", "GM0718"}
    assert {gm for gm, fill in fills.items() if fill == site.MISSING} == {"GM1961"}
    assert re.search(r'data-gm="GM1961"><title>Vijfheerenlanden: geen gegevens</title>', page)
    assert ">geen gegevens</text>" in page and ">geen rapport</text>" in page  # legend
    assert 'aria-label="Kaart: Netto lasten sociaal domein per inwoner (€)"' in page
    # headline numbers formatted the Dutch way, raw value kept for sorting
    book = sb.read_notebook(str(reports / "GM0855-tilburg" / "2023-jaarrekening" / f"{NB}.ipynb"))
    inwoners = book.scraps["inwoners"].data
    assert f'data-v="{inwoners}">{nl.getal(inwoners)}</td>' in page


def test_csv_download(built_site, reports):
    out, _ = built_site
    with open(out / "kerncijfers.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["gm_code"] for r in rows] == ["GM0855", "GM0344", "GM0718"]
    assert {(r["jaar"], r["verslagsoort"]) for r in rows} == {("2023", "jaarrekening")}
    book = sb.read_notebook(str(reports / "GM0718-vlissingen/2023-jaarrekening" / f"{NB}.ipynb"))
    assert float(rows[2]["netto_sd_eur"]) == book.scraps["netto_sd_eur"].data


def test_rebuild_is_idempotent_and_colour_choice(built_site, reports):
    out, _ = built_site
    info = site.build_site(reports, out, notebook=NB, color_by="netto_jeugd_per_inwoner")
    assert info["rows"] == 3
    assert (
        "Kaart: Jeugd, netto lasten per inwoner (€), jaarrekening 2023"
        in (out / "index.html").read_text()
    )
    with pytest.raises(AnalysekitError, match="--kleur 'bestaat_niet' is geen kerncijfer"):
        site.build_site(reports, out, notebook=NB, color_by="bestaat_niet")


def test_no_reports(tmp_path):
    with pytest.raises(AnalysekitError, match="geen uitgevoerde foto-sociaal-domein-rapporten"):
        site.build_site(tmp_path / "leeg", tmp_path / "site")


def test_growth_and_overrun_columns_synthetic():
    from analysekit.reporting import site_columns as sc

    # SYNTHETIC rows: growth of the lasten per inwoner and years over the begroting
    rows = [site.Row(f"GM90{i:02d}", f"Gemeente {i}", "Zeeland", "x.html",
                     {"groei_sd_pct": g, "groei_van_jaar": 2017, "groei_tot_jaar": 2024,
                      "overschreden_sd_jaren": float(i), "overschreden_sd_van": 8.0},
                     2023, "jaarrekening")
            for i, g in enumerate([3.25, -0.5, 7.0])]
    assert site.format_value("groei_sd_pct", 3.25) == "+3,2%"  # half to even, as nl.pct
    assert site.format_value("groei_sd_pct", -0.5) == "−0,5%"
    k = sc.kolom_voor_pagina("groei_sd_pct", (2023, "jaarrekening"), rows)
    assert k.kop == "Groei lasten" and k.eenheid == "% per jaar 2017–2024"
    assert "jaarrekeningen 2017–2024" in k.label
    k = sc.kolom_voor_pagina("overschreden_sd_jaren", (2023, "jaarrekening"), rows)
    assert k.eenheid == "van 8 jaren"
    # the year scraps label columns and are not columns themselves
    assert sc.headline_columns(rows) == ["groei_sd_pct", "overschreden_sd_jaren"]
    assert "groei_sd_pct" in sc.KEY_COLUMNS
    # one gemeente without a jaarrekening 2024 (as GM0809 on the real site): the header still
    # names the years (the widest span) and the label says each gemeente has its own years
    rows[1].values.update(groei_tot_jaar=2023, overschreden_sd_van=7.0)
    k = sc.kolom_voor_pagina("groei_sd_pct", (2023, "jaarrekening"), rows)
    assert k.eenheid == "% per jaar 2017–2024"
    assert "per gemeente de geleverde jaren" in k.label
    k = sc.kolom_voor_pagina("overschreden_sd_jaren", (2023, "jaarrekening"), rows)
    assert k.eenheid == "van 7–8 jaren"


def test_classes_and_colours_synthetic():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]  # synthetic
    breaks = site_map.classes(values)
    assert breaks == [3.0, 5.0, 7.0, 9.0]
    assert [site_map.colour(v, breaks) for v in (1, 3, 3.5, 9, 9.5, None)] == [
        site_map.PALETTE[0],
        site_map.PALETTE[0],
        site_map.PALETTE[1],
        site_map.PALETTE[3],
        site_map.PALETTE[4],
        site_map.MISSING,
    ]


def test_map_svg_synthetic_squares():
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, box

    # synthetic: two unit squares side by side, one of them a two-part multipolygon
    gdf = gpd.GeoDataFrame(
        {"gm_code": ["GM9001", "GM9002"]},
        geometry=[box(0, 0, 10, 10), MultiPolygon([box(10, 0, 20, 5), box(10, 5, 20, 10)])],
    )
    rows = [site.Row("GM9001", "Alfa", "Noord", "rapporten/GM9001-alfa/x.html", {"v": 1.0})]
    svg = site_map.map_svg(gdf, rows, "v", width=200)
    assert svg.count("<path ") == 2
    d_alfa = re.search(
        r'<a href="rapporten/GM9001-alfa/x.html"><path d="([^"]+)"[^>]*data-gm="GM9001"', svg
    ).group(1)
    # scale 200 / 20 units = 10; y flipped, so (10, 0) → (100, 100) and (0, 10) → (0, 0)
    assert d_alfa == "M100.0 100.0L100.0 0.0L0.0 0.0L0.0 100.0L100.0 100.0Z"
    assert 'viewBox="0 0 375 160"' in svg  # map 200 wide + legend; at least 160 high
    d_beta = re.search(r'<path d="([^"]+)"[^>]*data-gm="GM9002"', svg).group(1)
    assert d_beta.count("M") == 2  # both parts drawn
    # no report: near-white, no link
    assert f'fill="{site_map.NO_REPORT}" data-gm="GM9002"' in svg
    # not delivered (iv3_levering) is grey "geen gegevens", also with a report
    svg = site_map.map_svg(gdf, rows, "v", width=200, missing={"GM9001", "GM9002"})
    assert svg.count(f'fill="{site_map.MISSING}" data-gm') == 2 and "Alfa: geen gegevens" in svg
    # a single value is one class, not a legend of equal bounds
    assert "met gegevens" in site_map.map_svg(gdf, rows, "v", width=200)
    # the map's public names stay importable from site
    assert site.map_svg is site_map.map_svg and site.MISSING == site_map.MISSING


def test_one_period_per_page_and_choosable(built_site, reports, tmp_path):
    """Issue 9: the site never mixes years or verslagsoorten; the choice is in title and rows."""
    out, info = built_site
    page = (out / "index.html").read_text()
    assert "<title>Sociaal domein van gemeenten — jaarrekening 2023</title>" in page
    assert "2024-begroting" not in " ".join(re.findall(r'<a href="(rapporten/[^"]+)"', page))
    # per row (in the column chooser: every row is about the page's period)
    cells = re.findall(r'<td data-kol="periode" class="periode verborgen">([^<]*)</td>', page)
    assert cells == ["jaarrekening 2023"] * 3
    assert '<input type="checkbox" data-kol="periode"> Cijfers over' in page
    assert '<a href="2024-begroting.html">begroting 2024</a>' in page  # the other period

    other = (out / "2024-begroting.html").read_text()
    assert "<title>Sociaal domein van gemeenten — begroting 2024</title>" in other
    assert re.findall(r'<tr data-gm="(GM\d{4})"', other) == ["GM0344"]
    assert 'href="rapporten/GM0344-utrecht/2024-begroting/00-demo.html"' in other
    assert '<a href="index.html">jaarrekening 2023</a>' in other
    assert (out / "kerncijfers-2024-begroting.csv").is_file()

    chosen = site.build_site(reports, tmp_path, notebook=NB, jaar=2024, verslagsoort="begroting")
    assert chosen["period"] == (2024, "begroting") and chosen["rows"] == 1
    assert "— begroting 2024</title>" in (tmp_path / "index.html").read_text()
    assert (tmp_path / "2023-jaarrekening.html").is_file()
    with pytest.raises(AnalysekitError, match="geen rapporten over begroting 2026; wel over: "):
        site.build_site(reports, tmp_path, notebook=NB, jaar=2026, verslagsoort="begroting")


def test_gap_columns_carry_the_sign_key_and_headers_are_two_lines(built_site):
    out, _ = built_site
    page = (out / "index.html").read_text()
    gaps = [k for k in site.HEADLINES if k.startswith(("tekort", "overschrijding"))]
    assert gaps and all(site.HEADLINES[k].kloof for k in gaps)
    for k in gaps:
        col = site.HEADLINES[k]
        assert site.TEKEN_SLEUTEL in col.label and "(+)" in col.kop and "(−)" in col.kop
    for name, col in site.HEADLINES.items():  # two short lines, never wrapped (CSS nowrap)
        assert len(col.kop) <= 26 and len(col.eenheid) <= 28, name
    heads = re.findall(r"<th [^>]*>(.*?)</th>", page)
    assert heads and all(h.count('class="k1"') == 1 and h.count('class="k2"') <= 1 for h in heads)
    # the key columns are shown, the rest is behind the column chooser
    shown = re.findall(r'<th scope="col" data-type="num" data-kol="(\w+)"[^>]*class="getal"', page)
    assert shown == ["netto_sd_per_inwoner", "verschil_mediaan_pct", "inwoners"]
    assert 'id="kolomkiezer"' in page and 'data-kol="netto_jeugd_per_inwoner"' in page


def test_format_value():
    assert site.format_value("tekort_sd_per_inwoner", 384.6) == "+385"
    assert site.format_value("tekort_sd_per_inwoner", -384.6) == "\u2212385"  # true minus
    assert site.format_value("tekort_sd_eur", 87_600_000) == "+87,6"
    assert site.format_value("verschil_mediaan_pct", 12.34) == "+12,3%"
    assert site.format_value("inwoners", 227707) == "227.707"
    assert site.format_value("netto_sd_eur", float("nan")) == "–"


def test_not_delivered_real():
    assert site.not_delivered((2023, "jaarrekening")) == {"GM1961"}
    assert "GM1992" in site.not_delivered((2023, "begroting"))


def test_gap_column_names_its_gemeentefonds_year_and_is_never_a_key_column_for_another_year():
    rows = [
        site.Row("GM0855", "Tilburg", "Noord-Brabant", "x.html",
                 {"tekort_sd_per_inwoner": -385.0, "gf_uitkeringsjaar": 2024.0}, 2023,
                 "jaarrekening"),
    ]
    jaren = site.gf_jaren(rows)
    assert jaren == [2024]
    # jaarrekening 2023 against uitkeringsjaar 2024: labelled, and replaced among the key
    # columns by the same-year overrun
    k = site.kolom_voor_periode("tekort_sd_per_inwoner", (2023, "jaarrekening"), jaren)
    assert "2024 (ander jaar)" in k.eenheid and "niet 2023" in k.label
    assert "tekort_sd_per_inwoner" not in site.key_columns((2023, "jaarrekening"), jaren)
    assert "overschrijding_sd_eur" in site.key_columns((2023, "jaarrekening"), jaren)
    # begroting 2024 against uitkeringsjaar 2024: the gap is a key column, no warning
    k = site.kolom_voor_periode("tekort_sd_per_inwoner", (2024, "begroting"), jaren)
    assert "ander jaar" not in k.eenheid and "2024" in k.eenheid
    assert site.key_columns((2024, "begroting"), jaren) == site.KEY_COLUMNS
    # the year itself is not a column of the table
    assert "gf_uitkeringsjaar" not in site.headline_columns(rows)


def test_map_colours_by_growth_synthetic():
    import geopandas as gpd
    from shapely.geometry import box

    # SYNTHETIC: three squares; the map coloured by growth (negative growth is a class,
    # a gemeente without a growth figure is grey, never 0)
    gdf = gpd.GeoDataFrame({"gm_code": ["GM9001", "GM9002", "GM9003"]},
                           geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)])
    rows = [site.Row("GM9001", "Alfa", "Noord", "a.html", {"groei_sd_pct": -1.5}),
            site.Row("GM9002", "Beta", "Noord", "b.html", {"groei_sd_pct": 4.0}),
            site.Row("GM9003", "Gamma", "Noord", "c.html", {"inwoners": 10})]
    svg = site_map.map_svg(gdf, rows, "groei_sd_pct", width=300)
    fills = {gm: f for f, gm in re.findall(r'fill="(#[0-9a-f]{6})" data-gm="(GM\d{4})"', svg)}
    assert fills["GM9003"] == site_map.MISSING
    assert fills["GM9001"] != fills["GM9002"]
    assert "<title>Alfa: −1,5%</title>" in svg and "<title>Beta: +4,0%</title>" in svg
    assert '>% per jaar</text>' in svg
