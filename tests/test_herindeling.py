"""Boundaries per indeling year and the herindelingen crosswalk, on the real mirror."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysekit.data.herindeling import build_crosswalk, chain, successors, to_indeling
from analysekit.data.mirror.grenzen import GRENZEN_BRONNEN, build_grenzen, read_grenzen_file
from analysekit.errors import DataError, ParameterError

COUNTS = {
    2015: 393,
    2016: 390,
    2017: 388,
    2018: 380,
    2019: 355,
    2020: 355,
    2021: 352,
    2022: 345,
    2023: 342,
    2024: 342,
    2025: 342,
}


@pytest.fixture(scope="module")
def grenzen(mirror):
    return build_grenzen(mirror)


@pytest.fixture(scope="module")
def cw(grenzen):
    return build_crosswalk(grenzen)


def _rows(cw, van_jaar, code):
    r = cw[(cw["van_jaar"] == van_jaar) & (cw["van_gm_code"] == code)]
    return dict(zip(r["naar_gm_code"], r["aandeel"], strict=True)), set(r["sleutel"])


# ----------------------------------------------------------------------------- grenzen


def test_grenzen_real(grenzen):
    assert list(grenzen.columns) == ["gm_code", "jaar", "naam", "geometry"]
    assert grenzen.crs.to_epsg() == 4326
    assert grenzen.groupby("jaar").size().to_dict() == COUNTS
    assert not grenzen.duplicated(["jaar", "gm_code"]).any()
    assert grenzen["gm_code"].str.fullmatch(r"GM\d{4}").all()
    assert shapely.is_valid(grenzen.geometry.array).all()
    assert grenzen.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    minx, miny, maxx, maxy = grenzen.total_bounds
    assert 3.3 < minx < 3.4 and 50.7 < miny < 50.8 and 7.2 < maxx < 7.3 and 53.5 < maxy < 53.6
    g23 = grenzen[grenzen["jaar"] == 2023].reset_index(drop=True)
    g25 = grenzen[grenzen["jaar"] == 2025].reset_index(drop=True)
    assert g23["gm_code"].tolist() == g25["gm_code"].tolist()
    assert g23.geometry.geom_equals(g25.geometry).all()
    names = grenzen.set_index(["jaar", "gm_code"])["naam"]
    # names kept as each file publishes them
    assert names[(2022, "GM0014")] == "Groningen"
    assert names[(2023, "GM0014")] == "Groningen (gemeente)"
    assert names[(2023, "GM1992")] == "Voorne aan Zee"
    assert names[(2020, "GM0788")] == "Haaren"


def test_grenzen_missing_file_names_it(tmp_path):
    with pytest.raises(DataError, match="gemeentegrenzen_2015.geojson"):
        build_grenzen(tmp_path)


def test_grenzen_bad_files_name_the_file(tmp_path):
    bron = GRENZEN_BRONNEN[2021]
    bad = tmp_path / "broken.geojson"
    bad.write_text("{ not json")
    with pytest.raises(DataError, match="broken.geojson"):
        read_grenzen_file(bad, 2021, bron)
    feature = {
        "type": "Feature",
        "properties": {"statcode": "XX0001", "statnaam": "Synthetic"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52]]],
        },
    }
    wrong = tmp_path / "wrong_code.geojson"
    wrong.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(DataError, match=r"wrong_code.geojson.*'XX0001'"):
        read_grenzen_file(wrong, 2021, bron)
    feature["properties"] = {"code": "GM0001"}
    nocol = tmp_path / "no_statcode.geojson"
    nocol.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(DataError, match=r"no_statcode.geojson: eigenschap.*'statcode'.* ontbreken"):
        read_grenzen_file(nocol, 2021, bron)


def test_grenzen_repairs_invalid_geometry(tmp_path):
    bowtie = [[[5, 52], [5.1, 52.1], [5.1, 52], [5, 52.1], [5, 52]]]  # synthetic self-crossing ring
    f = {
        "type": "Feature",
        "properties": {"statcode": "GM0001", "statnaam": "Synthetic"},
        "geometry": {"type": "Polygon", "coordinates": bowtie},
    }
    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [f]}))
    out = read_grenzen_file(path, 2021, GRENZEN_BRONNEN[2021])
    assert out.geometry.is_valid.all()
    assert shapely.area(out.geometry.array[0]) > 0


# ----------------------------------------------------------------------------- crosswalk


def test_crosswalk_shares_sum_to_one_and_cover_every_code(grenzen, cw):
    assert list(cw.columns) == [
        "van_jaar",
        "van_gm_code",
        "naar_jaar",
        "naar_gm_code",
        "aandeel",
        "sleutel",
    ]
    sums = cw.groupby(["van_jaar", "van_gm_code"])["aandeel"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=0, atol=1e-12)
    assert (cw["aandeel"] > 0).all()
    assert set(cw["sleutel"]) == {"identiek", "samenvoeging", "oppervlak"}
    codes = grenzen.groupby("jaar")["gm_code"].apply(set).to_dict()
    for jaar in range(2015, 2025):
        step = cw[cw["van_jaar"] == jaar]
        assert set(step["naar_jaar"]) == {jaar + 1}
        assert set(step["van_gm_code"]) == codes[jaar]
        assert set(step["naar_gm_code"]) <= codes[jaar + 1]
    # identiek exactly when the code continues
    both = cw["van_gm_code"] == cw["naar_gm_code"]
    assert (both == (cw["sleutel"] == "identiek")).all()
    assert len(codes[2023]) == 342


def test_crosswalk_known_mergers_2018_2019(cw):
    step = cw[cw["van_jaar"] == 2018]
    gone = step[step["sleutel"] != "identiek"]
    assert gone["van_gm_code"].nunique() == 34  # 34 gemeenten ended on 1 January 2019
    assert step["naar_gm_code"].nunique() == 355
    for old in ("GM0545", "GM0707", "GM0620"):  # Leerdam, Zederik, Vianen
        assert _rows(cw, 2018, old) == ({"GM1961": 1.0}, {"samenvoeging"})  # Vijfheerenlanden
    for old in ("GM0017", "GM0009"):  # Haren, Ten Boer
        assert _rows(cw, 2018, old) == ({"GM0014": 1.0}, {"samenvoeging"})  # Groningen
    for old in ("GM0584", "GM0585", "GM0588", "GM0611", "GM0617"):
        assert _rows(cw, 2018, old)[0] == {"GM1963": 1.0}  # Hoeksche Waard
    # Winsum was split: Ezinge and surroundings went to Westerkwartier
    shares, sleutel = _rows(cw, 2018, "GM0053")
    assert sleutel == {"oppervlak"} and set(shares) == {"GM1966", "GM1969"}
    assert shares["GM1966"] == pytest.approx(0.765, abs=0.005)
    # continuing gemeenten map to themselves
    assert _rows(cw, 2018, "GM0855") == ({"GM0855": 1.0}, {"identiek"})


def test_crosswalk_haaren_split_2021(cw):
    shares, sleutel = _rows(cw, 2020, "GM0788")
    assert sleutel == {"oppervlak"}
    assert set(shares) == {
        "GM0757",
        "GM0824",
        "GM0855",
        "GM0865",
    }  # Boxtel Oisterwijk Tilburg Vught
    expect = {"GM0757": 0.097, "GM0824": 0.286, "GM0855": 0.197, "GM0865": 0.420}
    for code, share in expect.items():
        assert shares[code] == pytest.approx(share, abs=0.005)


def test_crosswalk_no_generalisation_slivers(cw):
    # Border strips that differ only by generalisation are not successors (the 2022 and
    # 2023 files come from different sources, so the noise there is largest).
    assert _rows(cw, 2022, "GM0457") == ({"GM0363": 1.0}, {"samenvoeging"})  # Weesp -> Amsterdam
    for old in ("GM0501", "GM0530", "GM0614"):  # Voorne aan Zee, 2023
        assert _rows(cw, 2022, old) == ({"GM1992": 1.0}, {"samenvoeging"})
    assert _rows(cw, 2016, "GM0844") == ({"GM1948": 1.0}, {"samenvoeging"})  # Schijndel
    split = cw[cw["sleutel"] == "oppervlak"]
    assert sorted(split["van_gm_code"].unique()) == ["GM0053", "GM0140", "GM0424", "GM0788"]


def test_chain(cw):
    full = chain(cw, 2015, 2025)
    assert full["van_gm_code"].nunique() == 393
    assert full["naar_gm_code"].nunique() == 342
    np.testing.assert_allclose(full.groupby("van_gm_code")["aandeel"].sum(), 1.0, atol=1e-12)
    rows = full.set_index("van_gm_code")
    assert rows.loc["GM0855", "sleutel"] == "identiek"
    # Zevenaar (GM0299) continued but absorbed Rijnwaarden: still identiek from its own view
    assert rows.loc["GM0299", "sleutel"] == "identiek"
    assert rows.loc["GM0196", "naar_gm_code"] == "GM0299"
    # Muiden 2015 -> partly Weesp (2016) -> Amsterdam (2023)
    muiden = full[full["van_gm_code"] == "GM0424"].set_index("naar_gm_code")["aandeel"]
    assert set(muiden.index) == {"GM1942", "GM0363"}
    ident = chain(cw, 2019, 2019)
    assert len(ident) == 355 and (ident["sleutel"] == "identiek").all()
    assert successors(cw, "GM0545", 2018, 2025)["naar_gm_code"].tolist() == ["GM1961"]
    with pytest.raises(ParameterError, match="ligt vóór"):
        chain(cw, 2020, 2019)
    with pytest.raises(ParameterError, match="2014"):
        chain(cw, 2014, 2020)


# ----------------------------------------------------------------------------- to_indeling

SYNTH_CW = pd.DataFrame(
    # synthetic: 2000 -> 2001: A and B merge into C; D split 25/75 over E and F; G continues.
    [
        (2000, "GM0001", 2001, "GM0003", 1.0, "samenvoeging"),
        (2000, "GM0002", 2001, "GM0003", 1.0, "samenvoeging"),
        (2000, "GM0004", 2001, "GM0005", 0.25, "oppervlak"),
        (2000, "GM0004", 2001, "GM0006", 0.75, "oppervlak"),
        (2000, "GM0005", 2001, "GM0005", 1.0, "identiek"),
        (2000, "GM0006", 2001, "GM0006", 1.0, "identiek"),
        (2000, "GM0007", 2001, "GM0007", 1.0, "identiek"),
        # 2001 -> 2002: C and G merge into H
        (2001, "GM0003", 2002, "GM0008", 1.0, "samenvoeging"),
        (2001, "GM0005", 2002, "GM0005", 1.0, "identiek"),
        (2001, "GM0006", 2002, "GM0006", 1.0, "identiek"),
        (2001, "GM0007", 2002, "GM0008", 1.0, "samenvoeging"),
    ],
    columns=["van_jaar", "van_gm_code", "naar_jaar", "naar_gm_code", "aandeel", "sleutel"],
)
SYNTH_CODES = {
    2000: ["GM0001", "GM0002", "GM0004", "GM0005", "GM0006", "GM0007"],
    2001: ["GM0003", "GM0005", "GM0006", "GM0007"],
    2002: ["GM0005", "GM0006", "GM0008"],
}


def test_to_indeling_synthetic_exact():
    df = pd.DataFrame(
        {
            "gm_code": ["GM0001", "GM0002", "GM0004", "GM0005", "GM0006", "GM0007", "GM0003"],
            "jaar": [2000, 2000, 2000, 2000, 2000, 2000, 2001],
            "clienten": [10.0, 20.0, 100.0, 1.0, 2.0, 5.0, 7.0],
        }
    )
    out = to_indeling(
        df, "clienten", naar_jaar=2001, crosswalk=SYNTH_CW[SYNTH_CW["van_jaar"] == 2000]
    )
    got = out.set_index(["gm_code", "jaar"])["clienten"].to_dict()
    assert got == {
        ("GM0003", 2000): 30.0,
        ("GM0005", 2000): 26.0,
        ("GM0006", 2000): 77.0,
        ("GM0007", 2000): 5.0,
        ("GM0003", 2001): 7.0,
    }
    out = to_indeling(df, ["clienten"], crosswalk=SYNTH_CW)  # default: newest year 2002
    got = out.set_index(["gm_code", "jaar"])["clienten"].to_dict()
    assert got == {
        ("GM0005", 2000): 26.0,
        ("GM0006", 2000): 77.0,
        ("GM0008", 2000): 35.0,
        ("GM0008", 2001): 7.0,
    }


def test_to_indeling_keeps_key_columns_and_nan():
    df = pd.DataFrame(
        {
            "gm_code": ["GM0001", "GM0002", "GM0001", "GM0002"],
            "jaar": [2000] * 4,
            "domein": ["Wmo", "Wmo", "Jeugd", "Jeugd"],
            "lasten_eur": [1.0, 2.0, np.nan, np.nan],
        }
    )
    out = to_indeling(df, "lasten_eur", naar_jaar=2001, crosswalk=SYNTH_CW)
    assert list(out.columns) == ["gm_code", "jaar", "domein", "lasten_eur"]
    got = out.set_index("domein")["lasten_eur"]
    assert got["Wmo"] == 3.0 and np.isnan(got["Jeugd"])


def test_to_indeling_errors():
    df = pd.DataFrame({"gm_code": ["GM0001"], "jaar": [2000], "x": [1.0], "naam": ["A"]})
    with pytest.raises(ParameterError, match="'y'"):
        to_indeling(df, "y", crosswalk=SYNTH_CW)
    with pytest.raises(ParameterError, match="'periode'"):
        to_indeling(df, "x", jaar_col="periode", crosswalk=SYNTH_CW)
    with pytest.raises(ParameterError, match="'naam'"):
        to_indeling(df, "naam", crosswalk=SYNTH_CW)
    with pytest.raises(DataError, match="GM0099"):
        to_indeling(df.assign(gm_code="GM0099"), "x", crosswalk=SYNTH_CW)
    with pytest.raises(ParameterError, match="1999"):
        to_indeling(df.assign(jaar=1999), "x", crosswalk=SYNTH_CW)
    with pytest.raises(ParameterError, match="ligt vóór"):
        to_indeling(df.assign(jaar=2002), "x", naar_jaar=2001, crosswalk=SYNTH_CW)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    jaar=st.sampled_from([2000, 2001, 2002]),
    seed=st.integers(0, 2**32 - 1),
    naar=st.sampled_from([2001, 2002]),
)
def test_to_indeling_conserves_totals_synthetic(jaar, seed, naar):
    if jaar > naar:
        return
    rng = np.random.default_rng(seed)
    codes = SYNTH_CODES[jaar]
    df = pd.DataFrame({"gm_code": codes, "jaar": jaar, "v": rng.uniform(-1e6, 1e6, len(codes))})
    out = to_indeling(df, "v", naar_jaar=naar, crosswalk=SYNTH_CW)
    assert out["v"].sum() == pytest.approx(df["v"].sum(), rel=1e-9, abs=1e-6)
    assert set(out["gm_code"]) <= set(SYNTH_CODES[naar])


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    jaren=st.lists(st.integers(2015, 2025), min_size=1, max_size=3, unique=True),
    seed=st.integers(0, 2**32 - 1),
)
def test_to_indeling_conserves_totals_real(cw, grenzen, jaren, seed):
    rng = np.random.default_rng(seed)
    codes = grenzen.groupby("jaar")["gm_code"].apply(list).to_dict()
    df = pd.concat(
        [
            pd.DataFrame(
                {
                    "gm_code": codes[j],
                    "jaar": j,
                    "a": rng.gamma(2.0, 1e5, len(codes[j])),
                    "b": rng.integers(0, 1000, len(codes[j])).astype(float),
                }
            )
            for j in jaren
        ],
        ignore_index=True,
    )
    out = to_indeling(df, ["a", "b"], crosswalk=cw)
    assert set(out["gm_code"]) <= set(codes[2025])
    before = df.groupby("jaar")[["a", "b"]].sum()
    after = out.groupby("jaar")[["a", "b"]].sum()
    pd.testing.assert_frame_equal(before, after, rtol=1e-10)


def test_to_indeling_real_population_2018(cw, mirror):
    """CBS 70072ned population of 1 January 2018 in the 2019 indeling."""
    path = (
        Path(mirror) / "lostconnectionhere-r_practice" / "data" / "regionale_kerncijfers_subset.csv"
    )
    raw = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
    raw = raw.apply(lambda s: s.str.strip())
    raw["jaar"] = raw["Perioden"].str[:4].astype(int)
    raw["inwoners"] = pd.to_numeric(raw["TotaleBevolking_1"], errors="coerce")
    pop = raw.loc[
        raw["jaar"].isin([2018, 2019]) & raw["inwoners"].notna(), ["RegioS", "jaar", "inwoners"]
    ].rename(columns={"RegioS": "gm_code"})
    p18 = pop[pop["jaar"] == 2018]
    assert len(p18) == 380
    out = to_indeling(p18, "inwoners", naar_jaar=2019, crosswalk=cw).set_index("gm_code")[
        "inwoners"
    ]
    assert len(out) == 355
    assert out.sum() == pytest.approx(p18["inwoners"].sum())
    by = p18.set_index("gm_code")["inwoners"]
    assert out["GM1961"] == by[["GM0545", "GM0707", "GM0620"]].sum()  # Vijfheerenlanden
    # Pure mergers come close to the real 2019 population (one year of growth, < 2%)
    p19 = pop[pop["jaar"] == 2019].set_index("gm_code")["inwoners"]
    for code in ("GM1961", "GM1963", "GM0014", "GM1970"):
        assert out[code] == pytest.approx(p19[code], rel=0.02), code
    # Winsum was split by area, not population: Het Hogeland gets 3.0% too few people and
    # Westerkwartier 2.2% too many (the known limit of the area key), but together they
    # are right.
    assert out["GM1966"] / p19["GM1966"] - 1 == pytest.approx(-0.030, abs=0.002)
    pair = ["GM1966", "GM1969"]
    assert out[pair].sum() == pytest.approx(p19[pair].sum(), rel=0.01)
