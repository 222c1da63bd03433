"""Result objects of the lever fits: :class:`LeverResult`, :class:`Diagnostics`, tidy tables."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.levers.text import (
    CLAIMS,
    DESIGN_NL,
    label,
    names_of,
    p_is,
    p_text,
    sig,
    signed,
)
from analysekit.errors import ParameterError

TIDY_COLUMNS = ["term", "effect", "se", "ci_low", "ci_high", "p", "n", "n_gemeenten",
                "design", "specification"]


def tidy(params: Sequence[float], se: Sequence[float], df: float, names: Sequence[str],
         alpha: float, n: int, n_groups: int, design: str, spec: str) -> pd.DataFrame:
    """The tidy table: estimates with t(df) intervals and two-sided p-values."""
    from scipy import stats  # lazy: a report reads cached results and never needs it

    b = np.asarray(params, dtype=float)
    s = np.asarray(se, dtype=float)
    q = stats.t.ppf(1 - alpha / 2, df)
    return pd.DataFrame({
        "term": list(names), "effect": b, "se": s, "ci_low": b - q * s, "ci_high": b + q * s,
        "p": 2 * stats.t.sf(np.abs(b / s), df), "n": n, "n_gemeenten": n_groups,
        "design": design, "specification": spec,
    })


@dataclass
class Diagnostics:
    """Diagnostics computed after every fit (never hidden).

    Attributes:
        n: Observations used.
        n_gemeenten: Gemeenten (clusters) used.
        r2: R² (cross-section) or R² within (after the fixed effects).
        r2_adj: Adjusted R² (cross-section) or NaN.
        r2_label: Label of ``r2`` in Dutch.
        breusch_pagan_lm: Breusch-Pagan LM statistic (statsmodels ``het_breuschpagan``).
        breusch_pagan_p: Its p-value.
        vif: Variance inflation factor per regressor (statsmodels).
        influential: The most influential observations (statsmodels ``OLSInfluence``):
            gm_code, [jaar,] cooks_d, effect_zonder (the effect without that observation, in
            the unit of :attr:`effect_unit`) and verschuiving_se (DFBETAS: the shift in
            standard errors).
        effect_unit: Dutch unit of ``effect_zonder`` (e.g. "per standaardafwijking").
        notes: Dutch remarks (dropped rows, absorbed controls, warnings).
        fitted: Fitted values (within gemeenten for a panel), for the residual plot.
        resid: Residuals, same order.
    """

    n: int
    n_gemeenten: int
    r2: float
    r2_adj: float
    r2_label: str
    breusch_pagan_lm: float
    breusch_pagan_p: float
    vif: pd.Series
    influential: pd.DataFrame
    effect_unit: str = ""
    notes: list[str] = field(default_factory=list)
    fitted: np.ndarray = field(default_factory=lambda: np.empty(0))
    resid: np.ndarray = field(default_factory=lambda: np.empty(0))

    def table(self, names: Mapping[str, str] | None = None) -> pd.DataFrame:
        """The diagnostics as a Dutch table (maat, waarde, toelichting).

        Args:
            names: gm_code → gemeente name for the influential rows.
        """
        names = names or {}
        rows: list[tuple[str, str, str]] = [
            ("waarnemingen", nl.getal(self.n), ""),
            ("gemeenten", nl.getal(self.n_gemeenten), ""),
            (self.r2_label, nl.getal(self.r2, 3), "aandeel verklaarde variantie"),
        ]
        if nl.finite(self.r2_adj):
            rows.append(("R² gecorrigeerd", nl.getal(self.r2_adj, 3), ""))
        bp_note = (
            "heteroskedasticiteit aangetoond (p < 0,05); de robuuste standaardfouten "
            "houden hier al rekening mee"
            if self.breusch_pagan_p < 0.05
            else "geen aanwijzing voor heteroskedasticiteit (p ≥ 0,05)"
        )
        rows.append(("Breusch-Pagan-toets (LM)", nl.getal(self.breusch_pagan_lm, 1), ""))
        rows.append(("Breusch-Pagan p", p_text(self.breusch_pagan_p), bp_note))
        for name, v in self.vif.items():
            note = ("sterke multicollineariteit (VIF > 10)" if v > 10
                    else "matige multicollineariteit (VIF > 5)" if v > 5 else "")
            rows.append((f"VIF {label(name)}", nl.getal(float(v), 2), note))
        for _, r in self.influential.iterrows():
            who = names.get(r["gm_code"], r["gm_code"])
            if "jaar" in r and nl.finite(r["jaar"]):
                who = f"{who} {int(r['jaar'])}"
            rows.append((
                f"invloedrijk: {who}", nl.getal(float(r["cooks_d"]), 3),
                f"Cook's D; effect zonder deze waarneming {sig(r['effect_zonder'], 3)} "
                f"{self.effect_unit} ({signed(r['verschuiving_se'], 2)} standaardfout)".strip(),
            ))
        rows.extend(("opmerking", "", note) for note in self.notes)
        return pd.DataFrame(rows, columns=["maat", "waarde", "toelichting"])


@dataclass
class PretrendTest:
    """Joint test that all leads (event time <= -2) are zero (clustered Wald, F form)."""

    statistic: float
    df_num: int
    df_denom: float
    p: float
    leads: list[str]

    def text_nl(self) -> str:
        """A one-line Dutch description."""
        verdict = (
            "aanwijzing dat de trends vóór invoering níet parallel liepen (p < 0,05): "
            "de effectschattingen zijn dan niet betrouwbaar"
            if self.p < 0.05
            else "geen aanwijzing voor verschillende trends vóór invoering (p ≥ 0,05); "
            "dat bewijst de aanname niet"
        )
        return (f"Pre-trendtoets ({len(self.leads)} jaren vóór invoering samen 0): "
                f"F({self.df_num}; {nl.getal(self.df_denom)}) = {nl.getal(self.statistic, 2)}, "
                f"{p_is(self.p)}: {verdict}.")


@dataclass
class LeverResult:
    """The outcome of one lever regression.

    Attributes:
        design: ``"doorsnede"``, ``"panel"`` or ``"event-study"``.
        outcome: Outcome column.
        lever: Lever column (or the hefboom name for an event study).
        table: Tidy table: term, effect, se, ci_low, ci_high, p, n, n_gemeenten, design,
            specification (one row per regressor; an event study one row per event time
            plus ``gemiddeld_na_invoering``).
        diagnostics: :class:`Diagnostics`.
        fit: The fitted library object (statsmodels or linearmodels), None when stripped.
        data: The estimation sample.
        source_data: The frame passed in (used to look up a gemeente's exposure).
        specification: Human-readable specification.
        alpha: 1 - confidence level.
        entity: Gemeente column.
        time: Year column (None for a single cross-section without years).
        main_term: The term that is the lever effect.
        pretrend: Pre-trend test (event study only).
        method: Estimator (``ols``, ``twfe``, ``stacked``, ``sunab``).
    """

    design: str
    outcome: str
    lever: str
    table: pd.DataFrame
    diagnostics: Diagnostics
    fit: Any
    data: pd.DataFrame
    source_data: pd.DataFrame
    specification: str
    alpha: float
    entity: str
    time: str | None
    main_term: str
    pretrend: PretrendTest | None = None
    method: str = "ols"

    @property
    def claim(self) -> str:
        """What this design can claim, in Dutch."""
        return CLAIMS[self.design]

    @functools.cached_property
    def rows_of(self) -> dict[str, np.ndarray]:
        """Positions in :attr:`source_data` per gemeente, in time order (built once)."""
        src = self.source_data
        if self.entity not in src:
            return {}
        order = (np.argsort(src[self.time].to_numpy(), kind="stable")
                 if self.time and self.time in src else np.arange(len(src)))
        keys = pd.Series(src[self.entity].astype(str).to_numpy()[order])
        return {k: order[v] for k, v in keys.groupby(keys).indices.items()}

    @functools.cached_property
    def latest_median(self) -> float:
        """Median of the lever in the estimation sample's latest year."""
        sample = self.data
        if self.time and self.time in sample:
            sample = sample.loc[sample[self.time] == sample[self.time].max()]
        return float(sample[self.lever].median())

    @functools.cached_property
    def lever_sd(self) -> float:
        """Standard deviation of the lever in the estimation sample (NaN for an event study)."""
        return float(self.data[self.lever].std()) if self.lever in self.data else math.nan

    def effect(self, term: str | None = None) -> pd.Series:
        """The table row of ``term`` (default: the lever / main effect)."""
        term = term or self.main_term
        rows = self.table.loc[self.table["term"] == term]
        if rows.empty:
            raise ParameterError(f"term '{term}' staat niet in het resultaat; beschikbaar: "
                                 f"{', '.join(self.table['term'])}")
        return rows.iloc[0]

    def diagnostics_table(self) -> pd.DataFrame:
        """The diagnostics as a Dutch table, gemeenten by name where the data have names."""
        codes = self.diagnostics.influential.get("gm_code", pd.Series(dtype=str))
        shown = names_of((self.data, self.source_data), self.entity, codes)
        return self.diagnostics.table(dict(zip(codes, shown, strict=True)))

    def table_nl(self) -> pd.DataFrame:
        """Dutch display table of the estimates (an event study's pre-trend test last)."""
        level = nl.pct(100 * (1 - self.alpha))
        t = self.table
        out = pd.DataFrame({
            "term": [label(x) + (" (referentie)" if x == "t-1" else "") for x in t["term"]],
            "effect": [sig(v, 3) for v in t["effect"]],
            f"{level}-interval": ["" if not nl.finite(lo) else f"{sig(lo, 3)} tot {sig(hi, 3)}"
                                  for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)],
            "p": [p_text(p) for p in t["p"]],
            "n": [nl.getal(v) for v in t["n"]],
            "gemeenten": [nl.getal(v) for v in t["n_gemeenten"]],
        })
        if self.pretrend is not None:
            pt = self.pretrend
            out.loc[len(out)] = ["pre-trendtoets (jaren vóór invoering = 0)",
                                 nl.getal(pt.statistic, 2),
                                 f"F({pt.df_num}; {nl.getal(pt.df_denom)})", p_text(pt.p),
                                 out["n"].iloc[0], out["gemeenten"].iloc[0]]
        return out

    def summary_nl(self) -> str:
        """A Dutch summary: estimate, interval, claim, pre-trend test, diagnostics."""
        r = self.effect()
        level = nl.pct(100 * (1 - self.alpha))
        d = self.diagnostics
        lines = [
            f"Ontwerp: {DESIGN_NL[self.design]}. Specificatie: {self.specification}.",
            f"Schatting ({label(self.main_term)}): {sig(r['effect'], 3)} "
            f"(standaardfout {sig(r['se'], 3)}; {level}-interval {sig(r['ci_low'], 3)} tot "
            f"{sig(r['ci_high'], 3)}; {p_is(r['p'])}; n = {nl.getal(r['n'])}, "
            f"gemeenten = {nl.getal(r['n_gemeenten'])}).",
            f"Wat dit ontwerp kan claimen: {self.claim}",
        ]
        if self.pretrend is not None:
            lines.append(self.pretrend.text_nl())
        lines.append(f"Diagnostiek: {d.r2_label} = {nl.getal(d.r2, 3)}; Breusch-Pagan p = "
                     f"{p_text(d.breusch_pagan_p)}; hoogste VIF = "
                     f"{nl.getal(float(d.vif.max()) if len(d.vif) else math.nan, 2)}.")
        lines.extend(f"Opmerking: {n}" for n in d.notes)
        return "\n".join(lines)

    def to_euros(self, gm_code: str, **kwargs: Any) -> pd.DataFrame:
        """Translate the effect into euros for ``gm_code``; see :func:`to_euros`."""
        from analysekit.analysis.levers.euros import to_euros

        return to_euros(self, gm_code, **kwargs)

    def plot(self) -> Any:
        """Plot the estimates (event-study coefficients, or the effect with its interval)."""
        from analysekit.analysis.levers.plots import plot_effects, plot_event_study

        return plot_event_study(self) if self.design == "event-study" else plot_effects([self])


def diagnostics_table(result: LeverResult) -> pd.DataFrame:
    """The Dutch diagnostics table of a fitted lever regression."""
    return result.diagnostics_table()
