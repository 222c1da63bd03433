"""Missing is not zero: iv3 holds only real submissions, iv3_levering lists who delivered.

Real figures from the mirror (built tables), plus exact answers on synthetic frames.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysekit.data.levering import ALLES_NUL, GELEVERD, ONTBREEKT, split_levering

NIET_GELEVERD = {
    ("GM1961", 2023, "jaarrekening"),
    ("GM1961", 2024, "begroting"),
    ("GM1961", 2025, "begroting"),
    ("GM1992", 2023, "begroting"),
    ("GM0310", 2025, "begroting"),
    ("GM0415", 2025, "begroting"),
    ("GM1731", 2025, "begroting"),
}


@pytest.fixture(scope="module")
def levering(built):
    import analysekit as ak

    return ak.load("iv3_levering")


def test_exactly_the_known_non_deliveries(levering):
    niet = levering[~levering["geleverd"]]
    assert set(zip(niet.gm_code, niet.jaar, niet.verslagsoort, strict=True)) == NIET_GELEVERD
    assert set(niet["reden"]) == {ALLES_NUL}
    assert (niet["n_taakvelden_niet_nul"] == 0).all()
    assert set(levering.loc[levering["geleverd"], "reden"]) == {GELEVERD}
    assert (levering.loc[levering["geleverd"], "n_taakvelden_niet_nul"] > 0).all()


def test_one_row_per_gemeente_of_the_indeling(levering):
    counts = levering.groupby(["jaar", "verslagsoort"]).size().to_dict()
    assert counts == {
        (2023, "begroting"): 342,
        (2023, "jaarrekening"): 342,
        (2024, "begroting"): 342,
        (2025, "begroting"): 342,
    }
    assert not levering.duplicated(["gm_code", "jaar", "verslagsoort"]).any()


def test_iv3_has_no_rows_for_missing_submissions(built):
    import analysekit as ak

    vh = ak.load("iv3", gemeente="Vijfheerenlanden")
    assert set(zip(vh.jaar, vh.verslagsoort, strict=True)) == {(2023, "begroting")}
    iv3 = ak.load("iv3", columns=["gm_code", "jaar", "verslagsoort"]).drop_duplicates()
    keys = set(zip(iv3.gm_code, iv3.jaar, iv3.verslagsoort, strict=True))
    assert not keys & NIET_GELEVERD
    assert len(keys) == 4 * 342 - len(NIET_GELEVERD)


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
    assert iv3["id"].tolist() == ["45063NED", "45067NED", "45071NED"]
    assert iv3["titel"].iloc[0] == "Gemeenten 2023 onbewerkte Iv3-data"
    assert set(src["uitgever"]) == {"CBS", "BZK"}
    assert set(src["herkomst"]) <= {"live", "mirror"}
    mirror_rows = src[src.herkomst == "mirror"]
    assert mirror_rows.loc[mirror_rows.tabel == "iv3", "mirror"].iloc[0] == (
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
