"""Figures for prijs × volume and the transformation ladder (Dutch labels).

Built like :mod:`analysekit.analysis.plots`: object API
(:func:`~analysekit.analysis.plots.new_figure`, no pyplot state), no constrained layout
(fixed margins from :func:`~analysekit.analysis.plots.header` /
:func:`~analysekit.analysis.plots.footer`), bars as one collection
(:func:`~analysekit.analysis.plots.bars`), numbers formatted with :mod:`analysekit.nl`.

* :func:`plot_prijs_volume` — a waterfall per domein: peer median (or earlier year) → volume
  part → price part → samenhang → the gemeente, in euros per inwoner.
* :func:`plot_ladder` — 100% stacked bars of voorliggend / maatwerk / geëscaleerd for the
  gemeente, its peers pooled and each peer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysekit import nl
from analysekit.analysis.ladder import TREDE_LABELS
from analysekit.analysis.plots import (
    ACCENT,
    NEUTRAAL,
    PEER_KLEUR,
    bars,
    dutch_axis,
    footer,
    header,
    new_figure,
    style,
)
from analysekit.analysis.prijs_volume import CLIENT_WOORDEN, PV_DOMEINEN, bron_label
from analysekit.errors import ParameterError
from analysekit.vocab import TREDEN

__all__ = ["DEEL_KLEUREN", "TREDE_KLEUREN", "plot_ladder", "plot_prijs_volume"]

#: Colours of the parts of the split.
DEEL_KLEUREN = {"volume": "#E9A23B", "prijs": "#5B8DB8", "interactie": NEUTRAAL}
#: Colours of the ladder steps, light (voorliggend) to heavy (geëscaleerd).
TREDE_KLEUREN = {"voorliggend": "#9CCB86", "maatwerk": "#F1B26B", "geescaleerd": "#C4544F"}

_EUR = FuncFormatter(lambda x, _pos: nl.eur(x).replace("-", "−"))


def _bron_prijs_volume(rows: pd.DataFrame) -> str:
    r = rows.iloc[0]
    telling = []
    have = rows.loc[rows["clienten_jaar"].notna()]
    for (jaar, bron), g in have.groupby(["clienten_jaar", "clienten_bron"], sort=False):
        wie = " en ".join(CLIENT_WOORDEN[d][0] for d in g["domein"])
        telling.append(f"{wie} {int(jaar)} ({bron_label(bron)})")
    methode = "shift-share met samenhang" if r["methode"] == "shift_share" else "Kitagawa"
    return (f"Bron: CBS Iv3 ({r['verslagsoort']} {int(r['jaar'])}); cliënten: "
            f"{'; '.join(telling) or nl.GEEN_GEGEVENS}; bewerking analysekit. "
            f"Ontleding: {methode}. Rekenkundig, geen oorzakelijk verband.")


def _label(v: float, signed: bool) -> str:
    """A bar label: euros with a real minus sign; the parts also with a plus sign."""
    text = nl.eur(abs(v))
    if text == "€ 0" or not signed and v >= 0:
        return text
    return ("+" if v > 0 else "−") + text


def plot_prijs_volume(result: pd.DataFrame, gm_code: str, naam: str | None = None) -> Figure:
    """Waterfall per domein from the reference to the gemeente: volume, price, samenhang.

    Args:
        result: :func:`~analysekit.analysis.prijs_volume.decompose_vs_peers` (or
            ``decompose_vs_jaar``) output.
        gm_code: The gemeente.
        naam: Display name (default: from the result).

    Returns:
        The figure; a domein without a split shows its status ("geen gegevens", "klein
        aantal", …) instead of bars.
    """
    rows = result.loc[result["gm_code"] == gm_code]
    if rows.empty:
        raise ParameterError(f"plot_prijs_volume: geen rijen voor gemeente {gm_code!r}")
    order = [d for d in PV_DOMEINEN if d in set(rows["domein"])]
    rows = rows.set_index("domein").loc[order].reset_index()
    naam = naam or str(rows["naam"].iloc[0])
    peers = rows["referentie"].iloc[0] == "peers"
    ref_label = "peers" if peers else str(rows["ref_jaar"].iloc[0])
    step = 6
    pos, length, base, colour = [], [], [], []
    notes = []
    for i, r in rows.iterrows():
        x0 = i * step
        if r["status"] != "ok" or not nl.finite(r["verschil"]):
            notes.append((x0 + 2, str(r["status"])))
            continue
        ref, vol, prijs, inter = (float(r[c]) for c in ("ref_netto_per_inwoner",
                                                        "volume_deel", "prijs_deel",
                                                        "interactie"))
        pos += [x0, x0 + 1, x0 + 2, x0 + 3, x0 + 4]
        length += [ref, vol, prijs, inter, float(r["netto_per_inwoner"])]
        base += [0.0, ref, ref + vol, ref + vol + prijs, 0.0]
        colour += [PEER_KLEUR, DEEL_KLEUREN["volume"], DEEL_KLEUREN["prijs"],
                   DEEL_KLEUREN["interactie"], ACCENT]
    with style():
        fig = new_figure(8.0, 4.8)
        ax = fig.subplots()
        if pos:
            bars(ax, pos, length, 0.8, base, color=colour)
            top = max(b + max(v, 0.0) for b, v in zip(base, length, strict=True))
        else:
            top = 1.0
        for j in range(len(pos)):
            v = length[j]
            y = base[j] + max(v, 0.0)
            ax.text(pos[j], y + 0.01 * top, _label(v, signed=j % 5 in (1, 2, 3)),
                    ha="center", va="bottom", fontsize=7.5, color="#333333")
        for x, text in notes:
            ax.text(x, 0.5 * top, text, ha="center", va="center", fontsize=9, color="#555555")
        # the legend names the bars by colour; the axis names the domeinen
        ax.set_xticks([i * step + 2 for i in range(len(order))], order)
        for t in ax.get_xticklabels():
            t.set_fontweight("bold")
        ax.set_xlim(-0.7, step * len(rows) - 1.3)
        ax.set_ylim(min(0.0, *(b + min(v, 0.0) for b, v in zip(base, length, strict=True)))
                    if pos else 0.0, top * 1.12)
        if pos:
            dutch_axis(ax.yaxis, 5)
            ax.yaxis.set_major_formatter(_EUR)
        else:  # nothing to measure: no euro axis
            ax.set_yticks([])
        ax.xaxis.grid(False)
        ax.set_ylabel("netto kosten per inwoner (€)")
        handles = [
            Patch(color=PEER_KLEUR, label="mediaan vergelijkbare gemeenten" if peers
                  else f"{naam} {ref_label}"),
            Patch(color=DEEL_KLEUREN["volume"], label="volume (cliënten per inwoner)"),
            Patch(color=DEEL_KLEUREN["prijs"], label="prijs (kosten per cliënt)"),
            Patch(color=DEEL_KLEUREN["interactie"], label="samenhang"),
            Patch(color=ACCENT, label=naam),
        ]
        r0 = rows.iloc[0]
        titel = (f"{naam}: netto kosten per inwoner, {r0['verslagsoort']} {int(r0['jaar'])}, "
                 f"ontleed in volume en prijs")
        header(fig, ax, titel, handles, bottom=footer(fig, _bron_prijs_volume(rows)))
    return fig


def plot_ladder(
    ladder: pd.DataFrame,
    gm_code: str,
    peer_codes: Sequence[str],
    jaar: int,
    verslagsoort: str = "jaarrekening",
    namen: Mapping[str, str] | None = None,
) -> Figure:
    """100% stacked bars of the ladder: the gemeente, its peers pooled, and each peer.

    Args:
        ladder: :func:`~analysekit.analysis.ladder.ladder_all` output.
        gm_code: The gemeente.
        peer_codes: gm_codes of the peers.
        jaar: Year.
        verslagsoort: ``jaarrekening`` or ``begroting``.
        namen: gm_code → display name (default: the codes).

    Returns:
        The figure; gemeenten without shares are listed as "geen gegevens".
    """
    namen = dict(namen or {})
    sel = ladder.loc[(ladder["jaar"] == jaar) & (ladder["verslagsoort"] == verslagsoort)]
    sel = sel.set_index("gm_code")
    if gm_code not in sel.index:
        raise ParameterError(f"plot_ladder: geen ladderrij voor {gm_code!r} in {verslagsoort} "
                             f"{jaar}")
    codes = [c for c in dict.fromkeys(peer_codes) if c != gm_code]
    cols = [f"aandeel_{t}" for t in TREDEN]
    peer_rows = sel.reindex(codes)
    ok = peer_rows["status"] == "ok"
    pooled = peer_rows.loc[ok, [f"{t}_eur" for t in TREDEN]].sum()
    pooled_share = (100.0 * pooled / pooled.sum()).to_numpy() if ok.any() else \
        np.full(3, np.nan)
    peer_sorted = peer_rows.loc[ok].sort_values("aandeel_geescaleerd", ascending=False)
    missing = list(peer_rows.index[~ok.to_numpy()])
    naam = namen.get(gm_code, gm_code)
    labels = [naam, f"peers samen ({int(ok.sum())})"] + [namen.get(c, c) for c in
                                                          peer_sorted.index]
    shares = np.vstack([sel.loc[gm_code, cols].to_numpy(dtype=float), pooled_share,
                        peer_sorted[cols].to_numpy(dtype=float).reshape(-1, 3)]) / 100.0
    n = len(labels)
    with style():
        fig = new_figure(8.0, max(3.2, 0.3 * n + 2.2))
        ax = fig.subplots()
        y = np.arange(n, dtype=float)
        y[1:] += 0.4  # a gap between the gemeente and the rest
        y[2:] += 0.4
        left = np.zeros(n)
        for j, t in enumerate(TREDEN):
            v = np.nan_to_num(shares[:, j])
            bars(ax, y, v, 0.72, left, color=TREDE_KLEUREN[t], horizontal=True)
            for i in (0, 1):
                if v[i] >= 0.06:
                    ax.text(left[i] + v[i] / 2, y[i], nl.pct(100 * v[i]), ha="center",
                            va="center", fontsize=8, color="black")
            left += v
        if np.isnan(shares[0]).any():
            ax.text(0.5, y[0], nl.GEEN_GEGEVENS, ha="center", va="center", fontsize=9)
        ax.set_yticks(y, labels)
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.set_ylim(y[-1] + 0.6, -0.6)
        ax.set_xlim(0, 1)
        dutch_axis(ax.xaxis, 5, percent=True)
        ax.yaxis.grid(False)
        ax.set_xlabel("aandeel in de lasten op de transformatieladder")
        handles = [Patch(color=TREDE_KLEUREN[t], label=TREDE_LABELS[t]) for t in TREDEN]
        bron = (f"Bron: CBS Iv3 ({verslagsoort} {jaar}), lasten van 6.1/6.2x (voorliggend), "
                "6.6x/6.71x–6.79x (maatwerk), 6.81x/6.82x (geëscaleerd); bewerking analysekit.")
        if missing:
            bron += f" {nl.GEEN_GEGEVENS}: {', '.join(namen.get(c, c) for c in missing)}."
        header(fig, ax, f"{naam}: transformatieladder, {verslagsoort} {jaar}", handles,
               bottom=footer(fig, bron))
    return fig
