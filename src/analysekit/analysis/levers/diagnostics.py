"""Diagnostics after every fit, all from statsmodels: influence, VIF, Breusch-Pagan."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysekit.analysis.levers.result import Diagnostics


def ols_diagnostics(ols: object, keys: pd.DataFrame, lever: str | Mapping[str, float] | None,
                    scale: float, effect_se: float,
                    r2: float, r2_adj: float, r2_label: str, n_groups: int,
                    notes: list[str], effect_unit: str, top: int = 5,
                    exog_const: np.ndarray | None = None,
                    vif_terms: list[str] | None = None) -> Diagnostics:
    """Diagnostics of a statsmodels OLS result (``ols``) on the design it was fitted to.

    Args:
        ols: statsmodels ``RegressionResults`` (for a panel: OLS on the within-transformed
            data, which gives the same slopes as the fixed-effects fit).
        keys: gm_code (and jaar) per row, for the influential observations.
        lever: The term whose influence is shown, or weights per term of a combination
            (the mean effect after adoption); None: no effect_zonder column.
        scale: Multiplier of the effect for ``effect_zonder`` (the lever's sd, or 1).
        effect_se: The reported standard error of the (unscaled) effect; the shift
            ``verschuiving_se`` is in these units.
        r2: R² as reported.
        r2_adj: Adjusted R² (NaN when not defined).
        r2_label: Dutch label of ``r2``.
        n_groups: Gemeenten in the sample.
        notes: Dutch remarks.
        effect_unit: Dutch unit of ``effect_zonder``.
        top: Influential observations to keep.
        exog_const: Regressors with a constant for the Breusch-Pagan test (default: the
            model's exog, which must then hold a constant).
        vif_terms: Regressors to give a VIF (default all but the constant).
    """
    from statsmodels.stats.diagnostic import het_breuschpagan
    from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor

    model = ols.model
    names = list(model.exog_names)
    exog = np.asarray(model.exog)
    infl = OLSInfluence(ols)
    out = keys.reset_index(drop=True).copy()
    out["cooks_d"] = infl.cooks_distance[0]
    if lever is not None:
        w = np.zeros(len(names))
        for term, weight in ({lever: 1.0} if isinstance(lever, str) else lever).items():
            w[names.index(term)] = weight
        # statsmodels' OLSInfluence.dfbeta refits once per observation (seconds for a
        # panel); for OLS it equals (X'X)⁻¹ xᵢ eᵢ / (1 - hᵢᵢ) exactly (tested against it)
        resid = np.asarray(ols.resid) / (1 - infl.hat_matrix_diag)
        dfbeta = (exog * resid[:, None]) @ np.asarray(ols.normalized_cov_params)
        shift = -(np.asarray(dfbeta) @ w)  # leave-one-out estimate minus the full sample
        out["effect_zonder"] = (float(np.asarray(ols.params) @ w) + shift) * scale
        out["verschuiving_se"] = shift / effect_se
    influential = out.nlargest(top, "cooks_d").reset_index(drop=True)
    regs = [names.index(t) for t in vif_terms] if vif_terms is not None else [
        i for i, nm in enumerate(names) if nm != "const"]
    vif = pd.Series([variance_inflation_factor(exog, i) if exog.shape[1] > 1 else 1.0
                     for i in regs], index=[names[i] for i in regs], dtype=float)
    bp_exog = exog if exog_const is None else exog_const
    try:
        lm, lm_p, _, _ = het_breuschpagan(np.asarray(ols.resid), bp_exog)
    except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - degenerate designs
        lm, lm_p = float("nan"), float("nan")
    return Diagnostics(n=int(ols.nobs), n_gemeenten=n_groups, r2=r2, r2_adj=r2_adj,
                       r2_label=r2_label, breusch_pagan_lm=float(lm),
                       breusch_pagan_p=float(lm_p), vif=vif, influential=influential,
                       effect_unit=effect_unit, notes=list(notes),
                       fitted=np.asarray(ols.fittedvalues, dtype=np.float32),
                       resid=np.asarray(ols.resid, dtype=np.float32))
