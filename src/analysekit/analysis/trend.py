"""The trend lens: spending per inwoner per domein over the years, for all gemeenten at once.

Input is the comparable domein series (``analysekit.data.series.domein_reeks``: one row per
gm_code × jaar × verslagsoort × domein on one indeling, with ``lasten_eur``, ``netto_eur``
(NaN where baten are unknown), ``inwoners``, ``geleverd`` and ``breuk``). From it:

* :func:`per_inwoner` — ``lasten_per_inwoner`` and ``netto_per_inwoner`` (NaN where the
  gemeente did not deliver: missing is not zero);
* :func:`nederland` — Nederland per jaar × verslagsoort × domein: Σ lasten / Σ inwoners of
  the gemeenten that delivered (and the same for netto where it is known);
* :func:`band` — the peers' median and interquartile band per year (peers without a value
  in a year are left out of that year, never counted as 0);
* :func:`growth_all` — average yearly growth per gemeente × domein with a 95% interval
  and the rank among all gemeenten: the slope ``b`` of ``ln(y) = a + b · jaar`` fitted by
  OLS on the jaarrekening years, growth ``exp(b) − 1`` and interval ``exp(b ± t·se) − 1``
  (one numpy pass over all series; the test checks it against statsmodels and scipy);
* :func:`lens` — one gemeente's trajectory next to its peers' band and Nederland.

**Nominal euros.** The mirror holds no official price index (no CBS CPI, no prijs
overheidsconsumptie), so every figure is in euros of the year itself and growth includes
inflation. There is deliberately no real-euro option: a deflator the kit would have to make
up is not offered.

**Definition breaks.** The rows' ``breuk`` notes (6.1 widened 2021–2023, the Jeugd
taakvelden split in 2023) are carried into :func:`breaks` and into the growth table
(column ``breuk``), so that a figure or sentence can say that a trend runs across one.

What a growth figure can claim: it describes the past path of one gemeente's spending; it
is not an explanation of it (prices, volume, policy and definitions are all in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysekit.analysis.forecast import fit_trends
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL

#: Measures per inwoner the lens offers: name → the amount column it divides.
MEASURES = {"lasten_per_inwoner": "lasten_eur", "netto_per_inwoner": "netto_eur"}
#: Fewest jaarrekening years for a growth figure with an interval.
MIN_JAREN = 4
#: The domeinen and their sum, in the kit's one order.
DOMEINEN_EN_TOTAAL = (*DOMEINEN, TOTAAL)

_NEEDED = ("gm_code", "jaar", "verslagsoort", "domein", "lasten_eur", "inwoners")


def _check(reeks: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in reeks.columns]
    if missing:
        raise ParameterError(
            f"domeinreeks mist kolom(men) {missing}; verwacht: de uitvoer van "
            "analysekit.data.series.domein_reeks()")


def _measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ParameterError(f"maat {measure!r} onbekend; verwacht: een van {tuple(MEASURES)}")
    return measure


def per_inwoner(reeks: pd.DataFrame) -> pd.DataFrame:
    """The series with ``lasten_per_inwoner`` and ``netto_per_inwoner`` added.

    A row that was not delivered (``geleverd`` false) or has no inwoners gets NaN, never 0.
    """
    _check(reeks)
    out = reeks.copy()
    inw = pd.to_numeric(out["inwoners"], errors="coerce").astype("float64")
    inw = inw.where(inw > 0)
    ok = out["geleverd"].astype(bool) if "geleverd" in out.columns else True
    for measure, col in MEASURES.items():
        if col in out.columns:
            val = pd.to_numeric(out[col], errors="coerce").astype("float64")
            out[measure] = (val / inw).where(ok)
        else:
            out[measure] = np.nan
    return out


def _ensure_pi(reeks: pd.DataFrame) -> pd.DataFrame:
    return reeks if "lasten_per_inwoner" in reeks.columns else per_inwoner(reeks)


def nederland(reeks: pd.DataFrame) -> pd.DataFrame:
    """Nederland per jaar × verslagsoort × domein: Σ amount / Σ inwoners of delivering gemeenten.

    Returns:
        jaar, verslagsoort, domein, n_gemeenten (delivered, with inwoners), lasten_eur,
        inwoners, lasten_per_inwoner, n_gemeenten_netto, netto_per_inwoner (NaN where no
        gemeente has a net figure).
    """
    _check(reeks)
    d = reeks
    inw = pd.to_numeric(d["inwoners"], errors="coerce").astype("float64")
    ok = d["lasten_eur"].notna() & (inw > 0)
    if "geleverd" in d.columns:
        ok &= d["geleverd"].astype(bool)
    keys = ["jaar", "verslagsoort", "domein"]
    base = d.loc[ok, keys].assign(lasten_eur=d.loc[ok, "lasten_eur"].astype("float64"),
                                  inwoners=inw[ok])
    g = base.groupby(keys, sort=True, observed=True)
    out = g.agg(n_gemeenten=("lasten_eur", "size"), lasten_eur=("lasten_eur", "sum"),
                inwoners=("inwoners", "sum"))
    out["lasten_per_inwoner"] = out["lasten_eur"] / out["inwoners"]
    if "netto_eur" in d.columns:
        okn = ok & d["netto_eur"].notna()
        nb = d.loc[okn, keys].assign(netto_eur=d.loc[okn, "netto_eur"].astype("float64"),
                                     inwoners=inw[okn])
        gn = nb.groupby(keys, sort=True, observed=True).agg(
            n_gemeenten_netto=("netto_eur", "size"), netto_sum=("netto_eur", "sum"),
            inw_netto=("inwoners", "sum"))
        out = out.join(gn)
        out["netto_per_inwoner"] = out["netto_sum"] / out["inw_netto"]
        out = out.drop(columns=["netto_sum", "inw_netto"])
        out["n_gemeenten_netto"] = out["n_gemeenten_netto"].fillna(0).astype("int64")
    else:
        out["n_gemeenten_netto"] = 0
        out["netto_per_inwoner"] = np.nan
    return out.reset_index()


def band(reeks: pd.DataFrame, gm_codes: Iterable[str],
         measure: str = "lasten_per_inwoner") -> pd.DataFrame:
    """Median and interquartile band of a group of gemeenten per jaar × verslagsoort × domein.

    Args:
        reeks: Domein series (with or without the per-inwoner columns).
        gm_codes: The group (e.g. a gemeente's peers). Members without a value in a year
            are left out of that year (``n_met_waarde`` says how many counted).
        measure: ``lasten_per_inwoner`` or ``netto_per_inwoner``.

    Returns:
        jaar, verslagsoort, domein, n_met_waarde, q1, mediaan, q3 (NaN where no member
        has a value).
    """
    measure = _measure(measure)
    codes = {str(c) for c in gm_codes}
    d = _ensure_pi(reeks)
    d = d.loc[[c in codes for c in d["gm_code"].tolist()],
              ["jaar", "verslagsoort", "domein", measure]].dropna(subset=[measure])
    keys = ["jaar", "verslagsoort", "domein"]
    if d.empty:
        return pd.DataFrame(columns=[*keys, "n_met_waarde", "q1", "mediaan", "q3"])
    g = d.groupby(keys, sort=True, observed=True)[measure]
    out = pd.DataFrame({"n_met_waarde": g.size(), "q1": g.quantile(0.25),
                        "mediaan": g.median(), "q3": g.quantile(0.75)})
    return out.reset_index()


#: Short labels of the definition breaks (for figure marks and table cells), by a word in
#: the series' note; a note that matches none is shown by its first words.
_BREUK_KORT = (("6.1", "6.1 breder gevuld"), ("Jeugd fijner", "Jeugd fijner ingedeeld"),
               ("nummering", "nieuwe taakveldnummering"), ("geschat", "pgb geschat"))


def short_break(note: str) -> str:
    """A short Dutch label for a break note of the series (``6.1 breder gevuld`` …)."""
    labels = [kort for key, kort in _BREUK_KORT if key in note]
    if labels:
        return "; ".join(labels)
    words = note.replace("Breuk:", "").split()
    return " ".join(words[:5]) + (" …" if len(words) > 5 else "")


def breaks(reeks: pd.DataFrame) -> dict[str, list[tuple[int, str, str]]]:
    """Per domein the definition breaks noted in the series: (year, short label, note).

    A note is given once, at the first year it appears (the series names a break in the
    year it starts).
    """
    if "breuk" not in reeks.columns:
        return {}
    b = reeks.loc[reeks["breuk"].notna() & (reeks["breuk"].astype(str).str.strip() != ""),
                  ["domein", "jaar", "breuk"]].drop_duplicates()
    out: dict[str, list[tuple[int, str, str]]] = {}
    for dom, g in b.groupby("domein", sort=False):
        seen: dict[str, int] = {}
        for j, note in sorted(zip(g["jaar"].astype(int), g["breuk"].astype(str), strict=True)):
            seen.setdefault(note.strip(), j)
        out[str(dom)] = sorted((j, short_break(n), n) for n, j in seen.items())
    return out


def wide(reeks: pd.DataFrame, measure: str = "lasten_per_inwoner",
         verslagsoort: str = "jaarrekening", jaren: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per gm_code × domein, one column per year (NaN where not delivered)."""
    measure = _measure(measure)
    d = _ensure_pi(reeks)
    d = d.loc[d["verslagsoort"] == verslagsoort, ["gm_code", "domein", "jaar", measure]]
    if jaren is not None:
        d = d.loc[d["jaar"].isin(list(jaren))]
    w = d.set_index(["gm_code", "domein", "jaar"])[measure].unstack("jaar")
    if jaren is not None:
        w = w.reindex(columns=sorted(int(j) for j in jaren))
    return w.sort_index(axis=1)


def growth_all(
    reeks: pd.DataFrame,
    measure: str = "lasten_per_inwoner",
    verslagsoort: str = "jaarrekening",
    jaren: Sequence[int] | None = None,
    alpha: float = 0.05,
    min_jaren: int = MIN_JAREN,
) -> pd.DataFrame:
    """Average yearly growth with an interval and the rank, for every gemeente × domein.

    Log-linear OLS per series: ``ln(y) = a + b · (jaar − eerste jaar)``; growth
    ``100 · (exp(b) − 1)`` % per year and the ``1 − alpha`` interval
    ``100 · (exp(b ± t(n−2) · se(b)) − 1)``. Years without a value (not delivered) are left
    out; a series with fewer than ``min_jaren`` years, or with a value ≤ 0, gets NaN.

    Args:
        reeks: Domein series (``domein_reeks``), with or without per-inwoner columns.
        measure: ``lasten_per_inwoner`` (default) or ``netto_per_inwoner``.
        verslagsoort: ``jaarrekening`` (default: what was really spent) or ``begroting``.
        jaren: Years to fit (default: every year of that verslagsoort in the series).
        alpha: 1 − coverage of the interval.
        min_jaren: Fewest observed years.

    Returns:
        gm_code, domein, n_jaren, eerste_jaar, laatste_jaar, groei_pct, groei_laag_pct,
        groei_hoog_pct, rang (1 = fastest growth among the gemeenten with a value for that
        domein), n_rang, breuk (the definition breaks inside the fitted years, "" if none).
    """
    measure = _measure(measure)
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r}; verwacht: een getal tussen 0 en 1")
    w = wide(reeks, measure, verslagsoort, jaren)
    yrs = np.asarray(w.columns, dtype="int64")
    y = w.to_numpy(dtype="float64", na_value=np.nan)
    positive = np.where(np.isfinite(y), y > 0, True).all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ly = np.log(np.where(y > 0, y, np.nan))
    fit = fit_trends(yrs, ly)
    lo, hi = fit.slope_interval(alpha)
    ok = positive & (fit.n >= max(min_jaren, 3))
    obs = np.isfinite(ly)
    first = np.where(obs, yrs[None, :], 10**6).min(axis=1) if len(yrs) else np.array([])
    out = pd.DataFrame({
        "gm_code": w.index.get_level_values("gm_code").astype(str),
        "domein": w.index.get_level_values("domein").astype(str),
        "n_jaren": fit.n.astype("int64"),
        "eerste_jaar": np.where(fit.n > 0, first, -1),
        "laatste_jaar": fit.laatste,
        "groei_pct": np.where(ok, 100.0 * np.expm1(fit.trend), np.nan),
        "groei_laag_pct": np.where(ok, 100.0 * np.expm1(lo), np.nan),
        "groei_hoog_pct": np.where(ok, 100.0 * np.expm1(hi), np.nan),
    })
    out["eerste_jaar"] = out["eerste_jaar"].astype("Int64").where(out["n_jaren"] > 0)
    out["laatste_jaar"] = out["laatste_jaar"].astype("Int64").where(out["n_jaren"] > 0)
    out["rang"] = out.groupby("domein")["groei_pct"].rank(ascending=False, method="min")
    out["n_rang"] = out.groupby("domein")["groei_pct"].transform("count").astype("int64")
    br = breaks(reeks)
    out["breuk"] = [
        "; ".join(f"{kort} ({j})" for j, kort, _ in br.get(d, [])
                  if pd.notna(e) and pd.notna(la) and e < j <= la)
        for d, e, la in zip(out["domein"], out["eerste_jaar"], out["laatste_jaar"], strict=True)
    ]
    order = {d: i for i, d in enumerate(DOMEINEN_EN_TOTAAL)}
    out = out.assign(_o=out["domein"].map(order)).sort_values(["gm_code", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def lens(
    reeks: pd.DataFrame,
    gm_code: str,
    peers: Iterable[str],
    measure: str = "lasten_per_inwoner",
    nl: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One gemeente's trajectory against its peers' band and Nederland.

    Args:
        reeks: Domein series of all gemeenten (``domein_reeks``).
        gm_code: The gemeente.
        peers: gm_codes of its peers (e.g. ``peers.peer_selection(...).peers(code)``).
        measure: ``lasten_per_inwoner`` (default) or ``netto_per_inwoner``.
        nl: :func:`nederland` of ``reeks`` (computed when None; pass it when reused).

    Returns:
        One row per jaar × verslagsoort × domein: gm_code, eigen (NaN where not
        delivered), n_peers_met_waarde, peer_q1, peer_mediaan, peer_q3, nederland, breuk.
    """
    measure = _measure(measure)
    d = _ensure_pi(reeks)
    own = d.loc[d["gm_code"] == gm_code]
    if own.empty:
        from analysekit.errors import UnknownGemeente

        raise UnknownGemeente(f"gemeente {gm_code!r} staat niet in de domeinreeks; verwacht: "
                              "een gm_code van de nieuwste indeling, zoals GM0855")
    keys = ["jaar", "verslagsoort", "domein"]
    cols = [*keys, measure] + (["breuk"] if "breuk" in own.columns else [])
    out = own.loc[:, cols].rename(columns={measure: "eigen"})
    b = band(d, [c for c in peers if c != gm_code], measure).rename(columns={
        "n_met_waarde": "n_peers_met_waarde", "q1": "peer_q1", "mediaan": "peer_mediaan",
        "q3": "peer_q3"})
    out = out.merge(b, on=keys, how="left")
    out["n_peers_met_waarde"] = out["n_peers_met_waarde"].fillna(0).astype("int64")
    nl = nederland(d) if nl is None else nl
    out = out.merge(nl.loc[:, [*keys, measure]].rename(columns={measure: "nederland"}),
                    on=keys, how="left")
    if "breuk" not in out.columns:
        out["breuk"] = ""
    out["breuk"] = out["breuk"].fillna("").astype(str)
    out.insert(0, "gm_code", gm_code)
    order = {dm: i for i, dm in enumerate(DOMEINEN_EN_TOTAAL)}
    out = out.assign(_o=out["domein"].map(order)).sort_values(
        ["_o", "verslagsoort", "jaar"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def projections_all(
    reeks: pd.DataFrame,
    horizon: int = 4,
    measure: str = "lasten_per_inwoner",
    alpha: float = 0.05,
    min_jaren: int = MIN_JAREN,
) -> pd.DataFrame:
    """The kit's projection for every gemeente × domein: a linear trend over the jaarrekening.

    The same model as :func:`analysekit.analysis.forecast.project` (``method="ols"``), on
    every jaarrekening year of the series, ``horizon`` years past the last one, with its
    ``1 − alpha`` prediction interval; :mod:`analysekit.analysis.backtest` tests it.

    Returns:
        gm_code, domein, jaar, verwachting, ondergrens, bovengrens, n_jaren, laatste_jaar.
    """
    w = wide(reeks, measure, "jaarrekening")
    yrs = np.asarray(w.columns, dtype="int64")
    fit = fit_trends(yrs, w.to_numpy(dtype="float64", na_value=np.nan))
    ok = fit.n >= min_jaren
    last = int(yrs.max()) if len(yrs) else 0
    frames = []
    for j in range(last + 1, last + horizon + 1):
        m, lo, hi = fit.predict(j, alpha)
        frames.append(pd.DataFrame({
            "gm_code": w.index.get_level_values("gm_code").astype(str),
            "domein": w.index.get_level_values("domein").astype(str), "jaar": j,
            "verwachting": np.where(ok, m, np.nan), "ondergrens": np.where(ok, lo, np.nan),
            "bovengrens": np.where(ok, hi, np.nan), "n_jaren": fit.n.astype("int64"),
            "laatste_jaar": fit.laatste}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.sort_values(["gm_code", "domein", "jaar"]).reset_index(drop=True)


def wide_all(reeks: pd.DataFrame, measure: str = "lasten_per_inwoner") -> pd.DataFrame:
    """One row per gemeente, one column per (verslagsoort, jaar, domein): for :func:`lens_fast`.

    Computed once for all gemeenten; a report then takes its own row and its peers' rows.
    """
    measure = _measure(measure)
    d = _ensure_pi(reeks)
    w = d.set_index(["gm_code", "verslagsoort", "jaar", "domein"])[measure].unstack(
        ["verslagsoort", "jaar", "domein"])
    return w.sort_index(axis=1)


def lens_columns(w: pd.DataFrame, nl: pd.DataFrame,
                 measure: str = "lasten_per_inwoner") -> dict[str, np.ndarray]:
    """What :func:`lens_fast` gives every gemeente alike: years, domeinen, Nederland, order.

    Computed once for all reports (e.g. as a shared value) and passed to :func:`lens_fast`.
    """
    cols = w.columns
    jaar = cols.get_level_values("jaar").astype("int64").to_numpy()
    soort = cols.get_level_values("verslagsoort").astype(str).to_numpy()
    domein = cols.get_level_values("domein").astype(str).to_numpy()
    ned = nl.set_index(["jaar", "verslagsoort", "domein"])[measure]
    nederland = ned.reindex(pd.MultiIndex.from_arrays([jaar, soort, domein])).to_numpy(
        dtype="float64", na_value=np.nan)
    rank = {dm: i for i, dm in enumerate(DOMEINEN_EN_TOTAAL)}
    order = pd.DataFrame({"_o": [rank.get(d, len(rank)) for d in domein], "verslagsoort": soort,
                          "jaar": jaar}).sort_values(["_o", "verslagsoort", "jaar"],
                                                     kind="stable").index.to_numpy()
    return {"jaar": jaar[order], "verslagsoort": soort[order], "domein": domein[order],
            "nederland": nederland[order], "order": order}


def lens_fast(w: pd.DataFrame, gm_code: str, peers: Iterable[str],
              nl: pd.DataFrame, measure: str = "lasten_per_inwoner",
              columns: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """:func:`lens` from :func:`wide_all` (the same rows; numpy on the peers' rows).

    Args:
        w: :func:`wide_all` of the series.
        gm_code: The gemeente.
        peers: Its peers (those without a value in a year are left out of that year).
        nl: :func:`nederland` of the series.
        measure: The measure ``w`` holds.
        columns: :func:`lens_columns` of ``w`` and ``nl`` when already computed.
    """
    if gm_code not in w.index:
        from analysekit.errors import UnknownGemeente

        raise UnknownGemeente(f"gemeente {gm_code!r} staat niet in de domeinreeks; verwacht: "
                              "een gm_code van de nieuwste indeling, zoals GM0855")
    c = columns if columns is not None else lens_columns(w, nl, measure)
    codes = [x for x in dict.fromkeys(str(p) for p in peers) if x != gm_code and x in w.index]
    order = c["order"]
    own = w.loc[gm_code].to_numpy(dtype="float64", na_value=np.nan)[order]
    vals = w.loc[codes].to_numpy(dtype="float64", na_value=np.nan)[:, order]
    n = np.isfinite(vals).sum(axis=0)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = (np.nanpercentile(vals, [25, 50, 75], axis=0) if len(codes)
                 else np.full((3, len(own)), np.nan))
    return pd.DataFrame({
        "gm_code": gm_code, "jaar": c["jaar"], "verslagsoort": c["verslagsoort"],
        "domein": c["domein"], "eigen": own, "n_peers_met_waarde": n.astype("int64"),
        "peer_q1": np.where(n > 0, q[0], np.nan), "peer_mediaan": np.where(n > 0, q[1], np.nan),
        "peer_q3": np.where(n > 0, q[2], np.nan), "nederland": c["nederland"], "breuk": ""})
