"""Deficits in the sociaal domein: three lenses per domein, for all gemeenten at once.

The three lenses, per gemeente × jaar × domein (Sociale basisvoorzieningen, Wmo, Jeugd,
Participatie, plus the total of the four):

1. **Net cost** (``netto_eur``) = lasten − baten of the taakvelden of the domein, in total,
   per inwoner, per huishouden, per doelgroep (jongere 0–17 for Jeugd, inwoner 75+ for Wmo)
   and per client (Wmo-cliënt, jongere met jeugdzorg, bijstandsontvanger). The basis is the
   jaarrekening where the gemeente has one for that year, otherwise the begroting (column
   ``verslagsoort``; force one with ``verslagsoort=``).
2. **Overrun** (``overschrijding_eur``) = net cost jaarrekening − net cost begroting of the
   same year, where both exist (positive = spent more than planned).
3. **Structural gap** (``tekort_eur``) = net cost − the objective gemeentefonds budget of the
   matching cluster. Default budget = verdeelmodel (Σ gewicht × maatstaf × uitkeringsfactor)
   **plus** the integratie- and decentralisatie-uitkeringen (IU/DU) allocated to that
   cluster, because the IU/DU (beschermd wonen, participatie, …) pay for the same taakvelden.
   Pass ``gf_soorten=("verdeelmodel",)`` for the verdeelmodel only. Positive = the
   gemeente spends more, net, than the gemeentefonds allots it for that domein: the
   "tekort" the articles speak of. The gemeentefonds is not earmarked, so this is a
   comparison with a norm, not an accounting deficit; and clusters do not map one to one
   onto taakvelden (overhead on 0.4, jeugd costs booked on 6.1/6.2), so the gap of a
   single domein says more across gemeenten and years than in absolute terms.

Choices made explicit in the output:

* Denominators: inwoners from table ``gemeenten``; doelgroepen, huishoudens and client
  counts from table ``kenmerken`` (how, in :data:`NOEMERS`). Each comes from the year
  nearest to ``jaar`` that has a value for that gemeente (ties: the earlier year), and the
  year used is reported (``noemer_jaar_*``), as is the kenmerk (``*_kenmerk``). Where the
  sources give only rates (KWB: Wmo-cliënten per 1,000 inwoners, % jongeren met
  jeugdzorg), the count is rate × the population of the same gemeente and year; a
  gemeente without a value in any year gets NaN, never another kenmerk. On the offline
  mirror that means: jongeren and bijstandsontvangers from the gemeentefonds maatstaven
  (2024), inwoners 75+ from 60039fvw (2019), Wmo-cliënten and jeugdzorg from the KWB 2021,
  huishoudens from the KWB 2017 — old years and former indelingen, so read the
  ``noemer_jaar_*`` columns.
* Gemeentefonds: for jaar Y the uitkeringsjaar Y, newest circulaire (S after M of the same
  year); if uitkeringsjaar Y is absent the nearest uitkeringsjaar (ties: the later one).
  Columns ``gf_circulaire``, ``gf_uitkeringsjaar`` and ``gf_bron`` say which.

Everything is computed for all gemeenten in one groupby (:func:`deficits_all`);
:func:`for_gemeente` filters. The thin wrappers :func:`deficits`, :func:`trajectory` and
:func:`taakvelden` load the canonical tables with :func:`analysekit.load`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.forecast import Projection, project
from analysekit.data.levering import baten_bekend
from analysekit.errors import AnalysekitError, DataError, ParameterError, UnknownGemeente
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN, is_gm_code

#: The label of the sum before version 0.2; still accepted as input for one release.
TOTAAL_OUD = "Sociaal domein totaal"
#: Columns of a delivery table (the canonical ``iv3_levering`` or :func:`levering_from_iv3`).
LEVERING_COLUMNS = ("gm_code", "jaar", "verslagsoort", "geleverd")


def canonical_domein(domein: object) -> object:
    """Return the domein label of the vocabulary (maps the old total label to TOTAAL)."""
    return TOTAAL if domein == TOTAAL_OUD else domein

@dataclass(frozen=True)
class Noemer:
    """How to get a count from table ``kenmerken``.

    ``count = waarde × schaal × Σ(gewicht × kenmerk)`` over ``maal`` (kenmerken of the same
    gemeente and year), or just ``waarde`` when ``maal`` is empty. Used for rates that the
    sources publish per 1,000 inwoners or as a percentage.
    """

    kenmerk: str
    maal: tuple[tuple[str, float], ...] = ()
    schaal: float = 1.0
    omschrijving: str = ""

    @property
    def label(self) -> str:
        """How the count was made (reported in the ``*_kenmerk`` columns)."""
        return self.omschrijving or self.kenmerk


_JONG_0_17 = (("inwoners_0_4", 1.0), ("inwoners_5_9", 1.0), ("inwoners_10_14", 1.0),
              ("inwoners_15_19", 0.6))

# Role → ways to get the count from table ``kenmerken``, in order of preference. The first
# whose kenmerk occurs in the table (for any gemeente) is used for all gemeenten, so
# definitions never mix. This is the single place where kenmerk names enter the lenses
# (names as in src/analysekit/data/kenmerken.yaml).
NOEMERS: dict[str, tuple[Noemer, ...]] = {
    "jongeren": (Noemer("jongeren"), Noemer("inwoners_0_17")),
    # the real 75+ count (60039fvw) before the gemeentefonds maatstaf "met drempel", which
    # counts only the part above a threshold share and so is not a head count
    "inwoners_75_plus": (Noemer("inwoners_75_plus"), Noemer("inwoners_75_plus_drempel")),
    "huishoudens": (Noemer("huishoudens"),),
    "wmo_clienten": (
        Noemer("wmo_clienten"),
        Noemer("wmo_clienten_per_1000", (("inwoners", 1.0),), 1e-3,
               "wmo_clienten_per_1000 × inwoners / 1000"),
    ),
    "jeugdzorg": (
        Noemer("jongeren_met_jeugdzorg"),
        Noemer("jeugdzorg_pct", _JONG_0_17, 1e-2,
               "jeugdzorg_pct × inwoners 0–17 / 100 (0–17 geschat: 0–14 + 0,6 × 15–19)"),
    ),
    "bijstand": (
        Noemer("bijstandsontvangers"),
        Noemer("bijstand_per_1000", (("inwoners", 1.0),), 1e-3,
               "bijstand_per_1000 × inwoners / 1000"),
    ),
}

# Domein → (role, Dutch label) of the target group and of the clients.
DOELGROEP: dict[str, tuple[str, str]] = {
    "Jeugd": ("jongeren", "jongere 0–17"),
    "Wmo": ("inwoners_75_plus", "inwoner 75+"),
}
CLIENTEN: dict[str, tuple[str, str]] = {
    "Wmo": ("wmo_clienten", "Wmo-cliënt"),
    "Jeugd": ("jeugdzorg", "jongere met jeugdzorg"),
    "Participatie": ("bijstand", "bijstandsontvanger"),
}

GF_SOORTEN = ("verdeelmodel", "integratie_decentralisatie")
_CIRC_MONTH = {"M": 5, "J": 6, "S": 9, "D": 12}

KEY = ["gm_code", "jaar", "domein"]


# --------------------------------------------------------------------------- helpers


def check_columns(df: pd.DataFrame, name: str, cols: Iterable[str]) -> None:
    """Raise :class:`DataError` naming the columns of ``cols`` that ``df`` lacks."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(
            f"tabel {name} mist kolom(men) {missing}; verwacht: de indeling van docs/tables.md"
        )


def check_jaar(iv3: pd.DataFrame, jaar: object) -> int:
    """Return ``jaar`` as an int; raise :class:`ParameterError` unless it is a year in ``iv3``."""
    if isinstance(jaar, bool) or not isinstance(jaar, (int, np.integer)):
        raise ParameterError(f"jaar={jaar!r}; verwacht: een jaartal als geheel getal, zoals 2023")
    jaren = sorted(int(j) for j in iv3["jaar"].unique())
    if int(jaar) not in jaren:
        raise ParameterError(
            f"jaar {jaar} staat niet in tabel iv3; beschikbaar: {', '.join(map(str, jaren))}"
        )
    return int(jaar)


def levering_from_iv3(iv3: pd.DataFrame) -> pd.DataFrame:
    """Derive which gemeente × jaar × verslagsoort is a real submission, from ``iv3``.

    Rule (the same as the canonical table ``iv3_levering``): a cell whose lasten and baten
    are 0 or missing on every taakveld is not delivered ("geen gegevens"); a cell with at
    least one non-zero amount is delivered, and a single taakveld that is 0 stays 0.

    Args:
        iv3: Table ``iv3``.

    Returns:
        gm_code, jaar, verslagsoort, geleverd (bool), reden (str), n_taakvelden_niet_nul.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "lasten_eur", "baten_eur"])
    nz = (iv3["lasten_eur"].fillna(0.0).ne(0.0) | iv3["baten_eur"].fillna(0.0).ne(0.0))
    g = nz.groupby([iv3["gm_code"], iv3["jaar"], iv3["verslagsoort"]], observed=True,
                   sort=True).sum()
    out = g.rename("n_taakvelden_niet_nul").reset_index()
    out["n_taakvelden_niet_nul"] = out["n_taakvelden_niet_nul"].astype("int64")
    out["geleverd"] = out["n_taakvelden_niet_nul"] > 0
    out["reden"] = np.where(out["geleverd"], "", "alle lasten en baten 0 of leeg")
    return out


def delivery(iv3: pd.DataFrame, levering: pd.DataFrame | None = None) -> pd.DataFrame:
    """Delivery per gemeente × jaar × verslagsoort: the canonical table where given.

    Args:
        iv3: Table ``iv3``.
        levering: Table ``iv3_levering`` (None: derived from ``iv3`` by
            :func:`levering_from_iv3`). Where both know a cell, it counts as delivered only
            when both say so (an all-zero cell left in ``iv3`` is never delivered).

    Returns:
        gm_code, jaar, verslagsoort, geleverd (one row per cell).

    Raises:
        DataError: ``levering`` lacks a column of :data:`LEVERING_COLUMNS`.
    """
    own = levering_from_iv3(iv3)[list(LEVERING_COLUMNS)]
    if levering is None:
        return own
    if not isinstance(levering, pd.DataFrame):
        raise ParameterError(f"levering is een {type(levering).__name__}; verwacht: een "
                             "DataFrame (tabel iv3_levering)")
    check_columns(levering, "iv3_levering", LEVERING_COLUMNS)
    lev = levering[list(LEVERING_COLUMNS)].astype({"jaar": "int64", "geleverd": "bool"})
    both = pd.concat([lev, own], ignore_index=True)
    keys = ["gm_code", "jaar", "verslagsoort"]
    return both.groupby(keys, as_index=False, sort=True)["geleverd"].min()


def not_delivered(iv3: pd.DataFrame, levering: pd.DataFrame | None = None,
                  jaar: int | None = None, verslagsoort: str | None = None) -> list[str]:
    """gm_codes without a real submission (for one jaar and/or verslagsoort when given)."""
    d = delivery(iv3, levering)
    if jaar is not None:
        d = d[d["jaar"] == int(jaar)]
    if verslagsoort is not None:
        d = d[d["verslagsoort"] == verslagsoort]
    return sorted(d.loc[~d["geleverd"], "gm_code"].unique().tolist())


def nearest_year(
    df: pd.DataFrame, keys: list[str], jaar: int, year_col: str = "jaar"
) -> pd.DataFrame:
    """Per key, keep the row of the year nearest to ``jaar`` (ties: the earlier year)."""
    d = df.assign(_dist=(df[year_col] - jaar).abs())
    d = d.sort_values([*keys, "_dist", year_col], kind="stable")
    return d.drop_duplicates(keys, keep="first").drop(columns="_dist")


def circulaire_order(circulaire: str) -> tuple[int, int]:
    """Sort key of a circulaire code: ``"S2024"`` → ``(2024, 9)`` (later is newer)."""
    m = re.fullmatch(r"([A-Za-z])(\d{4})", str(circulaire).strip())
    if not m:
        raise DataError(f"circulaire {circulaire!r} onbekend; verwacht: bijv. M2024 of S2024")
    return int(m.group(2)), _CIRC_MONTH.get(m.group(1).upper(), 0)


def resolve_kenmerk(kenmerken: pd.DataFrame, role: str) -> Noemer | None:
    """Return the :class:`Noemer` used for ``role`` (first of :data:`NOEMERS` present)."""
    present = set(kenmerken["kenmerk"].unique()) if len(kenmerken) else set()
    for noemer in NOEMERS[role]:
        if noemer.kenmerk in present:
            return noemer
    return None


def noemer_values(kenmerken: pd.DataFrame, noemer: Noemer) -> pd.DataFrame:
    """Counts per gm_code × jaar for one :class:`Noemer` (rows with a missing part dropped)."""
    k = kenmerken.loc[(kenmerken["kenmerk"] == noemer.kenmerk) & kenmerken["waarde"].notna(),
                      ["gm_code", "jaar", "waarde"]]
    if not noemer.maal:
        return k
    names = [n for n, _ in noemer.maal]
    parts = kenmerken.loc[kenmerken["kenmerk"].isin(names) & kenmerken["waarde"].notna()]
    wide = parts.pivot_table(index=["gm_code", "jaar"], columns="kenmerk", values="waarde",
                             aggfunc="first").reindex(columns=names)
    factor = sum(wide[n] * w for n, w in noemer.maal)  # NaN if any part is missing
    k = k.join(factor.rename("_f"), on=["gm_code", "jaar"])
    k["waarde"] = k["waarde"] * noemer.schaal * k["_f"]
    return k.loc[k["waarde"].notna(), ["gm_code", "jaar", "waarde"]]


def _inwoners(gemeenten: pd.DataFrame, jaar: int) -> pd.DataFrame:
    check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
    g = gemeenten.loc[gemeenten["inwoners"].notna(), ["gm_code", "jaar", "inwoners"]]
    g = nearest_year(g, ["gm_code"], jaar)
    return g.rename(columns={"jaar": "noemer_jaar_inwoners"}).set_index("gm_code")


def denominators(
    kenmerken: pd.DataFrame, gemeenten: pd.DataFrame, jaar: int
) -> pd.DataFrame:
    """Denominators per gemeente for ``jaar``, each from its nearest available year.

    Args:
        kenmerken: Table ``kenmerken`` (long).
        gemeenten: Table ``gemeenten``.
        jaar: Target year.

    Returns:
        DataFrame indexed by gm_code with ``inwoners``, ``noemer_jaar_inwoners`` and, per
        role of :data:`NOEMERS`, ``<role>``, ``noemer_jaar_<role>``, ``kenmerk_<role>``.
    """
    out = _inwoners(gemeenten, jaar)
    if kenmerken is None:
        kenmerken = pd.DataFrame(columns=["gm_code", "jaar", "kenmerk", "waarde"])
    check_columns(kenmerken, "kenmerken", ["gm_code", "jaar", "kenmerk", "waarde"])
    names = {n.kenmerk for ns in NOEMERS.values() for n in ns}
    names |= {m for ns in NOEMERS.values() for n in ns for m, _w in n.maal}
    kenmerken = kenmerken.loc[kenmerken["kenmerk"].isin(names) & kenmerken["waarde"].notna()]
    for role in NOEMERS:
        noemer = resolve_kenmerk(kenmerken, role)
        if noemer is None:
            out[role] = np.nan
            out[f"noemer_jaar_{role}"] = pd.NA
            out[f"kenmerk_{role}"] = None
            continue
        k = nearest_year(noemer_values(kenmerken, noemer), ["gm_code"], jaar).set_index("gm_code")
        out = out.join(k.rename(columns={"waarde": role, "jaar": f"noemer_jaar_{role}"}),
                       how="left")
        out[f"kenmerk_{role}"] = noemer.label
    for col in [c for c in out.columns if c.startswith("noemer_jaar_")]:
        out[col] = out[col].astype("Int64")
    return out


def select_gemeentefonds(
    gemeentefonds: pd.DataFrame, jaar: int, soorten: Sequence[str] = GF_SOORTEN
) -> tuple[pd.DataFrame, dict]:
    """Pick the gemeentefonds budget per gemeente × domein for ``jaar``.

    Rule: uitkeringsjaar ``jaar`` if present, else the nearest (ties: the later); within it
    the newest circulaire (M < S of the same year; later years newer).

    Args:
        gemeentefonds: Table ``gemeentefonds``.
        jaar: Target year.
        soorten: Which ``soort`` values count as budget.

    Returns:
        ``(frame, meta)``: frame indexed by (gm_code, domein) with ``gf_verdeelmodel_eur``,
        ``gf_iu_du_eur`` and ``gf_eur`` (sum over ``soorten``); meta with ``circulaire``,
        ``uitkeringsjaar``, ``zelfde_jaar`` (uitkeringsjaar == jaar) and a Dutch ``bron``
        sentence that names a mismatched year.
    """
    unknown = set(soorten) - set(GF_SOORTEN)
    if unknown or not soorten:
        raise ParameterError(f"gf_soorten {tuple(soorten)} ongeldig; kies uit {GF_SOORTEN}")
    empty = pd.DataFrame(
        columns=["gf_verdeelmodel_eur", "gf_iu_du_eur", "gf_eur"],
        index=pd.MultiIndex.from_tuples([], names=["gm_code", "domein"]), dtype="float64",
    )
    if gemeentefonds is None or len(gemeentefonds) == 0:
        return empty, {"circulaire": None, "uitkeringsjaar": pd.NA, "zelfde_jaar": False,
                       "bron": "geen gemeentefondsgegevens"}
    check_columns(gemeentefonds, "gemeentefonds",
                   ["gm_code", "circulaire", "uitkeringsjaar", "domein", "soort", "bedrag_eur"])
    jaren = np.array(sorted(int(j) for j in gemeentefonds["uitkeringsjaar"].unique()))
    dist = np.abs(jaren - jaar)
    uj = int(jaren[dist == dist.min()].max())
    circs = gemeentefonds.loc[gemeentefonds["uitkeringsjaar"] == uj, "circulaire"].unique()
    circ = max((str(c) for c in circs), key=circulaire_order)
    sel = gemeentefonds[
        (gemeentefonds["uitkeringsjaar"] == uj) & (gemeentefonds["circulaire"] == circ)
    ]
    wide = sel.pivot_table(index=["gm_code", "domein"], columns="soort", values="bedrag_eur",
                           aggfunc="sum", observed=True)
    frame = pd.DataFrame(index=wide.index)
    frame["gf_verdeelmodel_eur"] = wide.get("verdeelmodel", np.nan)
    frame["gf_iu_du_eur"] = wide.get("integratie_decentralisatie", np.nan)
    parts = {"verdeelmodel": "gf_verdeelmodel_eur", "integratie_decentralisatie": "gf_iu_du_eur"}
    frame["gf_eur"] = frame[[parts[s] for s in soorten]].fillna(0.0).sum(axis=1)
    frame.loc[frame[[parts[s] for s in soorten]].isna().all(axis=1), "gf_eur"] = np.nan
    what = " + ".join("verdeelmodel" if s == "verdeelmodel" else "IU/DU" for s in soorten)
    if uj == jaar:
        bron = f"{circ}, uitkeringsjaar {uj} ({what})"
    else:
        bron = (f"{circ}, uitkeringsjaar {uj} ({what}); LET OP: uitkeringsjaar {jaar} "
                f"ontbreekt in de gegevens, dus kosten {jaar} tegenover gemeentefonds {uj}")
    return frame, {"circulaire": circ, "uitkeringsjaar": uj, "zelfde_jaar": uj == jaar,
                   "bron": bron}


# --------------------------------------------------------------------------- lenses


def _domain_sums(iv3: pd.DataFrame, jaar: int, cells: pd.DataFrame) -> pd.DataFrame:
    """Lasten and baten per delivered gm_code × verslagsoort × domein (0 if a domain is absent).

    ``cells`` holds the delivered (gm_code, verslagsoort) of ``jaar``; other cells get no row,
    so they can never turn into 0.
    """
    d = iv3.loc[(iv3["jaar"] == jaar) & iv3["domein"].isin(DOMEINEN)]
    g = d.groupby(["gm_code", "verslagsoort", "domein"], observed=True, sort=False)[
        ["lasten_eur", "baten_eur"]
    ].sum()
    full = pd.MultiIndex.from_frame(
        cells[["gm_code", "verslagsoort"]].merge(pd.DataFrame({"domein": list(DOMEINEN)}),
                                                 how="cross")
    )
    g = g.reindex(full, fill_value=0.0)
    # a submission whose source has no baten per taakveld has no netto (missing is not zero)
    bekend = baten_bekend(d).droplevel("jaar")
    cell = pd.MultiIndex.from_arrays(
        [g.index.get_level_values("gm_code"), g.index.get_level_values("verslagsoort")])
    g.loc[~bekend.reindex(cell, fill_value=True).to_numpy(), "baten_eur"] = np.nan
    g["netto_eur"] = g["lasten_eur"] - g["baten_eur"]
    return g


def deficits_all(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    kenmerken: pd.DataFrame | None,
    gemeentefonds: pd.DataFrame | None,
    jaar: int,
    *,
    verslagsoort: str | None = None,
    gf_soorten: Sequence[str] = GF_SOORTEN,
    totaal: bool = True,
    levering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """All three lenses for all gemeenten in one pass, for one year.

    Args:
        iv3: Table ``iv3``.
        gemeenten: Table ``gemeenten`` (inwoners, naam).
        kenmerken: Table ``kenmerken`` (denominators; may be None).
        gemeentefonds: Table ``gemeentefonds`` (may be None: no gap lens).
        jaar: Boekjaar.
        verslagsoort: Basis of the net cost, one for the whole year: None = jaarrekening
            when the year has any delivered jaarrekening, else begroting; or force
            ``"jaarrekening"`` / ``"begroting"``. Plans and realisations never mix in
            one table.
        gf_soorten: Which gemeentefonds parts form the budget (default verdeelmodel + IU/DU).
        totaal: Add a row ``domein == TOTAAL`` with the sum of the four domains.
        levering: Table ``iv3_levering`` (None: derived from ``iv3``, see
            :func:`levering_from_iv3`). A gemeente without a real submission for the
            basis keeps its rows with ``geleverd`` False and NaN amounts (never 0).

    Returns:
        Tidy DataFrame, one row per gm_code × domein, columns: gm_code, naam, jaar, domein,
        verslagsoort, lasten_eur, baten_eur, netto_eur, inwoners, noemer_jaar_inwoners,
        netto_per_inwoner, huishoudens, noemer_jaar_huishoudens, netto_per_huishouden,
        doelgroep, doelgroep_aantal, doelgroep_kenmerk, noemer_jaar_doelgroep,
        netto_per_doelgroep, clienten_soort, clienten, clienten_kenmerk,
        noemer_jaar_clienten, netto_per_client, netto_begroting_eur,
        netto_jaarrekening_eur, overschrijding_eur, overschrijding_pct,
        overschrijding_per_inwoner, gf_verdeelmodel_eur, gf_iu_du_eur, gf_eur,
        gf_per_inwoner, gf_circulaire, gf_uitkeringsjaar, gf_bron, gf_zelfde_jaar,
        tekort_eur (cost − budget: tekort (+) / overschot (−)), tekort_teken
        (:func:`analysekit.nl.teken`), tekort_per_inwoner, geleverd. Sorted by gm_code
        and domein order; schema :data:`analysekit.analysis.schemas.LENZEN`.

    Raises:
        ParameterError: ``jaar`` not in iv3, unknown ``verslagsoort``, or the forced
            verslagsoort does not exist for that year.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur",
                                "baten_eur"])
    jaar = check_jaar(iv3, jaar)
    if verslagsoort is not None and verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(
            f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van {VERSLAGSOORTEN}"
        )
    if not isinstance(totaal, bool):
        raise ParameterError(f"totaal={totaal!r}; verwacht: True of False")
    lev = delivery(iv3, levering)
    lev = lev[lev["jaar"] == jaar]
    cells = lev.loc[lev["geleverd"], ["gm_code", "verslagsoort"]]
    sums = _domain_sums(iv3, jaar, cells)
    netto = sums["netto_eur"].unstack("verslagsoort")
    for vs in VERSLAGSOORTEN:
        if vs not in netto.columns:
            netto[vs] = np.nan
    if verslagsoort is None:
        # one basis for the whole year, so that no table mixes plans and realisations
        basis = "jaarrekening" if (cells["verslagsoort"] == "jaarrekening").any() else "begroting"
    else:
        if lev.loc[lev["verslagsoort"] == verslagsoort, "geleverd"].sum() == 0:
            raise ParameterError(
                f"verslagsoort {verslagsoort!r} heeft geen gegevens voor jaar {jaar}; kies een "
                "andere verslagsoort of een ander jaar"
            )
        basis = verslagsoort
    codes = sorted(lev["gm_code"].unique())
    idx = pd.MultiIndex.from_product([codes, list(DOMEINEN)], names=["gm_code", "domein"])
    out = pd.DataFrame(index=idx)
    sub = sums.xs(basis, level="verslagsoort") if len(sums) else sums
    for col in ("lasten_eur", "baten_eur", "netto_eur"):
        out[col] = sub[col].reindex(idx) if len(sub) else np.nan
    netto = netto.reindex(idx)
    out["netto_begroting_eur"] = netto["begroting"].to_numpy()
    out["netto_jaarrekening_eur"] = netto["jaarrekening"].to_numpy()
    geleverd = lev.loc[lev["verslagsoort"] == basis].set_index("gm_code")["geleverd"]
    out = out.reset_index()
    out["verslagsoort"] = basis
    out["geleverd"] = out["gm_code"].map(geleverd).fillna(False).astype(bool)

    gf, meta = select_gemeentefonds(gemeentefonds, jaar, gf_soorten)
    out = out.join(gf, on=["gm_code", "domein"])

    if totaal:
        num = ["lasten_eur", "baten_eur", "netto_eur", "netto_begroting_eur",
               "netto_jaarrekening_eur", "gf_verdeelmodel_eur", "gf_iu_du_eur", "gf_eur"]
        tot = out.groupby(["gm_code", "verslagsoort", "geleverd"], sort=False)[num].sum(
            min_count=1)
        tot = tot.reset_index().assign(domein=TOTAAL)
        # a sum over a gemeente without data is no data, not the sum of what is left
        tot.loc[~tot["geleverd"], ["lasten_eur", "baten_eur", "netto_eur"]] = np.nan
        out = pd.concat([out, tot], ignore_index=True)

    out["jaar"] = jaar
    out["overschrijding_eur"] = out["netto_jaarrekening_eur"] - out["netto_begroting_eur"]
    out["overschrijding_pct"] = np.where(
        out["netto_begroting_eur"] > 0,
        100.0 * out["overschrijding_eur"] / out["netto_begroting_eur"].where(
            out["netto_begroting_eur"] > 0), np.nan,
    )
    out["tekort_eur"] = out["netto_eur"] - out["gf_eur"]
    out["gf_circulaire"] = meta["circulaire"]
    out["gf_uitkeringsjaar"] = pd.array([meta["uitkeringsjaar"]] * len(out), dtype="Int64")
    out["gf_bron"] = meta["bron"]
    out["gf_zelfde_jaar"] = bool(meta["zelfde_jaar"])
    out["tekort_teken"] = pd.array([nl.teken(v) for v in out["tekort_eur"]], dtype="string")

    # denominators (nearest year, reported)
    den = denominators(kenmerken, gemeenten, jaar)
    out = out.join(den, on="gm_code")
    inw = out["inwoners"].astype("float64")
    out["netto_per_inwoner"] = out["netto_eur"] / inw
    out["overschrijding_per_inwoner"] = out["overschrijding_eur"] / inw
    out["gf_per_inwoner"] = out["gf_eur"] / inw
    out["tekort_per_inwoner"] = out["tekort_eur"] / inw
    out["netto_per_huishouden"] = out["netto_eur"] / out["huishoudens"]
    for prefix, mapping in (("doelgroep", DOELGROEP), ("clienten", CLIENTEN)):
        aantal = np.full(len(out), np.nan)
        jaar_col = pd.array([pd.NA] * len(out), dtype="Int64")
        kenmerk = np.full(len(out), None, dtype=object)
        label = np.full(len(out), None, dtype=object)
        for dom, (role, lab) in mapping.items():
            m = (out["domein"] == dom).to_numpy()
            aantal[m] = out.loc[m, role].to_numpy(dtype="float64", na_value=np.nan)
            jaar_col[m] = out.loc[m, f"noemer_jaar_{role}"].array
            kenmerk[m] = out.loc[m, f"kenmerk_{role}"].to_numpy()
            label[m] = lab
        if prefix == "doelgroep":
            out["doelgroep"] = label
            out["doelgroep_aantal"] = aantal
            out["doelgroep_kenmerk"] = kenmerk
            out["noemer_jaar_doelgroep"] = jaar_col
            out["netto_per_doelgroep"] = out["netto_eur"] / out["doelgroep_aantal"]
        else:
            out["clienten_soort"] = label
            out["clienten"] = aantal
            out["clienten_kenmerk"] = kenmerk
            out["noemer_jaar_clienten"] = jaar_col
            out["netto_per_client"] = out["netto_eur"] / out["clienten"]
    for col in ("doelgroep", "doelgroep_kenmerk", "clienten_soort", "clienten_kenmerk"):
        out[col] = out[col].astype("string")
    naam = _names(gemeenten, jaar)
    out = out.join(naam, on="gm_code")
    order = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}
    out = out.assign(_o=out["domein"].map(order)).sort_values(["gm_code", "_o"], kind="stable")
    cols = [
        "gm_code", "naam", "jaar", "domein", "verslagsoort", "lasten_eur", "baten_eur",
        "netto_eur", "inwoners", "noemer_jaar_inwoners", "netto_per_inwoner", "huishoudens",
        "noemer_jaar_huishoudens", "netto_per_huishouden", "doelgroep", "doelgroep_aantal",
        "doelgroep_kenmerk", "noemer_jaar_doelgroep", "netto_per_doelgroep", "clienten_soort",
        "clienten", "clienten_kenmerk", "noemer_jaar_clienten", "netto_per_client",
        "netto_begroting_eur", "netto_jaarrekening_eur", "overschrijding_eur",
        "overschrijding_pct", "overschrijding_per_inwoner", "gf_verdeelmodel_eur",
        "gf_iu_du_eur", "gf_eur", "gf_per_inwoner", "gf_circulaire", "gf_uitkeringsjaar",
        "gf_bron", "gf_zelfde_jaar", "tekort_eur", "tekort_teken", "tekort_per_inwoner",
        "geleverd",
    ]
    out = out[out["verslagsoort"].notna()]
    return out[cols].reset_index(drop=True)


def _names(gemeenten: pd.DataFrame, jaar: int) -> pd.Series:
    if "naam" not in gemeenten.columns:
        return pd.Series(dtype="string", name="naam")
    g = nearest_year(gemeenten.loc[:, ["gm_code", "jaar", "naam"]], ["gm_code"], jaar)
    return g.set_index("gm_code")["naam"]


def taakveld_breakdown(
    iv3: pd.DataFrame,
    jaar: int,
    *,
    gm_code: str | None = None,
    domeinen: Sequence[str] = DOMEINEN,
    levering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Net cost per taakveld behind each domein, with begroting vs jaarrekening.

    Only delivered submissions count (see :func:`delivery`); the basis is the jaarrekening
    when the year has one, else the begroting, for every gemeente alike.

    Args:
        iv3: Table ``iv3``.
        jaar: Boekjaar.
        gm_code: Restrict to one gemeente (None: all).
        domeinen: Domains to include.
        levering: Table ``iv3_levering`` (None: derived from iv3).

    Returns:
        One row per gm_code × domein × taakveld: taakveld_naam, lasten_eur, baten_eur,
        netto_eur (on the basis in ``verslagsoort``: jaarrekening where present),
        netto_begroting_eur, netto_jaarrekening_eur, overschrijding_eur and
        ``aandeel_domein`` (share of the domain's net cost, %).
    """
    jaar = check_jaar(iv3, jaar)
    bad = [x for x in domeinen if x not in DOMEINEN]
    if isinstance(domeinen, str) or bad:
        raise ParameterError(f"domeinen={domeinen!r}; verwacht: een lijst uit {DOMEINEN}")
    lev = delivery(iv3, levering)
    lev = lev.loc[(lev["jaar"] == jaar) & lev["geleverd"], ["gm_code", "verslagsoort"]]
    d = iv3.loc[(iv3["jaar"] == jaar) & iv3["domein"].isin(list(domeinen))]
    d = d.merge(lev, on=["gm_code", "verslagsoort"], how="inner")
    if gm_code is not None:
        d = d.loc[d["gm_code"] == gm_code]
        if d.empty:
            raise UnknownGemeente(
                f"gemeente {gm_code} heeft geen geleverde iv3-rijen voor jaar {jaar}"
            )
    keys = ["gm_code", "domein", "taakveld"]
    g = d.groupby([*keys, "verslagsoort"], observed=True)[["lasten_eur", "baten_eur"]].sum()
    g["netto_eur"] = g["lasten_eur"] - g["baten_eur"]
    wide = g["netto_eur"].unstack("verslagsoort")
    for vs in VERSLAGSOORTEN:
        if vs not in wide.columns:
            wide[vs] = np.nan
    basis = "jaarrekening" if (lev["verslagsoort"] == "jaarrekening").any() else "begroting"
    base = g.reset_index()
    base = base[base["verslagsoort"] == basis]
    base = base.join(wide[["begroting", "jaarrekening"]].rename(columns={
        "begroting": "netto_begroting_eur", "jaarrekening": "netto_jaarrekening_eur"}), on=keys)
    base["overschrijding_eur"] = base["netto_jaarrekening_eur"] - base["netto_begroting_eur"]
    names = d.drop_duplicates(["taakveld"])[["taakveld", "taakveld_naam"]] if (
        "taakveld_naam" in d.columns) else None
    if names is not None:
        base = base.merge(names, on="taakveld", how="left")
    dom_tot = base.groupby(["gm_code", "domein"])["netto_eur"].transform("sum")
    base["aandeel_domein"] = 100.0 * base["netto_eur"] / dom_tot.where(dom_tot != 0)
    base["jaar"] = jaar
    cols = ["gm_code", "jaar", "domein", "taakveld", "taakveld_naam", "verslagsoort",
            "lasten_eur", "baten_eur", "netto_eur", "netto_begroting_eur",
            "netto_jaarrekening_eur", "overschrijding_eur", "aandeel_domein"]
    cols = [c for c in cols if c in base.columns]
    return base.sort_values(["gm_code", "domein", "taakveld"]).reset_index(drop=True)[cols]


def for_gemeente(df: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """Rows of one gemeente from an all-gemeenten table (e.g. :func:`deficits_all`).

    Raises:
        UnknownGemeente: The gm_code does not occur in ``df``.
    """
    rows = df.loc[df["gm_code"] == gm_code]
    if rows.empty:
        n = df["gm_code"].nunique()
        hint = "" if is_gm_code(str(gm_code)) else "; verwacht: een code als GM0855"
        raise UnknownGemeente(f"gemeente {gm_code!r} staat niet in de tabel ({n} gemeenten){hint}")
    return rows.reset_index(drop=True)


# --------------------------------------------------------------------------- trajectory


def trajectory_all(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    kenmerken: pd.DataFrame | None,
    gemeentefonds: pd.DataFrame | None,
    jaren: Iterable[int] | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """The three lenses for every available year, with year-on-year growth.

    Each year uses the jaarrekening where present, else the begroting (column
    ``verslagsoort``), so a trajectory can mix realisations and plans: read it that way.

    Args:
        iv3: Table ``iv3``.
        gemeenten: Table ``gemeenten``.
        kenmerken: Table ``kenmerken`` (may be None).
        gemeentefonds: Table ``gemeentefonds`` (may be None).
        jaren: Years to include (default: all years in iv3).
        **kwargs: Passed to :func:`deficits_all`.

    Returns:
        :func:`deficits_all` rows for all years plus ``vorig_jaar``,
        ``groei_netto_pct`` (annualised growth of net cost vs the previous available year,
        only when both are positive), ``groei_netto_per_inwoner_pct`` and
        ``tekort_verschil_eur`` (change of the gap; a gap can change sign, so no %).
    """
    alle = sorted(int(j) for j in iv3["jaar"].unique())
    if jaren is None:
        jaren = alle
    else:
        if isinstance(jaren, (str, bytes)) or not isinstance(jaren, Iterable):
            raise ParameterError(
                f"jaren={jaren!r}; verwacht: een lijst jaartallen (gehele getallen)"
            )
        jaren = [check_jaar(iv3, j) for j in jaren]
    frames = [deficits_all(iv3, gemeenten, kenmerken, gemeentefonds, j, **kwargs) for j in jaren]
    t = pd.concat(frames, ignore_index=True).sort_values(["gm_code", "domein", "jaar"])
    g = t.groupby(["gm_code", "domein"], sort=False)
    prev_j = g["jaar"].shift()
    t["vorig_jaar"] = prev_j.astype("Int64")
    span = (t["jaar"] - prev_j).astype("float64")
    for col, new in (("netto_eur", "groei_netto_pct"),
                     ("netto_per_inwoner", "groei_netto_per_inwoner_pct")):
        prev = g[col].shift()
        ok = (prev > 0) & (t[col] > 0)
        ratio = (t[col] / prev.where(ok)).astype("float64")
        t[new] = 100.0 * (ratio ** (1.0 / span) - 1.0)
    t["tekort_verschil_eur"] = t["tekort_eur"] - g["tekort_eur"].shift()
    order = {d: i for i, d in enumerate((*DOMEINEN, TOTAAL))}
    t = t.assign(_o=t["domein"].map(order)).sort_values(["gm_code", "_o", "jaar"])
    return t.drop(columns="_o").reset_index(drop=True)


def project_gap(
    traj: pd.DataFrame,
    gm_code: str,
    domein: str,
    *,
    measure: str = "tekort_eur",
    horizon: int = 3,
    method: str = "ols",
    alpha: float = 0.05,
) -> Projection:
    """Project the structural gap (or another measure) of one gemeente × domein.

    Args:
        traj: Output of :func:`trajectory_all` (or :func:`trajectory`).
        gm_code: Gemeente.
        domein: One of :data:`DOMEINEN` or :data:`TOTAAL`.
        measure: Column to project (default ``tekort_eur``).
        horizon: Years ahead.
        method: ``"ols"`` or ``"ets"``, see :mod:`analysekit.analysis.forecast`.
        alpha: 1 − coverage of the prediction interval.

    Returns:
        A :class:`~analysekit.analysis.forecast.Projection`; with fewer than four years it
        says plainly that no projection is possible. When the series mixes jaarrekening and
        begroting years the message says so.
    """
    domein = canonical_domein(domein)
    if domein not in (*DOMEINEN, TOTAAL):
        raise ParameterError(f"domein {domein!r} onbekend; verwacht: een van {(*DOMEINEN, TOTAAL)}")
    for name, value, lo in (("horizon", horizon, 1),):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
            raise ParameterError(f"{name}={value!r}; verwacht: een geheel getal ≥ {lo}")
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r}; verwacht: een getal tussen 0 en 1")
    if measure not in traj.columns:
        raise ParameterError(
            f"measure {measure!r} is geen kolom van het verloop; beschikbaar: "
            f"{', '.join(map(str, traj.columns))}"
        )
    rows = for_gemeente(traj, gm_code)
    rows = rows.loc[rows["domein"] == domein].sort_values("jaar")
    series = pd.Series(rows[measure].to_numpy(dtype="float64", na_value=np.nan),
                       index=rows["jaar"].to_numpy())
    res = project(series, horizon=horizon, method=method, alpha=alpha)
    soorten = rows.loc[rows[measure].notna(), "verslagsoort"].unique().tolist()
    if len(soorten) > 1:
        pairs = zip(rows["jaar"], rows["verslagsoort"], strict=True)
        note = (" Let op: de reeks mengt jaarrekening- en begrotingsjaren "
                f"({', '.join(f'{j} {v}' for j, v in pairs)}).")
        res = Projection(**{**res.__dict__, "message": res.message + note})
    return res


# --------------------------------------------------------------------------- wrappers


@lru_cache(maxsize=1)
def _load_inputs_cached(fingerprint: str) -> tuple[pd.DataFrame | None, ...]:
    """The tables of one data version (``fingerprint`` keys the cache; a rebuild reloads)."""
    from analysekit import load

    tables: list[pd.DataFrame | None] = []
    for name in ("iv3", "gemeenten", "kenmerken", "gemeentefonds"):
        tables.append(load(name))
    try:  # the canonical delivery table, where the data layer provides it
        tables.append(load("iv3_levering"))
    except AnalysekitError:
        tables.append(None)
    return tuple(tables)


def load_inputs() -> dict[str, pd.DataFrame | None]:
    """Load (once per data version) the canonical tables the lenses need.

    Cached per process, keyed on :func:`analysekit.data.provenance.data_fingerprint`: after
    a ``data build`` that changes a table, the next call loads the new tables.

    Returns:
        Dict with keys iv3, gemeenten, kenmerken, gemeentefonds and iv3_levering (None
        when the data layer has no such table yet: delivery is then derived from iv3).
    """
    from analysekit.data.provenance import data_fingerprint

    iv3, gem, ken, gf, lev = _load_inputs_cached(data_fingerprint())
    return {"iv3": iv3, "gemeenten": gem, "kenmerken": ken, "gemeentefonds": gf,
            "iv3_levering": lev}


def clear_cache() -> None:
    """Forget the tables loaded by :func:`load_inputs` (call after a rebuild)."""
    _load_inputs_cached.cache_clear()


def resolve_gm_code(gemeente: str) -> str:
    """Turn a gm_code or a gemeente name into a gm_code (via :func:`analysekit.gemeente`).

    Raises:
        UnknownGemeente: The name cannot be resolved.
    """
    text = str(gemeente).strip()
    if is_gm_code(text.upper()):
        return text.upper()
    from analysekit import gemeente as lookup

    found = lookup(text)
    return str(getattr(found, "gm_code", found))


def deficits(gemeente: str, jaar: int, **kwargs: object) -> pd.DataFrame:
    """Three lenses for one gemeente (code or name) and year, from the canonical tables.

    Args:
        gemeente: gm_code (``GM0855``) or name (``"Tilburg"``).
        jaar: Boekjaar.
        **kwargs: Passed to :func:`deficits_all`.

    Returns:
        The rows of :func:`deficits_all` for that gemeente.
    """
    t = load_inputs()
    kwargs.setdefault("levering", t["iv3_levering"])
    alle = deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"], jaar,
                        **kwargs)
    return for_gemeente(alle, resolve_gm_code(gemeente))


def trajectory(gemeente: str, **kwargs: object) -> pd.DataFrame:
    """All years of the three lenses for one gemeente (code or name), with growth."""
    t = load_inputs()
    kwargs.setdefault("levering", t["iv3_levering"])
    alle = trajectory_all(t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"],
                          **kwargs)
    return for_gemeente(alle, resolve_gm_code(gemeente))


def taakvelden(gemeente: str, jaar: int) -> pd.DataFrame:
    """Taakveld breakdown of the sociaal domein for one gemeente (code or name) and year."""
    t = load_inputs()
    return taakveld_breakdown(t["iv3"], jaar, gm_code=resolve_gm_code(gemeente),
                              levering=t["iv3_levering"])
