"""analysekit: analyse the sociaal domein (Wmo, Jeugd, Participatie) of Dutch gemeenten.

Quick start in a notebook::

    import analysekit as ak
    iv3 = ak.load("iv3", gemeente="Tilburg", jaar=2023)
    ak.gemeente("Den Bosch")   # -> Gemeente(gm_code='GM0796', ...)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "gemeente", "load"]


def load(name: str, **filters: Any):  # noqa: ANN201 - returns a DataFrame
    """Load a canonical table; see :func:`analysekit.data.load.load`."""
    from analysekit.data.load import load as _load

    return _load(name, **filters)


def gemeente(query: str, **kwargs: Any):  # noqa: ANN201
    """Resolve a gemeente by code or name; see :func:`analysekit.data.lookup.gemeente`.

    Builds the canonical tables first when they are missing (the lookup reads the
    ``gemeenten`` and ``herindelingen`` tables).
    """
    from analysekit.data.build import require_built
    from analysekit.data.lookup import gemeente as _gemeente

    require_built(echo=_stderr)
    return _gemeente(query, **kwargs)


def _stderr(line: str) -> None:
    import sys

    print(line, file=sys.stderr)
