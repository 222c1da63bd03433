"""Iv3 lasten/baten per gemeente × taakveld from the mirror (CBS "onbewerkte Iv3-data").

Source: ``michielsd-begrotingsanalysetool/Analysedata/Iv3/<jaar>_<verslagsoort>.csv``,
aggregated by that repository from the CBS dataderden tables (column ``k_2ePlaatsing_2``):
one row per (gemeente name, taakveld) with ``Lasten`` (sum of L-categories), ``Baten``
(sum of B-categories) and ``L1.1 Salarissen en sociale lasten``, in **thousands of euros**.
This adapter maps names to GM codes, splits the taakveld code from its label, converts to
euros and drops the ``Nederland`` total rows. It returns the same frame as
:func:`analysekit.data.live.fetch_iv3`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysekit.data.mirror.common import mirror_file, read_table
from analysekit.data.mirror.gemeenten import BEGROTINGSTOOL, name_to_code
from analysekit.errors import DataError
from analysekit.vocab import IV3_COLUMNS

FILES = {
    (2023, "jaarrekening"): "2023_jaarrekening.csv",
    (2023, "begroting"): "2023_begroting.csv",
    (2024, "begroting"): "2024_begroting.csv",
    (2025, "begroting"): "2025_begroting.csv",
}
COLUMNS = ["Gemeenten", "Taakveld", "L1.1 Salarissen en sociale lasten", "Baten", "Lasten"]
AMOUNTS = {
    "Lasten": "lasten_eur",
    "Baten": "baten_eur",
    "L1.1 Salarissen en sociale lasten": "salarissen_eur",
}
TAAKVELD_CODE = re.compile(r"^(\d\.\d+[a-z]?)\s")
NATIONAAL = "Nederland"


def iv3_path(mirror: str | Path | None, jaar: int, verslagsoort: str) -> Path:
    """Return the mirror file for one boekjaar and verslagsoort."""
    return mirror_file(mirror, BEGROTINGSTOOL, "Analysedata", "Iv3", FILES[(jaar, verslagsoort)])


def read_iv3_file(path: Path, jaar: int, verslagsoort: str, codes: dict[str, str]) -> pd.DataFrame:
    """Read one mirror Iv3 file into the raw-normalised Iv3 frame (euros, GM codes).

    Raises:
        DataError: Malformed file, missing column, non-numeric amount, unknown gemeente,
            a taakveld label without a code, or a duplicate (gemeente, taakveld) row.
    """
    df = read_table(path, sep=";", required=COLUMNS, numeric=list(AMOUNTS))
    df = df[df["Gemeenten"].str.strip() != NATIONAAL]
    names = df["Gemeenten"].str.strip()
    gm = names.map(codes)
    if gm.isna().any():
        pos = gm.isna().to_numpy().nonzero()[0][0]
        raise DataError(
            f"{path}: rij {df.index[pos] + 2}, kolom 'Gemeenten': onbekende gemeente "
            f"{names.iloc[pos]!r}; verwacht: een naam uit KoppelCodes.csv of gemeentenamen.csv"
        )
    code = df["Taakveld"].str.extract(TAAKVELD_CODE, expand=False)
    if code.isna().any():
        pos = code.isna().to_numpy().nonzero()[0][0]
        raise DataError(
            f"{path}: rij {df.index[pos] + 2}, kolom 'Taakveld': {df['Taakveld'].iloc[pos]!r}; "
            "verwacht: een taakveldcode met omschrijving als '6.72d Jeugdhulp ...'"
        )
    out = pd.DataFrame(
        {
            "gm_code": gm.to_numpy(),
            "jaar": jaar,
            "verslagsoort": verslagsoort,
            "taakveld": code.to_numpy(),
            **{new: df[old].to_numpy() * 1000.0 for old, new in AMOUNTS.items()},
        }
    )
    dup = out.duplicated(["gm_code", "taakveld"])
    if dup.any():
        row = out[dup].iloc[0]
        raise DataError(
            f"{path}: dubbele rij voor gemeente {row['gm_code']} taakveld {row['taakveld']}; "
            "verwacht: één rij per gemeente en taakveld"
        )
    out["lasten_eur"] = out["lasten_eur"].fillna(0.0)
    out["baten_eur"] = out["baten_eur"].fillna(0.0)
    return out[list(IV3_COLUMNS)]


def build_iv3_raw(mirror: str | Path | None = None) -> pd.DataFrame:
    """Read every Iv3 file in the mirror into one frame (before taakveld harmonisation)."""
    codes = name_to_code(mirror)
    frames = [read_iv3_file(iv3_path(mirror, j, v), j, v, codes) for (j, v) in FILES]
    return pd.concat(frames, ignore_index=True)
