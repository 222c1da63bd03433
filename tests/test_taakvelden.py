"""Taakveld → domein mapping, aggregate handling, on the real CBS definitie and Iv3 files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysekit.data.taakvelden import (
    BOEKJAREN,
    DOMEINEN,
    add_domein,
    aggregates,
    drop_replaced_aggregates,
    taakveld_mapping,
    taakveld_table,
)
from analysekit.errors import DataError, ParameterError

IV3_FILES = {
    (2023, "jaarrekening"): "2023_jaarrekening.csv",
    (2023, "begroting"): "2023_begroting.csv",
    (2024, "begroting"): "2024_begroting.csv",
    (2025, "begroting"): "2025_begroting.csv",
}
KEYS = ["gm_code", "jaar", "verslagsoort"]


def _definitie_codes(mirror: Path, jaar: int) -> set[str]:
    doc = json.loads(
        (mirror / "cbs-iv3-definities" / f"iv3_definities_Gemeente_{jaar}.json").read_text()
    )
    out: set[str] = set()

    def walk(nodes):
        for n in nodes:
            out.add(n["code"])
            walk(n.get("subcodes") or [])

    walk(doc["codelijsten"]["taakveld"]["codelijst"])
    return out


@pytest.fixture(scope="module")
def iv3_real(mirror: Path) -> pd.DataFrame:
    """The real mirror Iv3 files (thousands of euros) as the raw iv3 frame in euros.

    Read directly here (not through the lead's adapter) so this test only depends on the
    mirror: names → GM codes via KoppelCodes.csv and gemeentenamen.csv, 'Nederland' dropped.
    """
    koppel = pd.read_csv(
        mirror / "rubensan19-kaarten" / "KoppelCodes.csv", sep=";", encoding="utf-8-sig"
    )
    codes = dict(zip(koppel["gemeenteNaam"], koppel["gemeentCode"], strict=True))
    renames = pd.read_csv(
        mirror / "michielsd-begrotingsanalysetool" / "Brondata" / "gemeentenamen.csv", sep="\t"
    )
    for cbs, gf in zip(renames["Iv3naam"], renames["GFnaam"], strict=True):
        codes[gf] = codes[cbs]
    frames = []
    for (jaar, soort), name in IV3_FILES.items():
        df = pd.read_csv(
            mirror / "michielsd-begrotingsanalysetool" / "Analysedata" / "Iv3" / name, sep=";"
        )
        df = df[df["Gemeenten"] != "Nederland"]
        frames.append(
            pd.DataFrame(
                {
                    "gm_code": df["Gemeenten"].map(codes),
                    "jaar": jaar,
                    "verslagsoort": soort,
                    "taakveld": df["Taakveld"].str.extract(r"^(\d\.\d+[a-z]?)\s", expand=False),
                    "lasten_eur": df["Lasten"] * 1000.0,
                    "baten_eur": df["Baten"] * 1000.0,
                    "salarissen_eur": df["L1.1 Salarissen en sociale lasten"] * 1000.0,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    assert out["gm_code"].notna().all() and out["taakveld"].notna().all()
    return out


@pytest.fixture(scope="module")
def iv3_domein(iv3_real: pd.DataFrame, mirror: Path) -> pd.DataFrame:
    return add_domein(drop_replaced_aggregates(iv3_real), mirror=mirror)


# ----------------------------------------------------------------------------- mapping


def test_every_sociaal_domein_code_of_every_year_is_mapped_and_nothing_else(mirror):
    csv_codes = set(taakveld_mapping()["taakveld"])
    seen: set[str] = set()
    for jaar in BOEKJAREN:
        sd = {c for c in _definitie_codes(mirror, jaar) if c.startswith("6.") and c != "6."}
        assert sd <= csv_codes, (jaar, sd - csv_codes)
        seen |= sd
    from analysekit.data.taakvelden import ROLLUPS

    # no invented codes in the CSV: besides the official ones only the roll-ups that
    # cbs-iv3-meerjarig publishes (6.73-6.76, documented in the CSV)
    assert seen == csv_codes - set(ROLLUPS)


def test_mapping_domains_follow_the_gemeentefonds_clusters():
    m = taakveld_mapping().set_index("taakveld")
    assert set(m["domein"]) == set(DOMEINEN)
    expect = {
        "6.1": "Sociale basisvoorzieningen",
        "6.2": "Sociale basisvoorzieningen",
        "6.22": "Sociale basisvoorzieningen",  # toegang Jeugd is toegang, not maatwerk
        "6.3": "Participatie",
        "6.4": "Participatie",
        "6.5": "Participatie",
        "6.6": "Wmo",
        "6.60": "Wmo",
        "6.71b": "Wmo",
        "6.714": "Wmo",
        "6.791": "Wmo",
        "6.811": "Wmo",
        "6.91": "Wmo",
        "6.72": "Jeugd",
        "6.74c": "Jeugd",
        "6.763": "Jeugd",
        "6.792": "Jeugd",
        "6.822": "Jeugd",
        "6.92": "Jeugd",
    }
    for code, domein in expect.items():
        assert m.loc[code, "domein"] == domein, code
    # subdomein is the same concept across the 2023 and 2025 revisions
    assert m.loc["6.71a", "subdomein"] == m.loc["6.711", "subdomein"] == "Huishoudelijke hulp"
    assert m.loc["6.81a", "subdomein"] == m.loc["6.811", "subdomein"] == "Beschermd wonen"
    assert {m.loc[c, "subdomein"] for c in ("6.73a", "6.73c", "6.74b", "6.761", "6.763")} == {
        "Jeugdhulp met verblijf"
    }
    assert {m.loc[c, "subdomein"] for c in ("6.72a", "6.72d", "6.74a", "6.751", "6.753")} == {
        "Jeugdhulp ambulant"
    }
    assert {m.loc[c, "subdomein"] for c in ("6.82", "6.82a", "6.82b", "6.821", "6.822")} == {
        "Jeugdbescherming/reclassering"
    }
    assert {m.loc[c, "subdomein"] for c in ("6.2", "6.21", "6.22", "6.23")} == {"Toegang"}


def test_aggregates_and_their_refinements():
    aggs = aggregates()
    assert set(aggs) == {"6.71", "6.72", "6.81", "6.82"}
    assert aggs["6.71"] == ("6.71a", "6.71b", "6.71c", "6.71d")
    assert set(aggs["6.72"]) == {
        "6.72a",
        "6.72b",
        "6.72c",
        "6.72d",
        "6.73a",
        "6.73b",
        "6.73c",
        "6.74a",
        "6.74b",
        "6.74c",
    }
    # an aggregate and its refinements are in the same domein
    m = taakveld_mapping().set_index("taakveld")
    for agg, subs in aggs.items():
        assert set(m.loc[list(subs), "domein"]) == {m.loc[agg, "domein"]}


# ----------------------------------------------------------------------------- table


def test_taakveld_table_real_definities(mirror):
    t = taakveld_table(mirror)
    assert list(t.columns) == [
        "jaar",
        "taakveld",
        "taakveld_naam",
        "domein",
        "subdomein",
        "is_aggregaat",
        "hoofdtaakveld",
    ]
    sizes = t.groupby("jaar").size().to_dict()
    assert sizes == {
        2017: 53,
        2018: 53,
        2019: 53,
        2020: 53,
        2021: 53,
        2022: 53,
        2023: 71,
        2024: 71,
        2025: 69,
        2026: 69,
    }
    assert not t.duplicated(["jaar", "taakveld"]).any()
    assert not t["taakveld"].str.endswith(".").any() and "Tot_TV" not in set(t["taakveld"])
    sd = t["hoofdtaakveld"] == "6"
    assert t.loc[sd, "taakveld"].str.startswith("6.").all()
    # every 6.x code maps to one of the four domains in every year; the rest is Overig
    assert set(t.loc[sd, "domein"]) == set(DOMEINEN)
    assert (t.loc[~sd, "domein"] == "Overig").all()
    assert t["subdomein"].notna().all()
    for jaar in BOEKJAREN:
        assert set(t.loc[sd & (t["jaar"] == jaar), "domein"]) == set(DOMEINEN), jaar
    agg = t[t["is_aggregaat"]]
    assert set(agg["jaar"]) == {2023, 2024}
    assert set(agg["taakveld"]) == {"6.71", "6.72", "6.81", "6.82"}
    row = t[(t["jaar"] == 2025) & (t["taakveld"] == "6.792")].iloc[0]
    assert (row["taakveld_naam"], row["domein"], row["subdomein"]) == ("PGB Jeugd", "Jeugd", "PGB")
    row = t[(t["jaar"] == 2017) & (t["taakveld"] == "6.2")].iloc[0]
    assert row["taakveld_naam"] == "Wijkteams"
    assert t[(t["jaar"] == 2023) & (t["taakveld"] == "0.10")]["subdomein"].iloc[0] == (
        "Bestuur en ondersteuning"
    )


def test_unmapped_code_raises_naming_code_and_year(mirror, tmp_path):
    fake = tmp_path / "cbs-iv3-definities"
    shutil.copytree(mirror / "cbs-iv3-definities", fake)
    path = fake / "iv3_definities_Gemeente_2024.json"
    doc = json.loads(path.read_text())
    tot = doc["codelijsten"]["taakveld"]["codelijst"][0]["subcodes"]
    six = next(n for n in tot if n["code"] == "6.")
    six["subcodes"].append({"code": "6.99", "omschrijving": "Synthetic test code"})
    path.write_text(json.dumps(doc))
    with pytest.raises(DataError, match=r"6\.99 \(sociaal domein\) van boekjaar 2024"):
        taakveld_table(tmp_path)


def test_missing_definitie_file_raises(tmp_path):
    (tmp_path / "cbs-iv3-definities").mkdir()
    with pytest.raises(DataError, match="iv3_definities_Gemeente_2017.json"):
        taakveld_table(tmp_path)


# ----------------------------------------------------------------------------- real Iv3


def test_real_iv3_nothing_dropped_or_counted_twice(iv3_real, iv3_domein):
    # The only rows dropped are zero aggregates: totals per gemeente × jaar × verslagsoort
    # over all taakvelden are unchanged, for lasten and baten.
    for col in ("lasten_eur", "baten_eur", "salarissen_eur"):
        before = iv3_real.groupby(KEYS)[col].sum()
        after_tv = iv3_domein.groupby(KEYS)[col].sum()
        after_dom = iv3_domein.groupby([*KEYS, "domein"])[col].sum().groupby(level=KEYS).sum()
        pd.testing.assert_series_equal(before, after_tv)
        pd.testing.assert_series_equal(before, after_dom)
    # ... and the sociaal-domein total equals the sum of its domains per gemeente
    sd = iv3_domein[iv3_domein["taakveld"].str.startswith("6.")]
    by_dom = sd.groupby([*KEYS, "domein"])["lasten_eur"].sum().groupby(level=KEYS).sum()
    np.testing.assert_allclose(by_dom, sd.groupby(KEYS)["lasten_eur"].sum())
    # the remaining aggregate rows carry their own money (not subtotals, not zero)
    aggs = iv3_domein[iv3_domein["taakveld"].isin(["6.71", "6.72", "6.81", "6.82"])]
    assert set(aggs["jaar"]) <= {2023, 2024}
    amounts = aggs[["lasten_eur", "baten_eur", "salarissen_eur"]].fillna(0)
    assert (amounts != 0).any(axis=1).all()
    assert len(aggs) == 273  # real: 273 aggregate rows with own bookings in 2023-2024
    n_zero_aggs = (
        iv3_real["taakveld"].isin(["6.71", "6.72", "6.81", "6.82"])
        & (iv3_real["lasten_eur"].fillna(0) == 0)
        & (iv3_real["baten_eur"].fillna(0) == 0)
        & (iv3_real["salarissen_eur"].fillna(0) == 0)
    ).sum()
    assert len(iv3_real) - len(iv3_domein) == n_zero_aggs


def test_real_iv3_tilburg_jeugd_2023(iv3_real, iv3_domein):
    sel = (iv3_domein["gm_code"] == "GM0855") & (iv3_domein["jaar"] == 2023)
    sel &= iv3_domein["verslagsoort"] == "jaarrekening"
    jeugd = iv3_domein.loc[sel & (iv3_domein["domein"] == "Jeugd"), "lasten_eur"].sum()
    subs = [
        "6.72a",
        "6.72b",
        "6.72c",
        "6.72d",
        "6.73a",
        "6.73b",
        "6.73c",
        "6.74a",
        "6.74b",
        "6.74c",
        "6.82a",
        "6.82b",
    ]
    raw = iv3_real[
        (iv3_real["gm_code"] == "GM0855")
        & (iv3_real["jaar"] == 2023)
        & (iv3_real["verslagsoort"] == "jaarrekening")
        & iv3_real["taakveld"].isin(subs)
    ]
    assert len(raw) == 12
    assert jeugd == raw["lasten_eur"].sum() == 76_227_000.0
    names = iv3_domein.loc[sel].set_index("taakveld")["taakveld_naam"]
    assert names["6.73a"] == "Pleegzorg" and names["6.2"] == "Toegang en eerstelijnsvoorzieningen"


def test_real_iv3_asten_books_on_the_aggregate_and_keeps_it(iv3_domein):
    sel = (iv3_domein["gm_code"] == "GM0743") & (iv3_domein["jaar"] == 2023)
    sel &= iv3_domein["verslagsoort"] == "jaarrekening"
    row = iv3_domein[sel & (iv3_domein["taakveld"] == "6.71")]
    assert row["lasten_eur"].tolist() == [3_269_000.0]
    assert row["domein"].tolist() == ["Wmo"]


def test_real_iv3_2025_codes_all_map(iv3_domein):
    d = iv3_domein[(iv3_domein["jaar"] == 2025) & iv3_domein["taakveld"].str.startswith("6.")]
    assert set(d["domein"]) == set(DOMEINEN)
    assert d.groupby("taakveld")["domein"].nunique().max() == 1
    assert d.loc[d["taakveld"] == "6.22", "domein"].iloc[0] == "Sociale basisvoorzieningen"
    assert d["taakveld_naam"].notna().all()


# ----------------------------------------------------------------------------- synthetic


def _synthetic(rows):
    """Synthetic iv3 rows: (gm_code, jaar, taakveld, lasten, baten)."""
    df = pd.DataFrame(rows, columns=["gm_code", "jaar", "taakveld", "lasten_eur", "baten_eur"])
    df.insert(2, "verslagsoort", "jaarrekening")
    df["salarissen_eur"] = np.nan
    return df


def test_drop_aggregates_synthetic_cases():
    df = _synthetic(
        [
            # zero aggregate next to sub-codes -> dropped
            ("GM0001", 2023, "6.71", 0.0, 0.0),
            ("GM0001", 2023, "6.71a", 100.0, 1.0),
            ("GM0001", 2023, "6.71b", 50.0, 0.0),
            # subtotal aggregate -> dropped (would double count)
            ("GM0002", 2023, "6.81", 30.0, 3.0),
            ("GM0002", 2023, "6.81a", 10.0, 1.0),
            ("GM0002", 2023, "6.81b", 20.0, 2.0),
            # own booking on the aggregate -> kept
            ("GM0003", 2023, "6.82", 7.0, 0.0),
            ("GM0003", 2023, "6.82a", 40.0, 0.0),
            # aggregate whose sub-codes are all zero -> kept (the money is only on the aggregate)
            ("GM0004", 2023, "6.72", 9.0, 0.0),
            ("GM0004", 2023, "6.72a", 0.0, 0.0),
            # before the refinement: aggregates are the real codes -> kept
            ("GM0001", 2020, "6.71", 150.0, 1.0),
            ("GM0001", 2020, "6.72", 0.0, 0.0),
        ]
    )
    out = drop_replaced_aggregates(df)
    kept = set(zip(out["gm_code"], out["jaar"], out["taakveld"], strict=True))
    assert ("GM0001", 2023, "6.71") not in kept
    assert ("GM0002", 2023, "6.81") not in kept
    assert ("GM0003", 2023, "6.82") in kept
    assert ("GM0004", 2023, "6.72") in kept
    assert ("GM0001", 2020, "6.71") in kept and ("GM0001", 2020, "6.72") in kept
    assert len(out) == len(df) - 2
    # totals by domein after dropping are right (GM0002: 30, not 60)
    dom = add_domein(out).groupby(["gm_code", "jaar", "domein"])["lasten_eur"].sum()
    assert dom[("GM0002", 2023, "Wmo")] == 30.0
    assert dom[("GM0003", 2023, "Jeugd")] == 47.0


def test_drop_aggregates_needs_keys():
    with pytest.raises(ParameterError, match="verslagsoort"):
        drop_replaced_aggregates(
            pd.DataFrame({"gm_code": ["GM0001"], "jaar": [2023], "taakveld": ["6.71"]})
        )


def test_add_domein_nearest_year_and_unknown():
    df = pd.DataFrame(
        {"jaar": [2016, 2027, 2025, 2023], "taakveld": ["6.2", "6.21", "6.2", "0.10"]}
    )
    out = add_domein(df)
    assert out["taakveld_naam"].tolist() == [
        "Wijkteams",  # 2017 file, nearest to 2016
        "Toegang en eerstelijnsvoorzieningen WMO",  # 2026 file
        "Toegang en eerstelijnsvoorzieningen",  # 6.2 is not in 2025: nearest is 2024
        "Mutaties reserves",
    ]
    assert out["domein"].tolist() == [
        "Sociale basisvoorzieningen",
        "Sociale basisvoorzieningen",
        "Sociale basisvoorzieningen",
        "Overig",
    ]
    with pytest.raises(DataError, match=r"taakveld '9\.9'"):
        add_domein(pd.DataFrame({"jaar": [2023], "taakveld": ["9.9"]}))
    with pytest.raises(ParameterError, match="taakveld"):
        add_domein(pd.DataFrame({"jaar": [2023]}))


def test_bad_mapping_file_is_reported_with_its_line(tmp_path, monkeypatch):
    from analysekit.data import taakvelden

    bad = tmp_path / "taakveld_domein.csv"
    bad.write_text(
        "# synthetic mapping file\n"
        "taakveld,omschrijving,domein,subdomein,vervangen_door\n"
        "6.1,Samenkracht,Sociale basisvoorzieningen,Samenkracht,\n"
        "6.3,Inkomensregelingen,Zorg,Inkomen,\n"
    )
    monkeypatch.setattr(taakvelden.resources, "files", lambda pkg: tmp_path)
    taakvelden.taakveld_mapping.cache_clear()
    try:
        with pytest.raises(DataError, match=r"regel 4: domein 'Zorg'"):
            taakvelden.taakveld_mapping()
    finally:
        monkeypatch.undo()
        taakvelden.taakveld_mapping.cache_clear()
    assert len(taakvelden.taakveld_mapping()) == 54  # 50 official codes + 4 roll-ups
