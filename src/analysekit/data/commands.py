"""CLI commands of the data layer: ``analysekit data fetch|build|summary`` (Dutch texts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from analysekit.errors import ParameterError
from analysekit.settings import DEFAULT_GEMEENTE

FETCH_MODES = ("auto", "live", "mirror")


def _rows(info: dict[str, Any]) -> str:
    from analysekit.nl import getal

    return ", ".join(f"{k} {getal(v)}" for k, v in info.get("rows", {}).items())


def build_message(info: dict[str, Any], *, forced: bool) -> str | None:
    """The one closing line of ``data build``, or None when build() already said it all.

    ``build()`` returns ``rebuilt`` (True when it wrote the tables). Without that key (an
    older build()), a forced build counts as rebuilt and otherwise nothing is claimed.
    """
    from analysekit.nl import getal

    rebuilt = info.get("rebuilt")
    if rebuilt is None:
        rebuilt = forced or None
    if rebuilt:
        seconds = info.get("seconds", {}).get("total")
        duur = f" in {getal(seconds, 1)} s" if seconds is not None else ""
        return f"Tabellen gebouwd{duur}: {_rows(info)}"
    return None  # build() has printed that the tables are up to date


def register(app: typer.Typer) -> None:
    """Attach the data commands to the ``analysekit data`` group."""

    @app.command("fetch")
    def fetch_cmd(
        mirror: Annotated[
            Path | None,
            typer.Option(
                help="Map van de offline mirror (standaard $ANALYSEKIT_MIRROR of ../shared/data)."
            ),
        ] = None,
        mode: Annotated[
            str,
            typer.Option(help="auto (live CBS als bereikbaar, anders de mirror), live of mirror."),
        ] = "auto",
        jaar: Annotated[
            list[int] | None, typer.Option(help="Boekjaren voor de live Iv3-download.")
        ] = None,
    ) -> None:
        """Ruwe data ophalen van CBS OData, of een snapshot van de offline mirror, in data/raw."""
        if mode not in FETCH_MODES:
            raise ParameterError(
                f"--mode {mode!r} bestaat niet; kies auto, live of mirror "
                "(bijv. analysekit data fetch --mode mirror)"
            )
        if mirror is not None and not mirror.is_dir():
            raise ParameterError(
                f"--mirror {mirror}: map bestaat niet; geef de map van de offline mirror "
                "(met README.md en de bronmappen), of laat --mirror weg"
            )
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
        force: Annotated[
            bool, typer.Option("--force", help="Opnieuw bouwen, ook als de tabellen actueel zijn.")
        ] = False,
    ) -> None:
        """De gevalideerde canonieke tabellen bouwen in data/processed."""
        from analysekit.data.build import build

        info = build(force=force, echo=typer.echo)
        message = build_message(info, forced=force)
        if message:
            typer.echo(message)

    @app.command("summary")
    def summary_cmd(
        gemeente: Annotated[
            str, typer.Argument(help="Gemeente: naam of GM-code, bijv. Tilburg of GM0855.")
        ] = DEFAULT_GEMEENTE,
        jaar: Annotated[
            int | None, typer.Option(help="Boekjaar (standaard: nieuwste jaarrekening).")
        ] = None,
    ) -> None:
        """Korte samenvatting van het sociaal domein van één gemeente."""
        from analysekit.data.summary import summary_text

        typer.echo(summary_text(gemeente, jaar))
