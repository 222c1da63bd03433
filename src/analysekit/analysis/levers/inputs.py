"""Checks of the input of every lever fit: columns, numbers, coverage, one row per key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.levers.text import sig
from analysekit.errors import ParameterError


def check_alpha(alpha: float) -> None:
    """Refuse a confidence level outside (0, 1)."""
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha = {alpha}: verwacht een getal tussen 0 en 1 (bijv. 0.05)")


def collinear(x: pd.DataFrame) -> list[str]:
    """Columns that add no rank to the earlier ones (constant or collinear), in order.

    One QR decomposition without pivoting: column j is dependent on columns < j when
    ``|R[j, j]|`` is tiny relative to the column's norm.
    """
    arr = x.to_numpy(dtype=float)
    norms = np.sqrt((arr**2).sum(axis=0))
    r = np.linalg.qr(arr / np.where(norms > 0, norms, 1.0), mode="r")
    small = (np.abs(np.diag(r)) <= 1e-8) | (norms == 0)
    return [c for c, s in zip(x.columns, small, strict=True) if s]


def at(source: str | None) -> str:
    """The source name as a message prefix (``"file.csv, "``)."""
    return f"{source}, " if source else ""


def require_columns(df: pd.DataFrame, cols: Iterable[str], source: str | None) -> None:
    """Refuse a frame without ``cols`` (one line naming the first missing column)."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{at(source)}kolom '{missing[0]}' ontbreekt; beschikbare kolommen: "
            f"{', '.join(map(str, df.columns))}"
        )


def numeric(df: pd.DataFrame, col: str, source: str | None) -> pd.Series:
    """Column ``col`` as float; text that is no number is refused naming row and column."""
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParameterError(
            f"{at(source)}rij {i + 1}, kolom '{col}': waarde {s.iloc[i]!r} is geen getal"
        )
    return conv.astype(float)


def check_lever(
    df: pd.DataFrame,
    lever: str,
    *,
    entity: str = "gm_code",
    time: str | None = None,
    min_coverage: float = 0.5,
    source: str | None = None,
) -> None:
    """Check that a lever column can carry a regression.

    Args:
        df: The frame holding the lever.
        lever: Lever column.
        entity: Gemeente column.
        time: Year column; when given, the lever must also vary within gemeenten
            (otherwise gemeente fixed effects absorb it).
        min_coverage: Minimum share of gemeenten with at least one value.
        source: Name of the file or frame, for the message.

    Raises:
        ParameterError: The column is missing, not numeric, missing for most gemeenten,
            constant, or (panel) constant within every gemeente.
    """
    require_columns(df, [lever, entity], source)
    x = numeric(df, lever, source).to_numpy(dtype=float)
    codes, uniques = pd.factorize(df[entity].to_numpy(), use_na_sentinel=True)
    ok = np.isfinite(x) & (codes >= 0)
    n_g = len(uniques)
    n_with = np.unique(codes[ok]).size
    if n_g == 0 or n_with < min_coverage * n_g:
        missing = n_g - n_with
        raise ParameterError(
            f"{at(source)}kolom '{lever}': ontbreekt voor {missing} van {n_g} gemeenten "
            f"({nl.pct(100 * (missing / max(n_g, 1)))}); minstens "
            f"{nl.pct(100 * min_coverage)} van de gemeenten "
            f"moet een waarde hebben om een effect te schatten"
        )
    vals = x[ok]
    scale = max(1.0, float(np.abs(vals).max()))
    if float(vals.max() - vals.min()) <= 1e-12 * scale:
        raise ParameterError(
            f"{at(source)}kolom '{lever}': heeft voor alle {n_with} gemeenten dezelfde waarde "
            f"({sig(float(vals[0]), 6)}); een hefboom moet tussen gemeenten variëren"
        )
    if time is not None:
        g = codes[ok]
        gmax = np.full(n_g, -np.inf)
        gmin = np.full(n_g, np.inf)
        np.maximum.at(gmax, g, vals)
        np.minimum.at(gmin, g, vals)
        spread = (gmax - gmin)[np.isfinite(gmax)]
        if float(spread.max(initial=0.0)) <= 1e-12 * scale:
            raise ParameterError(
                f"{at(source)}kolom '{lever}': verandert binnen geen enkele gemeente over de "
                f"jaren; met vaste gemeente-effecten is het effect dan niet te schatten "
                f"(gebruik een doorsnede)"
            )


def prepare(
    df: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    entity: str,
    time: str | None,
    source: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Select, convert and drop incomplete rows; return (data, notes)."""
    cols = [entity] + ([time] if time else []) + [outcome, *regressors]
    require_columns(df, cols, source)
    if len(set(cols)) != len(cols):
        raise ParameterError(f"{at(source)}een kolom staat dubbel in de specificatie: {cols}")
    ent = df[entity].to_numpy()
    num_cols = ([time] if time else []) + [outcome, *regressors]
    mat = np.column_stack([numeric(df, c, source).to_numpy(dtype=float) for c in num_cols])
    ent_ok = pd.notna(ent)
    complete = np.isfinite(mat).all(axis=1) & ent_ok
    notes = []
    if not complete.all():
        notes.append(f"{int((~complete).sum())} rijen met ontbrekende waarden weggelaten")
    ent = ent[complete].astype(str)
    mat = mat[complete]
    key = [entity] + ([time] if time else [])
    if time:
        codes, _ = pd.factorize(ent)
        tcodes, tuni = pd.factorize(mat[:, 0])
        pair = codes.astype(np.int64) * len(tuni) + tcodes
        dup_mask = pd.Series(pair).duplicated(keep=False).to_numpy()
    else:
        dup_mask = pd.Series(ent).duplicated(keep=False).to_numpy()
    if dup_mask.any():
        i = int(np.flatnonzero(dup_mask)[0])
        first = [ent[i]] + ([int(mat[i, 0])] if time else [])
        raise ParameterError(
            f"{at(source)}kolommen {key}: de combinatie {first} komt meer dan één keer voor; "
            f"verwacht één rij per {' × '.join(key)}"
        )
    data = {entity: ent}
    for j, c in enumerate(num_cols):
        data[c] = mat[:, j].astype(int) if c == time else mat[:, j]
    return pd.DataFrame(data), notes


# ---------------------------------------------------------------------------
# Two-way within transformation
# ---------------------------------------------------------------------------
