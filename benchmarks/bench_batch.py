"""Benchmark the report batch: executed notebook + standalone HTML per gemeente.

Issue 11 target: ``analysekit batch --all`` (342 reports of ``foto-sociaal-domein``) in
≤ 90 s wall on this 2-core machine, with the shared all-gemeenten values already in the
on-disk cache (the data unchanged since the last run).

The machine is shared with other work, so a wall time alone says little. Measured:

* **CPU seconds per report**, from two batches of different size over the same sample
  (``--gemeenten``, ``--force``): the CPU time (user + sys) of the batch process and its
  workers, ``(cpu(n2) - cpu(n1)) / (n2 - n1)``; the difference removes what a batch costs
  once (process start, the warm-up of each worker);
* the fixed cost: ``cpu(n1) - n1 × per report``;
* an **extrapolation** to 342 reports on 2 cores: ``fixed / 2 + 342 × per report / 2``,
  which assumes both cores are free for the batch (it is a lower bound of the wall time
  on a busy machine, and close to it on a quiet one);
* the **full run** (``batch --all``), when the 1-minute load average before it is below
  ``--quiet-load`` (default 0.5), or always with ``--full``; its wall time is the number
  that counts against the target, with the load average before and after;
* the naive way on a few gemeenten: ``papermill`` CLI (a fresh kernel) then
  ``jupyter nbconvert --to html --no-input``; median seconds per gemeente.

The cache key is computed once and pinned (``ANALYSEKIT_CACHE_KEY``) for every child
process, so an edit of the source tree during the benchmark does not make a warm run cold;
one warm-up batch fills the cache first. Output goes to a temporary folder.

Usage: ``python benchmarks/bench_batch.py [--sample 20] [--repeat 3] [--naive 3] [--full |
--no-full]``. Results: ``benchmarks/results/bench_batch_<notebook>.json``.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"
CORES = 2
TARGET_S = 90.0
N_ALL = 342


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU (user + sys of the process and its reaped children) of one command."""
    c0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=cwd)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} … failed:\n{done.stderr[-2000:]}")
    return wall, cpu


def sample_gemeenten(n: int) -> list[str]:
    """``n`` gm_codes spread evenly over the sorted list of the newest indeling (deterministic)."""
    from analysekit.reporting.batch import select_gemeenten

    infos, _ = select_gemeenten(all_=True)
    step = len(infos) / n
    return [infos[int(i * step)].gm_code for i in range(n)]


def naive(notebook: Path, codes: list[str], out: Path, env: dict[str, str]) -> list[float]:
    """Seconds per gemeente: papermill CLI, then nbconvert CLI."""
    out.mkdir(parents=True, exist_ok=True)
    times = []
    for code in codes:
        ipynb = out / f"{code}.ipynb"
        wall, _ = _run([str(BIN / "papermill"), str(notebook), str(ipynb), "-p", "gemeente",
                        code, "--no-progress-bar", "--log-level", "ERROR"], env,
                       cwd=notebook.parent)
        wall2, _ = _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                         str(ipynb)], env)
        if not ipynb.with_suffix(".html").is_file():
            raise RuntimeError(f"naive loop made no HTML for {code}")
        times.append(wall + wall2)
    return times


def batch(notebook: Path, selection: list[str], out: Path, env: dict[str, str]
          ) -> tuple[float, float]:
    """Wall and CPU seconds of one ``analysekit batch`` run (end to end)."""
    return _run([str(BIN / "analysekit"), "batch", "--notebook", notebook.stem, *selection,
                 "--force", "--no-progress", "--reports", str(out)], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="foto-sociaal-domein")
    parser.add_argument("--sample", type=int, default=20, help="gemeenten in the larger batch")
    parser.add_argument("--small", type=int, default=4, help="gemeenten in the smaller batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", type=int, default=3, help="gemeenten for the naive loop")
    full = parser.add_mutually_exclusive_group()
    full.add_argument("--full", action="store_true", help="run all 342 whatever the load")
    full.add_argument("--no-full", action="store_true", help="never run all 342")
    parser.add_argument("--quiet-load", type=float, default=0.5,
                        help="run all 342 when the 1-min load average is below this")
    args = parser.parse_args()

    from analysekit.reporting import cache

    notebook = NOTEBOOKS / f"{args.notebook}.ipynb"
    codes = sample_gemeenten(args.sample)
    small = codes[:: max(1, len(codes) // args.small)][: args.small]
    env = {**os.environ, cache.KEY_ENV: cache.cache_key()}
    env.pop("MPLBACKEND", None)  # the kernel of the naive run uses its inline backend
    load_start = _load()
    print(f"{notebook.stem}: sample of {len(codes)} ({', '.join(codes)}), small {len(small)};"
          f" load {load_start:.2f}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        # a warm-up batch fills the on-disk cache for the pinned key
        batch(notebook, ["--gemeenten", ",".join(small)], tmp_path / "warmup", env)
        big_runs, small_runs = [], []
        for i in range(args.repeat):
            small_runs.append(batch(notebook, ["--gemeenten", ",".join(small)],
                                    tmp_path / f"klein{i}", env))
            big_runs.append(batch(notebook, ["--gemeenten", ",".join(codes)],
                                  tmp_path / f"groot{i}", env))
        cpu_big = statistics.median(c for _, c in big_runs)
        cpu_small = statistics.median(c for _, c in small_runs)
        per_report = (cpu_big - cpu_small) / (len(codes) - len(small))
        fixed = max(0.0, cpu_small - len(small) * per_report)
        wall_big = statistics.median(w for w, _ in big_runs)
        extrapolated = fixed / CORES + N_ALL * per_report / CORES
        load_mid = _load()
        print(f"batch of {len(codes)}: median {wall_big:.1f} s wall, {cpu_big:.1f} s CPU; "
              f"batch of {len(small)}: {cpu_small:.1f} s CPU", flush=True)
        print(f"CPU per report {per_report:.3f} s, fixed {fixed:.1f} s CPU -> {N_ALL} reports "
              f"on {CORES} free cores: {extrapolated:.1f} s (target ≤ {TARGET_S:.0f} s); "
              f"load {load_mid:.2f}", flush=True)

        naive_times = naive(notebook, codes[: args.naive], tmp_path / "naief", env)
        naive_med = statistics.median(naive_times)
        print(f"naive: median {naive_med:.2f} s per gemeente", flush=True)
        rows.append({
            "what": f"{notebook.stem}: per gemeente, batch of {len(codes)} (wall / n)",
            "median_s": wall_big / len(codes), "naive_s": naive_med, "sample": codes,
            "runs_wall_cpu_s": big_runs, "cpu_per_report_s": per_report,
            "fixed_cpu_s": fixed, "load_1min_start": load_start, "load_1min_mid": load_mid,
        })
        rows.append({
            "what": f"{notebook.stem}: {N_ALL} reports, extrapolated from CPU (2 free cores)",
            "median_s": extrapolated, "naive_s": naive_med * N_ALL, "target_s": TARGET_S,
            "basis": f"fixed {fixed:.1f} s CPU / {CORES} + {N_ALL} × {per_report:.3f} s / {CORES}",
        })

        load_before = _load()
        if args.full or (not args.no_full and load_before < args.quiet_load):
            wall, cpu = batch(notebook, ["--all"], tmp_path / "alle", env)
            n_all = len(list((tmp_path / "alle").glob(f"GM*/**/{notebook.stem}.html")))
            load_after = _load()
            print(f"analysekit batch --all: {wall:.1f} s wall, {cpu:.1f} s CPU for {n_all} "
                  f"reports; load {load_before:.2f} before, {load_after:.2f} after", flush=True)
            rows.append({
                "what": f"{notebook.stem}: all {n_all} reports, measured",
                "median_s": wall, "naive_s": naive_med * n_all, "target_s": TARGET_S,
                "cpu_s": cpu, "reports": n_all, "load_1min_before": load_before,
                "load_1min_after": load_after,
            })
        else:
            print(f"batch --all not run: load {load_before:.2f} ≥ {args.quiet_load} "
                  "(use --full to run it anyway)", flush=True)
    report(f"bench_batch_{notebook.stem}", rows)


if __name__ == "__main__":
    main()
