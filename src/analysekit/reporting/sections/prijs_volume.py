"""Section *prijs_volume*: more clients or dearer clients, and the transformation ladder.

Per domein (Wmo, Jeugd, Participatie) the gemeente's difference in net cost per inwoner
from the median of its peers — the same peers as section *positie* — split into a volume
part, a price part and their samenhang (:mod:`analysekit.analysis.prijs_volume`), and the
shares of voorliggend, maatwerk and geëscaleerd in the ladder lasten
(:mod:`analysekit.analysis.ladder`).

The all-gemeenten steps (prijs × volume for every gemeente of the year, the ladder of every
gemeente × jaar × verslagsoort, the levering table) go through
:func:`analysekit.reporting.cache.shared`; per report only the gemeente's own rows are
decomposed. A gemeente without an Iv3 delivery or without a client count gets a plain
"geen gegevens" sentence, never a 0 and never an error.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import ladder as LA
from analysekit.analysis import prijs_volume as PV
from analysekit.analysis.prijs_volume import tijd as PVT
from analysekit.nl import GEEN_GEGEVENS, MINUS, ONTBREEKT, eur, finite, getal, pct
from analysekit.reporting.cache import shared
from analysekit.reporting.display import opsomming
from analysekit.reporting.sections import Section
from analysekit.vocab import TREDEN

#: Columns of :func:`analysekit.analysis.ladder.ladder_positie` (an empty one has them too).
_LADDER_POS_COLS = ["gm_code", "jaar", "verslagsoort", "trede", "aandeel", "peer_mediaan",
                    "peer_q1", "peer_q3", "peers_samen", "n_peers", "percentiel", "status"]


def _nb(text: str) -> str:
    """Keep ``€`` and its amount together in a narrow table column (no-break space)."""
    return text.replace("€ ", "€\u00a0")


def _pp(x: Any) -> str:
    """A change in percentage points: ``+5,2 pp`` / ``−0,7 pp`` / ``–``."""
    if not finite(x):
        return ONTBREEKT
    v = float(x)
    text = getal(abs(v), 1)
    return ("+" if v > 0 and text != "0,0" else MINUS if v < 0 and text != "0,0" else "") \
        + f"{text} pp"


class PrijsVolume(Section):
    """Prijs × volume against the peers, and the transformation ladder."""

    # ------------------------------------------------------------------ shared data

    @cached_property
    def levering(self) -> pd.DataFrame:
        """Table ``iv3_levering`` (or derived from iv3): which submissions are real (shared)."""
        t = self.tables
        return shared("pv_iv3_levering", lambda: PV.levering_tabel(t["iv3"]))

    @cached_property
    def pv_all(self) -> pd.DataFrame:
        """Net cost, volume and price per gemeente × domein for ``jaar`` (shared)."""
        t = self.tables
        jaar, vs = self.p.jaar, self.p.verslagsoort
        lev = self.levering
        return shared(
            f"prijs_volume_all_{jaar}_{vs}",
            lambda: PV.prijs_volume_all(t["iv3"], t["kenmerken"], t["gemeenten"], jaar,
                                        verslagsoort=vs, levering=lev),
        )

    @cached_property
    def ladder_all(self) -> pd.DataFrame:
        """Ladder lasten and shares of every gemeente × jaar × verslagsoort (shared)."""
        t = self.tables
        lev = self.levering
        return shared("ladder_all_lasten", lambda: LA.ladder_all(t["iv3"], levering=lev))

    @cached_property
    def peer_codes(self) -> list[str]:
        """The gm_codes of the gemeente's peers: the peers of section *positie*."""
        return [str(c) for c in self.ctx.positie.benchmark.peers["gm_code"]]

    @cached_property
    def all_peers(self) -> pd.DataFrame:
        """The ``n_peers`` nearest peers of every gemeente (shared; *positie*'s selection)."""
        sel, n = self.ctx.positie.selection, self.p.n_peers
        return shared(f"all_peers_{self.p.jaar}_{self.p.verslagsoort}_{n}",
                      lambda: sel.all_peers(n))

    @cached_property
    def split_all(self) -> pd.DataFrame:
        """The split against the peer median of every gemeente (shared, vectorised)."""
        pv, ap = self.pv_all, self.all_peers
        return shared(f"prijs_volume_split_{self.p.jaar}_{self.p.verslagsoort}_"
                      f"{self.p.n_peers}", lambda: PV.decompose_vs_peers(pv, ap))

    @cached_property
    def ladder_positie_all(self) -> pd.DataFrame:
        """The ladder position among the peers of every gemeente (shared, vectorised)."""
        la, ap = self.ladder_all, self.all_peers
        jaar, vs = self.p.jaar, self.p.verslagsoort

        def compute() -> pd.DataFrame:
            if not ((la["jaar"] == jaar) & (la["verslagsoort"] == vs)).any():
                return pd.DataFrame(columns=_LADDER_POS_COLS)
            return LA.ladder_positie(la, ap, jaar, vs)

        return shared(f"ladder_positie_{jaar}_{vs}_{self.p.n_peers}", compute)

    def _shared_peers_match(self) -> bool:
        """Whether the shared all-gemeenten peers of the gemeente are *positie*'s peers."""
        ap = self.all_peers
        mine = ap.loc[ap["gm_code"] == self.p.gm_code, "peer_gm_code"]
        return set(mine.astype(str)) == set(self.peer_codes)

    # ------------------------------------------------------------------ prijs × volume

    @cached_property
    def split(self) -> pd.DataFrame:
        """The gemeente's split against the peer median, one row per domein."""
        if self._shared_peers_match():
            sa = self.split_all
            own = sa.loc[sa["gm_code"] == self.p.gm_code].reset_index(drop=True)
        else:  # positie's peers differ from the shared rule: decompose this gemeente alone
            pv = self.pv_all
            pv = pv.loc[pv["gm_code"].isin({self.p.gm_code, *self.peer_codes})]
            own = PV.decompose_vs_peers(pv, self.peer_codes, gm_code=self.p.gm_code)
        if own.empty:  # the gemeente is not in the year's indeling: rows saying so
            nan = float("nan")
            own = pd.DataFrame({
                "gm_code": self.p.gm_code, "naam": self.naam_kort, "jaar": self.p.jaar,
                "verslagsoort": self.p.verslagsoort, "domein": list(PV.PV_DOMEINEN),
                "referentie": "peers", "methode": "shift_share", "status": GEEN_GEGEVENS,
                "n_peers": 0, "clienten_jaar": pd.array([pd.NA] * 3, dtype="Int64"),
                "clienten_bron": None, **{c: nan for c in (
                    "netto_per_inwoner", "volume", "prijs", "clienten", "ref_netto_per_inwoner",
                    "ref_volume", "ref_prijs", "verschil", "volume_deel", "prijs_deel",
                    "interactie")}})
        return own

    def zinnen(self) -> list[str]:
        """One Dutch sentence per domein (a plain "geen splitsing … want …" where none)."""
        return PV.zinnen(self.split, self.p.gm_code, self.naam_kort)

    def kanttekening(self, kort: bool = False) -> str:
        """What the split cannot claim: the general note and the population mismatch per domein.

        Args:
            kort: Two sentences for the foto instead of the full note per domein.
        """
        afwijkend = bool(self.split["jaar_afwijkend"].fillna(False).astype(bool).any())
        algemeen = PV.kanttekening(jaar_afwijkend=afwijkend)
        if kort:
            return (f"{algemeen} De telling van cliënten dekt niet dezelfde groep "
                    "als de kosten (bijvoorbeeld jeugdhulp met en zonder verblijf, "
                    "huishoudelijke hulp naast begeleiding): een hogere 'prijs' kan ook een "
                    "zwaardere mix van zorg zijn, geen hoger tarief.")
        lines = [algemeen]
        lines += [f"**{d}.** {PV.kanttekening(d).removeprefix(PV.kanttekening()).strip()}"
                  for d in PV.PV_DOMEINEN]
        return "\n\n".join(lines)

    def jaren_sentence(self) -> str:
        """The cost year and the client years used, said plainly when they differ."""
        s = self.split
        jaar, vs = self.p.jaar, self.p.verslagsoort
        parts, afwijkend = [], []
        for _, r in s.iterrows():
            wat = PV.CLIENT_WOORDEN[str(r["domein"])][0]
            cj = r["clienten_jaar"]
            if cj is None or pd.isna(cj):
                parts.append(f"{wat}: {GEEN_GEGEVENS}")
                continue
            parts.append(f"{wat} {int(cj)} ({PV.bron_label(r['clienten_bron'])})")
            if int(cj) != jaar:
                afwijkend.append(r["domein"])
        text = (f"Kosten: Iv3 {vs} {jaar}, inwoners op 1 januari {jaar}. Aantallen cliënten: "
                f"{opsomming(parts)}.")
        if afwijkend:
            text += (f" Voor {opsomming(afwijkend)} komt het aantal cliënten uit een ander jaar "
                     f"dan de kosten: de 'prijs' gaat er dan van uit dat het aandeel cliënten "
                     f"in {jaar} hetzelfde was; groei of krimp van het aantal cliënten tussen die "
                     "jaren telt dan als prijs.")
        return text

    def split_display(self) -> pd.DataFrame:
        """The split per domein as a Dutch table (€ per inwoner; + = more than the peers).

        A column *toelichting* says why a domein has no split (only when one has none).
        """
        s = self.split
        ok = (s["status"] == "ok").to_numpy()

        def col(name: str, fmt: Any) -> list[str]:
            return [_nb(fmt(v)) if o else ONTBREEKT for v, o in zip(s[name], ok, strict=True)]

        # the difference of the two figures as shown (whole euros), as in the sentences
        shown = s.assign(verschil=s["netto_per_inwoner"].round()
                         - s["ref_netto_per_inwoner"].round())
        out = pd.DataFrame({
            "domein": s["domein"],
            f"{self.naam_kort} per inwoner": [_nb(eur(v)) for v in s["netto_per_inwoner"]],
            "mediaan peers per inwoner": col("ref_netto_per_inwoner", eur),
            "verschil": [_nb(eur(v, sign=True)) if o else ONTBREEKT
                         for v, o in zip(shown["verschil"], ok, strict=True)],
            "door volume": col("volume_deel", lambda v: eur(v, sign=True)),
            "door prijs": col("prijs_deel", lambda v: eur(v, sign=True)),
            "samenhang": col("interactie", lambda v: eur(v, sign=True)),
        })
        if not ok.all():
            out["toelichting"] = ["" if o else str(st) for o, st in zip(ok, s["status"],
                                                                       strict=True)]
        return out

    def volume_prijs_display(self) -> pd.DataFrame:
        """Volume and price per domein, own and peers, with the client year (Dutch table)."""
        s = self.split
        ok = (s["status"] == "ok").to_numpy()
        naam = self.naam_kort

        def peer(name: str, fmt: Any) -> list[str]:
            return [_nb(fmt(v)) if o else ONTBREEKT for v, o in zip(s[name], ok, strict=True)]

        return pd.DataFrame({
            "domein": s["domein"],
            "cliënten": [PV.CLIENT_WOORDEN[str(d)][0] for d in s["domein"]],
            f"per 1.000 inwoners {naam}": [getal(v, 1) for v in s["volume"]],
            "per 1.000 inwoners peers": peer("ref_volume", lambda v: getal(v, 1)),
            f"kosten per cliënt {naam}": [_nb(eur(v)) for v in s["prijs"]],
            "kosten per cliënt peers": peer("ref_prijs", eur),
            "cliëntenjaar": [str(int(v)) if v is not None and not pd.isna(v) else ONTBREEKT
                             for v in s["clienten_jaar"]],
            "peers met gegevens": [str(int(v)) if o else ONTBREEKT
                                   for v, o in zip(s["n_peers"], ok, strict=True)],
        })

    def figure(self) -> Any:
        """The waterfall per domein: peer median → volume → prijs → samenhang → gemeente."""
        from analysekit.analysis.plots_prijs_volume import plot_prijs_volume

        return plot_prijs_volume(self.split, self.p.gm_code, self.naam_kort)

    def figure_alt(self) -> str:
        """Alt text of :meth:`figure`."""
        return (f"Watervaldiagram per domein: netto kosten per inwoner van {self.naam_kort} "
                "tegenover de mediaan van vergelijkbare gemeenten, ontleed in volume, prijs "
                "en samenhang")

    # ------------------------------------------------------------------ over time

    @cached_property
    def tijd_all(self) -> pd.DataFrame:
        """The split of the change between two KWB client years, every gemeente (shared).

        Empty when the data have no domein with the same KWB count in two years.
        """
        t = self.tables

        def compute() -> pd.DataFrame:
            import analysekit
            from analysekit.errors import AnalysekitError

            try:  # a data build without the multi-year series: no split over time
                reeks = analysekit.load("domein_reeks")
                cw = analysekit.load("herindelingen")
            except AnalysekitError:
                return pd.DataFrame(columns=PVT.TIJD_COLUMNS)
            jaren = PVT.tijd_jaren(t["kenmerken"], reeks)
            if jaren is None:
                return pd.DataFrame(columns=PVT.TIJD_COLUMNS)
            return PVT.prijs_volume_tijd(reeks, t["kenmerken"], cw, *jaren)

        return shared("prijs_volume_tijd", compute)

    @cached_property
    def tijd(self) -> pd.DataFrame:
        """The gemeente's rows of :attr:`tijd_all` (one per domein; empty: no two years)."""
        a = self.tijd_all
        return a.loc[a["gm_code"] == self.p.gm_code].reset_index(drop=True)

    def tijd_jaren_label(self) -> str:
        """``2020 → 2021`` (empty when there are no two client years)."""
        a = self.tijd_all
        if a.empty:
            return ""
        return f"{int(a['jaar_van'].iloc[0])} → {int(a['jaar_tot'].iloc[0])}"

    def tijd_zinnen(self, *, alleen_splitsing: bool = False) -> list[str]:
        """One sentence per domein for the change over time (lasten, bruto).

        Args:
            alleen_splitsing: Only the domeinen that have a split (the foto's short list).
        """
        if self.tijd_all.empty:
            return [] if alleen_splitsing else [
                "Prijs × volume over de tijd: de gegevens hebben voor geen enkel domein een "
                "cliëntentelling uit twee jaren met kosten van beide jaren."]
        if self.tijd.empty:
            return [] if alleen_splitsing else [
                f"Prijs × volume over de tijd ({self.tijd_jaren_label()}): {self.naam_kort} "
                f"staat niet in de huidige gemeentelijke indeling ({GEEN_GEGEVENS})."]
        rows = self.tijd
        if alleen_splitsing:
            rows = rows.loc[rows["status"] == PVT.STATUS_OK]
        return [PVT.zin_tijd(r, self.naam_kort) for _, r in rows.iterrows()]

    def tijd_display(self) -> pd.DataFrame:
        """The split over time per domein with a split, as a Dutch table (lasten, € per inwoner)."""
        s = self.tijd.loc[self.tijd["status"] == PVT.STATUS_OK]
        if s.empty:
            return pd.DataFrame()
        j0, j1 = int(s["jaar_van"].iloc[0]), int(s["jaar_tot"].iloc[0])
        return pd.DataFrame({
            "domein": s["domein"],
            f"lasten per inwoner {j0}": [_nb(eur(v)) for v in s["lasten_per_inwoner_van"]],
            f"lasten per inwoner {j1}": [_nb(eur(v)) for v in s["lasten_per_inwoner_tot"]],
            "verandering": [_nb(eur(v, sign=True)) for v in s["verschil"]],
            "door volume": [_nb(eur(v, sign=True)) for v in s["volume_deel"]],
            "door prijs": [_nb(eur(v, sign=True)) for v in s["prijs_deel"]],
            "samenhang": [_nb(eur(v, sign=True)) for v in s["interactie"]],
            f"per 1.000 inwoners {j0} → {j1}": [
                f"{getal(a, 1)} → {getal(b, 1)}"
                for a, b in zip(s["volume_van"], s["volume_tot"], strict=True)],
            f"lasten per cliënt {j0} → {j1}": [
                _nb(f"{eur(a)} → {eur(b)}")
                for a, b in zip(s["prijs_van"], s["prijs_tot"], strict=True)],
        }).reset_index(drop=True)

    def tijd_kanttekening(self, kort: bool = False) -> str:
        """The caveat of the split over time (lasten, KWB definitions, breaks, small counts)."""
        a = self.tijd_all
        if a.empty:
            return ""
        return PVT.kanttekening_tijd(int(a["jaar_van"].iloc[0]), int(a["jaar_tot"].iloc[0]),
                                     kort=kort)

    # ------------------------------------------------------------------ ladder

    @cached_property
    def ladder_positie(self) -> pd.DataFrame:
        """The gemeente's ladder shares beside its peers, one row per step."""
        if self._shared_peers_match():
            pa = self.ladder_positie_all
            return pa.loc[pa["gm_code"] == self.p.gm_code].reset_index(drop=True)
        la = self.ladder_all
        keep = {self.p.gm_code, *self.peer_codes}
        sub = la.loc[la["gm_code"].isin(keep)]
        sel = sub.loc[(sub["jaar"] == self.p.jaar) & (sub["verslagsoort"] == self.p.verslagsoort)]
        if not (sel["gm_code"] == self.p.gm_code).any():
            return pd.DataFrame(columns=_LADDER_POS_COLS)
        return LA.ladder_positie(sub, self.peer_codes, self.p.jaar, self.p.verslagsoort,
                                 gm_code=self.p.gm_code)

    @cached_property
    def ladder_eigen(self) -> pd.DataFrame:
        """The gemeente's ladder rows over all years and verslagsoorten, with the change."""
        la = self.ladder_all
        own = la.loc[la["gm_code"] == self.p.gm_code]
        ch = LA.ladder_verandering(own)
        return own.merge(ch, on=["gm_code", "jaar", "verslagsoort"], how="left")

    def ladder_zin(self) -> str:
        """Shares, position among the peers and — where an earlier year exists — the change."""
        pos = self.ladder_positie
        jaar, vs = self.p.jaar, self.p.verslagsoort
        if pos.empty:
            return (f"Transformatieladder ({vs} {jaar}): voor {self.naam_kort} geen verdeling "
                    f"mogelijk ({GEEN_GEGEVENS}).")
        text = LA.ladder_zin(pos, self.p.gm_code, self.naam_kort,
                             LA.ladder_verandering(self.ladder_eigen[self.ladder_all.columns]))
        return f"{text} {self._verandering_elders()}".strip()

    def _verandering_elders(self) -> str:
        """The change in the other verslagsoort when the report's own has no earlier year."""
        e = self.ladder_eigen
        jaar, vs = self.p.jaar, self.p.verslagsoort
        if (e["verslagsoort"].eq(vs) & (e["jaar"] < jaar)).any():
            return ""
        ok = e.loc[e["status"] == "ok"].sort_values("jaar")
        for other in (v for v in ("begroting", "jaarrekening") if v != vs):
            o = ok.loc[ok["verslagsoort"] == other]
            if len(o) < 2:
                continue
            a, b = o.iloc[0], o.iloc[-1]
            ch = ", ".join(
                f"{LA.TREDE_LABELS[t]} {_pp(b[f'aandeel_{t}'] - a[f'aandeel_{t}'])}"
                for t in TREDEN)
            return (f"Een eerdere {vs} staat niet in de gegevens. In de {other}en "
                    f"{int(a['jaar'])}–{int(b['jaar'])} veranderden de aandelen met: {ch} "
                    "(pp = procentpunt).")
        return f"Een eerdere {vs} staat niet in de gegevens: geen verandering te tonen."

    def ladder_display(self) -> pd.DataFrame:
        """Per step: own share and lasten, the peers' median, quartiles, pooled share, position."""
        pos = self.ladder_positie
        e = self.ladder_eigen
        row = e.loc[(e["jaar"] == self.p.jaar) & (e["verslagsoort"] == self.p.verslagsoort)]
        own_eur = ({t: row[f"{t}_eur"].iloc[0] for t in TREDEN} if len(row)
                   else dict.fromkeys(TREDEN))
        if pos.empty:
            pos = pd.DataFrame({"trede": list(TREDEN)})
        pos = pos.set_index("trede").reindex(list(TREDEN))
        return pd.DataFrame({
            "trede": [LA.TREDE_LABELS[t] for t in TREDEN],
            f"lasten {self.naam_kort}": [eur(own_eur[t], compact=True) for t in TREDEN],
            f"aandeel {self.naam_kort}": [pct(v) for v in pos.get("aandeel", [None] * 3)],
            "mediaan peers": [pct(v) for v in pos.get("peer_mediaan", [None] * 3)],
            "peers 25e–75e percentiel": [
                f"{pct(a)} – {pct(b)}" if finite(a) else ONTBREEKT
                for a, b in zip(pos.get("peer_q1", [None] * 3), pos.get("peer_q3", [None] * 3),
                                strict=True)],
            "peers samen": [pct(v) for v in pos.get("peers_samen", [None] * 3)],
            "aandeel hoger dan bij": [f"{pct(v)} van de peers" if finite(v) else ONTBREEKT
                                      for v in pos.get("percentiel", [None] * 3)],
        })

    def ladder_jaren_display(self) -> pd.DataFrame:
        """The gemeente's shares in every year and verslagsoort, with the change in pp."""
        e = self.ladder_eigen.sort_values(["verslagsoort", "jaar"], ascending=[False, True])
        data: dict[str, list[str]] = {
            "stuk": [f"{v} {int(j)}" for v, j in zip(e["verslagsoort"], e["jaar"], strict=True)]}
        for t in TREDEN:
            data[LA.TREDE_LABELS[t]] = [
                pct(a) if s == "ok" else GEEN_GEGEVENS
                for a, s in zip(e[f"aandeel_{t}"], e["status"], strict=True)]
        for t in TREDEN:
            data[f"verandering {LA.TREDE_LABELS[t]}"] = [_pp(v) for v in e[f"verandering_{t}"]]
        return pd.DataFrame(data)

    def ladder_figure(self) -> Any:
        """100% stacked bars: the gemeente, its peers pooled and each peer."""
        from analysekit.analysis.plots_prijs_volume import plot_ladder

        namen = {c: self.ctx.positie.name_of(c) for c in [self.p.gm_code, *self.peer_codes]}
        return plot_ladder(self.ladder_all, self.p.gm_code, self.peer_codes, self.p.jaar,
                           self.p.verslagsoort, namen)

    def ladder_figure_alt(self) -> str:
        """Alt text of :meth:`ladder_figure`."""
        return (f"Gestapelde balken: aandeel voorliggend, maatwerk en geëscaleerd in de lasten "
                f"van {self.naam_kort} en van vergelijkbare gemeenten, {self.p.basis}")

    def ladder_kanttekening(self) -> str:
        """What the ladder cannot claim (Dutch)."""
        return LA.ladder_kanttekening()
