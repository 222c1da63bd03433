"""Section *ontwikkeling*: the lenses over the years and their projection."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.analysis.forecast import Projection
from analysekit.nl import eur
from analysekit.reporting.cache import shared
from analysekit.reporting.sections import Section
from analysekit.vocab import DOMEINEN


class Ontwikkeling(Section):
    """Trajectory of the gemeente, projections with intervals, years in the data."""

    def __init__(self, ctx) -> None:  # noqa: ANN001
        super().__init__(ctx)
        self._projections: dict[tuple[str, str], Projection] = {}

    @cached_property
    def trajectory_all(self) -> pd.DataFrame:
        """The lenses for every year in the data, all gemeenten (shared).

        With ``verslagsoort="jaarrekening"`` each year uses the jaarrekening where there
        is one and the begroting otherwise; with ``"begroting"`` every year the begroting.
        """
        t = self.tables
        forced = "begroting" if self.p.verslagsoort == "begroting" else None
        return shared(
            f"trajectory_all_{forced or 'standaard'}",
            lambda: D.trajectory_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                     t["gemeentefonds"], verslagsoort=forced),
        )

    @cached_property
    def trajectory(self) -> pd.DataFrame:
        """The trajectory rows of the gemeente."""
        return D.for_gemeente(self.trajectory_all, self.p.gm_code)

    def projection(self, domein: str = D.TOTAAL, measure: str = "tekort_eur") -> Projection:
        """Projection of a measure of one domein with a 95% prediction interval (cached)."""
        key = (domein, measure)
        if key not in self._projections:
            self._projections[key] = D.project_gap(self.trajectory_all, self.p.gm_code, domein,
                                                   measure=measure)
        return self._projections[key]

    @cached_property
    def jaren(self) -> list[tuple[int, str]]:
        """(jaar, verslagsoort) of the trajectory of the gemeente, in order."""
        r = self.trajectory.loc[self.trajectory["domein"] == D.TOTAAL]
        return [(int(j), str(v)) for j, v in zip(r["jaar"], r["verslagsoort"], strict=True)]

    @cached_property
    def last_data_year(self) -> int:
        """The last year of the trajectory (the newest begroting)."""
        return max(j for j, _ in self.jaren)

    @cached_property
    def jaarrekening_jaren(self) -> list[int]:
        """Years with a jaarrekening in the iv3 table (shared)."""
        from analysekit.reporting.params import iv3_available

        return sorted(j for j, v in iv3_available() if v == "jaarrekening")

    def trajectory_sentence(self) -> str:
        """Dutch sentence on the development over the years and whether projecting works."""
        r = self.trajectory.loc[self.trajectory["domein"] == D.TOTAAL].sort_values("jaar")
        steps = ", ".join(f"{int(j)} ({v}) {eur(x, compact=True)}" for j, v, x in
                          zip(r["jaar"], r["verslagsoort"], r["netto_eur"], strict=True))
        proj = self.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            f = proj.forecast.iloc[-1]
            extra = (f" Doorgetrokken komt het structureel tekort in {int(f['jaar'])} op "
                     f"{eur(f['verwachting'], compact=True)} (95%-interval "
                     f"{eur(f['ondergrens'], compact=True)} tot "
                     f"{eur(f['bovengrens'], compact=True)}).")
        else:
            extra = (f" Een projectie met onzekerheidsmarge is op {proj.n_points} jaren niet "
                     "mogelijk: daarvoor zijn er minstens vier nodig.")
        return f"Netto lasten sociaal domein per jaar: {steps}.{extra}"

    def trajectory_display(self, measure: str = "netto_per_inwoner") -> pd.DataFrame:
        """Per domein the measure for every year (columns ``2023 (jaarrekening)`` …)."""
        t = self.trajectory
        wide = t.pivot_table(index="domein", columns="jaar", values=measure, aggfunc="first",
                             sort=False)
        soort = dict(zip(t["jaar"], t["verslagsoort"], strict=False))
        order = [d for d in (*DOMEINEN, D.TOTAAL) if d in wide.index]
        out = pd.DataFrame({"domein": order})
        for j in sorted(wide.columns):
            out[f"{int(j)} ({soort[j]})"] = [eur(v) for v in wide.loc[order, j]]
        return out
