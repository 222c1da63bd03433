"""SMART goals for the sturingsrapportage: goals file, indicators, status and progress chart.

A goals file (YAML list under ``doelen:`` or CSV) holds per goal: indicator (label),
definitie (a computable indicator from :data:`INDICATORS`, or ``eigen`` for a series the
user supplies under ``waarden``), baseline_jaar, baseline_waarde, doel_waarde, deadline
(year) and eigenaar.

Status rule (:func:`goal_status`), per goal, from the latest observed value ``v`` in year
``t`` after the baseline year:

* the required path runs linearly from (baseline_jaar, baseline_waarde) to
  (deadline, doel_waarde); ``p(t)`` is its value in year ``t`` (the target after the
  deadline);
* **behaald** when ``v`` has reached the target (in the goal's direction);
* **op koers** when ``v`` is at or ahead of ``p(t)``, or behind it by at most the tolerance
  (default 10 % of the total required change ``|doel - baseline|``), and the deadline has
  not passed;
* **achter** otherwise (also when the deadline has passed without reaching the target);
* **onbekend** when there is no measurement after the baseline year.

Only a **measurement** gets a status (:func:`bron_soort`): a jaarrekening, a CBS count or
the gemeente's own registration. A begroting is a plan, a gemeentefonds maatstaf is a
distribution figure (``bijstandsontvangers`` is a three-year average, partly forecast),
and the values of an example file are invented; they are shown apart, labelled as what
they are, and never judged.

The package: :mod:`~analysekit.analysis.goals.indicators` (computable indicators),
:mod:`~analysekit.analysis.goals.status` (the file, observations, status),
:mod:`~analysekit.analysis.goals.plot` (the progress chart); this module adds
:func:`evaluate_goals` and re-exports the names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.goals.indicators import (
    EIGEN,
    INDICATORS,
    IndicatorDefinitie,
    compute_indicator,
)
from analysekit.analysis.goals.plot import STATUS_KLEUR, plot_progress
from analysekit.analysis.goals.status import (
    BRON_MAATSTAF,
    BRON_SOORTEN,
    BRON_VOORBEELD,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    Doel,
    DoelenBestand,
    as_doelen,
    bron_soort,
    goal_status,
    indicator_values,
    is_voorbeeld,
    read_goals,
    waarde_text,
)

__all__ = [
    "BRON_MAATSTAF",
    "BRON_SOORTEN",
    "BRON_VOORBEELD",
    "EIGEN",
    "INDICATORS",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "STATUS_KLEUR",
    "Doel",
    "DoelenBestand",
    "GoalsResult",
    "IndicatorDefinitie",
    "as_doelen",
    "bron_soort",
    "compute_indicator",
    "evaluate_goals",
    "goal_status",
    "indicator_values",
    "is_voorbeeld",
    "plot_progress",
    "read_goals",
    "waarde_text",
]

#: Deprecated private name, kept for one release (use :func:`waarde_text`).
_fmt_waarde = waarde_text


@dataclass
class GoalsResult:
    """Goals with their observations and status."""

    doelen: list[Doel]
    observed: pd.DataFrame
    status: pd.DataFrame
    tolerantie: float
    gm_code: str | None = None
    notes: list[str] = field(default_factory=list)

    def summary_nl(self) -> str:
        """Dutch summary: count per status and one line per goal."""
        counts = self.status["status"].value_counts()
        head = ", ".join(
            f"{counts.get(s, 0)} {s}" for s in ("behaald", "op koers", "achter", "onbekend")
        )
        lines = [
            f"Doelen: {head} (tolerantie {nl.pct(100 * self.tolerantie)} van de benodigde "
            f"verandering; pad lineair van baseline naar doel)."
        ]
        for _, r in self.status.iterrows():
            lines.append(f"- {r['indicator']} ({r['eigenaar']}): {r['status']}, {r['toelichting']}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Progress chart; see :func:`plot_progress`."""
        return plot_progress(self.doelen, self.observed, self.status)


def evaluate_goals(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    gm_code: str | None = None,
    *,
    iv3: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    kenmerken: pd.DataFrame | None = None,
    verslagsoort: str = "jaarrekening",
    observed: pd.DataFrame | None = None,
    peiljaar: int | None = None,
    tolerantie: float = 0.10,
) -> GoalsResult:
    """Read goals, collect observations and judge status in one call.

    Args:
        doelen: Goals file or parsed goals.
        gm_code: Gemeente for computed indicators.
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table.
        kenmerken: Canonical kenmerken table.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        observed: Extra observations (indicator, jaar, waarde).
        peiljaar: Ignore observations after this year.
        tolerantie: See :func:`goal_status`.

    Returns:
        A :class:`GoalsResult`.
    """
    voorbeeld = is_voorbeeld(doelen)
    ds = as_doelen(doelen)
    obs = indicator_values(
        ds,
        gm_code,
        iv3=iv3,
        gemeenten=gemeenten,
        kenmerken=kenmerken,
        verslagsoort=verslagsoort,
        observed=observed,
        voorbeeld=voorbeeld,
    )
    st = goal_status(ds, obs, peiljaar=peiljaar, tolerantie=tolerantie)
    return GoalsResult(doelen=ds, observed=obs, status=st, tolerantie=tolerantie, gm_code=gm_code)


