"""Peer characteristics: which kenmerken, standardised per year (:class:`PeerData`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysekit.errors import DataError, ParameterError


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
ROUND_DECIMALS = 9


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
