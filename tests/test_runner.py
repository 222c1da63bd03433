"""Reporting: parameter validation, one report (in-process and with a kernel), HTML export.

The notebooks run on the real mirror data (gemeente lookup, iv3); the demo notebook's
series is synthetic by design and says so.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import scrapbook as sb
from html_events import html_events
from reaper import cli, run_reaped, warnings_as_errors_env

from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.reporting import params as P
from analysekit.reporting import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

EXTERNAL = re.compile(
    r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
)


@pytest.fixture(scope="module")
def data(built):
    return built


def _scraps(path: Path) -> dict:
    return {k: v.data for k, v in sb.read_notebook(str(path)).scraps.items()}


# --------------------------------------------------------------------------- parameters


def test_notebook_parameters_are_read_from_the_parameters_cell():
    assert P.notebook_parameters("00-demo") == {
        "gemeente": "GM0855",
        "jaar": 2023,
        "verslagsoort": "jaarrekening",
        "titel": "Demo",
    }
    assert {"gemeente", "jaar"} <= set(P.notebook_parameters("foto-sociaal-domein"))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_committed_notebooks_follow_the_contract(path):
    """No outputs; one ``parameters`` cell of plain assignments; checked right after it."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    P.notebook_parameters(path)  # raises on a type annotation
    following = code[code.index(tagged[0]) + 1]
    assert f'check(globals(), notebook="{path.stem}"' in following.source


def test_type_annotation_in_parameters_cell_is_rejected(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("jaar: int = 2023", metadata={"tags": ["parameters"]})]
    path = tmp_path / "ann.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParameterError, match="typeannotatie op regel 1"):
        P.notebook_parameters(path)


def test_unknown_notebook():
    with pytest.raises(
        ParameterError, match="onbekend notebook 'bestaat-niet'; beschikbaar: .*00-demo"
    ):
        P.notebook_path("bestaat-niet")


DEFAULTS = {
    "gemeente": "GM0855",
    "jaar": 2023,
    "n_peers": 10,
    "verslagsoort": "begroting",
    "register": "",
    "titel": "x",
    "schaal": 1.5,
    "toon": True,
}
INFO = P.GemeenteInfo("GM9001", "Synthetisch Alfa", "Noord")  # synthetic


def _validate(**given):
    return P.validate_params(
        "synthetisch",
        given,
        defaults=DEFAULTS,
        years_available=lambda: [2022, 2023],
        resolve=lambda q: INFO,
    )


def test_validate_params_normalises():
    p = _validate(jaar="2022", n_peers=5.0, schaal=2, toon="ja")
    assert p["jaar"] == 2022 and p["n_peers"] == 5 and p["schaal"] == 2.0 and p["toon"] is True
    assert p.gemeente == INFO and p.gm_code == "GM9001" and p.naam == "Synthetisch Alfa"
    assert p.register is None  # empty path means: not given


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"foo": 1},
            r"onbekende parameter 'foo' voor notebook synthetisch; "
            r"beschikbaar: gemeente, jaar, n_peers",
        ),
        ({"jaar": 1990}, r"parameter jaar 1990 staat niet in de gegevens; beschikbaar: 2022, 2023"),
        ({"jaar": "twee"}, r"parameter jaar 'twee' is ongeldig; verwacht: een geheel getal"),
        ({"n_peers": 0}, r"parameter n_peers 0 is onmogelijk; verwacht: 1–100"),
        (
            {"verslagsoort": "raming"},
            r"parameter verslagsoort 'raming' is onbekend; verwacht: begroting of jaarrekening",
        ),
        (
            {"register": "bestaat/niet.yaml"},
            r"parameter register: bestand bestaat/niet.yaml bestaat niet",
        ),
        ({"schaal": "veel"}, r"parameter schaal 'veel' is ongeldig; verwacht: een getal"),
        ({"titel": 3}, r"parameter titel 3 is ongeldig; verwacht: tekst"),
    ],
)
def test_validate_params_errors(given, message):
    with pytest.raises(ParameterError, match=message):
        _validate(**given)


def test_real_gemeente_lookup_and_year(data):
    p = P.validate_params("foto-sociaal-domein", {"gemeente": "Den Bosch", "jaar": 2023})
    assert (p.gm_code, p.naam, p.provincie) == ("GM0796", "'s-Hertogenbosch", "Noord-Brabant")
    assert P.years_available() == tuple(range(2017, 2027))  # jaarrekening to 2024, begroting 2026
    with pytest.raises(UnknownGemeente, match="(closest matches|bedoelde u): Tilburg"):
        P.validate_params("foto-sociaal-domein", {"gemeente": "Tilbrug"})
    with pytest.raises(UnknownGemeente, match="bestaat niet meer; haar gebied ging naar .*Tilburg"):
        P.validate_params("foto-sociaal-domein", {"gemeente": "Haaren"})
    with pytest.raises(
        ParameterError,
        match="geen jaarrekening over jaar 2025 in de gegevens; beschikbaar: jaarrekening 2017, "
        "2018, 2019, 2020, 2021, 2022, 2023, 2024$",
    ):
        P.validate_params("foto-sociaal-domein", {"jaar": 2025, "verslagsoort": "jaarrekening"})


def test_parse_cli_params():
    assert P.parse_cli_params(["jaar=2024", "titel=Mijn titel", "x=1.5", "leeg=", "b=true"]) == {
        "jaar": 2024,
        "titel": "Mijn titel",
        "x": 1.5,
        "leeg": "",
        "b": True,
    }
    with pytest.raises(ParameterError, match="'jaar' is ongeldig; verwacht: naam=waarde"):
        P.parse_cli_params(["jaar"])


def test_slug():
    assert P.slugify("Súdwest-Fryslân") == "sudwest-fryslan"
    assert P.GemeenteInfo("GM0344", "Utrecht (gemeente)").slug == "GM0344-utrecht"
    assert P.GemeenteInfo("GM0796", "'s-Hertogenbosch").slug == "GM0796-s-hertogenbosch"


# --------------------------------------------------------------------------- one report


def _netto(gm_code: str, jaar: int, verslagsoort: str) -> tuple[float, int, float]:
    """Netto lasten sociaal domein, inwoners and netto Jeugd, straight from the tables."""
    import analysekit as ak

    sd = ["Sociale basisvoorzieningen", "Wmo", "Jeugd", "Participatie"]
    iv3 = ak.load("iv3", gemeente=gm_code, jaar=jaar, verslagsoort=verslagsoort, domein=sd)
    netto = iv3["lasten_eur"] - iv3["baten_eur"]
    inwoners = int(ak.load("gemeenten", gemeente=gm_code, jaar=jaar)["inwoners"].iloc[0])
    return float(netto.sum()), inwoners, float(netto[iv3["domein"] == "Jeugd"].sum())


def test_demo_report_with_non_default_parameters(tmp_path, data):
    params = {"jaar": 2024, "verslagsoort": "begroting", "titel": "Proef"}
    res = runner.run_report("Utrecht", "00-demo", params, root=tmp_path)
    assert res.status == "ok", res.message
    folder = tmp_path / "GM0344-utrecht" / "2024-begroting"
    assert res.ipynb == folder / "00-demo.ipynb" and res.html == folder / "00-demo.html"
    assert (res.jaar, res.verslagsoort) == (2024, "begroting")
    nb = nbformat.read(res.ipynb, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'verslagsoort = "begroting"' in injected[0].source
    assert 'gemeente = "GM0344"' in injected[0].source
    assert nb.metadata["analysekit"]["gm_code"] == "GM0344"

    scraps = _scraps(res.ipynb)
    assert (scraps["gm_code"], scraps["naam"], scraps["provincie"]) == (
        "GM0344",
        "Utrecht (gemeente)",
        "Utrecht",
    )
    netto, inwoners, jeugd = _netto("GM0344", 2024, "begroting")  # real CBS figures
    assert scraps["inwoners"] == inwoners > 300_000
    assert scraps["netto_sd_eur"] == pytest.approx(netto, abs=0.01)
    assert scraps["netto_sd_per_inwoner"] == pytest.approx(netto / inwoners, abs=0.01)
    assert scraps["netto_jeugd_per_inwoner"] == pytest.approx(jeugd / inwoners, abs=0.01)

    html = res.html.read_text()
    assert html.count('src="data:image/png;base64,') == 1 and 'alt="Figuur"' in html
    assert 'class="highlight' not in html and "def netto_per_inwoner" not in html  # code hidden
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "Demo: netto lasten sociaal domein" in html
    assert f"{inwoners:,}".replace(",", ".") + " inwoners) begrootte in 2024" in html
    assert (folder / "00-demo.hash").read_text().strip() == nb.metadata["analysekit"]["hash"]


@pytest.mark.parametrize(
    ("gemeente", "params", "message", "folder"),
    [
        (
            "Utrecht",
            {"jaar": 1990},
            "parameter jaar 1990 staat niet in de gegevens",
            "GM0344-utrecht/1990-jaarrekening",
        ),
        (
            "Utrecht",
            {"kleur": "rood"},
            "onbekende parameter 'kleur' voor notebook 00-demo; beschikbaar:",
            "GM0344-utrecht/2023-jaarrekening",
        ),
        (
            "Nergenshuizen",
            {},
            "gemeente 'Nergenshuizen'",
            "_fouten/nergenshuizen/2023-jaarrekening",
        ),
        (
            "Haaren",
            {},
            "bestaat niet meer; haar gebied ging naar",
            "_fouten/haaren/2023-jaarrekening",
        ),
        (
            "Utrecht",
            {"jaar": 2025},
            "geen jaarrekening over jaar 2025 in de gegevens",
            "GM0344-utrecht/2025-jaarrekening",
        ),
        (
            "Utrecht",
            {"titel": 3},
            "parameter titel 3 is ongeldig; verwacht: tekst",
            "GM0344-utrecht/2023-jaarrekening",
        ),
    ],
)
def test_bad_parameters_fail_at_the_top_of_the_notebook(
    tmp_path, data, gemeente, params, message, folder
):
    res = runner.run_report(gemeente, "00-demo", params, root=tmp_path)
    assert res.status == "failed" and res.error_kind == "parameter"
    assert message in res.message and "\n" not in res.message
    assert res.ipynb == tmp_path / folder / "00-demo.failed.ipynb"
    assert not (tmp_path / folder / "00-demo.html").exists()
    nb = nbformat.read(res.ipynb, as_version=4)
    # papermill's marker is the first cell; the first code cell after the parameters holds
    # the Dutch error box and a one-line error, and nothing after it ran
    assert "An Exception was encountered" in nb.cells[0].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    failing = next(c for c in code if c.outputs)
    kinds = [o.output_type for o in failing.outputs]
    assert kinds == ["display_data", "error"]
    assert "ongeldige parameter" in failing.outputs[0].data["text/html"]
    assert failing.outputs[1].traceback == [f"ParameterError: {failing.outputs[1].evalue}"]
    assert all(not c.outputs for c in code[code.index(failing) + 1 :])


def test_cli_report_prints_paths_and_bad_parameter_is_one_line(tmp_path, capsys, data):
    from analysekit.cli import main

    assert (
        main(["report", "Utrecht", "-n", "00-demo", "-p", "titel=Cli", "--reports", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    assert "Rapport gemaakt: Utrecht (gemeente) (GM0344)" in out
    assert "GM0344-utrecht/2023-jaarrekening/00-demo.html" in out
    assert "GM0344-utrecht/2023-jaarrekening/00-demo.ipynb" in out

    code = main(
        ["report", "Utrecht", "-n", "00-demo", "-p", "jaar=3000", "--reports", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "parameter jaar 3000 staat niet in de gegevens" in err
    # checked before any notebook runs (params.validate): no failed notebook left behind
    assert not list(tmp_path.rglob("*.failed.ipynb"))
    # the good report of before is left alone
    assert (tmp_path / "GM0344-utrecht" / "2023-jaarrekening" / "00-demo.html").is_file()


def test_up_to_date_report_is_skipped_and_changes_rerun(tmp_path, data):
    first = runner.run_report("Utrecht", "00-demo", {"titel": "a"}, root=tmp_path, fingerprint="f1")
    again = runner.run_report("Utrecht", "00-demo", {"titel": "a"}, root=tmp_path, fingerprint="f1")
    assert (first.status, again.status) == ("ok", "skipped")
    other_params = runner.run_report(
        "Utrecht", "00-demo", {"titel": "b"}, root=tmp_path, fingerprint="f1"
    )
    other_data = runner.run_report(
        "Utrecht", "00-demo", {"titel": "b"}, root=tmp_path, fingerprint="f2"
    )
    assert (other_params.status, other_data.status) == ("ok", "ok")
    assert (
        runner.run_report(
            "Utrecht", "00-demo", {"titel": "b"}, root=tmp_path, fingerprint="f2", force=True
        ).status
        == "ok"
    )


def test_interrupted_write_leaves_no_half_html(tmp_path, data, monkeypatch):
    def crash(nb):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "export_html", crash)
    with pytest.raises(KeyboardInterrupt):
        runner.run_report("Utrecht", "00-demo", {}, root=tmp_path, fingerprint="x")
    folder = tmp_path / "GM0344-utrecht" / "2023-jaarrekening"
    assert sorted(p.name for p in folder.iterdir()) == [
        "00-demo.ipynb"
    ]  # no html, no hash, no temp
    monkeypatch.undo()
    assert (
        runner.run_report("Utrecht", "00-demo", {}, root=tmp_path, fingerprint="x").status == "ok"
    )


def test_report_hash_covers_notebook_params_and_inputs(tmp_path):
    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    reg = tmp_path / "register.yaml"
    reg.write_text("a: 1\n")
    base = runner.report_hash(nb, {"gemeente": "GM0855", "register": str(reg)}, "fp")
    assert base == runner.report_hash(nb, {"register": str(reg), "gemeente": "GM0855"}, "fp")
    assert base != runner.report_hash(nb, {"gemeente": "GM0855", "register": str(reg)}, "fp2")
    reg.write_text("a: 2\n")
    assert base != runner.report_hash(nb, {"gemeente": "GM0855", "register": str(reg)}, "fp")


# --------------------------------------------------------------------------- real notebook


@pytest.mark.slow
def test_foto_report_real_path(tmp_path, data):
    """The main report notebook, end to end on real data, through the in-process engine."""
    res = runner.run_report("Tilburg", "foto-sociaal-domein", {}, root=tmp_path)
    assert res.status == "ok", res.message
    scraps = _scraps(res.ipynb)
    assert (scraps["gm_code"], scraps["naam"], scraps["provincie"]) == (
        "GM0855",
        "Tilburg",
        "Noord-Brabant",
    )
    p = P.notebook_parameters("foto-sociaal-domein")
    netto, inwoners, _ = _netto("GM0855", p["jaar"], p["verslagsoort"])
    # the headline the site colours its map by
    assert scraps["netto_sd_per_inwoner"] == pytest.approx(netto / inwoners, abs=0.01)
    html = res.html.read_text()
    assert html.count('src="data:image/png;base64,') >= 1 and not EXTERNAL.search(html)
    assert "Foto van het sociaal domein" in html and 'class="highlight' not in html
    # nbconvert's accessibility fix-ups (its HTMLExporter, kept by the sanitiser): every
    # output area can be reached by keyboard, every image has an alt text
    outputs = re.findall(r'<div class="[^"]*\bjp-OutputArea-output\b[^"]*"[^>]*>', html)
    assert len(outputs) >= 10 and all('tabindex="0"' in tag for tag in outputs)
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) >= 4 and all(re.search(r'\balt="[^"]{20,}"', tag) for tag in images)


@pytest.mark.slow
def test_papermill_kernel_engine_non_default_and_bad_parameters(tmp_path, data):
    """The same notebook through papermill's own kernel engine (a real Jupyter kernel)."""
    params = {"jaar": 2025, "verslagsoort": "begroting", "titel": "Kernel"}
    res = runner.run_report("Zwolle", "00-demo", params, root=tmp_path, engine="kernel")
    assert res.status == "ok", res.message
    netto, inwoners, _ = _netto("GM0193", 2025, "begroting")
    assert _scraps(res.ipynb)["netto_sd_per_inwoner"] == pytest.approx(netto / inwoners, abs=0.01)
    assert res.html.read_text().count('src="data:image/png;base64,') == 1

    bad = runner.run_report(
        "Zwolle", "00-demo", {"titel": 3, "onbekend": 1}, root=tmp_path, engine="kernel"
    )
    assert bad.status == "failed" and bad.error_kind == "parameter"
    assert bad.message.startswith("onbekende parameter 'onbekend' voor notebook 00-demo")
    nb = nbformat.read(bad.ipynb, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert [e.ename for e in errors] == ["NotebookParameterError"]
    assert len(errors[0].traceback) == 1  # one line, no stack


def test_rerunning_the_check_cell_interactively_is_not_an_unknown_parameter(data):
    """In JupyterLab (no injected cell) later variables must not count as parameters."""
    defaults = P.notebook_parameters("00-demo")
    ns = {**defaults, "In": ["", "gemeente = 1", "x = 2"], "DOMEINEN": ["Wmo"], "fig": object()}
    ns["gemeente"] = 1
    with pytest.raises(P.NotebookParameterError, match="parameter gemeente 1 is geen naam of code"):
        P.check(ns, "00-demo", resolve=P.resolve_gemeente, glue=False)
    ns["gemeente"] = "Tilburg"
    assert P.check(ns, "00-demo", years_available=lambda: [2023], glue=False).gm_code == "GM0855"
    # papermill's injected cell names the parameters that were passed
    ns["In"] = ["", '# Parameters\ngemeente = "Tilburg"\nkleur = 1\n', "x = 2"]
    ns["kleur"] = 1
    with pytest.raises(P.NotebookParameterError, match="onbekende parameter 'kleur'"):
        P.check(ns, "00-demo", years_available=lambda: [2023], glue=False)


def test_executed_notebook_metadata_is_json(tmp_path, data):
    res = runner.run_report("Utrecht", "00-demo", {}, root=tmp_path)
    meta = json.loads(res.ipynb.read_text())["metadata"]["analysekit"]
    assert meta["params"] == {"gemeente": "GM0344"} and meta["notebook"] == "00-demo"
    assert (meta["jaar"], meta["verslagsoort"]) == (2023, "jaarrekening")  # the default


def test_reports_of_other_years_do_not_overwrite_each_other(tmp_path, data):
    """Issue 9: Utrecht's begroting 2024 beside its jaarrekening 2023, both kept (real data)."""
    default = runner.run_report("Utrecht", "00-demo", {}, root=tmp_path)
    begroting = runner.run_report(
        "Utrecht", "00-demo", {"jaar": 2024, "verslagsoort": "begroting"}, root=tmp_path
    )
    assert (default.status, begroting.status) == ("ok", "ok")
    folder = tmp_path / "GM0344-utrecht"
    assert sorted(p.name for p in folder.iterdir()) == ["2023-jaarrekening", "2024-begroting"]
    assert default.html == folder / "2023-jaarrekening" / "00-demo.html"
    assert begroting.html == folder / "2024-begroting" / "00-demo.html"
    # each report holds its own figures, straight from the tables
    for res, jaar, soort in ((default, 2023, "jaarrekening"), (begroting, 2024, "begroting")):
        netto, _, _ = _netto("GM0344", jaar, soort)
        assert _scraps(res.ipynb)["netto_sd_eur"] == pytest.approx(netto, abs=0.01)
        meta = nbformat.read(res.ipynb, as_version=4).metadata
        assert (meta["analysekit"]["jaar"], meta["analysekit"]["verslagsoort"]) == (jaar, soort)
        assert meta["title"].endswith(f"{soort} {jaar}")
    # the default report is still up to date (not overwritten), and so is the other
    assert runner.run_report("Utrecht", "00-demo", {}, root=tmp_path).status == "skipped"
    again = runner.run_report(
        "Utrecht", "00-demo", {"jaar": 2024, "verslagsoort": "begroting"}, root=tmp_path
    )
    assert again.status == "skipped"
    assert runner.report_period("00-demo", {}) == (2023, "jaarrekening")
    assert runner.report_period("00-demo", {"verslagsoort": "begroting", "jaar": "2025"}) == (
        2025,
        "begroting",
    )


@pytest.mark.parametrize("first", ["analysekit.reporting.engine", "papermill"])
def test_engine_imports_first_without_a_cycle(first):
    """papermill loads its entry points while it is imported; engine may be imported first.

    Before the entry point moved to ``reporting/papermill_entry.py``, a process whose first
    import was ``analysekit.reporting.engine`` failed on a half-initialised module.
    """
    import subprocess
    import sys

    code = (
        f"import {first}\n"
        "import analysekit.reporting.engine as e\n"
        "from papermill.engines import papermill_engines\n"
        "engine = papermill_engines.get_engine('analysekit')\n"
        "assert issubclass(engine, __import__('papermill').engines.Engine), engine\n"
        "print(engine.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-600:]
    assert done.stdout.strip() == "analysekit.reporting.engine"


@pytest.mark.slow
def test_export_helper_makes_the_same_html_and_falls_back(tmp_path, data):
    """The single-report helper process returns exactly the HTML of export_html here."""
    from analysekit.reporting import export

    helper = export.ExportHelper.start()
    assert helper is not None
    try:
        res = runner.run_report("Ede", "foto-sociaal-domein", {}, root=tmp_path,
                                html_export=helper.export)
    finally:
        helper.close()
    assert res.status == "ok", res.message
    assert helper.process is None  # used once, then gone
    nb = nbformat.read(res.ipynb, as_version=4)
    assert res.html.read_text(encoding="utf-8") == export.export_html(nb)
    # a helper that died (or could not start) leaves the export to this process
    broken = export.ExportHelper.start()
    assert broken is not None
    broken.process.kill()
    broken.process.wait()
    assert broken.export(nb, nbformat.writes(nb)) == export.export_html(nb)
    # an unused helper is stopped
    idle = export.ExportHelper.start()
    assert idle is not None
    process = idle.process
    idle.close()
    assert process.poll() is not None and idle.process is None


def test_report_processes_collect_garbage_less_often():
    """pause_gc_for_startup/resume_gc: off while importing, then the report thresholds."""
    import gc

    from analysekit import reporting

    before, enabled = gc.get_threshold(), gc.isenabled()
    try:
        gc.enable()
        reporting.pause_gc_for_startup()
        assert not gc.isenabled()
        reporting.resume_gc()
        assert gc.isenabled() and gc.get_threshold() == reporting.REPORT_GC_THRESHOLDS
        reporting.resume_gc()  # a second call changes nothing
        assert gc.get_threshold() == reporting.REPORT_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
        (gc.enable if enabled else gc.disable)()


# --------------------------------------------------------------------------- nothing left open


def _one_line_and_nothing_left(out: dict) -> None:
    assert "ResourceWarning" not in out["stderr"], out["stderr"]
    assert out["left"] == [], out["left"]  # no helper, no defunct process


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="child subreaper: Linux")
def test_unknown_gemeente_is_one_line_and_leaves_nothing_open(data, tmp_path):
    """Issue 16 §5: no export helper starts before the parameters are checked."""
    out = run_reaped(cli("report", "Nergenshuizen", "--reports", str(tmp_path)),
                     warnings_as_errors_env())
    assert out["returncode"] == 2
    assert out["stdout"] == ""
    assert out["stderr"].splitlines() == [
        "analysekit: fout: onbekende gemeente 'Nergenshuizen'; bedoelde u: Enkhuizen (GM0388), "
        "Terneuzen (GM0715), Huizen (GM0406)?"]
    _one_line_and_nothing_left(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="child subreaper: Linux")
def test_a_report_made_and_then_up_to_date_leaves_nothing_open(data, tmp_path):
    """A real small report, then the same one again (up to date: no helper is needed)."""
    cmd = cli("report", "Vlieland", "--reports", str(tmp_path))
    made = run_reaped(cmd, warnings_as_errors_env())
    assert made["returncode"] == 0, made["stderr"]
    assert made["stdout"].startswith("Rapport gemaakt: Vlieland (GM0096)")
    assert made["stderr"] == ""
    _one_line_and_nothing_left(made)
    again = run_reaped(cmd, warnings_as_errors_env())
    assert again["returncode"] == 0, again["stderr"]
    assert again["stdout"].startswith("Ongewijzigd: Vlieland (GM0096)")
    assert again["stderr"] == ""
    _one_line_and_nothing_left(again)


@pytest.mark.parametrize(("setting", "blocked"), [(None, True), ("1", True), ("0", False)])
def test_optional_imports_are_skipped_unless_switched_off(setting, blocked):
    """ANALYSEKIT_SKIP_OPTIONAL_IMPORTS=0 is the public opt-out of the import block."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "ANALYSEKIT_SKIP_OPTIONAL_IMPORTS"}
    if setting is not None:
        env["ANALYSEKIT_SKIP_OPTIONAL_IMPORTS"] = setting
    code = ("import sys\nfrom analysekit.reporting import skip_slow_optional_imports\n"
            "skip_slow_optional_imports()\n"
            "print(all(n in sys.modules and sys.modules[n] is None for n in "
            "('rfc3987_syntax', 'isoduration', 'webcolors')), 'soupsieve' in sys.modules "
            "and sys.modules['soupsieve'] is None, 'mpl_toolkits.mplot3d' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    # jsonschema's format modules blocked (or not); soupsieve and mplot3d never touched
    assert out == [str(blocked), "False", "False"]


def test_cached_scrap_validation_still_refuses_a_bad_scrap_and_restores_scrapbook():
    """The same checks with one compiled validator; scrapbook's binding given back after."""
    import jsonschema
    import scrapbook.scraps as scraps_mod

    from analysekit.reporting import cached_scrap_validation

    with cached_scrap_validation():
        patched = scraps_mod.json_validate
        assert patched is not jsonschema.validate
        with cached_scrap_validation():  # nested: the same one
            assert scraps_mod.json_validate is patched
        payload = scraps_mod.scrap_to_payload(scraps_mod.Scrap("netto", 12.5, "json"))
        assert payload["name"] == "netto" and payload["data"] == 12.5
        with pytest.raises(jsonschema.ValidationError):
            scraps_mod.json_validate({"name": 3}, scraps_mod.scrap_schema(1))
    assert scraps_mod.json_validate is jsonschema.validate


def test_demo_on_a_year_without_baten_shows_lasten_bruto(tmp_path, data):
    """Jaarrekening 2024 has lasten per taakveld only (cbs-iv3-meerjarig): the demo shows
    lasten (bruto), says why, and glues no netto figures (never lasten − 0 as netto)."""
    res = runner.run_report("Utrecht", "00-demo", {"jaar": 2024}, root=tmp_path)
    assert res.status == "ok", res.message
    html = res.html.read_text(encoding="utf-8")
    assert "lasten (bruto) per inwoner" in html
    assert "geen baten per taakveld" in html
    nb = nbformat.read(res.ipynb, as_version=4)
    glued = {o.get("metadata", {}).get("scrapbook", {}).get("name")
             for c in nb.cells for o in c.get("outputs", [])}
    assert "inwoners" in glued and "netto_sd_per_inwoner" not in glued


def test_report_modules_do_not_import_geopandas():
    """geopandas/shapely (≈0.5 s of imports) are for building the crosswalk and the map, not
    for a report: the report context, its sections and the series they read leave them out."""
    import subprocess
    import sys

    code = ("import sys; import analysekit.reporting.context, analysekit.data.series; "
            "print('geopandas' in sys.modules, 'shapely' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


@pytest.mark.slow
def test_export_is_the_document_nbconvert_makes(tmp_path, data):
    """The report's HTML, rendered without nbconvert's BeautifulSoup pass and with its
    accessibility fix-ups made by the sanitiser, is the document nbconvert's own
    ``HTMLExporter.from_notebook_node`` gives (then sanitised): the same tags, attributes
    and text. It fails if a new nbconvert adds something else to that method."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from analysekit.reporting import export
    from analysekit.reporting.display import escape_markdown_outputs
    from analysekit.reporting.sanitize import sanitize_html

    res = runner.run_report("Ede", "foto-sociaal-domein", {}, root=tmp_path)
    assert res.status == "ok", res.message
    nb = nbformat.read(res.ipynb, as_version=4)
    # a figure without alt text and a markdown output, so every fix-up has work to do
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="}),
        nbformat.v4.new_output("display_data", {"text/markdown": "**vet** & <i>x</i>"}),
    ]))
    ours = export.export_html(nb)
    reference = HTMLExporter(
        extra_loaders=[DictLoader({"analysekit-report.html.j2": export.REPORT_TEMPLATE})],
        template_file="analysekit-report.html.j2", exclude_input=True,
        exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
        anchor_link_text="",
    )
    body, _ = reference.from_notebook_node(
        escape_markdown_outputs(export._without_scraps(nb)),
        resources={"metadata": {"name": "rapport"}},
    )
    theirs = sanitize_html(body)
    assert html_events(ours) == html_events(theirs)
    assert ours.count('tabindex="0"') >= 10 and 'alt="Figuur"' in ours
    assert "soupsieve" not in export.__doc__  # the export no longer needs it
