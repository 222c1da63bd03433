"""The CLI: Dutch help, exit codes, and a corpus of bad input on the real mirror data.

Every bad input must give exactly one line on stderr (``analysekit: fout: …``) that names
what is wrong and how to fix it, exit code 2, no traceback, no notebook run and nothing
left behind in the reports folder (no ``reports/_fouten/…``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from analysekit import cli

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- in-process


def test_main_honours_the_commands_exit_code(monkeypatch, capsys):
    """Non-standalone typer returns the code of typer.Exit / Ctrl-C; main must pass it on."""
    demo = typer.Typer()

    @demo.command()
    def stop(code: int) -> None:
        raise typer.Exit(code)

    @demo.command()
    def ctrl_c() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app", demo)
    monkeypatch.setattr(cli, "_registered", True)
    assert cli.main(["stop", "130"]) == 130
    assert cli.main(["stop", "0"]) == 0
    assert cli.main(["ctrl-c"]) == 130  # typer turns a KeyboardInterrupt into Exit(130)
    assert "Traceback" not in capsys.readouterr().err


def test_help_is_dutch(capsys):
    assert cli.main(["batch", "--help"]) == 0
    out = capsys.readouterr().out
    for word in ("Gebruik:", "Opties", "Toon deze hulp en stop.", "Aantal werkprocessen"):
        assert word in out, word
    for word in ("Usage:", "Options", "Show this message", "[default:"):
        assert word not in out, word
    assert cli.main(["data", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Commando's" in out and "Ruwe data ophalen" in out


def test_no_arguments_shows_help(capsys):
    assert cli.main([]) == 2
    assert "Commando's" in capsys.readouterr().out


def test_the_dutch_catalogue_file_matches_the_catalogue():
    """The committed .mo file is built from cli_nl.CATALOGUE (regenerate it with
    ``python -m analysekit.cli_nl``) and the standard gettext reads every entry."""
    import gettext

    from analysekit import cli_nl

    assert cli_nl.MO_FILE.read_bytes() == cli_nl.mo_bytes(cli_nl.CATALOGUE)
    nl = gettext.translation(cli_nl.DOMAIN, str(cli_nl.LOCALE_DIR), languages=["nl"])
    assert {k: nl.gettext(k) for k in cli_nl.CATALOGUE} == cli_nl.CATALOGUE
    assert nl.gettext("Options") == "Opties" and nl.gettext("unknown id") == "unknown id"


def test_the_dutch_words_stay_inside_the_cli(monkeypatch, capsys):
    """Only analysekit's help screens are Dutch: the gettext domain and LANGUAGE are put
    back, and another typer app in the same process (a user's notebook) keeps its words."""
    import gettext

    monkeypatch.setenv("LANGUAGE", "en")
    domain = gettext.textdomain()
    assert cli.main(["report", "--help"]) == 0
    assert "Opties" in capsys.readouterr().out
    assert gettext.textdomain() == domain and os.environ["LANGUAGE"] == "en"
    assert gettext.gettext("Options") == "Options"

    other = typer.Typer(rich_markup_mode=None)  # plain help: typer's words at call time

    @other.command()
    def hello(name: str = "x") -> None:
        """Say hello (synthetic app)."""

    result = other(["--help"], prog_name="other", standalone_mode=False)
    out = capsys.readouterr().out
    assert result == 0 or result is None
    assert "Usage: other" in out and "Options" in out and "Show this message" in out, out
    assert "Gebruik" not in out and "Opties" not in out


@pytest.mark.parametrize("rich", ["1", "0"], ids=["rich", "plain"])
@pytest.mark.parametrize("argv", [["--help"], ["report", "--help"]], ids=["app", "report"])
def test_help_screens_are_dutch_in_a_fresh_process(argv, rich):
    """``analysekit --help`` and ``analysekit report --help``, whatever the user's language."""
    env = {**os.environ, "NO_COLOR": "1", "TYPER_USE_RICH": rich, "COLUMNS": "100",
           "LANGUAGE": "en", "LANG": "en_US.UTF-8"}
    proc = subprocess.run([sys.executable, "-m", "analysekit.cli", *argv], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    for word in ("Gebruik:", "Opties", "Toon deze hulp en stop."):
        assert word in proc.stdout, (word, proc.stdout)
    for word in ("Usage:", "Options", "Show this message"):
        assert word not in proc.stdout, (word, proc.stdout)
    assert proc.stderr == ""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "Tilburg", "--bogus"], "onbekende optie --bogus"),
        (["report"], "argument 'gemeente' ontbreekt"),
        (["batch", "--all", "--workers", "veel"], "ongeldige waarde 'veel'"),
        (["repot", "Tilburg"], "onbekend commando 'repot'; bedoelt u 'report'?"),
        (["report", "Tilburg", "extra"], "onverwacht extra argument (extra)"),
        (["report", "Tilburg", "-p"], "optie -p heeft een waarde nodig"),
    ],
)
def test_usage_errors_are_one_dutch_line(argv, expected, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("analysekit: fout: ") and expected in lines[0]
    assert "zie 'analysekit" in lines[0]  # how to get help


def test_options_are_refused_before_any_work(monkeypatch, tmp_path, capsys):
    """--workers 0 and --engine turbo fail in the CLI: the batch is never started."""
    import analysekit.reporting.batch as batch

    def boom(*args, **kwargs):
        raise AssertionError("run_batch must not be called")

    monkeypatch.setattr(batch, "run_batch", boom)
    for argv, word in [
        (["--workers", "0"], "--workers 0"),
        (["--workers", "-1"], "--workers -1"),
        (["--engine", "turbo"], "--engine 'turbo'"),
        (["--executor", "cluster"], "--executor 'cluster'"),
        (["--scheduler", "tcp://x:8786"], "--scheduler"),
    ]:
        code = cli.main(["batch", "--gemeenten", "Tilburg", "--reports", str(tmp_path), *argv])
        assert code == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and word in err, err
    assert list(tmp_path.iterdir()) == []


def test_build_message_is_truthful():
    from analysekit.data.commands import build_message

    info = {"rows": {"iv3": 92613}, "seconds": {"total": 3.46}}
    assert build_message({**info, "rebuilt": False}, forced=False) is None
    assert build_message({**info, "rebuilt": True}, forced=False) == (
        "Tabellen gebouwd in 3,5 s: iv3 92.613"
    )
    assert build_message(info, forced=True).startswith("Tabellen gebouwd")
    assert build_message(info, forced=False) is None  # unknown: claim nothing


# --------------------------------------------------------------------------- subprocess


def run_cli(*args: str, reports: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSEKIT_REPORTS": str(reports), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "analysekit.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=reports.parent,
    )


#: (arguments, a word the one line must contain: what was wrong or how to fix it)
CORPUS = [
    pytest.param(["report", "Nergenshuizen"], "Nergenshuizen", id="unknown-gemeente"),
    pytest.param(["batch", "--gemeenten", "Tilbrug"], "Tilburg", id="batch-gemeente-typo"),
    pytest.param(["report", "Tilburg", "-p", "jaar"], "naam=waarde", id="p-without-value"),
    pytest.param(["report", "Tilburg", "-p", "=2024"], "naam=waarde", id="p-without-name"),
    pytest.param(["report", "Tilburg", "-p", "foo=1"], "foo", id="unknown-parameter"),
    pytest.param(["report", "Tilburg", "-p", "jaar=1990"], "2023", id="jaar-not-in-data"),
    pytest.param(["report", "Tilburg", "-p", "jaar=twintig"], "twintig", id="jaar-not-a-number"),
    pytest.param(["report", "Tilburg", "-p", "n_peers=0"], "n_peers", id="n-peers-zero"),
    pytest.param(
        ["report", "Tilburg", "-p", "verslagsoort=kasboek"], "jaarrekening", id="verslagsoort"
    ),
    pytest.param(["report", "Tilburg", "-p", "gemeente=Breda"], "eerste argument", id="p-gemeente"),
    pytest.param(
        ["report", "Tilburg", "-n", "04-scenario", "-p", "register=/nergens/register.yaml"],
        "/nergens/register.yaml",
        id="missing-register-file",
    ),
    pytest.param(["report", "Tilburg", "-n", "bestaat-niet"], "foto-sociaal-domein", id="notebook"),
    pytest.param(["report", "Tilburg", "--engine", "turbo"], "kernel", id="engine-turbo"),
    pytest.param(["batch", "--gemeenten", "Tilburg", "-w", "0"], "1 of meer", id="workers-0"),
    pytest.param(
        ["batch", "--gemeenten", "Tilburg", "--workers", "-1"], "1 of meer", id="workers-negative"
    ),
    pytest.param(["batch", "--all", "-w", "veel"], "geheel getal", id="workers-nan"),
    pytest.param(["batch", "--gemeenten", "Tilburg", "--engine", "turbo"], "kernel", id="b-engine"),
    pytest.param(["batch", "--gemeenten", ","], "leeg", id="gemeenten-empty"),
    pytest.param(["batch"], "--gemeenten", id="batch-nothing-chosen"),
    pytest.param(["batch", "--all", "--gemeenten", "Tilburg"], "precies één", id="batch-two"),
    pytest.param(["batch", "--all", "-p", "foo=1"], "foo", id="batch-unknown-parameter"),
    pytest.param(["data", "fetch", "--mode", "x"], "mirror", id="fetch-mode"),
    pytest.param(["data", "fetch", "--mirror", "/nergens/data"], "/nergens/data", id="mirror"),
    pytest.param(["data", "summary", "Tilburg", "--jaar", "1990"], "2023", id="summary-jaar"),
    pytest.param(["data", "summary", "Nergenshuizen"], "Nergenshuizen", id="summary-gemeente"),
    pytest.param(["data", "summary", "Haaren"], "Vught", id="summary-dissolved-gemeente"),
    pytest.param(["publish", "--reports", "/nergens/rapporten"], "/nergens", id="publish-reports"),
    pytest.param(["rapport", "Tilburg"], "report", id="unknown-command"),
    pytest.param(["report", "Tilburg", "--jaar", "2024"], "--jaar", id="unknown-option"),
]


@pytest.mark.parametrize(("argv", "expected"), CORPUS)
def test_bad_input_corpus(argv, expected, tmp_path, built):
    reports = tmp_path / "rapporten"
    proc = run_cli(*argv, reports=reports)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("analysekit: fout: "), lines[0]
    assert expected in lines[0], lines[0]
    # refused before a notebook ran: nothing written, in particular no reports/_fouten/…
    assert not reports.exists() or not any(reports.rglob("*")), list(reports.rglob("*"))


def test_dissolved_gemeente_is_one_line(tmp_path, built):
    """A gemeente that no longer exists (Haaren, 2021) names its successors, no traceback."""
    proc = run_cli("report", "Haaren", reports=tmp_path / "rapporten")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Haaren" in proc.stderr


def test_engine_turbo_refused_when_report_is_up_to_date(tmp_path, built):
    reports = tmp_path / "rapporten"
    first = run_cli("report", "Vlissingen", "-n", "00-demo", reports=reports)
    assert first.returncode == 0, first.stderr
    again = run_cli("report", "Vlissingen", "-n", "00-demo", reports=reports)
    assert again.returncode == 0 and again.stdout.startswith("Ongewijzigd")
    turbo = run_cli("report", "Vlissingen", "-n", "00-demo", "--engine", "turbo", reports=reports)
    assert turbo.returncode == 2 and "--engine 'turbo'" in turbo.stderr
    assert "Ongewijzigd" not in turbo.stdout


def test_cli_sets_one_blas_thread_before_numpy_loads():
    """The CLI sets OPENBLAS/OMP/MKL_NUM_THREADS=1 (unless the user set them) before numpy is
    imported, so report and batch processes do not contend with their own BLAS threads."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    code = ("import sys, os; import analysekit.cli; "
            "print('numpy' in sys.modules, os.environ['OPENBLAS_NUM_THREADS'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "1"]
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "2"]
