"""The views of the verkenner: one function per view, each returning a kit figure.

Every view takes the data (:class:`~analysekit.reporting.verkenner.Bron`), the choice
(:class:`~analysekit.reporting.verkenner.Keuze`) and the resolved gemeente, and draws
with the analysis layer's own figure functions where there is one (peer strip,
prijs × volume, ladder, gap against the gemeentefonds). Only the trajectory against the
peers' band is drawn here. A gemeente without figures for a period is never drawn as 0:
the value is left out and the figure says "geen gegevens".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from analysekit import nl
from analysekit.analysis import plots
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL

__all__ = ["LENZEN", "PER_DOMEIN", "TEKENAARS", "gap", "ladder", "leeg", "ontwikkeling",
           "positie", "prijs_volume"]

#: The lenses: measure column → Dutch label. ``lasten_per_inwoner`` is derived by the
#: verkenner's data (:meth:`analysekit.reporting.verkenner.Bron.lenzen`).
LENZEN: dict[str, str] = {
    "netto_per_inwoner": "netto per inwoner",
    "netto_per_doelgroep": "netto per doelgroeplid",
    "netto_per_client": "netto per cliënt",
    "lasten_per_inwoner": "lasten per inwoner",
    "netto_eur": "netto, totaal",
}
#: Lenses whose denominator differs per domein (no value for the sociaal domein as a whole).
PER_DOMEIN = ("netto_per_doelgroep", "netto_per_client")

_LABELS = {"lasten_per_inwoner": "lasten per inwoner (€)"}


def _namen(peers: pd.DataFrame, gm_code: str, naam: str) -> dict[str, str]:
    out = {str(c): str(n).removesuffix(" (gemeente)")
           for c, n in zip(peers["gm_code"], peers["naam"], strict=True)}
    out[gm_code] = naam
    return out


def _eur_axis(axis: Any, compact: bool) -> None:
    from matplotlib.ticker import FuncFormatter

    plots.dutch_axis(axis, 5)
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: nl.eur(x, compact=compact)))


def leeg(titel: str, tekst: str = nl.GEEN_GEGEVENS) -> Any:
    """A small figure with only a title and one line of text (e.g. "geen gegevens")."""
    with plots.style():
        fig = plots.new_figure(8.0, 2.4)
        ax = fig.subplots()
        ax.set_axis_off()
        ax.text(0.5, 0.5, tekst, transform=ax.transAxes, ha="center", va="center",
                fontsize=plots.TITLE_FONT, color="#555555")
        plots.header(fig, ax, titel, bottom=plots.footer(fig))
    return fig


#: The measure of the trajectory view: the trend lens's lasten per inwoner (the multi-year
#: series has the baten, and so netto, only for some years).
TREND_MAAT = "lasten_per_inwoner"


def trend_tabel(bron: Any, k: Any) -> pd.DataFrame:
    """The trend lens of the choice: one row per jaar × verslagsoort of the chosen domein.

    :func:`analysekit.analysis.trend.lens_fast` on the report's shared wide table of the
    domein series (2017 onwards, newest indeling) with the verkenner's peers: gm_code,
    jaar, verslagsoort, domein, eigen (NaN where not delivered), peer_q1, peer_mediaan,
    peer_q3, nederland.
    """
    from analysekit.analysis import trend as T

    ont = bron.ctx(k.jaar, k.verslagsoort).ontwikkeling
    if not ont.heeft_reeks:
        raise ParameterError("de meerjarige reeks ontbreekt; voer `analysekit data build` uit")
    codes = bron.peers(k)["gm_code"].astype(str).tolist()
    lens = T.lens_fast(ont.wide, k.gm_code, codes, ont.nederland, TREND_MAAT)
    lens = lens.loc[lens["domein"] == k.domein]
    return lens.sort_values(["verslagsoort", "jaar"], kind="stable", ignore_index=True)


def ontwikkeling(bron: Any, k: Any, info: Any) -> Any:
    """The trend lens for the chosen domein: the gemeente, its peers' median and band, NL.

    Jaarrekening years solid, the begroting years after the last jaarrekening dashed (plan);
    a year without a submission is a gap with "geen gegevens", never 0.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    t = trend_tabel(bron, k)
    jr = t.loc[t["verslagsoort"] == "jaarrekening"]
    last = int(jr.loc[jr["peer_mediaan"].notna(), "jaar"].max()) if len(jr) else 0
    bg = t.loc[(t["verslagsoort"] == "begroting") & (t["jaar"] > last)]
    both = pd.concat([jr, bg], ignore_index=True)
    x = both["jaar"].to_numpy(float)
    with plots.style():
        fig = plots.new_figure(8.0, 4.5)
        ax = fig.subplots()
        ax.fill_between(x, both["peer_q1"], both["peer_q3"], color="#D9DEE7", lw=0, zorder=1)
        ax.plot(x, both["peer_mediaan"], color=plots.PEER_KLEUR, ls="--", lw=1.6, zorder=2)
        ax.plot(x, both["nederland"], color="#555555", ls=":", lw=1.6, zorder=2)
        ax.plot(jr["jaar"], jr["eigen"], color=plots.ACCENT, lw=2.2, marker="o", ms=6, zorder=4)
        if len(bg):
            ax.plot(bg["jaar"], bg["eigen"], color=plots.ACCENT, lw=1.6, ls="--", marker="o",
                    ms=6, mfc="white", zorder=4)
        for j in both.loc[both["eigen"].isna(), "jaar"]:
            ax.text(j, 0.02, f"{nl.GEEN_GEGEVENS.replace(' ', chr(10))}", ha="center",
                    va="bottom", fontsize=7.5, color="#555555",
                    transform=ax.get_xaxis_transform())
        for j, kort, _note in bron.ctx(k.jaar, k.verslagsoort).ontwikkeling.breuken.get(
                k.domein, []):
            ax.axvline(j - 0.5, color="#999999", lw=0.8, ls=(0, (1, 2)), zorder=1)
            ax.text(j - 0.45, 0.98, kort, rotation=90, ha="left", va="top", fontsize=7,
                    color="#555555", transform=ax.get_xaxis_transform(), zorder=5)
        ax.set_xticks(sorted({int(j) for j in x}))
        ax.tick_params(axis="x", labelrotation=0, labelsize=8.5)
        ax.xaxis.grid(False)
        _eur_axis(ax.yaxis, False)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("lasten per inwoner (€)")
        n = len(bron.peers(k))
        handles = [Line2D([], [], color=plots.ACCENT, lw=2.2, marker="o", ms=5,
                          label=f"{info.naam_kort} (jaarrekening)"),
                   Line2D([], [], color=plots.ACCENT, lw=1.6, ls="--", marker="o", ms=5,
                          mfc="white", label="begroting (plan)"),
                   Line2D([], [], color=plots.PEER_KLEUR, ls="--", label=f"mediaan {n} peers"),
                   Patch(color="#D9DEE7", label="middelste helft"),
                   Line2D([], [], color="#555555", ls=":",
                          label="Nederland als geheel")]
        plots.header(fig, ax, f"{info.naam_kort}: {k.domein}, lasten per inwoner per jaar "
                     "tegen vergelijkbare gemeenten (euro's van elk jaar)", handles,
                     bottom=plots.footer(fig, "Bron: CBS, Iv3 (lasten per taakveld, "
                                         "2017–2026), op de gemeentelijke indeling van nu; "
                                         "bewerking analysekit. Nederland als geheel: alle "
                                         "lasten gedeeld door alle inwoners. Ontbrekende "
                                         "opgaven tellen niet mee; stippellijnen: "
                                         "definitiebreuk. Over de jaren toont de "
                                         "verkenner de lasten: de reeks heeft de baten niet "
                                         "voor elk jaar."))
    return fig


def positie(bron: Any, k: Any, info: Any) -> Any:
    """Box + strip of the peers per domein with the gemeente (:func:`plots.plot_peer_strip`)."""
    values = bron.lenzen(k.jaar, k.verslagsoort)
    peers = bron.peers(k)
    domeinen = (k.domein,) if k.lens in PER_DOMEIN else (*DOMEINEN, TOTAAL)
    fig = plots.plot_peer_strip(values, k.gm_code, peers, k.lens, domeinen=domeinen)
    label = _LABELS.get(k.lens)
    ax = fig.axes[0]
    if label:  # a lens the figure module has no Dutch label for
        ax.set_xlabel(label)
        for text in fig.texts:
            text.set_text(text.get_text().replace(k.lens, label.removesuffix(" (€)")))
    own = values.loc[(values["gm_code"] == k.gm_code) & values["domein"].isin(domeinen), k.lens]
    if own.isna().all():
        ax.text(0.5, 0.02, f"{info.naam_kort}: {nl.GEEN_GEGEVENS}", transform=ax.transAxes,
                ha="center", va="bottom", fontsize=9, color=plots.ACCENT)
    return fig


def prijs_volume(bron: Any, k: Any, info: Any) -> Any:
    """Prijs × volume against the peers' median (:func:`plot_prijs_volume`)."""
    from analysekit.analysis import prijs_volume as PV
    from analysekit.analysis.plots_prijs_volume import plot_prijs_volume

    pv = bron.ctx(k.jaar, k.verslagsoort).prijs_volume.pv_all
    codes = bron.peers(k)["gm_code"].astype(str).tolist()
    sub = pv.loc[pv["gm_code"].isin({k.gm_code, *codes})]
    own = PV.decompose_vs_peers(sub, codes, gm_code=k.gm_code)
    if own.empty:
        raise ParameterError(f"geen prijs × volume voor {info.naam_kort}")
    return plot_prijs_volume(own, k.gm_code, info.naam_kort)


def ladder(bron: Any, k: Any, info: Any) -> Any:
    """The transformation ladder of the gemeente and its peers (:func:`plot_ladder`)."""
    from analysekit.analysis.plots_prijs_volume import plot_ladder

    la = bron.ctx(k.jaar, k.verslagsoort).prijs_volume.ladder_all
    peers = bron.peers(k)
    return plot_ladder(la, k.gm_code, peers["gm_code"].astype(str).tolist(), k.jaar,
                       k.verslagsoort, namen=_namen(peers, k.gm_code, info.naam_kort))


def gap(bron: Any, k: Any, info: Any) -> Any:
    """Net cost beside the gemeentefonds per domein (:func:`plot_gap_vs_gemeentefonds`)."""
    d = bron.lenzen(k.jaar, k.verslagsoort)
    rows = d.loc[d["gm_code"] == k.gm_code]
    if rows.empty or not rows["geleverd"].astype(bool).any():
        raise ParameterError(f"{info.naam_kort}: {nl.GEEN_GEGEVENS}")
    return plots.plot_gap_vs_gemeentefonds(rows.assign(naam=info.naam_kort), k.gm_code,
                                           per_inwoner=k.lens != "netto_eur")


#: view key → function(bron, keuze, gemeente) → figure.
TEKENAARS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "ontwikkeling": ontwikkeling,
    "positie": positie,
    "prijs_volume": prijs_volume,
    "ladder": ladder,
    "gap": gap,
}
