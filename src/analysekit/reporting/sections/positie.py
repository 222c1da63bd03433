"""Section *positie*: distance-based peers, the classic group, position and savings potential."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.analysis import peers as PE
from analysekit.nl import GEEN_GEGEVENS, ONTBREEKT, eur, finite, getal
from analysekit.reporting.cache import shared
from analysekit.reporting.display import opsomming
from analysekit.reporting.gemeente_info import display_name
from analysekit.reporting.sections import Section
from analysekit.reporting.sections.labels import PEER_KENMERK_NL, bron_label, kenmerk_label
from analysekit.vocab import DOMEINEN


def klasse(label: Any) -> str:
    """``150000tot250000inwoners`` → ``150.000 tot 250.000 inwoners`` (CBS grootteklasse)."""
    text = str(label)
    m = re.fullmatch(r"(\d+)tot(\d+)inwoners", text)
    if m:
        return f"{getal(int(m.group(1)))} tot {getal(int(m.group(2)))} inwoners"
    m = re.fullmatch(r"minderdan(\d+)inwoners", text)
    if m:
        return f"minder dan {getal(int(m.group(1)))} inwoners"
    m = re.fullmatch(r"(\d+)inwonersofmeer", text)
    if m:
        return f"{getal(int(m.group(1)))} inwoners of meer"
    return text


def _grenzen(gdf: Any, year: int) -> Any:
    years = sorted(int(y) for y in gdf["jaar"].unique())
    chosen = year if year in years else max((y for y in years if y <= year), default=years[-1])
    return gdf.loc[gdf["jaar"] == chosen].to_crs(28992).reset_index(drop=True)


class Positie(Section):
    """Where the gemeente stands among comparable gemeenten."""

    @cached_property
    def peer_data(self) -> PE.PeerData:
        """Standardised peer characteristics of all gemeenten (shared).

        The indeling of ``jaar``, or the newest one before it (a begroting for a year whose
        indeling is not in table gemeenten yet, :func:`peers.peer_year`).
        """
        t = self.tables
        # shared, so that a warm report does not load the tables just to find the year
        jaar = shared(f"peer_year_{self.p.jaar}",
                      lambda: PE.peer_year(t["gemeenten"], self.p.jaar))
        return shared(f"peer_data_{jaar}",
                      lambda: PE.peer_data(t["kenmerken"], t["gemeenten"], jaar))

    @cached_property
    def selection(self) -> PE.PeerSelection:
        """Who may be a peer for the report's period: only gemeenten that delivered (shared).

        The one peer rule of the report: this section, prijs × volume and the ladder all
        select through it (:func:`peers.peer_selection`).
        """
        jaar, vs, data, lev = self.p.jaar, self.p.verslagsoort, self.peer_data, self.levering
        return shared(f"peer_selection_{jaar}_{vs}",
                      lambda: PE.peer_selection(jaar, vs, data=data, levering=lev))

    @cached_property
    def benchmark(self) -> PE.Benchmark:
        """Peers, classic group, position and savings potential (:func:`peers.benchmark`).

        The lenses are narrowed to the gemeente, its peers and its classic group first,
        so the position is computed on those rows only (cheap per report).
        """
        code, sel = self.p.gm_code, self.selection
        values = self.ctx.lenzen.deficits_all
        p = sel.peers(code, self.p.n_peers)
        kl = sel.klassiek(code)
        with_values = set(values["gm_code"].tolist())  # isin(Series) is ~9 ms on arrow strings
        kl = kl.loc[[c in with_values for c in kl["gm_code"].tolist()]]
        keep = {code, *p["gm_code"], *kl["gm_code"]}
        sub = values.loc[values["gm_code"].isin(keep)]
        position = PE.position(sub, code, p, "netto_per_inwoner")
        return PE.Benchmark(
            gm_code=code, jaar=self.p.jaar, peers=p, klassiek=kl,
            position=position,
            position_klassiek=(PE.position(sub, code, kl, "netto_per_inwoner") if len(kl)
                               else pd.DataFrame()),
            savings=PE.savings_potential(sub, code, p, "netto_per_inwoner",
                                         positie=position),
            values=values,
        )

    def name_of(self, gm_code: str) -> str:
        """The short name of any gemeente in the peer data (its code when unknown)."""
        info = self.peer_data.info
        if gm_code in info.index:
            return display_name(info.at[gm_code, "naam"])
        return gm_code

    @cached_property
    def grenzen(self) -> Any:
        """Gemeente boundaries of the indeling (default: the indeling of ``jaar``)."""
        import analysekit

        year = self.p.indeling or self.p.jaar
        return shared(f"grenzen_{year}", lambda: _grenzen(analysekit.load("grenzen"), year))

    # ------------------------------------------------------------------ tables

    @cached_property
    def peer_explanation(self) -> pd.DataFrame:
        """Per peer: what makes it similar and different (Dutch labels)."""
        p = self.benchmark.peers
        labels = PE.KENMERK_LABELS
        pattern = re.compile(
            r"\b(" + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
            + r")\b"
        )

        def relabel(text: str) -> str:
            return pattern.sub(lambda m: labels[m.group(1)], text)

        return pd.DataFrame({
            "rang": p["rang"],
            "gemeente": [display_name(n) for n in p["naam"]],
            "provincie": p["provincie"],
            "inwoners": [getal(v) for v in p["inwoners"]],
            "afstand": [getal(v, 2) for v in p["afstand"]],
            "lijkt op in": [relabel(str(s)) for s in p["lijkt_op"]],
            "verschilt in (peer − eigen, in sd)": [relabel(str(s)) for s in p["verschilt_in"]],
        })

    def position_display(self) -> pd.DataFrame:
        """Position per domein among the peers and in the classic group (Dutch table)."""
        b = self.benchmark
        pos = b.position.set_index("domein")
        kl = (b.position_klassiek.set_index("domein") if len(b.position_klassiek)
              else pd.DataFrame(index=pos.index, columns=pos.columns))
        return pd.DataFrame({
            "domein": pos.index,
            f"{self.naam_kort} (per inwoner)": [eur(v) for v in pos["eigen"]],
            f"mediaan {len(b.peers)} peers": [eur(v) for v in pos["peer_mediaan"]],
            "peers 25e–75e percentiel": [f"{eur(a)} – {eur(c)}" for a, c in
                                         zip(pos["peer_q1"], pos["peer_q3"], strict=True)],
            "rang (1 = laagst)": [f"{int(r)} van {int(n)}" if finite(r) else ONTBREEKT
                                  for r, n in zip(pos["rang"], pos["groep_n"], strict=True)],
            "percentiel": [getal(v) for v in pos["percentiel"]],
            "z": [getal(v, 2) for v in pos["z"]],
            f"mediaan klassieke groep ({len(b.klassiek)})": [
                eur(v) for v in kl["peer_mediaan"].reindex(pos.index)],
        })

    def savings_display(self) -> pd.DataFrame:
        """Benchmark savings potential per domein with the IQR band (Dutch table)."""
        sv = self.benchmark.savings
        return pd.DataFrame({
            "domein": sv["domein"],
            "verschil met mediaan per inwoner": [eur(v) for v in sv["potentieel_per_inwoner"]],
            "potentieel (eigen − mediaan) × inwoners": [eur(v, compact=True)
                                                         for v in sv["potentieel_eur"]],
            "band (t.o.v. 75e – 25e percentiel)": [
                f"{eur(a, compact=True)} tot {eur(b, compact=True)}"
                for a, b in zip(sv["potentieel_laag_eur"], sv["potentieel_hoog_eur"],
                                strict=True)],
            "interkwartielafstand × inwoners": [eur(v, compact=True) for v in sv["iqr_eur"]],
        })

    def savings_note(self) -> str:
        """Why the total row is not the sum of the domeinen (both figures shown)."""
        sv = self.benchmark.savings.set_index("domein")
        doms = sv.loc[[d for d in DOMEINEN if d in sv.index], "potentieel_eur"].dropna()
        tot = sv.loc[D.TOTAAL, "potentieel_eur"] if D.TOTAAL in sv.index else float("nan")
        if doms.empty or not finite(tot):
            return ""
        pos = doms[doms > 0].sum()
        return (
            f"De rij {D.TOTAAL} ({eur(tot, compact=True)}) is het verschil tussen de eigen "
            "netto lasten van het hele sociaal domein en de mediaan van de peers voor het hele "
            "sociaal domein. Dat is niet de optelling van de vier domeinen: de mediaan van een "
            "totaal is niet de som van de medianen per domein, want een peer die op het ene "
            "domein laag zit, zit vaak op een ander hoog. De vier domeinen opgeteld geven "
            f"{eur(doms.sum(), compact=True)}; alleen de domeinen boven de mediaan opgeteld "
            f"{eur(pos, compact=True)}. Geen van deze bedragen is een bewezen besparing."
        )

    def klassiek_display(self) -> pd.DataFrame:
        """The classic group: naam, provincie, inwoners."""
        kl = self.benchmark.klassiek
        return pd.DataFrame({"gemeente": [display_name(n) for n in kl["naam"]],
                             "provincie": kl["provincie"],
                             "inwoners": [getal(v) for v in kl["inwoners"]]})

    def peer_bron_display(self) -> pd.DataFrame:
        """The peer characteristics: Dutch label, what is counted, per what, year and table."""
        b = self.peer_data.bron
        bronnen, titels = self.kenmerk_bronnen, self.ctx.bronnen.titels

        def jaar_van(text: Any) -> int | None:
            m = re.match(r"\s*(\d{4})", str(text))
            return int(m.group(1)) if m else None

        def bron(kenmerk: Any, jaren: Any) -> str:
            j = jaar_van(jaren)
            code = bronnen.get((str(kenmerk), j)) if j is not None else None
            return bron_label(code, titels) if code else ONTBREEKT

        return pd.DataFrame({
            "kenmerk": [PEER_KENMERK_NL.get(k, PE.KENMERK_LABELS.get(k, k))
                        for k in b["kenmerk"]],
            "geteld": [kenmerk_label(k) for k in b["bron_kenmerk"]],
            "gedeeld door": [kenmerk_label(k) if isinstance(k, str) else ONTBREEKT
                             for k in b["per"]],
            "jaar (aantal gemeenten)": b["jaren"],
            "bron": [bron(k, j) for k, j in zip(b["bron_kenmerk"], b["jaren"], strict=True)],
        })

    # ------------------------------------------------------------------ sentences

    def position_sentence(self) -> str:
        """Dutch sentence on the position among the distance-based peers."""
        b = self.benchmark
        pos = b.position.set_index("domein").loc[D.TOTAAL]
        sav = b.savings.set_index("domein").loc[D.TOTAAL]
        names = opsomming([display_name(n) for n in b.peers["naam"].head(3)])
        if not finite(pos["rang"]):
            v = b.values
            own = v.loc[(v["gm_code"] == self.p.gm_code) & (v["domein"] == D.TOTAAL)]
            geleverd = bool(own["geleverd"].any()) if "geleverd" in own.columns else False
            waarom = (f"over {self.p.basis} staan alleen lasten per taakveld in de gegevens, "
                      "geen baten, dus geen netto lasten" if geleverd else
                      f"er zijn geen Iv3-gegevens over {self.p.basis}")
            return (f"{self.naam_kort} heeft geen positie tussen de {len(b.peers)} meest "
                    f"vergelijkbare gemeenten (onder meer {names}): {waarom} "
                    f"({GEEN_GEGEVENS}). Dat is geen laagste plaats.")
        verschil = float(sav["potentieel_per_inwoner"])
        return (
            f"Tussen de {len(b.peers)} meest vergelijkbare gemeenten (onder meer {names}) staat "
            f"{self.naam_kort} op plaats {int(pos['rang'])} van {int(pos['groep_n'])} "
            f"(1 = laagste netto lasten per inwoner). Het verschil met de mediaan van die "
            f"gemeenten is {eur(verschil)} per inwoner, {eur(sav['potentieel_eur'], compact=True)} "
            f"in totaal (tussen {eur(sav['potentieel_laag_eur'], compact=True)} en "
            f"{eur(sav['potentieel_hoog_eur'], compact=True)} gemeten tegen het 75e en 25e "
            "percentiel). Dat is een benchmarkverschil, geen bewezen besparing."
        )

    def klassiek_sentence(self) -> str:
        """Dutch sentence describing the classic grootteklasse × stedelijkheid group."""
        kl = self.benchmark.klassiek
        info = self.peer_data.info.loc[self.p.gm_code]
        overlap = len(set(kl["gm_code"]) & set(self.benchmark.peers["gm_code"]))
        groep = (f"dezelfde CBS-grootteklasse ({klasse(info['grootteklasse'])}) en "
                 f"stedelijkheid ({info['stedelijkheid_label']})")
        if len(kl) == 0:
            return f"Er is geen andere gemeente met {groep} als {self.naam_kort}."
        n_peers = len(self.benchmark.peers)
        if len(kl) == 1:
            wie = f"is de enige andere gemeente met {groep}"
            ook = "Die zit ook" if overlap else "Die zit niet"
        else:
            wie = f"zijn de {len(kl)} andere gemeenten met {groep}"
            ook = ("Geen daarvan zit ook" if overlap == 0 else
                   "1 daarvan zit ook" if overlap == 1 else f"{overlap} daarvan zitten ook")
        return (f"De klassieke vergelijkingsgroep van {self.naam_kort} {wie}. {ook} tussen de "
                f"{n_peers} peers op afstand.")
