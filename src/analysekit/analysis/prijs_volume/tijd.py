"""Prijs × volume over time: the change in lasten per inwoner between two KWB client years.

Where table ``kenmerken`` holds a client count of the *same* KWB kenmerk for two years
(CBS Kerncijfers wijken en buurten; on the offline mirror: personen met bijstand, KWB 2020
84799NED and KWB 2021 85039NED), the change in cost per inwoner of a domein between those
two cost years is split into volume (clients per 1,000 inwoners), price (cost per client)
and their interaction, with :func:`analysekit.analysis.prijs_volume.decompose` (reference
= the earlier year):

    Δy = y_t − y_0 = (v_t − v_0)·p_0/1000 + v_0·(p_t − p_0)/1000 + (v_t − v_0)(p_t − p_0)/1000

**Lasten (bruto)**, not net cost: the multi-year Iv3 source has baten per taakveld only for
2023–2025, so ``y`` = lasten of the domein ÷ inwoners and ``p`` = lasten per client.

**One indeling.** Costs and inwoners come from ``domein_reeks`` (the newest indeling,
predecessors summed through ``herindelingen``). Client counts are put on the same indeling
with the same crosswalk (:func:`analysekit.data.herindeling.chain`, the same shares as the
cost series; a split gemeente by area share). A merged gemeente whose predecessors do not all
have a count gets no count (missing is not zero). Counts below :data:`MIN_CLIENTEN` (after
summing) are not divided by.

The client years are the KWB edition years; CBS's reference date for benefits lies before the
edition year, and the KWB 2020 figures are provisional. The cost year of each count is the
edition year. Caveats: :func:`kanttekening_tijd` and docs/prijs-volume.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.prijs_volume.common import (
    CLIENT_BRONNEN,
    MIN_CLIENTEN,
    PV_DOMEINEN,
    STATUS_GEEN_GEGEVENS,
    STATUS_GEEN_TELLING,
    STATUS_KLEIN,
    STATUS_OK,
    ClientBron,
    check_columns,
)
from analysekit.analysis.prijs_volume.ontleding import decompose
from analysekit.analysis.prijs_volume.tekst import KWB_EDITIES
from analysekit.data import herindeling
from analysekit.errors import ParameterError
from analysekit.vocab import VERSLAGSOORTEN

#: Status of a domein without the same KWB kenmerk in both years.
STATUS_GEEN_PAAR = "geen cliëntentelling in beide jaren"

TIJD_COLUMNS = [
    "gm_code", "domein", "verslagsoort", "jaar_van", "jaar_tot", "basis",
    "lasten_per_inwoner_van", "lasten_per_inwoner_tot", "clienten_van", "clienten_tot",
    "volume_van", "volume_tot", "prijs_van", "prijs_tot", "verschil", "volume_deel",
    "prijs_deel", "interactie", "clienten_kenmerk", "bron_van", "bron_tot",
    "n_voorgangers", "deels_oppervlak", "status",
]


def kwb_tellingen(kenmerken: pd.DataFrame) -> pd.DataFrame:
    """Which client counts of :data:`CLIENT_BRONNEN` table ``kenmerken`` holds per KWB year.

    Args:
        kenmerken: Table ``kenmerken``.

    Returns:
        domein, kenmerk, jaar, bron, n (gemeenten with a value); only KWB sources
        (:data:`~analysekit.analysis.prijs_volume.KWB_EDITIES`).
    """
    check_columns(kenmerken, "kenmerken", ["gm_code", "jaar", "kenmerk", "waarde", "bron"])
    names = {b.kenmerk for bronnen in CLIENT_BRONNEN.values() for b in bronnen}
    k = kenmerken.loc[kenmerken["kenmerk"].isin(names)]
    k = k.loc[k["bron"].astype(str).isin(list(KWB_EDITIES)) & k["waarde"].notna()]
    n = k.groupby(["kenmerk", "jaar", "bron"]).size()
    rows = [{"domein": dom, "kenmerk": b.kenmerk, "jaar": int(jaar), "bron": str(bron),
             "n": int(cnt)}
            for dom, bronnen in CLIENT_BRONNEN.items() for b in bronnen
            for (ken, jaar, bron), cnt in n.items() if ken == b.kenmerk]
    return pd.DataFrame(rows, columns=["domein", "kenmerk", "jaar", "bron", "n"])


def kies_paar_bron(kenmerken: pd.DataFrame, domein: str, jaar_van: int, jaar_tot: int,
                   tellingen: pd.DataFrame | None = None) -> ClientBron | None:
    """The first count kenmerk of ``domein`` with KWB counts in both years (None: none).

    ``tellingen``: :func:`kwb_tellingen` of ``kenmerken`` when already computed.
    """
    t = kwb_tellingen(kenmerken) if tellingen is None else tellingen
    t = t.loc[t["domein"] == domein]
    for b in CLIENT_BRONNEN[domein]:
        jaren = set(t.loc[t["kenmerk"] == b.kenmerk, "jaar"])
        if {jaar_van, jaar_tot} <= jaren and b.soort == "aantal":
            return b
    return None


def tijd_jaren(kenmerken: pd.DataFrame, reeks: pd.DataFrame,
               verslagsoort: str = "jaarrekening") -> tuple[int, int] | None:
    """The two KWB years furthest apart for which some domein has a count in both years.

    Only years that ``reeks`` (``domein_reeks``) has for ``verslagsoort`` count.

    Returns:
        (jaar_van, jaar_tot), or None when no domein has counts in two such years.
    """
    t = kwb_tellingen(kenmerken)
    kosten = set(reeks.loc[reeks["verslagsoort"] == verslagsoort, "jaar"].astype(int))
    best = None
    for (_dom, ken), g in t.groupby(["domein", "kenmerk"]):
        if not any(b.kenmerk == ken and b.soort == "aantal" for b in CLIENT_BRONNEN[_dom]):
            continue
        jaren = sorted(set(g["jaar"]) & kosten)
        if len(jaren) >= 2 and (best is None or jaren[-1] - jaren[0] > best[1] - best[0]
                                or (jaren[-1] - jaren[0] == best[1] - best[0]
                                    and jaren[-1] > best[1])):
            best = (jaren[0], jaren[-1])
    return best


def clienten_op_indeling(
    kenmerken: pd.DataFrame,
    herindelingen: pd.DataFrame,
    kenmerk: str,
    jaar: int,
    indeling_jaar: int,
) -> pd.DataFrame:
    """A KWB count of ``jaar`` (its own indeling) summed onto indeling ``indeling_jaar``.

    Args:
        kenmerken: Table ``kenmerken``.
        herindelingen: Table ``herindelingen``.
        kenmerk: A count kenmerk (e.g. ``personen_met_bijstand``).
        jaar: Client year; the count is on the indeling of this year.
        indeling_jaar: Target indeling (that of ``domein_reeks``).

    Returns:
        Indexed by gm_code of ``indeling_jaar``: clienten (NaN when any predecessor has no
        count), bron, n_voorgangers, deels_oppervlak (some predecessor counted by area
        share).
    """
    k = kenmerken.loc[(kenmerken["kenmerk"] == kenmerk) & (kenmerken["jaar"] == jaar)]
    k = k.drop_duplicates("gm_code").set_index("gm_code")
    cw = herindeling.chain(herindelingen, jaar, indeling_jaar)
    cw = cw.loc[cw["aandeel"] > 0]
    w = k["waarde"].reindex(cw["van_gm_code"]).to_numpy(dtype="float64")
    part = pd.DataFrame({
        "gm_code": cw["naar_gm_code"].to_numpy(), "clienten": w * cw["aandeel"].to_numpy(),
        "missing": np.isnan(w), "deels": cw["aandeel"].to_numpy() < 1.0 - 1e-12,
    })
    g = part.groupby("gm_code", sort=True)
    out = pd.DataFrame({
        "clienten": g["clienten"].sum(min_count=1),
        "n_voorgangers": g.size(),
        "deels_oppervlak": g["deels"].any(),
    })
    out.loc[g["missing"].any(), "clienten"] = np.nan
    bron = k["bron"].astype(str).dropna().unique() if "bron" in k.columns else []
    out["bron"] = bron[0] if len(bron) else kenmerk
    return out


def _reeks_jaar(reeks: pd.DataFrame, jaar: int, verslagsoort: str,
                domeinen: Sequence[str]) -> pd.DataFrame:
    r = reeks.loc[(reeks["jaar"] == jaar) & (reeks["verslagsoort"] == verslagsoort)
                  & reeks["domein"].isin(list(domeinen))]
    if "definitie" in r.columns:
        r = r.loc[r["definitie"] == "gepubliceerd"]
    r = r.set_index(["gm_code", "domein"])
    lasten = r["lasten_eur"].where(r["geleverd"].astype(bool))
    inw = r["inwoners"].astype("float64")
    return pd.DataFrame({"y": lasten / inw.where(inw > 0), "inwoners": inw,
                         "geleverd": r["geleverd"].astype(bool),
                         "n_voorgangers": r["n_voorgangers"]})


def prijs_volume_tijd(
    reeks: pd.DataFrame,
    kenmerken: pd.DataFrame,
    herindelingen: pd.DataFrame,
    jaar_van: int,
    jaar_tot: int,
    *,
    verslagsoort: str = "jaarrekening",
    domeinen: Sequence[str] = PV_DOMEINEN,
    min_clienten: int = MIN_CLIENTEN,
    methode: str = "shift_share",
) -> pd.DataFrame:
    """Split the change in lasten per inwoner from ``jaar_van`` to ``jaar_tot``, all gemeenten.

    Args:
        reeks: Table ``domein_reeks`` (one indeling; definitie ``gepubliceerd`` is used).
        kenmerken: Table ``kenmerken``.
        herindelingen: Table ``herindelingen`` (to put the counts on the indeling of reeks).
        jaar_van: Earlier cost and client year.
        jaar_tot: Later cost and client year.
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        domeinen: Domeinen (default Wmo, Jeugd, Participatie).
        min_clienten: Summed counts below this are not divided by (status ``klein aantal``).
        methode: ``shift_share`` (default, with interaction) or ``kitagawa``.

    Returns:
        Columns :data:`TIJD_COLUMNS`, one row per gemeente of the reeks × domein; parts NaN
        unless status is ``ok``. basis is ``lasten``.
    """
    check_columns(reeks, "domein_reeks", ["gm_code", "indeling_jaar", "jaar", "verslagsoort",
                                          "domein", "lasten_eur", "inwoners", "geleverd",
                                          "n_voorgangers"])
    check_columns(herindelingen, "herindelingen", ["van_jaar", "van_gm_code", "naar_jaar",
                                                   "naar_gm_code", "aandeel"])
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van "
                             f"{VERSLAGSOORTEN}")
    for name, j in (("jaar_van", jaar_van), ("jaar_tot", jaar_tot)):
        if isinstance(j, bool) or not isinstance(j, (int, np.integer)):
            raise ParameterError(f"{name}={j!r}; verwacht: een jaartal als geheel getal")
    if jaar_van >= jaar_tot:
        raise ParameterError(f"jaar_van {jaar_van} ligt niet vóór jaar_tot {jaar_tot}; "
                             "verwacht: een eerder jaar")
    jaren = set(reeks.loc[reeks["verslagsoort"] == verslagsoort, "jaar"].astype(int))
    missing = [j for j in (jaar_van, jaar_tot) if j not in jaren]
    if missing:
        raise ParameterError(f"jaar {missing[0]} staat niet in domein_reeks ({verslagsoort}); "
                             f"beschikbaar: {', '.join(map(str, sorted(jaren)))}")
    if isinstance(min_clienten, bool) or not isinstance(min_clienten, (int, np.integer)) \
            or min_clienten < 1:
        raise ParameterError(f"min_clienten={min_clienten!r}; verwacht: een geheel getal ≥ 1")
    indeling = int(reeks["indeling_jaar"].iloc[0])
    a = _reeks_jaar(reeks, jaar_van, verslagsoort, domeinen)
    b = _reeks_jaar(reeks, jaar_tot, verslagsoort, domeinen)
    idx = b.index.union(a.index)
    tellingen = kwb_tellingen(kenmerken)
    a, b = a.reindex(idx), b.reindex(idx)
    frames = []
    for dom in domeinen:
        sel = idx[idx.get_level_values("domein") == dom]
        codes = sel.get_level_values("gm_code")
        d = pd.DataFrame({"gm_code": codes, "domein": dom})
        d["lasten_per_inwoner_van"] = a.loc[sel, "y"].to_numpy()
        d["lasten_per_inwoner_tot"] = b.loc[sel, "y"].to_numpy()
        geleverd = (a.loc[sel, "geleverd"].fillna(False).astype(bool).to_numpy()
                    & b.loc[sel, "geleverd"].fillna(False).astype(bool).to_numpy())
        d["n_voorgangers"] = np.fmax(a.loc[sel, "n_voorgangers"].to_numpy(dtype="float64"),
                                     b.loc[sel, "n_voorgangers"].to_numpy(dtype="float64"))
        bron = kies_paar_bron(kenmerken, dom, jaar_van, jaar_tot, tellingen)
        status = np.where(geleverd, STATUS_OK, STATUS_GEEN_GEGEVENS).astype(object)
        d["deels_oppervlak"] = False
        if bron is None:
            for c in ("clienten_van", "clienten_tot", "volume_van", "volume_tot"):
                d[c] = np.nan
            d["clienten_kenmerk"] = ""
            d["bron_van"] = d["bron_tot"] = ""
            status[status == STATUS_OK] = STATUS_GEEN_PAAR
        else:
            d["clienten_kenmerk"] = bron.kenmerk
            for suf, jaar, frame in (("van", jaar_van, a), ("tot", jaar_tot, b)):
                c = clienten_op_indeling(kenmerken, herindelingen, bron.kenmerk, jaar, indeling)
                cnt = c["clienten"].reindex(codes).to_numpy(dtype="float64")
                d["deels_oppervlak"] |= c["deels_oppervlak"].reindex(codes).fillna(
                    False).astype(bool).to_numpy()
                d[f"bron_{suf}"] = c["bron"].iloc[0] if len(c) else ""
                inw = frame.loc[sel, "inwoners"].to_numpy(dtype="float64")
                no = np.isnan(cnt)
                small = ~no & (cnt < min_clienten)
                ok = status == STATUS_OK
                status[ok & no] = f"{STATUS_GEEN_TELLING} {jaar}"
                status[ok & small] = f"{STATUS_KLEIN} {jaar}"
                cnt = np.where(small, np.nan, cnt)
                d[f"clienten_{suf}"] = cnt
                d[f"volume_{suf}"] = 1000.0 * cnt / np.where(inw > 0, inw, np.nan)
        d["status"] = status
        frames.append(d)
    out = pd.concat(frames, ignore_index=True)
    for suf in ("van", "tot"):
        v = out[f"volume_{suf}"].to_numpy(dtype="float64")
        out[f"prijs_{suf}"] = 1000.0 * out[f"lasten_per_inwoner_{suf}"].to_numpy() / np.where(
            v > 0, v, np.nan)
    parts = decompose(out["lasten_per_inwoner_tot"], out["volume_tot"], out["prijs_tot"],
                      out["lasten_per_inwoner_van"], out["volume_van"], out["prijs_van"],
                      methode)
    for name, arr in parts.items():
        out[name] = arr
    notok = out["status"] != STATUS_OK
    out.loc[notok, list(parts) + ["prijs_van", "prijs_tot"]] = np.nan
    out["verslagsoort"] = verslagsoort
    out["jaar_van"], out["jaar_tot"] = int(jaar_van), int(jaar_tot)
    out["basis"] = "lasten"
    out["n_voorgangers"] = out["n_voorgangers"].fillna(1).astype(int)
    return out[TIJD_COLUMNS]


_TIJD_WOORDEN = {
    "Wmo": ("meer inwoners een Wmo-voorziening hebben", "minder inwoners een Wmo-voorziening "
            "hebben", "de Wmo per cliënt duurder werd", "de Wmo per cliënt goedkoper werd"),
    "Jeugd": ("meer jongeren jeugdzorg krijgen", "minder jongeren jeugdzorg krijgen",
              "jeugdzorg per jongere duurder werd", "jeugdzorg per jongere goedkoper werd"),
    "Participatie": ("meer inwoners bijstand ontvangen", "minder inwoners bijstand ontvangen",
                     "de lasten per bijstandsontvanger stegen",
                     "de lasten per bijstandsontvanger daalden"),
}


def _deel_tijd(x: float, meer: str, minder: str) -> str:
    bedrag = "minder dan € 1" if abs(x) < 0.5 else nl.eur(abs(x))
    return f"{bedrag} {'meer' if x >= 0 else 'minder'} doordat {meer if x >= 0 else minder}"


def bron_kort(bron: str) -> str:
    """``KWB 2020`` for a KWB table id, else the id."""
    return f"KWB {KWB_EDITIES[bron]}" if bron in KWB_EDITIES else str(bron)


def zin_tijd(row: pd.Series | dict, naam: str) -> str:
    """One Dutch sentence for a row of :func:`prijs_volume_tijd`."""
    r = dict(row)
    dom, j0, j1 = r["domein"], int(r["jaar_van"]), int(r["jaar_tot"])
    head = f"{dom} ({r['verslagsoort']} {j0} → {j1}, lasten)"
    if r["status"] != STATUS_OK:
        if r["status"] == STATUS_GEEN_PAAR:
            why = f"er is geen cliëntentelling uit de KWB voor zowel {j0} als {j1}"
        elif r["status"] == STATUS_GEEN_GEGEVENS:
            why = f"er zijn geen Iv3-cijfers voor beide jaren ({nl.GEEN_GEGEVENS})"
        elif str(r["status"]).startswith(STATUS_KLEIN):
            why = f"het aantal cliënten is kleiner dan {MIN_CLIENTEN} en wordt niet getoond"
        else:
            why = f"er is geen cliëntentelling voor {str(r['status']).rsplit(' ', 1)[-1]}"
        return f"{head}: geen splitsing in prijs en volume, want {why}."
    w = _TIJD_WOORDEN[dom]
    d = r["verschil"]
    richting = "stegen" if d >= 0 else "daalden"
    inter = r["interactie"]
    samen = ("de samenhang van beide is minder dan € 1" if abs(inter) < 0.5 else
             f"{nl.eur(abs(inter))} {'meer' if inter >= 0 else 'minder'} door de samenhang "
             "van beide")
    return (f"Bij {naam} {richting} de lasten voor {dom} van {nl.eur(r['lasten_per_inwoner_van'])}"
            f" naar {nl.eur(r['lasten_per_inwoner_tot'])} per inwoner ({r['verslagsoort']} "
            f"{j0} → {j1}): {_deel_tijd(r['volume_deel'], w[0], w[1])} "
            f"({nl.getal(r['volume_van'], 1)} → {nl.getal(r['volume_tot'], 1)} per 1.000 "
            f"inwoners), {_deel_tijd(r['prijs_deel'], w[2], w[3])} "
            f"({nl.eur(r['prijs_van'])} → {nl.eur(r['prijs_tot'])} per cliënt); {samen}. "
            f"Cliënten: {bron_kort(r['bron_van'])} en {bron_kort(r['bron_tot'])}.")


def kanttekening_tijd(jaar_van: int, jaar_tot: int, *, kort: bool = False) -> str:
    """The caveat of the split over time, in Dutch."""
    basis = (f"De splitsing over de tijd ({jaar_van} → {jaar_tot}) gebruikt de lasten (bruto), "
             "niet de netto kosten: baten per taakveld zijn er pas vanaf 2023.")
    if kort:
        return (f"{basis} Cliëntdefinities in de KWB verschillen tussen jaren; aantallen onder "
                f"de {MIN_CLIENTEN} worden niet gebruikt.")
    return " ".join([
        basis,
        "Alleen waar de Kerncijfers wijken en buurten (KWB) in beide jaren hetzelfde soort",
        "cliëntaantal geven, wordt gesplitst; de peildatum van die aantallen ligt vóór het",
        "KWB-jaar, de cijfers van het oudere jaar zijn voorlopig en CBS past de definities",
        "tussen edities soms aan. De kosten en de aantallen staan op de gemeentelijke indeling",
        "van nu (voorgangers opgeteld; bij een gesplitste gemeente naar oppervlakte). De",
        "Iv3-indeling veranderde in deze jaren: taakveld 6.1 werd tussen 2021 en 2023 breder",
        "gevuld (dat raakt Participatie niet, wel de Sociale basisvoorzieningen). Aantallen",
        f"onder de {MIN_CLIENTEN} worden niet gebruikt. Het is een rekenkundige splitsing,",
        "geen oorzakelijk effect.",
    ])
