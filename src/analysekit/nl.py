"""Dutch formatting of numbers, amounts, percentages, probabilities and dates.

The one place where the kit turns a figure into Dutch text. Every module (reports, site,
summary, figures, register, goals, levers) formats through these functions, so that
``€ 76,2 mln``, ``1.234.568``, ``14%`` and ``30 november 2026`` look the same everywhere.
Missing values (``None``, NaN, ±inf) always render as :data:`ONTBREEKT` (an en dash),
never as ``0``.

Base layer: imports nothing from ``analysekit.data``, ``analysis`` or ``reporting``.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

__all__ = [
    "GEEN_GEGEVENS",
    "MAANDEN",
    "MINUS",
    "ONTBREEKT",
    "datum",
    "decimals_for",
    "eur",
    "eur_as",
    "finite",
    "getal",
    "getal_as",
    "kans",
    "mln",
    "pct",
    "teken",
]

#: Shown in a table cell for a missing value.
ONTBREEKT = "–"
#: Shown where a gemeente × jaar × verslagsoort has no real submission.
GEEN_GEGEVENS = "geen gegevens"
MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def finite(x: Any) -> bool:
    """Return True when ``x`` is a real, finite number (not None, NaN, inf or text)."""
    if x is None or isinstance(x, bool):
        return False
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


#: The minus sign of every negative figure (U+2212, as in print; the same width as ``+``).
MINUS = "\u2212"


def getal(x: Any, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1234567.8`` → ``1.234.568``; missing → ``–``.

    Args:
        x: The number.
        decimals: Decimals to show.

    Returns:
        The number with ``.`` as thousands and ``,`` as decimal separator and
        :data:`MINUS` for a negative number; ``-0`` is shown as ``0``.
    """
    if not finite(x):
        return ONTBREEKT
    text = f"{float(x):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-"):
        text = text[1:] if text.strip("-0,") == "" else MINUS + text[1:]
    return text


def eur(x: Any, decimals: int = 0, compact: bool = False, sign: bool = False) -> str:
    """Format euros the Dutch way.

    Args:
        x: Amount in euros.
        decimals: Decimals when not compact.
        compact: ``€ 76,2 mln`` / ``€ 1,3 mld`` from a million, thousands rounded
            (``€ 512.000``) from 10.000.
        sign: A ``+`` before a positive amount too (a difference or a gap:
            ``+€ 4,0 mln``), as :func:`pct` does; an amount that rounds to 0 gets none.

    Returns:
        E.g. ``€ 76.214.000``, ``−€ 9,5 mln`` (:data:`MINUS`); ``–`` when missing.
    """
    if not finite(x):
        return ONTBREEKT
    v = float(x)
    nonzero = round(abs(v), decimals) > 0
    teken_ = MINUS if v < 0 and nonzero else "+" if sign and v > 0 and nonzero else ""
    a = abs(v)
    if compact and a >= 999_950_000:
        return f"{teken_}€ {getal(a / 1e9, 1)} mld"
    if compact and a >= 999_950:
        return f"{teken_}€ {getal(a / 1e6, 1)} mln"
    if compact and a >= 10_000:
        return f"{teken_}€ {getal(round(a, -3))}"
    return f"{teken_}€ {getal(a, decimals)}"


def decimals_for(step: Any) -> int:
    """Fewest decimals (at most 4) that show every multiple of ``step``: 1.5 → 1, 0.25 → 2.

    For the labels of a scale (a figure's axis) whose ticks are ``step`` apart; a missing or
    non-positive step needs none.
    """
    if not finite(step) or float(step) <= 0:
        return 0
    v = float(step)
    for d in range(5):
        scaled = v * 10**d
        if abs(scaled - round(scaled)) < 1e-6 * max(scaled, 1.0):
            return d
    return 4


def getal_as(x: Any, step: Any) -> str:
    """A tick label: :func:`getal` with the decimals ``step`` (the tick spacing) needs.

    ``getal_as(0.75, 0.25)`` → ``0,75``, ``getal_as(1500, 500)`` → ``1.500``; missing → ``–``.
    """
    return getal(x, decimals_for(step))


def eur_as(x: Any, step: Any, top: Any = None) -> str:
    """A euro tick label: one unit and one number of decimals for every tick of a scale.

    The unit follows the largest tick ``top`` (default ``x`` itself): ``mld`` from a
    billion, ``mln`` from a million, else whole euros; the decimals are what ``step`` (the
    tick spacing) needs in that unit (:func:`decimals_for`). Zero is ``€ 0``; a negative
    amount gets :data:`MINUS` before the euro sign, as in :func:`eur`.

    Examples: ``eur_as(25e6, 5e6)`` → ``€ 25 mln``; ``eur_as(2.5e6, 2.5e6)`` →
    ``€ 2,5 mln``; ``eur_as(-5e6, 2.5e6)`` → ``−€ 5,0 mln``; ``eur_as(1500, 500)`` →
    ``€ 1.500``; missing → ``–``.
    """
    if not finite(x):
        return ONTBREEKT
    v = float(x)
    big = abs(float(top)) if finite(top) else abs(v)
    unit, name = (1e9, " mld") if big >= 1e9 else (1e6, " mln") if big >= 1e6 else (1.0, "")
    if v == 0:
        return "€ 0"
    step_ = float(step) / unit if finite(step) else 0.0
    text = getal(abs(v) / unit, decimals_for(step_))
    sign = MINUS if v < 0 and text.strip("0,.") != "" else ""
    return f"{sign}€ {text}{name}"


def mln(x: Any, decimals: int = 1) -> str:
    """Format euros in millions: ``76_214_000`` → ``€ 76,2 mln``; missing → ``–``."""
    if not finite(x):
        return ONTBREEKT
    v = float(x) / 1e6
    sign = MINUS if v < 0 and round(abs(v), decimals) > 0 else ""
    return f"{sign}€ {getal(abs(v), decimals)} mln"


def pct(x: Any, decimals: int = 0, sign: bool = False) -> str:
    """Format a percentage given in percent: ``14.05`` → ``14%`` (``+14,1%`` with sign)."""
    if not finite(x):
        return ONTBREEKT
    text = getal(x, decimals)
    if sign and float(x) > 0 and text.strip("0,") != "":
        text = "+" + text
    return f"{text}%"


def kans(p: Any, decimals: int = 0) -> str:
    """Format a probability given as a fraction: ``0.873`` → ``87%``; missing → ``–``.

    A probability that is not exactly 0 or 1 never rounds to ``0%`` or ``100%``: it is
    shown as ``<1%`` or ``>99%`` (at ``decimals=0``), so a reader never sees certainty
    that a simulation did not find.
    """
    if not finite(p):
        return ONTBREEKT
    v = float(p)
    lo = 0.5 * 10.0 ** (-decimals) / 100.0
    if 0.0 < v < lo:
        return f"<{getal(2 * lo * 100, decimals)}%"
    if 1.0 - lo < v < 1.0:
        return f">{getal(100 - 2 * lo * 100, decimals)}%"
    return pct(100.0 * v, decimals)


def teken(x: Any) -> str:
    """Return the Dutch reading of a gap's sign: ``tekort`` (+), ``overschot`` (−) or ``–``."""
    if not finite(x):
        return ONTBREEKT
    v = float(x)
    return "tekort" if v > 0 else "overschot" if v < 0 else "in evenwicht"


def datum(d: _dt.date | _dt.datetime | str | None) -> str:
    """Format a date the Dutch way: ``2026-11-30`` → ``30 november 2026``; missing → ``–``."""
    if d is None or d == "":
        return ONTBREEKT
    if isinstance(d, str):
        try:
            d = _dt.date.fromisoformat(d[:10])
        except ValueError:
            return d
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"
