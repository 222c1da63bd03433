"""Tests for analysekit.analysis.trend (synthetic series with known answers; real mirror)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysekit.analysis import trend as T
from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.vocab import DOMEINEN, TOTAAL


def synthetic_reeks() -> pd.DataFrame:
    """SYNTHETIC domein series: four gemeenten, 2017–2024 jaarrekening + 2017–2026 begroting.

    GM9001 grows exactly 5% a year on every domein (lasten per inwoner 100 · 1.05^t,
    1,000 inwoners); GM9002 10%; GM9003 0%; GM9004 did not deliver jaarrekening 2019.
    """
    rows = []
    groei = {"GM9001": 0.05, "GM9002": 0.10, "GM9003": 0.0, "GM9004": 0.02}
    for code, g in groei.items():
        for vs, jaren in (("jaarrekening", range(2017, 2025)), ("begroting", range(2017, 2027))):
            for j in jaren:
                geleverd = not (code == "GM9004" and vs == "jaarrekening" and j == 2019)
                for i, dom in enumerate((*DOMEINEN, TOTAAL)):
                    base = 100.0 * (i + 1) * (1 + g) ** (j - 2017)
                    rows.append({
                        "gm_code": code, "jaar": j, "verslagsoort": vs, "domein": dom,
                        "lasten_eur": base * 1000.0 if geleverd else np.nan,
                        "baten_eur": np.nan, "netto_eur": np.nan, "inwoners": 1000,
                        "geleverd": geleverd,
                        "breuk": "Breuk: taakveld 6.1 breder"
                        if dom in ("Sociale basisvoorzieningen", TOTAAL) and j == 2021 else "",
                    })
    return pd.DataFrame(rows)


def test_growth_exact_on_synthetic():
    g = T.growth_all(synthetic_reeks()).set_index(["gm_code", "domein"])
    assert g.loc[("GM9001", "Jeugd"), "groei_pct"] == pytest.approx(5.0, abs=1e-9)
    assert g.loc[("GM9002", "Wmo"), "groei_pct"] == pytest.approx(10.0, abs=1e-9)
    assert g.loc[("GM9003", TOTAAL), "groei_pct"] == pytest.approx(0.0, abs=1e-9)
    # exact series: the interval collapses onto the estimate
    assert g.loc[("GM9001", "Jeugd"), "groei_laag_pct"] == pytest.approx(5.0, abs=1e-6)
    # the missing year is left out, not read as 0: still 2% over 7 years
    assert g.loc[("GM9004", "Jeugd"), "n_jaren"] == 7
    assert g.loc[("GM9004", "Jeugd"), "groei_pct"] == pytest.approx(2.0, abs=1e-9)
    # rank: 1 = fastest growth
    assert g.loc[("GM9002", "Jeugd"), "rang"] == 1
    assert g.loc[("GM9003", "Jeugd"), "rang"] == 4
    assert (g["n_rang"] == 4).all()
    assert g.loc[("GM9001", "Sociale basisvoorzieningen"), "breuk"] == "6.1 breder gevuld (2021)"
    assert g.loc[("GM9001", "Jeugd"), "breuk"] == ""


def test_growth_interval_matches_statsmodels_per_series():
    # SYNTHETIC noise on top of the exact series; the one numpy pass against statsmodels
    import statsmodels.api as sm

    r = synthetic_reeks()
    rng = np.random.default_rng(11)
    r["lasten_eur"] = r["lasten_eur"] * np.exp(rng.normal(0, 0.03, len(r)))
    g = T.growth_all(r).set_index(["gm_code", "domein"])
    pi = T.per_inwoner(r)
    for (code, dom), row in g.iterrows():
        s = pi.loc[(pi["gm_code"] == code) & (pi["domein"] == dom)
                   & (pi["verslagsoort"] == "jaarrekening")].dropna(subset=["lasten_per_inwoner"])
        res = sm.OLS(np.log(s["lasten_per_inwoner"].to_numpy()),
                     sm.add_constant((s["jaar"] - 2017).to_numpy(dtype=float))).fit()
        lo, hi = res.conf_int(0.05)[1]
        np.testing.assert_allclose(
            [row["groei_pct"], row["groei_laag_pct"], row["groei_hoog_pct"]],
            100 * np.expm1([res.params[1], lo, hi]), rtol=1e-9)


def test_nederland_is_sum_over_sum_of_delivering():
    r = synthetic_reeks()
    nl = T.nederland(r).set_index(["jaar", "verslagsoort", "domein"])
    # 2019 jaarrekening: GM9004 did not deliver, so three gemeenten count
    row = nl.loc[(2019, "jaarrekening", "Jeugd")]
    assert row["n_gemeenten"] == 3
    expect = 300.0 * (1.05 ** 2 + 1.10 ** 2 + 1.0) / 3
    assert row["lasten_per_inwoner"] == pytest.approx(expect, rel=1e-12)
    assert np.isnan(row["netto_per_inwoner"])


def test_band_and_lens():
    r = synthetic_reeks()
    b = T.band(r, ["GM9001", "GM9002", "GM9003"]).set_index(["jaar", "verslagsoort", "domein"])
    row = b.loc[(2018, "jaarrekening", "Wmo")]
    vals = np.array([200 * 1.05, 200 * 1.10, 200.0])
    assert row["mediaan"] == pytest.approx(np.median(vals))
    assert row["q1"] == pytest.approx(np.percentile(vals, 25))
    lens = T.lens(r, "GM9004", ["GM9001", "GM9002", "GM9003"])
    x = lens.set_index(["jaar", "verslagsoort", "domein"])
    assert np.isnan(x.loc[(2019, "jaarrekening", "Jeugd"), "eigen"])  # missing, not 0
    assert x.loc[(2019, "jaarrekening", "Jeugd"), "n_peers_met_waarde"] == 3
    assert x.loc[(2026, "begroting", "Jeugd"), "eigen"] == pytest.approx(300 * 1.02 ** 9)
    # a peer without a value in a year is left out of that year's band
    lens2 = T.lens(r, "GM9001", ["GM9004", "GM9002"]).set_index(
        ["jaar", "verslagsoort", "domein"])
    assert lens2.loc[(2019, "jaarrekening", "Jeugd"), "n_peers_met_waarde"] == 1


def test_bad_input():
    with pytest.raises(ParameterError, match="maat"):
        T.growth_all(synthetic_reeks(), measure="kosten")
    with pytest.raises(ParameterError, match="mist kolom"):
        T.per_inwoner(pd.DataFrame({"gm_code": ["GM0001"]}))
    with pytest.raises(UnknownGemeente, match="GM0000"):
        T.lens(synthetic_reeks(), "GM0000", [])


# --------------------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def reeks(built):
    from analysekit.data.series import domein_reeks

    return domein_reeks()


def _raw_per_inwoner(mirror, gm_code: str, verslagsoort: str = "jaarrekening") -> pd.Series:
    """Σ 6.x lasten / inwoners straight from the raw cbs-iv3-meerjarig files."""
    folder = mirror / "cbs-iv3-meerjarig"
    d = pd.read_csv(folder / "iv3_lasten_taakveld.csv.gz", dtype={"taakveld": str})
    t = pd.read_csv(folder / "iv3_totalen.csv.gz")
    d = d.loc[(d["gm_code"] == gm_code) & d["taakveld"].str.startswith("6.")
              & (d["verslagsoort"] == verslagsoort)]
    inw = t.loc[(t["gm_code"] == gm_code) & (t["verslagsoort"] == verslagsoort)]
    return d.groupby("jaar")["lasten_k_eur"].sum() * 1000 / inw.set_index("jaar")["inwoners"]


def test_apeldoorn_growth_from_the_raw_files(reeks, mirror):
    # Apeldoorn (GM0200): no herindeling 2017–2024, so the raw lasten are its series
    import statsmodels.api as sm

    raw = _raw_per_inwoner(mirror, "GM0200")
    assert raw.loc[2017] == pytest.approx(1593.8256, abs=1e-3)
    assert raw.loc[2024] == pytest.approx(2292.6265, abs=1e-3)
    res = sm.OLS(np.log(raw.to_numpy()), sm.add_constant(raw.index.to_numpy() - 2017.0)).fit()
    lo, hi = res.conf_int(0.05)[1]
    g = T.growth_all(reeks).set_index(["gm_code", "domein"]).loc[("GM0200", TOTAAL)]
    assert g["n_jaren"] == 8 and g["eerste_jaar"] == 2017 and g["laatste_jaar"] == 2024
    np.testing.assert_allclose([g["groei_pct"], g["groei_laag_pct"], g["groei_hoog_pct"]],
                               100 * np.expm1([res.params[1], lo, hi]), rtol=1e-9)
    assert g["groei_pct"] == pytest.approx(4.56, abs=0.01)
    assert g["breuk"] == "6.1 breder gevuld (2022)"


def test_real_growth_rank_and_nederland(reeks):
    g = T.growth_all(reeks)
    tot = g.loc[g["domein"] == TOTAAL]
    # every gemeente of the newest indeling has eight jaarrekeningen of the total
    assert len(tot) == 342 and tot["groei_pct"].notna().all()
    assert sorted(tot["rang"].astype(int)) == list(range(1, 343))
    nl = T.nederland(reeks).set_index(["jaar", "verslagsoort", "domein"])
    d = reeks.loc[(reeks["jaar"] == 2024) & (reeks["verslagsoort"] == "jaarrekening")
                  & (reeks["domein"] == TOTAAL) & reeks["geleverd"]]
    row = nl.loc[(2024, "jaarrekening", TOTAAL)]
    assert row["n_gemeenten"] == len(d)
    assert row["lasten_per_inwoner"] == pytest.approx(d["lasten_eur"].sum() / d["inwoners"].sum())
    # netto is known only where every source has baten: not for jaarrekening 2024
    assert np.isnan(row["netto_per_inwoner"])


def test_real_lens_of_tilburg(reeks):
    peers = ["GM0772", "GM0796", "GM0363", "GM0344"]  # four large gemeenten
    lens = T.lens(reeks, "GM0855", peers)
    x = lens.set_index(["jaar", "verslagsoort", "domein"])
    assert len(lens) == 18 * 5  # jaarrekening 2017–2024 and begroting 2017–2026
    assert x.loc[(2024, "jaarrekening", TOTAAL), "eigen"] == pytest.approx(2547.5818, abs=1e-3)
    vals = [reeks.loc[(reeks["gm_code"] == c) & (reeks["jaar"] == 2024)
                      & (reeks["verslagsoort"] == "jaarrekening") & (reeks["domein"] == "Jeugd"),
                      "lasten_per_inwoner"].iloc[0] for c in peers]
    assert x.loc[(2024, "jaarrekening", "Jeugd"), "peer_mediaan"] == pytest.approx(np.median(vals))


def test_lens_fast_equals_lens(reeks):
    peers = ["GM0772", "GM0796", "GM0363", "GM0344", "GM1961"]  # GM1961: a year missing
    slow = T.lens(reeks, "GM0855", peers).drop(columns="breuk")
    w, ned = T.wide_all(reeks), T.nederland(reeks)
    fast = T.lens_fast(w, "GM0855", peers, ned).drop(columns="breuk")
    pd.testing.assert_frame_equal(fast[slow.columns], slow, check_dtype=False)
    # the columns every gemeente shares, computed once and passed in: the same rows
    again = T.lens_fast(w, "GM0855", peers, ned, columns=T.lens_columns(w, ned))
    pd.testing.assert_frame_equal(again.drop(columns="breuk"), fast)


def test_report_section_tilburg(reeks):
    from analysekit.reporting.context import ReportContext

    ctx = ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023})
    o = ctx.ontwikkeling
    t = o.trend_display().set_index("domein")
    assert list(t.index) == [*DOMEINEN, TOTAAL]
    assert t.loc[TOTAAL, "jaarrekening 2024"] == "€ 2.548"
    assert t.loc["Jeugd", "jaren boven begroting"] == "8 van 8"
    zin = o.trajectory_sentence()
    assert zin.startswith("De lasten per inwoner voor het sociaal domein groeiden van 2017 tot "
                          "2024 gemiddeld 4,1% per jaar")
    assert "Jeugd overschreed de begroting op de lasten in 8 van de 8 jaren" in zin
    assert "95%-voorspellingsinterval" in zin and "de eigen begroting 2026" in zin
    kort = o.trajectory_sentence(kort=True)  # the summary: no projection, short persistence
    assert "voorspellingsinterval" not in kort
    assert "Jeugd lag in 8 van de 8 jaren boven de begroting (op de lasten, structureel)" in kort
    assert "Hoe betrouwbaar is de trendlijn?" in o.trust_sentence()
    h = ctx.headlines
    assert h["groei_sd_pct"] == pytest.approx(4.13, abs=0.005)
    assert h["overschreden_sd_jaren"] == 8 and h["overschreden_sd_van"] == 8
    assert h["groei_van_jaar"] == 2017 and h["groei_tot_jaar"] == 2024
    # the foto's figure: the total and the domein that overran most often (Jeugd, 8 of 8);
    # 01-verkenning's: all five; lasten per inwoner, the breaks in a note
    fig = o.trend_figure()
    assert [a.get_title(loc="left").split("\n")[0] for a in fig.axes] == [TOTAAL, "Jeugd"]
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "lasten (bruto) per inwoner" in texts and "2022 6.1 breder gevuld" in texts
    assert len(o.trend_figure(alle=True).axes) == 5


def test_report_section_without_the_series(built):
    # a data folder without the multi-year series: the section says "geen gegevens", no error
    from analysekit.nl import GEEN_GEGEVENS
    from analysekit.reporting.context import ReportContext

    o = ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023}).ontwikkeling
    o.__dict__["heeft_reeks"] = False
    assert o.trend_lens.empty and o.trend_kort() == {} and o.trust_sentence() == ""
    assert (o.trend_display().iloc[:, 1] == GEEN_GEGEVENS).all()
    assert "geen projectie" in o.projection_sentence()
    fig = o.trend_figure()
    assert GEEN_GEGEVENS in " ".join(t.get_text() for a in fig.axes for t in a.texts)
    assert not o.projection_lasten().ok
