"""Prijs × volume over time (issue 17 §7): change in lasten per inwoner between two KWB years.

Synthetic data (labelled synthetic, built here) give exact answers; the real mirror is
checked by hand from the raw files for Eindhoven (no herindeling) and for Tilburg's
2020 count (Haaren's area share added through the crosswalk).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysekit.analysis.prijs_volume import tijd as T
from analysekit.errors import ParameterError

# --------------------------------------------------------------------------- synthetic


def _syn_herindelingen() -> pd.DataFrame:
    """Synthetic crosswalk 2020 → 2021: GM0002 merges into GM0003, GM0005 is split 1:3."""
    rows = [("GM0001", "GM0001", 1.0), ("GM0002", "GM0003", 1.0), ("GM0003", "GM0003", 1.0),
            ("GM0005", "GM0001", 0.25), ("GM0005", "GM0003", 0.75), ("GM0006", "GM0006", 1.0),
            ("GM0007", "GM0007", 1.0)]
    return pd.DataFrame({"van_jaar": 2020, "van_gm_code": [r[0] for r in rows],
                         "naar_jaar": 2021, "naar_gm_code": [r[1] for r in rows],
                         "aandeel": [r[2] for r in rows], "sleutel": "synthetisch"})


def _syn_reeks() -> pd.DataFrame:
    """Synthetic domein_reeks on indeling 2021 (predecessors already summed)."""
    lasten = {("GM0001", 2020): 10e6, ("GM0001", 2021): 12e6,
              ("GM0003", 2020): 30e6, ("GM0003", 2021): 27e6,
              ("GM0006", 2020): 5e6, ("GM0006", 2021): 5e6,
              ("GM0007", 2020): 1e6, ("GM0007", 2021): 1e6}
    inw = {"GM0001": (20_000, 21_000), "GM0003": (50_000, 50_000), "GM0006": (9_000, 9_000),
           "GM0007": (2_000, 2_000)}
    rows = []
    for (gm, jaar), v in lasten.items():
        for dom in ("Wmo", "Participatie"):
            rows.append({"gm_code": gm, "indeling_jaar": 2021, "jaar": jaar,
                         "verslagsoort": "jaarrekening", "definitie": "gepubliceerd",
                         "domein": dom, "lasten_eur": v, "inwoners": inw[gm][jaar - 2020],
                         "geleverd": True, "n_voorgangers": 3 if gm == "GM0003" else 1})
    return pd.DataFrame(rows)


def _syn_kenmerken() -> pd.DataFrame:
    """Synthetic KWB counts: bijstand 2020 (old indeling) and 2021, Wmo only 2021."""
    b20 = {"GM0001": 400, "GM0002": 100, "GM0003": 300, "GM0005": 200, "GM0006": np.nan,
           "GM0007": 8}
    b21 = {"GM0001": 500, "GM0003": 600, "GM0006": 90, "GM0007": 9}
    rows = [(g, 2020, "personen_met_bijstand", v, "84799NED") for g, v in b20.items()]
    rows += [(g, 2021, "personen_met_bijstand", v, "85039NED") for g, v in b21.items()]
    rows += [(g, 2021, "wmo_clienten", 700.0, "85039NED") for g in b21]
    return pd.DataFrame(rows, columns=["gm_code", "jaar", "kenmerk", "waarde", "bron"])


@pytest.fixture(scope="module")
def syn() -> pd.DataFrame:
    return T.prijs_volume_tijd(_syn_reeks(), _syn_kenmerken(), _syn_herindelingen(),
                               2020, 2021).set_index(["gm_code", "domein"])


def test_synthetic_exact_split(syn):
    r = syn.loc[("GM0001", "Participatie")]
    # counts on the 2021 indeling: 400 + 0,25 × 200 = 450 (2020), 500 (2021)
    assert r["clienten_van"] == 450.0 and r["clienten_tot"] == 500.0 and r["deels_oppervlak"]
    y0, y1 = 10e6 / 20_000, 12e6 / 21_000
    v0, v1 = 1000 * 450 / 20_000, 1000 * 500 / 21_000
    p0, p1 = 10e6 / 450, 12e6 / 500
    assert abs(r["volume_van"] - v0) < 1e-9 and abs(r["prijs_tot"] - p1) < 1e-9
    assert abs(r["verschil"] - (y1 - y0)) < 1e-9
    assert abs(r["volume_deel"] - (v1 - v0) * p0 / 1000) < 1e-9
    assert abs(r["prijs_deel"] - v0 * (p1 - p0) / 1000) < 1e-9
    assert abs(r["interactie"] - (v1 - v0) * (p1 - p0) / 1000) < 1e-9
    # the merged gemeente: 100 + 300 + 0,75 × 200 = 550 clients in 2020, on 50.000 inwoners
    m = syn.loc[("GM0003", "Participatie")]
    assert m["clienten_van"] == 550.0 and m["n_voorgangers"] == 3
    assert abs(m["prijs_van"] - 30e6 / 550) < 1e-9 and abs(m["prijs_tot"] - 27e6 / 600) < 1e-9
    ok = syn.loc[syn["status"] == "ok"]
    assert len(ok) == 2
    parts = ok["volume_deel"] + ok["prijs_deel"] + ok["interactie"]
    assert (parts - ok["verschil"]).abs().max() < 1e-9
    assert (ok["basis"] == "lasten").all()


def test_synthetic_missing_small_and_no_pair(syn):
    # a predecessor without a count: no count (missing is not zero), no split
    assert syn.loc[("GM0006", "Participatie"), "status"] == "geen cliëntentelling 2020"
    assert np.isnan(syn.loc[("GM0006", "Participatie"), "volume_deel"])
    # 8 clients in 2020 (< 10): not divided by
    r = syn.loc[("GM0007", "Participatie")]
    assert r["status"] == "klein aantal 2020" and np.isnan(r["clienten_van"])
    assert np.isnan(r["prijs_van"]) and np.isnan(r["verschil"])
    # Wmo counted in 2021 only: never split
    assert (syn.xs("Wmo", level="domein")["status"] == T.STATUS_GEEN_PAAR).all()
    z = T.zin_tijd(syn.loc[("GM0001", "Wmo")].to_dict() | {"domein": "Wmo"}, "X")
    assert "geen splitsing" in z and "2020 als 2021" in z and "€ 0" not in z


def test_kitagawa_adds_up_and_bad_input():
    out = T.prijs_volume_tijd(_syn_reeks(), _syn_kenmerken(), _syn_herindelingen(), 2020,
                              2021, methode="kitagawa")
    ok = out.loc[out["status"] == "ok"]
    assert ((ok["volume_deel"] + ok["prijs_deel"] - ok["verschil"]).abs() < 1e-9).all()
    with pytest.raises(ParameterError, match="ligt niet vóór"):
        T.prijs_volume_tijd(_syn_reeks(), _syn_kenmerken(), _syn_herindelingen(), 2021, 2020)
    with pytest.raises(ParameterError, match="staat niet in domein_reeks"):
        T.prijs_volume_tijd(_syn_reeks(), _syn_kenmerken(), _syn_herindelingen(), 2019, 2021)


# --------------------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def real(built):
    import analysekit

    k, r, h = (analysekit.load(n) for n in ("kenmerken", "domein_reeks", "herindelingen"))
    return {"k": k, "h": h, "r": r, "out": T.prijs_volume_tijd(r, k, h, 2020, 2021)}


def test_real_years_and_statuses(real):
    t = T.kwb_tellingen(real["k"])
    twee = t.groupby(["domein", "kenmerk"])["jaar"].nunique()
    # only the bijstand count has two KWB years (2020: 84799NED, 2021: 85039NED); the KWB 2020
    # capture has empty Wmo and jeugdzorg columns and mapnl-kwb2017 has no client counts
    assert sorted(twee[twee >= 2].index.get_level_values("domein").unique()) == ["Participatie"]
    assert set(t.loc[t["kenmerk"] == "personen_met_bijstand", "bron"]) == {"84799NED",
                                                                            "85039NED"}
    out = real["out"]
    assert len(out) == 342 * 3
    p = out.loc[out["domein"] == "Participatie"]
    assert (p["status"] == "ok").sum() == 339
    assert (out.loc[out["domein"] != "Participatie", "status"].isin(
        [T.STATUS_GEEN_PAAR, "geen gegevens"])).all()
    ok = out.loc[out["status"] == "ok"]
    assert ((ok["volume_deel"] + ok["prijs_deel"] + ok["interactie"] - ok["verschil"])
            .abs().max()) < 1e-9


def test_eindhoven_by_hand_from_raw_files(real, mirror):
    raw = pd.read_csv(mirror / "cbs-iv3-meerjarig/iv3_lasten_taakveld.csv.gz",
                      dtype={"taakveld": str})
    inw = pd.read_csv(mirror / "cbs-iv3-meerjarig/inwoners.csv.gz").set_index(
        ["gm_code", "jaar"])["inwoners"]
    kwb20 = pd.read_parquet(mirror / "dataverbinders-statline-bq/84799NED/"
                            "cbs.v3.84799NED_TypedDataSet.parquet")
    kwb21 = pd.read_csv(mirror / "nlstat-kwb2021/nl_data_gemeenten_flat.csv")

    def lasten(jaar):
        x = raw.loc[(raw["gm_code"] == "GM0772") & (raw["jaar"] == jaar)
                    & (raw["verslagsoort"] == "jaarrekening")
                    & raw["taakveld"].isin(["6.3", "6.4", "6.5"])]
        return 1000.0 * x["lasten_k_eur"].sum()

    y0, y1 = lasten(2020) / inw[("GM0772", 2020)], lasten(2021) / inw[("GM0772", 2021)]
    c0 = kwb20.loc[kwb20["WijkenEnBuurten"].str.strip() == "GM0772",
                   "PersonenPerSoortUitkeringBijstand_83"].iloc[0]
    e21 = kwb21.loc[kwb21["gm_code"] == "GM0772"].iloc[0]
    # the nlstat file has bijstand per 1.000 (28,3) and the KWB population; CBS counts are tens
    c1 = round(e21["Inequality|Bijstand recipients (per 1k)"] * e21["Population"] / 1000, -1)
    assert (c0, c1) == (6770.0, 6670.0)
    v0, v1 = 1000 * c0 / inw[("GM0772", 2020)], 1000 * c1 / inw[("GM0772", 2021)]
    p0, p1 = 1000 * y0 / v0, 1000 * y1 / v1
    r = real["out"].set_index(["gm_code", "domein"]).loc[("GM0772", "Participatie")]
    assert abs(r["lasten_per_inwoner_van"] - y0) < 1e-9
    assert abs(r["lasten_per_inwoner_tot"] - y1) < 1e-9
    assert abs(r["volume_deel"] - (v1 - v0) * p0 / 1000) < 1e-9
    assert abs(r["prijs_deel"] - v0 * (p1 - p0) / 1000) < 1e-9
    assert abs(r["interactie"] - (v1 - v0) * (p1 - p0) / 1000) < 1e-9
    # the figures of docs/prijs-volume.md: € 909 → € 856, −€ 18 volume, −€ 36 price
    assert round(y0) == 909 and round(y1) == 856
    assert round(r["volume_deel"]) == -18 and round(r["prijs_deel"]) == -36
    z = T.zin_tijd(r.to_dict() | {"gm_code": "GM0772", "domein": "Participatie"}, "Eindhoven")
    assert "Bij Eindhoven daalden de lasten voor Participatie van € 909 naar € 856" in z.replace(
        "\u00a0", " ")
    assert "(jaarrekening 2020 → 2021)" in z and "KWB 2020 en KWB 2021" in z


def test_tilburg_count_includes_haarens_share(real, mirror):
    kwb20 = pd.read_parquet(mirror / "dataverbinders-statline-bq/84799NED/"
                            "cbs.v3.84799NED_TypedDataSet.parquet")
    code = kwb20["WijkenEnBuurten"].str.strip()
    col = "PersonenPerSoortUitkeringBijstand_83"
    tilburg, haaren = (kwb20.loc[code == c, col].iloc[0] for c in ("GM0855", "GM0788"))
    h = real["h"]
    share = h.loc[(h["van_jaar"] == 2020) & (h["van_gm_code"] == "GM0788")
                  & (h["naar_gm_code"] == "GM0855"), "aandeel"].iloc[0]
    r = real["out"].set_index(["gm_code", "domein"]).loc[("GM0855", "Participatie")]
    assert 0 < share < 1 and r["deels_oppervlak"] and r["n_voorgangers"] == 2
    assert abs(r["clienten_van"] - (tilburg + share * haaren)) < 1e-9
    assert T.tijd_jaren(real["k"], real["r"]) == (2020, 2021)
