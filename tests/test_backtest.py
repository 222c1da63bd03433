"""Tests for analysekit.analysis.backtest (synthetic series with known answers; real mirror)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysekit.analysis import backtest as B
from analysekit.errors import ParameterError


def synthetic_reeks() -> pd.DataFrame:
    """SYNTHETIC: two gemeenten, Jeugd lasten per inwoner 100, 110, …, 170 (2017–2024).

    The begroting of every year is 10% above the jaarrekening of that year; GM9002 did not
    deliver its begroting 2022.
    """
    rows = []
    for code in ("GM9001", "GM9002"):
        for k, j in enumerate(range(2017, 2025)):
            v = 100.0 + 10.0 * k
            for vs, val in (("jaarrekening", v), ("begroting", 1.1 * v)):
                missing = code == "GM9002" and vs == "begroting" and j == 2022
                rows.append({"gm_code": code, "jaar": j, "verslagsoort": vs, "domein": "Jeugd",
                             "lasten_eur": np.nan if missing else val * 1000.0,
                             "inwoners": 1000, "geleverd": not missing})
    return pd.DataFrame(rows)


def test_exact_answers_on_a_linear_series():
    d = B.backtest_detail(synthetic_reeks())
    # origins 2020–2023 (four jaarrekeningen needed), horizons 1 and 2 within 2024
    one = d.loc[(d["gm_code"] == "GM9001") & (d["model"] == "naief")]
    assert sorted(zip(one["origin"], one["horizon"], strict=True)) == [
        (2020, 1), (2020, 2), (2021, 1), (2021, 2), (2022, 1), (2022, 2), (2023, 1)]
    r = one.set_index(["origin", "horizon"]).loc[(2020, 1)]
    assert r["verwachting"] == 130.0 and r["werkelijk"] == 140.0
    assert r["ape"] == pytest.approx(100 * 10 / 140)
    t = d.loc[(d["model"] == "trend")]
    np.testing.assert_allclose(t["verwachting"], t["werkelijk"], rtol=1e-12)  # exact line
    b = d.loc[d["model"] == "begroting"]
    np.testing.assert_allclose(b["ape"], 10.0)
    assert b["binnen"].isna().all()  # a begroting has no interval
    s = B.summarize(d).set_index(["horizon", "model"])
    assert s.loc[(1, "trend"), "mape"] == pytest.approx(0.0, abs=1e-9)
    assert bool(s.loc[(1, "trend"), "winnaar"]) and not bool(s.loc[(1, "naief"), "winnaar"])
    # GM9002's begroting 2022 is missing: its 2022 target is left out for every model alike
    assert (s.loc[(1, "trend"), "n"] == s.loc[(1, "naief"), "n"] == s.loc[(1, "begroting"), "n"]
            == 4 + 3)


def test_bad_horizon():
    with pytest.raises(ParameterError, match="horizons"):
        B.backtest_detail(synthetic_reeks(), horizons=(0,))


def test_real_backtest_table(built):
    from analysekit.data.series import domein_reeks

    r = domein_reeks()
    d = B.backtest_detail(r)
    s = B.summarize(d)
    assert set(s["model"]) == set(B.MODELS) and set(s["horizon"]) == {1, 2}
    # every model scored on the same cases per domein × horizon
    assert (s.groupby(["domein", "horizon"])["n"].nunique() == 1).all()
    # one case by hand: Apeldoorn, naive forecast of jaarrekening 2024 from origin 2023 is the
    # 2023 value (Σ 6.x lasten 360,012 k€ / 167,191 inwoners)
    a = d.loc[(d["gm_code"] == "GM0200") & (d["domein"] == "Sociaal domein")
              & (d["model"] == "naief") & (d["origin"] == 2023)].iloc[0]
    assert a["verwachting"] == pytest.approx(360_012_000 / 167_191)
    assert a["werkelijk"] == pytest.approx(385_645_000 / 168_211)
    # one winner per domein × horizon; coverage is a share of the cases
    assert (s.groupby(["domein", "horizon"])["winnaar"].sum() >= 1).all()
    cov = s.loc[s["model"] != "begroting", "dekking"]
    assert ((cov > 0) & (cov <= 100)).all()
    assert B.trust_sentence(s, "Jeugd").startswith("Hoe betrouwbaar is de trendlijn?")
