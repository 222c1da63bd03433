"""Dutch for the words that typer prints around the CLI: help screens and usage errors.

The CLI speaks Dutch, like the reports (README, "Taal van de CLI"). Our own help texts
and messages are written in Dutch. typer adds fixed English words of its own; this module
makes them Dutch through public APIs only:

* typer's help words ("Options", "[default: …]", "Commands") go through the standard
  library's :mod:`gettext`. :func:`dutch` selects the Dutch catalogue
  (``locale/nl/LC_MESSAGES/analysekit.mo``, built from :data:`CATALOGUE` by
  :func:`mo_bytes`) while a help screen is formatted, and nowhere else: no process-wide
  language setting, nothing in a user's Jupyter session, nothing in subprocesses.
* The usage line ("Usage: ") and the help option ("Show this message and exit.") are
  fixed in typer's click; :class:`Command` and :class:`Group` (subclasses of typer's
  public ``TyperCommand``/``TyperGroup``) override the public ``format_usage`` and
  ``get_help_option``. :class:`Typer` makes every command and group of the app use them.
* Usage errors ("No such option", "Missing argument", pydantic's "Input should be a valid
  integer"): :func:`usage_error` writes the one Dutch line from the exception's fields.

A string this module does not know stays as typer wrote it (English), so a new typer
version can leave a word untranslated but cannot break the CLI; ``tests/test_cli.py``
checks the common cases and that the ``.mo`` file matches :data:`CATALOGUE`.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

#: The gettext text domain of the catalogue, and where its ``.mo`` files live.
DOMAIN = "analysekit"
LOCALE_DIR = Path(__file__).with_name("locale")
MO_FILE = LOCALE_DIR / "nl" / "LC_MESSAGES" / f"{DOMAIN}.mo"

#: typer message id → Dutch (help screens). Placeholders keep their names.
CATALOGUE: dict[str, str] = {
    "Options": "Opties",
    "Arguments": "Argumenten",
    "Commands": "Commando's",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "[default: {}]": "[standaard: {}]",
    "[env var: {}]": "[omgevingsvariabele: {}]",
    "[required]": "[verplicht]",
    "required": "verplicht",
    "(deprecated) ": "(verouderd) ",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(dynamisch)",
    "Error": "Fout",
    "Aborted.": "Afgebroken.",
    "Aborted!": "Afgebroken.",
    "Missing command.": "Geef een commando.",
    "No such command {name!r}.": "onbekend commando {name!r}",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Zie [blue]'{command_path} {help_option}'[/] voor hulp."
    ),
}

#: The prefix of the usage line (click writes "Usage: ").
USAGE = "Gebruik: "

#: pydantic error types (typer converts option values with pydantic) → what was expected.
_EXPECTED = {
    "int_parsing": "een geheel getal",
    "int_from_float": "een geheel getal",
    "int_type": "een geheel getal",
    "float_parsing": "een getal",
    "float_type": "een getal",
    "bool_parsing": "ja of nee (true/false)",
    "bool_type": "ja of nee (true/false)",
    "literal_error": "een van de toegestane waarden",
    "enum": "een van de toegestane waarden",
}


def translate(message: str) -> str:
    """Return the Dutch text for a typer message id (the id itself if unknown)."""
    return CATALOGUE.get(message, message)


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """A GNU gettext ``.mo`` file (UTF-8, sorted, no hash table) for ``catalogue``."""
    entries = {b"": b"Content-Type: text/plain; charset=UTF-8\n"}
    entries.update((k.encode(), v.encode()) for k, v in catalogue.items())
    keys = sorted(entries)
    start = 7 * 4 + 2 * 8 * len(keys)  # header, then the two tables of (length, offset)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(entries[k] + b"\0" for k in keys)
    table: list[int] = []
    offset = start
    for k in keys:
        table += [len(k), offset]
        offset += len(k) + 1
    for k in keys:
        table += [len(entries[k]), offset]
        offset += len(entries[k]) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, start)
    return header + struct.pack(f"<{len(table)}I", *table) + ids + strs


@contextlib.contextmanager
def dutch() -> Iterator[None]:
    """Within: the standard :func:`gettext.gettext` (which typer calls) answers in Dutch.

    Selects the text domain :data:`DOMAIN` and the language (``LANGUAGE=nl``) and puts
    both back on exit. typer's rich help computes its panel titles once, when it is
    first imported, which is during the first help screen of the process.
    """
    domain = gettext.textdomain()
    language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "nl"
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language


class DutchHelp:
    """Dutch help screens for a typer command or group (a mix-in, listed first)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """The usage line, "Gebruik: analysekit report [OPTIONS] {gemeente}"."""
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE)

    def get_help_option(self, ctx: Any) -> Any:
        """The ``--help`` option, with its help text in Dutch."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = translate("Show this message and exit.")
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help screen, with typer's own words in Dutch (:func:`dutch`)."""
        with dutch():
            super().format_help(ctx, formatter)  # type: ignore[misc]


class Command(DutchHelp, TyperCommand):
    """A typer command with a Dutch help screen."""


class Group(DutchHelp, TyperGroup):
    """A typer group with a Dutch help screen."""


class Typer(typer.Typer):
    """``typer.Typer`` whose group and commands have Dutch help screens."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(cls=cls or Group, **kwargs)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Any:
        """Register a command (as :class:`Command` unless ``cls`` is given)."""
        return super().command(name, cls=cls or Command, **kwargs)


def _hint(exc: Any) -> str:
    """The option or argument an exception is about, e.g. ``--workers`` or ``GEMEENTE``."""
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, list | tuple):
        hint = " / ".join(str(h) for h in hint)
    if hint:
        return str(hint)
    param = getattr(exc, "param", None)
    if param is not None:
        with contextlib.suppress(Exception):
            return str(param.get_error_hint())
        return str(getattr(param, "name", "") or "")
    return ""


def usage_error(exc: Exception) -> str:
    """One Dutch line for a typer/click usage error (unknown option, bad value, …)."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", "") or exc)
    if kind == "NoSuchOption":
        line = f"onbekende optie {getattr(exc, 'option_name', '')}"
        options = getattr(exc, "possibilities", None)
        if options:
            line += f"; bedoelt u {' of '.join(sorted(options))}?"
        return line
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        what = "argument" if getattr(param, "param_type_name", "") == "argument" else "optie"
        return f"{what} {_hint(exc)} ontbreekt".replace("  ", " ")
    if kind == "BadOptionUsage":
        name = getattr(exc, "option_name", "")
        if "does not take a value" in message:
            return f"optie {name} neemt geen waarde"
        return f"optie {name} heeft een waarde nodig"
    if kind == "BadParameter":
        cause = exc.__cause__
        errors: list[dict[str, Any]] = []
        with contextlib.suppress(Exception):
            errors = list(cause.errors())  # type: ignore[union-attr]
        if errors:
            expected = _EXPECTED.get(str(errors[0].get("type")))
            value = errors[0].get("input")
            if expected:
                return f"ongeldige waarde {value!r} voor {_hint(exc)}; verwacht {expected}"
        return f"ongeldige waarde voor {_hint(exc)}: {message}"
    if message.startswith("Got unexpected extra argument"):
        extra = message.rpartition("(")[2].rstrip(")")
        return f"onverwacht extra argument ({extra})"
    head, sep, rest = message.partition(". Did you mean ")  # typer's command suggestion
    hint = f"; bedoelt u {rest.rstrip('?')}?" if sep else ""
    if head.startswith("No such command"):
        return "onbekend commando " + head.split(" ", 3)[-1].rstrip(".") + hint
    return translate(head) + hint


if __name__ == "__main__":  # regenerate the .mo file after a change to CATALOGUE
    from analysekit.io import write_bytes

    write_bytes(MO_FILE, mo_bytes(CATALOGUE))
