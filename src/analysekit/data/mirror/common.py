"""Shared readers for mirror files: every failure becomes one line naming the file."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysekit.errors import DataError
from analysekit.paths import mirror_dir


def mirror_file(mirror: str | Path | None, *parts: str) -> Path:
    """Return the path of a file in the mirror, raising :class:`DataError` if it is missing."""
    path = mirror_dir(mirror).joinpath(*parts)
    if not path.is_file():
        raise DataError(f"{path}: bestand niet gevonden in de mirror; verwacht: {'/'.join(parts)}")
    return path


def incomplete_last_line(path: Path, sep: str | None = None) -> str | None:
    """Describe a delimited text file whose last line has fewer fields than its header.

    A file cut off mid-row (an interrupted copy or download) ends in a short line; real
    files may or may not end with a newline, so that alone proves nothing.

    Args:
        path: The file.
        sep: Column separator; guessed from the header (``;``, tab or ``,``) when None.

    Returns:
        A phrase like ``"last line (row 24354) has 3 of 10 fields"``, or None when the
        last line is complete (or the file has no data rows).
    """
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return None
    header = lines[0].lstrip("\ufeff")
    if sep is None:
        counts = {s: header.count(s) for s in (";", "\t", ",")}
        sep = max(counts, key=lambda s: counts[s])
        if counts[sep] == 0:
            return None
    want = len(next(csv.reader([header], delimiter=sep)))
    got = len(next(csv.reader([lines[-1]], delimiter=sep)))
    if got < want:
        return (
            f"laatste regel (regel {len(lines)}) heeft {got} van {want} velden; het bestand is "
            "midden in een rij afgebroken"
        )
    return None


def read_table(
    path: Path,
    *,
    sep: str,
    required: Iterable[str],
    numeric: Iterable[str] = (),
    decimal: str = ".",
    thousands: str | None = None,
    encoding: str = "utf-8-sig",
    min_rows: int = 1,
) -> pd.DataFrame:
    """Read a delimited text file and check it.

    Args:
        path: File to read.
        sep: Column separator.
        required: Columns that must be present.
        numeric: Columns that must parse as numbers (empty cells allowed).
        decimal: Decimal mark.
        thousands: Thousands separator, if any.
        encoding: Text encoding (BOM-tolerant by default).
        min_rows: Fewer data rows than this is an error (empty/truncated file).

    Returns:
        The frame, with ``numeric`` columns converted to float.

    Raises:
        DataError: Unreadable, empty or truncated file, a missing column, or a
            non-numeric amount; the message names file, row and column.
    """
    try:
        df = pd.read_csv(path, sep=sep, dtype=str, encoding=encoding, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"{path}: niet te lezen als tekst gescheiden door '{sep}' ({first})"
        ) from None
    cut = incomplete_last_line(path, sep)
    if cut:
        raise DataError(f"{path}: {cut}; verwacht: een volledig bestand")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: kolom(men) {', '.join(repr(m) for m in missing)} ontbreken; "
            f"verwacht: {', '.join(repr(c) for c in required)}"
        )
    if len(df) < min_rows:
        raise DataError(f"{path}: {len(df)} datarijen; verwacht: minstens {min_rows}")
    for col in numeric:
        df[col] = to_number(df[col], path=path, column=col, decimal=decimal, thousands=thousands)
    return df


def to_number(
    values: pd.Series,
    *,
    path: Path,
    column: str,
    decimal: str = ".",
    thousands: str | None = None,
) -> pd.Series:
    """Convert text to float; empty, '.' and '-' become NaN; anything else non-numeric fails.

    Raises:
        DataError: Naming the file, the first bad row (1-based data row + header) and column.
    """
    s = values.astype("string").str.strip()
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    s = s.mask(s.isin(["", ".", "-", "x", "nan", "NaN"]))
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: rij {pos + 2}, kolom '{column}': {values.iloc[pos]!r} is geen getal; "
            "verwacht: een bedrag"
        )
    return out.astype("float64")
