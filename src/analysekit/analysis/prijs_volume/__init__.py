"""Prijs × volume: is a gemeente's net cost per inwoner high because of more clients or dearer ones?

Per domein (Wmo, Jeugd, Participatie) the net cost per inwoner ``y`` (euros) is written as

    y = v × p / 1000

with ``v`` the **volume**, clients per 1,000 inwoners (Wmo-cliënten, jongeren met jeugdzorg,
bijstandsontvangers), and ``p`` the **price**, net cost per client (euros). This is an
accounting identity: ``p`` is *defined* as ``1000 × y / v``.

Decomposition (Kitagawa 1955 / shift-share, reference-weighted form with interaction term).
For a gemeente ``a`` and a reference ``b`` (its peer median, or its own earlier year):

    Δy = y_a − y_b = (v_a − v_b)·p_b/1000           volume part
                   + v_b·(p_a − p_b)/1000           price part
                   + (v_a − v_b)·(p_a − p_b)/1000   interaction (samenhang)

The three parts add up to ``Δy`` exactly (algebraically; numerically to floating-point
rounding). With ``methode="kitagawa"`` the symmetric Kitagawa split is used instead:
volume = Δv·(p_a + p_b)/2000, price = Δp·(v_a + v_b)/2000, no interaction term (it is the
shift-share split with the interaction shared equally between volume and price).

The **peer reference** ``b``: ``v_b`` = median volume of the peers and ``y_b`` = median net
cost per inwoner of the peers (both over the peers that have both figures), and
``p_b = 1000 × y_b / v_b`` (a ratio of medians, the robust price of the group). So the
difference decomposed is exactly "own net cost per inwoner − the peer median" that the rest
of the kit shows. The median of the peers' own prices is reported beside it
(``prijs_mediaan_peers``) but is not used, because ``median(v) × median(p) ≠ median(y)``.

The **own earlier year** reference uses the same gemeente in an earlier cost year of the same
verslagsoort. It is only decomposed when both years have a client count *of their own*
(different client years); with one client count for both years the whole change would be
called "price", so the result is NaN with a reason.

Client counts come from table ``kenmerken`` (names in :data:`CLIENT_BRONNEN`): per domein the
first-listed kenmerk among those whose available years come nearest to the cost year is
used for *all* gemeenten (definitions never mix), each gemeente from its nearest year of
that kenmerk (ties: the earlier). The year used and whether it differs from the cost year
are columns of the result (``clienten_jaar``, ``jaar_afwijkend``). Rates are turned into
counts with the inwoners of the client year (table ``gemeenten``); % jongeren met jeugdzorg
with the jongeren 0–17 of the client year (kenmerk ``inwoners_0_17`` or, where absent,
0–4 + 5–9 + 10–14 + 0,6 × 15–19 from 70072ned).

Missing is not zero:

* a gemeente × jaar × verslagsoort without a real Iv3 submission (table ``iv3_levering``
  with geleverd=False, or, until that table exists, lasten and baten all 0/absent) gets
  NaN net cost and status ``geen gegevens``;
* a client count that CBS suppressed (missing value in kenmerken) is NaN, status
  ``geen cliëntentelling``;
* a client count below :data:`MIN_CLIENTEN` (10, also 0) is neither shown nor divided by:
  NaN, status ``klein aantal``.

Such rows are left out of the peer medians. What this can and cannot claim is in
:func:`kanttekening` and docs/prijs-volume.md: it is an accounting identity on two
sources whose populations differ, an association, not a causal effect.

Package layout (every public name is re-exported here, so ``prijs_volume.decompose_vs_peers``
and the rest work as before): :mod:`.common` (constants, client sources, checks),
:mod:`.kosten` (net cost), :mod:`.telling` (client counts), :mod:`.ontleding` (volume × price
and the decomposition), :mod:`.tekst` (sentences and caveats), :mod:`.api` (one gemeente from
the canonical tables) and :mod:`.tijd` (the change between two KWB client years, lasten).
"""

from __future__ import annotations

from analysekit.analysis.prijs_volume.api import (
    levering_tabel,
    prijs_volume,
)
from analysekit.analysis.prijs_volume.common import (
    CLIENT_BRONNEN,
    CLIENT_WOORDEN,
    METHODEN,
    MIN_CLIENTEN,
    MIN_PEERS,
    PV_COLUMNS,
    PV_DOMEINEN,
    STATUS_GEEN_BATEN,
    STATUS_GEEN_GEGEVENS,
    STATUS_GEEN_TELLING,
    STATUS_KLEIN,
    STATUS_OK,
    ClientBron,
    check_columns,
)
from analysekit.analysis.prijs_volume.kosten import (
    levering_uit_iv3,
    netto_per_domein,
)
from analysekit.analysis.prijs_volume.ontleding import (
    decompose,
    decompose_vs_jaar,
    decompose_vs_peers,
    peer_tabel,
    prijs_volume_all,
)
from analysekit.analysis.prijs_volume.tekst import (
    KWB_EDITIES,
    bron_label,
    kanttekening,
    zin,
    zinnen,
)
from analysekit.analysis.prijs_volume.telling import (
    clienten,
    kies_bron,
)
from analysekit.analysis.prijs_volume.tijd import (
    STATUS_GEEN_PAAR,
    TIJD_COLUMNS,
    bron_kort,
    clienten_op_indeling,
    kanttekening_tijd,
    kies_paar_bron,
    kwb_tellingen,
    prijs_volume_tijd,
    tijd_jaren,
    zin_tijd,
)

__all__ = [
    "CLIENT_BRONNEN",
    "CLIENT_WOORDEN",
    "ClientBron",
    "KWB_EDITIES",
    "METHODEN",
    "MIN_CLIENTEN",
    "MIN_PEERS",
    "PV_COLUMNS",
    "PV_DOMEINEN",
    "STATUS_GEEN_BATEN",
    "STATUS_GEEN_GEGEVENS",
    "STATUS_GEEN_PAAR",
    "STATUS_GEEN_TELLING",
    "STATUS_KLEIN",
    "STATUS_OK",
    "TIJD_COLUMNS",
    "bron_kort",
    "bron_label",
    "check_columns",
    "clienten",
    "clienten_op_indeling",
    "decompose",
    "decompose_vs_jaar",
    "decompose_vs_peers",
    "kanttekening",
    "kanttekening_tijd",
    "kies_bron",
    "kies_paar_bron",
    "kwb_tellingen",
    "levering_tabel",
    "levering_uit_iv3",
    "netto_per_domein",
    "peer_tabel",
    "prijs_volume",
    "prijs_volume_all",
    "prijs_volume_tijd",
    "tijd_jaren",
    "zin",
    "zin_tijd",
    "zinnen",
]
