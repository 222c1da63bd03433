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

import numpy as np
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


def _periode_label(jaar: int, verslagsoort: str) -> str:
    return f"{verslagsoort}\n{jaar}"


def ontwikkeling_tabel(bron: Any, k: Any) -> pd.DataFrame:
    """Per period in the data: own value, peers' quartiles and the Nederland median.

    The peers are those of the chosen period; a peer without figures for a period is
    left out of that period's quartiles, the gemeente's own missing value stays NaN.
    """
    codes = bron.peers(k)["gm_code"].astype(str).tolist()
    rows = []
    for jaar, vs in sorted(bron.perioden(), key=lambda c: (c[0], c[1] != "begroting")):
        d = bron.lenzen(jaar, vs)
        d = d.loc[(d["domein"] == k.domein) & d["geleverd"].astype(bool)]
        vals = d.set_index("gm_code")[k.lens].astype("float64").dropna()
        pv = vals.reindex(codes).dropna().to_numpy()
        q = np.quantile(pv, [0.25, 0.5, 0.75]) if len(pv) else np.full(3, np.nan)
        rows.append({"jaar": jaar, "verslagsoort": vs, "eigen": vals.get(k.gm_code, np.nan),
                     "q1": q[0], "mediaan": q[1], "q3": q[2], "n": len(pv),
                     "nederland": vals.median() if len(vals) else np.nan})
    return pd.DataFrame(rows)


def ontwikkeling(bron: Any, k: Any, info: Any) -> Any:
    """The measure per period: the gemeente, its peers' median and 25e–75e band, Nederland."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    t = ontwikkeling_tabel(bron, k)
    compact = k.lens == "netto_eur"
    x = np.arange(len(t), dtype=float)
    with plots.style():
        fig = plots.new_figure(8.0, 4.5)
        ax = fig.subplots()
        plots.bars(ax, x, (t["q3"] - t["q1"]).to_numpy(float), 0.5, t["q1"].to_numpy(float),
                   color="#D9DEE7", edgecolor="#9AA5B8")
        ax.scatter(x, t["mediaan"], marker="_", s=900, color=plots.PEER_KLEUR, lw=2.2, zorder=3)
        ax.scatter(x, t["nederland"], marker="x", s=40, color="#555555", lw=1.4, zorder=3)
        for vs, ls in (("jaarrekening", "-"), ("begroting", "--")):
            sel = (t["verslagsoort"] == vs).to_numpy() & t["eigen"].notna().to_numpy()
            if sel.any():
                ax.plot(x[sel], t.loc[sel, "eigen"], ls=ls, color=plots.ACCENT, lw=1.6,
                        marker="D", ms=8, mec="white", zorder=4)
        for i in np.flatnonzero(t["eigen"].isna().to_numpy()):
            ax.text(x[i], 0.04, nl.GEEN_GEGEVENS, transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=8.5, color="#555555")
        ax.set_xticks(x, [_periode_label(j, v) for j, v in zip(t["jaar"], t["verslagsoort"],
                                                                strict=True)])
        ax.set_xlim(-0.6, len(t) - 0.4)
        ax.xaxis.grid(False)
        _eur_axis(ax.yaxis, compact)
        ax.set_ylabel(f"{LENZEN[k.lens]} (€)")
        n = len(bron.peers(k))
        handles = [Line2D([], [], color=plots.ACCENT, marker="D", ms=7, mec="white",
                          label=info.naam_kort),
                   Line2D([], [], color=plots.PEER_KLEUR, marker="_", ms=14, ls="",
                          mew=2.2, label=f"mediaan {n} peers"),
                   Patch(facecolor="#D9DEE7", edgecolor="#9AA5B8",
                         label="peers 25e–75e percentiel"),
                   Line2D([], [], color="#555555", marker="x", ls="", label="mediaan Nederland")]
        plots.header(fig, ax, f"{info.naam_kort}: {k.domein}, {LENZEN[k.lens]} per jaar "
                     "tegen vergelijkbare gemeenten", handles,
                     bottom=plots.footer(fig, plots.BRON + " Begroting = plan, jaarrekening = "
                                         "realisatie; ontbrekende opgaven tellen niet mee."))
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
