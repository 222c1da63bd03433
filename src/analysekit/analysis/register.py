"""Hefbomen register with Risman-style risk: parsing, validation, Monte Carlo and tornado.

A register (YAML or CSV, one line per lever) lists per hefboom: naam, domein, a savings
estimate (besparing_min / besparing_waarschijnlijk / besparing_max, euros per year at full
effect), kans (probability of realisation), startjaar, ingroei_jaren (ramp-up), eigenaar
and risicos. :func:`read_register` validates it and names file, line and field in every
error. :func:`simulate` draws the total savings per year (vectorised, seeded) and sets
them against a deficit (:mod:`analysekit.analysis.gap_target`).

The model per draw and lever (Risman method: estimate, probability, risks):

* amount ~ **beta-PERT**(min, most likely, max) with λ = 4 (``verdeling="pert"``, the
  default) or triangular (``verdeling="driehoek"``);
* realisation ~ Bernoulli(kans): the lever delivers or not;
* each quantified risk occurs ~ Bernoulli(risk kans); when it occurs it cuts the amount by
  ``vermindering`` (a fraction) and/or delays the start by ``vertraging_jaren``. A risk with
  the same name in several levers is one shared event (drawn once per draw), so common
  risks such as labour-market shortages move several levers together;
* linear ramp-up: in year ``y`` the lever delivers ``min(1, (y - start + 1) / ingroei_jaren)``
  of its amount from its (possibly delayed) start year (``ingroei_jaren`` 0 or 1: full
  effect in the start year).

The deficit is a number, a per-year series, or per year a mean and sd (normal; one common
standard-normal draw per simulation across years, so a high gap stays high).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.gap_target import TARGET_KINDS, Target, choose_target
from analysekit.errors import DataError, ParameterError
from analysekit.settings import MAX_N_DRAWS, MAX_SIMULATIE_BYTES
from analysekit.vocab import DOMEINEN

__all__ = [
    "DOMEINEN",
    "Hefboom",
    "MonteCarloResult",
    "Register",
    "Risico",
    "TARGET_KINDS",
    "Target",
    "Tekort",
    "adapt_register",
    "choose_target",
    "kans_precisie",
    "kans_zin",
    "mc_standard_error",
    "plot_savings",
    "plot_tornado",
    "plot_tornado_table",
    "read_register",
    "risk_text",
    "simulate",
    "simulation_bytes",
    "template_path",
    "tornado_table",
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
    p = Path(__file__).resolve().parent.parent / "registers" / name
    if not p.is_file():
        raise ParameterError(f"template '{name}' bestaat niet in {p.parent}")
    return p


# ---------------------------------------------------------------------------
# Records with line numbers (shared with goals.py)
# ---------------------------------------------------------------------------


class _LineDict(dict):
    """A dict from YAML that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class _LineList(list):
    """A list from YAML that remembers the line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records 1-based line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.key_lines = {}
    out.line = node.start_mark.line + 1
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"veld {key!r} staat twee keer in hetzelfde blok", knode.start_mark
            )
        out[key] = loader.construct_object(vnode, deep=True)
        out.key_lines[key] = knode.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _LineList:
    out = _LineList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass
class Record:
    """One record (a lever or a goal) from a YAML or CSV file, with line numbers.

    Attributes:
        values: Field name → raw value.
        line: Line of the record (first line of the YAML item, or the CSV row).
        field_lines: Field name → line (YAML); CSV fields are on the record's line.
        source: File name used in messages.
        kind: ``"hefboom"`` or ``"doel"``.
    """

    values: dict[str, Any]
    line: int
    field_lines: dict[str, int]
    source: str
    kind: str

    @property
    def label(self) -> str:
        """The record's name for messages."""
        for key in ("naam", "indicator"):
            v = self.values.get(key)
            if v is not None and str(v).strip():
                return str(v).strip()
        return "?"

    def check_fields(self, required: Sequence[str], optional: Sequence[str]) -> None:
        """Raise on a missing required field or a field that is not allowed.

        Raises:
            DataError: naming file, line, record and field.
        """
        for f in required:
            v = self.values.get(f)
            if v is None or (isinstance(v, str) and not v.strip()):
                raise self.error(f, "ontbreekt (verplicht veld)")
        allowed = [*required, *optional]
        unknown = [k for k in self.values if k not in allowed]
        if unknown:
            raise self.error(unknown[0], f"onbekend veld; toegestaan: {', '.join(allowed)}")

    def where(self, fld: str | None = None, extra: str = "") -> str:
        """Return ``file, regel N (kind 'label'[, extra])[, veld f]``."""
        line = self.field_lines.get(fld, self.line) if fld else self.line
        who = f"{self.kind} '{self.label}'" + (f", {extra}" if extra else "")
        return f"{self.source}, regel {line} ({who})" + (f", veld {fld}" if fld else "")

    def error(self, fld: str | None, message: str, extra: str = "") -> DataError:
        """Return a DataError naming file, line and field."""
        return DataError(f"{self.where(fld, extra)}: {message}")


def _detect_delimiter(first_line: str) -> str:
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_records(
    path: str | Path, list_key: str, kind: str
) -> tuple[dict[str, Any], list[Record], dict[str, int]]:
    """Read a YAML or CSV file of records, keeping line numbers.

    YAML: either a top-level mapping with the records as a list under ``list_key`` (other
    top-level keys are returned as metadata) or a bare list. CSV: a header line and one
    record per line; separator ``,`` ``;`` or tab (detected); with ``;`` a decimal comma
    is accepted.

    Args:
        path: File path (``.yaml``/``.yml`` or ``.csv``).
        list_key: Key holding the list in YAML (``hefbomen``, ``doelen``).
        kind: Record kind for messages (``hefboom``, ``doel``).

    Returns:
        ``(metadata, records, metadata_lines)``.

    Raises:
        DataError: Unreadable file, YAML syntax error, wrong structure.
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"{path}: kan het bestand niet lezen ({exc.strerror})") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {}, _read_csv_records(text, name, kind), {}
    if suffix not in {".yaml", ".yml"}:
        raise DataError(f"{name}: onbekend bestandstype '{suffix}'; verwacht .yaml, .yml of .csv")
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", regel {mark.line + 1}" if mark else ""
        raise DataError(f"{name}{line}: ongeldige YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise DataError(f"{name}: ongeldige YAML: {exc}") from None
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    if isinstance(doc, _LineDict):
        if list_key not in doc:
            raise DataError(
                f"{name}, regel {doc.line}: sleutel '{list_key}:' ontbreekt; verwacht een lijst "
                f"met één item per {kind}"
            )
        items = doc[list_key]
        meta = {k: v for k, v in doc.items() if k != list_key}
        meta_lines = dict(doc.key_lines)
        list_line = doc.key_lines[list_key]
    elif isinstance(doc, _LineList):
        items, list_line = doc, doc.line
    else:
        raise DataError(
            f"{name}: verwacht een YAML-lijst onder '{list_key}:' (één item per {kind})"
        )
    if not isinstance(items, _LineList) or not items:
        raise DataError(f"{name}, regel {list_line}, veld {list_key}: lege of ongeldige lijst")
    records = []
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, _LineDict):
            raise DataError(
                f"{name}, regel {line}: elk item onder '{list_key}:' moet velden hebben "
                f"(naam: …), niet {type(item).__name__}"
            )
        records.append(
            Record(
                values={str(k): v for k, v in item.items()},
                line=item.line,
                field_lines={str(k): ln for k, ln in item.key_lines.items()},
                source=name,
                kind=kind,
            )
        )
    return meta, records, meta_lines


def _read_csv_records(text: str, name: str, kind: str) -> list[Record]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise DataError(f"{name}, regel 1: lege kopregel; verwacht veldnamen")
    delim = _detect_delimiter(lines[0])
    reader = csv.reader(lines, delimiter=delim)
    header = [h.strip().lower() for h in next(reader)]
    dup = [h for h in header if header.count(h) > 1]
    if dup:
        raise DataError(f"{name}, regel 1, veld {dup[0]}: kolom staat twee keer in de kopregel")
    records = []
    for lineno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            raise DataError(
                f"{name}, regel {lineno}: {len(row)} velden, de kopregel heeft er "
                f"{len(header)} (staat het scheidingsteken '{delim}' in een veld zonder "
                f"aanhalingstekens?)"
            )
        vals: dict[str, Any] = {}
        for h, v in zip(header, row, strict=False):
            v = v.strip()
            if v == "":
                continue
            if delim == ";" and re.fullmatch(r"-?\d+,\d+", v):
                v = v.replace(",", ".")
            vals[h] = v
        records.append(Record(values=vals, line=lineno, field_lines={}, source=name, kind=kind))
    if not records:
        raise DataError(f"{name}: geen regels na de kopregel")
    return records


def _num(v: float) -> str:
    """A number in a message, through :func:`analysekit.nl.getal` (no trailing zeros)."""
    text = nl.getal(v, 4)
    return text.rstrip("0").rstrip(",") if "," in text else text


def parse_number(
    rec: Record,
    fld: str,
    *,
    integer: bool = False,
    lo: float | None = None,
    hi: float | None = None,
    percent: bool = False,
    extra: str = "",
    value: Any = None,
) -> float:
    """Parse a numeric field of a record, raising a located DataError when invalid."""
    raw = rec.values.get(fld) if value is None else value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise rec.error(fld, "ontbreekt (verplicht veld)", extra)
    if isinstance(raw, bool):
        raise rec.error(fld, f"{raw!r} is geen getal", extra)
    if isinstance(raw, (int, float)):
        val = float(raw)
    else:
        txt = str(raw).strip().replace("_", "").replace(" ", "").replace("€", "")
        scale = 1.0
        if percent and txt.endswith("%"):
            txt, scale = txt[:-1], 0.01
        try:
            val = float(txt) * scale
        except ValueError:
            raise rec.error(fld, f"{raw!r} is geen getal", extra) from None
    if not math.isfinite(val):
        raise rec.error(fld, f"{raw!r} is geen eindig getal", extra)
    if integer and not float(val).is_integer():
        raise rec.error(fld, f"{_num(val)} is geen geheel getal", extra)
    if lo is not None and hi is not None and not lo <= val <= hi:
        raise rec.error(fld, f"{_num(val)} ligt buiten [{_num(lo)}, {_num(hi)}]", extra)
    if lo is not None and hi is None and val < lo:
        raise rec.error(fld, f"{_num(val)} is kleiner dan {_num(lo)}", extra)
    return int(val) if integer else val


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
        raise rec.error("besparing_min", f"min {_num(lo)} > max {_num(hi)}")
    if not lo <= ml <= hi:
        raise rec.error(
            "besparing_waarschijnlijk",
            f"waarschijnlijk {_num(ml)} ligt niet tussen min {_num(lo)} en max {_num(hi)}",
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
                    f"kans: {_num(r.kans or 0.0)} maar op regel {l0} {_num(k0)}; een risico "
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


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------


def _draw_amounts(
    rng: np.random.Generator, lo: np.ndarray, ml: np.ndarray, hi: np.ndarray, n: int, dist: str
) -> np.ndarray:
    span = hi - lo
    flat = span <= 0
    safe = np.where(flat, 1.0, span)
    if dist == "pert":
        a = 1.0 + 4.0 * (ml - lo) / safe
        b = 1.0 + 4.0 * (hi - ml) / safe
        u = rng.beta(np.where(flat, 1.0, a), np.where(flat, 1.0, b), size=(n, lo.size))
    else:  # triangular by inverse CDF
        c = (ml - lo) / safe
        v = rng.random((n, lo.size))
        u = np.where(v < c, np.sqrt(v * c), 1.0 - np.sqrt((1.0 - v) * (1.0 - c)))
    return lo + np.where(flat, 0.0, u) * span


def _deficit_spec(
    deficit: Any, register: Register
) -> tuple[dict[int, float], dict[int, float]] | None:
    if deficit is None:
        if register.tekort is None:
            return None
        t = register.tekort
        return dict(zip(t.jaren, t.verwacht, strict=True)), dict(zip(t.jaren, t.sd, strict=True))
    if isinstance(deficit, Tekort):
        return dict(zip(deficit.jaren, deficit.verwacht, strict=True)), dict(
            zip(deficit.jaren, deficit.sd, strict=True)
        )
    if isinstance(deficit, Target):
        if deficit.amount is None:
            return None
        return {-1: float(deficit.amount)}, {-1: float(deficit.sd)}
    if isinstance(deficit, (int, float, np.integer, np.floating)) and not isinstance(
            deficit, bool):
        if not math.isfinite(float(deficit)):
            raise ParameterError(f"deficit = {deficit!r}: geen getal (ontbrekende gegevens?); "
                                 "geef een eindig bedrag")
        return {-1: float(deficit)}, {-1: 0.0}
    if isinstance(deficit, pd.DataFrame):
        if not {"jaar", "verwacht"} <= set(deficit.columns):
            raise ParameterError(
                "deficit: een tabel heeft kolommen jaar, verwacht en (optioneel) sd"
            )
        sd = deficit["sd"] if "sd" in deficit.columns else pd.Series(0.0, index=deficit.index)
        mu = dict(zip(deficit["jaar"].astype(int), deficit["verwacht"].astype(float), strict=True))
        return mu, dict(zip(deficit["jaar"].astype(int), sd.fillna(0).astype(float), strict=True))
    if isinstance(deficit, (Mapping, pd.Series)):
        mu, sd = {}, {}
        for k, v in dict(deficit).items():
            if isinstance(v, (tuple, list)) and len(v) == 2:
                mu[int(k)], sd[int(k)] = float(v[0]), float(v[1])
            else:
                mu[int(k)], sd[int(k)] = float(v), 0.0
        return mu, sd
    raise ParameterError(
        f"deficit: type {type(deficit).__name__} niet ondersteund; geef een getal, "
        f"{{jaar: bedrag}}, {{jaar: (verwacht, sd)}} of een tabel jaar/verwacht/sd"
    )


@dataclass
class MonteCarloResult:
    """Simulated savings of a register against the deficit.

    Attributes:
        register: The register simulated.
        years: Simulated years.
        totals: ``(n_draws, n_years)`` total savings per draw and year (euros).
        deficit: ``(n_draws, n_years)`` deficit draws, or None.
        seed: Seed used.
        verdeling: ``"pert"`` or ``"driehoek"``.
        risk_names: Names of the quantified (shared) risks.
        tekort_titel: What the deficit is (:attr:`Target.titel`, e.g. ``overschrijding
            2023 (één jaar), vast gehouden``), for the figure's title and legend.
    """

    register: Register
    years: np.ndarray
    totals: np.ndarray
    deficit: np.ndarray | None
    seed: int | None
    verdeling: str
    risk_names: list[str]
    _amount_real: np.ndarray = field(repr=False)
    _occ: np.ndarray = field(repr=False)
    _red: np.ndarray = field(repr=False)
    _delay: np.ndarray = field(repr=False)
    _start: np.ndarray = field(repr=False)
    _ramp: np.ndarray = field(repr=False)
    tekort_titel: str = "tekort"

    @property
    def n_draws(self) -> int:
        """Number of draws."""
        return int(self.totals.shape[0])

    def _year_index(self, year: int | None) -> int:
        if year is None:
            return len(self.years) - 1
        hits = np.flatnonzero(self.years == int(year))
        if hits.size == 0:
            raise ParameterError(
                f"jaar {year} is niet gesimuleerd; beschikbaar: {', '.join(map(str, self.years))}"
            )
        return int(hits[0])

    def contributions(self, year: int | None = None, occ: np.ndarray | None = None) -> np.ndarray:
        """Return ``(n_draws, n_levers)`` savings per lever in ``year`` (default last year)."""
        y = self.years[self._year_index(year)]
        occ = self._occ if occ is None else occ
        mult, delay = _risk_effects(occ, self._red, self._delay, self._amount_real.shape)
        frac = np.clip((y - (self._start[None, :] + delay) + 1) / self._ramp[None, :], 0.0, 1.0)
        return self._amount_real * mult * frac

    def summary(self) -> pd.DataFrame:
        """Per year: mean, P10/P50/P90 of total savings, deficit and P(savings ≥ deficit).

        ``kans_tekort_gedekt_se`` is the Monte Carlo standard error of that probability,
        √(p(1 − p)/n). Schema :data:`analysekit.analysis.schemas.SIMULATIE`.
        """
        q = np.percentile(self.totals, [10, 50, 90], axis=0)
        out = pd.DataFrame(
            {
                "jaar": self.years,
                "besparing_gemiddeld": self.totals.mean(axis=0),
                "besparing_p10": q[0],
                "besparing_p50": q[1],
                "besparing_p90": q[2],
            }
        )
        if self.deficit is not None:
            has = ~np.isnan(self.deficit[0])
            for col in ("tekort_verwacht", "tekort_sd", "kans_tekort_gedekt",
                        "kans_tekort_gedekt_se", "restant_tekort_p50"):
                out[col] = np.nan
            d, t = self.deficit[:, has], self.totals[:, has]
            out.loc[has, "tekort_verwacht"] = d.mean(axis=0)
            out.loc[has, "tekort_sd"] = d.std(axis=0)
            p = (t >= d).mean(axis=0)
            out.loc[has, "kans_tekort_gedekt"] = p
            out.loc[has, "kans_tekort_gedekt_se"] = mc_standard_error(p, self.n_draws)
            out.loc[has, "restant_tekort_p50"] = np.median(d - t, axis=0)
        return out

    def per_lever(self, year: int | None = None) -> pd.DataFrame:
        """Per lever in ``year``: expected savings and P10/P50/P90 of its contribution."""
        c = self.contributions(year)
        q = np.percentile(c, [10, 50, 90], axis=0)
        return pd.DataFrame(
            {
                "naam": [h.naam for h in self.register.hefbomen],
                "domein": [h.domein for h in self.register.hefbomen],
                "verwacht": c.mean(axis=0),
                "p10": q[0],
                "p50": q[1],
                "p90": q[2],
                "kans": [h.kans for h in self.register.hefbomen],
            }
        ).sort_values("verwacht", ascending=False, ignore_index=True)

    def tornado(self, year: int | None = None) -> pd.DataFrame:
        """Return the tornado table; see :func:`tornado_table`."""
        return tornado_table(self, year)

    def summary_nl(self, year: int | None = None) -> str:
        """Dutch summary of the last (or given) year."""
        i = self._year_index(year)
        s = self.summary().iloc[i]
        e = {k: nl.eur(s[k], compact=True) for k in
             ("besparing_p10", "besparing_p50", "besparing_p90", "besparing_gemiddeld")}
        parts = [
            f"Monte Carlo ({nl.getal(self.n_draws)} trekkingen, seed {self.seed}, bedragen "
            f"{'beta-PERT' if self.verdeling == 'pert' else 'driehoeksverdeling'}, realisatie "
            f"Bernoulli(kans), lineaire ingroei).",
            f"Besparing {int(s['jaar'])}: P10 {e['besparing_p10']}, P50 "
            f"{e['besparing_p50']}, P90 {e['besparing_p90']} (verwacht "
            f"{e['besparing_gemiddeld']}; nominaal potentieel "
            f"{nl.eur(self.register.potentieel, compact=True)}).",
        ]
        if "kans_tekort_gedekt" in s and not math.isnan(s["kans_tekort_gedekt"]):
            parts.append(
                f"Tekort {int(s['jaar'])} ({self.tekort_titel}): "
                f"{nl.eur(s['tekort_verwacht'], compact=True)}; kans dat de hefbomen het "
                f"tekort dekken: "
                f"{kans_zin(s['kans_tekort_gedekt'], s['kans_tekort_gedekt_se'], self.n_draws)}."
            )
        if self.register.illustratief:
            parts.append("Let op: dit register is illustratief, geen echte begrotingscijfers.")
        return " ".join(parts)

    def plot(self) -> Figure:
        """Fan chart of savings per year against the deficit; see :func:`plot_savings`."""
        return plot_savings(self)


def _risk_effects(
    occ: np.ndarray, red: np.ndarray, delay: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Multiplier and delay per draw and lever from the risk occurrences.

    Only the levers a risk applies to are touched, so own risks cost one column each.
    """
    mult = np.ones(shape)
    for r in range(occ.shape[1]):
        idx = np.flatnonzero(red[:, r])
        if idx.size:
            mult[:, idx] *= np.where(occ[:, r, None], 1.0 - red[idx, r][None, :], 1.0)
    d = np.zeros(shape)
    dr = np.flatnonzero(delay.any(axis=0))
    if dr.size:
        d = occ[:, dr].astype(float) @ delay[:, dr].T
    return mult, d


def mc_standard_error(p: Any, n: int) -> Any:
    """Monte Carlo standard error of a probability estimated from ``n`` draws: √(p(1−p)/n)."""
    p_arr = np.asarray(p, dtype="float64")
    return np.sqrt(p_arr * (1.0 - p_arr) / float(n))


def simulation_bytes(n_draws: int, n_levers: int, n_risks: int, n_years: int) -> int:
    """Estimated memory of :func:`simulate`, in bytes (see ``MAX_SIMULATIE_BYTES``)."""
    return 8 * int(n_draws) * (6 * int(n_levers) + 2 * int(n_risks) + 3 * int(n_years))


def _check_n_draws(n_draws: object) -> int:
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)):
        if isinstance(n_draws, float) and n_draws.is_integer():
            n_draws = int(n_draws)
        else:
            raise ParameterError(f"n_draws = {n_draws!r}: verwacht een geheel getal "
                                 f"van 1 tot {nl.getal(MAX_N_DRAWS)}")
    if not 1 <= int(n_draws) <= MAX_N_DRAWS:
        raise ParameterError(f"n_draws = {n_draws!r}: verwacht een geheel getal van 1 tot "
                             f"{nl.getal(MAX_N_DRAWS)} (analysekit.settings.MAX_N_DRAWS)")
    return int(n_draws)


def simulate(
    register: Register | str | Path,
    *,
    deficit: Any = None,
    years: Sequence[int] | None = None,
    n_draws: int = 100_000,
    seed: int | None = 0,
    verdeling: str = "pert",
) -> MonteCarloResult:
    """Simulate total savings per year of a register (vectorised, seeded).

    Args:
        register: A :class:`Register` or a register file.
        deficit: Deficit to set the savings against: None (use the register's ``tekort``),
            a number (every year), ``{jaar: bedrag}``, ``{jaar: (verwacht, sd)}``, a
            :class:`Tekort`, a :class:`Target` (from :func:`choose_target`; no target means
            no deficit), or a DataFrame jaar / verwacht / sd.
        years: Years to simulate (default: first startjaar up to the last year of full
            effect or of the deficit).
        n_draws: Number of draws, 1 to ``analysekit.settings.MAX_N_DRAWS``; refused when
            the estimate of :func:`simulation_bytes` exceeds ``MAX_SIMULATIE_BYTES``.
        seed: Seed of the numpy Generator (same seed, same result).
        verdeling: ``"pert"`` (beta-PERT, λ = 4) or ``"driehoek"`` (triangular).

    Returns:
        A :class:`MonteCarloResult`.

    Raises:
        ParameterError: Bad register, n_draws, seed, verdeling, years or deficit, or a
            simulation too large for memory.
    """
    if not isinstance(register, (Register, str, Path)):
        raise ParameterError(f"register: verwacht een Register of een bestandspad, niet "
                             f"{type(register).__name__}")
    if not isinstance(register, Register):
        register = read_register(register)
    if verdeling not in {"pert", "driehoek"}:
        raise ParameterError(f"verdeling = {verdeling!r}: kies 'pert' of 'driehoek'")
    n = _check_n_draws(n_draws)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                             or seed < 0):
        raise ParameterError(f"seed = {seed!r}: verwacht een geheel getal ≥ 0 of None")
    hs = register.hefbomen
    if not hs:
        raise ParameterError("register: geen hefbomen om te simuleren")
    lo = np.array([h.besparing_min for h in hs])
    ml = np.array([h.besparing_waarschijnlijk for h in hs])
    hi = np.array([h.besparing_max for h in hs])
    kans = np.array([h.kans for h in hs])
    start = np.array([h.startjaar for h in hs], dtype=float)
    ramp = np.array([max(h.ingroei_jaren, 1) for h in hs], dtype=float)
    risk_names: list[str] = []
    risk_kans: list[float] = []
    index: dict[str, int] = {}
    for h in hs:
        for r in h.risicos:
            if r.quantified and r.naam.casefold() not in index:
                index[r.naam.casefold()] = len(risk_names)
                risk_names.append(r.naam)
                risk_kans.append(float(r.kans or 0.0))
    red = np.zeros((len(hs), len(risk_names)))
    dly = np.zeros((len(hs), len(risk_names)))
    for i, h in enumerate(hs):
        for r in h.risicos:
            if r.quantified:
                j = index[r.naam.casefold()]
                # two entries of the same risk in one lever combine multiplicatively
                red[i, j] = 1.0 - (1.0 - red[i, j]) * (1.0 - r.vermindering)
                dly[i, j] += r.vertraging_jaren
    spec = _deficit_spec(deficit, register)
    if years is None:
        first = int(start.min())
        last = int((start + ramp - 1).max())
        if spec is not None:
            dy = [y for y in spec[0] if y != -1]
            if dy:
                first, last = min(first, min(dy)), max(last, max(dy))
        years_arr = np.arange(first, last + 1)
    else:
        if isinstance(years, (str, bytes)) or not isinstance(years, (Sequence, np.ndarray,
                                                                     range)):
            raise ParameterError(f"years = {years!r}: verwacht een lijst jaartallen")
        bad = [y for y in years if isinstance(y, bool) or not isinstance(y, (int, np.integer))]
        if bad:
            raise ParameterError(f"years: {bad[0]!r} is geen jaartal (geheel getal)")
        years_arr = np.array(sorted({int(y) for y in years}))
        if years_arr.size == 0:
            raise ParameterError("years: lege lijst")
    est = simulation_bytes(n, len(hs), len(risk_names), int(years_arr.size))
    if est > MAX_SIMULATIE_BYTES:
        raise ParameterError(
            f"n_draws = {nl.getal(n)} vraagt naar schatting {nl.getal(est / 1024**3, 1)} GiB "
            f"geheugen ({len(hs)} hefbomen, {len(risk_names)} risico's, {years_arr.size} jaren); "
            f"de grens is {nl.getal(MAX_SIMULATIE_BYTES / 1024**3, 1)} GiB "
            "(analysekit.settings.MAX_SIMULATIE_BYTES): kies minder trekkingen"
        )
    rng = np.random.default_rng(seed)
    amounts = _draw_amounts(rng, lo, ml, hi, n, verdeling)
    realised = rng.random((n, len(hs))) < kans[None, :]
    occ = rng.random((n, len(risk_names))) < np.asarray(risk_kans)[None, :]
    amount_real = amounts * realised
    mult, delay = _risk_effects(occ, red, dly, amount_real.shape)
    base = amount_real * mult
    # levers that no risk can delay have the same ramp fraction in every draw: a mat-vec
    delayed = dly.any(axis=1)
    base_fixed, base_del = base[:, ~delayed], base[:, delayed]
    start_del = start[None, delayed] + delay[:, delayed]
    totals = np.empty((n, years_arr.size))
    for j, y in enumerate(years_arr):
        frac = np.clip((y - start[~delayed] + 1.0) / ramp[~delayed], 0.0, 1.0)
        totals[:, j] = base_fixed @ frac
        if base_del.shape[1]:
            frac_d = np.clip((y - start_del + 1.0) / ramp[None, delayed], 0.0, 1.0)
            totals[:, j] += (base_del * frac_d).sum(axis=1)
    deficit_draws = None
    if spec is not None:
        mu, sd = spec
        z = rng.standard_normal(n)
        deficit_draws = np.full((n, years_arr.size), np.nan)
        for j, y in enumerate(years_arr):
            key = -1 if -1 in mu else int(y)
            if key in mu:
                deficit_draws[:, j] = mu[key] + sd[key] * z
    return MonteCarloResult(
        register=register,
        years=years_arr,
        totals=totals,
        deficit=deficit_draws,
        seed=seed,
        verdeling=verdeling,
        risk_names=risk_names,
        _amount_real=amount_real,
        _occ=occ,
        _red=red,
        _delay=dly,
        _start=start,
        _ramp=ramp,
        tekort_titel=_deficit_title(deficit, register),
    )


def tornado_table(result: MonteCarloResult, year: int | None = None) -> pd.DataFrame:
    """Which levers and risks drive the spread of total savings in ``year``.

    For a lever: total savings with that lever at its P10 and at its P90 (its own amount,
    realisation and risks) and every other lever at its expected value, i.e.
    ``E[total] - E[lever] + P10/P90(lever)``. For a quantified risk: expected total savings
    when the risk is forced to occur (low) and forced not to occur (high), everything else
    drawn as simulated. Sorted by swing (high - low), largest first.

    Args:
        result: Simulation result.
        year: Year (default the last simulated year).

    Returns:
        Frame soort (hefboom/risico), naam, laag, hoog, zwaai, basis (expected total).
    """
    c = result.contributions(year)
    total = c.sum(axis=1)
    base = float(total.mean())
    mean_c = c.mean(axis=0)
    q10, q90 = np.percentile(c, [10, 90], axis=0)
    rows = [
        {
            "soort": "hefboom",
            "naam": h.naam,
            "laag": base - mean_c[i] + q10[i],
            "hoog": base - mean_c[i] + q90[i],
        }
        for i, h in enumerate(result.register.hefbomen)
    ]
    for r, name in enumerate(result.risk_names):
        on = result._occ.copy()
        on[:, r] = True
        off = result._occ.copy()
        off[:, r] = False
        rows.append(
            {
                "soort": "risico",
                "naam": name,
                "laag": float(result.contributions(year, on).sum(axis=1).mean()),
                "hoog": float(result.contributions(year, off).sum(axis=1).mean()),
            }
        )
    out = pd.DataFrame(rows)
    out["zwaai"] = out["hoog"] - out["laag"]
    out["basis"] = base
    return out.sort_values("zwaai", ascending=False, ignore_index=True)


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


def _decimals(fraction: float, least: int = 1) -> int:
    """Decimals that show a fraction, in percent, with one significant digit (at most 4)."""
    x = 100.0 * abs(float(fraction))
    return least if x <= 0 else max(least, min(4, -math.floor(math.log10(x))))


def kans_precisie(p: Any, se: Any, n: int, kort: bool = False) -> tuple[str, str]:
    """A simulated probability and its Monte Carlo precision, as Dutch text.

    An estimate strictly between 0 and 1 is shown with its standard error
    (``("57%", "± 0,5 procentpunt")``; below 1% or above 99% with the decimals the error
    needs). An estimate of exactly 0 (or 1) has no standard error: the probability is then
    only known to be below (or above) the **rule of three** bound 3/n, the 95% upper bound
    when none of ``n`` draws succeeded (``("minder dan 0,03%", "in geen van de 10.000
    trekkingen; …")``).

    Args:
        p: The estimated probability (share of draws).
        se: Its Monte Carlo standard error.
        n: Number of draws.
        kort: Write a bound as ``< 0,03%`` (for a figure) instead of ``minder dan 0,03%``.

    Returns:
        (probability, precision); both ``–`` when ``p`` is missing.
    """
    if not nl.finite(p):
        return nl.ONTBREEKT, nl.ONTBREEKT
    v, n = float(p), int(n)
    bound = min(1.0, 3.0 / n)
    d = _decimals(bound, 0)
    # a bound is rounded outward, so the text never claims more than 3/n supports
    step = 10.0 ** d
    upper = math.ceil(round(100.0 * bound * step, 6)) / step
    lower = math.floor(round((100.0 - 100.0 * bound) * step, 6)) / step
    if v == 0.0:
        return (f"{'<' if kort else 'minder dan'} {nl.pct(upper, d)}",
                f"in geen van de {nl.getal(n)} trekkingen gedekt; met 95% zekerheid minder "
                f"dan 3 op {nl.getal(n)}, de regel van drie")
    if v == 1.0:
        return (f"{'>' if kort else 'meer dan'} {nl.pct(lower, d)}",
                f"in alle {nl.getal(n)} trekkingen gedekt; met 95% zekerheid in meer dan "
                f"{nl.getal(n - 3)} op {nl.getal(n)}, de regel van drie")
    d = _decimals(se)
    shown = nl.kans(v) if 0.01 <= v <= 0.99 else nl.kans(v, d)
    return shown, f"± {nl.getal(100 * float(se), d)} procentpunt"


def kans_zin(p: Any, se: Any, n: int) -> str:
    """``57% (± 0,5 procentpunt, Monte-Carlo-standaardfout)``; 0 and 1 by the rule of three."""
    kans, precisie = kans_precisie(p, se, n)
    if kans == nl.ONTBREEKT:
        return kans
    if precisie.startswith("±"):
        return f"{kans} ({precisie}, Monte-Carlo-standaardfout)"
    return f"{kans} ({precisie})"


def _deficit_title(deficit: Any, register: Register) -> str:
    """What the deficit of a simulation is, for its figure (see :attr:`Target.titel`)."""
    if isinstance(deficit, Target):
        return deficit.titel
    if deficit is None and register.tekort is not None:
        return "tekort uit het register"
    return "tekort"


def plot_savings(result: MonteCarloResult) -> Figure:
    """Fan chart: P10–P90 band and P50 of total savings per year, with the deficit.

    The deficit is named for what it is (``result.tekort_titel``). A deficit without
    uncertainty (one figure held flat) is drawn as points without a band; one with a
    standard deviation gets its P10–P90 range.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    s = result.summary()
    x = s["jaar"].to_numpy()
    naam = result.tekort_titel
    with P.style():
        fig = P.new_figure(8, 4.5)
        ax = fig.subplots()
        mln = {c: s[c].to_numpy(float) / 1e6 for c in
               ("besparing_p10", "besparing_p90", "besparing_p50", "besparing_gemiddeld")}
        ax.fill_between(x, mln["besparing_p10"], mln["besparing_p90"], color="#9dc3e6",
                        alpha=0.7, lw=0)
        ax.plot(x, mln["besparing_p50"], "o-", color="#1f4e79")
        ax.plot(x, mln["besparing_gemiddeld"], "--", color="#1f4e79", lw=1)
        handles = [
            Patch(color="#9dc3e6", alpha=0.7, lw=0, label="besparing P10–P90"),
            Line2D([], [], marker="o", color="#1f4e79", label="besparing P50"),
            Line2D([], [], ls="--", color="#1f4e79", lw=1, label="verwacht"),
        ]
        low, high = 0.0, float(mln["besparing_p90"].max())
        has = (s["tekort_verwacht"].notna().to_numpy() if "tekort_verwacht" in s
               else np.zeros(len(s), bool))
        if has.any():
            t = s.loc[has, "tekort_verwacht"].to_numpy(float) / 1e6
            sd = s.loc[has, "tekort_sd"].fillna(0).to_numpy(float)
            band = bool((sd > 0).any())
            label = f"tekort: {naam}"
            if band:
                err = 1.2816 * sd / 1e6
                ax.errorbar(x[has], t, yerr=err, fmt="s", color="#c00000", capsize=4)
                label += " (P10–P90)"
                low = min(low, float((t - err).min()))
            else:
                ax.plot(x[has], t, "s", color="#c00000")
                low = min(low, float(t.min()))
            if bool((t <= 0).all()):
                label += ": negatief = overschot"
            handles.append(Line2D([], [], marker="s", ls="", color="#c00000", label=label))
            for _, r in s.loc[has].iterrows():
                kans, _prec = kans_precisie(r["kans_tekort_gedekt"], r["kans_tekort_gedekt_se"],
                                            result.n_draws, kort=True)
                ax.annotate(f"kans gedekt\n{kans}", (r["jaar"], r["tekort_verwacht"] / 1e6),
                            textcoords="offset points", xytext=(0, 7), fontsize=8,
                            color="#c00000", ha="center", va="bottom",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                  "alpha": 0.85})
            high = max(high, float(t.max()))
        ax.set_xticks(x)
        ax.xaxis.grid(False)
        ax.set_xlim(x.min() - 0.4, x.max() + 0.4)  # room for the centred labels
        P.dutch_axis(ax.yaxis, 5)
        # room above the highest point for the two-line probability labels
        ax.set_ylim(bottom=1.08 * low if low < 0 else 0, top=high + 0.2 * (high - min(low, 0)))
        ax.set_xlabel("jaar")
        ax.set_ylabel("€ mln per jaar")
        title = ("Besparing hefbomen (Monte Carlo) tegenover het tekort" if has.any()
                 else "Besparing hefbomen (Monte Carlo)")
        if result.register.illustratief:
            title += "\nILLUSTRATIEF register, geen echte cijfers"
        P.header(fig, ax, title, handles, loc="center")
    return fig


def plot_tornado(result: MonteCarloResult, year: int | None = None, top: int = 15) -> Figure:
    """Tornado chart of the levers and risks that drive the spread of savings in ``year``."""
    y = int(result.years[result._year_index(year)])
    return plot_tornado_table(tornado_table(result, year), y, result.register.illustratief, top)


def plot_tornado_table(tornado: pd.DataFrame, jaar: int, illustratief: bool = False,
                       top: int = 15) -> Figure:
    """Tornado chart from a tornado table (:func:`tornado_table`), Dutch axis.

    Per lever its P10–P90 (blue), per risk with / without (orange), largest swing on top;
    the black line is the expected total. Tick labels are written the Dutch way
    (``7,75``), through :func:`analysekit.analysis.plots.dutch_axis`.

    Args:
        tornado: Columns soort, naam, laag, hoog, basis (euros), largest swing first.
        jaar: The simulated year it describes.
        illustratief: Label the figure as an illustrative register.
        top: Number of bars.
    """
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    t = tornado.head(top).iloc[::-1]
    colors = np.where(t["soort"] == "risico", "#c55a11", "#1f4e79")
    labels = [P.wrap(("Risico: " if k == "risico" else "") + str(n), 3.2, 8.5)
              for k, n in zip(t["soort"], t["naam"], strict=True)]
    lines = sum(lab.count("\n") + 1 for lab in labels)
    with P.style():
        fig = P.new_figure(8, 1.9 + 0.17 * lines + 0.12 * len(t))
        ax = fig.subplots()
        base = float(t["basis"].iloc[0]) / 1e6 if len(t) else 0.0
        pos = np.arange(len(t))
        P.bars(ax, pos, (t["hoog"] - t["laag"]) / 1e6, 0.7, t["laag"] / 1e6, color=colors,
               horizontal=True)
        ax.set_yticks(pos, labels)
        ax.set_ylim(-0.6, len(t) - 0.4)
        ax.yaxis.grid(False)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.axvline(base, color="black", lw=0.8)
        P.dutch_axis(ax.xaxis, 5)
        ax.set_xlabel(f"totale besparing {jaar} (€ mln); zwarte lijn = verwachting")
        handles = [Patch(color="#1f4e79", label="hefboom: P10 en P90"),
                   Patch(color="#c55a11", label="risico: treedt op / treedt niet op")]
        ax.use_sticky_edges = False  # a little room left of the lowest P10
        ax.margins(x=0.03)
        title = f"Wat bepaalt de spreiding van de besparing in {jaar}?"
        if illustratief:
            title += "\nILLUSTRATIEF register, geen echte cijfers"
        P.header(fig, ax, title, handles)
    return fig
