"""Iv3 lasten per taakveld 2017–2026 from the mirror folder ``cbs-iv3-meerjarig``.

Source: CBS "Gemeenten YYYY onbewerkte Iv3-data" (45038NED 2017 … 45078NED 2026), aggregated
by a third party (see the folder's SOURCE.md) into

* ``iv3_lasten_taakveld.csv.gz``: lasten per gemeente × jaar × verslagsoort × taakveld in
  **thousands of euros**; no baten per taakveld, no salarissen;
* ``iv3_totalen.csv.gz``: per submission totals (lasten, baten, reserve mutations,
  algemene uitkering, SPUK baten, SPUK baten on hoofdtaakveld 6, heffingen, salarissen,
  inhuur) and the population.

Two things differ from the CBS codes as published, and this adapter deals with them:

* **Roll-ups.** From 2023 the source adds sub-taakvelden into a parent code: 2023–2024
  ``6.71`` = 6.71a–d, ``6.72`` = 6.72a–d, ``6.73`` = 6.73a–c, ``6.74`` = 6.74a–c,
  ``6.81`` = 6.81a–b, ``6.82`` = 6.82a–b; 2025–2026 ``6.71`` = 6.711–6.714, ``6.75`` =
  6.751–6.753, ``6.76`` = 6.761–6.763, ``6.79`` = 6.791–6.792, ``6.81`` = 6.811–6.812,
  ``6.82`` = 6.821–6.822. Every roll-up but one stays within one domein, so the code is
  kept (its name says what it holds; :data:`ROLLUP_NAMEN`).
* **6.79 (PGB) mixes two domeinen** (6.791 PGB Wmo, 6.792 PGB Jeugd). Where no source has
  the two codes for that year (begroting 2026 offline), :func:`split_pgb` divides 6.79 over
  6.791 and 6.792 in proportion to the same gemeente's begroting of the year before
  (national shares when the gemeente booked no PGB then); the rows say so in their name.

Baten per taakveld are **missing** (NaN), never 0; the build keeps the
``michielsd-begrotingsanalysetool`` rows (with baten) for the submissions that folder has,
and takes the rest from here.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit.data.mirror.common import mirror_file
from analysekit.errors import DataError
from analysekit.vocab import GM_CODE, IV3_COLUMNS, VERSLAGSOORTEN

FOLDER = "cbs-iv3-meerjarig"
LASTEN_FILE = "iv3_lasten_taakveld.csv.gz"
TOTALEN_FILE = "iv3_totalen.csv.gz"
LASTEN_COLUMNS = ["gm_code", "jaar", "verslagsoort", "cbs_verslagsoort", "taakveld", "lasten_k_eur"]
#: Totals columns (thousands of euros) → canonical ``iv3_totalen`` column (euros).
TOTALEN_AMOUNTS = {
    "lasten_k_eur": "lasten_eur",
    "baten_k_eur": "baten_eur",
    "reserve_lasten_k_eur": "reserve_lasten_eur",
    "reserve_baten_k_eur": "reserve_baten_eur",
    "lasten_hoofdtaakveld6_k_eur": "lasten_hoofdtaakveld6_eur",
    "algemene_uitkering_k_eur": "algemene_uitkering_eur",
    "spuk_baten_k_eur": "spuk_baten_eur",
    "spuk_baten_hoofdtaakveld6_k_eur": "spuk_baten_hoofdtaakveld6_eur",
    "heffingen_k_eur": "heffingen_eur",
    "salarissen_k_eur": "salarissen_eur",
    "inhuur_k_eur": "inhuur_eur",
}
TOTALEN_COLUMNS = ["gm_code", "jaar", "verslagsoort", "inwoners", *TOTALEN_AMOUNTS.values()]

#: What a rolled-up code of this source holds, per (first boekjaar, code): its name.
ROLLUP_NAMEN: dict[tuple[int, str], str] = {
    (2023, "6.71"): "Maatwerkdienstverlening 18+ (6.71a–d samen)",
    (2023, "6.72"): "Jeugdhulp zonder verblijf (6.72a–d samen)",
    (2023, "6.73"): "Jeugdhulp met verblijf (6.73a–c samen)",
    (2023, "6.74"): "Jeugdhulp GGZ, crisis en gesloten plaatsing (6.74a–c samen)",
    (2023, "6.81"): "Geëscaleerde zorg 18+ (6.81a–b samen)",
    (2023, "6.82"): "Geëscaleerde zorg 18- (6.82a–b samen)",
    (2025, "6.71"): "Maatwerkdienstverlening 18+ (6.711–6.714 samen)",
    (2025, "6.75"): "Jeugdhulp ambulant (6.751–6.753 samen)",
    (2025, "6.76"): "Jeugdhulp met verblijf (6.761–6.763 samen)",
    (2025, "6.79"): "Persoonsgebonden budgetten (6.791–6.792 samen)",
    (2025, "6.81"): "Geëscaleerde zorg 18+ (6.811–6.812 samen)",
    (2025, "6.82"): "Geëscaleerde zorg 18- (6.821–6.822 samen)",
}
PGB = "6.79"
PGB_DELEN = ("6.791", "6.792")
PGB_NAMEN = {
    "6.791": "PGB WMO (geschat: 6.79 verdeeld naar de begroting van het jaar ervoor)",
    "6.792": "PGB Jeugd (geschat: 6.79 verdeeld naar de begroting van het jaar ervoor)",
}
#: Column added by :func:`read_lasten`: the name a roll-up row gets (NaN elsewhere).
NAAM_COLUMN = "bron_naam"


def rollup_naam(jaar: int, taakveld: str) -> str | None:
    """Name of a rolled-up code in this source for a boekjaar (None if not a roll-up)."""
    if jaar < 2023:
        return None
    return ROLLUP_NAMEN.get((2025 if jaar >= 2025 else 2023, taakveld))


def _read_gz_csv(path: Path, required: list[str], dtype: dict[str, object]) -> pd.DataFrame:
    """Read a gzip CSV; a cut or damaged file, or a missing column, is one DataError line."""
    try:
        df = pd.read_csv(path, compression="gzip", dtype=dtype, keep_default_na=False)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise DataError(
            f"{path}: gzip-bestand is afgebroken of beschadigd ({type(exc).__name__}); "
            "verwacht: een volledig bestand; voer `analysekit data fetch` uit"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: niet te lezen als CSV ({first[:160]})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: kolom(men) {', '.join(repr(m) for m in missing)} ontbreken; "
            f"verwacht: {', '.join(required)}"
        )
    if df.empty:
        raise DataError(f"{path}: 0 datarijen; verwacht: minstens 1")
    return df


def _check_keys(df: pd.DataFrame, path: Path) -> None:
    bad = ~df["gm_code"].str.fullmatch(GM_CODE)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom 'gm_code': {df['gm_code'].iloc[pos]!r}; "
            "verwacht: een gemeentecode als GM0855"
        )
    bad = ~df["verslagsoort"].isin(VERSLAGSOORTEN)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom 'verslagsoort': {df['verslagsoort'].iloc[pos]!r}; "
            f"verwacht: {' of '.join(VERSLAGSOORTEN)}"
        )


def _numeric(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    s = pd.to_numeric(df[col], errors="coerce")
    bad = s.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom {col!r}: {df[col].iloc[pos]!r} is geen getal; "
            "verwacht: een bedrag"
        )
    return s.astype("float64")


def lasten_path(mirror: str | Path | None = None) -> Path:
    """The lasten-per-taakveld file in the mirror."""
    return mirror_file(mirror, FOLDER, LASTEN_FILE)


def totalen_path(mirror: str | Path | None = None) -> Path:
    """The per-submission totals file in the mirror."""
    return mirror_file(mirror, FOLDER, TOTALEN_FILE)


def read_lasten(mirror: str | Path | None = None) -> pd.DataFrame:
    """Lasten per gemeente × jaar × verslagsoort × taakveld, every year of the source.

    Returns:
        The canonical :data:`analysekit.vocab.IV3_COLUMNS` frame in euros, with
        ``baten_eur`` and ``salarissen_eur`` NaN (not in this source), plus
        :data:`NAAM_COLUMN` (the name of a rolled-up code, NaN elsewhere).

    Raises:
        DataError: The file is missing, cut, damaged or malformed (a bad code,
            verslagsoort or amount, or a duplicate key), naming file, row and column.
    """
    path = lasten_path(mirror)
    df = _read_gz_csv(path, LASTEN_COLUMNS, {"taakveld": str, "gm_code": str})
    _check_keys(df, path)
    jaar = _numeric(df, "jaar", path).astype("int64")
    lasten = _numeric(df, "lasten_k_eur", path) * 1000.0
    out = pd.DataFrame(
        {
            "gm_code": df["gm_code"].to_numpy(),
            "jaar": jaar.to_numpy(),
            "verslagsoort": df["verslagsoort"].to_numpy(),
            "taakveld": df["taakveld"].str.strip().to_numpy(),
            "lasten_eur": lasten.to_numpy(),
            "baten_eur": np.nan,
            "salarissen_eur": np.nan,
        }
    )
    dup = out.duplicated(["gm_code", "jaar", "verslagsoort", "taakveld"])
    if dup.any():
        row = out[dup].iloc[0]
        raise DataError(
            f"{path}: dubbele rij voor {row['gm_code']} {row['jaar']} {row['verslagsoort']} "
            f"taakveld {row['taakveld']}; verwacht: één rij per opgave en taakveld"
        )
    pairs = out[["jaar", "taakveld"]].drop_duplicates()
    pairs[NAAM_COLUMN] = [
        rollup_naam(int(j), str(t)) for j, t in zip(pairs["jaar"], pairs["taakveld"], strict=True)
    ]
    out = out.merge(pairs, on=["jaar", "taakveld"], how="left", sort=False)
    return out[[*IV3_COLUMNS, NAAM_COLUMN]]


def split_pgb(lasten: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Divide the mixed PGB code 6.79 over 6.791 (Wmo) and 6.792 (Jeugd).

    The share of 6.791 is the gemeente's own ``6.791 / (6.791 + 6.792)`` lasten in the
    begroting of the year before in ``reference`` (a source with the two codes); where
    that sum is 0 or absent, the national share of that begroting. Without any reference
    year the 6.79 rows stay as they are.

    Args:
        lasten: Frame from :func:`read_lasten` (any subset of its rows).
        reference: A canonical Iv3 frame holding 6.791 and 6.792 (e.g. the begroting
            2025 of ``michielsd-begrotingsanalysetool`` or the live download).

    Returns:
        ``lasten`` with each 6.79 row replaced by a 6.791 and a 6.792 row whose lasten
        add up to it (names in :data:`PGB_NAMEN`).
    """
    is_pgb = lasten["taakveld"].eq(PGB)
    if not is_pgb.any():
        return lasten
    ref = reference[reference["taakveld"].isin(PGB_DELEN)]
    ref = ref[ref["verslagsoort"] == "begroting"]
    parts = [lasten[~is_pgb]]
    for jaar, rows in lasten[is_pgb].groupby("jaar", sort=True):
        prev = ref[ref["jaar"] == int(jaar) - 1]
        if prev.empty:
            parts.append(rows)
            continue
        wide = prev.pivot_table(
            index="gm_code", columns="taakveld", values="lasten_eur", aggfunc="sum"
        ).reindex(columns=list(PGB_DELEN), fill_value=0.0).fillna(0.0)
        total = wide.sum(axis=1)
        national = wide[PGB_DELEN[0]].sum() / wide.to_numpy().sum()
        share = (wide[PGB_DELEN[0]] / total.where(total != 0)).reindex(rows["gm_code"])
        share = share.fillna(national).to_numpy()
        for code, frac in ((PGB_DELEN[0], share), (PGB_DELEN[1], 1.0 - share)):
            part = rows.copy()
            part["taakveld"] = code
            part["lasten_eur"] = rows["lasten_eur"].to_numpy() * frac
            part[NAAM_COLUMN] = PGB_NAMEN[code]
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def read_totalen(mirror: str | Path | None = None) -> pd.DataFrame:
    """Per-submission totals and population, in euros (the ``iv3_totalen`` table rows).

    Submissions whose every amount is 0 (not delivered, see
    :mod:`analysekit.data.levering`) are left out: missing is not zero.

    Raises:
        DataError: The file is missing, cut, damaged or malformed.
    """
    path = totalen_path(mirror)
    need = ["gm_code", "jaar", "verslagsoort", "inwoners", *TOTALEN_AMOUNTS]
    df = _read_gz_csv(path, need, {"gm_code": str})
    _check_keys(df, path)
    out = pd.DataFrame(
        {
            "gm_code": df["gm_code"].to_numpy(),
            "jaar": _numeric(df, "jaar", path).astype("int64").to_numpy(),
            "verslagsoort": df["verslagsoort"].to_numpy(),
            "inwoners": _numeric(df, "inwoners", path).to_numpy(),
        }
    )
    for old, new in TOTALEN_AMOUNTS.items():
        out[new] = _numeric(df, old, path).to_numpy() * 1000.0
    dup = out.duplicated(["gm_code", "jaar", "verslagsoort"])
    if dup.any():
        row = out[dup].iloc[0]
        raise DataError(
            f"{path}: dubbele rij voor {row['gm_code']} {row['jaar']} {row['verslagsoort']}; "
            "verwacht: één rij per opgave"
        )
    values = out[list(TOTALEN_AMOUNTS.values())].to_numpy()
    delivered = (values != 0).any(axis=1)
    out = out[delivered].copy()
    out["inwoners"] = out["inwoners"].astype("int64")
    return out[TOTALEN_COLUMNS].sort_values(
        ["jaar", "verslagsoort", "gm_code"], ignore_index=True
    )


__all__ = [
    "FOLDER",
    "LASTEN_FILE",
    "NAAM_COLUMN",
    "ROLLUP_NAMEN",
    "TOTALEN_COLUMNS",
    "TOTALEN_FILE",
    "lasten_path",
    "read_lasten",
    "read_totalen",
    "rollup_naam",
    "split_pgb",
    "totalen_path",
]
