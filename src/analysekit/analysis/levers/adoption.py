"""The user's files: adoption years of a lever (:func:`read_adoption`) and own lever columns."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysekit.analysis.levers.inputs import check_lever, require_columns
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import is_gm_code

_ADOPTION_ALIASES = {
    "gm_code": ("gm_code", "gemeente", "gemeentecode"),
    "hefboom": ("hefboom", "lever", "naam"),
    "adoptiejaar": ("adoptiejaar", "adoption_year", "invoeringsjaar", "jaar"),
}


def _csv_reader(path: Path, expected: str) -> Any:
    """Open a small user CSV (any of , ; tab) and return a csv.reader over its lines.

    Raises:
        DataError: The file cannot be read or is empty; names the file and the columns expected.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"{path}: kan het bestand niet lezen ({exc.strerror})") from exc
    lines = text.splitlines()
    if not lines:
        raise DataError(f"{path.name}: het bestand is leeg; verwacht kolommen {expected}")
    try:
        delim = csv.Sniffer().sniff(lines[0], delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    return csv.reader(lines, delimiter=delim)


def read_adoption(path: str | Path, *, hefboom: str | None = None) -> pd.DataFrame:
    """Read a CSV of adoption years: gm_code, hefboom (lever), adoptiejaar.

    The separator (``,`` ``;`` or tab) is detected. Accepted header aliases: ``lever``
    for hefboom and ``adoption_year`` / ``invoeringsjaar`` / ``jaar`` for adoptiejaar.

    Args:
        path: CSV file.
        hefboom: Keep only this lever (required when the file holds several).

    Returns:
        Frame with columns gm_code, hefboom, adoptiejaar (int) and regel (line number).

    Raises:
        DataError: Unreadable file, a missing column, a bad gm_code or year, or a
            gemeente listed twice for the same lever; the message names file, line, field.
    """
    path = Path(path)
    name = path.name
    reader = _csv_reader(path, "gm_code, hefboom, adoptiejaar")
    header = [h.strip().lower() for h in next(reader)]
    colmap = {}
    for canon, aliases in _ADOPTION_ALIASES.items():
        for a in aliases:
            if a in header:
                colmap[canon] = header.index(a)
                break
    for canon in ("gm_code", "adoptiejaar"):
        if canon not in colmap:
            raise DataError(
                f"{name}, regel 1, veld {canon}: kolom ontbreekt; verwacht kolommen "
                f"gm_code, hefboom, adoptiejaar (gevonden: {', '.join(header)})"
            )
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for lineno, rec in enumerate(reader, start=2):
        if not any(v.strip() for v in rec):
            continue

        def get(canon: str, rec: list[str] = rec) -> str:
            i = colmap.get(canon)
            return rec[i].strip() if i is not None and i < len(rec) else ""

        gm = get("gm_code").upper()
        if not is_gm_code(gm):
            raise DataError(
                f"{name}, regel {lineno}, veld gm_code: {gm!r} is geen gemeentecode; verwacht "
                f"GM gevolgd door 4 cijfers (bijv. GM0855)"
            )
        lever = get("hefboom") or "hefboom"
        yr_txt = get("adoptiejaar")
        try:
            yr = int(float(yr_txt))
            if float(yr_txt) != yr or not 1900 <= yr <= 2100:
                raise ValueError
        except ValueError:
            raise DataError(
                f"{name}, regel {lineno}, veld adoptiejaar: {yr_txt!r} is geen jaartal "
                f"(verwacht bijv. 2019)"
            ) from None
        key = (gm, lever)
        if key in seen:
            raise DataError(
                f"{name}, regel {lineno}, veld gm_code: {gm} staat al op regel {seen[key]} "
                f"voor hefboom '{lever}'; één adoptiejaar per gemeente per hefboom"
            )
        seen[key] = lineno
        rows.append({"gm_code": gm, "hefboom": lever, "adoptiejaar": yr, "regel": lineno})
    out = pd.DataFrame(rows, columns=["gm_code", "hefboom", "adoptiejaar", "regel"])
    if hefboom is not None:
        levers = sorted(out["hefboom"].unique())
        out = out.loc[out["hefboom"] == hefboom]
        if out.empty:
            raise DataError(
                f"{name}, veld hefboom: geen regels voor hefboom '{hefboom}'; aanwezig: "
                f"{', '.join(levers)}"
            )
    return out.reset_index(drop=True)


def read_levers(
    path: str | Path,
    *,
    entity: str = "gm_code",
    time: str = "jaar",
    min_coverage: float = 0.5,
) -> pd.DataFrame:
    """Read a CSV of the user's own lever columns: gm_code, [jaar,] one column per lever.

    Every value is checked on its line (gm_code format, numbers, one row per gemeente ×
    jaar) and every lever column with :func:`check_lever` (not constant, not missing for
    most gemeenten). The separator (``,`` ``;`` or tab) is detected; with ``;`` a decimal
    comma is accepted.

    Args:
        path: CSV file.
        entity: Gemeente column.
        time: Year column (optional in the file).
        min_coverage: Minimum share of gemeenten with a value, per lever.

    Returns:
        Frame gm_code, [jaar,] lever columns (float); ``attrs["levers"]`` lists them.

    Raises:
        DataError: Malformed file; the message names file, line and field.
        ParameterError: A constant or mostly missing lever column (names file and field).
    """
    path = Path(path)
    name = path.name
    reader = _csv_reader(path, f"{entity}, {time}, …")
    header = [h.strip() for h in next(reader)]
    if entity not in header:
        raise DataError(f"{name}, regel 1, veld {entity}: kolom ontbreekt")
    levers = [h for h in header if h not in (entity, time)]
    if not levers:
        raise DataError(f"{name}, regel 1: geen hefboomkolommen naast {entity} en {time}")
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None], int] = {}
    for lineno, rec in enumerate(reader, start=2):
        if not any(v.strip() for v in rec):
            continue
        vals = dict(zip(header, (v.strip() for v in rec), strict=False))
        gm = vals.get(entity, "").upper()
        if not is_gm_code(gm):
            raise DataError(
                f"{name}, regel {lineno}, veld {entity}: {gm!r} is geen gemeentecode; verwacht "
                f"GM gevolgd door 4 cijfers"
            )
        row: dict[str, Any] = {entity: gm}
        yr = None
        if time in header:
            try:
                yr = int(vals.get(time, ""))
            except ValueError:
                raise DataError(
                    f"{name}, regel {lineno}, veld {time}: {vals.get(time)!r} is geen jaartal"
                ) from None
            row[time] = yr
        if (gm, yr) in seen:
            raise DataError(
                f"{name}, regel {lineno}, veld {entity}: {gm}"
                + (f" {yr}" if yr is not None else "")
                + f" staat al op regel {seen[(gm, yr)]}"
            )
        seen[(gm, yr)] = lineno
        for lev in levers:
            v = vals.get(lev, "")
            if v == "":
                row[lev] = np.nan
                continue
            if reader.dialect.delimiter == ";" and re.fullmatch(r"-?\d+,\d+", v):
                v = v.replace(",", ".")
            try:
                row[lev] = float(v)
            except ValueError:
                raise DataError(
                    f"{name}, regel {lineno}, veld {lev}: {v!r} is geen getal"
                ) from None
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise DataError(f"{name}: geen regels na de kopregel")
    for lev in levers:
        check_lever(out, lev, entity=entity, min_coverage=min_coverage, source=name)
    out.attrs["levers"] = levers
    out.attrs["source"] = name
    return out



def adoption_map(
    adoption: pd.DataFrame | str | Path, hefboom: str | None, entity: str, source: str | None
) -> tuple[pd.Series, str]:
    """Adoption year per gm_code (a Series) and the lever's name, from a frame or a CSV."""
    if isinstance(adoption, (str, Path)):
        adoption = read_adoption(adoption, hefboom=hefboom)
    else:
        require_columns(adoption, ["gm_code", "adoptiejaar"], "adoptiebestand")
        if hefboom is not None and "hefboom" in adoption.columns:
            adoption = adoption.loc[adoption["hefboom"] == hefboom]
    levers = sorted(adoption["hefboom"].unique()) if "hefboom" in adoption.columns else []
    if len(levers) > 1:
        raise ParameterError(
            f"adoptiebestand bevat {len(levers)} hefbomen ({', '.join(levers)}); kies er één "
            f"met hefboom="
        )
    if adoption.empty:
        raise ParameterError("adoptiebestand: geen enkele gemeente met een adoptiejaar")
    if adoption["gm_code"].duplicated().any():
        gm = adoption.loc[adoption["gm_code"].duplicated(), "gm_code"].iloc[0]
        raise ParameterError(f"adoptiebestand, veld gm_code: {gm} heeft meer dan één adoptiejaar")
    name = hefboom or (levers[0] if levers else "invoering")
    g = pd.Series(
        pd.to_numeric(adoption["adoptiejaar"]).astype(int).to_numpy(),
        index=adoption["gm_code"].astype(str).to_numpy(),
    )
    return g, name
