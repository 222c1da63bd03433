"""The lever regressions a report shows, computed once and shared by every gemeente.

:func:`fit_levers` fits every lever candidate in one cross-section (OLS, HC3) with a Holm
correction across the levers, a panel with gemeente and year effects per lever where the
jaarrekeningen allow, and the user's adoption file (question c) on the real lasten per
inwoner 2017–2024. :func:`fit_questions` answers the pre-specified panel questions a
(herindeling) and b (transformation ladder) of docs/levers.md; :func:`fit_placebo` the
randomisation placebo of a, computed once per data build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from analysekit.analysis import levers as L
from analysekit.analysis.levers import CONTROL_LABELS, LEVER_LABELS
from analysekit.analysis.levers import questions as Q
from analysekit.analysis.levers.text import METHOD_NL
from analysekit.errors import AnalysekitError
from analysekit.vocab import DOMEINEN, TOTAAL

__all__ = ["CONTROL_LABELS", "LEVER_LABELS", "LeverFits", "PanelQuestions", "fit_levers",
           "fit_placebo", "fit_questions", "without_fits"]

#: Event-study estimators run on an adoption file (all three, side by side).
EVENT_METHODS = ("sunab", "twfe", "stacked")
MULTIPLE_TESTING = "holm"


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
    p_holm: dict[str, float] = dataclasses.field(default_factory=dict)
    events: dict[str, L.LeverResult] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class PanelQuestions:
    """Questions a and b on the real panel (docs/levers.md), the same for every report."""

    herindeling: dict[str, L.LeverResult]
    ladder: L.LeverResult
    ladder_niveau: L.LeverResult
    ladder_zonder_lead: L.LeverResult
    ladder_panel: pd.DataFrame
    rollen: pd.DataFrame
    jaren: list[int]


def _opsomming(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def holm(pvalues: Mapping[str, float]) -> dict[str, float]:
    """Holm-adjusted p-values across the levers (statsmodels ``multipletests``)."""
    from statsmodels.stats.multitest import multipletests

    if not pvalues:
        return {}
    adj = multipletests(list(pvalues.values()), method=MULTIPLE_TESTING)[1]
    return dict(zip(pvalues, map(float, adj), strict=True))


def fit_levers(
    t: Mapping[str, pd.DataFrame],
    jaar: int,
    vs: str,
    domein: str,
    jr_years: Sequence[int],
    adoptie: str | None = None,
) -> LeverFits:
    """Fit every lever candidate in one cross-section (HC3), and more where data allow.

    The levers built from the voorliggend taakvelden are regressed on the outcome without
    those taakvelden (the same lasten are not on both sides).

    Args:
        t: The canonical tables (iv3, gemeenten, kenmerken).
        jaar: Year of the cross-section.
        vs: Verslagsoort of the cross-section.
        domein: Outcome domein (one of the domeinen or the total).
        jr_years: Years with a jaarrekening (a panel needs two or more).
        adoptie: Adoption file for an event study (gm_code, hefboom, adoptiejaar).

    Returns:
        The fits, Holm-adjusted p-values, the levers that could not be fitted with the
        reason, and a Dutch note on which designs the data allow.
    """
    rf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jaar,
                            verslagsoort=vs)
    controls = rf.attrs["controls"]
    results: dict[str, L.LeverResult] = {}
    skipped: dict[str, str] = {}
    for lever in rf.attrs["levers"]:
        y = rf.attrs["outcome_excl_voorliggend" if lever in L.VOORLIGGEND_LEVERS else "outcome"]
        try:
            results[lever] = L.fit_cross_section(rf, y, lever, controls, jaar=jaar)
        except AnalysekitError as exc:
            skipped[lever] = str(exc)
    p_holm = holm({k: float(r.effect()["p"]) for k, r in results.items()})
    panel: dict[str, L.LeverResult] = {}
    events: dict[str, L.LeverResult] = {}
    event_note = ""
    jr_years = list(jr_years)
    if len(jr_years) >= 2:
        pf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jr_years,
                                verslagsoort="jaarrekening")
        for lever in results:
            y = pf.attrs["outcome_excl_voorliggend" if lever in L.VOORLIGGEND_LEVERS
                         else "outcome"]
            try:
                panel[lever] = L.fit_panel(pf, y, lever, pf.attrs["controls"])
            except AnalysekitError as exc:
                skipped[f"{lever} (panel)"] = str(exc)
        note = (f"Panel met vaste effecten voor gemeente en jaar over de jaarrekeningen "
                f"{_opsomming([str(j) for j in jr_years])}.")
        if adoptie:
            events, event_note = _adoption_events(domein, adoptie, t, pf)
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
    return LeverFits(jaar, vs, domein, rf, results, skipped, panel, note,
                     events.get("sunab"), event_note, p_holm, events)


def _adoption_events(domein: str, adoptie: str, t: Mapping[str, pd.DataFrame],
                     pf: pd.DataFrame) -> tuple[dict[str, L.LeverResult], str]:
    """Question c: the adoption file on lasten per inwoner 2017–2024 (newest indeling).

    The comparable series ``domein_reeks`` (from ``t`` or read), except for tables marked
    ``iv3.attrs["synthetic"]`` (tests): then the panel regression frame ``pf``.
    """
    if "domein_reeks" in t:
        panel, y = Q.reeks_panel(t["domein_reeks"], domein), Q.OUTCOME
    elif not t["iv3"].attrs.get("synthetic"):
        from analysekit.data.series import domein_reeks

        panel, y = Q.reeks_panel(domein_reeks(), domein), Q.OUTCOME
    else:
        panel, y = pf, pf.attrs["outcome"]
    out, notes = {}, []
    for method in EVENT_METHODS:
        try:
            out[method] = L.fit_event_study(panel, y, adoptie, method=method,
                                            source="domein_reeks")
        except AnalysekitError as exc:
            notes.append(f"Event study ({METHOD_NL[method]}) niet geschat: {exc}")
    return out, " ".join(notes)


def fit_questions() -> PanelQuestions:
    """Questions a and b of docs/levers.md on the canonical tables (all gemeenten)."""
    import analysekit
    from analysekit.data.series import domein_reeks

    reeks = domein_reeks()
    her = analysekit.load("herindelingen")
    def light(res: L.LeverResult) -> L.LeverResult:
        """Without the library object and the design's dummy columns (reports unpickle it)."""
        keep = [c for c in (res.entity, res.time, res.outcome, res.lever, "naam")
                if c in res.data.columns]
        return dataclasses.replace(res, fit=None, data=res.data[keep].copy())

    herindeling = {d: Q.fit_herindeling(reeks, her, d) for d in (*DOMEINEN, TOTAAL)}
    rollen = herindeling[TOTAAL].data.attrs["rollen"]
    lp = Q.ladder_panel(analysekit.load("iv3"), reeks, analysekit.load("iv3_levering"))
    jaren = sorted(int(j) for j in Q.reeks_panel(reeks, TOTAAL)["jaar"].unique())
    return PanelQuestions({d: light(r) for d, r in herindeling.items()},
                          light(Q.fit_ladder(lp)), light(Q.fit_ladder(lp, level=True)),
                          light(Q.fit_ladder(lp, lead=False)), lp, rollen, jaren)


def fit_placebo() -> dict[str, Q.Placebo]:
    """The randomisation placebo of question a per domein (seeded; once per data build)."""
    import analysekit
    from analysekit.data.series import domein_reeks

    reeks, her = domein_reeks(), analysekit.load("herindelingen")
    return {d: Q.herindeling_placebo(reeks, her, d) for d in (*DOMEINEN, TOTAAL)}


def without_fits(fits: LeverFits) -> LeverFits:
    """A copy without the library result objects (effects, diagnostics and data stay).

    Small to store and quick to load: enough for the lever tables, the euros per gemeente
    and the residual plots (their points are in the diagnostics).
    """
    def strip(res: L.LeverResult | None) -> L.LeverResult | None:
        return None if res is None else dataclasses.replace(res, fit=None)

    return dataclasses.replace(
        fits,
        results={k: strip(v) for k, v in fits.results.items()},
        panel={k: strip(v) for k, v in fits.panel.items()},
        event=strip(fits.event),
        events={k: strip(v) for k, v in fits.events.items()},
    )
