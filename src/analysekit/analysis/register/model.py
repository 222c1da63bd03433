"""The hefbomen register: levers, risks, the file (YAML or CSV) and its validation.

:func:`read_register` reads and validates a register and names file, line and field in
every error; :func:`adapt_register` scales and shifts one (for the shipped example).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysekit import nl
from analysekit.analysis.register.records import Record, num_text, parse_number, read_records
from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN

__all__ = [
    "Hefboom",
    "Register",
    "Risico",
    "Tekort",
    "adapt_register",
    "read_register",
    "risk_text",
    "template_path",
]

REQUIRED_FIELDS = (
    "naam",
    "domein",
    "besparing_min",
    "besparing_waarschijnlijk",
    "besparing_max",
    "kans",
    "startjaar",
    "ingroei_jaren",
    "eigenaar",
)
OPTIONAL_FIELDS = ("risicos", "toelichting", "id")


def template_path(name: str = "illustratief_tilburg.yaml") -> Path:
    """Return the path of a register or goals template shipped with the kit."""
    p = Path(__file__).resolve().parents[2] / "registers" / name
    if not p.is_file():
        raise ParameterError(f"template '{name}' bestaat niet in {p.parent}")
    return p


# ---------------------------------------------------------------------------
# Register
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Risico:
    """A risk of a lever.

    Attributes:
        naam: Name (shared across levers when equal, case-insensitive).
        kans: Probability that the risk occurs (None: descriptive only, not simulated).
        vermindering: Fraction of the amount lost when it occurs (0–1).
        vertraging_jaren: Years of delay of the start when it occurs.
        regel: Line in the register file.
    """

    naam: str
    kans: float | None = None
    vermindering: float = 0.0
    vertraging_jaren: int = 0
    regel: int = 0

    @property
    def quantified(self) -> bool:
        """Whether the risk enters the Monte Carlo."""
        return self.kans is not None


@dataclass(frozen=True)
class Hefboom:
    """One lever of the register (amounts in euros per year at full effect)."""

    naam: str
    domein: str
    besparing_min: float
    besparing_waarschijnlijk: float
    besparing_max: float
    kans: float
    startjaar: int
    ingroei_jaren: int
    eigenaar: str
    risicos: tuple[Risico, ...] = ()
    toelichting: str = ""
    regel: int = 0

    def ramp(self, jaar: int, delay: int = 0) -> float:
        """Share of the full effect delivered in ``jaar`` (linear ramp-up)."""
        r = max(self.ingroei_jaren, 1)
        return float(min(1.0, max(0.0, (jaar - self.startjaar - delay + 1) / r)))


@dataclass(frozen=True)
class Tekort:
    """A deficit per year from the register file: mean and standard deviation (euros)."""

    jaren: tuple[int, ...]
    verwacht: tuple[float, ...]
    sd: tuple[float, ...]

    def frame(self) -> pd.DataFrame:
        """Return jaar, verwacht, sd."""
        return pd.DataFrame({"jaar": self.jaren, "verwacht": self.verwacht, "sd": self.sd})


@dataclass
class Register:
    """A validated hefbomen register.

    Attributes:
        hefbomen: The levers in file order.
        bron: File name.
        illustratief: True when the file is marked ``illustratief: true``.
        toelichting: Free text (e.g. the illustrative note).
        gemeente: Gemeente name or code, if given.
        tekort: Deficit from the file (``tekort:`` section), if given.
    """

    hefbomen: list[Hefboom]
    bron: str = ""
    illustratief: bool = False
    toelichting: str = ""
    gemeente: str | None = None
    tekort: Tekort | None = None

    def frame(self) -> pd.DataFrame:
        """One row per lever (risks as text)."""
        rows = []
        for h in self.hefbomen:
            rows.append(
                {
                    "naam": h.naam,
                    "domein": h.domein,
                    "besparing_min": h.besparing_min,
                    "besparing_waarschijnlijk": h.besparing_waarschijnlijk,
                    "besparing_max": h.besparing_max,
                    "kans": h.kans,
                    "startjaar": h.startjaar,
                    "ingroei_jaren": h.ingroei_jaren,
                    "eigenaar": h.eigenaar,
                    "risicos": "; ".join(risk_text(r) for r in h.risicos),
                }
            )
        return pd.DataFrame(rows)

    @property
    def potentieel(self) -> float:
        """Sum of the most likely amounts (the register's nominal potential)."""
        return float(sum(h.besparing_waarschijnlijk for h in self.hefbomen))


def risk_text(r: Risico) -> str:
    """A risk as Dutch text: ``naam (kans 30%, -20%, +1 jr)``."""
    if not r.quantified:
        return r.naam
    parts = [f"kans {nl.kans(r.kans)}"]
    if r.vermindering:
        parts.append(f"-{nl.pct(100 * r.vermindering)}")
    if r.vertraging_jaren:
        parts.append(f"+{r.vertraging_jaren} jr")
    return f"{r.naam} ({', '.join(parts)})"


#: Deprecated private name, kept for one release (use :func:`risk_text`).
_risk_text = risk_text


_RISK_CSV = re.compile(r"^\s*(?P<naam>[^()]+?)\s*(?:\((?P<args>[^)]*)\))?\s*$")


def _parse_risks(rec: Record) -> tuple[Risico, ...]:
    raw = rec.values.get("risicos")
    if raw is None or raw == "" or raw == []:
        return ()
    base_line = rec.field_lines.get("risicos", rec.line)
    items: list[tuple[Any, int]] = []
    if isinstance(raw, str):
        # CSV form: "naam (kans=0.3; vermindering=0.5) | naam2"
        for part in raw.split("|"):
            if not part.strip():
                continue
            m = _RISK_CSV.match(part)
            if not m:
                raise rec.error(
                    "risicos",
                    f"kan risico {part.strip()!r} niet lezen; verwacht "
                    "'naam (kans=0.3; vermindering=0.5)'",
                )
            d: dict[str, Any] = {"naam": m.group("naam")}
            for kv in re.split(r";|,(?=\s*[a-z_]+\s*=)", m.group("args") or ""):
                if not kv.strip():
                    continue
                if "=" not in kv:
                    raise rec.error(
                        "risicos", f"risico {d['naam']!r}: {kv.strip()!r} is geen instelling=waarde"
                    )
                k, v = kv.split("=", 1)
                d[k.strip().lower()] = v.strip().replace(",", ".")
            items.append((d, base_line))
    elif isinstance(raw, list):
        lines = getattr(raw, "item_lines", [base_line] * len(raw))
        items = list(zip(raw, lines, strict=True))
    else:
        raise rec.error("risicos", "verwacht een lijst van risico's")
    out = []
    for item, line in items:
        if isinstance(item, str):
            out.append(Risico(naam=item.strip(), regel=line))
            continue
        if not isinstance(item, dict):
            raise rec.error("risicos", f"risico {item!r}: verwacht een naam of velden naam/kans/…")
        fl = dict(getattr(item, "key_lines", {}))
        sub = Record(values=dict(item), line=line, field_lines=fl, source=rec.source, kind=rec.kind)
        rname = str(item.get("naam", "")).strip()
        extra = f"risico '{rname or '?'}'"
        sub.values["naam"] = rec.label  # messages name the lever, the risk goes in extra
        if not rname:
            raise sub.error("naam", "ontbreekt (verplicht veld van een risico)", extra)
        unknown = set(item) - {"naam", "kans", "vermindering", "vertraging_jaren", "toelichting"}
        if unknown:
            u = sorted(map(str, unknown))[0]
            raise sub.error(
                u,
                "onbekend veld; een risico heeft naam, kans, vermindering, "
                "vertraging_jaren, toelichting",
                extra,
            )
        if "kans" not in item:
            if "vermindering" in item or "vertraging_jaren" in item:
                raise sub.error("kans", "ontbreekt: een risico met gevolg heeft een kans", extra)
            out.append(Risico(naam=rname, regel=line))
            continue
        kans = parse_number(sub, "kans", lo=0.0, hi=1.0, percent=True, extra=extra)
        verm = (
            parse_number(sub, "vermindering", lo=0.0, hi=1.0, percent=True, extra=extra)
            if "vermindering" in item
            else 0.0
        )
        vert = (
            parse_number(sub, "vertraging_jaren", integer=True, lo=0, extra=extra)
            if "vertraging_jaren" in item
            else 0
        )
        if verm == 0 and vert == 0:
            raise sub.error(
                "vermindering",
                "een risico met een kans heeft een gevolg nodig: "
                "vermindering (0–1) en/of vertraging_jaren",
                extra,
            )
        out.append(
            Risico(naam=rname, kans=kans, vermindering=verm, vertraging_jaren=int(vert), regel=line)
        )
    return tuple(out)


def _parse_domein(rec: Record) -> str:
    raw = rec.values.get("domein")
    txt = str(raw).strip() if raw is not None else ""
    if not txt:
        raise rec.error("domein", "ontbreekt (verplicht veld)")
    for d in DOMEINEN:
        if txt.lower() == d.lower():
            return d
    raise rec.error("domein", f"domein {txt!r} is onbekend; kies uit {', '.join(DOMEINEN)}")


def _parse_lever(rec: Record) -> Hefboom:
    rec.check_fields(REQUIRED_FIELDS, OPTIONAL_FIELDS)
    domein = _parse_domein(rec)
    lo = parse_number(rec, "besparing_min")
    ml = parse_number(rec, "besparing_waarschijnlijk")
    hi = parse_number(rec, "besparing_max")
    if lo > hi:
        raise rec.error("besparing_min", f"min {num_text(lo)} > max {num_text(hi)}")
    if not lo <= ml <= hi:
        raise rec.error(
            "besparing_waarschijnlijk",
            f"waarschijnlijk {num_text(ml)} ligt niet tussen min {num_text(lo)} en max "
            f"{num_text(hi)}",
        )
    kans = parse_number(rec, "kans", lo=0.0, hi=1.0, percent=True)
    start = parse_number(rec, "startjaar", integer=True, lo=1990, hi=2100)
    ingroei = parse_number(rec, "ingroei_jaren", integer=True, lo=0, hi=50)
    return Hefboom(
        naam=str(rec.values["naam"]).strip(),
        domein=domein,
        besparing_min=lo,
        besparing_waarschijnlijk=ml,
        besparing_max=hi,
        kans=kans,
        startjaar=int(start),
        ingroei_jaren=int(ingroei),
        eigenaar=str(rec.values["eigenaar"]).strip(),
        risicos=_parse_risks(rec),
        toelichting=str(rec.values.get("toelichting") or "").strip(),
        regel=rec.line,
    )


def _parse_tekort(raw: Any, name: str, line: int) -> Tekort:
    def rec_for(d: Mapping[str, Any], ln: int) -> Record:
        r = Record(
            values=dict(d),
            line=ln,
            field_lines=dict(getattr(d, "key_lines", {})),
            source=name,
            kind="tekort",
        )
        r.values["naam"] = str(d.get("jaar", "?"))
        return r

    jaren, mu, sd = [], [], []
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise DataError(
            f"{name}, regel {line}, veld tekort: geef per jaar een bedrag "
            f"(bijv. '- jaar: 2022' met 'verwacht: 21000000')"
        )
    if isinstance(raw, dict) and "jaar" not in raw:
        items = []
        for k, v in raw.items():
            ln = getattr(raw, "key_lines", {}).get(k, line)
            if isinstance(v, dict):
                items.append(({"jaar": k, **v}, ln))
            else:
                items.append(({"jaar": k, "verwacht": v}, ln))
    elif isinstance(raw, list):
        items = list(zip(raw, getattr(raw, "item_lines", [line] * len(raw)), strict=True))
    elif isinstance(raw, dict):
        items = [(raw, line)]
    else:
        raise DataError(
            f"{name}, regel {line}, veld tekort: verwacht een lijst met jaar, verwacht, sd"
        )
    for d, ln in items:
        if not isinstance(d, dict):
            raise DataError(f"{name}, regel {ln}, veld tekort: verwacht jaar, verwacht en sd")
        r = rec_for(d, ln)
        jaren.append(int(parse_number(r, "jaar", integer=True, lo=1990, hi=2100)))
        mu.append(parse_number(r, "verwacht"))
        sd.append(parse_number(r, "sd", lo=0.0) if d.get("sd") is not None else 0.0)
    if len(set(jaren)) != len(jaren):
        raise DataError(f"{name}, regel {line}, veld tekort: een jaar staat er twee keer in")
    order = np.argsort(jaren)
    return Tekort(
        jaren=tuple(int(jaren[i]) for i in order),
        verwacht=tuple(float(mu[i]) for i in order),
        sd=tuple(float(sd[i]) for i in order),
    )


def read_register(path: str | Path) -> Register:
    """Read and validate a hefbomen register (YAML or CSV).

    YAML: levers as a list under ``hefbomen:``; optional top-level ``illustratief``,
    ``toelichting``, ``gemeente`` and ``tekort`` (list of jaar / verwacht / sd). CSV: one
    lever per line with the same field names; ``risicos`` as
    ``naam (kans=0.3; vermindering=0.5; vertraging_jaren=1) | naam2`` (put the field in
    double quotes when it contains the CSV separator).

    Args:
        path: Register file.

    Returns:
        The validated :class:`Register`.

    Raises:
        DataError: With file, line and field: a missing or unknown field, min > max, a most
            likely value outside [min, max], a probability outside [0, 1], an unknown domain,
            a duplicate lever name, an inconsistent shared risk.
    """
    meta, records, meta_lines = read_records(path, "hefbomen", "hefboom")
    name = Path(path).name
    levers: list[Hefboom] = []
    seen: dict[str, int] = {}
    risk_kans: dict[str, tuple[float, int, str]] = {}
    for rec in records:
        lever = _parse_lever(rec)
        key = lever.naam.casefold()
        if key in seen:
            raise rec.error(
                "naam",
                f"naam '{lever.naam}' komt al voor op regel {seen[key]}; "
                "elke hefboom heeft een eigen naam",
            )
        seen[key] = rec.field_lines.get("naam", rec.line)
        for r in lever.risicos:
            if not r.quantified:
                continue
            rk = r.naam.casefold()
            if rk in risk_kans and not math.isclose(risk_kans[rk][0], r.kans or 0.0):
                k0, l0, _ = risk_kans[rk]
                raise DataError(
                    f"{name}, regel {r.regel} (hefboom '{lever.naam}', risico '{r.naam}'), veld "
                    f"kans: {num_text(r.kans or 0.0)} maar op regel {l0} {num_text(k0)}; een "
                    "risico "
                    f"met dezelfde naam is één gedeelde gebeurtenis met één kans"
                )
            risk_kans.setdefault(rk, (r.kans or 0.0, r.regel, lever.naam))
        levers.append(lever)
    tekort = None
    if meta.get("tekort") is not None:
        tekort = _parse_tekort(meta["tekort"], name, meta_lines.get("tekort", 1))
    ill = meta.get("illustratief", False)
    if not isinstance(ill, bool):
        raise DataError(
            f"{name}, regel {meta_lines.get('illustratief', 1)}, veld illustratief: "
            f"verwacht true of false"
        )
    return Register(
        hefbomen=levers,
        bron=name,
        illustratief=ill,
        toelichting=str(meta.get("toelichting") or "").strip(),
        gemeente=str(meta["gemeente"]) if meta.get("gemeente") is not None else None,
        tekort=tekort,
    )


# ---------------------------------------------------------------------------
# The target: which deficit the hefbomen are set against
# ---------------------------------------------------------------------------

# Target, TARGET_KINDS and choose_target live in analysekit.analysis.gap_target (the
# deficit the register is set against) and are re-exported here.


def adapt_register(register: Register, factor: float, shift: int = 0) -> Register:
    """Scale the amounts and shift the start years of a register (for the shipped example).

    Args:
        register: The register.
        factor: Multiplier of besparing_min/waarschijnlijk/max (e.g. inwoners of the
            gemeente / inwoners of the template gemeente), > 0.
        shift: Years added to every startjaar.

    Returns:
        A new register without its own ``tekort``.
    """
    import dataclasses

    if isinstance(factor, bool) or not nl.finite(factor) or float(factor) <= 0:
        raise ParameterError(f"factor = {factor!r}: verwacht een positief getal")
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
        raise ParameterError(f"shift = {shift!r}: verwacht een geheel aantal jaren")
    f = float(factor)
    levers = [
        dataclasses.replace(h, besparing_min=h.besparing_min * f,
                            besparing_waarschijnlijk=h.besparing_waarschijnlijk * f,
                            besparing_max=h.besparing_max * f,
                            startjaar=h.startjaar + int(shift))
        for h in register.hefbomen
    ]
    return dataclasses.replace(register, hefbomen=levers, tekort=None)


