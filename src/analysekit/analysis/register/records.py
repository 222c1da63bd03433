"""Records with line numbers from a YAML or CSV file (a register's levers, a goals file).

:func:`read_records` keeps the line of every record and field, so that
:func:`parse_number` and :meth:`Record.error` can name file, line, record and field in a
one-line Dutch :class:`~analysekit.errors.DataError`. Shared by the hefbomen register
(:mod:`analysekit.analysis.register`) and the goals (:mod:`analysekit.analysis.goals`).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysekit import nl
from analysekit.errors import DataError

__all__ = ["Record", "num_text", "parse_number", "read_records"]


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


def num_text(v: float) -> str:
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
        raise rec.error(fld, f"{num_text(val)} is geen geheel getal", extra)
    if lo is not None and hi is not None and not lo <= val <= hi:
        raise rec.error(fld, f"{num_text(val)} ligt buiten [{num_text(lo)}, {num_text(hi)}]", extra)
    if lo is not None and hi is None and val < lo:
        raise rec.error(fld, f"{num_text(val)} is kleiner dan {num_text(lo)}", extra)
    return int(val) if integer else val


