"""The site's headline figures: which columns exist, their Dutch labels and number format.

A report glues its headline figures as scrapbook scraps; :mod:`analysekit.reporting.site`
collects them into one :class:`Row` per gemeente. This module says how each figure
appears on a site page (:class:`Kolom`, :data:`HEADLINES`), which columns a period
shows at first (:func:`key_columns`), and formats values the way the table, the CSV
readers and the map (:mod:`analysekit.reporting.site_map`) show them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from typing import Any

from analysekit import nl

#: One page of the site: ``(jaar, verslagsoort)``.
Period = tuple[int, str]

#: The sign key of every gap column (one sign convention in the whole kit).
TEKEN_SLEUTEL = "tekort (+) / overschot (−)"


@dataclasses.dataclass(frozen=True)
class Kolom:
    """How a headline figure appears on the site.

    ``kop`` and ``eenheid`` are the two header lines (short; wrapped only when the table is
    narrow), ``label`` the
    full description (tooltip, map title, CSV readers), ``vorm`` the number format
    (``getal``, ``mln``, ``pct``), ``kloof`` marks a gap column (sign key, explicit +).
    """

    kop: str
    eenheid: str
    label: str
    vorm: str = "getal"
    decimals: int = 0
    kloof: bool = False


def _dom(naam: str, kort: str | None = None) -> dict[str, Kolom]:
    key = {"Jeugd": "jeugd", "Wmo": "wmo", "Participatie": "participatie"}.get(naam, "basis")
    return {
        f"netto_{key}_per_inwoner": Kolom(
            kort or naam, "€ per inwoner", f"{naam}, netto lasten per inwoner (€)"
        ),
        f"netto_{key}_eur": Kolom(kort or naam, "€ mln", f"{naam}, netto lasten (€)", "mln", 1),
    }


_JEUGD, _WMO, _PART, _BASIS = (
    _dom("Jeugd"),
    _dom("Wmo"),
    _dom("Participatie"),
    _dom("Sociale basisvoorzieningen", "Basisvoorzieningen"),
)

#: Known headline figures, in the site's column order (per inwoner first, then totals).
HEADLINES: dict[str, Kolom] = {
    "netto_sd_per_inwoner": Kolom(
        "Netto lasten", "€ per inwoner", "Netto lasten sociaal domein per inwoner (€)"
    ),
    "verschil_mediaan_pct": Kolom(
        "T.o.v. mediaan",
        "alle gemeenten, %",
        "Verschil met de mediaan van alle gemeenten (%)",
        "pct",
        1,
    ),
    "tekort_sd_per_inwoner": Kolom(
        "Tekort (+) / overschot (−)",
        "gemeentefonds, € per inw.",
        f"Verschil met het gemeentefonds per inwoner (€; {TEKEN_SLEUTEL})",
        kloof=True,
    ),
    "inwoners": Kolom("Inwoners", "aantal", "Inwoners"),
    "verschil_peers_pct": Kolom(
        "T.o.v. vergelijkbare",
        "gemeenten, %",
        "Verschil met vergelijkbare gemeenten (%)",
        "pct",
        1,
    ),
    **{k: v for d in (_JEUGD, _WMO, _PART, _BASIS) for k, v in d.items() if "inwoner" in k},
    "netto_sd_eur": Kolom("Netto lasten", "€ mln", "Netto lasten sociaal domein (€)", "mln", 1),
    "tekort_sd_eur": Kolom(
        "Tekort (+) / overschot (−)",
        "gemeentefonds, € mln",
        f"Verschil met het gemeentefonds (€; {TEKEN_SLEUTEL})",
        "mln",
        1,
        True,
    ),
    "overschrijding_sd_eur": Kolom(
        "Tekort (+) / overschot (−)",
        "t.o.v. begroting, € mln",
        f"Overschrijding: jaarrekening min begroting (€; {TEKEN_SLEUTEL})",
        "mln",
        1,
        True,
    ),
    "groei_sd_pct": Kolom(
        "Groei lasten",
        "% per jaar",
        "Groei per jaar van de lasten (bruto) sociaal domein per inwoner (%; euro's van elk "
        "jaar)",
        "pct",
        1,
    ),
    "overschreden_sd_jaren": Kolom(
        "Lasten > begroting",
        "aantal jaren",
        "Aantal jaren waarin de lasten sociaal domein in de jaarrekening meer dan 1% boven de "
        "begroting van dat jaar lagen (overschrijding op de lasten)",
    ),
    **{f"groei_{key}_pct": Kolom(
        f"Groei {kort}", "% per jaar",
        f"Groei per jaar van de lasten (bruto) {naam} per inwoner (%; euro's van elk jaar)",
        "pct", 1)
       for key, naam, kort in (("jeugd", "Jeugd", "Jeugd"), ("wmo", "Wmo", "Wmo"),
                               ("participatie", "Participatie", "Participatie"),
                               ("basis", "Sociale basisvoorzieningen", "basisvoorz."))},
    **{f"overschreden_{key}_jaren": Kolom(
        f"{kort} > begroting", "aantal jaren",
        f"Aantal jaren waarin de lasten {naam} in de jaarrekening meer dan 1% boven de "
        "begroting van dat jaar lagen (overschrijding op de lasten)")
       for key, naam, kort in (("jeugd", "Jeugd", "Jeugd"), ("wmo", "Wmo", "Wmo"),
                               ("participatie", "Participatie", "Participatie"),
                               ("basis", "Sociale basisvoorzieningen", "Basisvoorz."))},
    "potentieel_peers_eur": Kolom(
        "Besparingspotentieel",
        "t.o.v. vergelijkbare, € mln",
        "Besparingspotentieel t.o.v. vergelijkbare gemeenten (€)",
        "mln",
        1,
    ),
    **{k: v for d in (_JEUGD, _WMO, _PART, _BASIS) for k, v in d.items() if "inwoner" not in k},
}

#: Columns shown at first (they fit a 1366 px screen beside the map); the rest is behind
#: the column chooser.
KEY_COLUMNS = ("netto_sd_per_inwoner", "verschil_mediaan_pct", "tekort_sd_per_inwoner",
               "groei_sd_pct", "inwoners")
#: Glued beside the gap: the gemeentefonds uitkeringsjaar it uses (labels the gap columns;
#: not a column of its own).
GF_JAAR = "gf_uitkeringsjaar"
#: Glued beside the growth and overrun columns: the years they cover (label the columns;
#: not columns of their own).
REEKS_JAREN = ("groei_van_jaar", "groei_tot_jaar", "overschreden_sd_van")
#: Scraps that only label other columns.
GEEN_KOLOM = (GF_JAAR, *REEKS_JAREN)
#: Gap columns against the gemeentefonds, labelled with the uitkeringsjaar.
GF_KOLOMMEN = ("tekort_sd_per_inwoner", "tekort_sd_eur")
#: The same-year column that takes the gap's place among the key columns when the
#: gemeentefonds of the cost year is not in the data (a mismatched year is never headlined).
KEY_VERVANGER = "overschrijding_sd_eur"


def gf_jaren(rows: Sequence[Row]) -> list[int]:
    """The gemeentefonds uitkeringsjaren the rows' gaps use (sorted, unique)."""
    return sorted({int(r.values[GF_JAAR]) for r in rows if is_number(r.values.get(GF_JAAR))})


def kolom_voor_periode(name: str, period: Period, jaren: Sequence[int]) -> Kolom:
    """The column as shown for one period: gap columns name their uitkeringsjaar.

    Args:
        name: Headline name.
        period: ``(jaar, verslagsoort)`` of the page.
        jaren: Gemeentefonds uitkeringsjaren used by the rows (:func:`gf_jaren`).

    Returns:
        The column, with ``eenheid`` and ``label`` saying which uitkeringsjaar the gap is
        against and, when that is not the cost year, "ander jaar".
    """
    k = kolom(name)
    if name not in GF_KOLOMMEN or not jaren:
        return k
    jaar_txt = "/".join(str(j) for j in jaren)
    ander = any(j != period[0] for j in jaren)
    unit = "€ per inw." if name.endswith("per_inwoner") else "€ mln"
    eenheid = f"fonds {jaar_txt}{' (ander jaar)' if ander else ''}, {unit}"
    extra = (f"; gemeentefonds uitkeringsjaar {jaar_txt}"
             + (f", niet {period[0]}: uitkeringsjaar {period[0]} staat niet in de gegevens"
                if ander else ""))
    return dataclasses.replace(k, eenheid=eenheid, label=k.label + extra)


def _span(rows: Sequence[Row], name: str) -> tuple[int, int] | None:
    """The smallest and largest value of a year column over the rows (None when absent)."""
    vals = {int(r.values[name]) for r in rows if is_number(r.values.get(name))}
    return (min(vals), max(vals)) if vals else None


def _common(rows: Sequence[Row], name: str) -> int | None:
    span = _span(rows, name)
    return span[0] if span and span[0] == span[1] else None


def kolom_voor_pagina(name: str, period: Period, rows: Sequence[Row]) -> Kolom:
    """The column as shown on one page, with the years it covers.

    :func:`kolom_voor_periode`, and the growth and overrun columns with their years
    (``% per jaar 2017–2024``, ``van 8 jaren``).
    """
    k = kolom_voor_periode(name, period, gf_jaren(rows))
    if name.startswith("groei_") and name.endswith("_pct"):
        van, tot = _span(rows, "groei_van_jaar"), _span(rows, "groei_tot_jaar")
        if van is not None and tot is not None:
            # a gemeente that missed a year has a shorter span: the header gives the widest
            # span and says so (each report names its own years)
            eigen = "" if van[0] == van[1] and tot[0] == tot[1] else (
                ", per gemeente de geleverde jaren")
            return dataclasses.replace(k, eenheid=f"% per jaar {van[0]}–{tot[1]}",
                                       label=k.label + f"; jaarrekeningen {van[0]}–{tot[1]}"
                                       + eigen)
    if name.startswith("overschreden_") and name.endswith("_jaren"):
        n = _span(rows, "overschreden_sd_van")
        if n is not None:
            aantal = str(n[0]) if n[0] == n[1] else f"{n[0]}–{n[1]}"
            return dataclasses.replace(k, eenheid=f"van {aantal} jaren",
                                       label=k.label + f"; van {aantal} jaren met beide")
    return k


def meerjarig(name: str) -> bool:
    """True for a column about several years (growth, years over the begroting)."""
    return (name.startswith("groei_") and name.endswith("_pct")) or (
        name.startswith("overschreden_") and name.endswith("_jaren"))


def key_columns(period: Period, jaren: Sequence[int]) -> tuple[str, ...]:
    """Columns shown at first for a period (the gap only when its year matches)."""
    if jaren and any(j != period[0] for j in jaren):
        return tuple(KEY_VERVANGER if c == "tekort_sd_per_inwoner" else c for c in KEY_COLUMNS)
    return KEY_COLUMNS


@dataclasses.dataclass
class Row:
    """One gemeente in the index."""

    gm_code: str
    naam: str
    provincie: str
    link: str
    values: dict[str, Any]
    jaar: int | None = None
    verslagsoort: str | None = None

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix: ``Utrecht (gemeente)`` → ``Utrecht``."""
        return re.sub(r"\s*\(gemeente\)\s*$", "", self.naam)

    @property
    def periode(self) -> str:
        """``jaarrekening 2023``: what the row's figures are about."""
        return f"{self.verslagsoort} {self.jaar}" if self.jaar is not None else ""


def is_number(v: Any) -> bool:
    """True for a finite int or float (not a bool, not NaN or infinite)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def headline_columns(rows: Sequence[Row]) -> list[str]:
    """The headline names with a number for at least one gemeente, known ones first."""
    seen: list[str] = []
    for r in rows:
        for k, v in r.values.items():
            if k not in seen and is_number(v):
                seen.append(k)
    known = [k for k in HEADLINES if k in seen]
    return known + [k for k in seen if k not in HEADLINES and k not in GEEN_KOLOM]


def kolom(name: str) -> Kolom:
    """How a headline figure is shown (an unknown one gets a plain label)."""
    if name in HEADLINES:
        return HEADLINES[name]
    text = name.replace("_", " ").capitalize()
    return Kolom(text, "", text, "getal", 1)


def label(name: str) -> str:
    """Dutch description of a headline figure (the full label, with unit and sign key)."""
    return kolom(name).label


def format_value(name: str, value: Any) -> str:
    """A headline value as its column shows it (``€ mln``, ``+12,3%``, ``+385``)."""
    k = kolom(name)
    if not is_number(value):
        return nl.ONTBREEKT
    if k.vorm == "pct":
        return nl.pct(value, k.decimals, sign=True)
    v = value / 1e6 if k.vorm == "mln" else value
    text = nl.getal(v, k.decimals)
    if k.kloof and v > 0 and text.strip("0,") != "":
        text = "+" + text
    return text  # negative: nl.MINUS, a true minus sign, as in the reports
