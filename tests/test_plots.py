"""Figures on real data for Tilburg (GM0855, jaarrekening 2023): what they draw, and that
they fit their canvas.

Every figure is checked against the numbers it was built from (bar heights, point
positions, labels), and the report's cosmetics are checked geometrically after a draw:
legend and source line do not overlap, the legend covers no data point, the note of a
projection sits under the axes, and a save with ``bbox_inches="tight"`` (what Jupyter's
inline backend does) keeps the designed canvas, so nothing sticks out of it. Only the
event study uses synthetic data (labelled so): the real data have no adoption years.
"""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image

from analysekit import nl
from analysekit.analysis import deficits as D
from analysekit.analysis import forecast as F
from analysekit.analysis import goals as G
from analysekit.analysis import levers as L
from analysekit.analysis import peers as PE
from analysekit.analysis import plots as P
from analysekit.analysis import register as R

GM = "GM0855"  # Tilburg


@pytest.fixture(scope="module")
def tilburg(built):
    """The canonical tables and what the report computes from them, for Tilburg 2023."""
    t = D.load_inputs()
    d = D.deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], 2023,
                       verslagsoort="jaarrekening")
    # the years with netto (baten per taakveld): jaarrekening 2023, begroting 2024 and 2025;
    # the other years of iv3 (cbs-iv3-meerjarig) have lasten only, so no netto trajectory
    args = (t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"])
    traj = pd.concat([D.trajectory_all(*args, jaren=[2023]),
                      D.trajectory_all(*args, jaren=[2024, 2025], verslagsoort="begroting")],
                     ignore_index=True)
    return {"t": t, "d": d, "traj": traj.loc[traj["gm_code"] == GM]}


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """The plot functions build figures with the object API: nothing is left in pyplot."""
    yield
    assert plt.get_fignums() == []


def draw(fig: Figure) -> Figure:
    FigureCanvasAgg(fig).draw()
    return fig


def inline_png(fig: Figure) -> Image.Image:
    """The PNG that Jupyter's inline backend (and the report engine) makes of a figure."""
    data = print_figure(fig, "png", base64=True, bbox_inches="tight")
    return Image.open(io.BytesIO(base64.b64decode(data)))


def canvas_px(fig: Figure) -> tuple[int, int]:
    w, h = fig.get_size_inches() * fig.dpi
    return round(w), round(h)


def fits_canvas(fig: Figure) -> bool:
    """Every text, legend and axis lies inside the canvas (within its 0.1 in padding).

    This is the bounding box ``bbox_inches="tight"`` computes, with all artists counted
    (the figures leave the ones their margins hold out of it, to save time).
    """
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    for a in fig.findobj(lambda a: isinstance(a, (Text, Legend, Axis))):
        a.set_in_layout(True)
    fig.draw_without_rendering()
    bb = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    w, h = fig.get_size_inches()
    return bool(np.allclose(bb.extents, [0, 0, w, h], atol=1 / fig.dpi))


def bar_rects(ax) -> np.ndarray:
    """The bars of a figure as rows (x, y, width, height): one collection of rectangles."""
    (coll,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    return P.bar_extents(coll)


def own(d: pd.DataFrame, domeinen=P.DOMEINEN) -> pd.DataFrame:
    return d.loc[d["gm_code"] == GM].set_index("domein").loc[list(domeinen)]


# --------------------------------------------------------------------------- deficits


def test_gap_bars_are_the_lenses_of_tilburg(tilburg):
    d = tilburg["d"]
    fig = P.plot_gap_vs_gemeentefonds(d, GM)
    ax = fig.axes[0]
    o = own(d)
    inw = o["inwoners"].astype(float)
    rects = bar_rects(ax)
    heights, bottoms = rects[:, 3], rects[:, 1]
    assert len(heights) == 12  # 4 domeinen × (netto, verdeelmodel, IU/DU)
    np.testing.assert_allclose(heights[:4], o["netto_eur"] / inw)
    np.testing.assert_allclose(heights[:4], o["netto_per_inwoner"])
    np.testing.assert_allclose(heights[4:8], o["gf_verdeelmodel_eur"] / inw)
    np.testing.assert_allclose(heights[8:], o["gf_iu_du_eur"] / inw)
    np.testing.assert_allclose(bottoms[8:], heights[4:8])  # IU/DU stacked on the verdeelmodel
    # the gap above each pair is tekort_per_inwoner, Dutch and signed in words
    gaps = o["tekort_per_inwoner"]
    assert [t.get_text() for t in ax.texts] == [
        ("tekort " if g > 0 else "overschot ") + nl.eur(abs(g), compact=True) for g in gaps]
    assert ax.get_title() == P.wrap(
        "Tilburg 2023 (jaarrekening): netto kosten en gemeentefonds per inwoner",
        8 - 2 * P.PAD, P.TITLE_FONT, "bold")
    assert ax.get_ylabel() == "€ per inwoner"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Sociale basis-\nvoorzieningen", "Wmo", "Jeugd", "Participatie"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "netto kosten", "gemeentefonds: verdeelmodel", "gemeentefonds: IU/DU"]
    ticks = P.tick_labels(ax.yaxis)
    assert ticks[0] == "€ 0" and all(re.fullmatch(r"€ \d{1,3}(\.\d{3})*", s) for s in ticks)
    foot = fig.texts[0].get_text()
    r = o.iloc[0]
    assert f"gemeentefonds {r['gf_circulaire']}, uitkeringsjaar {r['gf_uitkeringsjaar']}" in foot
    assert inline_png(fig).size == canvas_px(fig) == (800, 450)

    total = P.plot_gap_vs_gemeentefonds(d, GM, per_inwoner=False)
    tax = total.axes[0]
    np.testing.assert_allclose(bar_rects(tax)[:4, 3], o["netto_eur"])
    assert tax.get_ylabel() == "€ totaal"
    assert all(s.endswith("mln") or s == "€ 0" for s in P.tick_labels(tax.yaxis))


def test_unhinted_text_only_while_a_kit_figure_draws(tilburg):
    import matplotlib as mpl

    seen = []
    fig = P.plot_gap_vs_gemeentefonds(tilburg["d"], GM)
    fig.axes[0].add_artist(_Spy(seen))
    before = mpl.rcParams["text.hinting"]
    inline_png(fig)
    assert seen and set(seen) == {"no_hinting"}
    assert mpl.rcParams["text.hinting"] == before


class _Spy(Text):
    """An empty text that records the hinting in force when it is drawn."""

    def __init__(self, seen: list) -> None:
        super().__init__(0, 0, "")
        self.seen = seen

    def draw(self, renderer) -> None:
        import matplotlib as mpl

        self.seen.append(mpl.rcParams["text.hinting"])


def test_gap_needs_one_year_and_a_known_gemeente(tilburg):
    d = tilburg["d"]
    with pytest.raises(P.ParameterError, match="verwacht één jaar"):
        P.plot_gap_vs_gemeentefonds(pd.concat([d, d.assign(jaar=2022)]), GM)
    with pytest.raises(P.ParameterError, match="geen rijen voor gemeente 'GM9999'"):
        P.plot_gap_vs_gemeentefonds(d, "GM9999")


def test_domain_trends_follow_the_trajectory(tilburg):
    traj = tilburg["traj"]
    proj = {dom: F.project(traj.loc[traj["domein"] == dom].set_index("jaar")["netto_per_inwoner"])
            for dom in P.DOMEINEN}
    fig = P.plot_domain_trends(traj, GM, projections=proj)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}
    assert set(lines) == set(P.DOMEINEN)
    for dom in P.DOMEINEN:
        r = traj.loc[traj["domein"] == dom].sort_values("jaar")
        np.testing.assert_array_equal(lines[dom].get_xdata(), r["jaar"])
        np.testing.assert_allclose(lines[dom].get_ydata(), r["netto_per_inwoner"])
    # three years are too few for a projection: nothing dashed is drawn or promised
    assert not any(p.ok for p in proj.values())
    assert not [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [*P.DOMEINEN, "jaarrekening", "begroting"]
    # 2023 is a jaarrekening (filled marker), 2024-2025 begroting (open marker on top)
    open_ = [ln for ln in ax.lines if ln.get_markerfacecolor() == "white"]
    assert len(open_) == 4 and {tuple(ln.get_xdata()) for ln in open_} == {(2024, 2025)}
    assert (traj.loc[traj["jaar"] == 2023, "verslagsoort"] == "jaarrekening").all()
    assert (traj.loc[traj["jaar"] > 2023, "verslagsoort"] == "begroting").all()
    assert ax.get_title() == "Tilburg: netto kosten per inwoner per domein"
    assert ax.get_ylabel() == "netto kosten per inwoner (€)"
    assert fits_canvas(fig)


def test_taakveld_breakdown_bars_legend_clear_of_footer(tilburg):
    b = D.taakveld_breakdown(tilburg["t"]["iv3"], 2023, gm_code=GM)
    fig = draw(P.plot_taakveld_breakdown(b, naam="Tilburg"))
    ax = fig.axes[0]
    rows = b.loc[b["gm_code"] == GM]
    rects = bar_rects(ax)
    assert len(rects) == len(rows) > 20
    signed = np.where(rects[:, 0] < 0, rects[:, 0], rects[:, 0] + rects[:, 2])  # from 0
    widths = {lab.get_text().split(" ")[0]: v
              for lab, v in zip(ax.get_yticklabels(), signed, strict=True)}
    assert widths == pytest.approx(dict(zip(rows["taakveld"], rows["netto_eur"], strict=True)))
    # begroting ticks (jaarrekening year): one marker per taakveld at its begroting
    (beg,) = [ln for ln in ax.lines if ln.get_marker() == "|"]
    assert len(beg.get_xdata()) == len(rows)
    assert ax.get_title() == "Tilburg 2023 (jaarrekening): netto kosten per taakveld"
    r = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(r)
    footer = fig.texts[0].get_window_extent(r)
    assert not legend.overlaps(footer)
    assert legend.y0 >= ax.get_window_extent(r).y1  # above the bars, under the title
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*P.DOMEINEN, "begroting"]
    assert fits_canvas(fig)
    top = P.plot_taakveld_breakdown(b, GM, top=5)
    assert len(bar_rects(top.axes[0])) == 5


def test_projection_note_under_the_axes(tilburg):
    traj = tilburg["traj"]
    s = traj.loc[traj["domein"] == D.TOTAAL].set_index("jaar")["tekort_eur"]
    p = F.project(s)
    assert not p.ok  # 3 years of data
    fig = draw(P.plot_projection(p, titel="Tilburg: structureel tekort sociaal domein"))
    ax = fig.axes[0]
    (obs,) = ax.lines
    np.testing.assert_allclose(obs.get_ydata(), s.to_numpy())
    note = next(t for t in fig.texts if t.get_text().startswith("Geen projectie"))
    assert note.get_text().replace("\n", " ") == p.message
    r = fig.canvas.get_renderer()
    assert note.get_window_extent(r).y1 < ax.get_window_extent(r).y0  # not over the line
    # Tilburg has an overschot: the axis says what a negative gap means
    assert (s < 0).all() and ax.get_ylabel().endswith("negatief = overschot")
    assert fits_canvas(fig)


def test_projection_with_band_synthetic():
    """Synthetic series (six years, a clear trend): projection, band and legend."""
    s = pd.Series([10.0, 12.0, 13.5, 15.2, 17.1, 18.8], index=range(2018, 2024)) * 1e6
    p = F.project(s)
    assert p.ok
    ax = P.plot_projection(p).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "waargenomen", "projectie", f"{round(p.coverage * 100)}%-voorspellingsinterval"]
    (band,) = ax.collections
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(p.forecast["ondergrens"].min())
    assert ys.max() == pytest.approx(p.forecast["bovengrens"].max())
    # a one-year gap to the fonds is not "structureel" (issue 16 §3)
    assert ax.get_ylabel() == "verschil met het gemeentefonds (€)"  # never negative here


# --------------------------------------------------------------------------- benchmark


@pytest.fixture(scope="module")
def tilburg_peers(built):
    return PE.peers(GM, k=10, data=PE.load_peer_data(2023))


def test_peer_strip_points_and_boxes(tilburg, tilburg_peers):
    d = tilburg["d"]
    fig = draw(P.plot_peer_strip(d, GM, tilburg_peers))
    ax = fig.axes[0]
    peers_pts, own_pts = [c for c in ax.collections if isinstance(c, PathCollection)]
    pv = d.loc[d["gm_code"].isin(tilburg_peers["gm_code"]) & d["domein"].isin(P.DOMEINEN)]
    assert len(peers_pts.get_offsets()) == len(pv) == 40
    np.testing.assert_allclose(np.sort(peers_pts.get_offsets()[:, 0]),
                               np.sort(pv["netto_per_inwoner"]))
    np.testing.assert_allclose(own_pts.get_offsets()[:, 0], own(d)["netto_per_inwoner"])
    for i, dom in enumerate(P.DOMEINEN):  # quartile boxes of the peers
        q1, q3 = np.percentile(pv.loc[pv["domein"] == dom, "netto_per_inwoner"], [25, 75])
        x, _y, w, _h = bar_rects(ax)[i]
        assert (x, x + w) == pytest.approx((q1, q3))
    assert ax.get_title() == (
        "Tilburg 2023: netto kosten per inwoner tussen 10 vergelijkbare gemeenten")
    assert ax.get_xlabel() == "netto kosten per inwoner (€)"
    r = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(r)
    xy = np.vstack([peers_pts.get_offsets(), own_pts.get_offsets()])
    disp = ax.transData.transform(xy)
    inside = ((disp[:, 0] >= legend.x0) & (disp[:, 0] <= legend.x1)
              & (disp[:, 1] >= legend.y0) & (disp[:, 1] <= legend.y1))
    assert not inside.any()  # the legend covers no gemeente
    assert fits_canvas(fig)


def test_choropleth_outlines(tilburg, tilburg_peers):
    from analysekit import load

    grenzen = load("grenzen", jaar=2023)
    d = tilburg["d"]
    vals = d.loc[d["domein"] == D.TOTAAL, ["gm_code", "netto_per_inwoner"]]
    fig = P.plot_choropleth(grenzen, vals, "netto_per_inwoner", GM, tilburg_peers,
                            titel="Netto lasten sociaal domein per inwoner, 2023")
    ax, cax = fig.axes
    assert ax.get_title() == "Netto lasten sociaal domein per inwoner, 2023"
    assert cax.get_ylabel() == "netto kosten per inwoner (€)"
    # Vijfheerenlanden has no jaarrekening 2023: grey and labelled, never coloured as € 0
    assert np.isnan(vals.set_index("gm_code").loc["GM1961", "netto_per_inwoner"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Tilburg", "vergelijkbare gemeenten", "geen gegevens"]
    from matplotlib.colors import to_rgba

    grey = to_rgba(P.GEEN_GEGEVENS_KLEUR)
    faces = [tuple(c) for coll in ax.collections for c in np.atleast_2d(coll.get_facecolor())]
    assert any(np.allclose(f, grey) for f in faces)
    assert fits_canvas(fig)


def test_choropleth_geleverd_false_is_grey_even_with_a_value(tilburg):
    from analysekit import load

    grenzen = load("grenzen", jaar=2023)
    d = tilburg["d"]
    vals = d.loc[d["domein"] == D.TOTAAL, ["gm_code", "netto_per_inwoner", "geleverd"]].copy()
    vals.loc[vals["gm_code"] == "GM0855", ["netto_per_inwoner", "geleverd"]] = (0.0, False)
    fig = P.plot_choropleth(grenzen, vals, "netto_per_inwoner")
    assert "geen gegevens" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


# --------------------------------------------------------------------------- goals


def test_goal_values_rounded_the_dutch_way():
    assert G._fmt_waarde(25.269407, "per 1.000 inwoners") == "25,3"
    assert G._fmt_waarde(1775.093629, "EUR per jongere") == "1.775"
    assert G._fmt_waarde(0.258789, "aandeel (0-1)") == "25,9%"
    assert G._fmt_waarde(9.0, "weken") == "9,0"
    assert G._fmt_waarde(0.0123, None) == "0,0123"
    assert G._fmt_waarde(-3.5, None) == "−3,5"
    assert G._fmt_waarde(float("nan"), None) == "–"


def test_goals_progress_and_status_text_tilburg(tilburg):
    import dataclasses

    t = tilburg["t"]
    res = G.evaluate_goals(R.template_path("doelen_voorbeeld.yaml"), GM, iv3=t["iv3"],
                           gemeenten=t["gemeenten"], kenmerken=t["kenmerken"],
                           verslagsoort="begroting")
    st = res.status.set_index("indicator")
    aandeel = st.loc["Aandeel voorliggend veld in het sociaal domein"]["toelichting"]
    # begroting 2017–2026 since issue 17: the last plan year is 2026, at the deadline
    assert re.fullmatch(r"doel 22,0% bereikt in \d{4} \(\d+,\d%\)|deadline 2026 verstreken; "
                        r"2026: \d+,\d%, doel 22,0%", aandeel)
    # Dutch numbers only: no decimal points (25.2694), dots only as thousands separators
    for text in st["toelichting"]:
        assert not re.search(r"\d\.(\d{1,2}|\d{4,})(?!\d)", text), text
    # the report rebases the example goals on the gemeente: targets like 25.269407
    rebased = [dataclasses.replace(d, doel_waarde=25.269407)
               if d.indicator == "Bijstand per 1.000 inwoners" else d for d in res.doelen]
    # (read as measurements here: the maatstaf itself gets no status, issue 16 §6)
    gemeten = res.observed.assign(bron="jaarrekening")
    bijstand = G.goal_status(rebased, gemeten).set_index("indicator").loc[
        "Bijstand per 1.000 inwoners"]
    assert bijstand["toelichting"] == (
        f"deadline 2025 verstreken; 2025: {G._fmt_waarde(bijstand['laatste_waarde'])}, "
        "doel 25,3")

    fig = res.plot()
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == len(res.doelen) == 5
    for ax, doel in zip(axes, res.doelen, strict=True):
        label = st.loc[doel.indicator, "status"].upper()
        assert ax.get_title(loc="left").replace("\n", " ") == f"{doel.indicator}: {label}"
        assert ax.get_xlabel() == f"eigenaar: {doel.eigenaar}"
        assert "EUR" not in ax.get_ylabel()
        ob = res.observed.loc[(res.observed["indicator"] == doel.indicator)
                              & (res.observed["bron"].map(G.bron_soort) == "meting")]
        gemeten = [ln for ln in ax.lines if ln.get_marker() == "o"]
        if ob.empty:  # a maatstaf or invented example values: never drawn as measured
            assert not gemeten
            continue
        np.testing.assert_allclose(gemeten[0].get_ydata(), ob.sort_values("jaar")["waarde"])
    share = axes[3]
    assert share.get_ylabel() == "aandeel (%)"
    assert all(s.endswith("%") for s in P.tick_labels(share.yaxis))
    assert "2.100" in P.tick_labels(axes[0].yaxis)  # Dutch thousands separator
    # the report replaces the suptitle with a longer one: it still fits the canvas
    fig.suptitle("VOORBEELD-doelen (geen echte doelen van de gemeente): voortgang op een "
                 "lineair pad van baseline naar doel", fontsize=11)
    assert inline_png(fig).size == canvas_px(fig)


# --------------------------------------------------------------------------- register


def test_savings_show_the_tilburg_overschot(tilburg):
    tot = own(tilburg["d"], [D.TOTAAL]).iloc[0]
    mc = R.simulate(R.template_path(), deficit=float(tot["tekort_eur"]), n_draws=2000, seed=1)
    s = mc.summary()
    fig = R.plot_savings(mc)
    ax = fig.axes[0]
    assert "ILLUSTRATIEF" in ax.get_title()
    p50 = next(ln for ln in ax.lines if ln.get_marker() == "o")
    np.testing.assert_allclose(p50.get_ydata(), s["besparing_p50"] / 1e6)
    tekort = next(ln for ln in ax.lines if ln.get_marker() == "s")
    np.testing.assert_allclose(tekort.get_ydata(), s["tekort_verwacht"] / 1e6)
    # Tilburg 2023 has no gap (an overschot): the markers are below zero and in view
    assert tot["tekort_eur"] < 0
    assert ax.get_ylim()[0] < (tekort.get_ydata() - 1.2816 * s["tekort_sd"] / 1e6).min()
    # a probability of 0 or 1 is a rule-of-three bound (issue 16 §3)
    assert [t.get_text() for t in ax.texts] == [
        "kans gedekt\n" + R.kans_precisie(k, se, 2000, kort=True)[0]
        for k, se in zip(s["kans_tekort_gedekt"], s["kans_tekort_gedekt_se"], strict=True)]
    assert ax.texts[0].get_text() in ("kans gedekt\n> 99,8%", "kans gedekt\n< 0,2%")
    assert fits_canvas(fig)


def test_tornado_bars_are_the_table():
    mc = R.simulate(R.template_path(), n_draws=2000, seed=1)
    tt = R.tornado_table(mc).head(15).iloc[::-1]
    fig = R.plot_tornado(mc)
    ax = fig.axes[0]
    np.testing.assert_allclose(bar_rects(ax)[:, 2],
                               (tt["hoog"] - tt["laag"]) / 1e6)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == [("Risico: " if k == "risico" else "") + n
                      for k, n in zip(tt["soort"], tt["naam"], strict=True)]
    assert all(re.fullmatch(r"\d+(,\d+)?", s) for s in P.tick_labels(ax.xaxis))  # 8,5
    assert fits_canvas(fig)


# --------------------------------------------------------------------------- levers


def test_lever_figures_on_real_data(tilburg):
    t = tilburg["t"]
    rf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], "Sociaal domein", 2023)
    cs = L.fit_cross_section(rf, "netto_per_inwoner", "voorliggend_vs_maatwerk",
                             rf.attrs["controls"], jaar=2023)
    eff = cs.effect()
    ax = L.plot_effects([cs]).axes[0]
    (bar,) = ax.containers
    np.testing.assert_allclose(np.asarray(bar.lines[0].get_xdata(), float), [float(eff["effect"])])
    assert ax.get_yticklabels()[0].get_text() == (
        f"{L.LEVER_LABELS['voorliggend_vs_maatwerk']} (n = {int(eff['n'])})\n"
        f"doorsnede: samenhang")
    assert ax.get_xlabel() == "effect op netto lasten per inwoner (€) (met 95%-interval)"

    diag = L.plot_diagnostics(cs)
    res_ax, infl_ax = diag.axes
    (pts,) = res_ax.collections
    assert len(pts.get_offsets()) == int(eff["n"])
    infl = cs.diagnostics.influential
    np.testing.assert_allclose(bar_rects(infl_ax)[:, 2], infl["cooks_d"])
    names = rf.drop_duplicates("gm_code").set_index("gm_code")["naam"]  # names, not codes
    assert [t.get_text() for t in infl_ax.get_yticklabels()] == list(names[infl["gm_code"]])
    assert fits_canvas(diag)


def test_event_study_synthetic():
    """Synthetic panel (tests/synthetic.py): the real data have no adoption years."""
    from synthetic import make_event_panel

    panel, adoption = make_event_panel(100, 9, seed=1)
    es = L.fit_event_study(panel, "netto_per_inwoner", adoption)
    ax = L.plot_event_study(es).axes[0]
    tab = es.table.dropna(subset=["event_tijd"]).sort_values("event_tijd")
    line = ax.containers[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), tab["effect"])
    assert "pre-trendtoets: F = " in ax.get_title() and "." not in ax.get_title().split("F = ")[1]


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_wrap_measures_words_and_keeps_lines_within_the_width(weight):
    """wrap() adds word widths: the same lines as laying out each growing line anew."""
    text = ("Netto kosten en gemeentefondsbudget per domein per inwoner, Súdwest-Fryslân "
            "jaarrekening 2023 (€ 1.234 per inwoner; 's-Hertogenbosch ter vergelijking)")

    def by_layout(width, size):  # the definition: measure every candidate line
        out, line = [], ""
        for word in text.split(" "):
            cand = f"{line} {word}" if line else word
            if line and P.text_width(cand, size, weight) > width:
                out.append(line)
                line = word
            else:
                line = cand
        return "\n".join([*out, line])

    for width in (1.5, 2.2, 3.0, 4.4, 6.5):
        for size in (8.5, 11.0):
            got = P.wrap(text, width, size, weight)
            assert got == by_layout(width, size)
            lines = got.split("\n")
            assert " ".join(lines) == text
            # every line that has more than one word fits
            assert all(P.text_width(x, size, weight) <= width for x in lines if " " in x)


def test_png_bytes_are_the_pixels_of_savefig():
    """The report's PNG writer (pypng, no row filters) gives matplotlib's own pixels."""
    from PIL import Image

    def pixels(data):
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))

    def savefig(fig, **kw):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=P.DPI, **kw)
        return buf.getvalue()

    fig = P.new_figure(6, 3)
    ax = fig.add_subplot()
    ax.bar(["Wmo", "Jeugd", "Participatie"], [412.5, 388.0, 251.25], color="#1f77b4")
    ax.set_title("Netto kosten per inwoner — Súdwest-Fryslân")
    opaque = P.png_bytes(fig)
    assert opaque[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(opaque)).mode == "RGB"  # opaque: no alpha channel written
    assert np.array_equal(pixels(opaque), pixels(savefig(fig)))
    assert fig.canvas is not None and fig.canvas.figure is fig  # canvas given back
    # a transparent background keeps its alpha channel
    fig.patch.set_alpha(0.0)
    ax.patch.set_alpha(0.0)
    clear = P.png_bytes(fig)
    assert Image.open(io.BytesIO(clear)).mode == "RGBA"
    assert np.array_equal(pixels(clear), pixels(savefig(fig, facecolor="none")))
    # another dpi: matplotlib writes it, at the kit's dpi
    other = plt.figure(figsize=(2, 1), dpi=72)
    other.add_subplot().plot([1, 2], [3, 4])
    assert pixels(P.png_bytes(other)).shape[:2] == (100, 200)
    plt.close(other)


def test_png_bytes_share_a_renderer_per_size_without_leaking_pixels():
    """Figures of one size share an Agg renderer (its text measurements are reused); each
    PNG still has exactly its own figure's pixels, whatever was drawn before it."""
    from PIL import Image

    def pixels(data):
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))

    def savefig(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=P.DPI)
        return buf.getvalue()

    figs = []
    for i, naam in enumerate(["Vlieland", "Súdwest-Fryslân", "'s-Hertogenbosch"]):
        fig = P.new_figure(5, 2.5)
        ax = fig.add_subplot()
        ax.barh(["Wmo", "Jeugd"], [100.0 * (i + 1), 50.0 + 30 * i])
        ax.set_title(f"{naam}: € per inwoner")
        figs.append(fig)
    before = len(P._RENDERERS)
    for fig in [*figs, figs[0], figs[2]]:  # alternate: a leftover of the last one would show
        assert np.array_equal(pixels(P.png_bytes(fig)), pixels(savefig(fig)))
    assert len(P._RENDERERS) <= before + 1  # one renderer for the one size


# --------------------------------------------------------------------------- public APIs only

#: Underscore names a dependency documents for subclasses (not private use):
#: matplotlib's "To implement a custom LayoutEngine: override _adjust_compatible and
#: _colorbar_gridspec, update self._params"; IPython's InteractiveShell._showtraceback
#: ("Subclasses may override this method"); the standard library's os._exit.
_DOCUMENTED_HOOKS = {"_adjust_compatible", "_colorbar_gridspec", "_params", "_showtraceback",
                     "_exit"}


def _private_uses(root, package=None):
    """``(file:line, what)`` for every use of a dependency's private name under ``root``.

    ``package``: the importable name of ``root``, to find overrides of private methods.
    """
    import ast
    import importlib

    trees = {p: ast.parse(p.read_text(), str(p)) for p in sorted(root.rglob("*.py"))}
    own, own_classes = set(), set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                own.add(node.name)
                if isinstance(node, ast.ClassDef):
                    own_classes.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                own.add(node.attr)
            elif isinstance(node, ast.arg):
                own.add(node.arg)

    def private(name):
        return name.startswith("_") and not name.startswith("__") and \
            not name.startswith("_analysekit")

    found = []
    for path, tree in trees.items():
        where = f"{path.relative_to(root)}"
        for node in ast.walk(tree):
            line = f"{where}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Attribute) and private(node.attr) \
                    and node.attr not in _DOCUMENTED_HOOKS:
                via_super = (isinstance(node.value, ast.Call)
                             and getattr(node.value.func, "id", "") == "super")
                if via_super or node.attr not in own:
                    found.append((line, node.attr))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and not node.module.startswith("analysekit"):
                parts = node.module.split(".") + [a.name for a in node.names]
                found += [(line, p) for p in parts if private(p)]
            elif isinstance(node, ast.Import):
                found += [(line, a.name) for a in node.names
                          if any(private(p) for p in a.name.split("."))]
            elif isinstance(node, ast.ClassDef) and package:
                # overriding a dependency's private method: the name is on a base class
                # that comes from outside the package
                module = ".".join([package, *path.relative_to(root).with_suffix("").parts])
                cls = getattr(importlib.import_module(module.removesuffix(".__init__")),
                              node.name, None)
                bases = [b for b in getattr(cls, "__mro__", ())[1:]
                         if not b.__module__.startswith(package)]
                found += [(f"{where}:{f.lineno}", f.name) for f in node.body
                          if isinstance(f, ast.FunctionDef) and private(f.name)
                          and f.name not in _DOCUMENTED_HOOKS
                          and any(f.name in vars(b) for b in bases)]
    return found


def test_the_package_uses_no_private_name_of_a_dependency():
    """Only public APIs of dependencies: no ``obj._name`` of a library object, no private
    module or name imported from a library, no override of a library's private method."""
    from pathlib import Path

    import analysekit

    root = Path(analysekit.__file__).parent
    assert _private_uses(root, "analysekit") == []


def _private_names_by_string(root):
    """Private modules and attributes of dependencies reached through strings:
    ``importlib.import_module("pkg._mod")``, ``getattr/hasattr/setattr(obj, "_name")``."""
    import ast

    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and len(node.args) >= 1):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            line = f"{path.relative_to(root)}:{node.lineno}"
            first = node.args[0]
            if name == "import_module" and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and not first.value.startswith("analysekit"):
                found += [(line, p) for p in first.value.split(".")
                          if p.startswith("_") and not p.startswith("__")]
            elif name in ("getattr", "hasattr", "setattr") and len(node.args) >= 2:
                attr = node.args[1]
                if isinstance(attr, ast.Constant) and isinstance(attr.value, str) \
                        and attr.value.startswith("_") and not attr.value.startswith("__") \
                        and not attr.value.startswith("_analysekit"):
                    found.append((line, attr.value))
    return found


def test_no_private_module_or_name_of_a_dependency_is_reached_by_string():
    from pathlib import Path

    import analysekit

    assert _private_names_by_string(Path(analysekit.__file__).parent) == []


def test_the_private_name_check_finds_what_plots_used_to_do(tmp_path):
    """The check above finds the kinds of private use the text fast paths made (synthetic)."""
    (tmp_path / "m.py").write_text(
        "from matplotlib.font_manager import fontManager\n"
        "from matplotlib import _api\n"
        "import matplotlib.text as mtext\n"
        "from nbconvert import HTMLExporter\n"
        "class E(HTMLExporter):\n"
        "    def f(self, r):\n"
        "        return super()._init_resources(r)\n"
        "def f(renderer, prop):\n"
        "    renderer._get_font_height_metrics = None\n"
        "    return fontManager._find_fonts_by_props(prop), mtext._get_text_metrics_with_cache\n")
    names = sorted(name for _, name in _private_uses(tmp_path))
    assert names == ["_api", "_find_fonts_by_props", "_get_font_height_metrics",
                     "_get_text_metrics_with_cache", "_init_resources"]
