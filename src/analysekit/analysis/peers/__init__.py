"""Comparable gemeenten (peers), benchmark position and savings potential.

Method (documented choices):

* **Characteristics.** Default: the structural maatstaven the gemeentefonds uses for the
  sociaal domein (:data:`DEFAULT_KENMERKEN`): jongeren, inwoners 75+, huishoudens met een
  laag inkomen, bijstandsontvangers and eenpersoonshuishoudens, each **per inwoner** (a
  share, so that size does not dominate every characteristic), plus omgevingsadressendichtheid
  and inwoners on a **log scale** (their distributions are very skewed). Each characteristic
  comes from table ``kenmerken``, from the year nearest to ``jaar`` per gemeente (reported
  in :attr:`PeerData.bron`).
* **Standardisation.** z-scores per characteristic over *all* gemeenten of that year with a
  value, *before* any filter (population standard deviation, ddof=0). So the distance
  between two gemeenten does not depend on the filters chosen, and :func:`peers` and
  :func:`peer_matrix` agree. A characteristic with zero spread gets z = 0.
* **Distance.** Weighted Euclidean distance on the z-scores,
  ``d(a, b) = √(Σⱼ wⱼ (z_aj − z_bj)²)``, weights default 1 (not normalised).
* **Order.** Ascending distance (rounded to 1e-9 so that float noise does not break ties),
  ties broken by gm_code: same inputs, same peers.
* **Candidates.** All gemeenten of that year with every used characteristic present,
  except the gemeente itself, after the hard filters (provincie, grootteklasse,
  stedelijkheid, inwoners range).
* **One selection per period.** :func:`peer_selection` (jaar × verslagsoort) leaves out
  every gemeente without a real Iv3 submission for that period (table ``iv3_levering``):
  such a gemeente is never a peer, in the report's position, prijs × volume, the ladder
  or :func:`benchmark` alike. :func:`peers` and :func:`all_peers` on their own apply no
  such rule (their ``exclude`` argument is how the selection applies it).

The classic alternative, :func:`klassieke_groep`, is the CBS grootteklasse × stedelijkheid
group. Position and savings potential are computed against any list of peers.

Package layout (every public name is re-exported here, so ``peers.position(...)`` and
``peers.peer_selection(...)`` work as before): :mod:`.data` (characteristics),
:mod:`.distance` (nearest peers, filters, classic group), :mod:`.selection` (one selection per
period), :mod:`.position` (position among the peers), :mod:`.savings` (savings potential and
:func:`benchmark`).
"""

from __future__ import annotations

from analysekit.analysis.peers.data import (
    DEFAULT_KENMERKEN,
    FILTERS,
    KENMERK_LABELS,
    SAME,
    KenmerkSpec,
    PeerData,
    load_peer_data,
    make_peer_data,
    peer_data,
    peer_year,
)
from analysekit.analysis.peers.distance import (
    all_peers,
    apply_filters,
    explain,
    klassieke_groep,
    peer_matrix,
    peers,
)
from analysekit.analysis.peers.position import (
    position,
)
from analysekit.analysis.peers.savings import (
    Benchmark,
    benchmark,
    no_data,
    savings_potential,
)
from analysekit.analysis.peers.selection import (
    PeerSelection,
    delivered,
    peer_selection,
)

__all__ = [
    "Benchmark",
    "DEFAULT_KENMERKEN",
    "FILTERS",
    "KENMERK_LABELS",
    "KenmerkSpec",
    "PeerData",
    "PeerSelection",
    "SAME",
    "all_peers",
    "apply_filters",
    "benchmark",
    "delivered",
    "explain",
    "klassieke_groep",
    "load_peer_data",
    "make_peer_data",
    "no_data",
    "peer_data",
    "peer_matrix",
    "peer_selection",
    "peer_year",
    "peers",
    "position",
    "savings_potential",
]
