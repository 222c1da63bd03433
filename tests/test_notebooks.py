"""The report notebooks: structure, execution on the real data, parameters, bad input.

Every notebook in notebooks/ is executed with papermill through the project's runner
(in-process engine) on the tables built from the real CBS/BZK mirror: for Tilburg with the
default parameters, and with non-default ones (another gemeente, another year, fewer peers,
a register file). The figures asserted are real: Tilburg's net cost of Jeugd in the
jaarrekening 2023 is € 76.214.000 (thousands of euros in the mirror's
michielsd-begrotingsanalysetool/Analysedata/Iv3/2023_jaarrekening.csv, summed over the
Jeugd taakvelden).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import scrapbook as sb

from analysekit.reporting import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01-verkenning", "02-benchmark", "03-hefbomen", "04-scenario", "foto-sociaal-domein"]
PNG = 'src="data:image/png;base64,'
SD = ["Sociale basisvoorzieningen", "Wmo", "Jeugd", "Participatie"]


def _scraps(path: Path) -> dict:
    return {k: v.data for k, v in sb.read_notebook(str(path)).scraps.items()}


def _text(nb) -> str:
    """All text a reader sees in an executed notebook (markdown cells and outputs)."""
    parts = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            parts.append(c.source)
            continue
        for o in c.get("outputs", []):
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") or data.get("text/plain", ""))
            parts.append(o.get("text", ""))
    return "\n".join(parts)


def _errors(nb) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"]


@pytest.fixture(scope="module")
def reports(built, tmp_path_factory):
    """Every notebook executed for Tilburg with its default parameters."""
    root = tmp_path_factory.mktemp("rapporten")
    out = {}
    for name in NOTEBOOKS:
        res = runner.run_report("Tilburg", name, {}, root=root)
        assert res.status == "ok", f"{name}: {res.message}"
        out[name] = res
    return out


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_clean_and_checks_parameters_first(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]
    assert ":" not in tagged[0].source  # plain assignments: papermill parses them
    assert tagged[0].source.startswith('gemeente = "Tilburg"\njaar = 2023')
    check = code[1].source
    assert f'check(globals(), notebook="{name}")' in check
    assert "ReportContext.from_params(p)" in check
    # thin: no notebook defines functions or classes of its own, and no cell leaves
    # variables behind besides p and ctx (the logic lives in analysekit.reporting.context)
    assert not any(re.search(r"^\s*(def|class) ", c.source, re.M) for c in code)
    assigned = set()
    for c in code[1:]:
        for node in ast.parse(c.source).body:
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            assigned |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert assigned == {"p", "ctx"}


# --------------------------------------------------------------------------- real data, defaults


def test_foto_tilburg_headlines_are_the_real_figures(reports):
    import analysekit as ak

    res = reports["foto-sociaal-domein"]
    scraps = _scraps(res.ipynb)
    assert scraps["gm_code"] == "GM0855" and scraps["naam"] == "Tilburg"
    assert scraps["netto_jeugd_eur"] == 76_214_000  # jaarrekening 2023, from the raw mirror
    iv3 = ak.load("iv3", gemeente="GM0855", jaar=2023, verslagsoort="jaarrekening", domein=SD)
    netto = float((iv3["lasten_eur"] - iv3["baten_eur"]).sum())
    inwoners = int(ak.load("gemeenten", gemeente="GM0855", jaar=2023)["inwoners"].iloc[0])
    assert scraps["netto_sd_eur"] == pytest.approx(netto, abs=0.01) == 366_315_000
    assert scraps["inwoners"] == inwoners == 227_707
    assert scraps["netto_sd_per_inwoner"] == pytest.approx(netto / inwoners, abs=0.01)
    # structural gap = net cost − gemeentefonds (S2024, verdeelmodel + IU/DU); overrun jr − b
    assert scraps["tekort_sd_eur"] == pytest.approx(366_315_000 - 453_900_284.87, abs=1)
    assert scraps["overschrijding_sd_eur"] == 14_603_000
    # illustrative numbers are never glued as headline figures
    assert not any("kans" in k or "besparing" in k or "doel" in k for k in scraps)


def test_foto_tilburg_html_reads_as_a_report(reports):
    res = reports["foto-sociaal-domein"]
    html = res.html.read_text()
    # four figures (gap vs gemeentefonds, trajectory, peers, prijs × volume waterfall); the
    # scenario figures are in 04-scenario: a report must stay fast in batch
    assert html.count(PNG) == 4
    assert "Meer cliënten of duurdere cliënten?" in html  # prijs × volume (issue 12)
    for heading in ("Samenvatting", "Uitgangssituatie", "Doelen en wat is bereikt",
                    "Positie tussen vergelijkbare gemeenten", "Hefbomen en hun risico",
                    "Scenario", "Bronnen en parameters"):
        assert heading in html, heading
    # sources with table ids and years, the circulaire, the mirror snapshot, the parameters
    assert "CBS" in html and "45063NED" in html and "jaarrekening 2023" in html
    assert "uitkeringsjaar 2024 uit de septembercirculaire 2024" in html
    # the footnote is a technical note on the offline copy; the sources are the CBS and BZK
    # tables, never the mirror's folder names (issue 16 §6)
    assert "offline kopie" in html and "tekort (+) / overschot (−)" in html
    assert "michielsd" not in html and "lostconnectionhere" not in html
    # the parameters under their Dutch names, never the Python ones
    for param in ("gemeente", "Tilburg (GM0855)", "verslagsoort", "aantal vergelijkbare gemeenten",
                  "hefbomenregister", "doelenbestand"):
        assert f">{param}<" in html, param
    assert ">n_peers<" not in html and ">goals<" not in html
    # illustrative defaults are labelled as such
    assert "ILLUSTRATIEF" in html and "VOORBEELD" in html
    assert "niet het register van Tilburg" in html and "niet de doelen van Tilburg" in html
    # the real figures in Dutch formatting; no code in the HTML
    assert "€ 366,3 mln" in html and "227.707 inwoners" in html and "€ 1.609 per inwoner" in html
    assert "ReportContext" not in html and "glue_headlines" not in html
    nb = nbformat.read(res.ipynb, as_version=4)
    text = _text(nb)
    kernpunten = re.findall(r"^- ", text.split("## Uitgangssituatie")[0], re.M)
    assert 3 <= len(kernpunten) <= 5
    assert "samenhang, geen bewezen effect" in text
    # eight real years: growth with its interval and rank, persistence, and how far to trust
    # the trend line (the rolling-origin backtest), never "no projection on 3 years"
    assert "groeiden 2017–2024 gemiddeld 4,1% per jaar (95%-interval 3,3% tot 5,0%" in text
    assert "Jeugd lag in 8 van de 8 jaren boven de begroting" in text
    html_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Hoe betrouwbaar is de trendlijn?" in html_text
    assert "7,5% naast de jaarrekening" in html_text


def test_verkenning_three_lenses_and_a_tested_projection(reports):
    nb = nbformat.read(reports["01-verkenning"].ipynb, as_version=4)
    text = _text(nb)
    assert "Sociaal domein" in text and "€ 76,2 mln" in text
    assert "6.72d" in text and "Jeugdhulp zonder verblijf overig" in text
    # overrun: jaarrekening − begroting 2023 of Jeugd (76.214.000 − 66.823.000)
    assert "€ 9,4 mln" in text and "+14,1%" in text
    # the trend over jaarrekening 2017–2024 projected to 2026 with its interval, beside the
    # own begroting, and the backtest sentence
    assert "in 2026 op € 2.713 (95%-voorspellingsinterval € 2.553 tot € 2.872)" in text
    assert "de eigen begroting 2026 gaat uit van € 2.670" in text
    assert "in 2021–2024 4 van de 4 keer, dus structureel" in text
    assert reports["01-verkenning"].html.read_text().count(PNG) == 4


def test_benchmark_peers_classic_group_and_map(reports):
    nb = nbformat.read(reports["02-benchmark"].ipynb, as_version=4)
    text = _text(nb)
    assert "Eindhoven" in text and "Enschede" in text  # the two nearest peers
    # the classic group names Groningen without CBS's suffix (issue 16 §6)
    assert "Groningen" in text and "Groningen (gemeente)" not in text
    assert "150.000 tot 250.000 inwoners" in text
    assert "7 van 11" in text  # rank of the total among Tilburg and its 10 peers
    assert "inwoners (log) 75+" not in text  # characteristic labels replaced once
    # strip + map + prijs × volume waterfall + transformatieladder (issue 12)
    assert reports["02-benchmark"].html.read_text().count(PNG) == 4
    assert "Transformatieladder" in text and "door volume" in text


def test_hefbomen_states_the_claims_and_the_real_panel(reports):
    nb = nbformat.read(reports["03-hefbomen"].ipynb, as_version=4)
    text = _text(nb)
    assert "Samenhang, geen causaal effect" in text
    assert "HC3" in text and "Breusch-Pagan" in text
    # the euro column is an association between gemeenten, never "if Tilburg were at the
    # median" (issue 18); the merger question is set beside Allers & Geertsema (2016)
    assert "als Tilburg op de mediaan zat" not in text
    assert "geen besparing die Tilburg haalt door naar de mediaan te gaan" in text
    assert "Allers en Geertsema (2016" in text
    assert not _errors(nb)


def test_scenario_is_illustrative_seeded_and_reproducible(reports, tmp_path):
    nb = nbformat.read(reports["04-scenario"].ipynb, as_version=4)
    text = _text(nb)
    assert "ILLUSTRATIEF" in text and "VOORBEELD" in text
    assert re.search(r"P10 € [\d,]+ mln, P50 € [\d,]+ mln en P90 € [\d,]+ mln", text)
    again = runner.run_report("Tilburg", "04-scenario", {}, root=tmp_path)
    assert _text(nbformat.read(again.ipynb, as_version=4)) == text  # same seed, same report


# --------------------------------------------------------------------------- other parameters


def test_foto_other_gemeente_year_and_fewer_peers(built, tmp_path):
    import analysekit as ak

    params = {"jaar": 2024, "verslagsoort": "begroting", "n_peers": 5}
    res = runner.run_report("Zwolle", "foto-sociaal-domein", params, root=tmp_path)
    assert res.status == "ok", res.message
    scraps = _scraps(res.ipynb)
    iv3 = ak.load("iv3", gemeente="GM0193", jaar=2024, verslagsoort="begroting", domein=SD)
    assert scraps["gm_code"] == "GM0193"
    netto = float((iv3["lasten_eur"] - iv3["baten_eur"]).sum())
    assert scraps["netto_sd_eur"] == pytest.approx(netto, abs=0.01)
    assert "overschrijding_sd_eur" not in scraps  # no jaarrekening 2024
    text = _text(nbformat.read(res.ipynb, as_version=4))
    assert "Tussen de 5 meest vergelijkbare gemeenten" in text
    assert "begrootte in 2024" in text and "niet het register van Zwolle" in text
    html = res.html.read_text()
    assert ">aantal vergelijkbare gemeenten<" in html and ">5<" in html and ">begroting<" in html


def test_demo_for_a_gemeente_without_submission_says_geen_gegevens(built, tmp_path):
    # Vijfheerenlanden (GM1961) delivered no jaarrekening 2023 (all zeros at CBS)
    res = runner.run_report("Vijfheerenlanden", "00-demo", {}, root=tmp_path)
    assert res.status == "ok", res.message
    scraps = _scraps(res.ipynb)
    assert "netto_sd_per_inwoner" not in scraps and scraps["inwoners"] > 50_000
    text = _text(nbformat.read(res.ipynb, as_version=4))
    assert "geen jaarrekening aan CBS geleverd (geen gegevens)" in text
    assert "€ 0" not in text


@pytest.mark.parametrize("notebook", ["01-verkenning", "03-hefbomen", "04-scenario"])
def test_every_notebook_says_what_a_gemeente_did_not_deliver(built, tmp_path, notebook):
    res = runner.run_report("Vijfheerenlanden", notebook, {}, root=tmp_path)
    assert res.status == "ok", res.message
    text = _text(nbformat.read(res.ipynb, as_version=4))
    assert "Vijfheerenlanden heeft over 2023 geen jaarrekening aan CBS geleverd" in text


def test_benchmark_with_five_peers(built, tmp_path):
    res = runner.run_report("Den Bosch", "02-benchmark", {"n_peers": 5}, root=tmp_path)
    assert res.status == "ok", res.message
    text = _text(nbformat.read(res.ipynb, as_version=4))
    assert "'s-Hertogenbosch" in text and "van 6" in text


def test_scenario_with_own_register_is_used_as_given(built, tmp_path):
    reg = tmp_path / "eigen_register.yaml"
    reg.write_text(  # synthetic register for this test: two levers, not illustrative
        "illustratief: false\n"
        "hefbomen:\n"
        "  - {naam: Synthetische hefboom A, domein: Jeugd, besparing_min: 1000000,"
        " besparing_waarschijnlijk: 2000000, besparing_max: 3000000, kans: 0.5,"
        " startjaar: 2026, ingroei_jaren: 1, eigenaar: test}\n"
        "  - {naam: Synthetische hefboom B, domein: Wmo, besparing_min: 500000,"
        " besparing_waarschijnlijk: 500000, besparing_max: 500000, kans: 1.0,"
        " startjaar: 2026, ingroei_jaren: 1, eigenaar: test}\n",
        encoding="utf-8",
    )
    res = runner.run_report("Tilburg", "04-scenario", {"register": str(reg), "n_draws": 2000,
                                                       "seed": 7}, root=tmp_path)
    assert res.status == "ok", res.message
    text = _text(nbformat.read(res.ipynb, as_version=4))
    assert "Register: eigen_register.yaml (opgegeven als parameter)" in text
    # amounts as given (not scaled): lever B always delivers € 500.000
    assert "€ 500.000 – € 500.000 – € 500.000" in text
    assert "ILLUSTRATIEF register" not in text


# --------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("gemeente", "notebook", "params", "message"),
    [
        ("Nergenshuizen", "foto-sociaal-domein", {}, "onbekende gemeente 'Nergenshuizen'"),
        ("Tilburg", "foto-sociaal-domein", {"jaar": 2016},
         "parameter jaar 2016 staat niet in de gegevens; beschikbaar: 2017, 2018, 2019, 2020, "
         "2021, 2022, 2023, 2024, 2025, 2026"),
        ("Tilburg", "foto-sociaal-domein", {"jaar": 2025},
         "geen jaarrekening over jaar 2025 in de gegevens; beschikbaar: jaarrekening 2017, 2018, "
         "2019, 2020, 2021, 2022, 2023, 2024"),
        ("Tilburg", "01-verkenning", {"kleur": "rood"}, "onbekende parameter 'kleur'"),
        ("Tilburg", "02-benchmark", {"n_peers": 0},
         "parameter n_peers 0 is onmogelijk; verwacht: 1–100"),
        ("Tilburg", "02-benchmark", {"indeling": 2019},
         "parameter indeling 2019 wijkt af van de indeling van jaar 2023"),
        ("Tilburg", "03-hefbomen", {"domein": "Zorg"},
         "parameter domein 'Zorg' is onbekend; verwacht: een van"),
        ("Tilburg", "04-scenario", {"register": "bestaat/niet.yaml"},
         "parameter register: bestand bestaat/niet.yaml bestaat niet"),
    ],
)
def test_bad_parameter_fails_at_the_top_with_one_line(built, tmp_path, gemeente, notebook,
                                                      params, message):
    res = runner.run_report(gemeente, notebook, params, root=tmp_path)
    assert res.status == "failed" and res.error_kind == "parameter"
    assert message in res.message and "\n" not in res.message
    nb = nbformat.read(res.ipynb, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failing = next(c for c in code if c.outputs)
    # the check cell, right after the parameters (and papermill's injected parameters)
    assert "check(globals()" in failing.source
    assert all("parameters" in " ".join(c.metadata.get("tags", []))
               for c in code[: code.index(failing)])
    boxes = [o.data["text/html"] for o in failing.outputs if "text/html" in o.get("data", {})]
    assert len(boxes) == 1 and "ongeldige parameter" in boxes[0]
    assert failing.outputs[-1].output_type == "error"
    assert len(failing.outputs[-1].traceback) == 1  # one line, no stack
    assert all(not c.outputs for c in code[code.index(failing) + 1:])


def test_malformed_register_names_file_line_and_field(built, tmp_path):
    reg = tmp_path / "kapot.yaml"
    reg.write_text("hefbomen:\n  - naam: X\n    domein: Jeugd\n", encoding="utf-8")
    res = runner.run_report("Tilburg", "04-scenario", {"register": str(reg)}, root=tmp_path)
    assert res.status == "failed" and res.error_kind == "parameter"
    assert res.message.startswith("kapot.yaml, regel 2") and "\n" not in res.message


def test_cli_unknown_gemeente_exits_non_zero_with_one_line(built, tmp_path, capsys):
    from analysekit.cli import main

    code = main(["report", "Nergenshuizen", "-n", "02-benchmark", "--reports", str(tmp_path)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "onbekende gemeente 'Nergenshuizen'" in err
