"""analysekit.reporting.context and its sections: shared computations, illustrative defaults.

Formatting and the adaptation of the shipped examples are checked with exact answers; the
multi-year lever designs (panel, event study), which the real mirror cannot exercise (one
jaarrekening year), run on SYNTHETIC canonical tables from tests/synthetic.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_iv3  # noqa: E402  (SYNTHETIC data)

from analysekit.analysis.lever_fits import fit_levers  # noqa: E402
from analysekit.errors import ParameterError  # noqa: E402
from analysekit.nl import eur, getal, kans, pct  # noqa: E402
from analysekit.reporting import cache, display  # noqa: E402
from analysekit.reporting.context import SECTIONS, ReportContext  # noqa: E402


def test_dutch_formatting():
    assert getal(1234567.891) == "1.234.568"
    assert getal(1234567.891, 2) == "1.234.567,89"
    assert getal(float("nan")) == "–" and getal(None) == "–" and getal(-0.0001) == "0"
    assert eur(76_214_000) == "€ 76.214.000"
    assert eur(76_214_000, compact=True) == "€ 76,2 mln"
    assert eur(-9_467_000, compact=True) == "−€ 9,5 mln"  # U+2212, nl.MINUS
    assert eur(1_290_000_000, compact=True) == "€ 1,3 mld"
    assert eur(512_493, compact=True) == "€ 512.000"
    assert eur(999.5) == "€ 1.000" and eur(4.25, 2) == "€ 4,25"
    assert pct(14.0535, 1, sign=True) == "+14,1%" and pct(-5.5) == "−6%"
    assert pct(0.0, sign=True) == "0%"
    assert kans(0.8734) == "87%" and kans(float("nan")) == "–"


def test_table_is_plain_html_with_text_left_and_figures_right():
    t = display.table(pd.DataFrame({"domein": ["Jeugd", "Wmo"], "netto": ["€ 76,2 mln", "€ 1"]}))
    html = t._repr_html_() if hasattr(t, "_repr_html_") else t.data
    assert '<th style="text-align:left">domein</th>' in html
    assert '<td style="text-align:right">€ 76,2 mln</td>' in html
    assert "<script" not in html and repr(t).splitlines()[0].split() == ["domein", "netto"]


@pytest.fixture(scope="module")
def tilburg(built):
    return ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023,
                                      "verslagsoort": "jaarrekening"})


def test_context_real_figures_and_shared_values(tilburg):
    assert tilburg.gm_code == "GM0855" and tilburg.inwoners == 227_707
    assert tilburg.lens("Jeugd")["netto_eur"] == 76_214_000
    tv = tilburg.taakvelden.set_index("taakveld")
    assert tv.loc["6.72d", "lasten_eur"] == 43_122_000
    # the all-gemeenten values are shared: a second context gets the very same objects
    other = ReportContext.from_params({"gemeente": "Zwolle", "jaar": 2023})
    assert other.deficits_all is tilburg.deficits_all
    assert other.peer_data is tilburg.peer_data and other.levers is tilburg.levers
    assert len(tilburg.deficits_all["gm_code"].unique()) == 342


def test_shipped_register_is_scaled_and_shifted_and_tornado_scales(tilburg):
    zwolle = ReportContext.from_params({"gemeente": "Zwolle", "jaar": 2023})
    src = zwolle.register_source
    f = zwolle.template_factor
    assert f == pytest.approx(132_411 / 227_707)
    assert zwolle.register.potentieel == pytest.approx(src.potentieel * f)
    # after the data: the last begroting in iv3 is 2026 (cbs-iv3-meerjarig)
    assert min(h.startjaar for h in zwolle.register.hefbomen) == 2027
    assert zwolle.register.illustratief and "ILLUSTRATIEF" in zwolle.register_note
    # the shared tornado × factor equals the tornado of this gemeente's own simulation
    own = zwolle.simulation.tornado().set_index("naam")[["laag", "hoog"]]
    shared = zwolle.tornado.set_index("naam")[["laag", "hoog"]].loc[own.index]
    np.testing.assert_allclose(shared.to_numpy(), own.to_numpy(), rtol=1e-9)
    # seeded: the same parameters give the same P50
    again = ReportContext.from_params({"gemeente": "Zwolle", "jaar": 2023})
    assert again.simulation_summary["besparing_p50"] == zwolle.simulation_summary["besparing_p50"]


def test_gap_target_without_projection_uses_last_year_and_overrun(tilburg):
    g = tilburg.gap_target
    assert not g.geprojecteerd and g.laatste_jaar == 2025
    mu, sd = g.per_jaar[max(g.per_jaar)]
    assert mu == pytest.approx(g.laatste_tekort) and sd == pytest.approx(14_603_000)
    assert "minstens vier" in g.uitleg


def test_example_goals_are_rebased_on_own_first_value(tilburg):
    st = tilburg.goals.status.set_index("indicator")
    jeugd = st.loc["Netto kosten Jeugd per jongere"]
    assert jeugd["baseline_jaar"] == 2023
    assert jeugd["baseline_waarde"] == pytest.approx(76_214_000 / 39_032)
    assert jeugd["doel_waarde"] == pytest.approx(jeugd["baseline_waarde"] * 1500 / 1650)
    own = st.loc["Gemiddelde wachttijd jeugdhulp (weken)"]  # 'eigen': kept as in the file
    assert (own["baseline_waarde"], own["doel_waarde"]) == (12, 6)
    assert tilburg.goals.voorbeeld and "VOORBEELD" in tilburg.goals.bron


def test_headlines_hold_real_figures_only(tilburg):
    h = tilburg.headlines
    assert h["netto_jeugd_eur"] == 76_214_000 and h["inwoners"] == 227_707
    assert not any(k.startswith(("kans", "besparing", "doel")) for k in h)


def test_panel_and_event_study_where_data_allow(tmp_path):
    t = make_iv3(40, tuple(range(2017, 2024)), seed=11)  # SYNTHETIC, seven jaarrekeningen
    codes = sorted(t["iv3"]["gm_code"].unique())
    adoptie = tmp_path / "adoptie.csv"  # SYNTHETIC adoption years
    adoptie.write_text("gm_code,hefboom,adoptiejaar\n"
                       + "".join(f"{c},wijkteam,{2019 + i % 3}\n"
                                 for i, c in enumerate(codes[:16])))
    fits = fit_levers(t, 2023, "jaarrekening", "Sociaal domein",
                               list(range(2017, 2024)), str(adoptie))
    assert "aandeel_voorliggend" in fits.results and "aandeel_voorliggend" in fits.panel
    assert fits.panel["aandeel_voorliggend"].design == "panel"
    assert fits.panel_note.startswith("Panel met vaste effecten")
    assert fits.event is not None and fits.event.pretrend is not None
    one = fit_levers(t, 2023, "jaarrekening", "Sociaal domein", [2023], str(adoptie))
    assert not one.panel and one.event is None
    assert "één jaarrekeningjaar (2023)" in one.panel_note
    assert "adoptie.csv is niet gebruikt" in one.event_note


def test_context_parameter_errors_are_one_line(built):
    with pytest.raises(
        ParameterError, match=r"^parameter domein 'Zorg' is onbekend; verwacht: een van "
    ):
        ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023, "domein": "Zorg"})
    with pytest.raises(
        ParameterError, match=r"^parameter jaar 2016 staat niet in de gegevens; beschikbaar: "
    ):
        ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2016,
                                   "verslagsoort": "begroting"})


def test_shared_is_used_for_every_all_gemeenten_value(tilburg, monkeypatch):
    keys = []
    real = cache.shared

    def spy(key, compute):
        keys.append(key)
        return real(key, compute)

    import importlib

    for name in SECTIONS:
        module = importlib.import_module(f"analysekit.reporting.sections.{name}")
        if hasattr(module, "shared"):
            monkeypatch.setattr(module, "shared", spy)
    ctx = ReportContext.from_params({"gemeente": "Breda", "jaar": 2023})
    ctx.kernpunten(), ctx.lever_display(), ctx.goals_display(), ctx.tornado, ctx.sources
    prefixes = {k.split("_")[0] for k in keys}
    expected = {"deficits", "trajectory", "peer", "levers", "indicator", "tornado", "bronnen"}
    assert expected <= prefixes


def test_eur_with_sign_marks_gaps_both_ways():
    """nl.eur(sign=True): a difference or gap reads +€ / −€; one that rounds to 0 has no sign."""
    assert eur(4_012_000, compact=True, sign=True) == "+€ 4,0 mln"
    assert eur(-1_400_000, compact=True, sign=True) == "−€ 1,4 mln"
    assert eur(9.4, sign=True) == "+€ 9" and eur(-20.2, sign=True) == "−€ 20"
    assert eur(0.4, sign=True) == "€ 0" and eur(-0.4, sign=True) == "€ 0"
    assert eur(float("nan"), sign=True) == "–"
