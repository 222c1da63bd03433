"""Resolve a gemeente from a code or a (sloppy) name: ``gemeente("Den Bosch")`` → GM0796.

Accepted queries:

* a GM code (``'GM0855'``, ``'gm855'``) or its number (``'855'``, ``'0855'``);
* a name, matched case-, diacritics-, hyphen-, punctuation- and whitespace-insensitively,
  with or without the CBS suffix (``'Utrecht'`` → ``Utrecht (gemeente)``, ``'Bergen NH'``
  → ``Bergen (NH.)``) and with or without ``'s-`` (``"s Hertogenbosch"``,
  ``"'s-Hertogenbosch"``, ``"Hertogenbosch"``);
* a common alternative name from ``gemeente_aliassen.csv`` (``Den Haag``, ``Den Bosch``).

Names are looked up in the indeling of ``jaar`` (default: the newest year available). A
gemeente that no longer exists in that indeling (e.g. ``'Haaren'``, ``'Leerdam'``, or the
code ``GM0788``) is resolved to its last indeling, with ``opvolgers`` listing the
gemeenten its area went to (from the herindelingen crosswalk) and a
:class:`HerindelingWarning` (a :class:`UserWarning`, via :func:`warnings.warn`).
Unknown or ambiguous queries raise :class:`analysekit.errors.UnknownGemeente` with the
closest matches (:mod:`difflib`).

Data: gemeente codes, names and provincie per indeling year from the built ``gemeenten``
table (2017 onwards; earlier indelingen from the ``grenzen`` table) and the crosswalk from
the built ``herindelingen`` table, all read from ``data/processed``
(:mod:`analysekit.data.store`). Nothing is read from the offline
mirror at run time, so a live install works without it; only the kit's own
``gemeente_aliassen.csv`` is read besides. The index is cached per version of those two
files (a rebuild refreshes it); :func:`clear_cache` resets it. This module never builds:
:func:`analysekit.gemeente` builds missing tables first.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import warnings
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from analysekit.data import store
from analysekit.errors import DataError, ParameterError, UnknownGemeente

ALIAS_FILE = "gemeente_aliassen.csv"
#: A sloppy code query: ``GM0855``, ``gm855``, ``855`` (the strict pattern is vocab.GM_CODE).
_CODE = re.compile(r"^(?:gm)?\s*0*(\d{1,4})$", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


class HerindelingWarning(UserWarning):
    """A queried gemeente no longer exists in the requested indeling (merged or split)."""


@dataclass(frozen=True)
class Opvolger:
    """A successor of a former gemeente in the requested indeling.

    Attributes:
        gm_code: Code of the successor.
        naam: CBS name of the successor in that indeling.
        aandeel: Share of the former gemeente's area that went to it (sums to 1).
    """

    gm_code: str
    naam: str
    aandeel: float


@dataclass(frozen=True)
class Gemeente:
    """A resolved gemeente.

    Attributes:
        gm_code: GM code (``GM0855``).
        naam: CBS name as published in indeling ``jaar``.
        provincie: Provincie (CBS spelling) in indeling ``jaar``, or ``None`` when unknown.
        jaar: Indeling year in which ``gm_code`` and ``naam`` are valid: the requested
            year, or for a former gemeente the last year it existed.
        opvolgers: For a former gemeente, its successors in the requested indeling
            (empty when the gemeente exists in that indeling).
    """

    gm_code: str
    naam: str
    provincie: str | None
    jaar: int
    opvolgers: tuple[Opvolger, ...] = ()

    @property
    def opgeheven(self) -> bool:
        """True when the gemeente no longer exists in the requested indeling."""
        return bool(self.opvolgers)

    @property
    def actuele_codes(self) -> tuple[str, ...]:
        """Codes to use in the requested indeling: the successors, or the code itself."""
        return tuple(o.gm_code for o in self.opvolgers) or (self.gm_code,)


def normalise(name: str) -> str:
    """Normalise a gemeente name for matching.

    Lower case, diacritics and apostrophes removed, every other non-alphanumeric run
    (hyphens, dots, slashes, brackets, whitespace) collapsed to one space:
    ``"'s-Hertogenbosch"`` → ``"s hertogenbosch"``, ``"Súdwest-Fryslân"`` →
    ``"sudwest fryslan"``, ``"Bergen (NH.)"`` → ``"bergen nh"``.
    """
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"['’`‘]", "", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def _keys(naam: str) -> tuple[set[str], set[str]]:
    """Strong keys (full name) and weak keys (without CBS suffix or leading ``'s``)."""
    full = normalise(naam)
    weak = {normalise(_SUFFIX.sub("", naam))}
    for k in (full, *weak):
        if k.startswith("s "):
            weak.add(k[2:])
    weak.discard(full)
    weak.discard("")
    return {full}, weak


# --------------------------------------------------------------------------- data sources


def _names_frame() -> pd.DataFrame:
    """Gemeente codes, names and provincie per indeling year: ``[gm_code, jaar, naam, provincie]``.

    From the ``gemeenten`` table (2017 onwards), plus the earlier indelingen of the
    ``grenzen`` table (names of gemeenten that disappeared before 2017, e.g. De Friese
    Meren), whose provincie is taken from the first ``gemeenten`` year of the same code.
    """
    gem = store.read("gemeenten", columns=["gm_code", "jaar", "naam", "provincie"])
    grenzen = store.read("grenzen", columns=["gm_code", "jaar", "naam"])
    early = grenzen[~grenzen["jaar"].isin(set(gem["jaar"]))]
    if early.empty:
        return gem
    first = gem.sort_values("jaar").drop_duplicates("gm_code").set_index("gm_code")["provincie"]
    early = early.assign(provincie=early["gm_code"].map(first))
    return pd.concat([early, gem], ignore_index=True)


def _crosswalk_frame() -> pd.DataFrame:
    """The herindelingen crosswalk (processed table)."""
    return store.read("herindelingen")


def _aliases() -> pd.DataFrame:
    ref = resources.files("analysekit.data").joinpath(ALIAS_FILE)
    with resources.as_file(ref) as path:
        df = pd.read_csv(path, dtype=str, comment="#", keep_default_na=False)
    if list(df.columns) != ["alias", "gm_code"]:
        raise DataError(
            f"analysekit/data/{ALIAS_FILE}: kolommen {list(df.columns)}; verwacht: alias, gm_code"
        )
    return df.apply(lambda s: s.str.strip())


# --------------------------------------------------------------------------- index


@dataclass(frozen=True)
class _Index:
    names: pd.DataFrame  # gm_code, jaar, naam, provincie
    keys: pd.DataFrame  # key, sterk (bool), gm_code, jaar
    jaren: tuple[int, ...]
    crosswalk: pd.DataFrame
    display: dict[str, str]  # normalised key -> "Naam (GMxxxx)" for suggestions


def _version() -> tuple[tuple[str, int, int], ...]:
    """Identity of the files the index is built from (path, mtime, size)."""
    out = []
    for name in ("gemeenten", "grenzen", "herindelingen"):
        path = store.table_path(name)
        st = path.stat() if path.is_file() else None
        out.append((str(path), st.st_mtime_ns if st else 0, st.st_size if st else 0))
    return tuple(out)


def _index() -> _Index:
    return _index_for(_version())


@functools.lru_cache(maxsize=1)
def _index_for(version: tuple[tuple[str, int, int], ...]) -> _Index:  # noqa: ARG001 - cache key
    names = _names_frame().copy()
    names["jaar"] = names["jaar"].astype(int)
    rows = []
    for code, jaar, naam in names[["gm_code", "jaar", "naam"]].itertuples(index=False):
        strong, weak = _keys(naam)
        rows += [(k, True, code, jaar) for k in strong]
        rows += [(k, False, code, jaar) for k in weak]
    years_of = names.groupby("gm_code")["jaar"].apply(list).to_dict()
    aliases = _aliases()
    for alias, code in aliases.itertuples(index=False):
        if code not in years_of:
            raise DataError(
                f"analysekit/data/{ALIAS_FILE}: alias {alias!r} verwijst naar onbekende code "
                f"{code}; verwacht: een GM-code uit de gemeentetabel"
            )
        rows += [(normalise(alias), True, code, j) for j in years_of[code]]
    keys = pd.DataFrame(rows, columns=["key", "sterk", "gm_code", "jaar"]).drop_duplicates()
    latest = names.sort_values("jaar").drop_duplicates("gm_code", keep="last")
    label = {c: f"{n} ({c})" for c, n in zip(latest["gm_code"], latest["naam"], strict=True)}
    display: dict[str, str] = {}
    for k, code in keys.sort_values("jaar")[["key", "gm_code"]].itertuples(index=False):
        display[k] = label[code]
    return _Index(
        names=names,
        keys=keys,
        jaren=tuple(sorted(names["jaar"].unique().tolist())),
        crosswalk=_crosswalk_frame(),
        display=display,
    )


def clear_cache() -> None:
    """Forget the cached index (e.g. after rebuilding the tables)."""
    _index_for.cache_clear()


# --------------------------------------------------------------------------- resolution


def _check_jaar(idx: _Index, jaar: int | None) -> int:
    if jaar is None:
        return idx.jaren[-1]
    try:
        j = int(jaar)
    except (TypeError, ValueError):
        raise ParameterError(f"jaar={jaar!r}; verwacht: een indelingsjaar zoals 2023") from None
    if j not in idx.jaren:
        raise ParameterError(
            f"jaar={j} heeft geen gemeentelijke indeling in de gegevens; "
            f"verwacht: {idx.jaren[0]}–{idx.jaren[-1]}"
        )
    return j


def _suggest(idx: _Index, query: str) -> str:
    q = normalise(query)
    close = difflib.get_close_matches(q, list(idx.display), n=8, cutoff=0.6)
    labels = list(dict.fromkeys(idx.display[k] for k in close))[:5]
    return (
        f"bedoelde u: {', '.join(labels)}?"
        if labels
        else "geen naam die erop lijkt; geef de volledige naam of de GM-code"
    )


def _make(idx: _Index, code: str, jaar: int, opvolgers: tuple[Opvolger, ...] = ()) -> Gemeente:
    row = idx.names[(idx.names["gm_code"] == code) & (idx.names["jaar"] == jaar)].iloc[0]
    prov = row["provincie"]
    return Gemeente(
        gm_code=code,
        naam=str(row["naam"]),
        provincie=None if pd.isna(prov) else str(prov),
        jaar=int(jaar),
        opvolgers=opvolgers,
    )


def _former(idx: _Index, code: str, last: int, target: int, stacklevel: int) -> Gemeente:
    from analysekit.data.herindeling import chain

    step = chain(idx.crosswalk, last, target)
    step = step[step["van_gm_code"] == code].sort_values("aandeel", ascending=False)
    names = idx.names[idx.names["jaar"] == target].set_index("gm_code")["naam"]
    opv = tuple(
        Opvolger(c, str(names[c]), float(a))
        for c, a in zip(step["naar_gm_code"], step["aandeel"], strict=True)
    )
    g = _make(idx, code, last, opv)
    if len(opv) == 1:
        how = f"opgegaan in {opv[0].naam} ({opv[0].gm_code})"
    else:
        parts = ", ".join(f"{o.naam} ({o.gm_code}) {o.aandeel:.0%}" for o in opv)
        how = f"naar oppervlakte verdeeld over {parts}"
    warnings.warn(
        f"gemeente {g.naam} ({code}) bestond tot {last}; in de indeling {target} is zij {how}",
        HerindelingWarning,
        stacklevel=stacklevel,
    )
    return g


def _resolve_code(idx: _Index, code: str, target: int, query: str) -> Gemeente:
    years = sorted(idx.names.loc[idx.names["gm_code"] == code, "jaar"])
    if not years:
        raise UnknownGemeente(
            f"onbekende gemeentecode {code!r} (gezocht: {query!r}); verwacht: een GM-code uit de "
            f"indelingen {idx.jaren[0]}–{idx.jaren[-1]}"
        )
    if target in years:
        return _make(idx, code, target)
    earlier = [y for y in years if y < target]
    if not earlier:
        raise UnknownGemeente(
            f"gemeente {code} bestaat nog niet in {target}; zij bestaat vanaf {years[0]}"
        )
    return _former(idx, code, earlier[-1], target, stacklevel=4)


def _matches(idx: _Index, keys: list[str], jaar: int) -> list[str]:
    """Codes matching the query keys in indeling ``jaar``.

    The keys are tried in order (the full query, then the query without a CBS suffix such
    as ``(gemeente)``); for each, names matching in full win over names matching without
    their suffix.
    """
    in_year = idx.keys[idx.keys["jaar"] == jaar]
    for key in keys:
        k = in_year[in_year["key"] == key]
        found = sorted(set(k.loc[k["sterk"], "gm_code"])) or sorted(set(k["gm_code"]))
        if found:
            return found
    return []


def gemeente(query: str | int, jaar: int | None = None) -> Gemeente:
    """Resolve a gemeente by GM code, number or name.

    Args:
        query: ``'GM0855'``, ``'855'`` (or the int 855), ``'Tilburg'``, ``"s Hertogenbosch"``,
            ``'Den Haag'``…
        jaar: Indeling year to resolve in (default: the newest available).

    Returns:
        The :class:`Gemeente`. For a gemeente that no longer exists in ``jaar`` it
        describes the former gemeente (its code, name and last year) and lists its
        ``opvolgers``; a :class:`HerindelingWarning` is issued.

    Raises:
        UnknownGemeente: Unknown name or code, a name matching several gemeenten
            (e.g. ``'Bergen'``), or a gemeente that did not exist yet in ``jaar``; the
            message lists the closest matches or the candidates.
        ParameterError: ``jaar`` is not an indeling year in the data.
    """
    if isinstance(query, int) and not isinstance(query, bool):
        query = str(query)
    if not isinstance(query, str) or not query.strip():
        raise UnknownGemeente(f"gemeente {query!r}; verwacht: een GM-code of een naam")
    idx = _index()
    target = _check_jaar(idx, jaar)
    q = query.strip()
    m = _CODE.match(q)
    if m:
        return _resolve_code(idx, f"GM{int(m.group(1)):04d}", target, q)
    keys = list(dict.fromkeys(k for k in (normalise(q), normalise(_SUFFIX.sub("", q))) if k))
    found = _matches(idx, keys, target)
    if len(found) == 1:
        return _make(idx, found[0], target)
    if len(found) > 1:
        opts = ", ".join(f"{_make(idx, c, target).naam} ({c})" for c in found)
        raise UnknownGemeente(
            f"gemeente {q!r} is niet eenduidig in {target}: {opts}; geef de volledige naam of de "
            "GM-code"
        )
    for y in sorted((y for y in idx.jaren if y < target), reverse=True):
        found = _matches(idx, keys, y)
        if len(found) == 1:
            return _former(idx, found[0], y, target, stacklevel=3)
        if len(found) > 1:
            opts = ", ".join(f"{_make(idx, c, y).naam} ({c})" for c in found)
            raise UnknownGemeente(
                f"gemeente {q!r} is niet eenduidig in {y}: {opts}; geef de volledige naam of de "
                "GM-code"
            )
    later = sorted(set(idx.keys.loc[idx.keys["key"].isin(keys), "jaar"]))
    if later:
        raise UnknownGemeente(
            f"gemeente {q!r} bestaat nog niet in {target}; zij bestaat vanaf {later[0]}"
        )
    raise UnknownGemeente(f"onbekende gemeente {q!r}; {_suggest(idx, q)}")


def all_gemeenten(jaar: int | None = None) -> pd.DataFrame:
    """All gemeenten of one indeling.

    Args:
        jaar: Indeling year (default: the newest available).

    Returns:
        DataFrame ``[gm_code, naam, provincie]`` sorted by gm_code.

    Raises:
        ParameterError: ``jaar`` is not an indeling year in the data.
    """
    idx = _index()
    target = _check_jaar(idx, jaar)
    df = idx.names.loc[idx.names["jaar"] == target, ["gm_code", "naam", "provincie"]]
    return df.sort_values("gm_code").reset_index(drop=True)
