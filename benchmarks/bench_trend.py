"""Benchmarks of the trend lens, the overrun persistence and the backtest (issue 17).

Run: ``.venv/bin/python benchmarks/bench_trend.py [--repeats N] [--skip-naive-backtest]``

Each case is the median of repeats (time.perf_counter) next to the naive way, measured in
the same run, and the results are checked equal:

* **trend lens, all gemeenten** — :func:`trend.growth_all` (one numpy pass over all
  gemeente × domein series, log-linear OLS with a 95% interval, ranks) plus
  :func:`trend.nederland`; naive: per gemeente × domein filter the series and fit
  statsmodels OLS on ln(y) (``conf_int``), Nederland by a loop over years;
* **backtest, all gemeenten** — :func:`backtest.backtest` (numpy, every origin and horizon
  at once); naive: per gemeente × domein × origin × horizon a statsmodels OLS with
  ``get_prediction`` and a random-walk interval (run once: it takes tens of seconds);
* **persistence** — :func:`persistence.persistence` of :func:`persistence.overruns`;
* **trend section per report** — what one report adds with the shared values on disk
  (Tilburg: peers' band, figure to PNG, table and sentences).

Targets (issue 17): trend lens for all gemeenten ≤ 1 s; full backtest ≤ 60 s (computed
once per data build and cached by the reports, never per report).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_time, report  # noqa: E402

from analysekit.analysis import backtest as B  # noqa: E402
from analysekit.analysis import persistence as P  # noqa: E402
from analysekit.analysis import trend as T  # noqa: E402


def naive_growth(reeks: pd.DataFrame) -> pd.DataFrame:
    """Per gemeente × domein: filter, statsmodels OLS on ln(y), 95% interval."""
    import statsmodels.api as sm

    jr = reeks.loc[reeks["verslagsoort"] == "jaarrekening"]
    rows = []
    for (code, dom), g in jr.groupby(["gm_code", "domein"]):
        g = g.loc[g["lasten_per_inwoner"].notna()]
        if len(g) < T.MIN_JAREN or (g["lasten_per_inwoner"] <= 0).any():  # the kit's rule
            rows.append((code, dom, np.nan))
            continue
        x = sm.add_constant(g["jaar"].to_numpy(dtype=float) - 2017.0)
        res = sm.OLS(np.log(g["lasten_per_inwoner"].to_numpy()), x).fit()
        res.conf_int(0.05)
        rows.append((code, dom, 100 * np.expm1(res.params[1])))
    nl = []
    for (j, vs, dom), g in reeks.loc[reeks["geleverd"]].groupby(
            ["jaar", "verslagsoort", "domein"]):
        nl.append((j, vs, dom, g["lasten_eur"].sum() / g["inwoners"].sum()))
    return pd.DataFrame(rows, columns=["gm_code", "domein", "groei_pct"])


def naive_backtest(reeks: pd.DataFrame) -> pd.DataFrame:
    """Per series × origin × horizon a statsmodels fit and prediction (the slow way)."""
    import statsmodels.api as sm
    from scipy import stats

    jr = reeks.loc[reeks["verslagsoort"] == "jaarrekening"]
    out = []
    for (code, dom), g in jr.groupby(["gm_code", "domein"]):
        s = g.set_index("jaar")["lasten_per_inwoner"].sort_index()
        for origin in range(2020, 2024):
            train = s.loc[:origin].dropna()
            if len(train) < 4:
                continue
            res = sm.OLS(train.to_numpy(), sm.add_constant(train.index.to_numpy() - 2017.0)).fit()
            d = np.diff(s.loc[:origin].to_numpy())
            d = d[np.isfinite(d)]
            for h in (1, 2):
                target = origin + h
                if target > 2024 or not np.isfinite(s.get(target, np.nan)):
                    continue
                fr = res.get_prediction(np.array([[1.0, target - 2017.0]])).summary_frame(0.05)
                half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) * np.sqrt(h)
                out.append((code, dom, origin, h, float(fr["mean"].iloc[0]),
                            float(train.iloc[-1]), half))
    return pd.DataFrame(out, columns=["gm_code", "domein", "origin", "horizon", "trend",
                                      "naief", "half"])


def section_per_report() -> tuple[float, float]:
    """CPU of the foto's trend cell for one report, and of the cell it replaced (same run).

    Shared values already on disk (as in a batch worker); CPU time (``process_time``), not
    wall time, so that other load on the machine does not count. The replaced cell: the
    lenses' net cost over every jaar × verslagsoort, its figure and table.
    """
    import statistics

    from analysekit.analysis import plots
    from analysekit.reporting import cache
    from analysekit.reporting.context import ReportContext

    def new(o: object) -> None:
        o.trajectory_sentence()
        plots.png_bytes(o.trend_figure())
        o.trend_display()
        o.trust_sentence()
        o.trend_kort()

    def old(o: object) -> None:
        o.lenses_sentence()
        plots.png_bytes(o.verloop_figure())
        o.verloop_display()

    times: dict[str, list[float]] = {"new": [], "old": []}
    for i in range(8):
        for name, fn in (("new", new), ("old", old)):
            cache.clear_memory()
            ctx = ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023})
            _ = ctx.positie.benchmark, ctx.lenzen.deficits_all  # the report has them anyway
            t0 = time.process_time()
            fn(ctx.ontwikkeling)
            if i:  # the first round fills the disk cache
                times[name].append(time.process_time() - t0)
    return statistics.median(times["new"]), statistics.median(times["old"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-naive-backtest", action="store_true")
    args = ap.parse_args()
    from analysekit.data.series import domein_reeks

    reeks = domein_reeks()
    import scipy.stats  # noqa: F401  (imported once, as in a warm process)
    import statsmodels.api  # noqa: F401

    rows = []
    lens_s = median_time(lambda: (T.growth_all(reeks), T.nederland(reeks)), args.repeats)
    t0 = time.perf_counter()
    naive = naive_growth(reeks)
    naive_s = time.perf_counter() - t0
    kit = T.growth_all(reeks).merge(naive, on=["gm_code", "domein"], suffixes=("", "_naive"))
    np.testing.assert_allclose(kit["groei_pct"], kit["groei_pct_naive"], rtol=1e-9)
    rows.append({"what": f"trend lens, all gemeenten ({len(kit)} series)", "median_s": lens_s,
                 "naive_s": naive_s, "target_s": 1.0})

    bt_s = median_time(lambda: B.backtest(reeks), max(1, args.repeats // 2))
    row = {"what": "backtest, all gemeenten (1 and 2 years ahead)", "median_s": bt_s,
           "target_s": 60.0}
    if not args.skip_naive_backtest:
        t0 = time.perf_counter()
        nb = naive_backtest(reeks)
        row["naive_s"] = time.perf_counter() - t0
        d = B.backtest_detail(reeks)
        tr = d.loc[(d["model"] == "trend") & (d["domein"] == "Jeugd")]
        m = tr.merge(nb, on=["gm_code", "domein", "origin", "horizon"])
        np.testing.assert_allclose(m["verwachting"], m["trend"], rtol=1e-9)
    rows.append(row)

    rows.append({"what": "overrun persistence, all gemeenten",
                 "median_s": median_time(lambda: P.persistence(P.overruns(reeks)),
                                         args.repeats)})
    new_s, old_s = section_per_report()
    rows.append({"what": "foto trend cell per report, CPU (Tilburg; naive = replaced cell)",
                 "median_s": new_s, "naive_s": old_s})
    print(machine())
    report("bench_trend", rows)


if __name__ == "__main__":
    main()
