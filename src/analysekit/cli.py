"""Command line interface: ``analysekit data …``, ``report``, ``batch``, ``publish``, ``verken``.

The CLI speaks Dutch (help texts and messages; option names stay as they are), like the
reports it makes. Every error a user can cause is printed as one line on stderr,
``analysekit: fout: <wat er mis is en hoe het goed moet>``, without a traceback:

* exit 2: bad input (unknown option or gemeente, bad parameter, missing file, …);
* exit 3: a source could not be reached (see :class:`analysekit.errors.SourceUnavailable`);
* exit 130: interrupted (Ctrl-C); ``batch`` and ``report`` first say what finished and
  that running the same command again resumes.
"""

from __future__ import annotations

import os
import sys

import typer

from analysekit import cli_nl
from analysekit.errors import AnalysekitError
from analysekit.interrupt import EXIT_INTERRUPTED, Interrupted

# Report and batch processes fit many small models (the lever panel, its placebo); a BLAS
# thread pool per process only contends with the batch's workers and the other core. One
# thread unless the user set it (measured: the merger placebo 9,8 s with 1 thread against
# 16,7 s with 2 on this 2-core machine). Set before numpy is imported (none of the imports
# above imports it; tests/test_cli.py checks).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

PROG = "analysekit"

#: Exit code of bad user input.
EXIT_USAGE = 2

app = cli_nl.Typer(
    help="analysekit: het sociaal domein van gemeenten analyseren op echte CBS-data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = cli_nl.Typer(
    help="Ruwe data ophalen en de canonieke tabellen bouwen.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

_registered = False

_INTERRUPTED = (
    f"{PROG}: onderbroken (Ctrl-C) voordat er iets af was; "
    "voer hetzelfde commando opnieuw uit om het te doen"
)


def _usage_error_types() -> tuple[type[BaseException], ...]:
    """Usage-error base classes: typer's own (newer typer vendors click) and click's."""
    types: list[type[BaseException]] = []
    if isinstance(getattr(typer, "TyperException", None), type):
        types.append(typer.TyperException)
    try:
        import click
    except ImportError:
        pass
    else:
        types.append(click.ClickException)
    return tuple(types)


_USAGE_ERRORS = _usage_error_types()


def _register_commands() -> None:
    """Attach the command groups that live in their own modules (once)."""
    global _registered
    if _registered:
        return
    from analysekit.data import commands as data_commands
    from analysekit.reporting import commands as reporting_commands
    from analysekit.reporting import verkenner_serve

    data_commands.register(data_app)
    reporting_commands.register(app)
    verkenner_serve.register(app)
    _registered = True


def _fail(message: str) -> None:
    """Print one error line on stderr."""
    text = " ".join(str(message).split())
    typer.secho(f"{PROG}: fout: {text}", fg=typer.colors.RED, err=True)


def _usage_hint(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or PROG
    return f" (zie '{path} --help')"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 2 bad input, 3 source unavailable, 130 Ctrl-C).

    Args:
        argv: Arguments without the program name (default ``sys.argv[1:]``).
    """
    try:
        _register_commands()
        rv = app(args=argv, prog_name=PROG, standalone_mode=False)
    except AnalysekitError as exc:
        _fail(str(exc))
        return exc.exit_code
    except Interrupted as exc:  # Ctrl-C; the command says what finished
        typer.echo(f"{PROG}: {exc}", err=True)
        return EXIT_INTERRUPTED
    except _USAGE_ERRORS as exc:  # typer's usage errors: unknown option, bad value, …
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            return EXIT_USAGE
        _fail(cli_nl.usage_error(exc) + _usage_hint(exc))
        return EXIT_USAGE
    except (typer.Abort, KeyboardInterrupt):
        typer.echo(_INTERRUPTED, err=True)
        return EXIT_INTERRUPTED
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    # Non-standalone typer returns the command's return value, or the exit code of a
    # typer.Exit / Ctrl-C (130) raised inside the command: honour it.
    code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
    if code == EXIT_INTERRUPTED:  # a Ctrl-C that no command turned into Interrupted
        typer.echo(_INTERRUPTED, err=True)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
