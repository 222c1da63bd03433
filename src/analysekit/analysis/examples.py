"""Adapting the shipped examples (register and goals) to the gemeente of a report.

Without ``register``/``goals`` parameters a report uses the examples shipped in
``src/analysekit/registers``. They describe Tilburg's size and years. To make the
illustration proportionate:

* :func:`adapt_register` scales the register's amounts by the ratio of inwoners and shifts
  its start years so that the first lever starts after the last data year;
* :func:`rebase_goals` rebases every goal computed from CBS data on the gemeente's own
  value in the example's baseline year (or the first year after it with a value), keeping
  the example's relative change.

Both are stated in the report; a register or goals file given as a parameter is used as
it is.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysekit.analysis import goals as G
from analysekit.analysis import register as R

__all__ = ["adapt_register", "rebase_goals", "template_factor", "template_shift"]


def template_factor(inwoners: float, template_inwoners: float | None) -> float:
    """Inwoners of the gemeente / inwoners of the template gemeente (1 when unknown)."""
    if not template_inwoners:
        return 1.0
    return float(inwoners) / float(template_inwoners)


def template_shift(reg: R.Register, last_data_year: int) -> int:
    """Years to shift ``reg`` so that its first lever starts the year after the data."""
    first = min(h.startjaar for h in reg.hefbomen)
    return last_data_year + 1 - first


#: Scale and shift a register: :func:`analysekit.analysis.register.adapt_register`.
adapt_register = R.adapt_register


def rebase_goals(
    doelen: list[G.Doel], observed: pd.DataFrame
) -> tuple[list[G.Doel], list[str]]:
    """Rebase example goals on the gemeente's own value in the example's baseline year.

    The baseline becomes the gemeente's value in the goal's baseline year, or in the first
    later year with a value (the earliest year when it has none from then on), so that a
    long series (2017–2024) does not move the example's timing; the target keeps the
    example's relative change (doel / baseline); the deadline is at least a year after
    the new baseline. Goals not computed from CBS data, or without observations, are kept
    as they are.

    Args:
        doelen: The goals as read.
        observed: Observations with columns indicator, jaar, waarde.

    Returns:
        The goals, and the indicators that were rebased.
    """
    out, changed = [], []
    for d in doelen:
        obs = observed.loc[observed["indicator"] == d.indicator].sort_values("jaar")
        if d.definitie not in G.INDICATORS or obs.empty or d.baseline_waarde == 0:
            out.append(d)
            continue
        later = obs.loc[obs["jaar"] >= d.baseline_jaar]
        first = later.iloc[0] if len(later) else obs.iloc[0]
        bj, bw = int(first["jaar"]), float(first["waarde"])
        ratio = d.doel_waarde / d.baseline_waarde
        deadline = max(d.deadline, bj + 1)
        out.append(dataclasses.replace(d, baseline_jaar=bj, baseline_waarde=bw,
                                       doel_waarde=bw * ratio, deadline=deadline))
        changed.append(d.indicator)
    return out, changed
