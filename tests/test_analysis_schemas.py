"""The analysis outputs on the real mirror satisfy their pandera schemas
(analysekit.analysis.schemas), and a broken output is refused in one line."""

from __future__ import annotations

import numpy as np
import pytest

from analysekit.analysis import deficits as D
from analysekit.analysis import gemeentefonds_gap as G
from analysekit.analysis import levers as L
from analysekit.analysis import peers as PE
from analysekit.analysis import register as R
from analysekit.analysis import schemas as S
from analysekit.errors import DataError
from analysekit.paths import processed_dir

pytestmark = pytest.mark.skipif(not (processed_dir() / "iv3.parquet").exists(),
                                reason="data/processed is missing")


@pytest.fixture(scope="module")
def t():
    return D.load_inputs()


@pytest.fixture(scope="module")
def lenzen(t):
    return D.deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], 2023,
                          levering=t["iv3_levering"])


def test_lenzen(lenzen):
    S.check(lenzen, "lenzen")


def test_gf_gap_and_national(t):
    S.check(G.gap(t["iv3"], t["gemeentefonds"], 2024, "begroting", overhead=True,
                  gemeenten=t["gemeenten"], levering=t["iv3_levering"]), "gf_gap")
    S.check(G.national_check(t["iv3"], t["gemeentefonds"], cellen=[(2024, "begroting")],
                             levering=t["iv3_levering"]), "nationaal")


def test_peers_position_savings(t, lenzen):
    b = PE.benchmark("GM0855", 2023, values=lenzen)
    S.check(b.peers, "peers")
    S.check(b.position, "positie")
    S.check(b.savings, "besparing")
    own = PE.benchmark("GM1961", 2023, values=lenzen)  # no jaarrekening: NaN rang allowed
    S.check(own.position, "positie")


def test_lever_results(t):
    f = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Jeugd", 2023,
                           levering=t["iv3_levering"])
    r = L.fit_cross_section(f, "netto_per_inwoner", "aandeel_voorliggend",
                            list(f.attrs["controls"]))
    S.check(r.table, "hefboom")
    S.check(L.to_euros(r, "GM0855"), "hefboom_eur")


def test_simulation_summary():
    mc = R.simulate(R.template_path(), n_draws=2000, seed=1, deficit=5e6)
    S.check(mc.summary(), "simulatie")
    S.check(R.simulate(R.template_path(), n_draws=500, seed=1).summary(), "simulatie")


def test_missing_as_zero_is_refused(lenzen):
    bad = lenzen.copy()
    bad.loc[bad["gm_code"] == "GM1961", "netto_eur"] = 0.0
    with pytest.raises(DataError, match="lenzen") as e:
        S.check(bad, "lenzen")
    assert "\n" not in str(e.value)


def test_probability_without_standard_error_is_refused():
    s = R.simulate(R.template_path(), n_draws=500, seed=1, deficit=5e6).summary()
    with pytest.raises(DataError, match="simulatie"):
        S.check(s.drop(columns="kans_tekort_gedekt_se"), "simulatie")
    s2 = s.copy()
    s2["besparing_p10"] = s2["besparing_p90"] + 1
    with pytest.raises(DataError):
        S.check(s2, "simulatie")
    assert np.isfinite(s["kans_tekort_gedekt_se"]).all()
