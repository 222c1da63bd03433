"""SMART goals for the sturingsrapportage: goals file, indicators, status and progress chart.

A goals file (YAML list under ``doelen:`` or CSV) holds per goal: indicator (label),
definitie (a computable indicator from :data:`INDICATORS`, or ``eigen`` for a series the
user supplies under ``waarden``), baseline_jaar, baseline_waarde, doel_waarde, deadline
(year) and eigenaar.

Status rule (:func:`goal_status`), per goal, from the latest observed value ``v`` in year
``t`` after the baseline year:

* the required path runs linearly from (baseline_jaar, baseline_waarde) to
  (deadline, doel_waarde); ``p(t)`` is its value in year ``t`` (the target after the
  deadline);
* **behaald** when ``v`` has reached the target (in the goal's direction);
* **op koers** when ``v`` is at or ahead of ``p(t)``, or behind it by at most the tolerance
  (default 10 % of the total required change ``|doel - baseline|``), and the deadline has
  not passed;
* **achter** otherwise (also when the deadline has passed without reaching the target);
* **onbekend** when there is no measurement after the baseline year.

Only a **measurement** gets a status (:func:`bron_soort`): a jaarrekening, a CBS count or
the gemeente's own registration. A begroting is a plan, a gemeentefonds maatstaf is a
distribution figure (``bijstandsontvangers`` is a three-year average, partly forecast),
and the values of an example file are invented; they are shown apart, labelled as what
they are, and never judged.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.levers import lever_candidates
from analysekit.analysis.register.records import Record, parse_number, read_records
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN

__all__ = [
    "BRON_MAATSTAF",
    "BRON_VOORBEELD",
    "INDICATORS",
    "Doel",
    "DoelenBestand",
    "GoalsResult",
    "IndicatorDefinitie",
    "bron_soort",
    "compute_indicator",
    "evaluate_goals",
    "goal_status",
    "indicator_values",
    "plot_progress",
    "read_goals",
]

STATUS_KLEUR = {
    "behaald": "#2e7d32",
    "op koers": "#1f4e79",
    "achter": "#c00000",
    "onbekend": "grey",
}

EIGEN = "eigen"
REQUIRED_FIELDS = (
    "indicator",
    "definitie",
    "baseline_jaar",
    "baseline_waarde",
    "doel_waarde",
    "deadline",
    "eigenaar",
)
OPTIONAL_FIELDS = ("eenheid", "waarden", "toelichting", "id")

#: ``bron`` of an indicator that is a gemeentefonds maatstaf (not a measurement).
BRON_MAATSTAF = "maatstaf gemeentefonds"
#: ``bron`` of the own values in an example goals file (invented, not a measurement).
BRON_VOORBEELD = "voorbeeldwaarden (verzonnen)"
#: Kinds of source (:func:`bron_soort`); only ``meting`` gets a status.
BRON_SOORTEN = ("meting", "plan", "maatstaf", "voorbeeld")


def bron_soort(bron: Any) -> str:
    """What an observation's ``bron`` is: ``meting``, ``plan``, ``maatstaf`` or ``voorbeeld``.

    ``begroting`` is a plan; :data:`BRON_MAATSTAF` a gemeentefonds maatstaf;
    :data:`BRON_VOORBEELD` (any ``voorbeeld…``) invented example values; everything else
    (jaarrekening, a CBS count, the goals file, values given by the user) a measurement.
    """
    b = str(bron).strip().casefold()
    if b == "begroting":
        return "plan"
    if b.startswith("maatstaf"):
        return "maatstaf"
    if b.startswith("voorbeeld"):
        return "voorbeeld"
    return "meting"


# ---------------------------------------------------------------------------
# Indicator registry
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDefinitie:
    """A computable indicator.

    Attributes:
        naam: Key used as ``definitie`` in a goals file.
        omschrijving: Dutch definition shown to readers.
        eenheid: Unit.
        bereken: Function ``(iv3, gemeenten, kenmerken, verslagsoort) -> DataFrame``
            with gm_code, jaar, waarde.
        maatstaf: True when the values are a gemeentefonds maatstaf, not a measurement
            (shown as such, never given a status).
    """

    naam: str
    omschrijving: str
    eenheid: str
    bereken: Callable[..., pd.DataFrame]
    maatstaf: bool = False


def _need(table: pd.DataFrame | None, name: str, definitie: str) -> pd.DataFrame:
    if table is None:
        raise ParameterError(
            f"indicator '{definitie}' heeft de tabel '{name}' nodig; geef {name}= mee"
        )
    return table


def _net_cost(iv3: pd.DataFrame, domeinen: Sequence[str], verslagsoort: str) -> pd.DataFrame:
    """Net lasten per gemeente × jaar; NaN where the baten per taakveld are not known.

    The multi-year Iv3 source has lasten only (``baten_bekend`` False): missing is not
    zero, so such a year has no net cost (it would otherwise be the lasten).
    """
    d = iv3.loc[(iv3["verslagsoort"] == verslagsoort) & iv3["domein"].isin(list(domeinen))]
    unknown = (~d["baten_bekend"].astype(bool) if "baten_bekend" in d.columns
               else pd.Series(False, index=d.index))
    out = (
        d.assign(netto=d["lasten_eur"].astype(float) - d["baten_eur"].astype(float).fillna(0.0),
                 onbekend=unknown)
        .groupby(["gm_code", "jaar"], as_index=False)
        .agg(netto=("netto", "sum"), onbekend=("onbekend", "any"))
    )
    out["netto"] = out["netto"].where(~out["onbekend"].astype(bool))
    out["jaar"] = out["jaar"].astype(int)
    return out.drop(columns="onbekend")


def _kenmerk(
    kenmerken: pd.DataFrame, naam: str, target: pd.DataFrame, max_gap: int = 2
) -> pd.Series:
    """Value of a kenmerk for each (gm_code, jaar) of ``target``, nearest year within max_gap."""
    kk = kenmerken.loc[kenmerken["kenmerk"] == naam, ["gm_code", "jaar", "waarde"]]
    if kk.empty:
        raise DataError(f"kenmerken: kenmerk '{naam}' ontbreekt; nodig voor deze indicator")
    kk = kk.astype({"jaar": int})
    avail = np.sort(kk["jaar"].unique())
    mapping = {}
    for y in target["jaar"].unique():
        diffs = np.abs(avail - y) + (avail > y) * 0.5
        j = int(np.argmin(diffs))
        if abs(int(avail[j]) - int(y)) <= max_gap:
            mapping[int(y)] = int(avail[j])
    t = target[["gm_code", "jaar"]].copy()
    t["_kjaar"] = t["jaar"].map(mapping)
    merged = t.merge(kk.rename(columns={"jaar": "_kjaar"}), on=["gm_code", "_kjaar"], how="left")
    return merged["waarde"].astype(float).set_axis(target.index)


def _inwoners(gemeenten: pd.DataFrame, target: pd.DataFrame) -> pd.Series:
    g = gemeenten[["gm_code", "jaar", "inwoners"]].astype({"jaar": int})
    merged = target[["gm_code", "jaar"]].merge(g, on=["gm_code", "jaar"], how="left")
    return merged["inwoners"].astype(float).set_axis(target.index)


def _per_inwoner(domeinen: Sequence[str]) -> Callable[..., pd.DataFrame]:
    def bereken(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
        net = _net_cost(_need(iv3, "iv3", "netto_kosten"), domeinen, verslagsoort)
        inw = _inwoners(_need(gemeenten, "gemeenten", "netto_kosten"), net)
        net["waarde"] = net["netto"] / inw.where(inw > 0)
        return net[["gm_code", "jaar", "waarde"]]

    return bereken


def _jeugd_per_jongere(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
    net = _net_cost(_need(iv3, "iv3", "netto_kosten_jeugd_per_jongere"), ["Jeugd"], verslagsoort)
    jong = _kenmerk(
        _need(kenmerken, "kenmerken", "netto_kosten_jeugd_per_jongere"), "jongeren", net
    )
    net["waarde"] = net["netto"] / jong.where(jong > 0)
    return net[["gm_code", "jaar", "waarde"]]


def _bijstand_per_1000(iv3=None, gemeenten=None, kenmerken=None, **_):
    ken = _need(kenmerken, "kenmerken", "bijstand_per_1000")
    kk = ken.loc[ken["kenmerk"] == "bijstandsontvangers", ["gm_code", "jaar", "waarde"]]
    if kk.empty:
        raise DataError(
            "kenmerken: kenmerk 'bijstandsontvangers' ontbreekt; nodig voor bijstand_per_1000"
        )
    kk = kk.astype({"jaar": int}).reset_index(drop=True)
    inw = _inwoners(_need(gemeenten, "gemeenten", "bijstand_per_1000"), kk)
    kk["waarde"] = kk["waarde"].astype(float) / inw.where(inw > 0) * 1000.0
    return kk[["gm_code", "jaar", "waarde"]]


def _lever(col: str) -> Callable[..., pd.DataFrame]:
    def bereken(iv3=None, gemeenten=None, kenmerken=None, verslagsoort="jaarrekening", **_):
        lc = lever_candidates(_need(iv3, "iv3", col), gemeenten, verslagsoort=verslagsoort)
        return lc[["gm_code", "jaar", col]].rename(columns={col: "waarde"})

    return bereken


INDICATORS: dict[str, IndicatorDefinitie] = {
    "netto_kosten_jeugd_per_jongere": IndicatorDefinitie(
        "netto_kosten_jeugd_per_jongere",
        "netto lasten domein Jeugd (lasten - baten) per jongere (kenmerk 'jongeren', "
        "gemeentefondsmaatstaf 0-17 jaar)",
        "EUR per jongere",
        _jeugd_per_jongere,
    ),
    "netto_kosten_wmo_per_inwoner": IndicatorDefinitie(
        "netto_kosten_wmo_per_inwoner",
        "netto lasten domein Wmo per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Wmo"]),
    ),
    "netto_kosten_participatie_per_inwoner": IndicatorDefinitie(
        "netto_kosten_participatie_per_inwoner",
        "netto lasten domein Participatie per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Participatie"]),
    ),
    "netto_kosten_basisvoorzieningen_per_inwoner": IndicatorDefinitie(
        "netto_kosten_basisvoorzieningen_per_inwoner",
        "netto lasten domein Sociale basisvoorzieningen per inwoner",
        "EUR per inwoner",
        _per_inwoner(["Sociale basisvoorzieningen"]),
    ),
    "netto_kosten_sociaal_domein_per_inwoner": IndicatorDefinitie(
        "netto_kosten_sociaal_domein_per_inwoner",
        "netto lasten sociaal domein (Sociale basisvoorzieningen, Wmo, Jeugd, Participatie) "
        "per inwoner",
        "EUR per inwoner",
        _per_inwoner(list(DOMEINEN)),
    ),
    "bijstand_per_1000": IndicatorDefinitie(
        "bijstand_per_1000",
        "bijstandsontvangers volgens de maatstaf van het gemeentefonds (een gemiddelde over "
        "drie jaar, kenmerk 'bijstandsontvangers') per 1.000 inwoners; een verdeelgegeven, "
        "geen meting",
        "per 1.000 inwoners",
        _bijstand_per_1000,
        maatstaf=True,
    ),
    "aandeel_voorliggend": IndicatorDefinitie(
        "aandeel_voorliggend",
        "lasten taakvelden 6.1 en 6.2 (wijkteams) als aandeel van de lasten sociaal domein",
        "aandeel (0-1)",
        _lever("aandeel_voorliggend"),
    ),
    "aandeel_salaris_toegang": IndicatorDefinitie(
        "aandeel_salaris_toegang",
        "salarissen als aandeel van de lasten van taakveld 6.2 (wijkteams in eigen dienst)",
        "aandeel (0-1)",
        _lever("aandeel_salaris_toegang"),
    ),
}
"""Indicators computable from the canonical tables, by ``definitie`` key."""


def compute_indicator(
    definitie: str,
    *,
    iv3: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    kenmerken: pd.DataFrame | None = None,
    verslagsoort: str = "jaarrekening",
    gm_code: str | None = None,
) -> pd.DataFrame:
    """Compute a registered indicator for all (or one) gemeente(n) and all years.

    Args:
        definitie: Key in :data:`INDICATORS`.
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table.
        kenmerken: Canonical kenmerken table.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        gm_code: Keep only this gemeente.

    Returns:
        Frame gm_code, jaar, waarde.

    Raises:
        ParameterError: Unknown definitie or a required table missing.
    """
    if definitie not in INDICATORS:
        raise ParameterError(
            f"indicator '{definitie}' is onbekend; kies uit {', '.join(INDICATORS)} of '{EIGEN}'"
        )
    out = INDICATORS[definitie].bereken(
        iv3=iv3, gemeenten=gemeenten, kenmerken=kenmerken, verslagsoort=verslagsoort
    )
    if gm_code is not None:
        out = out.loc[out["gm_code"] == gm_code]
    return out.dropna(subset=["waarde"]).sort_values(["gm_code", "jaar"]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Goals file
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Doel:
    """One SMART goal."""

    indicator: str
    definitie: str
    baseline_jaar: int
    baseline_waarde: float
    doel_waarde: float
    deadline: int
    eigenaar: str
    eenheid: str = ""
    waarden: tuple[tuple[int, float], ...] = ()
    toelichting: str = ""
    regel: int = 0

    def pad(self, jaar: float) -> float:
        """Value on the required linear path in ``jaar`` (the target after the deadline)."""
        f = (jaar - self.baseline_jaar) / (self.deadline - self.baseline_jaar)
        f = min(1.0, max(0.0, f))
        return self.baseline_waarde + (self.doel_waarde - self.baseline_waarde) * f


@dataclass
class DoelenBestand:
    """A validated goals file."""

    doelen: list[Doel]
    bron: str = ""
    gemeente: str | None = None
    toelichting: str = ""
    voorbeeld: bool = False


def _parse_waarden(rec: Record) -> tuple[tuple[int, float], ...]:
    raw = rec.values.get("waarden")
    if raw is None or raw == "":
        return ()
    pairs: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, str):
        for part in raw.replace("|", ";").split(";"):
            if not part.strip():
                continue
            if "=" not in part and ":" not in part:
                raise rec.error("waarden", f"{part.strip()!r}: verwacht jaar=waarde")
            k, v = part.replace(":", "=", 1).split("=", 1)
            pairs.append((k.strip(), v.strip().replace(",", ".")))
    elif isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict) or not {"jaar", "waarde"} <= set(item):
                raise rec.error("waarden", "verwacht per jaar 'jaar' en 'waarde'")
            pairs.append((item["jaar"], item["waarde"]))
    else:
        raise rec.error("waarden", "verwacht {jaar: waarde}")
    out = {}
    for k, v in pairs:
        jaar = parse_number(
            rec, "waarden", integer=True, lo=1990, hi=2100, value=k, extra=f"jaar {k}"
        )
        out[int(jaar)] = parse_number(rec, "waarden", value=v, extra=f"jaar {k}")
    return tuple(sorted(out.items()))


def _parse_goal(rec: Record) -> Doel:
    rec.check_fields(REQUIRED_FIELDS, OPTIONAL_FIELDS)
    definitie = str(rec.values["definitie"]).strip()
    if definitie != EIGEN and definitie not in INDICATORS:
        raise rec.error(
            "definitie",
            f"'{definitie}' is geen bekende indicator; kies uit {', '.join(INDICATORS)} of "
            f"'{EIGEN}' (met waarden)",
        )
    bj = int(parse_number(rec, "baseline_jaar", integer=True, lo=1990, hi=2100))
    bw = parse_number(rec, "baseline_waarde")
    dw = parse_number(rec, "doel_waarde")
    dl = int(parse_number(rec, "deadline", integer=True, lo=1990, hi=2100))
    if dl < bj:
        raise rec.error("deadline", f"deadline {dl} ligt vóór baseline_jaar {bj}")
    if dl == bj:
        raise rec.error(
            "deadline",
            f"deadline {dl} is gelijk aan baseline_jaar {bj}; een doel "
            "heeft minstens één jaar nodig",
        )
    waarden = _parse_waarden(rec)
    if definitie == EIGEN and "waarden" in rec.values and not waarden:
        raise rec.error("waarden", "leeg; geef per jaar een waarde")
    eenheid = str(
        rec.values.get("eenheid")
        or (INDICATORS[definitie].eenheid if definitie in INDICATORS else "")
    ).strip()
    return Doel(
        indicator=str(rec.values["indicator"]).strip(),
        definitie=definitie,
        baseline_jaar=bj,
        baseline_waarde=bw,
        doel_waarde=dw,
        deadline=dl,
        eigenaar=str(rec.values["eigenaar"]).strip(),
        eenheid=eenheid,
        waarden=waarden,
        toelichting=str(rec.values.get("toelichting") or "").strip(),
        regel=rec.line,
    )


def read_goals(path: str | Path) -> DoelenBestand:
    """Read and validate a goals file (YAML list under ``doelen:`` or CSV).

    Args:
        path: Goals file.

    Returns:
        The validated :class:`DoelenBestand`.

    Raises:
        DataError: With file, line and field: a missing or unknown field, an unknown
            definitie, a deadline before (or equal to) its baseline year, a bad number, a
            duplicate indicator.
    """
    meta, records, _ = read_records(path, "doelen", "doel")
    doelen = []
    seen: dict[str, int] = {}
    for rec in records:
        d = _parse_goal(rec)
        key = d.indicator.casefold()
        if key in seen:
            raise rec.error(
                "indicator",
                f"indicator '{d.indicator}' komt al voor op regel "
                f"{seen[key]}; elk doel heeft een eigen naam",
            )
        seen[key] = rec.field_lines.get("indicator", rec.line)
        doelen.append(d)
    return DoelenBestand(
        doelen=doelen,
        bron=Path(path).name,
        gemeente=str(meta["gemeente"]) if meta.get("gemeente") is not None else None,
        toelichting=str(meta.get("toelichting") or "").strip(),
        voorbeeld=bool(meta.get("voorbeeld", False)),
    )


# ---------------------------------------------------------------------------
# Observations and status
# ---------------------------------------------------------------------------


def _is_voorbeeld(doelen: DoelenBestand | Sequence[Doel] | str | Path) -> bool:
    if isinstance(doelen, (str, Path)):
        return read_goals(doelen).voorbeeld
    return bool(getattr(doelen, "voorbeeld", False))


def _as_doelen(doelen: DoelenBestand | Sequence[Doel] | str | Path) -> list[Doel]:
    if isinstance(doelen, (str, Path)):
        return read_goals(doelen).doelen
    if isinstance(doelen, DoelenBestand):
        return doelen.doelen
    return list(doelen)


def indicator_values(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    gm_code: str | None = None,
    *,
    iv3: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    kenmerken: pd.DataFrame | None = None,
    verslagsoort: str = "jaarrekening",
    observed: pd.DataFrame | None = None,
    voorbeeld: bool | None = None,
) -> pd.DataFrame:
    """Collect the observed values of every goal's indicator for one gemeente.

    Values come, in order of precedence, from ``observed`` (columns indicator, jaar,
    waarde), the goal's own ``waarden``, and the computed indicator (``definitie``) for
    ``gm_code`` from the canonical tables. ``bron`` says what each value is
    (:func:`bron_soort`): a maatstaf indicator gets :data:`BRON_MAATSTAF`, the own values
    of an example file :data:`BRON_VOORBEELD`.

    Args:
        doelen: Goals (file, :class:`DoelenBestand` or list of :class:`Doel`).
        gm_code: Gemeente for computed indicators.
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table.
        kenmerken: Canonical kenmerken table.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        observed: Extra observations (indicator, jaar, waarde).
        voorbeeld: Whether the goals are an example (default: the file's ``voorbeeld``
            flag when a file or :class:`DoelenBestand` is given, else False).

    Returns:
        Frame indicator, jaar, waarde, bron.
    """
    if voorbeeld is None:
        voorbeeld = _is_voorbeeld(doelen)
    own_bron = BRON_VOORBEELD if voorbeeld else "doelenbestand"
    parts = []
    have_tables = iv3 is not None or kenmerken is not None
    for d in _as_doelen(doelen):
        rows = pd.DataFrame(columns=["jaar", "waarde", "bron"])
        if d.definitie in INDICATORS and gm_code is not None and have_tables:
            comp = compute_indicator(
                d.definitie,
                iv3=iv3,
                gemeenten=gemeenten,
                kenmerken=kenmerken,
                verslagsoort=verslagsoort,
                gm_code=gm_code,
            )
            bron = (BRON_MAATSTAF if INDICATORS[d.definitie].maatstaf
                    else f"berekend: {d.definitie}")
            rows = comp[["jaar", "waarde"]].assign(bron=bron)
        if d.waarden:
            own = pd.DataFrame(d.waarden, columns=["jaar", "waarde"]).assign(bron=own_bron)
            rows = pd.concat([rows.loc[~rows["jaar"].isin(own["jaar"])], own])
        if observed is not None:
            ob = observed.loc[observed["indicator"] == d.indicator, ["jaar", "waarde"]]
            ob = ob.assign(bron="opgegeven")
            rows = pd.concat([rows.loc[~rows["jaar"].isin(ob["jaar"])], ob])
        if len(rows):
            parts.append(rows.assign(indicator=d.indicator))
    if not parts:
        return pd.DataFrame(
            {
                "indicator": pd.Series(dtype=str),
                "jaar": pd.Series(dtype=int),
                "waarde": pd.Series(dtype=float),
                "bron": pd.Series(dtype=str),
            }
        )
    out = pd.concat(parts, ignore_index=True)[["indicator", "jaar", "waarde", "bron"]]
    out = out.astype({"jaar": int, "waarde": float})
    return out.sort_values(["indicator", "jaar"], ignore_index=True)


def goal_status(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    observed: pd.DataFrame,
    *,
    peiljaar: int | None = None,
    tolerantie: float = 0.10,
) -> pd.DataFrame:
    """Judge each goal: behaald / op koers / achter / onbekend (see the module docstring).

    Only measurements are judged: with a ``bron`` column, rows that are a plan, a maatstaf
    or an example value (:func:`bron_soort`) are left out, and a goal with only such rows
    is ``onbekend``, its toelichting saying what the figures are.

    Args:
        doelen: Goals.
        observed: Observations (indicator, jaar, waarde[, bron]), e.g. from
            :func:`indicator_values`.
        peiljaar: Ignore observations after this year (default: use all).
        tolerantie: Allowed shortfall behind the required path, as a share of the total
            required change.

    Returns:
        Frame indicator, eigenaar, baseline_jaar, baseline_waarde, doel_waarde, deadline,
        laatste_jaar, laatste_waarde, vereist_op_pad, voortgang (share of the required
        change realised), achterstand (behind the path, share of the required change;
        negative is ahead), status, toelichting.
    """
    if not 0 <= tolerantie < 1:
        raise ParameterError(f"tolerantie = {tolerantie}: verwacht een getal in [0, 1)")
    rows = []
    soort = (observed["bron"].map(bron_soort) if "bron" in observed.columns
             else pd.Series("meting", index=observed.index))
    for d in _as_doelen(doelen):
        obs = observed.loc[observed["indicator"] == d.indicator]
        obs = obs.loc[obs["jaar"] > d.baseline_jaar].dropna(subset=["waarde"])
        if peiljaar is not None:
            obs = obs.loc[obs["jaar"] <= peiljaar]
        other = obs.loc[soort.loc[obs.index] != "meting"]
        obs = obs.loc[soort.loc[obs.index] == "meting"]
        base = {
            "indicator": d.indicator,
            "eigenaar": d.eigenaar,
            "eenheid": d.eenheid,
            "baseline_jaar": d.baseline_jaar,
            "baseline_waarde": d.baseline_waarde,
            "doel_waarde": d.doel_waarde,
            "deadline": d.deadline,
        }
        if obs.empty:
            rows.append(
                {
                    **base,
                    "laatste_jaar": np.nan,
                    "laatste_waarde": np.nan,
                    "vereist_op_pad": np.nan,
                    "voortgang": np.nan,
                    "achterstand": np.nan,
                    "status": "onbekend",
                    "toelichting": f"geen meting na het baselinejaar {d.baseline_jaar}"
                                   + _not_measured(other, soort),
                }
            )
            continue
        last = obs.sort_values("jaar").iloc[-1]
        t, v = int(last["jaar"]), float(last["waarde"])
        p = d.pad(t)
        change = d.doel_waarde - d.baseline_waarde
        s = math.copysign(1.0, change) if change != 0 else 0.0
        w = functools.partial(waarde_text, eenheid=d.eenheid)  # values as in the report
        if s == 0:
            scale = max(abs(d.doel_waarde), 1e-12)
            ok = abs(v - d.doel_waarde) <= tolerantie * scale
            status = "behaald" if ok else "achter"
            voortgang, gap = np.nan, abs(v - d.doel_waarde) / scale
            why = f"doel is het niveau {w(d.doel_waarde)} vasthouden; {t}: {w(v)}"
        else:
            voortgang = s * (v - d.baseline_waarde) / abs(change)
            gap = s * (p - v) / abs(change)
            if s * (v - d.doel_waarde) >= 0:
                status = "behaald"
                why = f"doel {w(d.doel_waarde)} bereikt in {t} ({w(v)})"
            elif t >= d.deadline:
                status = "achter"
                why = (
                    f"deadline {d.deadline} verstreken; {t}: {w(v)}, doel "
                    f"{w(d.doel_waarde)}"
                )
            elif gap <= tolerantie:
                status = "op koers"
                why = (
                    f"{t}: {w(v)}, vereist op het pad {w(p)} "
                    f"({'voor' if gap < 0 else 'achter'} met {nl.pct(100 * abs(gap))} van de "
                    f"benodigde verandering; tolerantie {nl.pct(100 * tolerantie)})"
                )
            else:
                status = "achter"
                why = (
                    f"{t}: {w(v)}, vereist op het pad {w(p)} (achter met {nl.pct(100 * gap)} "
                    f"van de benodigde verandering; tolerantie {nl.pct(100 * tolerantie)})"
                )
        rows.append(
            {
                **base,
                "laatste_jaar": t,
                "laatste_waarde": v,
                "vereist_op_pad": p,
                "voortgang": voortgang,
                "achterstand": gap,
                "status": status,
                "toelichting": why,
            }
        )
    return pd.DataFrame(rows)


_NIET_GEMETEN = {
    "plan": "de begroting is een plan",
    "maatstaf": "de maatstaf van het gemeentefonds is een verdeelgegeven",
    "voorbeeld": "de voorbeeldwaarden zijn verzonnen",
}


def _not_measured(rows: pd.DataFrame, soort: pd.Series) -> str:
    """``; de maatstaf van het gemeentefonds is een verdeelgegeven``: why rows get no status."""
    kinds = set(soort.loc[rows.index])
    reasons = [_NIET_GEMETEN[k] for k in ("plan", "maatstaf", "voorbeeld") if k in kinds]
    return "".join(f"; {r}" for r in reasons)


def waarde_text(v: float, eenheid: str | None = None) -> str:
    """A goal value the Dutch way, rounded as in the report: ``25,3``, ``1.775``, ``22,7%``.

    Shares (eenheid with "aandeel", values 0–1) as percentages with one decimal; values of
    100 or more without decimals; smaller values with one decimal (three significant
    digits below 1).
    """
    if not nl.finite(v):
        return nl.ONTBREEKT
    if eenheid and "aandeel" in eenheid:
        return nl.pct(100 * v, 1)
    a = abs(v)
    if a >= 100:
        return nl.getal(v, 0)
    if a >= 1 or a == 0:
        return nl.getal(v, 1)
    return nl.getal(v, min(6, 2 - math.floor(math.log10(a))))


#: Deprecated private name, kept for one release (use :func:`waarde_text`).
_fmt_waarde = waarde_text


@dataclass
class GoalsResult:
    """Goals with their observations and status."""

    doelen: list[Doel]
    observed: pd.DataFrame
    status: pd.DataFrame
    tolerantie: float
    gm_code: str | None = None
    notes: list[str] = field(default_factory=list)

    def summary_nl(self) -> str:
        """Dutch summary: count per status and one line per goal."""
        counts = self.status["status"].value_counts()
        head = ", ".join(
            f"{counts.get(s, 0)} {s}" for s in ("behaald", "op koers", "achter", "onbekend")
        )
        lines = [
            f"Doelen: {head} (tolerantie {nl.pct(100 * self.tolerantie)} van de benodigde "
            f"verandering; pad lineair van baseline naar doel)."
        ]
        for _, r in self.status.iterrows():
            lines.append(f"- {r['indicator']} ({r['eigenaar']}): {r['status']}, {r['toelichting']}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Progress chart; see :func:`plot_progress`."""
        return plot_progress(self.doelen, self.observed, self.status)


def evaluate_goals(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    gm_code: str | None = None,
    *,
    iv3: pd.DataFrame | None = None,
    gemeenten: pd.DataFrame | None = None,
    kenmerken: pd.DataFrame | None = None,
    verslagsoort: str = "jaarrekening",
    observed: pd.DataFrame | None = None,
    peiljaar: int | None = None,
    tolerantie: float = 0.10,
) -> GoalsResult:
    """Read goals, collect observations and judge status in one call.

    Args:
        doelen: Goals file or parsed goals.
        gm_code: Gemeente for computed indicators.
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table.
        kenmerken: Canonical kenmerken table.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        observed: Extra observations (indicator, jaar, waarde).
        peiljaar: Ignore observations after this year.
        tolerantie: See :func:`goal_status`.

    Returns:
        A :class:`GoalsResult`.
    """
    voorbeeld = _is_voorbeeld(doelen)
    ds = _as_doelen(doelen)
    obs = indicator_values(
        ds,
        gm_code,
        iv3=iv3,
        gemeenten=gemeenten,
        kenmerken=kenmerken,
        verslagsoort=verslagsoort,
        observed=observed,
        voorbeeld=voorbeeld,
    )
    st = goal_status(ds, obs, peiljaar=peiljaar, tolerantie=tolerantie)
    return GoalsResult(doelen=ds, observed=obs, status=st, tolerantie=tolerantie, gm_code=gm_code)


def plot_progress(
    doelen: DoelenBestand | Sequence[Doel] | str | Path,
    observed: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    tolerantie: float = 0.10,
    ncols: int = 2,
) -> Figure:
    """Progress chart: per goal the observed series, the required path and the status.

    Measurements are drawn in the status colour ("gemeten"); with a ``bron`` column, a
    maatstaf, a plan or invented example values are drawn in grey with their own marker
    and legend entry (never as "gemeten").

    Args:
        doelen: Goals.
        observed: Observations (indicator, jaar, waarde[, bron]).
        status: Output of :func:`goal_status` (computed when None).
        tolerantie: Tolerance band drawn around the path (share of the required change).
        ncols: Panels per row.

    Returns:
        A matplotlib Figure.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    ds = _as_doelen(doelen)
    if status is None:
        status = goal_status(ds, observed, tolerantie=tolerantie)
    n = max(len(ds), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    width = 4.5 * ncols
    panel_w = (width - 2 * P.PAD - ncols * 0.9) / ncols  # title width (y labels ≈ 0.9 in)
    titles, colors = [], []
    for d in ds:
        st = status.loc[status["indicator"] == d.indicator]
        label = st["status"].iloc[0] if len(st) else "onbekend"
        colors.append(STATUS_KLEUR.get(label, "grey"))
        titles.append(P.wrap(f"{d.indicator}: {label.upper()}", panel_w, 9.5, "bold"))
    title_h = max((P.text_height(t, 9.5) for t in titles), default=0.0) + 0.1
    panel_h = 2.1
    with P.style():
        fig = P.new_figure(width, 0.6 + nrows * (panel_h + title_h + 0.75))
        axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
        ylab_w = 0.0
        present: set[str] = set()
        for ax, d, title, color in zip(axes, ds, titles, colors, strict=False):
            xs = np.array([d.baseline_jaar, d.deadline])
            ys = np.array([d.baseline_waarde, d.doel_waarde])
            band = tolerantie * abs(d.doel_waarde - d.baseline_waarde)
            sgn = 1.0 if d.doel_waarde >= d.baseline_waarde else -1.0
            ax.plot(xs, ys, "--", color="grey", lw=1)
            ax.fill_between(xs, ys, ys - sgn * band, color="grey", alpha=0.15, lw=0)
            ob = observed.loc[observed["indicator"] == d.indicator].sort_values("jaar")
            kinds = (ob["bron"].map(bron_soort) if "bron" in ob.columns
                     else pd.Series("meting", index=ob.index))
            for k, (style, _label) in _SOORT_STIJL.items():
                r = ob.loc[kinds == k]
                if len(r):
                    ax.plot(r["jaar"], r["waarde"], color=color if k == "meting" else "grey",
                            **style)
                    present.add(k)
            ax.plot([d.baseline_jaar], [d.baseline_waarde], "s", color="black")
            ax.plot([d.deadline], [d.doel_waarde], "*", ms=12, color="#2e7d32")
            ax.set_title(title, fontsize=9.5, color=color, loc="left", y=1.0)
            eenheid = _eenheid_nl(d.eenheid)
            ax.set_ylabel(eenheid, fontsize=9)
            P.dutch_axis(ax.yaxis, 5, percent="aandeel" in (d.eenheid or ""))
            years = sorted({int(d.baseline_jaar), int(d.deadline), *ob["jaar"].astype(int)})
            ax.set_xticks(years)
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.xaxis.grid(False)
            ax.tick_params(labelsize=8.5)
            ax.set_xlabel(f"eigenaar: {d.eigenaar}", fontsize=8, color="dimgrey")
            ticks = P.tick_labels(ax.yaxis)
            ylab_w = max(ylab_w, max((P.text_width(t, 8.5) for t in ticks), default=0.0)
                         + P.text_height(eenheid, 9) + 0.16)
        for ax in axes[len(ds):]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], ls="--", color="grey", lw=1, label="vereist pad"),
            Patch(color="grey", alpha=0.15, lw=0,
                  label=f"tolerantie ({nl.pct(100 * tolerantie)})"),
            *[Line2D([], [], color="#555555" if k == "meting" else "grey", label=label,
                     **style)
              for k, (style, label) in _SOORT_STIJL.items() if k in present or k == "meting"],
            Line2D([], [], marker="s", ls="", color="black", label="baseline"),
            Line2D([], [], marker="*", ms=12, ls="", color="#2e7d32", label="doel"),
        ]
        names = [h.get_label() for h in handles]
        ncol = P.legend_columns(names, width - 2 * P.PAD)
        leg_w, leg_h = P.legend_size(names, ncol)
        fig.legend(handles=handles, loc="lower left", ncol=ncol, borderaxespad=0,
                   bbox_to_anchor=(P.PAD, P.PAD), bbox_transform=fig.dpi_scale_trans)
        fig.suptitle("Voortgang SMART-doelen (lineair pad van baseline naar doel)",
                     fontsize=11, fontweight="bold", wrap=True)
        bottom_h = P.text_height("2023", 8.5) + P.text_height("eigenaar", 8) + 0.22
        fig.set_layout_engine(P.MarginLayout(
            left=P.PAD + ylab_w, right=P.PAD + 0.15, bottom=P.PAD + leg_h + 0.1 + bottom_h,
            top=title_h, wspace=ylab_w + 0.35, hspace=title_h + bottom_h + 0.15))
        P.keep_canvas(fig)
    return fig


#: How each kind of value is drawn in :func:`plot_progress`, and its legend label.
_SOORT_STIJL: dict[str, tuple[dict[str, Any], str]] = {
    "meting": ({"marker": "o", "ls": "-"}, "gemeten"),
    "maatstaf": ({"marker": "D", "ls": ":", "mfc": "white", "ms": 5},
                 "maatstaf gemeentefonds (geen meting)"),
    "voorbeeld": ({"marker": "x", "ls": ":", "ms": 7}, "verzonnen voorbeeldwaarde (geen meting)"),
    "plan": ({"marker": "o", "ls": "--", "mfc": "white", "ms": 5}, "begroting (plan)"),
}


def _eenheid_nl(eenheid: str | None) -> str:
    """Unit for an axis label: ``EUR per jongere`` → ``€ per jongere``; shares in %."""
    if not eenheid:
        return "waarde"
    if "aandeel" in eenheid:
        return "aandeel (%)"
    return eenheid.replace("EUR", "€")
