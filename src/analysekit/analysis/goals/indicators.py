"""Goal indicators computable from the canonical tables (:data:`INDICATORS`).

Each :class:`IndicatorDefinitie` computes a value per gemeente × jaar; a gemeentefonds
maatstaf is marked (``maatstaf=True``): it is shown, never judged. Net cost is missing
(NaN) in a year whose baten per taakveld are unknown, never the lasten alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysekit.analysis.levers import lever_candidates
from analysekit.data.levering import baten_bekend
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN

__all__ = ["EIGEN", "INDICATORS", "IndicatorDefinitie", "compute_indicator"]

#: ``definitie`` of a goal whose values the user gives under ``waarden``.
EIGEN = "eigen"


# ---------------------------------------------------------------------------
# Indicator registry
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDefinitie:
    """A computable indicator.

    Attributes:
        naam: Key used as ``definitie`` in a goals file.
        omschrijving: Dutch definition shown to readers.
        eenheid: Unit.
        bereken: Function ``(iv3, gemeenten, kenmerken, verslagsoort) -> DataFrame``
            with gm_code, jaar, waarde.
        maatstaf: True when the values are a gemeentefonds maatstaf, not a measurement
            (shown as such, never given a status).
    """

    naam: str
    omschrijving: str
    eenheid: str
    bereken: Callable[..., pd.DataFrame]
    maatstaf: bool = False


def _need(table: pd.DataFrame | None, name: str, definitie: str) -> pd.DataFrame:
    if table is None:
        raise ParameterError(
            f"indicator '{definitie}' heeft de tabel '{name}' nodig; geef {name}= mee"
        )
    return table


def _net_cost(iv3: pd.DataFrame, domeinen: Sequence[str], verslagsoort: str) -> pd.DataFrame:
    """Net lasten per gemeente × jaar; NaN where the baten per taakveld are not known.

    The multi-year Iv3 source has lasten only (``baten_bekend`` False): missing is not
    zero, so such a year has no net cost (it would otherwise be the lasten).
    """
    d = iv3.loc[(iv3["verslagsoort"] == verslagsoort) & iv3["domein"].isin(list(domeinen))]
    out = (
        d.assign(netto=d["lasten_eur"].astype(float) - d["baten_eur"].astype(float).fillna(0.0))
        .groupby(["gm_code", "jaar"], as_index=False)
        .agg(netto=("netto", "sum"))
    )
    bekend = baten_bekend(d).droplevel("verslagsoort")
    keys = pd.MultiIndex.from_frame(out[["gm_code", "jaar"]])
    out["netto"] = out["netto"].where(bekend.reindex(keys, fill_value=True).to_numpy())
    out["jaar"] = out["jaar"].astype(int)
    return out


def _kenmerk(
    kenmerken: pd.DataFrame, naam: str, target: pd.DataFrame, max_gap: int = 2
) -> pd.Series:
    """Value of a kenmerk for each (gm_code, jaar) of ``target``, nearest year within max_gap."""
    kk = kenmerken.loc[kenmerken["kenmerk"] == naam, ["gm_code", "jaar", "waarde"]]
    if kk.empty:
        raise DataError(f"kenmerken: kenmerk '{naam}' ontbreekt; nodig voor deze indicator")
    kk = kk.astype({"jaar": int})
    avail = np.sort(kk["jaar"].unique())
    mapping = {}
    for y in target["jaar"].unique():
        diffs = np.abs(avail - y) + (avail > y) * 0.5
        j = int(np.argmin(diffs))
        if abs(int(avail[j]) - int(y)) <= max_gap:
            mapping[int(y)] = int(avail[j])
    t = target[["gm_code", "jaar"]].copy()
    t["_kjaar"] = t["jaar"].map(mapping)
    merged = t.merge(kk.rename(columns={"jaar": "_kjaar"}), on=["gm_code", "_kjaar"], how="left")
    return merged["waarde"].astype(float).set_axis(target.index)


def _inwoners(gemeenten: pd.DataFrame, target: pd.DataFrame) -> pd.Series:
    g = gemeenten[["gm_code", "jaar", "inwoners"]].astype({"jaar": int})
    merged = target[["gm_code", "jaar"]].merge(g, on=["gm_code", "jaar"], how="left")
    return merged["inwoners"].astype(float).set_axis(target.index)


def _per_inwoner(domeinen: Sequence[str]) -> Callable[..., pd.DataFrame]:
    def bereken(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
        net = _net_cost(_need(iv3, "iv3", "netto_kosten"), domeinen, verslagsoort)
        inw = _inwoners(_need(gemeenten, "gemeenten", "netto_kosten"), net)
        net["waarde"] = net["netto"] / inw.where(inw > 0)
        return net[["gm_code", "jaar", "waarde"]]

    return bereken


def _jeugd_per_jongere(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
    net = _net_cost(_need(iv3, "iv3", "netto_kosten_jeugd_per_jongere"), ["Jeugd"], verslagsoort)
    jong = _kenmerk(
        _need(kenmerken, "kenmerken", "netto_kosten_jeugd_per_jongere"), "jongeren", net
    )
    net["waarde"] = net["netto"] / jong.where(jong > 0)
    return net[["gm_code", "jaar", "waarde"]]


def _bijstand_per_1000(iv3=None, gemeenten=None, kenmerken=None, **_):
    ken = _need(kenmerken, "kenmerken", "bijstand_per_1000")
    kk = ken.loc[ken["kenmerk"] == "bijstandsontvangers", ["gm_code", "jaar", "waarde"]]
    if kk.empty:
        raise DataError(
            "kenmerken: kenmerk 'bijstandsontvangers' ontbreekt; nodig voor bijstand_per_1000"
        )
    kk = kk.astype({"jaar": int}).reset_index(drop=True)
    inw = _inwoners(_need(gemeenten, "gemeenten", "bijstand_per_1000"), kk)
    kk["waarde"] = kk["waarde"].astype(float) / inw.where(inw > 0) * 1000.0
    return kk[["gm_code", "jaar", "waarde"]]


def _lever(col: str) -> Callable[..., pd.DataFrame]:
    def bereken(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
        lc = lever_candidates(_need(iv3, "iv3", col), gemeenten, verslagsoort=verslagsoort)
        return lc[["gm_code", "jaar", col]].rename(columns={col: "waarde"})

    return bereken


INDICATORS: dict[str, IndicatorDefinitie] = {
    "netto_kosten_jeugd_per_jongere": IndicatorDefinitie(
        "netto_kosten_jeugd_per_jongere",
        "netto lasten domein Jeugd (lasten - baten) per jongere (kenmerk 'jongeren', "
        "gemeentefondsmaatstaf 0-17 jaar)",
        "EUR per jongere",
        _jeugd_per_jongere,
    ),
    "netto_kosten_wmo_per_inwoner": IndicatorDefinitie(
        "netto_kosten_wmo_per_inwoner",
        "netto lasten domein Wmo per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Wmo"]),
    ),
    "netto_kosten_participatie_per_inwoner": IndicatorDefinitie(
        "netto_kosten_participatie_per_inwoner",
        "netto lasten domein Participatie per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Participatie"]),
    ),
    "netto_kosten_basisvoorzieningen_per_inwoner": IndicatorDefinitie(
        "netto_kosten_basisvoorzieningen_per_inwoner",
        "netto lasten domein Sociale basisvoorzieningen per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Sociale basisvoorzieningen"]),
    ),
    "netto_kosten_sociaal_domein_per_inwoner": IndicatorDefinitie(
        "netto_kosten_sociaal_domein_per_inwoner",
        "netto lasten sociaal domein (Sociale basisvoorzieningen, Wmo, Jeugd, Participatie) "
        "per inwoner",
        "EUR per inwoner",
        _per_inwoner(list(DOMEINEN)),
    ),
    "bijstand_per_1000": IndicatorDefinitie(
        "bijstand_per_1000",
        "bijstandsontvangers volgens de maatstaf van het gemeentefonds (een gemiddelde over "
        "drie jaar, kenmerk 'bijstandsontvangers') per 1.000 inwoners; een verdeelgegeven, "
        "geen meting",
        "per 1.000 inwoners",
        _bijstand_per_1000,
        maatstaf=True,
    ),
    "aandeel_voorliggend": IndicatorDefinitie(
        "aandeel_voorliggend",
        "lasten taakvelden 6.1 en 6.2 (wijkteams) als aandeel van de lasten sociaal domein",
        "aandeel (0-1)",
        _lever("aandeel_voorliggend"),
    ),
    "aandeel_salaris_toegang": IndicatorDefinitie(
        "aandeel_salaris_toegang",
        "salarissen als aandeel van de lasten van taakveld 6.2 (wijkteams in eigen dienst)",
        "aandeel (0-1)",
        _lever("aandeel_salaris_toegang"),
    ),
}
"""Indicators computable from the canonical tables, by ``definitie`` key."""


def compute_indicator(
    definitie: str,
    *,
    iv3: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    kenmerken: pd.DataFrame | None = None,
    verslagsoort: str = "jaarrekening",
    gm_code: str | None = None,
) -> pd.DataFrame:
    """Compute a registered indicator for all (or one) gemeente(n) and all years.

    Args:
        definitie: Key in :data:`INDICATORS`.
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table.
        kenmerken: Canonical kenmerken table.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        gm_code: Keep only this gemeente.

    Returns:
        Frame gm_code, jaar, waarde.

    Raises:
        ParameterError: Unknown definitie or a required table missing.
    """
    if definitie not in INDICATORS:
        raise ParameterError(
            f"indicator '{definitie}' is onbekend; kies uit {', '.join(INDICATORS)} of '{EIGEN}'"
        )
    out = INDICATORS[definitie].bereken(
        iv3=iv3, gemeenten=gemeenten, kenmerken=kenmerken, verslagsoort=verslagsoort
    )
    if gm_code is not None:
        out = out.loc[out["gm_code"] == gm_code]
    return out.dropna(subset=["waarde"]).sort_values(["gm_code", "jaar"]).reset_index(drop=True)


