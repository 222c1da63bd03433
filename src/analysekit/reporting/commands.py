"""CLI commands of the reporting layer: ``analysekit report``, ``batch`` and ``publish``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

NotebookOpt = Annotated[
    str,
    typer.Option(
        "--notebook", "-n", help="Notebook in notebooks/ (name without .ipynb) or a path."
    ),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param", "-p", help="Notebook parameter as key=value (repeatable), e.g. -p jaar=2024."
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(help="inprocess (fast, no kernel start) or kernel (a Jupyter kernel per report)."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--reports", help="Reports folder (default reports/ or $ANALYSEKIT_REPORTS)."),
]


def _show(path: Path | None) -> str:
    from analysekit.reporting.runner import _rel

    return _rel(path) if path is not None else "-"


def _prepare() -> None:
    """This process only runs reports: skip slow optional imports (see the engine)."""
    from analysekit.reporting import skip_slow_optional_imports

    skip_slow_optional_imports()


def register(app: typer.Typer) -> None:
    """Attach ``report``, ``batch`` and ``publish`` to the main ``analysekit`` app."""

    @app.command("report")
    def report_cmd(
        gemeente: Annotated[str, typer.Argument(help="Gemeente: name or GM code, e.g. Tilburg.")],
        notebook: NotebookOpt = "foto-sociaal-domein",
        param: ParamOpt = None,
        engine: EngineOpt = "inprocess",
        reports: OutOpt = None,
        force: Annotated[bool, typer.Option("--force", help="Run even if up to date.")] = False,
    ) -> None:
        """Execute one report notebook for a gemeente; write .ipynb and standalone .html."""
        _prepare()
        from analysekit.reporting.params import parse_cli_params
        from analysekit.reporting.runner import run_report

        result = run_report(
            gemeente,
            notebook,
            parse_cli_params(param or []),
            engine=engine,
            root=reports,
            force=force,
            raise_on_error=True,
        )
        verb = "Ongewijzigd" if result.status == "skipped" else "Rapport gemaakt"
        typer.echo(f"{verb}: {result.naam} ({result.gm_code}) in {result.seconds:.1f} s")
        typer.echo(f"  notebook: {_show(result.ipynb)}")
        typer.echo(f"  html:     {_show(result.html)}")

    @app.command("batch")
    def batch_cmd(
        all_: Annotated[
            bool, typer.Option("--all", help="All gemeenten of the newest indeling.")
        ] = False,
        provincie: Annotated[
            str | None, typer.Option("--provincie", help="All gemeenten of one provincie.")
        ] = None,
        gemeenten: Annotated[
            str | None, typer.Option("--gemeenten", help="Comma-separated names or GM codes.")
        ] = None,
        notebook: NotebookOpt = "foto-sociaal-domein",
        param: ParamOpt = None,
        workers: Annotated[
            int | None,
            typer.Option("--workers", "-w", help="Worker processes (default: CPU count)."),
        ] = None,
        executor: Annotated[
            str, typer.Option(help="process (local workers), serial (this process) or dask.")
        ] = "process",
        scheduler: Annotated[
            str | None, typer.Option(help="Dask scheduler address for --executor dask.")
        ] = None,
        engine: EngineOpt = "inprocess",
        reports: OutOpt = None,
        force: Annotated[
            bool, typer.Option("--force", help="Rerun reports that are up to date.")
        ] = False,
        progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    ) -> None:
        """Run a report for many gemeenten in parallel; resumable; failures are listed."""
        _prepare()
        from analysekit.reporting.batch import (
            BatchFailed,
            format_failures,
            run_batch,
            select_gemeenten,
        )
        from analysekit.reporting.params import parse_cli_params

        params = parse_cli_params(param or [])
        names = [g.strip() for g in gemeenten.split(",") if g.strip()] if gemeenten else None
        jaar = params.get("indeling") or params.get("jaar")
        infos, failures = select_gemeenten(
            all_=all_,
            provincie=provincie,
            gemeenten=names,
            jaar=jaar if isinstance(jaar, int) else None,
        )
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
            failures=failures,
        )
        from analysekit.reporting.runner import reports_dir

        median = summary.median_seconds()
        per_report = f" (mediaan {median:.2f} s per rapport)" if median is not None else ""
        typer.echo(
            f"{summary.count('ok')} gemaakt, {summary.count('skipped')} ongewijzigd, "
            f"{summary.count('failed')} mislukt in {summary.seconds:.1f} s{per_report} → "
            f"{_show(Path(reports) if reports else reports_dir())}"
        )
        if summary.failed:
            typer.echo("\nMislukt:", err=True)
            typer.echo(format_failures(summary.failed), err=True)
            raise BatchFailed(f"{len(summary.failed)} of {len(summary.results)} reports failed")

    @app.command("publish")
    def publish_cmd(
        reports: OutOpt = None,
        site: Annotated[
            Path | None,
            typer.Option("--site", help="Output folder (default site/ in the project)."),
        ] = None,
        notebook: NotebookOpt = "foto-sociaal-domein",
        kleur: Annotated[
            str | None, typer.Option("--kleur", help="Headline figure that colours the map.")
        ] = None,
        kaart: Annotated[bool, typer.Option("--kaart/--geen-kaart", help="Draw the map.")] = True,
    ) -> None:
        """Build a static site: index with sortable table, map and links to every report."""
        _prepare()
        from analysekit.paths import project_root
        from analysekit.reporting.site import build_site

        out = site if site is not None else project_root() / "site"
        info = build_site(reports, out, notebook=notebook, color_by=kleur, with_map=kaart)
        typer.echo(
            f"Site gemaakt: {info['rows']} gemeenten, {info['reports']} rapporten → "
            f"{_show(info['index'])}"
        )
