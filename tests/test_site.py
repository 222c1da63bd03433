"""Reporting: the static site (index table, choropleth map, relative links)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import scrapbook as sb

from analysekit.errors import AnalysekitError
from analysekit.reporting import site
from analysekit.reporting.runner import run_report

GEMEENTEN = ["Tilburg", "Utrecht", "Vlissingen"]
NB = "00-demo"
EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def reports(built, tmp_path_factory) -> Path:
    """Three demo reports on real data, plus a failed one that is not indexed."""
    root = tmp_path_factory.mktemp("rapporten")
    for g in GEMEENTEN:
        res = run_report(g, NB, {}, root=root)
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
    assert [r.naam for r, _ in found] == ["Tilburg", "Utrecht (gemeente)", "Vlissingen"]
    tilburg, html = found[0]
    assert tilburg.gm_code == "GM0855" and tilburg.provincie == "Noord-Brabant"
    assert tilburg.link == "rapporten/GM0855-tilburg/00-demo.html"
    assert html == reports / "GM0855-tilburg" / f"{NB}.html"
    book = sb.read_notebook(str(reports / "GM0855-tilburg" / f"{NB}.ipynb"))
    assert tilburg.values["netto_sd_per_inwoner"] == book.scraps["netto_sd_per_inwoner"].data


def test_index_table_links_and_map(built_site, reports):
    out, info = built_site
    assert info["rows"] == 3 and info["map"] is True
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
    copied = out / "rapporten/GM0855-tilburg/00-demo.html"
    assert copied.read_bytes() == (reports / "GM0855-tilburg/00-demo.html").read_bytes()
    # map: one path per gemeente of the newest indeling; three coloured, the rest grey
    paths = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})" data-gm="(GM\d{4})"', page)
    assert len(paths) == 342
    coloured = {gm: fill for fill, gm in paths if fill != site.MISSING}
    assert set(coloured) == {"GM0855", "GM0344", "GM0718"}
    assert 'aria-label="Kaart: Netto lasten sociaal domein per inwoner (€)"' in page
    # headline numbers formatted the Dutch way, raw value kept for sorting
    book = sb.read_notebook(str(reports / "GM0855-tilburg" / f"{NB}.ipynb"))
    inwoners = book.scraps["inwoners"].data
    assert f'data-v="{inwoners}">{site.format_nl(inwoners)}</td>' in page


def test_csv_download(built_site, reports):
    out, _ = built_site
    with open(out / "kerncijfers.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["gm_code"] for r in rows] == ["GM0855", "GM0344", "GM0718"]
    book = sb.read_notebook(str(reports / "GM0718-vlissingen" / f"{NB}.ipynb"))
    assert float(rows[2]["netto_sd_eur"]) == book.scraps["netto_sd_eur"].data


def test_rebuild_is_idempotent_and_colour_choice(built_site, reports):
    out, _ = built_site
    info = site.build_site(reports, out, notebook=NB, color_by="netto_jeugd_per_inwoner")
    assert info["rows"] == 3
    assert "Kaart: Jeugd, netto per inwoner (€)" in (out / "index.html").read_text()
    with pytest.raises(AnalysekitError, match="--kleur 'bestaat_niet' is not a headline figure"):
        site.build_site(reports, out, notebook=NB, color_by="bestaat_niet")


def test_no_reports(tmp_path):
    with pytest.raises(AnalysekitError, match="no executed foto-sociaal-domein reports"):
        site.build_site(tmp_path / "leeg", tmp_path / "site")


def test_format_nl():
    assert site.format_nl(1234567.8) == "1.234.568"
    assert site.format_nl(-1234.5, 1) == "-1.234,5"
    assert site.format_nl(float("nan")) == "–" and site.format_nl(None) == "–"


def test_classes_and_colours_synthetic():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]  # synthetic
    breaks = site._classes(values)
    assert breaks == [3.0, 5.0, 7.0, 9.0]
    assert [site._colour(v, breaks) for v in (1, 3, 3.5, 9, 9.5, None)] == [
        site.PALETTE[0],
        site.PALETTE[0],
        site.PALETTE[1],
        site.PALETTE[3],
        site.PALETTE[4],
        site.MISSING,
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
    svg = site.map_svg(gdf, rows, "v", width=200)
    assert svg.count("<path ") == 2
    d_alfa = re.search(
        r'<a href="rapporten/GM9001-alfa/x.html"><path d="([^"]+)"[^>]*data-gm="GM9001"', svg
    ).group(1)
    # scale 200 / 20 units = 10; y flipped, so (10, 0) → (100, 100) and (0, 10) → (0, 0)
    assert d_alfa == "M100.0 100.0L100.0 0.0L0.0 0.0L0.0 100.0L100.0 100.0Z"
    assert 'viewBox="0 0 375 160"' in svg  # map 200 wide + legend; at least 160 high
    d_beta = re.search(r'<path d="([^"]+)"[^>]*data-gm="GM9002"', svg).group(1)
    assert d_beta.count("M") == 2  # both parts drawn
    assert 'fill="#d9d9d9" data-gm="GM9002"' in svg  # no value: grey, no link
