"""Section *scenario's*: the hefbomen register, its seeded Monte Carlo and tornado.

Without a ``register`` parameter the illustrative register shipped in
``src/analysekit/registers`` is used, labelled ILLUSTRATIEF, scaled to the gemeente's
inwoners and shifted to start after the data
(:func:`analysekit.analysis.examples.adapt_register`).
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.analysis import examples
from analysekit.analysis import register as R
from analysekit.analysis.gap_target import GapTarget, gap_target
from analysekit.errors import DataError
from analysekit.nl import eur, finite, getal, kans
from analysekit.reporting.cache import read_stamped, shared
from analysekit.reporting.display import box
from analysekit.reporting.sections import Section
from analysekit.reporting.sections.labels import parameter_label
from analysekit.reporting.sections.lenzen import SIGN_KEY
from analysekit.settings import DEFAULT_REGISTER, TEMPLATE_GEMEENTE
from analysekit.vocab import DOMEINEN

#: How the text names the setting for an own deficit (the parameter ``tekort_eur``).
EIGEN_TEKORT = f"de instelling ‘{parameter_label('tekort_eur')}’"


class Scenarios(Section):
    """The register, the gap it is set against, the simulation and what drives its spread."""

    @property
    def register_is_default(self) -> bool:
        """True when no register was given and the shipped illustrative one is used."""
        return self.p.register is None

    @cached_property
    def register_source(self) -> R.Register:
        """The register as read from its file (validated)."""
        path = self.p.register or str(R.template_path(DEFAULT_REGISTER))
        return read_stamped(path, R.read_register)

    @cached_property
    def template_factor(self) -> float:
        """Inwoners of the gemeente / inwoners of the template gemeente (Tilburg)."""
        all_ = self.ctx.lenzen.deficits_all
        ref = all_.loc[(all_["gm_code"] == TEMPLATE_GEMEENTE) & (all_["domein"] == D.TOTAAL),
                       "inwoners"]
        return examples.template_factor(self.ctx.lenzen.inwoners,
                                        float(ref.iloc[0]) if len(ref) else None)

    @cached_property
    def template_shift(self) -> int:
        """Years the shipped register is shifted so that it starts after the data."""
        return examples.template_shift(self.register_source, self.ctx.ontwikkeling.last_data_year)

    @cached_property
    def register(self) -> R.Register:
        """The register used in the report (the shipped one adapted, see the module doc)."""
        reg = self.register_source
        if not self.register_is_default:
            return reg
        return examples.adapt_register(reg, self.template_factor, self.template_shift)

    @cached_property
    def register_note(self) -> str:
        """Dutch sentence on what the register is (and how the shipped one was adapted)."""
        reg = self.register
        if reg.illustratief and self.register_is_default:
            return (
                f"ILLUSTRATIEF: het hefbomenregister is het voorbeeld dat met analysekit "
                f"wordt meegeleverd ({reg.bron}), niet het register van {self.naam_kort}. "
                f"De bedragen zijn verzonnen, losjes gebaseerd op de totalen die Tilburg "
                f"openbaar maakte. Om de werkwijze op schaal te tonen zijn ze omgerekend naar "
                f"het aantal inwoners van {self.naam_kort} "
                f"(factor {getal(self.template_factor, 2)}) "
                f"en verschoven naar startjaren vanaf {self.ctx.ontwikkeling.last_data_year + 1}. "
                f"Vervang het door het eigen register (instelling "
                f"‘{parameter_label('register')}’)."
            )
        if reg.illustratief:
            return (f"ILLUSTRATIEF: het register {reg.bron} is als illustratief gemarkeerd; "
                    "de bedragen zijn geen echte begrotingscijfers.")
        return f"Register: {reg.bron} (opgegeven als parameter)."

    def register_tekort_note(self) -> str:
        """A note when the register file names its own deficit (this report does not use it)."""
        if self.register_source.tekort is None:
            return ""
        return ("Het register noemt zelf ook een tekort; dit rapport rekent met het tekort "
                f"hierboven (opgegeven met {EIGEN_TEKORT}, of gemeten in de CBS- en "
                "BZK-cijfers).")

    def register_box(self) -> Any:
        """The note on where the register comes from (orange when illustrative)."""
        return box(self.register_note, "illustratief" if self.register.illustratief else "info")

    # ------------------------------------------------------------------ simulation

    @cached_property
    def simulation_years(self) -> list[int]:
        """Years simulated: first startjaar to the last year of full effect."""
        hs = self.register.hefbomen
        first = min(h.startjaar for h in hs)
        last = max(h.startjaar + max(h.ingroei_jaren, 1) - 1 for h in hs)
        proj = self.ctx.ontwikkeling.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            last = max(last, int(proj.forecast["jaar"].max()))
        return list(range(first, last + 1))

    @cached_property
    def gap_target(self) -> GapTarget:
        """The gap to the gemeentefonds per simulated year (projected, or the last one held).

        Not the target of the simulation (that is :attr:`target`); the per-year alternative
        when a projection is possible (:func:`analysekit.analysis.gap_target.gap_target`).
        """
        tr = self.ctx.ontwikkeling.trajectory
        rows = tr.loc[(tr["domein"] == D.TOTAAL) & tr["tekort_eur"].notna()]
        if rows.empty:
            raise DataError(
                f"geen verschil met het gemeentefonds voor {self.p.gm_code}: tabel "
                "'gemeentefonds' heeft "
                "geen uitkering voor deze gemeente; verwacht: een uitkering in minstens één "
                "jaar van de tijdreeks"
            )
        proj = self.ctx.ontwikkeling.projection(D.TOTAAL, "tekort_eur")
        g = gap_target(rows, proj, self.simulation_years)
        if g.geprojecteerd:
            uitleg = f"geprojecteerd verschil met het gemeentefonds ({proj.message})"
        else:
            sd = g.per_jaar[self.simulation_years[0]][1] if g.per_jaar else 0.0
            why_sd = (f"met als onzekerheid (standaardafwijking) het verschil tussen begroting "
                      f"en jaarrekening in {g.sd_jaar}: {eur(sd, compact=True)}"
                      if g.sd_jaar is not None else
                      "zonder onzekerheidsmarge (er is geen jaar met begroting én jaarrekening)")
            uitleg = (
                f"Een projectie is niet mogelijk: er zijn {g.n_points} waarnemingsjaren "
                f"({', '.join(map(str, g.jaren))}) en voor een trend met onzekerheidsmarge zijn "
                f"er minstens vier nodig. Daarom is aangenomen dat het verschil met het "
                f"gemeentefonds van {g.laatste_jaar} ({g.laatste_verslagsoort}) gelijk blijft: "
                f"{eur(g.laatste_tekort, compact=True)}, {why_sd}."
            )
        return dataclasses.replace(g, uitleg=uitleg)

    @cached_property
    def target(self) -> R.Target:
        """The deficit the hefbomen are set against (:func:`register.choose_target`).

        In order: the ``tekort_eur`` parameter; else the first positive lens of the
        gemeente (overrun jaarrekening − begroting, gap to the peers' median, gap to the
        gemeentefonds); else no target.
        """
        given = self.p.tekort_eur
        lz = self.ctx.lenzen
        tr = self.ctx.ontwikkeling.trajectory
        peer = self.ctx.positie.benchmark.savings if lz.geleverd else None
        return R.choose_target(tr, tekort_eur=given, peer_gap_eur=peer,
                               structureel=self._structureel())

    def _structureel(self) -> pd.Series | None:
        """The measured structural overrun of the total (issue 17), None without the series."""
        o = self.ctx.ontwikkeling
        if self.p.tekort_eur is not None:
            return None
        if not o.heeft_reeks or D.TOTAAL not in o.persistentie.index:
            return None
        return o.persistentie.loc[D.TOTAAL]

    @cached_property
    def simulation(self) -> R.MonteCarloResult:
        """Seeded Monte Carlo of the register against :attr:`target` (none: no probability)."""
        return R.simulate(self.register, deficit=self.target, years=self.simulation_years,
                          n_draws=self.p.n_draws, seed=self.p.seed)

    def target_sentence(self) -> str:
        """Dutch sentences: which deficit the hefbomen are set against, and why that one."""
        t = self.target
        volgorde = ("in deze volgorde: de structurele overschrijding op de lasten (minstens 3 "
                    "van de laatste 4 jaren boven de begroting), de overschrijding "
                    "(jaarrekening − begroting van "
                    "hetzelfde jaar), het verschil met de mediaan van vergelijkbare gemeenten, "
                    "het verschil met het gemeentefonds")
        if t.kind == "opgegeven":
            return (f"De hefbomen zijn gezet tegen het **opgegeven tekort van "
                    f"{eur(t.amount, compact=True)} per jaar** ({EIGEN_TEKORT}), in elk "
                    "gesimuleerd jaar gelijk.")
        names = {"structureel": "structurele overschrijding op de lasten",
                 "overschrijding": "overschrijding jaarrekening − begroting",
                 "peers_mediaan": "verschil met de mediaan van vergelijkbare gemeenten",
                 "gemeentefonds": "verschil met het gemeentefonds"}
        tried = "; ".join(
            f"{names.get(k, k)}: "
            f"{eur(v, compact=True, sign=True) if finite(v) else 'niet te berekenen'}"
            for k, v in t.tried)
        if not t.has_target:
            return (f"**Geen tekort om te dekken.** Geen van de maatstaven toont voor "
                    f"{self.naam_kort} een tekort ({tried}; {SIGN_KEY}). Daarom staat hieronder "
                    "wat de hefbomen opleveren, zonder kans dat een tekort gedekt wordt. Geef "
                    f"een eigen tekort op met {EIGEN_TEKORT}, bijvoorbeeld uit de eigen "
                    "begroting.")
        bedrag = eur(t.amount, compact=True)
        wat = {
            "structureel": "de **structurele overschrijding op de lasten**: "
                           + t.label.split(": ", 1)[-1],
            "overschrijding": f"de **overschrijding**: de jaarrekening {t.jaar} kwam {bedrag} "
                              "hoger uit dan de begroting van dat jaar",
            "peers_mediaan": f"het **verschil met de mediaan van vergelijkbare gemeenten**: "
                             f"{self.naam_kort} heeft {bedrag} meer netto lasten "
                             f"({self.p.basis})",
            "gemeentefonds": f"het **verschil met het gemeentefonds** in {t.jaar}: {bedrag} meer "
                             "netto lasten dan het objectieve budget",
        }[t.kind]
        uitleg = (f" De maatstaven ervoor toonden geen tekort ({tried})." if len(t.tried) > 1
                  else "")
        aard = ("Het is gemeten over meerdere jaren; de spreiding over die jaren is de "
                "onzekerheid van het tekort in de simulatie. Het gaat om de lasten, niet om "
                "netto: lasten boven de begroting zijn deels gedekt door hogere baten (zoals "
                "een rijksbijdrage die in de loop van het jaar binnenkwam), dus dit bedrag is "
                "een bovengrens. " if t.kind == "structureel" else
                "Het is het cijfer van één jaar, in elk gesimuleerd jaar gelijk gehouden, "
                "zonder onzekerheidsmarge: of het tekort ook in andere jaren optreedt, is niet "
                "gemeten. ")
        return (f"De hefbomen zijn gezet tegen een tekort van **{bedrag} per jaar**: {wat}. "
                f"Gekozen is de eerste maatstaf die een tekort toont, {volgorde}.{uitleg} "
                f"{aard}Een eigen tekort kan worden opgegeven met {EIGEN_TEKORT}.")

    @cached_property
    def simulation_summary(self) -> pd.Series:
        """The :meth:`MonteCarloResult.summary` row of the last simulated year."""
        return self.simulation.summary().iloc[-1]

    @cached_property
    def tornado(self) -> pd.DataFrame:
        """Tornado table of the last simulated year (shared for the shipped register)."""
        if not self.register_is_default:
            return self.simulation.tornado()
        years, n, seed = self.simulation_years, self.p.n_draws, self.p.seed
        shift, src = self.template_shift, self.register_source
        key = f"tornado_{src.bron}_{shift}_{years[0]}_{years[-1]}_{n}_{seed}"

        def compute() -> pd.DataFrame:
            reg = examples.adapt_register(src, 1.0, shift)
            return R.simulate(reg, years=years, n_draws=n, seed=seed).tornado()

        out = shared(key, compute).copy()
        for c in ("laag", "hoog", "zwaai", "basis"):
            out[c] = out[c] * self.template_factor
        return out

    def tornado_figure(self, top: int = 12) -> Any:
        """Tornado chart of the last simulated year (Dutch axis), labelled when illustrative."""
        return R.plot_tornado_table(self.tornado, int(self.simulation.years[-1]),
                                    self.register.illustratief, top)

    def savings_figure(self) -> Any:
        """Fan chart of the simulated savings against the deficit, named for what it is."""
        return self.simulation.plot()

    # ------------------------------------------------------------------ tables

    @cached_property
    def register_display(self) -> pd.DataFrame:
        """The register as a Dutch table."""
        rows = []
        for h in self.register.hefbomen:
            risks = "; ".join(R.risk_text(r) for r in h.risicos) if h.risicos else "–"
            rows.append({
                "hefboom": h.naam,
                "domein": h.domein,
                "besparing per jaar (min – waarschijnlijk – max)":
                    f"{eur(h.besparing_min, compact=True)} – "
                    f"{eur(h.besparing_waarschijnlijk, compact=True)} – "
                    f"{eur(h.besparing_max, compact=True)}",
                "kans": kans(h.kans),
                "start (ingroei)": f"{h.startjaar} ({h.ingroei_jaren} jr)",
                "eigenaar": h.eigenaar,
                "risico's": risks,
            })
        return pd.DataFrame(rows)

    def register_summary_display(self) -> pd.DataFrame:
        """The register per domein: levers, most likely and expected amounts, shared risks."""
        rows = []
        for dom in DOMEINEN:
            hs = [h for h in self.register.hefbomen if h.domein == dom]
            if not hs:
                continue
            risks: dict[str, int] = {}
            for h in hs:
                for r in h.risicos:
                    if r.quantified:
                        risks[r.naam] = risks.get(r.naam, 0) + 1
            top = sorted(risks, key=lambda k: (-risks[k], k))[:2]
            rows.append({
                "domein": dom,
                "hefbomen": len(hs),
                "waarschijnlijke besparing bij volledig effect": eur(
                    sum(h.besparing_waarschijnlijk for h in hs), compact=True),
                "× kans op realisatie": eur(sum(h.kans * h.besparing_waarschijnlijk for h in hs),
                                            compact=True),
                "eerste start": min(h.startjaar for h in hs),
                "belangrijkste risico's": "; ".join(top) if top else "–",
            })
        return pd.DataFrame(rows)

    def simulation_display(self) -> pd.DataFrame:
        """Per simulated year: P10/P50/P90 of the savings, the gap and P(gap closed)."""
        s = self.simulation.summary()
        out = pd.DataFrame({
            "jaar": s["jaar"].astype(int),
            "besparing P10": [eur(v, compact=True) for v in s["besparing_p10"]],
            "P50": [eur(v, compact=True) for v in s["besparing_p50"]],
            "P90": [eur(v, compact=True) for v in s["besparing_p90"]],
        })
        if "tekort_verwacht" in s and s["tekort_verwacht"].notna().any():
            # the target itself (the draws' mean differs from it by Monte Carlo noise)
            t = self.target
            out["tekort (vast)" if t.vast else "tekort (verwacht)"] = [
                eur(t.amount, compact=True) if finite(v) else "–" for v in s["tekort_verwacht"]]
            if not t.vast:
                lo, hi = t.amount - 1.2816 * t.sd, t.amount + 1.2816 * t.sd
                out["tekort P10–P90"] = [
                    f"{eur(lo, compact=True)} – {eur(hi, compact=True)}" if finite(v) else "–"
                    for v in s["tekort_verwacht"]]
            n = self.simulation.n_draws
            k = [R.kans_precisie(p, se, n) for p, se in
                 zip(s["kans_tekort_gedekt"], s["kans_tekort_gedekt_se"], strict=True)]
            out["kans tekort gedekt"] = [a for a, _ in k]
            out["Monte-Carlo-standaardfout"] = [
                b if b.startswith("±") or b == "–" else
                f"{getal(0 if p == 0 else n)} van {getal(n)} trekkingen (regel van drie)"
                for (_, b), p in zip(k, s["kans_tekort_gedekt"], strict=True)]
        return out

    def tornado_display(self, top: int = 8) -> pd.DataFrame:
        """The largest drivers of the spread in savings (Dutch table)."""
        t = self.tornado.head(top)
        return pd.DataFrame({
            "soort": t["soort"],
            "naam": t["naam"],
            "laag": [eur(v, compact=True) for v in t["laag"]],
            "hoog": [eur(v, compact=True) for v in t["hoog"]],
            "zwaai": [eur(v, compact=True) for v in t["zwaai"]],
        })

    def scenario_sentence(self) -> str:
        """Dutch sentences on the Monte Carlo: P10/P50/P90 against the gap, P(closed)."""
        s = self.simulation_summary
        y = int(s["jaar"])
        pre = "ILLUSTRATIEF: " if self.register.illustratief else ""
        text = (
            f"{pre}Met {getal(self.simulation.n_draws)} trekkingen (seed {self.p.seed}) leveren "
            f"de {len(self.register.hefbomen)} hefbomen in {y} samen P10 "
            f"{eur(s['besparing_p10'], compact=True)}, P50 {eur(s['besparing_p50'], compact=True)} "
            f"en P90 {eur(s['besparing_p90'], compact=True)} op (nominaal potentieel "
            f"{eur(self.register.potentieel, compact=True)})."
        )
        if self.target.has_target and finite(s.get("kans_tekort_gedekt")):
            n = self.simulation.n_draws
            text += (f" De kans dat de hefbomen in {y} het tekort van "
                     f"{eur(self.target.amount, compact=True)} dekken, is "
                     f"**{R.kans_zin(s['kans_tekort_gedekt'], s['kans_tekort_gedekt_se'], n)}**.")
            p_all = self.simulation.summary()["kans_tekort_gedekt"]
            last = float(s["kans_tekort_gedekt"])
            if ((p_all == 0) | (p_all == 1)).any() and 0.0 < last < 1.0:
                text += (" In de jaren waarin geen enkele trekking het tekort dekt, staat in de "
                         "tabel een bovengrens in plaats van 0%: met 95% zekerheid is de kans "
                         f"kleiner dan 3 op {getal(n)} (de regel van drie).")
        elif not self.target.has_target:
            text += " Er is geen tekort om te dekken, dus ook geen kans om te noemen."
        return text
