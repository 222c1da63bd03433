"""Section *lenzen*: the three lenses of the gemeente (net cost, structural gap, overrun)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.errors import ParameterError
from analysekit.nl import GEEN_GEGEVENS, ONTBREEKT, eur, finite, getal, pct, teken
from analysekit.reporting.cache import shared
from analysekit.reporting.display import box, opsomming
from analysekit.reporting.sections import Section
from analysekit.reporting.sections.labels import bron_label, circulaire_label, kenmerk_label
from analysekit.vocab import DOMEINEN

#: The sign key of every gap column and sentence.
SIGN_KEY = "tekort (+) / overschot (−)"


def nearest_cell(cells: list[tuple[int, str]], jaar: int, verslagsoort: str
                 ) -> tuple[int, str] | None:
    """The delivered (jaar, verslagsoort) nearest to the requested one.

    Same year first (the other verslagsoort), then the nearest year with the same
    verslagsoort, then any; later years before earlier ones at equal distance.
    """
    if not cells:
        return None
    return min(cells, key=lambda c: (abs(c[0] - jaar), c[1] != verslagsoort, -c[0]))


class Lenzen(Section):
    """Net cost, structural gap against the gemeentefonds and overrun vs begroting."""

    @cached_property
    def deficits_all(self) -> pd.DataFrame:
        """The three lenses for all gemeenten in ``jaar`` (shared).

        Gemeenten without a real submission keep their rows with NaN amounts and
        ``geleverd`` False (table ``iv3_levering``): missing is not zero.
        """
        return self.lenses_for(self.p.jaar, self.p.verslagsoort)

    def lenses_for(self, jaar: int, verslagsoort: str) -> pd.DataFrame:
        """:func:`deficits.deficits_all` of one jaar × verslagsoort, all gemeenten (shared)."""
        t = self.tables
        lev = self.levering
        return shared(
            f"deficits_all_{jaar}_{verslagsoort}",
            lambda: D.deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                   t["gemeentefonds"], jaar, verslagsoort=verslagsoort,
                                   levering=lev),
        )

    # ------------------------------------------------------------------ delivery

    def cells(self, geleverd: bool = True) -> list[tuple[int, str]]:
        """(jaar, verslagsoort) of the gemeente that it did (or did not) deliver."""
        lev = self.levering
        r = lev.loc[(lev["gm_code"] == self.p.gm_code) & (lev["geleverd"] == geleverd)]
        return sorted((int(j), str(v)) for j, v in zip(r["jaar"], r["verslagsoort"],
                                                        strict=True))

    def effective_cell(self) -> tuple[int, str] | None:
        """The (jaar, verslagsoort) the report uses: the requested one if delivered.

        Otherwise the nearest delivered one (:func:`nearest_cell`); None when the
        gemeente delivered nothing at all (the report then says so and leaves the
        amounts out).
        """
        want = (self.p.jaar, self.p.verslagsoort)
        done = self.cells(True)
        if want in done or not done:
            return want
        return nearest_cell(done, *want)

    @property
    def gevraagd(self) -> tuple[int, str]:
        """The (jaar, verslagsoort) the user asked for (differs when it was not delivered)."""
        return getattr(self.ctx, "gevraagd", None) or (self.p.jaar, self.p.verslagsoort)

    @property
    def geleverd(self) -> bool:
        """True when the gemeente delivered the figures this report is based on."""
        return bool(self.lens()["geleverd"])

    def missing_note(self) -> str:
        """Dutch note on what the gemeente did not deliver and what the report uses instead.

        Empty when the requested jaarrekening/begroting was delivered.
        """
        jaar, vs = self.gevraagd
        naam = self.naam_kort
        if (jaar, vs) == (self.p.jaar, self.p.verslagsoort) and self.geleverd:
            return ""
        text = (f"{naam} heeft over {jaar} geen {vs} aan CBS geleverd ({GEEN_GEGEVENS}): in de "
                f"Iv3-gegevens van CBS zijn alle lasten en baten van {naam} voor de {vs} "
                f"{jaar} nul of leeg. Dat is een ontbrekende opgave, geen uitgave van nul euro.")
        if self.geleverd:
            text += (f" Dit rapport gebruikt daarom de {self.p.basis}, de dichtstbijzijnde "
                     f"opgave die er wel is, en vergelijkt die met de {self.p.basis} van de "
                     "andere gemeenten.")
        else:
            text += (" Er is ook geen andere opgave; de onderdelen met bedragen, rangen en "
                     "vergelijkingen vallen daarom weg.")
        other = [f"{v} {j}" for j, v in self.cells(False) if (j, v) != (jaar, vs)]
        if other:
            text += f" Ook de {opsomming(other)} ontbreken."
        return text

    def missing_box(self) -> Any:
        """:meth:`missing_note` as a blue box (None when nothing is missing)."""
        note = self.missing_note()
        return box(note, "info") if note else None

    def check(self) -> None:
        """The gemeente must have Iv3 data in ``jaar``.

        Raises:
            ParameterError: It has none (it did not exist in that year's indeling).
        """
        if not (self.deficits_all["gm_code"] == self.p.gm_code).any():
            raise ParameterError(
                f"gemeente {self.p.naam} ({self.p.gm_code}) heeft geen Iv3-gegevens over "
                f"{self.p.jaar}: zij bestond niet in de indeling van dat jaar; "
                "verwacht: een jaar waarin zij bestond"
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
            uj = d["gf_uitkeringsjaar"].iloc[0]
            anders = "" if bool(d["gf_zelfde_jaar"].iloc[0]) else " (ander jaar!)"
            out = pd.DataFrame({
                "domein": d["domein"],
                f"netto lasten ({self.p.basis})": [eur(v, compact=True) for v in d["netto_eur"]],
                f"gemeentefonds {uj}{anders}": [eur(v, compact=True) for v in d["gf_eur"]],
                SIGN_KEY: [eur(v, compact=True, sign=True) for v in d["tekort_eur"]],
                "per inwoner": [eur(v, sign=True) for v in d["tekort_per_inwoner"]],
                f"jaarrekening − begroting {jaar}": [
                    f"{eur(v, compact=True, sign=True)} ({pct(q, 1, sign=True)})" if finite(v)
                    else ONTBREEKT
                    for v, q in zip(d["overschrijding_eur"], d["overschrijding_pct"],
                                    strict=True)],
            })
            if d["overschrijding_eur"].isna().all():
                out = out.drop(columns=f"jaarrekening − begroting {jaar}")
            return out
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
        raise ParameterError(
            f"kind {kind!r} is onbekend; verwacht: kosten, tekort of overschrijding"
        )

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

    def noemers_display(self) -> pd.DataFrame:
        """The denominators of the per-person figures: what, year and CBS/BZK table."""
        d = self.deficits.reset_index()
        bronnen = self.kenmerk_bronnen
        titels = self.ctx.bronnen.titels
        rows = [{"bedrag per": "inwoner", "gegeven": kenmerk_label("inwoners"),
                 "jaar": str(int(d["noemer_jaar_inwoners"].iloc[0]))
                 if finite(d["noemer_jaar_inwoners"].iloc[0]) else ONTBREEKT,
                 "bron": bron_label(bronnen.get(("inwoners", int(d["noemer_jaar_inwoners"]
                                                              .iloc[0])), "70072ned")
                                    if finite(d["noemer_jaar_inwoners"].iloc[0]) else "70072ned",
                                    titels)}]
        labels = {n.label: n.kenmerk for ns in D.NOEMERS.values() for n in ns}
        seen: set[str] = set()
        for lab_col, ken_col, year_col in (("doelgroep", "doelgroep_kenmerk",
                                            "noemer_jaar_doelgroep"),
                                           ("clienten_soort", "clienten_kenmerk",
                                            "noemer_jaar_clienten")):
            for dom, lab, ken, yr in zip(d["domein"], d[lab_col], d[ken_col], d[year_col],
                                         strict=True):
                if not isinstance(lab, str) or lab in seen or pd.isna(yr):
                    continue
                seen.add(lab)
                kenmerk = labels.get(str(ken), str(ken))
                bron = bronnen.get((kenmerk, int(yr)))
                rows.append({
                    "bedrag per": f"{lab} ({dom})",
                    "gegeven": kenmerk_label(kenmerk),
                    "jaar": str(int(yr)),
                    "bron": bron_label(bron, titels) if bron else ONTBREEKT,
                })
        return pd.DataFrame(rows)

    def noemers_note(self) -> str:
        """Dutch note on the denominators (the table :meth:`noemers_display` has the details)."""
        return (f"Waardoor de bedragen per persoon zijn gedeeld, uit welk jaar en uit welke "
                f"tabel staat in de tabel hieronder. Elk gegeven komt uit het jaar dat het "
                f"dichtst bij {self.p.jaar} ligt; gegevens uit een ander jaar, en aantallen "
                "die uit een percentage of een aantal per 1.000 inwoners zijn teruggerekend, "
                "zijn benaderingen.")

    # ------------------------------------------------------------------ gemeentefonds

    @cached_property
    def gf_methods_all(self) -> pd.DataFrame:
        """The kit's and the BZK lens side by side, all gemeenten (shared)."""
        from analysekit.analysis.gemeentefonds_gap import compare_methods

        t = self.tables
        jaar, vs = self.p.jaar, self.p.verslagsoort
        lev = self.levering
        return shared(
            f"gf_methods_{jaar}_{vs}",
            lambda: compare_methods(t["iv3"], t["gemeentefonds"], jaar, vs,
                                    gemeenten=t["gemeenten"], levering=lev),
        )

    @cached_property
    def gf_methods(self) -> pd.DataFrame:
        """:attr:`gf_methods_all` for the gemeente, the four clusters plus the total."""
        c = self.gf_methods_all
        c = c.loc[c["gm_code"] == self.p.gm_code].set_index("domein")
        num = [k for k in c.columns if k.endswith("_eur")]
        tot = c[num].sum(min_count=4).to_frame(D.TOTAAL).T
        for k in ("gf_label", "geleverd"):
            tot[k] = c[k].iloc[0] if len(c) else None
        return pd.concat([c, tot[[k for k in c.columns if k in tot.columns]]])

    @property
    def gf_zelfde_jaar(self) -> bool:
        """True when the gemeentefonds is of the same uitkeringsjaar as the costs."""
        return bool(self.lens()["gf_zelfde_jaar"])

    @property
    def gf_wie(self) -> str:
        """``gemeentefonds 2024 (septembercirculaire 2024)``."""
        tot = self.lens()
        return (f"gemeentefonds {tot['gf_uitkeringsjaar']} "
                f"({circulaire_label(tot['gf_circulaire'])})")

    def gf_methods_display(self) -> pd.DataFrame:
        """The gap per cluster by the kit's mapping and by the BZK method, one sign key."""
        c = self.gf_methods
        order = [d for d in (*DOMEINEN, D.TOTAAL) if d in c.index]
        c = c.loc[order]
        uj = self.lens()["gf_uitkeringsjaar"]
        return pd.DataFrame({
            "domein": order,
            f"gemeentefonds {uj}": [eur(v, compact=True) for v in c["gf_eur"]],
            "netto lasten, indeling kit": [eur(v, compact=True) for v in c["netto_kit_eur"]],
            f"kit: {SIGN_KEY}": [eur(v, compact=True, sign=True) for v in c["tekort_kit_eur"]],
            "netto lasten, indeling BZK": [eur(v, compact=True) for v in c["netto_bzk_eur"]],
            f"BZK: {SIGN_KEY}": [eur(v, compact=True, sign=True) for v in c["tekort_bzk_eur"]],
            f"BZK met overhead: {SIGN_KEY}": [eur(v, compact=True, sign=True)
                                              for v in c["tekort_bzk_overhead_eur"]],
        })

    def gf_methods_note(self) -> str:
        """Dutch note under the method table: how the two mappings differ, and where to read."""
        return (
            "Twee manieren om de netto lasten naast het gemeentefonds te leggen. De **kit** "
            "telt alleen de taakvelden van hoofdtaakveld 6 (sociaal domein). De "
            "**begrotingsanalyse van BZK** telt ook taakveld 7.1 Volksgezondheid (GGD, "
            "jeugdgezondheidszorg) bij Sociale basisvoorzieningen, zoals de cluster van het "
            "gemeentefonds, en kan de overhead (taakveld 0.4) naar het aandeel in de "
            "salarissen over de clusters verdelen; het gemeentefonds is een norm *inclusief* "
            "overhead. Het verschil tussen de twee staat in de methodebeschrijving van "
            f"analysekit (docs/deficits.md). Teken: {SIGN_KEY}."
        )

    def gap_sentence(self, kort: bool = False) -> str:
        """Dutch sentence on the gap against the gemeentefonds of the sociaal domein.

        Args:
            kort: For the summary: a mismatched year is never a headline, only named.
        """
        tot = self.lens()
        jaar = self.p.jaar
        if not self.geleverd:
            return (f"Een vergelijking met het gemeentefonds is niet mogelijk: er zijn geen "
                    f"Iv3-gegevens over {self.p.basis} ({GEEN_GEGEVENS}).")
        gap = tot["tekort_eur"]
        if not finite(gap):
            return (f"Voor {jaar} zijn er geen gemeentefondsgegevens om de lasten mee te "
                    "vergelijken.")
        uj = tot["gf_uitkeringsjaar"]
        if not self.gf_zelfde_jaar:
            if kort:
                return (f"Een vergelijking met het gemeentefonds van hetzelfde jaar is voor "
                        f"{jaar} niet mogelijk: uitkeringsjaar {jaar} staat niet in de gegevens. "
                        f"De vergelijking met uitkeringsjaar {uj} staat bij de uitgangssituatie, "
                        "als indicatie.")
            intro = (f"**Let op: ander jaar.** Het gemeentefonds voor uitkeringsjaar {jaar} staat "
                     f"niet in de gegevens. Hieronder staan de netto lasten van {jaar} daarom "
                     f"naast het {self.gf_wie}: een indicatie, geen tekort van {jaar}. Het fonds "
                     "groeit van jaar op jaar, dus deze vergelijking neigt naar een overschot. ")
        else:
            intro = f"Netto lasten ({self.p.basis}) tegenover het {self.gf_wie}: "
        gap_pi = tot["tekort_per_inwoner"]
        body = (f"{'V' if intro.endswith('. ') else 'v'}olgens de indeling van de kit een "
                f"**{teken(gap)} van "
                f"{eur(abs(gap), compact=True)}** ({eur(abs(gap_pi))} per inwoner; "
                f"{SIGN_KEY}: {eur(gap, compact=True, sign=True)}).")
        if kort:
            return intro + body
        c = self.gf_methods
        if D.TOTAAL in c.index:
            b, bo = c.loc[D.TOTAAL, "tekort_bzk_eur"], c.loc[D.TOTAAL, "tekort_bzk_overhead_eur"]
            if finite(b) and finite(bo):
                body += (f" Met de indeling van de begrotingsanalyse van BZK is dat "
                         f"{eur(b, compact=True, sign=True)}, en met de overhead meegeteld "
                         f"{eur(bo, compact=True, sign=True)}.")
        return (intro + body + " Het gemeentefonds is niet geoormerkt: dit is een vergelijking "
                "met een norm, geen boekhoudkundig tekort.")

    def same_year_gap(self) -> dict[str, Any] | None:
        """The nearest delivered year whose costs *can* be set against the same-year fund.

        Used when the report's own year has no gemeentefonds of that uitkeringsjaar
        (jaarrekening 2023 on the mirror): the summary then names a same-year comparison
        that does exist (e.g. begroting 2024 against uitkeringsjaar 2024), never the
        mismatched one.

        Returns:
            ``jaar``, ``verslagsoort``, ``tekort_eur``, ``tekort_per_inwoner``,
            ``tekort_bzk_overhead_eur`` and ``gf`` (which fund), or None when no delivered
            year of this gemeente has its own uitkeringsjaar in the data.
        """
        if self.gf_zelfde_jaar:
            return None
        from analysekit.analysis.gemeentefonds_gap import compare_methods

        t, lev = self.tables, self.levering
        jaar = self.p.jaar
        for j, vs in sorted(self.cells(True), key=lambda c: (abs(c[0] - jaar), c[1])):
            if j == jaar:
                continue
            d = self.lenses_for(j, vs)
            row = d.loc[(d["gm_code"] == self.p.gm_code) & (d["domein"] == D.TOTAAL)]
            if row.empty or not bool(row["gf_zelfde_jaar"].iloc[0]):
                continue
            r = row.iloc[0]
            if not finite(r["tekort_eur"]):
                continue
            c = shared(f"gf_methods_{j}_{vs}",
                       lambda j=j, vs=vs: compare_methods(t["iv3"], t["gemeentefonds"], j, vs,
                                                          gemeenten=t["gemeenten"],
                                                          levering=lev))
            own = c.loc[c["gm_code"] == self.p.gm_code, "tekort_bzk_overhead_eur"]
            return {
                "jaar": j, "verslagsoort": vs, "tekort_eur": float(r["tekort_eur"]),
                "tekort_per_inwoner": float(r["tekort_per_inwoner"]),
                "tekort_bzk_overhead_eur": float(own.sum(min_count=1)),
                "gf": (f"gemeentefonds {r['gf_uitkeringsjaar']} "
                       f"({circulaire_label(r['gf_circulaire'])})"),
            }
        return None

    def same_year_gap_sentence(self) -> str:
        """Dutch sentence on :meth:`same_year_gap` (empty when there is none)."""
        g = self.same_year_gap()
        if g is None:
            return ""
        plan = " (het plan)" if g["verslagsoort"] == "begroting" else ""
        text = (f"Wel op hetzelfde jaar te vergelijken: de {g['verslagsoort']} {g['jaar']}{plan} "
                f"tegenover het {g['gf']} geeft volgens de indeling van de kit een "
                f"**{teken(g['tekort_eur'])} van {eur(abs(g['tekort_eur']), compact=True)}** "
                f"({eur(abs(g['tekort_per_inwoner']))} per inwoner)")
        if finite(g["tekort_bzk_overhead_eur"]):
            text += (f"; met de methode van de begrotingsanalyse van BZK, overhead meegeteld, "
                     f"{eur(g['tekort_bzk_overhead_eur'], compact=True, sign=True)}")
        return text + f" ({SIGN_KEY})."

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
        if not self.geleverd or not finite(tot["netto_eur"]):
            return (f"Over {self.p.basis} zijn er voor {self.naam_kort} geen Iv3-gegevens "
                    f"({GEEN_GEGEVENS}); netto lasten en de vergelijking met andere gemeenten "
                    "ontbreken daarom.")
        med = float(self.median_all[D.TOTAAL])
        diff = 100.0 * (float(tot["netto_per_inwoner"]) / med - 1.0)
        werkwoord = "besteedde" if self.p.verslagsoort == "jaarrekening" else "begrootte"
        n = int(self.deficits_all.loc[self.deficits_all["domein"] == D.TOTAAL,
                                      "geleverd"].sum())
        return (
            f"{self.naam_kort} ({getal(self.inwoners)} inwoners) {werkwoord} in {self.p.jaar} "
            f"netto **{eur(tot['netto_eur'], compact=True)}** aan het sociaal domein "
            f"({self.p.basis}): **{eur(tot['netto_per_inwoner'])} per inwoner**, "
            f"{pct(abs(diff))} {'meer' if diff > 0 else 'minder'} dan de mediaan van de "
            f"{n} gemeenten met een {self.p.verslagsoort} {self.p.jaar} ({eur(med)})."
        )
