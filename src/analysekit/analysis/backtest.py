"""Rolling-origin backtest of the projections on real jaarrekening figures, all gemeenten.

For every gemeente × domein, every origin year ``o`` with at least
:data:`~analysekit.analysis.forecast.MIN_POINTS` jaarrekening years up to ``o``, and every
horizon ``h`` (1 and 2 years), each model forecasts the jaarrekening lasten per inwoner of
year ``o + h`` from what was known up to ``o``; the forecast is then compared with the
jaarrekening of ``o + h``:

* ``trend`` — the kit's projection: a linear trend by OLS over all jaarrekening years up to
  ``o``, with its 95% prediction interval (:func:`forecast.fit_trends`, the same model as
  :func:`forecast.project` with ``method="ols"``);
* ``naief`` — the last jaarrekening value, with a random-walk interval
  (:func:`forecast.naive_forecast`);
* ``begroting`` — the gemeente's own begroting for year ``o + h``. It has no interval. Note
  that a begroting is made in the autumn before its year, so at horizon 2 it knows one year
  more than the two models; the comparison favours it there.

Measures per model × domein × horizon: ``mape`` (mean absolute percentage error, %),
``mdape`` (median), ``dekking`` (share of realisations inside the 95% interval; a good
interval covers about 95%), ``n`` (forecasts compared). Everything runs on numpy arrays of
all series at once.

What it can claim: how well each method *would have* forecast these years; it is an
empirical check of the projection, not a guarantee for the next year, and the definition
breaks (6.1 widened 2021–2023) are in the realisations as they are in the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit.analysis.forecast import MIN_POINTS, fit_trends, naive_forecast
from analysekit.analysis.trend import DOMEINEN_EN_TOTAAL, wide
from analysekit.errors import ParameterError

#: Models in the order the tables show them.
MODELS = ("trend", "naief", "begroting")
#: Dutch labels of the models.
MODEL_LABELS = {"trend": "trendlijn van de kit", "naief": "laatste jaarrekening (naïef)",
                "begroting": "eigen begroting van de gemeente"}


def backtest_detail(
    reeks: pd.DataFrame,
    measure: str = "lasten_per_inwoner",
    horizons: Sequence[int] = (1, 2),
    alpha: float = 0.05,
    min_train: int = MIN_POINTS,
) -> pd.DataFrame:
    """Every forecast of the backtest with its realisation.

    Args:
        reeks: Domein series (``domein_reeks``), jaarrekening and begroting.
        measure: ``lasten_per_inwoner`` (default) or ``netto_per_inwoner``.
        horizons: Years ahead.
        alpha: 1 − coverage of the intervals.
        min_train: Fewest jaarrekening years before a forecast is made.

    Returns:
        One row per gm_code × domein × origin × horizon × model: werkelijk,
        verwachting, ondergrens, bovengrens (NaN for the begroting), ape (%), binnen
        (bool, NaN without interval).
    """
    if any(int(h) < 1 for h in horizons):
        raise ParameterError(f"horizons={list(horizons)}; verwacht: gehele getallen ≥ 1")
    jr = wide(reeks, measure, "jaarrekening")
    jaren = np.asarray(jr.columns, dtype="int64")
    bg = wide(reeks, measure, "begroting").reindex(index=jr.index)
    y = jr.to_numpy(dtype="float64", na_value=np.nan)
    frames = []
    idx = jr.index.to_frame(index=False)
    for i, origin in enumerate(jaren):
        if i + 1 < min_train:
            continue
        train = y[:, : i + 1]
        fit = fit_trends(jaren[: i + 1], train)
        enough = fit.n >= min_train
        for h in horizons:
            target = int(origin) + int(h)
            if target not in set(jaren.tolist()):
                continue
            actual = y[:, list(jaren).index(target)]
            tm, tl, th = fit.predict(target, alpha)
            nm, nlo, nhi = naive_forecast(jaren[: i + 1], train, int(h), alpha)
            b = (bg[target].to_numpy(dtype="float64", na_value=np.nan) if target in bg.columns
                 else np.full(len(y), np.nan))
            for model, (m, lo, hi) in (("trend", (tm, tl, th)), ("naief", (nm, nlo, nhi)),
                                       ("begroting", (b, np.full(len(y), np.nan),
                                                      np.full(len(y), np.nan)))):
                keep = enough & np.isfinite(actual) & np.isfinite(m) & (actual > 0)
                f = idx.loc[keep].copy()
                f["origin"] = int(origin)
                f["horizon"] = int(h)
                f["jaar"] = target
                f["model"] = model
                f["werkelijk"] = actual[keep]
                f["verwachting"] = m[keep]
                f["ondergrens"] = lo[keep]
                f["bovengrens"] = hi[keep]
                frames.append(f)
    if not frames:
        return pd.DataFrame(columns=["gm_code", "domein", "origin", "horizon", "jaar", "model",
                                     "werkelijk", "verwachting", "ondergrens", "bovengrens",
                                     "ape", "binnen"])
    out = pd.concat(frames, ignore_index=True)
    out["ape"] = 100.0 * (out["verwachting"] - out["werkelijk"]).abs() / out["werkelijk"]
    has = out["ondergrens"].notna() & out["bovengrens"].notna()
    inside = (out["werkelijk"] >= out["ondergrens"]) & (out["werkelijk"] <= out["bovengrens"])
    out["binnen"] = inside.astype("float64").where(has)
    return out


def summarize(detail: pd.DataFrame) -> pd.DataFrame:
    """MAPE and interval coverage per domein × horizon × model, and the winner.

    Only forecasts that all three models made for the same gemeente × domein × origin ×
    horizon are compared (the begroting is missing where a gemeente did not deliver one),
    so every model is scored on the same cases.

    Returns:
        domein, horizon, model, n, mape, mdape, dekking (NaN for the begroting),
        winnaar (bool: lowest MAPE of that domein × horizon).
    """
    keys = ["gm_code", "domein", "origin", "horizon"]
    d = detail
    if d.empty:
        return pd.DataFrame(columns=["domein", "horizon", "model", "n", "mape", "mdape",
                                     "dekking", "winnaar"])
    n_models = d.groupby(keys, sort=False)["model"].transform("nunique")
    d = d.loc[n_models == d["model"].nunique()]
    g = d.groupby(["domein", "horizon", "model"], sort=False)
    out = g.agg(n=("ape", "size"), mape=("ape", "mean"), mdape=("ape", "median"),
                dekking=("binnen", "mean")).reset_index()
    out["dekking"] = 100.0 * out["dekking"]
    best = out.groupby(["domein", "horizon"])["mape"].transform("min")
    out["winnaar"] = out["mape"] == best
    od = {x: i for i, x in enumerate(DOMEINEN_EN_TOTAAL)}
    om = {x: i for i, x in enumerate(MODELS)}
    out = out.assign(_d=out["domein"].map(od), _m=out["model"].map(om)).sort_values(
        ["_d", "horizon", "_m"])
    return out.drop(columns=["_d", "_m"]).reset_index(drop=True)


def backtest(reeks: pd.DataFrame, measure: str = "lasten_per_inwoner",
             horizons: Sequence[int] = (1, 2), alpha: float = 0.05) -> pd.DataFrame:
    """The backtest table (:func:`summarize` of :func:`backtest_detail`)."""
    return summarize(backtest_detail(reeks, measure, horizons, alpha))


def trust_sentence(summary: pd.DataFrame, domein: str, horizon: int = 1) -> str:
    """One Dutch sentence on how much to trust the kit's projection for a domein.

    Based on the backtest over all gemeenten: the typical error of the trend line one year
    ahead, how often the realisation fell inside its 95% interval, and whether the
    naive last value or the gemeenten's own begroting did better.
    """
    from analysekit import nl

    s = summary.loc[(summary["domein"] == domein) & (summary["horizon"] == horizon)]
    s = s.set_index("model")
    if "trend" not in s.index:
        return (f"Voor {domein} is de trendlijn niet getoetst ({nl.GEEN_GEGEVENS} voor een "
                "terugtoets).")
    t = s.loc["trend"]
    wat = "het sociaal domein" if domein == DOMEINEN_EN_TOTAAL[-1] else domein
    text = (f"Hoe betrouwbaar is de trendlijn? Teruggetoetst op alle gemeenten "
            f"({nl.getal(t['n'])} voorspellingen, {horizon} jaar vooruit) zat de trendlijn voor "
            f"{wat} gemiddeld {nl.getal(t['mape'], 1)}% naast de jaarrekening en viel de "
            f"jaarrekening in {nl.getal(t['dekking'])}% van de gevallen binnen het "
            "95%-interval")
    better = [m for m in ("naief", "begroting") if m in s.index
              and s.loc[m, "mape"] < t["mape"]]
    if better:
        wie = " en ".join(f"{MODEL_LABELS[m]} ({nl.getal(s.loc[m, 'mape'], 1)}%)"
                          for m in better)
        text += f"; {wie} zat er dichter bij. Lees de lijn als richting, niet als raming."
    else:
        text += "; dat is beter dan de laatste jaarrekening en de eigen begroting."
    return text
