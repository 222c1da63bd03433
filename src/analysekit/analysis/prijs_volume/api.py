"""One gemeente's split against its peers, straight from the canonical tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysekit.analysis.prijs_volume.common import MIN_CLIENTEN, check_verslagsoort
from analysekit.analysis.prijs_volume.kosten import levering_uit_iv3
from analysekit.analysis.prijs_volume.ontleding import decompose_vs_peers, prijs_volume_all
from analysekit.analysis.prijs_volume.tekst import kanttekening, zinnen
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import is_gm_code

# --------------------------------------------------------------------------- convenience


def levering_tabel(iv3: pd.DataFrame) -> pd.DataFrame:
    """Table ``iv3_levering`` when the data layer has it, else :func:`levering_uit_iv3`.

    Args:
        iv3: Table ``iv3`` (used only when ``iv3_levering`` cannot be loaded).
    """
    import analysekit

    try:
        return analysekit.load("iv3_levering")
    except (ParameterError, DataError, FileNotFoundError):
        return levering_uit_iv3(iv3)


def prijs_volume(
    gemeente: str,
    jaar: int | None = None,
    *,
    verslagsoort: str = "jaarrekening",
    k: int = 10,
    peer_list: pd.DataFrame | Sequence[str] | None = None,
    methode: str = "shift_share",
    min_clienten: int = MIN_CLIENTEN,
) -> pd.DataFrame:
    """Prijs × volume split of one gemeente against its peers, from the canonical tables.

    Args:
        gemeente: gm_code or name.
        jaar: Cost year (default: the newest year of ``verslagsoort`` in iv3).
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        k: Number of peers, when ``peer_list`` is None (chosen by
            :func:`analysekit.analysis.peers.peer_selection` for the period).
        peer_list: Own peers (``peers()`` output or gm_codes).
        methode: ``shift_share`` or ``kitagawa``.
        min_clienten: Small-numbers threshold.

    Returns:
        :func:`decompose_vs_peers` rows of that gemeente (one per domein); ``attrs`` has
        ``zinnen`` (the Dutch sentences) and ``kanttekeningen``.
    """
    import analysekit
    from analysekit.analysis import peers as P
    from analysekit.analysis.deficits import resolve_gm_code

    code = gemeente if is_gm_code(gemeente) else resolve_gm_code(str(gemeente))
    iv3 = analysekit.load("iv3")
    ken = analysekit.load("kenmerken")
    gem = analysekit.load("gemeenten")
    verslagsoort = check_verslagsoort(verslagsoort)
    if jaar is None:
        jaar = int(iv3.loc[iv3["verslagsoort"] == verslagsoort, "jaar"].max())
    lev = levering_tabel(iv3)
    pv = prijs_volume_all(iv3, ken, gem, jaar, verslagsoort=verslagsoort,
                          levering=lev, min_clienten=min_clienten)
    if peer_list is None:  # the period's peer selection: only gemeenten that delivered
        data = P.peer_data(ken, gem, P.peer_year(gem, int(jaar)))
        sel = P.peer_selection(int(jaar), verslagsoort, data=data, levering=lev)
        peer_list = sel.peers(code, k)
    out = decompose_vs_peers(pv, peer_list, gm_code=code, methode=methode)
    out.attrs["zinnen"] = zinnen(out, code)
    out.attrs["kanttekeningen"] = {d: kanttekening(d) for d in out["domein"]}
    return out
