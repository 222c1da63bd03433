"""``analysekit.load(name, ...)``: read a canonical table, building it first if missing.

Every filter is checked before anything is read: a year must be a whole number that the
table holds, a verslagsoort or domein one of the kit's words, a gemeente a code or a name
:func:`analysekit.gemeente` resolves. A wrong value raises one
:class:`~analysekit.errors.ParameterError` line naming the values that are available; an
unreadable table raises a :class:`~analysekit.errors.DataError` saying how to rebuild.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysekit.data import store
from analysekit.data.schemas import DOMEINEN_ALL, TABLES
from analysekit.errors import ParameterError
from analysekit.vocab import TOTAAL, VERSLAGSOORTEN, is_gm_code

_FILTER_COLUMNS = {
    "gemeente": "gm_code",
    "jaar": "jaar",
    "domein": "domein",
    "verslagsoort": "verslagsoort",
}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str | int) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _gm_codes(gemeente: Any) -> list[str]:
    from analysekit.data.lookup import gemeente as resolve

    codes = []
    for g in _as_list(gemeente):
        codes.append(g if is_gm_code(g) else resolve(str(g)).gm_code)
    return codes


def _years(value: Any) -> list[int]:
    """Whole-number years from an int, a digit string or a list of those."""
    out = []
    for v in _as_list(value):
        if isinstance(v, bool):
            ok = False
        elif isinstance(v, numbers.Integral):
            ok, v = True, int(v)
        elif isinstance(v, numbers.Real) and float(v).is_integer():
            ok, v = True, int(v)
        elif isinstance(v, str) and v.strip().isdigit():
            ok, v = True, int(v.strip())
        else:
            ok = False
        if not ok:
            raise ParameterError(f"jaar={v!r}; verwacht: een jaartal als geheel getal, zoals 2023")
        out.append(v)
    return out


def _check_available(name: str, col: str, values: list[Any], data_dir: Path | None) -> None:
    have = store.available(name, col, data_dir)
    bad = [v for v in values if v not in have]
    if bad:
        shown = ", ".join(str(v) for v in have) or "geen"
        raise ParameterError(f"{col} {bad[0]!r} staat niet in tabel {name!r}; beschikbaar: {shown}")


def load(
    name: str,
    *,
    gemeente: Any = None,
    jaar: Any = None,
    domein: Any = None,
    verslagsoort: Any = None,
    columns: list[str] | None = None,
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Load a canonical table from ``data/processed`` (built first if missing).

    Args:
        name: Table name: one of ``iv3``, ``iv3_levering``, ``iv3_totalen``,
            ``domein_reeks``, ``gemeenten``, ``kenmerken``, ``gf_maatstaven``,
            ``gf_gewichten``, ``gemeentefonds``, ``grenzen``, ``herindelingen``.
        gemeente: Code(s) or name(s); names are resolved with :func:`analysekit.gemeente`.
        jaar: Year or years (column ``jaar``, or ``uitkeringsjaar`` for gemeentefonds tables).
        domein: Domain(s), for tables with a ``domein`` column.
        verslagsoort: ``begroting`` and/or ``jaarrekening`` (iv3, iv3_levering).
        columns: Columns to read (default all).
        data_dir: Folder with the parquet files (default ``data/processed``).

    Returns:
        A DataFrame (a GeoDataFrame for ``grenzen``).

    Raises:
        ParameterError: Unknown table; a filter on a column the table does not have; a
            year that is not a whole number; a jaar, verslagsoort or domein that the table
            does not hold (the message lists the available values).
        UnknownGemeente: A gemeente name cannot be resolved.
        DataError: The table file is corrupt (run ``analysekit data build --force``).
    """
    path = store.table_path(name, data_dir)
    folder = path.parent
    if not path.is_file():
        from analysekit.data.build import require_built

        require_built(folder)
    table = TABLES[name]
    filters: list[tuple[str, str, list[Any]]] = []
    requested = {"gemeente": gemeente, "jaar": jaar, "domein": domein, "verslagsoort": verslagsoort}
    for key, value in requested.items():
        if value is None:
            continue
        col = _FILTER_COLUMNS[key]
        if col == "jaar" and "jaar" not in table.columns and "uitkeringsjaar" in table.columns:
            col = "uitkeringsjaar"
        if col not in table.columns:
            raise ParameterError(
                f"tabel {name!r} heeft geen kolom voor filter {key}={value!r}; laat dit filter "
                f"weg (kolommen: {', '.join(table.columns)})"
            )
        if key == "domein":
            bad = [d for d in _as_list(value) if d not in (*DOMEINEN_ALL, TOTAAL)]
            if bad:
                raise ParameterError(
                    f"onbekend domein {bad[0]!r}; verwacht: een van {', '.join(DOMEINEN_ALL)}"
                    f" (of {TOTAAL} in domein_reeks)"
                )
            values = _as_list(value)
            _check_available(name, col, values, folder)
        elif key == "verslagsoort":
            values = _as_list(value)
            bad = [v for v in values if v not in VERSLAGSOORTEN]
            if bad:
                raise ParameterError(
                    f"onbekende verslagsoort {bad[0]!r}; verwacht: een van "
                    f"{', '.join(VERSLAGSOORTEN)}"
                )
            _check_available(name, col, values, folder)
        elif key == "jaar":
            values = _years(value)
            _check_available(name, col, values, folder)
        else:
            values = _gm_codes(value)
        filters.append((col, "in", values))
    return store.read(name, columns=columns, filters=filters, data_dir=folder)


def kenmerken_wide(df: pd.DataFrame, kenmerken: list[str] | None = None) -> pd.DataFrame:
    """Pivot the long ``kenmerken`` table to one row per (gm_code, jaar), one column per kenmerk."""
    if kenmerken is not None:
        df = df[df["kenmerk"].isin(kenmerken)]
    wide = df.pivot_table(
        index=["gm_code", "jaar"], columns="kenmerk", values="waarde", aggfunc="first"
    )
    wide.columns.name = None
    return wide.reset_index()


def indeling(name: str, jaar: int | None = None) -> pd.DataFrame:
    """The rows of a per-indeling table (``gemeenten``, ``grenzen``) for one indeling year.

    Args:
        name: A table with a ``jaar`` column that is the indeling year.
        jaar: The indeling year; the newest in the table when None or not in it.

    Returns:
        The rows of that year (for ``gemeenten`` sorted by gm_code).

    Raises:
        AnalysekitError: The table is empty.
    """
    from analysekit import load as load_table
    from analysekit.errors import AnalysekitError

    df = load_table(name)
    years = sorted(int(y) for y in df["jaar"].unique())
    if not years:
        raise AnalysekitError(f"tabel {name!r} is leeg; voer `analysekit data build` uit")
    chosen = jaar if jaar in years else years[-1]
    out = df[df["jaar"] == chosen]
    return out.sort_values("gm_code") if name == "gemeenten" else out
