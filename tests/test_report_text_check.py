"""The rendered text of every report notebook, read as a wethouder would (issue 16 §6).

Every report notebook (01, 02, 03, 04 and the foto) is run in this process for a sample of
gemeenten on the real mirror, and the text of the HTML (what a reader sees: prose, tables,
figure descriptions) is checked for:

* Python names: snake_case identifiers (``tekort_eur``, ``voorliggend_vs_maatwerk``) and
  the variable names of :data:`~analysekit.reporting.sections.labels.RAW_IDENTIFIERS`;
* Python values: ``None``, ``nan``, ``NaN``;
* numbers with a decimal point (``0.8069``, ``341.0``): a Dutch number has a decimal comma
  and dots only between groups of three digits; taakveld codes (``6.72``) are no numbers;
* a promised table that does not follow ("De tabellen staan hieronder …");
* CBS's disambiguation suffix in a name (``Utrecht (gemeente)``) and ``1 … zitten``;
* the projection note more than once.

The sample: Tilburg (the kit's example), GM1961 Vijfheerenlanden (a merged gemeente with
no jaarrekening 2023 in the source), GM1980 Dijk en Waard (merged in 2022), GM0096 Vlieland
(the smallest) and GM0344 Utrecht (whose CBS name carries the suffix). The 25 reports
share one in-process cache, as a batch does.
"""

from __future__ import annotations

import html
import re
from functools import cache

import pytest

from analysekit.reporting import runner
from analysekit.reporting.sections.labels import RAW_IDENTIFIERS

pytestmark = pytest.mark.slow

GEMEENTEN = ("Tilburg", "GM1961", "GM1980", "GM0096", "GM0344")
NOTEBOOKS = ("01-verkenning", "02-benchmark", "03-hefbomen", "04-scenario",
             "foto-sociaal-domein")

#: A snake_case identifier; a file name (``illustratief_tilburg.yaml``) is none.
SNAKE = re.compile(r"(?<![\w./-])[A-Za-z][a-z0-9]*(?:_[A-Za-z0-9]+)+\b(?!\.(?:ya?ml|csv|json))")
PYTHON_VALUES = re.compile(r"\b(?:None|nan|NaN|inf)\b")
#: A number with dots: Dutch when every group after the first has three digits.
DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+[a-z]?(?![\w])")
DUTCH_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
#: Not a figure: the kit's version and the licence (CC BY 4.0).
NOT_A_FIGURE = re.compile(r"analysekit\s+\d+\.\d+\.\d+|CC BY \d\.\d")
#: The projection note ("Doorgetrokken …", "Een projectie … is … niet mogelijk"): once.
PROJECTION = re.compile(r"Doorgetrokken \(|Doorgetrokken komt|Een projectie met "
                        r"onzekerheidsmarge is op")
#: "De tabellen staan hieronder …", "in de tabel hieronder": a table must follow.
PROMISE = re.compile(r"(?:tabellen?\s+staa?n?\s+hieronder|in de tabel hieronder)", re.I)


@cache
def _taakvelden() -> frozenset[str]:
    """Every taakveld code of the data (``6.72d``) and of the kit's mapping (issue 17's
    multi-year data adds the codes of 2017–2022)."""
    import analysekit
    from analysekit.vocab import taakveld_mapping

    codes = set(analysekit.load("iv3")["taakveld"].astype(str))
    codes |= {str(r["taakveld"]) for r in taakveld_mapping()}
    return frozenset(codes)


def visible_text(page: str) -> str:
    """What a reader sees of a report page: text and figure descriptions, no markup."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<img\b[^>]*\balt=\"([^\"]*)\"[^>]*>", r" \1 ", page, flags=re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def faults(page: str, taakvelden: frozenset[str]) -> list[str]:
    """The faults of one rendered report (empty when it reads well)."""
    text = visible_text(page)
    found = []
    for m in SNAKE.finditer(text):
        found.append(f"Python-naam {m.group()!r}: …{text[max(0, m.start() - 60):m.end() + 20]}…")
    for w in RAW_IDENTIFIERS:
        if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text) and "_" not in w:
            found.append(f"variabelenaam {w!r}")
    for m in PYTHON_VALUES.finditer(text):
        found.append(f"Python-waarde {m.group()!r}: …{text[max(0, m.start() - 60):m.end() + 20]}…")
    no_version = NOT_A_FIGURE.sub(" ", text)
    for m in DOTTED.finditer(no_version):
        tok = m.group()
        # a taakveld code, or a group of them ('6.79' for 6.791 and 6.792)
        if DUTCH_THOUSANDS.fullmatch(tok) or any(t.startswith(tok) for t in taakvelden):
            continue
        found.append(f"getal met decimale punt {tok!r}: "
                     f"…{no_version[max(0, m.start() - 60):m.end() + 20]}…")
    for m in PROMISE.finditer(page):
        if "<table" not in page[m.end():]:
            found.append(f"beloofde tabel ontbreekt na {m.group()!r}")
    for m in re.finditer(r"staan hieronder met hun nummer, titel en jaren", page):
        rest = page[m.end():]
        if not re.search(r"<th[^>]*>\s*titel\s*</th>", rest):
            found.append("de tabel met de bronnen (nummer, titel, jaren) ontbreekt")
    for m in re.finditer(r"\w+ \(gemeente\)", text):
        found.append(f"naam met CBS-achtervoegsel {m.group()!r}")
    for m in re.finditer(r"(?<![\d.,])1 (?:daarvan zitten|gemeenten|rapporten|jaren)\b", text):
        found.append(f"enkelvoud/meervoud {m.group()!r}")
    n = len(PROJECTION.findall(text))
    if n > 1:
        found.append(f"de projectie staat {n} keer in de tekst (één keer is genoeg)")
    return found


def test_the_check_finds_each_fault():
    """Exact answers on SYNTHETIC snippets (what the issue found), and none on good text."""
    tv = frozenset({"6.1", "6.2", "6.72d", "6.791", "7.1"})
    bad = ("<p>tekort_eur None</p><td>0.8069</td><td>n 341.0</td><p>adoptie None</p>"
           "<p>Amsterdam (−752,389) VIF lage_inkomens_huishoudens_per_inwoner</p>"
           "<p>Utrecht (gemeente): 1 daarvan zitten ook</p><p>nan% en NaN</p>"
           "<p>De tabellen staan hieronder met hun nummer, titel en jaren.</p>")
    bad += "<p>Een projectie met onzekerheidsmarge is op 3 jaren niet mogelijk.</p>" * 3
    found = faults(bad, tv)
    assert any("'tekort_eur'" in f for f in found)
    assert any("'lage_inkomens_huishoudens_per_inwoner'" in f for f in found)
    assert sum("Python-waarde 'None'" in f for f in found) == 2
    assert any("'nan'" in f for f in found) and any("'NaN'" in f for f in found)
    assert any("'0.8069'" in f for f in found) and any("'341.0'" in f for f in found)
    assert faults("<p>as 7.75 8.00</p>", tv) != []  # no taakveld 7.75
    assert any("Utrecht (gemeente)" in f for f in found)
    assert any("1 daarvan zitten" in f for f in found)
    assert any("beloofde tabel" in f for f in found)
    assert any("bronnen (nummer, titel, jaren)" in f for f in found)
    assert any("de projectie staat 3 keer" in f for f in found)
    good = ("<p>Tilburg: € 1.234.567 (€ 76,2 mln), 14,1%, taakveld 6.72d, 6.79 en 6.1 + 6.2, "
            "CBS (CC BY 4.0), "
            "illustratief_tilburg.yaml, 10.000 trekkingen. Gemaakt met analysekit 0.1.0.</p>"
            "<p>De tabellen staan hieronder met hun nummer, titel en jaren.</p>"
            "<table><tr><th>tabel</th><th>titel</th><th>jaren</th></tr></table>"
            '<img alt="Besparing tegenover het tekort" src="x.png">')
    assert faults(good, tv) == []


@pytest.fixture(scope="module")
def reports(built, tmp_path_factory):
    """(gemeente, notebook) → the rendered HTML, or the failure (25 reports, one cache)."""
    root = tmp_path_factory.mktemp("text-check")
    out = {}
    for g in GEMEENTEN:
        for nb in NOTEBOOKS:
            res = runner.run_report(g, nb, {}, root=root)
            out[g, nb] = (res.html.read_text(encoding="utf-8") if res.status == "ok"
                          else RuntimeError(res.message))
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_report_renders(reports, notebook):
    failed = {g: str(reports[g, notebook]) for g in GEMEENTEN
              if isinstance(reports[g, notebook], Exception)}
    assert not failed, failed


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_rendered_reports_read_as_dutch_prose(reports, notebook):
    """No Python names or values, no decimal points, no missing table, in any notebook."""
    tv = _taakvelden()
    found = {g: faults(reports[g, notebook], tv) for g in GEMEENTEN
             if isinstance(reports[g, notebook], str)}
    found = {g: f for g, f in found.items() if f}
    assert not found, "\n".join(f"{notebook} {g}: {x}" for g, fs in found.items() for x in fs)
