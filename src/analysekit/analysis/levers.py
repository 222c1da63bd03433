"""Lever effects (hefbomen) by regression: cross-section, panel (TWFE) and event study.

Three designs, each with what it can claim stated next to the numbers:

* **Doorsnede** (one year, :func:`fit_cross_section`): net cost per inwoner on a lever,
  controlling for the objective needs side (gemeentefonds maatstaven per inwoner).
  statsmodels OLS with **HC3** heteroskedasticity-robust standard errors and t(n - k)
  intervals. Claim: *samenhang, geen causaal effect*.
* **Panel** (two or more years, :func:`fit_panel`): gemeente and year fixed effects (TWFE).
  The two-way within transformation is done here (exact closed form for balanced panels;
  for unbalanced panels the gemeente-demeaned data are projected off the gemeente-demeaned
  year dummies, which is the exact two-way projection by Frisch-Waugh-Lovell, no
  iteration), then statsmodels OLS with standard errors **clustered by gemeente** (CRV1).
  Small-sample correction: ``G/(G-1) * (N-1)/(N-k)`` with ``k`` the slope regressors only
  (the absorbed effects are not counted), t(G - 1) intervals. This equals linearmodels
  ``PanelOLS(entity_effects=True, time_effects=True).fit(cov_type="clustered",
  cluster_entity=True, debiased=True, group_debias=True, auto_df=False,
  count_effects=False)`` (checked in tests/test_levers.py) and Stata ``xtreg, fe
  vce(cluster)`` without year dummies in ``k``. Claim: *effect onder aannames*.
* **Event study** (:func:`fit_event_study`): for a lever some gemeenten adopted in known
  years (CSV gm_code, hefboom, adoptiejaar). Relative-time dummies with binned endpoints,
  reference year -1, never-treated gemeenten as controls, TWFE with clustered standard
  errors, and a joint Wald/F pre-trend test of the leads shown next to the estimates.
  TWFE event studies can be biased when effects differ between adoption cohorts with
  staggered adoption (Sun & Abraham 2021; Goodman-Bacon 2021); ``method="stacked"``
  gives a stacked estimator (Cengiz et al. 2019) that compares each cohort only with
  never-treated gemeenten. Claim: *effect onder de aanname van parallelle trends*.

Every fit carries :class:`Diagnostics` (Breusch-Pagan, influential gemeenten by
leave-one-gemeente-out, VIF, R², n), shown by :meth:`LeverResult.summary_nl` and
:meth:`LeverResult.diagnostics_table`. :func:`to_euros` translates an effect into euros for
one gemeente (effect × change in the lever × its own inwoners, with the interval).

Adapters to the canonical tables (docs/tables.md): :func:`lever_candidates` and
:func:`regression_frame`.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN, TAAKVELD_GROEPEN, TOTAAL, VERSLAGSOORTEN, is_gm_code

__all__ = [
    "CLAIMS",
    "DEFAULT_CONTROLS",
    "DOMEINEN",
    "LEVER_DEFINITIONS",
    "SOCIAAL_DOMEIN",
    "Diagnostics",
    "LeverResult",
    "PretrendTest",
    "check_lever",
    "diagnostics_table",
    "fit_cross_section",
    "fit_event_study",
    "fit_panel",
    "lever_candidates",
    "p_text",
    "plot_diagnostics",
    "plot_effects",
    "plot_event_study",
    "read_adoption",
    "read_levers",
    "regression_frame",
    "to_euros",
    "within_transform",
]

SOCIAAL_DOMEIN = TOTAAL
"""Pseudo-domain for :func:`regression_frame`: the four domains together (= vocab.TOTAAL)."""

DEFAULT_CONTROLS = (
    "jongeren",
    "inwoners_75_plus_drempel",
    "lage_inkomens_huishoudens",
    "bijstandsontvangers",
    "eenpersoonshuishoudens",
    "omgevingsadressendichtheid_gf",
)
"""Default needs-side controls: kenmerken named after gemeentefonds maatstaven."""

CLAIMS = {
    "doorsnede": (
        "Samenhang, geen causaal effect: gemeenten met een hogere waarde van de hefboom "
        "hebben bij gelijke objectieve behoefte (maatstaven) gemiddeld deze hogere of lagere "
        "kosten. Omgekeerde causaliteit en niet-gemeten verschillen tussen gemeenten kunnen "
        "de samenhang verklaren."
    ),
    "panel": (
        "Effect onder aannames: binnen dezelfde gemeente en na correctie voor landelijke "
        "jaarschokken gaat een verandering van de hefboom samen met deze verandering in "
        "kosten. Dat is alleen een causaal effect als er geen in de tijd veranderende "
        "verschillen tussen gemeenten zijn die zowel de hefboom als de kosten sturen, en de "
        "kosten de hefboom niet terug beïnvloeden."
    ),
    "event-study": (
        "Effect onder de aanname van parallelle trends: zonder invoering hadden de invoerende "
        "gemeenten dezelfde kostenontwikkeling gehad als de gemeenten die de hefboom nooit "
        "invoerden, en er is geen anticipatie. De pre-trendtoets controleert die aanname "
        "maar bewijst haar niet. Bij gespreide invoering met per cohort verschillende "
        "effecten kan TWFE vertekend zijn; vergelijk met de gestapelde schatter."
    ),
}

_CLAIM_SHORT = {
    "doorsnede": "samenhang",
    "panel": "effect onder aannames",
    "event-study": "effect bij parallelle trends",
}
_DESIGN_NL = {
    "doorsnede": "doorsnede",
    "panel": "panel (vaste effecten)",
    "event-study": "event study",
}


# ---------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------


@dataclass
class Diagnostics:
    """Diagnostics computed after every fit (never hidden).

    Attributes:
        n: Observations used.
        n_gemeenten: Gemeenten (clusters) used.
        r2: R² (cross-section) or R² after removing the fixed effects (panel, event
            study; linearmodels' ``rsquared``).
        r2_adj: Adjusted R² (cross-section) or NaN.
        r2_label: Label of ``r2`` in Dutch.
        breusch_pagan_lm: Breusch-Pagan LM statistic (on the regressors of the model).
        breusch_pagan_p: Its p-value.
        vif: Variance inflation factor per regressor.
        influential: The most influential gemeenten by leave-one-gemeente-out: gm_code,
            cooks_d (group Cook's distance), effect_zonder (lever effect without that
            gemeente) and verschuiving_se (the shift in standard errors).
        notes: Dutch remarks (dropped rows, absorbed controls, warnings).
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
    notes: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """Return the diagnostics as a Dutch table (maat, waarde, toelichting)."""
        rows: list[tuple[str, Any, str]] = [
            ("n (waarnemingen)", self.n, ""),
            ("gemeenten", self.n_gemeenten, ""),
            (self.r2_label, round(self.r2, 4), "aandeel verklaarde variantie"),
        ]
        if not math.isnan(self.r2_adj):
            rows.append(("R² gecorrigeerd", round(self.r2_adj, 4), ""))
        bp_note = (
            "heteroskedasticiteit aangetoond (p < 0,05); de robuuste standaardfouten "
            "houden hier al rekening mee"
            if self.breusch_pagan_p < 0.05
            else "geen aanwijzing voor heteroskedasticiteit (p ≥ 0,05)"
        )
        rows.append(("Breusch-Pagan LM", round(self.breusch_pagan_lm, 3), ""))
        rows.append(("Breusch-Pagan p", _round_p(self.breusch_pagan_p), bp_note))
        for name, v in self.vif.items():
            note = (
                "sterke multicollineariteit (VIF > 10)"
                if v > 10
                else ("matige multicollineariteit (VIF > 5)" if v > 5 else "")
            )
            rows.append((f"VIF {name}", round(float(v), 2), note))
        for _, r in self.influential.iterrows():
            rows.append(
                (
                    f"invloedrijk: {r['gm_code']}",
                    round(float(r["cooks_d"]), 4),
                    f"Cook's D (gemeente weggelaten); effect zonder deze gemeente "
                    f"{_sig(r['effect_zonder'], 4)} ({_signed(r['verschuiving_se'], 2)} se)",
                )
            )
        for note in self.notes:
            rows.append(("opmerking", "", note))
        return pd.DataFrame(rows, columns=["maat", "waarde", "toelichting"])


@dataclass
class PretrendTest:
    """Joint test that all leads (event time <= -2) are zero.

    Attributes:
        statistic: F statistic (Wald / q) with the clustered covariance.
        df_num: Number of restrictions (leads tested).
        df_denom: Denominator degrees of freedom (clusters - 1).
        p: p-value.
        leads: Names of the lead terms tested.
    """

    statistic: float
    df_num: int
    df_denom: float
    p: float
    leads: list[str]

    def text_nl(self) -> str:
        """Return a one-line Dutch description."""
        verdict = (
            "aanwijzing dat de trends vóór invoering níet parallel liepen (p < 0,05): "
            "de effectschattingen zijn dan niet betrouwbaar"
            if self.p < 0.05
            else "geen aanwijzing voor verschillende trends vóór invoering (p ≥ 0,05); "
            "dat bewijst de aanname niet"
        )
        return (
            f"Pre-trendtoets (leads {', '.join(self.leads)} samen 0): F({self.df_num}, "
            f"{_sig(self.df_denom, 6)}) = {nl.getal(self.statistic, 2)}, "
            f"p = {p_text(self.p)}: {verdict}."
        )


@dataclass
class LeverResult:
    """The outcome of one lever regression.

    Attributes:
        design: ``"doorsnede"``, ``"panel"`` or ``"event-study"``.
        outcome: Outcome column.
        lever: Lever column (or the hefboom name for an event study).
        table: Tidy table: term, effect, se, ci_low, ci_high, p, n, n_gemeenten, design,
            specification (one row per regressor; for an event study one row per event
            time plus ``gemiddeld_na_invoering``).
        diagnostics: :class:`Diagnostics`.
        fit: The statsmodels results object.
        data: The estimation sample.
        source_data: The frame passed in (used to look up a gemeente's exposure).
        specification: Human-readable specification.
        alpha: 1 - confidence level.
        entity: Gemeente column.
        time: Year column (None for a single cross-section without years).
        main_term: The term that is the lever effect.
        pretrend: Pre-trend test (event study only).
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

    @property
    def claim(self) -> str:
        """What this design can claim, in Dutch."""
        return CLAIMS[self.design]

    @functools.cached_property
    def rows_of(self) -> dict[str, np.ndarray]:
        """Positions in :attr:`source_data` per gemeente (``entity`` as text), in time order.

        Built once per result: a report translates every lever into euros for its own
        gemeente (:func:`to_euros`), and a batch does that for every gemeente.
        """
        src = self.source_data
        if self.entity not in src:
            return {}
        order = (np.argsort(src[self.time].to_numpy(), kind="stable")
                 if self.time and self.time in src else np.arange(len(src)))
        keys = src[self.entity].astype(str).to_numpy()[order]
        out: dict[str, list[int]] = {}
        for pos, key in zip(order.tolist(), keys.tolist(), strict=True):
            out.setdefault(key, []).append(pos)
        return {k: np.asarray(v, dtype=np.intp) for k, v in out.items()}

    @functools.cached_property
    def latest_median(self) -> float:
        """Median of the lever in the estimation sample's latest year (``delta="mediaan"``)."""
        sample = self.data
        if self.time and self.time in sample:
            sample = sample.loc[sample[self.time] == sample[self.time].max()]
        return float(sample[self.lever].median())

    def effect(self, term: str | None = None) -> pd.Series:
        """Return the table row of ``term`` (default: the lever / main effect)."""
        term = term or self.main_term
        rows = self.table.loc[self.table["term"] == term]
        if rows.empty:
            raise ParameterError(
                f"term '{term}' staat niet in het resultaat; beschikbaar: "
                f"{', '.join(self.table['term'])}"
            )
        return rows.iloc[0]

    def diagnostics_table(self) -> pd.DataFrame:
        """Return the diagnostics as a Dutch table."""
        return self.diagnostics.table()

    def table_nl(self) -> pd.DataFrame:
        """Dutch display table of the estimates.

        For an event study the pre-trend test is the last row, next to the estimates.
        """
        level = f"{nl.pct(100 * (1 - self.alpha))}"
        t = self.table
        out = pd.DataFrame(
            {
                "term": [tt + " (referentie)" if tt == "t-1" else tt for tt in t["term"]],
                "effect": t["effect"].round(4),
                f"{level}-interval": [
                    "" if np.isnan(lo) else f"{_sig(lo, 4)} tot {_sig(hi, 4)}"
                    for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)
                ],
                "p": [p_text(p) for p in t["p"]],
                "n": t["n"],
                "gemeenten": t["n_gemeenten"],
            }
        )
        if self.pretrend is not None:
            pt = self.pretrend
            out.loc[len(out)] = [
                "pre-trendtoets (leads = 0)",
                round(pt.statistic, 4),
                f"F({pt.df_num}, {pt.df_denom:g})",
                p_text(pt.p),
                int(t["n"].iloc[0]),
                int(t["n_gemeenten"].iloc[0]),
            ]
        return out

    def summary_nl(self) -> str:
        """Return a Dutch summary: estimate, interval, claim, pre-trend test, diagnostics."""
        r = self.effect()
        level = f"{nl.pct(100 * (1 - self.alpha))}"
        lines = [
            f"Ontwerp: {_DESIGN_NL[self.design]}. Specificatie: {self.specification}.",
            f"Schatting {self.main_term}: {_sig(r['effect'], 4)} (se {_sig(r['se'], 3)}; "
            f"{level}-interval {_sig(r['ci_low'], 4)} tot {_sig(r['ci_high'], 4)}; "
            f"p = {p_text(r['p'])}; "
            f"n = {int(r['n'])}, gemeenten = {int(r['n_gemeenten'])}).",
            f"Wat dit ontwerp kan claimen: {self.claim}",
        ]
        if self.pretrend is not None:
            lines.append(self.pretrend.text_nl())
        d = self.diagnostics
        lines.append(
            f"Diagnostiek: {d.r2_label} = {nl.getal(d.r2, 3)}; "
            f"Breusch-Pagan p = {p_text(d.breusch_pagan_p)}; "
            f"hoogste VIF = {nl.getal(float(d.vif.max()) if len(d.vif) else float('nan'), 2)}; "
            f"meest invloedrijke gemeente: "
            + (
                f"{d.influential.iloc[0]['gm_code']} (effect zonder: "
                f"{_sig(d.influential.iloc[0]['effect_zonder'], 4)})"
                if len(d.influential)
                else "n.v.t."
            )
            + "."
        )
        lines.extend(f"Opmerking: {n}" for n in d.notes)
        return "\n".join(lines)

    def to_euros(self, gm_code: str, **kwargs: Any) -> pd.DataFrame:
        """Translate the effect into euros for ``gm_code``; see :func:`to_euros`."""
        return to_euros(self, gm_code, **kwargs)

    def plot(self) -> Figure:
        """Plot the estimates (event-study coefficients, or the effect with its interval)."""
        if self.design == "event-study":
            return plot_event_study(self)
        return plot_effects([self])


def diagnostics_table(result: LeverResult) -> pd.DataFrame:
    """Return the Dutch diagnostics table of a fitted lever regression."""
    return result.diagnostics.table()


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _src(source: str | None) -> str:
    return f"{source}, " if source else ""


def _require_columns(df: pd.DataFrame, cols: Iterable[str], source: str | None) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{_src(source)}kolom '{missing[0]}' ontbreekt; beschikbare kolommen: "
            f"{', '.join(map(str, df.columns))}"
        )


def _numeric(df: pd.DataFrame, col: str, source: str | None) -> pd.Series:
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParameterError(
            f"{_src(source)}rij {i + 1}, kolom '{col}': waarde {s.iloc[i]!r} is geen getal"
        )
    return conv.astype(float)


def check_lever(
    df: pd.DataFrame,
    lever: str,
    *,
    entity: str = "gm_code",
    time: str | None = None,
    min_coverage: float = 0.5,
    source: str | None = None,
) -> None:
    """Check that a lever column can carry a regression.

    Args:
        df: The frame holding the lever.
        lever: Lever column.
        entity: Gemeente column.
        time: Year column; when given, the lever must also vary within gemeenten
            (otherwise gemeente fixed effects absorb it).
        min_coverage: Minimum share of gemeenten with at least one value.
        source: Name of the file or frame, for the message.

    Raises:
        ParameterError: The column is missing, not numeric, missing for most gemeenten,
            constant, or (panel) constant within every gemeente.
    """
    _require_columns(df, [lever, entity], source)
    x = _numeric(df, lever, source).to_numpy(dtype=float)
    codes, uniques = pd.factorize(df[entity].to_numpy(), use_na_sentinel=True)
    ok = np.isfinite(x) & (codes >= 0)
    n_g = len(uniques)
    n_with = np.unique(codes[ok]).size
    if n_g == 0 or n_with < min_coverage * n_g:
        missing = n_g - n_with
        raise ParameterError(
            f"{_src(source)}kolom '{lever}': ontbreekt voor {missing} van {n_g} gemeenten "
            f"({nl.pct(100 * (missing / max(n_g, 1)))}); minstens "
            f"{nl.pct(100 * min_coverage)} van de gemeenten "
            f"moet een waarde hebben om een effect te schatten"
        )
    vals = x[ok]
    scale = max(1.0, float(np.abs(vals).max()))
    if float(vals.max() - vals.min()) <= 1e-12 * scale:
        raise ParameterError(
            f"{_src(source)}kolom '{lever}': heeft voor alle {n_with} gemeenten dezelfde waarde "
            f"({_sig(float(vals[0]), 6)}); een hefboom moet tussen gemeenten variëren"
        )
    if time is not None:
        g = codes[ok]
        gmax = np.full(n_g, -np.inf)
        gmin = np.full(n_g, np.inf)
        np.maximum.at(gmax, g, vals)
        np.minimum.at(gmin, g, vals)
        spread = (gmax - gmin)[np.isfinite(gmax)]
        if float(spread.max(initial=0.0)) <= 1e-12 * scale:
            raise ParameterError(
                f"{_src(source)}kolom '{lever}': verandert binnen geen enkele gemeente over de "
                f"jaren; met vaste gemeente-effecten is het effect dan niet te schatten "
                f"(gebruik een doorsnede)"
            )


def _prepare(
    df: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    entity: str,
    time: str | None,
    source: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Select, convert and drop incomplete rows; return (data, notes)."""
    cols = [entity] + ([time] if time else []) + [outcome, *regressors]
    _require_columns(df, cols, source)
    if len(set(cols)) != len(cols):
        raise ParameterError(f"{_src(source)}een kolom staat dubbel in de specificatie: {cols}")
    ent = df[entity].to_numpy()
    num_cols = ([time] if time else []) + [outcome, *regressors]
    mat = np.column_stack([_numeric(df, c, source).to_numpy(dtype=float) for c in num_cols])
    ent_ok = pd.notna(ent)
    complete = np.isfinite(mat).all(axis=1) & ent_ok
    notes = []
    if not complete.all():
        notes.append(f"{int((~complete).sum())} rijen met ontbrekende waarden weggelaten")
    ent = ent[complete].astype(str)
    mat = mat[complete]
    key = [entity] + ([time] if time else [])
    if time:
        codes, _ = pd.factorize(ent)
        tcodes, tuni = pd.factorize(mat[:, 0])
        pair = codes.astype(np.int64) * len(tuni) + tcodes
        dup_mask = pd.Series(pair).duplicated(keep=False).to_numpy()
    else:
        dup_mask = pd.Series(ent).duplicated(keep=False).to_numpy()
    if dup_mask.any():
        i = int(np.flatnonzero(dup_mask)[0])
        first = [ent[i]] + ([int(mat[i, 0])] if time else [])
        raise ParameterError(
            f"{_src(source)}kolommen {key}: de combinatie {first} komt meer dan één keer voor; "
            f"verwacht één rij per {' × '.join(key)}"
        )
    data = {entity: ent}
    for j, c in enumerate(num_cols):
        data[c] = mat[:, j].astype(int) if c == time else mat[:, j]
    return pd.DataFrame(data), notes


# ---------------------------------------------------------------------------
# Two-way within transformation
# ---------------------------------------------------------------------------


def _group_means(x: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    out = np.empty((n_groups, x.shape[1]))
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=n_groups)
    return out / counts[:, None]


def within_transform(x: np.ndarray, entity_codes: np.ndarray, time_codes: np.ndarray) -> np.ndarray:
    """Remove gemeente and year effects from the columns of ``x`` (two-way within).

    Balanced panels use the closed form ``x - x_i. - x_.t + x_..``. Unbalanced panels
    demean by gemeente and then project off the gemeente-demeaned year dummies by least
    squares; by Frisch-Waugh-Lovell this is the exact projection on the orthogonal
    complement of the gemeente and year dummies (no iteration, no tolerance).

    Args:
        x: ``(n, p)`` array.
        entity_codes: Integer gemeente codes ``0..G-1``.
        time_codes: Integer year codes ``0..T-1``.

    Returns:
        The transformed ``(n, p)`` array.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    g = int(entity_codes.max()) + 1
    t = int(time_codes.max()) + 1
    balanced = n == g * t and np.unique(entity_codes * t + time_codes).size == n
    if balanced:
        return (
            x
            - _group_means(x, entity_codes, g)[entity_codes]
            - _group_means(x, time_codes, t)[time_codes]
            + x.mean(axis=0)
        )
    xe = x - _group_means(x, entity_codes, g)[entity_codes]
    if t <= 1:
        return xe
    d = np.zeros((n, t - 1))
    rows = np.flatnonzero(time_codes > 0)
    d[rows, time_codes[rows] - 1] = 1.0
    de = d - _group_means(d, entity_codes, g)[entity_codes]
    coef, *_ = np.linalg.lstsq(de, xe, rcond=None)
    return xe - de @ coef


# ---------------------------------------------------------------------------
# Diagnostics helpers
# ---------------------------------------------------------------------------


def _vif(x: pd.DataFrame, has_const: bool) -> pd.Series:
    """Variance inflation factors, VIF_j = 1 / (1 - R²_j), in closed form.

    With a constant the regressors are centred (the usual VIF); without (within-transformed
    panel data, already mean zero) the cross-products are used as they are. This equals
    statsmodels ``variance_inflation_factor`` (checked in tests).
    """
    names = [c for c in x.columns if c != "const"]
    if len(names) <= 1:
        return pd.Series(1.0, index=names, dtype=float)
    z = x[names].to_numpy(dtype=float)
    if has_const:
        z = z - z.mean(axis=0)
    c = z.T @ z
    try:
        inv = np.linalg.inv(c)
    except np.linalg.LinAlgError:  # pragma: no cover - collinear columns were dropped
        return pd.Series(np.inf, index=names, dtype=float)
    return pd.Series(np.diag(inv) * np.diag(c), index=names, dtype=float)


def _influence(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    labels: np.ndarray,
    params: np.ndarray,
    weights: np.ndarray,
    lever_se: float,
    df_resid: float,
    top: int,
) -> pd.DataFrame:
    """Leave-one-gemeente-out influence, vectorised (holding absorbed effects fixed).

    ``weights`` picks the effect of interest as ``weights @ params`` (a unit vector for
    one coefficient, equal weights for the average post-adoption effect).
    """
    n_groups = int(groups.max()) + 1
    k = x.shape[1]
    xtx = x.T @ x
    xty = x.T @ y
    order = np.argsort(groups, kind="stable")
    gs = groups[order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    xs = x[order]
    gxx = np.zeros((n_groups, k, k))
    gxx[gs[starts]] = np.add.reduceat(xs[:, :, None] * xs[:, None, :], starts, axis=0)
    gxy = np.zeros((n_groups, k))
    gxy[gs[starts]] = np.add.reduceat(xs * y[order][:, None], starts, axis=0)
    a = xtx[None] - gxx
    b = xty[None] - gxy
    beta_minus = np.einsum("gij,gj->gi", np.linalg.pinv(a), b)
    diff = beta_minus - params[None, :]
    resid = y - x @ params
    s2 = float(resid @ resid) / max(df_resid, 1.0)
    cooks = np.einsum("gi,ij,gj->g", diff, xtx, diff) / (k * s2)
    out = pd.DataFrame(
        {
            "gm_code": labels,
            "cooks_d": cooks,
            "effect_zonder": beta_minus @ weights,
            "verschuiving_se": (diff @ weights) / lever_se if lever_se > 0 else np.nan,
        }
    )
    return out.sort_values("cooks_d", ascending=False).head(top).reset_index(drop=True)


def _bp(resid: np.ndarray, exog: np.ndarray) -> tuple[float, float]:
    try:
        from statsmodels.stats.diagnostic import het_breuschpagan  # lazy: heavy import

        lm, lm_p, _, _ = het_breuschpagan(resid, exog)
    except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - degenerate designs
        return float("nan"), float("nan")
    return float(lm), float(lm_p)


def _tidy(
    res: Any,
    names: Sequence[str],
    alpha: float,
    n: int,
    n_groups: int,
    design: str,
    spec: str,
) -> pd.DataFrame:
    ci = np.asarray(res.conf_int(alpha=alpha))
    idx = [list(res.model.exog_names).index(nm) for nm in names]
    return pd.DataFrame(
        {
            "term": list(names),
            "effect": np.asarray(res.params, dtype=float)[idx],
            "se": np.asarray(res.bse, dtype=float)[idx],
            "ci_low": ci[idx, 0].astype(float),
            "ci_high": ci[idx, 1].astype(float),
            "p": np.asarray(res.pvalues, dtype=float)[idx],
            "n": n,
            "n_gemeenten": n_groups,
            "design": design,
            "specification": spec,
        }
    )


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha = {alpha}: verwacht een getal tussen 0 en 1 (bijv. 0.05)")


def _drop_collinear(x: pd.DataFrame, keep_first: Sequence[str], tol: float = 1e-9) -> list[str]:
    """Return columns that are (near) linear combinations of earlier ones, latest first."""
    arr = x.to_numpy(dtype=float)
    scale = np.sqrt((arr**2).sum(axis=0))
    dropped = []
    cols = list(x.columns)
    kept: list[int] = []
    for j, c in enumerate(cols):
        if scale[j] <= tol * max(1.0, float(np.abs(arr[:, j]).max(initial=0.0))) or scale[j] == 0:
            dropped.append(c)
            continue
        if kept:
            basis = arr[:, kept]
            coef, *_ = np.linalg.lstsq(basis, arr[:, j], rcond=None)
            r = arr[:, j] - basis @ coef
            if np.sqrt(r @ r) <= 1e-8 * scale[j]:
                dropped.append(c)
                continue
        kept.append(j)
    return dropped


# ---------------------------------------------------------------------------
# Cross-section
# ---------------------------------------------------------------------------


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

    statsmodels OLS with a constant and heteroskedasticity-robust standard errors
    (``cov_type``, default HC3) and t(n - k) intervals. The estimate is an
    association, not a causal effect (see :data:`CLAIMS`).

    Args:
        df: One row per gemeente (or several years with ``jaar`` to pick one).
        outcome: Outcome column, e.g. net cost per inwoner of a domain.
        lever: Lever column.
        controls: Control columns (e.g. maatstaven per inwoner).
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
    _check_alpha(alpha)
    if cov_type.upper() not in {"HC0", "HC1", "HC2", "HC3"}:
        raise ParameterError(f"cov_type = {cov_type!r}: verwacht HC0, HC1, HC2 of HC3")
    controls = list(controls)
    src_df = df
    if time in df.columns:
        years = pd.to_numeric(df[time], errors="coerce").dropna().unique()
        if jaar is not None:
            df = df.loc[pd.to_numeric(df[time], errors="coerce") == jaar]
            if df.empty:
                raise ParameterError(
                    f"{_src(source)}kolom '{time}': geen rijen voor jaar {jaar}; beschikbaar: "
                    f"{', '.join(str(int(y)) for y in sorted(years))}"
                )
        elif len(years) > 1:
            raise ParameterError(
                f"{_src(source)}kolom '{time}': {len(years)} jaren in de data; een doorsnede "
                f"gebruikt één jaar: geef jaar= op of gebruik fit_panel"
            )
    check_lever(df, lever, entity=entity, source=source)
    data, notes = _prepare(df, outcome, [lever, *controls], entity, None, source)
    x = data[[lever, *controls]].copy()
    x.insert(0, "const", 1.0)
    dropped = _drop_collinear(x, ["const", lever])
    if lever in dropped:
        raise ParameterError(
            f"{_src(source)}kolom '{lever}': is (bijna) een lineaire combinatie van de "
            f"controlevariabelen; het effect is niet te schatten"
        )
    for c in dropped:
        notes.append(f"controle '{c}' weggelaten: constant of collineair met andere regressoren")
    x = x.drop(columns=dropped)
    n, k = x.shape
    if n < k + 3:
        raise ParameterError(
            f"{_src(source)}te weinig gemeenten met volledige gegevens: {n} voor {k} "
            f"parameters; verwacht minstens {k + 3}"
        )
    y = data[outcome]
    import statsmodels.api as sm  # lazy: 1 s to import, only needed to fit

    res = sm.OLS(y, x).fit(cov_type=cov_type.upper(), use_t=True)
    used_controls = [c for c in controls if c not in dropped]
    spec = (
        f"{outcome} ~ {' + '.join([lever, *used_controls])}; OLS met constante, "
        f"{cov_type.upper()}-standaardfouten" + (f"; jaar {jaar}" if jaar is not None else "")
    )
    table = _tidy(res, [lever, *used_controls], alpha, n, n, "doorsnede", spec)
    xa = x.to_numpy(dtype=float)
    w = (np.asarray(x.columns) == lever).astype(float)
    infl = _influence(
        xa,
        y.to_numpy(dtype=float),
        np.arange(n),
        data[entity].to_numpy(),
        np.asarray(res.params),
        w,
        float(res.bse[lever]),
        float(res.df_resid),
        top_influential,
    )
    lm, lm_p = _bp(np.asarray(res.resid), xa)
    diag = Diagnostics(
        n=n,
        n_gemeenten=n,
        r2=float(res.rsquared),
        r2_adj=float(res.rsquared_adj),
        r2_label="R²",
        breusch_pagan_lm=lm,
        breusch_pagan_p=lm_p,
        vif=_vif(x, True),
        influential=infl,
        notes=notes,
    )
    return LeverResult(
        design="doorsnede",
        outcome=outcome,
        lever=lever,
        table=table,
        diagnostics=diag,
        fit=res,
        data=data,
        source_data=src_df,
        specification=spec,
        alpha=alpha,
        entity=entity,
        time=time if time in src_df.columns else None,
        main_term=lever,
    )


# ---------------------------------------------------------------------------
# Panel (TWFE)
# ---------------------------------------------------------------------------


@dataclass
class _TwfeOut:
    res: Any
    xd: pd.DataFrame
    yd: np.ndarray
    clusters: np.ndarray
    cluster_labels: np.ndarray
    dropped: list[str]
    n_entities: int
    n_times: int


def _twfe(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    entity_ids: pd.Series,
    time_ids: pd.Series,
    cluster_ids: pd.Series,
    protect: Sequence[str],
    source: str | None,
) -> _TwfeOut:
    e_codes, e_uni = pd.factorize(entity_ids, sort=True)
    t_codes, t_uni = pd.factorize(time_ids, sort=True)
    c_codes, c_uni = pd.factorize(cluster_ids, sort=True)
    cols = [outcome, *regressors]
    z = within_transform(data[cols].to_numpy(dtype=float), e_codes, t_codes)
    xd = pd.DataFrame(z[:, 1:], columns=list(regressors))
    dropped = _drop_collinear(xd, protect)
    bad = [c for c in dropped if c in protect]
    if bad:
        raise ParameterError(
            f"{_src(source)}kolom '{bad[0]}': geen variatie meer over na het wegnemen van "
            f"gemeente- en jaareffecten (of collineair); het effect is niet te schatten"
        )
    xd = xd.drop(columns=dropped)
    n, k = xd.shape
    if len(c_uni) < 2:
        raise ParameterError(f"{_src(source)}minstens 2 gemeenten nodig voor geclusterde fouten")
    if n - k - len(e_uni) - len(t_uni) + 1 < 1:
        raise ParameterError(
            f"{_src(source)}te weinig waarnemingen ({n}) voor {k} regressoren plus "
            f"{len(e_uni)} gemeente- en {len(t_uni)} jaareffecten"
        )
    import statsmodels.api as sm  # lazy: 1 s to import, only needed to fit

    res = sm.OLS(z[:, 0], xd).fit(cov_type="cluster", cov_kwds={"groups": c_codes}, use_t=True)
    return _TwfeOut(
        res=res,
        xd=xd,
        yd=z[:, 0],
        clusters=c_codes,
        cluster_labels=np.asarray(c_uni, dtype=object),
        dropped=dropped,
        n_entities=len(e_uni),
        n_times=len(t_uni),
    )


def _twfe_diagnostics(
    out: _TwfeOut, weights: np.ndarray, effect_se: float, notes: list[str], top: int
) -> Diagnostics:
    res = out.res
    xa = out.xd.to_numpy(dtype=float)
    n, k = xa.shape
    df_resid = n - k - out.n_entities - out.n_times + 1
    infl = _influence(
        xa,
        out.yd,
        out.clusters,
        out.cluster_labels,
        np.asarray(res.params),
        weights,
        effect_se,
        float(df_resid),
        top,
    )
    lm, lm_p = _bp(np.asarray(res.resid), np.column_stack([np.ones(n), xa]))
    notes = list(notes)
    notes.append(
        "Cook's D en 'effect zonder' per weggelaten gemeente zijn berekend op de "
        "getransformeerde (within) data, met de vaste effecten van de volledige steekproef"
    )
    return Diagnostics(
        n=n,
        n_gemeenten=len(out.cluster_labels),
        r2=float(res.rsquared),
        r2_adj=float("nan"),
        r2_label="R² na vaste effecten",
        breusch_pagan_lm=lm,
        breusch_pagan_p=lm_p,
        vif=_vif(out.xd, False),
        influential=infl,
        notes=notes,
    )


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
    """Two-way fixed effects (gemeente and year) with standard errors clustered by gemeente.

    See the module docstring for the within transformation and the small-sample
    correction (matches linearmodels PanelOLS with ``debiased=True, group_debias=True,
    auto_df=False, count_effects=False``).

    Args:
        df: Long frame, one row per gemeente × jaar (unbalanced allowed).
        outcome: Outcome column.
        lever: Lever column; must vary within gemeenten.
        controls: Time-varying control columns; time-invariant ones are absorbed by the
            gemeente effects and dropped with a note.
        entity: Gemeente column.
        time: Year column.
        alpha: 1 - confidence level.
        top_influential: Number of influential gemeenten to report.
        source: Name of the input for error messages.

    Returns:
        A :class:`LeverResult` with design ``"panel"``.

    Raises:
        ParameterError: Bad columns, a lever that is constant, mostly missing or without
            within-gemeente variation, fewer than two years.
    """
    _check_alpha(alpha)
    controls = list(controls)
    _require_columns(df, [time], source)
    if pd.to_numeric(df[time], errors="coerce").nunique() < 2:
        raise ParameterError(
            f"{_src(source)}kolom '{time}': een panel vraagt minstens twee jaren; gebruik "
            f"fit_cross_section voor één jaar"
        )
    check_lever(df, lever, entity=entity, time=time, source=source)
    data, notes = _prepare(df, outcome, [lever, *controls], entity, time, source)
    out = _twfe(
        data, outcome, [lever, *controls], data[entity], data[time], data[entity], [lever], source
    )
    for c in out.dropped:
        notes.append(
            f"controle '{c}' weggelaten: verandert niet binnen gemeenten (opgenomen in de "
            f"vaste gemeente-effecten) of is collineair"
        )
    used = [c for c in controls if c not in out.dropped]
    spec = (
        f"{outcome} ~ {' + '.join([lever, *used])} + gemeente-effecten + jaareffecten; "
        f"standaardfouten geclusterd per gemeente (CRV1, G/(G-1)·(N-1)/(N-k)), t(G-1)"
    )
    n = len(data)
    table = _tidy(out.res, [lever, *used], alpha, n, out.n_entities, "panel", spec)
    w = (np.asarray(out.xd.columns) == lever).astype(float)
    diag = _twfe_diagnostics(out, w, float(out.res.bse[lever]), notes, top_influential)
    return LeverResult(
        design="panel",
        outcome=outcome,
        lever=lever,
        table=table,
        diagnostics=diag,
        fit=out.res,
        data=data,
        source_data=df,
        specification=spec,
        alpha=alpha,
        entity=entity,
        time=time,
        main_term=lever,
    )


# ---------------------------------------------------------------------------
# Event study
# ---------------------------------------------------------------------------

_ADOPTION_ALIASES = {
    "gm_code": ("gm_code", "gemeente", "gemeentecode"),
    "hefboom": ("hefboom", "lever", "naam"),
    "adoptiejaar": ("adoptiejaar", "adoption_year", "invoeringsjaar", "jaar"),
}


def _csv_reader(path: Path, expected: str) -> Any:
    """Open a small user CSV (any of , ; tab) and return a csv.reader over its lines.

    Raises:
        DataError: The file cannot be read or is empty; names the file and the columns expected.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"{path}: kan het bestand niet lezen ({exc.strerror})") from exc
    lines = text.splitlines()
    if not lines:
        raise DataError(f"{path.name}: het bestand is leeg; verwacht kolommen {expected}")
    try:
        delim = csv.Sniffer().sniff(lines[0], delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    return csv.reader(lines, delimiter=delim)


def read_adoption(path: str | Path, *, hefboom: str | None = None) -> pd.DataFrame:
    """Read a CSV of adoption years: gm_code, hefboom (lever), adoptiejaar.

    The separator (``,`` ``;`` or tab) is detected. Accepted header aliases: ``lever``
    for hefboom and ``adoption_year`` / ``invoeringsjaar`` / ``jaar`` for adoptiejaar.

    Args:
        path: CSV file.
        hefboom: Keep only this lever (required when the file holds several).

    Returns:
        Frame with columns gm_code, hefboom, adoptiejaar (int) and regel (line number).

    Raises:
        DataError: Unreadable file, a missing column, a bad gm_code or year, or a
            gemeente listed twice for the same lever; the message names file, line, field.
    """
    path = Path(path)
    name = path.name
    reader = _csv_reader(path, "gm_code, hefboom, adoptiejaar")
    header = [h.strip().lower() for h in next(reader)]
    colmap = {}
    for canon, aliases in _ADOPTION_ALIASES.items():
        for a in aliases:
            if a in header:
                colmap[canon] = header.index(a)
                break
    for canon in ("gm_code", "adoptiejaar"):
        if canon not in colmap:
            raise DataError(
                f"{name}, regel 1, veld {canon}: kolom ontbreekt; verwacht kolommen "
                f"gm_code, hefboom, adoptiejaar (gevonden: {', '.join(header)})"
            )
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for lineno, rec in enumerate(reader, start=2):
        if not any(v.strip() for v in rec):
            continue

        def get(canon: str, rec: list[str] = rec) -> str:
            i = colmap.get(canon)
            return rec[i].strip() if i is not None and i < len(rec) else ""

        gm = get("gm_code").upper()
        if not is_gm_code(gm):
            raise DataError(
                f"{name}, regel {lineno}, veld gm_code: {gm!r} is geen gemeentecode; verwacht "
                f"GM gevolgd door 4 cijfers (bijv. GM0855)"
            )
        lever = get("hefboom") or "hefboom"
        yr_txt = get("adoptiejaar")
        try:
            yr = int(float(yr_txt))
            if float(yr_txt) != yr or not 1900 <= yr <= 2100:
                raise ValueError
        except ValueError:
            raise DataError(
                f"{name}, regel {lineno}, veld adoptiejaar: {yr_txt!r} is geen jaartal "
                f"(verwacht bijv. 2019)"
            ) from None
        key = (gm, lever)
        if key in seen:
            raise DataError(
                f"{name}, regel {lineno}, veld gm_code: {gm} staat al op regel {seen[key]} "
                f"voor hefboom '{lever}'; één adoptiejaar per gemeente per hefboom"
            )
        seen[key] = lineno
        rows.append({"gm_code": gm, "hefboom": lever, "adoptiejaar": yr, "regel": lineno})
    out = pd.DataFrame(rows, columns=["gm_code", "hefboom", "adoptiejaar", "regel"])
    if hefboom is not None:
        levers = sorted(out["hefboom"].unique())
        out = out.loc[out["hefboom"] == hefboom]
        if out.empty:
            raise DataError(
                f"{name}, veld hefboom: geen regels voor hefboom '{hefboom}'; aanwezig: "
                f"{', '.join(levers)}"
            )
    return out.reset_index(drop=True)


def read_levers(
    path: str | Path,
    *,
    entity: str = "gm_code",
    time: str = "jaar",
    min_coverage: float = 0.5,
) -> pd.DataFrame:
    """Read a CSV of the user's own lever columns: gm_code, [jaar,] one column per lever.

    Every value is checked on its line (gm_code format, numbers, one row per gemeente ×
    jaar) and every lever column with :func:`check_lever` (not constant, not missing for
    most gemeenten). The separator (``,`` ``;`` or tab) is detected; with ``;`` a decimal
    comma is accepted.

    Args:
        path: CSV file.
        entity: Gemeente column.
        time: Year column (optional in the file).
        min_coverage: Minimum share of gemeenten with a value, per lever.

    Returns:
        Frame gm_code, [jaar,] lever columns (float); ``attrs["levers"]`` lists them.

    Raises:
        DataError: Malformed file; the message names file, line and field.
        ParameterError: A constant or mostly missing lever column (names file and field).
    """
    path = Path(path)
    name = path.name
    reader = _csv_reader(path, f"{entity}, {time}, …")
    header = [h.strip() for h in next(reader)]
    if entity not in header:
        raise DataError(f"{name}, regel 1, veld {entity}: kolom ontbreekt")
    levers = [h for h in header if h not in (entity, time)]
    if not levers:
        raise DataError(f"{name}, regel 1: geen hefboomkolommen naast {entity} en {time}")
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None], int] = {}
    for lineno, rec in enumerate(reader, start=2):
        if not any(v.strip() for v in rec):
            continue
        vals = dict(zip(header, (v.strip() for v in rec), strict=False))
        gm = vals.get(entity, "").upper()
        if not is_gm_code(gm):
            raise DataError(
                f"{name}, regel {lineno}, veld {entity}: {gm!r} is geen gemeentecode; verwacht "
                f"GM gevolgd door 4 cijfers"
            )
        row: dict[str, Any] = {entity: gm}
        yr = None
        if time in header:
            try:
                yr = int(vals.get(time, ""))
            except ValueError:
                raise DataError(
                    f"{name}, regel {lineno}, veld {time}: {vals.get(time)!r} is geen jaartal"
                ) from None
            row[time] = yr
        if (gm, yr) in seen:
            raise DataError(
                f"{name}, regel {lineno}, veld {entity}: {gm}"
                + (f" {yr}" if yr is not None else "")
                + f" staat al op regel {seen[(gm, yr)]}"
            )
        seen[(gm, yr)] = lineno
        for lev in levers:
            v = vals.get(lev, "")
            if v == "":
                row[lev] = np.nan
                continue
            if reader.dialect.delimiter == ";" and re.fullmatch(r"-?\d+,\d+", v):
                v = v.replace(",", ".")
            try:
                row[lev] = float(v)
            except ValueError:
                raise DataError(
                    f"{name}, regel {lineno}, veld {lev}: {v!r} is geen getal"
                ) from None
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise DataError(f"{name}: geen regels na de kopregel")
    for lev in levers:
        check_lever(out, lev, entity=entity, min_coverage=min_coverage, source=name)
    out.attrs["levers"] = levers
    out.attrs["source"] = name
    return out


def _event_term(k: int) -> str:
    return f"t{k:+d}" if k != 0 else "t+0"


def _adoption_map(
    adoption: pd.DataFrame | str | Path, hefboom: str | None, entity: str, source: str | None
) -> tuple[pd.Series, str]:
    if isinstance(adoption, (str, Path)):
        adoption = read_adoption(adoption, hefboom=hefboom)
    else:
        _require_columns(adoption, ["gm_code", "adoptiejaar"], "adoptiebestand")
        if hefboom is not None and "hefboom" in adoption.columns:
            adoption = adoption.loc[adoption["hefboom"] == hefboom]
    levers = sorted(adoption["hefboom"].unique()) if "hefboom" in adoption.columns else []
    if len(levers) > 1:
        raise ParameterError(
            f"adoptiebestand bevat {len(levers)} hefbomen ({', '.join(levers)}); kies er één "
            f"met hefboom="
        )
    if adoption.empty:
        raise ParameterError("adoptiebestand: geen enkele gemeente met een adoptiejaar")
    if adoption["gm_code"].duplicated().any():
        gm = adoption.loc[adoption["gm_code"].duplicated(), "gm_code"].iloc[0]
        raise ParameterError(f"adoptiebestand, veld gm_code: {gm} heeft meer dan één adoptiejaar")
    name = hefboom or (levers[0] if levers else "invoering")
    g = pd.Series(
        pd.to_numeric(adoption["adoptiejaar"]).astype(int).to_numpy(),
        index=adoption["gm_code"].astype(str).to_numpy(),
    )
    return g, name


def _event_dummies(
    rel: np.ndarray, treated: np.ndarray, leads: int, lags: int
) -> dict[int, np.ndarray]:
    out = {}
    for k in range(-leads, lags + 1):
        if k == -1:
            continue
        if k == -leads:
            d = treated & (rel <= k)
        elif k == lags:
            d = treated & (rel >= k)
        else:
            d = treated & (rel == k)
        out[k] = d.astype(float)
    return out


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
) -> LeverResult:
    """Event study around the adoption of a lever, never-treated gemeenten as controls.

    Relative-time dummies ``t-leads … t+lags`` with binned endpoints (``t-leads`` holds
    all earlier years, ``t+lags`` all later ones) and reference year ``t-1``. Gemeenten
    that adopted before the first panel year (always treated) are left out. The pre-trend
    test is the joint F test (clustered covariance, t(G-1) denominators) that all leads
    ``t-leads … t-2`` are zero. ``gemiddeld_na_invoering`` is the mean of ``t+0 … t+lags``.

    Args:
        df: Long panel (gm_code, jaar, outcome, controls).
        outcome: Outcome column.
        adoption: Frame or CSV path with gm_code, hefboom, adoptiejaar
            (:func:`read_adoption`).
        hefboom: Lever to analyse when the adoption file holds several.
        leads: Number of pre-periods (>= 2 for a pre-trend test).
        lags: Number of post-periods after the adoption year (>= 0).
        controls: Time-varying controls.
        method: ``"twfe"`` (one regression on the whole panel) or ``"stacked"`` (a stack
            of one sub-experiment per adoption cohort with its never-treated controls,
            cohort-specific gemeente and year effects, clustered by gemeente).
        entity: Gemeente column.
        time: Year column.
        alpha: 1 - confidence level.
        top_influential: Number of influential gemeenten to report.
        source: Name of the panel for error messages.

    Returns:
        A :class:`LeverResult` with design ``"event-study"`` and a ``pretrend`` test.

    Raises:
        ParameterError: Bad windows or columns, no treated or no never-treated gemeenten.
        DataError: A malformed adoption CSV.
    """
    _check_alpha(alpha)
    if leads < 2 or lags < 0:
        raise ParameterError(
            f"leads = {leads}, lags = {lags}: verwacht leads ≥ 2 (voor de pre-trendtoets) "
            f"en lags ≥ 0"
        )
    if method not in {"twfe", "stacked"}:
        raise ParameterError(f"method = {method!r}: verwacht 'twfe' of 'stacked'")
    controls = list(controls)
    g_map, name = _adoption_map(adoption, hefboom, entity, source)
    data, notes = _prepare(df, outcome, controls, entity, time, source)
    years = np.sort(data[time].unique())
    first_year = int(years[0])
    unknown = sorted(set(g_map.index) - set(data[entity]))
    if unknown:
        notes.append(
            f"{len(unknown)} gemeenten uit het adoptiebestand staan niet in de data: "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}"
        )
    g = data[entity].map(g_map).to_numpy(dtype=float)
    always = ~np.isnan(g) & (g <= first_year)
    if always.any():
        n_always = data.loc[always, entity].nunique()
        notes.append(
            f"{n_always} gemeenten voerden in vóór of in het eerste jaar ({first_year}) in en "
            f"zijn weggelaten (geen jaren vóór invoering)"
        )
        data = data.loc[~always].reset_index(drop=True)
        g = g[~always]
    treated = ~np.isnan(g)
    n_treated = data.loc[treated, entity].nunique()
    n_never = data.loc[~treated, entity].nunique()
    if n_treated == 0:
        raise ParameterError(
            f"{_src(source)}geen enkele gemeente uit het adoptiebestand heeft jaren vóór en na "
            f"invoering in de data; een event study is niet mogelijk"
        )
    if n_never == 0:
        raise ParameterError(
            f"{_src(source)}er zijn geen gemeenten die de hefboom nooit invoerden; de event "
            f"study gebruikt nooit-invoerders als controlegroep"
        )
    rel = np.where(treated, data[time].to_numpy() - np.nan_to_num(g), 0).astype(int)
    if method == "twfe":
        dummies = _event_dummies(rel, treated, leads, lags)
        frame = data.copy()
        terms = []
        for k, d in dummies.items():
            if d.sum() == 0:
                notes.append(f"geen waarnemingen voor {_event_term(k)}; term weggelaten")
                continue
            frame[_event_term(k)] = d
            terms.append(_event_term(k))
        ent, tim, clu = frame[entity], frame[time], frame[entity]
        spec_fe = "gemeente-effecten + jaareffecten"
    else:
        parts = []
        for c in np.unique(g[treated]).astype(int):
            lo, hi = c - leads, c + lags
            in_window = (data[time] >= lo) & (data[time] <= hi)
            sel = in_window & ((g == c) | ~treated)
            part = data.loc[sel].copy()
            r = part[time].to_numpy() - c
            tr = g[sel.to_numpy()] == c
            dummies = _event_dummies(r, tr, leads, lags)
            for k, d in dummies.items():
                part[_event_term(k)] = d
            part["_cohort"] = c
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True)
        terms = []
        for k in range(-leads, lags + 1):
            if k == -1:
                continue
            t = _event_term(k)
            if frame[t].sum() == 0:
                notes.append(f"geen waarnemingen voor {t}; term weggelaten")
                frame = frame.drop(columns=t)
                continue
            terms.append(t)
        ent = frame["_cohort"].astype(str) + "|" + frame[entity]
        tim = frame["_cohort"].astype(str) + "|" + frame[time].astype(str)
        clu = frame[entity]
        spec_fe = "cohort×gemeente-effecten + cohort×jaareffecten (gestapeld)"
        notes.append(
            f"gestapelde schatter: {frame['_cohort'].nunique()} cohorten, {len(frame)} "
            f"gestapelde waarnemingen"
        )
    if not any(t.startswith("t+") for t in terms):
        raise ParameterError(f"{_src(source)}geen waarnemingen na invoering in de data")
    out = _twfe(frame, outcome, [*terms, *controls], ent, tim, clu, terms, source)
    for c in out.dropped:
        notes.append(f"controle '{c}' weggelaten: geen variatie binnen gemeenten of collineair")
    used = [c for c in controls if c not in out.dropped]
    res = out.res
    spec = (
        f"{outcome} ~ event-tijd {_event_term(-leads)} (en eerder) … {_event_term(lags)} "
        f"(en later), referentie t-1"
        + (f" + {' + '.join(used)}" if used else "")
        + f" + {spec_fe}; nooit-invoerders als controle; standaardfouten geclusterd per "
        f"gemeente (CRV1), t(G-1); hefboom '{name}', {n_treated} invoerders, {n_never} "
        f"nooit-invoerders; methode {method}"
    )
    n = len(frame)
    table = _tidy(res, [*terms, *used], alpha, n, len(out.cluster_labels), "event-study", spec)
    table.insert(1, "event_tijd", [int(t[1:]) if t in terms else np.nan for t in table["term"]])
    ref = pd.DataFrame(
        [
            {
                "term": "t-1",
                "event_tijd": -1,
                "effect": 0.0,
                "se": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p": np.nan,
                "n": n,
                "n_gemeenten": len(out.cluster_labels),
                "design": "event-study",
                "specification": spec + " (referentie)",
            }
        ]
    )
    names = list(res.model.exog_names)
    post = [t for t in terms if t.startswith("t+")]
    r = np.zeros(len(names))
    for t in post:
        r[names.index(t)] = 1.0 / len(post)
    tt = res.t_test(r[None, :])
    ci = np.asarray(tt.conf_int(alpha=alpha))[0]
    avg = pd.DataFrame(
        [
            {
                "term": "gemiddeld_na_invoering",
                "event_tijd": np.nan,
                "effect": float(np.squeeze(tt.effect)),
                "se": float(np.squeeze(tt.sd)),
                "ci_low": float(ci[0]),
                "ci_high": float(ci[1]),
                "p": float(np.squeeze(tt.pvalue)),
                "n": n,
                "n_gemeenten": len(out.cluster_labels),
                "design": "event-study",
                "specification": spec + f" (gemiddelde van {', '.join(post)})",
            }
        ]
    )
    table = pd.concat([table, ref, avg], ignore_index=True)
    table["_order"] = table["event_tijd"].fillna(10_000)
    table = table.sort_values("_order", kind="stable").drop(columns="_order")
    table = table.reset_index(drop=True)
    lead_terms = [t for t in terms if int(t[1:]) <= -2]
    pre = None
    if lead_terms:
        rm = np.zeros((len(lead_terms), len(names)))
        for i, t in enumerate(lead_terms):
            rm[i, names.index(t)] = 1.0
        w = res.f_test(rm)
        pre = PretrendTest(
            statistic=float(np.squeeze(w.fvalue)),
            df_num=int(w.df_num),
            df_denom=float(w.df_denom),
            p=float(np.squeeze(w.pvalue)),
            leads=lead_terms,
        )
    else:
        notes.append("geen leads met waarnemingen: pre-trendtoets niet mogelijk")
    diag = _twfe_diagnostics(out, r, float(np.squeeze(tt.sd)), notes, top_influential)
    return LeverResult(
        design="event-study",
        outcome=outcome,
        lever=name,
        table=table,
        diagnostics=diag,
        fit=res,
        data=frame,
        source_data=df,
        specification=spec,
        alpha=alpha,
        entity=entity,
        time=time,
        main_term="gemiddeld_na_invoering",
        pretrend=pre,
    )


# ---------------------------------------------------------------------------
# Euros for one gemeente
# ---------------------------------------------------------------------------


def to_euros(
    result: LeverResult,
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
            why = f"één standaardafwijking van '{result.lever}' ({_sig(d, 4)})"
        elif delta == "mediaan":
            if own.empty or result.lever not in own or own[result.lever].dropna().empty:
                raise ParameterError(
                    f"gemeente {gm_code}: geen waarde van '{result.lever}' om naar de mediaan te "
                    f"verschuiven"
                )
            mine = float(own[result.lever].dropna().iloc[-1])
            med = result.latest_median
            d = med - mine
            why = f"'{result.lever}' van {_sig(mine, 4)} naar de mediaan {_sig(med, 4)}"
        else:
            raise ParameterError(f"delta = {delta!r}: verwacht een getal, 'sd' of 'mediaan'")
    else:
        d = float(delta)
        why = (
            "invoering van de hefboom"
            if result.design == "event-study" and d == 1
            else f"verandering van {_sig(d, 4)} in '{result.lever}'"
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
# Adapters to the canonical tables
# ---------------------------------------------------------------------------

# Taakveld groups of the candidates, all from data/taakveld_domein.csv (vocab).
_GROEP_SOCIAAL = TAAKVELD_GROEPEN["sociaal_domein"]
_GROEP_VOORLIGGEND = TAAKVELD_GROEPEN["voorliggend"]
_GROEP_TOEGANG = TAAKVELD_GROEPEN["toegang"]
_GROEP_MAATWERK = TAAKVELD_GROEPEN["maatwerk"] | TAAKVELD_GROEPEN["geescaleerd"]
_GROEP_JEUGD_VERBLIJF = TAAKVELD_GROEPEN["jeugdhulp_met_verblijf"]
_GROEP_JEUGD_HULP = TAAKVELD_GROEPEN["jeugdhulp"]
_GROEP_PGB = TAAKVELD_GROEPEN["pgb"]

LEVER_DEFINITIONS = {
    "aandeel_voorliggend": "lasten 6.1 + 6.2 (6.21–6.23) / lasten sociaal domein (alle 6.x)",
    "voorliggend_vs_maatwerk": (
        "lasten 6.1 + 6.2x / (lasten 6.1 + 6.2x + maatwerk 6.6x, 6.7x, 6.8x)"
    ),
    "aandeel_salaris_toegang": (
        "salarissen (L1.1) in 6.2x / lasten 6.2x (wijkteams in eigen dienst)"
    ),
    "aandeel_salaris_sociaal_domein": "salarissen (L1.1) in 6.x / lasten 6.x",
    "aandeel_jeugd_verblijf": (
        "lasten jeugdhulp met verblijf (6.73x, 6.74b–c; vanaf 2025 6.761–6.763) / lasten "
        "jeugdhulp (6.72x–6.76x, 6.792); NaN waar de indeling het niet onderscheidt"
    ),
    "aandeel_pgb": "lasten pgb (6.791, 6.792) / maatwerk 6.6x–6.8x; alleen vanaf 2025",
    "voorliggend_per_inwoner": "lasten 6.1 + 6.2x per inwoner (EUR)",
}
"""Built-in lever candidates computable from Iv3, with their definitions."""


def _delivered_only(d: pd.DataFrame, levering: pd.DataFrame | None) -> pd.DataFrame:
    """Rows of cells that are real submissions (all-zero or non-delivered cells dropped)."""
    from analysekit.analysis.deficits import delivery

    if d.empty or not {"lasten_eur", "baten_eur"} <= set(d.columns):
        return d
    lev = delivery(d, levering)
    ok = lev.loc[lev["geleverd"], ["gm_code", "jaar", "verslagsoort"]]
    return d.merge(ok, on=["gm_code", "jaar", "verslagsoort"], how="inner")


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.where(den > 0)
    return num / den


def lever_candidates(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame | None = None,
    *,
    verslagsoort: str = "jaarrekening",
    shares_in_unit_interval: bool = True,
) -> pd.DataFrame:
    """Compute the built-in lever candidates per gemeente × jaar from the iv3 table.

    See :data:`LEVER_DEFINITIONS`. Taakvelden are matched on their code as published
    (``6.2`` up to 2024, ``6.21``–``6.23`` from 2025); aggregate codes are assumed to be
    dropped by the data layer (docs/tables.md) so nothing is counted twice.

    Negative Iv3 amounts (corrections) can push a share outside [0, 1] (on the mirror's
    begroting 2024 one gemeente has an aandeel_voorliggend of 2.0). With
    ``shares_in_unit_interval`` such shares are set to NaN and counted in
    ``frame.attrs["notes"]``.

    Args:
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table (for the per-inwoner candidate); optional.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        shares_in_unit_interval: Set shares outside [0, 1] to NaN.

    Returns:
        Frame gm_code, jaar and one column per candidate.

    Raises:
        DataError: Required iv3 columns missing or no rows of the verslagsoort.
    """
    need = ["gm_code", "jaar", "verslagsoort", "taakveld", "lasten_eur", "salarissen_eur"]
    miss = [c for c in need if c not in iv3.columns]
    if miss:
        raise DataError(
            f"iv3: kolom '{miss[0]}' ontbreekt; verwacht het contract in docs/tables.md"
        )
    d = _delivered_only(iv3.loc[iv3["verslagsoort"] == verslagsoort], None)
    if d.empty:
        raise DataError(
            f"iv3, veld verslagsoort: geen rijen '{verslagsoort}'; aanwezig: "
            f"{', '.join(sorted(iv3['verslagsoort'].astype(str).unique()))}"
        )
    tv = d["taakveld"].astype(str).str.strip()
    lasten = d["lasten_eur"].astype(float)
    sal = d["salarissen_eur"].astype(float)
    flags = {
        "soc": tv.isin(_GROEP_SOCIAAL),
        "voor": tv.isin(_GROEP_VOORLIGGEND),
        "toeg": tv.isin(_GROEP_TOEGANG),
        "maat": tv.isin(_GROEP_MAATWERK),
        "verbl": tv.isin(_GROEP_JEUGD_VERBLIJF),
        "jeugd": tv.isin(_GROEP_JEUGD_HULP),
        "pgb": tv.isin(_GROEP_PGB),
    }
    parts = {
        "gm_code": d["gm_code"].astype(str).to_numpy(),
        "jaar": d["jaar"].astype(int).to_numpy(),
    }
    for k, f in flags.items():
        parts[f"l_{k}"] = np.where(f, lasten, 0.0)
    parts["s_toeg"] = np.where(flags["toeg"], sal, 0.0)
    parts["s_soc"] = np.where(flags["soc"], sal, 0.0)
    # salaries are NaN where unknown: track whether any salary is known per group
    parts["s_toeg_known"] = (flags["toeg"] & sal.notna()).to_numpy()
    parts["s_soc_known"] = (flags["soc"] & sal.notna()).to_numpy()
    frame = pd.DataFrame(parts).fillna({"s_toeg": 0.0, "s_soc": 0.0})
    agg = frame.groupby(["gm_code", "jaar"], as_index=False).sum()
    codes_per_year = (
        pd.DataFrame({"jaar": d["jaar"].astype(int), "verbl": flags["verbl"], "pgb": flags["pgb"]})
        .groupby("jaar")
        .any()
    )
    out = agg[["gm_code", "jaar"]].copy()
    out["aandeel_voorliggend"] = _ratio(agg["l_voor"], agg["l_soc"])
    out["voorliggend_vs_maatwerk"] = _ratio(agg["l_voor"], agg["l_voor"] + agg["l_maat"])
    out["aandeel_salaris_toegang"] = _ratio(agg["s_toeg"], agg["l_toeg"]).where(
        agg["s_toeg_known"] > 0
    )
    out["aandeel_salaris_sociaal_domein"] = _ratio(agg["s_soc"], agg["l_soc"]).where(
        agg["s_soc_known"] > 0
    )
    has_verbl = agg["jaar"].map(codes_per_year["verbl"]).astype(bool)
    out["aandeel_jeugd_verblijf"] = _ratio(agg["l_verbl"], agg["l_jeugd"]).where(has_verbl)
    has_pgb = agg["jaar"].map(codes_per_year["pgb"]).astype(bool)
    out["aandeel_pgb"] = _ratio(agg["l_pgb"], agg["l_maat"]).where(has_pgb)
    if gemeenten is not None:
        inw = gemeenten[["gm_code", "jaar", "inwoners"]].astype({"gm_code": str, "jaar": int})
        tmp = agg[["gm_code", "jaar", "l_voor"]].merge(inw, on=["gm_code", "jaar"], how="left")
        out["voorliggend_per_inwoner"] = (
            tmp["l_voor"] / tmp["inwoners"].where(tmp["inwoners"] > 0)
        ).to_numpy()
    notes = []
    if shares_in_unit_interval:
        for col in [c for c in out.columns if c.startswith(("aandeel_", "voorliggend_vs"))]:
            bad = (out[col] < -1e-9) | (out[col] > 1 + 1e-9)
            if bad.any():
                notes.append(
                    f"{col}: {int(bad.sum())} gemeente-jaren buiten [0, 1] (negatieve bedragen) "
                    f"op NaN gezet"
                )
                out[col] = out[col].mask(bad)
    out = out.sort_values(["gm_code", "jaar"]).reset_index(drop=True)
    out.attrs["notes"] = notes
    return out


_COUNT_UNITS = ("aantal", "personen", "huishoudens", "inwoners", "count", "volume")


def _is_count(unit: Any) -> bool:
    u = str(unit).strip().lower() if unit is not None and not pd.isna(unit) else ""
    return any(u.startswith(c) for c in _COUNT_UNITS)


def regression_frame(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    kenmerken: pd.DataFrame,
    domein: str,
    jaar: int | Sequence[int] | None = None,
    *,
    controls: Sequence[str] = DEFAULT_CONTROLS,
    per_inwoner: bool | Sequence[str] = True,
    verslagsoort: str = "jaarrekening",
    levering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the regression frame: net cost per inwoner of a domain, levers and controls.

    Gemeente × jaar cells without a real submission (see
    :func:`analysekit.analysis.deficits.delivery`) are left out, never counted as 0.

    ``netto_per_inwoner = (Σ lasten - Σ baten over the domain's taakvelden) / inwoners``
    per gemeente × jaar. The lever candidates of :func:`lever_candidates` are joined, and
    the control kenmerken (gemeentefonds maatstaven) are taken from the year nearest to
    each boekjaar (earlier year on a tie; the chosen years are in
    ``frame.attrs["kenmerken_jaren"]``). Count kenmerken (eenheid ``aantal``, ``personen``,
    ``huishoudens`` …) are divided by inwoners (column ``<kenmerk>_per_inwoner``); rates and
    densities are kept as they are.

    Args:
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table (inwoners).
        kenmerken: Canonical kenmerken table (long).
        domein: One of :data:`DOMEINEN` or ``"Sociaal domein"`` (all four).
        jaar: Year(s) to keep (default all years in iv3).
        controls: Kenmerk names to use as controls; names not present are skipped with
            a note in ``frame.attrs["notes"]``.
        per_inwoner: True (divide count kenmerken by inwoners), False, or an explicit list
            of kenmerken to divide.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        levering: Table ``iv3_levering`` (None: derived from iv3).

    Returns:
        Frame gm_code, jaar, netto_per_inwoner, inwoners, lever columns, control columns;
        ``attrs``: outcome, controls (column names), levers, notes, kenmerken_jaren.

    Raises:
        ParameterError: Unknown domein.
        DataError: Missing columns or no rows for the requested selection.
    """
    valid = (*DOMEINEN, SOCIAAL_DOMEIN)
    domein = SOCIAAL_DOMEIN if domein == "Sociaal domein totaal" else domein
    if domein not in valid:
        raise ParameterError(f"domein {domein!r} is onbekend; kies uit: {', '.join(valid)}")
    for name, tab, cols in (
        ("iv3", iv3, ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur", "baten_eur"]),
        ("gemeenten", gemeenten, ["gm_code", "jaar", "inwoners"]),
        ("kenmerken", kenmerken, ["gm_code", "jaar", "kenmerk", "waarde"]),
    ):
        miss = [c for c in cols if c not in tab.columns]
        if miss:
            raise DataError(
                f"{name}: kolom '{miss[0]}' ontbreekt; verwacht het contract in docs/tables.md"
            )
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(f"verslagsoort {verslagsoort!r} is onbekend; kies uit: "
                             f"{', '.join(VERSLAGSOORTEN)}")
    d = _delivered_only(iv3.loc[iv3["verslagsoort"] == verslagsoort], levering)
    years = None if jaar is None else ([jaar] if np.isscalar(jaar) else list(jaar))
    if years is not None:
        bad = [j for j in years if isinstance(j, bool) or not isinstance(j, (int, np.integer))]
        if bad:
            raise ParameterError(f"jaar {bad[0]!r} is geen jaartal; geef een int of een lijst")
        years = [int(j) for j in years]
        d = d.loc[d["jaar"].astype(int).isin(years)]
    if d.empty:
        raise DataError(
            f"iv3: geen rijen voor verslagsoort '{verslagsoort}'"
            + (f" en jaar {years}" if years else "")
        )
    doms = list(DOMEINEN) if domein == SOCIAAL_DOMEIN else [domein]
    dd = d.loc[d["domein"].isin(doms)]
    net = (
        dd.assign(netto=dd["lasten_eur"].astype(float) - dd["baten_eur"].astype(float).fillna(0.0))
        .groupby(["gm_code", "jaar"], as_index=False)["netto"]
        .sum()
    )
    net["jaar"] = net["jaar"].astype(int)
    inw = gemeenten[["gm_code", "jaar", "inwoners"]].copy()
    inw["jaar"] = inw["jaar"].astype(int)
    frame = net.merge(inw, on=["gm_code", "jaar"], how="left")
    frame["netto_per_inwoner"] = frame["netto"] / frame["inwoners"].where(frame["inwoners"] > 0)
    frame = frame.drop(columns="netto")
    levers = lever_candidates(d, gemeenten, verslagsoort=verslagsoort)
    notes: list[str] = list(levers.attrs.get("notes", []))
    frame = frame.merge(levers, on=["gm_code", "jaar"], how="left")
    ken = kenmerken.copy()
    ken["jaar"] = ken["jaar"].astype(int)
    present = set(ken["kenmerk"].unique())
    chosen_years: dict[str, dict[int, int]] = {}
    control_cols = []
    divide = (
        set(controls)
        if per_inwoner is True
        else set()
        if per_inwoner is False
        else set(per_inwoner)
    )
    for kname in controls:
        if kname not in present:
            notes.append(f"kenmerk '{kname}' ontbreekt in kenmerken; niet als controle gebruikt")
            continue
        kk = ken.loc[ken["kenmerk"] == kname]
        avail = np.sort(kk["jaar"].unique())
        mapping = {}
        for y in frame["jaar"].unique():
            diffs = np.abs(avail - y) + (avail > y) * 0.5
            mapping[int(y)] = int(avail[np.argmin(diffs)])
        chosen_years[kname] = mapping
        vals = kk[["gm_code", "jaar", "waarde"]].rename(columns={"jaar": "_kjaar", "waarde": kname})
        frame["_kjaar"] = frame["jaar"].map(mapping)
        frame = frame.merge(vals, on=["gm_code", "_kjaar"], how="left").drop(columns="_kjaar")
        unit = kk["eenheid"].iloc[0] if "eenheid" in kk.columns else None
        if per_inwoner is True:
            do_divide = _is_count(unit)
        else:
            do_divide = kname in divide
        if do_divide:
            col = f"{kname}_per_inwoner"
            frame[col] = frame[kname] / frame["inwoners"].where(frame["inwoners"] > 0)
            frame = frame.drop(columns=kname)
        else:
            col = kname
        control_cols.append(col)
    frame = frame.sort_values(["gm_code", "jaar"]).reset_index(drop=True)
    frame.attrs.update(
        {
            "outcome": "netto_per_inwoner",
            "domein": domein,
            "verslagsoort": verslagsoort,
            "controls": control_cols,
            "levers": [c for c in LEVER_DEFINITIONS if c in frame.columns],
            "notes": notes,
            "kenmerken_jaren": chosen_years,
        }
    )
    return frame


# ---------------------------------------------------------------------------
# Plots (matplotlib Figures, Dutch labels)
# ---------------------------------------------------------------------------


def plot_effects(results: Sequence[LeverResult], term: str | None = None) -> Figure:
    """Forest plot of the lever effect across specifications, with intervals.

    Args:
        results: Fitted results (e.g. a doorsnede and a panel of the same lever).
        term: Term to show (default each result's main term).

    Returns:
        A matplotlib Figure.
    """
    from analysekit.analysis import plots as P

    with P.style():
        fig = P.new_figure(8, 1.6 + 0.55 * len(results))
        ax = fig.subplots()
        labels = []
        for i, r in enumerate(results):
            row = r.effect(term)
            est, lo, hi = float(row["effect"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                [est],
                [i],
                xerr=[[est - lo], [hi - est]],
                fmt="o",
                color="#1f4e79",
                capsize=4,
            )
            labels.append(
                f"{_label(row['term'])} (n = {int(row['n'])})\n"
                f"{_DESIGN_NL[r.design]}: {_CLAIM_SHORT[r.design]}"
            )
        ax.axvline(0, color="grey", lw=0.8, ls="--")
        ax.set_yticks(range(len(results)), labels)
        ax.set_ylim(len(results) - 0.5, -0.5)
        ax.yaxis.grid(False)
        ax.tick_params(axis="y", labelsize=9)
        P.dutch_axis(ax.xaxis, 6)
        level = f"{nl.pct(100 * (1 - results[0].alpha))}" if results else "95%"
        outcome = _outcome_nl(results[0].outcome) if results else ""
        ax.set_xlabel(f"effect op {outcome} (met {level}-interval)")
        P.header(fig, ax, "Effect van de hefboom per ontwerp", loc="center")
    return fig


def plot_event_study(result: LeverResult) -> Figure:
    """Event-study coefficients with intervals around adoption, pre-trend test in the title."""
    from analysekit.analysis import plots as P

    t = result.table.dropna(subset=["event_tijd"]).sort_values("event_tijd")
    x = t["event_tijd"].to_numpy(float)
    y = t["effect"].to_numpy(float)
    lo = (y - t["ci_low"]).fillna(0).to_numpy()
    hi = (t["ci_high"] - y).fillna(0).to_numpy()
    with P.style():
        fig = P.new_figure(8, 4.5)
        ax = fig.subplots()
        ax.errorbar(x, y, yerr=[lo, hi], fmt="o-", color="#1f4e79", capsize=4)
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="#c00000", lw=0.8, ls="--")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(10, integer=True))
        ax.xaxis.grid(False)
        P.dutch_axis(ax.yaxis, 5)
        ax.set_xlabel("jaren ten opzichte van invoering (t−1 = referentie; eindpunten gebundeld)")
        ax.set_ylabel(f"effect op {_outcome_nl(result.outcome)}")
        title = f"Event study: {_label(result.lever)}"
        if result.pretrend is not None:
            pt = result.pretrend
            title += (f"\npre-trendtoets: F = {nl.getal(pt.statistic, 2)}, "
                      f"p = {p_text(pt.p)}")
        P.header(fig, ax, title, loc="center")
    return fig


def plot_diagnostics(result: LeverResult) -> Figure:
    """Residuals against fitted values and the most influential gemeenten."""
    from analysekit.analysis import plots as P

    res = result.fit
    infl = result.diagnostics.influential
    names = _gemeente_names(result, infl["gm_code"])
    with P.style():
        fig = P.new_figure(9, 4.0)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.25, 1])
        ax1.scatter(np.asarray(res.fittedvalues), np.asarray(res.resid), s=9, alpha=0.6,
                    color="#1f4e79", lw=0)
        ax1.axhline(0, color="grey", lw=0.8)
        P.dutch_axis(ax1.xaxis, 5)
        P.dutch_axis(ax1.yaxis, 5)
        ax1.set_xlabel("voorspeld" + (" (binnen-getransformeerd)" if result.design != "doorsnede"
                                      else ""))
        ax1.set_ylabel(f"residu ({_outcome_nl(result.outcome)})")
        ax1.set_title(f"Residuen (Breusch-Pagan p = "
                      f"{p_text(result.diagnostics.breusch_pagan_p)})", fontsize=10, loc="left")
        pos = np.arange(len(infl))
        P.bars(ax2, pos, infl["cooks_d"], 0.6, color="#c55a11", horizontal=True)
        ax2.set_yticks(pos, names)
        ax2.set_ylim(len(infl) - 0.5, -0.5)
        ax2.yaxis.grid(False)
        P.dutch_axis(ax2.xaxis, 4)
        ax2.set_xlabel("Cook's D (gemeente weggelaten)")
        ax2.set_title("Invloedrijke gemeenten", fontsize=10, loc="left")
        # margins: left of the residual panel and between the panels (labels of the bars)
        pt = 1 / 72
        yt = max((P.text_width(s) for s in P.tick_labels(ax1.yaxis)), default=0.0)
        left = P.PAD + yt + 7 * pt + P.text_height(ax1.get_ylabel()) + 4 * pt
        gap = max((P.text_width(s) for s in names), default=0.0) + 7 * pt + 0.35
        bottom = P.PAD + P.text_height("1") + 7 * pt + P.text_height("voorspeld") + 4 * pt
        P.set_margins(fig, left=left, right=P.PAD + 0.15, bottom=bottom,
                      top=P.PAD + P.text_height("R", 10) + 0.12, wspace=gap)
        P.keep_canvas(fig)
    return fig


def _label(name: str) -> str:
    """A lever or term name for a reader: ``aandeel_voorliggend`` → ``aandeel voorliggend``."""
    return str(name).replace("_", " ")


def _outcome_nl(outcome: str) -> str:
    """Outcome column as a Dutch label with unit (``netto_per_inwoner`` → netto kosten …)."""
    from analysekit.analysis.plots import MATEN

    return MATEN.get(outcome, _label(outcome))


def _gemeente_names(result: LeverResult, codes: Iterable[str]) -> list[str]:
    """Names for gm_codes from the estimation data when it has a ``naam`` column."""
    codes = [str(c) for c in codes]
    for frame in (result.data, result.source_data):
        if isinstance(frame, pd.DataFrame) and "naam" in frame.columns and (
                result.entity in frame.columns):
            look = frame.drop_duplicates(result.entity).set_index(result.entity)["naam"]
            return [f"{look[c]} ({c})" if c in look.index and pd.notna(look[c]) else c
                    for c in codes]
    return codes


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------


def p_text(p: float | None) -> str:
    """A p-value in Dutch: ``< 0,001``, ``0,042``; ``n.v.t.`` when missing."""
    if not nl.finite(p):
        return "n.v.t."
    return "< 0,001" if float(p) < 0.001 else nl.getal(p, 3)


#: Deprecated private name, kept for one release (use :func:`p_text`).
_fmt_p = p_text


def _sig(x: float, digits: int = 4) -> str:
    """A statistic with ``digits`` significant digits, formatted by :func:`analysekit.nl.getal`."""
    if not nl.finite(x) or float(x) == 0:
        return nl.getal(x)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(float(x)))))
    return nl.getal(round(float(x), decimals), decimals).rstrip("0").rstrip(",") \
        if decimals else nl.getal(x)


def _signed(x: float, decimals: int) -> str:
    return ("+" if nl.finite(x) and float(x) > 0 else "") + nl.getal(x, decimals)


def _round_p(p: float) -> float:
    return float(f"{p:.4g}") if not math.isnan(p) else p
