"""Projection of a short yearly series with a prediction interval (statsmodels).

Two methods, both from statsmodels:

* ``"ols"`` (default): a linear trend ``y = a + b·(jaar − eerste jaar) + e`` fitted by OLS.
  The interval is the classical *prediction* interval for a new observation
  (``get_prediction(...).summary_frame(alpha)``, columns ``obs_ci_lower/upper``):
  ``ŷ ± t(n−2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx)``. Years need not be consecutive.
* ``"ets"``: Holt's additive-trend exponential smoothing with additive errors
  (``statsmodels.tsa.exponential_smoothing.ets.ETSModel``), optionally damped; the interval
  is the model's prediction interval (``pi_lower/pi_upper``). Needs consecutive years.

A projection needs at least :data:`MIN_POINTS` observed years (``"ets"``:
:data:`MIN_POINTS_ETS`). With fewer, :func:`project` returns a :class:`Projection` with
``ok=False`` and a plain Dutch message instead of a line: two or three points do not say
anything about a trend that a reader should act on.

What a projection can claim: it extrapolates the past trend of this one series. It is not
a forecast of policy effects, and the interval covers only the noise around the fitted trend
(not a break in policy, a new verdeelmodel or a change of the Iv3 taakvelden).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.errors import ParameterError

MIN_POINTS = 4
MIN_POINTS_ETS = 6
METHODS = ("ols", "ets")


@dataclass(frozen=True)
class Projection:
    """Result of :func:`project`.

    Attributes:
        ok: True when a projection was made.
        method: ``"ols"`` or ``"ets"``.
        message: Plain Dutch sentence on what was done, or why no projection was made.
        observed: The observed series (columns ``jaar``, ``waarde``).
        forecast: Projected years (``jaar``, ``verwachting``, ``ondergrens``, ``bovengrens``);
            empty when ``ok`` is false.
        alpha: 1 − coverage of the prediction interval.
        n_points: Number of observed years used.
        params: Fitted parameters (e.g. ``{"niveau": a, "trend_per_jaar": b, "sigma": s}``).
    """

    ok: bool
    method: str
    message: str
    observed: pd.DataFrame
    forecast: pd.DataFrame
    alpha: float
    n_points: int
    params: dict = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Nominal coverage of the interval, e.g. 0.95."""
        return 1.0 - self.alpha


def _empty_forecast() -> pd.DataFrame:
    return pd.DataFrame({
        "jaar": pd.Series(dtype="int64"),
        "verwachting": pd.Series(dtype="float64"),
        "ondergrens": pd.Series(dtype="float64"),
        "bovengrens": pd.Series(dtype="float64"),
    })


def _as_series(series: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(series, pd.DataFrame):
        if not {"jaar", "waarde"} <= set(series.columns):
            raise ParameterError(
                "project(): verwacht een Series met jaar als index of een DataFrame met "
                f"kolommen 'jaar' en 'waarde'; kolommen nu: {list(series.columns)}"
            )
        series = series.set_index("jaar")["waarde"]
    s = pd.Series(series, dtype="float64").dropna()
    try:
        s.index = s.index.astype("int64")
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"project(): index {list(s.index[:3])}; verwacht: jaartallen (gehele getallen)"
        ) from exc
    if s.index.has_duplicates:
        dup = sorted(set(s.index[s.index.duplicated()]))
        raise ParameterError(
            f"project(): jaren {dup} komen dubbel voor; verwacht: elk jaar één keer"
        )
    return s.sort_index()


def project(
    series: pd.Series | pd.DataFrame,
    horizon: int = 3,
    method: str = "ols",
    alpha: float = 0.05,
    damped: bool = False,
) -> Projection:
    """Project a yearly series ``horizon`` years ahead with a prediction interval.

    Args:
        series: Values indexed by year (int), or a DataFrame with ``jaar`` and ``waarde``.
            Missing values are dropped.
        horizon: Number of years after the last observed year to project (1–20).
        method: ``"ols"`` (linear trend) or ``"ets"`` (Holt exponential smoothing).
        alpha: The interval covers ``1 − alpha`` (0 < alpha < 1), default 95 %.
        damped: For ``"ets"`` only: damp the trend.

    Returns:
        A :class:`Projection`; ``ok`` is false (and ``forecast`` empty) when there are too
        few points, with a message saying so.

    Raises:
        ParameterError: Unknown method, or horizon/alpha out of range.
    """
    if method not in METHODS:
        raise ParameterError(f"method {method!r} onbekend; verwacht: een van {METHODS}")
    if not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= 20:
        raise ParameterError(f"horizon={horizon!r}; verwacht: een geheel getal van 1 tot 20")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r}; verwacht: een getal tussen 0 en 1")
    s = _as_series(series)
    observed = pd.DataFrame({"jaar": s.index.to_numpy(), "waarde": s.to_numpy()})
    n = len(s)
    need = MIN_POINTS if method == "ols" else MIN_POINTS_ETS
    if n < need:
        jaren = ", ".join(str(j) for j in s.index) or "geen"
        return Projection(
            ok=False, method=method, alpha=alpha, n_points=n, observed=observed,
            forecast=_empty_forecast(),
            message=(
                f"Geen projectie: er zijn {n} waarnemingsjaren ({jaren}); "
                f"voor een trend met onzekerheidsmarge zijn er minstens {need} nodig. "
                "Met zo weinig punten zou elke lijn vooral toeval tonen."
            ),
        )
    if method == "ols":
        return _project_ols(s, observed, horizon, alpha)
    return _project_ets(s, observed, horizon, alpha, damped)


def _project_ols(s: pd.Series, observed: pd.DataFrame, horizon: int, alpha: float) -> Projection:
    import statsmodels.api as sm

    first = int(s.index[0])
    x = (s.index.to_numpy() - first).astype(float)
    res = sm.OLS(s.to_numpy(), sm.add_constant(x, has_constant="add")).fit()
    last = int(s.index[-1])
    jaren = np.arange(last + 1, last + horizon + 1)
    x_new = sm.add_constant((jaren - first).astype(float), has_constant="add")
    frame = res.get_prediction(x_new).summary_frame(alpha=alpha)
    forecast = pd.DataFrame({
        "jaar": jaren,
        "verwachting": frame["mean"].to_numpy(),
        "ondergrens": frame["obs_ci_lower"].to_numpy(),
        "bovengrens": frame["obs_ci_upper"].to_numpy(),
    })
    a, b = (float(v) for v in res.params)
    sigma = float(np.sqrt(res.scale))
    pct = round((1 - alpha) * 100)
    trend = ("+" if round(b) > 0 else "") + nl.getal(b)
    msg = (
        f"Lineaire trend (OLS) over {len(s)} jaren ({first}–{last}): "
        f"{trend} per jaar; {pct}%-voorspellingsinterval voor {jaren[0]}–{jaren[-1]}. "
        "Dit is een doortrekking van het verleden, geen voorspelling van beleidseffecten."
    )
    return Projection(
        ok=True, method="ols", message=msg, observed=observed, forecast=forecast, alpha=alpha,
        n_points=len(s),
        params={"niveau": a, "trend_per_jaar": b, "sigma": sigma, "basisjaar": first,
                "r2": float(res.rsquared) if np.isfinite(res.rsquared) else float("nan")},
    )


def _project_ets(
    s: pd.Series, observed: pd.DataFrame, horizon: int, alpha: float, damped: bool
) -> Projection:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    jaren_obs = s.index.to_numpy()
    if np.any(np.diff(jaren_obs) != 1):
        return Projection(
            ok=False, method="ets", alpha=alpha, n_points=len(s), observed=observed,
            forecast=_empty_forecast(),
            message=(
                "Geen projectie met exponentiële afvlakking: de jaren zijn niet opeenvolgend "
                f"({', '.join(str(j) for j in jaren_obs)}); gebruik de lineaire trend (ols)."
            ),
        )
    y = pd.Series(s.to_numpy(), index=pd.RangeIndex(int(jaren_obs[0]), int(jaren_obs[-1]) + 1))
    model = ETSModel(y, error="add", trend="add", damped_trend=damped)
    res = model.fit(disp=False)
    n = len(y)
    frame = res.get_prediction(start=n, end=n + horizon - 1).summary_frame(alpha=alpha)
    last = int(jaren_obs[-1])
    jaren = np.arange(last + 1, last + horizon + 1)
    forecast = pd.DataFrame({
        "jaar": jaren,
        "verwachting": frame["mean"].to_numpy(),
        "ondergrens": frame["pi_lower"].to_numpy(),
        "bovengrens": frame["pi_upper"].to_numpy(),
    })
    pct = round((1 - alpha) * 100)
    msg = (
        f"Exponentiële afvlakking met trend (Holt, ETS A,A{'d' if damped else ''},N) over "
        f"{n} jaren ({jaren_obs[0]}–{last}); {pct}%-voorspellingsinterval voor "
        f"{jaren[0]}–{jaren[-1]}. Dit is een doortrekking van het verleden, geen voorspelling "
        "van beleidseffecten."
    )
    params = {str(k): float(v) for k, v in zip(res.param_names, res.params, strict=True)}
    return Projection(
        ok=True, method="ets", message=msg, observed=observed, forecast=forecast, alpha=alpha,
        n_points=n, params=params,
    )


# --------------------------------------------------------------------------- many series at once
#
# The same linear-trend OLS as :func:`project` (method ``"ols"``), for thousands of short
# series at once with numpy: one row of ``y`` per series, one column per year, NaN where a
# year is missing. ``tests/test_forecast.py`` checks every number against statsmodels
# (``OLS(...).get_prediction``) and scipy (``stats.linregress``) series by series.


@dataclass(frozen=True)
class TrendFits:
    """Linear trends ``y = niveau + trend · (jaar − basisjaar)`` fitted row by row.

    Attributes:
        basisjaar: The year where ``x = 0`` (the first column's year).
        niveau: Intercept per row.
        trend: Slope per row (units of ``y`` per year).
        trend_se: Standard error of the slope.
        sigma: Residual standard deviation (``√(SSR / (n − 2))``).
        n: Number of observed years per row.
        x_mean: Mean of the observed ``x`` per row.
        sxx: ``Σ (x − x̄)²`` per row.
        laatste: Last observed year per row.
    """

    basisjaar: int
    niveau: np.ndarray
    trend: np.ndarray
    trend_se: np.ndarray
    sigma: np.ndarray
    n: np.ndarray
    x_mean: np.ndarray
    sxx: np.ndarray
    laatste: np.ndarray

    def t_quantile(self, alpha: float = 0.05) -> np.ndarray:
        """``t(1 − alpha/2; n − 2)`` per row (NaN where ``n < 3``)."""
        from scipy import stats

        df = self.n - 2.0
        out = np.full(df.shape, np.nan)
        ok = df >= 1
        out[ok] = stats.t.ppf(1 - alpha / 2, df[ok])
        return out

    def slope_interval(self, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
        """Confidence interval of the slope: ``trend ± t · se``."""
        t = self.t_quantile(alpha)
        return self.trend - t * self.trend_se, self.trend + t * self.trend_se

    def predict(self, jaar: int | np.ndarray, alpha: float = 0.05
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point forecast and prediction interval for a new observation in ``jaar``.

        ``ŷ ± t(n−2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx)``, as statsmodels'
        ``obs_ci_lower/upper``.

        Returns:
            (verwachting, ondergrens, bovengrens), one value per row.
        """
        x0 = np.asarray(jaar, dtype="float64") - self.basisjaar
        mean = self.niveau + self.trend * x0
        with np.errstate(invalid="ignore", divide="ignore"):
            half = self.t_quantile(alpha) * self.sigma * np.sqrt(
                1.0 + 1.0 / self.n + (x0 - self.x_mean) ** 2 / self.sxx)
        return mean, mean - half, mean + half


def fit_trends(jaren: np.ndarray | list[int], y: np.ndarray) -> TrendFits:
    """Fit a linear trend by OLS to every row of ``y`` (NaN = year not observed).

    Args:
        jaren: The years of the columns (ascending integers).
        y: Array of shape (rows, len(jaren)).

    Returns:
        :class:`TrendFits`; rows with fewer than 3 observed years get NaN everywhere
        except ``n`` (a slope needs two points, an interval three).
    """
    jaren = np.asarray(jaren, dtype="int64")
    y = np.asarray(y, dtype="float64")
    if y.ndim != 2 or y.shape[1] != len(jaren):
        raise ParameterError(
            f"fit_trends(): y heeft vorm {y.shape}; verwacht: (reeksen, {len(jaren)} jaren)")
    base = int(jaren[0]) if len(jaren) else 0
    x = (jaren - base).astype("float64")
    m = np.isfinite(y)
    w = m.astype("float64")
    yz = np.where(m, y, 0.0)
    n = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = (w * x).sum(axis=1) / n
        ym = yz.sum(axis=1) / n
        dx = np.where(m, x - xm[:, None], 0.0)
        dy = np.where(m, yz - ym[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        b = (dx * dy).sum(axis=1) / sxx
        a = ym - b * xm
        resid = np.where(m, yz - (a[:, None] + b[:, None] * x), 0.0)
        ssr = (resid * resid).sum(axis=1)
        sigma = np.sqrt(ssr / (n - 2.0))
        se = sigma / np.sqrt(sxx)
    bad = n < 3
    for arr in (a, b, sigma, se, xm, sxx):
        arr[bad] = np.nan
    last = np.where(m, jaren[None, :], -1).max(axis=1) if len(jaren) else np.zeros(len(y))
    return TrendFits(basisjaar=base, niveau=a, trend=b, trend_se=se, sigma=sigma, n=n,
                     x_mean=xm, sxx=sxx, laatste=last.astype("int64"))


def naive_forecast(jaren: np.ndarray | list[int], y: np.ndarray, horizon: int,
                   alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The last observed value, ``horizon`` years on, with a random-walk interval.

    The interval is ``last ± t(m−1) · s_Δ · √h``, with ``s_Δ`` the standard deviation of
    the ``m`` observed year-on-year changes (consecutive observed years only).

    Returns:
        (verwachting, ondergrens, bovengrens), one value per row.
    """
    from scipy import stats

    y = np.asarray(y, dtype="float64")
    m = np.isfinite(y)
    idx = np.where(m, np.arange(y.shape[1])[None, :], -1).max(axis=1)
    last = np.where(idx >= 0, y[np.arange(len(y)), np.maximum(idx, 0)], np.nan)
    d = np.diff(y, axis=1)
    k = np.isfinite(d).sum(axis=1)
    sd = np.full(len(y), np.nan)
    ok = k >= 2
    if ok.any():
        sd[ok] = np.nanstd(d[ok], axis=1, ddof=1)
    t = np.full(len(y), np.nan)
    t[ok] = stats.t.ppf(1 - alpha / 2, k[ok] - 1)
    half = t * sd * np.sqrt(horizon)
    return last, last - half, last + half
