"""Structural kenmerken per gemeente × jaar (long format) from the offline mirror.

Sources, in order of priority (see each folder's ``SOURCE.md``). When two sources give the
same kenmerk for the same gemeente and year, the one higher in this list is kept:

1. ``lostconnectionhere-r_practice/data/regionale_kerncijfers_subset.csv`` — CBS 70072ned,
   2004–2023, a StatLine extract: population by age, migration background (+ derived shares).
2. ``lostconnectionhere-r_practice/data/FVW_2019.csv`` — CBS 60039fvw 2019, keyed by gemeente
   *name*; names resolved to GM codes with the 2019 CBS boundary file
   (``propertyapp-gemeentegrenzen``), first exactly, then without the CBS suffix
   (``Utrecht (gemeente)`` → ``Utrecht``, ``Beek (L.)`` → ``Beek``).
3. ``tinatiresome-spatial-heart/gemeente_jaar_2013_2019.csv`` — 70072ned/60039fvw joined by
   that repository (income, wealth, uitkeringsontvangers, density, 60039fvw age bands).
4. ``nlstat-kwb2021/nl_data_gemeenten_flat.csv`` — KWB 2021 (85039NED); several values derived
   by that repository (per-1,000 and shares, rounded to 2 decimals; a zero numerator was
   stored as missing). Its "Population density" field is omgevingsadressendichtheid.
5. ``dataverbinders-statline-bq/84799NED`` — KWB 2020 (84799NED), the real CBS capture
   (TypedDataSet + DataProperties, columns found by Key stem); shares derived here as for 2021.
6. ``mapnl-kwb2017/gem_2017_kwb_attributes.csv`` — KWB 2017 (83765NED), whole percentages.
7. Gemeentefonds volumina (BZK), newest circulaire per uitkeringsjaar (septembercirculaire
   over meicirculaire), ``jaar`` = uitkeringsjaar, ``bron`` = ``gf:<circulaire>_<jaar>``.

Rationale: direct StatLine extracts before files reshaped by a repository; full panels before
single KWB editions. In the mirror the overlapping values agree (60039fvw 2019 vs the
tinatiresome panel: identical; density 2017: identical) except inwoners in the KWB (7
gemeenten in 2021 and 12 in 2017 differ by 1–10 persons from 70072ned) and rounding of
niet_westerse_migratieachtergrond_pct (KWB 2 decimals / whole percent); 70072ned is kept.

KWB editions mix reference dates: population is on 1 January of the edition year, income,
benefits, Wmo and jeugdzorg refer to earlier years (see the CBS table metadata). ``jaar``
is the KWB edition year (the table contract has one year per row); ``kenmerken.yaml`` says so per
kenmerk. Amounts in thousands of euros are converted to euros.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysekit.data.mirror import gemeentefonds as gfmod
from analysekit.data.mirror.common import mirror_file, read_table
from analysekit.errors import DataError
from analysekit.paths import mirror_dir

COLUMNS = ["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"]

RK_FILE = ("lostconnectionhere-r_practice", "data", "regionale_kerncijfers_subset.csv")
FVW_FILE = ("lostconnectionhere-r_practice", "data", "FVW_2019.csv")
FVW_NAMES_FILE = ("propertyapp-gemeentegrenzen", "data", "geodata", "gemeentegrenzen_2019.geojson")
TINA_FILE = ("tinatiresome-spatial-heart", "gemeente_jaar_2013_2019.csv")
KWB2021_FILE = ("nlstat-kwb2021", "nl_data_gemeenten_flat.csv")
KWB2017_FILE = ("mapnl-kwb2017", "gem_2017_kwb_attributes.csv")
KWB2020_DIR = ("dataverbinders-statline-bq", "84799NED")
KWB2020_TABLE = "84799NED"

RK_COUNTS = {
    "TotaleBevolking_1": "inwoners",
    "JongerDan5Jaar_4": "inwoners_0_4",
    "k_5Tot10Jaar_5": "inwoners_5_9",
    "k_10Tot15Jaar_6": "inwoners_10_14",
    "k_15Tot20Jaar_7": "inwoners_15_19",
    "k_20Tot25Jaar_8": "inwoners_20_24",
    "k_25Tot45Jaar_9": "inwoners_25_44",
    "k_45Tot65Jaar_10": "inwoners_45_64",
    "k_65Tot80Jaar_11": "inwoners_65_79",
    "k_80JaarOfOuder_12": "inwoners_80_plus",
    "TotaalMetMigratieachtergrond_35": "inwoners_migratieachtergrond",
    "TotaalNietWesterseMigratieachtergrond_37": "inwoners_niet_westerse_migratieachtergrond",
}
RK_SHARES = {  # derived share (%) = 100 × Σ numerators / inwoners
    "aandeel_0_19_pct": ["inwoners_0_4", "inwoners_5_9", "inwoners_10_14", "inwoners_15_19"],
    "aandeel_65_plus_pct": ["inwoners_65_79", "inwoners_80_plus"],
    "aandeel_80_plus_pct": ["inwoners_80_plus"],
    "migratieachtergrond_pct": ["inwoners_migratieachtergrond"],
    "niet_westerse_migratieachtergrond_pct": ["inwoners_niet_westerse_migratieachtergrond"],
}

_FVW_AGE = "Inwoners naar geslacht en leeftijd|Totaal mannen en vrouwen|"
FVW_COLUMNS = {
    _FVW_AGE + "Totaal mannen en vrouwen": "inwoners",
    _FVW_AGE + "Jonger dan 20 jaar": "inwoners_0_19",
    _FVW_AGE + "20 tot 65 jaar": "inwoners_20_64",
    _FVW_AGE + "65 tot 75 jaar": "inwoners_65_74",
    _FVW_AGE + "75 tot 85 jaar": "inwoners_75_84",
    _FVW_AGE + "85 jaar of ouder": "inwoners_85_plus",
    "Huishoudens|Eenouderhuishoudens": "eenouderhuishoudens",
    "Periodieke bijstandsuitkeringen|Totaal bijstandsuitkeringen": "bijstandsuitkeringen",
    "Periodieke bijstandsuitkeringen|Algemene bijstand": "bijstandsuitkeringen_algemeen",
    "Minderheden": "minderheden",
}

# column → (kenmerk, multiplier, bron)
TINA_COLUMNS = {
    "avg_Standardized_Income": ("gemiddeld_gestandaardiseerd_inkomen", 1000.0, "70072ned"),
    "median_Household_Wealth": ("mediaan_vermogen_huishoudens", 1000.0, "70072ned"),
    "total_Social_Security_Recipiants_excl_Pensioners": (
        "uitkeringsontvangers_tot_aow",
        1.0,
        "70072ned",
    ),
    "pop_density_km2": ("bevolkingsdichtheid", 1.0, "70072ned"),
    "total_Pop_65_75": ("inwoners_65_74", 1.0, "60039fvw"),
    "total_Pop_75_85": ("inwoners_75_84", 1.0, "60039fvw"),
    "total_Pop_85_up": ("inwoners_85_plus", 1.0, "60039fvw"),
}

# column → (kenmerk, multiplier)
KWB2021_COLUMNS = {
    "Population": ("inwoners", 1.0),
    "Inequality|Bijstand recipients (per 1k)": ("bijstand_per_1000", 1.0),
    "WelfareCare|Wmo care clients (per 1k)": ("wmo_clienten_per_1000", 1.0),
    "WelfareCare|Youth welfare (%)": ("jeugdzorg_pct", 1.0),
    "WelfareCare|Disability benefit (per 1k)": ("ao_uitkeringen_per_1000", 1.0),
    "Inequality|Low income threshold (%)": ("lage_inkomens_pct", 1.0),
    "Inequality|At-or-below social minimum (%)": ("huishoudens_sociaal_minimum_pct", 1.0),
    "Inequality|Near-poverty 110% (%)": ("huishoudens_tot_110_sociaal_minimum_pct", 1.0),
    "Inequality|Near-poverty 120% (%)": ("huishoudens_tot_120_sociaal_minimum_pct", 1.0),
    "IncomeWealth|Avg income per inhabitant (x€1k)": ("gemiddeld_inkomen_per_inwoner", 1000.0),
    "HumanCapital|Low education (%)": ("laag_opleidingsniveau_pct", 1.0),
    "HumanCapital|Labour participation (%)": ("nettoarbeidsparticipatie_pct", 1.0),
    "Housing|Social housing (%)": ("woningcorporatie_pct", 1.0),
    "Housing|Avg WOZ value (x€1k)": ("gemiddelde_woz_waarde", 1000.0),
    "Services|Degree of urbanisation (1–5)": ("stedelijkheid", 1.0),
    "Demographics|Population density (per km²)": ("omgevingsadressendichtheid", 1.0),
    "Demographics|Single-person households (%)": ("eenpersoonshuishoudens_pct", 1.0),
    "Demographics|Avg household size": ("gemiddelde_huishoudensgrootte", 1.0),
    "Demographics|Non-Western background (%)": ("niet_westerse_migratieachtergrond_pct", 1.0),
    "Environment|Land area (km²)": ("oppervlakte_land_ha", 100.0),
}

KWB2017_COLUMNS = {
    "aant_inw": ("inwoners", 1.0),
    "oad": ("omgevingsadressendichtheid", 1.0),
    "sted": ("stedelijkheid", 1.0),
    "bev_dichth": ("bevolkingsdichtheid", 1.0),
    "aantal_hh": ("huishoudens", 1.0),
    "p_eenp_hh": ("eenpersoonshuishoudens_pct", 1.0),
    "p_hh_m_k": ("huishoudens_met_kinderen_pct", 1.0),
    "gem_hh_gr": ("gemiddelde_huishoudensgrootte", 1.0),
    "p_n_w_al": ("niet_westerse_migratieachtergrond_pct", 1.0),
    "opp_land": ("oppervlakte_land_ha", 1.0),
}

# KWB 2020 (84799NED) as CBS serves it: stem of the Key (suffix read from DataProperties) ->
# kenmerk. Counts and CBS values are taken as published; shares are derived below.
KWB2020_DIRECT = {
    "AantalInwoners": "inwoners",
    "HuishoudensTotaal": "huishoudens",
    "GemiddeldeHuishoudensgrootte": "gemiddelde_huishoudensgrootte",
    "PersonenPerSoortUitkeringBijstand": "personen_met_bijstand",
    "WmoClienten": "wmo_clienten",
    "WmoClientenRelatief": "wmo_clienten_per_1000",
    "PercentageJongerenMetJeugdzorg": "jeugdzorg_pct",
    "HuishoudensMetEenLaagInkomen": "lage_inkomens_pct",
    "GemiddeldInkomenPerInwoner": "gemiddeld_inkomen_per_inwoner",
    "MateVanStedelijkheid": "stedelijkheid",
    "Omgevingsadressendichtheid": "omgevingsadressendichtheid",
    "Bevolkingsdichtheid": "bevolkingsdichtheid",
    "OppervlakteLand": "oppervlakte_land_ha",
}
# derived share = factor x numerator / denominator (same derivations as the nlstat KWB 2021)
KWB2020_DERIVED = {
    "bijstand_per_1000": ("PersonenPerSoortUitkeringBijstand", "AantalInwoners", 1000.0),
    "ao_uitkeringen_per_1000": ("PersonenPerSoortUitkeringAO", "AantalInwoners", 1000.0),
    "eenpersoonshuishoudens_pct": ("Eenpersoonshuishoudens", "HuishoudensTotaal", 100.0),
    "huishoudens_met_kinderen_pct": ("HuishoudensMetKinderen", "HuishoudensTotaal", 100.0),
    "niet_westerse_migratieachtergrond_pct": ("NietWestersTotaal", "AantalInwoners", 100.0),
}

GF_ALIASES = {
    "jong": "jongeren",
    "inw75+dr": "inwoners_75_plus_drempel",
    "lidr_w_nw": "lage_inkomens_huishoudens",
    "bo3_nw": "bijstandsontvangers",
    "ephh": "eenpersoonshuishoudens",
    "oadw": "omgevingsadressendichtheid_gf",
    "inwo": "inwoners_gf",
    "LOdr": "laag_opgeleiden",
    "nwmigr": "migratieachtergrond",
}
"""Readable kenmerk names for the sociaal-domein gemeentefonds maatstaven; others: gf_<code>."""

SOURCE_PRIORITY = (
    "70072ned",
    "60039fvw_2019",
    "spatial_heart",
    "kwb2021",
    "kwb2020",
    "kwb2017",
    "gemeentefonds",
)

_GM_RE = r"GM\d{4}"


# --------------------------------------------------------------------------------------
# kenmerken.yaml
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def kenmerken_spec() -> dict[str, dict[str, Any]]:
    """Return ``{kenmerk: {eenheid, definitie, bron, ...}}`` from ``kenmerken.yaml``."""
    text = resources.files("analysekit.data").joinpath("kenmerken.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)["kenmerken"]
    spec: dict[str, dict[str, Any]] = {}
    for entry in entries:
        name = entry["name"]
        if name in spec:
            raise ValueError(f"kenmerken.yaml: kenmerk {name!r} is listed twice")
        spec[name] = {k: v for k, v in entry.items() if k != "name"}
    return spec


def gf_kenmerk_name(code: str) -> str:
    """Kenmerk name of a gemeentefonds maatstaf code (alias, or ``gf_<snake_case code>``)."""
    if code in GF_ALIASES:
        return GF_ALIASES[code]
    slug = code.lower().replace("+", "_plus")
    return "gf_" + re.sub(r"[^0-9a-z]+", "_", slug).strip("_")


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _long(
    wide: pd.DataFrame,
    mapping: dict[str, tuple[str, float]],
    *,
    jaar: int | pd.Series,
    bron: str | dict[str, str],
) -> pd.DataFrame:
    """Wide frame with a gm_code column → long kenmerken (NaN values dropped)."""
    parts = []
    for col, (kenmerk, factor) in mapping.items():
        values = pd.to_numeric(wide[col], errors="raise").astype("float64") * factor
        if factor != 1.0:
            values = values.round(6)
        parts.append(
            pd.DataFrame(
                {
                    "gm_code": wide["gm_code"].to_numpy(),
                    "jaar": jaar if isinstance(jaar, int) else jaar.to_numpy(),
                    "kenmerk": kenmerk,
                    "waarde": values.to_numpy(),
                    "bron": bron if isinstance(bron, str) else bron[col],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out[out["waarde"].notna()]


def _check_codes(codes: pd.Series, path: Any, column: str) -> None:
    ok = codes.str.fullmatch(_GM_RE)
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise DataError(
            f"{path}: rij {i + 2}, kolom '{column}': {codes.iloc[i]!r} is geen gemeentecode; "
            "verwacht: GM gevolgd door 4 cijfers"
        )


def _check_unique(frame: pd.DataFrame, keys: list[str], path: Any) -> None:
    dup = frame.duplicated(keys)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        what = ", ".join(f"{k}={frame[k].iloc[i]}" for k in keys)
        raise DataError(
            f"{path}: rij {i + 2}: {what} komt twee keer voor; verwacht: één rij per gemeente"
        )


# --------------------------------------------------------------------------------------
# one adapter per source file
# --------------------------------------------------------------------------------------


def read_regionale_kerncijfers(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """CBS 70072ned panel (2004–2023): population counts and derived shares."""
    path = mirror_file(mirror, *RK_FILE)
    df = read_table(
        path, sep=";", required=["RegioS", "Perioden", *RK_COUNTS], numeric=list(RK_COUNTS)
    )
    df["gm_code"] = df["RegioS"].str.strip()
    _check_codes(df["gm_code"], path, "RegioS")
    per = df["Perioden"].str.strip()
    ok = per.str.fullmatch(r"\d{4}JJ00")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise DataError(
            f"{path}: rij {i + 2}, kolom 'Perioden': {per.iloc[i]!r}; verwacht: bijv. 2023JJ00"
        )
    df["jaar"] = per.str[:4].astype("int64")
    _check_unique(df, ["gm_code", "jaar"], path)
    df = df[df["TotaleBevolking_1"].notna()]  # the code did not exist that year
    wide = df.rename(columns=RK_COUNTS)
    for share, parts in RK_SHARES.items():
        wide[share] = (
            100.0 * wide[parts].sum(axis=1, min_count=len(parts)) / wide["inwoners"]
        ).round(4)
    mapping = {k: (k, 1.0) for k in [*RK_COUNTS.values(), *RK_SHARES]}
    return _long(wide, mapping, jaar=wide["jaar"], bron="70072ned")


def fvw_gm_codes(
    names: Sequence[str], mirror: str | os.PathLike[str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Map 2019 gemeente names (60039fvw spelling) to GM codes of the 2019 indeling.

    A name matches a CBS ``statnaam`` exactly, or else after dropping a trailing
    parenthesised suffix from either side (``Hengelo (O.)`` → ``Hengelo``), if that is unique.

    Returns:
        ``(name → gm_code, unmatched names)``.
    """
    path = mirror_file(mirror, *FVW_NAMES_FILE)
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        cbs = {f["properties"]["statnaam"]: f["properties"]["statcode"] for f in features}
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{path}: statnaam/statcode niet leesbaar ({exc}); verwacht: CBS-GeoJSON"
        ) from None

    def bare(s: str) -> str:
        return re.sub(r"\s*\([^)]*\)\s*$", "", s).strip()

    by_bare: dict[str, list[str]] = {}
    for naam, code in cbs.items():
        by_bare.setdefault(bare(naam), []).append(code)
    mapping, unmatched = {}, []
    for name in names:
        if name in cbs:
            mapping[name] = cbs[name]
        elif len(by_bare.get(bare(name), [])) == 1:
            mapping[name] = by_bare[bare(name)][0]
        else:
            unmatched.append(name)
    return mapping, unmatched


def read_fvw_2019(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """CBS 60039fvw 2019 (keyed by gemeente name; rows without data are former gemeenten)."""
    path = mirror_file(mirror, *FVW_FILE)
    df = read_table(path, sep=";", required=list(FVW_COLUMNS), numeric=list(FVW_COLUMNS))
    first = df.columns[0]
    df = df[df[first].str.strip() != ""]
    df = df[df[list(FVW_COLUMNS)].notna().any(axis=1)].copy()
    df["naam"] = df[first].str.strip()
    _check_unique(df, ["naam"], path)
    mapping, unmatched = fvw_gm_codes(df["naam"].tolist(), mirror)
    if unmatched:
        warnings.warn(
            f"{path}: {len(unmatched)} gemeentenaam/-namen niet in de indeling 2019, "
            "weggelaten: " + ", ".join(unmatched),
            stacklevel=2,
        )
    df["gm_code"] = df["naam"].map(mapping)
    df = df[df["gm_code"].notna()]
    _check_unique(df, ["gm_code"], path)
    wide = df.rename(columns=FVW_COLUMNS)
    wide["inwoners_75_plus"] = wide["inwoners_75_84"] + wide["inwoners_85_plus"]
    wide["bijstandsuitkeringen_per_1000"] = (
        1000.0 * wide["bijstandsuitkeringen"] / wide["inwoners"]
    ).round(4)
    names = [*FVW_COLUMNS.values(), "inwoners_75_plus", "bijstandsuitkeringen_per_1000"]
    return _long(wide, {k: (k, 1.0) for k in names}, jaar=2019, bron="60039fvw")


def read_spatial_heart(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Gemeente-year panel 2013–2019 (70072ned/60039fvw via tinatiresome): what others lack."""
    path = mirror_file(mirror, *TINA_FILE)
    df = read_table(
        path, sep=",", required=["gm_code", "year", *TINA_COLUMNS], numeric=["year", *TINA_COLUMNS]
    )
    df["gm_code"] = df["gm_code"].str.strip()
    _check_codes(df["gm_code"], path, "gm_code")
    df["jaar"] = df["year"].astype("int64")
    _check_unique(df, ["gm_code", "jaar"], path)
    df["inwoners_75_plus"] = df["total_Pop_75_85"] + df["total_Pop_85_up"]
    mapping = {c: (k, f) for c, (k, f, _) in TINA_COLUMNS.items()} | {
        "inwoners_75_plus": ("inwoners_75_plus", 1.0)
    }
    bron = {c: b for c, (_, _, b) in TINA_COLUMNS.items()} | {"inwoners_75_plus": "60039fvw"}
    return _long(df, mapping, jaar=df["jaar"], bron=bron)


def read_kwb2021(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """KWB 2021 (85039NED) via nlstat, gemeente level; jaar = 2021."""
    path = mirror_file(mirror, *KWB2021_FILE)
    df = read_table(
        path, sep=",", required=["gm_code", *KWB2021_COLUMNS], numeric=list(KWB2021_COLUMNS)
    )
    df["gm_code"] = df["gm_code"].str.strip()
    _check_codes(df["gm_code"], path, "gm_code")
    _check_unique(df, ["gm_code"], path)
    out = _long(df, KWB2021_COLUMNS, jaar=2021, bron="85039NED")
    # client counts back from the per-1,000 figures (the nlstat file has no counts):
    # bijstand per 1,000 has 2 decimals (count within about 1 person), Wmo per 1,000 is a
    # whole number as CBS publishes it (count within 0.5 per 1,000 inwoners)
    counts = {
        "Inequality|Bijstand recipients (per 1k)": "personen_met_bijstand",
        "WelfareCare|Wmo care clients (per 1k)": "wmo_clienten",
    }
    pop = pd.to_numeric(df["Population"], errors="raise").astype("float64")
    extra = {
        name: (pd.to_numeric(df[col], errors="raise") * pop / 1000.0).round(0)
        for col, name in counts.items()
    }
    wide = pd.DataFrame({"gm_code": df["gm_code"], **extra})
    derived = _long(wide, {n: (n, 1.0) for n in extra}, jaar=2021, bron="85039NED")
    return pd.concat([out, derived], ignore_index=True)


def read_kwb2017(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """KWB 2017 (83765NED) kaart attributes via mapNL; jaar = 2017."""
    path = mirror_file(mirror, *KWB2017_FILE)
    df = read_table(
        path, sep=",", required=["gm_code", *KWB2017_COLUMNS], numeric=list(KWB2017_COLUMNS)
    )
    df["gm_code"] = df["gm_code"].str.strip()
    _check_codes(df["gm_code"], path, "gm_code")
    _check_unique(df, ["gm_code"], path)
    return _long(df, KWB2017_COLUMNS, jaar=2017, bron="83765NED")


def _kwb2020_key(keys: Sequence[str], stem: str, path: Any) -> str | None:
    """Return the column whose Key is ``<stem>_<digits>`` (CBS renumbers the suffix)."""
    found = [k for k in keys if re.fullmatch(rf"{re.escape(stem)}_\d+", k)]
    if len(found) > 1:
        raise DataError(f"{path}: meerdere kolommen voor {stem}: {', '.join(found)}; verwacht: één")
    return found[0] if found else None


def read_kwb2020(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """KWB 2020 (84799NED), the real CBS capture (TypedDataSet + DataProperties); jaar = 2020.

    Gemeente rows (``WijkenEnBuurten`` ``'GM....    '``) only. Columns are found by the stem
    of their Key in DataProperties; units as published ('x 1 000 euro' x 1000). Values that
    CBS had not yet published when the table was captured (Wmo, jeugdzorg, income: all '.')
    give no rows. Shares are derived as for KWB 2021 (see :data:`KWB2020_DERIVED`).
    """
    typed_path = mirror_file(mirror, *KWB2020_DIR, f"cbs.v3.{KWB2020_TABLE}_TypedDataSet.parquet")
    props_path = mirror_file(mirror, *KWB2020_DIR, f"cbs.v3.{KWB2020_TABLE}_DataProperties.parquet")
    folder = typed_path.parent
    try:
        props = pd.read_parquet(props_path)
        typed = pd.read_parquet(typed_path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{folder}: de opname van 84799NED is niet leesbaar ({exc})") from None
    if "Key" not in props.columns or "WijkenEnBuurten" not in typed.columns:
        raise DataError(
            f"{typed_path}: geen bruikbare CBS-tabel; verwacht: een CBS TypedDataSet met "
            "WijkenEnBuurten en DataProperties"
        )
    keys = [str(k).strip() for k in props["Key"] if isinstance(k, str) and k.strip()]
    units = dict(zip(props["Key"].astype("str").str.strip(), props.get("Unit"), strict=True))
    codes = typed["WijkenEnBuurten"].astype("str").str.strip()
    gm = typed[codes.str.fullmatch(_GM_RE).to_numpy(dtype=bool)].copy()
    gm["gm_code"] = codes[gm.index]
    _check_unique(gm, ["gm_code"], typed_path)

    def column(stem: str) -> pd.Series | None:
        key = _kwb2020_key(keys, stem, props_path)
        if key is None or key not in gm.columns:
            return None
        unit = units.get(key)
        factor = 1000.0 if isinstance(unit, str) and "1 000 euro" in unit else 1.0
        return pd.to_numeric(gm[key], errors="coerce").astype("float64") * factor

    wide = pd.DataFrame({"gm_code": gm["gm_code"].to_numpy()})
    mapping: dict[str, tuple[str, float]] = {}
    for stem, name in KWB2020_DIRECT.items():
        values = column(stem)
        if values is not None:
            wide[name] = values.to_numpy()
            mapping[name] = (name, 1.0)
    for name, (num, den, factor) in KWB2020_DERIVED.items():
        a, b = column(num), column(den)
        if a is not None and b is not None:
            wide[name] = (factor * a / b.where(b > 0)).round(2).to_numpy()
            mapping[name] = (name, 1.0)
    return _long(wide, mapping, jaar=2020, bron=KWB2020_TABLE)


def read_gf_volumina(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Gemeentefonds volumina of the newest circulaire per uitkeringsjaar (lump sums left out)."""
    root = mirror_dir(mirror)
    factors = gfmod.read_uitkeringsfactoren(root)
    parts = []
    for jaar, circ in sorted(gfmod.newest_per_uitkeringsjaar(gfmod.list_circulaires(root)).items()):
        data = gfmod.read_circulaire(circ, root, factors)
        vol = data.volumes.drop(columns=[c for c in gfmod.LUMP_SUMS if c in data.volumes.columns])
        wide = vol.reset_index()
        mapping = {c: (gf_kenmerk_name(c), 1.0) for c in vol.columns}
        parts.append(_long(wide, mapping, jaar=jaar, bron=f"gf:{circ.label}"))
    return pd.concat(parts, ignore_index=True)


READERS = {
    "70072ned": read_regionale_kerncijfers,
    "60039fvw_2019": read_fvw_2019,
    "spatial_heart": read_spatial_heart,
    "kwb2021": read_kwb2021,
    "kwb2020": read_kwb2020,
    "kwb2017": read_kwb2017,
    "gemeentefonds": read_gf_volumina,
}


# --------------------------------------------------------------------------------------
# combine
# --------------------------------------------------------------------------------------


def combine_kenmerken(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate long kenmerken frames; on a duplicate key keep the earliest frame's row.

    Args:
        frames: Frames with gm_code, jaar, kenmerk, waarde, bron, in order of priority.

    Returns:
        One frame, unique on (gm_code, jaar, kenmerk), with ``eenheid`` from kenmerken.yaml.

    Raises:
        KeyError: A kenmerk is not described in kenmerken.yaml (a bug in the adapter).
    """
    spec = kenmerken_spec()
    tagged = [f.assign(_prio=i) for i, f in enumerate(frames)]
    out = pd.concat(tagged, ignore_index=True)
    out = out.sort_values(["gm_code", "jaar", "kenmerk", "_prio"], kind="stable")
    out = out.drop_duplicates(["gm_code", "jaar", "kenmerk"], keep="first")
    unknown = sorted(set(out["kenmerk"]) - set(spec))
    if unknown:
        raise KeyError(f"kenmerken not described in kenmerken.yaml: {', '.join(unknown)}")
    out["eenheid"] = out["kenmerk"].map({k: v["eenheid"] for k, v in spec.items()})
    out = out[COLUMNS].sort_values(["kenmerk", "jaar", "gm_code"]).reset_index(drop=True)
    return out.astype(
        {
            "gm_code": "str",
            "jaar": "int64",
            "kenmerk": "str",
            "waarde": "float64",
            "eenheid": "str",
            "bron": "str",
        }
    )


def build_kenmerken(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Build the canonical ``kenmerken`` table from the mirror.

    Args:
        mirror: Mirror folder (or a snapshot with the same layout); default
            :func:`analysekit.paths.mirror_dir`.

    Returns:
        Long frame ``gm_code, jaar, kenmerk, waarde, eenheid, bron``, unique on
        (gm_code, jaar, kenmerk); overlapping sources resolved by :data:`SOURCE_PRIORITY`.

    Raises:
        DataError: A source file is missing or malformed.
    """
    root = mirror_dir(mirror)
    return combine_kenmerken([READERS[name](root) for name in SOURCE_PRIORITY])
