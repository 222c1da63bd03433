"""Dutch for the words that typer prints around the CLI: help screens and usage errors.

The CLI speaks Dutch, like the reports (README, "Taal van de CLI"). Our own help texts
and messages are written in Dutch. typer adds fixed English words of its own:

* help screens ("Options", "[default: …]", "Show this message and exit."): :func:`install`
  replaces typer's gettext hook and its help constants with :data:`CATALOGUE`;
* usage errors ("No such option", "Missing argument", pydantic's "Input should be a valid
  integer"): :func:`usage_error` writes the one Dutch line from the exception's fields.

A string this module does not know stays as typer wrote it (English), so a new typer
version can leave a word untranslated but cannot break the CLI; ``tests/test_cli.py``
checks the common cases.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import sys
from typing import Any

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

#: Constants that typer's rich help computes once, at import, from gettext.
_RICH_CONSTANTS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)

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


def gettext(message: str) -> str:
    """Return the Dutch text for a typer message id (the id itself if unknown)."""
    return CATALOGUE.get(message, message)


def install() -> None:
    """Make typer's help screens Dutch (idempotent; unknown typer internals are skipped).

    ``typer.rich_utils`` (with rich, about 0.07 s to import) is only imported by typer for
    a help screen or an error box; it is patched when that happens (:func:`_patch_rich`),
    so a command that runs without either never imports it.
    """
    with contextlib.suppress(ImportError):
        module = importlib.import_module("typer.core")
        if hasattr(module, "_"):
            module._ = gettext
    if "typer.rich_utils" in sys.modules:
        _patch_rich(sys.modules["typer.rich_utils"])
    elif not any(isinstance(f, _RichPatcher) for f in sys.meta_path):
        sys.meta_path.insert(0, _RichPatcher())
    with contextlib.suppress(ImportError):
        decorators = importlib.import_module("typer._click.decorators")
        original = getattr(decorators, "help_option", None)
        if original is not None and not getattr(original, "_analysekit_nl", False):

            def help_option(param_decls: list[str]) -> Any:
                apply = original(param_decls)

                def dutch(cmd: Any) -> Any:
                    cmd = apply(cmd)
                    params = getattr(cmd, "params", None)
                    if params and getattr(params[-1], "help", None):
                        params[-1].help = gettext(params[-1].help)
                    return cmd

                return dutch

            help_option._analysekit_nl = True  # type: ignore[attr-defined]
            decorators.help_option = help_option
    with contextlib.suppress(ImportError):
        formatter = importlib.import_module("typer._click.formatting").HelpFormatter
        write_usage = formatter.write_usage
        if not getattr(write_usage, "_analysekit_nl", False):

            def dutch_usage(
                self: Any, prog: str, args: str = "", prefix: str | None = None
            ) -> None:
                write_usage(self, prog, args, "Gebruik: " if prefix is None else prefix)

            dutch_usage._analysekit_nl = True  # type: ignore[attr-defined]
            formatter.write_usage = dutch_usage


def _patch_rich(rich_utils: Any) -> None:
    """Dutch for ``typer.rich_utils``: its gettext hook, help constants and usage style."""
    if getattr(rich_utils, "_analysekit_nl", False):
        return
    if hasattr(rich_utils, "_"):
        rich_utils._ = gettext
    for const in _RICH_CONSTANTS:
        value = getattr(rich_utils, const, None)
        if isinstance(value, str):
            setattr(rich_utils, const, gettext(value))
    highlighter = getattr(rich_utils, "OptionHighlighter", None)
    if highlighter is not None:  # style "Gebruik: " like typer styles "Usage: "
        highlighter.highlights = [
            h.replace("(?P<usage>Usage: )", "(?P<usage>Gebruik: )")
            for h in highlighter.highlights
        ]
    rich_utils._analysekit_nl = True


class _RichPatcher(importlib.abc.MetaPathFinder):
    """Patch ``typer.rich_utils`` with :func:`_patch_rich` right after it is imported."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "typer.rich_utils":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            _patch_rich(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


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
    if message.startswith("No such command"):
        return "onbekend commando " + message.split(" ", 3)[-1].rstrip(".")
    if ". Did you mean " in message:
        head, _, rest = message.partition(". Did you mean ")
        return f"{gettext(head)}; bedoelt u {rest.rstrip('?')}?"
    return gettext(message)
