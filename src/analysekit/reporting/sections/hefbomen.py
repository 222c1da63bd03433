"""Section *hefbomen*: levers and net cost (cross-section), and the panel questions a–c."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from analysekit.analysis.lever_fits import (
    CONTROL_LABELS,
    LEVER_LABELS,
    LeverFits,
    PanelQuestions,
    fit_levers,
    fit_placebo,
    fit_questions,
    without_fits,
)
from analysekit.analysis.levers import CLAIMS, MEAN_TERM, p_text
from analysekit.analysis.levers.text import METHOD_NL, outcome_nl, p_is
from analysekit.errors import AnalysekitError
from analysekit.nl import eur, getal, pct
from analysekit.reporting.cache import shared
from analysekit.reporting.sections import Section
from analysekit.vocab import DOMEINEN, TOTAAL

#: Allers & Geertsema (2016), the literature question a is set beside.
ALLERS_GEERTSEMA = (
    "Allers en Geertsema (2016, *Journal of Regional Science* 56(4)) vonden over 15 jaar "
    "Nederlandse herindelingen geen effect op de totale uitgaven per inwoner (wel lagere "
    "uitgaven aan bestuur)"
)


class Hefbomen(Section):
    """Lever regressions for ``domein`` in ``jaar`` and the panel questions a–c."""

    def _key(self) -> str:
        p = self.p
        key = f"{p.jaar}_{p.verslagsoort}_{p.domein}"
        if p.adoptie:
            from pathlib import Path

            key += f"_{p.adoptie}_{Path(p.adoptie).stat().st_mtime_ns}"
        return key

    @cached_property
    def levers(self) -> LeverFits:
        """Cross-section per lever (HC3, Holm), panels and the adoption file (shared)."""
        p, t = self.p, self.tables
        jr_years = self.ctx.ontwikkeling.jaarrekening_jaren
        return shared(f"levers_light_{self._key()}", lambda: without_fits(
            fit_levers(t, p.jaar, p.verslagsoort, p.domein, jr_years, p.adoptie)))

    @property
    def levers_light(self) -> LeverFits:
        """The same as :attr:`levers` (the shared fits hold no library objects)."""
        return self.levers

    @cached_property
    def questions(self) -> PanelQuestions:
        """Questions a (herindeling) and b (ladder) on the real panel (shared)."""
        return shared("lever_questions", fit_questions)

    @cached_property
    def placebo(self) -> dict[str, Any]:
        """Randomisation placebo of question a per domein (shared: once per data build)."""
        return shared("lever_placebo", fit_placebo)

    @cached_property
    def lever_table(self) -> pd.DataFrame:
        """Per lever: association per sd with interval, p (raw and Holm), n, own value, euros.

        The euros are :func:`analysekit.analysis.levers.to_euros` with ``delta="mediaan"``:
        the difference in yearly lasten that goes with the gemeente's distance from the
        median, between gemeenten (an association, not a saving).
        """
        rows = []
        code = self.p.gm_code
        fits = self.levers
        nan = float("nan")
        for lever, res in fits.results.items():
            r, sd = res.effect(), res.lever_sd
            try:
                e = res.to_euros(code, delta="mediaan").iloc[0]
                own = res.source_data.loc[res.source_data["gm_code"] == code, lever]
                eigen = float(own.iloc[0]) if len(own) else nan
            except AnalysekitError:
                e, eigen = None, nan
            rows.append({
                "hefboom": lever, "omschrijving": LEVER_LABELS.get(lever, lever),
                "uitkomst": res.outcome,
                "effect_per_sd": r["effect"] * sd, "ci_low_per_sd": r["ci_low"] * sd,
                "ci_high_per_sd": r["ci_high"] * sd, "p": float(r["p"]),
                "p_holm": fits.p_holm.get(lever, nan), "n": int(r["n"]),
                "r2": res.diagnostics.r2, "bp_p": res.diagnostics.breusch_pagan_p,
                "eigen": eigen, "mediaan": res.latest_median,
                "euro": float(e["effect_eur"]) if e is not None else nan,
                "euro_laag": float(e["ci_low_eur"]) if e is not None else nan,
                "euro_hoog": float(e["ci_high_eur"]) if e is not None else nan,
            })
        return pd.DataFrame(rows)

    @property
    def main_lever(self) -> str:
        """The lever with the smallest p-value (shown with full diagnostics)."""
        return str(self.lever_table.sort_values("p")["hefboom"].iloc[0])

    @staticmethod
    def claim(design: str = "doorsnede") -> str:
        """What a design can claim, in Dutch."""
        return CLAIMS[design]

    def controls_text(self) -> str:
        """The controls of the lever regressions, in Dutch."""
        return ", ".join(CONTROL_LABELS.get(c, c) for c in self.levers.frame.attrs["controls"])

    def outcome_text(self) -> str:
        """The outcome of the cross-section and how the voorliggend levers differ, in Dutch."""
        f = self.levers
        y = outcome_nl(f.frame.attrs["outcome"]).replace(" (€)", "")
        return (f"Uitkomst: {y}, {f.domein.lower()}, {f.verslagsoort} {f.jaar}. Controles: "
                f"{self.controls_text()}. Bij de drie hefbomen die uit de lasten van het "
                f"voorliggend veld (6.1 en 6.2) bestaan, laat de uitkomst die taakvelden weg: "
                f"anders stonden dezelfde lasten links en rechts in de regressie. Bij de andere "
                f"hefbomen (aandelen binnen dezelfde lasten) is dat niet nodig: een aandeel zegt "
                f"niets over de hoogte van het totaal.")

    def testing_text(self) -> str:
        """The multiple-testing correction, stated (Holm across the levers)."""
        t = self.lever_table
        n_raw, n_holm = int((t["p"] < 0.05).sum()), int((t["p_holm"] < 0.05).sum())
        return (f"Er zijn {len(t)} hefbomen getoetst; bij zoveel toetsen is één 'significante' "
                f"uitkomst op toeval al waarschijnlijk. Daarom staat naast elke p-waarde de "
                f"Holm-gecorrigeerde p-waarde (over de {len(t)} hefbomen). Ongecorrigeerd "
                f"{'is' if n_raw == 1 else 'zijn'} {n_raw} van de {len(t)} kleiner dan 0,05, "
                f"na correctie {n_holm}.")

    # ------------------------------------------------------------------ tables

    def lever_display(self) -> pd.DataFrame:
        """:attr:`lever_table` formatted in Dutch for the report."""
        t = self.lever_table
        naam = self.naam_kort

        def fmt(lever: str, v: Any) -> str:
            return getal(v, 0) if lever == "voorliggend_per_inwoner" else pct(100 * v, 1)

        return pd.DataFrame({
            "hefboom": t["omschrijving"],
            "verschil in lasten per inwoner bij +1 standaardafwijking (95%-interval)": [
                f"{eur(a)} ({eur(b)} tot {eur(c)})" for a, b, c in
                zip(t["effect_per_sd"], t["ci_low_per_sd"], t["ci_high_per_sd"], strict=True)],
            "p": [p_text(v) for v in t["p"]],
            "p (Holm)": [p_text(v) for v in t["p_holm"]],
            "n": [getal(v) for v in t["n"]],
            naam: [fmt(h, v) for h, v in zip(t["hefboom"], t["eigen"], strict=True)],
            "mediaan": [fmt(h, v) for h, v in zip(t["hefboom"], t["mediaan"], strict=True)],
            f"samenhang in euro's per jaar bij de afwijking van {naam} (95%-interval)": [
                f"{eur(a, compact=True)} ({eur(b, compact=True)} tot {eur(c, compact=True)})"
                for a, b, c in zip(t["euro"], t["euro_laag"], t["euro_hoog"], strict=True)],
        })

    def euro_text(self) -> str:
        """How to read the euro column: an association between gemeenten, not a saving."""
        naam = self.naam_kort
        return (f"De laatste kolom leest zo: gemeenten die op een hefboom evenveel van de "
                f"mediaan afwijken als {naam}, hebben bij gelijke maatstaven gemiddeld zoveel "
                f"hogere (+) of lagere (−) lasten per jaar, omgerekend met de inwoners van "
                f"{naam}. Het is een samenhang tussen gemeenten, geen besparing die {naam} "
                f"haalt door naar de mediaan te gaan.")

    def lever_diagnostics_display(self) -> pd.DataFrame:
        """Per lever: n, R², Breusch-Pagan, highest VIF and the most influential gemeente."""
        rows = []
        for lever, res in self.levers.results.items():
            d = res.diagnostics
            top = d.influential.iloc[0] if len(d.influential) else None
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "n": getal(d.n),
                "R²": getal(d.r2, 3),
                "R² gecorrigeerd": getal(d.r2_adj, 3),
                "Breusch-Pagan p": p_text(d.breusch_pagan_p),
                "hoogste VIF": getal(float(d.vif.max()) if len(d.vif) else float("nan"), 2),
                "meest invloedrijke gemeente: Cook's D; effect zonder haar (€ per sd)": (
                    f"{self.ctx.positie.name_of(top['gm_code'])}: {getal(top['cooks_d'], 3)}; "
                    f"{eur(top['effect_zonder'])}" if top is not None else "–"),
            })
        return pd.DataFrame(rows)

    def diagnostics_display(self, lever: str) -> pd.DataFrame:
        """The full diagnostics of one lever, gemeenten by name."""
        res = self.levers.results[lever]
        codes = res.diagnostics.influential["gm_code"]
        return res.diagnostics.table({c: self.ctx.positie.name_of(c) for c in codes})

    def panel_display(self) -> pd.DataFrame:
        """Panel (gemeente and year effects) per lever, per sd of the lever (Dutch table)."""
        rows = []
        for lever, res in self.levers.panel.items():
            r, sd = res.effect(), res.lever_sd
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "verschil in lasten per inwoner bij +1 sd (95%-interval)":
                    f"{eur(r['effect'] * sd)} ({eur(r['ci_low'] * sd)} tot "
                    f"{eur(r['ci_high'] * sd)})",
                "p": p_text(float(r["p"])), "n": getal(r["n"]),
                "gemeenten": getal(r["n_gemeenten"]),
            })
        return pd.DataFrame(rows)

    def lever_forest_figure(self) -> Any:
        """Forest plot: per lever the association per sd with its 95% interval (€/inwoner)."""
        from analysekit.analysis.levers import lever_forest_figure

        f = self.levers
        y = "netto lasten" if f.frame.attrs["outcome"].startswith("netto") else "lasten (bruto)"
        return lever_forest_figure(
            self.lever_table, LEVER_LABELS,
            f"Samenhang van elke hefboom met de {y} per inwoner, {f.domein.lower()}, "
            f"{f.verslagsoort} {f.jaar}",
            "verschil in € per inwoner bij +1 standaardafwijking van de hefboom, met "
            "95%-interval")

    # ------------------------------------------------------- a: herindeling

    def _placebo_p(self, domein: str) -> float:
        pl = self.placebo.get(domein)
        return float(pl.p) if pl is not None else float("nan")

    def herindeling_display(self) -> pd.DataFrame:
        """Question a per domein: mean effect after a merger, pre-trend and placebo p."""
        rows = []
        for d in (*DOMEINEN, TOTAAL):
            res = self.questions.herindeling[d]
            r = res.effect()
            rows.append({
                "domein": d,
                "gemiddeld verschil na fusie, € per inwoner (95%-interval)":
                    f"{eur(r['effect'])} ({eur(r['ci_low'])} tot {eur(r['ci_high'])})",
                "p": p_text(r["p"]),
                "placebo-p (willekeurige fusies)": p_text(self._placebo_p(d)),
                "pre-trendtoets p": p_text(res.pretrend.p if res.pretrend else float("nan")),
                "n": getal(r["n"]), "gemeenten": getal(r["n_gemeenten"]),
            })
        return pd.DataFrame(rows)

    def herindeling_text(self) -> str:
        """Question a: what was estimated, the result, the literature, the gemeente's own case."""
        q = self.questions
        res = q.herindeling[TOTAAL]
        r = res.effect()
        rol = q.rollen.set_index("gm_code")
        n_f, n_c = int((rol["rol"] == "fusie").sum()), int((rol["rol"] == "controle").sum())
        pre = res.pretrend
        pl = self._placebo_p(TOTAAL)
        agree = r["ci_low"] <= 0 <= r["ci_high"]
        text = (
            f"**a. Herindeling.** Veranderen de lasten per inwoner als gemeenten fuseren? "
            f"{n_f} gemeenten fuseerden in 2018–2023; {n_c} gemeenten die in deze jaren niet "
            f"fuseerden zijn de vergelijking (jaarrekeningen {q.jaren[0]}–{q.jaren[-1]}, op "
            f"de indeling van nu, vóór de fusie de voorgangers opgeteld). Schatter: Sun en "
            f"Abraham (2021), die per fusiejaar apart vergelijkt en zo niet vertekend raakt als "
            f"het effect per fusiejaar verschilt. Gemiddeld over de eerste vier jaren na de "
            f"fusie: {eur(r['effect'])} per inwoner aan sociaal-domeinlasten (95%-interval "
            f"{eur(r['ci_low'])} tot {eur(r['ci_high'])}; placebo met willekeurig toegewezen "
            f"fusies: {p_is(pl)}). ")
        if pre is not None and pre.p < 0.05:
            text += (f"Let op: vóór de fusie liepen de lasten van fuserende gemeenten al anders "
                     f"(pre-trendtoets {p_is(pre.p)}), dus de aanname van parallelle "
                     f"trends is twijfelachtig en de schatting is geen betrouwbaar effect. ")
        text += (f"{ALLERS_GEERTSEMA}; het sociaal domein 2017–2024 "
                 + ("wijkt daar niet van af: ook hier is geen effect aangetoond."
                    if agree else "laat hier wél een verschil zien.")
                 + " Wat dit kan claimen: een effect van fuseren alleen als de fuserende "
                   "gemeenten zonder fusie dezelfde ontwikkeling hadden gehad als de andere "
                   "gemeenten (parallelle trends); de pre-trendtoets controleert dat, maar "
                   "bewijst het niet, en gemeenten kiezen zelf of ze fuseren.")
        own = rol.loc[self.p.gm_code] if self.p.gm_code in rol.index else None
        naam = self.naam_kort
        if own is not None and own["rol"] == "fusie":
            text += (f" {naam} fuseerde zelf in {int(own['fusiejaar'])} en telt mee als "
                     f"fusiegemeente.")
        elif own is not None and own["rol"] == "controle":
            text += f" {naam} fuseerde niet in 2018–2023 en hoort bij de vergelijkingsgroep."
        elif own is not None:
            text += (f" {naam} is weggelaten: "
                     + ("fuseerde al in 2016–2017." if own["rol"] == "vroeg"
                        else "kreeg alleen een deel van een opgesplitste gemeente."))
        return text

    def herindeling_figure(self) -> Any:
        """Event-time effects of a merger on sociaal-domein lasten per inwoner."""
        from analysekit.analysis.levers import plot_event_study

        return plot_event_study(
            self.questions.herindeling[TOTAAL],
            "Sociaal-domeinlasten per inwoner rond een fusie, fusiegemeenten t.o.v. niet-"
            "fuserende gemeenten (Sun–Abraham, 95%-interval)", event="de fusie")

    # ------------------------------------------------------------ b: ladder

    def ladder_display(self) -> pd.DataFrame:
        """Question b: the three specifications, effects per 10 procentpunten or per € 10."""
        q = self.questions
        rows = []
        for spec, res, unit, scale in (
            ("aandeel vorig jaar, met lead", q.ladder, "per 10 procentpunt", 0.1),
            ("aandeel vorig jaar, zonder lead", q.ladder_zonder_lead, "per 10 procentpunt",
             0.1),
            ("lasten voorliggend per inwoner vorig jaar", q.ladder_niveau, "per € 10", 10.0),
        ):
            for _, r in res.table.iterrows():
                lead = r["term"].endswith("volgend_jaar")
                s = 0.1 if lead else scale
                rows.append({
                    "specificatie": spec, "term": LEVER_LABELS.get(r["term"], r["term"]),
                    "verschil in maatwerklasten per inwoner (95%-interval)":
                        f"{eur(r['effect'] * s, 2)} ({eur(r['ci_low'] * s, 2)} tot "
                        f"{eur(r['ci_high'] * s, 2)}) {'per 10 procentpunt' if lead else unit}",
                    "p": p_text(r["p"]), "n": getal(r["n"]),
                    "gemeenten": getal(r["n_gemeenten"]),
                })
        return pd.DataFrame(rows)

    def ladder_text(self) -> str:
        """Question b in words, what it can claim, and the gemeente's own position."""
        q = self.questions
        r = q.ladder.effect()
        lead = q.ladder.effect("aandeel_voorliggend_volgend_jaar")
        lvl = q.ladder_niveau.effect()
        naam = self.naam_kort
        jaren = sorted(int(j) for j in q.ladder.data["jaar"].unique())
        text = (
            f"**b. De transformatieladder.** Gaat binnen dezelfde gemeente een groter aandeel "
            f"van het voorliggend veld (6.1 en 6.2) in de sociaal-domeinlasten van vorig jaar "
            f"samen met lagere lasten voor maatwerk en geëscaleerde zorg per inwoner dit jaar? "
            f"Met vaste effecten voor gemeente en jaar en standaardfouten geclusterd per "
            f"gemeente ({getal(r['n'])} gemeente-jaren, {getal(r['n_gemeenten'])} gemeenten, "
            f"jaarrekeningen {jaren[0]}–{jaren[-1]} met het jaar ervoor en erna): 10 "
            f"procentpunt meer voorliggend veld vorig jaar gaat samen met "
            f"{eur(r['effect'] * 0.1)} per inwoner (95%-interval {eur(r['ci_low'] * 0.1)} tot "
            f"{eur(r['ci_high'] * 0.1)}). Als de volgorde 'eerst voorliggend, dan minder "
            f"maatwerk' de verklaring is, hoort het aandeel van vólgend jaar (de placebo) niets "
            f"te zeggen; het gaat samen met {eur(lead['effect'] * 0.1)} ({p_is(lead['p'])}). "
            f"En de lasten van het voorliggend veld per inwoner zelf (zonder de maatwerklasten "
            f"in de noemer) gaan samen met {eur(lvl['effect'] * 10, 2)} per € 10 (95%-interval "
            f"{eur(lvl['ci_low'] * 10, 2)} tot {eur(lvl['ci_high'] * 10, 2)}). ")
        if lvl["p"] >= 0.05 or lead["p"] < 0.05:
            text += ("Samen wijst dat eerder op een rekenkundige samenhang (het aandeel heeft de "
                     "maatwerklasten in zijn noemer) of een gemeenschappelijke oorzaak dan op een "
                     "effect van het voorliggend veld. ")
        text += ("Dit is samenhang binnen gemeenten, geen bewezen effect; ook de verruiming van "
                 "taakveld 6.1 in 2022 speelt mee.")
        lp = q.ladder_panel
        own = lp.loc[lp["gm_code"] == self.p.gm_code].dropna(subset=["aandeel_voorliggend"])
        if len(own):
            last = own.iloc[-1]
            yr = lp.loc[lp["jaar"] == last["jaar"]]
            pos = float((yr["aandeel_voorliggend"] < last["aandeel_voorliggend"]).mean())
            text += (f" {naam} had in {int(last['jaar'])} een aandeel voorliggend veld van "
                     f"{pct(100 * last['aandeel_voorliggend'], 1)} (hoger dan "
                     f"{pct(100 * pos)} van de gemeenten) en {eur(last['maatwerk_per_inwoner'])} "
                     f"per inwoner aan maatwerk en geëscaleerde zorg.")
        return text

    def skipped_text(self) -> str:
        """The levers that could not be fitted, with the reason, in Dutch (no column names)."""
        parts = []
        for key, reason in self.levers.skipped.items():
            lever, _, rest = key.partition(" ")
            name = LEVER_LABELS.get(lever, lever)
            why = ("geen waarden in dit jaar" if "ontbreekt voor" in reason else
                   "verandert binnen geen enkele gemeente over de jaren (alleen voor één jaar "
                   "bekend)" if "verandert binnen geen" in reason else
                   "niet te schatten (constant of samen met de controles)")
            parts.append(f"*{name}*{' in het panel' if rest else ''}: {why}")
        return "Niet geschat: " + "; ".join(parts) + "." if parts else ""

    # ------------------------------------------------------------ c: adoption

    def adoption_display(self) -> pd.DataFrame:
        """Question c: the user's adoption file, the three estimators side by side."""
        rows = []
        for method, res in self.levers.events.items():
            r = res.effect(MEAN_TERM)
            rows.append({
                "schatter": METHOD_NL[method],
                "gemiddeld verschil na invoering, € per inwoner (95%-interval)":
                    f"{eur(r['effect'])} ({eur(r['ci_low'])} tot {eur(r['ci_high'])})",
                "p": p_text(r["p"]),
                "pre-trendtoets p": p_text(res.pretrend.p if res.pretrend else np.nan),
                "n": getal(r["n"]), "gemeenten": getal(r["n_gemeenten"]),
            })
        return pd.DataFrame(rows)

    # ------------------------------------------------------------ foto

    def foto_text(self) -> str:
        """One honest paragraph for the foto: what the lever analyses can and cannot say."""
        t = self.lever_table
        q = self.questions
        her = q.herindeling[TOTAAL].effect()
        lad = q.ladder.effect()
        lead = q.ladder.effect("aandeel_voorliggend_volgend_jaar")
        n_holm = int((t["p_holm"] < 0.05).sum())
        wie = ("hangt geen enkele" if n_holm == 0 else
               f"{'hangt' if n_holm == 1 else 'hangen'} {n_holm} van de {len(t)}")
        geen = her["ci_low"] <= 0 <= her["ci_high"]
        pre = q.herindeling[TOTAAL].pretrend
        lvl = q.ladder_niveau.effect()
        lead_zin = (f"het aandeel van volgend jaar gaat samen met "
                    f"{eur(lead['effect'] * 0.1)} ({p_is(lead['p'])}) en de lasten van het "
                    f"voorliggend veld zelf {'wel' if lvl['p'] < 0.05 else 'niet'}: een effect "
                    f"van het voorliggend veld is daarmee niet aangetoond")
        return (
            f"Wat de hefboomanalyses kunnen zeggen: in de doorsnede van alle gemeenten "
            f"{wie} "
            f"hefbo{'om' if n_holm == 0 else 'men'} na correctie voor het aantal toetsen "
            f"(Holm) duidelijk samen met de lasten; ook dat is samenhang, geen effect. "
            f"Fusies van 2018–2023 veranderden de sociaal-domeinlasten per inwoner "
            f"{'niet aantoonbaar' if geen else 'wel'} (gemiddeld {eur(her['effect'])}, "
            f"95%-interval {eur(her['ci_low'])} tot {eur(her['ci_high'])}"
            + ("; de lasten liepen vóór de fusie al anders, dus ook dit is onzeker"
               if pre is not None and pre.p < 0.05 else "")
            + f"){', net als in eerder onderzoek naar de totale uitgaven' if geen else ''}. "
            f"Een groter voorliggend veld vorig jaar gaat binnen gemeenten samen met "
            f"{'lagere' if lad['effect'] < 0 else 'hogere'} maatwerklasten "
            f"({eur(lad['effect'] * 0.1)} per inwoner per 10 procentpunt), maar {lead_zin}. "
            f"Details staan in het notebook *03-hefbomen*.")


__all__ = ["ALLERS_GEERTSEMA", "Hefbomen"]
