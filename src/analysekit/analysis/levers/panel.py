"""Two-way fixed effects (gemeente and year) with errors clustered by gemeente: linearmodels.

:func:`twfe` is the one estimator behind the panel, the event studies and the panel
questions: linearmodels ``AbsorbingLS`` with the gemeente and year effects absorbed,
``cov_type="clustered"`` by gemeente and ``debiased=True``: the small-sample factor
``G/(G-1)·(N-1)/(N-K)`` with ``K`` the slopes plus the absorbed effects (as Stata ``areg``;
equal to linearmodels ``PanelOLS(entity_effects=True, time_effects=True)`` with
``debiased=True, group_debias=True`` and to pyfixest ``CRV1`` with
``ssc(k_fixef="full")``, checked in the tests), and t(G-1) intervals. ``AbsorbingLS`` is
chosen over ``PanelOLS`` for time: 0,04 s against 0,18 s per fit on the real panel (342
gemeenten × 8 jaren, same machine and load); pyfixest is as fast once warm but its first
fit in a process costs 3 s (numba). Diagnostics come from statsmodels on the same slopes
(OLS of the gemeente-demeaned data on the gemeente-demeaned year dummies,
Frisch-Waugh-Lovell).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysekit.analysis.levers.diagnostics import ols_diagnostics
from analysekit.analysis.levers.inputs import (
    at,
    check_alpha,
    check_lever,
    collinear,
    prepare,
)
from analysekit.analysis.levers.result import Diagnostics, LeverResult, tidy
from analysekit.analysis.levers.text import label, outcome_nl
from analysekit.errors import ParameterError


@dataclass
class TwfeFit:
    """A fitted two-way fixed-effects model.

    Attributes:
        res: linearmodels ``AbsorbingLSResults``.
        terms: Regressors kept (in order).
        dropped: Regressors without variation after the fixed effects (or collinear).
        within: Gemeente-demeaned outcome, regressors and year dummies (for diagnostics).
        keys: gm_code (cluster) and jaar per row.
        n_clusters: Gemeenten (clusters).
    """

    res: Any
    terms: list[str]
    dropped: list[str]
    within: pd.DataFrame
    keys: pd.DataFrame
    n_clusters: int

    @property
    def df(self) -> int:
        """Degrees of freedom of the intervals: clusters - 1."""
        return self.n_clusters - 1

    def table(self, names: Sequence[str], alpha: float, design: str, spec: str) -> pd.DataFrame:
        """Tidy rows of ``names`` with t(G-1) intervals."""
        return tidy(self.res.params[list(names)], self.res.std_errors[list(names)], self.df,
                    names, alpha, int(self.res.nobs), self.n_clusters, design, spec)

    def diagnostics(self, lever: str | Mapping[str, float] | None, scale: float,
                    effect_se: float, notes: list[str], unit: str, top: int = 5,
                    vif_terms: list[str] | None = None) -> Diagnostics:
        """Diagnostics from statsmodels on the within data (same slopes as the fit).

        ``vif_terms`` default to every slope; an event study passes its controls only (a
        VIF per cohort × year dummy says nothing and costs a regression each).
        """
        import statsmodels.api as sm  # lazy: only needed to fit

        z = self.within
        y, x = z.iloc[:, 0], z.iloc[:, 1:]
        ols = sm.OLS(y, x).fit()
        notes = [*notes, "Cook's D en 'effect zonder' per gemeente-jaar, berekend binnen "
                         "gemeenten (vaste effecten van de volledige steekproef)"]
        return ols_diagnostics(ols, self.keys, lever, scale, effect_se,
                               float(ols.rsquared), float("nan"),
                               "R² binnen gemeenten (met jaareffecten)", self.n_clusters,
                               notes, unit, top,
                               np.column_stack([np.ones(len(x)), x]),
                               vif_terms=self.terms if vif_terms is None else vif_terms)


def twfe(frame: pd.DataFrame, outcome: str, regressors: Sequence[str], entity: pd.Series,
         time: pd.Series, cluster: pd.Series, protect: Sequence[str],
         source: str | None = None) -> TwfeFit:
    """Fit ``outcome ~ regressors + entity effects + time effects``, clustered by ``cluster``.

    Args:
        frame: Data (one row per entity × time).
        outcome: Outcome column.
        regressors: Slope columns.
        entity: Entity id per row (composite cohort × gemeente in a stacked design).
        time: Time id per row (composite cohort × jaar in a stacked design).
        cluster: Cluster id per row (the gemeente).
        protect: Regressors that must survive (the lever or event-time terms).
        source: Name of the input for error messages.

    Raises:
        ParameterError: A protected regressor is absorbed, too few clusters or observations.
    """
    from linearmodels.iv.absorbing import AbsorbingLS  # lazy: only needed to fit

    ent = pd.Series(pd.factorize(entity.to_numpy(), sort=True)[0], name="e")
    tim = pd.Series(pd.factorize(time.to_numpy(), sort=True)[0], name="t")
    clu = pd.factorize(cluster.to_numpy(), sort=True)[0]
    n_clusters = int(clu.max()) + 1
    cols = [outcome, *regressors]
    vals = frame[cols].reset_index(drop=True).astype(float)
    dummies = pd.get_dummies(tim, prefix="_jaar", drop_first=True, dtype=float)
    z = pd.concat([vals, dummies], axis=1)
    z = z - z.groupby(ent.to_numpy()).transform("mean")
    # absorbed: (almost) no variation left within gemeenten, relative to the raw spread
    spread = vals[list(regressors)].std().fillna(0.0)
    absorbed = [c for c in regressors if z[c].std() <= 1e-9 * max(spread[c], 1e-300)]
    rest = [c for c in regressors if c not in absorbed]
    dropped = absorbed + [c for c in collinear(z[[*dummies.columns, *rest]]) if c in rest]
    if bad := [c for c in dropped if c in protect]:
        raise ParameterError(f"{at(source)}kolom '{bad[0]}': geen variatie meer over na het "
                             f"wegnemen van gemeente- en jaareffecten (of collineair); het "
                             f"effect is niet te schatten")
    terms = [c for c in regressors if c not in dropped]
    n = len(vals)
    if n_clusters < 2:
        raise ParameterError(f"{at(source)}minstens 2 gemeenten nodig voor geclusterde fouten")
    if n - len(terms) - int(ent.max()) - int(tim.max()) - 1 < 1:
        raise ParameterError(f"{at(source)}te weinig waarnemingen ({n}) voor {len(terms)} "
                             f"regressoren plus gemeente- en jaareffecten")
    absorb = pd.DataFrame({"e": pd.Categorical(ent), "t": pd.Categorical(tim)})
    res = AbsorbingLS(vals[outcome], vals[terms], absorb=absorb).fit(
        cov_type="clustered", clusters=clu, debiased=True)
    keys = pd.DataFrame({"gm_code": cluster.to_numpy(), "jaar": frame_years(frame, time)})
    return TwfeFit(res, terms, dropped, z[[outcome, *terms, *dummies.columns]], keys,
                   n_clusters)


def frame_years(frame: pd.DataFrame, time: pd.Series) -> np.ndarray:
    """The calendar year per row (``jaar`` when the frame has it, else the time id)."""
    return (frame["jaar"] if "jaar" in frame else time).to_numpy()


def fit_panel(
    df: pd.DataFrame,
    outcome: str,
    lever: str,
    controls: Sequence[str] = (),
    *,
    entity: str = "gm_code",
    time: str = "jaar",
    alpha: float = 0.05,
    top_influential: int = 5,
    source: str | None = None,
) -> LeverResult:
    """Two-way fixed effects (gemeente and year), standard errors clustered by gemeente.

    Args:
        df: Long frame, one row per gemeente × jaar (unbalanced allowed).
        outcome: Outcome column.
        lever: Lever column; must vary within gemeenten.
        controls: Time-varying controls; time-invariant ones are absorbed (dropped, noted).
        entity: Gemeente column.
        time: Year column.
        alpha: 1 - confidence level.
        top_influential: Number of influential gemeente-jaren to report.
        source: Name of the input for error messages.

    Returns:
        A :class:`LeverResult` with design ``"panel"``.

    Raises:
        ParameterError: Bad columns, a lever that is constant, mostly missing or without
            within-gemeente variation, fewer than two years.
    """
    check_alpha(alpha)
    controls = list(controls)
    if time not in df.columns or pd.to_numeric(df[time], errors="coerce").nunique() < 2:
        raise ParameterError(f"{at(source)}kolom '{time}': een panel vraagt minstens twee "
                             f"jaren; gebruik fit_cross_section voor één jaar")
    check_lever(df, lever, entity=entity, time=time, source=source)
    data, notes = prepare(df, outcome, [lever, *controls], entity, time, source)
    fit = twfe(data, outcome, [lever, *controls], data[entity], data[time], data[entity],
               [lever], source)
    notes += [f"controle {label(c)} weggelaten: verandert niet binnen gemeenten (opgenomen "
              f"in de vaste gemeente-effecten) of is collineair" for c in fit.dropped]
    used = [c for c in controls if c not in fit.dropped]
    spec = (f"{outcome_nl(outcome)} op {label(lever)}"
            + (f" en {', '.join(label(c) for c in used)}" if used else "")
            + " met vaste effecten voor gemeente en jaar; standaardfouten geclusterd per "
              "gemeente")
    table = fit.table([lever, *used], alpha, "panel", spec)
    diag = fit.diagnostics(lever, float(data[lever].std()), float(table["se"].iloc[0]), notes,
                           "per standaardafwijking", top_influential)
    return LeverResult(design="panel", outcome=outcome, lever=lever, table=table,
                       diagnostics=diag, fit=fit.res, data=data, source_data=df,
                       specification=spec, alpha=alpha, entity=entity, time=time,
                       main_term=lever, method="twfe")
