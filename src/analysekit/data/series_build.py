"""Building the comparable domein series (the computation behind :mod:`analysekit.data.series`).

`data build` calls :func:`build_domein_reeks`; :mod:`analysekit.data.series` reads the
built table and computes on the fly only for another reference indeling. Kept apart so
that the build does not import the reader (which builds the tables when they are missing).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN, OVERIG, TOTAAL

__all__ = [
    "DEFINITIES",
    "NATIONALE_GROEPEN",
    "REEKS_COLUMNS",
    "VAST_UITGESLOTEN",
    "breuken",
    "build_domein_reeks",
    "opgegaan",
    "read_tables",
]

DEFINITIES = ("gepubliceerd", "vast")
#: Taakvelden left out of the fixed definition (``definitie = "vast"``).
VAST_UITGESLOTEN = frozenset({"6.1", "6.91", "6.92"})
REEKS_COLUMNS = [
    "gm_code",
    "indeling_jaar",
    "jaar",
    "verslagsoort",
    "definitie",
    "domein",
    "lasten_eur",
    "baten_eur",
    "netto_eur",
    "inwoners",
    "lasten_per_inwoner",
    "netto_per_inwoner",
    "geleverd",
    "baten_bekend",
    "n_voorgangers",
    "breuk",
]
_KEY = ["gm_code", "jaar", "verslagsoort"]

#: Groups of the national check: label → code pattern (every Iv3 revision).
NATIONALE_GROEPEN: dict[str, str] = {
    "6.6": r"^6\.60?$",
    "6.71": r"^6\.71([a-d]|[1-4])?$",
    "6.72–6.74": r"^6\.7[234][a-d]?$|^6\.7[56]\d?$",
    "6.81": r"^6\.81([ab]|[12])?$",
    "6.82": r"^6\.82([ab]|[12])?$",
}


def read_tables(data_dir: str | Path | None) -> dict[str, pd.DataFrame]:
    """The canonical tables the series is computed from, read from ``data_dir``."""
    from analysekit.data import store

    cols = ["gm_code", "jaar", "verslagsoort", "taakveld", "taakveld_naam", "domein",
            "lasten_eur", "baten_eur", "baten_bekend"]
    return {
        "iv3": store.read("iv3", columns=cols, data_dir=data_dir),
        "iv3_levering": store.read("iv3_levering", data_dir=data_dir),
        "herindelingen": store.read("herindelingen", data_dir=data_dir),
        "gemeenten": store.read("gemeenten", columns=["gm_code", "jaar", "inwoners"],
                                data_dir=data_dir),
        "iv3_totalen": store.read("iv3_totalen", data_dir=data_dir),
    }

def breuken(iv3: pd.DataFrame) -> pd.DataFrame:
    """The definition breaks, each in the year it starts, with a Dutch note.

    Args:
        iv3: The canonical ``iv3`` table (for the national 6.1 figures named in the note
            and to see whether PGB 6.79 was estimated).

    Returns:
        DataFrame ``[jaar, definitie, domein, breuk]`` (one row per affected domein).
    """
    rows: list[tuple[int, str, str, str]] = []
    jr = iv3[(iv3["verslagsoort"] == "jaarrekening") & (iv3["taakveld"] == "6.1")]
    tot = jr.groupby("jaar")["lasten_eur"].sum()
    figs = ", ".join(
        f"{nl.eur(tot[j], compact=True)} in {j}" for j in (2021, 2022, 2023) if j in tot.index
    )
    zes_een = (
        "Breuk: taakveld 6.1 (samenkracht en burgerparticipatie) is vanaf 2022 breder gevuld"
        + (f" (landelijke lasten jaarrekening {figs})" if figs else "")
        + "; een stijging vanaf 2022 is deels een definitiewijziging."
    )
    for d in ("Sociale basisvoorzieningen", TOTAAL):
        rows.append((2022, "gepubliceerd", d, zes_een))
    jeugd = (
        "Breuk: vanaf 2023 is Jeugd fijner ingedeeld (6.72 → 6.72a–d, 6.73a–c, 6.74a–c; "
        "6.82 → 6.82a–b); de domeinsom (6.72–6.74 + 6.82) telt dezelfde taakvelden, maar "
        "de boekingen per subtaakveld zijn niet vergelijkbaar met eerdere jaren."
    )
    for defi in DEFINITIES:
        rows.append((2023, defi, "Jeugd", jeugd))
    nieuw = (
        "Breuk: vanaf 2025 nieuwe taakveldnummering (toegang 6.21–6.23, pgb op 6.791/6.792, "
        "coördinatie en beleid op 6.91/6.92)"
    )
    for defi in DEFINITIES:
        extra = (
            "; 6.91/6.92 blijven in deze vaste definitie buiten beschouwing."
            if defi == "vast"
            else "; kosten van coördinatie en beleid stonden eerder deels op overhead (0.4)."
        )
        for d in (*DOMEINEN[:3], TOTAAL):
            rows.append((2025, defi, d, nieuw + extra))
    geschat = iv3["taakveld_naam"].astype(str).str.contains("geschat", regex=False)
    for jaar in sorted(int(j) for j in iv3.loc[geschat, "jaar"].unique()):
        note = (
            f"Let op: de pgb-lasten van {jaar} (6.79) zijn in de bron niet gesplitst en hier "
            "geschat over Wmo en Jeugd verdeeld naar de begroting van het jaar ervoor."
        )
        for defi in DEFINITIES:
            for d in ("Wmo", "Jeugd"):
                rows.append((jaar, defi, d, note))
    out = pd.DataFrame(rows, columns=["jaar", "definitie", "domein", "breuk"])
    return (
        out.groupby(["jaar", "definitie", "domein"], as_index=False, sort=True)["breuk"]
        .agg(" ".join)
    )


def _submissions(t: dict[str, pd.DataFrame], definitie: str) -> pd.DataFrame:
    """Per gemeente (own indeling) × jaar × verslagsoort × domein: amounts and flags."""
    iv3 = t["iv3"]
    sd = iv3[iv3["domein"] != OVERIG]
    if definitie == "vast":
        sd = sd[~sd["taakveld"].isin(VAST_UITGESLOTEN)]
    g = sd.groupby([*_KEY, "domein"], as_index=False, sort=False)[
        ["lasten_eur", "baten_eur"]
    ].sum(min_count=1)
    lev = t["iv3_levering"][[*_KEY, "geleverd"]]
    bekend = iv3.groupby(_KEY, as_index=False, sort=False)["baten_bekend"].all()
    grid = lev.merge(pd.DataFrame({"domein": list(DOMEINEN)}), how="cross")
    m = grid.merge(g, on=[*_KEY, "domein"], how="left").merge(bekend, on=_KEY, how="left")
    m["baten_bekend"] = m["baten_bekend"].fillna(False).astype(bool) & m["geleverd"]
    # A delivered submission without bookings in a domein really is 0 there.
    for col in ("lasten_eur", "baten_eur"):
        m[col] = m[col].where(~m["geleverd"] | m[col].notna(), 0.0)
    m.loc[~m["geleverd"], ["lasten_eur", "baten_eur"]] = np.nan
    m.loc[~m["baten_bekend"], "baten_eur"] = np.nan
    inw = t["gemeenten"][["gm_code", "jaar", "inwoners"]].astype({"inwoners": "float64"})
    tot = t["iv3_totalen"][["gm_code", "jaar", "verslagsoort", "inwoners"]]
    tot = tot.rename(columns={"inwoners": "_inw_opgave"})
    m = m.merge(inw, on=["gm_code", "jaar"], how="left").merge(tot, on=_KEY, how="left")
    m["inwoners"] = m["inwoners"].fillna(m.pop("_inw_opgave").astype("float64"))
    return m


def _mapping(cw: pd.DataFrame, jaar: int, target: int, codes: set[str]) -> pd.DataFrame | None:
    """van_gm_code → naar_gm_code, aandeel from indeling ``jaar`` to ``target``."""
    from analysekit.data.herindeling import chain, indeling_years

    jaren = indeling_years(cw)
    if jaar in jaren and target in jaren and jaar <= target:
        return chain(cw, jaar, target)[["van_gm_code", "naar_gm_code", "aandeel"]]
    target_codes = set(chain(cw, target, target)["van_gm_code"]) if target in jaren else set()
    if jaar > jaren[-1] and codes <= target_codes:
        c = sorted(codes)
        return pd.DataFrame({"van_gm_code": c, "naar_gm_code": c, "aandeel": 1.0})
    return None


def opgegaan(levering: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Submissions missing because the gemeente was absorbed during that year.

    A gemeente that did not deliver for a jaar, whose area goes wholly to one gemeente
    that already existed that jaar and did deliver, merged during the year (Weesp joined
    Amsterdam on 24 March 2022 and sent no jaarrekening 2022): the successor's figures
    hold it for the rest of the year, so it does not make the successor's series missing.

    Returns:
        The levering rows ``[gm_code, jaar, verslagsoort, opvolger]`` this applies to.
    """
    from analysekit.data.herindeling import chain, indeling_years

    jaren = set(indeling_years(crosswalk))
    niet = levering[~levering["geleverd"]]
    geleverd = set(
        zip(*(levering.loc[levering["geleverd"], c] for c in _KEY), strict=True)
    )
    rows = []
    for jaar, g in niet.groupby("jaar", sort=True):
        jaar = int(jaar)
        if jaar not in jaren or jaar + 1 not in jaren:
            continue
        step = chain(crosswalk, jaar, jaar + 1)
        naar = step.groupby("van_gm_code")["naar_gm_code"].agg(list)
        for gm, vs in zip(g["gm_code"], g["verslagsoort"], strict=True):
            n = naar.get(gm, [])
            if len(n) == 1 and n[0] != gm and (n[0], jaar, vs) in geleverd:
                rows.append((gm, jaar, vs, n[0]))
    return pd.DataFrame(rows, columns=[*_KEY, "opvolger"])


def _reeks(
    t: dict[str, pd.DataFrame],
    target: int,
    definitie: str,
    weg: pd.DataFrame,
    steps: dict[int, pd.DataFrame | None],
) -> pd.DataFrame:
    sub = _submissions(t, definitie)
    cw = t["herindelingen"]
    if len(weg):
        drop = sub.merge(weg[_KEY], on=_KEY, how="left", indicator=True)["_merge"] == "both"
        sub = sub[~drop.to_numpy()]
    parts = []
    for jaar, g in sub.groupby("jaar", sort=True):
        if int(jaar) not in steps:
            steps[int(jaar)] = _mapping(cw, int(jaar), target, set(g["gm_code"]))
        step = steps[int(jaar)]
        if step is None:
            continue
        unknown = sorted(set(g["gm_code"]) - set(step["van_gm_code"]))
        if unknown:
            raise DataError(
                f"iv3_levering: gm_code {unknown[0]} bestaat niet in de indeling {int(jaar)} "
                "van de herindelingstabel; verwacht: codes van dat jaar"
            )
        parts.append(g.merge(step, left_on="gm_code", right_on="van_gm_code", how="inner"))
    m = pd.concat(parts, ignore_index=True)
    m = m[m["aandeel"] > 0]
    for col in ("lasten_eur", "baten_eur", "inwoners"):
        m[col] = m[col] * m["aandeel"]
    keys = ["naar_gm_code", "jaar", "verslagsoort", "domein"]
    out = m.groupby(keys, as_index=False, sort=False).agg(
        lasten_eur=("lasten_eur", "sum"),
        baten_eur=("baten_eur", "sum"),
        inwoners=("inwoners", "sum"),
        _inw_n=("inwoners", "count"),
        geleverd=("geleverd", "all"),
        baten_bekend=("baten_bekend", "all"),
        n_voorgangers=("van_gm_code", "nunique"),
    ).rename(columns={"naar_gm_code": "gm_code"})
    out["inwoners"] = out["inwoners"].where(out.pop("_inw_n") > 0)
    totaal = out.groupby(["gm_code", "jaar", "verslagsoort"], as_index=False, sort=False).agg(
        lasten_eur=("lasten_eur", "sum"),
        baten_eur=("baten_eur", "sum"),
        inwoners=("inwoners", "first"),
        geleverd=("geleverd", "all"),
        baten_bekend=("baten_bekend", "all"),
        n_voorgangers=("n_voorgangers", "max"),
    )
    totaal["domein"] = TOTAAL
    out = pd.concat([out, totaal], ignore_index=True)
    out.loc[~out["geleverd"], ["lasten_eur", "baten_eur"]] = np.nan
    out.loc[~out["baten_bekend"], "baten_eur"] = np.nan
    out["netto_eur"] = out["lasten_eur"] - out["baten_eur"]
    per = out["inwoners"].where(out["inwoners"] > 0)
    out["lasten_per_inwoner"] = out["lasten_eur"] / per
    out["netto_per_inwoner"] = out["netto_eur"] / per
    out["indeling_jaar"] = int(target)
    out["definitie"] = definitie
    out["n_voorgangers"] = out["n_voorgangers"].astype("int64")
    return out


def build_domein_reeks(
    tables: dict[str, pd.DataFrame], indeling_jaar: int | None = None
) -> pd.DataFrame:
    """Compute the series for both definitions from the canonical tables (in memory).

    Args:
        tables: ``iv3``, ``iv3_levering``, ``herindelingen``, ``gemeenten`` and
            ``iv3_totalen`` frames (the canonical tables).
        indeling_jaar: Reference indeling; default the newest year of the crosswalk.

    Returns:
        DataFrame with :data:`REEKS_COLUMNS`, sorted by gm_code, verslagsoort, definitie,
        domein (in :data:`analysekit.vocab.DOMEINEN` order, then the total) and jaar.

    Raises:
        ParameterError: ``indeling_jaar`` is not an indeling year of the crosswalk.
    """
    from analysekit.data.herindeling import indeling_years

    jaren = indeling_years(tables["herindelingen"])
    target = jaren[-1] if indeling_jaar is None else int(indeling_jaar)
    if target not in jaren:
        raise ParameterError(
            f"indeling_jaar={indeling_jaar!r}; verwacht: een indelingsjaar {jaren[0]}–"
            f"{jaren[-1]}"
        )
    weg = opgegaan(tables["iv3_levering"], tables["herindelingen"])
    steps: dict[int, pd.DataFrame | None] = {}
    out = pd.concat(
        [_reeks(tables, target, d, weg, steps) for d in DEFINITIES], ignore_index=True
    )
    br = breuken(tables["iv3"])
    out = out.merge(br, on=["jaar", "definitie", "domein"], how="left")
    order = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}
    out["_o"] = out["domein"].map(order)
    out = out.sort_values(["gm_code", "verslagsoort", "definitie", "_o", "jaar"])
    return out[REEKS_COLUMNS].reset_index(drop=True)
