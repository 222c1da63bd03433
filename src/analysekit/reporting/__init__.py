"""Reporting layer: parameterised notebooks, batch runs and the static site."""

from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing its optional ``rfc3987_syntax`` checker.

    ``rfc3987_syntax`` builds a parser grammar on import, 1.5–2.5 s per process here
    (python-jsonschema/jsonschema#1392); jsonschema imports it, when installed, only to
    check the ``iri`` format, which nbformat and papermill never use. Called in processes
    that only run reports (the CLI commands, batch workers) before nbformat is imported;
    it does nothing once jsonschema has been imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
