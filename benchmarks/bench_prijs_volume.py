"""Benchmark: prijs × volume split and ladder for all gemeenten, vectorised vs a per-gemeente loop.

Run: ``.venv/bin/python benchmarks/bench_prijs_volume.py [--repeats N]``

Cases (real canonical tables from ``data/processed``; peer table = ``all_peers`` k=10, built
once outside the timing, as the report context does):

* ``split_alle``: :func:`prijs_volume_all` + :func:`decompose_vs_peers` for all gemeenten,
  jaarrekening 2023 — target ≤ 0.5 s — next to the naive way: per gemeente, filter its peers,
  take the medians and decompose its three domeinen one by one (same inputs, same answer,
  checked).
* ``ontleding_alle``: only the decomposition step, given ``prijs_volume_all`` output.
* ``ladder_alle``: :func:`ladder_all` + :func:`ladder_positie` for all gemeenten.
* ``tijd_alle``: :func:`prijs_volume_tijd` (the change 2020 → 2021 in lasten per inwoner,
  every gemeente on the newest indeling) next to a per-gemeente loop that filters
  ``domein_reeks`` and the KWB counts of each gemeente's predecessors (same answer, checked).

Median of ``--repeats`` runs after one warm-up (benchmarks/common.py); machine noted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_time, report  # noqa: E402

import analysekit  # noqa: E402
from analysekit.analysis import ladder as L  # noqa: E402
from analysekit.analysis import peers as P  # noqa: E402
from analysekit.analysis import prijs_volume as PV  # noqa: E402
from analysekit.data import herindeling  # noqa: E402

JAAR = 2023
TARGET = 0.5


def naive_split(pv: pd.DataFrame, peer_table: pd.DataFrame) -> pd.DataFrame:
    """The per-gemeente loop: what a notebook would do one gemeente at a time."""
    rows = []
    for gm, grp in peer_table.groupby("gm_code", sort=True):
        codes = grp["peer_gm_code"].tolist()
        for dom in PV.PV_DOMEINEN:
            own = pv[(pv["gm_code"] == gm) & (pv["domein"] == dom)].iloc[0]
            pe = pv[pv["gm_code"].isin(codes) & (pv["domein"] == dom) & (pv["status"] == "ok")]
            y_b = pe["netto_per_inwoner"].median() if len(pe) >= PV.MIN_PEERS else np.nan
            v_b = pe["volume"].median() if len(pe) >= PV.MIN_PEERS else np.nan
            p_b = 1000 * y_b / v_b if v_b > 0 else np.nan
            ok = own["status"] == "ok"
            y_a, v_a, p_a = (own[c] if ok else np.nan
                             for c in ("netto_per_inwoner", "volume", "prijs"))
            rows.append({"gm_code": gm, "domein": dom, "verschil": y_a - y_b,
                         "volume_deel": (v_a - v_b) * p_b / 1000,
                         "prijs_deel": v_b * (p_a - p_b) / 1000,
                         "interactie": (v_a - v_b) * (p_a - p_b) / 1000})
    return pd.DataFrame(rows)


def naive_tijd(reeks: pd.DataFrame, ken: pd.DataFrame, cw: pd.DataFrame,
               j0: int = 2020, j1: int = 2021) -> pd.DataFrame:
    """Participatie 2020 → 2021 one gemeente at a time (counts summed over predecessors)."""
    indeling = int(reeks["indeling_jaar"].iloc[0])
    chains = {j: herindeling.chain(cw, j, indeling) for j in (j0, j1)}
    kb = ken[ken["kenmerk"] == "personen_met_bijstand"]
    sel = reeks[(reeks["domein"] == "Participatie") & (reeks["verslagsoort"] == "jaarrekening")
                & (reeks["definitie"] == "gepubliceerd")]
    rows = []
    for gm in sorted(sel["gm_code"].unique()):
        own = sel[sel["gm_code"] == gm]
        vals = {}
        for j in (j0, j1):
            r = own[own["jaar"] == j].iloc[0]
            y = r["lasten_eur"] / r["inwoners"] if r["geleverd"] else np.nan
            pre = chains[j][(chains[j]["naar_gm_code"] == gm) & (chains[j]["aandeel"] > 0)]
            w = kb[(kb["jaar"] == j)].set_index("gm_code")["waarde"].reindex(pre["van_gm_code"])
            c = float((w.to_numpy() * pre["aandeel"].to_numpy()).sum()) if w.notna().all() \
                else np.nan
            c = c if c >= PV.MIN_CLIENTEN else np.nan
            v = 1000 * c / r["inwoners"]
            vals[j] = (y, v, 1000 * y / v)
        (y0, v0, p0), (y1, v1, p1) = vals[j0], vals[j1]
        rows.append({"gm_code": gm, "verschil": y1 - y0, "volume_deel": (v1 - v0) * p0 / 1000,
                     "prijs_deel": v0 * (p1 - p0) / 1000,
                     "interactie": (v1 - v0) * (p1 - p0) / 1000})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    iv3, ken, gem = (analysekit.load(n) for n in ("iv3", "kenmerken", "gemeenten"))
    lev = PV.levering_tabel(iv3)
    peer_table = P.all_peers(P.peer_data(ken, gem, JAAR), k=10)

    def split() -> pd.DataFrame:
        pv = PV.prijs_volume_all(iv3, ken, gem, JAAR, levering=lev)
        return PV.decompose_vs_peers(pv, peer_table)

    pv = PV.prijs_volume_all(iv3, ken, gem, JAAR, levering=lev)
    fast = split()
    slow = naive_split(pv, peer_table)
    m = fast.merge(slow, on=["gm_code", "domein"], suffixes=("", "_naief"))
    for c in ("verschil", "volume_deel", "prijs_deel", "interactie"):
        np.testing.assert_allclose(m[c], m[f"{c}_naief"], rtol=1e-9, equal_nan=True)

    t_split = median_time(split, args.repeats)
    t_naive_split = median_time(lambda: (PV.prijs_volume_all(iv3, ken, gem, JAAR, levering=lev),
                                         naive_split(pv, peer_table)), max(3, args.repeats // 2))
    t_dec = median_time(lambda: PV.decompose_vs_peers(pv, peer_table), args.repeats)
    t_naive_dec = median_time(lambda: naive_split(pv, peer_table), max(3, args.repeats // 2))
    t_ladder = median_time(lambda: L.ladder_positie(L.ladder_all(iv3, levering=lev),
                                                    peer_table, JAAR), args.repeats)
    reeks, cw = analysekit.load("domein_reeks"), analysekit.load("herindelingen")
    tijd = PV.prijs_volume_tijd(reeks, ken, cw, 2020, 2021)
    ok = tijd[(tijd["domein"] == "Participatie") & (tijd["status"] == "ok")]
    m = ok.merge(naive_tijd(reeks, ken, cw), on="gm_code", suffixes=("", "_naief"))
    assert len(m) == len(ok)
    for c in ("verschil", "volume_deel", "prijs_deel", "interactie"):
        np.testing.assert_allclose(m[c], m[f"{c}_naief"], rtol=1e-9)
    t_tijd = median_time(lambda: PV.prijs_volume_tijd(reeks, ken, cw, 2020, 2021), args.repeats)
    t_naive_tijd = median_time(lambda: naive_tijd(reeks, ken, cw), max(3, args.repeats // 2))
    n = fast["gm_code"].nunique()
    report("prijs_volume", [
        {"what": f"split_alle ({n} gemeenten × 3 domeinen)", "median_s": t_split,
         "naive_s": t_naive_split, "target_s": TARGET},
        {"what": "ontleding_alle (decomposition step only)", "median_s": t_dec,
         "naive_s": t_naive_dec},
        {"what": "ladder_alle (ladder_all + ladder_positie)", "median_s": t_ladder},
        {"what": f"tijd_alle (2020 → 2021, {tijd['gm_code'].nunique()} gemeenten × 3 domeinen)",
         "median_s": t_tijd, "naive_s": t_naive_tijd},
    ])


if __name__ == "__main__":
    main()
