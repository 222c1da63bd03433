"""Section *lenzen*: the three lenses of the gemeente (net cost, structural gap, overrun)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.errors import ParameterError
from analysekit.nl import ONTBREEKT, eur, finite, getal, pct
from analysekit.reporting.cache import shared
from analysekit.reporting.sections import Section
from analysekit.vocab import DOMEINEN


class Lenzen(Section):
    """Net cost, structural gap against the gemeentefonds and overrun vs begroting."""

    @cached_property
    def deficits_all(self) -> pd.DataFrame:
        """The three lenses for all gemeenten in ``jaar`` (shared)."""
        t = self.tables
        jaar, vs = self.p.jaar, self.p.verslagsoort
        return shared(
            f"deficits_all_{jaar}_{vs}",
            lambda: D.deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                   t["gemeentefonds"], jaar, verslagsoort=vs),
        )

    def check(self) -> None:
        """The gemeente must have Iv3 data in ``jaar``.

        Raises:
            ParameterError: It has none (it did not exist in that year's indeling).
        """
        if not (self.deficits_all["gm_code"] == self.p.gm_code).any():
            raise ParameterError(
                f"gemeente {self.p.naam} ({self.p.gm_code}) has no Iv3 data for {self.p.jaar}; "
                "it did not exist in that year's indeling"
            )

    @cached_property
    def deficits(self) -> pd.DataFrame:
        """The three lenses of the gemeente, one row per domein plus the total, by domein."""
        return D.for_gemeente(self.deficits_all, self.p.gm_code).set_index("domein")

    def lens(self, domein: str = D.TOTAAL) -> pd.Series:
        """One row of :attr:`deficits` (default: the sociaal domein total)."""
        return self.deficits.loc[domein]

    @cached_property
    def inwoners(self) -> int:
        """Inwoners of the gemeente (the denominator of the per-inwoner figures)."""
        return int(self.lens()["inwoners"])

    @cached_property
    def median_all(self) -> pd.Series:
        """Median per domein over all gemeenten of the net cost per inwoner."""
        return self.deficits_all.groupby("domein")["netto_per_inwoner"].median()

    @cached_property
    def taakvelden(self) -> pd.DataFrame:
        """Net cost per taakveld behind each domein for the gemeente in ``jaar``."""
        t = self.tables
        jaar, vs = self.p.jaar, self.p.verslagsoort

        def compute() -> pd.DataFrame:
            iv3 = t["iv3"]
            if vs == "begroting":
                iv3 = iv3.loc[iv3["verslagsoort"] == "begroting"]
            return D.taakveld_breakdown(iv3, jaar)

        alle = shared(f"taakvelden_{jaar}_{vs}", compute)
        return alle.loc[alle["gm_code"] == self.p.gm_code].reset_index(drop=True)

    def map_values(self, domein: str = D.TOTAAL) -> pd.DataFrame:
        """gm_code and net cost per inwoner of one domein for all gemeenten (for a map)."""
        d = self.deficits_all
        return d.loc[d["domein"] == domein, ["gm_code", "netto_per_inwoner"]]

    # ------------------------------------------------------------------ tables

    def lens_display(self, kind: str = "kosten") -> pd.DataFrame:
        """The three lenses per domein as a Dutch table.

        Args:
            kind: ``"kosten"`` (net cost: total, per inwoner, per doelgroep, per cliënt),
                ``"tekort"`` (gemeentefonds, structural gap, overrun) or
                ``"overschrijding"`` (begroting vs jaarrekening).
        """
        d = self.deficits.reset_index()
        jaar = self.p.jaar
        if kind == "kosten":
            def per(v: Any, label: Any) -> str:
                return f"{eur(v)} per {label}" if finite(v) and isinstance(label, str) \
                    else ONTBREEKT

            return pd.DataFrame({
                "domein": d["domein"],
                f"netto lasten ({self.p.basis})": [eur(v, compact=True) for v in d["netto_eur"]],
                "per inwoner": [eur(v) for v in d["netto_per_inwoner"]],
                "per doelgroep": [per(v, lab) for v, lab in
                                  zip(d["netto_per_doelgroep"], d["doelgroep"], strict=True)],
                "per cliënt": [per(v, lab) for v, lab in
                               zip(d["netto_per_client"], d["clienten_soort"], strict=True)],
            })
        if kind == "tekort":
            return pd.DataFrame({
                "domein": d["domein"],
                "netto lasten": [eur(v, compact=True) for v in d["netto_eur"]],
                "gemeentefonds": [eur(v, compact=True) for v in d["gf_eur"]],
                "tekort (+) / overschot (−)": [eur(v, compact=True) for v in d["tekort_eur"]],
                "tekort per inwoner": [eur(v) for v in d["tekort_per_inwoner"]],
                f"jaarrekening − begroting {jaar}": [
                    f"{eur(v, compact=True)} ({pct(q, 1, sign=True)})" if finite(v) else ONTBREEKT
                    for v, q in zip(d["overschrijding_eur"], d["overschrijding_pct"],
                                    strict=True)],
            })
        if kind == "overschrijding":
            return pd.DataFrame({
                "domein": d["domein"],
                f"begroting {jaar}": [eur(v, compact=True) for v in d["netto_begroting_eur"]],
                f"jaarrekening {jaar}": [eur(v, compact=True)
                                         for v in d["netto_jaarrekening_eur"]],
                "verschil": [eur(v, compact=True) for v in d["overschrijding_eur"]],
                "verschil %": [pct(v, 1, sign=True) for v in d["overschrijding_pct"]],
                "per inwoner": [eur(v) for v in d["overschrijding_per_inwoner"]],
            })
        raise ParameterError(f"kind {kind!r} unknown; expected kosten, tekort or overschrijding")

    def taakveld_display(self, top: int | None = None) -> pd.DataFrame:
        """Net cost per taakveld (largest first) as a Dutch table."""
        t = self.taakvelden.copy()
        t = t.reindex(t["netto_eur"].abs().sort_values(ascending=False).index)
        if top:
            t = t.head(top)
        return pd.DataFrame({
            "taakveld": t["taakveld"],
            "naam": t.get("taakveld_naam", t["taakveld"]),
            "domein": t["domein"],
            f"netto ({t['verslagsoort'].iloc[0] if len(t) else ''})": [
                eur(v, compact=True) for v in t["netto_eur"]],
            "aandeel in domein": [pct(v) for v in t["aandeel_domein"]],
            "jaarrekening − begroting": [eur(v, compact=True) for v in t["overschrijding_eur"]],
        })

    # ------------------------------------------------------------------ sentences

    def noemers_note(self) -> str:
        """Dutch note on the denominators used (kenmerk and year), read from the lenses."""
        d = self.deficits.reset_index()
        parts = [f"inwoners {int(d['noemer_jaar_inwoners'].iloc[0])}"]
        for lab_col, ken_col, year_col in (("doelgroep", "doelgroep_kenmerk",
                                            "noemer_jaar_doelgroep"),
                                           ("clienten_soort", "clienten_kenmerk",
                                            "noemer_jaar_clienten")):
            seen = set()
            for lab, ken, yr in zip(d[lab_col], d[ken_col], d[year_col], strict=True):
                if isinstance(lab, str) and lab not in seen and not pd.isna(yr):
                    seen.add(lab)
                    parts.append(f"{lab}: {ken}, {int(yr)}")
        return ("Noemers (kenmerk, jaar): " + "; ".join(parts) + ". Elk uit het jaar dat het "
                f"dichtst bij {self.p.jaar} ligt; oudere jaren en rates maal inwoners zijn "
                "benaderingen.")

    def gap_sentence(self) -> str:
        """Dutch sentence on the structural gap of the sociaal domein in ``jaar``."""
        tot = self.lens()
        gap, gap_pi = float(tot["tekort_eur"]), float(tot["tekort_per_inwoner"])
        circ = f"{tot['gf_circulaire']}, uitkeringsjaar {tot['gf_uitkeringsjaar']}"
        doms = self.deficits.loc[list(DOMEINEN), "tekort_eur"].dropna()
        if gap > 0:
            worst = doms.idxmax()
            return (
                f"Tegenover het objectieve budget uit het gemeentefonds ({circ}) heeft "
                f"{self.naam_kort} op het sociaal domein een **structureel tekort van "
                f"{eur(gap, compact=True)}** ({eur(gap_pi)} per inwoner); het grootste tekort "
                f"zit bij {worst} ({eur(doms[worst], compact=True)})."
            )
        best = doms.idxmin()
        return (
            f"De netto lasten liggen **{eur(-gap, compact=True)} onder** het objectieve budget "
            f"uit het gemeentefonds ({circ}; {eur(-gap_pi)} per inwoner): op deze maatstaf is er "
            f"geen structureel tekort. Het grootste verschil zit bij {best} "
            f"({eur(doms[best], compact=True)}). Het gemeentefonds is niet geoormerkt: dit is "
            "een vergelijking met een norm, geen boekhoudkundig tekort."
        )

    def overrun_sentence(self) -> str:
        """Dutch sentence on jaarrekening − begroting of ``jaar`` (or why it is missing)."""
        tot = self.lens()
        ov = tot["overschrijding_eur"]
        jaar = self.p.jaar
        if not finite(ov):
            return (f"Voor {jaar} zijn er niet zowel een begroting als een jaarrekening; "
                    "de overschrijding is daarom niet te berekenen.")
        doms = self.deficits.loc[list(DOMEINEN), "overschrijding_eur"].dropna()
        big = doms.abs().idxmax()
        richting = "hoger" if ov > 0 else "lager"
        return (
            f"De jaarrekening {jaar} kwam {eur(abs(ov), compact=True)} "
            f"({pct(abs(tot['overschrijding_pct']), 1)}) {richting} uit dan de begroting; het "
            f"grootste verschil zit bij {big} ({eur(doms[big], compact=True)})."
        )

    def cost_sentence(self) -> str:
        """Dutch sentence: net cost of the sociaal domein, per inwoner, vs all gemeenten."""
        tot = self.lens()
        med = float(self.median_all[D.TOTAAL])
        diff = 100.0 * (float(tot["netto_per_inwoner"]) / med - 1.0)
        werkwoord = "besteedde" if self.p.verslagsoort == "jaarrekening" else "begrootte"
        return (
            f"{self.naam_kort} ({getal(self.inwoners)} inwoners) {werkwoord} in {self.p.jaar} "
            f"netto **{eur(tot['netto_eur'], compact=True)}** aan het sociaal domein: "
            f"**{eur(tot['netto_per_inwoner'])} per inwoner**, {pct(abs(diff))} "
            f"{'meer' if diff > 0 else 'minder'} dan de mediaan van alle gemeenten "
            f"({eur(med)})."
        )
