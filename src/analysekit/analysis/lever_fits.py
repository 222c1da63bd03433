"""The lever regressions a report shows: one set of fits per year, verslagsoort and domein.

:func:`fit_levers` fits every lever candidate in one cross-section (OLS with HC3 standard
errors), and where the data allow also a panel with fixed effects for gemeente and year
(two or more jaarrekening years) and an event study (also an adoption file). The result
is the same for every gemeente, so the reporting layer computes it once and shares it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from analysekit.analysis import levers as L
from analysekit.analysis.levers import CONTROL_LABELS, LEVER_LABELS
from analysekit.errors import AnalysekitError

__all__ = ["CONTROL_LABELS", "LEVER_LABELS", "LeverFits", "fit_levers", "without_fits"]

@dataclasses.dataclass
class LeverFits:
    """The lever regressions of one year and domein (the same for every gemeente)."""

    jaar: int
    verslagsoort: str
    domein: str
    frame: pd.DataFrame
    results: dict[str, L.LeverResult]
    skipped: dict[str, str]
    panel: dict[str, L.LeverResult]
    panel_note: str
    event: L.LeverResult | None = None
    event_note: str = ""


def _opsomming(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def fit_levers(
    t: Mapping[str, pd.DataFrame],
    jaar: int,
    vs: str,
    domein: str,
    jr_years: Sequence[int],
    adoptie: str | None = None,
) -> LeverFits:
    """Fit every lever candidate in one cross-section (HC3), and more where data allow.

    Args:
        t: The canonical tables (iv3, gemeenten, kenmerken).
        jaar: Year of the cross-section.
        vs: Verslagsoort of the cross-section.
        domein: Outcome domein (one of the domeinen or the total).
        jr_years: Years with a jaarrekening (a panel needs two or more).
        adoptie: Adoption file for an event study (gm_code, hefboom, adoptiejaar).

    Returns:
        The fits, the levers that could not be fitted with the reason, and a Dutch note
        on which designs the data allow.
    """
    rf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jaar,
                            verslagsoort=vs)
    controls = rf.attrs["controls"]
    results: dict[str, L.LeverResult] = {}
    skipped: dict[str, str] = {}
    for lever in rf.attrs["levers"]:
        try:
            results[lever] = L.fit_cross_section(rf, "netto_per_inwoner", lever, controls,
                                                 jaar=jaar)
        except AnalysekitError as exc:
            skipped[lever] = str(exc)
    panel: dict[str, L.LeverResult] = {}
    event, event_note = None, ""
    jr_years = list(jr_years)
    if len(jr_years) >= 2:
        pf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jr_years,
                                verslagsoort="jaarrekening")
        for lever in results:
            try:
                panel[lever] = L.fit_panel(pf, "netto_per_inwoner", lever, pf.attrs["controls"])
            except AnalysekitError as exc:
                skipped[f"{lever} (panel)"] = str(exc)
        note = (f"Panel met vaste effecten voor gemeente en jaar over de jaarrekeningen "
                f"{_opsomming([str(j) for j in jr_years])}.")
        if adoptie:
            try:
                event = L.fit_event_study(pf, "netto_per_inwoner", adoptie,
                                          controls=pf.attrs["controls"])
            except AnalysekitError as exc:
                event_note = f"Event study niet geschat: {exc}"
    else:
        only = f"één jaarrekeningjaar ({jr_years[0]})" if jr_years else "geen jaarrekening"
        note = (
            f"Een panel (vaste effecten voor gemeente en jaar) of een event study is op deze "
            f"gegevens niet mogelijk: er is {only}. Zo'n ontwerp vergelijkt dezelfde gemeente "
            f"over meerdere jaren met gerealiseerde cijfers; begrotingen zijn plannen, daarop "
            f"schatten we geen effecten. Hieronder staat daarom alleen de doorsnede."
        )
        if adoptie:
            event_note = (f"Het invoeringsbestand {Path(adoptie).name} is niet gebruikt: een "
                          f"event study vraagt meerdere jaarrekeningjaren.")
    return LeverFits(jaar, vs, domein, rf, results, skipped, panel, note, event, event_note)


def without_fits(fits: LeverFits) -> LeverFits:
    """A copy without the statsmodels result objects (effects, diagnostics and data stay).

    Small to store and quick to load: enough for the lever table and the euros per
    gemeente, not for residual plots.
    """
    def strip(res: L.LeverResult | None) -> L.LeverResult | None:
        return None if res is None else dataclasses.replace(res, fit=None)

    return dataclasses.replace(
        fits,
        results={k: strip(v) for k, v in fits.results.items()},
        panel={k: strip(v) for k, v in fits.panel.items()},
        event=strip(fits.event),
    )
