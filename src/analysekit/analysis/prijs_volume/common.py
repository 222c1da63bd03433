"""Constants, client sources, statuses and argument checks shared by the prijs × volume modules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN, VERSLAGSOORTEN

#: Domeinen with a client count (a subset of :data:`analysekit.vocab.DOMEINEN`, same order).
PV_DOMEINEN: tuple[str, ...] = tuple(d for d in DOMEINEN if d in ("Wmo", "Jeugd", "Participatie"))
#: Client counts below this are not shown and not divided by (small numbers; also 0).
MIN_CLIENTEN = 10
#: A peer reference needs at least this many peers with both volume and net cost.
MIN_PEERS = 3
METHODEN = ("shift_share", "kitagawa")

STATUS_OK = "ok"
STATUS_GEEN_GEGEVENS = nl.GEEN_GEGEVENS
STATUS_GEEN_TELLING = "geen cliëntentelling"
STATUS_KLEIN = "klein aantal"
#: A delivered submission whose source has lasten per taakveld but no baten (the multi-year
#: lasten series): its net cost is unknown, not lasten − 0.
STATUS_GEEN_BATEN = "geen baten per taakveld"


@dataclass(frozen=True)
class ClientBron:
    """One way to get a client count from table ``kenmerken``.

    Attributes:
        kenmerk: Kenmerk name (src/analysekit/data/kenmerken.yaml).
        soort: ``aantal`` (a count of persons), ``per_1000`` (per 1,000 inwoners) or
            ``pct_jongeren`` (% of jongeren 0–17).
        omschrijving: How the count is made (reported in column ``clienten_kenmerk``).
    """

    kenmerk: str
    soort: Literal["aantal", "per_1000", "pct_jongeren"]
    omschrijving: str = ""

    @property
    def label(self) -> str:
        """Description reported with the result."""
        return self.omschrijving or self.kenmerk


#: Domein → client counts in order of preference (absolute CBS counts first, then rates).
#: For Wmo the published rate comes first: the mirror's absolute count for KWB 2021 is worked
#: back from that rate (kenmerken adapter), so the rate is the figure CBS itself published.
CLIENT_BRONNEN: dict[str, tuple[ClientBron, ...]] = {
    "Wmo": (
        ClientBron("wmo_clienten_per_1000", "per_1000",
                   "wmo_clienten_per_1000 × inwoners / 1000"),
        ClientBron("wmo_clienten", "aantal"),
    ),
    "Jeugd": (
        ClientBron("jongeren_met_jeugdzorg", "aantal"),
        ClientBron("jeugdzorg_pct", "pct_jongeren",
                   "jeugdzorg_pct × jongeren 0–17 / 100"),
    ),
    "Participatie": (
        ClientBron("bijstandsontvangers", "aantal"),
        ClientBron("personen_met_bijstand", "aantal"),
        ClientBron("bijstand_per_1000", "per_1000", "bijstand_per_1000 × inwoners / 1000"),
    ),
}

#: Domein → (clients, plural; one client) in Dutch, for tables, figures and sentences.
CLIENT_WOORDEN: dict[str, tuple[str, str]] = {
    "Wmo": ("Wmo-cliënten", "Wmo-cliënt"),
    "Jeugd": ("jongeren met jeugdzorg", "jongere met jeugdzorg"),
    "Participatie": ("bijstandsontvangers", "bijstandsontvanger"),
}

PV_COLUMNS = [
    "gm_code", "naam", "jaar", "verslagsoort", "domein", "netto_eur", "inwoners",
    "netto_per_inwoner", "clienten", "volume", "prijs", "clienten_jaar", "jaar_afwijkend",
    "clienten_kenmerk", "clienten_bron", "status",
]


# --------------------------------------------------------------------------- checks


def check_columns(df: pd.DataFrame | None, name: str, cols: Sequence[str]) -> None:
    """Raise :class:`DataError` when table ``name`` is absent or lacks any of ``cols``.

    Args:
        df: The table (None when it could not be loaded).
        name: Its canonical name, for the message.
        cols: Columns it must have (docs/tables.md).
    """
    if df is None:
        raise DataError(f"tabel {name} ontbreekt; verwacht: een DataFrame (docs/tables.md)")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"tabel {name} mist kolom(men) {missing}; verwacht: docs/tables.md")


def check_int(value: object, name: str, minimum: int) -> int:
    """An int ≥ ``minimum`` (not a bool), else ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name}={value!r}; verwacht: een geheel getal ≥ {minimum}")
    return int(value)


def check_verslagsoort(verslagsoort: object) -> str:
    """``begroting`` or ``jaarrekening``, else ParameterError."""
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(
            f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van {VERSLAGSOORTEN}"
        )
    return str(verslagsoort)


def check_methode(methode: object) -> str:
    """One of :data:`METHODEN`, else ParameterError."""
    if methode not in METHODEN:
        raise ParameterError(f"methode {methode!r} onbekend; verwacht: een van {METHODEN}")
    return str(methode)


def check_jaar(jaar: object, available: Sequence[int], what: str) -> int:
    """An int year among ``available``, else ParameterError naming ``what``."""
    if isinstance(jaar, bool) or not isinstance(jaar, (int, np.integer)):
        raise ParameterError(f"jaar={jaar!r}; verwacht: een jaartal als geheel getal, zoals 2023")
    if int(jaar) not in available:
        shown = ", ".join(map(str, sorted(available))) or "geen"
        raise ParameterError(f"jaar {jaar} staat niet in {what}; beschikbaar: {shown}")
    return int(jaar)
