"""Tests for SMART goals: goals file, computed indicators, status, progress chart.

Goals files and tables here are SYNTHETIC test inputs (tests/synthetic.py); the shipped
example goals file is marked as an example.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from synthetic import make_iv3

from analysekit.analysis import goals as G
from analysekit.analysis.register import template_path
from analysekit.errors import DataError, ParameterError

GOAL = """\
  - indicator: {indicator}
    definitie: {definitie}
    baseline_jaar: {bj}
    baseline_waarde: {bw}
    doel_waarde: {dw}
    deadline: {dl}
    eigenaar: Wethouder
"""


def goal(indicator="Jeugd", definitie="eigen", bj=2022, bw=100, dw=80, dl=2026):
    return GOAL.format(indicator=indicator, definitie=definitie, bj=bj, bw=bw, dw=dw, dl=dl)


def write(tmp_path, text, name="doelen.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def error_of(path):
    with pytest.raises(DataError) as exc:
        G.read_goals(path)
    return str(exc.value)


def test_example_goals_file():
    f = G.read_goals(template_path("doelen_voorbeeld.yaml"))
    assert f.voorbeeld is True and "VOORBEELD" in f.toelichting
    assert len(f.doelen) == 5
    wacht = [d for d in f.doelen if d.definitie == "eigen"][0]
    assert wacht.waarden == ((2023, 10.0), (2024, 9.0))
    assert {d.definitie for d in f.doelen} - {"eigen"} <= set(G.INDICATORS)


# --------------------------------------------------------------------------- bad input


def test_deadline_before_baseline(tmp_path):
    msg = error_of(write(tmp_path, "doelen:\n" + goal("Eerste") + goal("Jeugd", bj=2024, dl=2022)))
    assert msg == (
        "doelen.yaml, regel 14 (doel 'Jeugd'), veld deadline: deadline 2022 ligt vóór "
        "baseline_jaar 2024"
    )
    msg = error_of(write(tmp_path, "doelen:\n" + goal("Jeugd", bj=2024, dl=2024)))
    assert "veld deadline: deadline 2024 is gelijk aan baseline_jaar 2024" in msg


def test_other_bad_goal_files(tmp_path):
    msg = error_of(write(tmp_path, "doelen:\n" + goal(definitie="kosten_per_kat")))
    assert msg.startswith("doelen.yaml, regel 3 (doel 'Jeugd'), veld definitie: 'kosten_per_kat'")
    text = "doelen:\n" + goal().replace("    eigenaar: Wethouder\n", "")
    assert error_of(write(tmp_path, text)) == (
        "doelen.yaml, regel 2 (doel 'Jeugd'), veld eigenaar: ontbreekt (verplicht veld)"
    )
    msg = error_of(write(tmp_path, "doelen:\n" + goal() + goal("jeugd")))
    assert "regel 9 (doel 'jeugd'), veld indicator" in msg and "regel 2" in msg
    msg = error_of(write(tmp_path, "doelen:\n" + goal(bw="veel")))
    assert "regel 5 (doel 'Jeugd'), veld baseline_waarde: 'veel' is geen getal" in msg


def test_csv_goals_with_own_values(tmp_path):
    text = (
        "indicator;definitie;baseline_jaar;baseline_waarde;doel_waarde;deadline;eigenaar;waarden\n"
        "Wachttijd;eigen;2022;12;6;2025;Teamleider;2023=10; 2024=9\n"
    )
    # the values field holds the separator, so it must be quoted
    with pytest.raises(DataError, match="regel 2"):
        G.read_goals(write(tmp_path, text, "doelen.csv"))
    text = text.replace("2023=10; 2024=9", '"2023=10; 2024=9,5"')
    d = G.read_goals(write(tmp_path, text, "doelen.csv")).doelen[0]
    assert d.waarden == ((2023, 10.0), (2024, 9.5))
    bad = text.replace(";2022;12;6;2025;", ";2026;12;6;2025;")
    assert error_of(write(tmp_path, bad, "doelen.csv")) == (
        "doelen.csv, regel 2 (doel 'Wachttijd'), veld deadline: deadline 2025 ligt vóór "
        "baseline_jaar 2026"
    )


# --------------------------------------------------------------------------- status


def status_of(tmp_path, goals_text, observed, **kw):
    f = G.read_goals(write(tmp_path, "doelen:\n" + goals_text))
    return G.goal_status(
        f, pd.DataFrame(observed, columns=["indicator", "jaar", "waarde"]), **kw
    ).set_index("indicator")


def test_status_rules(tmp_path):
    goals_text = (
        goal("Gehaald", bw=100, dw=80)
        + goal("Koers", bw=100, dw=80)
        + goal("Binnen tolerantie", bw=100, dw=80)
        + goal("Achter", bw=100, dw=80)
        + goal("Stijgen", bw=0.2, dw=0.3)
        + goal("Verlopen", bj=2020, bw=100, dw=80, dl=2023)
        + goal("Geen data", bw=100, dw=80)
    )
    obs = [
        ("Gehaald", 2024, 79.0),
        ("Koers", 2024, 89.0),  # path in 2024: 90
        ("Binnen tolerantie", 2024, 91.5),  # 1.5 behind = 7.5% of the 20 needed
        ("Achter", 2024, 95.0),  # 5 behind = 25%
        ("Stijgen", 2024, 0.26),  # path 0.25: ahead
        ("Verlopen", 2024, 85.0),
        ("Geen data", 2022, 90.0),  # baseline year only
    ]
    s = status_of(tmp_path, goals_text, obs)
    assert s.loc["Gehaald", "status"] == "behaald"
    assert s.loc["Koers", "status"] == "op koers"
    assert s.loc["Koers", "vereist_op_pad"] == pytest.approx(90.0)
    assert s.loc["Binnen tolerantie", "status"] == "op koers"
    assert s.loc["Binnen tolerantie", "achterstand"] == pytest.approx(0.075)
    assert s.loc["Achter", "status"] == "achter"
    assert s.loc["Achter", "voortgang"] == pytest.approx(0.25)
    assert s.loc["Stijgen", "status"] == "op koers"
    assert s.loc["Verlopen", "status"] == "achter"
    assert "verstreken" in s.loc["Verlopen", "toelichting"]
    assert s.loc["Geen data", "status"] == "onbekend"
    strict = status_of(tmp_path, goals_text, obs, tolerantie=0.05)
    assert strict.loc["Binnen tolerantie", "status"] == "achter"
    early = status_of(tmp_path, goals_text, obs + [("Achter", 2023, 94.0)], peiljaar=2023)
    assert early.loc["Achter", "laatste_jaar"] == 2023
    with pytest.raises(ParameterError, match="tolerantie"):
        status_of(tmp_path, goals_text, obs, tolerantie=1.5)


# --------------------------------------------------------------------------- indicators


def test_computed_indicators_exact_on_synthetic_tables():
    t = make_iv3(8, (2023, 2024), seed=4)
    iv3, gem, ken = t["iv3"], t["gemeenten"], t["kenmerken"]
    got = G.compute_indicator("netto_kosten_jeugd_per_jongere", gm_code="GM0003", **t)
    sel = iv3.loc[(iv3["gm_code"] == "GM0003") & (iv3["jaar"] == 2024) & (iv3["domein"] == "Jeugd")]
    jong = ken.loc[
        (ken["gm_code"] == "GM0003") & (ken["jaar"] == 2024) & (ken["kenmerk"] == "jongeren"),
        "waarde",
    ].iloc[0]
    expected = (sel["lasten_eur"].sum() - sel["baten_eur"].sum()) / jong
    assert got.set_index("jaar").loc[2024, "waarde"] == pytest.approx(expected)
    bij = G.compute_indicator("bijstand_per_1000", **t).set_index(["gm_code", "jaar"])["waarde"]
    b = ken.loc[
        (ken["gm_code"] == "GM0005")
        & (ken["jaar"] == 2023)
        & (ken["kenmerk"] == "bijstandsontvangers"),
        "waarde",
    ].iloc[0]
    inw = gem.loc[(gem["gm_code"] == "GM0005") & (gem["jaar"] == 2023), "inwoners"].iloc[0]
    assert bij[("GM0005", 2023)] == pytest.approx(b / inw * 1000)
    wmo = G.compute_indicator("netto_kosten_wmo_per_inwoner", iv3=iv3, gemeenten=gem)
    assert len(wmo) == 16 and np.isfinite(wmo["waarde"]).all()
    with pytest.raises(ParameterError, match="onbekend"):
        G.compute_indicator("kosten_per_kat", **t)
    with pytest.raises(ParameterError, match="kenmerken="):
        G.compute_indicator("bijstand_per_1000", iv3=iv3, gemeenten=gem)


def test_evaluate_goals_end_to_end(tmp_path):
    t = make_iv3(8, (2023, 2024, 2025), seed=4)
    res = G.evaluate_goals(template_path("doelen_voorbeeld.yaml"), "GM0002", **t)
    assert set(res.status["indicator"]) == {d.indicator for d in res.doelen}
    jeugd = res.observed.loc[res.observed["indicator"] == "Netto kosten Jeugd per jongere"]
    assert list(jeugd["jaar"]) == [2023, 2024, 2025]
    assert jeugd["bron"].iloc[0] == "berekend: netto_kosten_jeugd_per_jongere"
    wacht = res.status.set_index("indicator").loc["Gemiddelde wachttijd jeugdhulp (weken)"]
    # the example file's own values are invented: shown, never judged (issue 16 §6)
    assert wacht["status"] == "onbekend" and "verzonnen" in wacht["toelichting"]
    assert set(res.observed.loc[res.observed["indicator"] == wacht.name, "bron"]) == {
        G.BRON_VOORBEELD}
    # the same values in a real goals file are the gemeente's own registration: judged
    import dataclasses

    eigen = dataclasses.replace(G.read_goals(template_path("doelen_voorbeeld.yaml")),
                                voorbeeld=False)
    st = G.evaluate_goals(eigen, "GM0002", **t).status.set_index("indicator")
    wacht = st.loc["Gemiddelde wachttijd jeugdhulp (weken)"]
    # path 12 -> 6 over 2022-2025: 8 required in 2024, observed 9 = 1/6 behind
    assert wacht["vereist_op_pad"] == pytest.approx(8.0)
    assert wacht["status"] == "achter" and "17%" in wacht["toelichting"]
    # a gemeentefonds maatstaf is no measurement either
    bij = res.observed.loc[res.observed["indicator"] == "Bijstand per 1.000 inwoners"]
    assert len(bij) and set(bij["bron"]) == {G.BRON_MAATSTAF}
    assert "Doelen:" in res.summary_nl()
    fig = res.plot()
    assert isinstance(fig, Figure)
    assert len([a for a in fig.axes if a.get_visible()]) == 5
    override = pd.DataFrame(
        [{"indicator": "Gemiddelde wachttijd jeugdhulp (weken)", "jaar": 2024, "waarde": 7.0}]
    )
    res2 = G.evaluate_goals(
        template_path("doelen_voorbeeld.yaml"), "GM0002", observed=override, **t
    )
    st = res2.status.set_index("indicator").loc["Gemiddelde wachttijd jeugdhulp (weken)"]
    assert st["status"] == "op koers" and st["laatste_waarde"] == 7.0


def test_only_measurements_get_a_status(tmp_path):
    """A plan, a maatstaf and invented example values are shown apart, never judged."""
    assert [G.bron_soort(b) for b in ("jaarrekening", "begroting", G.BRON_MAATSTAF,
                                      G.BRON_VOORBEELD, "doelenbestand", "opgegeven",
                                      "CBS-kenmerken", "berekend: aandeel_voorliggend")] == [
        "meting", "plan", "maatstaf", "voorbeeld", "meting", "meting", "meting", "meting"]
    goals_text = goal("Plan") + goal("Maatstaf") + goal("Voorbeeld") + goal("Gemeten")
    obs = pd.DataFrame([("Plan", 2024, 79.0, "begroting"),
                        ("Maatstaf", 2024, 79.0, G.BRON_MAATSTAF),
                        ("Voorbeeld", 2024, 79.0, G.BRON_VOORBEELD),
                        ("Gemeten", 2023, 99.0, "jaarrekening"),
                        ("Gemeten", 2024, 79.0, G.BRON_MAATSTAF)],  # a later maatstaf
                       columns=["indicator", "jaar", "waarde", "bron"])
    f = G.read_goals(write(tmp_path, "doelen:\n" + goals_text))
    s = G.goal_status(f, obs).set_index("indicator")
    assert list(s["status"]) == ["onbekend", "onbekend", "onbekend", "achter"]
    assert s.loc["Plan", "toelichting"].endswith("; de begroting is een plan")
    assert "verdeelgegeven" in s.loc["Maatstaf", "toelichting"]
    assert "verzonnen" in s.loc["Voorbeeld", "toelichting"]
    # judged on the measurement of 2023 (99; path 95), not on the maatstaf of 2024 (79)
    assert (s.loc["Gemeten", "laatste_jaar"], s.loc["Gemeten", "laatste_waarde"]) == (2023, 99.0)
    fig = G.plot_progress(f, obs, s.reset_index())
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "maatstaf gemeentefonds (geen meting)" in labels
    assert "verzonnen voorbeeldwaarde (geen meting)" in labels
    assert "tolerantie (10%)" in labels


def test_goal_values_use_dutch_notation():
    assert G.waarde_text(-1234.6) == "−1.235" and G.waarde_text(0.25, "aandeel (0-1)") == "25,0%"
    assert G.waarde_text(0.01234) == "0,0123" and not hasattr(G, "_getal")


def test_net_cost_is_missing_without_baten():
    """Missing is not zero: a year whose baten per taakveld are unknown has no net cost
    (the multi-year Iv3 source has lasten only); SYNTHETIC tables."""
    t = make_iv3(4, (2023, 2024), seed=4)
    iv3 = t["iv3"].assign(baten_bekend=t["iv3"]["jaar"] == 2023)
    iv3.loc[iv3["jaar"] == 2024, "baten_eur"] = np.nan
    got = G.compute_indicator("netto_kosten_wmo_per_inwoner", iv3=iv3, gemeenten=t["gemeenten"])
    assert set(got["jaar"]) == {2023}  # 2024 is NaN and dropped, never the lasten alone


def test_example_goals_are_rebased_in_their_own_baseline_year():
    """A long series (2017–2024) does not move the example's baseline year."""
    from analysekit.analysis import examples

    d = G.read_goals(template_path("doelen_voorbeeld.yaml")).doelen[3]  # aandeel, 2023
    obs = pd.DataFrame({"indicator": d.indicator, "jaar": [2017, 2022, 2023, 2024],
                        "waarde": [0.10, 0.15, 0.20, 0.21]})
    (new,), changed = examples.rebase_goals([d], obs)
    assert changed == [d.indicator]
    assert (new.baseline_jaar, new.baseline_waarde) == (2023, 0.20)
    assert new.doel_waarde == pytest.approx(0.20 * d.doel_waarde / d.baseline_waarde)
    (late,), _ = examples.rebase_goals([d], obs.loc[obs["jaar"] < 2023])
    assert late.baseline_jaar == 2017  # nothing from 2023 on: the earliest value
