"""Low-level reading of the processed tables in ``data/processed``.

:func:`read` reads one canonical parquet table and turns every way a file can be broken
(truncated, overwritten, not parquet) into one :class:`~analysekit.errors.DataError` line
that says to rebuild; :func:`available` lists the distinct values of a column (to name
the valid choices in an error).

This module never builds: it sits below ``load``, ``lookup`` and ``herindeling`` so that
none of them needs ``build`` (no import cycle). Users call :func:`analysekit.load`, which
builds missing tables first.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysekit.data.schemas import TABLES
from analysekit.errors import DataError, ParameterError
from analysekit.paths import processed_dir

__all__ = ["REBUILD", "available", "read", "table_path"]

#: The fix named in every error about a processed file.
REBUILD = "voer `analysekit data build --force` uit"


def table_path(name: str, data_dir: str | Path | None = None) -> Path:
    """Return ``<data_dir>/<name>.parquet`` for a canonical table.

    Raises:
        ParameterError: ``name`` is not a canonical table.
    """
    if name not in TABLES:
        raise ParameterError(f"onbekende tabel {name!r}; verwacht: een van {', '.join(TABLES)}")
    return (Path(data_dir) if data_dir else processed_dir()) / f"{name}.parquet"


def _corrupt(path: Path, exc: BaseException) -> DataError:
    first = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
    detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return DataError(f"{path}: verwerkte tabel niet leesbaar ({detail}); {REBUILD}")


def read(
    name: str,
    *,
    columns: Sequence[str] | None = None,
    filters: list[tuple[str, str, list[Any]]] | None = None,
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Read a processed table (a GeoDataFrame for ``grenzen``).

    Args:
        name: Canonical table name.
        columns: Columns to read (default all).
        filters: pyarrow filters ``[(column, "in", values), ...]``; values already
            validated by the caller.
        data_dir: Processed folder (default ``data/processed``).

    Raises:
        DataError: The table has not been built, or its file is corrupt or unreadable;
            the message names the file and the command that fixes it.
    """
    path = table_path(name, data_dir)
    if not path.is_file():
        raise DataError(
            f"{path}: tabel {name!r} is nog niet gebouwd; voer `analysekit data build` uit"
        )
    cols = list(columns) if columns is not None else None
    try:
        if TABLES[name].geo and (cols is None or "geometry" in cols):
            import geopandas as gpd

            df = gpd.read_parquet(path, columns=cols, filters=filters or None)
        else:
            df = pd.read_parquet(path, columns=cols, filters=filters or None)
    except (KeyError, ValueError) as exc:
        if cols and "column" in str(exc).lower():
            raise ParameterError(
                f"tabel {name!r} heeft geen kolom(men) {cols}; verwacht: kolommen uit "
                f"{', '.join(TABLES[name].columns)}"
            ) from None
        raise _corrupt(path, exc) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError, ...
        raise _corrupt(path, exc) from None
    return df.reset_index(drop=True)


@functools.lru_cache(maxsize=64)
def _distinct(path: str, column: str, mtime_ns: int, size: int) -> tuple[Any, ...]:
    import pyarrow.parquet as pq

    try:
        values = pq.read_table(path, columns=[column]).column(column).unique().to_pylist()
    except Exception as exc:  # noqa: BLE001 - see read()
        raise _corrupt(Path(path), exc) from None
    return tuple(sorted(v for v in values if v is not None))


def available(name: str, column: str, data_dir: str | Path | None = None) -> tuple[Any, ...]:
    """Sorted distinct values of one column of a processed table (cached per file version).

    Raises:
        DataError: The table has not been built or is corrupt.
    """
    path = table_path(name, data_dir)
    if not path.is_file():
        raise DataError(
            f"{path}: tabel {name!r} is nog niet gebouwd; voer `analysekit data build` uit"
        )
    st = path.stat()
    return _distinct(str(path), column, st.st_mtime_ns, st.st_size)
