"""Prijs × volume: is a gemeente's net cost per inwoner high because of more clients or dearer ones?

Per domein (Wmo, Jeugd, Participatie) the net cost per inwoner ``y`` (euros) is written as

    y = v × p / 1000

with ``v`` the **volume**, clients per 1,000 inwoners (Wmo-cliënten, jongeren met jeugdzorg,
bijstandsontvangers), and ``p`` the **price**, net cost per client (euros). This is an
accounting identity: ``p`` is *defined* as ``1000 × y / v``.

Decomposition (Kitagawa 1955 / shift-share, reference-weighted form with interaction term).
For a gemeente ``a`` and a reference ``b`` (its peer median, or its own earlier year):

    Δy = y_a − y_b = (v_a − v_b)·p_b/1000           volume part
                   + v_b·(p_a − p_b)/1000           price part
                   + (v_a − v_b)·(p_a − p_b)/1000   interaction (samenhang)

The three parts add up to ``Δy`` exactly (algebraically; numerically to floating-point
rounding). With ``methode="kitagawa"`` the symmetric Kitagawa split is used instead:
volume = Δv·(p_a + p_b)/2000, price = Δp·(v_a + v_b)/2000, no interaction term (it is the
shift-share split with the interaction shared equally between volume and price).

The **peer reference** ``b``: ``v_b`` = median volume of the peers and ``y_b`` = median net
cost per inwoner of the peers (both over the peers that have both figures), and
``p_b = 1000 × y_b / v_b`` (a ratio of medians, the robust price of the group). So the
difference decomposed is exactly "own net cost per inwoner − the peer median" that the rest
of the kit shows. The median of the peers' own prices is reported beside it
(``prijs_mediaan_peers``) but is not used, because ``median(v) × median(p) ≠ median(y)``.

The **own earlier year** reference uses the same gemeente in an earlier cost year of the same
verslagsoort. It is only decomposed when both years have a client count *of their own*
(different client years); with one client count for both years the whole change would be
called "price", so the result is NaN with a reason.

Client counts come from table ``kenmerken`` (names in :data:`CLIENT_BRONNEN`): per domein the
first-listed kenmerk among those whose available years come nearest to the cost year is
used for *all* gemeenten (definitions never mix), each gemeente from its nearest year of
that kenmerk (ties: the earlier). The year used and whether it differs from the cost year
are columns of the result (``clienten_jaar``, ``jaar_afwijkend``). Rates are turned into
counts with the inwoners of the client year (table ``gemeenten``); % jongeren met jeugdzorg
with the jongeren 0–17 of the client year (kenmerk ``inwoners_0_17`` or, where absent,
0–4 + 5–9 + 10–14 + 0,6 × 15–19 from 70072ned).

Missing is not zero:

* a gemeente × jaar × verslagsoort without a real Iv3 submission (table ``iv3_levering``
  with geleverd=False, or, until that table exists, lasten and baten all 0/absent) gets
  NaN net cost and status ``geen gegevens``;
* a client count that CBS suppressed (missing value in kenmerken) is NaN, status
  ``geen cliëntentelling``;
* a client count below :data:`MIN_CLIENTEN` (10, also 0) is neither shown nor divided by:
  NaN, status ``klein aantal``.

Such rows are left out of the peer medians. What this can and cannot claim is in
:func:`kanttekening` and docs/prijs-volume.md: it is an accounting identity on two
sources whose populations differ, an association, not a causal effect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.errors import DataError, ParameterError, UnknownGemeente
from analysekit.vocab import DOMEINEN, VERSLAGSOORTEN, is_gm_code

__all__ = [
    "CLIENT_BRONNEN",
    "METHODEN",
    "MIN_CLIENTEN",
    "MIN_PEERS",
    "PV_DOMEINEN",
    "ClientBron",
    "bron_label",
    "check_columns",
    "clienten",
    "decompose",
    "decompose_vs_jaar",
    "decompose_vs_peers",
    "kanttekening",
    "levering_tabel",
    "levering_uit_iv3",
    "netto_per_domein",
    "peer_tabel",
    "prijs_volume",
    "prijs_volume_all",
    "zin",
    "zinnen",
]

#: Domeinen with a client count (a subset of :data:`analysekit.vocab.DOMEINEN`, same order).
PV_DOMEINEN: tuple[str, ...] = tuple(d for d in DOMEINEN if d in ("Wmo", "Jeugd", "Participatie"))
#: Client counts below this are not shown and not divided by (small numbers; also 0).
MIN_CLIENTEN = 10
#: A peer reference needs at least this many peers with both volume and net cost.
MIN_PEERS = 3
METHODEN = ("shift_share", "kitagawa")

STATUS_OK = "ok"
STATUS_GEEN_GEGEVENS = nl.GEEN_GEGEVENS
STATUS_GEEN_TELLING = "geen cliëntentelling"
STATUS_KLEIN = "klein aantal"
#: A delivered submission whose source has lasten per taakveld but no baten (the multi-year
#: lasten series): its net cost is unknown, not lasten − 0.
STATUS_GEEN_BATEN = "geen baten per taakveld"


@dataclass(frozen=True)
class ClientBron:
    """One way to get a client count from table ``kenmerken``.

    Attributes:
        kenmerk: Kenmerk name (src/analysekit/data/kenmerken.yaml).
        soort: ``aantal`` (a count of persons), ``per_1000`` (per 1,000 inwoners) or
            ``pct_jongeren`` (% of jongeren 0–17).
        omschrijving: How the count is made (reported in column ``clienten_kenmerk``).
    """

    kenmerk: str
    soort: Literal["aantal", "per_1000", "pct_jongeren"]
    omschrijving: str = ""

    @property
    def label(self) -> str:
        """Description reported with the result."""
        return self.omschrijving or self.kenmerk


#: Domein → client counts in order of preference (absolute CBS counts first, then rates).
#: For Wmo the published rate comes first: the mirror's absolute count for KWB 2021 is worked
#: back from that rate (kenmerken adapter), so the rate is the figure CBS itself published.
CLIENT_BRONNEN: dict[str, tuple[ClientBron, ...]] = {
    "Wmo": (
        ClientBron("wmo_clienten_per_1000", "per_1000",
                   "wmo_clienten_per_1000 × inwoners / 1000"),
        ClientBron("wmo_clienten", "aantal"),
    ),
    "Jeugd": (
        ClientBron("jongeren_met_jeugdzorg", "aantal"),
        ClientBron("jeugdzorg_pct", "pct_jongeren",
                   "jeugdzorg_pct × jongeren 0–17 / 100"),
    ),
    "Participatie": (
        ClientBron("bijstandsontvangers", "aantal"),
        ClientBron("personen_met_bijstand", "aantal"),
        ClientBron("bijstand_per_1000", "per_1000", "bijstand_per_1000 × inwoners / 1000"),
    ),
}

#: Domein → (clients, plural; one client) in Dutch, for tables, figures and sentences.
CLIENT_WOORDEN: dict[str, tuple[str, str]] = {
    "Wmo": ("Wmo-cliënten", "Wmo-cliënt"),
    "Jeugd": ("jongeren met jeugdzorg", "jongere met jeugdzorg"),
    "Participatie": ("bijstandsontvangers", "bijstandsontvanger"),
}

# Domein → ((volume more, volume less), (price higher, price lower)) for the sentences.
_ZINDELEN: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "Wmo": (("meer inwoners een Wmo-voorziening hebben",
             "minder inwoners een Wmo-voorziening hebben"),
            ("de Wmo per cliënt duurder is", "de Wmo per cliënt goedkoper is")),
    "Jeugd": (("meer jongeren jeugdzorg krijgen", "minder jongeren jeugdzorg krijgen"),
              ("jeugdzorg per jongere duurder is", "jeugdzorg per jongere goedkoper is")),
    "Participatie": (("meer inwoners bijstand ontvangen", "minder inwoners bijstand ontvangen"),
                     ("de netto kosten per bijstandsontvanger hoger zijn",
                      "de netto kosten per bijstandsontvanger lager zijn")),
}

_JONG_0_17 = (("inwoners_0_4", 1.0), ("inwoners_5_9", 1.0), ("inwoners_10_14", 1.0),
              ("inwoners_15_19", 0.6))

PV_COLUMNS = [
    "gm_code", "naam", "jaar", "verslagsoort", "domein", "netto_eur", "inwoners",
    "netto_per_inwoner", "clienten", "volume", "prijs", "clienten_jaar", "jaar_afwijkend",
    "clienten_kenmerk", "clienten_bron", "status",
]


# --------------------------------------------------------------------------- checks


def check_columns(df: pd.DataFrame | None, name: str, cols: Sequence[str]) -> None:
    """Raise :class:`DataError` when table ``name`` is absent or lacks any of ``cols``.

    Args:
        df: The table (None when it could not be loaded).
        name: Its canonical name, for the message.
        cols: Columns it must have (docs/tables.md).
    """
    if df is None:
        raise DataError(f"tabel {name} ontbreekt; verwacht: een DataFrame (docs/tables.md)")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"tabel {name} mist kolom(men) {missing}; verwacht: docs/tables.md")


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name}={value!r}; verwacht: een geheel getal ≥ {minimum}")
    return int(value)


def _check_verslagsoort(verslagsoort: object) -> str:
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(
            f"verslagsoort {verslagsoort!r} onbekend; verwacht: een van {VERSLAGSOORTEN}"
        )
    return str(verslagsoort)


def _check_methode(methode: object) -> str:
    if methode not in METHODEN:
        raise ParameterError(f"methode {methode!r} onbekend; verwacht: een van {METHODEN}")
    return str(methode)


def _check_jaar(jaar: object, available: Sequence[int], what: str) -> int:
    if isinstance(jaar, bool) or not isinstance(jaar, (int, np.integer)):
        raise ParameterError(f"jaar={jaar!r}; verwacht: een jaartal als geheel getal, zoals 2023")
    if int(jaar) not in available:
        shown = ", ".join(map(str, sorted(available))) or "geen"
        raise ParameterError(f"jaar {jaar} staat niet in {what}; beschikbaar: {shown}")
    return int(jaar)


# --------------------------------------------------------------------------- cost side


def levering_uit_iv3(iv3: pd.DataFrame) -> pd.DataFrame:
    """Which gemeente × jaar × verslagsoort is a real submission, derived from ``iv3``.

    Stand-in for the canonical table ``iv3_levering`` where it is not available: a
    submission counts as delivered when at least one lasten or baten amount is not 0. A
    gemeente that occurs in a year (any verslagsoort) but has no rows for a verslagsoort of
    that year is listed as not delivered.

    Args:
        iv3: Table ``iv3``.

    Returns:
        gm_code, jaar, verslagsoort, geleverd (bool); one row per gemeente × jaar ×
        verslagsoort of that year.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "lasten_eur", "baten_eur"])
    key = ["gm_code", "jaar", "verslagsoort"]
    nz = (iv3["lasten_eur"].fillna(0.0).to_numpy() != 0) | (
        iv3["baten_eur"].fillna(0.0).to_numpy() != 0)
    g = pd.Series(nz, index=pd.MultiIndex.from_frame(iv3[key]))
    g = g.groupby(level=[0, 1, 2], sort=False).any().rename("geleverd").reset_index()
    grid = (g[["gm_code", "jaar"]].drop_duplicates()
            .merge(g[["jaar", "verslagsoort"]].drop_duplicates(), on="jaar"))
    out = grid.merge(g, on=key, how="left")
    out["geleverd"] = out["geleverd"].fillna(False).astype(bool)
    return out.sort_values(key).reset_index(drop=True)


def _levering(iv3: pd.DataFrame, levering: pd.DataFrame | None) -> pd.DataFrame:
    if levering is None:
        return levering_uit_iv3(iv3)
    check_columns(levering, "iv3_levering", ["gm_code", "jaar", "verslagsoort", "geleverd"])
    return levering[["gm_code", "jaar", "verslagsoort", "geleverd"]]


def _universe(gemeenten: pd.DataFrame, jaar: int) -> pd.DataFrame:
    check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
    jaren = sorted(int(j) for j in gemeenten["jaar"].unique())
    earlier = [j for j in jaren if j < jaar]
    if jaar not in jaren and earlier:  # a begroting for a year whose indeling is not in yet
        jaar = earlier[-1]
    jaar = _check_jaar(jaar, jaren, "tabel gemeenten")
    g = gemeenten.loc[gemeenten["jaar"] == jaar].drop_duplicates("gm_code")
    cols = ["gm_code", "inwoners"] + (["naam"] if "naam" in g.columns else [])
    out = g[cols].set_index("gm_code").sort_index()
    out["inwoners"] = out["inwoners"].astype("float64")
    if "naam" not in out.columns:
        out["naam"] = out.index
    return out


def netto_per_domein(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    verslagsoort: str = "jaarrekening",
    *,
    levering: pd.DataFrame | None = None,
    domeinen: Sequence[str] = PV_DOMEINEN,
) -> pd.DataFrame:
    """Net cost (lasten − baten) per gemeente × domein for one year, NaN where not delivered.

    Args:
        iv3: Table ``iv3``.
        gemeenten: Table ``gemeenten``; its gemeenten of ``jaar`` are the universe and give
            the inwoners (1 January of the cost year).
        jaar: Cost year (boekjaar).
        verslagsoort: ``jaarrekening`` (default) or ``begroting``; never mixed.
        levering: Table ``iv3_levering`` (default: derived with :func:`levering_uit_iv3`).
        domeinen: Domeinen (default Wmo, Jeugd, Participatie).

    Returns:
        gm_code, naam, jaar, verslagsoort, domein, netto_eur, inwoners, netto_per_inwoner,
        geleverd, baten_bekend (False: the source of that submission has no baten per
        taakveld, so netto is NaN); one row per gemeente of ``jaar`` × domein. A year not
        yet in table gemeenten (a later begroting) uses the newest indeling before it.
    """
    check_columns(iv3, "iv3", ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur",
                                "baten_eur"])
    verslagsoort = _check_verslagsoort(verslagsoort)
    jaren = sorted(int(j) for j in iv3.loc[iv3["verslagsoort"] == verslagsoort, "jaar"].unique())
    jaar = _check_jaar(jaar, jaren, f"de iv3-{verslagsoort}en")
    bad = [d for d in domeinen if d not in DOMEINEN]
    if bad or not domeinen:
        raise ParameterError(f"domeinen {list(domeinen)} ongeldig; kies uit {DOMEINEN}")
    uni = _universe(gemeenten, jaar)
    sel = iv3.loc[(iv3["jaar"] == jaar) & (iv3["verslagsoort"] == verslagsoort)
                  & iv3["domein"].isin(list(domeinen))]
    netto = (sel["lasten_eur"].fillna(0.0) - sel["baten_eur"].fillna(0.0)).groupby(
        [sel["gm_code"], sel["domein"]], sort=False).sum()
    # missing is not zero: a submission without any baten in its source has no net cost
    cel = iv3.loc[(iv3["jaar"] == jaar) & (iv3["verslagsoort"] == verslagsoort)]
    baten_bekend = cel["baten_eur"].notna().groupby(cel["gm_code"]).any().reindex(
        uni.index, fill_value=False)
    lev = _levering(iv3, levering)
    lev = lev.loc[(lev["jaar"] == jaar) & (lev["verslagsoort"] == verslagsoort)]
    geleverd = lev.set_index("gm_code")["geleverd"].astype(bool)
    geleverd = geleverd[~geleverd.index.duplicated()].reindex(uni.index, fill_value=False)
    idx = pd.MultiIndex.from_product([uni.index, list(domeinen)], names=["gm_code", "domein"])
    val = netto.reindex(idx).to_numpy(dtype="float64")
    ok = np.repeat(geleverd.to_numpy(), len(domeinen))
    # a delivered submission with nothing booked on a domein is a real 0; not delivered is NaN
    val = np.where(ok, np.nan_to_num(val, nan=0.0), np.nan)
    bekend = np.repeat(baten_bekend.to_numpy(dtype=bool), len(domeinen))
    val = np.where(bekend, val, np.nan)
    inw = np.repeat(uni["inwoners"].to_numpy(), len(domeinen))
    out = pd.DataFrame({
        "gm_code": idx.get_level_values(0).astype(str),
        "naam": np.repeat(uni["naam"].astype(str).to_numpy(), len(domeinen)),
        "jaar": jaar, "verslagsoort": verslagsoort,
        "domein": idx.get_level_values(1).astype(str),
        "netto_eur": val, "inwoners": inw,
        "netto_per_inwoner": val / np.where(inw > 0, inw, np.nan),
        "geleverd": ok,
        "baten_bekend": bekend,
    })
    return out


# --------------------------------------------------------------------------- client side


def _jongeren_0_17(k: pd.DataFrame) -> pd.Series:
    """Jongeren 0–17 per (gm_code, jaar): kenmerk inwoners_0_17, else the 70072ned bins."""
    direct = k.loc[k["kenmerk"] == "inwoners_0_17"].set_index(["gm_code", "jaar"])["waarde"]
    names = [n for n, _ in _JONG_0_17]
    parts = k.loc[k["kenmerk"].isin(names)]
    if parts.empty:
        return direct[~direct.index.duplicated()]
    wide = parts.pivot_table(index=["gm_code", "jaar"], columns="kenmerk", values="waarde",
                             aggfunc="first").reindex(columns=names)
    est = sum(wide[n] * w for n, w in _JONG_0_17)  # NaN when a bin is missing
    direct = direct[~direct.index.duplicated()]
    return direct.combine_first(est)


def _bron_years(k: pd.DataFrame, bron: ClientBron) -> np.ndarray:
    return np.unique(k.loc[k["kenmerk"] == bron.kenmerk, "jaar"].to_numpy(dtype=int))


def kies_bron(kenmerken: pd.DataFrame, domein: str, jaar: int,
              bronnen: dict[str, tuple[ClientBron, ...]] | None = None) -> ClientBron | None:
    """The client count used for ``domein``: nearest years to ``jaar`` first, then list order.

    Args:
        kenmerken: Table ``kenmerken`` (rows with a value).
        domein: Wmo, Jeugd or Participatie.
        jaar: Cost year.
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        The chosen :class:`ClientBron`, or None when none of its kenmerken has a value.
    """
    best, best_d = None, None
    for bron in (bronnen or CLIENT_BRONNEN)[domein]:
        years = _bron_years(kenmerken, bron)
        if years.size == 0:
            continue
        d = int(np.abs(years - jaar).min())
        if best_d is None or d < best_d:
            best, best_d = bron, d
    return best


def clienten(
    kenmerken: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    *,
    min_clienten: int = MIN_CLIENTEN,
    domeinen: Sequence[str] = PV_DOMEINEN,
    bronnen: dict[str, tuple[ClientBron, ...]] | None = None,
) -> pd.DataFrame:
    """Client counts per gemeente × domein for cost year ``jaar``, from table ``kenmerken``.

    Args:
        kenmerken: Table ``kenmerken`` (long).
        gemeenten: Table ``gemeenten`` (inwoners of the client year, to turn rates into counts
            and counts into clients per 1,000).
        jaar: Cost year; each gemeente's count comes from its nearest year of the chosen
            kenmerk (ties: the earlier year).
        min_clienten: Counts below this (including 0) become NaN (status ``klein aantal``).
        domeinen: Domeinen with a client count.
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        gm_code, domein, clienten (persons), volume (clients per 1,000 inwoners of the
        client year), clienten_jaar (Int64), jaar_afwijkend (bool: client year ≠ cost year),
        clienten_kenmerk, clienten_bron (source id), status_clienten.
    """
    check_columns(kenmerken, "kenmerken", ["gm_code", "jaar", "kenmerk", "waarde"])
    check_columns(gemeenten, "gemeenten", ["gm_code", "jaar", "inwoners"])
    min_clienten = _check_int(min_clienten, "min_clienten", 1)
    bronnen = bronnen or CLIENT_BRONNEN
    bad = [d for d in domeinen if d not in bronnen]
    if bad:
        raise ParameterError(f"geen cliëntaantal gedefinieerd voor domein(en) {bad}; "
                             f"verwacht: uit {tuple(bronnen)}")
    names = {b.kenmerk for d in domeinen for b in bronnen[d]} | {n for n, _ in _JONG_0_17}
    names.add("inwoners_0_17")
    k = kenmerken.loc[kenmerken["kenmerk"].isin(names) & kenmerken["waarde"].notna()]
    k = k.assign(jaar=k["jaar"].astype(int))
    inw = gemeenten.loc[gemeenten["inwoners"].notna()].drop_duplicates(["gm_code", "jaar"])
    inw = inw.set_index(["gm_code", "jaar"])["inwoners"].astype("float64")
    jong = None
    frames = []
    for dom in domeinen:
        bron = kies_bron(k, dom, jaar, bronnen)
        if bron is None:
            continue
        rows = k.loc[k["kenmerk"] == bron.kenmerk, ["gm_code", "jaar", "waarde"]
                     + (["bron"] if "bron" in k.columns else [])]
        rows = rows.assign(_d=(rows["jaar"] - jaar).abs()).sort_values(
            ["gm_code", "_d", "jaar"], kind="stable").drop_duplicates("gm_code")
        key = pd.MultiIndex.from_frame(rows[["gm_code", "jaar"]])
        pop = inw.reindex(key).to_numpy()
        w = rows["waarde"].to_numpy(dtype="float64")
        if bron.soort == "aantal":
            count = w
        elif bron.soort == "per_1000":
            count = w * pop / 1000.0
        else:
            if jong is None:
                jong = _jongeren_0_17(k)
            count = w / 100.0 * jong.reindex(key).to_numpy(dtype="float64")
        frames.append(pd.DataFrame({
            "gm_code": rows["gm_code"].astype(str).to_numpy(), "domein": dom,
            "clienten": count,
            "volume": 1000.0 * count / np.where(pop > 0, pop, np.nan),
            "clienten_jaar": rows["jaar"].to_numpy(), "clienten_kenmerk": bron.label,
            "clienten_bron": (rows["bron"].astype(str).to_numpy() if "bron" in rows.columns
                              else bron.kenmerk),
        }))
    cols = ["gm_code", "domein", "clienten", "volume", "clienten_jaar", "jaar_afwijkend",
            "clienten_kenmerk", "clienten_bron", "status_clienten"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    small = out["clienten"].notna() & (out["clienten"] < min_clienten)
    missing = out["clienten"].isna() | out["volume"].isna()
    out["status_clienten"] = np.where(missing, STATUS_GEEN_TELLING,
                                      np.where(small, STATUS_KLEIN, STATUS_OK))
    out.loc[small | missing, ["clienten", "volume"]] = np.nan
    out["clienten_jaar"] = out["clienten_jaar"].astype("Int64")
    out["jaar_afwijkend"] = (out["clienten_jaar"] != jaar).astype(bool)
    return out[cols]


# --------------------------------------------------------------------------- prijs × volume


def prijs_volume_all(
    iv3: pd.DataFrame,
    kenmerken: pd.DataFrame,
    gemeenten: pd.DataFrame,
    jaar: int,
    *,
    verslagsoort: str = "jaarrekening",
    levering: pd.DataFrame | None = None,
    min_clienten: int = MIN_CLIENTEN,
    bronnen: dict[str, tuple[ClientBron, ...]] | None = None,
) -> pd.DataFrame:
    """Net cost per inwoner = volume × price / 1000, per gemeente × domein, all gemeenten.

    Args:
        iv3: Table ``iv3``.
        kenmerken: Table ``kenmerken``.
        gemeenten: Table ``gemeenten``.
        jaar: Cost year.
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        levering: Table ``iv3_levering`` (default: derived from iv3).
        min_clienten: Small-numbers threshold (see :func:`clienten`).
        bronnen: Override of :data:`CLIENT_BRONNEN`.

    Returns:
        Columns :data:`PV_COLUMNS`: netto_per_inwoner (€), volume (clients per 1,000),
        prijs (€ per client = 1000 × netto_per_inwoner / volume), clienten (persons),
        clienten_jaar, jaar_afwijkend, clienten_kenmerk, clienten_bron and status
        (``ok``, ``geen gegevens``, ``geen baten per taakveld``, ``geen cliëntentelling``,
        ``klein aantal``).
    """
    cost = netto_per_domein(iv3, gemeenten, jaar, verslagsoort, levering=levering)
    cl = clienten(kenmerken, gemeenten, jaar, min_clienten=min_clienten, bronnen=bronnen)
    out = cost.merge(cl, on=["gm_code", "domein"], how="left")
    out["status_clienten"] = out["status_clienten"].fillna(STATUS_GEEN_TELLING)
    out["jaar_afwijkend"] = out["jaar_afwijkend"].fillna(False).astype(bool)
    out["status"] = np.where(~out["geleverd"].to_numpy(), STATUS_GEEN_GEGEVENS,
                             np.where(~out["baten_bekend"].to_numpy(dtype=bool),
                                      STATUS_GEEN_BATEN, out["status_clienten"].to_numpy()))
    vol = out["volume"].to_numpy(dtype="float64")
    y = out["netto_per_inwoner"].to_numpy(dtype="float64")
    out["prijs"] = 1000.0 * y / np.where(vol > 0, vol, np.nan)
    out.loc[out["status"] != STATUS_OK, "prijs"] = np.nan
    return out[PV_COLUMNS]


def decompose(
    y_a: np.ndarray, v_a: np.ndarray, p_a: np.ndarray,
    y_b: np.ndarray, v_b: np.ndarray, p_b: np.ndarray,
    methode: str = "shift_share",
) -> dict[str, np.ndarray]:
    """Split ``y_a − y_b`` into volume, price and interaction (vectorised).

    ``y = v × p / 1000``. Shift-share (default): volume = (v_a − v_b)·p_b/1000, price =
    v_b·(p_a − p_b)/1000, interaction = (v_a − v_b)(p_a − p_b)/1000. Kitagawa (symmetric):
    volume = (v_a − v_b)(p_a + p_b)/2000, price = (p_a − p_b)(v_a + v_b)/2000,
    interaction = 0. In both, volume + price + interaction = v_a·p_a/1000 − v_b·p_b/1000.

    Args:
        y_a: Net cost per inwoner of the gemeente (€).
        v_a: Its volume (clients per 1,000 inwoners).
        p_a: Its price (€ per client).
        y_b: Net cost per inwoner of the reference.
        v_b: Volume of the reference.
        p_b: Price of the reference.
        methode: ``shift_share`` or ``kitagawa``.

    Returns:
        Dict of arrays: verschil (y_a − y_b), volume_deel, prijs_deel, interactie.
    """
    methode = _check_methode(methode)
    arrs = [np.asarray(a, dtype="float64") for a in (y_a, v_a, p_a, y_b, v_b, p_b)]
    y_a, v_a, p_a, y_b, v_b, p_b = arrs
    dv, dp = v_a - v_b, p_a - p_b
    if methode == "shift_share":
        vol, prijs, inter = dv * p_b / 1000.0, v_b * dp / 1000.0, dv * dp / 1000.0
    else:
        vol = dv * (p_a + p_b) / 2000.0
        prijs = dp * (v_a + v_b) / 2000.0
        inter = np.where(np.isfinite(vol + prijs), 0.0, np.nan)
    return {"verschil": y_a - y_b, "volume_deel": vol, "prijs_deel": prijs,
            "interactie": inter}


def peer_tabel(peer_list: pd.DataFrame | Sequence[str], gm_code: str | None = None
               ) -> pd.DataFrame:
    """Normalise peers to a long table gm_code, peer_gm_code.

    Args:
        peer_list: :func:`analysekit.analysis.peers.all_peers` output (gm_code,
            peer_gm_code), :func:`~analysekit.analysis.peers.peers` output (peer codes in
            column gm_code, the gemeente in ``attrs["gm_code"]``) or a list of gm_codes.
        gm_code: The gemeente the peers belong to (needed for a list; overrides attrs).

    Returns:
        DataFrame gm_code, peer_gm_code (the gemeente itself left out).
    """
    if isinstance(peer_list, pd.DataFrame) and "peer_gm_code" in peer_list.columns:
        out = peer_list[["gm_code", "peer_gm_code"]].astype(str)
    else:
        owner = gm_code or (peer_list.attrs.get("gm_code")
                            if isinstance(peer_list, pd.DataFrame) else None)
        if owner is None:
            raise ParameterError("peer_list is een gewone lijst peers; geef ook gm_code= mee")
        codes = (peer_list["gm_code"].astype(str).tolist()
                 if isinstance(peer_list, pd.DataFrame) else [str(c) for c in peer_list])
        out = pd.DataFrame({"gm_code": str(owner), "peer_gm_code": codes})
    bad = [c for c in pd.unique(out[["gm_code", "peer_gm_code"]].to_numpy().ravel())
           if not is_gm_code(c)]
    if bad:
        raise ParameterError(f"peer_list bevat {bad[:3]}; verwacht: gm_codes zoals GM0855")
    return out.loc[out["gm_code"] != out["peer_gm_code"]].reset_index(drop=True)


def decompose_vs_peers(
    pv: pd.DataFrame,
    peer_list: pd.DataFrame | Sequence[str],
    *,
    gm_code: str | None = None,
    methode: str = "shift_share",
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Decompose each gemeente's difference from its peer median, all gemeenten at once.

    Args:
        pv: :func:`prijs_volume_all` output (one year, one verslagsoort).
        peer_list: Peers, see :func:`peer_tabel` (all gemeenten: ``all_peers`` output).
        gm_code: The gemeente when ``peer_list`` is a plain list.
        methode: ``shift_share`` (default, with interaction) or ``kitagawa``.
        min_peers: Fewest peers with both figures for a reference (else NaN).

    Returns:
        One row per gemeente of the peer table × domein: gm_code, naam, jaar,
        verslagsoort, domein, netto_per_inwoner, volume, prijs, clienten, clienten_jaar,
        jaar_afwijkend, clienten_kenmerk, clienten_bron, ref_netto_per_inwoner,
        ref_volume, ref_prijs, prijs_mediaan_peers, n_peers, verschil, volume_deel,
        prijs_deel, interactie, methode, referentie (``peers``), status. NaN parts where
        the gemeente or the reference has no figures (status says why).
    """
    check_columns(pv, "prijs_volume", PV_COLUMNS)
    methode = _check_methode(methode)
    min_peers = _check_int(min_peers, "min_peers", 1)
    if pv["jaar"].nunique() > 1 or pv["verslagsoort"].nunique() > 1:
        raise ParameterError("pv bevat meerdere jaren of verslagsoorten; geef er van elk één")
    pt = peer_tabel(peer_list, gm_code)
    ok = pv.loc[pv["status"] == STATUS_OK, ["gm_code", "domein", "netto_per_inwoner",
                                            "volume", "prijs"]]
    m = pt.merge(ok.rename(columns={"gm_code": "peer_gm_code"}), on="peer_gm_code")
    g = m.groupby(["gm_code", "domein"], sort=False)
    ref = pd.DataFrame({
        "ref_netto_per_inwoner": g["netto_per_inwoner"].median(),
        "ref_volume": g["volume"].median(),
        "prijs_mediaan_peers": g["prijs"].median(),
        "n_peers": g["volume"].size(),
    })
    owners = pd.Index(pt["gm_code"].unique(), name="gm_code")
    own = pv.loc[pv["gm_code"].isin(owners)]
    out = own.join(ref, on=["gm_code", "domein"])
    out["n_peers"] = out["n_peers"].fillna(0).astype(int)
    few = out["n_peers"].to_numpy() < min_peers
    out.loc[few, ["ref_netto_per_inwoner", "ref_volume", "prijs_mediaan_peers"]] = np.nan
    rv = out["ref_volume"].to_numpy(dtype="float64")
    out["ref_prijs"] = 1000.0 * out["ref_netto_per_inwoner"].to_numpy() / np.where(
        rv > 0, rv, np.nan)
    parts = _add_parts(out, methode)
    status = out["status"].to_numpy(dtype=object).copy()
    status[(status == STATUS_OK) & few] = f"minder dan {min_peers} peers met gegevens"
    out["status"] = status
    out.loc[out["status"] != STATUS_OK, parts] = np.nan
    out["methode"] = methode
    out["referentie"] = "peers"
    return _finish(out)


_OUT_COLS = [
    "gm_code", "naam", "jaar", "verslagsoort", "domein", "netto_per_inwoner", "volume",
    "prijs", "clienten", "clienten_jaar", "jaar_afwijkend", "clienten_kenmerk",
    "clienten_bron", "referentie", "ref_jaar", "ref_clienten_jaar", "ref_netto_per_inwoner",
    "ref_volume", "ref_prijs", "prijs_mediaan_peers", "n_peers", "verschil", "volume_deel",
    "prijs_deel", "interactie", "methode", "status",
]


def _add_parts(out: pd.DataFrame, methode: str) -> list[str]:
    """Add the :func:`decompose` parts of each row against its ``ref_*`` columns; their names."""
    parts = decompose(out["netto_per_inwoner"], out["volume"], out["prijs"],
                      out["ref_netto_per_inwoner"], out["ref_volume"], out["ref_prijs"],
                      methode)
    for name, arr in parts.items():
        out[name] = arr
    return list(parts)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    for c in _OUT_COLS:
        if c not in out.columns:
            out[c] = pd.NA if c in ("ref_jaar", "ref_clienten_jaar") else np.nan
    out["ref_jaar"] = out["ref_jaar"].astype("Int64")
    out["ref_clienten_jaar"] = out["ref_clienten_jaar"].astype("Int64")
    order = {d: i for i, d in enumerate(DOMEINEN)}
    out = out.assign(_o=out["domein"].map(order)).sort_values(["gm_code", "_o"], kind="stable")
    return out[_OUT_COLS].reset_index(drop=True)


def decompose_vs_jaar(
    pv: pd.DataFrame,
    pv_eerder: pd.DataFrame,
    *,
    methode: str = "shift_share",
) -> pd.DataFrame:
    """Decompose each gemeente's change from an earlier cost year (same verslagsoort).

    A change is decomposed only where both years have their own client count (different
    client years): with one count for both, volume cannot change and the whole change would
    wrongly be called price. Such rows get NaN parts and a status that says so.

    Args:
        pv: :func:`prijs_volume_all` of the later year.
        pv_eerder: :func:`prijs_volume_all` of the earlier year, same verslagsoort.
        methode: ``shift_share`` or ``kitagawa``.

    Returns:
        The columns of :func:`decompose_vs_peers` with referentie ``eerder jaar``,
        ref_jaar and ref_clienten_jaar.
    """
    check_columns(pv, "prijs_volume", PV_COLUMNS)
    check_columns(pv_eerder, "prijs_volume (eerder jaar)", PV_COLUMNS)
    methode = _check_methode(methode)
    for frame, what in ((pv, "pv"), (pv_eerder, "pv_eerder")):
        if frame["jaar"].nunique() != 1 or frame["verslagsoort"].nunique() != 1:
            raise ParameterError(
                f"{what} bevat meer dan één jaar of verslagsoort; verwacht: één van elk"
            )
    j1, j0 = int(pv["jaar"].iloc[0]), int(pv_eerder["jaar"].iloc[0])
    if j0 >= j1:
        raise ParameterError(f"pv_eerder (jaar {j0}) ligt niet vóór pv (jaar {j1}); verwacht: een "
                             "eerder jaar")
    if pv["verslagsoort"].iloc[0] != pv_eerder["verslagsoort"].iloc[0]:
        raise ParameterError("pv en pv_eerder verschillen in verslagsoort; vergelijk dezelfde "
                             "verslagsoort")
    ref = pv_eerder.set_index(["gm_code", "domein"])
    ref = ref[["netto_per_inwoner", "volume", "prijs", "clienten_jaar", "status"]].rename(
        columns={"netto_per_inwoner": "ref_netto_per_inwoner", "volume": "ref_volume",
                 "prijs": "ref_prijs", "clienten_jaar": "ref_clienten_jaar",
                 "status": "_ref_status"})
    out = pv.join(ref, on=["gm_code", "domein"])
    out["ref_jaar"] = j0
    parts = _add_parts(out, methode)
    status = out["status"].to_numpy(dtype=object).copy()
    ref_status = out["_ref_status"].fillna(STATUS_GEEN_GEGEVENS).to_numpy(dtype=object)
    bad_ref = (status == STATUS_OK) & (ref_status != STATUS_OK)
    status[bad_ref] = [f"{j0}: {s}" for s in ref_status[bad_ref]]
    same = (status == STATUS_OK) & (
        out["clienten_jaar"].astype("Int64") == out["ref_clienten_jaar"].astype("Int64")
    ).fillna(False).to_numpy(dtype=bool)
    status[same] = "zelfde cliëntenjaar in beide jaren: volume niet te vergelijken"
    out["status"] = status
    out.loc[out["status"] != STATUS_OK, parts] = np.nan
    out["methode"] = methode
    out["referentie"] = "eerder jaar"
    out["n_peers"] = 0
    return _finish(out.drop(columns="_ref_status"))


# --------------------------------------------------------------------------- text


def _deel(x: float, words: tuple[str, str]) -> str:
    more = x >= 0
    bedrag = "minder dan € 1" if abs(x) < 0.5 else nl.eur(abs(x))
    return f"{bedrag} {'meer' if more else 'minder'} doordat {words[0 if more else 1]}"


#: KWB editions (CBS Kerncijfers wijken en buurten) by table id, for :func:`bron_label`.
KWB_EDITIES = {"85039NED": 2021, "84799NED": 2020, "83765NED": 2017}
_CIRCULAIRES = {"S": "septembercirculaire", "M": "meicirculaire", "D": "decembercirculaire"}


def bron_label(bron: object) -> str:
    """The source of a client count in words a report reader knows.

    ``85039NED`` → ``CBS Kerncijfers wijken en buurten 2021, tabel 85039NED``;
    ``gf:S2024_2024`` → ``BZK, maatstaf gemeentefonds, septembercirculaire 2024,
    uitkeringsjaar 2024``;
    anything else is returned as is.
    """
    b = str(bron or "")
    m = re.fullmatch(r"gf:([SMD])(\d{4})_(\d{4})", b)
    if m:
        return (f"BZK, maatstaf gemeentefonds, {_CIRCULAIRES[m.group(1)]} {m.group(2)}, "
                f"uitkeringsjaar {m.group(3)}")
    if b.upper() in KWB_EDITIES:
        return f"CBS Kerncijfers wijken en buurten {KWB_EDITIES[b.upper()]}, tabel {b}"
    return b


def _geen_zin(r: dict, naam: str) -> str:
    """The plain sentence for a domein without a split: why, never a 0."""
    dom, vs, jaar = str(r["domein"]), r["verslagsoort"], int(r["jaar"])
    reden = str(r.get("status") or nl.GEEN_GEGEVENS)
    wat = CLIENT_WOORDEN[dom][0]
    if reden == STATUS_GEEN_GEGEVENS:
        uitleg = (f"er zijn geen gegevens: {naam} heeft over de {vs} {jaar} geen Iv3-cijfers "
                  "aan het CBS geleverd")
    elif reden == STATUS_GEEN_BATEN:
        uitleg = (f"voor de {vs} {jaar} staan alleen lasten per taakveld in de gegevens, geen "
                  "baten: de netto lasten zijn niet te berekenen")
    elif reden == STATUS_GEEN_TELLING:
        uitleg = f"er zijn geen gegevens over het aantal {wat} ({reden})"
    elif reden == STATUS_KLEIN:
        uitleg = (f"het aantal {wat} is kleiner dan {MIN_CLIENTEN} en wordt niet getoond "
                  f"({reden})")
    elif reden.startswith("minder dan") and "peers" in reden:
        uitleg = "er zijn " + reden.replace("peers", "vergelijkbare gemeenten")
    else:
        uitleg = reden
    return f"{dom} ({vs} {jaar}): geen splitsing in prijs en volume voor {naam}, want {uitleg}."


def zin(row: pd.Series | dict, naam: str | None = None) -> str:
    """One Dutch sentence for one row of :func:`decompose_vs_peers` / :func:`decompose_vs_jaar`.

    Args:
        row: A result row.
        naam: Name of the gemeente (default: the row's naam).

    Returns:
        E.g. "Tilburg geeft € 120 per inwoner meer uit aan Jeugd dan de mediaan van 10
        vergelijkbare gemeenten (…; jaarrekening 2023): € 80 meer doordat meer jongeren
        jeugdzorg krijgen, € 30 meer doordat jeugdzorg per jongere duurder is (en € 10
        meer door de samenhang van beide). …", or a plain sentence saying why there is
        no split ("geen gegevens", never a 0).
    """
    r = dict(row)
    dom = str(r["domein"])
    if dom not in _ZINDELEN:
        raise ParameterError(f"domein {dom!r} heeft geen prijs × volume-zin; verwacht: een van "
                             f"{tuple(_ZINDELEN)}")
    naam = naam or str(r.get("naam") or r["gm_code"])
    vs, jaar = r["verslagsoort"], int(r["jaar"])
    peers = r.get("referentie") == "peers"
    if peers:
        ref = f"de mediaan van {int(r['n_peers'])} vergelijkbare gemeenten"
    else:
        ref = f"in {r['ref_jaar']}"
    if r.get("status") != STATUS_OK or not nl.finite(r.get("verschil")):
        return _geen_zin(r, naam)
    # the difference of the two figures as shown (whole euros), so that the sentence adds up
    x = float(round(float(r["netto_per_inwoner"])) - round(float(r["ref_netto_per_inwoner"])))
    richting = "meer" if x >= 0 else "minder"
    vol_w, prijs_w = _ZINDELEN[dom]
    text = (f"{naam} geeft {nl.eur(abs(x))} per inwoner {richting} uit aan {dom} "
            f"dan {ref} ({nl.eur(r['netto_per_inwoner'])} tegen "
            f"{nl.eur(r['ref_netto_per_inwoner'])}; {vs} {jaar}): "
            f"{_deel(float(r['volume_deel']), vol_w)}, {_deel(float(r['prijs_deel']), prijs_w)}")
    w = float(r["interactie"])
    if r.get("methode") == "shift_share":
        if abs(w) < 0.5:
            text += " (de samenhang van beide is minder dan € 1)"
        else:
            text += (f" (en {nl.eur(abs(w))} {'meer' if w > 0 else 'minder'} door de "
                     "samenhang van beide)")
    text += "."
    text += " " + _jaar_zin(r)
    return text.strip()


def _jaar_zin(r: dict) -> str:
    cj = r.get("clienten_jaar")
    if cj is None or pd.isna(cj):
        return ""
    cj = int(cj)
    jaar = int(r["jaar"])
    wat = CLIENT_WOORDEN[str(r["domein"])][0]
    bron = bron_label(r.get("clienten_bron"))
    bron = f" ({bron})" if bron else ""
    if cj == jaar:
        return f"Het aantal {wat} komt uit hetzelfde jaar {cj}{bron}."
    return (f"Het aantal {wat} komt uit {cj}{bron}, {abs(jaar - cj)} jaar "
            f"{'vóór' if cj < jaar else 'na'} het kostenjaar {jaar}.")


def zinnen(result: pd.DataFrame, gm_code: str, naam: str | None = None) -> list[str]:
    """The sentences of one gemeente, one per domein (order of :data:`PV_DOMEINEN`).

    Args:
        result: :func:`decompose_vs_peers` or :func:`decompose_vs_jaar` output.
        gm_code: The gemeente.
        naam: Display name (default: from the result).

    Raises:
        UnknownGemeente: ``gm_code`` has no rows in ``result``.
    """
    rows = result.loc[result["gm_code"] == gm_code]
    if rows.empty:
        raise UnknownGemeente(
            f"gemeente {gm_code!r} heeft geen rijen in de prijs × volume-uitkomst"
        )
    return [zin(r, naam) for _, r in rows.iterrows()]


_KANTTEKENINGEN = {
    "Wmo": (
        "De KWB telt personen met een Wmo-maatwerkvoorziening (hulpmiddelen, huishoudelijke "
        "hulp, begeleiding, dagbesteding); de kosten van het domein Wmo omvatten ook beschermd "
        "wonen en opvang (6.81, grotendeels via centrumgemeenten) en beleid (6.91), maar niet "
        "de toegang (6.2). Een cliënt met alleen een hulpmiddel en een cliënt met dagelijkse "
        "begeleiding tellen even zwaar: een hogere 'prijs' kan dus ook een zwaardere mix van "
        "voorzieningen zijn."
    ),
    "Jeugd": (
        "De KWB telt jongeren tot 18 jaar met jeugdzorg in natura (jeugdhulp met én zonder "
        "verblijf, jeugdbescherming en jeugdreclassering samen); de kosten omvatten ook pgb "
        "(6.792), beleid (6.92) en jongeren van 18 tot 23. Verblijf en jeugdbescherming kosten "
        "per jongere een veelvoud van ambulante hulp: een hogere 'prijs' kan een andere mix "
        "zijn, geen hoger tarief."
    ),
    "Participatie": (
        "Het volume telt bijstandsontvangers; de kosten van Participatie omvatten ook de "
        "sociale werkvoorziening en beschut werk (6.4) en re-integratietrajecten (6.5), voor "
        "mensen die vaak geen bijstand hebben, en de uitkeringen zijn netto na de rijksbijdrage "
        "(BUIG). De 'prijs' is dus geen uitkering per persoon."
    ),
}
_ALGEMEEN = (
    "Dit is een rekenkundige ontleding (Kitagawa/shift-share), geen oorzakelijk effect: ze "
    "zegt niet waarom een gemeente meer cliënten heeft of waarom die duurder zijn."
)
_ANDER_JAAR = " De cliëntentelling komt uit een ander jaar en een andere bron dan de kosten."
_ANDERE_BRON = " De cliëntentelling komt uit een andere bron dan de kosten."


def kanttekening(domein: str | None = None, *, jaar_afwijkend: bool = True) -> str:
    """What the split cannot claim, in Dutch: the population mismatch per domein.

    Args:
        domein: Wmo, Jeugd or Participatie; None gives the general note only.
        jaar_afwijkend: Whether the client year differs from the cost year (then the note
            says so; default True, as on the offline mirror).
    """
    algemeen = _ALGEMEEN + (_ANDER_JAAR if jaar_afwijkend else _ANDERE_BRON)
    if domein is None:
        return algemeen
    if domein not in _KANTTEKENINGEN:
        raise ParameterError(f"domein {domein!r} onbekend; verwacht: een van "
                             f"{tuple(_KANTTEKENINGEN)}")
    return f"{algemeen} {_KANTTEKENINGEN[domein]}"


# --------------------------------------------------------------------------- convenience


def levering_tabel(iv3: pd.DataFrame) -> pd.DataFrame:
    """Table ``iv3_levering`` when the data layer has it, else :func:`levering_uit_iv3`.

    Args:
        iv3: Table ``iv3`` (used only when ``iv3_levering`` cannot be loaded).
    """
    import analysekit

    try:
        return analysekit.load("iv3_levering")
    except (ParameterError, DataError, FileNotFoundError):
        return levering_uit_iv3(iv3)


def prijs_volume(
    gemeente: str,
    jaar: int | None = None,
    *,
    verslagsoort: str = "jaarrekening",
    k: int = 10,
    peer_list: pd.DataFrame | Sequence[str] | None = None,
    methode: str = "shift_share",
    min_clienten: int = MIN_CLIENTEN,
) -> pd.DataFrame:
    """Prijs × volume split of one gemeente against its peers, from the canonical tables.

    Args:
        gemeente: gm_code or name.
        jaar: Cost year (default: the newest year of ``verslagsoort`` in iv3).
        verslagsoort: ``jaarrekening`` (default) or ``begroting``.
        k: Number of peers, when ``peer_list`` is None (chosen by
            :func:`analysekit.analysis.peers.peer_selection` for the period).
        peer_list: Own peers (``peers()`` output or gm_codes).
        methode: ``shift_share`` or ``kitagawa``.
        min_clienten: Small-numbers threshold.

    Returns:
        :func:`decompose_vs_peers` rows of that gemeente (one per domein); ``attrs`` has
        ``zinnen`` (the Dutch sentences) and ``kanttekeningen``.
    """
    import analysekit
    from analysekit.analysis import peers as P
    from analysekit.analysis.deficits import resolve_gm_code

    code = gemeente if is_gm_code(gemeente) else resolve_gm_code(str(gemeente))
    iv3 = analysekit.load("iv3")
    ken = analysekit.load("kenmerken")
    gem = analysekit.load("gemeenten")
    verslagsoort = _check_verslagsoort(verslagsoort)
    if jaar is None:
        jaar = int(iv3.loc[iv3["verslagsoort"] == verslagsoort, "jaar"].max())
    lev = levering_tabel(iv3)
    pv = prijs_volume_all(iv3, ken, gem, jaar, verslagsoort=verslagsoort,
                          levering=lev, min_clienten=min_clienten)
    if peer_list is None:  # the period's peer selection: only gemeenten that delivered
        data = P.peer_data(ken, gem, P.peer_year(gem, int(jaar)))
        sel = P.peer_selection(int(jaar), verslagsoort, data=data, levering=lev)
        peer_list = sel.peers(code, k)
    out = decompose_vs_peers(pv, peer_list, gm_code=code, methode=methode)
    out.attrs["zinnen"] = zinnen(out, code)
    out.attrs["kanttekeningen"] = {d: kanttekening(d) for d in out["domein"]}
    return out
