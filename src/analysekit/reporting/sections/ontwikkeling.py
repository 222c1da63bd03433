"""Section *ontwikkeling*: the years 2017–2026 (trend lens, overrun persistence, projection).

The trend lens (:mod:`analysekit.analysis.trend`) reads the comparable domein series
(``analysekit.data.series.domein_reeks``: lasten per taakveld of every jaarrekening
2017–2024 and begroting 2017–2026 on the newest indeling). Everything that is the same for
every gemeente — growth and rank, Nederland, the persistence of the overrun, the kit's
projections and the backtest — is computed once per data and code version through
:func:`~analysekit.reporting.cache.shared`; a report only filters its gemeente, takes the
band of its peers and draws one figure.

The older methods (:meth:`Ontwikkeling.trajectory`, :meth:`Ontwikkeling.projection` of the
three lenses) stay for the scenario section and 01-verkenning.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit import nl
from analysekit.analysis import backtest as B
from analysekit.analysis import deficits as D
from analysekit.analysis import persistence as PS
from analysekit.analysis import trend as T
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

    def trajectory_sentence(self, kort: bool = False) -> str:
        """Dutch sentences on the years: growth, persistence of the overrun, projection.

        Falls back to the lenses' years (:meth:`lenses_sentence`) when the data has no
        multi-year domein series. ``kort`` (the summary) leaves out the projection: the
        section says it once, next to its figure.
        """
        if not self.heeft_reeks:
            return self._lenses_kort if kort else self.lenses_sentence()
        return self._trend_kort if kort else self._trend_sentence

    def lenses_sentence(self) -> str:
        """The net cost over the years in the lenses, and whether the gap can be projected."""
        return self._trajectory_sentence

    @cached_property
    def _lenses_kort(self) -> str:
        # the net cost over the years, without the projection (the summary's point)
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
        return text

    @cached_property
    def _trajectory_sentence(self) -> str:
        # computed once per report; the projection note is said here only (issue 16 §6)
        text = self._lenses_kort
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

    # ------------------------------------------------------------------ trend lens (issue 17)

    @cached_property
    def reeks(self) -> pd.DataFrame | None:
        """The comparable domein series of all gemeenten (shared); None without one.

        Only the all-gemeenten computations below read it (each once per data and code
        version); a report reads the slim :attr:`reeks_lens` instead.
        """
        return shared("domein_reeks_gepubliceerd", _load_reeks)

    @cached_property
    def heeft_reeks(self) -> bool:
        """True when the data has the multi-year domein series (shared, tiny)."""
        return shared("domein_reeks_beschikbaar", lambda: self.reeks is not None)

    @cached_property
    def wide(self) -> pd.DataFrame:
        """Lasten per inwoner, one row per gemeente × (verslagsoort, jaar, domein) (shared)."""
        return shared("trend_wide_lasten_per_inwoner", lambda: T.wide_all(self.reeks))

    @cached_property
    def groei_all(self) -> pd.DataFrame:
        """Growth per year with its interval and rank, every gemeente × domein (shared)."""
        return shared("trend_groei_lasten_per_inwoner", lambda: T.growth_all(self.reeks))

    @cached_property
    def nederland(self) -> pd.DataFrame:
        """Nederland per jaar × verslagsoort × domein (shared)."""
        return shared("trend_nederland", lambda: T.nederland(self.reeks))

    @cached_property
    def persistentie_all(self) -> pd.DataFrame:
        """Persistence of the overrun on the lasten, every gemeente × domein (shared)."""
        return shared("persistentie_lasten",
                      lambda: PS.persistence(PS.overruns(self.reeks)))

    @cached_property
    def projecties_all(self) -> pd.DataFrame:
        """The kit's projection of the lasten per inwoner, every gemeente × domein (shared)."""
        return shared("trend_projecties_lasten_per_inwoner",
                      lambda: T.projections_all(self.reeks))

    @cached_property
    def backtest(self) -> pd.DataFrame:
        """The backtest table over all gemeenten (shared: computed once per data build)."""
        return shared("backtest_lasten_per_inwoner", lambda: B.backtest(self.reeks))

    @cached_property
    def breuken(self) -> dict[str, list[tuple[int, str, str]]]:
        """The definition breaks of the series per domein (shared)."""
        return shared("trend_breuken", lambda: T.breaks(self.reeks))

    @cached_property
    def peer_codes(self) -> list[str]:
        """The gemeente's peers (the report's one peer selection: only delivering gemeenten)."""
        pos = self.ctx.positie
        # the position section's peers when it has them (the same selection, no second search)
        p = (pos.benchmark.peers if "benchmark" in pos.__dict__
             else pos.selection.peers(self.p.gm_code, self.p.n_peers))
        return p["gm_code"].astype(str).tolist()

    @cached_property
    def trend_lens(self) -> pd.DataFrame:
        """The gemeente's lasten per inwoner per year against its peers' band and Nederland.

        Empty (every figure and table then says "geen gegevens") when the data has no
        multi-year series or the gemeente is not in it.
        """
        if not self.heeft_reeks or self.p.gm_code not in self.wide.index:
            return pd.DataFrame(columns=["gm_code", "jaar", "verslagsoort", "domein", "eigen",
                                         "n_peers_met_waarde", "peer_q1", "peer_mediaan",
                                         "peer_q3", "nederland", "breuk"])
        cols = shared("trend_lens_kolommen", lambda: T.lens_columns(self.wide, self.nederland))
        return T.lens_fast(self.wide, self.p.gm_code, self.peer_codes, self.nederland,
                           columns=cols)

    def _own(self, name: str) -> pd.DataFrame:
        if not self.heeft_reeks:
            return pd.DataFrame(columns=["domein"]).set_index("domein")
        frame = getattr(self, name)
        return frame.loc[frame["gm_code"] == self.p.gm_code].set_index("domein")

    @cached_property
    def groei(self) -> pd.DataFrame:
        """Growth rows of the gemeente, indexed by domein."""
        return self._own("groei_all")

    @cached_property
    def persistentie(self) -> pd.DataFrame:
        """Persistence rows of the gemeente, indexed by domein."""
        return self._own("persistentie_all")

    def figure_domeinen(self, alle: bool = False) -> tuple[str, ...]:
        """The panels: all five, or the total and the domein that overran most often."""
        if alle:
            return T.DOMEINEN_EN_TOTAAL
        most = self.overran_most() or "Jeugd"
        return (D.TOTAAL, most)

    def trend_figure(self, alle: bool = False) -> Any:
        """The trajectory against the peers' band and Nederland, per domein.

        Args:
            alle: All four domeinen and the total (01-verkenning); default the total and
                the domein that overran the begroting most often (the foto: two panels
                cost half the drawing of five, and the table gives every domein).
        """
        from analysekit.analysis.plots_trend import plot_trend_lens

        g = self.groei["groei_pct"].to_dict() if len(self.groei) else None
        return plot_trend_lens(self.trend_lens, self.naam_kort, self.breuken, groei=g,
                               domeinen=self.figure_domeinen(alle))

    def trend_figure_alt(self, alle: bool = False) -> str:
        """Alt text of :meth:`trend_figure`."""
        doms = " en ".join(d.lower() if d == D.TOTAAL else d
                           for d in self.figure_domeinen(alle))
        return (f"Lasten per inwoner ({doms}) van {self.naam_kort} per jaar (jaarrekening, "
                "daarna begroting) tegenover de mediaan en middelste helft van vergelijkbare "
                "gemeenten en Nederland")

    def trend_display(self) -> pd.DataFrame:
        """Per domein: lasten per inwoner first/last year, growth with interval, rank, overruns."""
        lens = self.trend_lens
        if lens.empty:
            return pd.DataFrame({"domein": list(T.DOMEINEN_EN_TOTAAL),
                                 "lasten per inwoner over de jaren": GEEN_GEGEVENS})
        g, ps = self.groei, self.persistentie
        value = dict(zip(zip(lens["verslagsoort"], lens["jaar"], lens["domein"], strict=True),
                         lens["eigen"], strict=True))
        jr = sorted({j for v, j, _ in value if v == "jaarrekening"})
        bg = sorted({j for v, j, _ in value if v == "begroting"})
        j0, j1 = (jr[0], jr[-1]) if jr else (None, None)
        jb = bg[-1] if bg else None
        rows = []
        for dom in T.DOMEINEN_EN_TOTAAL:
            def val(vs: str, jaar: int | None, dom: str = dom) -> str:
                v = value.get((vs, jaar, dom))
                return eur(v) if nl.finite(v) else GEEN_GEGEVENS
            row = {"domein": dom,
                   f"jaarrekening {j0}": val("jaarrekening", j0),
                   f"jaarrekening {j1}": val("jaarrekening", j1),
                   f"begroting {jb}": val("begroting", jb)}
            if dom in g.index and nl.finite(g.loc[dom, "groei_pct"]):
                r = g.loc[dom]
                row["groei per jaar (95%-interval)"] = (
                    f"{nl.pct(r['groei_pct'], 1, sign=True)} "
                    f"({nl.pct(r['groei_laag_pct'], 1)} tot {nl.pct(r['groei_hoog_pct'], 1)})")
                row["rang (1 = snelste groei)"] = f"{nl.getal(r['rang'])} van {int(r['n_rang'])}"
            else:
                row["groei per jaar (95%-interval)"] = GEEN_GEGEVENS
                row["rang (1 = snelste groei)"] = GEEN_GEGEVENS
            if dom in ps.index:
                r = ps.loc[dom]
                row["jaren boven begroting"] = f"{int(r['n_overschreden'])} van {int(r['n_jaren'])}"
                row["structureel?"] = str(r["status"])
            else:
                row["jaren boven begroting"] = GEEN_GEGEVENS
                row["structureel?"] = PS.ONBEKEND
            rows.append(row)
        return pd.DataFrame(rows)

    def growth_sentence(self, domein: str = D.TOTAAL) -> str:
        """``De lasten per inwoner voor het sociaal domein groeiden 2017–2024 …``."""
        if domein not in self.groei.index or not nl.finite(self.groei.loc[domein, "groei_pct"]):
            return (f"Voor {domein} zijn er te weinig jaarrekeningen voor een groeicijfer "
                    f"({GEEN_GEGEVENS}).")
        r = self.groei.loc[domein]
        wat = "het sociaal domein" if domein == D.TOTAAL else domein
        text = (f"De lasten per inwoner voor {wat} groeiden van {int(r['eerste_jaar'])} tot "
                f"{int(r['laatste_jaar'])} gemiddeld {nl.pct(r['groei_pct'], 1)} per jaar "
                f"(95%-interval {nl.pct(r['groei_laag_pct'], 1)} tot "
                f"{nl.pct(r['groei_hoog_pct'], 1)}; in euro's van elk jaar, dus inclusief "
                f"inflatie): de {nl.getal(r['rang'])}e snelste groei van {int(r['n_rang'])} "
                "gemeenten.")
        if r["breuk"]:
            text += f" Let op de definitiebreuk: {r['breuk']}."
        return text

    def persistence_sentence(self, domein: str = D.TOTAAL) -> str:
        """``Jeugd overschreed de begroting op de lasten in 6 van de 8 jaren …``."""
        if domein not in self.persistentie.index:
            return f"Voor {domein} is geen overschrijding te meten ({GEEN_GEGEVENS})."
        row = self.persistentie.loc[domein].to_dict() | {"domein": domein}
        return PS.persistence_sentence(row)

    def projection_sentence(self, domein: str = D.TOTAAL) -> str:
        """The kit's projection for the last begroting year, beside the own begroting."""
        if not self.heeft_reeks:
            return (f"Er is geen meerjarige reeks van de Iv3-lasten ({GEEN_GEGEVENS}), dus geen "
                    "projectie.")
        pr = self.projecties_all
        pr = pr.loc[(pr["gm_code"] == self.p.gm_code) & (pr["domein"] == domein)]
        pr = pr.loc[pr["verwachting"].notna()]
        if pr.empty:
            return ("Een projectie met onzekerheidsmarge is niet mogelijk: daarvoor zijn "
                    "minstens vier jaarrekeningen nodig.")
        lens = self.trend_lens
        bg = lens.loc[(lens["domein"] == domein) & (lens["verslagsoort"] == "begroting")
                      & (lens["jaar"].isin(pr["jaar"])) & lens["eigen"].notna()]
        row = pr.loc[pr["jaar"] == int(bg["jaar"].max())].iloc[0] if len(bg) else pr.iloc[0]
        wat = "het sociaal domein" if domein == D.TOTAAL else domein
        text = (f"Doorgetrokken (lineaire trend over de jaarrekeningen) komen de lasten per "
                f"inwoner voor {wat} in {int(row['jaar'])} op {eur(row['verwachting'])} "
                f"(95%-voorspellingsinterval {eur(row['ondergrens'])} tot "
                f"{eur(row['bovengrens'])})")
        b = bg.loc[bg["jaar"] == row["jaar"], "eigen"]
        if len(b):
            text += f"; de eigen begroting {int(row['jaar'])} gaat uit van {eur(b.iloc[0])}"
        return text + "."

    def projection_lasten(self, domein: str = D.TOTAAL, horizon: int = 4) -> Projection:
        """The kit's projection of the jaarrekening lasten per inwoner of one domein."""
        from analysekit.analysis.forecast import project

        lens = self.trend_lens
        r = lens.loc[(lens["domein"] == domein) & (lens["verslagsoort"] == "jaarrekening")]
        return project(pd.Series(r["eigen"].to_numpy(), index=r["jaar"].to_numpy()),
                       horizon=horizon)

    def projection_figure(self, domein: str = D.TOTAAL) -> Any:
        """Jaarrekening, projection with its 95% interval and the own begroting, one domein."""
        from analysekit.analysis.plots_trend import plot_projection_lasten

        lens = self.trend_lens
        proj = self.projection_lasten(domein)
        last = int(proj.observed["jaar"].max()) if len(proj.observed) else 0
        b = lens.loc[(lens["domein"] == domein) & (lens["verslagsoort"] == "begroting")
                     & (lens["jaar"] > last)]
        return plot_projection_lasten(proj, self.naam_kort, domein,
                                      pd.Series(b["eigen"].to_numpy(), index=b["jaar"]),
                                      self.breuken.get(domein, ()))

    def trust_sentence(self, domein: str = D.TOTAAL) -> str:
        """How much to trust the projection: the backtest over all gemeenten (shared)."""
        if not self.heeft_reeks:
            return ""
        # the same sentence for every gemeente: made once per data and code version
        return shared(f"trust_sentence_{domein}",
                      lambda: B.trust_sentence(self.backtest, domein))

    def overran_most(self) -> str | None:
        """The domein (of the four) that overran the begroting in most years, if any."""
        return self._overran_most

    @cached_property
    def _overran_most(self) -> str | None:
        ps = self.persistentie
        ps = ps.loc[[d for d in D.DOMEINEN if d in ps.index]]
        if ps.empty or int(ps["n_overschreden"].max()) == 0:
            return None
        return str(ps["n_overschreden"].idxmax())

    @cached_property
    def _trend_kort(self) -> str:
        g = self.groei
        if D.TOTAAL not in g.index or not nl.finite(g.loc[D.TOTAAL, "groei_pct"]):
            return self.growth_sentence(D.TOTAAL)
        r = g.loc[D.TOTAAL]
        text = (f"De lasten (bruto) per inwoner voor het sociaal domein groeiden "
                f"{int(r['eerste_jaar'])}–{int(r['laatste_jaar'])} gemiddeld "
                f"{nl.pct(r['groei_pct'], 1)} per jaar (95%-interval "
                f"{nl.pct(r['groei_laag_pct'], 1)} tot {nl.pct(r['groei_hoog_pct'], 1)}; "
                f"in euro's van elk jaar), de {nl.getal(r['rang'])}e snelste groei van "
                f"{int(r['n_rang'])} gemeenten.")
        most = self.overran_most()
        if most is not None:
            p = self.persistentie.loc[most]
            status = {PS.STRUCTUREEL: ", structureel", PS.NIET_STRUCTUREEL: ""}.get(
                str(p["status"]), "")
            text += (f" {most} lag in {int(p['n_overschreden'])} van de {int(p['n_jaren'])} "
                     f"jaren boven de begroting (op de lasten{status}).")
        return text

    @cached_property
    def _trend_sentence(self) -> str:
        # the section's text: growth, the full persistence sentence (with the net overrun
        # of the year that has baten), and the projection (said here only)
        parts = [self.growth_sentence(D.TOTAAL)]
        most = self.overran_most()
        if most is not None:
            parts.append(self.persistence_sentence(most))
        parts.append(self.projection_sentence(D.TOTAAL))
        return " ".join(parts)

    def trend_kort(self) -> dict[str, float]:
        """Headline figures for the site: growth of the total and each domein, overrun years."""
        out: dict[str, float] = {}
        keys = {D.TOTAAL: "sd", "Jeugd": "jeugd", "Wmo": "wmo", "Participatie": "participatie",
                "Sociale basisvoorzieningen": "basis"}
        if not self.heeft_reeks:
            return out
        for dom, key in keys.items():
            if dom in self.groei.index and nl.finite(self.groei.loc[dom, "groei_pct"]):
                out[f"groei_{key}_pct"] = float(self.groei.loc[dom, "groei_pct"])
        if D.TOTAAL in self.groei.index and nl.finite(self.groei.loc[D.TOTAAL, "groei_pct"]):
            out["groei_van_jaar"] = float(self.groei.loc[D.TOTAAL, "eerste_jaar"])
            out["groei_tot_jaar"] = float(self.groei.loc[D.TOTAAL, "laatste_jaar"])
        if D.TOTAAL in self.persistentie.index:
            r = self.persistentie.loc[D.TOTAAL]
            out["overschreden_sd_jaren"] = float(r["n_overschreden"])
            out["overschreden_sd_van"] = float(r["n_jaren"])
        for dom, key in keys.items():
            if dom != D.TOTAAL and dom in self.persistentie.index:
                out[f"overschreden_{key}_jaren"] = float(
                    self.persistentie.loc[dom, "n_overschreden"])
        return out


def _load_reeks() -> pd.DataFrame | None:
    """The domein series (published definitions, newest indeling), None when not built."""
    from analysekit.errors import AnalysekitError

    try:
        from analysekit.data.series import domein_reeks
    except ImportError:  # a data layer without the multi-year series
        return None
    try:
        r = domein_reeks()
    except AnalysekitError:
        return None
    return T.per_inwoner(r) if "lasten_per_inwoner" not in r.columns else r
