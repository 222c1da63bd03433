"""Tests for analysekit.analysis.levers on SYNTHETIC data (tests/synthetic.py).

Planted effects must be recovered, 95% intervals must cover the truth about 95% of the
time, and the panel estimator must equal linearmodels PanelOLS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels import PanelOLS
from matplotlib.figure import Figure
from statsmodels.stats.outliers_influence import variance_inflation_factor
from synthetic import make_cross_section, make_event_panel, make_iv3, make_panel

from analysekit.analysis import levers as L
from analysekit.errors import AnalysekitError, DataError, ParameterError

Y = "netto_per_inwoner"
LEVER = "aandeel_voorliggend"
CS_CONTROLS = ["jongeren_aandeel", "lage_inkomens_aandeel"]

# Number of repeated SYNTHETIC draws for the coverage tests; the Monte Carlo standard error
# of a 95% coverage estimate is sqrt(.95 * .05 / 400) = 0.011.
N_DRAWS = 400


# --------------------------------------------------------------------------- recovery


def test_cross_section_recovers_planted_effect():
    df = make_cross_section(5000, beta=-400.0, seed=11)
    res = L.fit_cross_section(df, Y, LEVER, CS_CONTROLS)
    row = res.effect()
    assert row["effect"] == pytest.approx(-400.0, abs=4 * row["se"])
    assert abs(row["effect"] + 400.0) < 40
    assert row["ci_low"] < -400.0 < row["ci_high"]
    ctrl = res.table.set_index("term")
    assert ctrl.loc["jongeren_aandeel", "effect"] == pytest.approx(3000.0, rel=0.05)
    # HC3 is what is reported
    assert "HC3" in res.specification
    assert res.fit.cov_type == "HC3"


def test_cross_section_omitting_controls_is_biased():
    """Sanity check that the SYNTHETIC design needs the needs-side controls."""
    df = make_cross_section(5000, beta=-400.0, seed=11)
    naive = L.fit_cross_section(df, Y, LEVER).effect()
    assert not naive["ci_low"] < -400.0 < naive["ci_high"]


def test_panel_recovers_planted_effect_unbalanced():
    df = make_panel(342, 9, beta=-300.0, gamma=2000.0, drop_share=0.15, seed=5)
    res = L.fit_panel(df, Y, LEVER, ["control"])
    row = res.effect()
    assert abs(row["effect"] + 300.0) < 3.5 * row["se"]
    assert row["n_gemeenten"] == df["gm_code"].nunique()
    assert row["n"] == len(df)
    t = res.table.set_index("term")
    assert abs(t.loc["control", "effect"] - 2000.0) < 3.5 * t.loc["control", "se"]


def test_pooled_ols_is_biased_but_twfe_is_not():
    df = make_panel(342, 9, beta=-300.0, seed=6)
    pooled = sm.OLS(df[Y], sm.add_constant(df[[LEVER, "control"]])).fit()
    fe = L.fit_panel(df, Y, LEVER, ["control"]).effect()
    assert abs(pooled.params[LEVER] + 300.0) > 10 * fe["se"]
    assert fe["ci_low"] < -300.0 < fe["ci_high"]


# --------------------------------------------------------------------------- cross-checks
# The panel designs are fitted with linearmodels PanelOLS; pyfixest is the second library.


def _pyfixest(df, fml, cluster="gm_code"):
    import pyfixest as pf

    return pf.feols(fml, data=df, vcov={"CRV1": cluster}, ssc=pf.ssc(k_fixef="full"))


@pytest.mark.parametrize("drop_share", [0.0, 0.2])
def test_panel_equals_pyfixest_coefficients_and_clustered_errors(drop_share):
    df = make_panel(120, 7, drop_share=drop_share, seed=21)
    res = L.fit_panel(df, Y, LEVER, ["control"])
    pf = _pyfixest(df, f"{Y} ~ {LEVER} + control | gm_code + jaar")
    t = res.table.set_index("term")
    # pyfixest demeans by iteration (tolerance 1e-8): agreement to 1e-6 relative
    np.testing.assert_allclose(t["effect"], pf.coef()[[LEVER, "control"]], rtol=1e-6)
    np.testing.assert_allclose(t["se"], pf.se()[[LEVER, "control"]], rtol=1e-6)
    ci = pf.confint().loc[[LEVER, "control"]].to_numpy()  # t(G - 1) intervals in both
    np.testing.assert_allclose(t[["ci_low", "ci_high"]].to_numpy(), ci, rtol=1e-6)
    # linearmodels PanelOLS with the same small-sample factor (K counts the absorbed effects)
    q = df.set_index(["gm_code", "jaar"])
    lm = PanelOLS(q[Y], q[[LEVER, "control"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)
    np.testing.assert_allclose(t["effect"], lm.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(t["se"], lm.std_errors.to_numpy(), rtol=1e-8)
    assert 0 < res.diagnostics.r2 < 1


def test_event_study_twfe_equals_pyfixest_on_the_same_dummies():
    panel, adoption = make_event_panel(120, 9, seed=4)
    res = L.fit_event_study(panel, Y, adoption, leads=3, lags=2)
    frame = res.data.rename(columns=lambda c: c.replace("+", "p").replace("-", "m"))
    terms = [t.replace("+", "p").replace("-", "m") for t in res.fit.params.index]
    pf = _pyfixest(frame, f"{Y} ~ {' + '.join(terms)} | gm_code + jaar")
    np.testing.assert_allclose(res.fit.params.to_numpy(), pf.coef()[terms], rtol=1e-8)
    np.testing.assert_allclose(res.fit.std_errors.to_numpy(), pf.se()[terms], rtol=1e-8)


def test_sun_abraham_equals_pyfixest_saturated_event_study():
    """Heterogeneous SYNTHETIC cohorts: TWFE is biased, Sun–Abraham recovers the effects."""
    import pyfixest as pf

    panel, adoption = make_event_panel(300, 10, effects={0: -10.0, 1: -20.0, 2: -30.0},
                                       cohort_scale=True, seed=14)
    res = L.fit_event_study(panel, Y, adoption, leads=3, lags=2, method="sunab")
    g = panel["gm_code"].map(adoption.set_index("gm_code")["adoptiejaar"]).fillna(0)
    df = panel.assign(g=g.astype(int))
    sat = pf.event_study(df, yname=Y, idname="gm_code", tname="jaar", gname="g",
                         estimator="saturated")
    agg = sat.aggregate()
    t = res.table.set_index("event_tijd")
    for k in (-3, -2, 0, 1, 2):
        assert t.loc[k, "effect"] == pytest.approx(float(agg.loc[k, "Estimate"]), abs=1e-8)
    idx = np.searchsorted([2018, 2019, 2020, 2021], adoption["adoptiejaar"])
    scale = float(np.mean(0.5 * (idx + 1)))  # every cohort is seen at t+0 … t+2
    for k in (0, 1, 2):
        truth = {0: -10.0, 1: -20.0, 2: -30.0}[k] * scale
        assert abs(t.loc[k, "effect"] - truth) < 3.5 * t.loc[k, "se"], k


# --------------------------------------------------------------------------- coverage


def _coverage(fit, truth):
    hits = np.array([fit(s) for s in range(N_DRAWS)])
    cov = hits.mean()
    mcse = np.sqrt(cov * (1 - cov) / N_DRAWS)
    return cov, mcse


def test_cross_section_hc3_interval_coverage():
    def one(s):
        df = make_cross_section(120, beta=-400.0, seed=10_000 + s)
        r = L.fit_cross_section(df, Y, LEVER, CS_CONTROLS).effect()
        return r["ci_low"] <= -400.0 <= r["ci_high"]

    cov, mcse = _coverage(one, -400.0)
    print(f"\ncoverage cross-section HC3 95%: {cov:.4f} (MC se {mcse:.4f}, {N_DRAWS} draws)")
    assert 0.92 <= cov <= 0.98


def test_panel_clustered_interval_coverage():
    def one(s):
        df = make_panel(40, 6, beta=-300.0, drop_share=0.05, seed=20_000 + s)
        r = L.fit_panel(df, Y, LEVER, ["control"]).effect()
        return r["ci_low"] <= -300.0 <= r["ci_high"]

    cov, mcse = _coverage(one, -300.0)
    print(f"\ncoverage panel TWFE clustered 95%: {cov:.4f} (MC se {mcse:.4f}, {N_DRAWS} draws)")
    assert 0.92 <= cov <= 0.98


# --------------------------------------------------------------------------- event study


def test_event_study_recovers_dynamic_effects_and_passes_pretrend():
    effects = {0: -10.0, 1: -20.0, 2: -30.0}
    panel, adoption = make_event_panel(400, 10, effects=effects, seed=8)
    res = L.fit_event_study(panel, Y, adoption, leads=3, lags=3)
    t = res.table.set_index("term")
    truth = {"t-3": 0.0, "t-2": 0.0, "t+0": -10.0, "t+1": -20.0, "t+2": -30.0, "t+3": -30.0}
    for term, v in truth.items():
        assert abs(t.loc[term, "effect"] - v) < 3.5 * t.loc[term, "se"], term
    assert t.loc["t-1", "effect"] == 0.0 and np.isnan(t.loc["t-1", "se"])
    avg = t.loc["gemiddeld_na_invoering"]
    assert abs(avg["effect"] - np.mean([-10, -20, -30, -30])) < 3.5 * avg["se"]
    assert res.pretrend is not None and res.pretrend.p > 0.01
    assert res.pretrend.leads == ["t-3", "t-2"]
    assert "parallelle trends" in res.summary_nl()
    assert "Pre-trendtoets" in res.summary_nl()


def test_event_study_pretrend_test_detects_planted_pretrend():
    panel, adoption = make_event_panel(400, 10, pretrend=3.0, seed=9)
    res = L.fit_event_study(panel, Y, adoption, leads=3, lags=2)
    assert res.pretrend.p < 0.001
    assert "níet parallel" in res.pretrend.text_nl()


def test_stacked_event_study_recovers_effects():
    panel, adoption = make_event_panel(400, 10, seed=12)
    res = L.fit_event_study(panel, Y, adoption, leads=2, lags=2, method="stacked")
    t = res.table.set_index("term")
    for term, v in {"t-2": 0.0, "t+0": -10.0, "t+1": -20.0, "t+2": -30.0}.items():
        assert abs(t.loc[term, "effect"] - v) < 3.5 * t.loc[term, "se"], term
    assert "gestapeld" in res.specification


def test_event_study_reads_adoption_csv(tmp_path):
    panel, adoption = make_event_panel(150, 9, seed=1)
    path = tmp_path / "adoptie.csv"
    adoption.to_csv(path, sep=";", index=False)
    a = L.read_adoption(path)
    assert list(a.columns) == ["gm_code", "hefboom", "adoptiejaar", "regel"]
    assert a["regel"].iloc[0] == 2
    res_csv = L.fit_event_study(panel, Y, path)
    res_df = L.fit_event_study(panel, Y, adoption)
    np.testing.assert_allclose(res_csv.table["effect"], res_df.table["effect"])


def test_event_study_drops_always_treated_with_a_note():
    panel, adoption = make_event_panel(150, 9, seed=1)
    adoption = pd.concat(
        [
            adoption,
            pd.DataFrame(
                [{"gm_code": "GM0002", "hefboom": "wijkteam_in_eigen_dienst", "adoptiejaar": 2010}]
            ),
        ]
    )
    adoption = adoption.drop_duplicates("gm_code", keep="last")
    res = L.fit_event_study(panel, Y, adoption)
    assert any("vóór of in het eerste jaar" in n for n in res.diagnostics.notes)
    assert "GM0002" not in set(res.data["gm_code"])


@pytest.mark.parametrize(
    ("content", "line", "field"),
    [
        ("gm_code,hefboom,adoptiejaar\nGM0001,x,2019\nGM12,x,2019\n", 3, "gm_code"),
        ("gm_code,hefboom,adoptiejaar\nGM0001,x,2019\nGM0002,x,twintig\n", 3, "adoptiejaar"),
        ("gm_code,hefboom,adoptiejaar\nGM0001,x,2019\nGM0001,x,2020\n", 3, "gm_code"),
        ("gemeente_x,hefboom,jaar\nGM0001,x,2019\n", 1, "gm_code"),
    ],
)
def test_adoption_csv_errors_name_file_line_field(tmp_path, content, line, field):
    path = tmp_path / "adoptie.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        L.read_adoption(path)
    msg = str(exc.value)
    assert msg.startswith(f"adoptie.csv, regel {line}, veld {field}:"), msg


# --------------------------------------------------------------------------- diagnostics


def test_diagnostics_are_computed_and_shown():
    df = make_cross_section(200, seed=2)
    df.loc[17, Y] += 3000.0  # plant an influential SYNTHETIC gemeente
    res = L.fit_cross_section(df, Y, LEVER, CS_CONTROLS)
    d = res.diagnostics
    assert d.influential["gm_code"].iloc[0] == df.loc[17, "gm_code"]
    # leave-one-out effect (per sd of the lever, the table's unit) equals a refit without it
    refit = L.fit_cross_section(df.drop(index=17), Y, LEVER, CS_CONTROLS).effect()["effect"]
    sd = df[LEVER].std()
    assert d.influential["effect_zonder"].iloc[0] == pytest.approx(refit * sd, rel=1e-9)
    # Cook's D, DFBETA and VIF equal statsmodels' (OLSInfluence refits once per observation)
    ols = sm.OLS(df[Y], sm.add_constant(df[[LEVER, *CS_CONTROLS]])).fit()
    infl = ols.get_influence()
    cooks = pd.Series(infl.cooks_distance[0], index=df["gm_code"])
    got = d.influential.set_index("gm_code")
    np.testing.assert_allclose(got["cooks_d"], cooks[got.index], rtol=1e-10)
    loo = (ols.params[LEVER] - pd.Series(infl.dfbeta[:, 1], index=df["gm_code"])) * sd
    np.testing.assert_allclose(got["effect_zonder"], loo[got.index], rtol=1e-10)
    x = ols.model.exog
    sm_vif = [variance_inflation_factor(x, i) for i in range(1, x.shape[1])]
    np.testing.assert_allclose(d.vif.to_numpy(), sm_vif, rtol=1e-9)
    assert 0 <= d.breusch_pagan_p <= 1 and d.r2 == pytest.approx(ols.rsquared)
    table = res.diagnostics_table()
    assert {"Breusch-Pagan p", "R²", "R² gecorrigeerd"} <= set(table["maat"])
    assert not table["waarde"].str.contains(r"\d\.\d").any()  # Dutch decimals only
    assert any(m.startswith("VIF ") for m in table["maat"])
    assert any(m.startswith("invloedrijk: ") for m in table["maat"])
    text = res.summary_nl()
    assert "geen causaal effect" in text and "Breusch-Pagan" in text and "VIF" in text


def test_heteroskedasticity_is_detected_in_synthetic_design():
    het = L.fit_cross_section(make_cross_section(3000, seed=4), Y, LEVER, CS_CONTROLS)
    hom = L.fit_cross_section(
        make_cross_section(3000, heteroskedastic=False, seed=4), Y, LEVER, CS_CONTROLS
    )
    assert het.diagnostics.breusch_pagan_p < 0.001
    assert hom.diagnostics.breusch_pagan_p > 0.001


def test_panel_summary_states_its_claim_and_notes_absorbed_controls():
    df = make_panel(60, 5, seed=2)
    df["vast"] = df["gm_code"].str[-2:].astype(float)  # time-invariant: absorbed
    res = L.fit_panel(df, Y, LEVER, ["control", "vast"])
    assert "vast" not in set(res.table["term"])
    assert any("controle vast weggelaten" in n for n in res.diagnostics.notes)
    text = res.summary_nl()
    assert "Samenhang binnen gemeenten" in text and "R² binnen gemeenten" in text


# --------------------------------------------------------------------------- euros


def test_to_euros_is_effect_times_delta_times_inwoners():
    df = make_cross_section(300, seed=3)
    res = L.fit_cross_section(df, Y, LEVER, CS_CONTROLS)
    row = res.effect()
    inw = float(df.loc[df["gm_code"] == "GM0007", "inwoners"].iloc[0])
    out = res.to_euros("GM0007", delta=0.01).iloc[0]
    assert out["effect_eur"] == pytest.approx(row["effect"] * 0.01 * inw)
    assert out["ci_low_eur"] == pytest.approx(row["ci_low"] * 0.01 * inw)
    assert out["ci_high_eur"] == pytest.approx(row["ci_high"] * 0.01 * inw)
    neg = res.to_euros("GM0007", delta=-0.01).iloc[0]
    assert neg["ci_low_eur"] == pytest.approx(-row["ci_high"] * 0.01 * inw)
    assert neg["ci_low_eur"] <= neg["effect_eur"] <= neg["ci_high_eur"]
    med = res.to_euros("GM0007", delta="mediaan").iloc[0]
    own = float(df.loc[df["gm_code"] == "GM0007", LEVER].iloc[0])
    assert med["delta"] == pytest.approx(df[LEVER].median() - own)
    sd = res.to_euros("GM0007").iloc[0]
    assert sd["delta"] == pytest.approx(df[LEVER].std())
    assert "geen causaal effect" in sd["claim"]


def test_to_euros_event_study_uses_adoption_and_own_inwoners():
    panel, adoption = make_event_panel(150, 9, seed=2)
    res = L.fit_event_study(panel, Y, adoption)
    out = res.to_euros("GM0003").iloc[0]
    inw = panel.loc[panel["gm_code"] == "GM0003", "inwoners"].iloc[-1]
    assert out["effect_eur"] == pytest.approx(res.effect()["effect"] * inw)
    assert out["delta_toelichting"] == "invoering van de hefboom"
    with pytest.raises(ParameterError, match="exposure"):
        res.to_euros("GM9999")


# --------------------------------------------------------------------------- bad input


def test_constant_lever_is_rejected():
    df = make_cross_section(100, seed=1).assign(aandeel_voorliggend=0.25)
    with pytest.raises(ParameterError) as exc:
        L.fit_cross_section(df, Y, LEVER, source="frame.csv")
    msg = str(exc.value)
    assert msg.startswith("frame.csv, kolom 'aandeel_voorliggend':")
    assert "dezelfde waarde" in msg


def test_lever_missing_for_most_gemeenten_is_rejected():
    df = make_cross_section(100, seed=1)
    df.loc[df.index[:70], LEVER] = np.nan
    with pytest.raises(ParameterError) as exc:
        L.fit_cross_section(df, Y, LEVER)
    msg = str(exc.value)
    assert "kolom 'aandeel_voorliggend'" in msg and "70 van 100 gemeenten" in msg


def test_lever_without_within_variation_is_rejected_in_panel():
    df = make_panel(30, 4, seed=1)
    df[LEVER] = df["gm_code"].str[-2:].astype(float)
    with pytest.raises(ParameterError, match="verandert binnen geen enkele gemeente"):
        L.fit_panel(df, Y, LEVER)


def test_other_bad_inputs():
    df = make_cross_section(50, seed=1)
    with pytest.raises(ParameterError, match="kolom 'bestaat_niet' ontbreekt"):
        L.fit_cross_section(df, Y, "bestaat_niet")
    two = pd.concat([df, df.assign(jaar=2024)])
    with pytest.raises(ParameterError, match="geef jaar= op"):
        L.fit_cross_section(two, Y, LEVER)
    assert L.fit_cross_section(two, Y, LEVER, jaar=2024).effect()["n"] == 50
    dup = pd.concat([df, df.iloc[:1]])
    with pytest.raises(ParameterError, match="meer dan één keer"):
        L.fit_cross_section(dup, Y, LEVER)
    bad = df.assign(aandeel_voorliggend=df[LEVER].astype(str))
    bad.loc[3, LEVER] = "veel"
    with pytest.raises(ParameterError, match="rij 4, kolom 'aandeel_voorliggend'"):
        L.fit_cross_section(bad, Y, LEVER)
    with pytest.raises(ParameterError, match="minstens twee jaren"):
        L.fit_panel(df.assign(aandeel_voorliggend=df[LEVER]), Y, LEVER)
    panel, adoption = make_event_panel(50, 8, seed=1)
    with pytest.raises(ParameterError, match="leads"):
        L.fit_event_study(panel, Y, adoption, leads=1)
    everyone = pd.DataFrame({"gm_code": panel["gm_code"].unique(), "adoptiejaar": 2019})
    with pytest.raises(ParameterError, match="nooit invoerden"):
        L.fit_event_study(panel, Y, everyone)
    assert issubclass(ParameterError, AnalysekitError)


# --------------------------------------------------------------------------- adapters


def test_lever_candidates_exact_on_synthetic_iv3():
    t = make_iv3(5, (2023,), seed=3)
    lc = L.lever_candidates(t["iv3"], t["gemeenten"])
    iv = t["iv3"].loc[t["iv3"]["gm_code"] == "GM0002"]
    las = iv.set_index("taakveld")["lasten_eur"]
    sal = iv.set_index("taakveld")["salarissen_eur"]
    soc = las[[c for c in las.index if c.startswith("6.")]].sum()
    voor = las["6.1"] + las["6.2"]
    maat = las[["6.71a", "6.71b", "6.72a", "6.73a", "6.74c", "6.82a"]].sum()
    row = lc.loc[lc["gm_code"] == "GM0002"].iloc[0]
    assert row["aandeel_voorliggend"] == pytest.approx(voor / soc)
    assert row["voorliggend_vs_maatwerk"] == pytest.approx(voor / (voor + maat))
    assert row["aandeel_salaris_toegang"] == pytest.approx(sal["6.2"] / las["6.2"])
    jeugd = las[["6.72a", "6.73a", "6.74c"]].sum()
    assert row["aandeel_jeugd_verblijf"] == pytest.approx((las["6.73a"] + las["6.74c"]) / jeugd)
    assert np.isnan(row["aandeel_pgb"])  # no 6.79x codes before 2025
    inw = t["gemeenten"].set_index("gm_code").loc["GM0002", "inwoners"]
    assert row["voorliggend_per_inwoner"] == pytest.approx(voor / inw)


def test_lever_candidates_2025_codes():
    iv3 = pd.DataFrame(
        {
            "gm_code": "GM0001",
            "jaar": 2025,
            "verslagsoort": "begroting",
            "taakveld": [
                "6.1",
                "6.21",
                "6.22",
                "6.23",
                "6.711",
                "6.751",
                "6.761",
                "6.791",
                "6.792",
            ],
            "domein": "x",
            "lasten_eur": [10.0, 20.0, 30.0, 40.0, 100.0, 50.0, 50.0, 25.0, 25.0],
            "baten_eur": 0.0,
            "salarissen_eur": [np.nan, 10.0, 15.0, 20.0, np.nan, np.nan, np.nan, np.nan, np.nan],
        }
    )
    row = L.lever_candidates(iv3, verslagsoort="begroting").iloc[0]
    assert row["aandeel_voorliggend"] == pytest.approx(100.0 / 350.0)
    assert row["aandeel_salaris_toegang"] == pytest.approx(45.0 / 90.0)
    assert row["aandeel_jeugd_verblijf"] == pytest.approx(50.0 / 125.0)
    assert row["aandeel_pgb"] == pytest.approx(50.0 / 250.0)


def test_regression_frame_net_cost_and_controls():
    t = make_iv3(12, (2023,), seed=5)
    rf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Jeugd", 2023)
    iv = t["iv3"]
    sel = iv.loc[(iv["gm_code"] == "GM0004") & (iv["domein"] == "Jeugd")]
    inw = t["gemeenten"].set_index("gm_code").loc["GM0004", "inwoners"]
    row = rf.loc[rf["gm_code"] == "GM0004"].iloc[0]
    assert row["netto_per_inwoner"] == pytest.approx(
        (sel["lasten_eur"].sum() - sel["baten_eur"].sum()) / inw
    )
    k = t["kenmerken"].set_index(["gm_code", "kenmerk"])["waarde"]
    assert row["jongeren_per_inwoner"] == pytest.approx(k[("GM0004", "jongeren")] / inw)
    # the gemeentefonds oadw volume becomes a density: oadw / woonruimten
    assert row["adressendichtheid_per_woonruimte"] == pytest.approx(
        k[("GM0004", "omgevingsadressendichtheid_gf")] / k[("GM0004", "gf_woonr")]
    )
    assert rf.attrs["controls"] == [
        "jongeren_per_inwoner",
        "bijstandsontvangers_per_inwoner",
        "adressendichtheid_per_woonruimte",
    ]
    assert any("inwoners_75_plus_drempel" in n for n in rf.attrs["notes"])
    res = L.fit_cross_section(rf, rf.attrs["outcome"], "aandeel_voorliggend", rf.attrs["controls"])
    assert res.effect()["n"] == 12
    with pytest.raises(ParameterError, match="domein 'Zorg' is onbekend"):
        L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Zorg")


# --------------------------------------------------------------------------- plots


def test_plots_return_figures():
    cs = L.fit_cross_section(make_cross_section(100, seed=1), Y, LEVER, CS_CONTROLS)
    pn = L.fit_panel(make_panel(40, 5, seed=1), Y, LEVER, ["control"])
    panel, adoption = make_event_panel(100, 9, seed=1)
    es = L.fit_event_study(panel, Y, adoption)
    for fig in (L.plot_effects([cs, pn]), es.plot(), L.plot_diagnostics(pn), cs.plot()):
        assert isinstance(fig, Figure)
        assert fig.axes
    assert "pre-trendtoets" in es.plot().axes[0].get_title()


def test_lever_candidates_mask_shares_outside_unit_interval():
    iv3 = pd.DataFrame(
        {
            "gm_code": ["GM0001"] * 3 + ["GM0002"] * 3,
            "jaar": 2024,
            "verslagsoort": "begroting",
            "taakveld": ["6.1", "6.2", "6.71a"] * 2,
            "domein": "x",
            "lasten_eur": [10.0, 10.0, 80.0, 10.0, 10.0, -15.0],  # GM0002: a correction
            "baten_eur": 0.0,
            "salarissen_eur": np.nan,
        }
    )
    lc = L.lever_candidates(iv3, verslagsoort="begroting").set_index("gm_code")
    assert lc.loc["GM0001", "aandeel_voorliggend"] == pytest.approx(0.2)
    assert np.isnan(lc.loc["GM0002", "aandeel_voorliggend"])
    assert any("aandeel_voorliggend: 1 gemeente-jaren" in n for n in lc.attrs["notes"])
    raw = L.lever_candidates(iv3, verslagsoort="begroting", shares_in_unit_interval=False)
    assert raw.set_index("gm_code").loc["GM0002", "aandeel_voorliggend"] == pytest.approx(4.0)


def test_event_study_with_a_control_and_panel_euros_to_median():
    panel, adoption = make_event_panel(150, 9, seed=5)
    rng = np.random.default_rng(0)
    panel["control"] = rng.normal(size=len(panel))
    res = L.fit_event_study(panel, Y, adoption, controls=["control"])
    assert "control" in set(res.table["term"])
    df = make_panel(50, 4, seed=3)
    pn = L.fit_panel(df, Y, LEVER, ["control"])
    out = pn.to_euros("GM0010", delta="mediaan").iloc[0]
    last = df.loc[df["jaar"] == df["jaar"].max()]
    own = float(last.loc[last["gm_code"] == "GM0010", LEVER].iloc[0])
    assert out["delta"] == pytest.approx(last[LEVER].median() - own)
    assert out["blootstelling"] == float(last.loc[last["gm_code"] == "GM0010", "inwoners"].iloc[0])


def test_read_levers_file_and_bad_lever_columns(tmp_path):
    p = tmp_path / "eigen_hefbomen.csv"
    rows = [f"GM{i:04d};2023;{0.1 + i / 100:.2f};0,5".replace(".", ",") for i in range(1, 11)]
    p.write_text("gm_code;jaar;wijkteam_eigen;vast\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        L.read_levers(p)
    assert str(exc.value).startswith("eigen_hefbomen.csv, kolom 'vast': heeft voor alle 10")
    rows = [f"GM{i:04d};2023;{0.1 + i / 100:.2f}".replace(".", ",") for i in range(1, 11)]
    p.write_text("gm_code;jaar;wijkteam_eigen\n" + "\n".join(rows) + "\n", encoding="utf-8")
    lv = L.read_levers(p)
    assert lv.attrs["levers"] == ["wijkteam_eigen"]
    assert lv["wijkteam_eigen"].iloc[0] == pytest.approx(0.11)
    sparse = ["GM0001;2023;0,1", "GM0002;2023;0,2"] + [f"GM{i:04d};2023;" for i in range(3, 11)]
    p.write_text("gm_code;jaar;wijkteam_eigen\n" + "\n".join(sparse) + "\n", encoding="utf-8")
    with pytest.raises(
        ParameterError, match="eigen_hefbomen.csv, kolom 'wijkteam_eigen': ontbreekt"
    ):
        L.read_levers(p)
    p.write_text(
        "gm_code;jaar;wijkteam_eigen\nGM0001;2023;0,1\nGM0002;2023;veel\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as exc:
        L.read_levers(p)
    assert (
        str(exc.value) == "eigen_hefbomen.csv, regel 3, veld wijkteam_eigen: 'veel' is geen getal"
    )


def test_event_study_table_nl_shows_pretrend_next_to_estimates():
    panel, adoption = make_event_panel(120, 9, seed=6)
    res = L.fit_event_study(panel, Y, adoption)
    t = res.table_nl()
    assert t["term"].iloc[-1] == "pre-trendtoets (jaren vóór invoering = 0)"
    assert t["p"].iloc[-1] == L.p_text(res.pretrend.p)


def test_taakveld_groups_equal_the_former_regexes():
    """The candidates now use vocab.TAAKVELD_GROEPEN; on every code of every Iv3 revision
    they select exactly what the former regexes of levers.py selected."""
    import re

    from analysekit.analysis.levers import frame as Lv
    from analysekit.vocab import TAAKVELD_GROEPEN

    codes = sorted(TAAKVELD_GROEPEN["sociaal_domein"])
    old = {
        "_GROEP_VOORLIGGEND": r"^6\.(1|2\d*)$",
        "_GROEP_TOEGANG": r"^6\.2\d*$",
        "_GROEP_MAATWERK": r"^6\.[678]",
        # 6.75 and 6.76 (parents of the 2025 codes) came with the multi-year Iv3
        "_GROEP_JEUGD_VERBLIJF": r"^6\.(73[a-z]?|74[bc]|76\d?)$",
        "_GROEP_JEUGD_HULP": r"^6\.(72[a-z]?|73[a-z]?|74[a-z]?|75\d?|76\d?|792)$",
        "_GROEP_PGB": r"^6\.79\d$",
        "_GROEP_SOCIAAL": r"^6\.",
    }
    for name, pattern in old.items():
        assert {c for c in codes if re.match(pattern, c)} == set(getattr(Lv, name)), name


def test_p_text_public():
    from analysekit.analysis import levers as Lv

    assert Lv.p_text(0.0421) == "0,042" and Lv.p_text(0.0001) == "< 0,001"
    assert Lv.p_text(float("nan")) == "n.v.t."


@pytest.mark.skipif(
    not __import__("analysekit.paths", fromlist=["x"]).processed_dir().joinpath(
        "iv3.parquet").exists(), reason="data/processed is missing")
def test_real_regression_frame_leaves_out_non_delivered():
    from analysekit.analysis import deficits as D
    from analysekit.analysis import levers as Lv

    t = D.load_inputs()
    f = Lv.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Sociaal domein", 2023,
                            levering=t["iv3_levering"])
    assert "GM1961" not in set(f["gm_code"]) and len(f) == 341
    with pytest.raises(ParameterError, match="jaar"):
        Lv.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Jeugd", "twintig")
    with pytest.raises(ParameterError, match="verslagsoort"):
        Lv.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Jeugd", 2023,
                            verslagsoort="rekening")


# --------------------------------------------------------------------------- placebo (question a)


def _synthetic_reeks(effect: float, seed: int):
    """SYNTHETIC domein_reeks + herindelingen: 'mergers' in 2018–2023 with a planted effect."""
    from analysekit.analysis.levers import questions as Q

    panel, adoption = make_event_panel(150, 8, effects={0: effect}, start_jaar=2017,
                                       adoption_years=(2019, 2020, 2021), seed=seed)
    reeks = panel.rename(columns={Y: Q.OUTCOME}).assign(
        verslagsoort="jaarrekening", domein="Sociaal domein", geleverd=True, n_voorgangers=1,
        indeling_jaar=2025)
    her = pd.DataFrame({"van_jaar": adoption["adoptiejaar"] - 1, "van_gm_code": "GM9999",
                        "naar_jaar": adoption["adoptiejaar"], "naar_gm_code": adoption["gm_code"],
                        "aandeel": 1.0, "sleutel": "samenvoeging"})
    return reeks, her


def test_randomisation_placebo_separates_a_planted_effect_from_none():
    from analysekit.analysis.levers import questions as Q

    for effect, small in ((-40.0, True), (0.0, False)):
        reeks, her = _synthetic_reeks(effect, seed=31)
        res = Q.fit_herindeling(reeks, her, "Sociaal domein", leads=2, lags=2)
        pl = Q.herindeling_placebo(reeks, her, "Sociaal domein", n_draws=99, leads=2, lags=2)
        assert pl.observed == pytest.approx(res.effect()["effect"], abs=1e-8)
        assert (pl.p < 0.05) is small, (effect, pl.p)
        assert len(pl.draws) == 99 and pl.seed == Q.PLACEBO_SEED
