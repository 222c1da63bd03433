"""Figures of the lever fits (matplotlib, Dutch labels, margins measured so nothing is cut)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.levers.text import (
    CLAIM_SHORT,
    DESIGN_NL,
    label,
    names_of,
    outcome_nl,
    p_is,
)


def plot_effects(results: Sequence[Any], term: str | None = None) -> Figure:
    """Forest plot of the lever effect across specifications, with intervals.

    Args:
        results: Fitted results (e.g. a doorsnede and a panel of the same lever).
        term: Term to show (default each result's main term).

    Returns:
        A matplotlib Figure.
    """
    from analysekit.analysis import plots as P

    with P.style():
        fig = P.new_figure(8, 1.6 + 0.55 * len(results))
        ax = fig.subplots()
        labels = []
        for i, r in enumerate(results):
            row = r.effect(term)
            est, lo, hi = float(row["effect"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                [est],
                [i],
                xerr=[[est - lo], [hi - est]],
                fmt="o",
                color="#1f4e79",
                capsize=4,
            )
            labels.append(
                f"{label(row['term'])} (n = {int(row['n'])})\n"
                f"{DESIGN_NL[r.design]}: {CLAIM_SHORT[r.design]}"
            )
        ax.axvline(0, color="grey", lw=0.8, ls="--")
        ax.set_yticks(range(len(results)), labels)
        ax.set_ylim(len(results) - 0.5, -0.5)
        ax.yaxis.grid(False)
        ax.tick_params(axis="y", labelsize=9)
        P.dutch_axis(ax.xaxis, 6)
        level = f"{nl.pct(100 * (1 - results[0].alpha))}" if results else "95%"
        outcome = outcome_nl(results[0].outcome) if results else ""
        ax.set_xlabel(f"effect op {outcome} (met {level}-interval)")
        P.header(fig, ax, "Effect van de hefboom per ontwerp", loc="center")
    return fig


def plot_event_study(result: Any, title: str | None = None,
                     event: str = "invoering") -> Figure:
    """Event-study coefficients with intervals around adoption, pre-trend test in the title.

    Args:
        result: A fitted event study.
        title: Title (default "Event study: <lever>").
        event: What happened at t+0, for the x label (``invoering``, ``fusie``).
    """
    from analysekit.analysis import plots as P

    t = result.table.dropna(subset=["event_tijd"]).sort_values("event_tijd")
    x = t["event_tijd"].to_numpy(float)
    y = t["effect"].to_numpy(float)
    lo = (y - t["ci_low"]).fillna(0).to_numpy()
    hi = (t["ci_high"] - y).fillna(0).to_numpy()
    with P.style():
        fig = P.new_figure(8, 4.5)
        ax = fig.subplots()
        ax.errorbar(x, y, yerr=[lo, hi], fmt="o-", color="#1f4e79", capsize=4)
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="#c00000", lw=0.8, ls="--")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(10, integer=True))
        ax.xaxis.grid(False)
        P.dutch_axis(ax.yaxis, 5)
        binned = "" if result.method == "sunab" else "; eindpunten gebundeld"
        ax.set_xlabel(f"jaren ten opzichte van {event} (−1 = referentie{binned})")
        ax.set_ylabel(P.wrap(f"verschil in {outcome_nl(result.outcome)}", 3.2))
        title = title or f"Event study: {label(result.lever)}"
        if result.pretrend is not None:
            pt = result.pretrend
            title += (f"\npre-trendtoets: F = {nl.getal(pt.statistic, 2)}, "
                      f"{p_is(pt.p)}")
        P.header(fig, ax, title, loc="center")
    return fig


def plot_diagnostics(result: Any) -> Figure:
    """Residuals against fitted values and the most influential gemeenten."""
    from analysekit.analysis import plots as P

    d = result.diagnostics
    infl = d.influential
    names = names_of((result.data, result.source_data), result.entity, infl["gm_code"])
    if "jaar" in infl:
        names = [f"{n} {int(j)}" for n, j in zip(names, infl["jaar"], strict=True)]
    with P.style():
        fig = P.new_figure(9, 4.0)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.25, 1])
        ax1.scatter(d.fitted, d.resid, s=9, alpha=0.6,
                    color="#1f4e79", lw=0)
        ax1.axhline(0, color="grey", lw=0.8)
        P.dutch_axis(ax1.xaxis, 5)
        P.dutch_axis(ax1.yaxis, 5)
        ax1.set_xlabel("voorspeld" + (" (binnen-getransformeerd)" if result.design != "doorsnede"
                                      else ""))
        ax1.set_ylabel("residu (€ per inwoner)" if "_per_inwoner" in result.outcome
                       else "residu")
        ax1.set_title(f"Residuen (Breusch-Pagan "
                      f"{p_is(result.diagnostics.breusch_pagan_p)})", fontsize=10, loc="left")
        pos = np.arange(len(infl))
        P.bars(ax2, pos, infl["cooks_d"], 0.6, color="#c55a11", horizontal=True)
        ax2.set_yticks(pos, names)
        ax2.set_ylim(len(infl) - 0.5, -0.5)
        ax2.yaxis.grid(False)
        P.dutch_axis(ax2.xaxis, 4)
        ax2.set_xlabel("Cook's D (waarneming weggelaten)")
        ax2.set_title("Invloedrijke gemeenten", fontsize=10, loc="left")
        # margins: left of the residual panel and between the panels (labels of the bars)
        pt = 1 / 72
        yt = max((P.text_width(s) for s in P.tick_labels(ax1.yaxis)), default=0.0)
        left = P.PAD + yt + 7 * pt + P.text_height(ax1.get_ylabel()) + 4 * pt
        gap = max((P.text_width(s) for s in names), default=0.0) + 7 * pt + 0.35
        bottom = P.PAD + P.text_height("1") + 7 * pt + P.text_height("voorspeld") + 4 * pt
        P.set_margins(fig, left=left, right=P.PAD + 0.15, bottom=bottom,
                      top=P.PAD + P.text_height("R", 10) + 0.12, wspace=gap)
        P.keep_canvas(fig)
    return fig


def lever_forest_figure(lever_table: pd.DataFrame, labels: Mapping[str, str], title: str,
                        xlabel: str) -> Figure:
    """Forest plot: per lever the association per sd with its interval.

    Labels, title and x label are wrapped to the figure and the margins measured
    (:func:`analysekit.analysis.plots.header`), so nothing is cut off at the report width.

    Args:
        lever_table: hefboom, effect_per_sd, ci_low_per_sd, ci_high_per_sd.
        labels: Dutch label per hefboom.
        title: Figure title.
        xlabel: X axis label (unit and interval level).
    """
    from analysekit.analysis import plots as P

    t = lever_table.iloc[::-1]
    with P.style():
        fig = P.new_figure(8.0, 1.9 + 0.6 * max(len(t), 1))
        ax = fig.subplots()
        y = np.arange(len(t))
        est = t["effect_per_sd"].to_numpy(float)
        ax.errorbar(est, y, xerr=[est - t["ci_low_per_sd"].to_numpy(float),
                                  t["ci_high_per_sd"].to_numpy(float) - est],
                    fmt="o", color="#1f4e79", capsize=4)
        ax.axvline(0, color="grey", lw=0.8, ls="--")
        ax.set_yticks(y, [P.wrap(labels.get(h, label(h)), 2.9, 9) for h in t["hefboom"]])
        ax.tick_params(axis="y", labelsize=9)
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.yaxis.grid(False)
        P.dutch_axis(ax.xaxis, 6)
        ax.set_xlabel(P.wrap(xlabel, 8.0 - 2 * P.PAD - 3.2))
        P.header(fig, ax, title, loc="left")
    return fig
