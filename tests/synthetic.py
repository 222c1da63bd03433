"""SYNTHETIC data generators for the lever, register and goals tests and benchmarks.

Everything in this module is SYNTHETIC: made-up gemeenten (``GM0001`` …) with planted
effects, so that an estimator can be checked against a known truth. None of it is CBS
data and none of it may be shown as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _codes(n: int) -> list[str]:
    return [f"GM{i:04d}" for i in range(1, n + 1)]


def make_cross_section(
    n: int = 342,
    *,
    beta: float = -400.0,
    gamma: tuple[float, ...] = (3000.0, 1500.0),
    heteroskedastic: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """SYNTHETIC cross-section: net cost per inwoner on a lever share plus two controls.

    ``netto_per_inwoner = 300 + beta * lever + gamma · controls + e`` where the lever is
    correlated with the controls (so leaving them out biases the lever) and ``e`` is
    heteroskedastic (its sd grows with the first control) when asked.

    Args:
        n: Number of SYNTHETIC gemeenten.
        beta: Planted lever effect (EUR per inwoner per unit of the share).
        gamma: Planted effects of the controls ``jongeren_aandeel``, ``lage_inkomens_aandeel``.
        heteroskedastic: Make the error sd depend on a control.
        seed: Random seed.

    Returns:
        One row per SYNTHETIC gemeente; the truth is in ``df.attrs["truth"]``.
    """
    rng = np.random.default_rng(seed)
    c1 = rng.uniform(0.15, 0.25, n)  # share of jongeren
    c2 = rng.uniform(0.05, 0.15, n)  # share of low-income households
    lever = 0.2 + 1.0 * (c1 - 0.2) - 0.8 * (c2 - 0.1) + rng.normal(0, 0.04, n)
    sd = 40.0 * (1.0 + 8.0 * (c1 - 0.15)) if heteroskedastic else np.full(n, 40.0)
    e = rng.normal(0, 1, n) * sd
    y = 300.0 + beta * lever + gamma[0] * c1 + gamma[1] * c2 + e
    inwoners = rng.integers(5_000, 250_000, n)
    df = pd.DataFrame(
        {
            "gm_code": _codes(n),
            "jaar": 2023,
            "netto_per_inwoner": y,
            "aandeel_voorliggend": lever,
            "jongeren_aandeel": c1,
            "lage_inkomens_aandeel": c2,
            "inwoners": inwoners,
        }
    )
    df.attrs["truth"] = {"aandeel_voorliggend": beta}
    df.attrs["synthetic"] = True
    return df


def make_panel(
    n_gemeenten: int = 342,
    n_jaren: int = 9,
    *,
    beta: float = -300.0,
    gamma: float = 2000.0,
    rho: float = 0.5,
    drop_share: float = 0.0,
    start_jaar: int = 2015,
    seed: int = 0,
) -> pd.DataFrame:
    """SYNTHETIC gemeente × jaar panel with gemeente and year effects and a planted lever effect.

    ``y_it = a_i + l_t + beta * lever_it + gamma * control_it + e_it`` with the lever
    correlated with ``a_i`` (pooled OLS is biased, fixed effects are not), AR(1) errors
    within a gemeente (so standard errors must be clustered) and heteroskedastic across
    gemeenten.

    Args:
        n_gemeenten: Number of SYNTHETIC gemeenten.
        n_jaren: Number of years.
        beta: Planted lever effect.
        gamma: Planted effect of the time-varying control ``control``.
        rho: AR(1) coefficient of the errors within a gemeente.
        drop_share: Share of gemeente-years dropped at random (unbalanced panel).
        start_jaar: First year.
        seed: Random seed.

    Returns:
        Long frame (gm_code, jaar, netto_per_inwoner, aandeel_voorliggend, control,
        inwoners); the truth is in ``df.attrs["truth"]``.
    """
    rng = np.random.default_rng(seed)
    n, t = n_gemeenten, n_jaren
    a = rng.normal(0, 80, n)
    lam = np.cumsum(rng.normal(10, 5, t))
    lever = 0.2 + 0.0004 * a[:, None] + 0.004 * np.arange(t)[None, :] + rng.normal(0, 0.03, (n, t))
    control = 0.2 + 0.0002 * a[:, None] + rng.normal(0, 0.01, (n, t))
    sd_i = rng.uniform(10, 40, n)
    e = np.empty((n, t))
    e[:, 0] = rng.normal(0, 1, n) / np.sqrt(1 - rho**2)
    for j in range(1, t):
        e[:, j] = rho * e[:, j - 1] + rng.normal(0, 1, n)
    e *= sd_i[:, None] * np.sqrt(1 - rho**2)
    y = 600 + a[:, None] + lam[None, :] + beta * lever + gamma * control + e
    df = pd.DataFrame(
        {
            "gm_code": np.repeat(_codes(n), t),
            "jaar": np.tile(np.arange(start_jaar, start_jaar + t), n),
            "netto_per_inwoner": y.ravel(),
            "aandeel_voorliggend": lever.ravel(),
            "control": control.ravel(),
            "inwoners": np.repeat(rng.integers(5_000, 250_000, n), t),
        }
    )
    if drop_share > 0:
        keep = rng.uniform(size=len(df)) >= drop_share
        df = df.loc[keep].reset_index(drop=True)
    df.attrs["truth"] = {"aandeel_voorliggend": beta, "control": gamma}
    df.attrs["synthetic"] = True
    return df


def make_event_panel(
    n_gemeenten: int = 200,
    n_jaren: int = 10,
    *,
    effects: dict[int, float] | None = None,
    treated_share: float = 0.5,
    adoption_years: tuple[int, ...] = (2018, 2019, 2020, 2021),
    pretrend: float = 0.0,
    start_jaar: int = 2015,
    rho: float = 0.3,
    cohort_scale: bool = False,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC staggered-adoption panel with planted dynamic effects and never-treated gemeenten.

    ``y_it = a_i + l_t + tau_{t - g_i} + pretrend * (t - g_i) * 1[t < g_i] + e_it`` for a
    treated gemeente adopting in year ``g_i``; never-treated gemeenten have no ``tau``.
    ``effects`` maps event time ``k >= 0`` to ``tau_k``; beyond the largest key the effect
    stays at its last value (so binned endpoints are correctly specified). The effects are
    the same for every cohort (homogeneous), under which TWFE is unbiased.

    Args:
        n_gemeenten: Number of SYNTHETIC gemeenten.
        n_jaren: Number of years.
        effects: Planted effect per event time (default ``{0: -10, 1: -20, 2: -30}``).
        treated_share: Share of gemeenten that adopt at some point.
        adoption_years: Adoption years drawn uniformly for treated gemeenten.
        pretrend: Planted linear pre-trend of treated gemeenten (0 = parallel trends hold).
        start_jaar: First year.
        rho: AR(1) coefficient of the errors.
        cohort_scale: Heterogeneous effects: the i-th adoption year's cohort gets
            ``0.5 * (i + 1) * tau_k`` (then TWFE is biased; Sun–Abraham is not).
        seed: Random seed.

    Returns:
        ``(panel, adoption)``: panel (gm_code, jaar, netto_per_inwoner, inwoners) and the
        adoption file contents (gm_code, hefboom, adoptiejaar) for treated gemeenten.
    """
    effects = effects if effects is not None else {0: -10.0, 1: -20.0, 2: -30.0}
    rng = np.random.default_rng(seed)
    n, t = n_gemeenten, n_jaren
    years = np.arange(start_jaar, start_jaar + t)
    treated = rng.uniform(size=n) < treated_share
    g = np.where(treated, rng.choice(np.asarray(adoption_years), size=n), -10_000)
    a = rng.normal(0, 60, n)
    lam = np.cumsum(rng.normal(8, 4, t))
    e = np.empty((n, t))
    e[:, 0] = rng.normal(0, 1, n)
    for j in range(1, t):
        e[:, j] = rho * e[:, j - 1] + np.sqrt(1 - rho**2) * rng.normal(0, 1, n)
    e *= 15.0
    rel = years[None, :] - g[:, None]
    kmax = max(effects)
    tau = np.zeros((n, t))
    for k, v in effects.items():
        tau[treated[:, None] & (rel == k)] = v
    tau[treated[:, None] & (rel > kmax)] = effects[kmax]
    if cohort_scale:
        idx = np.searchsorted(np.asarray(adoption_years), np.where(treated, g, adoption_years[0]))
        tau *= (0.5 * (idx + 1))[:, None]
    pre = np.where(treated[:, None] & (rel < 0), pretrend * rel, 0.0)
    y = 700 + a[:, None] + lam[None, :] + tau + pre + e
    codes = np.asarray(_codes(n))
    panel = pd.DataFrame(
        {
            "gm_code": np.repeat(codes, t),
            "jaar": np.tile(years, n),
            "netto_per_inwoner": y.ravel(),
            "inwoners": np.repeat(rng.integers(5_000, 250_000, n), t),
        }
    )
    adoption = pd.DataFrame(
        {
            "gm_code": codes[treated],
            "hefboom": "wijkteam_in_eigen_dienst",
            "adoptiejaar": g[treated],
        }
    )
    panel.attrs["truth"] = dict(effects)
    panel.attrs["synthetic"] = True
    return panel, adoption


def make_iv3(
    n: int = 30, jaren: tuple[int, ...] = (2023,), *, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """SYNTHETIC canonical tables (iv3, gemeenten, kenmerken) in the docs/tables.md layout.

    Only the columns the lever adapters read are filled. Amounts are in euros.

    Args:
        n: Number of SYNTHETIC gemeenten.
        jaren: Years (boekjaren) to generate.
        seed: Random seed.

    Returns:
        ``{"iv3": ..., "gemeenten": ..., "kenmerken": ...}``.
    """
    rng = np.random.default_rng(seed)
    taakvelden = [
        ("6.1", "Sociale basisvoorzieningen"),
        ("6.2", "Sociale basisvoorzieningen"),
        ("6.3", "Participatie"),
        ("6.5", "Participatie"),
        ("6.71a", "Wmo"),
        ("6.71b", "Wmo"),
        ("6.72a", "Jeugd"),
        ("6.73a", "Jeugd"),
        ("6.74c", "Jeugd"),
        ("6.82a", "Jeugd"),
        ("0.1", "Overig"),
    ]
    rows = []
    gem = []
    ken = []
    for i, code in enumerate(_codes(n)):
        inw = int(rng.integers(10_000, 200_000))
        for jaar in jaren:
            gem.append({"gm_code": code, "jaar": jaar, "inwoners": inw, "naam": f"Synthetisch {i}"})
            for k, v in {
                "jongeren": inw * rng.uniform(0.15, 0.25),
                "bijstandsontvangers": inw * rng.uniform(0.01, 0.05),
                "omgevingsadressendichtheid_gf": inw * rng.uniform(0.3, 3.0) / 2.2,
                "gf_woonr": inw / 2.2,
            }.items():
                ken.append(
                    {
                        "gm_code": code,
                        "jaar": jaar,
                        "kenmerk": k,
                        "waarde": float(v),
                        "eenheid": "eenheden (maatstaf)" if k.startswith("omg")
                        else "woonruimten" if k == "gf_woonr" else "aantal",
                        "bron": "synthetisch",
                    }
                )
            for tv, domein in taakvelden:
                lasten = float(inw * rng.uniform(20, 200))
                rows.append(
                    {
                        "gm_code": code,
                        "jaar": jaar,
                        "verslagsoort": "jaarrekening",
                        "taakveld": tv,
                        "taakveld_naam": tv,
                        "domein": domein,
                        "lasten_eur": lasten,
                        "baten_eur": float(lasten * rng.uniform(0, 0.1)),
                        "salarissen_eur": float(lasten * rng.uniform(0.2, 0.8))
                        if tv == "6.2"
                        else np.nan,
                    }
                )
    iv3 = pd.DataFrame(rows)
    iv3.attrs["synthetic"] = True
    return {
        "iv3": iv3,
        "gemeenten": pd.DataFrame(gem),
        "kenmerken": pd.DataFrame(ken),
    }
