"""Section *ontwikkeling*: the lenses over the years and their projection."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.analysis.forecast import Projection
from analysekit.nl import GEEN_GEGEVENS, eur
from analysekit.reporting.cache import shared
from analysekit.reporting.display import opsomming
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
        lev = self.levering
        return shared(
            f"trajectory_all_{forced or 'standaard'}",
            lambda: D.trajectory_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                     t["gemeentefonds"], verslagsoort=forced, levering=lev),
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

    @cached_property
    def verloop(self) -> pd.DataFrame:
        """Every jaar × verslagsoort in the data for the gemeente, each verslagsoort apart.

        Rows of :meth:`Lenzen.lenses_for`; NaN where the gemeente delivered nothing.
        """
        from analysekit.reporting.params import iv3_available

        cols = ["gm_code", "naam", "jaar", "verslagsoort", "domein", "geleverd", "netto_eur",
                "netto_per_inwoner"]
        frames = []
        for j, v in iv3_available():
            d = self.ctx.lenzen.lenses_for(j, v)
            frames.append(d.loc[d["gm_code"] == self.p.gm_code, cols])
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        return out.sort_values(["jaar", "verslagsoort"], kind="stable", ignore_index=True)

    def verloop_figure(self, measure: str = "netto_per_inwoner") -> Any:
        """Points and lines per domein over the years, begroting and jaarrekening apart.

        No projection band: with two or three years there is nothing to project.
        """
        from analysekit.analysis.plots import plot_trajectory

        return plot_trajectory(self.verloop, self.p.gm_code, measure)

    def verloop_display(self, measure: str = "netto_per_inwoner") -> pd.DataFrame:
        """Per domein the measure for every jaar × verslagsoort (``jaarrekening 2023`` …)."""
        v = self.verloop
        out = pd.DataFrame({"domein": [*DOMEINEN, D.TOTAAL]})
        for (j, vs), g in v.groupby(["jaar", "verslagsoort"], sort=True):
            g = g.set_index("domein")
            out[f"{vs} {int(j)}"] = [
                eur(g.loc[d, measure]) if d in g.index and bool(g.loc[d, "geleverd"])
                else GEEN_GEGEVENS for d in out["domein"]]
        return out

    def trajectory_sentence(self) -> str:
        """Dutch sentence on the development over the years and whether projecting works."""
        return self._trajectory_sentence

    @cached_property
    def _trajectory_sentence(self) -> str:
        # computed once per report (the notebook and the kernpunten both show it)
        v = self.verloop.loc[self.verloop["domein"] == D.TOTAAL]
        parts, missing = [], []
        for vs in ("jaarrekening", "begroting"):
            r = v.loc[v["verslagsoort"] == vs]
            ok = r.loc[r["geleverd"].astype(bool) & r["netto_eur"].notna()]
            missing += [f"{vs} {int(j)}" for j in r.loc[~r.index.isin(ok.index), "jaar"]]
            if len(ok):
                parts.append(f"{vs} " + ", ".join(
                    f"{int(j)} {eur(x, compact=True)}" for j, x in
                    zip(ok["jaar"], ok["netto_eur"], strict=True)))
        text = ("Netto lasten sociaal domein: " + "; ".join(parts) + ". De begroting is het plan, "
                "de jaarrekening wat er werkelijk is uitgegeven.") if parts else (
            f"Er zijn voor {self.naam_kort} geen Iv3-gegevens over de jaren ({GEEN_GEGEVENS}).")
        if missing:
            text += f" Niet geleverd ({GEEN_GEGEVENS}): {opsomming(missing)}."
        proj = self.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            f = proj.forecast.iloc[-1]
            text += (f" Doorgetrokken komt het verschil met het gemeentefonds in "
                     f"{int(f['jaar'])} op {eur(f['verwachting'], compact=True)} (95%-interval "
                     f"{eur(f['ondergrens'], compact=True)} tot "
                     f"{eur(f['bovengrens'], compact=True)}).")
        else:
            n = proj.n_points
            text += (f" Een projectie met onzekerheidsmarge is op {n} "
                     f"{'jaar' if n == 1 else 'jaren'} niet mogelijk: daarvoor zijn er "
                     "minstens vier nodig. De figuur toont daarom alleen de gemeten jaren.")
        return text

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
