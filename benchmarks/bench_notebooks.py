"""Benchmark: per-report execution time of the report notebooks in a warm worker.

A batch of 342 reports in ≤ 3 minutes on 2 cores leaves about one second per report per
core. The machine is shared, so wall times move with its load; the CPU time of the process
is printed beside them. This script warms one process like a batch worker
(``batch.warm_worker``, then one report so the shared computations exist), then times, per
notebook, the in-process papermill execution for several gemeenten (median), the HTML
export, and separately the report's computations without figures (``ReportContext``). The
"naive" row is the same computations with the shared cache switched off (every report
recomputes the lenses for all gemeenten, the trajectory, the peer characteristics, the
lever regressions …).

Real data (the processed CBS/BZK tables). Run:
``.venv/bin/python benchmarks/bench_notebooks.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402

from analysekit.reporting import batch, cache, context, export, runner  # noqa: E402
from analysekit.reporting.params import notebook_path, validate_params  # noqa: E402

NOTEBOOKS = ["foto-sociaal-domein", "01-verkenning", "02-benchmark", "03-hefbomen", "04-scenario"]
GEMEENTEN = ["GM0855", "GM0193", "GM0758", "GM0981", "GM0344", "GM0014", "GM0888"]


def compute_only(gm: str) -> None:
    """Everything the foto report computes, without figures or notebook machinery."""
    p = validate_params("foto-sociaal-domein", {"gemeente": gm})
    ctx = context.ReportContext.from_params(p)
    ctx.kernpunten()
    for kind in ("kosten", "tekort"):
        ctx.lens_display(kind)
    ctx.goals_display()
    ctx.position_display()
    ctx.lever_display()
    ctx.register_summary_display()
    ctx.scenario_sentence()
    ctx.tornado_display(5)
    ctx.sources_display()
    ctx.parameters_display()
    _ = ctx.headlines


CPU: dict[str, float] = {}


def median_over(fn, items, label: str = "") -> float:
    """Median wall time over ``items``; the median CPU time goes to ``CPU[label]``."""
    times, cpu = [], []
    for it in items:
        t0, c0 = time.perf_counter(), time.process_time()
        fn(it)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if label:
        CPU[label] = statistics.median(cpu)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5, help="gemeenten per notebook (≤ 7)")
    args = ap.parse_args()
    gems = GEMEENTEN[: max(1, min(args.repeats, len(GEMEENTEN)))]
    batch.warm_worker()
    for name in NOTEBOOKS:  # warm-up: imports and the shared computations
        runner.execute(notebook_path(name), {"gemeente": "GM0345"})
    rows = []
    for name in NOTEBOOKS:
        path = notebook_path(name)
        nbs = {}

        def run(gm, path=path, nbs=nbs):
            nbs[gm] = runner.execute(path, {"gemeente": gm})[0]

        exec_s = median_over(run, gems, name)
        html_s = median_over(lambda gm, nbs=nbs: export.export_html(nbs[gm]), gems)
        cells = statistics.median(
            sum((c.metadata.get("papermill", {}).get("duration") or 0.0)
                for c in nb.cells if c.cell_type == "code")
            for nb in nbs.values()
        )
        rows.append({"what": f"{name}: papermill execute (in-process)", "median_s": exec_s,
                     "target_s": 1.0 if name == "foto-sociaal-domein" else None})
        rows.append({"what": f"{name}: same, CPU time of the process", "median_s": CPU[name]})
        rows.append({"what": f"{name}: sum of cell times", "median_s": cells})
        rows.append({"what": f"{name}: HTML export", "median_s": html_s})
    shared_s = median_over(compute_only, gems)
    with cache.disabled():  # no sharing: recompute per report
        naive_s = median_over(compute_only, gems[:3])
    rows.append({"what": "foto computations without figures (shared)", "median_s": shared_s,
                 "naive_s": naive_s})
    report("notebooks", rows)


if __name__ == "__main__":
    main()
