"""A gemeente's position among its peers (median, quartiles, rank) per domein."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.vocab import DOMEINEN, TOTAAL

# --------------------------------------------------------------------------- position


def _wide(values: pd.DataFrame, measure: str, by: str) -> pd.DataFrame:
    for c in ("gm_code", by, measure):
        if c not in values.columns:
            raise ParameterError(f"values mist kolom {c!r}; verwacht: gm_code, {by}, {measure}")
    if "jaar" in values.columns and values["jaar"].nunique() > 1:
        raise ParameterError(
            f"values bevat meerdere jaren {sorted(values['jaar'].unique())}; kies één jaar"
        )
    keys = values[["gm_code", by]]
    if keys.duplicated().any():  # "first" non-missing value per gemeente and ``by``
        return values.pivot_table(index="gm_code", columns=by, values=measure,
                                  aggfunc="first", dropna=False, observed=True)
    # one value per cell (the usual case): the same table, without groupby's cost
    return values.set_index(["gm_code", by])[measure].unstack(by).sort_index()


def _peer_codes(peer_list: object) -> list[str]:
    if isinstance(peer_list, pd.DataFrame):
        return peer_list["gm_code"].astype(str).tolist()
    return [str(c) for c in peer_list]


def position(
    values: pd.DataFrame,
    gm_code: str,
    peer_list: pd.DataFrame | Sequence[str],
    measure: str = "netto_per_inwoner",
    by: str = "domein",
) -> pd.DataFrame:
    """Position of a gemeente within its peers, per domein.

    Definitions (peers with a missing value are left out per domein):

    * ``rang``: 1 + number of peers with a strictly lower value (1 = lowest), out of
      ``groep_n`` = peers + 1.
    * ``percentiel``: 100 × (peers below + ½ × peers equal) / peers.
    * ``z``: (own − peer mean) / peer standard deviation (ddof=1); NaN if that is 0.

    Args:
        values: Long table with gm_code, ``by`` and ``measure`` (e.g. :func:`deficits_all`).
        gm_code: The gemeente.
        peer_list: Peer table (with gm_code) or list of gm_codes.
        measure: Column to compare.
        by: Grouping column (default domein).

    Returns:
        One row per ``by`` value: eigen, n_peers_met_waarde (peers with a value for that
        ``by``; gemeenten without data are left out), peer_min, peer_q1, peer_mediaan,
        peer_q3, peer_max, peer_gemiddelde, peer_sd, rang, groep_n, percentiel, z (NaN
        rang/percentiel/z when the gemeente itself has no value). Schema
        :data:`analysekit.analysis.schemas.POSITIE`.
    """
    wide = _wide(values, measure, by)
    code = str(gm_code)
    if code not in wide.index:
        raise UnknownGemeente(f"gemeente {gm_code!r} heeft geen waarden voor {measure!r}")
    codes = [c for c in _peer_codes(peer_list) if c != code]
    missing = [c for c in codes if c not in wide.index]
    if missing:
        raise ParameterError(f"peer(s) {missing[:5]} hebben geen waarden voor {measure!r}")
    if not codes:
        raise ParameterError("de peerlijst is leeg; verwacht: minstens één peer")
    own = wide.loc[code]
    pv = wide.loc[codes].to_numpy(dtype="float64")
    ov = own.to_numpy(dtype="float64")
    valid = ~np.isnan(pv)
    n = valid.sum(axis=0)
    below = (valid & (pv < ov[None, :])).sum(axis=0)
    equal = (valid & (pv == ov[None, :])).sum(axis=0)
    # a domein without any peer value (a period without net cost) is NaN, said without
    # numpy's "mean of empty slice" warnings
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(np.where(valid, pv, np.nan), [0.0, 0.25, 0.5, 0.75, 1.0], axis=0) \
            if valid.any() else np.full((5, pv.shape[1]), np.nan)
        mean = np.nanmean(np.where(valid, pv, np.nan), axis=0)
        sd = np.nanstd(np.where(valid, pv, np.nan), axis=0, ddof=1)
        z = (ov - mean) / np.where(sd > 0, sd, np.nan)
        pct = 100.0 * (below + 0.5 * equal) / np.where(n > 0, n, np.nan)
    out = pd.DataFrame({
        by: wide.columns, "eigen": ov, "n_peers_met_waarde": n, "peer_min": q[0], "peer_q1": q[1],
        "peer_mediaan": q[2], "peer_q3": q[3], "peer_max": q[4], "peer_gemiddelde": mean,
        "peer_sd": sd, "rang": below + 1, "groep_n": n + 1, "percentiel": pct, "z": z,
    })
    out["rang"] = out["rang"].astype("float64")
    out.loc[np.isnan(ov), ["rang", "percentiel", "z"]] = np.nan
    out.insert(0, "gm_code", code)
    out["maat"] = measure
    return _order_domains(out, by)


def _order_domains(df: pd.DataFrame, by: str) -> pd.DataFrame:
    if by != "domein":
        return df.reset_index(drop=True)
    order = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}
    names = [str(d) for d in df["domein"].tolist()]
    # the kit's order first, other domeinen after them by name (a stable sort on both)
    idx = sorted(range(len(names)), key=lambda i: (order.get(names[i], 99), names[i]))
    return df.iloc[idx].reset_index(drop=True)
