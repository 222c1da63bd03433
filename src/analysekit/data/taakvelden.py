"""Taakveld → domein, stable across the Iv3 revisions of 2017, 2023 and 2025.

The Iv3 taakvelden of the sociaal domein (hoofdtaakveld 6) changed twice:

* **2017–2022**: 6.1–6.6, 6.71 and 6.72 (maatwerkdienstverlening 18+ / 18-), 6.81 and
  6.82 (geëscaleerde zorg 18+ / 18-).
* **2023–2024**: the four aggregates are refined into 6.71a–d (Wmo maatwerk), 6.72a–d,
  6.73a–c and 6.74a–c (jeugdhulp zonder verblijf, met verblijf, and GGZ/crisis/gesloten),
  6.81a–b (beschermd wonen, opvang) and 6.82a–b (jeugdbescherming, jeugdreclassering).
  The aggregate codes remain in the definitie file and in the CBS data; see
  :func:`drop_replaced_aggregates`.
* **2025–2026**: a new numbering: toegang split into 6.21 (Wmo), 6.22 (Jeugd), 6.23
  (integraal); 6.60 hulpmiddelen; 6.711–6.714 Wmo maatwerk; 6.751–6.753 and 6.761–6.763
  jeugdhulp ambulant / met verblijf (lokaal, regionaal, landelijk); 6.791/6.792 PGB;
  6.811/6.812 and 6.821/6.822; 6.91/6.92 coördinatie en beleid.

``taakveld_domein.csv`` (next to this module) maps every code of all three revisions to

* ``domein``: the gemeentefonds cluster of the sociaal domein, which is the vocabulary of
  the whole kit. The clusters of the algemene uitkering are defined by taakvelden and did
  not change with the revisions: *Sociale basisvoorzieningen* = 6.1 and 6.2 (all toegang
  and wijkteams, so also 6.21–6.23, including toegang Jeugd: the cluster funds the
  generic front door, not the individual provisions); *Participatie* = 6.3, 6.4, 6.5;
  *Individuele voorzieningen Wmo* (``Wmo``) = 6.6, 6.71, 6.81 and their successors
  (6.60, 6.71a–d, 6.711–6.714, 6.81a–b, 6.811/6.812) plus the new 6.791 PGB Wmo and 6.91
  coördinatie Wmo; *Individuele voorzieningen Jeugd* (``Jeugd``) = 6.72, 6.82 and their
  successors (6.72a–d, 6.73a–c, 6.74a–c, 6.751–6.763, 6.82a–b, 6.821/6.822) plus 6.792
  PGB Jeugd and 6.92 coördinatie Jeugd. All other taakvelden are ``Overig``.
* ``subdomein``: a label that means the same in every revision in which it occurs, so
  2023–2024 and 2025–2026 can be compared below the domein level (e.g. ``Huishoudelijke
  hulp`` = 6.71a = 6.711; ``Jeugdhulp met verblijf`` = 6.73a–c, 6.74b–c = 6.761–6.763;
  ``Jeugdbescherming/reclassering`` = 6.82 = 6.82a–b = 6.821–6.822). 6.74a (GGZ zonder
  verblijf) is ambulant; 6.74b (crisis/LTA/GGZ-verblijf) and 6.74c (gesloten plaatsing)
  are met verblijf. The 2017–2022 aggregates 6.71, 6.72 and 6.81 cover several
  subdomeinen and get their own "(niet uitgesplitst)" label: before 2023 compare at the
  domein level. PGB is booked on its own taakveld only from 2025 (earlier it is inside
  the other codes), so ``PGB`` has no earlier counterpart.
* ``vervangen_door``: for the aggregates 6.71, 6.72, 6.81 and 6.82, the codes that refine
  them in 2023–2024 (6.72 → 6.72a–d, 6.73a–c, 6.74a–c).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit.errors import DataError, ParameterError
from analysekit.paths import mirror_dir
from analysekit.vocab import DOMEINEN, IV3_AMOUNTS, OVERIG

log = logging.getLogger(__name__)

BOEKJAREN = tuple(range(2017, 2027))
DEFINITIE_DIR = "cbs-iv3-definities"
MAPPING_FILE = "taakveld_domein.csv"
TAAKVELD_CODE = re.compile(r"^\d\.\d+[a-z]?$")
TABLE_COLUMNS = [
    "jaar",
    "taakveld",
    "taakveld_naam",
    "domein",
    "subdomein",
    "is_aggregaat",
    "hoofdtaakveld",
]
AMOUNT_COLUMNS = IV3_AMOUNTS
#: An aggregate row equal to the sum of its sub-codes within this relative tolerance is a
#: subtotal (dropped); otherwise a non-zero aggregate holds its own bookings (kept).
SUBTOTAL_RTOL = 0.005


def definitie_path(jaar: int, mirror: str | Path | None = None) -> Path:
    """Path of the CBS Iv3 definitie file of one boekjaar in the mirror."""
    return mirror_dir(mirror) / DEFINITIE_DIR / f"iv3_definities_Gemeente_{jaar}.json"


@functools.lru_cache(maxsize=1)
def taakveld_mapping() -> pd.DataFrame:
    """Read and check ``taakveld_domein.csv`` (the sociaal-domein name mapping).

    Returns:
        DataFrame ``[taakveld, omschrijving, domein, subdomein, vervangen_door]`` with
        ``vervangen_door`` as a tuple of codes (empty when not an aggregate).

    Raises:
        DataError: The file is malformed, a code occurs twice, a domein is not one of the
            four sociaal-domein clusters, or ``vervangen_door`` names an unknown code.
    """
    ref = resources.files("analysekit.data").joinpath(MAPPING_FILE)
    name = f"analysekit/data/{MAPPING_FILE}"
    try:
        with resources.as_file(ref) as path:
            lines = path.read_text(encoding="utf-8").splitlines()
            df = pd.read_csv(path, dtype=str, comment="#", keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise DataError(f"{name}: niet leesbaar ({exc})") from None
    need = ["taakveld", "omschrijving", "domein", "subdomein", "vervangen_door"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"{name}: kolom(men) {', '.join(missing)} ontbreken; verwacht: {need}")
    df = df[need].apply(lambda s: s.str.strip())
    header_line = next(n for n, line in enumerate(lines, 1) if not line.startswith("#"))
    for i, row in df.iterrows():
        where = f"{name}: regel {header_line + int(i) + 1}"
        if not TAAKVELD_CODE.match(row["taakveld"]) or not row["taakveld"].startswith("6."):
            raise DataError(
                f"{where}: taakveld {row['taakveld']!r}; verwacht: een code als '6.72a'"
            )
        if row["domein"] not in DOMEINEN:
            raise DataError(
                f"{where}: domein {row['domein']!r}; verwacht: een van {', '.join(DOMEINEN)}"
            )
        if not row["subdomein"]:
            raise DataError(f"{where}: subdomein is leeg; verwacht: een omschrijving")
    dup = df["taakveld"].duplicated()
    if dup.any():
        raise DataError(
            f"{name}: taakveld {df['taakveld'][dup].iloc[0]} komt twee keer voor; verwacht: "
            "één rij per taakveld"
        )
    df["vervangen_door"] = df["vervangen_door"].map(
        lambda v: tuple(c.strip() for c in v.split(";") if c.strip())
    )
    known = set(df["taakveld"])
    for code, subs in zip(df["taakveld"], df["vervangen_door"], strict=True):
        unknown = [s for s in subs if s not in known]
        if unknown:
            raise DataError(
                f"{name}: vervangen_door van {code} noemt {unknown[0]!r}, dat niet in het "
                "bestand staat; verwacht: een taakveld uit dit bestand"
            )
    return df.reset_index(drop=True)


def aggregates() -> dict[str, tuple[str, ...]]:
    """Aggregate taakvelden and the codes that refine them (6.71 → 6.71a–d, ...)."""
    m = taakveld_mapping()
    return {c: s for c, s in zip(m["taakveld"], m["vervangen_door"], strict=True) if s}


def _read_definitie(path: Path, jaar: int) -> pd.DataFrame:
    """Flatten the taakveld code list of one definitie file.

    Returns:
        DataFrame ``[taakveld, taakveld_naam, hoofdtaakveld, hoofdtaakveld_naam]``.
    """
    if not path.is_file():
        raise DataError(
            f"{path}: bestand niet gevonden in de mirror; verwacht: de Iv3-definitie {jaar}"
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        nodes = doc["codelijsten"]["taakveld"]["codelijst"]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: geen geldige JSON ({exc})") from None
    except (KeyError, TypeError):
        raise DataError(
            f"{path}: geen codelijsten.taakveld.codelijst; verwacht: een CBS Iv3-definitiebestand"
        ) from None
    rows: list[tuple[str, str, str, str]] = []

    def walk(items: list, group: tuple[str, str]) -> None:
        for node in items:
            try:
                code = str(node["code"]).strip()
                label = " ".join(str(node.get("omschrijving", "")).split())
            except (KeyError, TypeError):
                raise DataError(
                    f"{path}: taakveldknoop zonder code: {node!r}; verwacht: een veld 'code'"
                ) from None
            subs = node.get("subcodes") or []
            if code == "Tot_TV" or code.endswith("."):
                walk(subs, (code.rstrip("."), label) if code.endswith(".") else group)
                continue
            if not TAAKVELD_CODE.match(code):
                raise DataError(
                    f"{path}: taakveldcode {code!r}; verwacht: een code als '6.72a' of een groep "
                    "als '6.'"
                )
            hoofd = group[0] or code.split(".")[0]
            rows.append((code, label, hoofd, group[1]))
            if subs:
                walk(subs, group)

    walk(nodes, ("", ""))
    if not rows:
        raise DataError(f"{path}: geen taakvelden in de codelijst; verwacht: een CBS Iv3-definitie")
    return pd.DataFrame(rows, columns=["taakveld", "taakveld_naam", "hoofdtaakveld", "groep"])


@functools.lru_cache(maxsize=4)
def _taakveld_table_cached(mirror: Path) -> pd.DataFrame:
    mapping = taakveld_mapping().set_index("taakveld")
    aggs = aggregates()
    frames = []
    for jaar in BOEKJAREN:
        path = mirror / DEFINITIE_DIR / f"iv3_definities_Gemeente_{jaar}.json"
        d = _read_definitie(path, jaar)
        sd = d["hoofdtaakveld"] == "6"
        unknown = sorted(set(d.loc[sd, "taakveld"]) - set(mapping.index))
        if unknown:
            raise DataError(
                f"{path}: taakveld {unknown[0]} (sociaal domein) van boekjaar {jaar} staat niet "
                f"in analysekit/data/{MAPPING_FILE}; voeg het toe met domein en subdomein"
            )
        codes = set(d["taakveld"])
        d["jaar"] = jaar
        d["domein"] = np.where(sd, d["taakveld"].map(mapping["domein"]), OVERIG)
        d["subdomein"] = np.where(
            sd, d["taakveld"].map(mapping["subdomein"]), d["groep"].str.capitalize()
        )
        refined = {a for a, subs in aggs.items() if codes.intersection(subs)}
        d["is_aggregaat"] = d["taakveld"].isin(refined).astype(bool)
        frames.append(d)
    out = pd.concat(frames, ignore_index=True)
    out["jaar"] = out["jaar"].astype("int64")
    return out[TABLE_COLUMNS]


def taakveld_table(mirror: str | Path | None = None) -> pd.DataFrame:
    """All taakvelden per boekjaar 2017–2026 with their name, domein and subdomein.

    Built from the CBS definitie files ``cbs-iv3-definities/iv3_definities_Gemeente_<jaar>
    .json`` in the mirror and ``taakveld_domein.csv``.

    Args:
        mirror: Mirror folder; default from :func:`analysekit.paths.mirror_dir`.

    Returns:
        DataFrame ``[jaar, taakveld, taakveld_naam, domein, subdomein, is_aggregaat,
        hoofdtaakveld]``. ``taakveld_naam`` is the official name of that boekjaar;
        ``is_aggregaat`` is true for 6.71, 6.72, 6.81, 6.82 in the years whose definitie
        also has their refinements (2023, 2024); ``hoofdtaakveld`` is ``'0'`` … ``'8'``;
        for non-sociaal-domein taakvelden ``subdomein`` is the hoofdtaakveld name.

    Raises:
        DataError: A definitie file is missing or malformed, or a 6.x code of some year is
            not in ``taakveld_domein.csv`` (the message names the code and year).
    """
    return _taakveld_table_cached(mirror_dir(mirror)).copy()


#: Codes that no CBS definitie file has but a source publishes as the sum of official
#: sub-codes (``cbs-iv3-meerjarig`` rolls 6.73a–c up into "6.73", …). Their domein is the
#: one domein of their parts (see :func:`_rollup_domein`).
ROLLUPS: dict[str, tuple[str, ...]] = {
    "6.73": ("6.73a", "6.73b", "6.73c"),
    "6.74": ("6.74a", "6.74b", "6.74c"),
    "6.75": ("6.751", "6.752", "6.753"),
    "6.76": ("6.761", "6.762", "6.763"),
    "6.79": ("6.791", "6.792"),
}


def _rollup_domein(code: str) -> str:
    """The domein of a rolled-up code: that of its parts, which must agree."""
    m = taakveld_mapping().set_index("taakveld")["domein"]
    domeinen = sorted({m[c] for c in ROLLUPS[code]})
    if len(domeinen) != 1:
        raise DataError(
            f"taakveld {code!r} telt {', '.join(ROLLUPS[code])} samen, die in verschillende "
            f"domeinen vallen ({', '.join(domeinen)}); verwacht: eerst verdelen (6.79 via "
            "mirror.iv3_meerjarig.split_pgb)"
        )
    return str(domeinen[0])


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{what}: kolom(men) {', '.join(repr(m) for m in missing)} ontbreken; "
            f"verwacht: {', '.join(cols)}"
        )


def drop_replaced_aggregates(iv3: pd.DataFrame) -> pd.DataFrame:
    """Drop aggregate taakvelden that their refinements replace, so nothing counts twice.

    For each (gm_code, jaar, verslagsoort) in which at least one sub-code of 6.71, 6.72,
    6.81 or 6.82 is present (see :func:`aggregates`), the aggregate row is

    * **dropped** when all its amounts are 0 or missing (the usual case in 2023–2024), or
      when it equals the sum of its sub-codes within 0.5% in every amount column (a
      subtotal, as some sources publish; keeping it would count the money twice);
    * **kept** otherwise. In the CBS data the aggregate is *not* a subtotal but a code of
      its own on which a few gemeenten still book (e.g. Asten 2023 jaarrekening has all
      its Wmo maatwerk on 6.71 and 0 on 6.71a–d; Almere has −278 thousand on 6.71 next to
      41.5 million on 6.71a–d). Dropping such rows would lose that money, so they stay
      with their own "(niet uitgesplitst)" subdomein and the domein totals stay right.
      The number of kept rows is logged at INFO level.

    Where no sub-code is present (boekjaren up to 2022) the aggregates are the real codes
    and are always kept.

    Args:
        iv3: Frame with ``gm_code, jaar, verslagsoort, taakveld`` and amount columns
            (``lasten_eur, baten_eur, salarissen_eur``, those present are used).

    Returns:
        The frame without the replaced aggregate rows (same columns, index reset).

    Raises:
        ParameterError: A key column is missing.
    """
    keys = ["gm_code", "jaar", "verslagsoort"]
    _require(iv3, [*keys, "taakveld"], "drop_replaced_aggregates")
    amounts = [c for c in AMOUNT_COLUMNS if c in iv3.columns]
    aggs = aggregates()
    parent = {s: a for a, subs in aggs.items() for s in subs}
    tv = iv3["taakveld"].astype(str)
    is_agg = tv.isin(list(aggs))
    is_sub = tv.isin(list(parent))
    if not is_agg.any() or not is_sub.any():
        return iv3.reset_index(drop=True)
    subs = iv3.loc[is_sub, keys + amounts].assign(taakveld=tv[is_sub].map(parent))
    sub_sum = subs.groupby([*keys, "taakveld"], dropna=False).sum(min_count=1)
    sub_n = subs.groupby([*keys, "taakveld"], dropna=False).size().rename("_n")
    agg_rows = iv3.loc[is_agg, [*keys, "taakveld", *amounts]].copy()
    agg_rows["_pos"] = np.flatnonzero(is_agg.to_numpy())
    m = agg_rows.merge(
        sub_sum.add_suffix("_sub").join(sub_n).reset_index(),
        on=[*keys, "taakveld"],
        how="left",
    )
    has_subs = m["_n"].fillna(0) > 0
    zero = np.ones(len(m), dtype=bool)
    subtotal = np.ones(len(m), dtype=bool)
    for c in amounts:
        a = m[c].fillna(0.0).to_numpy(dtype=float)
        s = m[f"{c}_sub"].fillna(0.0).to_numpy(dtype=float)
        zero &= a == 0
        subtotal &= ((a == 0) & (s == 0)) | (
            (s != 0) & (np.abs(a - s) <= SUBTOTAL_RTOL * np.abs(s))
        )
    drop = has_subs.to_numpy() & (zero | subtotal)
    kept = int((has_subs.to_numpy() & ~drop).sum())
    if kept:
        log.info(
            "kept %d non-zero aggregate taakveld row(s) (6.71/6.72/6.81/6.82) that are not "
            "subtotals of their sub-codes",
            kept,
        )
    mask = np.ones(len(iv3), dtype=bool)
    mask[m.loc[drop, "_pos"].to_numpy()] = False
    return iv3.loc[mask].reset_index(drop=True)


def add_domein(iv3: pd.DataFrame, mirror: str | Path | None = None) -> pd.DataFrame:
    """Add ``taakveld_naam`` and ``domein`` to an Iv3 frame.

    The name is the official one of the row's boekjaar; for a boekjaar without definitie
    file, or a code missing from that year's file, the name of the nearest boekjaar that
    has the code is used (the later one on a tie).

    Args:
        iv3: Frame with ``jaar`` and ``taakveld``.
        mirror: Mirror folder with the CBS definitie files.

    Returns:
        A copy with ``taakveld_naam`` and ``domein`` (existing columns of those names are
        replaced).

    Raises:
        ParameterError: ``jaar`` or ``taakveld`` is missing.
        DataError: A taakveld is in no definitie file 2017–2026, or a 6.x code is not in
            ``taakveld_domein.csv``.
    """
    _require(iv3, ["jaar", "taakveld"], "add_domein")
    table = taakveld_table(mirror)
    pairs = iv3[["jaar", "taakveld"]].drop_duplicates().astype({"taakveld": str})
    cand = pairs.merge(
        table[["jaar", "taakveld", "taakveld_naam", "domein"]].rename(columns={"jaar": "def_jaar"}),
        on="taakveld",
        how="left",
    )
    rolled = cand["def_jaar"].isna() & cand["taakveld"].isin(list(ROLLUPS))
    if rolled.any():
        domein = {c: _rollup_domein(c) for c in cand.loc[rolled, "taakveld"].unique()}
        cand.loc[rolled, "domein"] = cand.loc[rolled, "taakveld"].map(domein)
        cand.loc[rolled, "taakveld_naam"] = cand.loc[rolled, "taakveld"].map(
            lambda c: f"{ROLLUPS[c][0]}–{ROLLUPS[c][-1]} samen"
        )
        cand.loc[rolled, "def_jaar"] = cand.loc[rolled, "jaar"]
    unknown = cand[cand["def_jaar"].isna()]
    if len(unknown):
        row = unknown.iloc[0]
        raise DataError(
            f"taakveld {row['taakveld']!r} (jaar {row['jaar']}) staat in geen enkel CBS "
            f"Iv3-definitiebestand {BOEKJAREN[0]}–{BOEKJAREN[-1]}; verwacht: een code als '6.72a' "
            "of '0.10'"
        )
    cand["_dist"] = (cand["def_jaar"] - cand["jaar"].astype("int64")).abs()
    best = (
        cand.sort_values(
            ["jaar", "taakveld", "_dist", "def_jaar"], ascending=[True, True, True, False]
        )
        .drop_duplicates(["jaar", "taakveld"])
        .loc[:, ["jaar", "taakveld", "taakveld_naam", "domein"]]
    )
    out = iv3.drop(columns=[c for c in ("taakveld_naam", "domein") if c in iv3.columns])
    out = out.merge(best, on=["jaar", "taakveld"], how="left", validate="many_to_one")
    return out
