"""The report context: one gemeente's report, section by section.

Notebooks hold the narrative and the parameters; what a report computes and writes lives
in the sections (:mod:`analysekit.reporting.sections`) and in :mod:`analysekit.analysis`.
Right after its parameter check a notebook builds a :class:`ReportContext`::

    p = check(globals(), notebook="foto-sociaal-domein")
    ctx = ReportContext.from_params(p)

and reads from its sections: ``ctx.lenzen.gap_sentence()``, ``ctx.positie.benchmark``,
``ctx.scenarios.simulation`` … (``ctx.gap_sentence()`` works too: the context passes a
name it does not have itself to the section that has it).

The parts that are the same for every gemeente go through
:func:`analysekit.reporting.cache.shared`: computed once per data and code version, in
memory and on disk, for single reports and batches alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.errors import AnalysekitError
from analysekit.nl import eur, finite, getal, kans, pct
from analysekit.reporting import cache
from analysekit.reporting.display import box, glue, show, table
from analysekit.reporting.params import ReportParams, fail, from_mapping
from analysekit.reporting.sections.bronnen import Bronnen
from analysekit.reporting.sections.doelen import Doelen
from analysekit.reporting.sections.hefbomen import Hefbomen
from analysekit.reporting.sections.lenzen import Lenzen
from analysekit.reporting.sections.ontwikkeling import Ontwikkeling
from analysekit.reporting.sections.positie import Positie
from analysekit.reporting.sections.prijs_volume import PrijsVolume
from analysekit.reporting.sections.scenarios import Scenarios

__all__ = [
    "SECTIONS",
    "ReportContext",
    "box",
    "eur",
    "getal",
    "glue_headlines",
    "kans",
    "pct",
    "show",
    "table",
]

#: The sections of a report, in reading order: attribute name → class.
SECTIONS = {
    "lenzen": Lenzen,
    "ontwikkeling": Ontwikkeling,
    "doelen": Doelen,
    "positie": Positie,
    "prijs_volume": PrijsVolume,
    "hefbomen": Hefbomen,
    "scenarios": Scenarios,
    "bronnen": Bronnen,
}

#: Short keys of the domeinen in the headline scraps (``netto_jeugd_eur`` …).
_HEADLINE_KEYS = {"Jeugd": "jeugd", "Wmo": "wmo", "Participatie": "participatie",
                  "Sociale basisvoorzieningen": "basis"}


class ReportContext:
    """Everything a report needs for one gemeente, computed on first use.

    Build it with :meth:`from_params`. The sections are attributes (``ctx.lenzen``,
    ``ctx.ontwikkeling``, ``ctx.doelen``, ``ctx.positie``, ``ctx.hefbomen``,
    ``ctx.scenarios``, ``ctx.bronnen``); the gemeente and the parameters are on
    ``ctx.params`` (a frozen :class:`~analysekit.reporting.params.ReportParams`).
    """

    def __init__(self, params: ReportParams,
                 gevraagd: tuple[int, str] | None = None) -> None:
        self.params = params
        #: The (jaar, verslagsoort) asked for, when the gemeente did not deliver it and the
        #: report uses the nearest delivered one instead (None otherwise).
        self.gevraagd = gevraagd
        for name, cls in SECTIONS.items():
            setattr(self, name, cls(self))

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_params(cls, p: ReportParams | Mapping[str, Any]) -> ReportContext:
        """Build the context from a notebook's validated parameters.

        Args:
            p: The :class:`ReportParams` returned by ``check()``, used as is; a plain
                mapping of known parameters is validated first.

        When the gemeente did not deliver the requested jaar × verslagsoort (table
        ``iv3_levering``), the context uses the nearest one it did deliver (same year
        first) and keeps the request in :attr:`gevraagd`; the report says so
        (:meth:`Lenzen.missing_note`).

        Returns:
            The context; the gemeente exists in ``jaar``.

        Raises:
            NotebookParameterError: One line naming the bad parameter.
        """
        try:
            params = from_mapping(p)
            ctx = cls(params)
            if params.gemeente is not None and params.jaar is not None:
                cel = ctx.lenzen.effective_cell()
                if cel is not None and cel != (params.jaar, params.verslagsoort):
                    ctx = cls(dataclasses.replace(params, jaar=cel[0], verslagsoort=cel[1]),
                              gevraagd=(params.jaar, params.verslagsoort))
            ctx.lenzen.check()
        except AnalysekitError as exc:
            fail(str(exc))
        return ctx

    def __getattr__(self, name: str) -> Any:
        """Pass a name the context does not have to the section that has it."""
        if name.startswith("_") or name in SECTIONS or name == "params":
            raise AttributeError(name)
        for section in SECTIONS:
            obj = self.__dict__.get(section)
            if obj is not None and hasattr(type(obj), name):
                return getattr(obj, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # ------------------------------------------------------------------ identity

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The canonical tables, loaded on first access (:class:`cache.LazyTables`)."""
        return cache.LazyTables()

    @property
    def gm_code(self) -> str:  # noqa: D102
        return self.params.gm_code

    @property
    def naam(self) -> str:  # noqa: D102
        return self.params.naam

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix: ``Utrecht (gemeente)`` → ``Utrecht``."""
        return self.params.naam_kort

    @property
    def provincie(self) -> str | None:  # noqa: D102
        return self.params.provincie

    @property
    def jaar(self) -> int:  # noqa: D102
        return self.params.jaar

    @property
    def verslagsoort(self) -> str:  # noqa: D102
        return self.params.verslagsoort

    @property
    def indeling(self) -> int | None:  # noqa: D102
        return self.params.indeling

    @property
    def seed(self) -> int:  # noqa: D102
        return self.params.seed

    @property
    def basis(self) -> str:
        """``"jaarrekening 2023"``: what the figures of ``jaar`` are based on."""
        return self.params.basis

    @property
    def ingevuld(self) -> bool:
        """True when the report uses another jaar/verslagsoort than asked (not delivered)."""
        return self.gevraagd is not None

    # ------------------------------------------------------------------ summary

    def kernpunten(self) -> list[str]:
        """Three to five key points in Dutch with the headline figures (for the summary)."""
        lz = self.lenzen
        points = [lz.missing_note()] if lz.missing_note() else []
        points.append(lz.cost_sentence())
        if not lz.geleverd:
            return points
        # a mismatched year is only named; a same-year comparison that exists is the point
        points.append(" ".join(t for t in (lz.gap_sentence(kort=True),
                                           lz.same_year_gap_sentence()) if t))
        if finite(lz.lens()["overschrijding_eur"]):
            points.append(lz.overrun_sentence())
        points.append(self.positie.position_sentence().split(". Dat is")[0] + ".")
        points.append(self.ontwikkeling.trajectory_sentence(kort=True))  # projection: once
        return points[:6]

    @cached_property
    def headlines(self) -> dict[str, float]:
        """The headline figures glued for the site (real data only, never illustrative).

        Only for the jaar × verslagsoort that was asked for and delivered: a gemeente
        without that submission gets its inwoners only, never another year's figures.
        """
        d = self.lenzen.deficits
        if self.ingevuld or not self.lenzen.geleverd:
            return {"inwoners": self.lenzen.inwoners}
        tot = d.loc[D.TOTAAL]
        med = float(self.lenzen.median_all[D.TOTAAL])
        out: dict[str, float] = {
            "inwoners": self.lenzen.inwoners,
            "netto_sd_eur": float(tot["netto_eur"]),
            "netto_sd_per_inwoner": float(tot["netto_per_inwoner"]),
            "verschil_mediaan_pct": 100.0 * (float(tot["netto_per_inwoner"]) / med - 1.0),
        }
        for dom, key in _HEADLINE_KEYS.items():
            out[f"netto_{key}_per_inwoner"] = float(d.loc[dom, "netto_per_inwoner"])
            out[f"netto_{key}_eur"] = float(d.loc[dom, "netto_eur"])
        if finite(tot["tekort_eur"]):
            out["tekort_sd_eur"] = float(tot["tekort_eur"])
            out["tekort_sd_per_inwoner"] = float(tot["tekort_per_inwoner"])
            # Which uitkeringsjaar the gap uses: the site labels the column with it and
            # never shows a gap against another year than the costs as a key column.
            if finite(tot.get("gf_uitkeringsjaar")):
                out["gf_uitkeringsjaar"] = float(tot["gf_uitkeringsjaar"])
        if finite(tot["overschrijding_eur"]):
            out["overschrijding_sd_eur"] = float(tot["overschrijding_eur"])
        b = self.positie.benchmark
        pos = b.position.set_index("domein")
        if finite(pos.loc[D.TOTAAL, "peer_mediaan"]):
            out["verschil_peers_pct"] = 100.0 * (float(tot["netto_per_inwoner"])
                                                 / float(pos.loc[D.TOTAAL, "peer_mediaan"]) - 1.0)
        sav = b.savings.set_index("domein")
        out["potentieel_peers_eur"] = float(sav.loc[D.TOTAAL, "potentieel_eur"])
        # growth over the jaarrekeningen and years over the begroting (issue 17)
        out.update(self.ontwikkeling.trend_kort())
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in out.items()
                if finite(v)}


def glue_headlines(ctx: ReportContext) -> dict[str, float]:
    """Record the headline figures with scrapbook (the site collects them).

    Only figures from the CBS/BZK data are glued, never illustrative ones. Outside a
    notebook nothing is glued and the figures are only returned.
    """
    values = ctx.headlines
    glue(values)
    return values
