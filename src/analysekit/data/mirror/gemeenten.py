"""Gemeente register from the mirror: codes, names, provincie, size and urbanity per year.

Sources (see each folder's SOURCE.md):

* ``rubensan19-kaarten/KoppelCodes.csv``: GM code, CBS name and provincie (indeling 2023+).
* ``michielsd-begrotingsanalysetool/Brondata/Gemeenteklassen/<jaar>.csv`` (2023–2025):
  provincie, CBS grootteklasse, stedelijkheid, inwoners (1 January; equal to 70072ned).
* ``michielsd-begrotingsanalysetool/Brondata/sociale_structuur_centrumfunctie.csv``.
* ``michielsd-begrotingsanalysetool/Brondata/gemeentenamen.csv``: the 9 gemeentefonds
  spellings of CBS names, used by the Iv3 files.
* Earlier years (2017–2022): inwoners from CBS 70072ned
  (``lostconnectionhere-r_practice/data/regionale_kerncijfers_subset.csv``), names from the
  CBS boundary files of that year, provincie from the tinatiresome panel (60039fvw/70072ned)
  or KWB 2021, stedelijkheid from the KWB of 2017 and 2021 (nearest KWB year).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit.data.mirror.common import mirror_file, read_table, to_number
from analysekit.errors import DataError
from analysekit.vocab import GM_CODE

BEGROTINGSTOOL = "michielsd-begrotingsanalysetool"
KLASSEN_JAREN = (2023, 2024, 2025)

STEDELIJKHEID = {
    "Zeersterkstedelijk": 1,
    "Sterkstedelijk": 2,
    "Matigstedelijk": 3,
    "Weinigstedelijk": 4,
    "Nietstedelijk": 5,
}
STEDELIJKHEID_LABEL = {
    1: "zeer sterk stedelijk",
    2: "sterk stedelijk",
    3: "matig stedelijk",
    4: "weinig stedelijk",
    5: "niet stedelijk",
}
# CBS size classes (Gemeentegrootte) with their lower bounds, for years without a class file.
GROOTTEKLASSEN = [
    (0, "minderdan5000inwoners"),
    (5_000, "5000tot10000inwoners"),
    (10_000, "10000tot20000inwoners"),
    (20_000, "20000tot50000inwoners"),
    (50_000, "50000tot100000inwoners"),
    (100_000, "100000tot150000inwoners"),
    (150_000, "150000tot250000inwoners"),
    (250_000, "250000inwonersofmeer"),
]

# Sources spell provinces differently; the CBS spelling is canonical.
PROVINCIE_SPELLING = {
    "Friesland": "Fryslân",
    "Noord Brabant": "Noord-Brabant",
    "Noord Holland": "Noord-Holland",
    "Zuid Holland": "Zuid-Holland",
}


def normalise_provincie(values: pd.Series) -> pd.Series:
    """Return provincie names in CBS spelling (Fryslân, Noord-Brabant, ...); blanks become NA."""
    s = values.astype("string").str.strip().replace(PROVINCIE_SPELLING)
    return s.mask(s.eq(""))


BOUNDARY_FILES = {
    **{
        j: ("propertyapp-gemeentegrenzen", "data", "geodata", f"gemeentegrenzen_{j}.geojson")
        for j in range(2015, 2022)
    },
    2022: ("nlstat-kwb2021", "data", "gemeenten.geojson"),
}


def grootteklasse(inwoners: pd.Series) -> pd.Series:
    """Return the CBS grootteklasse label for population counts."""
    bounds = [b for b, _ in GROOTTEKLASSEN]
    labels = np.array([lbl for _, lbl in GROOTTEKLASSEN], dtype=object)
    idx = np.searchsorted(bounds, inwoners.fillna(-1).to_numpy(), side="right") - 1
    out = pd.Series(labels[np.clip(idx, 0, None)], index=inwoners.index, dtype="object")
    return out.where(inwoners.notna())


def koppelcodes(mirror: str | Path | None = None) -> pd.DataFrame:
    """Return the 2023+ code list: gm_code, naam (CBS name), provincie."""
    path = mirror_file(mirror, "rubensan19-kaarten", "KoppelCodes.csv")
    df = read_table(path, sep=";", required=["gemeentCode", "gemeenteNaam", "Provincie"])
    out = pd.DataFrame(
        {
            "gm_code": df["gemeentCode"].str.strip(),
            "naam": df["gemeenteNaam"].str.strip(),
            "provincie": df["Provincie"].str.strip(),
        }
    )
    bad = ~out["gm_code"].str.fullmatch(GM_CODE)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom 'gemeentCode': {out['gm_code'].iloc[pos]!r}; "
            "verwacht: een code als GM0855"
        )
    dup = out["gm_code"].duplicated()
    if dup.any():
        raise DataError(
            f"{path}: gm_code {out['gm_code'][dup].iloc[0]} komt twee keer voor; verwacht: "
            "één rij per gemeente"
        )
    return out


def name_to_code(mirror: str | Path | None = None) -> dict[str, str]:
    """Map CBS names and gemeentefonds spellings (as used by the Iv3 files) to GM codes."""
    codes = koppelcodes(mirror)
    mapping = dict(zip(codes["naam"], codes["gm_code"], strict=True))
    path = mirror_file(mirror, BEGROTINGSTOOL, "Brondata", "gemeentenamen.csv")
    renames = read_table(path, sep="\t", required=["Iv3naam", "GFnaam"])
    for cbs, gf in zip(renames["Iv3naam"].str.strip(), renames["GFnaam"].str.strip(), strict=True):
        if cbs not in mapping:
            raise DataError(
                f"{path}: naam {cbs!r} staat niet in KoppelCodes.csv; verwacht: een CBS-naam"
            )
        mapping.setdefault(gf, mapping[cbs])
    return mapping


def _klassen(mirror: str | Path | None, jaar: int, codes: dict[str, str]) -> pd.DataFrame:
    path = mirror_file(mirror, BEGROTINGSTOOL, "Brondata", "Gemeenteklassen", f"{jaar}.csv")
    df = read_table(
        path,
        sep="\t",
        required=["Gemeenten", "Provincie", "Gemeentegrootte", "Stedelijkheid", "Inwonertal"],
        numeric=["Inwonertal"],
    )
    df["Gemeenten"] = df["Gemeenten"].str.strip()
    unknown = sorted(set(df["Gemeenten"]) - set(codes))
    if unknown:
        raise DataError(
            f"{path}: gemeentenaam/-namen {unknown[:3]} staan niet in KoppelCodes.csv; "
            "verwacht: CBS-namen"
        )
    sted = df["Stedelijkheid"].str.strip().map(STEDELIJKHEID)
    if sted.isna().any():
        pos = int(sted.isna().to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom 'Stedelijkheid': {df['Stedelijkheid'].iloc[pos]!r}; "
            f"verwacht: een van {', '.join(STEDELIJKHEID)}"
        )
    return pd.DataFrame(
        {
            "gm_code": df["Gemeenten"].map(codes),
            "jaar": jaar,
            "naam": df["Gemeenten"],
            "provincie": df["Provincie"].str.strip(),
            "inwoners": df["Inwonertal"],
            "grootteklasse": df["Gemeentegrootte"].str.strip(),
            "stedelijkheid": sted,
        }
    )


def _boundary_names(mirror: str | Path | None, jaar: int) -> pd.DataFrame:
    path = mirror_file(mirror, *BOUNDARY_FILES[jaar])
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError) as exc:
        raise DataError(f"{path}: geen GeoJSON FeatureCollection ({exc})") from None
    rows = [(f["properties"]["statcode"], f["properties"]["statnaam"]) for f in features]
    return pd.DataFrame(rows, columns=["gm_code", "naam"]).drop_duplicates("gm_code")


def bevolking_70072(mirror: str | Path | None = None) -> pd.DataFrame:
    """Return 70072ned population on 1 January: gm_code, jaar, inwoners (2004–2023)."""
    path = mirror_file(
        mirror, "lostconnectionhere-r_practice", "data", "regionale_kerncijfers_subset.csv"
    )
    return _bevolking_70072_cached(str(path))


@lru_cache(maxsize=2)
def _bevolking_70072_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    df = read_table(p, sep=";", required=["RegioS", "Perioden", "TotaleBevolking_1"])
    out = pd.DataFrame(
        {
            "gm_code": df["RegioS"].str.strip(),
            "jaar": pd.to_numeric(df["Perioden"].str[:4], errors="coerce"),
            "inwoners": to_number(df["TotaleBevolking_1"], path=p, column="TotaleBevolking_1"),
        }
    )
    if out["jaar"].isna().any():
        raise DataError(f"{p}: kolom 'Perioden' heeft waarden die niet lijken op 2023JJ00")
    out = out.dropna(subset=["inwoners"])
    out["jaar"] = out["jaar"].astype(int)
    return out.reset_index(drop=True)


def _provincie_history(mirror: str | Path | None) -> pd.DataFrame:
    """Provincie per gm_code per year from the tinatiresome panel and KWB 2021."""
    frames = []
    path = mirror_file(mirror, "tinatiresome-spatial-heart", "gemeente_jaar_2013_2019.csv")
    tina = read_table(path, sep=",", required=["gm_code", "year", "province"])
    frames.append(
        pd.DataFrame(
            {
                "gm_code": tina["gm_code"],
                "jaar": tina["year"].astype(int),
                "provincie": tina["province"],
            }
        )
    )
    path = mirror_file(mirror, "nlstat-kwb2021", "nl_data_gemeenten_flat.csv")
    kwb = read_table(path, sep=",", required=["gm_code", "Provincie"])
    frames.append(
        pd.DataFrame({"gm_code": kwb["gm_code"], "jaar": 2021, "provincie": kwb["Provincie"]})
    )
    return pd.concat(frames, ignore_index=True)


def _stedelijkheid_history(mirror: str | Path | None) -> pd.DataFrame:
    """Stedelijkheid (1–5) per gm_code from KWB 2017 and KWB 2021."""
    path = mirror_file(mirror, "mapnl-kwb2017", "gem_2017_kwb_attributes.csv")
    k17 = read_table(path, sep=",", required=["gm_code", "sted"], numeric=["sted"])
    path = mirror_file(mirror, "nlstat-kwb2021", "nl_data_gemeenten_flat.csv")
    k21 = pd.read_csv(path, dtype={"gm_code": str})
    col = next((c for c in k21.columns if "stedelijk" in c.lower() or "urban" in c.lower()), None)
    frames = [pd.DataFrame({"gm_code": k17["gm_code"], "jaar": 2017, "stedelijkheid": k17["sted"]})]
    if col is not None:
        frames.append(
            pd.DataFrame(
                {
                    "gm_code": k21["gm_code"],
                    "jaar": 2021,
                    "stedelijkheid": pd.to_numeric(k21[col], errors="coerce"),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[out["stedelijkheid"].between(1, 5)]


def _nearest_by_code(target: pd.DataFrame, source: pd.DataFrame, column: str) -> pd.Series:
    """For each (gm_code, jaar) in target, take ``column`` from the source year nearest to jaar."""
    src = source.dropna(subset=[column]).sort_values("jaar")
    merged = target[["gm_code", "jaar"]].merge(src, on="gm_code", how="left", suffixes=("", "_src"))
    merged["afstand"] = (merged["jaar"] - merged["jaar_src"]).abs()
    merged = merged.sort_values(["gm_code", "jaar", "afstand", "jaar_src"])
    best = merged.drop_duplicates(["gm_code", "jaar"]).set_index(["gm_code", "jaar"])[column]
    return pd.Series(
        best.reindex(pd.MultiIndex.from_frame(target[["gm_code", "jaar"]])).to_numpy(),
        index=target.index,
    )


def build_gemeenten(mirror: str | Path | None = None, first_year: int = 2017) -> pd.DataFrame:
    """Build the canonical ``gemeenten`` table (one row per gm_code × indeling year).

    Args:
        mirror: Mirror folder (default: see :func:`analysekit.paths.mirror_dir`).
        first_year: First indeling year to include (the Iv3 series starts in 2017).

    Returns:
        Columns gm_code, jaar, naam, provincie, inwoners, grootteklasse, stedelijkheid,
        stedelijkheid_label, centrumfunctie, sociale_structuur.
    """
    codes = name_to_code(mirror)
    recent = pd.concat([_klassen(mirror, j, codes) for j in KLASSEN_JAREN], ignore_index=True)

    # Older indelingen: 70072ned population, names from that year's CBS boundaries.
    bev = bevolking_70072(mirror)
    older = []
    for jaar in range(first_year, min(KLASSEN_JAREN)):
        rows = bev[bev["jaar"] == jaar]
        if rows.empty:
            continue
        names = _boundary_names(mirror, jaar) if jaar in BOUNDARY_FILES else None
        frame = rows.copy()
        if names is not None:
            frame = frame.merge(names, on="gm_code", how="left")
        else:
            frame["naam"] = pd.NA
        older.append(frame)
    old = pd.concat(older, ignore_index=True) if older else pd.DataFrame()
    if not old.empty:
        old["provincie"] = _nearest_by_code(old, _provincie_history(mirror), "provincie")
        current = koppelcodes(mirror).set_index("gm_code")["provincie"]
        old["provincie"] = old["provincie"].fillna(old["gm_code"].map(current))
        old["grootteklasse"] = grootteklasse(old["inwoners"])
        old["stedelijkheid"] = _nearest_by_code(
            old, _stedelijkheid_history(mirror), "stedelijkheid"
        )
        # Names still missing (no boundary file): fall back to the 2023 name of the same code.
        old["naam"] = old["naam"].fillna(
            old["gm_code"].map(koppelcodes(mirror).set_index("gm_code")["naam"])
        )

    out = pd.concat([old, recent], ignore_index=True)
    out["provincie"] = normalise_provincie(out["provincie"])
    current_prov = normalise_provincie(koppelcodes(mirror).set_index("gm_code")["provincie"])
    out["provincie"] = out["provincie"].fillna(out["gm_code"].map(current_prov))
    path = mirror_file(mirror, BEGROTINGSTOOL, "Brondata", "sociale_structuur_centrumfunctie.csv")
    soc = read_table(path, sep="\t", required=["Gemeenten", "Centrumfunctie", "Sociale structuur"])
    soc["gm_code"] = soc["Gemeenten"].str.strip().map(codes)
    soc = soc.dropna(subset=["gm_code"]).set_index("gm_code")
    # The classes file has no year; it describes the current (2023+) indeling only.
    recent_rows = out["jaar"] >= min(KLASSEN_JAREN)
    out["centrumfunctie"] = out["gm_code"].map(soc["Centrumfunctie"].replace("", pd.NA))
    out["sociale_structuur"] = out["gm_code"].map(soc["Sociale structuur"].replace("", pd.NA))
    out.loc[~recent_rows, ["centrumfunctie", "sociale_structuur"]] = pd.NA
    out["inwoners"] = out["inwoners"].round().astype("int64")
    out["stedelijkheid"] = pd.to_numeric(out["stedelijkheid"], errors="coerce").astype("Int64")
    out["stedelijkheid_label"] = out["stedelijkheid"].map(STEDELIJKHEID_LABEL)
    cols = [
        "gm_code",
        "jaar",
        "naam",
        "provincie",
        "inwoners",
        "grootteklasse",
        "stedelijkheid",
        "stedelijkheid_label",
        "centrumfunctie",
        "sociale_structuur",
    ]
    out["jaar"] = out["jaar"].astype("int64")
    return out[cols].sort_values(["jaar", "gm_code"]).reset_index(drop=True)
