"""The deficit a hefbomen register is set against in the Monte Carlo, with its uncertainty.

With a projection (four or more observed years) the deficit per year is the projected
value, and its standard deviation is backed out of the 95% prediction interval
(half-width / the t or normal quantile of the projection). Without one, the last observed
deficit is held constant, with as standard deviation the gap between begroting and
jaarrekening in the last year that has both (or none).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from analysekit.analysis.forecast import Projection

__all__ = ["GapTarget", "gap_target", "sd_from_interval"]


@dataclasses.dataclass(frozen=True)
class GapTarget:
    """The structural gap the hefbomen are set against in the Monte Carlo.

    Attributes:
        per_jaar: jaar → (expected gap, standard deviation), euros.
        uitleg: Dutch sentence on where the numbers come from (filled in by the report).
        geprojecteerd: True when it comes from a projection with an interval.
        laatste_jaar: Last observed year of the gap.
        laatste_tekort: The gap in that year.
        laatste_verslagsoort: Verslagsoort of that year.
        sd_jaar: Year whose overrun is the standard deviation (no projection), or None.
        jaren: The observed years.
        n_points: Number of observed years the projection used.
    """

    per_jaar: dict[int, tuple[float, float]]
    uitleg: str
    geprojecteerd: bool
    laatste_jaar: int
    laatste_tekort: float
    laatste_verslagsoort: str = ""
    sd_jaar: int | None = None
    jaren: tuple[int, ...] = ()
    n_points: int = 0


def sd_from_interval(proj: Projection) -> dict[int, tuple[float, float]]:
    """Jaar → (expected value, standard deviation) backed out of a projection's interval."""
    from scipy import stats

    q = (stats.t.ppf(1 - proj.alpha / 2, proj.n_points - 2) if proj.method == "ols"
         else stats.norm.ppf(1 - proj.alpha / 2))
    f = proj.forecast.set_index("jaar")
    return {int(j): (float(r["verwachting"]), float((r["bovengrens"] - r["ondergrens"]) / (2 * q)))
            for j, r in f.iterrows()}


def gap_target(rows: pd.DataFrame, proj: Projection, years: Sequence[int]) -> GapTarget:
    """The gap per simulated year, from the observed rows and their projection.

    Args:
        rows: Trajectory rows of the total (jaar, verslagsoort, tekort_eur,
            overschrijding_eur), with a known tekort.
        proj: Projection of ``tekort_eur`` over those rows.
        years: The simulated years.

    Returns:
        A :class:`GapTarget` with an empty ``uitleg`` (the report writes it).
    """
    rows = rows.sort_values("jaar")
    last = rows.iloc[-1]
    laatste_jaar, laatste = int(last["jaar"]), float(last["tekort_eur"])
    common = {"laatste_jaar": laatste_jaar, "laatste_tekort": laatste,
              "laatste_verslagsoort": str(last["verslagsoort"]),
              "jaren": tuple(int(j) for j in rows["jaar"]), "n_points": proj.n_points}
    if proj.ok:
        per = sd_from_interval(proj)
        last_f = max(per)
        for y in years:
            if y > last_f:
                per[y] = per[last_f]
        return GapTarget(per, "", True, **common)
    ov = rows.loc[rows["overschrijding_eur"].notna()]
    if len(ov):
        o = ov.iloc[-1]
        sd, sd_jaar = abs(float(o["overschrijding_eur"])), int(o["jaar"])
    else:
        sd, sd_jaar = 0.0, None
    return GapTarget({int(y): (laatste, sd) for y in years}, "", False, sd_jaar=sd_jaar, **common)
