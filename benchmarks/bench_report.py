"""Benchmark: one ``analysekit report X`` in a fresh process, next to the naive way.

Issue 11 target: a report for a second gemeente, with the data unchanged, in ≤ 2.0 s wall
(it was 5.6 s, against 11.0 s for the naive run; 3.4 s after the structural split).
Measured with the package precompiled as ``make setup`` leaves it (``compileall``; the
script prints how many modules have a .pyc).
Every timing is a new process, as a researcher iterating on one gemeente would start it:

* ``analysekit report X --force`` with the shared all-gemeenten values already in the
  on-disk cache (``reporting/cache.py``; one warm-up report fills it), for several
  gemeenten (median);
* the same with an empty cache (the first report after a ``data build``);
* the naive way: ``papermill`` CLI (a Jupyter kernel) followed by ``jupyter nbconvert
  --to html --no-input``, with the same warm cache, so the difference is the machinery.

The cache key is computed once at the start and pinned (``ANALYSEKIT_CACHE_KEY``) for the
child processes, so another process editing the source tree during the benchmark does not
turn a warm run into a cold one. The machine is shared: wall times move with its load,
which is printed beside the results, with the CPU time (user + sys) of each run, which
moves much less.

Real data (the processed CBS/BZK tables). Run:
``.venv/bin/python benchmarks/bench_report.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import report  # noqa: E402

from analysekit.reporting import cache  # noqa: E402

ROOT = HERE.parent
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "foto-sociaal-domein.ipynb"
GEMEENTEN = ["Zwolle", "Breda", "Utrecht", "Groningen", "Almere", "Ede", "Leiden"]


CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _run(cmd: list[str], env: dict[str, str], label: str = "") -> float:
    """Wall time of one child process; its CPU time (user + sys) goes to ``CPU[label]``."""
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t0
    CPU.setdefault(label, []).append(_children_cpu() - c0)
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    n = max(1, min(args.repeats, len(GEMEENTEN)))
    tmp = Path(tempfile.mkdtemp(prefix="ak-bench-report-"))
    env = {**os.environ, "ANALYSEKIT_REPORTS": str(tmp / "reports"),
           cache.KEY_ENV: cache.cache_key()}
    ak = [str(BIN / "analysekit"), "report"]
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    src = ROOT / "src" / "analysekit"
    py = list(src.rglob("*.py"))
    compiled = sum(1 for f in py if next(
        (f.parent / "__pycache__").glob(f"{f.stem}.cpython-*.pyc"), None) is not None)
    # PYTHONDONTWRITEBYTECODE=1 keeps Python from writing .pyc files, but it still reads
    # those `make setup` wrote (python -m compileall src): say which state was measured.
    bytecode = (f"{compiled}/{len(py)} analysekit modules precompiled (.pyc); "
                f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")

    _run([*ak, "Tilburg", "--force"], env)  # warm-up: fills the on-disk cache
    warm = [_run([*ak, g, "--force"], env, "warm") for g in GEMEENTEN[:n]]

    cold = []
    for i, g in enumerate(GEMEENTEN[:max(2, n // 2)]):
        cold_env = {**env, cache.CACHE_ENV: str(tmp / f"leeg-{i}"), cache.KEY_ENV: f"leeg{i}"}
        cold.append(_run([*ak, g, "--force"], cold_env, "cold"))

    naive = []
    for g in GEMEENTEN[:max(2, n // 2)]:
        out = tmp / f"naive-{g}.ipynb"
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), str(out), "-p", "gemeente", g,
                        "--no-progress-bar"], check=True, env=env, cwd=ROOT / "notebooks",
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(out)], check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        naive.append(time.perf_counter() - t0)
        CPU.setdefault("naive", []).append(_children_cpu() - c0)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    naive_s = statistics.median(naive)
    report("report", [
        {"what": "analysekit report X, second gemeente (warm cache)",
         "median_s": statistics.median(warm), "naive_s": naive_s, "target_s": 2.0,
         "runs": warm, "cpu_median_s": statistics.median(CPU["warm"]), "cpu_runs": CPU["warm"],
         "load_1min_start": load_start, "load_1min": load, "bytecode": bytecode},
        {"what": "analysekit report X, empty cache (after a rebuild)",
         "median_s": statistics.median(cold), "naive_s": naive_s, "runs": cold,
         "cpu_median_s": statistics.median(CPU["cold"])},
        {"what": "naive: papermill CLI + nbconvert (warm cache)",
         "median_s": naive_s, "runs": naive, "cpu_median_s": statistics.median(CPU["naive"])},
    ])
    for label in ("warm", "cold", "naive"):
        print(f"  CPU (user + sys) median, {label}: {statistics.median(CPU[label]):.2f} s")
    print(f"  load average (1 min): {load_start:.2f} at the start, {load:.2f} at the end "
          f"({os.cpu_count()} cores)")
    print(f"  {bytecode}")


if __name__ == "__main__":
    main()
