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


def path(lens: pd.DataFrame, domein: str | None = None) -> pd.DataFrame:
    """The jaarrekening years, then the begroting years after the last jaarrekening.

    Args:
        lens: Output of :func:`analysekit.analysis.trend.lens`.
        domein: One domein (None: all).

    Returns:
        The rows of ``lens`` on that path (domein, jaar, verslagsoort, eigen, peer_q1,
        peer_mediaan, peer_q3, nederland; NaN where not delivered), ordered by domein and
        jaar.
    """
    d = lens if domein is None else lens.loc[lens["domein"] == domein]
    is_jr = (d["verslagsoort"] == "jaarrekening").to_numpy()
    last = int(d.loc[is_jr, "jaar"].max()) if is_jr.any() else -1
    keep = is_jr | (d["jaar"].to_numpy() > last)
    return d.loc[keep].sort_values(["domein", "jaar"], kind="stable")


def _eur_axis(ax: Any) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))

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
        domeinen: Panels, in order (at most five; the last cell of the grid holds the
            legend). One or two panels make a one-row figure (cheaper: the foto draws the
            total and one domein, 01-verkenning all five).
        groei: Optional domein → growth in % per year, shown in the panel title.
    """
    breaks = breaks or {}
    with plots.style():
        nrows = 1 if len(domeinen) <= 2 else 2
        height = 4.1 if nrows == 1 else 5.8
        fig = plots.new_figure(8.0, height)
        grid = fig.add_gridspec(nrows, 3)
        axes = [fig.add_subplot(grid[i // 3, i % 3]) for i in range(min(len(domeinen), 5))]
        years_all: list[int] = []
        marks: dict[tuple[int, str], list[str]] = {}
        p_all = path(lens)
        by_dom = {str(k): g for k, g in p_all.groupby("domein", sort=False)}

        def col(g: pd.DataFrame, c: str) -> np.ndarray:
            return g[c].to_numpy(dtype="float64", na_value=np.nan)

        for ax, dom in zip(axes, domeinen, strict=False):
            g = by_dom.get(dom, p_all.iloc[:0])
            x = g["jaar"].to_numpy(dtype="int64")
            years_all += x.tolist()
            jr = (g["verslagsoort"] == "jaarrekening").to_numpy()
            q1, q3, ned = col(g, "peer_q1"), col(g, "peer_q3"), col(g, "nederland")
            ax.fill_between(x, q1, q3, color=plots.PEER_KLEUR, alpha=0.14, lw=0, zorder=1)
            ax.plot(x, col(g, "peer_mediaan"), color=plots.PEER_KLEUR, lw=1.2, ls=(0, (4, 2)),
                    zorder=2)
            ax.plot(x, ned, color="#555555", lw=1.0, ls=":", zorder=2)
            y = col(g, "eigen")
            ax.plot(x[jr], y[jr], color=plots.ACCENT, lw=2.2, marker="o", ms=4, zorder=4)
            if (~jr).any() and jr.any():
                k = int(np.flatnonzero(jr)[-1])
                xb = np.concatenate([[x[k]], x[~jr]])
                yb = np.concatenate([[y[k]], y[~jr]])
                ax.plot(xb, yb, color=plots.ACCENT, lw=1.6, ls="--", marker="o", ms=4.5,
                        mfc="white", markevery=list(range(1, len(xb))), zorder=4)
            for j, kort, _note in breaks.get(dom, ()):
                if x.size and x.min() < j <= x.max():
                    ax.axvline(j - 0.5, color="#777777", lw=0.9, ls=(0, (1, 2)), zorder=0)
                    marks.setdefault((j, kort), []).append(dom)
            title = dom
            if groei and nl.finite(groei.get(dom)):
                title += f"\n{nl.pct(groei[dom], 1, sign=True)} per jaar"
            # an explicit y: matplotlib then skips measuring the axes to place the title
            ax.set_title(title, fontsize=plots.FONT, fontweight="bold", loc="left", y=1.0,
                         pad=6.0)
            vals = np.concatenate([y, q1, q3, ned])
            vals = vals[np.isfinite(vals)]
            if vals.size:
                ax.set_ylim(0, float(vals.max()) * 1.12)
            else:
                ax.text(0.5, 0.5, nl.GEEN_GEGEVENS, transform=ax.transAxes, ha="center",
                        va="center", color="#555555")
            _eur_axis(ax)
            ax.xaxis.grid(False)
        if years_all:
            lo, hi = min(years_all), max(years_all)
            mid = lo + (hi - lo) // 2
            ticks = sorted({lo, mid, hi})
            for i, ax in enumerate(axes):
                ax.set_xlim(lo - 0.5, hi + 0.5)
                ax.set_xticks(ticks)
                # year labels only where no panel stands below (every text costs a layout)
                below = i + 3 < len(axes)
                ax.set_xticklabels([] if below else [str(t) for t in ticks], fontsize=8)
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
        title = plots.wrap(f"{naam}: {_MATEN.get(measure, measure)}"
                           f"{' per domein' if len(domeinen) > 1 else ''}, "
                           "in euro's van elk jaar (niet voor inflatie gecorrigeerd)",
                           8.0 - 2 * plots.PAD, plots.TITLE_FONT, "bold")
        fig.text(plots.PAD, height - plots.PAD, title, transform=fig.dpi_scale_trans,
                 fontsize=plots.TITLE_FONT, fontweight="bold", ha="left", va="top")
        top = plots.PAD + plots.text_height(title, plots.TITLE_FONT) + 0.55
        bottom = plots.footer(fig, BRON) + 0.35
        if marks:
            note = plots.wrap("Stippellijn = definitiebreuk: " + "; ".join(
                f"{j} {kort} ({', '.join(doms)})" for (j, kort), doms in sorted(marks.items()))
                + ".", 8.0 - 2 * plots.PAD, plots.FOOTER_FONT)
            fig.text(plots.PAD, bottom - 0.3, note, transform=fig.dpi_scale_trans,
                     fontsize=plots.FOOTER_FONT, color="#333333", ha="left", va="bottom")
            bottom += plots.text_height(note, plots.FOOTER_FONT) + 0.06
        plots.set_margins(fig, left=0.75, right=0.15, bottom=bottom, top=top,
                          wspace=0.75, hspace=0.75)
        if len(axes) < 3 * nrows:  # the legend in the free last cell (after the margins)
            cell = grid[nrows - 1, 2].get_position(fig)
            fig.legend(handles=handles, loc="center left", fontsize=plots.LEGEND_FONT,
                       frameon=False, borderaxespad=0.0,
                       bbox_to_anchor=(cell.x0, (cell.y0 + cell.y1) / 2))
        plots.keep_canvas(fig)
    return fig


def plot_projection_lasten(
    projection: Any,
    naam: str,
    domein: str,
    begroting: pd.Series | None = None,
    breaks: Sequence[tuple[int, str, str]] = (),
) -> Figure:
    """The jaarrekening lasten per inwoner, the kit's projection with its interval, the begroting.

    Args:
        projection: :func:`analysekit.analysis.forecast.project` of the jaarrekening series.
        naam: The gemeente's short name.
        domein: The domein (title).
        begroting: The gemeente's own begroting per year after the last jaarrekening
            (index jaar), drawn as open points.
        breaks: Definition breaks of the domein (:func:`analysekit.analysis.trend.breaks`).
    """
    with plots.style():
        fig = plots.new_figure(8.0, 4.6)
        ax = fig.subplots()
        o = projection.observed
        ax.plot(o["jaar"], o["waarde"], color=plots.ACCENT, lw=2.2, marker="o", ms=5, zorder=4)
        handles = [Line2D([], [], color=plots.ACCENT, lw=2.2, marker="o", ms=5,
                          label="jaarrekening")]
        values = [o["waarde"].to_numpy(dtype=float)]
        if projection.ok:
            f = projection.forecast
            ax.plot(np.r_[o["jaar"].iloc[-1], f["jaar"]],
                    np.r_[o["waarde"].iloc[-1], f["verwachting"]], ls="--",
                    color=plots.PEER_KLEUR, lw=1.6, zorder=3)
            ax.fill_between(f["jaar"], f["ondergrens"], f["bovengrens"],
                            color=plots.PEER_KLEUR, alpha=0.15, lw=0, zorder=1)
            values.append(f[["ondergrens", "bovengrens"]].to_numpy(dtype=float).ravel())
            pct = round(projection.coverage * 100)
            handles += [Line2D([], [], ls="--", color=plots.PEER_KLEUR, lw=1.6,
                               label="trendlijn (projectie)"),
                        Patch(color=plots.PEER_KLEUR, alpha=0.15,
                              label=f"{pct}%-voorspellingsinterval")]
        if begroting is not None and len(begroting.dropna()):
            b = begroting.dropna()
            ax.plot(b.index, b.to_numpy(), ls="none", marker="o", ms=6, mfc="white",
                    mec=plots.ACCENT, mew=1.6, zorder=5)
            values.append(b.to_numpy(dtype=float))
            handles.append(Line2D([], [], ls="none", marker="o", ms=6, mfc="white",
                                  mec=plots.ACCENT, mew=1.6, label="eigen begroting"))
        years = [int(j) for j in o["jaar"]]
        if projection.ok:
            years += [int(j) for j in projection.forecast["jaar"]]
        for j, kort, _note in breaks:
            if years and min(years) < j <= max(years):
                ax.axvline(j - 0.5, color="#777777", lw=0.9, ls=(0, (1, 2)), zorder=0)
                ax.text(j - 0.45, 0.02, kort, transform=ax.get_xaxis_transform(),
                        fontsize=7, color="#555555", ha="left", va="bottom")
        vals = np.concatenate(values)
        vals = vals[np.isfinite(vals)]
        ax.set_ylim(0, float(vals.max()) * 1.1 if vals.size else 1.0)
        _eur_axis(ax)
        if years:
            ax.set_xticks(list(range(min(years), max(years) + 1)))
        ax.xaxis.grid(False)
        ax.set_ylabel("lasten (bruto) per inwoner, € van elk jaar")
        bottom = plots.footer(fig, BRON)
        wat = "het sociaal domein" if domein == TOTAAL else domein
        plots.header(fig, ax, f"{naam}: lasten per inwoner voor {wat}, met projectie",
                     handles, bottom=bottom)
    return fig
