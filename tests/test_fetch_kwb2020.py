"""KWB 2020 (84799NED) from the real capture into kenmerken, checked against its neighbours.

The neighbouring years in the mirror are KWB 2021 (85039NED via nlstat) and KWB 2017
(83765NED via mapNL); 2020 values of the same gemeente must be close to them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysekit.data.mirror import kenmerken as km


@pytest.fixture(scope="module")
def panel(mirror):
    return km.build_kenmerken(mirror)


def wide(df: pd.DataFrame, kenmerk: str, jaar: int) -> pd.Series:
    sel = df[(df["kenmerk"] == kenmerk) & (df["jaar"] == jaar)]
    return sel.set_index("gm_code")["waarde"]


def test_kwb2020_figures_as_published(mirror):
    d = km.read_kwb2020(mirror).set_index(["gm_code", "kenmerk"])["waarde"]
    assert d[("GM0855", "inwoners")] == 219_789
    assert d[("GM0855", "huishoudens")] == 108_875
    assert d[("GM0855", "personen_met_bijstand")] == 7_080
    assert d[("GM0855", "bijstand_per_1000")] == pytest.approx(1000 * 7080 / 219789, abs=0.005)
    assert d[("GM1680", "personen_met_bijstand")] == 380  # Aa en Hunze
    assert len(d.index.get_level_values(0).unique()) == 355
    # Wmo and jeugdzorg were not yet published in this capture: no rows, not zeros
    assert not {"wmo_clienten", "wmo_clienten_per_1000", "jeugdzorg_pct"} & set(
        d.index.get_level_values(1)
    )


def test_offline_panel_gains_2020_with_client_counts(panel):
    for kenmerk in ("personen_met_bijstand", "bijstand_per_1000", "huishoudens"):
        assert wide(panel, kenmerk, 2020).size == 355
    assert set(panel.loc[panel["jaar"] == 2020, "eenheid"]) >= {"personen", "huishoudens"}
    bij21 = wide(panel, "personen_met_bijstand", 2021)
    wmo21 = wide(panel, "wmo_clienten", 2021)
    assert bij21["GM0855"] == pytest.approx(6_900, abs=5)
    assert 15_000 < wmo21["GM0855"] < 22_000


def test_kwb2020_close_to_kwb2021_and_kwb2017(panel):
    b20, b21 = wide(panel, "bijstand_per_1000", 2020), wide(panel, "bijstand_per_1000", 2021)
    both = b20.index.intersection(b21.index)
    assert len(both) > 320
    assert b20[both].corr(b21[both]) > 0.97
    assert 0.9 < (b21[both] / b20[both]).median() < 1.1
    h20, h17 = wide(panel, "huishoudens", 2020), wide(panel, "huishoudens", 2017)
    both = h20.index.intersection(h17.index)
    assert len(both) > 300
    ratio = h20[both] / h17[both]
    assert 1.0 < ratio.median() < 1.06 and ratio.between(0.9, 1.2).mean() > 0.98
    s20, s21 = wide(panel, "stedelijkheid", 2020), wide(panel, "stedelijkheid", 2021)
    both = s20.index.intersection(s21.index)
    assert (s20[both] == s21[both]).mean() > 0.9
    i20, i21 = wide(panel, "inwoners", 2020), wide(panel, "inwoners", 2021)
    both = i20.index.intersection(i21.index)
    assert (i21[both] / i20[both]).between(0.97, 1.05).mean() > 0.98
