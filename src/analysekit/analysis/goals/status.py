"""The goals file, the observations of each goal and their status (measurements only).

See :mod:`analysekit.analysis.goals` for the status rule.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.goals.indicators import EIGEN, INDICATORS, compute_indicator
from analysekit.analysis.register.records import Record, parse_number, read_records
from analysekit.errors import ParameterError

__all__ = [
    "BRON_MAATSTAF",
    "BRON_SOORTEN",
    "BRON_VOORBEELD",
    "Doel",
    "DoelenBestand",
    "as_doelen",
    "bron_soort",
    "goal_status",
    "indicator_values",
    "is_voorbeeld",
    "read_goals",
    "waarde_text",
]

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


def is_voorbeeld(doelen: DoelenBestand | Sequence[Doel] | str | Path) -> bool:
    """True when the goals are a file or :class:`DoelenBestand` marked ``voorbeeld``."""
    if isinstance(doelen, (str, Path)):
        return read_goals(doelen).voorbeeld
    return bool(getattr(doelen, "voorbeeld", False))


def as_doelen(doelen: DoelenBestand | Sequence[Doel] | str | Path) -> list[Doel]:
    """The goals as a list, from a file, a :class:`DoelenBestand` or a list."""
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
        voorbeeld = is_voorbeeld(doelen)
    own_bron = BRON_VOORBEELD if voorbeeld else "doelenbestand"
    parts = []
    have_tables = iv3 is not None or kenmerken is not None
    for d in as_doelen(doelen):
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
    for d in as_doelen(doelen):
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

