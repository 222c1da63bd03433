"""Section *hefbomen*: how levers relate to net cost (cross-section, panel, event study)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis.lever_fits import (
    CONTROL_LABELS,
    LEVER_LABELS,
    LeverFits,
    fit_levers,
    without_fits,
)
from analysekit.analysis.levers import p_text
from analysekit.errors import AnalysekitError
from analysekit.nl import eur, getal, pct
from analysekit.reporting.cache import shared
from analysekit.reporting.sections import Section


class Hefbomen(Section):
    """Lever regressions for ``domein`` in ``jaar`` and what they can claim."""

    def _key(self) -> tuple[str, Any]:
        p = self.p
        jr_years = self.ctx.ontwikkeling.jaarrekening_jaren
        key = f"{p.jaar}_{p.verslagsoort}_{p.domein}"
        if p.adoptie:
            from pathlib import Path

            st = Path(p.adoptie).stat()
            key += f"_{p.adoptie}_{st.st_mtime_ns}"
        t = self.tables

        def compute() -> LeverFits:
            return fit_levers(t, p.jaar, p.verslagsoort, p.domein, jr_years, p.adoptie)

        return key, compute

    @cached_property
    def levers(self) -> LeverFits:
        """Cross-section lever regressions (HC3), and panel / event study (shared)."""
        key, compute = self._key()
        return shared(f"levers_{key}", compute)

    @cached_property
    def levers_light(self) -> LeverFits:
        """:attr:`levers` without the statsmodels objects (shared; quick to load)."""
        key, _ = self._key()
        return shared(f"levers_light_{key}", lambda: without_fits(self.levers))

    @cached_property
    def lever_table(self) -> pd.DataFrame:
        """Per lever: effect per sd with interval, p, n, R² and the euros for the gemeente.

        The euros move the gemeente's own value of the lever to the median of all
        gemeenten (:func:`analysekit.analysis.levers.to_euros` with ``delta="mediaan"``):
        a translation of an association, not a saving.
        """
        rows = []
        code = self.p.gm_code
        for lever, res in self.levers_light.results.items():
            r = res.effect()
            sd = float(res.data[lever].std())
            try:
                e = res.to_euros(code, delta="mediaan").iloc[0]
                own = res.source_data.loc[res.source_data["gm_code"] == code, lever]
                eigen = float(own.iloc[0]) if len(own) else float("nan")
            except AnalysekitError:
                e, eigen = None, float("nan")
            nan = float("nan")
            rows.append({
                "hefboom": lever,
                "omschrijving": LEVER_LABELS.get(lever, lever),
                "effect_per_sd": r["effect"] * sd,
                "ci_low_per_sd": r["ci_low"] * sd,
                "ci_high_per_sd": r["ci_high"] * sd,
                "p": float(r["p"]),
                "n": int(r["n"]),
                "r2": res.diagnostics.r2,
                "bp_p": res.diagnostics.breusch_pagan_p,
                "eigen": eigen,
                "mediaan": float(res.data[lever].median()),
                "euro": float(e["effect_eur"]) if e is not None else nan,
                "euro_laag": float(e["ci_low_eur"]) if e is not None else nan,
                "euro_hoog": float(e["ci_high_eur"]) if e is not None else nan,
            })
        return pd.DataFrame(rows)

    @property
    def main_lever(self) -> str:
        """The lever with the smallest p-value (shown with full diagnostics)."""
        return str(self.lever_table.sort_values("p")["hefboom"].iloc[0])

    @staticmethod
    def claim(design: str = "doorsnede") -> str:
        """What a design can claim, in Dutch (see :data:`analysekit.analysis.levers.CLAIMS`)."""
        from analysekit.analysis.levers import CLAIMS

        return CLAIMS[design]

    def controls_text(self) -> str:
        """The controls of the lever regressions, in Dutch."""
        return ", ".join(CONTROL_LABELS.get(c, c)
                         for c in self.levers_light.frame.attrs["controls"])

    # ------------------------------------------------------------------ tables

    def lever_display(self) -> pd.DataFrame:
        """:attr:`lever_table` formatted in Dutch for the report."""
        t = self.lever_table
        naam = self.naam_kort

        def fmt(lever: str, v: Any) -> str:
            return getal(v, 0) if lever == "voorliggend_per_inwoner" else pct(100 * v, 1)

        return pd.DataFrame({
            "hefboom": t["omschrijving"],
            "netto kosten per inwoner bij +1 sd (95%-interval)": [
                f"{eur(a)} ({eur(b)} tot {eur(c)})"
                for a, b, c in zip(t["effect_per_sd"], t["ci_low_per_sd"], t["ci_high_per_sd"],
                                   strict=True)],
            "p": [p_text(v) for v in t["p"]],
            "n": t["n"],
            naam: [fmt(h, v) for h, v in zip(t["hefboom"], t["eigen"], strict=True)],
            "mediaan": [fmt(h, v) for h, v in zip(t["hefboom"], t["mediaan"], strict=True)],
            f"als {naam} op de mediaan zat: netto lasten per jaar (95%-interval)": [
                f"{eur(a, compact=True)} ({eur(b, compact=True)} tot {eur(c, compact=True)})"
                for a, b, c in zip(t["euro"], t["euro_laag"], t["euro_hoog"], strict=True)],
        })

    def lever_diagnostics_display(self) -> pd.DataFrame:
        """Per lever: n, R², Breusch-Pagan, highest VIF and the most influential gemeente."""
        rows = []
        for lever, res in self.levers_light.results.items():
            d = res.diagnostics
            top = d.influential.iloc[0] if len(d.influential) else None
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "n": d.n,
                "R²": getal(d.r2, 3),
                "R² gecorrigeerd": getal(d.r2_adj, 3),
                "Breusch-Pagan p": p_text(d.breusch_pagan_p),
                "hoogste VIF": getal(float(d.vif.max()) if len(d.vif) else float("nan"), 2),
                "meest invloedrijke gemeente (effect zonder)": (
                    f"{self.ctx.positie.name_of(top['gm_code'])} "
                    f"({getal(top['effect_zonder'], 3)})" if top is not None else "–"),
            })
        return pd.DataFrame(rows)

    def panel_display(self) -> pd.DataFrame:
        """Panel (TWFE) estimates per lever, where the data allow a panel (Dutch table)."""
        rows = []
        for lever, res in self.levers_light.panel.items():
            r = res.effect()
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "effect per eenheid": getal(r["effect"], 2),
                "95%-interval": f"{getal(r['ci_low'], 2)} tot {getal(r['ci_high'], 2)}",
                "p": p_text(float(r["p"])),
                "n": int(r["n"]),
                "gemeenten": int(r["n_gemeenten"]),
            })
        return pd.DataFrame(rows)

    def lever_forest_figure(self) -> Any:
        """Forest plot: per lever the association per sd with its 95% interval (€/inwoner)."""
        from analysekit.analysis.report_figures import lever_forest_figure

        f = self.levers_light
        return lever_forest_figure(self.lever_table, LEVER_LABELS, f.domein, f.verslagsoort,
                                   f.jaar)
