"""Benchmark: one change in the verkenner, warm, next to re-running its notebook with papermill.

Issue 19 target: each change redraws only what changed, in ≤ 300 ms (median over 20
changes, warm). Measured on the real widget app (:class:`VerkennerApp`, ipywidgets
without a browser): the time from setting a control's value to the page's widgets holding
the new figure, key figures, message and command (the Verkenner computes the changed
parts; the app encodes the PNG and updates the widget values). The app is warm: it was
built and every view drawn once, as a researcher's session is after the first minute,
and the report cache on disk holds the shared all-gemeenten values. Every change is new
(another gemeente, domein, lens, view, peer setting or period), so nothing comes from the
verkenner's own memory of earlier choices.

The naive way, side by side for the same change: ``papermill notebooks/verkenner.ipynb``
with the choice as ``-p`` parameters, a fresh Jupyter kernel per run (how a notebook
without controls is used: edit the parameter cell, run it again). Papermill is slow, so
it runs for the first ``--naive`` changes only (default 5); the median of those is
compared with the verkenner's median over the same changes and over all 20.

Real data (the processed CBS/BZK tables). The machine is shared with other work: the
load average is printed with the results, and the CPU time of this process per change
beside the wall time (it moves much less with the load). Run:
``.venv/bin/python benchmarks/bench_verkenner.py [--naive 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import report  # noqa: E402

ROOT = HERE.parent
NOTEBOOK = ROOT / "notebooks" / "verkenner.ipynb"

#: 20 changes, each a new choice: (control, value). Gemeenten are given as a user types.
CHANGES: list[tuple[str, object]] = [
    ("gemeente", "Zwolle"),
    ("domein", "Jeugd"),
    ("view", "ontwikkeling"),
    ("gemeente", "Land van Cuijk"),
    ("lens", "lasten_per_inwoner"),
    ("view", "prijs_volume"),
    ("gemeente", "Breda"),
    ("n_peers", 15),
    ("view", "ladder"),
    ("gemeente", "Groningen"),
    ("view", "gap"),
    ("jaar", 2022),
    ("view", "positie"),
    ("gemeente", "Vijfheerenlanden"),
    ("domein", "Wmo"),
    ("filters", "provincie"),
    ("gemeente", "Utrecht"),
    ("view", "ontwikkeling"),
    ("gemeente", "Almere"),
    ("lens", "netto_per_client"),
]


def _set(app, control: str, value: object) -> None:
    if control == "gemeente":
        app.gemeente.value = str(value)
    elif control == "filters":
        app.filters[str(value)].value = not app.filters[str(value)].value
    else:
        getattr(app, control).value = value


def _params(app) -> list[str]:
    k, info = app.v.keuze, app.v.info
    return ["-p", "gemeente", info.gm_code, "-p", "jaar", str(k.jaar),
            "-p", "verslagsoort", k.verslagsoort, "-p", "domein", k.domein,
            "-p", "lens", k.lens, "-p", "weergave", k.view, "-p", "n_peers", str(k.n_peers)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--naive", type=int, default=5,
                    help="changes also run naively with papermill (default 5)")
    args = ap.parse_args()

    from analysekit.reporting.verkenner_app import VerkennerApp

    t0 = time.perf_counter()
    app = VerkennerApp("Tilburg")
    start = time.perf_counter() - t0
    # warm up: every view and the other period once (loads the shared values into memory)
    for view in ("ontwikkeling", "prijs_volume", "ladder", "gap", "positie"):
        app.view.value = view
    app.jaar.value = 2022
    for view in ("prijs_volume", "ladder", "gap", "positie"):
        app.view.value = view
    app.jaar.value = 2023

    rows, naive = [], []
    out = Path(tempfile.mkdtemp(prefix="bench-verkenner-"))
    env = dict(os.environ)
    for i, (control, value) in enumerate(CHANGES):
        t, c = time.perf_counter(), time.process_time()
        _set(app, control, value)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        parts = sorted(app.v.timings)
        n_s = None
        if i < args.naive:
            cmd = [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out / f"{i}.ipynb"),
                   "-k", "python3", "--no-progress-bar", *_params(app)]
            t = time.perf_counter()
            subprocess.run(cmd, check=True, env=env, capture_output=True)
            n_s = time.perf_counter() - t
            naive.append(n_s)
        rows.append({"i": i + 1, "change": f"{control} = {value}", "s": wall, "cpu_s": cpu,
                     "parts": parts, "naive_s": n_s})
        print(f"  {i + 1:2d}. {control} = {value!s:<22} {1000 * wall:7.1f} ms "
              f"(CPU {1000 * cpu:5.1f} ms)  "
              f"computed: {', '.join(parts) or '-'}"
              + (f"   papermill {n_s:.2f} s" if n_s else ""), flush=True)

    times = [r["s"] for r in rows]
    med = statistics.median(times)
    med_same = statistics.median(times[: len(naive)]) if naive else None
    load = os.getloadavg()
    print(f"\nstart of the app (cold kernel, warm disk cache): {start:.2f} s")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    cpus = [r["cpu_s"] for r in rows]
    print(f"verkenner: median {1000 * med:.0f} ms over {len(times)} changes, "
          f"max {1000 * max(times):.0f} ms, ≤ 300 ms: {sum(t <= 0.3 for t in times)}/"
          f"{len(times)}; CPU time of this process per change: median "
          f"{1000 * statistics.median(cpus):.0f} ms, max {1000 * max(cpus):.0f} ms")
    if naive:
        print(f"papermill re-run: median {statistics.median(naive):.2f} s over {len(naive)} "
              f"changes (verkenner on the same changes: {1000 * med_same:.0f} ms; "
              f"{statistics.median(naive) / med_same:.0f}x)")
    report("verkenner", [
        {"what": "verkenner: one change, warm (median of 20)", "median_s": med,
         "naive_s": statistics.median(naive) if naive else None, "target_s": 0.3,
         "max_s": max(times), "changes": rows, "load": load},
    ])


if __name__ == "__main__":
    main()
