"""The sections of a report, one module each, with their own sentences and tables.

========================  ===========================================================
module                    what it holds
========================  ===========================================================
:mod:`.lenzen`            the three lenses (net cost, structural gap, overrun), taakvelden
:mod:`.ontwikkeling`      the trajectory over the years and its projection
:mod:`.doelen`            goals: observations, status, the shipped example rebased
:mod:`.positie`           peers, classic group, position, savings potential, map data
:mod:`.hefbomen`          lever regressions (cross-section, panel, event study)
:mod:`.scenarios`         the hefbomen register, its Monte Carlo and tornado
:mod:`.bronnen`           sources and the report's parameters
========================  ===========================================================

Every section is built from a :class:`~analysekit.reporting.context.ReportContext` and
reaches the others through it (``self.ctx.lenzen``). What is the same for every gemeente
goes through :func:`analysekit.reporting.cache.shared`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysekit.reporting.cache import shared

if TYPE_CHECKING:
    from analysekit.reporting.context import ReportContext
    from analysekit.reporting.params import ReportParams


def _load_levering() -> pd.DataFrame:
    import analysekit

    return analysekit.load("iv3_levering")


def _load_kenmerk_bronnen() -> dict[tuple[str, int], str]:
    import analysekit

    k = analysekit.load("kenmerken").loc[:, ["kenmerk", "jaar", "bron"]].drop_duplicates()
    k = k.sort_values(["kenmerk", "jaar", "bron"])
    return {(str(a), int(j)): str(b) for (a, j), b in
            k.groupby(["kenmerk", "jaar"])["bron"].agg(lambda s: sorted(set(s))[0]).items()}


class Section:
    """Base of a report section: the context, its parameters and the tables."""

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.p: ReportParams = ctx.params

    @property
    def naam_kort(self) -> str:
        """The gemeente's name without the CBS suffix."""
        return self.p.naam_kort

    @property
    def tables(self) -> Mapping[str, Any]:
        """The canonical tables, loaded on first access (:class:`.cache.LazyTables`)."""
        return self.ctx.tables

    @property
    def levering(self) -> pd.DataFrame:
        """Table ``iv3_levering``: which gemeente × jaar × verslagsoort delivered (shared)."""
        return shared("iv3_levering", _load_levering)

    @property
    def kenmerk_bronnen(self) -> dict[tuple[str, int], str]:
        """(kenmerk, jaar) → the ``bron`` of table ``kenmerken`` (shared; for the labels)."""
        return shared("kenmerk_bronnen", _load_kenmerk_bronnen)
