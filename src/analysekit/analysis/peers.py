"""Comparable gemeenten (peers), benchmark position and savings potential.

Method (documented choices):

* **Characteristics.** Default: the structural maatstaven the gemeentefonds uses for the
  sociaal domein (:data:`DEFAULT_KENMERKEN`): jongeren, inwoners 75+, huishoudens met een
  laag inkomen, bijstandsontvangers and eenpersoonshuishoudens, each **per inwoner** (a
  share, so that size does not dominate every characteristic), plus omgevingsadressendichtheid
  and inwoners on a **log scale** (their distributions are very skewed). Each characteristic
  comes from table ``kenmerken``, from the year nearest to ``jaar`` per gemeente (reported
  in :attr:`PeerData.bron`).
* **Standardisation.** z-scores per characteristic over *all* gemeenten of that year with a
  value, *before* any filter (population standard deviation, ddof=0). So the distance
  between two gemeenten does not depend on the filters chosen, and :func:`peers` and
  :func:`peer_matrix` agree. A characteristic with zero spread gets z = 0.
* **Distance.** Weighted Euclidean distance on the z-scores,
  ``d(a, b) = √(Σⱼ wⱼ (z_aj − z_bj)²)``, weights default 1 (not normalised).
* **Order.** Ascending distance (rounded to 1e-9 so that float noise does not break ties),
  ties broken by gm_code: same inputs, same peers.
* **Candidates.** All gemeenten of that year with every used characteristic present,
  except the gemeente itself, after the hard filters (provincie, grootteklasse,
  stedelijkheid, inwoners range).
* **One selection per period.** :func:`peer_selection` (jaar × verslagsoort) leaves out
  every gemeente without a real Iv3 submission for that period (table ``iv3_levering``):
  such a gemeente is never a peer, in the report's position, prijs × volume, the ladder
  or :func:`benchmark` alike. :func:`peers` and :func:`all_peers` on their own apply no
  such rule (their ``exclude`` argument is how the selection applies it).

The classic alternative, :func:`klassieke_groep`, is the CBS grootteklasse × stedelijkheid
group. Position and savings potential are computed against any list of peers.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.errors import DataError, ParameterError, UnknownGemeente
from analysekit.vocab import DOMEINEN, TOTAAL, is_gm_code


@dataclass(frozen=True)
class KenmerkSpec:
    """One peer characteristic built from table ``kenmerken``.

    value = first of ``kenmerken`` present in the table, divided by the first of ``per``
    present (same gemeente and year; no division when ``per`` is empty), then the natural
    log when ``log`` (values ≤ 0 become missing).
    """

    kenmerken: tuple[str, ...]
    per: tuple[str, ...] = ()
    log: bool = False
    label: str = ""


_PER_INWONER = ("inwoners_gf", "inwoners")
# The gemeentefonds sociaal-domein maatstaven (BZK volumina; kenmerk names as in
# src/analysekit/data/kenmerken.yaml). Counts per inwoner, so size does not dominate;
# density and size on a log scale.
DEFAULT_KENMERKEN: dict[str, KenmerkSpec] = {
    "jongeren": KenmerkSpec(("jongeren",), _PER_INWONER, label="jongeren 0–17 per inwoner"),
    "inwoners_75_plus": KenmerkSpec(("inwoners_75_plus_drempel",), _PER_INWONER,
                                    label="inwoners 75+ (met drempel) per inwoner"),
    "lage_inkomens": KenmerkSpec(("lage_inkomens_huishoudens",), _PER_INWONER,
                                 label="huishoudens met laag inkomen per inwoner"),
    "bijstand": KenmerkSpec(("bijstandsontvangers",), _PER_INWONER,
                            label="bijstandsontvangers per inwoner"),
    "eenpersoonshuishoudens": KenmerkSpec(("eenpersoonshuishoudens",), _PER_INWONER,
                                          label="eenpersoonshuishoudens per inwoner"),
    # maatstaf oadw is density × woonruimten / 1000, so oadw / woonruimten ∝ density
    "omgevingsadressendichtheid": KenmerkSpec(("omgevingsadressendichtheid_gf",), ("gf_woonr",),
                                              log=True, label="omgevingsadressendichtheid (log)"),
    "inwoners": KenmerkSpec(("inwoners_gf", "inwoners"), log=True, label="inwoners (log)"),
}
KENMERK_LABELS = {k: v.label for k, v in DEFAULT_KENMERKEN.items()}
FILTERS = ("provincie", "grootteklasse", "stedelijkheid", "inwoners")
SAME = "zelfde"
_INFO_COLS = ["naam", "provincie", "inwoners", "grootteklasse", "stedelijkheid",
              "stedelijkheid_label"]
_ROUND = 9


@dataclass(frozen=True)
class PeerData:
    """Standardised characteristics of all gemeenten of one year.

    Attributes:
        jaar: The year.
        values: Transformed characteristics, index gm_code (NaN where missing).
        z: z-scores of ``values`` (same shape).
        mean: Mean per characteristic (over gemeenten with a value).
        std: Population standard deviation per characteristic.
        info: naam, provincie, inwoners, grootteklasse, stedelijkheid per gm_code.
        bron: Per characteristic: kenmerk used, transform and the years used.
    """

    jaar: int | None
    values: pd.DataFrame
    z: pd.DataFrame
    mean: pd.Series
    std: pd.Series
    info: pd.DataFrame
    bron: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def kenmerken(self) -> list[str]:
        """Names of the available characteristics."""
        return list(self.z.columns)


# --------------------------------------------------------------------------- data


def make_peer_data(
    features: pd.DataFrame,
    info: pd.DataFrame,
    jaar: int | None = None,
    bron: pd.DataFrame | None = None,
) -> PeerData:
    """Standardise a feature table (z over all rows with a value, ddof=0).

    Args:
        features: Index gm_code, one numeric column per characteristic (already transformed).
        info: gm_code (column or index) with naam, provincie, inwoners, grootteklasse,
            stedelijkheid (missing columns are allowed, but filters on them then fail).
        jaar: The year the data describe.
        bron: Optional provenance table.

    Returns:
        A :class:`PeerData`.
    """
    values = features.astype("float64").sort_index()
    values.index = values.index.astype(str)
    values.index.name = "gm_code"
    mean = values.mean(skipna=True)
    std = values.std(ddof=0, skipna=True)
    safe = std.where(std > 0)
    z = (values - mean) / safe
    flat = list(values.columns[safe.isna().to_numpy()])
    if flat:  # no spread: the characteristic cannot separate gemeenten
        z[flat] = 0.0
    z = z.where(values.notna())
    inf = info.set_index("gm_code") if "gm_code" in info.columns else info.copy()
    inf.index = inf.index.astype(str)
    inf = inf[~inf.index.duplicated(keep="first")]
    inf = inf.reindex(columns=[c for c in _INFO_COLS if c in inf.columns])
    return PeerData(jaar=jaar, values=values, z=z, mean=mean, std=std, info=inf,
                    bron=bron if bron is not None else pd.DataFrame())


def peer_data(
    kenmerken: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    spec: Mapping[str, KenmerkSpec] | None = None,
) -> PeerData:
    """Build the standardised characteristics for ``jaar`` from the canonical tables.

    Args:
        kenmerken: Table ``kenmerken`` (long).
        gemeenten: Table ``gemeenten``; its gemeenten of ``jaar`` are the universe.
        jaar: Year; each characteristic comes from the year nearest to it per gemeente
            (ties: the earlier year).
        spec: Feature name → :class:`KenmerkSpec`; default :data:`DEFAULT_KENMERKEN`.
            A feature none of whose kenmerken exists is left out (listed in ``bron`` with
            n = 0).

    Returns:
        A :class:`PeerData`; ``bron`` lists per feature the kenmerk, the divisor and the
        years used (with counts of gemeenten).

    Raises:
        ParameterError: ``jaar`` is not a year of table gemeenten.
    """
    from analysekit.analysis.deficits import nearest_year

    spec = dict(spec or DEFAULT_KENMERKEN)
    if gemeenten is None or gemeenten.empty:
        raise DataError(
            "tabel gemeenten is leeg; geen peerkenmerken te bouwen; "
            "voer `analysekit data build` uit"
        )
    jaren = sorted(int(j) for j in gemeenten["jaar"].unique())
    if isinstance(jaar, bool) or not isinstance(jaar, (int, np.integer)) or jaar not in jaren:
        raise ParameterError(
            f"jaar {jaar!r} staat niet in tabel gemeenten; beschikbaar: {jaren[0]}–{jaren[-1]}"
        )
    info = gemeenten.loc[gemeenten["jaar"] == jaar].drop_duplicates("gm_code")
    info = info.set_index("gm_code")
    universe = pd.Index(info.index.astype(str), name="gm_code")
    present = set(kenmerken["kenmerk"].unique()) if len(kenmerken) else set()
    needed = {n for ks in spec.values() for n in (*ks.kenmerken, *ks.per)} & present
    sub = kenmerken.loc[kenmerken["kenmerk"].isin(needed) & kenmerken["waarde"].notna()]
    wide = sub.pivot_table(index=["gm_code", "jaar"], columns="kenmerk", values="waarde",
                           aggfunc="first")
    cols: dict[str, pd.Series] = {}
    bron_rows = []
    for feat, ks in spec.items():
        if not isinstance(ks, KenmerkSpec):
            raise ParameterError(
                f"spec voor {feat!r} is een {type(ks).__name__}; verwacht: een KenmerkSpec"
            )
        name = next((n for n in ks.kenmerken if n in present), None)
        per = next((n for n in ks.per if n in present), None)
        if name is None or (ks.per and per is None):
            bron_rows.append({"kenmerk": feat, "bron_kenmerk": name, "per": per, "log": ks.log,
                              "jaren": "", "n": 0})
            continue
        v = wide[name] / wide[per] if per else wide[name]
        if ks.log:
            v = np.log(v.where(v > 0))
        v = v.dropna().rename("waarde").reset_index()
        v = nearest_year(v, ["gm_code"], jaar).set_index("gm_code")
        v = v.reindex(universe)
        counts = v["jaar"].dropna().astype(int).value_counts().sort_index()
        cols[feat] = v["waarde"]
        bron_rows.append({"kenmerk": feat, "bron_kenmerk": name, "per": per, "log": ks.log,
                          "jaren": ", ".join(f"{j} ({n})" for j, n in counts.items()),
                          "n": int(v["waarde"].notna().sum())})
    if not cols:
        raise DataError(
            f"geen van de peerkenmerken {list(spec)} is te bouwen uit tabel kenmerken; "
            "verwacht: de kenmerken van kenmerken.yaml"
        )
    features = pd.DataFrame(cols, index=universe)
    return make_peer_data(features, info.reset_index(), jaar=jaar, bron=pd.DataFrame(bron_rows))


def peer_year(gemeenten: pd.DataFrame, jaar: int) -> int:
    """The indeling year whose gemeenten are the peer universe for boekjaar ``jaar``.

    ``jaar`` itself when table gemeenten has it; else the latest earlier year (a begroting
    for a year whose indeling is not yet in the table), else the earliest year.
    """
    jaren = sorted(int(j) for j in gemeenten["jaar"].unique())
    if not jaren:
        raise DataError("tabel gemeenten is leeg; voer `analysekit data build` uit")
    if jaar in jaren:
        return int(jaar)
    earlier = [j for j in jaren if j < jaar]
    return earlier[-1] if earlier else jaren[0]


def load_peer_data(jaar: int | None = None, spec: Mapping | None = None) -> PeerData:
    """Load kenmerken and gemeenten with :func:`analysekit.load` and build :class:`PeerData`.

    Args:
        jaar: Year (default: the newest year in table gemeenten; a later year uses the
            newest indeling, see :func:`peer_year`).
        spec: See :func:`peer_data`.
    """
    from analysekit.analysis.deficits import load_inputs

    t = load_inputs()
    if jaar is None:
        jaar = int(t["gemeenten"]["jaar"].max())
    return peer_data(t["kenmerken"], t["gemeenten"], peer_year(t["gemeenten"], int(jaar)), spec)


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


def _check_gemeente(data: PeerData, gm_code: str) -> str:
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
    return np.lexsort((codes, np.round(dist, _ROUND)))


def _n_peers(n_peers: object, k: object) -> int:
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
    k = _n_peers(n_peers, k)
    skip = _exclude(exclude)
    if data is None:
        data = load_peer_data(jaar)
    code = _check_gemeente(data, gm_code)
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
    d = np.round(full, _ROUND)
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


# --------------------------------------------------------------------------- selection


def delivered(levering: pd.DataFrame, jaar: int, verslagsoort: str) -> set[str]:
    """gm_codes with a real Iv3 submission for one period (table ``iv3_levering``).

    Args:
        levering: Table ``iv3_levering`` (gm_code, jaar, verslagsoort, geleverd).
        jaar: Boekjaar.
        verslagsoort: ``begroting`` or ``jaarrekening``.

    Raises:
        ParameterError: The table holds no row for that period (names the periods it has).
        DataError: A column is missing.
    """
    missing = [c for c in ("gm_code", "jaar", "verslagsoort", "geleverd")
               if c not in levering.columns]
    if missing:
        raise DataError(f"tabel iv3_levering mist kolom(men) {missing}; voer "
                        "`analysekit data build --force` uit")
    rows = levering.loc[(levering["jaar"] == jaar) & (levering["verslagsoort"] == verslagsoort)]
    if rows.empty:
        have = sorted({(int(j), str(v)) for j, v in
                       zip(levering["jaar"], levering["verslagsoort"], strict=True)})
        raise ParameterError(
            f"geen iv3_levering voor {verslagsoort} {jaar}; beschikbaar: "
            + ", ".join(f"{v} {j}" for j, v in have)
        )
    return set(rows.loc[rows["geleverd"].astype(bool), "gm_code"].astype(str))


@dataclass(frozen=True)
class PeerSelection:
    """Who may be a peer for one period (jaar × verslagsoort): the one rule of the kit.

    A gemeente without a real Iv3 submission for the period (``iv3_levering`` geleverd
    False, or no row) is never anyone's peer and is left out of the classic group; it
    still gets peers of its own (its report says "geen gegevens" about itself). The report's
    position section, prijs × volume, the ladder and :func:`benchmark` all select through
    this class, so they agree.

    Attributes:
        data: The standardised characteristics (the universe of gemeenten).
        jaar: Boekjaar of the period.
        verslagsoort: ``begroting`` or ``jaarrekening``.
        excluded: gm_codes of ``data`` without a submission for the period.
    """

    data: PeerData
    jaar: int
    verslagsoort: str
    excluded: frozenset[str]

    def peers(
        self,
        gm_code: str,
        n_peers: int = 10,
        weights: Mapping[str, float] | None = None,
        filters: Mapping[str, object] | None = None,
        kenmerken: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The gemeente's peers among the gemeenten that delivered (see :func:`peers`)."""
        code = _check_gemeente(self.data, gm_code)
        out = peers(code, n_peers, weights, filters, kenmerken, data=self.data,
                    exclude=self.excluded - {code})
        out.attrs.update({"jaar": self.jaar, "verslagsoort": self.verslagsoort})
        return out

    def all_peers(
        self,
        n_peers: int = 10,
        weights: Mapping[str, float] | None = None,
        kenmerken: Sequence[str] | None = None,
        *,
        matrix: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Every gemeente's peers among those that delivered (see :func:`all_peers`)."""
        return all_peers(self.data, n_peers, weights, kenmerken, matrix=matrix,
                         exclude=self.excluded)

    def klassiek(self, gm_code: str) -> pd.DataFrame:
        """The classic group (:func:`klassieke_groep`) without gemeenten that did not deliver."""
        code = _check_gemeente(self.data, gm_code)
        gem = self.data.info.reset_index().assign(jaar=self.data.jaar)
        kl = klassieke_groep(code, gem, self.data.jaar)
        keep = [c not in self.excluded for c in kl["gm_code"].astype(str).tolist()]
        return kl.loc[keep].reset_index(drop=True)


def peer_selection(
    jaar: int,
    verslagsoort: str,
    *,
    data: PeerData | None = None,
    levering: pd.DataFrame | None = None,
) -> PeerSelection:
    """The peer selection of one period: only gemeenten that delivered Iv3 for it.

    Args:
        jaar: Boekjaar.
        verslagsoort: ``begroting`` or ``jaarrekening``.
        data: Peer characteristics (default: :func:`load_peer_data` for ``jaar``).
        levering: Table ``iv3_levering`` (default: loaded).

    Raises:
        ParameterError: No ``iv3_levering`` rows for the period.
    """
    if levering is None:
        import analysekit

        levering = analysekit.load("iv3_levering")
    if data is None:
        data = load_peer_data(jaar)
    ok = delivered(levering, jaar, verslagsoort)
    excluded = frozenset(str(c) for c in data.z.index if c not in ok)
    return PeerSelection(data=data, jaar=int(jaar), verslagsoort=str(verslagsoort),
                         excluded=excluded)


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


def savings_potential(
    values: pd.DataFrame,
    gm_code: str,
    peer_list: pd.DataFrame | Sequence[str],
    measure: str = "netto_per_inwoner",
    inwoners: float | None = None,
    by: str = "domein",
    positie: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Benchmark savings potential: (own − peer median) × inwoners, with the IQR band.

    A positive potential means the gemeente spends more per inwoner than the median peer;
    a negative one that it spends less (no potential). The band uses the peer quartiles
    (numpy's default linear interpolation): low = (own − Q3) × inwoners, high =
    (own − Q1) × inwoners. This is a benchmark difference, not a proven saving: peers
    may differ in ways the characteristics do not capture.

    Args:
        values: Long table with gm_code, ``by``, ``measure`` (and ``inwoners`` unless given).
        gm_code: The gemeente.
        peer_list: Peer table or gm_codes.
        measure: A per-inwoner column.
        inwoners: Inwoners of the gemeente (default: from ``values``).
        by: Grouping column.
        positie: The result of :func:`position` for the same arguments, when the caller
            has it already (it is then not computed again).

    Returns:
        One row per ``by`` value: inwoners, eigen_per_inwoner, mediaan_per_inwoner,
        q1_per_inwoner, q3_per_inwoner, potentieel_per_inwoner, potentieel_eur,
        potentieel_laag_eur, potentieel_hoog_eur, iqr_per_inwoner, iqr_eur,
        n_peers_met_waarde. Schema :data:`analysekit.analysis.schemas.BESPARING`.
    """
    pos = position(values, gm_code, peer_list, measure, by) if positie is None else positie
    if inwoners is None:
        if "inwoners" not in values.columns:
            raise ParameterError("values mist kolom 'inwoners'; geef inwoners= mee")
        inw = values.loc[values["gm_code"] == str(gm_code), "inwoners"].dropna()
        if inw.empty:
            raise ParameterError(f"inwoners onbekend voor {gm_code}; geef inwoners= mee")
        inwoners = float(inw.iloc[0])
    inwoners = float(inwoners)
    out = pd.DataFrame({
        "gm_code": pos["gm_code"], by: pos[by], "inwoners": inwoners,
        "eigen_per_inwoner": pos["eigen"], "mediaan_per_inwoner": pos["peer_mediaan"],
        "q1_per_inwoner": pos["peer_q1"], "q3_per_inwoner": pos["peer_q3"],
    })
    out["potentieel_per_inwoner"] = out["eigen_per_inwoner"] - out["mediaan_per_inwoner"]
    out["potentieel_eur"] = out["potentieel_per_inwoner"] * inwoners
    out["potentieel_laag_eur"] = (out["eigen_per_inwoner"] - out["q3_per_inwoner"]) * inwoners
    out["potentieel_hoog_eur"] = (out["eigen_per_inwoner"] - out["q1_per_inwoner"]) * inwoners
    out["iqr_per_inwoner"] = out["q3_per_inwoner"] - out["q1_per_inwoner"]
    out["iqr_eur"] = out["iqr_per_inwoner"] * inwoners
    out["n_peers_met_waarde"] = pos["n_peers_met_waarde"]
    out["maat"] = measure
    return out


@dataclass(frozen=True)
class Benchmark:
    """Peers, position and savings potential of one gemeente (see :func:`benchmark`)."""

    gm_code: str
    jaar: int
    peers: pd.DataFrame
    klassiek: pd.DataFrame
    position: pd.DataFrame
    position_klassiek: pd.DataFrame
    savings: pd.DataFrame
    values: pd.DataFrame


def benchmark(
    gemeente: str,
    jaar: int,
    n_peers: int = 10,
    weights: Mapping[str, float] | None = None,
    filters: Mapping[str, object] | None = None,
    kenmerken: Sequence[str] | None = None,
    measure: str = "netto_per_inwoner",
    *,
    values: pd.DataFrame | None = None,
    data: PeerData | None = None,
    verslagsoort: str | None = None,
    levering: pd.DataFrame | None = None,
    k: int | None = None,
) -> Benchmark:
    """Peers, classic group, position and savings potential of one gemeente for ``jaar``.

    Peers and the classic group come from :func:`peer_selection` for the period: gemeenten
    without a real submission for it are never peers.

    Args:
        gemeente: gm_code or name.
        jaar: Boekjaar (the lenses) and characteristics year.
        n_peers: Number of peers.
        weights: Weight per characteristic, see :func:`peers`.
        filters: Hard filters, see :func:`apply_filters`.
        kenmerken: Characteristics to use, see :func:`peers`.
        measure: Per-inwoner column of :func:`deficits_all` to compare.
        values: Precomputed :func:`deficits_all` for ``jaar`` (default: computed).
        data: Precomputed :class:`PeerData` (default: loaded for ``jaar``).
        verslagsoort: The period's verslagsoort (default: the one of ``values``).
        levering: Table ``iv3_levering`` (default: loaded).
        k: Deprecated name of ``n_peers``.
    """
    from analysekit.analysis.deficits import deficits_all, load_inputs, resolve_gm_code

    n = _n_peers(n_peers, k)
    if not isinstance(measure, str):
        raise ParameterError(f"measure={measure!r}; verwacht: een kolomnaam")
    code = resolve_gm_code(gemeente)
    t = load_inputs() if (values is None or data is None or levering is None) else None
    if values is None:
        values = deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], jaar,
                              verslagsoort=verslagsoort, levering=t.get("iv3_levering"))
    if measure not in values.columns:
        raise ParameterError(
            f"measure {measure!r} is geen kolom van de lenzentabel; beschikbaar: "
            f"{', '.join(map(str, values.columns))}"
        )
    if verslagsoort is None:
        soorten = sorted(values["verslagsoort"].dropna().astype(str).unique())
        if len(soorten) != 1:
            raise ParameterError(f"values heeft verslagsoorten {soorten}; geef verslagsoort= mee")
        verslagsoort = soorten[0]
    if data is None:
        data = peer_data(t["kenmerken"], t["gemeenten"], peer_year(t["gemeenten"], jaar))
    if levering is None:
        levering = t.get("iv3_levering")
    sel = peer_selection(jaar, verslagsoort, data=data, levering=levering)
    p = sel.peers(code, n, weights, filters, kenmerken)
    kl = sel.klassiek(code)
    with_values = set(values["gm_code"].tolist())
    kl = kl.loc[[c in with_values for c in kl["gm_code"].tolist()]]
    pos = position(values, code, p, measure)
    return Benchmark(
        gm_code=code, jaar=jaar, peers=p, klassiek=kl,
        position=pos,
        position_klassiek=position(values, code, kl, measure) if len(kl) else pd.DataFrame(),
        savings=savings_potential(values, code, p, measure, positie=pos),
        values=values,
    )


def no_data(values: pd.DataFrame) -> set[str]:
    """gm_codes of a lens table without a real submission (``geleverd`` False).

    Peers are not chosen with this; they go through :func:`peer_selection`.
    """
    if "geleverd" not in values.columns:
        return set()
    return set(values.loc[~values["geleverd"].astype(bool), "gm_code"].astype(str))
