"""Tests for analysekit.analysis.peers: synthetic features with exact distances, ranks and
savings potential, plus the real mirror (peers of the G4 are large urban gemeenten)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
import synthetic_tables as st

from analysekit.analysis.peers import (
    KenmerkSpec,
    all_peers,
    explain,
    klassieke_groep,
    make_peer_data,
    peer_data,
    peer_matrix,
    peers,
    position,
    savings_potential,
)
from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.paths import processed_dir

matplotlib.use("Agg")
R8 = math.sqrt(8.0)


@pytest.fixture(scope="module")
def syn():
    feats, info = st.peer_features()
    return make_peer_data(feats, info, jaar=2023)


# ----------------------------------------------------------------- standardisation, distance


def test_z_scores_equal_raw_values_for_mean0_sd1(syn):
    feats, _ = st.peer_features()
    pd.testing.assert_frame_equal(syn.z, feats.sort_index(), check_names=False)
    assert syn.mean.tolist() == [0.0, 0.0] and syn.std.tolist() == [1.0, 1.0]


def test_z_scores_hand_computed():
    feats = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": [5.0, 5.0, 5.0]},
                         index=["GM0003", "GM0001", "GM0002"])
    info = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003"]})
    d = make_peer_data(feats, info)
    sd = math.sqrt(2 / 3)  # population sd of 1, 2, 3
    assert d.z.loc["GM0003", "a"] == pytest.approx(-1 / sd)
    assert d.z.loc["GM0001", "a"] == pytest.approx(0.0)
    assert (d.z["c"] == 0).all()  # no spread → z = 0, not NaN


def test_distances_and_tie_break_by_gm_code(syn):
    p = peers("GM9101", n_peers=5, data=syn)
    assert p["gm_code"].tolist() == ["GM9105", "GM9102", "GM9103", "GM9104", "GM9106"]
    np.testing.assert_allclose(p["afstand"], [0.0, 2.0, 2.0, R8, R8])
    assert p["rang"].tolist() == [1, 2, 3, 4, 5]
    r = p.set_index("gm_code")
    assert r.loc["GM9102", "dz_x"] == 0.0 and r.loc["GM9102", "dz_y"] == 2.0
    assert r.loc["GM9102", "verschilt_in"] == "y (+2,0 sd)"
    assert p.attrs["n_kandidaten"] == 5 and p.attrs["filters"] == "geen filters"


def test_weights(syn):
    p = peers("GM9101", n_peers=5, data=syn, weights={"y": 4})
    assert p["gm_code"].tolist() == ["GM9105", "GM9103", "GM9102", "GM9104", "GM9106"]
    np.testing.assert_allclose(p["afstand"], [0.0, 2.0, 4.0, math.sqrt(20), math.sqrt(20)])


def test_subset_of_kenmerken(syn):
    p = peers("GM9101", n_peers=5, data=syn, kenmerken=["x"])
    assert p["gm_code"].tolist() == ["GM9102", "GM9105", "GM9103", "GM9104", "GM9106"]
    np.testing.assert_allclose(p["afstand"], [0, 0, 2, 2, 2])
    assert [c for c in p.columns if c.startswith("dz_")] == ["dz_x"]


def test_deterministic_under_row_order(syn):
    feats, info = st.peer_features()
    shuffled = make_peer_data(feats.sample(frac=1, random_state=3), info.sample(frac=1,
                              random_state=4))
    for code in feats.index:
        a = peers(code, n_peers=4, data=syn)
        b = peers(code, n_peers=4, data=shuffled)
        pd.testing.assert_frame_equal(a, b)


def test_standardised_before_filters(syn):
    full = peers("GM9101", n_peers=5, data=syn).set_index("gm_code")["afstand"]
    filt = peers("GM9101", n_peers=2, data=syn, filters={"provincie": "Noord"})
    assert filt["gm_code"].tolist() == ["GM9102", "GM9106"]
    for code, d in zip(filt["gm_code"], filt["afstand"], strict=True):
        assert d == full[code]


def test_filters(syn):
    assert peers("GM9101", n_peers=1, data=syn, filters={"stedelijkheid": "zelfde"})[
        "gm_code"].tolist() == ["GM9105"]
    p = peers("GM9101", n_peers=2, data=syn, filters={"inwoners": (25_000, 45_000)})
    assert sorted(p["gm_code"]) == ["GM9103", "GM9104"]
    p = peers("GM9101", n_peers=3, data=syn, filters={"grootteklasse": ["20000tot50000inwoners"]})
    assert p["gm_code"].tolist() == ["GM9102", "GM9103", "GM9104"]
    p = peers("GM9101", n_peers=1, data=syn, filters={"inwoners": (None, 20_000)})
    assert p["gm_code"].tolist() == ["GM9102"]


def test_peer_matrix_and_all_peers_agree_with_peers(syn):
    m = peer_matrix(syn)
    assert m.shape == (6, 6)
    np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T)
    np.testing.assert_allclose(np.diag(m), 0)
    assert m.loc["GM9101", "GM9104"] == pytest.approx(R8)
    ap = all_peers(syn, n_peers=3)
    for code in m.index:
        want = peers(code, n_peers=3, data=syn)
        got = ap[ap["gm_code"] == code]
        assert got["peer_gm_code"].tolist() == want["gm_code"].tolist()
        np.testing.assert_allclose(got["afstand"], want["afstand"])
    mw = peer_matrix(syn, weights={"y": 4})
    assert mw.loc["GM9101", "GM9102"] == pytest.approx(4.0)


def test_explain_contributions(syn):
    p = peers("GM9102", n_peers=5, data=syn)
    e = explain(p)
    sums = e.groupby("gm_code")["bijdrage_pct"].sum()
    far = p.loc[p["afstand"] > 0, "gm_code"]
    np.testing.assert_allclose(sums[far], 100.0)
    row = e[(e["gm_code"] == "GM9103")].set_index("kenmerk")  # GM9102 (−1,1) vs (1,−1)
    assert row.loc["x", "bijdrage_pct"] == pytest.approx(50.0)


# ----------------------------------------------------------------- position and savings


def test_position_exact():
    v = st.peer_values()
    pos = position(v, "GM9101", ["GM9102", "GM9103", "GM9104", "GM9106"]).set_index("domein")
    j = pos.loc["Jeugd"]
    assert j["eigen"] == 500 and j["n_peers_met_waarde"] == 4
    assert j["peer_mediaan"] == 250 and j["peer_q1"] == 175 and j["peer_q3"] == 325
    assert j["rang"] == 5 and j["groep_n"] == 5 and j["percentiel"] == 100
    sd = math.sqrt(50_000 / 3)
    assert j["peer_sd"] == pytest.approx(sd)
    assert j["z"] == pytest.approx(250 / sd)
    w = pos.loc["Wmo"]  # all equal
    assert w["rang"] == 1 and w["percentiel"] == 50 and np.isnan(w["z"])
    # a gemeente in the middle: GM9103 (400) vs 500, 300, 200, 600 → 2 below
    mid = position(v, "GM9103", ["GM9101", "GM9102", "GM9104", "GM9105"]).set_index("domein")
    assert mid.loc["Jeugd", "rang"] == 3 and mid.loc["Jeugd", "percentiel"] == 50


def test_position_accepts_a_peer_table_and_drops_self(syn):
    v = st.peer_values()
    p = peers("GM9101", n_peers=3, data=syn)
    pos = position(v, "GM9101", pd.concat([p, pd.DataFrame({"gm_code": ["GM9101"]})]))
    assert (pos["n_peers_met_waarde"] == 3).all()


def test_savings_potential_exact():
    v = st.peer_values()
    s = savings_potential(v, "GM9101", ["GM9102", "GM9103", "GM9104", "GM9106"],
                          inwoners=10_000).set_index("domein")
    j = s.loc["Jeugd"]
    assert j["potentieel_per_inwoner"] == 250
    assert j["potentieel_eur"] == 2_500_000
    assert j["potentieel_laag_eur"] == 1_750_000 and j["potentieel_hoog_eur"] == 3_250_000
    assert j["iqr_per_inwoner"] == 150 and j["iqr_eur"] == 1_500_000
    assert s.loc["Wmo", "potentieel_eur"] == 0
    # inwoners from the values table; a cheaper gemeente gets a negative potential
    v2 = v.assign(inwoners=v["gm_code"].map({"GM9106": 60_000}).fillna(1))
    s2 = savings_potential(v2, "GM9106", ["GM9101", "GM9102"]).set_index("domein")
    assert s2.loc["Jeugd", "potentieel_eur"] == (100 - 400) * 60_000


def test_klassieke_groep():
    _f, info = st.peer_features()
    gem = info.assign(jaar=2023)
    g = klassieke_groep("GM9102", gem)
    assert g["gm_code"].tolist() == ["GM9103"]
    assert g.attrs["stedelijkheid"] == 2
    assert klassieke_groep("GM9104", gem).empty
    with pytest.raises(UnknownGemeente):
        klassieke_groep("GM0001", gem)
    with pytest.raises(ParameterError, match="jaar 2019"):
        klassieke_groep("GM9102", gem, 2019)


# ----------------------------------------------------------------- peer_data from kenmerken


def test_peer_data_from_long_kenmerken_nearest_year():
    rows = []
    for code, share, dens in (("GM0001", 0.1, 100.0), ("GM0002", 0.2, 1000.0),
                              ("GM0003", 0.3, 10_000.0)):
        for jaar, f in ((2021, 9.0), (2024, 1.0)):  # 2024 is nearest to 2023
            rows += [(code, jaar, "inwoners_gf", 10_000.0),
                     (code, jaar, "jongeren", share * 10_000 * f),
                     (code, jaar, "omgevingsadressendichtheid", dens)]
    ken = pd.DataFrame(rows, columns=["gm_code", "jaar", "kenmerk", "waarde"])
    gem = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003"], "jaar": 2023,
                        "inwoners": 10_000, "naam": ["a", "b", "c"]})
    spec = {"jongeren": KenmerkSpec(("jongeren",), ("inwoners_gf",)),
            "dichtheid": KenmerkSpec(("omgevingsadressendichtheid",), log=True),
            "ontbreekt": KenmerkSpec(("bestaat_niet",))}
    d = peer_data(ken, gem, 2023, spec)
    np.testing.assert_allclose(d.values["jongeren"], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(d.values["dichtheid"], np.log([100, 1000, 10_000]))
    z = math.sqrt(1.5)  # (0.3 − 0.2) / population sd 0.0816…
    np.testing.assert_allclose(d.z["jongeren"], [-z, 0, z], atol=1e-12)
    assert "ontbreekt" not in d.z.columns
    bron = d.bron.set_index("kenmerk")
    assert bron.loc["jongeren", "jaren"] == "2024 (3)" and bron.loc["ontbreekt", "n"] == 0
    with pytest.raises(ParameterError, match="jaar 2030 staat niet in tabel gemeenten"):
        peer_data(ken, gem, 2030, spec)


# ----------------------------------------------------------------- bad input


def test_bad_input_messages(syn):
    with pytest.raises(ParameterError, match=r"blijven 2 gemeenten over, maar n_peers=3 gevraagd"):
        peers("GM9101", n_peers=3, data=syn, filters={"provincie": "Noord"})
    with pytest.raises(ParameterError, match=r"blijven 0 gemeenten over"):
        peers("GM9101", n_peers=1, data=syn, filters={"provincie": "West"})
    with pytest.raises(ParameterError, match=r"blijven 5 gemeenten over, maar n_peers=10 gevraagd"):
        peers("GM9101", n_peers=10, data=syn)
    with pytest.raises(ParameterError, match="filter 'regio' onbekend"):
        peers("GM9101", data=syn, n_peers=1, filters={"regio": "x"})
    with pytest.raises(ParameterError, match=r"\(min, max\)"):
        peers("GM9101", data=syn, n_peers=1, filters={"inwoners": 5})
    with pytest.raises(UnknownGemeente, match="GM9999"):
        peers("GM9999", data=syn)
    for bad_k in (0, -1, "3", True, 2.0):
        with pytest.raises(ParameterError, match=r"n_peers=.*; verwacht: een positief geheel"):
            peers("GM9101", n_peers=bad_k, data=syn)
    with pytest.raises(ParameterError, match="onbekend"):
        peers("GM9101", n_peers=1, data=syn, kenmerken=["z"])
    with pytest.raises(ParameterError, match="≥ 0"):
        peers("GM9101", n_peers=1, data=syn, weights={"x": -1})
    with pytest.raises(ParameterError, match="alle gewichten"):
        peers("GM9101", n_peers=1, data=syn, weights={"x": 0, "y": 0})
    with pytest.raises(ParameterError, match="horen bij geen van de gebruikte kenmerken"):
        peers("GM9101", n_peers=1, data=syn, weights={"q": 1})


def test_missing_characteristic(syn):
    feats, info = st.peer_features()
    feats.loc["GM9101", "y"] = np.nan
    feats.loc["GM9104", "x"] = np.nan
    d = make_peer_data(feats, info)
    with pytest.raises(ParameterError, match=r"\['y'\] ontbreken voor GM9101"):
        peers("GM9101", n_peers=1, data=d)
    assert peers("GM9101", n_peers=1, data=d, kenmerken=["x"])["gm_code"].tolist() == ["GM9102"]
    p = peers("GM9102", n_peers=3, data=d)
    assert "GM9104" not in set(p["gm_code"]) and p.attrs["n_onvolledig"] == 2
    with pytest.raises(ParameterError, match="2 zonder alle kenmerken"):
        peers("GM9102", n_peers=4, data=d)


def test_plots(syn):
    from matplotlib.figure import Figure

    from analysekit.analysis.plots import plot_peer_strip

    p = peers("GM9101", n_peers=4, data=syn)
    fig = plot_peer_strip(st.peer_values(), "GM9101", p, domeinen=["Wmo", "Jeugd"])
    assert isinstance(fig, Figure) and "4 vergelijkbare" in fig.axes[0].get_title()


# ----------------------------------------------------------------- real mirror

REAL = (processed_dir() / "kenmerken.parquet").is_file()
real = pytest.mark.skipif(not REAL, reason="data/processed is missing: run `analysekit data build`")
G4 = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0518": "Den Haag", "GM0344": "Utrecht"}


@pytest.fixture(scope="module")
def real_data():
    if not REAL:
        pytest.skip("data/processed is missing: run `analysekit data build`")
    from analysekit.analysis.peers import load_peer_data

    return load_peer_data(2023)


@real
@pytest.mark.parametrize("code", list(G4))
def test_real_g4_peers_are_large_urban(real_data, code):
    p = peers(code, n_peers=5, data=real_data)
    assert (p["inwoners"] >= 100_000).all(), p[["naam", "inwoners"]]
    assert (p["stedelijkheid"] <= 2).all()
    assert len(p) == 5 and p["afstand"].is_monotonic_increasing


@real
def test_real_g4_find_each_other(real_data):
    ams = peers("GM0363", n_peers=3, data=real_data)["gm_code"].tolist()
    assert {"GM0599", "GM0518"} <= set(ams)  # Rotterdam and Den Haag
    rot = peers("GM0599", n_peers=2, data=real_data)["gm_code"].tolist()
    assert "GM0518" in rot


@real
def test_real_matrix_consistent_and_deterministic(real_data):
    m = peer_matrix(real_data)
    assert m.shape == (342, 342)
    ap = all_peers(real_data, n_peers=10, matrix=m)
    for code in m.index[::17]:
        want = peers(code, n_peers=10, data=real_data)
        assert ap.loc[ap["gm_code"] == code, "peer_gm_code"].tolist() == want["gm_code"].tolist()
    pd.testing.assert_frame_equal(peers("GM0855", data=real_data), peers("GM0855", data=real_data))


@real
def test_real_benchmark_tilburg(real_data):
    from analysekit.analysis.deficits import deficits_all, load_inputs
    from analysekit.analysis.peers import benchmark

    t = load_inputs()
    values = deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], 2023)
    b = benchmark("GM0855", 2023, k=10, values=values, data=real_data)
    assert len(b.peers) == 10
    jeugd = b.position.set_index("domein").loc["Jeugd"]
    assert 1 <= jeugd["rang"] <= 11 and jeugd["groep_n"] == 11
    own = values[(values["gm_code"] == "GM0855") & (values["domein"] == "Jeugd")].iloc[0]
    peer_v = values[values["gm_code"].isin(b.peers["gm_code"]) & (values["domein"] == "Jeugd")]
    med = peer_v["netto_per_inwoner"].median()
    s = b.savings.set_index("domein").loc["Jeugd"]
    assert s["potentieel_eur"] == pytest.approx((own["netto_per_inwoner"] - med) * 227_707)
    assert (b.klassiek["grootteklasse"] == "150000tot250000inwoners").all()
    assert (b.klassiek["stedelijkheid"] == 1).all()
    assert "GM0772" in set(b.klassiek["gm_code"])  # Eindhoven


@real
def test_real_bad_input(real_data):
    with pytest.raises(ParameterError, match="blijven 12 gemeenten over, maar n_peers=20 gevraagd"):
        peers("GM0687", n_peers=20, data=real_data, filters={"provincie": "Zeeland"})
    with pytest.raises(ParameterError, match="blijven 0 gemeenten over"):
        peers("GM0687", n_peers=1, data=real_data,
              filters={"provincie": "Zeeland", "stedelijkheid": 1})
    with pytest.raises(UnknownGemeente):
        peers("GM0001", data=real_data)  # not a gemeente in 2023
    with pytest.raises(UnknownGemeente, match="Atlantis"):
        peers("Atlantis", data=real_data)
    assert peers("Tilburg", n_peers=3, data=real_data)["gm_code"].tolist() == peers(
        "GM0855", k=3, data=real_data)["gm_code"].tolist()
    from analysekit.analysis.deficits import load_inputs

    t = load_inputs()
    d = peer_data(t["kenmerken"], t["gemeenten"], 2023,
                  {"huishoudens": KenmerkSpec(("huishoudens",), ("inwoners",))})
    with pytest.raises(ParameterError, match=r"\['huishoudens'\] ontbreken voor GM1991"):
        peers("GM1991", data=d)  # Maashorst (2022) is not in the KWB 2017


@real
def test_real_choropleth(real_data):
    from matplotlib.figure import Figure

    from analysekit import load
    from analysekit.analysis.plots import plot_choropleth

    grenzen = load("grenzen", jaar=2023)
    p = peers("GM0855", n_peers=5, data=real_data)
    vals = real_data.values["bijstand"].rename("bijstand_per_inwoner").reset_index()
    fig = plot_choropleth(grenzen, vals, "bijstand_per_inwoner", "GM0855", p)
    assert isinstance(fig, Figure)


@real
def test_real_vijfheerenlanden_without_jaarrekening_2023_is_no_data(real_data):
    """GM1961 did not deliver its jaarrekening 2023: its lens is NaN, it is not ranked, it
    is nobody's peer, and medians are the medians over the gemeenten that did deliver."""
    from analysekit.analysis.deficits import deficits_all, load_inputs
    from analysekit.analysis.peers import benchmark, no_data
    from analysekit.vocab import TOTAAL

    t = load_inputs()
    values = deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], 2023,
                          levering=t["iv3_levering"])
    own = values[values["gm_code"] == "GM1961"]
    assert len(own) == 5 and own["netto_eur"].isna().all() and not own["geleverd"].any()
    assert no_data(values) == {"GM1961"}
    b = benchmark("GM1961", 2023, values=values, data=real_data)
    assert b.position["rang"].isna().all() and b.position["percentiel"].isna().all()
    assert b.savings["potentieel_eur"].isna().all()
    # a neighbour of Vijfheerenlanden does not get it as a peer, and its medians skip it
    for code in ("GM0263", "GM0855"):  # Wijk bij Duurstede, Tilburg
        bb = benchmark(code, 2023, values=values, data=real_data)
        assert "GM1961" not in set(bb.peers["gm_code"])
        assert "GM1961" not in set(bb.klassiek["gm_code"])
    # with GM1961 forced into the peer list, the median is that of the others
    p = b.peers["gm_code"].tolist()
    pos = position(values, "GM0855", [*p[:9], "GM1961"])
    tot = values[(values["domein"] == TOTAAL) & values["gm_code"].isin(p[:9])]
    got = pos.set_index("domein").loc[TOTAAL]
    assert got["peer_mediaan"] == pytest.approx(tot["netto_per_inwoner"].median())
    assert got["n_peers_met_waarde"] == 9
    # the national median of the lens is the median over the 341 that delivered
    d = values[values["domein"] == TOTAAL]
    assert d["netto_per_inwoner"].count() == 341
    assert d["netto_per_inwoner"].median() == pytest.approx(
        d.loc[d["geleverd"], "netto_per_inwoner"].median())
