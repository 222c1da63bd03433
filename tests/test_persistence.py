"""Tests for analysekit.analysis.persistence (synthetic series with known answers, real mirror)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysekit.analysis import persistence as P
from analysekit.errors import ParameterError


def synthetic_reeks(overrun: dict[str, list[float]]) -> pd.DataFrame:
    """SYNTHETIC: begroting 100 (k€) every year 2017–2024; jaarrekening = 100 + overrun[j]."""
    rows = []
    for code, ov in overrun.items():
        for k, j in enumerate(range(2017, 2025)):
            rows.append({"gm_code": code, "jaar": j, "verslagsoort": "begroting",
                         "domein": "Jeugd", "lasten_eur": 100_000.0, "inwoners": 1000,
                         "geleverd": True})
            v = ov[k]
            rows.append({"gm_code": code, "jaar": j, "verslagsoort": "jaarrekening",
                         "domein": "Jeugd",
                         "lasten_eur": np.nan if np.isnan(v) else 100_000.0 + 1000.0 * v,
                         "inwoners": 1000, "geleverd": not np.isnan(v)})
    return pd.DataFrame(rows)


CASES = {
    # overrun in k€ per year 2017..2024
    "GM9001": [5, 5, 5, 5, 0.5, 5, 5, 5],        # 3 of the last 4 (0.5% is under the 1% drempel)
    "GM9002": [5, 5, 5, 5, 5, -5, -5, 5],        # 2 of the last 4: niet structureel
    "GM9003": [5, 5, 5, 5, 5, np.nan, np.nan, 5],  # last 4 years with data: 2019, 2020, 2021, 2024
    "GM9004": [np.nan] * 6 + [5, 5],             # only 2 years: onbekend
    "GM9005": [1, 2, 3, 4, 5, 6, 7, 8],          # trend +1 k€ per year
}


def test_overruns_and_rule_on_synthetic():
    ov = P.overruns(synthetic_reeks(CASES))
    assert set(ov["gm_code"]) == set(CASES)
    g1 = ov.loc[ov["gm_code"] == "GM9001"].set_index("jaar")
    assert g1.loc[2021, "overschrijding_eur"] == 500.0
    assert not g1.loc[2021, "overschreden"] and g1.loc[2022, "overschreden"]
    assert len(ov.loc[ov["gm_code"] == "GM9004"]) == 2  # missing years are left out, not 0
    p = P.persistence(ov).set_index("gm_code")
    assert p.loc["GM9001", "status"] == P.STRUCTUREEL
    assert p.loc["GM9001", "n_overschreden"] == 7 and p.loc["GM9001", "n_jaren"] == 8
    assert p.loc["GM9001", "structureel_eur"] == pytest.approx((500 + 5000 * 3) / 4)
    assert p.loc["GM9001", "structureel_sd_eur"] == pytest.approx(
        np.std([500, 5000, 5000, 5000], ddof=1))
    assert p.loc["GM9001", "laatste_jaren"] == "2021–2024"
    assert p.loc["GM9002", "status"] == P.NIET_STRUCTUREEL
    assert np.isnan(p.loc["GM9002", "structureel_eur"])
    assert p.loc["GM9003", "status"] == P.STRUCTUREEL
    assert p.loc["GM9003", "laatste_jaren"] == "2019–2024"
    assert p.loc["GM9004", "status"] == P.ONBEKEND and not p.loc["GM9004", "structureel"]
    assert p.loc["GM9005", "trend_eur_per_jaar"] == pytest.approx(1000.0)
    assert p.loc["GM9005", "trend_laag"] == pytest.approx(1000.0)


def test_sentence():
    p = P.persistence(P.overruns(synthetic_reeks(CASES))).set_index("gm_code")
    s = P.persistence_sentence(p.loc["GM9001"].to_dict() | {"domein": "Jeugd"})
    assert s.startswith("Jeugd overschreed de begroting op de lasten in 7 van de 8 jaren")
    assert "structureel" in s and "2021–2024" in s
    s4 = P.persistence_sentence(p.loc["GM9004"].to_dict() | {"domein": "Jeugd"})
    assert "te weinig jaren" in s4


def test_bad_rule():
    ov = P.overruns(synthetic_reeks(CASES))
    with pytest.raises(ParameterError, match="min_over"):
        P.persistence(ov, laatste=2, min_over=3)


# --------------------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def persist(built):
    from analysekit.data.series import domein_reeks

    r = domein_reeks()
    ov = P.overruns(r)
    return ov, P.persistence(ov)


def test_apeldoorn_by_hand(persist):
    # raw cbs-iv3-meerjarig, Σ 6.x lasten (k€) jaarrekening − begroting:
    # 2021 284,308 − 283,943 = 365 (0,13%: under the 1% drempel), 2022 9,201,
    # 2023 49,536, 2024 46,280
    ov, p = persist
    a = ov.loc[(ov["gm_code"] == "GM0200") & (ov["domein"] == "Sociaal domein")].set_index("jaar")
    assert a.loc[2021, "overschrijding_eur"] == 365_000 and not a.loc[2021, "overschreden"]
    assert a.loc[2024, "overschrijding_eur"] == 46_280_000
    row = p.loc[(p["gm_code"] == "GM0200") & (p["domein"] == "Sociaal domein")].iloc[0]
    assert row["n_jaren"] == 8 and row["laatste_jaren"] == "2021–2024"
    assert row["n_laatste_overschreden"] == 3 and row["status"] == P.STRUCTUREEL
    assert row["structureel_eur"] == pytest.approx((365 + 9201 + 49536 + 46280) * 250)
    assert row["structureel_sd_eur"] == pytest.approx(
        1000 * np.std([365, 9201, 49536, 46280], ddof=1))


def test_real_every_gemeente_has_a_status_and_missing_is_left_out(persist):
    ov, p = persist
    tot = p.loc[p["domein"] == "Sociaal domein"]
    assert len(tot) == 342
    assert set(tot["status"]) <= {P.STRUCTUREEL, P.NIET_STRUCTUREEL, P.ONBEKEND}
    # an overrun needs both submissions: never a year with a missing begroting or jaarrekening
    assert ov["begroting_eur"].notna().all() and ov["jaarrekening_eur"].notna().all()
    # Vijfheerenlanden did not deliver its jaarrekening 2023: no overrun for that year
    assert 2023 not in set(ov.loc[ov["gm_code"] == "GM1961", "jaar"])


def test_net_overrun_of_2023_equals_the_lens(persist):
    # the one year with baten on both sides: the net overrun equals the lenses' overrun
    from analysekit.analysis import deficits as D

    _ov, p = persist
    lens = D.deficits("GM0855", 2023).set_index("domein")
    row = p.loc[(p["gm_code"] == "GM0855") & (p["domein"] == "Sociaal domein")].iloc[0]
    assert row["netto_jaar"] == 2023
    assert row["netto_overschrijding_eur"] == pytest.approx(
        lens.loc["Sociaal domein", "overschrijding_eur"], abs=1)
    s = P.persistence_sentence(row)
    assert "In 2023, het jaar met baten in begroting én jaarrekening" in s


def test_scenario_target_takes_the_structural_overrun_first():
    # SYNTHETIC lenses of one gemeente with a one-year overrun of € 5 mln in 2023
    from analysekit.analysis.gap_target import choose_target

    lenses = pd.DataFrame({"gm_code": ["GM9001"], "jaar": [2023], "domein": ["Sociaal domein"],
                           "verslagsoort": ["jaarrekening"], "geleverd": [True],
                           "overschrijding_eur": [5e6], "tekort_eur": [np.nan]})
    p = P.persistence(P.overruns(synthetic_reeks(CASES))).set_index("gm_code")
    st = p.loc["GM9001"].to_dict()
    t = choose_target(lenses, structureel=st)
    assert t.kind == "structureel" and t.amount == pytest.approx(st["structureel_eur"])
    assert t.sd == pytest.approx(st["structureel_sd_eur"]) and not t.vast and t.jaar == 2024
    assert "in 3 van de 4 jaren 2021–2024" in t.label
    # not structureel: the one-year overrun, held flat, as before
    t2 = choose_target(lenses, structureel=p.loc["GM9002"].to_dict())
    assert t2.kind == "overschrijding" and t2.amount == 5e6 and t2.vast
    assert t2.tried[0][0] == "structureel"
    # a deficit the user gives always comes first
    assert choose_target(lenses, 1e6, structureel=st).kind == "opgegeven"
