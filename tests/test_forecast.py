"""Tests for analysekit.analysis.forecast (synthetic series with known answers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysekit.analysis.forecast import MIN_POINTS, project
from analysekit.errors import ParameterError


def test_exact_linear_trend_is_extrapolated_exactly():
    # SYNTHETIC: y = 1000 + 250 · (jaar − 2018), no noise
    jaren = np.arange(2018, 2024)
    s = pd.Series(1000.0 + 250.0 * (jaren - 2018), index=jaren)
    p = project(s, horizon=3)
    assert p.ok and p.method == "ols" and p.n_points == 6
    assert p.forecast["jaar"].tolist() == [2024, 2025, 2026]
    np.testing.assert_allclose(p.forecast["verwachting"], [2500.0, 2750.0, 3000.0], rtol=1e-12)
    # no residual noise: the interval collapses onto the line
    np.testing.assert_allclose(p.forecast["ondergrens"], p.forecast["verwachting"], atol=1e-6)
    np.testing.assert_allclose(p.forecast["bovengrens"], p.forecast["verwachting"], atol=1e-6)
    assert p.params["trend_per_jaar"] == pytest.approx(250.0)
    assert "+250 per jaar" in p.message


def test_ols_prediction_interval_matches_textbook_formula():
    # SYNTHETIC noisy series; interval = ŷ ± t(n−2) s √(1 + 1/n + (x0 − x̄)²/Sxx)
    jaren = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023])
    y = np.array([10.0, 12.5, 13.0, 16.0, 15.5, 19.0, 20.0])
    p = project(pd.Series(y, index=jaren), horizon=2, alpha=0.1)
    x = (jaren - 2017).astype(float)
    b, a = np.polyfit(x, y, 1)
    resid = y - (a + b * x)
    n = len(y)
    s2 = (resid @ resid) / (n - 2)
    sxx = ((x - x.mean()) ** 2).sum()
    t = stats.t.ppf(0.95, n - 2)
    for row, x0 in zip(p.forecast.itertuples(), (7.0, 8.0), strict=True):
        yhat = a + b * x0
        half = t * np.sqrt(s2 * (1 + 1 / n + (x0 - x.mean()) ** 2 / sxx))
        assert row.verwachting == pytest.approx(yhat, rel=1e-10)
        assert row.ondergrens == pytest.approx(yhat - half, rel=1e-10)
        assert row.bovengrens == pytest.approx(yhat + half, rel=1e-10)
    assert p.coverage == pytest.approx(0.9)


def test_irregular_years_are_fine_for_ols():
    # SYNTHETIC: every other year, exact trend of 100 per year
    s = pd.Series([0.0, 200.0, 400.0, 600.0], index=[2017, 2019, 2021, 2023])
    p = project(s, horizon=2)
    assert p.ok
    np.testing.assert_allclose(p.forecast["verwachting"], [700.0, 800.0])


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_too_few_points_says_so_plainly(n):
    s = pd.Series(np.arange(n, dtype=float), index=np.arange(2023, 2023 + n))
    p = project(s)
    assert not p.ok
    assert p.forecast.empty
    assert p.message.startswith("Geen projectie")
    assert f"{n} waarnemingsjaren" in p.message
    assert str(MIN_POINTS) in p.message


def test_missing_values_are_dropped_before_counting():
    s = pd.Series([1.0, np.nan, 3.0, np.nan, 5.0], index=range(2019, 2024))
    p = project(s)
    assert not p.ok and p.n_points == 3


def test_dataframe_input():
    df = pd.DataFrame({"jaar": [2020, 2021, 2022, 2023], "waarde": [1.0, 2.0, 3.0, 4.0]})
    p = project(df, horizon=1)
    assert p.ok
    assert p.forecast["verwachting"].iloc[0] == pytest.approx(5.0)


def test_ets_on_a_linear_trend():
    # SYNTHETIC: linear trend with small alternating noise, 10 consecutive years
    jaren = np.arange(2014, 2024)
    y = 100.0 + 10.0 * (jaren - 2014) + np.where(jaren % 2 == 0, 0.5, -0.5)
    p = project(pd.Series(y, index=jaren), horizon=3, method="ets")
    assert p.ok and p.method == "ets"
    np.testing.assert_allclose(p.forecast["verwachting"], [200.0, 210.0, 220.0], atol=2.0)
    assert (p.forecast["ondergrens"] < p.forecast["verwachting"]).all()
    assert (p.forecast["verwachting"] < p.forecast["bovengrens"]).all()
    assert "Holt" in p.message


def test_ets_needs_consecutive_years_and_more_points():
    gaps = pd.Series(np.arange(6.0), index=[2013, 2015, 2017, 2019, 2021, 2023])
    p = project(gaps, method="ets")
    assert not p.ok and "niet opeenvolgend" in p.message
    short = pd.Series(np.arange(5.0), index=range(2019, 2024))
    assert not project(short, method="ets").ok


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "arima"}, "method"),
        ({"horizon": 0}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_parameters(kwargs, match):
    s = pd.Series([1.0, 2.0, 3.0, 4.0], index=range(2020, 2024))
    with pytest.raises(ParameterError, match=match):
        project(s, **kwargs)


def test_duplicate_years_rejected():
    s = pd.Series([1.0, 2.0, 3.0, 4.0], index=[2020, 2020, 2021, 2022])
    with pytest.raises(ParameterError, match="dubbel"):
        project(s)


# --------------------------------------------------------------------------- many series at once


def _synthetic_panel(seed: int = 7, rows: int = 40, years: int = 8
                     ) -> tuple[np.ndarray, np.ndarray]:
    # SYNTHETIC: noisy linear series, some years missing (NaN)
    rng = np.random.default_rng(seed)
    jaren = np.arange(2017, 2017 + years)
    y = 100 + rng.normal(0, 20, (rows, 1)) + rng.normal(5, 3, (rows, 1)) * (jaren - 2017)
    y = y + rng.normal(0, 4, y.shape)
    y[rng.random(y.shape) < 0.15] = np.nan
    return jaren, y


def test_fit_trends_matches_statsmodels_and_scipy_row_by_row():
    import statsmodels.api as sm

    from analysekit.analysis.forecast import fit_trends

    jaren, y = _synthetic_panel()
    fit = fit_trends(jaren, y)
    lo, hi = fit.slope_interval(0.05)
    mean, plo, phi = fit.predict(2026, 0.05)
    checked = 0
    for i in range(len(y)):
        m = np.isfinite(y[i])
        if m.sum() < 3:
            assert np.isnan(fit.trend[i])
            continue
        x = (jaren[m] - 2017).astype(float)
        res = sm.OLS(y[i, m], sm.add_constant(x)).fit()
        ci = res.conf_int(0.05)[1]
        fr = res.get_prediction(np.array([[1.0, 2026 - 2017]])).summary_frame(alpha=0.05)
        lr = stats.linregress(x, y[i, m])  # the second library
        np.testing.assert_allclose([fit.trend[i], fit.niveau[i], fit.trend_se[i]],
                                   [res.params[1], res.params[0], res.bse[1]], rtol=1e-9)
        np.testing.assert_allclose([fit.trend[i], fit.trend_se[i]], [lr.slope, lr.stderr],
                                   rtol=1e-9)
        np.testing.assert_allclose([lo[i], hi[i]], ci, rtol=1e-9)
        np.testing.assert_allclose([mean[i], plo[i], phi[i]],
                                   [fr["mean"].iloc[0], fr["obs_ci_lower"].iloc[0],
                                    fr["obs_ci_upper"].iloc[0]], rtol=1e-9)
        checked += 1
    assert checked >= 35


def test_fit_trends_equals_project_ols():
    from analysekit.analysis.forecast import fit_trends

    jaren, y = _synthetic_panel(seed=3, rows=5)
    fit = fit_trends(jaren, y)
    for i in range(5):
        s = pd.Series(y[i], index=jaren)
        p = project(s, horizon=2)
        last = int(s.dropna().index[-1])
        m, lo, hi = fit.predict(last + 2)
        f = p.forecast.iloc[-1]
        np.testing.assert_allclose([m[i], lo[i], hi[i]],
                                   [f["verwachting"], f["ondergrens"], f["bovengrens"]],
                                   rtol=1e-9)


def test_naive_forecast_exact():
    from analysekit.analysis.forecast import naive_forecast

    # SYNTHETIC: changes 1, 1.5, 0.5 (sd 0.5); a gap before the last value
    y = np.array([[1, 2, 3.5, 4, np.nan, 7], [np.nan] * 6])
    m, lo, hi = naive_forecast(np.arange(2017, 2023), y, horizon=4)
    half = stats.t.ppf(0.975, 2) * 0.5 * 2.0
    np.testing.assert_allclose([m[0], lo[0], hi[0]], [7.0, 7.0 - half, 7.0 + half])
    assert np.isnan(m[1]) and np.isnan(lo[1])


def test_fit_trends_bad_shape():
    from analysekit.analysis.forecast import fit_trends

    with pytest.raises(ParameterError, match="verwacht"):
        fit_trends([2017, 2018], np.zeros((3, 4)))
