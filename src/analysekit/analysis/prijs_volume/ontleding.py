"""Volume × price per gemeente and the Kitagawa / shift-share decomposition."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysekit.analysis.prijs_volume.common import (
    MIN_CLIENTEN,
    MIN_PEERS,
    PV_COLUMNS,
    STATUS_GEEN_BATEN,
    STATUS_GEEN_GEGEVENS,
    STATUS_GEEN_TELLING,
    STATUS_OK,
    ClientBron,
    check_columns,
    check_int,
    check_methode,
)
from analysekit.analysis.prijs_volume.kosten import netto_per_domein
from analysekit.analysis.prijs_volume.telling import clienten
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, is_gm_code

# --------------------------------------------------------------------------- prijs × volume


def prijs_volume_all(
    iv3: pd.DataFrame,
    kenmerken: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    *,
    verslagsoort: str = "jaarrekening",
    levering: pd.DataFrame | None = None,
    min_clienten: int = MIN_CLIENTEN,
    bronnen: dict[str, tuple[ClientBron, ...]] | None = None,
) -> pd.DataFrame:
    """Net cost per inwoner = volume × price / 1000, per gemeente × domein, all gemeenten.

    Args:
        iv3: Table ``iv3``.
        kenmerken: Table ``kenmerken``.
        gemeenten: Table ``gemeenten``.
        jaar: Cost year.
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        levering: Table ``iv3_levering`` (default: derived from iv3).
        min_clienten: Small-numbers threshold (see :func:`clienten`).
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        Columns :data:`PV_COLUMNS`: netto_per_inwoner (€), volume (clients per 1,000),
        prijs (€ per client = 1000 × netto_per_inwoner / volume), clienten (persons),
        clienten_jaar, jaar_afwijkend, clienten_kenmerk, clienten_bron and status
        (``ok``, ``geen gegevens``, ``geen baten per taakveld``, ``geen cliëntentelling``,
        ``klein aantal``).
    """
    cost = netto_per_domein(iv3, gemeenten, jaar, verslagsoort, levering=levering)
    cl = clienten(kenmerken, gemeenten, jaar, min_clienten=min_clienten, bronnen=bronnen)
    out = cost.merge(cl, on=["gm_code", "domein"], how="left")
    out["status_clienten"] = out["status_clienten"].fillna(STATUS_GEEN_TELLING)
    out["jaar_afwijkend"] = out["jaar_afwijkend"].fillna(False).astype(bool)
    out["status"] = np.where(~out["geleverd"].to_numpy(), STATUS_GEEN_GEGEVENS,
                             np.where(~out["baten_bekend"].to_numpy(dtype=bool),
                                      STATUS_GEEN_BATEN, out["status_clienten"].to_numpy()))
    vol = out["volume"].to_numpy(dtype="float64")
    y = out["netto_per_inwoner"].to_numpy(dtype="float64")
    out["prijs"] = 1000.0 * y / np.where(vol > 0, vol, np.nan)
    out.loc[out["status"] != STATUS_OK, "prijs"] = np.nan
    return out[PV_COLUMNS]


def decompose(
    y_a: np.ndarray, v_a: np.ndarray, p_a: np.ndarray,
    y_b: np.ndarray, v_b: np.ndarray, p_b: np.ndarray,
    methode: str = "shift_share",
) -> dict[str, np.ndarray]:
    """Split ``y_a − y_b`` into volume, price and interaction (vectorised).

    ``y = v × p / 1000``. Shift-share (default): volume = (v_a − v_b)·p_b/1000, price =
    v_b·(p_a − p_b)/1000, interaction = (v_a − v_b)(p_a − p_b)/1000. Kitagawa (symmetric):
    volume = (v_a − v_b)(p_a + p_b)/2000, price = (p_a − p_b)(v_a + v_b)/2000,
    interaction = 0. In both, volume + price + interaction = v_a·p_a/1000 − v_b·p_b/1000.

    Args:
        y_a: Net cost per inwoner of the gemeente (€).
        v_a: Its volume (clients per 1,000 inwoners).
        p_a: Its price (€ per client).
        y_b: Net cost per inwoner of the reference.
        v_b: Volume of the reference.
        p_b: Price of the reference.
        methode: ``shift_share`` or ``kitagawa``.

    Returns:
        Dict of arrays: verschil (y_a − y_b), volume_deel, prijs_deel, interactie.
    """
    methode = check_methode(methode)
    arrs = [np.asarray(a, dtype="float64") for a in (y_a, v_a, p_a, y_b, v_b, p_b)]
    y_a, v_a, p_a, y_b, v_b, p_b = arrs
    dv, dp = v_a - v_b, p_a - p_b
    if methode == "shift_share":
        vol, prijs, inter = dv * p_b / 1000.0, v_b * dp / 1000.0, dv * dp / 1000.0
    else:
        vol = dv * (p_a + p_b) / 2000.0
        prijs = dp * (v_a + v_b) / 2000.0
        inter = np.where(np.isfinite(vol + prijs), 0.0, np.nan)
    return {"verschil": y_a - y_b, "volume_deel": vol, "prijs_deel": prijs,
            "interactie": inter}


def peer_tabel(peer_list: pd.DataFrame | Sequence[str], gm_code: str | None = None
               ) -> pd.DataFrame:
    """Normalise peers to a long table gm_code, peer_gm_code.

    Args:
        peer_list: :func:`analysekit.analysis.peers.all_peers` output (gm_code,
            peer_gm_code), :func:`~analysekit.analysis.peers.peers` output (peer codes in
            column gm_code, the gemeente in ``attrs["gm_code"]``) or a list of gm_codes.
        gm_code: The gemeente the peers belong to (needed for a list; overrides attrs).

    Returns:
        DataFrame gm_code, peer_gm_code (the gemeente itself left out).
    """
    if isinstance(peer_list, pd.DataFrame) and "peer_gm_code" in peer_list.columns:
        out = peer_list[["gm_code", "peer_gm_code"]].astype(str)
    else:
        owner = gm_code or (peer_list.attrs.get("gm_code")
                            if isinstance(peer_list, pd.DataFrame) else None)
        if owner is None:
            raise ParameterError("peer_list is een gewone lijst peers; geef ook gm_code= mee")
        codes = (peer_list["gm_code"].astype(str).tolist()
                 if isinstance(peer_list, pd.DataFrame) else [str(c) for c in peer_list])
        out = pd.DataFrame({"gm_code": str(owner), "peer_gm_code": codes})
    bad = [c for c in pd.unique(out[["gm_code", "peer_gm_code"]].to_numpy().ravel())
           if not is_gm_code(c)]
    if bad:
        raise ParameterError(f"peer_list bevat {bad[:3]}; verwacht: gm_codes zoals GM0855")
    return out.loc[out["gm_code"] != out["peer_gm_code"]].reset_index(drop=True)


def decompose_vs_peers(
    pv: pd.DataFrame,
    peer_list: pd.DataFrame | Sequence[str],
    *,
    gm_code: str | None = None,
    methode: str = "shift_share",
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Decompose each gemeente's difference from its peer median, all gemeenten at once.

    Args:
        pv: :func:`prijs_volume_all` output (one year, one verslagsoort).
        peer_list: Peers, see :func:`peer_tabel` (all gemeenten: ``all_peers`` output).
        gm_code: The gemeente when ``peer_list`` is a plain list.
        methode: ``shift_share`` (default, with interaction) or ``kitagawa``.
        min_peers: Fewest peers with both figures for a reference (else NaN).

    Returns:
        One row per gemeente of the peer table × domein: gm_code, naam, jaar,
        verslagsoort, domein, netto_per_inwoner, volume, prijs, clienten, clienten_jaar,
        jaar_afwijkend, clienten_kenmerk, clienten_bron, ref_netto_per_inwoner,
        ref_volume, ref_prijs, prijs_mediaan_peers, n_peers, verschil, volume_deel,
        prijs_deel, interactie, methode, referentie (``peers``), status. NaN parts where
        the gemeente or the reference has no figures (status says why).
    """
    check_columns(pv, "prijs_volume", PV_COLUMNS)
    methode = check_methode(methode)
    min_peers = check_int(min_peers, "min_peers", 1)
    if pv["jaar"].nunique() > 1 or pv["verslagsoort"].nunique() > 1:
        raise ParameterError("pv bevat meerdere jaren of verslagsoorten; geef er van elk één")
    pt = peer_tabel(peer_list, gm_code)
    ok = pv.loc[pv["status"] == STATUS_OK, ["gm_code", "domein", "netto_per_inwoner",
                                            "volume", "prijs"]]
    m = pt.merge(ok.rename(columns={"gm_code": "peer_gm_code"}), on="peer_gm_code")
    g = m.groupby(["gm_code", "domein"], sort=False)
    ref = pd.DataFrame({
        "ref_netto_per_inwoner": g["netto_per_inwoner"].median(),
        "ref_volume": g["volume"].median(),
        "prijs_mediaan_peers": g["prijs"].median(),
        "n_peers": g["volume"].size(),
    })
    owners = pd.Index(pt["gm_code"].unique(), name="gm_code")
    own = pv.loc[pv["gm_code"].isin(owners)]
    out = own.join(ref, on=["gm_code", "domein"])
    out["n_peers"] = out["n_peers"].fillna(0).astype(int)
    few = out["n_peers"].to_numpy() < min_peers
    out.loc[few, ["ref_netto_per_inwoner", "ref_volume", "prijs_mediaan_peers"]] = np.nan
    rv = out["ref_volume"].to_numpy(dtype="float64")
    out["ref_prijs"] = 1000.0 * out["ref_netto_per_inwoner"].to_numpy() / np.where(
        rv > 0, rv, np.nan)
    parts = _add_parts(out, methode)
    status = out["status"].to_numpy(dtype=object).copy()
    status[(status == STATUS_OK) & few] = f"minder dan {min_peers} peers met gegevens"
    out["status"] = status
    out.loc[out["status"] != STATUS_OK, parts] = np.nan
    out["methode"] = methode
    out["referentie"] = "peers"
    return _finish(out)


_OUT_COLS = [
    "gm_code", "naam", "jaar", "verslagsoort", "domein", "netto_per_inwoner", "volume",
    "prijs", "clienten", "clienten_jaar", "jaar_afwijkend", "clienten_kenmerk",
    "clienten_bron", "referentie", "ref_jaar", "ref_clienten_jaar", "ref_netto_per_inwoner",
    "ref_volume", "ref_prijs", "prijs_mediaan_peers", "n_peers", "verschil", "volume_deel",
    "prijs_deel", "interactie", "methode", "status",
]


def _add_parts(out: pd.DataFrame, methode: str) -> list[str]:
    """Add the :func:`decompose` parts of each row against its ``ref_*`` columns; their names."""
    parts = decompose(out["netto_per_inwoner"], out["volume"], out["prijs"],
                      out["ref_netto_per_inwoner"], out["ref_volume"], out["ref_prijs"],
                      methode)
    for name, arr in parts.items():
        out[name] = arr
    return list(parts)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    for c in _OUT_COLS:
        if c not in out.columns:
            out[c] = pd.NA if c in ("ref_jaar", "ref_clienten_jaar") else np.nan
    out["ref_jaar"] = out["ref_jaar"].astype("Int64")
    out["ref_clienten_jaar"] = out["ref_clienten_jaar"].astype("Int64")
    order = {d: i for i, d in enumerate(DOMEINEN)}
    out = out.assign(_o=out["domein"].map(order)).sort_values(["gm_code", "_o"], kind="stable")
    return out[_OUT_COLS].reset_index(drop=True)


def decompose_vs_jaar(
    pv: pd.DataFrame,
    pv_eerder: pd.DataFrame,
    *,
    methode: str = "shift_share",
) -> pd.DataFrame:
    """Decompose each gemeente's change from an earlier cost year (same verslagsoort).

    A change is decomposed only where both years have their own client count (different
    client years): with one count for both, volume cannot change and the whole change would
    wrongly be called price. Such rows get NaN parts and a status that says so.

    Args:
        pv: :func:`prijs_volume_all` of the later year.
        pv_eerder: :func:`prijs_volume_all` of the earlier year, same verslagsoort.
        methode: ``shift_share`` or ``kitagawa``.

    Returns:
        The columns of :func:`decompose_vs_peers` with referentie ``eerder jaar``,
        ref_jaar and ref_clienten_jaar.
    """
    check_columns(pv, "prijs_volume", PV_COLUMNS)
    check_columns(pv_eerder, "prijs_volume (eerder jaar)", PV_COLUMNS)
    methode = check_methode(methode)
    for frame, what in ((pv, "pv"), (pv_eerder, "pv_eerder")):
        if frame["jaar"].nunique() != 1 or frame["verslagsoort"].nunique() != 1:
            raise ParameterError(
                f"{what} bevat meer dan één jaar of verslagsoort; verwacht: één van elk"
            )
    j1, j0 = int(pv["jaar"].iloc[0]), int(pv_eerder["jaar"].iloc[0])
    if j0 >= j1:
        raise ParameterError(f"pv_eerder (jaar {j0}) ligt niet vóór pv (jaar {j1}); verwacht: een "
                             "eerder jaar")
    if pv["verslagsoort"].iloc[0] != pv_eerder["verslagsoort"].iloc[0]:
        raise ParameterError("pv en pv_eerder verschillen in verslagsoort; vergelijk dezelfde "
                             "verslagsoort")
    ref = pv_eerder.set_index(["gm_code", "domein"])
    ref = ref[["netto_per_inwoner", "volume", "prijs", "clienten_jaar", "status"]].rename(
        columns={"netto_per_inwoner": "ref_netto_per_inwoner", "volume": "ref_volume",
                 "prijs": "ref_prijs", "clienten_jaar": "ref_clienten_jaar",
                 "status": "_ref_status"})
    out = pv.join(ref, on=["gm_code", "domein"])
    out["ref_jaar"] = j0
    parts = _add_parts(out, methode)
    status = out["status"].to_numpy(dtype=object).copy()
    ref_status = out["_ref_status"].fillna(STATUS_GEEN_GEGEVENS).to_numpy(dtype=object)
    bad_ref = (status == STATUS_OK) & (ref_status != STATUS_OK)
    status[bad_ref] = [f"{j0}: {s}" for s in ref_status[bad_ref]]
    same = (status == STATUS_OK) & (
        out["clienten_jaar"].astype("Int64") == out["ref_clienten_jaar"].astype("Int64")
    ).fillna(False).to_numpy(dtype=bool)
    status[same] = "zelfde cliëntenjaar in beide jaren: volume niet te vergelijken"
    out["status"] = status
    out.loc[out["status"] != STATUS_OK, parts] = np.nan
    out["methode"] = methode
    out["referentie"] = "eerder jaar"
    out["n_peers"] = 0
    return _finish(out.drop(columns="_ref_status"))
