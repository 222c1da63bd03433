"""Shared helpers for the benchmark scripts: timing medians and the machine description."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    """One line describing the machine the figures were measured on."""
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    return (
        f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
        f"{mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"
    ).replace("  ", " ")


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time in seconds over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name: str, rows: list[dict]) -> None:
    """Print a result table and save it as JSON in benchmarks/results/<name>.json."""
    print(f"\n{name} — {machine()}")
    for r in rows:
        extra = (
            f"  (naive {r['naive_s']:.3f} s, ratio {r['naive_s'] / r['median_s']:.1f}x)"
            if r.get("naive_s")
            else ""
        )
        target = f"  target ≤ {r['target_s']} s" if r.get("target_s") else ""
        print(f"  {r['what']:<45} median {r['median_s']:.4f} s{extra}{target}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"machine": machine(), "rows": rows}, indent=2, ensure_ascii=False) + "\n"
    )
