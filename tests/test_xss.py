"""Stored XSS (issue 10): user text reaches report and site HTML only as text.

A corpus of payloads is put where users put text: a register's ``toelichting`` and a
hefboom's name, a goal's name and ``toelichting``, a ``-p titel`` parameter, and a
gemeente-like name on the site. The real reports (04-scenario, 00-demo) run on the real
mirror data and the site is published; the HTML is then parsed with an HTML parser
(BeautifulSoup over the standard library's parser) and must hold no event-handler
attribute, no ``javascript:`` URL, no foreign ``<script>``/``<iframe>``/``<object>``/
``<embed>`` — while the payload's text is still visible, escaped.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from analysekit.reporting import display, runner, site
from analysekit.reporting.sanitize import sanitize_html, script_digest, unsafe_findings

REGISTERS = Path(__file__).resolve().parents[1] / "src" / "analysekit" / "registers"

#: The payload corpus: handlers, scripts, URLs, SVG, attribute-breaking quotes, parser tricks.
PAYLOADS = [
    '<img src=x onerror="alert(2)">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(3)">klik</a>',
    '<a href="jav&#x09;ascript:alert(4)">tab</a>',
    "<svg onload=alert(5)><circle r=1></svg>",
    '" onmouseover="alert(6)" x="',
    "' autofocus onfocus='alert(7)",
    '<iframe src="javascript:alert(8)"></iframe>',
    '<object data="data:text/html,<script>alert(9)</script>"></object>',
    "<svg><style><img src=x onerror=alert(10)></style></svg>",
    "<!--><img src=x onerror=alert(11)>-->",
    "<style></style x><img src=x onerror=alert(12)></style>",
    "<math><a xlink:href=javascript:alert(13)>m</a></math>",
    "<svg><animate attributeName=href values=javascript:alert(14) /></svg>",
    "<IMG SRC=x OnErRoR=alert(15)>",
    '<a href="  JaVaScRiPt:alert(16)">hoofdletters</a>',
]

#: What the site's and the reports' own markup may contain (nothing else that can run).
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "values", "to")
FOREIGN = ("script", "iframe", "object", "embed", "frame", "frameset", "applet", "base")


def violations(page: str, trusted_scripts: tuple[str, ...] = ()) -> list[str]:
    """Everything in ``page`` that could run, found with an HTML parser (not the sanitiser)."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    trusted = {script_digest(s) for s in trusted_scripts}
    for el in soup.find_all(True):
        for name, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{el.name} {name}>")
            squashed = re.sub(r"[\x00-\x20]+", "", value).lower()
            if name.lower() in URL_ATTRS and squashed.startswith(("javascript:", "vbscript:")):
                found.append(f"<{el.name} {name}={value!r}>")
        if el.name in FOREIGN and not (
            el.name == "script" and script_digest(el.get_text()) in trusted
        ):
            found.append(f"<{el.name}>")
    return found


def visible_text(page: str) -> str:
    soup = BeautifulSoup(page, "html.parser")
    for el in soup(["style", "script"]):
        el.decompose()
    return soup.get_text(" ")


# --------------------------------------------------------------------------- the sanitiser


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_removes_every_payload(payload):
    doc = f"<html><body><p>Tekst {payload} en verder</p></body></html>"
    clean = sanitize_html(doc)
    assert violations(clean) == []
    assert unsafe_findings(clean) == []
    assert sanitize_html(clean) == clean  # idempotent
    assert "verder" in visible_text(clean)


def test_sanitiser_keeps_the_kits_own_script_and_markup():
    js = "document.title = 'ok';"
    page = (
        '<!DOCTYPE html><html><head><style>a > b { color: red; }</style></head><body>'
        '<svg viewBox="0 0 10 10"><a href="rapporten/x.html"><path d="M0 0L1 1Z"/></a></svg>'
        '<img src="data:image/png;base64,AAAA" alt="Figuur">'
        f'<script data-analysekit="site">{js}</script><script>{js}</script></body></html>'
    )
    clean = sanitize_html(page, [js])
    assert clean.count("<script") == 1 and js in clean  # only the trusted copy... once
    assert 'href="rapporten/x.html"' in clean and 'src="data:image/png;base64,AAAA"' in clean
    assert "a > b { color: red; }" in clean and "<!DOCTYPE html>" in clean
    assert violations(clean, (js,)) == []
    # a forged marker does not make a script trusted
    forged = sanitize_html('<script data-analysekit="site">alert(1)</script>', [js])
    assert "alert" not in forged


def test_display_escapes_cells_boxes_and_markdown():
    import pandas as pd

    payload = PAYLOADS[0]
    cells = {"naam": [payload], "b": [display.Markup("<b>vet</b>")]}
    t = display.table(pd.DataFrame(cells, dtype=object))  # Markup needs an object column
    assert "<img" not in t._repr_html_() and "&lt;img" in t._repr_html_()
    assert "<b>vet</b>" in t._repr_html_()  # trusted HTML built by the kit stays
    assert "<img" not in display.box(payload)._repr_html_()
    assert display.escape_markdown(payload) == '&lt;img src=x onerror="alert(2)">'
    assert display.markdown(payload).data.startswith("&lt;img")


# --------------------------------------------------------------------------- real reports

TOELICHTING = " ".join(PAYLOADS)


@pytest.fixture(scope="module")
def evil_inputs(tmp_path_factory) -> dict[str, Path]:
    """The shipped register and goals, with payloads in the user's text fields."""
    folder = tmp_path_factory.mktemp("kwaadaardig")
    reg = yaml.safe_load((REGISTERS / "illustratief_tilburg.yaml").read_text())
    reg["toelichting"] = TOELICHTING
    reg["hefbomen"][0]["naam"] = PAYLOADS[0] + " wijkteams"
    reg["hefbomen"][0]["eigenaar"] = PAYLOADS[5]
    goals = yaml.safe_load((REGISTERS / "doelen_voorbeeld.yaml").read_text())
    goals["toelichting"] = TOELICHTING
    goals["doelen"][0]["indicator"] = PAYLOADS[4] + " jeugd"
    goals["doelen"][0]["eigenaar"] = PAYLOADS[1]
    out = {"register": folder / "register.yaml", "goals": folder / "doelen.yaml"}
    out["register"].write_text(yaml.safe_dump(reg, allow_unicode=True))
    out["goals"].write_text(yaml.safe_dump(goals, allow_unicode=True))
    return out


@pytest.fixture(scope="module")
def evil_reports(built, evil_inputs, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rapporten")
    res = runner.run_report(
        "Tilburg",
        "04-scenario",
        {k: str(v) for k, v in evil_inputs.items()},
        root=root,
    )
    assert res.status == "ok", res.message
    demo = runner.run_report("Utrecht", "00-demo", {"titel": PAYLOADS[0]}, root=root)
    assert demo.status == "ok", demo.message
    return root


def test_register_and_goal_text_is_shown_escaped_in_the_report(evil_reports):
    page = (evil_reports / "GM0855-tilburg/2023-jaarrekening/04-scenario.html").read_text()
    assert violations(page) == []
    text = visible_text(page)
    # the user's text is still there, as text (the register's toelichting, hefboom, goal)
    assert 'onerror="alert(2)"' in text and "<script>alert(1)</script>" in text
    assert PAYLOADS[0] + " wijkteams" in text
    assert PAYLOADS[4] + " jeugd" in text


def test_title_parameter_is_shown_escaped(evil_reports):
    folder = evil_reports / "GM0344-utrecht/2023-jaarrekening"
    page = (folder / "00-demo.html").read_text()
    assert violations(page) == []
    nb = nbformat.read(folder / "00-demo.ipynb", as_version=4)
    assert nb.metadata["analysekit"]["params"]["titel"] == PAYLOADS[0]


def test_a_gemeente_like_payload_is_refused_and_writes_no_html(built, tmp_path):
    res = runner.run_report(PAYLOADS[1], "00-demo", {}, root=tmp_path)
    assert res.status == "failed" and res.error_kind == "parameter"
    assert not list(tmp_path.rglob("*.html"))
    folder = res.ipynb.parent.parent
    assert folder.parent.name == "_fouten" and re.fullmatch(r"[a-z0-9-]+", folder.name)


def _poison_name(folder: Path, notebook: str, naam: str) -> None:
    """Make a copied report claim a hostile gemeente name (scrap and metadata)."""
    path = folder / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["analysekit"]["naam"] = naam
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for key, scrap in out.get("data", {}).items():
                if not key.startswith("application/scrapbook.scrap"):
                    continue
                if scrap.get("name") == "naam":
                    scrap["data"] = naam
                if scrap.get("name") == "provincie":
                    scrap["data"] = PAYLOADS[5]
    nbformat.write(nb, path)


def test_site_with_hostile_names_has_nothing_that_runs(evil_reports, tmp_path):
    reports = tmp_path / "rapporten"
    shutil.copytree(evil_reports, reports)
    src = reports / "GM0344-utrecht"
    fake = reports / "GM9999-kwaad"
    shutil.copytree(src, fake)
    _poison_name(fake / "2023-jaarrekening", "00-demo", PAYLOADS[0] + " Kwaadstad")
    out = tmp_path / "site"
    site.build_site(reports, out, notebook="00-demo")
    page = (out / "index.html").read_text()
    assert violations(page, (site._template("site.js"),)) == []
    assert page.count("<script") == 1  # the site's own script, nothing else
    text = visible_text(page)
    assert PAYLOADS[0] + " Kwaadstad" in text  # shown as text
    assert PAYLOADS[5] in text  # the provincie, in the filter list
    # the 04-scenario report published too: still clean after the copy
    site.build_site(reports, tmp_path / "site2", notebook="04-scenario")
    copied = tmp_path / "site2/rapporten/GM0855-tilburg/2023-jaarrekening/04-scenario.html"
    assert violations(copied.read_text()) == []


def test_numeric_references_to_plain_letters_are_written_as_letters():
    """nbconvert writes "ë" in headings as ``&#235;``: the report's source says "ë"."""
    out = sanitize_html(
        "<h3>Meer cli&#235;nten &#x20AC; 5</h3><p>&#60;script&#62; &#38; &#34; &#39; "
        "&#160; &#x202E; &#0; &#1114112;</p>"
    )
    assert "<h3>Meer cliënten € 5</h3>" in out
    # markup characters, non-breaking and control/format characters stay references
    assert "<p>&#60;script&#62; &#38; &#34; &#39; &#160; &#x202E; &#0; &#1114112;</p>" in out
