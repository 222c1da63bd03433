"""CLI commands of the data layer: ``analysekit data fetch|build|summary``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach the data commands to the ``analysekit data`` group."""

    @app.command("fetch")
    def fetch_cmd(
        mirror: Annotated[
            Path | None,
            typer.Option(
                help="Offline mirror folder (default $ANALYSEKIT_MIRROR or ../shared/data)."
            ),
        ] = None,
        mode: Annotated[
            str, typer.Option(help="auto (live, else mirror), live or mirror.")
        ] = "auto",
        jaar: Annotated[
            list[int] | None, typer.Option(help="Boekjaren for the live Iv3 download.")
        ] = None,
    ) -> None:
        """Fetch raw data from CBS OData, or snapshot the offline mirror, into data/raw."""
        from analysekit.data.fetch import fetch

        if mirror is not None and mode == "auto":
            mode = "mirror"
        summary = fetch(mode, mirror=mirror, jaren=jaar)
        typer.echo(
            f"Ruwe data ({summary['mode']}): {summary['files']} bestanden, "
            f"{summary['new_or_changed']} nieuw of gewijzigd → {summary['raw_dir']}"
        )

    @app.command("build")
    def build_cmd(
        force: Annotated[bool, typer.Option("--force", help="Rebuild even if up to date.")] = False,
    ) -> None:
        """Build the validated canonical tables in data/processed."""
        from analysekit.data.build import build

        info = build(force=force, echo=typer.echo)
        rows = ", ".join(f"{k} {v:,}".replace(",", ".") for k, v in info["rows"].items())
        typer.echo(f"Tabellen gebouwd in {info['seconds']['total']:.1f} s: {rows}")

    @app.command("summary")
    def summary_cmd(
        gemeente: Annotated[str, typer.Argument(help="Gemeente (name or GM code).")] = "Tilburg",
        jaar: Annotated[
            int | None, typer.Option(help="Boekjaar (default: newest jaarrekening).")
        ] = None,
    ) -> None:
        """Print a short summary of one gemeente's sociaal domein."""
        from analysekit.data.summary import summary_text

        typer.echo(summary_text(gemeente, jaar))
