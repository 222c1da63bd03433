"""Defaults of the kit, in one place.

Magic values that several modules need (the example gemeente, the shipped examples, the
limits that protect memory) live here, with the reason beside each. Base layer: imports
nothing from ``analysekit.data``, ``analysis`` or ``reporting``.
"""

from __future__ import annotations

#: Gemeente used by ``make demo`` and as the notebooks' default parameter.
DEFAULT_GEMEENTE = "Tilburg"
#: The gemeente whose size the shipped illustrative register describes (Tilburg).
TEMPLATE_GEMEENTE = "GM0855"
#: Examples shipped in ``src/analysekit/registers`` (used when a report gets none).
DEFAULT_REGISTER = "illustratief_tilburg.yaml"
DEFAULT_GOALS = "doelen_voorbeeld.yaml"

#: Plausible number of gemeenten in one indeling (and in one Iv3 year). Every indeling
#: since 2017 has between 342 (2023) and 388 (2017) gemeenten; a count outside this range
#: means a source file is truncated, mis-keyed or of another regional level (provincies,
#: wijken), and the build refuses it.
GEMEENTEN_PER_INDELING: tuple[int, int] = (300, 400)

#: Largest Monte Carlo a register simulation may allocate, in bytes (2 GiB). The estimate
#: before allocating is 8 bytes × n_draws × (6 × hefbomen + 2 × risico's + 3 × jaren): the
#: arrays of drawn amounts, realisations, risk occurrences and per-year totals and deficits
#: that :func:`analysekit.analysis.register.simulate` keeps. Above it the simulation is
#: refused with the estimate named, instead of ending in a MemoryError.
MAX_SIMULATIE_BYTES = 2 * 1024**3
#: Upper bound of ``n_draws`` regardless of memory (10 million draws: the Monte Carlo
#: standard error of a probability is then below 0.0002).
MAX_N_DRAWS = 10_000_000
