"""The kit's shared vocabulary: domeinen, verslagsoorten, codes, columns, taakveld groups.

One definition of every word that more than one module uses. Everything else imports it
from here; nothing redefines it.

* :data:`DOMEINEN` — the four sociaal-domein clusters of the gemeentefonds, in the one
  order used in every table and figure; :data:`TOTAAL` is the label of their sum.
* :data:`VERSLAGSOORTEN` — begroting (plan) and jaarrekening (realisation).
* :data:`GM_CODE` / :func:`is_gm_code` — the CBS gemeentecode pattern (``GM`` + 4 digits).
* :data:`IV3_COLUMNS` — the canonical Iv3 frame as delivered by every Iv3 adapter.
* :data:`TAAKVELD_GROEPEN` — named sets of taakvelden (voorliggend, toegang, maatwerk,
  geëscaleerd, jeugdhulp met verblijf, pgb …), read from ``data/taakveld_domein.csv``
  so that they never restate the mapping.

Base layer: reads a file that lives in the data package, but imports nothing from
``analysekit.data``, ``analysis`` or ``reporting``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "DOMEINEN",
    "DOMEINEN_EN_TOTAAL",
    "GM_CODE",
    "GM_CODE_RE",
    "IV3_AMOUNTS",
    "IV3_COLUMNS",
    "OVERIG",
    "TAAKVELD_GROEPEN",
    "TOTAAL",
    "TREDEN",
    "VERSLAGSOORTEN",
    "is_gm_code",
    "taakveld_mapping",
]

#: The sociaal-domein clusters (gemeentefonds), in display order.
DOMEINEN: tuple[str, ...] = ("Sociale basisvoorzieningen", "Wmo", "Jeugd", "Participatie")
#: Label of the sum over :data:`DOMEINEN`.
TOTAAL = "Sociaal domein"
DOMEINEN_EN_TOTAAL: tuple[str, ...] = (*DOMEINEN, TOTAAL)
#: Domein of every taakveld outside the sociaal domein.
OVERIG = "Overig"

#: Verslagsoorten: the plan (begroting) and the realisation (jaarrekening).
VERSLAGSOORTEN: tuple[str, ...] = ("begroting", "jaarrekening")

#: CBS gemeentecode: ``GM`` followed by four digits (``GM0855``).
GM_CODE = r"GM\d{4}"
GM_CODE_RE = re.compile(rf"^{GM_CODE}$")

#: Amount columns of the canonical Iv3 frame, in euros.
IV3_AMOUNTS: tuple[str, ...] = ("lasten_eur", "baten_eur", "salarissen_eur")
#: The canonical Iv3 frame delivered by every Iv3 adapter (mirror and live).
IV3_COLUMNS: tuple[str, ...] = ("gm_code", "jaar", "verslagsoort", "taakveld", *IV3_AMOUNTS)

#: Steps of the transformation ladder, from light to heavy (column ``trede`` of the mapping).
TREDEN: tuple[str, ...] = ("voorliggend", "maatwerk", "geescaleerd")

_MAPPING = Path(__file__).resolve().parent / "data" / "taakveld_domein.csv"


def is_gm_code(value: object) -> bool:
    """Return True when ``value`` is a CBS gemeentecode such as ``GM0855``."""
    return isinstance(value, str) and GM_CODE_RE.match(value) is not None


def taakveld_mapping() -> list[dict[str, str]]:
    """Return the rows of ``taakveld_domein.csv`` (taakveld, omschrijving, domein, …).

    Returns:
        One dict per sociaal-domein taakveld of every Iv3 revision (2017, 2023, 2025).
    """
    with _MAPPING.open(encoding="utf-8", newline="") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(rows))


def _groups() -> dict[str, frozenset[str]]:
    rows = taakveld_mapping()

    def where(pred) -> frozenset[str]:  # noqa: ANN001
        return frozenset(r["taakveld"] for r in rows if pred(r))

    groups = {
        "sociaal_domein": where(lambda r: True),
        "voorliggend": where(lambda r: r["trede"] == "voorliggend"),
        "toegang": where(lambda r: r["subdomein"] == "Toegang"),
        "maatwerk": where(lambda r: r["trede"] == "maatwerk"),
        "geescaleerd": where(lambda r: r["trede"] == "geescaleerd"),
        "jeugdhulp": where(
            lambda r: r["domein"] == "Jeugd"
            and (r["subdomein"].startswith("Jeugdhulp") or r["subdomein"] == "PGB")
        ),
        "jeugdhulp_met_verblijf": where(lambda r: r["subdomein"] == "Jeugdhulp met verblijf"),
        "pgb": where(lambda r: r["subdomein"] == "PGB"),
    }
    for d in DOMEINEN:
        groups[d] = where(lambda r, d=d: r["domein"] == d)
    return groups


#: Named sets of taakveld codes, derived from ``taakveld_domein.csv``.
TAAKVELD_GROEPEN = MappingProxyType(_groups())
