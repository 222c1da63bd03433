"""A measured structural deficit: how often and how much the jaarrekening exceeds the begroting.

Per gemeente × domein × year (2017–2024 in the mirror):

    overschrijding = lasten jaarrekening − lasten begroting of the same year

**on the lasten** ("overschrijding op de lasten"): the multi-year Iv3 has no baten per
taakveld before 2023, so a net overrun cannot be computed for most years. Higher lasten
than planned are often partly met by higher baten (a grant received during the year), so
an overrun on the lasten is an upper bound for the net one, not the deficit itself.

**The rule** (also in docs/deficits.md): a year *overschrijdt* when the jaarrekening lasten
exceed the begroting lasten by more than :data:`DREMPEL_PCT` % of the begroting. A domein
overruns **structureel** when it overran in at least :data:`MIN_OVER` of the last
:data:`LAATSTE` years that have both a begroting and a jaarrekening; with fewer than
:data:`MIN_OVER` such years the status is ``onbekend``. The **structurele overschrijding**
is then the mean overrun (in euros) over those last years, and its uncertainty their sample
standard deviation: the figure a scenario can set its hefbomen against.

A gemeente × year without a submission (begroting or jaarrekening) is left out: missing is
not zero, and an overrun needs both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysekit.analysis.forecast import fit_trends
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL

#: A year overruns when the jaarrekening exceeds the begroting by more than this % of it.
DREMPEL_PCT = 1.0
#: The window of the rule: the last this-many years with both submissions …
LAATSTE = 4
#: … of which at least this many overran.
MIN_OVER = 3
#: Status words of the rule.
STRUCTUREEL, NIET_STRUCTUREEL, ONBEKEND = "structureel", "niet structureel", "onbekend"

_ORDER = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}


def overruns(reeks: pd.DataFrame, jaren: list[int] | None = None,
             drempel_pct: float = DREMPEL_PCT) -> pd.DataFrame:
    """The overrun on the lasten per gemeente × domein × year with both submissions.

    Args:
        reeks: Domein series (``analysekit.data.series.domein_reeks``).
        jaren: Years (default: every year with a jaarrekening).
        drempel_pct: Materiality threshold, % of the begroting.

    Returns:
        gm_code, domein, jaar, begroting_eur, jaarrekening_eur, overschrijding_eur,
        overschrijding_pct (of the begroting), overschreden (bool: pct > drempel),
        inwoners (jaarrekening), overschrijding_per_inwoner, overschrijding_netto_eur
        (jaarrekening − begroting of the net cost, only where both have baten; NaN else).
    """
    need = {"gm_code", "jaar", "verslagsoort", "domein", "lasten_eur"}
    if not need <= set(reeks.columns):
        raise ParameterError(f"domeinreeks mist kolom(men) {sorted(need - set(reeks.columns))}")
    d = reeks
    if "geleverd" in d.columns:
        d = d.loc[d["geleverd"].astype(bool)]
    d = d.loc[d["lasten_eur"].notna()]
    if jaren is not None:
        d = d.loc[d["jaar"].isin(list(jaren))]
    keys = ["gm_code", "domein", "jaar"]
    if "netto_eur" not in d.columns:
        d = d.assign(netto_eur=np.nan)
    cols = [*keys, "lasten_eur", "netto_eur"] + (["inwoners"] if "inwoners" in d.columns else [])
    jr = d.loc[d["verslagsoort"] == "jaarrekening", cols].rename(
        columns={"lasten_eur": "jaarrekening_eur", "netto_eur": "netto_jaarrekening_eur"})
    bg = d.loc[d["verslagsoort"] == "begroting", [*keys, "lasten_eur", "netto_eur"]].rename(
        columns={"lasten_eur": "begroting_eur", "netto_eur": "netto_begroting_eur"})
    out = jr.merge(bg, on=keys, how="inner")
    # net overrun only where both submissions have baten (2023 in the mirror): NaN otherwise
    out["overschrijding_netto_eur"] = out["netto_jaarrekening_eur"] - out["netto_begroting_eur"]
    out["overschrijding_eur"] = out["jaarrekening_eur"] - out["begroting_eur"]
    base = out["begroting_eur"].where(out["begroting_eur"] > 0)
    out["overschrijding_pct"] = 100.0 * out["overschrijding_eur"] / base
    out["overschreden"] = (out["overschrijding_pct"] > drempel_pct).fillna(False).astype(bool)
    if "inwoners" in out.columns:
        inw = pd.to_numeric(out["inwoners"], errors="coerce").astype("float64")
        out["overschrijding_per_inwoner"] = out["overschrijding_eur"] / inw.where(inw > 0)
    else:
        out["inwoners"] = np.nan
        out["overschrijding_per_inwoner"] = np.nan
    out = out.assign(_o=out["domein"].map(_ORDER)).sort_values(["gm_code", "_o", "jaar"])
    cols = ["gm_code", "domein", "jaar", "begroting_eur", "jaarrekening_eur",
            "overschrijding_eur", "overschrijding_pct", "overschreden", "inwoners",
            "overschrijding_per_inwoner", "overschrijding_netto_eur"]
    return out[cols].reset_index(drop=True)


def persistence(ov: pd.DataFrame, laatste: int = LAATSTE, min_over: int = MIN_OVER,
                alpha: float = 0.05) -> pd.DataFrame:
    """How persistent the overrun is per gemeente × domein, and whether it is structureel.

    Args:
        ov: Output of :func:`overruns`.
        laatste: Window of the rule (the last years with both submissions).
        min_over: Overrun years needed in that window.
        alpha: 1 − coverage of the trend interval.

    Returns:
        gm_code, domein, n_jaren, n_overschreden, eerste_jaar, laatste_jaar,
        gemiddeld_eur, gemiddeld_pct, trend_eur_per_jaar with trend_laag/trend_hoog (OLS
        slope of the overrun over the years and its interval; NaN with fewer than 3 years),
        n_laatste, n_laatste_overschreden, status (``structureel`` / ``niet structureel``
        / ``onbekend``), structureel (bool), structureel_eur and structureel_sd_eur (mean
        and sample standard deviation of the overrun over the last ``laatste`` years; NaN
        unless structureel), structureel_per_inwoner, laatste_jaren (e.g. ``2021–2024``),
        and for the latest year with baten on both sides (2023 in the mirror): netto_jaar,
        netto_overschrijding_eur and netto_jaar_lasten_eur (the overrun on the lasten that
        year), to show how much of the overrun on the lasten is net.
    """
    if not 1 <= min_over <= laatste:
        raise ParameterError(f"min_over={min_over}, laatste={laatste}; verwacht: "
                             "1 ≤ min_over ≤ laatste")
    keys = ["gm_code", "domein"]
    if ov.empty:
        return pd.DataFrame(columns=[*keys, "n_jaren", "status", "structureel"])
    g = ov.groupby(keys, sort=False)
    out = g.agg(n_jaren=("jaar", "size"), n_overschreden=("overschreden", "sum"),
                eerste_jaar=("jaar", "min"), laatste_jaar=("jaar", "max"),
                gemiddeld_eur=("overschrijding_eur", "mean"),
                gemiddeld_pct=("overschrijding_pct", "mean"))
    # trend of the overrun: one numpy pass over all series
    w = ov.set_index([*keys, "jaar"])["overschrijding_eur"].unstack("jaar")
    fit = fit_trends(np.asarray(w.columns, dtype="int64"), w.to_numpy(dtype="float64"))
    lo, hi = fit.slope_interval(alpha)
    tr = pd.DataFrame({"trend_eur_per_jaar": fit.trend, "trend_laag": lo, "trend_hoog": hi},
                      index=w.index)
    out = out.join(tr)
    # the rule, on the last ``laatste`` years with both submissions
    last = ov.sort_values("jaar").groupby(keys, sort=False).tail(laatste)
    gl = last.groupby(keys, sort=False)
    lw = gl.agg(n_laatste=("jaar", "size"), n_laatste_overschreden=("overschreden", "sum"),
                l_eerste=("jaar", "min"), l_laatste=("jaar", "max"),
                l_mean=("overschrijding_eur", "mean"),
                l_sd=("overschrijding_eur", "std"),
                l_inw=("inwoners", "last"))
    out = out.join(lw)
    net = ov.loc[ov["overschrijding_netto_eur"].notna()] if "overschrijding_netto_eur" in \
        ov.columns else ov.iloc[:0]
    if len(net):
        last_net = net.sort_values("jaar").groupby(keys, sort=False).tail(1).set_index(keys)
        out = out.join(last_net[["jaar", "overschrijding_netto_eur", "overschrijding_eur"]]
                       .rename(columns={"jaar": "netto_jaar",
                                        "overschrijding_netto_eur": "netto_overschrijding_eur",
                                        "overschrijding_eur": "netto_jaar_lasten_eur"}))
    else:
        out["netto_jaar"] = np.nan
        out["netto_overschrijding_eur"] = np.nan
        out["netto_jaar_lasten_eur"] = np.nan
    known = out["n_laatste"] >= min_over
    hit = out["n_laatste_overschreden"] >= min_over
    out["status"] = np.where(~known, ONBEKEND, np.where(hit, STRUCTUREEL, NIET_STRUCTUREEL))
    out["structureel"] = (known & hit).astype(bool)
    out["structureel_eur"] = out["l_mean"].where(out["structureel"])
    out["structureel_sd_eur"] = out["l_sd"].where(out["structureel"])
    inw = pd.to_numeric(out["l_inw"], errors="coerce").astype("float64")
    out["structureel_per_inwoner"] = out["structureel_eur"] / inw.where(inw > 0)
    out["laatste_jaren"] = [f"{int(a)}–{int(b)}" for a, b in
                            zip(out["l_eerste"], out["l_laatste"], strict=True)]
    out["n_overschreden"] = out["n_overschreden"].astype("int64")
    out["n_laatste_overschreden"] = out["n_laatste_overschreden"].astype("int64")
    out = out.drop(columns=["l_eerste", "l_laatste", "l_mean", "l_sd", "l_inw"]).reset_index()
    out = out.assign(_o=out["domein"].map(_ORDER)).sort_values(["gm_code", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def persistence_sentence(row: pd.Series | dict, naam: str | None = None) -> str:
    """One Dutch sentence: how often a domein overran and whether that is structureel.

    ``"Jeugd overschreed de begroting (lasten) in 6 van de 8 jaren (2017–2024);
    in 2021–2024 3 van de 4 keer: structureel, gemiddeld € 4,1 mln per jaar."``
    """
    from analysekit import nl

    r = dict(row)
    dom = str(r["domein"])
    wie = f"{naam}: " if naam else ""
    n, k = int(r["n_jaren"]), int(r["n_overschreden"])
    jaren = f"{int(r['eerste_jaar'])}–{int(r['laatste_jaar'])}"
    text = (f"{wie}{dom} overschreed de begroting op de lasten in {k} van de {n} "
            f"{'jaar' if n == 1 else 'jaren'} ({jaren}; overschrijding = meer dan "
            f"{nl.getal(DREMPEL_PCT)}% boven de begroting)")
    if r["status"] == STRUCTUREEL:
        text += (f"; in {r['laatste_jaren']} {int(r['n_laatste_overschreden'])} van de "
                 f"{int(r['n_laatste'])} keer, dus structureel: gemiddeld "
                 f"{nl.eur(r['structureel_eur'], compact=True)} per jaar (spreiding "
                 f"{nl.eur(r['structureel_sd_eur'], compact=True)}).")
    elif r["status"] == NIET_STRUCTUREEL:
        text += (f"; in {r['laatste_jaren']} {int(r['n_laatste_overschreden'])} van de "
                 f"{int(r['n_laatste'])} keer: niet structureel.")
    else:
        text += "; te weinig jaren om te zeggen of het structureel is."
    if nl.finite(r.get("netto_jaar")) and nl.finite(r.get("netto_overschrijding_eur")):
        lasten = nl.eur(r["netto_jaar_lasten_eur"], compact=True, sign=True)
        netto = nl.eur(r["netto_overschrijding_eur"], compact=True, sign=True)
        text += (f" In {int(r['netto_jaar'])}, het jaar met baten in begroting én jaarrekening, "
                 f"was het verschil op de lasten {lasten} en netto (lasten min baten) {netto}.")
    return text
