"""One year across gemeenten: statsmodels OLS with HC3 standard errors (an association)."""

from __future__ import annotations

from collections.abc import Sequence

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
from analysekit.analysis.levers.result import LeverResult, tidy
from analysekit.analysis.levers.text import label, outcome_nl
from analysekit.errors import ParameterError


def fit_cross_section(
    df: pd.DataFrame,
    outcome: str,
    lever: str,
    controls: Sequence[str] = (),
    *,
    jaar: int | None = None,
    entity: str = "gm_code",
    time: str = "jaar",
    alpha: float = 0.05,
    cov_type: str = "HC3",
    top_influential: int = 5,
    source: str | None = None,
) -> LeverResult:
    """Regress the outcome on a lever in one year, controlling for the needs side.

    statsmodels OLS with a constant, heteroskedasticity-robust standard errors
    (``cov_type``, default HC3) and t(n - k) intervals; diagnostics from statsmodels
    (``OLSInfluence`` Cook's D and DFBETAS, ``variance_inflation_factor``,
    ``het_breuschpagan``). The estimate is an association, not a causal effect. The
    influential gemeenten's ``effect_zonder`` is per standard deviation of the lever, the
    unit the report shows.

    Args:
        df: One row per gemeente (or several years with ``jaar`` to pick one).
        outcome: Outcome column, e.g. net cost per inwoner of a domain.
        lever: Lever column.
        controls: Control columns (per inwoner or densities, never raw volumes).
        jaar: Year to use when ``df`` holds several years in ``time``.
        entity: Gemeente column.
        time: Year column (only used to select ``jaar``).
        alpha: 1 - confidence level.
        cov_type: statsmodels robust covariance type (HC0–HC3).
        top_influential: Number of influential gemeenten to report.
        source: Name of the input for error messages.

    Returns:
        A :class:`LeverResult` with design ``"doorsnede"``.

    Raises:
        ParameterError: Bad columns, a constant or mostly missing lever, too few rows.
    """
    check_alpha(alpha)
    if cov_type.upper() not in {"HC0", "HC1", "HC2", "HC3"}:
        raise ParameterError(f"cov_type = {cov_type!r}: verwacht HC0, HC1, HC2 of HC3")
    controls, src_df = list(controls), df
    if time in df.columns:
        yrs = pd.to_numeric(df[time], errors="coerce")
        years = sorted(int(y) for y in yrs.dropna().unique())
        if jaar is not None:
            df = df.loc[yrs == jaar]
            if df.empty:
                raise ParameterError(f"{at(source)}kolom '{time}': geen rijen voor jaar {jaar}; "
                                     f"beschikbaar: {', '.join(map(str, years))}")
        elif len(years) > 1:
            raise ParameterError(f"{at(source)}kolom '{time}': {len(years)} jaren in de data; een "
                                 f"doorsnede gebruikt één jaar: geef jaar= op of gebruik fit_panel")
    check_lever(df, lever, entity=entity, source=source)
    data, notes = prepare(df, outcome, [lever, *controls], entity, None, source)
    x = data[[lever, *controls]].copy()
    x.insert(0, "const", 1.0)
    dropped = collinear(x)
    if lever in dropped:
        raise ParameterError(f"{at(source)}kolom '{lever}': is (bijna) een lineaire combinatie "
                             f"van de controlevariabelen; het effect is niet te schatten")
    notes += [f"controle {label(c)} weggelaten: constant of collineair" for c in dropped]
    x = x.drop(columns=dropped)
    n, k = x.shape
    if n < k + 3:
        raise ParameterError(f"{at(source)}te weinig gemeenten met volledige gegevens: {n} voor "
                             f"{k} parameters; verwacht minstens {k + 3}")
    import statsmodels.api as sm  # lazy: only needed to fit (the report reads cached results)

    ols = sm.OLS(data[outcome], x).fit()
    robust = ols.get_robustcov_results(cov_type=cov_type.upper(), use_t=True)
    used = [c for c in controls if c not in dropped]
    spec = (f"{outcome_nl(outcome)} op {label(lever)}"
            + (f", gecorrigeerd voor {', '.join(label(c) for c in used)}" if used else "")
            + f"; kleinste kwadraten met constante, {cov_type.upper()}-standaardfouten"
            + (f"; jaar {jaar}" if jaar is not None else ""))
    names = list(x.columns)
    idx = [names.index(c) for c in [lever, *used]]
    table = tidy(np.asarray(robust.params)[idx], np.asarray(robust.bse)[idx], robust.df_resid,
                 [lever, *used], alpha, n, n, "doorsnede", spec)
    sd = float(data[lever].std())
    diag = ols_diagnostics(ols, data[[entity]].rename(columns={entity: "gm_code"}), lever, sd,
                           float(table["se"].iloc[0]), float(ols.rsquared),
                           float(ols.rsquared_adj), "R²", n, notes, "per standaardafwijking",
                           top_influential)
    return LeverResult(design="doorsnede", outcome=outcome, lever=lever, table=table,
                       diagnostics=diag, fit=robust, data=data, source_data=src_df,
                       specification=spec, alpha=alpha, entity=entity,
                       time=time if time in src_df.columns else None, main_term=lever)
