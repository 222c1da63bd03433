"""Missing is not zero: iv3 holds only real submissions, iv3_levering lists who delivered.

Real figures from the mirror (built tables), plus exact answers on synthetic frames.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysekit.data.levering import ALLES_NUL, GELEVERD, ONTBREEKT, split_levering

#: The 7 non-deliveries of the michielsd files (2023–2025, the Iv3 source of those years).
NIET_GELEVERD_2023_2025 = {
    ("GM1961", 2023, "jaarrekening"),
    ("GM1961", 2024, "begroting"),
    ("GM1961", 2025, "begroting"),
    ("GM1992", 2023, "begroting"),
    ("GM0310", 2025, "begroting"),
    ("GM0415", 2025, "begroting"),
    ("GM1731", 2025, "begroting"),
}
#: The 25 all-zero submissions of cbs-iv3-meerjarig (2017–2026; read from the raw file in
#: test_the_25_all_zero_submissions_of_the_meerjarig_file); 3 of them are also above.
NIET_GELEVERD_MEERJARIG = {
    ("GM0141", 2022, "jaarrekening"),
    ("GM0299", 2018, "begroting"),
    ("GM0339", 2020, "jaarrekening"),
    ("GM0437", 2018, "begroting"),
    ("GM0457", 2022, "jaarrekening"),
    ("GM0505", 2022, "jaarrekening"),
    ("GM0545", 2018, "jaarrekening"),
    ("GM0620", 2018, "jaarrekening"),
    ("GM0707", 2018, "jaarrekening"),
    ("GM0809", 2024, "jaarrekening"),
    ("GM1598", 2017, "begroting"),
    ("GM1700", 2022, "jaarrekening"),
    ("GM1731", 2022, "begroting"),
    ("GM1735", 2020, "jaarrekening"),
    ("GM1948", 2017, "begroting"),
    ("GM1949", 2018, "begroting"),
    ("GM1950", 2018, "begroting"),
    ("GM1952", 2018, "begroting"),
    ("GM1961", 2023, "jaarrekening"),
    ("GM1961", 2024, "begroting"),
    ("GM1979", 2021, "begroting"),
    ("GM1980", 2022, "begroting"),
    ("GM1982", 2022, "begroting"),
    ("GM1991", 2022, "begroting"),
    ("GM1992", 2023, "begroting"),
}
NIET_GELEVERD = NIET_GELEVERD_2023_2025 | NIET_GELEVERD_MEERJARIG
#: Gemeenten per jaar × verslagsoort of each year's indeling (2026 = the source's codes).
PER_JAAR = {2017: 388, 2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342,
            2024: 342, 2025: 342, 2026: 342}


@pytest.fixture(scope="module")
def levering(built):
    import analysekit as ak

    return ak.load("iv3_levering")


def test_exactly_the_known_non_deliveries(levering):
    assert len(NIET_GELEVERD_MEERJARIG) == 25
    assert len(NIET_GELEVERD_MEERJARIG & NIET_GELEVERD_2023_2025) == 3
    assert len(NIET_GELEVERD) == 29  # 7 known + 22 more from the years 2017-2024/2026
    niet = levering[~levering["geleverd"]]
    assert set(zip(niet.gm_code, niet.jaar, niet.verslagsoort, strict=True)) == NIET_GELEVERD
    assert set(niet["reden"]) == {ALLES_NUL}
    assert (niet["n_taakvelden_niet_nul"] == 0).all()
    assert set(levering.loc[levering["geleverd"], "reden"]) == {GELEVERD}
    assert (levering.loc[levering["geleverd"], "n_taakvelden_niet_nul"] > 0).all()


def test_the_25_all_zero_submissions_of_the_meerjarig_file(mirror):
    raw = pd.read_csv(
        mirror / "cbs-iv3-meerjarig" / "iv3_lasten_taakveld.csv.gz", dtype={"taakveld": str}
    )
    nz = raw.assign(nz=raw.lasten_k_eur.ne(0)).groupby(["gm_code", "jaar", "verslagsoort"]).nz
    zero = nz.sum()[lambda s: s == 0].index
    assert set(zero) == NIET_GELEVERD_MEERJARIG
    tot = pd.read_csv(mirror / "cbs-iv3-meerjarig" / "iv3_totalen.csv.gz")
    tot = tot.set_index(["gm_code", "jaar", "verslagsoort"]).loc[list(zero)]
    assert (tot.filter(like="_k_eur") == 0).all().all()  # totals are all zero too


def test_one_row_per_gemeente_of_the_indeling(levering):
    counts = levering.groupby(["jaar", "verslagsoort"]).size().to_dict()
    want = {(j, "begroting"): n for j, n in PER_JAAR.items()}
    want |= {(j, "jaarrekening"): n for j, n in PER_JAAR.items() if j <= 2024}
    assert counts == want
    assert not levering.duplicated(["gm_code", "jaar", "verslagsoort"]).any()


def test_iv3_has_no_rows_for_missing_submissions(built):
    import analysekit as ak

    vh = ak.load("iv3", gemeente="Vijfheerenlanden")  # GM1961, formed 2019
    want = {(j, v) for j in range(2019, 2027) for v in ("begroting", "jaarrekening")
            if not (v == "jaarrekening" and j > 2024)}
    want -= {(j, v) for g, j, v in NIET_GELEVERD if g == "GM1961"}
    assert set(zip(vh.jaar, vh.verslagsoort, strict=True)) == want
    iv3 = ak.load("iv3", columns=["gm_code", "jaar", "verslagsoort"]).drop_duplicates()
    keys = set(zip(iv3.gm_code, iv3.jaar, iv3.verslagsoort, strict=True))
    assert not keys & NIET_GELEVERD
    n_cells = sum(PER_JAAR.values()) + sum(n for j, n in PER_JAAR.items() if j <= 2024)
    assert len(keys) == n_cells - len(NIET_GELEVERD)


def test_tilburg_delivered_and_a_genuine_zero_stays_zero(built):
    import analysekit as ak

    lev = ak.load("iv3_levering", gemeente="Tilburg", jaar=2023, verslagsoort="jaarrekening")
    assert lev["geleverd"].item() and lev["reden"].item() == GELEVERD
    t = ak.load("iv3", gemeente="Tilburg", jaar=2023, verslagsoort="jaarrekening")
    assert t.loc[t.taakveld == "6.72d", "lasten_eur"].item() == 43_122_000
    zero = t[(t.lasten_eur == 0) & (t.baten_eur == 0)]
    assert zero["taakveld"].tolist() == ["0.11"]  # a real, delivered 0 is kept as 0
    assert lev["n_taakvelden_niet_nul"].item() == len(t) - 1


def test_rule_is_in_the_metadata(built):
    from analysekit.data.provenance import read_meta

    for table in ("iv3", "iv3_levering"):
        meta = read_meta(table)
        assert "alle lasten en baten" in meta["rule"] and "blijft 0" in meta["rule"]
    meta = read_meta("iv3_levering")
    assert meta["key"] == ["gm_code", "jaar", "verslagsoort"]
    assert set(meta["columns"]) == {
        "gm_code",
        "jaar",
        "verslagsoort",
        "geleverd",
        "reden",
        "n_taakvelden_niet_nul",
    }


# ---------------------------------------------------------------- synthetic (exact answers)
def _synthetic() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic Iv3 rows: A delivers one non-zero taakveld, B only zeros/NaN, C nothing."""
    iv3 = pd.DataFrame(
        {
            "gm_code": ["GM0001", "GM0001", "GM0002", "GM0002"],
            "jaar": 2023,
            "verslagsoort": "begroting",
            "taakveld": ["6.1", "6.3", "6.1", "6.3"],
            "lasten_eur": [0.0, 5.0, 0.0, float("nan")],
            "baten_eur": [0.0, 0.0, float("nan"), 0.0],
            "salarissen_eur": [1.0, 1.0, 1.0, 1.0],  # not part of the rule
        }
    )
    gem = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003"], "jaar": 2023})
    return iv3, gem


def test_split_levering_synthetic():
    iv3, gem = _synthetic()
    kept, lev = split_levering(iv3, gem)
    assert kept[["gm_code", "taakveld", "lasten_eur"]].values.tolist() == [
        ["GM0001", "6.1", 0.0],
        ["GM0001", "6.3", 5.0],
    ]
    got = lev.set_index("gm_code")[["geleverd", "reden", "n_taakvelden_niet_nul"]]
    assert got.to_dict("index") == {
        "GM0001": {"geleverd": True, "reden": GELEVERD, "n_taakvelden_niet_nul": 1},
        "GM0002": {"geleverd": False, "reden": ALLES_NUL, "n_taakvelden_niet_nul": 0},
        "GM0003": {"geleverd": False, "reden": ONTBREEKT, "n_taakvelden_niet_nul": 0},
    }


def test_split_levering_negative_baten_counts_as_delivered():
    iv3, gem = _synthetic()
    iv3.loc[3, "baten_eur"] = -2.0  # a correction booking is a real figure
    _, lev = split_levering(iv3, gem)
    assert lev.set_index("gm_code").loc["GM0002", "geleverd"]


# ---------------------------------------------------------------- provenance
def test_provenance_sources_and_fingerprint(built):
    from analysekit.data import provenance as P

    src = P.sources_table()
    iv3 = src[src.tabel == "iv3"]
    assert iv3["id"].tolist() == [
        "45038NED", "45042NED", "45046NED", "45050NED", "45054NED", "45059NED", "45063NED",
        "45067NED", "45071NED", "45078NED",
    ]
    assert iv3["titel"].iloc[0] == "Gemeenten 2017 onbewerkte Iv3-data"
    per_jaar = dict(zip(iv3["jaren"].str[:4].astype(int), iv3["mirror"], strict=True))
    assert per_jaar[2017] == "cbs-iv3-meerjarig (commit 475e5a1ba0)"
    assert per_jaar[2024].startswith("michielsd-begrotingsanalysetool")  # begroting 2024
    assert per_jaar[2024].endswith("cbs-iv3-meerjarig (commit 475e5a1ba0)")  # jaarrekening
    assert set(src["uitgever"]) == {"CBS", "BZK"}
    assert set(src["herkomst"]) <= {"live", "mirror"}
    mirror_rows = src[src.herkomst == "mirror"]
    assert mirror_rows.loc[mirror_rows.jaren == "2025 (begroting)", "mirror"].iloc[0] == (
        "michielsd-begrotingsanalysetool (commit 67cc06d813 (2025-04-28))"
    )
    assert {"S2024", "M2024"} <= set(src.loc[src.tabel == "gemeentefonds", "id"])
    assert P.data_fingerprint() == P.data_fingerprint()
    assert len(P.data_fingerprint()) == 64
    assert P.mirror_commits(["michielsd-begrotingsanalysetool", "bestaat-niet"]) == {
        "michielsd-begrotingsanalysetool": "commit 67cc06d813 (2025-04-28)"
    }
    assert P.read_meta("bestaat-niet") == {}
    assert "mirror/rubensan19-kaarten/KoppelCodes.csv" in P.read_manifest()


def test_fingerprint_follows_the_recorded_hashes(tmp_path):
    import json

    from analysekit.data.provenance import data_fingerprint

    info = {"inputs": "x", "sha256": {"iv3.parquet": "a" * 64}}
    (tmp_path / "build.json").write_text(json.dumps(info), encoding="utf-8")
    one = data_fingerprint(tmp_path)
    info["sha256"]["iv3.parquet"] = "b" * 64
    (tmp_path / "build.json").write_text(json.dumps(info), encoding="utf-8")
    assert data_fingerprint(tmp_path) != one


def test_baten_bekend_per_submission_on_the_real_iv3(built):
    """The one rule for netto: baten per taakveld exist for jaarrekening 2023 and begroting
    2023–2025 (michielsd), not for the other years (cbs-iv3-meerjarig: lasten only)."""
    import analysekit as ak
    from analysekit.data.levering import baten_bekend

    iv3 = ak.load("iv3", gemeente="GM0855")
    b = baten_bekend(iv3)
    assert b[("GM0855", 2023, "jaarrekening")] and b[("GM0855", 2025, "begroting")]
    assert not b[("GM0855", 2024, "jaarrekening")] and not b[("GM0855", 2026, "begroting")]
    assert not b[("GM0855", 2017, "jaarrekening")]
    # without the column (an older build, synthetic tables): known when any baten is a number
    assert baten_bekend(iv3.drop(columns="baten_bekend")).equals(b)


def test_ladder_netto_is_missing_without_baten(built):
    """basis='netto' on a submission without baten per taakveld: NaN and a status, never
    the lasten (before, baten NaN were summed as 0)."""
    import analysekit as ak
    from analysekit.analysis.ladder import ladder_all

    iv3 = ak.load("iv3", gemeente="GM0855")
    lad = ladder_all(iv3, basis="netto").set_index(["jaar", "verslagsoort"])
    assert lad.loc[(2024, "jaarrekening"), "status"] == "geen baten per taakveld"
    assert pd.isna(lad.loc[(2024, "jaarrekening"), "ladder_eur"])
    assert lad.loc[(2023, "jaarrekening"), "status"] == "ok"
    lasten = ladder_all(iv3).set_index(["jaar", "verslagsoort"])
    assert lasten.loc[(2024, "jaarrekening"), "status"] == "ok"
