"""Figures of the report sections that are not general plots: tornado, lever forest, goals.

Drawn like :mod:`analysekit.analysis.plots`: a plain matplotlib ``Figure`` (no pyplot),
margins in inches placed once (no constrained layout, so saving draws the figure once).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["goals_figure", "lever_forest_figure", "tornado_figure"]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _figure(width: float, height: float, left: float, right: float = 0.3,
            bottom: float = 0.65, top: float = 0.75) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    fig.subplots_adjust(left=left / width, right=1 - right / width,
                        bottom=bottom / height, top=1 - top / height)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def tornado_figure(tornado: pd.DataFrame, jaar: int, illustratief: bool,
                   top: int = 12) -> Any:
    """Tornado chart: per lever P10–P90 (blue) and per risk with / without (orange).

    Args:
        tornado: The register's tornado table (soort, naam, laag, hoog, basis), largest first.
        jaar: The simulated year it describes.
        illustratief: Label the figure as an illustrative register.
        top: Number of bars.
    """
    t = tornado.head(top).iloc[::-1]
    fig, ax = _figure(9, 0.9 + 0.38 * max(len(t), 1) + (0.25 if illustratief else 0),
                      left=3.9, top=0.75 if illustratief else 0.5)
    colors = np.where(t["soort"] == "risico", "#c55a11", "#1f4e79")
    labels = [("Risico: " if s == "risico" else "") + _short(n, 55)
              for s, n in zip(t["soort"], t["naam"], strict=True)]
    ax.barh(labels, (t["hoog"] - t["laag"]) / 1e6, left=t["laag"] / 1e6, color=colors)
    base = float(t["basis"].iloc[0]) / 1e6 if len(t) else 0.0
    ax.axvline(base, color="black", lw=0.8)
    ax.set_xlabel(f"totale besparing {jaar} (€ mln); zwarte lijn = verwachting")
    title = (f"Spreiding van de besparing in {jaar}: hefboom P10–P90 (blauw), "
             "risico wel / niet (oranje)")
    if illustratief:
        title += "\nILLUSTRATIEF register, geen echte cijfers"
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    return fig


def lever_forest_figure(lever_table: pd.DataFrame, labels: dict[str, str], domein: str,
                        verslagsoort: str, jaar: int) -> Any:
    """Forest plot: per lever the association per sd with its 95% interval (€/inwoner).

    Args:
        lever_table: hefboom, effect_per_sd, ci_low_per_sd, ci_high_per_sd.
        labels: Dutch label per hefboom.
        domein: Outcome domein (for the title).
        verslagsoort: Verslagsoort of the cross-section.
        jaar: Year of the cross-section.
    """
    t = lever_table.iloc[::-1]
    fig, ax = _figure(8.5, 1.2 + 0.55 * max(len(t), 1), left=3.4, bottom=0.8, top=0.5)
    y = np.arange(len(t))
    ax.errorbar(t["effect_per_sd"], y,
                xerr=[t["effect_per_sd"] - t["ci_low_per_sd"],
                      t["ci_high_per_sd"] - t["effect_per_sd"]],
                fmt="o", color="#1f4e79", capsize=4)
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, [_short(labels.get(h, h), 48) for h in t["hefboom"]])
    ax.set_xlabel("verschil in netto lasten per inwoner (€) bij +1 standaardafwijking "
                  "van de hefboom (95%-interval)")
    ax.set_title(f"Samenhang hefbomen en netto lasten {domein.lower()}, "
                 f"doorsnede {verslagsoort} {jaar} (HC3)", fontsize=10)
    return fig


def goals_figure(doelen: list[Any], observed: pd.DataFrame, status: pd.DataFrame,
                 voorbeeld: bool) -> Any:
    """Progress chart of the goals; the title says VOORBEELD when they are an example."""
    from analysekit.analysis.goals import plot_progress

    fig = plot_progress(doelen, observed, status)
    if voorbeeld:
        fig.suptitle("VOORBEELD-doelen (geen echte doelen van de gemeente): voortgang op "
                     "een lineair pad van baseline naar doel", fontsize=11)
    return fig
