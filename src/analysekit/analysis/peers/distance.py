"""Nearest peers by weighted distance on z-scores, hard filters and the classic group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.peers.data import (
    FILTERS,
    KENMERK_LABELS,
    ROUND_DECIMALS,
    SAME,
    PeerData,
    load_peer_data,
)
from analysekit.errors import DataError, ParameterError, UnknownGemeente
from analysekit.vocab import is_gm_code

# --------------------------------------------------------------------------- peers


def _columns_and_weights(
    data: PeerData, kenmerken: Sequence[str] | None, weights: Mapping[str, float] | None
) -> tuple[list[str], np.ndarray]:
    cols = list(data.z.columns) if kenmerken is None else list(kenmerken)
    if not cols:
        raise ParameterError("kenmerken is leeg; verwacht: minstens één kenmerk")
    unknown = [c for c in cols if c not in data.z.columns]
    if unknown:
        raise ParameterError(
            f"kenmerk(en) {unknown} onbekend; beschikbaar: {list(data.z.columns)}"
        )
    weights = dict(weights or {})
    bad = [c for c in weights if c not in cols]
    if bad:
        raise ParameterError(
            f"gewichten (weights) voor {bad} horen bij geen van de gebruikte kenmerken {cols}"
        )
    w = np.array([float(weights.get(c, 1.0)) for c in cols])
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        given = dict(zip(cols, w.tolist(), strict=True))
        raise ParameterError(f"weights={given}; verwacht: eindige getallen ≥ 0")
    if not np.any(w > 0):
        raise ParameterError("alle gewichten (weights) zijn 0; verwacht: minstens één kenmerk > 0")
    return cols, w


def check_gemeente(data: PeerData, gm_code: str) -> str:
    """The normalised gm_code, or UnknownGemeente/ParameterError when it is not in ``data``."""
    code = str(gm_code).strip().upper()
    if not is_gm_code(code):
        from analysekit.analysis.deficits import resolve_gm_code

        code = resolve_gm_code(str(gm_code))  # a name: UnknownGemeente if it does not resolve
    if code not in data.z.index:
        raise UnknownGemeente(
            f"gemeente {gm_code!r} hoort niet bij de {len(data.z)} gemeenten van "
            f"{data.jaar if data.jaar is not None else 'de peergegevens'}; verwacht: een gm_code "
            "zoals GM0855 uit die indeling"
        )
    return code


def _as_set(value: object) -> list:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def apply_filters(
    data: PeerData, gm_code: str, candidates: pd.Index, filters: Mapping[str, object] | None
) -> tuple[pd.Index, str]:
    """Apply hard filters to candidate gm_codes.

    Filters: ``provincie``, ``grootteklasse``, ``stedelijkheid`` (a value, a list of values,
    or ``"zelfde"`` = same as the gemeente) and ``inwoners`` (``(min, max)``, either may be
    None; inclusive).

    Returns:
        ``(kept candidates, description of the filters)``.

    Raises:
        ParameterError: Unknown filter key or malformed value.
    """
    if not filters:
        return candidates, "geen filters"
    info = data.info
    keep = pd.Series(True, index=candidates)
    parts = []
    for key, value in filters.items():
        if key not in FILTERS:
            raise ParameterError(f"filter {key!r} onbekend; verwacht: een van {FILTERS}")
        if key not in info.columns:
            raise DataError(
                f"filter {key!r} heeft kolom {key!r} in tabel gemeenten nodig; voer "
                "`analysekit data build --force` uit"
            )
        col = info[key].reindex(candidates)
        if key == "inwoners":
            if not (isinstance(value, (tuple, list)) and len(value) == 2):
                raise ParameterError(f"filter inwoners={value!r}; verwacht: (min, max)")
            lo, hi = value
            if lo is not None and hi is not None and lo > hi:
                raise ParameterError(f"filter inwoners: min {lo} > max {hi}; verwacht: min ≤ max")
            m = pd.Series(True, index=candidates)
            if lo is not None:
                m &= col.astype("float64") >= lo
            if hi is not None:
                m &= col.astype("float64") <= hi
            keep &= m.fillna(False).astype(bool)
            parts.append(f"inwoners {lo if lo is not None else ''}–{hi if hi is not None else ''}")
            continue
        vals = _as_set(value)
        if vals == [SAME]:
            own = info.at[gm_code, key]
            if pd.isna(own):
                raise ParameterError(f"filter {key}='{SAME}': {key} is onbekend voor {gm_code}")
            vals = [own]
        keep &= col.isin(vals).fillna(False).astype(bool)
        parts.append(f"{key}={vals[0] if len(vals) == 1 else vals}")
    return candidates[keep.to_numpy()], ", ".join(parts)


def _order(dist: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Indices sorting by rounded distance, ties by gm_code."""
    return np.lexsort((codes, np.round(dist, ROUND_DECIMALS)))


def check_n_peers(n_peers: object, k: object) -> int:
    """The number of peers from ``n_peers`` (or the deprecated keyword ``k``)."""
    if k is not None:
        n_peers = k
    if isinstance(n_peers, bool) or not isinstance(n_peers, (int, np.integer)) or n_peers < 1:
        raise ParameterError(f"n_peers={n_peers!r}; verwacht: een positief geheel getal")
    return int(n_peers)


def _exclude(exclude: Iterable[str] | None) -> set[str]:
    if exclude is None:
        return set()
    if isinstance(exclude, str) or not isinstance(exclude, Iterable):
        raise ParameterError(f"exclude={exclude!r}; verwacht: een lijst gm_codes")
    return {str(c) for c in exclude}


def peers(
    gm_code: str,
    n_peers: int = 10,
    weights: Mapping[str, float] | None = None,
    filters: Mapping[str, object] | None = None,
    kenmerken: Sequence[str] | None = None,
    *,
    data: PeerData | None = None,
    jaar: int | None = None,
    exclude: Iterable[str] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """The ``n_peers`` most similar gemeenten by weighted distance on standardised characteristics.

    Args:
        gm_code: The gemeente (gm_code; names: resolve with :func:`analysekit.gemeente`).
        n_peers: Number of peers (≥ 1).
        weights: Weight per characteristic (default 1 each).
        filters: Hard filters, see :func:`apply_filters`.
        kenmerken: Characteristics to use (default all in ``data``).
        data: Prepared :class:`PeerData` (default: :func:`load_peer_data` for ``jaar``).
        jaar: Year when ``data`` is None.
        exclude: gm_codes that cannot be peers (e.g. gemeenten without a real Iv3
            submission for the year compared, see
            :func:`analysekit.analysis.deficits.not_delivered`).
        k: Deprecated name of ``n_peers`` (kept for one release).

    Returns:
        One row per peer, nearest first: rang, gm_code, naam, provincie, inwoners,
        grootteklasse, stedelijkheid, afstand, ``dz_<kenmerk>`` (z of the peer − z of the
        gemeente), ``lijkt_op`` (the two characteristics with the smallest |dz|) and
        ``verschilt_in`` (the two with the largest weighted |dz|, with sign). ``attrs`` holds
        gm_code, kenmerken, weights, filters, n_kandidaten and n_onvolledig.

    Raises:
        UnknownGemeente: gm_code not in the data.
        ParameterError: Bad k, weights, kenmerken or filters; a characteristic missing for
            the gemeente; filters that leave nothing or fewer than k gemeenten.
    """
    k = check_n_peers(n_peers, k)
    skip = _exclude(exclude)
    if data is None:
        data = load_peer_data(jaar)
    code = check_gemeente(data, gm_code)
    cols, w = _columns_and_weights(data, kenmerken, weights)
    z = data.z[cols]
    own = z.loc[code]
    if own.isna().any():
        missing = list(own.index[own.isna()])
        raise ParameterError(
            f"kenmerk(en) {missing} ontbreken voor {code} in {data.jaar}; laat ze weg met "
            f"kenmerken={[c for c in cols if c not in missing]}"
        )
    complete = z.notna().all(axis=1)
    n_onvolledig = int((~complete).sum())
    cand = z.index[complete.to_numpy() & (z.index != code) & ~z.index.isin(list(skip))]
    cand, desc = apply_filters(data, code, cand, filters)
    why = desc + (f"; {n_onvolledig} zonder alle kenmerken" if n_onvolledig else "")
    if skip:
        why += f"; {len(skip)} uitgesloten"
    if len(cand) == 0:
        raise ParameterError(f"na de filters blijven 0 gemeenten over ({why}); verruim de filters")
    if k > len(cand):
        raise ParameterError(
            f"na de filters blijven {len(cand)} gemeenten over, maar n_peers={k} gevraagd "
            f"({why}); verruim de filters of kies een kleinere n_peers"
        )
    zc = z.loc[cand].to_numpy()
    diff = zc - own.to_numpy()[None, :]
    dist = np.sqrt((diff * diff * w[None, :]).sum(axis=1))
    codes = cand.to_numpy().astype(str)
    idx = _order(dist, codes)[:k]
    dz = diff[idx]
    contrib = dz * dz * w[None, :]
    carr = np.array(cols)
    similar = np.lexsort((np.broadcast_to(carr, dz.shape), np.abs(dz)), axis=1)[:, :2]
    different = np.lexsort((np.broadcast_to(carr, dz.shape), -contrib), axis=1)[:, :2]
    info = data.info.loc[codes[idx]]
    columns: dict[str, object] = {"rang": np.arange(1, k + 1), "gm_code": codes[idx]}
    columns.update({c: info[c].to_numpy() for c in info.columns})
    columns["afstand"] = dist[idx]
    columns.update({f"dz_{c}": dz[:, j] for j, c in enumerate(cols)})
    columns["lijkt_op"] = [", ".join(carr[r]) for r in similar]
    columns["verschilt_in"] = [
        ", ".join(f"{carr[j]} ({'+' if dz[i, j] > 0 else ''}{nl.getal(dz[i, j], 1)} sd)"
                  for j in row if contrib[i, j] > 0)
        for i, row in enumerate(different)
    ]
    out = pd.DataFrame(columns)
    out.attrs.update({
        "gm_code": code, "jaar": data.jaar, "kenmerken": cols,
        "weights": dict(zip(cols, w.tolist(), strict=True)), "filters": desc,
        "n_kandidaten": int(len(cand)), "n_onvolledig": n_onvolledig,
        "n_uitgesloten": len(skip),
    })
    return out


def explain(peer_table: pd.DataFrame) -> pd.DataFrame:
    """Long table of what makes each peer similar or different, per characteristic.

    Args:
        peer_table: Output of :func:`peers`.

    Returns:
        gm_code, naam, kenmerk, kenmerk_label, dz (z peer − z gemeente), gewicht and
        bijdrage_pct (share of the squared distance, %), sorted by peer rank and
        contribution (largest first).
    """
    cols = peer_table.attrs.get("kenmerken") or [
        c[3:] for c in peer_table.columns if c.startswith("dz_")]
    weights = peer_table.attrs.get("weights") or {c: 1.0 for c in cols}
    long = peer_table.melt(id_vars=["rang", "gm_code", "naam"],
                           value_vars=[f"dz_{c}" for c in cols], var_name="kenmerk",
                           value_name="dz")
    long["kenmerk"] = long["kenmerk"].str.slice(3)
    long["kenmerk_label"] = long["kenmerk"].map(KENMERK_LABELS).fillna(long["kenmerk"])
    long["gewicht"] = long["kenmerk"].map(weights).astype("float64")
    long["bijdrage"] = long["gewicht"] * long["dz"] ** 2
    tot = long.groupby("gm_code")["bijdrage"].transform("sum")
    long["bijdrage_pct"] = 100.0 * long["bijdrage"] / tot.where(tot > 0)
    long = long.sort_values(["rang", "bijdrage", "kenmerk"], ascending=[True, False, True])
    return long.drop(columns="bijdrage").reset_index(drop=True)


def peer_matrix(
    data: PeerData | None = None,
    weights: Mapping[str, float] | None = None,
    kenmerken: Sequence[str] | None = None,
    *,
    jaar: int | None = None,
) -> pd.DataFrame:
    """Distances between all gemeenten with every characteristic present (scipy cdist).

    Args:
        data: :class:`PeerData` (default: loaded for ``jaar``).
        weights: Weight per characteristic.
        kenmerken: Characteristics to use.
        jaar: Year when ``data`` is None.

    Returns:
        Square DataFrame (index and columns gm_code, sorted), zeros on the diagonal.
    """
    if data is None:
        data = load_peer_data(jaar)
    cols, w = _columns_and_weights(data, kenmerken, weights)
    z = data.z[cols].dropna()
    zw = z.to_numpy() * np.sqrt(w)[None, :]
    from scipy.spatial.distance import cdist  # here, not at import: scipy.spatial costs ~0.3 s

    d = cdist(zw, zw, metric="euclidean")
    return pd.DataFrame(d, index=z.index, columns=z.index)


def all_peers(
    data: PeerData | None = None,
    n_peers: int = 10,
    weights: Mapping[str, float] | None = None,
    kenmerken: Sequence[str] | None = None,
    *,
    matrix: pd.DataFrame | None = None,
    jaar: int | None = None,
    exclude: Iterable[str] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """The ``n_peers`` nearest peers of every gemeente at once (no filters).

    Args:
        data: :class:`PeerData` (default: loaded for ``jaar``), when ``matrix`` is None.
        n_peers: Number of peers per gemeente.
        weights: Weight per characteristic.
        kenmerken: Characteristics to use.
        matrix: Precomputed :func:`peer_matrix`.
        jaar: Year when ``data`` is None.
        exclude: gm_codes that cannot be anyone's peer (they keep their own row of peers);
            use :meth:`PeerSelection.all_peers` for the period's rule.
        k: Deprecated name of ``n_peers``.

    Returns:
        Long table gm_code, rang, peer_gm_code, afstand; same order rule as :func:`peers`.
    """
    if matrix is None:
        matrix = peer_matrix(data, weights, kenmerken, jaar=jaar)
    skip = _exclude(exclude)
    cand = ~matrix.columns.isin(list(skip))
    n = int(cand.sum())
    k = n_peers if k is None else k
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise ParameterError(f"n_peers={k!r}; verwacht: een geheel getal van 1 tot {n - 1}")
    full = matrix.to_numpy()
    d = np.round(full, ROUND_DECIMALS)
    np.fill_diagonal(d, np.inf)
    d = d[:, cand]
    # columns are sorted by gm_code, so a stable sort breaks ties by gm_code
    idx = np.argsort(d, axis=1, kind="stable")[:, :k]
    codes = matrix.columns.to_numpy().astype(str)[cand]
    rows = len(matrix)
    return pd.DataFrame({
        "gm_code": np.repeat(matrix.index.to_numpy().astype(str), k),
        "rang": np.tile(np.arange(1, k + 1), rows),
        "peer_gm_code": codes[idx].ravel(),
        "afstand": np.take_along_axis(full[:, cand], idx, axis=1).ravel(),
    })


def klassieke_groep(
    gm_code: str, gemeenten: pd.DataFrame | None = None, jaar: int | None = None
) -> pd.DataFrame:
    """The classic peer group: same CBS grootteklasse and stedelijkheid (excluding itself).

    Args:
        gm_code: The gemeente.
        gemeenten: Table ``gemeenten`` (default: loaded).
        jaar: Year (default: newest in the table).

    Returns:
        The gemeenten rows of the group, sorted by gm_code; ``attrs`` names the group.

    Raises:
        UnknownGemeente: gm_code not in that year.
        ParameterError: Year absent, or grootteklasse/stedelijkheid unknown for the gemeente.
    """
    if gemeenten is None:
        from analysekit.analysis.deficits import load_inputs

        gemeenten = load_inputs()["gemeenten"]
    jaren = sorted(int(j) for j in gemeenten["jaar"].unique())
    jaar = jaren[-1] if jaar is None else jaar
    if jaar not in jaren:
        raise ParameterError(f"jaar {jaar} staat niet in tabel gemeenten; beschikbaar: {jaren}")
    g = gemeenten.loc[gemeenten["jaar"] == jaar]
    code = str(gm_code).strip().upper()
    own = g.loc[g["gm_code"] == code]
    if own.empty:
        raise UnknownGemeente(
            f"gemeente {gm_code!r} hoort niet bij de gemeenten van {jaar}; verwacht: een gm_code "
            "uit die indeling"
        )
    gk, st = own["grootteklasse"].iloc[0], own["stedelijkheid"].iloc[0]
    if pd.isna(gk) or pd.isna(st):
        raise ParameterError(f"grootteklasse of stedelijkheid onbekend voor {code} in {jaar}")
    grp = g.loc[(g["grootteklasse"] == gk) & (g["stedelijkheid"] == st) & (g["gm_code"] != code)]
    grp = grp.sort_values("gm_code").reset_index(drop=True)
    grp.attrs.update({"gm_code": code, "grootteklasse": gk, "stedelijkheid": int(st)})
    return grp
