"""Chainable data checks (pudl-style) for cross-table and content rules.

Column types and keys are checked by the pandera schemas in :mod:`analysekit.data.schemas`;
this module adds rules a schema cannot express, as a fluent chain::

    Checks(iv3, "iv3").no_nulls("gm_code").count_between(
        "gm_code", 300, 400, where=lambda d: d.jaar.eq(2023)
    ).subset_of("gm_code", gemeenten.gm_code, "gemeenten")

Every failing check raises :class:`analysekit.errors.DataError` with one line naming the
table, the rule and an example of what broke it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from analysekit.errors import DataError

Where = Callable[[pd.DataFrame], pd.Series] | None


class Checks:
    """A chain of checks on one DataFrame; each method returns ``self``."""

    def __init__(self, df: pd.DataFrame, name: str) -> None:
        self.df = df
        self.name = name

    def _sel(self, where: Where) -> pd.DataFrame:
        return self.df[where(self.df)] if where is not None else self.df

    def _fail(self, rule: str, example: object) -> None:
        raise DataError(f"tabel {self.name!r}: {rule} (bijv. {example})")

    def not_empty(self) -> Checks:
        """The table has at least one row."""
        if self.df.empty:
            self._fail("is leeg; verwacht: rijen", "geen rijen")
        return self

    def no_nulls(self, *cols: str, where: Where = None) -> Checks:
        """The columns have no missing values."""
        d = self._sel(where)
        for c in cols:
            if d[c].isna().any():
                self._fail(
                    f"kolom {c!r} heeft ontbrekende waarden; verwacht: geen",
                    d[d[c].isna()].iloc[0].to_dict(),
                )
        return self

    def unique(self, cols: Iterable[str]) -> Checks:
        """The columns form a unique key."""
        cols = list(cols)
        dup = self.df.duplicated(cols)
        if dup.any():
            self._fail(
                f"dubbele sleutel {cols}; verwacht: uniek", self.df.loc[dup, cols].iloc[0].to_dict()
            )
        return self

    def count_between(self, col: str, lo: int, hi: int, where: Where = None) -> Checks:
        """The number of distinct values of ``col`` lies in [lo, hi]."""
        n = self._sel(where)[col].nunique()
        if not lo <= n <= hi:
            self._fail(f"{n} verschillende {col}; verwacht: tussen {lo} en {hi}", n)
        return self

    def count_between_by(self, col: str, lo: int, hi: int, by: list[str]) -> Checks:
        """Within every group of ``by``, the number of distinct ``col`` values lies in [lo, hi]."""
        counts = self.df.groupby(by)[col].nunique()
        bad = counts[(counts < lo) | (counts > hi)]
        if len(bad):
            key = bad.index[0]
            where = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
            self._fail(
                f"{int(bad.iloc[0])} verschillende {col} voor {where}; verwacht: tussen {lo} "
                f"en {hi}",
                key,
            )
        return self

    def subset_of(self, col: str, allowed: Iterable[object], what: str) -> Checks:
        """Every value of ``col`` occurs in ``allowed``."""
        allowed_set = set(allowed)
        bad = ~self.df[col].isin(allowed_set)
        if bad.any():
            self._fail(
                f"waarden van {col} niet in {what}; verwacht: alleen bekende waarden",
                self.df.loc[bad, col].iloc[0],
            )
        return self

    def in_range(self, col: str, lo: float, hi: float, where: Where = None) -> Checks:
        """Non-missing values of ``col`` lie in [lo, hi]."""
        d = self._sel(where)
        bad = d[col].notna() & ~d[col].between(lo, hi)
        if bad.any():
            self._fail(
                f"{col} buiten [{lo}, {hi}]; verwacht: daarbinnen", d.loc[bad].iloc[0].to_dict()
            )
        return self

    def sums_equal(
        self, value: str, by: list[str], other: pd.DataFrame, other_value: str, rtol: float = 1e-9
    ) -> Checks:
        """Group sums of ``value`` equal those of ``other_value`` in ``other`` (same keys)."""
        a = self.df.groupby(by)[value].sum()
        b = other.groupby(by)[other_value].sum().reindex(a.index).fillna(0.0)
        diff = (a - b).abs() > rtol * a.abs().clip(lower=1.0)
        if diff.any():
            idx = diff[diff].index[0]
            self._fail(
                f"som van {value} per {by} wijkt af van {other_value}; verwacht: gelijk",
                (idx, a[idx], b[idx]),
            )
        return self
