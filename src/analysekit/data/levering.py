"""Which gemeenten delivered an Iv3 submission: missing is not zero.

The CBS Iv3 tables are full cubes: a gemeente that sent nothing for a boekjaar and
verslagsoort still has a row for every taakveld, with 0 everywhere. Summed, such a
gemeente would "spend € 0" on the sociaal domein and rank first of its peers. The kit
therefore separates a real submission from a missing one at build time.

**The rule** (applied per gemeente × jaar × verslagsoort, over all taakvelden, after the
replaced aggregate codes are dropped):

* ``n_taakvelden_niet_nul`` = the number of taakvelden with lasten ≠ 0 or baten ≠ 0
  (an empty cell counts as 0);
* if it is 0 — every lasten and baten amount is 0 or absent — the submission is
  **geen gegevens**: ``geleverd = False``, and the gemeente has **no rows** in the
  canonical ``iv3`` table for that jaar and verslagsoort;
* a gemeente of that year's indeling with no rows at all in the source is also
  ``geleverd = False``;
* otherwise the submission is delivered and kept whole: a single taakveld that is
  genuinely 0 in a delivered submission stays 0.

The table ``iv3_levering`` lists every gemeente of the jaar's indeling (the ``gemeenten``
table) for every jaar × verslagsoort in the source, with ``geleverd``, ``reden`` and
``n_taakvelden_niet_nul``. Analysis turns a non-delivered cell into NaN, never 0.
"""

from __future__ import annotations

import pandas as pd

from analysekit.vocab import IV3_AMOUNTS

__all__ = ["LEVERING_COLUMNS", "REDENEN", "baten_bekend", "split_levering"]

LEVERING_COLUMNS = ["gm_code", "jaar", "verslagsoort", "geleverd", "reden", "n_taakvelden_niet_nul"]

#: Values of ``reden``: delivered, every amount 0/absent, or no rows in the source at all.
GELEVERD = "geleverd"
ALLES_NUL = "alle lasten en baten 0 of leeg"
ONTBREEKT = "gemeente ontbreekt in de bron"
REDENEN = (GELEVERD, ALLES_NUL, ONTBREEKT)

_KEY = ["gm_code", "jaar", "verslagsoort"]


def split_levering(
    iv3: pd.DataFrame, gemeenten: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule of this module: keep real submissions, list every gemeente's levering.

    Args:
        iv3: Harmonised Iv3 frame with ``gm_code, jaar, verslagsoort, taakveld,
            lasten_eur, baten_eur``.
        gemeenten: The ``gemeenten`` table (``gm_code, jaar``): the indeling of each jaar.
            A jaar it does not cover uses the codes present in the source for that year.

    Returns:
        ``(iv3_geleverd, levering)``: the Iv3 rows of delivered submissions only (index
        reset), and the levering table with :data:`LEVERING_COLUMNS`, sorted.
    """
    amounts = [c for c in IV3_AMOUNTS if c in ("lasten_eur", "baten_eur") and c in iv3.columns]
    nonzero = pd.Series(False, index=iv3.index)
    for col in amounts:
        nonzero |= iv3[col].fillna(0.0).ne(0.0)
    present = (
        iv3.assign(_nz=nonzero)
        .groupby(_KEY, as_index=False, sort=False)["_nz"]
        .sum()
        .rename(columns={"_nz": "n_taakvelden_niet_nul"})
    )
    universe = []
    indeling = (
        gemeenten[["gm_code", "jaar"]].drop_duplicates()
        if gemeenten is not None
        else pd.DataFrame(columns=["gm_code", "jaar"])
    )
    for (jaar, vs), sub in present.groupby(["jaar", "verslagsoort"], sort=True):
        codes = set(indeling.loc[indeling["jaar"] == jaar, "gm_code"]) | set(sub["gm_code"])
        universe.append(pd.DataFrame({"gm_code": sorted(codes), "jaar": jaar, "verslagsoort": vs}))
    if universe:
        lev = pd.concat(universe, ignore_index=True).merge(present, on=_KEY, how="left")
    else:
        lev = pd.DataFrame(columns=[*_KEY, "n_taakvelden_niet_nul"])
    absent = lev["n_taakvelden_niet_nul"].isna()
    lev["n_taakvelden_niet_nul"] = lev["n_taakvelden_niet_nul"].fillna(0).astype("int64")
    lev["geleverd"] = lev["n_taakvelden_niet_nul"].gt(0)
    lev["reden"] = GELEVERD
    lev.loc[~lev["geleverd"], "reden"] = ALLES_NUL
    lev.loc[absent, "reden"] = ONTBREEKT
    lev["jaar"] = lev["jaar"].astype("int64")
    lev = lev[LEVERING_COLUMNS].sort_values(["jaar", "verslagsoort", "gm_code"], ignore_index=True)
    delivered = lev.loc[lev["geleverd"], _KEY]
    kept = iv3.merge(delivered, on=_KEY, how="inner")
    return kept.reset_index(drop=True), lev


def baten_bekend(iv3: pd.DataFrame) -> pd.Series:
    """Per submission: does its source give baten per taakveld (so that netto exists)?

    The one rule for every lens that subtracts baten. ``cbs-iv3-meerjarig`` has lasten per
    taakveld only; its submissions have ``baten_bekend`` False and NaN baten, and their
    netto is missing, never lasten − 0 (a ``groupby().sum()`` would silently give that).
    A table without the column (an older build, synthetic tests) counts a submission as
    known when any of its baten is a number.

    Args:
        iv3: Rows of the canonical ``iv3`` table (any subset of years).

    Returns:
        Boolean Series indexed by (gm_code, jaar, verslagsoort).
    """
    if "baten_bekend" in iv3.columns:
        flag = iv3["baten_bekend"].astype(bool)
    else:
        flag = iv3["baten_eur"].notna()
    return flag.groupby([iv3[k] for k in _KEY], sort=False).any()

