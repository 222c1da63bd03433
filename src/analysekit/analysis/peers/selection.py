"""One peer selection per period: only gemeenten that delivered Iv3 for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysekit.analysis.peers.data import PeerData, load_peer_data
from analysekit.analysis.peers.distance import all_peers, check_gemeente, klassieke_groep, peers
from analysekit.errors import DataError, ParameterError

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
        code = check_gemeente(self.data, gm_code)
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
        code = check_gemeente(self.data, gm_code)
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
