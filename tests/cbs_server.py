"""A local CBS OData v3 server for tests and benchmarks (127.0.0.1, ephemeral port).

It serves JSON shaped as CBS serves it, built from real data:

* Iv3 2023 (``45063NED``) -- the mirror's real 2023 Iv3 figures (michielsd, jaarrekening and
  begroting) reshaped as a real cube: ``Gemeenten`` codes padded like ``'GM0855    '``,
  ``TaakveldBalanspost`` (the 71 taakvelden plus balance posts ``A…``/``P…`` carrying amounts
  that must never count), ``Categorie`` (``L1.1`` = salarissen, ``L3.8`` = the rest of the
  lasten, ``B3.8`` = baten, ``Primo``/``Ultimo``, optional zero-only padding categories),
  ``Verslagsoort`` ``2023X000``…``2023X005`` (the quarters carry amounts that must not count),
  measures ``k_1ePlaatsing_1`` (an older, different value) and ``k_2ePlaatsing_2`` (the
  mirror value), unit ``1 000 euro``. A gemeente whose mirror figures are all zero for a
  verslagsoort did not submit: all its cells are null (CBS '.'). Row order as in the real
  capture (Verslagsoort fastest). The DataProperties and TableInfos are the real 45012NED
  capture's, with the 2023 names (the capture has the older names).
* The real 45012NED capture itself (older names ``FunctieKostenplaatsBalanspost``,
  ``k_1stePlaatsing_1``/``k_2dePlaatsing_2``, region ``Provincies``).
* KWB 2020 (``84799NED``) -- the real capture, unchanged.
* 70072ned -- the mirror's real extract (``regionale_kerncijfers_subset.csv``) with
  DataProperties in the CBS layout (reconstructed: Key, Type, Unit ``aantal``).

Behaviour as CBS: the ODataApi refuses a result over 10,000 rows with HTTP 500; the
ODataFeed pages ``TypedDataSet`` by 10,000 rows with an ``odata.nextLink``; ``$filter``
supports ``startswith(Field,'x')`` and ``$select`` a column list. The catalogue
(``/dataderden/ODataCatalog/Tables``) lists the Iv3 tables. Faults can be injected per URL
(404, 500, 429, 503, malformed JSON, stall, broken connection).

Roots: ``{base}/opendata`` and ``{base}/dataderden``. Run ``python tests/cbs_server.py`` to
serve on a port of your choice (used by the benchmark).
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:  # pragma: no cover - when run as a script
    sys.path.insert(0, str(ROOT / "src"))

from analysekit.paths import mirror_dir  # noqa: E402

CAPTURES = "dataverbinders-statline-bq"
PAGE_SIZE = 10_000
API_CAP = 10_000


def _clean(value: Any) -> Any:
    """JSON-safe value: NaN -> None, numpy scalars -> Python."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame -> list of JSON-safe dicts."""
    obj = df.astype(object)
    obj = obj.where(df.notna(), None)
    out = obj.to_dict("records")
    for row in out:
        for k, v in row.items():
            if hasattr(v, "item"):
                row[k] = _clean(v)
    return out


def _pad(code: str, width: int) -> str:
    return code.ljust(width)


# ------------------------------------------------------------------------------ tables


@dataclass
class Table:
    """One CBS table: metadata collections and a (possibly lazy) TypedDataSet."""

    id: str
    host: str  # "opendata" or "dataderden"
    properties: list[dict[str, Any]]
    info: dict[str, Any]
    lookups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    n_rows: int = 0
    row: Callable[[int], dict[str, Any]] | None = None
    rows: list[dict[str, Any]] | None = None
    row_json: Callable[[int], str] | None = None  # fast path: one row as JSON text

    def typed_rows(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows ``start:stop`` of the TypedDataSet."""
        if self.rows is not None:
            return self.rows[start:stop]
        assert self.row is not None
        return [self.row(i) for i in range(start, min(stop, self.n_rows))]

    @property
    def size(self) -> int:
        """Number of TypedDataSet rows."""
        return len(self.rows) if self.rows is not None else self.n_rows


@lru_cache(maxsize=1)
def _capture_45012() -> dict[str, Any]:
    base = mirror_dir() / CAPTURES / "45012NED"
    props = pd.read_parquet(base / "iv3.v3.45012NED_DataProperties.parquet")
    info = json.loads((base / "iv3.v3.45012NED_Metadata.json").read_text(encoding="utf-8"))
    return {"props": props, "info": info, "base": base}


def capture_45012_table() -> Table:
    """The real 45012NED capture (Iv3 provincies 2013), served as-is."""
    cap = _capture_45012()
    base = cap["base"]
    lookups = {
        name: records(pd.read_parquet(base / f"iv3.v3.45012NED_{name}.parquet"))
        for name in ("FunctieKostenplaatsBalanspost", "Categorie", "Provincies", "Verslagsoort")
    }
    return Table(
        "45012NED",
        "dataderden",
        records(cap["props"].drop(columns=["odata_type"])),
        dict(cap["info"]),
        lookups,
        n_rows=int(cap["info"]["RecordCount"]),
        row=lambda i: _typed_45012()[i],
    )


@lru_cache(maxsize=1)
def _typed_45012() -> list[dict[str, Any]]:
    base = _capture_45012()["base"]
    return records(pd.read_parquet(base / "iv3.v3.45012NED_TypedDataSet.parquet"))


@lru_cache(maxsize=1)
def mirror_iv3_2023() -> pd.DataFrame:
    """The mirror's 2023 Iv3 figures (begroting and jaarrekening), in thousands of euros."""
    from analysekit.data.mirror.iv3 import build_iv3_raw

    raw = build_iv3_raw()
    return raw[raw["jaar"] == 2023].reset_index(drop=True)


BALANCE_POSTS = ("A11", "A121", "P111", "P12")
IV3_CATEGORIES = ("L1.1", "L3.8", "B3.8", "Primo", "Ultimo")


def iv3_2023_table(
    *,
    gemeenten: list[str] | None = None,
    extra_categories: int = 0,
    table_id: str = "45063NED",
    modified: str = "2025-02-03T02:00:00",
) -> Table:
    """The mirror's real 2023 Iv3 figures reshaped as a real CBS cube (see module doc).

    Args:
        gemeenten: Restrict to these GM codes (a subset for fast tests); default all 342.
        extra_categories: Add this many zero-only categories (``L9.n``) to grow the cube to
            a realistic size (mostly 0.0 cells) for the benchmark.
        table_id: Table id to serve it under.
        modified: ``TableInfos.Modified``.
    """
    mir = mirror_iv3_2023()
    if gemeenten is not None:
        mir = mir[mir["gm_code"].isin(gemeenten)]
    codes = sorted(mir["gm_code"].unique())
    taakvelden = sorted(
        mir["taakveld"].unique(),
        key=lambda t: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", t)],
    )
    tvs = [*taakvelden, *BALANCE_POSTS]
    cats = [*IV3_CATEGORIES, *(f"L9.{i + 1}" for i in range(extra_categories))]
    soorten = [f"2023X00{i}" for i in range(6)]
    submitted = (
        mir.assign(nz=(mir["lasten_eur"] != 0) | (mir["baten_eur"] != 0))
        .groupby(["gm_code", "verslagsoort"])["nz"]
        .any()
    )
    vs_index = {"begroting": 0, "jaarrekening": 5}
    values: dict[tuple[int, int, int, int], float] = {}
    g_index = {g: i for i, g in enumerate(codes)}
    t_index = {t: i for i, t in enumerate(tvs)}
    for r in mir.itertuples(index=False):
        g, t, v = g_index[r.gm_code], t_index[r.taakveld], vs_index[r.verslagsoort]
        lasten, baten = r.lasten_eur / 1000.0, r.baten_eur / 1000.0
        sal = 0.0 if pd.isna(r.salarissen_eur) else r.salarissen_eur / 1000.0
        for c, amount in ((0, sal), (1, lasten - sal), (2, baten)):
            if amount:
                values[(g, t, c, v)] = amount
                if v == 5:  # quarters carry figures too; they must not count
                    values[(g, t, c, 3)] = round(amount / 4.0, 3)
    # balance posts: amounts on L/B categories (balansmutaties) and Primo/Ultimo
    for g in range(len(codes)):
        for b in range(len(BALANCE_POSTS)):
            t = len(taakvelden) + b
            for c in range(5):
                for v in (0, 5):
                    values[(g, t, c, v)] = 1000.0 + 17.0 * g + b + c
    null_cells = {(g_index[g], vs_index[v]) for (g, v), ok in submitted.items() if not ok}
    n_vs, n_g, n_c = len(soorten), len(codes), len(cats)
    padded_g = [_pad(g, 10) for g in codes]
    padded_t = [_pad(t, 6) for t in tvs]
    padded_c = [_pad(c, 8) for c in cats]

    def row(i: int) -> dict[str, Any]:
        v = i % n_vs
        g = (i // n_vs) % n_g
        c = (i // (n_vs * n_g)) % n_c
        t = i // (n_vs * n_g * n_c)
        if (g, v) in null_cells:
            first = second = None
        else:
            second = values.get((g, t, c, v), 0.0)
            first = second + 7.0 if second else 0.0
        return {
            "ID": i,
            "TaakveldBalanspost": padded_t[t],
            "Categorie": padded_c[c],
            "Gemeenten": padded_g[g],
            "Verslagsoort": soorten[v],
            "k_1ePlaatsing_1": first,
            "k_2ePlaatsing_2": second,
        }

    def num(x: float | None) -> str:
        return "null" if x is None else repr(float(x))

    def row_json(i: int) -> str:
        r = row(i)
        return (
            f'{{"ID": {i}, "TaakveldBalanspost": "{r["TaakveldBalanspost"]}", '
            f'"Categorie": "{r["Categorie"]}", "Gemeenten": "{r["Gemeenten"]}", '
            f'"Verslagsoort": "{r["Verslagsoort"]}", '
            f'"k_1ePlaatsing_1": {num(r["k_1ePlaatsing_1"])}, '
            f'"k_2ePlaatsing_2": {num(r["k_2ePlaatsing_2"])}}}'
        )

    cap = _capture_45012()
    rename = {
        "FunctieKostenplaatsBalanspost": "TaakveldBalanspost",
        "Provincies": "Gemeenten",
        "k_1stePlaatsing_1": "k_1ePlaatsing_1",
        "k_2dePlaatsing_2": "k_2ePlaatsing_2",
    }
    props = cap["props"].drop(columns=["odata_type"]).copy()
    props["Key"] = props["Key"].replace(rename)
    props["Title"] = props["Title"].replace(
        {"FunctieKostenplaatsBalanspost": "TaakveldBalanspost", "Provincies": "Gemeenten"}
    )
    props.loc[props["Key"] == "Gemeenten", "MapYear"] = 2023.0
    n = len(tvs) * n_c * n_g * n_vs
    info = dict(cap["info"])
    info.update(
        {
            "Identifier": table_id,
            "Title": "Gemeenten 2023 onbewerkte Iv3-data",
            "ShortTitle": "Gemeenten 2023 onbewerkte Iv3-data",
            "Period": "2023",
            "Modified": modified,
            "RecordCount": n,
            "ApiUrl": f"https://dataderden.cbs.nl/ODataApi/OData/{table_id}",
            "FeedUrl": f"https://dataderden.cbs.nl/ODataFeed/OData/{table_id}",
        }
    )
    lookups = {
        "TaakveldBalanspost": [{"Key": p, "Title": p.strip()} for p in padded_t],
        "Categorie": [{"Key": p, "Title": p.strip()} for p in padded_c],
        "Gemeenten": [{"Key": p, "Title": p.strip()} for p in padded_g],
        "Verslagsoort": [{"Key": s, "Title": s} for s in soorten],
    }
    return Table(
        table_id, "dataderden", records(props), info, lookups, n_rows=n, row=row, row_json=row_json
    )


@lru_cache(maxsize=1)
def _kwb2020() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    base = mirror_dir() / CAPTURES / "84799NED"
    props = pd.read_parquet(base / "cbs.v3.84799NED_DataProperties.parquet")
    typed = pd.read_parquet(base / "cbs.v3.84799NED_TypedDataSet.parquet")
    info = json.loads((base / "cbs.v3.84799NED_Metadata.json").read_text(encoding="utf-8"))
    return records(props.drop(columns=["odata_type"])), records(typed), info


def kwb2020_table() -> Table:
    """The real KWB 2020 capture (84799NED), 17,341 regions x 118 columns."""
    props, rows, info = _kwb2020()
    return Table("84799NED", "opendata", props, dict(info), {}, rows=rows)


def kerncijfers_table() -> Table:
    """70072ned from the mirror's real extract, with reconstructed DataProperties."""
    path = (
        mirror_dir() / "lostconnectionhere-r_practice" / "data" / "regionale_kerncijfers_subset.csv"
    )
    df = pd.read_csv(path, sep=";", dtype={"RegioS": "str", "Perioden": "str"})
    df["RegioS"] = df["RegioS"].str.strip().str.ljust(10)
    measures = [c for c in df.columns if re.fullmatch(r"[A-Za-z_0-9]+_\d+", c) and c != "ID"]
    df = df[["RegioS", "Perioden", *measures]]
    props = [
        {
            "ID": 0,
            "Position": 0,
            "Type": "GeoDimension",
            "Key": "RegioS",
            "Title": "Regio's",
            "Unit": None,
        },
        {
            "ID": 1,
            "Position": 1,
            "Type": "TimeDimension",
            "Key": "Perioden",
            "Title": "Perioden",
            "Unit": None,
        },
    ] + [
        {"ID": i + 2, "Position": i + 2, "Type": "Topic", "Key": m, "Title": m, "Unit": "aantal"}
        for i, m in enumerate(measures)
    ]
    info = {
        "Identifier": "70072ned",
        "Title": "Regionale kerncijfers Nederland",
        "Catalog": "CBS",
        "Modified": "2024-07-01T02:00:00",
        "RecordCount": len(df),
    }
    return Table("70072ned", "opendata", props, info, {}, rows=records(df))


# ------------------------------------------------------------------------------ faults


@dataclass
class Fault:
    """Answer requests whose path+query contains ``match`` with a fault.

    kind: ``"404"``, ``"500"``, ``"429"``, ``"503"`` (HTTP status), ``"malformed"`` (a 200
    with broken JSON), ``"stall"`` (sleep ``seconds`` before answering), ``"drop"`` (close
    the connection without an answer). ``after``: let this many matching requests through
    first; ``times``: then apply this many times (None = always).
    """

    match: str
    kind: str
    after: int = 0
    times: int | None = None
    seconds: float = 3.0
    seen: int = 0
    applied: int = 0

    def fires(self, target: str) -> bool:
        if self.match not in target:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self.applied += 1
        return True


# ------------------------------------------------------------------------------ server


_STARTSWITH = re.compile(r"^\s*startswith\((\w+),'((?:[^']|'')*)'\)\s*$")


class CbsServer:
    """The server: ``start()`` returns the base URL.

    The two CBS roots are ``base/opendata`` and ``base/dataderden``.
    """

    def __init__(self, tables: list[Table], *, page_size: int = PAGE_SIZE, api_cap: int = API_CAP):
        self.tables = {(t.host, t.id.lower()): t for t in tables}
        self.page_size = page_size
        self.api_cap = api_cap
        self.faults: list[Fault] = []
        self.log: list[str] = []
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.base = ""

    # roots
    @property
    def opendata(self) -> str:
        return f"{self.base}/opendata"

    @property
    def dataderden(self) -> str:
        return f"{self.base}/dataderden"

    def add(self, table: Table) -> None:
        self.tables[(table.host, table.id.lower())] = table

    def catalog(self, host: str) -> list[dict[str, Any]]:
        out = []
        for (h, _), t in sorted(self.tables.items()):
            if h == host:
                row = {k: t.info.get(k) for k in ("Identifier", "Title", "Catalog", "Modified")}
                row["Catalog"] = row["Catalog"] or ("IV3" if host == "dataderden" else "CBS")
                out.append(row)
        return out

    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # silence
                return

            def do_GET(self) -> None:  # noqa: N802
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self.base

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    # -- answers --------------------------------------------------------------------

    def _send(
        self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "application/json"
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", f"{ctype}; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _json(self, h: BaseHTTPRequestHandler, obj: Any, status: int = 200) -> None:
        self._send(h, status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

    def _error(self, h: BaseHTTPRequestHandler, status: int, message: str) -> None:
        self._json(
            h, {"odata.error": {"code": "", "message": {"lang": "nl-NL", "value": message}}}, status
        )

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        target = h.path
        with self.lock:
            self.log.append(target)
            fault = next((f for f in self.faults if f.fires(target)), None)
        if fault is not None:
            if fault.kind == "stall":
                time.sleep(fault.seconds)
            elif fault.kind == "drop":
                h.close_connection = True
                h.wfile.flush()
                h.connection.shutdown(2)
                return
            elif fault.kind == "malformed":
                self._send(h, 200, b'{"odata.metadata": "x", "value": [{"ID": 0, "Gemee')
                return
            elif fault.kind.isdigit():
                headers_status = int(fault.kind)
                self._send(
                    h, headers_status, f"HTTP {headers_status} (injected)".encode(), "text/plain"
                )
                return
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        segs = [s for s in parts.path.split("/") if s]
        if len(segs) >= 3 and segs[1] == "ODataCatalog" and segs[2] == "Tables":
            self._json(h, {"odata.metadata": "catalog", "value": self.catalog(segs[0])})
            return
        if len(segs) < 4 or segs[1] not in ("ODataApi", "ODataFeed") or segs[2].lower() != "odata":
            self._error(h, 404, f"Resource not found: {parts.path}")
            return
        host, service, table_id = segs[0], segs[1], segs[3]
        table = self.tables.get((host, table_id.lower()))
        if table is None:
            self._error(h, 404, f"Table {table_id} not found")
            return
        collection = segs[4] if len(segs) > 4 else None
        here = f"{self.base}/{host}/{service}/odata/{table.id}"
        if collection is None:
            names = [
                "TableInfos",
                "UntypedDataSet",
                "TypedDataSet",
                "DataProperties",
                *table.lookups,
            ]
            self._json(
                h,
                {
                    "odata.metadata": f"{here}/$metadata",
                    "value": [{"name": n, "url": f"{here}/{n}"} for n in names],
                },
            )
            return
        if collection == "TypedDataSet":
            self._typed(h, table, service, here, query)
            return
        if service == "ODataFeed":
            self._error(h, 404, f"{collection} is not served by the feed in this test server")
            return
        if collection == "DataProperties":
            rows = table.properties
        elif collection == "TableInfos":
            rows = [table.info]
        elif collection in table.lookups:
            rows = table.lookups[collection]
        else:
            self._error(h, 404, f"Collection {collection} not found")
            return
        if len(rows) > self.api_cap:
            self._error(h, 500, f"De query retourneert meer dan {self.api_cap} records.")
            return
        self._json(
            h, {"odata.metadata": f"{here}/$metadata#Cbs.OData.WebAPI.{collection}", "value": rows}
        )

    def _typed(
        self,
        h: BaseHTTPRequestHandler,
        table: Table,
        service: str,
        here: str,
        query: dict[str, str],
    ) -> None:
        flt = query.get("$filter")
        select = [c.strip() for c in query["$select"].split(",")] if "$select" in query else None
        if flt:
            m = _STARTSWITH.match(flt)
            if not m:
                self._error(h, 400, f"unsupported $filter {flt!r}")
                return
            col, prefix = m.group(1), m.group(2).replace("''", "'")
            source = [
                r for r in table.typed_rows(0, table.size) if str(r.get(col, "")).startswith(prefix)
            ]
            size = len(source)
            get = lambda a, b: source[a:b]  # noqa: E731
        else:
            size = table.size
            get = table.typed_rows
        if service == "ODataApi":
            skip = int(query.get("$skip", 0))
            top = int(query.get("$top", size))
            n = max(0, min(size - skip, top))
            if n > self.api_cap:
                self._error(h, 500, f"De query retourneert meer dan {self.api_cap} records.")
                return
            page = get(skip, skip + n)
            body = {
                "odata.metadata": f"{here}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
                "value": page,
            }
        else:
            if "$skip" in query:
                self._error(h, 400, "$skip is not supported by the feed; follow odata.nextLink")
                return
            start = int(query.get("$skiptoken", 0))
            if table.row_json is not None and not flt and not select:
                stop = min(start + self.page_size, size)
                text = ",".join(table.row_json(i) for i in range(start, stop))
                nxt = ""
                if stop < size:
                    link = f"{here}/TypedDataSet?{urlencode({**query, '$skiptoken': str(stop)})}"
                    nxt = f', "odata.nextLink": "{link}"'
                meta = f"{here}/$metadata#Cbs.OData.WebAPI.TypedDataSet"
                body_text = f'{{"odata.metadata": "{meta}", "value": [{text}]{nxt}}}'
                self._send(h, 200, body_text.encode("utf-8"))
                return
            page = get(start, start + self.page_size)
            body = {
                "odata.metadata": f"{here}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
                "value": page,
            }
            if start + self.page_size < size:
                nxt = {k: v for k, v in query.items() if k != "$skiptoken"}
                nxt["$skiptoken"] = str(start + self.page_size)
                body["odata.nextLink"] = f"{here}/TypedDataSet?{urlencode(nxt)}"
        if select:
            body["value"] = [{c: r.get(c) for c in select} for r in body["value"]]
        self._json(h, body)


def default_tables(**iv3_kwargs: Any) -> list[Table]:
    """Iv3 2023 from the mirror, the real 45012NED and KWB 2020 captures, and 70072ned."""
    return [
        iv3_2023_table(**iv3_kwargs),
        capture_45012_table(),
        kwb2020_table(),
        kerncijfers_table(),
    ]


if __name__ == "__main__":  # pragma: no cover - manual use and the benchmark
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra-categories", type=int, default=0)
    args = ap.parse_args()
    srv = CbsServer([iv3_2023_table(extra_categories=args.extra_categories)])
    print(srv.start(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
