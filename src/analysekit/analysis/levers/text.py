"""Dutch words of the lever analyses: labels, claims and number formats (through :mod:`nl`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from analysekit import nl

#: Lever candidates, in Dutch.
LEVER_LABELS: Mapping[str, str] = {
    "aandeel_voorliggend": "aandeel voorliggend veld (6.1 + 6.2) in de lasten",
    "voorliggend_vs_maatwerk": "voorliggend veld t.o.v. voorliggend + maatwerk",
    "aandeel_salaris_toegang": "salarisaandeel in de toegang (wijkteams in eigen dienst)",
    "aandeel_salaris_sociaal_domein": "salarisaandeel in het sociaal domein",
    "aandeel_jeugd_verblijf": "aandeel jeugdhulp met verblijf",
    "aandeel_pgb": "aandeel pgb in maatwerk",
    "voorliggend_per_inwoner": "lasten voorliggend veld per inwoner (€)",
    "aandeel_voorliggend_vorig_jaar": "aandeel voorliggend veld vorig jaar",
    "aandeel_voorliggend_volgend_jaar": "aandeel voorliggend veld volgend jaar (placebo)",
    "voorliggend_per_inwoner_vorig_jaar": "lasten voorliggend veld per inwoner vorig jaar (€)",
    "herindeling": "herindeling",
    "gemiddeld_na_invoering": "gemiddeld effect na invoering",
}

#: Regression controls (columns of :func:`regression_frame`), in Dutch, with their unit.
CONTROL_LABELS: Mapping[str, str] = {
    "jongeren_per_inwoner": "jongeren per inwoner",
    "inwoners_75_plus_drempel_per_inwoner": "inwoners 75+ (boven drempel) per inwoner",
    "lage_inkomens_huishoudens_per_inwoner": "huishoudens met laag inkomen per inwoner",
    "bijstandsontvangers_per_inwoner": "bijstandsontvangers per inwoner",
    "eenpersoonshuishoudens_per_inwoner": "eenpersoonshuishoudens per inwoner",
    "adressendichtheid_per_woonruimte": (
        "omgevingsadressendichtheid, gewogen naar woonruimten (duizend adressen per km²)"
    ),
}

CLAIMS: Mapping[str, str] = {
    "doorsnede": (
        "Samenhang, geen causaal effect: gemeenten met een hogere waarde van de hefboom "
        "hebben bij gelijke objectieve behoefte (maatstaven) gemiddeld deze hogere of lagere "
        "kosten. Omgekeerde causaliteit en niet-gemeten verschillen tussen gemeenten kunnen "
        "de samenhang verklaren."
    ),
    "panel": (
        "Samenhang binnen gemeenten: binnen dezelfde gemeente en na correctie voor landelijke "
        "jaarschokken gaat een verandering van de hefboom samen met deze verandering in "
        "kosten. Dat is alleen een causaal effect als er geen in de tijd veranderende "
        "verschillen tussen gemeenten zijn die zowel de hefboom als de kosten sturen, en de "
        "kosten de hefboom niet terug beïnvloeden."
    ),
    "event-study": (
        "Effect onder de aanname van parallelle trends: zonder invoering hadden de invoerende "
        "gemeenten dezelfde kostenontwikkeling gehad als de gemeenten die de hefboom nooit "
        "invoerden, en er is geen anticipatie. De pre-trendtoets controleert die aanname "
        "maar bewijst haar niet."
    ),
}
CLAIM_SHORT = {"doorsnede": "samenhang", "panel": "samenhang binnen gemeenten",
               "event-study": "effect bij parallelle trends"}
DESIGN_NL = {"doorsnede": "doorsnede", "panel": "panel (vaste effecten)",
             "event-study": "event study"}
METHOD_NL = {"twfe": "TWFE", "stacked": "gestapeld", "sunab": "Sun–Abraham"}


def label(name: Any) -> str:
    """A lever, control or term for a reader (its Dutch label, else spaces for ``_``)."""
    text = str(name)
    return LEVER_LABELS.get(text) or CONTROL_LABELS.get(text) or text.replace("_", " ")


#: Outcome columns of the lever fits, in Dutch with their unit.
OUTCOME_LABELS: Mapping[str, str] = {
    "netto_per_inwoner": "netto lasten per inwoner (€)",
    "lasten_per_inwoner": "lasten (bruto) per inwoner (€)",
    "netto_per_inwoner_excl_voorliggend": "netto lasten per inwoner zonder voorliggend veld (€)",
    "lasten_per_inwoner_excl_voorliggend": "lasten (bruto) per inwoner zonder voorliggend "
                                           "veld (€)",
    "maatwerk_per_inwoner": "lasten maatwerk + geëscaleerde zorg per inwoner (€)",
}


def outcome_nl(outcome: str) -> str:
    """Outcome column as a Dutch label with unit (``netto_per_inwoner`` → netto lasten …)."""
    return OUTCOME_LABELS.get(outcome, label(outcome))


def p_text(p: float | None) -> str:
    """A p-value in Dutch: ``< 0,001``, ``0,042``; ``n.v.t.`` when missing."""
    if not nl.finite(p):
        return "n.v.t."
    return "< 0,001" if float(p) < 0.001 else nl.getal(p, 3)


def p_is(p: float | None) -> str:
    """``p = 0,042`` or ``p < 0,001`` (for sentences)."""
    text = p_text(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def sig(x: float, digits: int = 3) -> str:
    """A statistic with ``digits`` significant digits, Dutch notation (:func:`nl.getal`)."""
    if not nl.finite(x) or float(x) == 0:
        return nl.getal(x)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(float(x)))))
    return nl.getal(x, decimals)


def signed(x: float, decimals: int) -> str:
    """A number with its sign (``+1,2``, ``−0,4``)."""
    return ("+" if nl.finite(x) and float(x) > 0 else "") + nl.getal(x, decimals)


def names_of(frames: Iterable[Any], entity: str, codes: Iterable[str]) -> list[str]:
    """Gemeente names for gm_codes from the first frame with a ``naam`` column (else codes)."""
    codes = [str(c) for c in codes]
    for frame in frames:
        if frame is not None and "naam" in getattr(frame, "columns", ()) and entity in frame:
            look = frame.drop_duplicates(entity).set_index(entity)["naam"]
            return [str(look[c]) if c in look.index and isinstance(look[c], str) else c
                    for c in codes]
    return codes
