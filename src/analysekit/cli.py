"""Command line interface: ``analysekit data …``, ``report``, ``batch``, ``publish``.

User errors (:class:`analysekit.errors.AnalysekitError`) are printed as one line on
stderr with a non-zero exit code and no traceback.
"""

from __future__ import annotations

import sys

import typer

from analysekit.errors import AnalysekitError

app = typer.Typer(
    help="analysekit: het sociaal domein van gemeenten analyseren op echte CBS-data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Fetch and build the canonical data tables.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _register_commands() -> None:
    """Attach the command groups that live in their own modules."""
    from analysekit.data import commands as data_commands

    data_commands.register(data_app)
    try:
        from analysekit.reporting import commands as reporting_commands
    except ImportError:  # reporting layer not installed yet
        return
    reporting_commands.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 3 source unavailable)."""
    _register_commands()
    try:
        app(args=argv, standalone_mode=False)
    except AnalysekitError as exc:
        typer.secho(f"analysekit: error: {exc}", fg=typer.colors.RED, err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("analysekit: aborted", err=True)
        return 130
    except SystemExit as exc:  # raised by typer/click for --help and usage errors
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
