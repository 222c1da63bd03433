"""Hefbomen register with Risman-style risk: parsing, validation, Monte Carlo and tornado.

A register (YAML or CSV, one line per lever) lists per hefboom: naam, domein, a savings
estimate (besparing_min / besparing_waarschijnlijk / besparing_max, euros per year at full
effect), kans (probability of realisation), startjaar, ingroei_jaren (ramp-up), eigenaar
and risicos. :func:`read_register` validates it and names file, line and field in every
error. :func:`simulate` draws the total savings per year (vectorised, seeded) and sets
them against a deficit (:mod:`analysekit.analysis.gap_target`).

The model per draw and lever (Risman method: estimate, probability, risks):

* amount ~ **beta-PERT**(min, most likely, max) with λ = 4 (``verdeling="pert"``, the
  default) or triangular (``verdeling="driehoek"``);
* realisation ~ Bernoulli(kans): the lever delivers or not;
* each quantified risk occurs ~ Bernoulli(risk kans); when it occurs it cuts the amount by
  ``vermindering`` (a fraction) and/or delays the start by ``vertraging_jaren``. A risk with
  the same name in several levers is one shared event (drawn once per draw), so common
  risks such as labour-market shortages move several levers together;
* linear ramp-up: in year ``y`` the lever delivers ``min(1, (y - start + 1) / ingroei_jaren)``
  of its amount from its (possibly delayed) start year (``ingroei_jaren`` 0 or 1: full
  effect in the start year).

The deficit is a number, a per-year series, or per year a mean and sd (normal; one common
standard-normal draw per simulation across years, so a high gap stays high).

The package: :mod:`~analysekit.analysis.register.model` (levers, risks, the file),
:mod:`~analysekit.analysis.register.montecarlo` (simulation and tornado),
:mod:`~analysekit.analysis.register.figures` (figures and probability wording),
:mod:`~analysekit.analysis.register.records` (records with line numbers, shared with the
goals). The target a register is set against is :mod:`analysekit.analysis.gap_target`.
"""

from __future__ import annotations

from analysekit.analysis.gap_target import TARGET_KINDS, Target, choose_target
from analysekit.analysis.register.figures import (
    kans_precisie,
    kans_zin,
    plot_savings,
    plot_tornado_table,
)
from analysekit.analysis.register.model import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    Hefboom,
    Register,
    Risico,
    Tekort,
    adapt_register,
    read_register,
    risk_text,
    template_path,
)
from analysekit.analysis.register.montecarlo import (
    MonteCarloResult,
    mc_standard_error,
    plot_tornado,
    simulate,
    simulation_bytes,
    tornado_table,
)
from analysekit.analysis.register.records import Record, parse_number, read_records
from analysekit.vocab import DOMEINEN

__all__ = [
    "DOMEINEN",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "Hefboom",
    "MonteCarloResult",
    "Record",
    "Register",
    "Risico",
    "TARGET_KINDS",
    "Target",
    "Tekort",
    "adapt_register",
    "choose_target",
    "kans_precisie",
    "kans_zin",
    "mc_standard_error",
    "parse_number",
    "plot_savings",
    "plot_tornado",
    "plot_tornado_table",
    "read_records",
    "read_register",
    "risk_text",
    "simulate",
    "simulation_bytes",
    "template_path",
    "tornado_table",
]
