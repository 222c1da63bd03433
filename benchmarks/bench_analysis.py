"""Benchmarks for the analysis layer: peers, the peer matrix and the three lenses.

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--repeats N] [--json out.json]``

Each case is timed as the median of repeats (time.perf_counter), next to the naive way
measured in the same run, so the ratio does not depend on the machine:

* peers for one gemeente: :func:`peers` (numpy on prepared z-scores) vs a pure-Python loop
  over candidates and characteristics;
* full peer matrix: :func:`peer_matrix` (scipy cdist) vs Python double loop;
* all three lenses for all gemeenten, one year: :func:`deficits_all` (one groupby) vs a
  per-gemeente pandas loop (filter, group, look up).

Targets on the 2-core project machine: peers ≤ 50 ms, matrix ≤ 2 s, lenses ≤ 2 s.
Uses the real canonical tables when ``data/processed`` exists, else SYNTHETIC random
tables of the same size (tests/synthetic_tables.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit.analysis.deficits import DOMEINEN, deficits_all, select_gemeentefonds
from analysekit.analysis.peers import make_peer_data, peer_data, peer_matrix, peers
from analysekit.paths import processed_dir

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"peers_een_gemeente": 0.050, "peer_matrix_342": 2.0, "drie_lenzen_alle": 2.0}


def timeit(fn: Callable[[], object], repeats: int, warmup: int = 1) -> tuple[float, object]:
    """Median wall time of ``fn`` over ``repeats`` runs (after ``warmup`` runs)."""
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def load_tables() -> tuple[dict[str, pd.DataFrame], str]:
    if (processed_dir() / "iv3.parquet").is_file():
        from analysekit import load

        names = ("iv3", "gemeenten", "kenmerken", "gemeentefonds")
        return {n: load(n) for n in names}, "real (data/processed)"
    sys.path.insert(0, str(ROOT / "tests"))
    import synthetic_tables

    return synthetic_tables.random_tables(342, seed=0), "SYNTHETIC random (no data/processed)"


# ----------------------------------------------------------------- naive versions


def naive_peers(z: pd.DataFrame, code: str, k: int) -> list[str]:
    rows = {c: [float(v) for v in z.loc[c]] for c in z.index}
    own = rows[code]
    dist = []
    for c, vals in rows.items():
        if c == code:
            continue
        s = 0.0
        for a, b in zip(vals, own, strict=True):
            s += (a - b) ** 2
        dist.append((round(math.sqrt(s), 9), c))
    dist.sort()
    return [c for _, c in dist[:k]]


def naive_matrix(z: pd.DataFrame) -> np.ndarray:
    vals = [[float(v) for v in z.loc[c]] for c in z.index]
    n = len(vals)
    out = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            s = 0.0
            for a, b in zip(vals[i], vals[j], strict=True):
                s += (a - b) ** 2
            out[i][j] = math.sqrt(s)
    return np.array(out)


def naive_lenses(t: dict[str, pd.DataFrame], jaar: int) -> pd.DataFrame:
    """Per-gemeente loop: filter iv3, sum per domein and verslagsoort, look up gf, inwoners."""
    iv3, gem = t["iv3"], t["gemeenten"]
    gf, _meta = select_gemeentefonds(t["gemeentefonds"], jaar)
    gf = gf.reset_index()
    rows = []
    # One verslagsoort per year (as the kit): the jaarrekening when any gemeente delivered one,
    # and a gemeente without that submission is NaN (missing is not zero), never its begroting.
    year = iv3[iv3["jaar"] == jaar]
    basis_vs = "jaarrekening" if (year["verslagsoort"] == "jaarrekening").any() else "begroting"
    for code in sorted(iv3.loc[iv3["jaar"] == jaar, "gm_code"].unique()):
        sub = iv3[(iv3["gm_code"] == code) & (iv3["jaar"] == jaar)]
        g = gem[(gem["gm_code"] == code) & (gem["jaar"] == jaar)]
        inw = float(g["inwoners"].iloc[0]) if len(g) else float("nan")
        for dom in DOMEINEN:
            d = sub[sub["domein"] == dom]
            net = {vs: (d.loc[d["verslagsoort"] == vs, "lasten_eur"].sum()
                        - d.loc[d["verslagsoort"] == vs, "baten_eur"].sum())
                   if (sub["verslagsoort"] == vs).any() else float("nan")
                   for vs in ("jaarrekening", "begroting")}
            basis = net[basis_vs]
            f = gf[(gf["gm_code"] == code) & (gf["domein"] == dom)]
            budget = float(f["gf_eur"].iloc[0]) if len(f) else float("nan")
            rows.append({"gm_code": code, "domein": dom, "netto_eur": basis,
                         "netto_per_inwoner": basis / inw,
                         "overschrijding_eur": net["jaarrekening"] - net["begroting"],
                         "tekort_eur": basis - budget})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--naive-repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None, help="write results as JSON here")
    args = ap.parse_args()

    t, source = load_tables()
    jaar = 2023
    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpu_count": os.cpu_count(), "processor": platform.processor() or "?",
               "numpy": np.__version__, "pandas": pd.__version__}
    print(f"data: {source}")
    print("machine: " + ", ".join(f"{k}={v}" for k, v in machine.items()))

    t0 = time.perf_counter()
    if source.startswith("real"):
        data = peer_data(t["kenmerken"], t["gemeenten"], jaar)
    else:
        ken = t["kenmerken"].pivot_table(index="gm_code", columns="kenmerk", values="waarde")
        data = make_peer_data(ken, t["gemeenten"], jaar)
    prep = time.perf_counter() - t0
    z = data.z.dropna()
    code = "GM0855" if "GM0855" in z.index else str(z.index[0])
    print(f"peer data prepared once in {prep:.3f} s ({len(z)} gemeenten × {z.shape[1]} kenmerken)")

    results = []

    def record(name: str, fast: float, naive: float, note: str) -> None:
        target = TARGETS.get(name)
        results.append({"case": name, "median_s": fast, "naive_median_s": naive,
                        "speedup": naive / fast if fast > 0 else float("inf"),
                        "target_s": target, "ok": target is None or fast <= target,
                        "note": note})

    # 1. peers for one gemeente
    fast, p = timeit(lambda: peers(code, k=10, data=data), args.repeats)
    slow, pn = timeit(lambda: naive_peers(z, code, 10), args.naive_repeats)
    assert p["gm_code"].tolist() == pn, "naive and vectorised peers differ"
    record("peers_een_gemeente", fast, slow, f"{code}, k=10, {len(z) - 1} kandidaten")

    # 2. full peer matrix
    fast, m = timeit(lambda: peer_matrix(data), max(3, args.repeats // 3))
    slow, mn = timeit(lambda: naive_matrix(z), args.naive_repeats, warmup=0)
    np.testing.assert_allclose(m.to_numpy(), mn, atol=1e-9)
    record("peer_matrix_342", fast, slow, f"{len(z)}×{len(z)} scipy cdist vs Python loops")

    # 3. three lenses, all gemeenten
    fast, d = timeit(lambda: deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                          t["gemeentefonds"], jaar), max(3, args.repeats // 3))
    slow, dn = timeit(lambda: naive_lenses(t, jaar), args.naive_repeats, warmup=0)
    chk = d[d["domein"].isin(DOMEINEN)].merge(dn, on=["gm_code", "domein"], suffixes=("", "_n"))
    for col in ("netto_eur", "overschrijding_eur", "tekort_eur", "netto_per_inwoner"):
        np.testing.assert_allclose(chk[col], chk[f"{col}_n"], rtol=1e-9, equal_nan=True)
    record("drie_lenzen_alle", fast, slow,
           f"{d['gm_code'].nunique()} gemeenten × {len(DOMEINEN) + 1} domeinen, jaar {jaar}; "
           "incl. noemers en gemeentefonds")

    print()
    print(f"{'case':<22}{'median':>12}{'naive':>12}{'speedup':>10}{'target':>10}  ok")
    for r in results:
        tgt = f"{r['target_s'] * 1000:.0f} ms" if r["target_s"] else "-"
        print(f"{r['case']:<22}{r['median_s'] * 1000:>9.1f} ms{r['naive_median_s'] * 1000:>9.0f} ms"
              f"{r['speedup']:>9.1f}×{tgt:>10}  {'ja' if r['ok'] else 'NEE'}   ({r['note']})")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "data": source, "results": results},
                                        indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
