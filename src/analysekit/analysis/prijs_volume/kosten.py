"""Cost side: which submissions are real, and net cost per gemeente × domein."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit.analysis.prijs_volume.common import (
    PV_DOMEINEN,
    check_columns,
    check_jaar,
    check_verslagsoort,
)
from analysekit.data.levering import baten_bekend
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN

# --------------------------------------------------------------------------- cost side


def levering_uit_iv3(iv3: pd.DataFrame) -> pd.DataFrame:
    """Which gemeente × jaar × verslagsoort is a real submission, derived from ``iv3``.

    Stand-in for the canonical table ``iv3_levering`` where it is not available: a
    submission counts as delivered when at least one lasten or baten amount is not 0. A
    gemeente that occurs in a year (any verslagsoort) but has no rows for a verslagsoort of
    that year is listed as not delivered.

    Args:
        iv3: Table ``iv3``.

    Returns:
        gm_code, jaar, verslagsoort, geleverd (bool); one row per gemeente × jaar ×
        verslagsoort of that year.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "lasten_eur", "baten_eur"])
    key = ["gm_code", "jaar", "verslagsoort"]
    nz = (iv3["lasten_eur"].fillna(0.0).to_numpy() != 0) | (
        iv3["baten_eur"].fillna(0.0).to_numpy() != 0)
    g = pd.Series(nz, index=pd.MultiIndex.from_frame(iv3[key]))
    g = g.groupby(level=[0, 1, 2], sort=False).any().rename("geleverd").reset_index()
    grid = (g[["gm_code", "jaar"]].drop_duplicates()
            .merge(g[["jaar", "verslagsoort"]].drop_duplicates(), on="jaar"))
    out = grid.merge(g, on=key, how="left")
    out["geleverd"] = out["geleverd"].fillna(False).astype(bool)
    return out.sort_values(key).reset_index(drop=True)


def _levering(iv3: pd.DataFrame, levering: pd.DataFrame | None) -> pd.DataFrame:
    if levering is None:
        return levering_uit_iv3(iv3)
    check_columns(levering, "iv3_levering", ["gm_code", "jaar", "verslagsoort", "geleverd"])
    return levering[["gm_code", "jaar", "verslagsoort", "geleverd"]]


def _universe(gemeenten: pd.DataFrame, jaar: int) -> pd.DataFrame:
    check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
    jaren = sorted(int(j) for j in gemeenten["jaar"].unique())
    earlier = [j for j in jaren if j < jaar]
    if jaar not in jaren and earlier:  # a begroting for a year whose indeling is not in yet
        jaar = earlier[-1]
    jaar = check_jaar(jaar, jaren, "tabel gemeenten")
    g = gemeenten.loc[gemeenten["jaar"] == jaar].drop_duplicates("gm_code")
    cols = ["gm_code", "inwoners"] + (["naam"] if "naam" in g.columns else [])
    out = g[cols].set_index("gm_code").sort_index()
    out["inwoners"] = out["inwoners"].astype("float64")
    if "naam" not in out.columns:
        out["naam"] = out.index
    return out


def netto_per_domein(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    verslagsoort: str = "jaarrekening",
    *,
    levering: pd.DataFrame | None = None,
    domeinen: Sequence[str] = PV_DOMEINEN,
) -> pd.DataFrame:
    """Net cost (lasten − baten) per gemeente × domein for one year, NaN where not delivered.

    Args:
        iv3: Table ``iv3``.
        gemeenten: Table ``gemeenten``; its gemeenten of ``jaar`` are the universe and give
            the inwoners (1 January of the cost year).
        jaar: Cost year (boekjaar).
        verslagsoort: ``jaarrekening`` (default) or ``begroting``; never mixed.
        levering: Table ``iv3_levering`` (default: derived with :func:`levering_uit_iv3`).
        domeinen: Domeinen (default Wmo, Jeugd, Participatie).

    Returns:
        gm_code, naam, jaar, verslagsoort, domein, netto_eur, inwoners, netto_per_inwoner,
        geleverd, baten_bekend (False: the source of that submission has no baten per
        taakveld, so netto is NaN); one row per gemeente of ``jaar`` × domein. A year not
        yet in table gemeenten (a later begroting) uses the newest indeling before it.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur",
                                "baten_eur"])
    verslagsoort = check_verslagsoort(verslagsoort)
    jaren = sorted(int(j) for j in iv3.loc[iv3["verslagsoort"] == verslagsoort, "jaar"].unique())
    jaar = check_jaar(jaar, jaren, f"de iv3-{verslagsoort}en")
    bad = [d for d in domeinen if d not in DOMEINEN]
    if bad or not domeinen:
        raise ParameterError(f"domeinen {list(domeinen)} ongeldig; kies uit {DOMEINEN}")
    uni = _universe(gemeenten, jaar)
    sel = iv3.loc[(iv3["jaar"] == jaar) & (iv3["verslagsoort"] == verslagsoort)
                  & iv3["domein"].isin(list(domeinen))]
    netto = (sel["lasten_eur"].fillna(0.0) - sel["baten_eur"].fillna(0.0)).groupby(
        [sel["gm_code"], sel["domein"]], sort=False).sum()
    # missing is not zero: a submission without any baten in its source has no net cost
    cel = iv3.loc[(iv3["jaar"] == jaar) & (iv3["verslagsoort"] == verslagsoort)]
    bekend_per_gm = baten_bekend(cel).droplevel(["jaar", "verslagsoort"]).reindex(
        uni.index, fill_value=False)
    lev = _levering(iv3, levering)
    lev = lev.loc[(lev["jaar"] == jaar) & (lev["verslagsoort"] == verslagsoort)]
    geleverd = lev.set_index("gm_code")["geleverd"].astype(bool)
    geleverd = geleverd[~geleverd.index.duplicated()].reindex(uni.index, fill_value=False)
    idx = pd.MultiIndex.from_product([uni.index, list(domeinen)], names=["gm_code", "domein"])
    val = netto.reindex(idx).to_numpy(dtype="float64")
    ok = np.repeat(geleverd.to_numpy(), len(domeinen))
    # a delivered submission with nothing booked on a domein is a real 0; not delivered is NaN
    val = np.where(ok, np.nan_to_num(val, nan=0.0), np.nan)
    bekend = np.repeat(bekend_per_gm.to_numpy(dtype=bool), len(domeinen))
    val = np.where(bekend, val, np.nan)
    inw = np.repeat(uni["inwoners"].to_numpy(), len(domeinen))
    out = pd.DataFrame({
        "gm_code": idx.get_level_values(0).astype(str),
        "naam": np.repeat(uni["naam"].astype(str).to_numpy(), len(domeinen)),
        "jaar": jaar, "verslagsoort": verslagsoort,
        "domein": idx.get_level_values(1).astype(str),
        "netto_eur": val, "inwoners": inw,
        "netto_per_inwoner": val / np.where(inw > 0, inw, np.nan),
        "geleverd": ok,
        "baten_bekend": bekend,
    })
    return out
