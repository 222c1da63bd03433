"""An effect in euros for one gemeente: effect × change in the lever × its own inwoners."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysekit.analysis.levers.text import label, sig
from analysekit.errors import ParameterError


def to_euros(
    result: Any,
    gm_code: str,
    *,
    delta: float | str | None = None,
    exposure: float | None = None,
    exposure_col: str = "inwoners",
    term: str | None = None,
) -> pd.DataFrame:
    """Translate an effect into euros per year for one gemeente: effect × delta × exposure.

    With an outcome in euros per inwoner, ``exposure`` is the gemeente's own number of
    inwoners (looked up in the data, latest year, when not given) and the result is the
    change in its yearly net cost. The interval scales with it (it is a linear
    transformation of the coefficient's interval). The design's claim carries over: a
    cross-section gives an association in euros, not a saving.

    Args:
        result: A fitted :class:`LeverResult`.
        gm_code: The chosen gemeente.
        delta: Change in the lever: a number, ``"sd"`` (one standard deviation of the
            lever in the estimation sample), or ``"mediaan"`` (move the gemeente's own
            value to the median of the estimation sample, latest year). Default: ``"sd"``
            for a lever column, 1 (adoption) for an event study.
        exposure: Multiplier of the per-unit outcome (inwoners); looked up when None.
        exposure_col: Column holding the exposure in the data.
        term: Term to translate (default the lever / average post-adoption effect).

    Returns:
        One row: gm_code, term, delta, delta_toelichting, blootstelling, effect_eur,
        ci_low_eur, ci_high_eur, p, design, claim.

    Raises:
        ParameterError: No exposure found for the gemeente, or a bad delta.
    """
    row = result.effect(term)
    gm_code = str(gm_code).strip().upper()
    src = result.source_data
    # the gemeente's rows in time order (LeverResult.rows_of: one index per result)
    own = src.iloc[result.rows_of.get(gm_code, np.empty(0, dtype=np.intp))]
    if exposure is None:
        if own.empty or exposure_col not in own.columns or own[exposure_col].dropna().empty:
            raise ParameterError(
                f"gemeente {gm_code}: geen '{exposure_col}' in de data om het effect naar euro's "
                f"te vertalen; geef exposure= op (bijv. het aantal inwoners)"
            )
        exposure = float(own[exposure_col].dropna().iloc[-1])
    if delta is None:
        delta = 1.0 if result.design == "event-study" else "sd"
    lever_vals = result.data[result.lever] if result.lever in result.data else None
    if isinstance(delta, str):
        if result.design == "event-study" or lever_vals is None:
            raise ParameterError(
                f"delta = {delta!r} kan alleen bij een hefboomkolom; geef een getal op"
            )
        if delta == "sd":
            d = float(lever_vals.std())
            why = f"één standaardafwijking van {label(result.lever)} ({sig(d, 3)})"
        elif delta == "mediaan":
            if own.empty or result.lever not in own or own[result.lever].dropna().empty:
                raise ParameterError(
                    f"gemeente {gm_code}: geen waarde van '{result.lever}' om naar de mediaan te "
                    f"verschuiven"
                )
            mine = float(own[result.lever].dropna().iloc[-1])
            med = result.latest_median
            d = med - mine
            why = f"{label(result.lever)} van {sig(mine, 3)} naar de mediaan {sig(med, 3)}"
        else:
            raise ParameterError(f"delta = {delta!r}: verwacht een getal, 'sd' of 'mediaan'")
    else:
        d = float(delta)
        why = (
            "invoering van de hefboom"
            if result.design == "event-study" and d == 1
            else f"verandering van {sig(d, 3)} in {label(result.lever)}"
        )
    m = d * float(exposure)
    lo, hi = sorted((row["ci_low"] * m, row["ci_high"] * m))
    return pd.DataFrame(
        [
            {
                "gm_code": gm_code,
                "term": row["term"],
                "delta": d,
                "delta_toelichting": why,
                "blootstelling": float(exposure),
                "effect_eur": float(row["effect"] * m),
                "ci_low_eur": float(lo),
                "ci_high_eur": float(hi),
                "p": float(row["p"]),
                "design": result.design,
                "claim": result.claim,
            }
        ]
    )


# ---------------------------------------------------------------------------
