"""The goals figure of the report.

The tornado is :func:`analysis.register.plot_tornado_table`, the lever forest
:func:`analysis.levers.lever_forest_figure`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["goals_figure"]


def goals_figure(doelen: list[Any], observed: pd.DataFrame, status: pd.DataFrame,
                 voorbeeld: bool) -> Any:
    """Progress chart of the goals; the title says VOORBEELD when they are an example."""
    from analysekit.analysis.goals import plot_progress

    fig = plot_progress(doelen, observed, status)
    if voorbeeld:
        fig.suptitle("VOORBEELD-doelen (geen echte doelen van de gemeente): voortgang op "
                     "een lineair pad van baseline naar doel", fontsize=11)
    return fig
