"""Event studies around an adoption (or a merger): TWFE, stacked, and Sun–Abraham.

All three are regressions by :func:`analysekit.analysis.levers.panel.twfe`
(linearmodels, clustered by gemeente) with never-treated gemeenten as controls:

* ``twfe``: relative-time dummies with binned endpoints, reference year t-1. Biased when
  effects differ between adoption cohorts (Sun & Abraham 2021; Goodman-Bacon 2021).
* ``stacked``: one sub-experiment per cohort with its never-treated controls, cohort ×
  gemeente and cohort × year effects (Cengiz et al. 2019).
* ``sunab``: Sun & Abraham's (2021) interaction-weighted estimator: a dummy per cohort ×
  relative year (all of them, none binned; t-1 the reference), then per relative year the
  cohort estimates averaged with the cohorts' shares of the treated at that relative year
  as weights. Robust to effects that differ between cohorts (checked against pyfixest's
  saturated event study in the tests).

The pre-trend test is the joint F test (clustered covariance, t(G-1)) that the shown
leads t-leads … t-2 are zero; ``gemiddeld_na_invoering`` is the mean of t+0 … t+lags.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit.analysis.levers.adoption import adoption_map
from analysekit.analysis.levers.inputs import at, check_alpha, prepare
from analysekit.analysis.levers.panel import TwfeFit, twfe
from analysekit.analysis.levers.result import Diagnostics, LeverResult, PretrendTest, tidy
from analysekit.analysis.levers.text import METHOD_NL, label, outcome_nl
from analysekit.errors import ParameterError

MEAN_TERM = "gemiddeld_na_invoering"


def event_term(k: int) -> str:
    """Name of relative year ``k``: ``t-2``, ``t+0``, ``t+3``."""
    return f"t{k:+d}" if k != 0 else "t+0"


def _binned(rel: np.ndarray, treated: np.ndarray, leads: int, lags: int) -> dict[str, np.ndarray]:
    out = {}
    for k in range(-leads, lags + 1):
        if k == -1:
            continue
        hit = rel <= k if k == -leads else rel >= k if k == lags else rel == k
        out[event_term(k)] = (treated & hit).astype(float)
    return out


def sunab_design(g: np.ndarray, rel: np.ndarray, leads: int, lags: int
                 ) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Sun–Abraham's design: a dummy per cohort × relative year, t-1 left out.

    Per shown relative year, the weights of its cohort terms: each cohort's share of the
    treated gemeente-jaren at that relative year.

    Args:
        g: Adoption year per row (NaN for never-treated).
        rel: Year minus adoption year per row (any value for never-treated).
        leads: Leads shown (t-leads … t-2).
        lags: Lags shown (t+0 … t+lags).
    """
    treated = ~np.isnan(g)
    cells = pd.DataFrame({"c": g[treated].astype(int), "k": rel[treated]})
    counts = cells.loc[cells["k"] != -1].value_counts().sort_index()
    cols, weights = {}, {}
    for (c, k), n_ck in counts.items():
        term = f"{c}:{event_term(k)}"
        cols[term] = (treated & (g == c) & (rel == k)).astype(float)
        if -leads <= k <= lags:
            weights.setdefault(event_term(k), {})[term] = float(n_ck)
    weights = {t: {k: v / sum(w.values()) for k, v in w.items()}
               for t, w in sorted(weights.items(), key=lambda kv: int(kv[0][1:]))}
    return pd.DataFrame(cols, index=np.arange(len(g))), weights


def _lincomb(fit: TwfeFit, weights: dict[str, dict[str, float]], alpha: float, design: str,
             spec: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Linear combinations of the coefficients: tidy table, their covariance, weight matrix."""
    names = list(fit.res.params.index)
    r = np.zeros((len(weights), len(names)))
    for i, w in enumerate(weights.values()):
        for term, v in w.items():
            r[i, names.index(term)] = v
    est = r @ fit.res.params.to_numpy()
    cov = r @ fit.res.cov.to_numpy() @ r.T
    table = tidy(est, np.sqrt(np.diag(cov)), fit.df, list(weights), alpha, int(fit.res.nobs),
                 fit.n_clusters, design, spec)
    return table, pd.DataFrame(cov, index=list(weights), columns=list(weights)), r


def fit_event_study(
    df: pd.DataFrame,
    outcome: str,
    adoption: pd.DataFrame | str | Path,
    *,
    hefboom: str | None = None,
    leads: int = 3,
    lags: int = 3,
    controls: Sequence[str] = (),
    method: str = "twfe",
    entity: str = "gm_code",
    time: str = "jaar",
    alpha: float = 0.05,
    top_influential: int = 5,
    source: str | None = None,
    diagnose: bool = True,
) -> LeverResult:
    """Event study around the adoption of a lever, never-treated gemeenten as controls.

    Gemeenten that adopted in or before the first panel year (always treated) are left out.

    Args:
        df: Long panel (gm_code, jaar, outcome, controls).
        outcome: Outcome column.
        adoption: Frame or CSV path with gm_code, hefboom, adoptiejaar (:func:`read_adoption`).
        hefboom: Lever to analyse when the adoption file holds several.
        leads: Pre-periods shown (>= 2 for a pre-trend test).
        lags: Post-periods shown after the adoption year (>= 0).
        controls: Time-varying controls.
        method: ``"twfe"``, ``"stacked"`` or ``"sunab"`` (see the module docstring).
        entity: Gemeente column.
        time: Year column.
        alpha: 1 - confidence level.
        top_influential: Number of influential gemeente-jaren to report.
        source: Name of the panel for error messages.
        diagnose: False skips the diagnostics (only for the draws of a randomisation
            placebo, whose estimates are not reported one by one).

    Returns:
        A :class:`LeverResult` with design ``"event-study"`` and a ``pretrend`` test.

    Raises:
        ParameterError: Bad windows or columns, no treated or no never-treated gemeenten.
        DataError: A malformed adoption CSV.
    """
    check_alpha(alpha)
    if leads < 2 or lags < 0:
        raise ParameterError(f"leads = {leads}, lags = {lags}: verwacht leads ≥ 2 (voor de "
                             f"pre-trendtoets) en lags ≥ 0")
    if method not in METHOD_NL:
        raise ParameterError(f"method = {method!r}: verwacht 'twfe', 'stacked' of 'sunab'")
    controls = list(controls)
    g_map, name = adoption_map(adoption, hefboom, entity, source)
    data, notes = prepare(df, outcome, controls, entity, time, source)
    first_year = int(data[time].min())
    unknown = sorted(set(g_map.index) - set(data[entity]))
    if unknown:
        notes.append(f"{len(unknown)} gemeenten uit het invoeringsbestand staan niet in de "
                     f"data: {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}")
    g = data[entity].map(g_map).to_numpy(dtype=float)
    always = ~np.isnan(g) & (g <= first_year)
    if always.any():
        notes.append(f"{data.loc[always, entity].nunique()} gemeenten voerden in vóór of in "
                     f"het eerste jaar ({first_year}) in en zijn weggelaten (geen jaren vóór "
                     f"invoering)")
        data, g = data.loc[~always].reset_index(drop=True), g[~always]
    treated = ~np.isnan(g)
    n_treated, n_never = data.loc[treated, entity].nunique(), data.loc[~treated, entity].nunique()
    if n_treated == 0:
        raise ParameterError(f"{at(source)}geen enkele gemeente uit het invoeringsbestand heeft "
                             f"jaren vóór en na invoering in de data; een event study is niet "
                             f"mogelijk")
    if n_never == 0:
        raise ParameterError(f"{at(source)}er zijn geen gemeenten die nooit invoerden; de event "
                             f"study gebruikt nooit-invoerders als controlegroep")
    rel = np.where(treated, data[time].to_numpy() - np.nan_to_num(g), 0).astype(int)
    shown = [event_term(k) for k in range(-leads, lags + 1) if k != -1]
    weights: dict[str, dict[str, float]] = {}
    if method == "sunab":
        dummies, weights = sunab_design(g, rel, leads, lags)
        frame = pd.concat([data, dummies], axis=1)
        terms = list(dummies.columns)
        ent, tim, clu = frame[entity], frame[time], frame[entity]
        spec_fe = "vaste effecten voor gemeente en jaar, een term per cohort × jaar t.o.v. " \
                  "invoering, per jaar gewogen met het aandeel van elk cohort"
    elif method == "twfe":
        frame = data.copy()
        for term, d in _binned(rel, treated, leads, lags).items():
            if d.any():
                frame[term] = d
                weights[term] = {term: 1.0}
        terms = list(weights)
        ent, tim, clu = frame[entity], frame[time], frame[entity]
        spec_fe = "vaste effecten voor gemeente en jaar, eindpunten gebundeld"
    else:
        parts = []
        for c in np.unique(g[treated]).astype(int):
            sel = data[time].between(c - leads, c + lags) & ((g == c) | ~treated)
            part = data.loc[sel].copy()
            dummies = _binned(part[time].to_numpy() - c, g[sel.to_numpy()] == c, leads, lags)
            parts.append(part.assign(**dummies, _cohort=c))
        frame = pd.concat(parts, ignore_index=True)
        terms = [t for t in shown if frame[t].any()]
        weights = {t: {t: 1.0} for t in terms}
        ent = frame["_cohort"].astype(str) + "|" + frame[entity]
        tim = frame["_cohort"].astype(str) + "|" + frame[time].astype(str)
        clu = frame[entity]
        spec_fe = "vaste effecten voor cohort × gemeente en cohort × jaar (gestapeld)"
        notes.append(f"gestapelde schatter: {frame['_cohort'].nunique()} cohorten, "
                     f"{len(frame)} gestapelde waarnemingen")
    notes += [f"geen waarnemingen voor {t}; term weggelaten" for t in shown if t not in weights]
    post = [t for t in weights if t.startswith("t+")]
    if not post:
        raise ParameterError(f"{at(source)}geen waarnemingen na invoering in de data")
    fit = twfe(frame, outcome, [*terms, *controls], ent, tim, clu, terms, source)
    notes += [f"controle {label(c)} weggelaten: geen variatie binnen gemeenten of collineair"
              for c in fit.dropped]
    used = [c for c in controls if c not in fit.dropped]
    spec = (f"{outcome_nl(outcome)}, jaren {event_term(-leads)} tot {event_term(lags)} rond "
            f"invoering (t-1 = referentie)" + (f", gecorrigeerd voor "
            f"{', '.join(label(c) for c in used)}" if used else "")
            + f"; {spec_fe}; nooit-invoerders als controle; standaardfouten geclusterd per "
            f"gemeente; {n_treated} invoerders, {n_never} nooit-invoerders; schatter "
            f"{METHOD_NL[method]}")
    mean_w: dict[str, float] = {}
    for t in post:
        for term, v in weights[t].items():
            mean_w[term] = mean_w.get(term, 0.0) + v / len(post)
    table, cov, _ = _lincomb(fit, {**weights, MEAN_TERM: mean_w}, alpha, "event-study", spec)
    if used:
        table = pd.concat([table, fit.table(used, alpha, "event-study", spec)], ignore_index=True)
    table.insert(1, "event_tijd", [int(t[1:]) if t in weights else np.nan
                                   for t in table["term"]])
    ref = table.iloc[[0]].assign(term="t-1", event_tijd=-1, effect=0.0, se=np.nan,
                                 ci_low=np.nan, ci_high=np.nan, p=np.nan)
    table = (pd.concat([table, ref], ignore_index=True)
             .sort_values("event_tijd", na_position="last", kind="stable")
             .reset_index(drop=True))
    lead_terms = [t for t in weights if int(t[1:]) <= -2]
    pre = None
    if lead_terms:
        b = table.set_index("term").loc[lead_terms, "effect"].to_numpy()
        v = cov.loc[lead_terms, lead_terms].to_numpy()
        from scipy import stats

        f = float(b @ np.linalg.solve(v, b)) / len(lead_terms)
        pre = PretrendTest(f, len(lead_terms), float(fit.df),
                           float(stats.f.sf(f, len(lead_terms), fit.df)), lead_terms)
    else:
        notes.append("geen jaren vóór invoering met waarnemingen: pre-trendtoets niet mogelijk")
    mean = table.loc[table["term"] == MEAN_TERM].iloc[0]
    diag = (fit.diagnostics(mean_w, 1.0, float(mean["se"]), notes, "", top_influential, used)
            if diagnose else Diagnostics(len(frame), fit.n_clusters, np.nan, np.nan, "", np.nan,
                                         np.nan, pd.Series(dtype=float), pd.DataFrame(),
                                         notes=notes))
    return LeverResult(design="event-study", outcome=outcome, lever=name, table=table,
                       diagnostics=diag, fit=fit.res, data=frame, source_data=df,
                       specification=spec, alpha=alpha, entity=entity, time=time,
                       main_term=MEAN_TERM, pretrend=pre, method=method)


