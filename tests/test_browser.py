"""Reporting in a real browser: headless Chromium (Debian's ``chromium``) over DevTools.

Opens the site index and one report from ``file://`` in a laptop-sized window (1366×900);
checks that the key columns show without horizontal scrolling and with headers of at most
two lines, that the column chooser shows and hides columns, that the table sorts and
filters, that the map and the figures render, that nothing is fetched from the network,
that the console stays free of errors, and that sanitised user text runs nothing.

Chromium missing: under ``make test`` and in CI (``CI=true`` or
``ANALYSEKIT_REQUIRE_BROWSER=1``) the test *fails* and says how to install it; a plain
``pytest`` run outside make skips it with the same hint (``make browser``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cdp import CHROMIUM, MISSING, REQUIRED, DevTools, require_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason=MISSING),
]


@pytest.fixture(scope="module", autouse=True)
def _chromium_present() -> None:
    require_chromium()  # only reached under make test / CI (otherwise skipped above)


@pytest.fixture(scope="module")
def site_dir(built, tmp_path_factory) -> Path:
    from analysekit.reporting.runner import run_report
    from analysekit.reporting.site import build_site

    reports = tmp_path_factory.mktemp("rapporten")
    for g in ("Tilburg", "Utrecht", "Vlissingen"):
        assert run_report(g, "00-demo", {}, root=reports).status == "ok"
    begroting = {"jaar": 2024, "verslagsoort": "begroting"}
    assert run_report("Utrecht", "00-demo", begroting, root=reports).status == "ok"
    out = tmp_path_factory.mktemp("site")
    build_site(reports, out, notebook="00-demo")
    return out


@pytest.fixture()
def browser(tmp_path):
    client = DevTools(tmp_path / "chromium-profiel")
    yield client
    client.close()


def _local_only(urls: list[str]) -> None:
    assert urls, "no requests recorded"
    assert all(u.startswith(("file:", "data:")) for u in urls), urls


def test_index_table_map_and_report_render(browser, site_dir):
    index = (site_dir / "index.html").as_uri()
    browser.open(index)
    assert browser.js("document.title") == "Sociaal domein van gemeenten — jaarrekening 2023"
    assert browser.js("document.querySelectorAll('#kerncijfers tbody tr').length") == 3
    assert browser.js("window.innerWidth") == 1366

    # a laptop screen: the key columns show without scrolling, headers at most two lines
    layout = browser.js("""(() => {
        const box = document.querySelector('.tabelschuif');
        const right = box.getBoundingClientRect().right;
        const shown = [...document.querySelectorAll('#kerncijfers thead th')]
            .filter(th => th.offsetParent !== null);
        const lines = shown.map(th => {
            const b = th.querySelector('button');
            const lh = parseFloat(getComputedStyle(th.querySelector('.k1')).lineHeight);
            return Math.round(b.getBoundingClientRect().height / lh);
        });
        return {
            scroll: box.scrollWidth - box.clientWidth,
            cut: shown.filter(th => th.getBoundingClientRect().right > right + 1).length,
            names: shown.map(th => th.dataset.kol),
            lines: lines,
            page: document.documentElement.scrollWidth - window.innerWidth,
        };
    })()""")
    assert layout["scroll"] <= 0 and layout["cut"] == 0 and layout["page"] <= 0, layout
    assert layout["names"] == [
        "naam",
        "netto_sd_per_inwoner",
        "verschil_mediaan_pct",
        "inwoners",
    ]
    assert max(layout["lines"]) <= 2, layout

    # the column chooser shows and hides a column (header and cells)
    chooser = browser.js("""(() => {
        const kol = 'netto_jeugd_per_inwoner';
        const zichtbaar = () => [...document.querySelectorAll(`[data-kol="${kol}"]`)]
            .filter(el => el.closest('table') && el.offsetParent !== null).length;
        const before = zichtbaar();
        document.querySelector('#kolomkiezer summary').click();
        const vak = document.querySelector(`#kolomkiezer input[data-kol="${kol}"]`);
        vak.click();
        const after = zichtbaar();
        const box = document.querySelector('.tabelschuif');
        const scroll = box.scrollWidth - box.clientWidth;
        vak.click();
        return [before, after, zichtbaar(), scroll];
    })()""")
    assert chooser[:3] == [0, 4, 0], chooser  # header + 3 rows, then hidden again
    assert chooser[3] <= 0  # one more column still fits
    # the map: an SVG with a path per gemeente, actually laid out on screen
    assert browser.js("document.querySelectorAll('svg.kaart path[data-gm]').length") == 342
    box = browser.js(
        "(() => { const r = document.querySelector('svg.kaart').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert box[0] > 250 and box[1] > 250
    assert (
        browser.js(
            "getComputedStyle(document.querySelector('svg.kaart path[data-gm=GM0855]')).fill"
        )
        != ""
    )

    # sort by inwoners (ascending, then descending)
    rows = json.loads((site_dir / "kerncijfers.json").read_text())
    expected = [r["gm_code"] for r in sorted(rows, key=lambda r: r["values"]["inwoners"])]
    assert expected == ["GM0718", "GM0855", "GM0344"]  # Vlissingen < Tilburg < Utrecht
    order = browser.js("""(() => {
        const th = [...document.querySelectorAll('#kerncijfers thead th')]
            .find(t => t.dataset.naam === 'inwoners');
        th.querySelector('button').click();
        const up = [...document.querySelectorAll('#kerncijfers tbody tr')].map(r => r.dataset.gm);
        th.querySelector('button').click();
        const down = [...document.querySelectorAll('#kerncijfers tbody tr')].map(r => r.dataset.gm);
        return [up, down, th.getAttribute('aria-sort')];
    })()""")
    assert order[0] == expected
    assert order[1] == expected[::-1] and order[2] == "descending"

    # filter by text and by provincie; the map dims what is filtered out
    state = browser.js("""(() => {
        const zichtbaar = () => [...document.querySelectorAll('#kerncijfers tbody tr')]
            .filter(r => !r.hidden).map(r => r.dataset.gm);
        const zoek = document.getElementById('zoek');
        zoek.value = 'tilb'; zoek.dispatchEvent(new Event('input'));
        const tilburg = zichtbaar();
        const teller = document.getElementById('teller').textContent;
        const utrecht = document.querySelector('svg.kaart path[data-gm=GM0344]');
        const gedimd = utrecht.classList.contains('gedimd');
        zoek.value = ''; zoek.dispatchEvent(new Event('input'));
        const prov = document.getElementById('provincie');
        prov.value = 'Zeeland'; prov.dispatchEvent(new Event('change'));
        return [tilburg, teller, gedimd, zichtbaar()];
    })()""")
    assert state == [["GM0855"], "1 van 3 gemeenten", True, ["GM0718"]]
    assert browser.errors() == []
    _local_only(browser.requested_urls())

    # follow the link to Tilburg's report
    href = browser.js("document.querySelector('#kerncijfers a[href*=GM0855]').href")
    assert href.startswith(index.rsplit("/", 1)[0] + "/rapporten/GM0855-tilburg/2023-jaarrekening/")
    browser.open(href)
    assert "Tilburg" in browser.js("document.title")
    images = browser.js(
        "[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert len(images) == 1 and all(ok and w > 300 and h > 100 for ok, w, h in images)
    assert browser.js("document.querySelectorAll('.highlight').length") == 0  # no code
    assert "Demo: netto lasten sociaal domein" in browser.js("document.body.innerText")
    assert "Sociale basisvoorzieningen" in browser.js("document.querySelector('table').innerText")
    assert browser.errors() == []
    _local_only(browser.requested_urls())


def test_sanitised_payloads_run_nothing_in_a_browser(browser, tmp_path):
    """Issue 10: after sanitising, no payload runs in a real browser (no dialog, no handler)."""
    from test_xss import PAYLOADS

    from analysekit.reporting.sanitize import sanitize_html

    body = "".join(f"<p>{p}</p>" for p in PAYLOADS)
    page = tmp_path / "payloads.html"
    page.write_text(sanitize_html(f"<!DOCTYPE html><html><body>{body}<p>einde</p></body></html>"))
    browser.open(page.as_uri())
    # the load event has fired: every image's onerror and every onload would have run
    assert not [m for m in browser.events if m.get("method") == "Page.javascriptDialogOpening"]
    handlers = browser.js("""[...document.querySelectorAll('*')].flatMap(el =>
        [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on')
            || /^\\s*javascript:/i.test(a.value)).map(a => el.tagName + ' ' + a.name))""")
    assert handlers == []
    assert browser.js("document.querySelectorAll('script, iframe, object, embed').length") == 0
    assert "einde" in browser.js("document.body.innerText")
    # the only errors: the payloads' image src="x" that does not exist, nothing thrown
    assert all(e.startswith("Failed to load resource") for e in browser.errors())
