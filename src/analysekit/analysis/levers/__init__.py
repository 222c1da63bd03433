"""Lever effects (hefbomen) by regression, estimated and diagnosed by kept libraries.

Modules, by estimator:

* :mod:`.cross_section` — one year: statsmodels OLS, HC3 (an association).
* :mod:`.panel` — gemeente and year fixed effects, clustered by gemeente: linearmodels
  ``PanelOLS`` (:func:`twfe`, used by every panel design).
* :mod:`.event_study` — around an adoption: TWFE, stacked, Sun–Abraham.
* :mod:`.questions` — the pre-specified panel questions (herindeling, transformation ladder)
  and the randomisation placebo (docs/levers.md).
* :mod:`.diagnostics` — after every fit: statsmodels ``OLSInfluence`` (Cook's D, DFBETA),
  ``variance_inflation_factor``, ``het_breuschpagan``.
* :mod:`.result`, :mod:`.euros`, :mod:`.text`, :mod:`.plots` — results, euros for one
  gemeente, Dutch words, figures; :mod:`.adoption`, :mod:`.frame`, :mod:`.inputs` — input.
"""

from analysekit.analysis.levers.adoption import read_adoption, read_levers
from analysekit.analysis.levers.cross_section import fit_cross_section
from analysekit.analysis.levers.euros import to_euros
from analysekit.analysis.levers.event_study import MEAN_TERM, event_term, fit_event_study
from analysekit.analysis.levers.frame import (
    DEFAULT_CONTROLS,
    EXCL,
    LEVER_DEFINITIONS,
    SOCIAAL_DOMEIN,
    VOORLIGGEND_LEVERS,
    lever_candidates,
    regression_frame,
)
from analysekit.analysis.levers.inputs import check_lever
from analysekit.analysis.levers.panel import TwfeFit, fit_panel, twfe
from analysekit.analysis.levers.plots import (
    lever_forest_figure,
    plot_diagnostics,
    plot_effects,
    plot_event_study,
)
from analysekit.analysis.levers.result import (
    Diagnostics,
    LeverResult,
    PretrendTest,
    diagnostics_table,
)
from analysekit.analysis.levers.text import (
    CLAIMS,
    CONTROL_LABELS,
    LEVER_LABELS,
    label,
    p_text,
)
from analysekit.vocab import DOMEINEN

__all__ = [
    "CLAIMS", "CONTROL_LABELS", "DEFAULT_CONTROLS", "DOMEINEN", "LEVER_DEFINITIONS",
    "LEVER_LABELS", "MEAN_TERM", "EXCL", "SOCIAAL_DOMEIN",
    "VOORLIGGEND_LEVERS", "Diagnostics", "LeverResult", "PretrendTest", "TwfeFit",
    "check_lever", "diagnostics_table", "event_term", "fit_cross_section", "fit_event_study",
    "fit_panel", "label", "lever_candidates", "lever_forest_figure", "p_text",
    "plot_diagnostics", "plot_effects", "plot_event_study", "read_adoption", "read_levers",
    "regression_frame", "to_euros", "twfe",
]
