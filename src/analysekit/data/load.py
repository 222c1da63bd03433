"""``analysekit.load(name, ...)``: read a canonical table, building it first if missing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysekit.data.schemas import DOMEINEN_ALL, TABLES
from analysekit.errors import ParameterError
from analysekit.paths import processed_dir

_GM = re.compile(r"^GM\d{4}$")
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
    codes = []
    for g in _as_list(gemeente):
        if isinstance(g, str) and _GM.match(g):
            codes.append(g)
        else:
            from analysekit.data.lookup import gemeente as resolve

            codes.append(resolve(str(g)).gm_code)
    return codes


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
        name: Table name: one of ``iv3``, ``gemeenten``, ``kenmerken``, ``gf_maatstaven``,
            ``gf_gewichten``, ``gemeentefonds``, ``grenzen``, ``herindelingen``.
        gemeente: Code(s) or name(s); names are resolved with :func:`analysekit.gemeente`.
        jaar: Year or years (column ``jaar``, or ``uitkeringsjaar`` for gemeentefonds tables).
        domein: Domain(s), for tables with a ``domein`` column.
        verslagsoort: ``begroting`` and/or ``jaarrekening`` (iv3 only).
        columns: Columns to read (default all).
        data_dir: Folder with the parquet files (default ``data/processed``).

    Returns:
        A DataFrame (a GeoDataFrame for ``grenzen``).

    Raises:
        ParameterError: Unknown table, or a filter on a column the table does not have.
        UnknownGemeente: A gemeente name cannot be resolved.
    """
    if name not in TABLES:
        raise ParameterError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
    table = TABLES[name]
    folder = Path(data_dir) if data_dir else processed_dir()
    path = folder / f"{name}.parquet"
    if not path.is_file():
        from analysekit.data.build import require_built

        require_built(folder)

    colnames = set(table.columns) | ({"uitkeringsjaar"} if name.startswith("g") else set())
    filters: list[tuple[str, str, list[Any]]] = []
    requested = {"gemeente": gemeente, "jaar": jaar, "domein": domein, "verslagsoort": verslagsoort}
    for key, value in requested.items():
        if value is None:
            continue
        col = _FILTER_COLUMNS[key]
        if col == "jaar" and "jaar" not in table.columns and "uitkeringsjaar" in colnames:
            col = "uitkeringsjaar"
        if col not in table.columns and col not in colnames:
            raise ParameterError(f"table {name!r} has no column for filter {key}={value!r}")
        if key == "domein":
            bad = [d for d in _as_list(value) if d not in DOMEINEN_ALL]
            if bad:
                raise ParameterError(
                    f"unknown domein {bad[0]!r}; expected one of {', '.join(DOMEINEN_ALL)}"
                )
        values = _gm_codes(value) if key == "gemeente" else _as_list(value)
        if col == "jaar" or col == "uitkeringsjaar":
            values = [int(v) for v in values]
        filters.append((col, "in", values))

    if table.geo:
        import geopandas as gpd

        df = gpd.read_parquet(path, columns=columns, filters=filters or None)
    else:
        df = pd.read_parquet(path, columns=columns, filters=filters or None)
    return df.reset_index(drop=True)


def kenmerken_wide(df: pd.DataFrame, kenmerken: list[str] | None = None) -> pd.DataFrame:
    """Pivot the long ``kenmerken`` table to one row per (gm_code, jaar), one column per kenmerk."""
    if kenmerken is not None:
        df = df[df["kenmerk"].isin(kenmerken)]
    wide = df.pivot_table(
        index=["gm_code", "jaar"], columns="kenmerk", values="waarde", aggfunc="first"
    )
    wide.columns.name = None
    return wide.reset_index()
