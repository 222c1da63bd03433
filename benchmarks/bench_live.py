"""Benchmark: live fetch of one Iv3 year (>= 3 million cells) from a local CBS OData server.

The server (tests/cbs_server.py, a separate process on 127.0.0.1) serves the mirror's real
2023 Iv3 figures as a real cube grown with zero-only categories to 3,078,000 rows (342
gemeenten x 75 taakvelden/balansposten x 20 categorieën x 6 verslagsoorten), in feed pages of
10,000 rows with odata.nextLink, as CBS does.

Measured, each run in a fresh process (wall time and peak RSS of that process):

* streamed -- :func:`analysekit.data.live.fetch_iv3`: pages reduced one by one and written
  to parquet parts, then aggregated;
* naive -- all pages into one list, then one DataFrame, then the same filter and aggregation.

Targets: streamed <= 60 s and <= 1 GB peak memory. Medians of BENCH_REPEAT runs (default 3).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import RESULTS, machine  # noqa: E402

EXTRA_CATEGORIES = 15  # 5 real-shaped + 15 zero-only categories -> 3,078,000 rows
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def _child(way: str, root: str, work: str) -> None:
    """Run one fetch in this (child) process and print time, peak memory and result."""
    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd

    from analysekit.data import live
    from analysekit.data.cbs_odata import CbsClient, api_url, feed_url

    client = CbsClient(timeout=120)
    t0 = time.perf_counter()
    if way == "streamed":
        frame = live.fetch_iv3(client, 2023, root=root, work_dir=Path(work), progress=False)
        rows = None
    else:  # naive: every page in one list, one DataFrame, then filter and aggregate
        api = api_url(root, "45063NED")
        layout = live.iv3_layout(client, api)
        taakvelden = [k for k in client.lookup(api, layout.taakveld)["Key"] if k[:1].isdigit()]
        everything: list[dict] = []
        for _, page, _ in client.pages(f"{feed_url(root, '45063NED')}/TypedDataSet"):
            everything.extend(page)
        rows = len(everything)
        df = pd.DataFrame.from_records(everything)
        del everything
        for col in ("Gemeenten", "TaakveldBalanspost", "Categorie", "Verslagsoort"):
            df[col] = df[col].str.strip()
        soort = df["Verslagsoort"].map({"2023X000": "begroting", "2023X005": "jaarrekening"})
        bedrag = df[layout.measure].fillna(df[layout.fallback])
        keep = (
            soort.notna()
            & df["Gemeenten"].str.fullmatch(r"GM\d{4}")
            & df["TaakveldBalanspost"].str.match(r"\d")
            & df["Categorie"].str[:1].isin(["L", "B"])
            & bedrag.notna()
            & bedrag.ne(0)
        )
        kept = pd.DataFrame(
            {
                "gm_code": df.loc[keep, "Gemeenten"],
                "taakveld": df.loc[keep, "TaakveldBalanspost"],
                "categorie": df.loc[keep, "Categorie"],
                "verslagsoort": soort[keep],
                "bedrag": bedrag[keep],
            }
        )
        frame = live.aggregate_iv3(kept, 2023, taakvelden=taakvelden)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tilburg = frame[
        (frame.gm_code == "GM0855")
        & (frame.verslagsoort == "jaarrekening")
        & (frame.taakveld == "6.72d")
    ]["lasten_eur"].item()
    print(
        json.dumps(
            {
                "s": seconds,
                "peak_mb": peak_mb,
                "rows_out": len(frame),
                "rows_in": rows,
                "tilburg_672d": tilburg,
            }
        )
    )


def run(way: str, root: str) -> dict:
    with tempfile.TemporaryDirectory() as work:
        out = subprocess.run(
            [sys.executable, __file__, "--child", way, root, work],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "cbs_server.py"),
            "--extra-categories",
            str(EXTRA_CATEGORIES),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base = server.stdout.readline().strip()
        root = f"{base}/dataderden"
        results: dict[str, list[dict]] = {"streamed": [], "naive": []}
        for _ in range(REPEAT):
            for way in results:
                results[way].append(run(way, root))
                r = results[way][-1]
                print(f"  {way:<9} {r['s']:6.1f} s  peak {r['peak_mb']:7.0f} MB", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    cells = 342 * (71 + 4) * (5 + EXTRA_CATEGORIES) * 6
    summary = {
        way: {
            "median_s": statistics.median(r["s"] for r in rs),
            "median_peak_mb": statistics.median(r["peak_mb"] for r in rs),
            "tilburg_672d": rs[0]["tilburg_672d"],
            "rows_out": rs[0]["rows_out"],
        }
        for way, rs in results.items()
    }
    s, n = summary["streamed"], summary["naive"]
    print(f"\nbench_live — {machine()} (load {os.getloadavg()[0]:.1f})")
    print(f"  cells in the cube: {cells:,}; runs per way: {REPEAT}")
    print(
        f"  streamed  median {s['median_s']:.1f} s, peak {s['median_peak_mb']:.0f} MB "
        f"(target ≤ 60 s, ≤ 1024 MB)"
    )
    print(
        f"  naive     median {n['median_s']:.1f} s, peak {n['median_peak_mb']:.0f} MB "
        f"(streamed uses {n['median_peak_mb'] / s['median_peak_mb']:.1f}x less memory, "
        f"time ratio naive/streamed {n['median_s'] / s['median_s']:.2f})"
    )
    assert s["tilburg_672d"] == n["tilburg_672d"] == 43_122_000
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_live.json").write_text(
        json.dumps(
            {"machine": machine(), "cells": cells, "repeat": REPEAT, **summary, "runs": results},
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main()
