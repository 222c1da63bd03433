"""Benchmark: the main lever fits a–c on the real panel, 342 gemeenten × 8 years × 3 domeinen.

Target (issue 18): a–c in ≤ 2 s in one process, after imports.

* a — herindeling: ``levers.questions.fit_herindeling`` (Sun–Abraham event study on the real
  ``domein_reeks``, linearmodels, diagnostics) for Wmo, Jeugd and Participatie;
* b — transformation ladder: ``levers.questions.fit_ladder`` (TWFE with a lead, clustered);
* c — an adoption file (SYNTHETIC adoption years for 60 real gemeenten, seeded) on the same
  three domeinen with the TWFE event study (the stacked and Sun–Abraham estimators are
  timed apart).

The former code (``levers.py`` at commit e549822, loaded from git into a temporary module)
runs the same a–c in the same process: its TWFE event study for a and c (it had no
Sun–Abraham) and its ``fit_panel`` for b. OpenBLAS is pinned to one thread (set before
numpy loads): on this shared 2-core machine its two threads wait on each other under load
and a 2,648 × 60 least-squares took 2–4 s instead of 0.02 s.

Run: ``.venv/bin/python benchmarks/bench_levers.py [--repeats 5]``
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, report  # noqa: E402

import analysekit  # noqa: E402
from analysekit.analysis.levers import fit_event_study  # noqa: E402
from analysekit.analysis.levers import questions as Q  # noqa: E402
from analysekit.data.series import domein_reeks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "e549822"
DOMEINEN = ("Wmo", "Jeugd", "Participatie")
TARGET_S = 2.0


def old_levers():
    """The former levers.py as a module (from git, into a temporary file)."""
    src = subprocess.run(["git", "show", f"{OLD_COMMIT}:src/analysekit/analysis/levers.py"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "levers_old.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("levers_old", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["levers_old"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def timed(fn, repeats: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    reeks = domein_reeks()
    her = analysekit.load("herindelingen")
    lp = Q.ladder_panel(analysekit.load("iv3"), reeks, analysekit.load("iv3_levering"))
    panels = {d: Q.reeks_panel(reeks, d) for d in DOMEINEN}
    rng = np.random.default_rng(18)  # SYNTHETIC adoption years for real gemeenten
    codes = rng.choice(sorted(panels["Wmo"]["gm_code"].unique()), 60, replace=False)
    adoption = pd.DataFrame({"gm_code": codes, "hefboom": "synthetisch",
                             "adoptiejaar": rng.integers(2019, 2023, len(codes))})
    roles = Q.mergers(her, panels["Wmo"]["gm_code"].unique())
    keep = set(roles.loc[roles["rol"].isin(["fusie", "controle"]), "gm_code"])
    merged = roles.loc[roles["rol"] == "fusie"].rename(columns={"fusiejaar": "adoptiejaar"})
    n = {d: len(p) for d, p in panels.items()}
    print(f"machine: {machine()}; OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"data: real domein_reeks, jaarrekening 2017–2024, {n} rijen per domein "
          f"(342 gemeenten); ladder {len(lp)} rijen; median of {args.repeats}")

    def ours() -> None:
        for d in DOMEINEN:
            Q.fit_herindeling(reeks, her, d)
            fit_event_study(panels[d], Q.OUTCOME, adoption, method="twfe")
        Q.fit_ladder(lp)

    old = old_levers()

    def former() -> None:
        for d in DOMEINEN:
            p = panels[d]
            old.fit_event_study(p[p["gm_code"].isin(keep)], Q.OUTCOME,
                                merged.assign(hefboom="herindeling"), leads=4, lags=3)
            old.fit_event_study(p, Q.OUTCOME, adoption)
        old.fit_panel(lp.dropna(subset=[Q.LADDER_LEVER, Q.LADDER_LEAD, Q.LADDER_OUTCOME]),
                      Q.LADDER_OUTCOME, Q.LADDER_LEVER, [Q.LADDER_LEAD])

    def extra(method: str) -> None:
        for d in DOMEINEN:
            fit_event_study(panels[d], Q.OUTCOME, adoption, method=method)

    t_ours = timed(ours, args.repeats)
    t_old = timed(former, args.repeats)
    t_stacked = timed(lambda: extra("stacked"), args.repeats)
    t_sunab = timed(lambda: extra("sunab"), args.repeats)
    t_placebo = timed(lambda: Q.herindeling_placebo(reeks, her, "Wmo", n_draws=200), 1)
    verdict = "OK" if t_ours <= TARGET_S else "TE TRAAG"
    print(f"a–c (new: Sun–Abraham for a, TWFE event study for c, ladder): {t_ours:.3f} s "
          f"[{verdict}, target ≤ {TARGET_S} s]; former code, same fits (TWFE for a): "
          f"{t_old:.3f} s")
    print(f"c with the stacked estimator, 3 domeinen: {t_stacked:.3f} s; with Sun–Abraham: "
          f"{t_sunab:.3f} s; placebo of a, 200 draws, one domein: {t_placebo:.2f} s (once "
          f"per data build)")
    report("levers", [
        {"what": "a–c, 342 × 8 × 3 domeinen (new)", "median_s": t_ours, "naive_s": t_old,
         "target_s": TARGET_S},
        {"what": "c stacked, 3 domeinen", "median_s": t_stacked},
        {"what": "c Sun–Abraham, 3 domeinen", "median_s": t_sunab},
        {"what": "placebo a, 200 draws, 1 domein", "median_s": t_placebo},
    ])
    return 0 if t_ours <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
