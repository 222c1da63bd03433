"""The transformation ladder: sociaal-domein lasten over voorliggend, maatwerk, geëscaleerd.

The steps (column ``trede`` of ``data/taakveld_domein.csv``, via
:data:`analysekit.vocab.TAAKVELD_GROEPEN`):

* **voorliggend** — 6.1 samenkracht en burgerparticipatie, 6.2 / 6.21–6.23 toegang en
  eerstelijnsvoorzieningen;
* **maatwerk** — 6.6 / 6.60 hulpmiddelen, 6.71x Wmo-maatwerk, 6.72–6.76x jeugdhulp,
  6.79x pgb;
* **geëscaleerd** — 6.81x beschermd wonen en opvang, 6.82x jeugdbescherming en
  jeugdreclassering.

Participatie (6.3–6.5) and coördinatie/beleid (6.91/6.92) are not on the ladder.

Choice: the shares are shares of the **lasten** (gross cost) of the taakvelden on the ladder,
so the three add up to 100%. Not net cost, because baten on these taakvelden (eigen
bijdragen, contributions of regio gemeenten to a centrumgemeente for beschermd wonen, subsidies)
can make a step's net cost negative and its "share" meaningless. ``basis="netto"`` is
available but flags rows with a non-positive step.

Missing is not zero: a gemeente × jaar × verslagsoort without a real submission
(``iv3_levering``, or lasten and baten all 0 until that table exists) has NaN shares and
status ``geen gegevens``; it is left out of the peer medians.

What it cannot claim: the ladder reads booking lines, not care paths. Centrumgemeenten book
beschermd wonen and opvang for their region (a high geëscaleerd share is then partly a regional
role), and gemeenten book toegang and wijkteams differently (on 6.2 or inside the maatwerk
lines). The Iv3 revisions of 2023 (toegang on 6.2, refined maatwerk and geëscaleerd codes)
and 2025 (new codes for jeugdhulp, pgb and toegang) changed the booking: a change across
either can be partly a change of codes (:func:`ladder_verandering` names the revision).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.prijs_volume import check_columns, levering_uit_iv3, peer_tabel
from analysekit.data.levering import baten_bekend
from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.vocab import TAAKVELD_GROEPEN, TREDEN, VERSLAGSOORTEN

__all__ = [
    "BASES",
    "IV3_REVISIES",
    "TREDE_LABELS",
    "ladder_all",
    "ladder_kanttekening",
    "ladder_positie",
    "ladder_verandering",
    "ladder_zin",
]

#: Boekjaren from which the Iv3 taakvelden of the sociaal domein were revised (2023: toegang
#: on 6.2, maatwerk and geëscaleerde zorg split up; 2025: new codes for jeugdhulp, pgb and
#: toegang): a change of the shares across one is partly a change of booking.
IV3_REVISIES = (2023, 2025)
#: Dutch display label per step.
TREDE_LABELS = {"voorliggend": "voorliggend", "maatwerk": "maatwerk",
                "geescaleerd": "geëscaleerd"}
BASES = ("lasten", "netto")
_KEY = ["gm_code", "jaar", "verslagsoort"]


def _trede_of(taakveld: pd.Series) -> np.ndarray:
    """The step of each taakveld code (``""`` when not on the ladder).

    An aggregate code the mapping does not list (6.73, 6.74 in the multi-year series, 6.75
    and 6.76 in begroting 2026) takes the step of its sub-codes (those that start with it)
    when they all have the same step.
    """
    out = np.full(len(taakveld), "", dtype=object)
    codes = taakveld.astype(str).to_numpy()
    step = {c: t for t in TREDEN for c in TAAKVELD_GROEPEN[t]}
    listed = set(TAAKVELD_GROEPEN["sociaal_domein"])
    for code in set(codes.tolist()):
        if code in step:
            t = step[code]
        elif code not in listed:
            subs = {step.get(c, "") for c in listed if c.startswith(code) and c != code}
            t = subs.pop() if len(subs) == 1 else ""
        else:
            t = ""
        if t:
            out[codes == code] = t
    return out


def ladder_all(
    iv3: pd.DataFrame,
    *,
    levering: pd.DataFrame | None = None,
    basis: str = "lasten",
) -> pd.DataFrame:
    """Ladder amounts and shares for every gemeente × jaar × verslagsoort at once.

    Args:
        iv3: Table ``iv3``.
        levering: Table ``iv3_levering`` (default: derived from iv3).
        basis: ``lasten`` (default) or ``netto`` (lasten − baten).

    Returns:
        gm_code, jaar, verslagsoort, ``<trede>_eur`` per step, ladder_eur (their sum),
        ``aandeel_<trede>`` (percent of ladder_eur, 0–100), basis, status (``ok``,
        ``geen gegevens``, ``ladder ≤ 0``, ``negatieve trede``, and with ``basis="netto"``
        ``geen baten per taakveld``: NaN amounts, never lasten − 0).
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "taakveld", "lasten_eur",
                                "baten_eur"])
    if basis not in BASES:
        raise ParameterError(f"basis {basis!r} onbekend; verwacht: een van {BASES}")
    lev = levering_uit_iv3(iv3) if levering is None else levering
    check_columns(lev, "iv3_levering", [*_KEY, "geleverd"])
    lev = lev[[*_KEY, "geleverd"]].drop_duplicates(_KEY)
    d = iv3.loc[iv3["taakveld"].astype(str).str.startswith("6"), [*_KEY, "taakveld",
                                                                   "lasten_eur", "baten_eur"]]
    trede = _trede_of(d["taakveld"])
    on = trede != ""
    d = d.loc[on]
    amount = d["lasten_eur"].fillna(0.0)
    if basis == "netto":
        amount = amount - d["baten_eur"].fillna(0.0)
    wide = amount.groupby([d["gm_code"], d["jaar"], d["verslagsoort"], trede[on]],
                          sort=False).sum().unstack(fill_value=0.0)
    wide = wide.reindex(columns=list(TREDEN), fill_value=0.0)
    wide.index.names = _KEY
    out = lev.join(wide, on=_KEY)
    geleverd = out["geleverd"].astype(bool).to_numpy()
    bekend = np.ones(len(out), dtype=bool)
    if basis == "netto":  # netto needs baten per taakveld: missing is not zero
        keys = pd.MultiIndex.from_frame(out[_KEY])
        bekend = baten_bekend(d).reindex(keys, fill_value=True).to_numpy(dtype=bool)
    vals = out[list(TREDEN)].to_numpy(dtype="float64")
    vals = np.where((geleverd & bekend)[:, None], np.nan_to_num(vals), np.nan)
    total = vals.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100.0 * vals / np.where(total > 0, total, np.nan)[:, None]
    status = np.full(len(out), "ok", dtype=object)
    neg = geleverd & (vals < 0).any(axis=1)
    status[neg] = "negatieve trede"
    status[geleverd & ~(total > 0)] = "ladder ≤ 0"
    status[geleverd & ~bekend] = "geen baten per taakveld"
    status[~geleverd] = nl.GEEN_GEGEVENS
    share[status != "ok"] = np.nan
    res = out[_KEY].copy()
    for i, t in enumerate(TREDEN):
        res[f"{t}_eur"] = vals[:, i]
    res["ladder_eur"] = total
    for i, t in enumerate(TREDEN):
        res[f"aandeel_{t}"] = share[:, i]
    res["basis"] = basis
    res["status"] = status
    return res.sort_values(_KEY).reset_index(drop=True)


def _select(ladder: pd.DataFrame, jaar: int, verslagsoort: str) -> pd.DataFrame:
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(
            f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van {VERSLAGSOORTEN}")
    sel = ladder.loc[(ladder["jaar"] == jaar) & (ladder["verslagsoort"] == verslagsoort)]
    if sel.empty:
        have = sorted({(int(j), v) for j, v in zip(ladder["jaar"], ladder["verslagsoort"],
                                                   strict=True)})
        raise ParameterError(f"geen ladderrijen voor {verslagsoort} {jaar}; beschikbaar: {have}")
    return sel


def ladder_positie(
    ladder: pd.DataFrame,
    peer_list: pd.DataFrame | Sequence[str],
    jaar: int,
    verslagsoort: str = "jaarrekening",
    *,
    gm_code: str | None = None,
) -> pd.DataFrame:
    """Each gemeente's shares beside those of its peers, per step (all gemeenten at once).

    Args:
        ladder: :func:`ladder_all` output.
        peer_list: Peers (see :func:`analysekit.analysis.prijs_volume.peer_tabel`).
        jaar: Year.
        verslagsoort: ``jaarrekening`` or ``begroting``.
        gm_code: The gemeente when ``peer_list`` is a plain list.

    Returns:
        gm_code, jaar, verslagsoort, trede, aandeel (own %), peer_mediaan, peer_q1, peer_q3,
        peers_samen (the peers pooled: Σ lasten of the step / Σ ladder lasten, %), n_peers,
        percentiel (100 × (peers below + ½ equal) / peers; NaN without own share), status.
    """
    sel = _select(ladder, jaar, verslagsoort)
    pt = peer_tabel(peer_list, gm_code)
    ok = sel.loc[sel["status"] == "ok"]
    own = sel.set_index("gm_code")
    m = pt.merge(ok.rename(columns={"gm_code": "peer_gm_code"}), on="peer_gm_code")
    g = m.groupby("gm_code", sort=True)
    owners = pd.Index(sorted(pt["gm_code"].unique()), name="gm_code")
    rows = []
    for t in TREDEN:
        col = f"aandeel_{t}"
        q = g[col].quantile([0.25, 0.5, 0.75]).unstack().reindex(owners)
        pooled = (100.0 * g[f"{t}_eur"].sum() / g["ladder_eur"].sum()).reindex(owners)
        n = g[col].size().reindex(owners).fillna(0).astype(int)
        mine = own[col].reindex(owners)
        joined = m[["gm_code", col]].join(mine.rename("_own"), on="gm_code")
        below = (joined[col] < joined["_own"]).groupby(joined["gm_code"]).sum()
        equal = (joined[col] == joined["_own"]).groupby(joined["gm_code"]).sum()
        below, equal = below.reindex(owners).fillna(0), equal.reindex(owners).fillna(0)
        pct = 100.0 * (below + 0.5 * equal) / n.where(n > 0)
        rows.append(pd.DataFrame({
            "gm_code": owners, "jaar": jaar, "verslagsoort": verslagsoort, "trede": t,
            "aandeel": mine.to_numpy(), "peer_mediaan": q[0.5].to_numpy(),
            "peer_q1": q[0.25].to_numpy(), "peer_q3": q[0.75].to_numpy(),
            "peers_samen": pooled.to_numpy(), "n_peers": n.to_numpy(),
            "percentiel": np.where(mine.notna().to_numpy(), pct.to_numpy(), np.nan),
            "status": own["status"].reindex(owners).fillna(nl.GEEN_GEGEVENS).to_numpy(),
        }))
    out = pd.concat(rows, ignore_index=True)
    order = {t: i for i, t in enumerate(TREDEN)}
    out = out.assign(_o=out["trede"].map(order)).sort_values(["gm_code", "_o"])
    return out.drop(columns="_o").reset_index(drop=True)


def ladder_verandering(ladder: pd.DataFrame) -> pd.DataFrame:
    """Change of the shares against the previous year of the same verslagsoort.

    Args:
        ladder: :func:`ladder_all` output.

    Returns:
        gm_code, jaar, verslagsoort, vorig_jaar, and per step ``verandering_<trede>`` in
        percentage points (NaN where either year has no shares, or there is no earlier year),
        and ``revisie``: the year of an Iv3 revision (:data:`IV3_REVISIES`) after
        ``vorig_jaar`` up to ``jaar`` (NA when none: the same codes in both years).
    """
    cols = [f"aandeel_{t}" for t in TREDEN]
    d = ladder.sort_values(_KEY)[[*_KEY, *cols]]
    g = d.groupby(["gm_code", "verslagsoort"], sort=False)
    out = d[_KEY].copy()
    out["vorig_jaar"] = g["jaar"].shift(1).astype("Int64")
    prev = g[cols].shift(1)
    for t, c in zip(TREDEN, cols, strict=True):
        out[f"verandering_{t}"] = d[c] - prev[c]
    vorig = out["vorig_jaar"].astype("float64").to_numpy()
    nu = out["jaar"].to_numpy(dtype="float64")
    rev = np.full(len(out), np.nan)
    for r in sorted(IV3_REVISIES, reverse=True):  # the earliest revision in between wins
        rev[(vorig < r) & (nu >= r)] = r
    out["revisie"] = pd.array([None if np.isnan(v) else int(v) for v in rev], dtype="Int64")
    return out.reset_index(drop=True)


def ladder_zin(positie: pd.DataFrame, gm_code: str, naam: str | None = None,
               verandering: pd.DataFrame | None = None) -> str:
    """One Dutch sentence on a gemeente's ladder, its peer position and (if any) its change.

    Args:
        positie: :func:`ladder_positie` output.
        gm_code: The gemeente.
        naam: Display name (default gm_code).
        verandering: :func:`ladder_verandering` output (optional).
    """
    rows = positie.loc[positie["gm_code"] == gm_code].set_index("trede")
    if rows.empty:
        raise UnknownGemeente(f"gemeente {gm_code!r} heeft geen rijen in de ladderpositie")
    naam = naam or gm_code
    vs, jaar = rows["verslagsoort"].iloc[0], int(rows["jaar"].iloc[0])
    if rows["status"].iloc[0] != "ok" or not nl.finite(rows["aandeel"].iloc[0]):
        return (f"Transformatieladder ({vs} {jaar}): voor {naam} geen verdeling mogelijk "
                f"({rows['status'].iloc[0]}).")
    parts = [f"{nl.pct(rows.at[t, 'aandeel'])} {TREDE_LABELS[t]}" for t in TREDEN]
    text = (f"Van de lasten op de transformatieladder ({vs} {jaar}) gaat bij {naam} "
            f"{parts[0]}, {parts[1]} en {parts[2]}")
    n = int(rows["n_peers"].iloc[0])
    if n > 0:
        med = ", ".join(f"{nl.pct(rows.at[t, 'peer_mediaan'])} {TREDE_LABELS[t]}"
                        for t in TREDEN)
        p = rows.at["geescaleerd", "percentiel"]
        text += (f"; bij {n} vergelijkbare gemeenten is de mediaan {med}. Het aandeel "
                 f"geëscaleerd ligt hoger dan bij {nl.pct(p)} van die gemeenten")
    text += "."
    if verandering is not None:
        v = verandering.loc[(verandering["gm_code"] == gm_code) & (verandering["jaar"] == jaar)
                            & (verandering["verslagsoort"] == vs)]
        if len(v) and pd.notna(v["vorig_jaar"].iloc[0]) and nl.finite(
                v["verandering_geescaleerd"].iloc[0]):
            r = v.iloc[0]
            ch = ", ".join(
                f"{TREDE_LABELS[t]} {_pp(r[f'verandering_{t}'])} procentpunt" for t in TREDEN)
            text += f" Verandering sinds {vs} {int(r['vorig_jaar'])}: {ch}."
            rev = r.get("revisie")
            if rev is not None and not pd.isna(rev):
                text += (f" In {int(rev)} veranderde de Iv3-indeling van deze taakvelden: een "
                         "deel van die verandering is een andere boeking, geen verschuiving "
                         "in de zorg.")
    return text


def _pp(x: float) -> str:
    """A change in procentpunten with its sign: ``+5,2``, ``−5,9``, ``0,0``."""
    text = nl.getal(abs(float(x)), 1)
    if text == "0,0":
        return text
    return ("+" if x > 0 else "−") + text


def ladder_kanttekening() -> str:
    """What the ladder cannot claim, in Dutch."""
    return (
        "De ladder leest boekingsregels, geen zorgtrajecten: centrumgemeenten boeken beschermd "
        "wonen en opvang voor hun hele regio (een hoog aandeel geëscaleerd is dan deels een "
        "regionale rol), en gemeenten boeken toegang en wijkteams verschillend (op 6.2 of in de "
        "maatwerkregels). Bij de Iv3-herzieningen van 2023 (toegang op 6.2, maatwerk en "
        "geëscaleerde zorg uitgesplitst) en 2025 (nieuwe taakvelden voor jeugdhulp, pgb en "
        "toegang) veranderde de codering; een verschuiving over 2023 of 2025 heen kan deels "
        "een andere boeking zijn. "
        "Participatie (6.3–6.5) en beleid (6.91/6.92) staan niet op de ladder."
    )


def ladder(
    gemeente: str,
    jaar: int | None = None,
    verslagsoort: str = "jaarrekening",
    *,
    k: int = 10,
    peer_list: pd.DataFrame | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Ladder position of one gemeente among its peers, from the canonical tables.

    Args:
        gemeente: gm_code or name.
        jaar: Year (default: the newest year of ``verslagsoort`` in iv3).
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        k: Number of peers when ``peer_list`` is None (chosen by
            :func:`analysekit.analysis.peers.peer_selection` for the period).
        peer_list: Own peers (``peers()`` output or gm_codes).

    Returns:
        :func:`ladder_positie` rows of the gemeente (one per step); ``attrs`` has ``zin``,
        ``kanttekening``, ``ladder`` (all :func:`ladder_all` rows) and ``peer_codes``.
    """
    import analysekit
    from analysekit.analysis import peers as P
    from analysekit.analysis.deficits import resolve_gm_code
    from analysekit.analysis.prijs_volume import levering_tabel
    from analysekit.vocab import is_gm_code

    code = gemeente if is_gm_code(gemeente) else resolve_gm_code(str(gemeente))
    iv3 = analysekit.load("iv3")
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(
            f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van {VERSLAGSOORTEN}")
    if jaar is None:
        jaar = int(iv3.loc[iv3["verslagsoort"] == verslagsoort, "jaar"].max())
    lev = levering_tabel(iv3)
    la = ladder_all(iv3, levering=lev)
    if peer_list is None:  # the period's peer selection: only gemeenten that delivered
        ken, gem = analysekit.load("kenmerken"), analysekit.load("gemeenten")
        data = P.peer_data(ken, gem, P.peer_year(gem, int(jaar)))
        sel = P.peer_selection(int(jaar), verslagsoort, data=data, levering=lev)
        peer_list = sel.peers(code, k)
    pt = peer_tabel(peer_list, code)
    pos = ladder_positie(la, pt, int(jaar), verslagsoort)
    naam = code
    gem = analysekit.load("gemeenten")
    hit = gem.loc[gem["gm_code"] == code, "naam"]
    if len(hit):
        naam = str(hit.iloc[-1])
    pos.attrs.update({
        "zin": ladder_zin(pos, code, naam, ladder_verandering(la)),
        "kanttekening": ladder_kanttekening(), "ladder": la,
        "peer_codes": pt["peer_gm_code"].tolist(), "naam": naam,
    })
    return pos
