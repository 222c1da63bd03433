"""Tests for the hefbomen register (parsing, validation, Monte Carlo, tornado).

Registers written here are SYNTHETIC test inputs; the shipped template is illustrative.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from analysekit.analysis import register as R
from analysekit.analysis.register import montecarlo
from analysekit.errors import DataError, ParameterError

LEVER = """\
  - naam: {naam}
    domein: {domein}
    besparing_min: {lo}
    besparing_waarschijnlijk: {ml}
    besparing_max: {hi}
    kans: {kans}
    startjaar: {start}
    ingroei_jaren: {ramp}
    eigenaar: Teamleider
"""


def lever(naam="A", domein="Jeugd", lo=100, ml=200, hi=300, kans=1.0, start=2024, ramp=1):
    return LEVER.format(
        naam=naam, domein=domein, lo=lo, ml=ml, hi=hi, kans=kans, start=start, ramp=ramp
    )


def write(tmp_path, text, name="register.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def error_of(path):
    with pytest.raises(DataError) as exc:
        R.read_register(path)
    return str(exc.value)


# --------------------------------------------------------------------------- template


def test_illustrative_template_matches_tilburg_public_totals():
    reg = R.read_register(R.template_path())
    assert reg.illustratief is True
    assert "ILLUSTRATIEF" in reg.toelichting and "Tilburg" in reg.toelichting
    assert len(reg.hefbomen) == 18
    assert reg.potentieel == pytest.approx(15_000_000)
    assert reg.tekort is not None and reg.tekort.jaren == (2022,)
    assert reg.tekort.verwacht[0] > 20_000_000
    assert {h.domein for h in reg.hefbomen} == set(R.DOMEINEN)
    mc = R.simulate(reg, n_draws=20_000, seed=3)
    s = mc.summary().set_index("jaar")
    assert (
        s.loc[2022, "besparing_p10"] < s.loc[2022, "besparing_p50"] < s.loc[2022, "besparing_p90"]
    )
    assert 0.0 <= s.loc[2022, "kans_tekort_gedekt"] <= 1.0
    assert "illustratief" in mc.summary_nl()


# --------------------------------------------------------------------------- bad input


def test_min_greater_than_max_names_file_line_field(tmp_path):
    text = "hefbomen:\n" + lever("Eerste") + lever("Schuldhulp", lo=500000, ml=400000, hi=300000)
    msg = error_of(write(tmp_path, text))
    # the second lever starts on line 11; besparing_min is its 3rd line
    assert msg == (
        "register.yaml, regel 13 (hefboom 'Schuldhulp'), veld besparing_min: "
        "min 500.000 > max 300.000"
    )


def test_probability_outside_unit_interval(tmp_path):
    msg = error_of(write(tmp_path, "hefbomen:\n" + lever("X", kans=1.3)))
    assert msg == "register.yaml, regel 7 (hefboom 'X'), veld kans: 1,3 ligt buiten [0, 1]"
    msg = error_of(write(tmp_path, "hefbomen:\n" + lever("X", kans=-0.1)))
    assert "veld kans: −0,1 ligt buiten [0, 1]" in msg


def test_unknown_domain(tmp_path):
    msg = error_of(write(tmp_path, "hefbomen:\n" + lever("X", domein="Zorg")))
    assert msg.startswith("register.yaml, regel 3 (hefboom 'X'), veld domein: domein 'Zorg' is")
    assert "Sociale basisvoorzieningen, Wmo, Jeugd, Participatie" in msg


def test_missing_field(tmp_path):
    text = "hefbomen:\n" + lever("X").replace("    eigenaar: Teamleider\n", "")
    msg = error_of(write(tmp_path, text))
    assert msg == "register.yaml, regel 2 (hefboom 'X'), veld eigenaar: ontbreekt (verplicht veld)"


def test_duplicate_lever_name(tmp_path):
    text = "hefbomen:\n" + lever("Schuldhulp") + lever("schuldhulp ")
    msg = error_of(write(tmp_path, text))
    assert msg.startswith("register.yaml, regel 11 (hefboom 'schuldhulp'), veld naam:")
    assert "komt al voor op regel 2" in msg


def test_most_likely_outside_range_and_unknown_field(tmp_path):
    msg = error_of(write(tmp_path, "hefbomen:\n" + lever("X", lo=100, ml=400, hi=300)))
    assert "veld besparing_waarschijnlijk: waarschijnlijk 400 ligt niet tussen" in msg
    text = "hefbomen:\n" + lever("X") + "    besparing_maxx: 5\n"
    msg = error_of(write(tmp_path, text))
    assert msg.startswith("register.yaml, regel 11 (hefboom 'X'), veld besparing_maxx: onbekend")


def test_bad_risks(tmp_path):
    text = (
        "hefbomen:\n"
        + lever("X")
        + textwrap.indent(
            "risicos:\n  - naam: Krapte\n    kans: 2\n    vermindering: 0.5\n", "    "
        )
    )
    msg = error_of(write(tmp_path, text))
    assert msg == (
        "register.yaml, regel 13 (hefboom 'X', risico 'Krapte'), veld kans: 2 ligt buiten [0, 1]"
    )
    shared = (
        "hefbomen:\n"
        + lever("X")
        + "    risicos:\n      - {naam: Krapte, kans: 0.3, vermindering: 0.5}\n"
        + lever("Y")
        + "    risicos:\n      - {naam: krapte, kans: 0.4, vermindering: 0.5}\n"
    )
    msg = error_of(write(tmp_path, shared))
    assert "regel 23 (hefboom 'Y', risico 'krapte'), veld kans: 0,4 maar op regel 12 0,3" in msg
    no_effect = "hefbomen:\n" + lever("X") + "    risicos:\n      - {naam: Krapte, kans: 0.3}\n"
    assert "heeft een gevolg nodig" in error_of(write(tmp_path, no_effect))


def test_yaml_syntax_error_and_structure(tmp_path):
    msg = error_of(write(tmp_path, "hefbomen:\n  - naam: [X\n"))
    assert msg.startswith("register.yaml, regel ") and "ongeldige YAML" in msg
    msg = error_of(write(tmp_path, "levers:\n" + lever("X")))
    assert "sleutel 'hefbomen:' ontbreekt" in msg
    dup_key = lever("X").replace("kans: 1.0", "kans: 1.0\n    kans: 0.5")
    msg = error_of(write(tmp_path, "hefbomen:\n" + dup_key))
    assert msg == (
        "register.yaml, regel 8: ongeldige YAML: veld 'kans' staat twee keer in hetzelfde blok"
    )


CSV_HEADER = (
    "naam;domein;besparing_min;besparing_waarschijnlijk;besparing_max;kans;startjaar;"
    "ingroei_jaren;eigenaar;risicos\n"
)


def test_csv_register_and_its_errors(tmp_path):
    ok = CSV_HEADER + (
        "Schuldhulp;Participatie;100000;200000;300000;0,6;2024;2;Teamleider;"
        '"Krapte (kans=0,3; vermindering=0,5) | Beschrijvend risico"\n'
        "Wijkteam;Sociale basisvoorzieningen;50000;60000;90000;80%;2024;1;Manager;\n"
    )
    reg = R.read_register(write(tmp_path, ok, "register.csv"))
    a, b = reg.hefbomen
    assert a.kans == 0.6 and b.kans == pytest.approx(0.8)
    assert a.risicos[0] == R.Risico("Krapte", 0.3, 0.5, 0, 2)
    assert not a.risicos[1].quantified
    bad = CSV_HEADER + (
        "Schuldhulp;Participatie;100000;200000;300000;0.6;2024;2;Teamleider;\n"
        "Wijkteam;Sociale basisvoorzieningen;500000;60000;90000;0.8;2024;1;Manager;\n"
    )
    msg = error_of(write(tmp_path, bad, "register.csv"))
    assert msg == (
        "register.csv, regel 3 (hefboom 'Wijkteam'), veld besparing_min: min 500.000 > max 90.000"
    )
    missing = CSV_HEADER + "Schuldhulp;Participatie;100000;200000;300000;0.6;2024;;Teamleider;\n"
    assert error_of(write(tmp_path, missing, "register.csv")) == (
        "register.csv, regel 2 (hefboom 'Schuldhulp'), veld ingroei_jaren: ontbreekt "
        "(verplicht veld)"
    )


# --------------------------------------------------------------------------- Monte Carlo


def reg_of(tmp_path, *levers, extra=""):
    return R.read_register(write(tmp_path, extra + "hefbomen:\n" + "".join(levers)))


def test_seeded_and_reproducible(tmp_path):
    reg = R.read_register(R.template_path())
    a = R.simulate(reg, n_draws=5000, seed=7)
    b = R.simulate(reg, n_draws=5000, seed=7)
    c = R.simulate(reg, n_draws=5000, seed=8)
    np.testing.assert_array_equal(a.totals, b.totals)
    assert not np.array_equal(a.totals, c.totals)


def test_deterministic_register_gives_exact_answers(tmp_path):
    reg = reg_of(
        tmp_path,
        lever("A", lo=100, ml=100, hi=100, kans=1, start=2024, ramp=4),
        lever("B", lo=50, ml=50, hi=50, kans=1, start=2026, ramp=0),
    )
    mc = R.simulate(reg, n_draws=1000, seed=1, years=range(2023, 2029))
    s = mc.summary().set_index("jaar")
    expected = {2023: 0, 2024: 25, 2025: 50, 2026: 125, 2027: 150, 2028: 150}
    for y, v in expected.items():
        assert s.loc[y, "besparing_p10"] == pytest.approx(v)
        assert s.loc[y, "besparing_p90"] == pytest.approx(v)
    cover = R.simulate(reg, n_draws=1000, seed=1, deficit=140, years=[2027]).summary()
    assert cover["kans_tekort_gedekt"].iloc[0] == 1.0
    short = R.simulate(reg, n_draws=1000, seed=1, deficit={2027: 160}).summary().set_index("jaar")
    assert short.loc[2027, "kans_tekort_gedekt"] == 0.0
    assert np.isnan(short.loc[2026, "kans_tekort_gedekt"])


def test_probability_of_closing_deficit_with_uncertain_deficit(tmp_path):
    reg = reg_of(tmp_path, lever("A", lo=100, ml=100, hi=100, kans=1, start=2024, ramp=1))
    mc = R.simulate(reg, n_draws=200_000, seed=2, deficit={2024: (90.0, 10.0)})
    p = mc.summary()["kans_tekort_gedekt"].iloc[0]
    assert p == pytest.approx(stats.norm.cdf(1.0), abs=0.005)


@pytest.mark.parametrize("verdeling", ["pert", "driehoek"])
def test_mean_matches_analytic_expectation(tmp_path, verdeling):
    risky = lever("A", lo=100, ml=400, hi=1000, kans=0.7, start=2024, ramp=1) + (
        "    risicos:\n      - {naam: Krapte, kans: 0.4, vermindering: 0.5}\n"
    )
    reg = reg_of(tmp_path, risky, lever("B", lo=0, ml=50, hi=60, kans=0.5, start=2024, ramp=1))
    n = 400_000
    mc = R.simulate(reg, n_draws=n, seed=5, verdeling=verdeling)
    if verdeling == "pert":
        ea, eb = (100 + 4 * 400 + 1000) / 6, (0 + 4 * 50 + 60) / 6
    else:
        ea, eb = (100 + 400 + 1000) / 3, (0 + 50 + 60) / 3
    expected = 0.7 * ea * (1 - 0.4 * 0.5) + 0.5 * eb
    t = mc.totals[:, 0]
    assert abs(t.mean() - expected) < 4 * t.std() / np.sqrt(n)


def test_shared_risk_is_one_event_and_delay_shifts_start(tmp_path):
    a = lever("A", lo=100, ml=100, hi=100, kans=1, start=2024, ramp=1) + (
        "    risicos:\n      - {naam: Krapte, kans: 0.5, vermindering: 1}\n"
    )
    b = lever("B", lo=10, ml=10, hi=10, kans=1, start=2024, ramp=1) + (
        "    risicos:\n      - {naam: krapte, kans: 0.5, vermindering: 1}\n"
    )
    mc = R.simulate(reg_of(tmp_path, a, b), n_draws=10_000, seed=3)
    assert set(np.unique(mc.totals[:, 0])) == {0.0, 110.0}
    assert mc.risk_names == ["Krapte"]
    d = lever("D", lo=100, ml=100, hi=100, kans=1, start=2024, ramp=1) + (
        "    risicos:\n      - {naam: Inkoop, kans: 1, vertraging_jaren: 2}\n"
    )
    mc = R.simulate(reg_of(tmp_path, d), n_draws=100, seed=3, years=[2024, 2025, 2026])
    np.testing.assert_array_equal(mc.summary()["besparing_p50"], [0.0, 0.0, 100.0])


def test_tornado_ranks_drivers(tmp_path):
    wide = lever("Breed", lo=0, ml=500, hi=1000, kans=0.5)
    narrow = lever("Smal", lo=95, ml=100, hi=105, kans=1)
    risky = lever("Risico", lo=300, ml=300, hi=300, kans=1) + (
        "    risicos:\n      - {naam: Weerstand, kans: 0.5, vermindering: 0.5}\n"
    )
    mc = R.simulate(reg_of(tmp_path, wide, narrow, risky), n_draws=50_000, seed=4)
    t = mc.tornado()
    assert list(t["naam"])[0] == "Breed"
    assert list(t["naam"])[-1] == "Smal"
    w = t.set_index("naam").loc["Weerstand"]
    assert w["soort"] == "risico"
    assert w["zwaai"] == pytest.approx(150.0, rel=1e-9)  # 300 * 0.5 forced on vs off
    assert (t["zwaai"] >= 0).all()
    np.testing.assert_allclose(t["basis"], mc.totals[:, -1].mean(), rtol=1e-12)


def test_bad_simulation_parameters(tmp_path):
    reg = reg_of(tmp_path, lever("A"))
    with pytest.raises(ParameterError, match="verdeling"):
        R.simulate(reg, verdeling="normaal")
    with pytest.raises(ParameterError, match="n_draws"):
        R.simulate(reg, n_draws=0)
    with pytest.raises(ParameterError, match="deficit"):
        R.simulate(reg, deficit="veel")
    mc = R.simulate(reg, n_draws=100)
    with pytest.raises(ParameterError, match="jaar 1999"):
        mc.tornado(1999)


def test_plots(tmp_path):
    mc = R.simulate(R.template_path(), n_draws=5000, seed=1)
    for fig in (mc.plot(), R.plot_tornado(mc), R.plot_tornado(mc, 2021)):
        assert isinstance(fig, Figure) and fig.axes
    assert "ILLUSTRATIEF" in mc.plot().axes[0].get_title()


# --------------------------------------------------------------------------- reliability


@pytest.mark.parametrize(("kw", "msg"), [
    ({"n_draws": "veel"}, "n_draws"),
    ({"n_draws": 2.5}, "n_draws"),
    ({"n_draws": True}, "n_draws"),
    ({"n_draws": -5}, "n_draws"),
    ({"n_draws": 10**12}, "n_draws"),
    ({"seed": "x"}, "seed"),
    ({"seed": -1}, "seed"),
    ({"years": "2024"}, "years"),
    ({"years": [2024, "2025"]}, "years"),
    ({"years": []}, "years"),
    ({"deficit": float("nan")}, "deficit"),
    ({"deficit": float("inf")}, "deficit"),
    ({"verdeling": None}, "verdeling"),
])
def test_bad_input_one_line(tmp_path, kw, msg):
    reg = reg_of(tmp_path, lever("A"))
    with pytest.raises(ParameterError, match=msg) as e:
        R.simulate(reg, **kw)
    assert "\n" not in str(e.value)


def test_memory_estimate_refuses_before_allocating(tmp_path, monkeypatch):
    reg = reg_of(tmp_path, lever("A"), lever("B"))
    est = R.simulation_bytes(1000, 2, 0, 1)
    assert est == 8 * 1000 * (6 * 2 + 0 + 3 * 1)
    monkeypatch.setattr(montecarlo, "MAX_SIMULATIE_BYTES", est - 1)
    with pytest.raises(ParameterError, match="GiB") as e:
        R.simulate(reg, n_draws=1000, years=[2024])
    assert "MAX_SIMULATIE_BYTES" in str(e.value)
    monkeypatch.setattr(montecarlo, "MAX_SIMULATIE_BYTES", est)
    assert R.simulate(reg, n_draws=1000, years=[2024]).n_draws == 1000


def test_register_wrong_type():
    with pytest.raises(ParameterError, match="register"):
        R.simulate(42)


def test_probability_comes_with_mc_standard_error(tmp_path):
    reg = reg_of(tmp_path, lever("A", lo=0, ml=100, hi=200))
    n = 40_000
    s = R.simulate(reg, n_draws=n, seed=1, deficit=100.0, years=[2024]).summary().iloc[0]
    p = s["kans_tekort_gedekt"]
    assert 0 < p < 1
    assert s["kans_tekort_gedekt_se"] == pytest.approx(np.sqrt(p * (1 - p) / n))
    # symmetric PERT around 100: P(savings >= 100) = 0.5 within 4 standard errors
    assert abs(p - 0.5) < 4 * s["kans_tekort_gedekt_se"]


# --------------------------------------------------------------------------- target


def _lenses(ov=np.nan, gap=np.nan, zelfde=True):
    import pandas as pd

    return pd.DataFrame({"gm_code": "GM9001", "jaar": [2023], "domein": ["Sociaal domein"],
                         "overschrijding_eur": [ov], "tekort_eur": [gap], "geleverd": [True],
                         "gf_zelfde_jaar": [zelfde], "gf_bron": ["S2024"]})


def test_choose_target_order():
    assert R.choose_target(_lenses(5.0, 7.0), tekort_eur=3.0).kind == "opgegeven"
    t = R.choose_target(_lenses(5.0, 7.0), peer_gap_eur=9.0)
    assert (t.kind, t.amount, t.jaar) == ("overschrijding", 5.0, 2023)
    t = R.choose_target(_lenses(-5.0, 7.0), peer_gap_eur=9.0)
    assert (t.kind, t.amount) == ("peers_mediaan", 9.0)
    t = R.choose_target(_lenses(-5.0, 7.0), peer_gap_eur=-1.0)
    assert (t.kind, t.amount) == ("gemeentefonds", 7.0) and "gemeentefonds" in t.label
    t = R.choose_target(_lenses(-5.0, -7.0), peer_gap_eur=-1.0)
    assert t.kind == "geen" and t.amount is None and not t.has_target
    assert "geen" in t.label
    assert [k for k, _ in t.tried] == ["overschrijding", "peers_mediaan", "gemeentefonds"]


def test_no_target_gives_no_probability(tmp_path):
    reg = reg_of(tmp_path, lever("A"))
    t = R.choose_target(_lenses(-1.0, -1.0))
    s = R.simulate(reg, n_draws=100, seed=1, deficit=t).summary()
    assert "kans_tekort_gedekt" not in s.columns


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "veel", True])
def test_choose_target_bad_tekort(bad):
    with pytest.raises(ParameterError, match="tekort_eur"):
        R.choose_target(_lenses(), tekort_eur=bad)


def test_choose_target_needs_one_gemeente():
    import pandas as pd

    two = pd.concat([_lenses(), _lenses().assign(gm_code="GM9002")])
    with pytest.raises(ParameterError, match="één gemeente"):
        R.choose_target(two)


# --------------------------------------------------------------------------- real data


@pytest.mark.skipif(not __import__("analysekit.paths", fromlist=["x"]).processed_dir().joinpath(
    "iv3.parquet").exists(), reason="data/processed is missing")
def test_real_gemeente_with_positive_target_and_uncertain_probability():
    """Apeldoorn (GM0200): its jaarrekening 2023 exceeds its begroting 2023 in the sociaal
    domein, so the target is the overrun; the shipped illustrative register, scaled to its
    inwoners and shifted to start after the data as the report does, covers it with a
    probability strictly between 0 and 1."""
    from analysekit.analysis import deficits as D
    from analysekit.settings import TEMPLATE_GEMEENTE
    from analysekit.vocab import TOTAAL

    t = D.load_inputs()
    d = D.deficits_all(t["iv3"], t["gemeenten"], None, t["gemeentefonds"], 2023,
                       levering=t["iv3_levering"])
    rows = d[d["gm_code"] == "GM0200"]
    target = R.choose_target(rows)
    tot = rows[rows["domein"] == TOTAAL].iloc[0]
    assert target.kind == "overschrijding" and target.jaar == 2023
    assert target.amount == pytest.approx(tot["netto_jaarrekening_eur"]
                                          - tot["netto_begroting_eur"])
    assert 5e6 < target.amount < 7e6
    src = R.read_register(R.template_path())
    ref = d[(d["gm_code"] == TEMPLATE_GEMEENTE) & (d["domein"] == TOTAAL)].iloc[0]
    shift = int(t["iv3"]["jaar"].max()) + 1 - min(h.startjaar for h in src.hefbomen)
    reg = R.adapt_register(src, float(tot["inwoners"]) / float(ref["inwoners"]), shift)
    n = 20_000
    s = R.simulate(reg, deficit=target, n_draws=n, seed=0).summary().iloc[-1]
    p, se = s["kans_tekort_gedekt"], s["kans_tekort_gedekt_se"]
    assert 0.3 < p < 0.8
    assert se == pytest.approx(np.sqrt(p * (1 - p) / n)) and se < 0.004


# --------------------------------------------------------------------------- scenario words


def test_target_is_named_for_what_it_is_and_held_without_band(tmp_path):
    """Issue 16 §3: one year's overrun held flat is no 'structureel tekort (P10–P90)'."""
    from matplotlib.collections import LineCollection

    from analysekit.analysis import gap_target

    assert R.choose_target is gap_target.choose_target and R.Target is gap_target.Target
    t = R.choose_target(_lenses(14.6e6, 7.0))
    assert t.vast and t.titel == "overschrijding 2023 (één jaar), vast gehouden"
    assert R.choose_target(_lenses(-5.0, 7.0)).titel == ("verschil met het gemeentefonds 2023 "
                                                          "(één jaar), vast gehouden")
    assert R.choose_target(_lenses(), tekort_eur=3.0).titel == "opgegeven tekort, elk jaar gelijk"
    reg = reg_of(tmp_path, lever("A", lo=0, ml=100, hi=200))
    mc = R.simulate(reg, n_draws=500, seed=1, deficit=t, years=[2024, 2025])
    assert mc.tekort_titel == t.titel
    fig = mc.plot()
    ax = fig.axes[0]
    words = " ".join([ax.get_title(), *[x.get_text() for x in ax.get_legend().get_texts()]])
    assert "structureel" not in words.lower()
    assert "tekort: overschrijding 2023 (één jaar), vast gehouden" in words
    assert "P10–P90" not in words.split("tekort:")[1]  # no interval for a fixed amount
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]  # no error bars
    # a deficit with a standard deviation does get its band
    banded = R.simulate(reg, n_draws=500, seed=1, deficit={2024: (150.0, 20.0)},
                        years=[2024]).plot().axes[0]
    assert [c for c in banded.collections if isinstance(c, LineCollection)]
    assert banded.get_legend().get_texts()[-1].get_text() == "tekort; P10–P90"


def test_zero_probability_is_a_rule_of_three_bound():
    """Issue 16 §3: p̂ = 0 from n draws is 'below 3/n', never '± 0,0 procentpunt'."""
    assert R.kans_precisie(0.0, 0.0, 10_000) == (
        "minder dan 0,03%", "in geen van de 10.000 trekkingen gedekt; met 95% zekerheid minder "
        "dan 3 op 10.000, de regel van drie")
    assert R.kans_precisie(0.0, 0.0, 1_000, kort=True)[0] == "< 0,3%"
    assert R.kans_precisie(1.0, 0.0, 100_000)[0] == "meer dan 99,997%"
    # rounded outward: 3/2000 = 0,15% is 'below 0,2%' and 'above 99,8%', never 99,9%
    assert R.kans_precisie(0.0, 0.0, 2_000, kort=True)[0] == "< 0,2%"
    assert R.kans_precisie(1.0, 0.0, 2_000, kort=True)[0] == "> 99,8%"
    # a small estimate gets the decimals its standard error needs (was '<1% (± 0,0 …)')
    p = 5 / 10_000
    assert R.kans_zin(p, R.mc_standard_error(p, 10_000), 10_000) == (
        "0,05% (± 0,02 procentpunt, Monte-Carlo-standaardfout)")
    assert R.kans_zin(0.57, 0.00495, 10_000) == "57% (± 0,5 procentpunt, Monte-Carlo-standaardfout)"
    assert "0,0 procentpunt" not in R.kans_zin(0.0, 0.0, 10_000)
    assert R.kans_zin(float("nan"), 0.0, 10) == "–"


def test_tornado_axis_is_dutch(tmp_path):
    """Issue 16 §6: the tornado's axis read '7.75 8.00'."""
    reg = reg_of(tmp_path, lever("A", lo=7.7e6, ml=7.9e6, hi=8.1e6)
                 + lever("B", lo=0, ml=1e5, hi=2e5))
    mc = R.simulate(reg, n_draws=2_000, seed=3, years=[2024])
    fig = R.plot_tornado_table(mc.tornado(), 2024, illustratief=True)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all("." not in t for t in ticks), ticks
    assert any("," in t for t in ticks), ticks
    assert not hasattr(R, "_eur")
