"""Benchmark: TWFE on a SYNTHETIC panel of 342 gemeenten x 9 years (target <= 1 s).

Compares, in the same run and on the same data:

* ours   - ``analysekit.analysis.levers.fit_panel`` (own two-way within transformation +
           statsmodels OLS with clustered SEs, plus all diagnostics), and its core only
           (within transformation + clustered OLS, no diagnostics);
* naive  - statsmodels OLS on the full dummy matrix (constant + 341 gemeente + 8 year
           dummies) with the same clustered covariance;
* linearmodels PanelOLS (entity + time effects, clustered), for reference.

Prints medians over repeats, the machine, and the ratios. Run:
``.venv/bin/python benchmarks/bench_levers.py [--repeats 7]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from linearmodels import PanelOLS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402  (shared result table + JSON in benchmarks/results)
from synthetic import make_panel  # noqa: E402  (SYNTHETIC data generator)

from analysekit.analysis import levers  # noqa: E402

Y, LEVER, CONTROLS = "netto_per_inwoner", "aandeel_voorliggend", ["control"]
TARGET_S = 1.0


def machine() -> str:
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        nproc = os.cpu_count()
    return (
        f"{platform.platform()} | {platform.machine()} | nproc={nproc} | "
        f"python {platform.python_version()} | numpy {np.__version__} | "
        f"statsmodels {sm.__version__} | pandas {pd.__version__}"
    )


def timed(fn, repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def ours_full(df: pd.DataFrame):
    return levers.fit_panel(df, Y, LEVER, CONTROLS).fit


def ours_core(df: pd.DataFrame):
    e, _ = pd.factorize(df["gm_code"], sort=True)
    t, _ = pd.factorize(df["jaar"], sort=True)
    z = levers.within_transform(df[[Y, LEVER, *CONTROLS]].to_numpy(dtype=float), e, t)
    x = pd.DataFrame(z[:, 1:], columns=[LEVER, *CONTROLS])
    return sm.OLS(z[:, 0], x).fit(cov_type="cluster", cov_kwds={"groups": e}, use_t=True)


def naive_dummies(df: pd.DataFrame):
    d = pd.get_dummies(
        df[["gm_code"]].assign(jaar=df["jaar"].astype(str)), drop_first=True, dtype=float
    )
    x = pd.concat([df[[LEVER, *CONTROLS]], d], axis=1)
    x.insert(0, "const", 1.0)
    groups, _ = pd.factorize(df["gm_code"], sort=True)
    return sm.OLS(df[Y], x).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def linearmodels_fit(df: pd.DataFrame):
    q = df.set_index(["gm_code", "jaar"])
    return PanelOLS(q[Y], q[[LEVER, *CONTROLS]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=True,
        group_debias=True,
        auto_df=False,
        count_effects=False,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--gemeenten", type=int, default=342)
    ap.add_argument("--jaren", type=int, default=9)
    args = ap.parse_args()
    df = make_panel(args.gemeenten, args.jaren, seed=1)
    print(f"machine: {machine()}")
    print(
        f"data: SYNTHETIC panel {args.gemeenten} gemeenten x {args.jaren} jaren = {len(df)} "
        f"rijen, 1 hefboom + {len(CONTROLS)} controle; median of {args.repeats} repeats"
    )
    t_full, r_full = timed(lambda: ours_full(df), args.repeats)
    t_core, r_core = timed(lambda: ours_core(df), args.repeats)
    t_naive, r_naive = timed(lambda: naive_dummies(df), args.repeats)
    t_lm, r_lm = timed(lambda: linearmodels_fit(df), args.repeats)
    same_b = np.allclose(r_full.params[LEVER], r_naive.params[LEVER], rtol=1e-8)
    n, k_ours, k_naive = len(df), len(r_full.params), len(r_naive.params)
    # the dummy regression's CRV1 factor (N-1)/(N-k) counts every dummy in k
    expected_ratio = np.sqrt((n - k_ours) / (n - k_naive))
    same_se = np.isclose(r_naive.bse[LEVER] / r_full.bse[LEVER], expected_ratio, rtol=1e-6)
    print(f"ours fit_panel (incl. diagnostics): {t_full * 1000:8.1f} ms")
    print(f"ours core (within + clustered OLS): {t_core * 1000:8.1f} ms")
    print(f"naive OLS with full dummy matrix:   {t_naive * 1000:8.1f} ms")
    print(f"linearmodels PanelOLS:              {t_lm * 1000:8.1f} ms")
    print(
        f"ratio naive / ours fit_panel: {t_naive / t_full:6.1f}x;  naive / ours core: "
        f"{t_naive / t_core:6.1f}x"
    )
    print(
        f"same coefficient as the dummy regression: {same_b} "
        f"(ours {r_full.params[LEVER]:.6f}, naive {r_naive.params[LEVER]:.6f}); "
        f"SE ours {r_full.bse[LEVER]:.4f} vs dummy {r_naive.bse[LEVER]:.4f}; the dummy "
        f"regression counts its {k_naive - k_ours} extra columns in (N-1)/(N-k), ratio "
        f"equals sqrt((N-{k_ours})/(N-{k_naive})) = {expected_ratio:.4f}: {same_se}"
    )
    print(
        f"linearmodels coefficient equal: "
        f"{np.isclose(r_lm.params[LEVER], r_core.params[LEVER], rtol=1e-8)}"
    )
    verdict = "OK" if t_full <= TARGET_S else "TE TRAAG"
    print(f"target fit_panel <= {TARGET_S:.1f} s: {verdict} ({t_full:.3f} s)")
    size = f"{args.gemeenten}x{args.jaren}"
    report(
        "levers",
        [
            {
                "what": f"TWFE fit_panel {size} (incl. diagnostics)",
                "median_s": t_full,
                "naive_s": t_naive,
                "target_s": TARGET_S,
            },
            {
                "what": f"TWFE core {size} (within + clustered OLS)",
                "median_s": t_core,
                "naive_s": t_naive,
            },
            {"what": f"linearmodels PanelOLS {size}", "median_s": t_lm},
        ],
    )
    return 0 if t_full <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
