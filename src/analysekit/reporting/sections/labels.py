"""Human Dutch labels for the kenmerken and sources a report names.

A report never shows a variable name (``inwoners_75_plus``, ``wmo_clienten_per_1000``,
``gf_woonr``, ``inwoners_gf``): every denominator and peer characteristic is shown with
its Dutch label, its year and the CBS or BZK table it comes from (:func:`kenmerk_label`,
:func:`bron_label`). :data:`RAW_IDENTIFIERS` lists the names that must never appear in a
rendered report (checked in ``tests/test_report_text.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Kenmerk (as in ``data/kenmerken.yaml``) → what it counts, in Dutch.
KENMERK_NL: Mapping[str, str] = {
    "inwoners": "inwoners op 1 januari",
    "inwoners_gf": "inwoners (maatstaf gemeentefonds)",
    "inwoners_0_17": "inwoners van 0 tot 18 jaar",
    "jongeren": "jongeren van 0 tot 18 jaar (maatstaf gemeentefonds)",
    "inwoners_75_plus": "inwoners van 75 jaar en ouder",
    "inwoners_75_plus_drempel": "inwoners van 75 jaar en ouder boven een drempel "
                                "(maatstaf gemeentefonds)",
    "huishoudens": "huishoudens",
    "eenpersoonshuishoudens": "eenpersoonshuishoudens (maatstaf gemeentefonds)",
    "lage_inkomens_huishoudens": "huishoudens met een laag inkomen (maatstaf gemeentefonds)",
    "wmo_clienten": "inwoners met een Wmo-maatwerkvoorziening",
    "wmo_clienten_per_1000": "inwoners met een Wmo-maatwerkvoorziening (aantal per 1.000 "
                             "inwoners, omgerekend met het aantal inwoners)",
    "jongeren_met_jeugdzorg": "jongeren met jeugdzorg",
    "jeugdzorg_pct": "jongeren met jeugdzorg (percentage van de 0- tot 18-jarigen, omgerekend "
                     "met een geschat aantal 0- tot 18-jarigen)",
    # bo3_nw: the gemeentefonds counts the bijstandsontvangers as a three-year average
    "bijstandsontvangers": "bijstandsontvangers, gemiddelde over drie jaar (maatstaf "
                           "gemeentefonds)",
    "bijstand_per_1000": "bijstandsontvangers (aantal per 1.000 inwoners, omgerekend met het "
                         "aantal inwoners)",
    "personen_met_bijstand": "personen met bijstand",
    "omgevingsadressendichtheid": "omgevingsadressendichtheid (adressen per km²)",
    "omgevingsadressendichtheid_gf": "omgevingsadressendichtheid (maatstaf gemeentefonds)",
    "gf_woonr": "woonruimten (maatstaf gemeentefonds)",
}

#: Peer characteristic (``peers.DEFAULT_KENMERKEN``) → Dutch label for the benchmark tables.
PEER_KENMERK_NL: Mapping[str, str] = {
    "jongeren": "jongeren 0–17 jaar, per inwoner",
    "inwoners_75_plus": "inwoners van 75 jaar en ouder (boven drempel), per inwoner",
    "lage_inkomens": "huishoudens met een laag inkomen, per inwoner",
    "bijstand": "bijstandsontvangers, per inwoner",
    "eenpersoonshuishoudens": "eenpersoonshuishoudens, per inwoner",
    "omgevingsadressendichtheid": "omgevingsadressendichtheid (logaritme)",
    "inwoners": "aantal inwoners (logaritme)",
}

#: Report parameter → its Dutch name in the report (the parameter table and the text that
#: says which setting to change). The technical names are in the README.
PARAMETER_NL: Mapping[str, str] = {
    "gemeente": "gemeente",
    "jaar": "jaar",
    "verslagsoort": "verslagsoort",
    "indeling": "gemeentelijke indeling",
    "n_peers": "aantal vergelijkbare gemeenten",
    "register": "hefbomenregister",
    "goals": "doelenbestand",
    "domein": "domein",
    "n_draws": "aantal trekkingen (Monte Carlo)",
    "seed": "startgetal van het toeval",
    "adoptie": "bestand met adoptiejaren van hefbomen",
    "tekort_eur": "eigen tekort (€ per jaar)",
}


def parameter_label(name: Any) -> str:
    """The Dutch name of a report parameter (its name with spaces when it has none)."""
    return PARAMETER_NL.get(str(name), str(name).replace("_", " "))


#: Table ids without a title in the data (fallback when provenance has none).
_TITELS: Mapping[str, str] = {
    "70072ned": "Regionale kerncijfers Nederland",
    "60039fvw": "Maatstaven Financiële-verhoudingswet (gemeentefonds)",
    "83765NED": "Kerncijfers wijken en buurten 2017",
    "84799NED": "Kerncijfers wijken en buurten 2020",
    "85039NED": "Kerncijfers wijken en buurten 2021",
}
_CIRCULAIRE = {"M": "meicirculaire", "S": "septembercirculaire", "J": "junicirculaire",
               "D": "decembercirculaire"}

#: Variable names that must never appear in a rendered report (the report's parameters
#: are named by :data:`PARAMETER_NL`).
RAW_IDENTIFIERS: tuple[str, ...] = (
    "inwoners_75_plus", "wmo_clienten_per_1000", "wmo_clienten", "gf_woonr", "inwoners_gf",
    "jeugdzorg_pct", "bijstand_per_1000", "lage_inkomens_huishoudens",
    "omgevingsadressendichtheid_gf", "netto_per_inwoner", "overschrijding_eur",
    "noemer_jaar", "gf_zelfde_jaar", "gf_label", "kans_tekort_gedekt", "peers_mediaan",
    "n_peers_met_waarde", "potentieel_eur", "rates", "tekort_eur", "n_draws", "n_peers",
    "NaN", "nan%", "€ nan",
)


def kenmerk_label(kenmerk: Any) -> str:
    """The Dutch label of a kenmerk (its name with spaces when it has none)."""
    text = str(kenmerk)
    if text in KENMERK_NL:
        return KENMERK_NL[text]
    return text.replace("_", " ")


def circulaire_label(code: Any) -> str:
    """``S2024`` → ``septembercirculaire 2024`` (the code itself when unknown)."""
    m = re.fullmatch(r"([MSJD])(\d{4})", str(code))
    return f"{_CIRCULAIRE[m.group(1)]} {m.group(2)}" if m else str(code)


def bron_label(bron: Any, titels: Mapping[str, str] | None = None) -> str:
    """The source of a kenmerk value as a reader can look it up.

    ``70072ned`` → ``CBS-tabel 70072ned (Regionale kerncijfers Nederland)``;
    ``gf:S2024_2024`` → ``BZK, gemeentefonds septembercirculaire 2024, uitkeringsjaar 2024``.

    Args:
        bron: The ``bron`` value of table ``kenmerken``.
        titels: Table id → title (e.g. from :func:`analysekit.data.provenance.sources_table`).
    """
    text = str(bron)
    m = re.fullmatch(r"gf:([MSJD]\d{4})_(\d{4})", text)
    if m:
        return (f"BZK, gemeentefonds {circulaire_label(m.group(1))}, uitkeringsjaar "
                f"{m.group(2)}")
    titel = (titels or {}).get(text) or _TITELS.get(text)
    return f"CBS-tabel {text} ({titel})" if titel else f"CBS-tabel {text}"
