"""Tests for the live CBS OData path, on synthetic hand-written fixtures (no network).

The fixtures in tests/fixtures/odata/ are synthetic (values made up, format as CBS OData
v3). A fake HTTP session serves them: it evaluates the small part of OData the client
uses ($filter with eq/ne/startswith/and/or/not, $select, $top, $skip) and pages its
answers with odata.nextLink, or (like the capped ODataApi) without one.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
import pytest
import requests

from analysekit.data import live
from analysekit.data.cbs_odata import (
    DATADERDEN_ROOT,
    OPENDATA_ROOT,
    CbsClient,
    is_reachable,
    table_id_from_url,
)
from analysekit.errors import DataError, SourceUnavailable
from analysekit.io import sha256_file

FIXTURES = Path(__file__).parent / "fixtures" / "odata"
IV3_2023 = f"{DATADERDEN_ROOT}/45063NED"
IV3_2024 = f"{DATADERDEN_ROOT}/45067NED"
KERN = f"{OPENDATA_ROOT}/70072ned"


# ----------------------------------------------------------------- fake OData server


def _tokens(text: str) -> list[str]:
    pattern = r"\s*(\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d+)?)"
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = re.compile(pattern).match(text, pos)
        assert m, f"fake server cannot parse filter at {text[pos:]!r}"
        out.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


def parse_filter(text: str):
    """Compile the OData subset the client sends into a row predicate."""
    toks = _tokens(text)
    i = 0

    def peek():
        return toks[i] if i < len(toks) else None

    def take(expected=None):
        nonlocal i
        tok = toks[i]
        assert expected is None or tok == expected, (tok, expected, text)
        i += 1
        return tok

    def literal(tok):
        if tok == "null":
            return None
        if tok.startswith("'"):
            return tok[1:-1].replace("''", "'")
        return float(tok)

    def atom():
        tok = peek()
        if tok == "(":
            take("(")
            f = expr()
            take(")")
            return f
        if tok == "not":
            take()
            f = atom()
            return lambda r: not f(r)
        if tok == "startswith":
            take()
            take("(")
            field = take()
            take(",")
            prefix = literal(take())
            take(")")
            return lambda r: isinstance(r.get(field), str) and r[field].startswith(prefix)
        field, op, value = take(), take(), literal(take())
        assert op in ("eq", "ne"), op
        if op == "eq":
            return lambda r: r.get(field) == value
        return lambda r: r.get(field) != value

    def conj():
        f = atom()
        while peek() == "and":
            take()
            g, h = f, atom()
            f = lambda r, g=g, h=h: g(r) and h(r)  # noqa: E731
        return f

    def expr():
        f = conj()
        while peek() == "or":
            take()
            g, h = f, conj()
            f = lambda r, g=g, h=h: g(r) or h(r)  # noqa: E731
        return f

    pred = expr()
    assert i == len(toks), f"trailing tokens in {text!r}"
    return pred


class FakeResponse:
    def __init__(self, status_code=200, payload=None, text=None, headers=None):
        self.status_code = status_code
        self.text = text if text is not None else json.dumps(payload)
        self.headers = headers or {}

    def json(self):
        return json.loads(self.text)


class FakeODataServer:
    """A requests.Session-like fake serving fixture folders as CBS tables."""

    def __init__(self, tables, *, page_size=4, max_rows=None, next_links=True, fail=()):
        self.tables = {url.lower().rstrip("/"): FIXTURES / folder for url, folder in tables.items()}
        self.page_size = page_size
        self.max_rows = max_rows
        self.next_links = next_links
        self.fail = tuple(fail)  # substrings of URLs that answer HTTP 503
        self.calls: list[tuple[str, dict]] = []

    def collection(self, folder: Path, name: str) -> list[dict]:
        single = folder / f"{name}.json"
        files = [single] if single.is_file() else sorted(folder.glob(f"{name}_page*.json"))
        if not files:
            return []
        return [row for f in files for row in json.loads(f.read_text())["value"]]

    def get(self, url, params=None, timeout=None):
        self.calls.append((url, dict(params or {})))
        if any(s in url for s in self.fail):
            return FakeResponse(503, text="Service Unavailable")
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query.update({k: str(v) for k, v in (params or {}).items()})
        path = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
        table, _, name = path.rpartition("/")
        folder = self.tables.get(table.lower())
        if folder is None:
            return FakeResponse(404, text="table not found")
        rows = self.collection(folder, name)
        if "$filter" in query:
            keep = parse_filter(query["$filter"])
            rows = [r for r in rows if keep(r)]
        skip = int(query.get("$skip", 0))
        top = int(query["$top"]) if "$top" in query else len(rows)
        window = rows[skip : skip + top]
        cap = self.page_size if self.next_links else (self.max_rows or len(window))
        page = window[:cap]
        if "$select" in query:
            cols = query["$select"].split(",")
            page = [{c: r.get(c) for c in cols} for r in page]
        body = {"odata.metadata": f"{table}/$metadata#Cbs.OData.WebAPI.{name}", "value": page}
        if self.next_links and len(page) < len(window):
            nxt = {k: v for k, v in query.items() if k not in ("$skip", "$top")}
            nxt["$skip"] = skip + len(page)
            nxt["$top"] = top - len(page)
            body["odata.nextLink"] = f"{path}?{urlencode(nxt)}"
        return FakeResponse(200, body)


def server(**kwargs) -> FakeODataServer:
    tables = {
        IV3_2023: "iv3_45063NED",
        IV3_2024: "iv3_45067NED",
        KERN: "70072ned",
        f"{OPENDATA_ROOT}/85039NED": "kwb",
        f"{OPENDATA_ROOT}/85618NED": "kwb",
    }
    return FakeODataServer(tables, **kwargs)


def client_for(session, **kwargs) -> CbsClient:
    kwargs.setdefault("sleep", lambda s: None)
    return CbsClient(OPENDATA_ROOT, session=session, **kwargs)


def eur(row, col):
    value = row[col]
    return None if math.isnan(value) else value


# --------------------------------------------------------------------- the client


class ScriptedSession:
    """Answers a fixed sequence of responses (or raises), recording the calls."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict | None]] = []

    def get(self, url, params=None, timeout=None):
        self.calls.append((url, params))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _page(name):
    return json.loads((FIXTURES / "iv3_45063NED" / name).read_text())


def test_paging_follows_nextlink_and_concatenates():
    page1, page2 = _page("TypedDataSet_page1.json"), _page("TypedDataSet_page2.json")
    session = ScriptedSession([FakeResponse(200, page1), FakeResponse(200, page2)])
    rows = client_for(session).rows(IV3_2023, "TypedDataSet")
    assert [r["ID"] for r in rows] == list(range(22))
    assert rows == page1["value"] + page2["value"]
    (url1, params1), (url2, params2) = session.calls
    assert url1 == f"{IV3_2023}/TypedDataSet"
    assert params1 == {"$format": "json", "$top": 10_000}
    assert url2 == page1["odata.nextLink"] and params2 is None


def test_filter_and_select_are_sent_to_the_server():
    fake = server()
    df = client_for(fake).typed_dataset(
        IV3_2023,
        filter="startswith(Gemeenten,'GM0014') and startswith(TaakveldBalanspost,'6.')",
        select=["Gemeenten", "TaakveldBalanspost", "Categorie", "k_2ePlaatsing_2"],
    )
    url, params = fake.calls[0]
    assert url == f"{IV3_2023}/TypedDataSet"
    assert params["$filter"] == (
        "startswith(Gemeenten,'GM0014') and startswith(TaakveldBalanspost,'6.')"
    )
    assert params["$select"] == "Gemeenten,TaakveldBalanspost,Categorie,k_2ePlaatsing_2"
    assert list(df.columns) == ["Gemeenten", "TaakveldBalanspost", "Categorie", "k_2ePlaatsing_2"]
    # padding stripped; the server-side filter left 4 rows of GM0014 on taakveld 6.x
    assert set(df["Gemeenten"]) == {"GM0014"}
    assert sorted(df["Categorie"]) == ["B3.8", "L1.1", "L3.8", "L4.3"]


@pytest.mark.parametrize("next_links", [True, False])
def test_paging_past_the_row_cap_with_nextlink_or_skip(next_links):
    # server pages of 3 rows; without nextLink the server caps at 3 rows like ODataApi
    fake = server(page_size=3, max_rows=3, next_links=next_links)
    client = client_for(fake, page_size=3 if not next_links else 10_000)
    rows = client.rows(IV3_2023, "TypedDataSet")
    assert [r["ID"] for r in rows] == list(range(22))
    assert len(fake.calls) == 8  # ceil(22 / 3)
    if not next_links:
        skips = [p.get("$skip") for _, p in fake.calls]
        assert skips == [None, 3, 6, 9, 12, 15, 18, 21]


def test_retries_then_success_with_exponential_backoff():
    ok = FakeResponse(200, {"value": [{"Key": "x"}]})
    session = ScriptedSession(
        [
            requests.ConnectionError("connection refused"),
            FakeResponse(503, text="busy"),
            FakeResponse(429, text="slow down", headers={"Retry-After": "3"}),
            ok,
        ]
    )
    slept: list[float] = []
    client = CbsClient(OPENDATA_ROOT, session=session, sleep=slept.append, backoff=0.5)
    assert client.rows("70072ned", "Perioden") == [{"Key": "x"}]
    assert slept == [0.5, 1.0, 3.0]  # 0.5 * 2**n, Retry-After wins when longer
    assert len(session.calls) == 4


def test_retries_exhausted_raises_one_line_source_unavailable_with_url():
    session = ScriptedSession([FakeResponse(502, text="Bad\ngateway")] * 3)
    slept: list[float] = []
    client = CbsClient(OPENDATA_ROOT, session=session, retries=2, sleep=slept.append)
    with pytest.raises(SourceUnavailable) as err:
        client.rows(
            "70072ned", "TypedDataSet", filter="startswith(RegioS,'GM') and Perioden eq '2023JJ00'"
        )
    msg = str(err.value)
    assert "\n" not in msg
    assert "CBS table 70072ned" in msg and "3 attempts" in msg and "HTTP 502: Bad gateway" in msg
    # the URL is shown decoded, with the filter readable
    assert "https://opendata.cbs.nl/ODataApi/odata/70072ned/TypedDataSet?" in msg
    assert "$filter=startswith(RegioS,'GM') and Perioden eq '2023JJ00'" in msg
    assert len(session.calls) == 3 and slept == [0.5, 1.0]


def test_unreachable_host_raises_source_unavailable():
    session = ScriptedSession([requests.ConnectionError("Name or service not known")] * 5)
    with pytest.raises(SourceUnavailable, match="45063NED.*ConnectionError"):
        client_for(session).lookup(IV3_2023, "Gemeenten")


def test_client_error_is_not_retried():
    session = ScriptedSession([FakeResponse(404, text="Not found")])
    with pytest.raises(SourceUnavailable, match="HTTP 404"):
        client_for(session).lookup("99999NED", "Gemeenten")
    assert len(session.calls) == 1


def test_malformed_json_and_missing_value_raise_data_error():
    bad = ScriptedSession([FakeResponse(200, text="<html>maintenance</html>")])
    with pytest.raises(DataError, match="not valid JSON"):
        client_for(bad).rows("70072ned", "Perioden")
    novalue = ScriptedSession([FakeResponse(200, {"odata.metadata": "x", "error": "?"})])
    with pytest.raises(DataError, match="no 'value' list"):
        client_for(novalue).rows("70072ned", "Perioden")


def test_lookup_strips_padded_codes():
    titles = client_for(server()).titles(IV3_2023, "Gemeenten")
    assert titles == {"GM0014": "Groningen (gemeente)", "GM0363": "Amsterdam", "NL01": "Nederland"}
    keys = client_for(server()).lookup(IV3_2023, "TaakveldBalanspost")["Key"].tolist()
    assert "6.72d" in keys and "0.10" in keys


def test_resolve_key_by_stem_across_versions():
    client = client_for(server())
    assert client.resolve_key(IV3_2023, "k_2ePlaatsing") == "k_2ePlaatsing_2"
    assert client.resolve_key(IV3_2024, "k_2ePlaatsing") == "k_2ePlaatsing_12"  # not the decoy
    assert client.resolve_key(IV3_2024, "k_1ePlaatsing") == "k_1ePlaatsing_11"
    # the absolute age group, not its percentage twin with the same stem
    assert client.resolve_key(KERN, "k_65Tot80Jaar", unit="aantal") == "k_65Tot80Jaar_15"
    with pytest.raises(DataError, match="several columns match 'k_65Tot80Jaar'"):
        client.resolve_key(KERN, "k_65Tot80Jaar")
    with pytest.raises(DataError, match="no column whose Key starts with 'Bestaatniet'"):
        client.resolve_key(KERN, "Bestaatniet")
    assert client.resolve_key(KERN, "Bestaatniet", required=False) is None
    assert client.unit(KERN, "TotaleBevolking_1") == "aantal"


def test_cache_second_run_makes_zero_http_calls(tmp_path):
    cache = tmp_path / "cache"
    first = server()
    df1 = live.fetch_iv3(client_for(first, cache_dir=cache), 2023)
    assert len(first.calls) > 0
    files = sorted(cache.glob("*.json"))
    assert len(files) == len(first.calls)
    assert all(re.fullmatch(r"[0-9a-f]{64}\.json", f.name) for f in files)

    class NoNetwork:
        calls = 0

        def get(self, *args, **kwargs):
            NoNetwork.calls += 1
            raise AssertionError("no HTTP call expected on a cached run")

    second = client_for(NoNetwork(), cache_dir=cache)
    df2 = live.fetch_iv3(second, 2023)
    assert NoNetwork.calls == 0 and second.http_calls == 0
    pd.testing.assert_frame_equal(df1, df2)


def test_cache_is_keyed_by_full_url(tmp_path):
    client = client_for(server(), cache_dir=tmp_path)
    a = client.rows(KERN, "TypedDataSet", filter="startswith(RegioS,'GM0014')")
    b = client.rows(KERN, "TypedDataSet", filter="startswith(RegioS,'GM0363')")
    assert {r["RegioS"] for r in a} == {"GM0014"} and {r["RegioS"] for r in b} == {"GM0363"}
    assert len(list(tmp_path.glob("*.json"))) == 2


# --------------------------------------------------------------------------- Iv3


def test_fetch_iv3_amounts_sentinels_and_categories():
    fake = server()
    df = live.fetch_iv3(client_for(fake), 2023)
    assert list(df.columns) == live.IV3_COLUMNS
    assert df["jaar"].dtype == "int64" and (df["jaar"] == 2023).all()
    got = {
        (r.gm_code, r.verslagsoort, r.taakveld): (
            eur(r._asdict(), "lasten_eur"),
            eur(r._asdict(), "baten_eur"),
            eur(r._asdict(), "salarissen_eur"),
        )
        for r in df.itertuples(index=False)
    }
    assert got == {
        ("GM0014", "begroting", "0.1"): (70_000.0, 0.0, 70_000.0),
        ("GM0014", "jaarrekening", "0.1"): (0.0, 4_000.0, None),
        ("GM0014", "jaarrekening", "6.1"): (7_000.0, None, 0.0),
        ("GM0014", "jaarrekening", "6.72d"): (80_000.0, 0.0, None),
        ("GM0363", "begroting", "0.1"): (105_000.0, 0.0, 105_000.0),
        ("GM0363", "begroting", "6.72d"): (290_000.0, 0.0, None),
        ("GM0363", "jaarrekening", "0.1"): (160_000.0, 25_000.0, 110_000.0),
        ("GM0363", "jaarrekening", "0.10"): (1_000_000.0, 0.0, None),
        ("GM0363", "jaarrekening", "6.1"): (12_500.0, 0.0, None),
        ("GM0363", "jaarrekening", "6.72d"): (350_000.0, -15_000.0, None),
    }
    # server-side filters: per verslagsoort x hoofdtaakveld, never balance posts
    filters = [p["$filter"] for u, p in fake.calls if u.endswith("/TypedDataSet")]
    assert len(filters) == 2 * 3  # {X000, X005} x {0., 6., 8.}
    assert all("startswith(TaakveldBalanspost,'" in f for f in filters)
    assert not any("'A" in f or "'P" in f for f in filters)
    assert any(
        "startswith(Verslagsoort,'2023X005')" in f and "startswith(TaakveldBalanspost,'6.')" in f
        for f in filters
    )
    selects = {p["$select"] for u, p in fake.calls if u.endswith("/TypedDataSet")}
    assert selects == {
        "Gemeenten,TaakveldBalanspost,Categorie,Verslagsoort,k_2ePlaatsing_2,k_1ePlaatsing_1"
    }


def test_fetch_iv3_renumbered_suffixes_and_foreign_verslagsoort():
    df = live.fetch_iv3(client_for(server()), 2024)
    rows = {r.taakveld: r for r in df.itertuples(index=False)}
    assert set(df["verslagsoort"]) == {"begroting"}  # 2023X005 in the 2024 table ignored
    assert rows["6.751"].lasten_eur == 15_000.0 and rows["6.751"].salarissen_eur == 3_000.0
    assert rows["0.1"].baten_eur == 7_000.0 and rows["0.1"].lasten_eur == 0.0


def test_fetch_iv3_same_result_without_nextlinks():
    a = live.fetch_iv3(client_for(server(page_size=2)), 2023)
    b = live.fetch_iv3(client_for(server(next_links=False, max_rows=2), page_size=2), 2023)
    pd.testing.assert_frame_equal(a, b)


def test_aggregate_iv3_needs_its_columns():
    with pytest.raises(DataError, match="lack columns"):
        live.aggregate_iv3(
            pd.DataFrame({"Gemeenten": []}), 2023, measure="k_2ePlaatsing_2", fallback=None
        )


# -------------------------------------------------------------- kerncijfers, KWB


def test_fetch_kerncijfers_long_format_by_key_stem():
    fake = server()
    df = live.fetch_kerncijfers(client_for(fake), [2023, 2022])
    assert list(df.columns) == live.LONG_COLUMNS
    assert set(df["gm_code"]) == {"GM0014", "GM0363"}  # no NL01/PV20, no empty GM0017
    assert set(df["bron"]) == {"70072ned"} and set(df["eenheid"]) == {"personen"}
    wide = df.pivot_table(index=["gm_code", "jaar"], columns="kenmerk", values="waarde")
    assert wide.loc[("GM0363", 2023), "inwoners"] == 931_298
    assert wide.loc[("GM0363", 2023), "inwoners_65_79"] == 95_000  # not the 10.2 %
    assert wide.loc[("GM0363", 2023), "inwoners_0_4"] == 45_000
    ages = [c for c in wide.columns if c.startswith("inwoners_")]
    assert len(ages) == 9
    pd.testing.assert_series_equal(wide[ages].sum(axis=1), wide["inwoners"], check_names=False)
    filters = [p["$filter"] for u, p in fake.calls if u.endswith("/TypedDataSet")]
    assert filters == [
        "startswith(RegioS,'GM') and startswith(Perioden,'2022JJ00')",
        "startswith(RegioS,'GM') and startswith(Perioden,'2023JJ00')",
    ]


def test_fetch_kwb_long_format_with_bijstand_per_1000():
    df = live.fetch_kwb(client_for(server()), 2021)
    assert list(df.columns) == live.LONG_COLUMNS
    assert set(df["gm_code"]) == {"GM0014", "GM0363"}  # wijk/buurt rows filtered
    assert set(df["bron"]) == {"85039NED"} and set(df["jaar"]) == {2021}
    v = df.set_index(["gm_code", "kenmerk"])["waarde"]
    assert v[("GM0363", "bijstand_per_1000")] == 40.0
    assert v[("GM0014", "bijstand_per_1000")] == 30.0
    assert v[("GM0363", "wmo_clienten")] == 61_600 and v[("GM0363", "wmo_clienten_per_1000")] == 70
    assert v[("GM0363", "gemiddeld_inkomen_per_inwoner")] == pytest.approx(32_100.0)
    assert v[("GM0363", "jeugdzorg_pct")] == 11.5
    assert ("GM0014", "jeugdzorg_pct") not in v.index  # '.' in CBS -> no row
    assert v[("GM0014", "stedelijkheid")] == 2
    expected = {
        "inwoners",
        "huishoudens",
        "eenpersoonshuishoudens",
        "bijstand",
        "bijstand_per_1000",
        "wmo_clienten",
        "wmo_clienten_per_1000",
        "jeugdzorg_pct",
        "lage_inkomens_pct",
        "gemiddeld_inkomen_per_inwoner",
        "stedelijkheid",
        "omgevingsadressendichtheid",
        "oppervlakte_land",
    }
    assert set(df.loc[df["gm_code"] == "GM0363", "kenmerk"]) == expected


# -------------------------------------------------------------------- fetch_live


def test_fetch_live_writes_parquet_and_manifest(tmp_path):
    raw = tmp_path / "raw"
    entries = live.fetch_live(raw, [2023], client=client_for(server()), progress=False)
    names = [e["name"] for e in entries]
    assert names == ["iv3_2023", "kerncijfers_70072ned", "kwb_2023"]
    for e in entries:
        path = raw / e["path"]
        assert e["path"] == f"live/{e['name']}.parquet" and path.is_file()
        assert e["sha256"] == sha256_file(path)
        assert e["rows"] == len(pd.read_parquet(path)) > 0
        assert e["table"] in e["source"] and e["url"] in e["source"]
        assert e["retrieved_at"].endswith("+00:00")
    assert entries[0]["url"] == IV3_2023
    iv3 = pd.read_parquet(raw / "live" / "iv3_2023.parquet")
    assert iv3["lasten_eur"].sum() == pytest.approx(2_074_500.0)
    kwb = pd.read_parquet(raw / "live" / "kwb_2023.parquet")
    assert set(kwb["bron"]) == {"85618NED"}


def test_failed_download_leaves_existing_files_byte_identical(tmp_path):
    raw = tmp_path / "raw"
    live.fetch_live(raw, [2023], client=client_for(server()), progress=False)
    before = {p: p.read_bytes() for p in (raw / "live").iterdir()}
    failing = server(fail=("85618NED",))
    with pytest.raises(SourceUnavailable) as err:
        live.fetch_live(raw, [2023], client=client_for(failing, retries=1), progress=False)
    assert "\n" not in str(err.value) and "85618NED" in str(err.value)
    after = {p: p.read_bytes() for p in (raw / "live").iterdir()}
    assert after == before  # same files, same bytes, no temporary leftovers


def test_fetch_live_default_client_uses_cache_beside_raw(tmp_path, monkeypatch):
    fake = server()
    real_init = CbsClient.__init__

    def init(self, *args, **kwargs):
        kwargs["session"] = fake
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(CbsClient, "__init__", init)
    live.fetch_live(tmp_path / "raw", [2023], progress=False)
    assert list((tmp_path / "cache" / "cbs_odata").glob("*.json"))


def test_unknown_year_and_empty_years():
    from analysekit.errors import ParameterError

    with pytest.raises(ParameterError, match="no CBS Iv3 table known for jaar 2010"):
        live.fetch_iv3(client_for(server()), 2010)
    with pytest.raises(ParameterError):
        live.fetch_live("/nonexistent", [], client=client_for(server()), progress=False)


# ------------------------------------------------------------------------- probe


def test_is_reachable_with_fake_sessions():
    up = ScriptedSession([FakeResponse(200, {"value": []})] * 2)
    assert is_reachable(timeout=1, session=up) is True
    assert all(params == {"$format": "json"} for _, params in up.calls)
    down = ScriptedSession([requests.ConnectionError("no route to host")])
    assert is_reachable(timeout=1, session=down) is False
    broken = ScriptedSession([FakeResponse(200, {"value": []}), FakeResponse(503, text="x")])
    assert is_reachable(session=broken) is False
    assert live.is_reachable is is_reachable


def test_table_id_from_url():
    assert table_id_from_url(f"{IV3_2023}/TypedDataSet?$skip=3") == "45063NED"
    assert table_id_from_url(f"{KERN}/DataProperties") == "70072ned"
