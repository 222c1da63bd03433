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

**Side by side** (``--compare``): batches of ``--sample`` gemeenten (15 by default there),
``--repeat`` times, the variants alternating (the order reversed every other round, so
drift of the machine's speed hits each variant alike); medians of the end-to-end wall time
of ``analysekit batch --force`` (2 workers), with the CPU seconds:

* ``--compare imports``: this code with the optional-import blocks of
  :func:`analysekit.reporting.skip_slow_optional_imports` on, and off
  (``ANALYSEKIT_SKIP_OPTIONAL_IMPORTS=0``). Issue 16 measured each block on its own with
  e3f26ac and a temporary switch per block (``ANALYSEKIT_OPTIONAL_IMPORTS=jsonschema|
  soupsieve|mplot3d``, as in 9811a58); the README gives the numbers; only the jsonschema
  block is left;
* ``--compare head --other "e549822=/tmp/ak-head/src,/tmp/old-data"``: this code against
  other checkouts (e.g. ``git worktree add /tmp/ak-head e549822``; repeatable, each with
  the data folder built for it), each with its own cache folder and pinned key, warmed
  first; then the naive way (``papermill`` CLI + ``jupyter nbconvert``, one gemeente after
  another, ``--naive`` of them) with this code over the same gemeenten.

With ``--paired`` the variants of a round run **at the same time**, each as ``analysekit
batch --workers 1`` on one core, and each variant's CPU seconds are its own process tree's
(``os.wait4``). The machine's speed drifts by 10-15% within minutes (shared host), which
alternating whole batches of 90 s cannot always average out; run side by side, both
variants see the same machine at every moment. The order of starting is reversed every
other round.

Both read one copy of the data (``--data``, default this checkout's ``data/``; copy it to a
temporary folder when others may rebuild it during the run). Results:
``benchmarks/results/bench_batch_compare_<what>.json``.
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


def _run_together(cmds: list[tuple[list[str], dict[str, str]]]) -> list[tuple[float, float]]:
    """Start the commands at once; (wall, CPU of its process tree) of each, in order."""
    import threading

    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(cmds)
    errors: list[str] = []

    def one(i: int, cmd: list[str], env: dict[str, str]) -> None:
        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out[i] = (time.perf_counter() - t0, ru.ru_utime + ru.ru_stime)
            if proc.returncode != 0:
                err.seek(0)
                errors.append(f"{' '.join(cmd[:3])} … failed:\n"
                              f"{err.read().decode(errors='replace')[-2000:]}")

    threads = [threading.Thread(target=one, args=(i, c, e)) for i, (c, e) in enumerate(cmds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return out


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


def _variant_env(base: dict[str, str], src: Path, data: Path, cache_dir: Path,
                 extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for one variant: its code (PYTHONPATH), the data, its own pinned cache."""
    env = {**base, "PYTHONPATH": str(src), "ANALYSEKIT_DATA": str(data),
           "ANALYSEKIT_CACHE": str(cache_dir), **(extra or {})}
    env.pop("ANALYSEKIT_CACHE_KEY", None)
    key = subprocess.run([sys.executable, "-c", "from analysekit.reporting import cache; "
                          "print(cache.cache_key())"], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    env["ANALYSEKIT_CACHE_KEY"] = key
    return env


def compare(args: argparse.Namespace) -> None:
    """Batches of ``args.sample`` gemeenten for each variant, alternating; see the docstring."""
    notebook = NOTEBOOKS / f"{args.notebook}.ipynb"
    codes = sample_gemeenten(args.sample)
    selection = ["--gemeenten", ",".join(codes)]
    base = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    data = Path(args.data).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    src = ROOT / "src"
    if args.compare == "imports":
        on = _variant_env(base, src, data, tmp / "cache")
        variants = {"blocks on (default)": on,
                    "blocks off": {**on, "ANALYSEKIT_SKIP_OPTIONAL_IMPORTS": "0"}}
    else:
        if not args.other:
            raise SystemExit("--compare head needs --other LABEL=SRC[,DATA] (another checkout)")
        variants = {"this code": _variant_env(base, src, data, tmp / "cache-this")}
        for i, spec in enumerate(args.other):
            label, _, paths = spec.partition("=")
            other_src, _, other_data = paths.partition(",")
            variants[label] = _variant_env(base, Path(other_src).resolve(),
                                           Path(other_data or data).resolve(),
                                           tmp / f"cache-other{i}")
    load_start = _load()
    print(f"{notebook.stem}: {len(codes)} gemeenten ({', '.join(codes)}); load {load_start:.2f}",
          flush=True)
    for env in variants.values():  # warm each variant's cache once
        batch(notebook, ["--gemeenten", ",".join(codes[:2])], tmp / "warm", env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    names = list(variants)
    for i in range(args.repeat):
        order = names if i % 2 == 0 else names[::-1]
        if args.paired:
            cmds = [([str(BIN / "analysekit"), "batch", "--notebook", notebook.stem, *selection,
                      "--force", "--no-progress", "--workers", "1", "--reports",
                      str(tmp / f"r{i}-{j}")], variants[name]) for j, name in enumerate(order)]
            for name, (wall, cpu) in zip(order, _run_together(cmds), strict=True):
                runs[name].append((wall, cpu))
                print(f"  round {i + 1} {name} (side by side, 1 worker): {wall:.2f} s wall, "
                      f"{cpu:.2f} s CPU", flush=True)
            continue
        for name in order:
            wall, cpu = batch(notebook, selection, tmp / f"r{i}", variants[name])
            runs[name].append((wall, cpu))
            print(f"  round {i + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    load_end = _load()
    rows = []
    first = names[0]
    ref = statistics.median(w for w, _ in runs[first])
    for name in names:
        wall = statistics.median(w for w, _ in runs[name])
        cpu = statistics.median(c for _, c in runs[name])
        ratios = [c / c0 for (_, c), (_, c0) in zip(runs[name], runs[first], strict=True)]
        print(f"{name}: median {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({(wall / ref - 1) * 100:+.1f}% wall against {first}; CPU per round "
              f"{', '.join(f'{(r - 1) * 100:+.1f}%' for r in ratios)})", flush=True)
        rows.append({"what": f"batch of {len(codes)}, {name}"
                             f"{' (side by side, 1 worker each)' if args.paired else ''}",
                     "median_s": wall, "median_cpu_s": cpu, "runs_wall_cpu_s": runs[name],
                     "cpu_ratio_per_round": ratios, "vs_first": wall / ref})
    if args.compare == "head" and args.naive:
        env = variants["this code"]
        naive_times = naive(notebook, codes[: args.naive], tmp / "naief", env)
        naive_total = sum(naive_times) * len(codes) / len(naive_times)
        print(f"naive: {statistics.median(naive_times):.2f} s per gemeente (median of "
              f"{len(naive_times)}), {naive_total:.1f} s for {len(codes)}", flush=True)
        for row in rows:
            row["naive_s"] = naive_total
        rows.append({"what": f"naive papermill + nbconvert, {len(naive_times)} gemeenten",
                     "median_s": statistics.median(naive_times), "runs_s": naive_times})
    for row in rows:
        row.update(sample=codes, load_1min_start=load_start, load_1min_end=load_end)
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    report(f"bench_batch_compare_{args.compare}{'_paired' if args.paired else ''}", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="foto-sociaal-domein")
    parser.add_argument("--sample", type=int, default=None,
                        help="gemeenten in the larger batch (default 20; 15 with --compare)")
    parser.add_argument("--small", type=int, default=4, help="gemeenten in the smaller batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", type=int, default=3, help="gemeenten for the naive loop")
    full = parser.add_mutually_exclusive_group()
    full.add_argument("--full", action="store_true", help="run all 342 whatever the load")
    full.add_argument("--no-full", action="store_true", help="never run all 342")
    parser.add_argument("--quiet-load", type=float, default=0.5,
                        help="run all 342 when the 1-min load average is below this")
    parser.add_argument("--compare", choices=["imports", "head"],
                        help="side by side: import blocks on/off, or this code vs --head-src")
    parser.add_argument("--other", action="append", default=[],
                        help="--compare head: LABEL=SRC[,DATA], another checkout's src/ (and "
                        "the data folder built for it); repeatable")
    parser.add_argument("--data", default=str(ROOT / "data"), help="data folder (--compare)")
    parser.add_argument("--paired", action="store_true",
                        help="--compare: run the variants of a round at the same time, one "
                             "worker each (see the docstring)")
    args = parser.parse_args()
    args.sample = args.sample or (15 if args.compare else 20)
    if args.compare:
        compare(args)
        return

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
