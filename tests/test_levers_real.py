"""The lever analyses on the REAL mirror (issue 18): influence = statsmodels, controls that
mean what their labels say, Holm, the panel questions a–b, and figures not cut off."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysekit.analysis import levers as L
from analysekit.analysis.levers import questions as Q

pytestmark = pytest.mark.usefixtures("built")


@pytest.fixture(scope="module")
def tables():
    import analysekit

    return {k: analysekit.load(k) for k in ("iv3", "gemeenten", "kenmerken", "herindelingen",
                                             "iv3_levering")}


@pytest.fixture(scope="module")
def rf(tables):
    return L.regression_frame(tables["iv3"], tables["gemeenten"], tables["kenmerken"],
                              "Sociaal domein", 2023)


@pytest.fixture(scope="module")
def reeks():
    from analysekit.data.series import domein_reeks

    return domein_reeks()


def _statsmodels(frame, y, x):
    d = frame.dropna(subset=[y, *x])
    ols = sm.OLS(d[y], sm.add_constant(d[x])).fit()
    infl = ols.get_influence()
    return ols, pd.DataFrame({"cooks_d": infl.cooks_distance[0],
                              "dfbeta": infl.dfbeta[:, 1]}, index=d["gm_code"])


def test_influence_on_the_reports_former_design_equals_statsmodels(rf, tables):
    """The design of the old report (raw oadw volume as a control): the issue's numbers.

    The former hand-written pinv influence gave Amsterdam a Cook's D of 34.3 and an effect
    without it of −545; statsmodels gives 0.055 (largest Vlieland, 0.11) and −340.3.
    """
    k = tables["kenmerken"]
    raw = k[(k["kenmerk"] == "omgevingsadressendichtheid_gf") & (k["jaar"] == 2024)]
    frame = rf.assign(oadw=rf["gm_code"].map(raw.set_index("gm_code")["waarde"]))
    controls = [c for c in rf.attrs["controls"] if c != "adressendichtheid_per_woonruimte"]
    x = ["voorliggend_vs_maatwerk", *controls, "oadw"]
    res = L.fit_cross_section(frame, "netto_per_inwoner", x[0], x[1:], jaar=2023,
                              top_influential=400)
    got = res.diagnostics.influential.set_index("gm_code")
    ols, sm_infl = _statsmodels(frame, "netto_per_inwoner", x)
    np.testing.assert_allclose(got["cooks_d"], sm_infl.loc[got.index, "cooks_d"], rtol=1e-10)
    assert got.loc["GM0363", "cooks_d"] == pytest.approx(0.0552, abs=5e-4)  # Amsterdam
    assert got.index[0] == "GM0096" and got["cooks_d"].iloc[0] == pytest.approx(0.113, abs=1e-3)
    sd = res.lever_sd
    without = ols.params[x[0]] - sm_infl.loc["GM0363", "dfbeta"]
    assert without == pytest.approx(-340.29, abs=0.01)
    # refits of an ill-conditioned design (the volume control) agree to ~1e-10 relative
    assert got.loc["GM0363", "effect_zonder"] == pytest.approx(without * sd, rel=1e-8)


def test_corrected_design_controls_and_influence(rf):
    controls = rf.attrs["controls"]
    assert "omgevingsadressendichtheid_gf" not in controls
    assert set(controls) <= set(L.CONTROL_LABELS)  # every control has a truthful label
    # per inwoner or a density: no volumes (Amsterdam's oadw volume was 3 million)
    assert rf[controls].abs().max().max() < 10
    ams = rf.set_index("gm_code").loc["GM0363", "adressendichtheid_per_woonruimte"]
    assert 5 < ams < 7  # Amsterdam: the densest (thousands of addresses per km²)
    lever = "voorliggend_vs_maatwerk"
    y = rf.attrs["outcome_excl_voorliggend"]
    res = L.fit_cross_section(rf, y, lever, controls, jaar=2023, top_influential=400)
    got = res.diagnostics.influential.set_index("gm_code")
    ols, sm_infl = _statsmodels(rf, y, [lever, *controls])
    np.testing.assert_allclose(got["cooks_d"], sm_infl.loc[got.index, "cooks_d"], rtol=1e-10)
    np.testing.assert_allclose(got["effect_zonder"],
                               (ols.params[lever] - sm_infl.loc[got.index, "dfbeta"])
                               * res.lever_sd, rtol=1e-10)
    assert np.linalg.cond(ols.model.exog) < 1e4  # the former design: 2.8e15 (X'X)


def test_voorliggend_levers_leave_their_taakvelden_out_of_the_outcome(rf, tables):
    iv = tables["iv3"]
    sel = iv[(iv["gm_code"] == "GM0855") & (iv["jaar"] == 2023)
             & (iv["verslagsoort"] == "jaarrekening") & (iv["domein"] != "Overig")]
    voor = sel["taakveld"].isin(L.frame.TAAKVELD_GROEPEN["voorliggend"])
    netto = sel["lasten_eur"] - sel["baten_eur"]
    row = rf.set_index("gm_code").loc["GM0855"]
    assert row["netto_per_inwoner"] * row["inwoners"] == pytest.approx(netto.sum())
    assert row[rf.attrs["outcome_excl_voorliggend"]] * row["inwoners"] == pytest.approx(
        netto[~voor].sum())


def test_holm_across_the_levers_equals_statsmodels(tables):
    from statsmodels.stats.multitest import multipletests

    from analysekit.analysis.lever_fits import fit_levers

    fits = fit_levers(tables, 2023, "jaarrekening", "Sociaal domein", [2023])
    raw = [float(r.effect()["p"]) for r in fits.results.values()]
    assert len(raw) == 6
    np.testing.assert_allclose(list(fits.p_holm.values()),
                               multipletests(raw, method="holm")[1], rtol=1e-12)


def test_merger_roles_and_sun_abraham_equals_pyfixest(tables, reeks):
    import pyfixest as pf

    res = Q.fit_herindeling(reeks, tables["herindelingen"], "Sociaal domein")
    roles = res.data.attrs["rollen"].set_index("gm_code")
    assert roles.loc["GM1982", "fusiejaar"] == 2022  # Land van Cuijk
    assert roles.loc["GM0363", "fusiejaar"] == 2023  # Amsterdam took in Weesp
    assert roles.loc["GM0855", "rol"] == "deel"  # Tilburg received part of Haaren (2021)
    assert roles.loc["GM1948", "rol"] == "vroeg"  # Meierijstad, merged 2017
    assert (roles["rol"] == "fusie").sum() == 24
    panel = Q.reeks_panel(reeks, "Sociaal domein")
    panel = panel[panel["gm_code"].isin(roles.index[roles["rol"].isin(["fusie", "controle"])])]
    g = panel["gm_code"].map(roles["fusiejaar"]).fillna(0).astype(int)
    sat = pf.event_study(panel.assign(g=g), yname=Q.OUTCOME, idname="gm_code", tname="jaar",
                         gname="g", estimator="saturated").aggregate()
    t = res.table.set_index("event_tijd")
    for k in (-4, -3, -2, 0, 1, 2, 3):
        assert t.loc[k, "effect"] == pytest.approx(float(sat.loc[k, "Estimate"]), abs=1e-6)
    # randomisation placebo: its statistic for the real mergers is the reported estimate
    pl = Q.herindeling_placebo(reeks, tables["herindelingen"], "Sociaal domein", n_draws=3)
    assert pl.observed == pytest.approx(res.effect()["effect"], abs=1e-8)
    again = Q.herindeling_placebo(reeks, tables["herindelingen"], "Sociaal domein", n_draws=3)
    np.testing.assert_array_equal(pl.draws, again.draws)  # seeded


def test_ladder_panel_lags_by_calendar_year_and_fits(tables, reeks):
    lp = Q.ladder_panel(tables["iv3"], reeks, tables["iv3_levering"])
    til = lp[lp["gm_code"] == "GM0855"].set_index("jaar")
    assert til.loc[2020, Q.LADDER_LEVER] == pytest.approx(til.loc[2019, "aandeel_voorliggend"])
    assert til.loc[2020, Q.LADDER_LEAD] == pytest.approx(til.loc[2021, "aandeel_voorliggend"])
    res = Q.fit_ladder(lp)
    assert res.design == "panel" and res.effect()["n_gemeenten"] == 342
    assert {Q.LADDER_LEVER, Q.LADDER_LEAD} == set(res.table["term"])


# ------------------------------------------------------------------ report text and figures


@pytest.fixture(scope="module")
def hef(built):
    from analysekit.reporting.context import ReportContext

    return ReportContext.from_params({"gemeente": "Den Bosch", "jaar": 2023,
                                      "verslagsoort": "jaarrekening"}).hefbomen


def _texts(hef):
    tables = [hef.lever_display(), hef.lever_diagnostics_display(),
              hef.diagnostics_display(hef.main_lever), hef.panel_display(),
              hef.herindeling_display(), hef.ladder_display()]
    cells = [str(v) for t in tables for v in [*t.columns, *t.to_numpy().ravel()]]
    return cells + [hef.outcome_text(), hef.testing_text(), hef.euro_text(),
                    hef.herindeling_text(), hef.ladder_text(), hef.foto_text(),
                    hef.skipped_text()]


def test_report_text_is_dutch_without_python_names(hef):
    for text in _texts(hef):
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
        plain = re.sub(r"\b6\.\d{1,3}[a-d]?x?\b", "", text)  # taakveld codes (6.1, 6.2x)
        assert not re.search(r"\d\.\d", re.sub(r"\d{1,3}(\.\d{3})+", "", plain)), text
        assert "None" not in text and "nan" not in text.lower().split()
    assert "als" not in hef.euro_text().split(" op de mediaan zat")[0][-3:]
    assert "Holm" in hef.testing_text() and "Allers" in hef.herindeling_text()


def test_report_figures_have_a_background_border(hef):
    """No report figure is cut off: the 1-px border of every PNG is the background."""
    from PIL import Image

    from analysekit.analysis import plots as P
    from analysekit.analysis.levers import plot_diagnostics

    figures = [hef.lever_forest_figure(), hef.herindeling_figure(),
               plot_diagnostics(hef.levers.results[hef.main_lever])]
    for fig in figures:
        img = np.asarray(Image.open(io.BytesIO(P.png_bytes(fig))).convert("RGB"))
        border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
        assert (border == img[0, 0]).all(), fig.axes[0].get_title()
        assert tuple(img[0, 0]) == (255, 255, 255)
