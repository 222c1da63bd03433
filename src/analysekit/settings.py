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
