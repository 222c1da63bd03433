"""One comparable series per domein, 2017–2026, on one gemeente indeling.

:func:`domein_reeks` turns the canonical ``iv3`` table (each year on its own indeling and
taakvelden) into one row per gemeente × jaar × verslagsoort × domein on a single
indeling (by default the newest):

* **Indeling.** Each year's figures are re-expressed in the reference indeling through the
  ``herindelingen`` crosswalk (:func:`analysekit.data.herindeling.chain`): merged
  gemeenten are summed into their successor, a split gemeente is divided by the
  crosswalk's documented key (``aandeel``, the area share). A year after the newest
  crosswalk year whose gemeenten are all in the reference indeling (begroting 2026 on
  indeling 2025: the same 342 codes) maps to itself; years after the reference indeling
  are otherwise left out (a merged total cannot be split back).
* **Missing is not zero.** If any predecessor did not deliver (``iv3_levering``),
  the row is ``geleverd = False`` and every amount is NaN ("geen gegevens"). Baten
  (and so netto) are NaN unless every predecessor's source has baten per taakveld
  (``iv3.baten_bekend``); lasten are then "lasten (bruto)".
* **Domeinen.** Taakveld → domein as in ``iv3`` (``data/taakveld_domein.csv``); the 2023
  refinement maps to the same domeinen as its parents (Jeugd = 6.72–6.74 + 6.82 in every
  year), so domein sums stay comparable across 2022/2023.
* **Definitions.** ``definitie = "gepubliceerd"`` follows each year's taakvelden, and
  ``breuk`` names the breaks in the year they start (:func:`breuken`): 6.1 widened in
  2022 (Sociale basisvoorzieningen and the total), the 2023 Jeugd split, the 2025
  renumbering, and the estimated PGB split of begroting 2026 offline. ``definitie =
  "vast"`` holds the definition fixed over all years: it leaves out 6.1 (whose content
  widened from 2022) and 6.91/6.92 (coördinatie en beleid, a taakveld only from 2025), so
  Sociale basisvoorzieningen is toegang/wijkteams only (6.2, 6.21–6.23).

The table is built once by ``analysekit data build`` (canonical table ``domein_reeks``,
reference indeling the newest, both definitions); :func:`domein_reeks` reads it, and
computes on the fly only for another reference indeling.

:func:`nationale_totalen` gives the national sums per year of the sociaal-domein
taakvelden checked against CBS publications (docs/deficits.md, "Landelijke controle per
jaar").
"""


from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysekit.data.series_build import (
    DEFINITIES,
    NATIONALE_GROEPEN,
    REEKS_COLUMNS,
    VAST_UITGESLOTEN,
    breuken,
    build_domein_reeks,
    opgegaan,
    read_tables,
)

__all__ = [
    "DEFINITIES",
    "NATIONALE_GROEPEN",
    "REEKS_COLUMNS",
    "VAST_UITGESLOTEN",
    "breuken",
    "build_domein_reeks",
    "domein_reeks",
    "nationale_totalen",
    "opgegaan",
]


def domein_reeks(
    indeling_jaar: int | None = None,
    vaste_definitie: bool = False,
    *,
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The comparable domein series on one indeling (see the module docstring).

    Reads the canonical table ``domein_reeks`` that ``analysekit data build`` writes
    (reference indeling the newest); another ``indeling_jaar`` is computed from the
    canonical tables (well under a second).

    Args:
        indeling_jaar: Reference indeling; default the newest.
        vaste_definitie: True for the fixed definition (without 6.1 and 6.91/6.92).
        data_dir: Processed folder (default ``data/processed``).

    Returns:
        One row per gm_code × jaar × verslagsoort × domein (four domeinen plus
        ``Sociaal domein``): lasten_eur, baten_eur, netto_eur, inwoners, per inwoner,
        geleverd, baten_bekend, n_voorgangers, breuk (see docs/tables.md).

    Raises:
        ParameterError: ``indeling_jaar`` is not an indeling year.
        DataError: A table is missing or unreadable.
    """
    from analysekit.data import store
    from analysekit.data.build import require_built

    folder = require_built(Path(data_dir) if data_dir else None, echo=lambda _line: None)
    definitie = "vast" if vaste_definitie else "gepubliceerd"
    built = store.available("domein_reeks", "indeling_jaar", folder)
    if indeling_jaar is None or int(indeling_jaar) in built:
        filters = [("definitie", "in", [definitie])]
        if indeling_jaar is not None:
            filters.append(("indeling_jaar", "in", [int(indeling_jaar)]))
        return store.read("domein_reeks", filters=filters, data_dir=folder)
    out = build_domein_reeks(read_tables(folder), indeling_jaar)
    return out[out["definitie"] == definitie].reset_index(drop=True)


def nationale_totalen(
    iv3: pd.DataFrame | None = None, *, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Σ over gemeenten of the lasten of 6.6, 6.71, 6.72–6.74, 6.81 and 6.82 per year.

    Each group takes the codes of every Iv3 revision (:data:`NATIONALE_GROEPEN`: 6.71 =
    6.71, 6.71a–d or 6.711–6.714; 6.72–6.74 = 6.72, 6.72a–6.74c, and from 2025
    6.751–6.763 (jeugdhulp; pgb 6.792 is then on its own code and not included); …).
    Only real submissions count (missing is not zero).

    Args:
        iv3: The canonical ``iv3`` table; default read from ``data/processed``.
        data_dir: Processed folder when ``iv3`` is None.

    Returns:
        DataFrame ``[jaar, verslagsoort, groep, lasten_eur, n_gemeenten]``.
    """
    if iv3 is None:
        from analysekit.data import store

        iv3 = store.read(
            "iv3", columns=["gm_code", "jaar", "verslagsoort", "taakveld", "lasten_eur"],
            data_dir=data_dir,
        )
    rows = []
    for groep, pattern in NATIONALE_GROEPEN.items():
        sel = iv3[iv3["taakveld"].astype(str).str.match(pattern)]
        g = sel.groupby(["jaar", "verslagsoort"], as_index=False).agg(
            lasten_eur=("lasten_eur", "sum"), n_gemeenten=("gm_code", "nunique")
        )
        g["groep"] = groep
        rows.append(g)
    out = pd.concat(rows, ignore_index=True)
    out["jaar"] = out["jaar"].astype("int64")
    return out[["jaar", "verslagsoort", "groep", "lasten_eur", "n_gemeenten"]].sort_values(
        ["verslagsoort", "groep", "jaar"], ignore_index=True
    )
