"""Dutch sentences, source labels and caveats of the split."""

from __future__ import annotations

import re

import pandas as pd

from analysekit import nl
from analysekit.analysis.prijs_volume.common import (
    CLIENT_WOORDEN,
    MIN_CLIENTEN,
    STATUS_GEEN_BATEN,
    STATUS_GEEN_GEGEVENS,
    STATUS_GEEN_TELLING,
    STATUS_KLEIN,
    STATUS_OK,
)
from analysekit.errors import ParameterError, UnknownGemeente

# Domein → ((volume more, volume less), (price higher, price lower)) for the sentences.
_ZINDELEN: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "Wmo": (("meer inwoners een Wmo-voorziening hebben",
             "minder inwoners een Wmo-voorziening hebben"),
            ("de Wmo per cliënt duurder is", "de Wmo per cliënt goedkoper is")),
    "Jeugd": (("meer jongeren jeugdzorg krijgen", "minder jongeren jeugdzorg krijgen"),
              ("jeugdzorg per jongere duurder is", "jeugdzorg per jongere goedkoper is")),
    "Participatie": (("meer inwoners bijstand ontvangen", "minder inwoners bijstand ontvangen"),
                     ("de netto kosten per bijstandsontvanger hoger zijn",
                      "de netto kosten per bijstandsontvanger lager zijn")),
}

# --------------------------------------------------------------------------- text


def _deel(x: float, words: tuple[str, str]) -> str:
    more = x >= 0
    bedrag = "minder dan € 1" if abs(x) < 0.5 else nl.eur(abs(x))
    return f"{bedrag} {'meer' if more else 'minder'} doordat {words[0 if more else 1]}"


#: KWB editions (CBS Kerncijfers wijken en buurten) by table id, for :func:`bron_label`.
KWB_EDITIES = {"85039NED": 2021, "84799NED": 2020, "83765NED": 2017}
_CIRCULAIRES = {"S": "septembercirculaire", "M": "meicirculaire", "D": "decembercirculaire"}


def bron_label(bron: object) -> str:
    """The source of a client count in words a report reader knows.

    ``85039NED`` → ``CBS Kerncijfers wijken en buurten 2021, tabel 85039NED``;
    ``gf:S2024_2024`` → ``BZK, maatstaf gemeentefonds, septembercirculaire 2024,
    uitkeringsjaar 2024``;
    anything else is returned as is.
    """
    b = str(bron or "")
    m = re.fullmatch(r"gf:([SMD])(\d{4})_(\d{4})", b)
    if m:
        return (f"BZK, maatstaf gemeentefonds, {_CIRCULAIRES[m.group(1)]} {m.group(2)}, "
                f"uitkeringsjaar {m.group(3)}")
    if b.upper() in KWB_EDITIES:
        return f"CBS Kerncijfers wijken en buurten {KWB_EDITIES[b.upper()]}, tabel {b}"
    return b


def _geen_zin(r: dict, naam: str) -> str:
    """The plain sentence for a domein without a split: why, never a 0."""
    dom, vs, jaar = str(r["domein"]), r["verslagsoort"], int(r["jaar"])
    reden = str(r.get("status") or nl.GEEN_GEGEVENS)
    wat = CLIENT_WOORDEN[dom][0]
    if reden == STATUS_GEEN_GEGEVENS:
        uitleg = (f"er zijn geen gegevens: {naam} heeft over de {vs} {jaar} geen Iv3-cijfers "
                  "aan het CBS geleverd")
    elif reden == STATUS_GEEN_BATEN:
        uitleg = (f"voor de {vs} {jaar} staan alleen lasten per taakveld in de gegevens, geen "
                  "baten: de netto lasten zijn niet te berekenen")
    elif reden == STATUS_GEEN_TELLING:
        uitleg = f"er zijn geen gegevens over het aantal {wat} ({reden})"
    elif reden == STATUS_KLEIN:
        uitleg = (f"het aantal {wat} is kleiner dan {MIN_CLIENTEN} en wordt niet getoond "
                  f"({reden})")
    elif reden.startswith("minder dan") and "peers" in reden:
        uitleg = "er zijn " + reden.replace("peers", "vergelijkbare gemeenten")
    else:
        uitleg = reden
    return f"{dom} ({vs} {jaar}): geen splitsing in prijs en volume voor {naam}, want {uitleg}."


def zin(row: pd.Series | dict, naam: str | None = None) -> str:
    """One Dutch sentence for one row of :func:`decompose_vs_peers` / :func:`decompose_vs_jaar`.

    Args:
        row: A result row.
        naam: Name of the gemeente (default: the row's naam).

    Returns:
        E.g. "Tilburg geeft € 120 per inwoner meer uit aan Jeugd dan de mediaan van 10
        vergelijkbare gemeenten (…; jaarrekening 2023): € 80 meer doordat meer jongeren
        jeugdzorg krijgen, € 30 meer doordat jeugdzorg per jongere duurder is (en € 10
        meer door de samenhang van beide). …", or a plain sentence saying why there is
        no split ("geen gegevens", never a 0).
    """
    r = dict(row)
    dom = str(r["domein"])
    if dom not in _ZINDELEN:
        raise ParameterError(f"domein {dom!r} heeft geen prijs × volume-zin; verwacht: een van "
                             f"{tuple(_ZINDELEN)}")
    naam = naam or str(r.get("naam") or r["gm_code"])
    vs, jaar = r["verslagsoort"], int(r["jaar"])
    peers = r.get("referentie") == "peers"
    if peers:
        ref = f"de mediaan van {int(r['n_peers'])} vergelijkbare gemeenten"
    else:
        ref = f"in {r['ref_jaar']}"
    if r.get("status") != STATUS_OK or not nl.finite(r.get("verschil")):
        return _geen_zin(r, naam)
    # the difference of the two figures as shown (whole euros), so that the sentence adds up
    x = float(round(float(r["netto_per_inwoner"])) - round(float(r["ref_netto_per_inwoner"])))
    richting = "meer" if x >= 0 else "minder"
    vol_w, prijs_w = _ZINDELEN[dom]
    text = (f"{naam} geeft {nl.eur(abs(x))} per inwoner {richting} uit aan {dom} "
            f"dan {ref} ({nl.eur(r['netto_per_inwoner'])} tegen "
            f"{nl.eur(r['ref_netto_per_inwoner'])}; {vs} {jaar}): "
            f"{_deel(float(r['volume_deel']), vol_w)}, {_deel(float(r['prijs_deel']), prijs_w)}")
    w = float(r["interactie"])
    if r.get("methode") == "shift_share":
        if abs(w) < 0.5:
            text += " (de samenhang van beide is minder dan € 1)"
        else:
            text += (f" (en {nl.eur(abs(w))} {'meer' if w > 0 else 'minder'} door de "
                     "samenhang van beide)")
    text += "."
    text += " " + _jaar_zin(r)
    return text.strip()


def _jaar_zin(r: dict) -> str:
    cj = r.get("clienten_jaar")
    if cj is None or pd.isna(cj):
        return ""
    cj = int(cj)
    jaar = int(r["jaar"])
    wat = CLIENT_WOORDEN[str(r["domein"])][0]
    bron = bron_label(r.get("clienten_bron"))
    bron = f" ({bron})" if bron else ""
    if cj == jaar:
        return f"Het aantal {wat} komt uit hetzelfde jaar {cj}{bron}."
    return (f"Het aantal {wat} komt uit {cj}{bron}, {abs(jaar - cj)} jaar "
            f"{'vóór' if cj < jaar else 'na'} het kostenjaar {jaar}.")


def zinnen(result: pd.DataFrame, gm_code: str, naam: str | None = None) -> list[str]:
    """The sentences of one gemeente, one per domein (order of :data:`PV_DOMEINEN`).

    Args:
        result: :func:`decompose_vs_peers` or :func:`decompose_vs_jaar` output.
        gm_code: The gemeente.
        naam: Display name (default: from the result).

    Raises:
        UnknownGemeente: ``gm_code`` has no rows in ``result``.
    """
    rows = result.loc[result["gm_code"] == gm_code]
    if rows.empty:
        raise UnknownGemeente(
            f"gemeente {gm_code!r} heeft geen rijen in de prijs × volume-uitkomst"
        )
    return [zin(r, naam) for _, r in rows.iterrows()]


_KANTTEKENINGEN = {
    "Wmo": (
        "De KWB telt personen met een Wmo-maatwerkvoorziening (hulpmiddelen, huishoudelijke "
        "hulp, begeleiding, dagbesteding); de kosten van het domein Wmo omvatten ook beschermd "
        "wonen en opvang (6.81, grotendeels via centrumgemeenten) en beleid (6.91), maar niet "
        "de toegang (6.2). Een cliënt met alleen een hulpmiddel en een cliënt met dagelijkse "
        "begeleiding tellen even zwaar: een hogere 'prijs' kan dus ook een zwaardere mix van "
        "voorzieningen zijn."
    ),
    "Jeugd": (
        "De KWB telt jongeren tot 18 jaar met jeugdzorg in natura (jeugdhulp met én zonder "
        "verblijf, jeugdbescherming en jeugdreclassering samen); de kosten omvatten ook pgb "
        "(6.792), beleid (6.92) en jongeren van 18 tot 23. Verblijf en jeugdbescherming kosten "
        "per jongere een veelvoud van ambulante hulp: een hogere 'prijs' kan een andere mix "
        "zijn, geen hoger tarief."
    ),
    "Participatie": (
        "Het volume telt bijstandsontvangers; de kosten van Participatie omvatten ook de "
        "sociale werkvoorziening en beschut werk (6.4) en re-integratietrajecten (6.5), voor "
        "mensen die vaak geen bijstand hebben, en de uitkeringen zijn netto na de rijksbijdrage "
        "(BUIG). De 'prijs' is dus geen uitkering per persoon."
    ),
}
_ALGEMEEN = (
    "Dit is een rekenkundige ontleding (Kitagawa/shift-share), geen oorzakelijk effect: ze "
    "zegt niet waarom een gemeente meer cliënten heeft of waarom die duurder zijn."
)
_ANDER_JAAR = " De cliëntentelling komt uit een ander jaar en een andere bron dan de kosten."
_ANDERE_BRON = " De cliëntentelling komt uit een andere bron dan de kosten."


def kanttekening(domein: str | None = None, *, jaar_afwijkend: bool = True) -> str:
    """What the split cannot claim, in Dutch: the population mismatch per domein.

    Args:
        domein: Wmo, Jeugd or Participatie; None gives the general note only.
        jaar_afwijkend: Whether the client year differs from the cost year (then the note
            says so; default True, as on the offline mirror).
    """
    algemeen = _ALGEMEEN + (_ANDER_JAAR if jaar_afwijkend else _ANDERE_BRON)
    if domein is None:
        return algemeen
    if domein not in _KANTTEKENINGEN:
        raise ParameterError(f"domein {domein!r} onbekend; verwacht: een van "
                             f"{tuple(_KANTTEKENINGEN)}")
    return f"{algemeen} {_KANTTEKENINGEN[domein]}"
