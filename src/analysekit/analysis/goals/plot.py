"""The progress chart of the goals: per goal its path, tolerance, values and status."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.goals.status import (
    Doel,
    DoelenBestand,
    as_doelen,
    bron_soort,
    goal_status,
)

__all__ = ["STATUS_KLEUR", "plot_progress"]

STATUS_KLEUR = {
    "behaald": "#2e7d32",
    "op koers": "#1f4e79",
    "achter": "#c00000",
    "onbekend": "grey",
}


def plot_progress(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    observed: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    tolerantie: float = 0.10,
    ncols: int = 2,
) -> Figure:
    """Progress chart: per goal the observed series, the required path and the status.

    Measurements are drawn in the status colour ("gemeten"); with a ``bron`` column, a
    maatstaf, a plan or invented example values are drawn in grey with their own marker
    and legend entry (never as "gemeten").

    Args:
        doelen: Goals.
        observed: Observations (indicator, jaar, waarde[, bron]).
        status: Output of :func:`goal_status` (computed when None).
        tolerantie: Tolerance band drawn around the path (share of the required change).
        ncols: Panels per row.

    Returns:
        A matplotlib Figure.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    ds = as_doelen(doelen)
    if status is None:
        status = goal_status(ds, observed, tolerantie=tolerantie)
    n = max(len(ds), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    width = 4.5 * ncols
    panel_w = (width - 2 * P.PAD - ncols * 0.9) / ncols  # title width (y labels ≈ 0.9 in)
    titles, colors = [], []
    for d in ds:
        st = status.loc[status["indicator"] == d.indicator]
        label = st["status"].iloc[0] if len(st) else "onbekend"
        colors.append(STATUS_KLEUR.get(label, "grey"))
        titles.append(P.wrap(f"{d.indicator}: {label.upper()}", panel_w, 9.5, "bold"))
    title_h = max((P.text_height(t, 9.5) for t in titles), default=0.0) + 0.1
    panel_h = 2.1
    with P.style():
        fig = P.new_figure(width, 0.6 + nrows * (panel_h + title_h + 0.75))
        axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
        ylab_w = 0.0
        present: set[str] = set()
        for ax, d, title, color in zip(axes, ds, titles, colors, strict=False):
            xs = np.array([d.baseline_jaar, d.deadline])
            ys = np.array([d.baseline_waarde, d.doel_waarde])
            band = tolerantie * abs(d.doel_waarde - d.baseline_waarde)
            sgn = 1.0 if d.doel_waarde >= d.baseline_waarde else -1.0
            ax.plot(xs, ys, "--", color="grey", lw=1)
            ax.fill_between(xs, ys, ys - sgn * band, color="grey", alpha=0.15, lw=0)
            ob = observed.loc[observed["indicator"] == d.indicator].sort_values("jaar")
            kinds = (ob["bron"].map(bron_soort) if "bron" in ob.columns
                     else pd.Series("meting", index=ob.index))
            for k, (style, _label) in _SOORT_STIJL.items():
                r = ob.loc[kinds == k]
                if len(r):
                    ax.plot(r["jaar"], r["waarde"], color=color if k == "meting" else "grey",
                            **style)
                    present.add(k)
            ax.plot([d.baseline_jaar], [d.baseline_waarde], "s", color="black")
            ax.plot([d.deadline], [d.doel_waarde], "*", ms=12, color="#2e7d32")
            ax.set_title(title, fontsize=9.5, color=color, loc="left", y=1.0)
            eenheid = _eenheid_nl(d.eenheid)
            ax.set_ylabel(eenheid, fontsize=9)
            P.dutch_axis(ax.yaxis, 5, percent="aandeel" in (d.eenheid or ""))
            years = sorted({int(d.baseline_jaar), int(d.deadline), *ob["jaar"].astype(int)})
            ax.set_xticks(years)
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.xaxis.grid(False)
            ax.tick_params(labelsize=8.5)
            ax.set_xlabel(f"eigenaar: {d.eigenaar}", fontsize=8, color="dimgrey")
            ticks = P.tick_labels(ax.yaxis)
            ylab_w = max(ylab_w, max((P.text_width(t, 8.5) for t in ticks), default=0.0)
                         + P.text_height(eenheid, 9) + 0.16)
        for ax in axes[len(ds):]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], ls="--", color="grey", lw=1, label="vereist pad"),
            Patch(color="grey", alpha=0.15, lw=0,
                  label=f"tolerantie ({nl.pct(100 * tolerantie)})"),
            *[Line2D([], [], color="#555555" if k == "meting" else "grey", label=label,
                     **style)
              for k, (style, label) in _SOORT_STIJL.items() if k in present or k == "meting"],
            Line2D([], [], marker="s", ls="", color="black", label="baseline"),
            Line2D([], [], marker="*", ms=12, ls="", color="#2e7d32", label="doel"),
        ]
        names = [h.get_label() for h in handles]
        ncol = P.legend_columns(names, width - 2 * P.PAD)
        leg_w, leg_h = P.legend_size(names, ncol)
        fig.legend(handles=handles, loc="lower left", ncol=ncol, borderaxespad=0,
                   bbox_to_anchor=(P.PAD, P.PAD), bbox_transform=fig.dpi_scale_trans)
        fig.suptitle("Voortgang SMART-doelen (lineair pad van baseline naar doel)",
                     fontsize=11, fontweight="bold", wrap=True)
        bottom_h = P.text_height("2023", 8.5) + P.text_height("eigenaar", 8) + 0.22
        fig.set_layout_engine(P.MarginLayout(
            left=P.PAD + ylab_w, right=P.PAD + 0.15, bottom=P.PAD + leg_h + 0.1 + bottom_h,
            top=title_h, wspace=ylab_w + 0.35, hspace=title_h + bottom_h + 0.15))
        P.keep_canvas(fig)
    return fig


#: How each kind of value is drawn in :func:`plot_progress`, and its legend label.
_SOORT_STIJL: dict[str, tuple[dict[str, Any], str]] = {
    "meting": ({"marker": "o", "ls": "-"}, "gemeten"),
    "maatstaf": ({"marker": "D", "ls": ":", "mfc": "white", "ms": 5},
                 "maatstaf gemeentefonds (geen meting)"),
    "voorbeeld": ({"marker": "x", "ls": ":", "ms": 7}, "verzonnen voorbeeldwaarde (geen meting)"),
    "plan": ({"marker": "o", "ls": "--", "mfc": "white", "ms": 5}, "begroting (plan)"),
}


def _eenheid_nl(eenheid: str | None) -> str:
    """Unit for an axis label: ``EUR per jongere`` → ``€ per jongere``; shares in %."""
    if not eenheid:
        return "waarde"
    if "aandeel" in eenheid:
        return "aandeel (%)"
    return eenheid.replace("EUR", "€")
