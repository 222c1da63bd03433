"""Benchmark the report batch: executed notebook + standalone HTML per gemeente.

Measured side by side in one run, on the same sample of gemeenten and the main report
(``foto-sociaal-domein``):

* naive: per gemeente, ``papermill`` CLI (a fresh kernel) then ``jupyter nbconvert --to html``;
  the median time per gemeente is taken over the sample;
* analysekit: ``analysekit batch --gemeenten <sample> --force`` (warm worker processes,
  in-process notebook engine, HTML exported in-process, shared computations cached once per
  batch), end to end including process start and warm-up; median of repeats, divided by the
  sample size;
* and the full run: ``analysekit batch --all --force`` (342 gemeenten), target ≤ 180 s on this
  2-core machine and ≥ 10× faster than the naive loop would be (its median × 342).

Usage: ``python benchmarks/bench_batch.py [--notebook foto-sociaal-domein] [--sample 8]
[--repeat 3] [--no-full]``. Results: ``benchmarks/results/bench_batch_<notebook>.json``.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # let the kernel use its inline backend, as in Jupyter
    return env


def _run(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} … failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - t0


def sample_gemeenten(n: int) -> list[str]:
    """``n`` gm_codes spread evenly over the sorted list of the newest indeling (deterministic)."""
    from analysekit.reporting.batch import select_gemeenten

    infos, _ = select_gemeenten(all_=True)
    step = len(infos) / n
    return [infos[int(i * step)].gm_code for i in range(n)]


def naive(notebook: Path, codes: list[str], out: Path) -> list[float]:
    """Seconds per gemeente: papermill CLI, then nbconvert CLI."""
    out.mkdir(parents=True, exist_ok=True)
    times = []
    for code in codes:
        ipynb = out / f"{code}.ipynb"
        t = _run(
            [
                str(BIN / "papermill"),
                str(notebook),
                str(ipynb),
                "-p",
                "gemeente",
                code,
                "--no-progress-bar",
                "--log-level",
                "ERROR",
            ]
        )
        t += _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(ipynb)])
        if not ipynb.with_suffix(".html").is_file():
            raise RuntimeError(f"naive loop made no HTML for {code}")
        times.append(t)
    return times


def ours(notebook: Path, selection: list[str], out: Path) -> float:
    """Seconds for one ``analysekit batch`` run (end to end)."""
    return _run(
        [
            str(BIN / "analysekit"),
            "batch",
            "--notebook",
            notebook.stem,
            *selection,
            "--force",
            "--no-progress",
            "--reports",
            str(out),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="foto-sociaal-domein")
    parser.add_argument("--sample", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-full", action="store_true", help="skip the run over all 342")
    args = parser.parse_args()

    notebook = NOTEBOOKS / f"{args.notebook}.ipynb"
    codes = sample_gemeenten(args.sample)
    print(f"{notebook.stem}, sample ({len(codes)}): {', '.join(codes)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        naive_times = naive(notebook, codes, tmp_path / "naief")
        naive_med = statistics.median(naive_times)
        spread = f"{min(naive_times):.2f}–{max(naive_times):.2f}"
        print(f"naive: median {naive_med:.2f} s per gemeente ({spread})", flush=True)
        selection = ["--gemeenten", ",".join(codes)]
        runs = [ours(notebook, selection, tmp_path / f"ak{i}") for i in range(args.repeat)]
        ours_med = statistics.median(runs) / len(codes)
        print(
            f"analysekit batch: median {statistics.median(runs):.2f} s for {len(codes)} "
            f"({ours_med:.2f} s per gemeente)",
            flush=True,
        )
        rows = [
            {
                "what": f"{notebook.stem}: per gemeente, sample of {len(codes)}",
                "median_s": ours_med,
                "naive_s": naive_med,
                "sample": codes,
                "naive_each_s": naive_times,
                "ours_runs_s": runs,
            }
        ]
        if not args.no_full:
            full = ours(notebook, ["--all"], tmp_path / "alle")
            n_all = len(list((tmp_path / "alle").glob(f"GM*/{notebook.stem}.html")))
            print(f"analysekit batch --all: {full:.1f} s for {n_all} gemeenten", flush=True)
            rows.append(
                {
                    "what": f"{notebook.stem}: all {n_all} (naive = median × {n_all})",
                    "median_s": full,
                    "naive_s": naive_med * n_all,
                    "target_s": 180,
                    "reports": n_all,
                }
            )
    report(f"bench_batch_{notebook.stem}", rows)


if __name__ == "__main__":
    main()
