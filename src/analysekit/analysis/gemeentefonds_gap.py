"""The gap against the gemeentefonds, the way the field computes it.

Two ways to set the net cost of the sociaal domein against the objective budget of the
gemeentefonds, per gemeente × jaar × cluster, side by side:

* ``methode="kit"`` — the kit's own domain mapping (``data/taakveld_domein.csv``: every
  taakveld of hoofdtaakveld 6 in one of the four clusters, nothing else).
* ``methode="bzk"`` — the reference lens of the BZK *begrotingsanalyse* tool
  (``michielsd/begrotingsanalysetool``, the source of the kit's gemeentefonds files), as
  in the version mirrored in ``michielsd-begrotingsanalysetool`` (commit
  :data:`BZK_TOOL_COMMIT`): a taakveld belongs to a cluster when its code starts with one
  of the cluster's prefixes (:data:`BZK_CLUSTERS`), taken literally. For the Iv3 years
  2023 and 2024 it differs from the kit in one place: taakveld **7.1 Volksgezondheid**
  counts to *Sociale basisvoorzieningen*, as in the gemeentefonds cluster of that name.
  For the 2025 Iv3 revision the tool's Jeugd cluster includes 6.75x, 6.76x, 6.792 and
  6.92; **6.791 (pgb Wmo) and 6.91 (coördinatie en beleid Wmo) are in no cluster** of
  the tool, so its Wmo leaves them out (the kit's mapping counts them).
* ``overhead=True`` spreads the lasten of taakveld 0.4 Overhead over all clusters by
  their share in salarissen (Iv3 category L1.1), as the BZK tool offers. The salary base
  is the sum over all of the tool's clusters (:data:`BZK_ALLE_CLUSTERS`, including
  overhead itself; codes in no cluster are not in it), like the tool.

The budget is chosen by :func:`analysekit.analysis.deficits.select_gemeentefonds`: the
uitkeringsjaar equal to the cost year with its newest circulaire; where that year is
missing, the nearest one, with ``gf_zelfde_jaar`` False and a ``gf_label`` that says so.
One sign convention everywhere: ``tekort_eur = netto_eur − gf_eur``, **tekort (+) /
overschot (−)** (:func:`analysekit.nl.teken`).

:func:`national_check` sums both sides over all delivered gemeenten per cluster and year:
the check that tells whether "surplus everywhere" comes from the data or from the method.
The reasoning and the real numbers are in ``docs/deficits.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.deficits import (
    GF_SOORTEN,
    check_columns,
    check_jaar,
    delivery,
    nearest_year,
    select_gemeentefonds,
)
from analysekit.data.levering import baten_bekend
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN

__all__ = [
    "BZK_ALLE_CLUSTERS",
    "BZK_CLUSTERNAMEN",
    "BZK_CLUSTERS",
    "BZK_CLUSTERS_6_82_TWEEMAAL",
    "BZK_TOOL_COMMIT",
    "METHODEN",
    "cluster_costs",
    "compare_methods",
    "gap",
    "national_check",
]

#: The commit of ``michielsd/begrotingsanalysetool`` whose method :data:`BZK_CLUSTERS`
#: and the overhead allocation reproduce (the version in the mirror, see its SOURCE.md).
BZK_TOOL_COMMIT = "67cc06d813c57a70fe09bf947eb446e7d739341f"
#: Sociaal-domein clusters of the BZK tool → taakveld prefixes (a code ``c`` matches prefix
#: ``p`` when ``c + " "`` starts with ``p``), as in the tool's ``get_cluster_dict`` at
#: :data:`BZK_TOOL_COMMIT`. 6.81 (geëscaleerde zorg 18+: beschermd wonen, opvang) is Wmo
#: and 6.82 (jeugdbescherming/-reclassering) is Jeugd. The 2025 codes 6.75x, 6.76x, 6.792
#: (pgb Jeugd) and 6.92 (coördinatie Jeugd) are Jeugd; 6.791 (pgb Wmo) and 6.91
#: (coördinatie Wmo) match no prefix. See docs/deficits.md for the earlier version with
#: 6.82 twice and 6.81 nowhere.
BZK_CLUSTERS: Mapping[str, tuple[str, ...]] = {
    "Sociale basisvoorzieningen": ("6.1", "6.2", "7.1"),
    "Wmo": ("6.6", "6.71", "6.81"),
    "Jeugd": ("6.72", "6.73", "6.74", "6.75", "6.76", "6.792", "6.82", "6.92"),
    "Participatie": ("6.3", "6.4", "6.5"),
}
#: The earlier version of the tool's mapping (6.82 in Wmo and Jeugd, 6.81 in neither);
#: kept to measure its effect, not used by default.
BZK_CLUSTERS_6_82_TWEEMAAL: Mapping[str, tuple[str, ...]] = {
    **BZK_CLUSTERS, "Wmo": ("6.6", "6.71", "6.82"),
}
#: The tool's names of the four clusters (as in the gemeentefonds circulaires).
BZK_CLUSTERNAMEN: Mapping[str, str] = {
    "Sociale basisvoorzieningen": "Sociale basisvoorzieningen",
    "Wmo": "Individuele voorzieningen Wmo",
    "Jeugd": "Individuele voorzieningen Jeugd",
    "Participatie": "Participatie",
}
#: All clusters of the tool (the salary base of the overhead allocation).
BZK_ALLE_CLUSTERS: Mapping[str, tuple[str, ...]] = {
    **BZK_CLUSTERS,
    "Bestuur en ondersteuning": ("0.1 ", "0.2"),
    "Orde en veiligheid": ("1.",),
    "Onderwijs": ("4.",),
    "Sport, cultuur en recreatie": ("5.",),
    "Infrastructuur, ruimte en milieu": ("0.63", "0.9", "2.", "3.", "7.2", "7.3", "7.4",
                                         "7.5", "8.1", "8.3"),
    "Overige eigen middelen": ("0.11", "0.3", "0.5", "0.64", "0.8", "8.2"),
    "Onroerendezaakbelasting": ("0.61", "0.62"),
    "Overhead": ("0.4",),
    "Gemeentefonds": ("0.7",),
    "Mutatie reserves": ("0.10",),
}
METHODEN = ("kit", "bzk")
_OVERHEAD = "Overhead"


def _matches(codes: pd.Series, prefixes: Iterable[str]) -> pd.Series:
    text = codes.astype(str) + " "
    hit = pd.Series(False, index=codes.index)
    for p in prefixes:
        hit |= text.str.startswith(p)
    return hit


def _check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"{name} {value!r} onbekend; verwacht: een van {tuple(allowed)}")


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ParameterError(f"{name}={value!r}; verwacht: True of False")


def cluster_costs(
    iv3: pd.DataFrame,
    jaar: int,
    verslagsoort: str,
    *,
    methode: str = "bzk",
    overhead: bool = False,
    clusters: Mapping[str, Sequence[str]] | None = None,
    levering: pd.DataFrame | None = None,
    bzk_afronding: bool = False,
) -> pd.DataFrame:
    """Net cost per delivered gemeente × sociaal-domein cluster, by one method.

    Args:
        iv3: Table ``iv3`` (euros; ``salarissen_eur`` needed for ``overhead``).
        jaar: Boekjaar.
        verslagsoort: ``"begroting"`` or ``"jaarrekening"``.
        methode: ``"kit"`` (column ``domein`` of iv3) or ``"bzk"`` (:data:`BZK_CLUSTERS`,
            taken literally: a code no prefix matches is in no cluster).
        overhead: Add each cluster's salary share of the lasten on taakveld 0.4.
        clusters: Other prefixes for ``methode="bzk"`` (e.g.
            :data:`BZK_CLUSTERS_6_82_TWEEMAAL`).
        levering: Table ``iv3_levering`` (None: derived from iv3).
        bzk_afronding: Truncate each allocated overhead amount towards zero to whole
            millions, as the BZK app does (it works in € mln and applies ``int``). Only
            for reproducing the app's figures.

    Returns:
        gm_code, jaar, verslagsoort, domein, lasten_eur, baten_eur, overhead_eur,
        netto_eur (lasten − baten + overhead). Non-delivered gemeenten have no rows. A
        submission without baten per taakveld in its source (the multi-year lasten
        series) has NaN baten and netto; with ``overhead``, one without salarissen has
        NaN overhead and netto: missing is not zero.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "taakveld", "domein",
                                "lasten_eur", "baten_eur"])
    jaar = check_jaar(iv3, jaar)
    _check_choice("verslagsoort", verslagsoort, VERSLAGSOORTEN)
    _check_choice("methode", methode, METHODEN)
    _check_bool("overhead", overhead)
    _check_bool("bzk_afronding", bzk_afronding)
    lev = delivery(iv3, levering)
    ok = lev.loc[(lev["jaar"] == jaar) & (lev["verslagsoort"] == verslagsoort) & lev["geleverd"],
                 "gm_code"]
    d = iv3.loc[(iv3["jaar"] == jaar) & (iv3["verslagsoort"] == verslagsoort)
                & iv3["gm_code"].isin(ok)].copy()
    d["netto"] = d["lasten_eur"].fillna(0.0) - d["baten_eur"].fillna(0.0)
    if "salarissen_eur" not in d.columns:
        if overhead:
            raise ParameterError(
                "overhead=True vraagt kolom salarissen_eur in iv3; voer "
                "`analysekit data build --force` uit of gebruik overhead=False"
            )
        d["salarissen_eur"] = np.nan
    parts = []
    if methode == "kit":
        for dom in DOMEINEN:
            parts.append(d.loc[d["domein"] == dom].assign(_cl=dom))
    else:
        spec = dict(BZK_CLUSTERS if clusters is None else clusters)
        if set(spec) != set(DOMEINEN):
            raise ParameterError(
                f"clusters: verwacht voor elk van {DOMEINEN} een lijst taakveldprefixen"
            )
        for dom in DOMEINEN:
            parts.append(d.loc[_matches(d["taakveld"], spec[dom])].assign(_cl=dom))
    long = pd.concat(parts, ignore_index=True) if parts else d.iloc[:0].assign(_cl="")
    keys = ["gm_code", "_cl"]
    g = long.groupby(keys, sort=True)[["lasten_eur", "baten_eur", "netto"]].sum(min_count=0)
    full = pd.MultiIndex.from_product([sorted(ok.unique()), list(DOMEINEN)], names=keys)
    g = g.reindex(full, fill_value=0.0)
    # missing is not zero: a submission whose source has no baten per taakveld (the
    # multi-year lasten series) has no net cost; one without salarissen no overhead share
    codes = g.index.get_level_values("gm_code")
    geen_baten = ~baten_bekend(d).droplevel(["jaar", "verslagsoort"]).reindex(
        codes, fill_value=False).to_numpy()
    g.loc[geen_baten, ["baten_eur", "netto"]] = np.nan
    g["overhead_eur"] = 0.0
    if overhead:
        g["overhead_eur"] = _overhead_share(d, methode, clusters, bzk_afronding).reindex(
            g.index, fill_value=0.0)
        geen_salaris = ~d["salarissen_eur"].notna().groupby(d["gm_code"]).any().reindex(
            codes, fill_value=False).to_numpy()
        g.loc[geen_salaris, "overhead_eur"] = np.nan
    out = g.reset_index().rename(columns={"_cl": "domein"})
    out["netto_eur"] = out["netto"] + out["overhead_eur"]
    out["jaar"] = jaar
    out["verslagsoort"] = verslagsoort
    cols = ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur", "baten_eur",
            "overhead_eur", "netto_eur"]
    return out[cols]


def _overhead_share(
    d: pd.DataFrame, methode: str, clusters: Mapping[str, Sequence[str]] | None,
    afronding: bool,
) -> pd.Series:
    """Overhead lasten × the cluster's share of salarissen, per gm_code × sociaal cluster."""
    spec = dict(BZK_ALLE_CLUSTERS)
    if methode == "bzk" and clusters is not None:
        spec.update(clusters)
    sal = d["salarissen_eur"].fillna(0.0)
    base = pd.Series(0.0, index=pd.Index(sorted(d["gm_code"].unique()), name="gm_code"))
    own: dict[str, pd.Series] = {}
    for name, prefixes in spec.items():
        if methode == "kit" and name in DOMEINEN:
            hit = d["domein"] == name
        else:
            hit = _matches(d["taakveld"], prefixes)
        s = sal[hit].groupby(d.loc[hit, "gm_code"]).sum().reindex(base.index, fill_value=0.0)
        base = base + s
        if name in DOMEINEN:
            own[name] = s
    ovh = d.loc[_matches(d["taakveld"], spec[_OVERHEAD])]
    ovh_lasten = ovh.groupby("gm_code")["lasten_eur"].sum().reindex(base.index, fill_value=0.0)
    rows = []
    for dom in DOMEINEN:
        share = own[dom] / base.where(base != 0)
        amount = (ovh_lasten * share).fillna(0.0)
        if afronding:
            amount = np.trunc(amount / 1e6) * 1e6
        rows.append(pd.DataFrame({"gm_code": base.index, "_cl": dom,
                                  "overhead": amount.to_numpy()}))
    return pd.concat(rows).set_index(["gm_code", "_cl"])["overhead"]


def _label(meta: Mapping[str, object], jaar: int) -> str:
    if meta.get("circulaire") is None:
        return "geen gemeentefondsgegevens"
    uj = meta["uitkeringsjaar"]
    if meta["zelfde_jaar"]:
        return f"gemeentefonds {uj} ({meta['circulaire']}), zelfde jaar als de kosten"
    return (f"gemeentefonds {uj} ({meta['circulaire']}) tegenover kosten {jaar}: "
            f"uitkeringsjaar {jaar} ontbreekt in de gegevens, dichtstbijzijnde jaar getoond")


def gap(
    iv3: pd.DataFrame,
    gemeentefonds: pd.DataFrame | None,
    jaar: int,
    verslagsoort: str,
    *,
    methode: str = "bzk",
    overhead: bool = False,
    gf_soorten: Sequence[str] = GF_SOORTEN,
    budget: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    levering: pd.DataFrame | None = None,
    clusters: Mapping[str, Sequence[str]] | None = None,
    bzk_afronding: bool = False,
) -> pd.DataFrame:
    """Net cost against the gemeentefonds per gemeente × cluster, by one method.

    Args:
        iv3: Table ``iv3``.
        gemeentefonds: Table ``gemeentefonds`` (ignored when ``budget`` is given).
        jaar: Boekjaar of the costs.
        verslagsoort: ``"begroting"`` or ``"jaarrekening"``.
        methode: ``"bzk"`` or ``"kit"`` (see the module docstring).
        overhead: Spread taakveld 0.4 by salary share (see :func:`cluster_costs`).
        gf_soorten: Parts of the budget (default verdeelmodel + IU/DU).
        budget: Another budget: a frame gm_code, domein, gf_eur (e.g. the BZK tool's own
            cluster amounts), used as given.
        gemeenten: Table ``gemeenten`` for ``tekort_per_inwoner`` (inwoners of the year
            nearest to ``jaar``); None: no per-inwoner column values.
        levering: Table ``iv3_levering`` (None: derived from iv3).
        clusters: Other prefixes for ``methode="bzk"``.
        bzk_afronding: See :func:`cluster_costs`.

    Returns:
        One row per gemeente × cluster (delivered gemeenten; others get ``geleverd``
        False and NaN): gm_code, jaar, verslagsoort, domein, methode, overhead, geleverd,
        lasten_eur, baten_eur, overhead_eur, netto_eur, gf_eur,
        gf_circulaire, gf_uitkeringsjaar, gf_zelfde_jaar, gf_label, tekort_eur
        (netto − gf: tekort (+) / overschot (−)), tekort_teken, inwoners,
        tekort_per_inwoner. Schema :data:`analysekit.analysis.schemas.GF_GAP`.
    """
    cost = cluster_costs(iv3, jaar, verslagsoort, methode=methode, overhead=overhead,
                         clusters=clusters, levering=levering, bzk_afronding=bzk_afronding)
    lev = delivery(iv3, levering)
    cells = lev.loc[(lev["jaar"] == jaar) & (lev["verslagsoort"] == verslagsoort)]
    codes = sorted(cells["gm_code"].unique())
    idx = pd.MultiIndex.from_product([codes, list(DOMEINEN)], names=["gm_code", "domein"])
    out = cost.set_index(["gm_code", "domein"]).reindex(idx).reset_index()
    out["jaar"] = jaar
    out["verslagsoort"] = verslagsoort
    out["geleverd"] = out["gm_code"].map(cells.set_index("gm_code")["geleverd"]).fillna(
        False).astype(bool)
    if budget is not None:
        check_columns(budget, "budget", ["gm_code", "domein", "gf_eur"])
        b = budget.set_index(["gm_code", "domein"])["gf_eur"]
        meta = {"circulaire": str(budget["gf_circulaire"].iloc[0]) if
                "gf_circulaire" in budget.columns else "eigen budget",
                "uitkeringsjaar": int(budget["gf_uitkeringsjaar"].iloc[0]) if
                "gf_uitkeringsjaar" in budget.columns else jaar}
        meta["zelfde_jaar"] = meta["uitkeringsjaar"] == jaar
    else:
        gf, meta = select_gemeentefonds(gemeentefonds, jaar, gf_soorten)
        b = gf["gf_eur"]
    out["gf_eur"] = b.reindex(pd.MultiIndex.from_frame(out[["gm_code", "domein"]])).to_numpy()
    out["gf_circulaire"] = pd.array([meta["circulaire"]] * len(out), dtype="string")
    uj = meta["uitkeringsjaar"]
    out["gf_uitkeringsjaar"] = pd.array([None if uj is pd.NA else uj] * len(out), dtype="Int64")
    out["gf_zelfde_jaar"] = bool(meta["zelfde_jaar"])
    out["gf_label"] = _label(meta, jaar)
    out["tekort_eur"] = out["netto_eur"] - out["gf_eur"]
    out["tekort_teken"] = pd.array([nl.teken(v) for v in out["tekort_eur"]], dtype="string")
    out["methode"] = methode
    out["overhead"] = overhead
    if gemeenten is not None:
        check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
        g = gemeenten.loc[gemeenten["inwoners"].notna(), ["gm_code", "jaar", "inwoners"]]
        inw = nearest_year(g, ["gm_code"], jaar).set_index("gm_code")["inwoners"]
        out["inwoners"] = out["gm_code"].map(inw).astype("float64")
    else:
        out["inwoners"] = np.nan
    out["tekort_per_inwoner"] = out["tekort_eur"] / out["inwoners"]
    cols = ["gm_code", "jaar", "verslagsoort", "domein", "methode", "overhead", "geleverd",
            "lasten_eur", "baten_eur", "overhead_eur", "netto_eur",
            "gf_eur", "gf_circulaire", "gf_uitkeringsjaar", "gf_zelfde_jaar", "gf_label",
            "tekort_eur", "tekort_teken", "inwoners", "tekort_per_inwoner"]
    return out[cols]


def compare_methods(
    iv3: pd.DataFrame,
    gemeentefonds: pd.DataFrame | None,
    jaar: int,
    verslagsoort: str,
    **kwargs: object,
) -> pd.DataFrame:
    """The kit's and the BZK lens side by side per gemeente × cluster.

    Returns:
        Per gm_code × domein: netto and tekort by the kit, by BZK and by BZK with
        overhead, and ``verschil_bzk_kit_eur``.
    """
    kit = gap(iv3, gemeentefonds, jaar, verslagsoort, methode="kit", **kwargs)
    bzk = gap(iv3, gemeentefonds, jaar, verslagsoort, methode="bzk", **kwargs)
    bzk_o = gap(iv3, gemeentefonds, jaar, verslagsoort, methode="bzk", overhead=True, **kwargs)
    key = ["gm_code", "domein"]
    out = kit[[*key, "jaar", "verslagsoort", "geleverd", "gf_eur", "gf_label"]].copy()
    out["netto_kit_eur"] = kit["netto_eur"].to_numpy()
    out["netto_bzk_eur"] = bzk["netto_eur"].to_numpy()
    out["netto_bzk_overhead_eur"] = bzk_o["netto_eur"].to_numpy()
    out["tekort_kit_eur"] = kit["tekort_eur"].to_numpy()
    out["tekort_bzk_eur"] = bzk["tekort_eur"].to_numpy()
    out["tekort_bzk_overhead_eur"] = bzk_o["tekort_eur"].to_numpy()
    out["verschil_bzk_kit_eur"] = out["tekort_bzk_eur"] - out["tekort_kit_eur"]
    return out


def national_check(
    iv3: pd.DataFrame,
    gemeentefonds: pd.DataFrame | None,
    *,
    cellen: Sequence[tuple[int, str]] | None = None,
    methoden: Sequence[str] = METHODEN,
    overhead: Sequence[bool] = (False, True),
    gf_soorten: Sequence[str] = GF_SOORTEN,
    levering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Σ net cost against Σ gemeentefonds per cluster and year, over delivered gemeenten.

    Args:
        iv3: Table ``iv3``.
        gemeentefonds: Table ``gemeentefonds``.
        cellen: (jaar, verslagsoort) pairs (default: every delivered pair in iv3 whose
            source has baten per taakveld; the multi-year lasten series has none).
        methoden: Methods to include.
        overhead: Overhead settings to include.
        gf_soorten: Parts of the budget.
        levering: Table ``iv3_levering``.

    Returns:
        jaar, verslagsoort, methode, overhead, domein (the four plus ``Sociaal domein``),
        n_gemeenten, netto_eur, gf_eur, tekort_eur, tekort_pct (of gf_eur),
        tekort_teken, gf_circulaire, gf_uitkeringsjaar, gf_zelfde_jaar.
    """
    if cellen is None:
        lev = delivery(iv3, levering)
        delivered = {(int(j), str(v)) for j, v in
                     lev.loc[lev["geleverd"], ["jaar", "verslagsoort"]].itertuples(index=False)}
        met_baten = iv3.loc[iv3["baten_eur"].notna(), ["jaar", "verslagsoort"]]
        met_baten = {(int(j), str(v)) for j, v in met_baten.drop_duplicates().itertuples(
            index=False)}
        cellen = sorted(delivered & met_baten)
    for m in methoden:
        _check_choice("methode", m, METHODEN)
    for o in overhead:
        _check_bool("overhead", o)
    rows = []
    for jaar, vs in cellen:
        for m in methoden:
            for o in overhead:
                t = gap(iv3, gemeentefonds, jaar, vs, methode=m, overhead=o,
                        gf_soorten=gf_soorten, levering=levering)
                t = t.loc[t["geleverd"] & t["gf_eur"].notna() & t["netto_eur"].notna()]
                s = t.groupby("domein")[["netto_eur", "gf_eur"]].sum(min_count=1).reindex(
                    list(DOMEINEN))
                s.loc[TOTAAL] = s.sum(min_count=1)
                n = t["gm_code"].nunique()
                for dom, r in s.iterrows():
                    rows.append({
                        "jaar": jaar, "verslagsoort": vs, "methode": m, "overhead": o,
                        "domein": dom, "n_gemeenten": n, "netto_eur": float(r["netto_eur"]),
                        "gf_eur": float(r["gf_eur"]),
                        "gf_circulaire": t["gf_circulaire"].iloc[0] if len(t) else None,
                        "gf_uitkeringsjaar": t["gf_uitkeringsjaar"].iloc[0] if len(t) else None,
                        "gf_zelfde_jaar": bool(t["gf_zelfde_jaar"].iloc[0]) if len(t) else False,
                    })
    out = pd.DataFrame(rows)
    out["tekort_eur"] = out["netto_eur"] - out["gf_eur"]
    out["tekort_pct"] = 100.0 * out["tekort_eur"] / out["gf_eur"].where(out["gf_eur"] != 0)
    out["tekort_teken"] = [nl.teken(v) for v in out["tekort_eur"]]
    out["gf_uitkeringsjaar"] = out["gf_uitkeringsjaar"].astype("Int64")
    order = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}
    out = out.assign(_o=out["domein"].map(order)).sort_values(
        ["jaar", "verslagsoort", "methode", "overhead", "_o"]).drop(columns="_o")
    return out.reset_index(drop=True)
