"""The gemeente of a report: resolved once from a name or code to a :class:`GemeenteInfo`.

:func:`resolve_gemeente` answers the exact codes, names and aliases of the newest
indeling from the shared cache (:mod:`analysekit.reporting.cache`) and anything else
with :func:`analysekit.gemeente`; a former gemeente is refused with its successors.
:func:`slugify` gives the ASCII folder names of the reports. All three are re-exported
by :mod:`analysekit.reporting.params`; :func:`display_name` gives the name a report shows.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

from analysekit.errors import UnknownGemeente


@dataclasses.dataclass(frozen=True)
class GemeenteInfo:
    """The identity of a gemeente as the reporting layer needs it (resolved once)."""

    gm_code: str
    naam: str
    provincie: str | None = None

    @property
    def slug(self) -> str:
        """Folder name for this gemeente's reports, e.g. ``GM0855-tilburg``."""
        return f"{self.gm_code}-{slugify(self.naam)}"

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix: ``Utrecht (gemeente)`` → ``Utrecht``."""
        return display_name(self.naam)


def display_name(naam: Any) -> str:
    """A gemeente's name as a report shows it, without CBS's disambiguation suffix.

    CBS adds ``(gemeente)`` where a province has the same name: ``Utrecht (gemeente)``,
    ``Groningen (gemeente)``, ``'s-Gravenhage (gemeente)``. Reports, titles and tables show
    ``Utrecht``; the data keep the CBS name (the key stays ``gm_code``).
    """
    return re.sub(r"\s*\(gemeente\)\s*$", "", str(naam))


def slugify(text: str) -> str:
    """Return a lower-case ASCII slug: ``'Súdwest-Fryslân'`` → ``'sudwest-fryslan'``."""
    import unicodedata

    text = text.replace("(gemeente)", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "onbekend"


# --------------------------------------------------------------------------- resolving


def _current_gemeenten() -> dict[str, GemeenteInfo]:
    """What :func:`analysekit.gemeente` answers for the plain queries of the newest indeling.

    Keys are the exact GM codes, CBS names and aliases (``gemeente_aliassen.csv``) of the
    gemeenten of the newest indeling. A name or alias is only listed when no other
    gemeente of that indeling matches it (after :func:`~analysekit.data.lookup.normalise`)
    by its name or an alias, which is when the lookup answers it with that one gemeente;
    any other query goes to the lookup itself. Shared (on disk) per data and code version,
    so a report does not rebuild the lookup's index from the parquet files (~0.1 s).
    """
    from importlib import resources

    import pandas as pd

    from analysekit.data import lookup

    latest = lookup.all_gemeenten()
    infos = {
        str(c): GemeenteInfo(
            gm_code=str(c), naam=str(n), provincie=None if pd.isna(p) else str(p)
        )
        for c, n, p in latest[["gm_code", "naam", "provincie"]].itertuples(index=False)
    }
    with resources.as_file(
        resources.files("analysekit.data").joinpath(lookup.ALIAS_FILE)
    ) as path:
        aliases = pd.read_csv(path, dtype=str, comment="#", keep_default_na=False)
    names = [(info.naam, code) for code, info in infos.items()]
    names += [(a.strip(), c.strip()) for a, c in zip(aliases["alias"], aliases["gm_code"],
                                                      strict=True) if c.strip() in infos]
    codes_of: dict[str, set[str]] = {}
    for name, code in names:
        codes_of.setdefault(lookup.normalise(name), set()).add(code)
    out = dict(infos)
    for name, code in names:
        if codes_of[lookup.normalise(name)] == {code} and name not in out:
            out[name] = infos[code]
    return out


def resolve_gemeente(query: Any) -> GemeenteInfo:
    """Resolve a gemeente name or code with :func:`analysekit.gemeente`.

    The exact codes, names and aliases of the newest indeling are answered from the shared
    cache (:func:`_current_gemeenten`, the lookup's own answers); anything else by the lookup.

    Raises:
        UnknownGemeente: Unknown or ambiguous name or code.
    """
    if isinstance(query, GemeenteInfo):
        return query
    if not isinstance(query, str) or not query.strip():
        raise UnknownGemeente(
            f"parameter gemeente {query!r} is geen naam of code; "
            "verwacht: een naam zoals 'Tilburg' of een code zoals 'GM0855'"
        )
    from analysekit.reporting import cache

    with _suppress_analysekit_errors():
        known = cache.shared("current_gemeenten", _current_gemeenten).get(query.strip())
        if known is not None:
            return known
    import warnings

    import analysekit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a former gemeente is reported below instead
        g = analysekit.gemeente(query.strip())
    get = g.get if isinstance(g, Mapping) else functools.partial(getattr, g)
    opvolgers = get("opvolgers", ()) or ()
    if opvolgers:
        names = ", ".join(
            f"{getattr(o, 'naam', o)} ({getattr(o, 'gm_code', '')})" for o in opvolgers
        )
        raise UnknownGemeente(
            f"gemeente {query!r} ({get('gm_code')}) bestaat niet meer; haar gebied ging naar "
            f"{names}; verwacht: een van die gemeenten"
        )
    return GemeenteInfo(
        gm_code=str(get("gm_code")),
        naam=str(get("naam", None) or get("gm_code")),
        provincie=get("provincie", None),
    )


def _suppress_analysekit_errors() -> Any:
    # the shared answers are a shortcut: whatever goes wrong there, the lookup answers
    import contextlib

    return contextlib.suppress(Exception)
