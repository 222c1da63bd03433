"""Savings potential against the peers, and :func:`benchmark` (all of it for one gemeente)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysekit.analysis.peers.data import PeerData, peer_data, peer_year
from analysekit.analysis.peers.distance import check_n_peers
from analysekit.analysis.peers.position import position
from analysekit.analysis.peers.selection import peer_selection
from analysekit.errors import ParameterError


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

    n = check_n_peers(n_peers, k)
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
