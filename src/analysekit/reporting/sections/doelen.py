"""Section *doelen*: SMART goals with the gemeente's observations and their status.

Without a ``goals`` parameter the example shipped in ``src/analysekit/registers`` is used,
labelled VOORBEELD, with the goals computed from CBS data rebased on the gemeente's own
first value (:func:`analysekit.analysis.examples.rebase_goals`).
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import examples
from analysekit.analysis import goals as G
from analysekit.analysis.goal_indicators import indicator_all
from analysekit.nl import ONTBREEKT, finite, getal, pct
from analysekit.reporting.cache import read_stamped, shared
from analysekit.reporting.display import box, opsomming
from analysekit.reporting.sections import Section
from analysekit.settings import DEFAULT_GOALS


@dataclasses.dataclass
class GoalsView:
    """Goals with observations and status for one gemeente."""

    doelen: list[G.Doel]
    observed: pd.DataFrame
    status: pd.DataFrame
    plan: pd.DataFrame
    overig: pd.DataFrame
    voorbeeld: bool
    bron: str
    toelichting: str
    aanpassing: str


class Doelen(Section):
    """Goals, their measurements and status; plans, maatstaven and examples shown apart.

    Only a measurement (jaarrekening, a CBS count, the gemeente's own registration) is a
    "laatste meting" and gets a status (:func:`analysekit.analysis.goals.bron_soort`). A
    begroting figure is a plan (own column); a gemeentefonds maatstaf and the invented
    values of the example file are shown in their own column, labelled as what they are.
    """

    @property
    def goals_is_default(self) -> bool:
        """True when no goals file was given and the shipped example is used."""
        return self.p.goals is None

    @cached_property
    def goals_source(self) -> G.DoelenBestand:
        """The goals file as read (validated)."""
        from analysekit.analysis.register import template_path

        path = self.p.goals or str(template_path(DEFAULT_GOALS))
        return read_stamped(path, G.read_goals)

    def indicator(self, definitie: str) -> pd.DataFrame:
        """A goal indicator for all gemeenten (shared)."""
        t = self.tables
        return shared(f"indicator_{definitie}", lambda: indicator_all(t, definitie))

    def indicator_rows(self, definitie: str) -> dict[str, pd.DataFrame]:
        """A goal indicator per gemeente: gm_code -> its rows (jaar, waarde, bron) (shared).

        One split of :meth:`indicator` for all reports instead of a filter of the whole
        table per goal in every report.
        """
        def split() -> dict[str, pd.DataFrame]:
            a = self.indicator(definitie)
            return {str(k): g[["jaar", "waarde", "bron"]]
                    for k, g in a.groupby("gm_code", sort=False, observed=True)}

        return shared(f"indicator_{definitie}_per_gemeente", split)

    @cached_property
    def goals(self) -> GoalsView:
        """Goals with observed values and status."""
        src = self.goals_source
        parts = []
        for d in src.doelen:
            rows = pd.DataFrame(columns=["jaar", "waarde", "bron"])
            if d.definitie in G.INDICATORS:
                rows = self.indicator_rows(d.definitie).get(self.p.gm_code, rows)
            if d.waarden:
                own = pd.DataFrame(d.waarden, columns=["jaar", "waarde"])
                own["bron"] = G.BRON_VOORBEELD if src.voorbeeld else "doelenbestand"
                rows = pd.concat([rows.loc[~rows["jaar"].isin(own["jaar"])], own])
            if len(rows):
                parts.append(rows.assign(indicator=d.indicator))
        cols = ["indicator", "jaar", "waarde", "bron"]
        observed = (pd.concat(parts, ignore_index=True)[cols].astype({"jaar": int, "waarde": float})
                    .sort_values(["indicator", "jaar"], ignore_index=True)
                    if parts else pd.DataFrame(columns=cols))
        doelen = list(src.doelen)
        aanpassing = ""
        # only a measurement is a "laatste meting" with a status; a plan (begroting), a
        # maatstaf and invented example values are shown apart
        soort = observed["bron"].map(G.bron_soort)
        plan = observed.loc[soort == "plan"].reset_index(drop=True)
        overig = observed.loc[soort.isin(["maatstaf", "voorbeeld"])].reset_index(drop=True)
        observed = observed.loc[soort == "meting"].reset_index(drop=True)
        if self.goals_is_default:
            # a goal computed from a maatstaf is rebased on it too (said in the note)
            base = pd.concat([observed, overig.loc[overig["bron"] == G.BRON_MAATSTAF]],
                             ignore_index=True)
            doelen, changed = examples.rebase_goals(doelen, base)
            if changed:
                aanpassing = (
                    f"Om de werkwijze met de eigen cijfers te tonen zijn de voorbeelddoelen die "
                    f"uit de CBS-gegevens berekend worden ({opsomming(changed)}) omgerekend: "
                    f"baseline = de eigen waarde van {self.naam_kort} in het baselinejaar van het "
                    f"voorbeeld (of het eerste jaar daarna met gegevens), doel = dezelfde "
                    f"relatieve verandering als in het voorbeeld. Het zijn geen afgesproken "
                    f"doelen."
                )
                maat = [d.indicator for d in doelen if d.indicator in changed
                        and G.INDICATORS[d.definitie].maatstaf]
                if maat:
                    aanpassing += (
                        f" Voor {opsomming(maat)} is die waarde de maatstaf van het "
                        "gemeentefonds (een verdeelgegeven, geen meting); zo'n doel krijgt "
                        "daarom geen status."
                    )
        # judged on measurements only; the other rows only explain an 'onbekend'
        status = G.goal_status(doelen, pd.concat([observed, plan, overig], ignore_index=True))
        if src.voorbeeld and self.goals_is_default:
            bron = (f"VOORBEELD: de doelen komen uit het meegeleverde voorbeeldbestand "
                    f"({src.bron}) en zijn niet de doelen van {self.naam_kort}.")
        elif src.voorbeeld:
            bron = f"VOORBEELD: het doelenbestand {src.bron} is als voorbeeld gemarkeerd."
        else:
            bron = f"Doelen: {src.bron} (opgegeven als parameter)."
        return GoalsView(doelen, observed, status, plan, overig, bool(src.voorbeeld), bron,
                         src.toelichting, aanpassing)

    def goals_box(self) -> Any:
        """The note on where the goals come from (orange when they are an example)."""
        g = self.goals
        text = " ".join(t for t in (g.bron, g.toelichting, g.aanpassing) if t)
        return box(text, "illustratief" if g.voorbeeld else "info")

    def goals_display(self) -> pd.DataFrame:
        """The goal status as a Dutch table."""
        s = self.goals.status

        def val(v: float, eenheid: str) -> str:
            if not finite(v):
                return ONTBREEKT
            if "aandeel" in eenheid:
                return pct(100 * v, 1)
            return getal(v, 0 if abs(v) >= 100 else 1)

        plan, overig = self.goals.plan, self.goals.overig

        def by_key(rows: pd.DataFrame, *, bron: bool) -> dict[tuple, list[tuple[int, float]]]:
            """(indicator[, bron]) -> [(jaar, waarde), ...] in year order (one pass)."""
            out: dict[tuple, list[tuple[int, float]]] = {}
            r = rows.sort_values("jaar", kind="stable")
            for ind, b, j, v in zip(r["indicator"], r["bron"], r["jaar"], r["waarde"],
                                    strict=True):
                out.setdefault((ind, b) if bron else (ind,), []).append((int(j), v))
            return out

        plan_of, overig_of = by_key(plan, bron=False), by_key(overig, bron=True)

        def series(pairs: list[tuple[int, float]] | None, eenheid: str) -> str:
            if not pairs:
                return ONTBREEKT
            return "; ".join(f"{val(v, eenheid)} ({j})" for j, v in pairs)

        def other_of(indicator: str, eenheid: str) -> str:
            parts = []
            for bron, label in ((G.BRON_MAATSTAF, "maatstaf gemeentefonds"),
                                (G.BRON_VOORBEELD, "verzonnen voorbeeld")):
                text = series(overig_of.get((indicator, bron)), eenheid)
                if text != ONTBREEKT:
                    parts.append(f"{label}: {text}")
            return "; ".join(parts) or ONTBREEKT

        out = pd.DataFrame({
            "doel": s["indicator"],
            "eigenaar": s["eigenaar"],
            "baseline": [f"{val(v, e)} ({int(j)})" for v, e, j in
                         zip(s["baseline_waarde"], s["eenheid"], s["baseline_jaar"], strict=True)],
            "doel (deadline)": [f"{val(v, e)} ({int(j)})" for v, e, j in
                                zip(s["doel_waarde"], s["eenheid"], s["deadline"], strict=True)],
            "laatste meting (realisatie)": [
                f"{val(v, e)} ({int(j)})" if finite(j) else ONTBREEKT
                for v, e, j in zip(s["laatste_waarde"], s["eenheid"], s["laatste_jaar"],
                                   strict=True)],
            "plan (begroting)": [series(plan_of.get((ind,)), e) for ind, e in
                                 zip(s["indicator"], s["eenheid"], strict=True)],
            "maatstaf of voorbeeld (geen meting)": [
                other_of(ind, e) for ind, e in zip(s["indicator"], s["eenheid"], strict=True)],
            "status": [str(x).upper() for x in s["status"]],
            "toelichting": s["toelichting"],
        })
        if overig.empty:
            out = out.drop(columns="maatstaf of voorbeeld (geen meting)")
        return out

    def goals_figure(self) -> Any:
        """Progress chart of the goals (title says VOORBEELD when it is one)."""
        from analysekit.analysis.report_figures import goals_figure

        g = self.goals
        shown = pd.concat([g.observed, g.overig], ignore_index=True)
        return goals_figure(g.doelen, shown, g.status, g.voorbeeld)
