"""Client side: client counts per gemeente × domein from table ``kenmerken``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit.analysis.prijs_volume.common import (
    CLIENT_BRONNEN,
    MIN_CLIENTEN,
    PV_DOMEINEN,
    STATUS_GEEN_TELLING,
    STATUS_KLEIN,
    STATUS_OK,
    ClientBron,
    check_columns,
    check_int,
)
from analysekit.errors import ParameterError

_JONG_0_17 = (("inwoners_0_4", 1.0), ("inwoners_5_9", 1.0), ("inwoners_10_14", 1.0),
              ("inwoners_15_19", 0.6))

# --------------------------------------------------------------------------- client side


def _jongeren_0_17(k: pd.DataFrame) -> pd.Series:
    """Jongeren 0–17 per (gm_code, jaar): kenmerk inwoners_0_17, else the 70072ned bins."""
    direct = k.loc[k["kenmerk"] == "inwoners_0_17"].set_index(["gm_code", "jaar"])["waarde"]
    names = [n for n, _ in _JONG_0_17]
    parts = k.loc[k["kenmerk"].isin(names)]
    if parts.empty:
        return direct[~direct.index.duplicated()]
    wide = parts.pivot_table(index=["gm_code", "jaar"], columns="kenmerk", values="waarde",
                             aggfunc="first").reindex(columns=names)
    est = sum(wide[n] * w for n, w in _JONG_0_17)  # NaN when a bin is missing
    direct = direct[~direct.index.duplicated()]
    return direct.combine_first(est)


def _bron_years(k: pd.DataFrame, bron: ClientBron) -> np.ndarray:
    return np.unique(k.loc[k["kenmerk"] == bron.kenmerk, "jaar"].to_numpy(dtype=int))


def kies_bron(kenmerken: pd.DataFrame, domein: str, jaar: int,
              bronnen: dict[str, tuple[ClientBron, ...]] | None = None) -> ClientBron | None:
    """The client count used for ``domein``: nearest years to ``jaar`` first, then list order.

    Args:
        kenmerken: Table ``kenmerken`` (rows with a value).
        domein: Wmo, Jeugd or Participatie.
        jaar: Cost year.
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        The chosen :class:`ClientBron`, or None when none of its kenmerken has a value.
    """
    best, best_d = None, None
    for bron in (bronnen or CLIENT_BRONNEN)[domein]:
        years = _bron_years(kenmerken, bron)
        if years.size == 0:
            continue
        d = int(np.abs(years - jaar).min())
        if best_d is None or d < best_d:
            best, best_d = bron, d
    return best


def clienten(
    kenmerken: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    *,
    min_clienten: int = MIN_CLIENTEN,
    domeinen: Sequence[str] = PV_DOMEINEN,
    bronnen: dict[str, tuple[ClientBron, ...]] | None = None,
) -> pd.DataFrame:
    """Client counts per gemeente × domein for cost year ``jaar``, from table ``kenmerken``.

    Args:
        kenmerken: Table ``kenmerken`` (long).
        gemeenten: Table ``gemeenten`` (inwoners of the client year, to turn rates into counts
            and counts into clients per 1,000).
        jaar: Cost year; each gemeente's count comes from its nearest year of the chosen
            kenmerk (ties: the earlier year).
        min_clienten: Counts below this (including 0) become NaN (status ``klein aantal``).
        domeinen: Domeinen with a client count.
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        gm_code, domein, clienten (persons), volume (clients per 1,000 inwoners of the
        client year), clienten_jaar (Int64), jaar_afwijkend (bool: client year ≠ cost year),
        clienten_kenmerk, clienten_bron (source id), status_clienten.
    """
    check_columns(kenmerken, "kenmerken", ["gm_code", "jaar", "kenmerk", "waarde"])
    check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
    min_clienten = check_int(min_clienten, "min_clienten", 1)
    bronnen = bronnen or CLIENT_BRONNEN
    bad = [d for d in domeinen if d not in bronnen]
    if bad:
        raise ParameterError(f"geen cliëntaantal gedefinieerd voor domein(en) {bad}; "
                             f"verwacht: uit {tuple(bronnen)}")
    names = {b.kenmerk for d in domeinen for b in bronnen[d]} | {n for n, _ in _JONG_0_17}
    names.add("inwoners_0_17")
    k = kenmerken.loc[kenmerken["kenmerk"].isin(names) & kenmerken["waarde"].notna()]
    k = k.assign(jaar=k["jaar"].astype(int))
    inw = gemeenten.loc[gemeenten["inwoners"].notna()].drop_duplicates(["gm_code", "jaar"])
    inw = inw.set_index(["gm_code", "jaar"])["inwoners"].astype("float64")
    jong = None
    frames = []
    for dom in domeinen:
        bron = kies_bron(k, dom, jaar, bronnen)
        if bron is None:
            continue
        rows = k.loc[k["kenmerk"] == bron.kenmerk, ["gm_code", "jaar", "waarde"]
                     + (["bron"] if "bron" in k.columns else [])]
        rows = rows.assign(_d=(rows["jaar"] - jaar).abs()).sort_values(
            ["gm_code", "_d", "jaar"], kind="stable").drop_duplicates("gm_code")
        key = pd.MultiIndex.from_frame(rows[["gm_code", "jaar"]])
        pop = inw.reindex(key).to_numpy()
        w = rows["waarde"].to_numpy(dtype="float64")
        if bron.soort == "aantal":
            count = w
        elif bron.soort == "per_1000":
            count = w * pop / 1000.0
        else:
            if jong is None:
                jong = _jongeren_0_17(k)
            count = w / 100.0 * jong.reindex(key).to_numpy(dtype="float64")
        frames.append(pd.DataFrame({
            "gm_code": rows["gm_code"].astype(str).to_numpy(), "domein": dom,
            "clienten": count,
            "volume": 1000.0 * count / np.where(pop > 0, pop, np.nan),
            "clienten_jaar": rows["jaar"].to_numpy(), "clienten_kenmerk": bron.label,
            "clienten_bron": (rows["bron"].astype(str).to_numpy() if "bron" in rows.columns
                              else bron.kenmerk),
        }))
    cols = ["gm_code", "domein", "clienten", "volume", "clienten_jaar", "jaar_afwijkend",
            "clienten_kenmerk", "clienten_bron", "status_clienten"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    small = out["clienten"].notna() & (out["clienten"] < min_clienten)
    missing = out["clienten"].isna() | out["volume"].isna()
    out["status_clienten"] = np.where(missing, STATUS_GEEN_TELLING,
                                      np.where(small, STATUS_KLEIN, STATUS_OK))
    out.loc[small | missing, ["clienten", "volume"]] = np.nan
    out["clienten_jaar"] = out["clienten_jaar"].astype("Int64")
    out["jaar_afwijkend"] = (out["clienten_jaar"] != jaar).astype(bool)
    return out[cols]
