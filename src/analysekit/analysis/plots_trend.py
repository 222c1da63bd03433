"""Figures of the trend lens: a gemeente's trajectory against its peers' band and Nederland.

Built on the public helpers of :mod:`analysekit.analysis.plots` (style, figure, footer,
colours); one small-multiple panel per domein. The years after the last jaarrekening are
the begroting (the plan), drawn dashed with open markers; the peers' band follows the same
rule (their jaarrekening, then their begroting). Definition breaks are vertical dotted
lines with a short label. A year without a submission is a gap in the line, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysekit import nl
from analysekit.analysis import plots
from analysekit.vocab import DOMEINEN, TOTAAL

#: Source line of the trend figures.
BRON = ("Bron: CBS, Iv3 (onbewerkte Iv3-data 2017–2026: jaarrekening en begroting, lasten per "
        "taakveld); bewerking analysekit.")
_MATEN = {"lasten_per_inwoner": "lasten (bruto) per inwoner",
          "netto_per_inwoner": "netto lasten per inwoner"}


def path(lens: pd.DataFrame, domein: str, column: str = "eigen") -> pd.DataFrame:
    """The jaarrekening years, then the begroting years after the last jaarrekening.

    Args:
        lens: Output of :func:`analysekit.analysis.trend.lens`.
        domein: Domein.
        column: ``eigen``, ``peer_q1``, ``peer_mediaan``, ``peer_q3`` or ``nederland``.

    Returns:
        jaar, verslagsoort, waarde (NaN where not delivered), ordered by jaar.
    """
    d = lens.loc[lens["domein"] == domein]
    jr = d.loc[d["verslagsoort"] == "jaarrekening"]
    last = int(jr["jaar"].max()) if len(jr) else -1
    bg = d.loc[(d["verslagsoort"] == "begroting") & (d["jaar"] > last)]
    out = pd.concat([jr, bg]).sort_values("jaar")
    return pd.DataFrame({"jaar": out["jaar"].astype(int).to_numpy(),
                         "verslagsoort": out["verslagsoort"].to_numpy(),
                         "waarde": out[column].to_numpy(dtype="float64", na_value=np.nan)})


def _eur_axis(ax: Any) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))

    def fmt(x: float, _pos: int | None = None) -> str:
        locs = np.sort(np.asarray(ax.yaxis.get_majorticklocs(), dtype=float))
        step = float(np.min(np.diff(locs))) if locs.size > 1 else abs(x)
        top = float(np.max(np.abs(locs))) if locs.size else abs(x)
        return nl.eur_as(x, step, top)

    ax.yaxis.set_major_formatter(FuncFormatter(fmt))


def _span(years: Sequence[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def plot_trend_lens(
    lens: pd.DataFrame,
    naam: str,
    breaks: Mapping[str, Sequence[tuple[int, str, str]]] | None = None,
    measure: str = "lasten_per_inwoner",
    domeinen: Sequence[str] = (*DOMEINEN, TOTAAL),
    groei: Mapping[str, float] | None = None,
) -> Figure:
    """Small multiples: per domein the gemeente, its peers' median and band, and Nederland.

    Args:
        lens: Output of :func:`analysekit.analysis.trend.lens` for one gemeente.
        naam: The gemeente's short name (title and legend).
        breaks: :func:`analysekit.analysis.trend.breaks` (vertical marks per domein).
        measure: The lens's measure (for the title).
        domeinen: Panels, in order (at most five; the sixth cell holds the legend).
        groei: Optional domein → growth in % per year, shown in the panel title.
    """
    breaks = breaks or {}
    with plots.style():
        fig = plots.new_figure(8.0, 5.8)
        axes = fig.subplots(2, 3, sharex=True).ravel()
        years_all: list[int] = []
        for ax, dom in zip(axes, domeinen, strict=False):
            own = path(lens, dom, "eigen")
            q1, med, q3 = (path(lens, dom, c) for c in ("peer_q1", "peer_mediaan", "peer_q3"))
            ned = path(lens, dom, "nederland")
            x = own["jaar"].to_numpy()
            years_all += x.tolist()
            jr = (own["verslagsoort"] == "jaarrekening").to_numpy()
            ax.fill_between(q1["jaar"], q1["waarde"], q3["waarde"], color=plots.PEER_KLEUR,
                            alpha=0.14, lw=0, zorder=1)
            ax.plot(med["jaar"], med["waarde"], color=plots.PEER_KLEUR, lw=1.2, ls=(0, (4, 2)),
                    zorder=2)
            ax.plot(ned["jaar"], ned["waarde"], color="#555555", lw=1.0, ls=":", zorder=2)
            y = own["waarde"].to_numpy()
            ax.plot(x[jr], y[jr], color=plots.ACCENT, lw=2.2, marker="o", ms=4, zorder=4)
            if (~jr).any() and jr.any():
                k = int(np.flatnonzero(jr)[-1])
                xb = np.concatenate([[x[k]], x[~jr]])
                yb = np.concatenate([[y[k]], y[~jr]])
                ax.plot(xb, yb, color=plots.ACCENT, lw=1.6, ls="--", marker="o", ms=4.5,
                        mfc="white", markevery=list(range(1, len(xb))), zorder=4)
            for j, kort, _note in breaks.get(dom, ()):
                if x.size and x.min() < j <= x.max():
                    ax.axvline(j - 0.5, color="#777777", lw=0.8, ls=(0, (1, 2)), zorder=0)
                    ax.text(j - 0.42, 0.03, kort, transform=ax.get_xaxis_transform(),
                            fontsize=6.5, color="#555555", ha="left", va="bottom",
                            rotation=90, zorder=5,
                            bbox={"fc": "white", "ec": "none", "pad": 0.6, "alpha": 0.85})
            title = dom
            if groei and nl.finite(groei.get(dom)):
                title += f"\n{nl.pct(groei[dom], 1, sign=True)} per jaar"
            ax.set_title(title, fontsize=plots.FONT, fontweight="bold", loc="left")
            vals = np.concatenate([y, q1["waarde"], q3["waarde"], ned["waarde"]])
            vals = vals[np.isfinite(vals)]
            if vals.size:
                ax.set_ylim(0, float(vals.max()) * 1.12)
            else:
                ax.text(0.5, 0.5, nl.GEEN_GEGEVENS, transform=ax.transAxes, ha="center",
                        va="center", color="#555555")
            _eur_axis(ax)
            ax.xaxis.grid(False)
        for ax in axes[len(domeinen):]:
            ax.set_axis_off()
        if years_all:
            lo, hi = min(years_all), max(years_all)
            ticks = [j for j in range(lo, hi + 1) if (j - lo) % 3 == 0 or j == hi]
            for ax in axes[: len(domeinen)]:
                ax.set_xlim(lo - 0.5, hi + 0.5)
                ax.set_xticks(ticks)
                ax.set_xticklabels([str(t) for t in ticks], fontsize=8)
                ax.tick_params(axis="x", labelbottom=True)
                ax.tick_params(axis="y", labelsize=8)
        jr_years = sorted({int(j) for j in lens.loc[lens["verslagsoort"] == "jaarrekening",
                                                     "jaar"]})
        bg_years = sorted({int(j) for j in lens.loc[lens["verslagsoort"] == "begroting",
                                                     "jaar"]
                           if not jr_years or j > jr_years[-1]})
        handles = [
            Line2D([], [], color=plots.ACCENT, lw=2.2, marker="o", ms=4,
                   label=f"{naam}: jaarrekening\n{_span(jr_years)}"),
            Line2D([], [], color=plots.ACCENT, lw=1.6, ls="--", marker="o", ms=4.5,
                   mfc="white", label=f"{naam}: begroting\n{_span(bg_years)} (plan)"),
            Line2D([], [], color=plots.PEER_KLEUR, lw=1.2, ls=(0, (4, 2)),
                   label="mediaan vergelijkbare\ngemeenten"),
            Patch(color=plots.PEER_KLEUR, alpha=0.14,
                  label="middelste helft\nvergelijkbare gemeenten"),
            Line2D([], [], color="#555555", lw=1.0, ls=":", label="Nederland"),
        ]
        if any(breaks.get(d) for d in domeinen):
            handles.append(Line2D([], [], color="#777777", lw=0.8, ls=(0, (1, 2)),
                                  label="definitiebreuk"))
        if len(domeinen) < len(axes):
            axes[-1].legend(handles=handles, loc="center left", fontsize=plots.LEGEND_FONT,
                            frameon=False, borderaxespad=0.0)
        title = plots.wrap(f"{naam}: {_MATEN.get(measure, measure)} per domein, "
                           "in euro's van elk jaar (niet voor inflatie gecorrigeerd)",
                           8.0 - 2 * plots.PAD, plots.TITLE_FONT, "bold")
        fig.text(plots.PAD, 5.8 - plots.PAD, title, transform=fig.dpi_scale_trans,
                 fontsize=plots.TITLE_FONT, fontweight="bold", ha="left", va="top")
        top = plots.PAD + plots.text_height(title, plots.TITLE_FONT) + 0.55
        bottom = plots.footer(fig, BRON) + 0.35
        plots.set_margins(fig, left=0.75, right=0.15, bottom=bottom, top=top,
                          wspace=0.75, hspace=0.75)
        plots.keep_canvas(fig)
    return fig
