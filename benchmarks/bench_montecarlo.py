"""Benchmark: Monte Carlo of 100,000 draws x 20 levers (target <= 1 s).

Compares, in the same run and on the same SYNTHETIC register (20 levers, shared and own
risks, 5 years):

* ours  - ``analysekit.analysis.register.simulate`` (vectorised numpy);
* naive - a Python loop over draws (and levers) with scalar numpy draws, the same model.

The naive loop is timed on ``--naive-draws`` draws (default 20,000) and scaled linearly to
the full number of draws (its cost is linear in the draws; use ``--naive-draws 100000`` to
time it at full size). Prints medians over repeats, the machine and the ratio. Run:
``.venv/bin/python benchmarks/bench_montecarlo.py [--repeats 7]``
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

from analysekit.analysis.register import Hefboom, Register, Risico, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402  (shared result table + JSON in benchmarks/results)

TARGET_S = 1.0
DOMEINEN = ("Wmo", "Jeugd", "Participatie", "Sociale basisvoorzieningen")


def machine() -> str:
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        nproc = os.cpu_count()
    return (
        f"{platform.platform()} | {platform.machine()} | nproc={nproc} | "
        f"python {platform.python_version()} | numpy {np.__version__}"
    )


def synthetic_register(n_levers: int = 20, seed: int = 0) -> Register:
    """SYNTHETIC register with shared and own risks."""
    rng = np.random.default_rng(seed)
    shared = [Risico("Krapte", 0.4, 0.3, 0), Risico("Inkoop", 0.3, 0.0, 1)]
    levers = []
    for i in range(n_levers):
        lo = float(rng.integers(1, 5) * 100_000)
        ml = lo + float(rng.integers(1, 5) * 100_000)
        hi = ml + float(rng.integers(1, 5) * 100_000)
        risks = (shared[i % 2], Risico(f"Eigen risico {i}", 0.2, 0.5, 0))
        levers.append(
            Hefboom(
                f"Hefboom {i}",
                DOMEINEN[i % 4],
                lo,
                ml,
                hi,
                float(rng.uniform(0.4, 0.9)),
                2024 + i % 3,
                1 + i % 3,
                "eigenaar",
                risks,
            )
        )
    return Register(levers, bron="synthetisch", tekort=None)


def naive(reg: Register, n: int, years: np.ndarray, seed: int) -> np.ndarray:
    """Same model as ``simulate``, one draw and one lever at a time (Python loop)."""
    rng = np.random.default_rng(seed)
    names = sorted({r.naam for h in reg.hefbomen for r in h.risicos})
    kans = {r.naam: r.kans for h in reg.hefbomen for r in h.risicos}
    out = np.zeros((n, years.size))
    for d in range(n):
        occurs = {nm: rng.random() < kans[nm] for nm in names}
        for h in reg.hefbomen:
            span = h.besparing_max - h.besparing_min
            a = 1 + 4 * (h.besparing_waarschijnlijk - h.besparing_min) / span
            b = 1 + 4 * (h.besparing_max - h.besparing_waarschijnlijk) / span
            amount = h.besparing_min + rng.beta(a, b) * span
            if rng.random() >= h.kans:
                continue
            mult, delay = 1.0, 0
            for r in h.risicos:
                if occurs[r.naam]:
                    mult *= 1 - r.vermindering
                    delay += r.vertraging_jaren
            for j, y in enumerate(years):
                out[d, j] += amount * mult * h.ramp(int(y), delay)
    return out


def median_time(fn, repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--levers", type=int, default=20)
    ap.add_argument("--naive-draws", type=int, default=20_000)
    ap.add_argument("--naive-repeats", type=int, default=3)
    args = ap.parse_args()
    reg = synthetic_register(args.levers)
    years = np.arange(2024, 2029)
    print(f"machine: {machine()}")
    print(
        f"data: SYNTHETIC register, {args.levers} hefbomen, 2 gedeelde + {args.levers} eigen "
        f"risico's, jaren {years[0]}-{years[-1]}; {args.draws:,} trekkingen"
    )
    t_ours, mc = median_time(
        lambda: simulate(reg, n_draws=args.draws, seed=1, years=years), args.repeats
    )
    nd = min(args.naive_draws, args.draws)
    t_naive_part, tot_naive = median_time(lambda: naive(reg, nd, years, 1), args.naive_repeats)
    t_naive = t_naive_part * args.draws / nd
    print(f"ours (vectorised numpy), median of {args.repeats}: {t_ours * 1000:9.1f} ms")
    print(
        f"naive Python loop, median of {args.naive_repeats} on {nd:,} draws: "
        f"{t_naive_part * 1000:9.1f} ms -> {t_naive * 1000:9.1f} ms for {args.draws:,} draws"
        + (" (linear scaling)" if nd < args.draws else "")
    )
    print(f"ratio naive / ours: {t_naive / t_ours:6.1f}x")
    m_ours, m_naive = mc.totals[:, -1].mean(), tot_naive[:, -1].mean()
    se = np.hypot(
        mc.totals[:, -1].std() / np.sqrt(args.draws), tot_naive[:, -1].std() / np.sqrt(nd)
    )
    print(
        f"same model: mean savings {years[-1]} ours {m_ours:,.0f} vs naive {m_naive:,.0f} "
        f"(difference {abs(m_ours - m_naive) / se:.1f} MC se)"
    )
    verdict = "OK" if t_ours <= TARGET_S else "TE TRAAG"
    print(f"target <= {TARGET_S:.1f} s: {verdict} ({t_ours:.3f} s)")
    naive_note = " (naive scaled linearly)" if nd < args.draws else ""
    report(
        "montecarlo",
        [
            {
                "what": f"Monte Carlo {args.draws:,} x {args.levers} levers{naive_note}",
                "median_s": t_ours,
                "naive_s": t_naive,
                "target_s": TARGET_S,
            },
        ],
    )
    return 0 if t_ours <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
