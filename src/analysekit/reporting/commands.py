"""CLI commands of the reporting layer: ``analysekit report``, ``batch`` and ``publish``.

Options and report parameters are checked here, before a notebook starts, so a bad
value costs no notebook run and leaves nothing behind in ``reports/``. Ctrl-C stops a
command with exit code 130 and one line saying what finished; running the same command
again resumes (reports that are up to date are skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from analysekit.errors import ParameterError
from analysekit.interrupt import Interrupt, Interrupted
from analysekit.nl import getal

#: The notebook engines a user may choose (``nbclient`` is an alias of ``kernel``).
ENGINES = ("inprocess", "kernel")
_ENGINE_ALIASES = {"nbclient": "kernel"}
#: Where a batch runs its reports.
EXECUTORS = ("process", "serial", "dask")

NotebookOpt = Annotated[
    str,
    typer.Option(
        "--notebook",
        "-n",
        help="Notebook in notebooks/ (naam zonder .ipynb) of een pad.",
    ),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        help="Notebookparameter als naam=waarde (herhaalbaar), bijv. -p jaar=2024.",
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(
        help="inprocess (snel, geen kernelstart) of kernel (een Jupyter-kernel per rapport)."
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--reports", help="Map voor de rapporten (standaard reports/ of $ANALYSEKIT_REPORTS)."
    ),
]


def _show(path: Path | None) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    if path is None:
        return "-"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _prepare() -> None:
    """This process only runs reports: skip slow optional imports (see the engine)."""
    from analysekit.reporting import skip_slow_optional_imports

    skip_slow_optional_imports()


# --------------------------------------------------------------------------- checks


def check_engine(engine: str) -> str:
    """Return the engine name, or raise a one-line :class:`ParameterError`."""
    name = _ENGINE_ALIASES.get(engine, engine)
    if name not in ENGINES:
        raise ParameterError(
            f"--engine {engine!r} bestaat niet; kies inprocess (standaard) of kernel"
        )
    return name


def check_workers(workers: int | None) -> None:
    """Refuse a worker count below 1."""
    if workers is not None and workers < 1:
        raise ParameterError(
            f"--workers {workers} kan niet: geef 1 of meer werkprocessen "
            "(of laat --workers weg voor het aantal CPU's)"
        )


def check_executor(executor: str, scheduler: str | None) -> None:
    """Refuse an unknown executor, and a scheduler without ``--executor dask``."""
    if executor not in EXECUTORS:
        raise ParameterError(
            f"--executor {executor!r} bestaat niet; kies process (standaard), serial of dask"
        )
    if scheduler and executor != "dask":
        raise ParameterError("--scheduler werkt alleen met --executor dask")


def check_reports_dir(reports: Path | None) -> None:
    """Refuse a reports folder that is an existing file."""
    if reports is not None and reports.exists() and not reports.is_dir():
        raise ParameterError(f"--reports {reports} is een bestand; geef een map")


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """Parse ``-p naam=waarde`` pairs (values read as YAML scalars: ``2024`` → int).

    Raises:
        ParameterError: A pair that is not ``naam=waarde``, or ``gemeente`` given as ``-p``.
    """
    for pair in pairs:
        key, sep, _ = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ParameterError(
                f"-p {pair!r} is geen parameter; schrijf naam=waarde, bijv. -p jaar=2024"
            )
        if key.strip() == "gemeente":
            raise ParameterError(
                "geef de gemeente niet als -p gemeente=…, maar als eerste argument "
                "(analysekit report Tilburg) of met --gemeenten bij batch"
            )
    from analysekit.reporting.params import parse_cli_params

    return parse_cli_params(pairs)


def validate(notebook: str, params: dict[str, Any], gemeente: str | None = None) -> Any:
    """Validate notebook and parameters before anything runs (no notebook is executed).

    Uses :func:`analysekit.reporting.params.validate` (the same checks as the notebook's
    own): unknown parameter names, wrong types, years that are not in the data, missing
    register/goals files and an unknown gemeente are refused here with one line.

    Returns:
        The :class:`~analysekit.reporting.params.ReportParams` the notebook will build.
    """
    from analysekit.reporting import params as report_params

    return report_params.validate(notebook, params, gemeente=gemeente)


def _stop_interrupted(message: Callable[[], str]) -> None:
    """Stop with exit 130 and one line saying what finished (printed by the CLI)."""
    try:
        text = message()
    except Exception:  # noqa: BLE001 - the line must come out even if counting fails
        text = "onderbroken; voer hetzelfde commando opnieuw uit om verder te gaan"
    raise Interrupted(text)


# --------------------------------------------------------------------------- commands


def register(app: typer.Typer) -> None:
    """Attach ``report``, ``batch`` and ``publish`` to the main ``analysekit`` app."""

    @app.command("report")
    def report_cmd(
        gemeente: Annotated[
            str, typer.Argument(help="Gemeente: naam of GM-code, bijv. Tilburg of GM0855.")
        ],
        notebook: NotebookOpt = "foto-sociaal-domein",
        param: ParamOpt = None,
        engine: EngineOpt = "inprocess",
        reports: OutOpt = None,
        force: Annotated[
            bool, typer.Option("--force", help="Ook uitvoeren als het rapport actueel is.")
        ] = False,
    ) -> None:
        """Eén rapportnotebook uitvoeren voor een gemeente; schrijft .ipynb en losse .html."""
        engine = check_engine(engine)
        check_reports_dir(reports)
        params = parse_params(param or [])
        interrupt = Interrupt()
        result = None
        naam = gemeente
        with interrupt.watch():
            _prepare()
            from analysekit.reporting import pause_gc_for_startup, resume_gc

            pause_gc_for_startup()  # one report in this process; on again once imported
            try:
                info = validate(notebook, params, gemeente).gemeente
                naam = info.naam
                from analysekit.reporting.runner import run_report

                result = run_report(
                    info,
                    notebook,
                    params,
                    engine=engine,
                    root=reports,
                    force=force,
                    raise_on_error=True,
                    # the HTML export gets ready in a second process while this one runs
                    # the report; started only once the report will run, ended after it
                    export_helper=True,
                )
            finally:
                resume_gc()
        if interrupt.hit or result is None:
            _stop_interrupted(
                lambda: (
                    f"onderbroken: het rapport voor {naam} is niet (opnieuw) gemaakt; "
                    "eerder gemaakte rapporten blijven staan. Voer hetzelfde commando opnieuw "
                    "uit om het te maken."
                )
            )
        verb = "Ongewijzigd" if result.status == "skipped" else "Rapport gemaakt"
        typer.echo(f"{verb}: {result.naam} ({result.gm_code}) in {getal(result.seconds, 1)} s")
        typer.echo(f"  notebook: {_show(result.ipynb)}")
        typer.echo(f"  html:     {_show(result.html)}")

    @app.command("batch")
    def batch_cmd(
        all_: Annotated[
            bool, typer.Option("--all", help="Alle gemeenten van de nieuwste indeling.")
        ] = False,
        provincie: Annotated[
            str | None, typer.Option("--provincie", help="Alle gemeenten van één provincie.")
        ] = None,
        gemeenten: Annotated[
            str | None,
            typer.Option("--gemeenten", help="Namen of GM-codes, gescheiden door komma's."),
        ] = None,
        notebook: NotebookOpt = "foto-sociaal-domein",
        param: ParamOpt = None,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers", "-w", help="Aantal werkprocessen, 1 of meer (standaard: aantal CPU's)."
            ),
        ] = None,
        executor: Annotated[
            str,
            typer.Option(help="process (lokale werkprocessen), serial (dit proces) of dask."),
        ] = "process",
        scheduler: Annotated[
            str | None, typer.Option(help="Adres van de Dask-scheduler bij --executor dask.")
        ] = None,
        engine: EngineOpt = "inprocess",
        reports: OutOpt = None,
        force: Annotated[
            bool, typer.Option("--force", help="Ook actuele rapporten opnieuw maken.")
        ] = False,
        progress: Annotated[
            bool, typer.Option("--progress/--no-progress", help="Voortgangsbalk tonen.")
        ] = True,
    ) -> None:
        """Rapporten voor veel gemeenten parallel maken; hervatbaar; mislukte worden gemeld."""
        engine = check_engine(engine)
        check_workers(workers)
        check_executor(executor, scheduler)
        check_reports_dir(reports)
        if sum([all_, provincie is not None, gemeenten is not None]) != 1:
            raise ParameterError(
                "kies de gemeenten met precies één van --all, --provincie of --gemeenten"
            )
        names = [g.strip() for g in gemeenten.split(",") if g.strip()] if gemeenten else None
        if gemeenten is not None and not names:
            raise ParameterError("--gemeenten is leeg; geef namen of GM-codes, bijv. Tilburg,Breda")
        params = parse_params(param or [])
        interrupt = Interrupt()
        summary = None
        infos: list[Any] = []
        before: int | None = None
        root = Path(reports) if reports else None
        with interrupt.watch():
            _prepare()
            checked = validate(notebook, params)
            from analysekit.reporting.batch import run_batch, select_gemeenten
            from analysekit.reporting.runner import inputs_fingerprint, plan_report, reports_dir

            jaar = checked.indeling or params.get("jaar")
            infos, failures = select_gemeenten(
                all_=all_,
                provincie=provincie,
                gemeenten=names,
                jaar=jaar if isinstance(jaar, int) else None,
            )
            if failures:  # a typo in --gemeenten: refuse before any report runs
                raise ParameterError(f"--gemeenten: {failures[0].message}")
            root = root or reports_dir()
            fingerprint = inputs_fingerprint()

            def up_to_date() -> int:
                return sum(
                    plan_report(
                        i, notebook, params, root=root, fingerprint=fingerprint
                    ).up_to_date()
                    for i in infos
                )

            before = 0 if force else up_to_date()
            summary = run_batch(
                infos,
                notebook,
                params,
                workers=workers,
                executor=executor,
                scheduler=scheduler,
                engine=engine,
                root=reports,
                force=force,
                progress=progress,
            )
        if interrupt.hit or summary is None:

            def said() -> str:
                if before is None:
                    return (
                        "onderbroken voordat er een rapport gemaakt werd; "
                        "voer hetzelfde commando opnieuw uit om te beginnen"
                    )
                done = up_to_date()
                nieuw = max(0, done - before)
                again = (
                    "voer hetzelfde commando zonder --force opnieuw uit"
                    if force
                    else "voer hetzelfde commando opnieuw uit"
                )
                return (
                    f"onderbroken: {done} van {len(infos)} rapporten zijn klaar ({nieuw} in "
                    f"deze run); {again} om verder te gaan (klare rapporten worden overgeslagen)."
                )

            _stop_interrupted(said)

        from analysekit.reporting.batch import BatchFailed, format_failures

        median = summary.median_seconds()
        per_report = f" (mediaan {getal(median, 2)} s per rapport)" if median is not None else ""
        typer.echo(
            f"{summary.count('ok')} gemaakt, {summary.count('skipped')} ongewijzigd, "
            f"{summary.count('failed')} mislukt in {getal(summary.seconds, 1)} s{per_report} → "
            f"{_show(root)}"
        )
        if summary.failed:
            typer.echo("\nMislukt:", err=True)
            typer.echo(format_failures(summary.failed), err=True)
            raise BatchFailed(
                f"{len(summary.failed)} van {len(summary.results)} rapporten mislukt (zie boven); "
                "los de oorzaak op en voer hetzelfde commando opnieuw uit"
            )

    @app.command("publish")
    def publish_cmd(
        reports: OutOpt = None,
        site: Annotated[
            Path | None,
            typer.Option("--site", help="Uitvoermap (standaard site/ in het project)."),
        ] = None,
        notebook: NotebookOpt = "foto-sociaal-domein",
        kleur: Annotated[
            str | None,
            typer.Option("--kleur", help="Kerncijfer dat de kaart kleurt."),
        ] = None,
        kaart: Annotated[bool, typer.Option("--kaart/--geen-kaart", help="Kaart tekenen.")] = True,
        jaar: Annotated[
            int | None,
            typer.Option("--jaar", help="Jaar van de voorpagina (standaard: het laatste)."),
        ] = None,
        verslagsoort: Annotated[
            str | None,
            typer.Option(
                "--verslagsoort", help="jaarrekening (standaard) of begroting, voor de voorpagina."
            ),
        ] = None,
    ) -> None:
        """Statische site bouwen: per jaar en verslagsoort een tabel, een kaart en de rapporten."""
        from analysekit.vocab import VERSLAGSOORTEN

        if verslagsoort is not None and verslagsoort not in VERSLAGSOORTEN:
            raise ParameterError(
                f"--verslagsoort {verslagsoort!r} bestaat niet; kies {' of '.join(VERSLAGSOORTEN)}"
            )
        if reports is not None and not reports.is_dir():
            raise ParameterError(
                f"--reports {reports}: map bestaat niet; maak eerst rapporten "
                "(analysekit report/batch) of geef de juiste map"
            )
        _prepare()
        from analysekit.paths import project_root
        from analysekit.reporting.site import build_site

        out = site if site is not None else project_root() / "site"
        info = build_site(
            reports,
            out,
            notebook=notebook,
            color_by=kleur,
            with_map=kaart,
            jaar=jaar,
            verslagsoort=verslagsoort,
        )
        j, soort = info["period"]
        andere = len(info["pages"]) - 1
        typer.echo(
            f"Site gemaakt: {info['rows']} "
            f"{'gemeente' if info['rows'] == 1 else 'gemeenten'} over de {soort} {j}"
            + (
                f" (en {andere} andere {'pagina' if andere == 1 else 'pagina’s'} "
                "per jaar/verslagsoort)"
                if andere
                else ""
            )
            + f", {info['reports']} {'rapport' if info['reports'] == 1 else 'rapporten'} → "
            f"{_show(info['index'])}"
        )
