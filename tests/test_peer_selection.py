"""One peer selection per period: a gemeente without data for it is never a peer (issue 16.1).

Synthetic part (labelled): exact peers with and without an excluded gemeente. Real part:
Hardenberg's report (jaarrekening 2023) no longer counts Vijfheerenlanden (GM1961, no
jaarrekening 2023), and for every period in ``iv3_levering`` no peer list, prijs × volume
split or ladder position of any gemeente has a peer without a submission for that period.
"""

from __future__ import annotations

import pandas as pd
import pytest
import synthetic_tables as st

from analysekit.analysis import ladder as LA
from analysekit.analysis import peers as PE
from analysekit.analysis import prijs_volume as PV
from analysekit.errors import ParameterError
from analysekit.nl import GEEN_GEGEVENS
from analysekit.paths import processed_dir

REAL = (processed_dir() / "iv3_levering.parquet").is_file()
real = pytest.mark.skipif(not REAL, reason="data/processed is missing: run `analysekit data build`")


# ----------------------------------------------------------------- synthetic (exact)


def _syn_levering(zonder: set[str]) -> pd.DataFrame:
    """SYNTHETIC iv3_levering for jaarrekening 2023 of the six synthetic gemeenten."""
    codes = [f"GM910{i}" for i in range(1, 7)]
    return pd.DataFrame({"gm_code": codes, "jaar": 2023, "verslagsoort": "jaarrekening",
                         "geleverd": [c not in zonder for c in codes]})


@pytest.fixture(scope="module")
def syn():
    feats, info = st.peer_features()
    return PE.make_peer_data(feats, info, jaar=2023)


def test_selection_skips_gemeente_without_data(syn):
    # from GM9101: GM9105 at 0, GM9102/GM9103 at 2, GM9104/GM9106 at √8 (synthetic_tables)
    sel = PE.peer_selection(2023, "jaarrekening", data=syn, levering=_syn_levering({"GM9105"}))
    assert sel.excluded == frozenset({"GM9105"})
    p = sel.peers("GM9101", 3)
    assert p["gm_code"].tolist() == ["GM9102", "GM9103", "GM9104"]
    assert p.attrs["n_uitgesloten"] == 1 and p.attrs["verslagsoort"] == "jaarrekening"
    # the gemeente without data still gets peers of its own, among those that delivered
    assert sel.peers("GM9105", 2)["gm_code"].tolist() == ["GM9101", "GM9102"]
    ap = sel.all_peers(3)
    assert "GM9105" not in set(ap["peer_gm_code"])
    for code in ap["gm_code"].unique():
        assert (ap.loc[ap["gm_code"] == code, "peer_gm_code"].tolist()
                == sel.peers(code, 3)["gm_code"].tolist())
    # everyone delivered: the same peers as the plain search
    full = PE.peer_selection(2023, "jaarrekening", data=syn, levering=_syn_levering(set()))
    pd.testing.assert_frame_equal(full.all_peers(3), PE.all_peers(syn, 3))


def test_selection_absent_from_levering_is_refused(syn):
    with pytest.raises(ParameterError, match="geen iv3_levering voor begroting 2023; "
                                             "beschikbaar: jaarrekening 2023"):
        PE.peer_selection(2023, "begroting", data=syn, levering=_syn_levering(set()))


def test_all_peers_too_many_after_exclusion(syn):
    sel = PE.peer_selection(2023, "jaarrekening", data=syn,
                            levering=_syn_levering({"GM9105", "GM9106"}))
    assert len(sel.all_peers(3)) == 18
    with pytest.raises(ParameterError, match="n_peers=4"):
        sel.all_peers(4)


# ----------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def tables():
    if not REAL:
        pytest.skip("data/processed is missing")
    import analysekit

    return {n: analysekit.load(n) for n in ("iv3", "iv3_levering", "kenmerken", "gemeenten")}


@real
def test_hardenberg_report_never_counts_vijfheerenlanden(built):
    """Before issue 16.1 the report took GM1961 as peer 3 and a median over 9 peers
    (Participatie €205.95); peers.benchmark said €224.03. Now both say €224.03."""
    from analysekit.reporting.context import ReportContext

    ctx = ReportContext.from_params({"gemeente": "Hardenberg", "jaar": 2023,
                                     "verslagsoort": "jaarrekening"})
    b = ctx.positie.benchmark
    assert "GM1961" not in set(b.peers["gm_code"]) and len(b.peers) == 10
    assert b.peers["gm_code"].tolist()[:4] == ["GM1959", "GM1969", "GM1734", "GM0171"]
    pos = b.position.set_index("domein")
    assert round(pos.loc["Participatie", "peer_mediaan"], 2) == 224.03
    assert (pos["n_peers_met_waarde"] == 10).all()
    ref = PE.benchmark("GM0160", 2023).position.set_index("domein")
    pd.testing.assert_series_equal(pos["peer_mediaan"], ref["peer_mediaan"])
    assert "GM1961" not in set(b.klassiek["gm_code"])
    pv = ctx.prijs_volume
    assert "GM1961" not in pv.peer_codes and pv._shared_peers_match()
    split = pv.split.set_index("domein")
    assert round(split.loc["Participatie", "ref_netto_per_inwoner"], 2) == 224.03
    assert (pv.ladder_positie["n_peers"] == 10).all()


@real
def test_no_peer_without_data_in_any_period(tables):
    """Every period of iv3_levering, all gemeenten: peers, splits and ladders."""
    lev, iv3 = tables["iv3_levering"], tables["iv3"]
    ken, gem = tables["kenmerken"], tables["gemeenten"]
    la = LA.ladder_all(iv3, levering=lev)
    periods = sorted({(int(j), str(v)) for j, v in
                      zip(lev["jaar"], lev["verslagsoort"], strict=True)})
    checked = 0
    for jaar, vs in periods:
        cell = lev.loc[(lev["jaar"] == jaar) & (lev["verslagsoort"] == vs)]
        zonder = set(cell.loc[~cell["geleverd"].astype(bool), "gm_code"])
        data = PE.peer_data(ken, gem, PE.peer_year(gem, jaar))  # 2026: the 2025 indeling
        sel = PE.peer_selection(jaar, vs, data=data, levering=lev)
        assert zonder & set(data.z.index) <= sel.excluded
        matrix = PE.peer_matrix(data)
        ap = sel.all_peers(10, matrix=matrix)
        assert not ap["peer_gm_code"].isin(zonder).any(), (jaar, vs)
        assert (ap.groupby("gm_code").size() == 10).all()
        # the report's own peer list (section positie) is the shared one for every gemeente
        # whose plain nearest ten held a gemeente without data
        plain = PE.all_peers(n_peers=10, matrix=matrix)
        complete = set(ap["gm_code"])  # gemeenten with every characteristic (else no peers)
        touched = sorted((set(plain.loc[plain["peer_gm_code"].isin(zonder), "gm_code"])
                          | zonder) & complete)
        for code in touched[:8]:  # (up to 8 per period: 11 ms each)
            own = sel.peers(code, 10)["gm_code"].tolist()
            assert own == ap.loc[ap["gm_code"] == code, "peer_gm_code"].tolist()
        # prijs × volume and the ladder: no peer in any reference lacks a submission
        pv = PV.prijs_volume_all(iv3, ken, gem, jaar, verslagsoort=vs, levering=lev)
        split = PV.decompose_vs_peers(pv, ap)
        status = pv.drop_duplicates("gm_code").set_index("gm_code")["status"]
        assert not (status.reindex(ap["peer_gm_code"]) == GEEN_GEGEVENS).any(), (jaar, vs)
        ok = pv.loc[pv["status"] == PV.STATUS_OK, ["gm_code", "domein"]]
        used = ap.merge(ok.rename(columns={"gm_code": "peer_gm_code"}), on="peer_gm_code")
        n_used = used.groupby(["gm_code", "domein"]).size()
        got = split.set_index(["gm_code", "domein"])["n_peers"]
        assert (got.reindex(n_used.index) == n_used).all()
        lp = LA.ladder_positie(la, ap, jaar, vs)
        sel_la = la.loc[(la["jaar"] == jaar) & (la["verslagsoort"] == vs)]
        lg = sel_la.drop_duplicates("gm_code").set_index("gm_code")["status"]
        assert not (lg.reindex(ap["peer_gm_code"]) == GEEN_GEGEVENS).any(), (jaar, vs)
        assert lp["n_peers"].max() <= 10
        # the one-gemeente helpers take the same selection (two periods: they load tables)
        if touched and (jaar, vs) in {(2023, "jaarrekening"), (2025, "begroting")}:
            code = touched[0]
            lad = LA.ladder(code, jaar, vs)
            assert lad.attrs["peer_codes"] == sel.peers(code, 10)["gm_code"].tolist()
            one = PV.prijs_volume(code, jaar, verslagsoort=vs)
            want = split.loc[split["gm_code"] == code].reset_index(drop=True)
            pd.testing.assert_series_equal(one["ref_netto_per_inwoner"],
                                           want["ref_netto_per_inwoner"])
        checked += 1
    assert checked == len(periods) >= 4  # at least begroting 2023–2025, jaarrekening 2023
