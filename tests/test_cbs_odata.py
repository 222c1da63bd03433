"""Unit tests of the CBS OData client and the Iv3 reduction (no network, no server).

Scripted responses (synthetic, labelled) test retries, backoff and one-line errors; the Iv3
page filter is tested on rows of the real 45012NED capture; the aggregation on a small
synthetic frame with exact answers. The client against a real-shaped server is in
tests/test_live_server.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import requests

from analysekit.data import live
from analysekit.data.cbs_odata import (
    CbsClient,
    api_url,
    catalog_url,
    dataderden_root,
    feed_url,
    is_reachable,
    opendata_root,
    table_id_from_url,
    unit_factor,
)
from analysekit.errors import DataError, SourceUnavailable

FEED = "https://dataderden.cbs.nl/ODataFeed/odata/45063NED/TypedDataSet"


class FakeResponse:
    def __init__(self, status_code=200, payload=None, text=None, headers=None):
        self.status_code = status_code
        self.text = text if text is not None else json.dumps(payload)
        self.headers = headers or {}

    def json(self):
        return json.loads(self.text)


class ScriptedSession:
    """Synthetic: answers a fixed sequence of responses (or raises), recording the calls."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict | None]] = []

    def get(self, url, params=None, timeout=None):
        self.calls.append((url, params))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client_for(session, **kw):
    kw.setdefault("sleep", lambda s: None)
    return CbsClient(session, **kw)


def test_roots_from_the_environment(monkeypatch):
    monkeypatch.delenv("ANALYSEKIT_CBS_OPENDATA", raising=False)
    monkeypatch.delenv("ANALYSEKIT_CBS_DATADERDEN", raising=False)
    assert opendata_root() == "https://opendata.cbs.nl"
    assert dataderden_root() == "https://dataderden.cbs.nl"
    monkeypatch.setenv("ANALYSEKIT_CBS_DATADERDEN", "http://proxy.example/cbs/")
    assert feed_url(dataderden_root(), "45063NED") == (
        "http://proxy.example/cbs/ODataFeed/odata/45063NED"
    )
    assert api_url("http://x", "70072ned") == "http://x/ODataApi/odata/70072ned"
    assert catalog_url("http://x") == "http://x/ODataCatalog/Tables"


def test_paging_follows_nextlink_only():
    page1 = {"value": [{"ID": 0}, {"ID": 1}], "odata.nextLink": f"{FEED}?$skiptoken=2"}
    page2 = {"value": [{"ID": 2}]}
    session = ScriptedSession([FakeResponse(200, page1), FakeResponse(200, page2)])
    assert client_for(session).rows(FEED) == [{"ID": 0}, {"ID": 1}, {"ID": 2}]
    urls = [u for u, _ in session.calls]
    assert urls == [f"{FEED}?%24format=json", f"{FEED}?$skiptoken=2"]
    assert not any("skip=" in u for u in urls)


def test_paging_loop_is_an_error():
    loop = {"value": [{"ID": 0}], "odata.nextLink": f"{FEED}?%24format=json"}
    with pytest.raises(DataError, match="paginering keert terug"):
        client_for(ScriptedSession([FakeResponse(200, loop)] * 2)).rows(FEED)


def test_retries_with_backoff_then_success():
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
    client = CbsClient(session, sleep=slept.append, backoff=0.5)
    assert client.rows(f"{api_url('https://x', '70072ned')}/Perioden") == [{"Key": "x"}]
    assert slept == [0.5, 1.0, 3.0]  # 0.5 * 2**n; Retry-After wins when longer


def test_retries_exhausted_is_one_line_naming_table_and_url():
    session = ScriptedSession([FakeResponse(503, text="Service\nUnavailable")] * 3)
    with pytest.raises(SourceUnavailable) as err:
        client_for(session, retries=2).rows(FEED)
    msg = str(err.value)
    assert "\n" not in msg and "45063NED" in msg and FEED in msg
    assert "3 pogingen" in msg and "HTTP 503: Service Unavailable" in msg


@pytest.mark.parametrize("status", [404, 500])
def test_other_http_errors_are_not_retried(status):
    session = ScriptedSession([FakeResponse(status, text="nope")])
    with pytest.raises(SourceUnavailable, match=f"HTTP {status}"):
        client_for(session).rows(FEED)
    assert len(session.calls) == 1


def test_malformed_json_and_missing_value():
    with pytest.raises(DataError, match="45063NED.*geen geldige JSON"):
        client_for(ScriptedSession([FakeResponse(200, text='{"value": [')])).rows(FEED)
    with pytest.raises(DataError, match="geen lijst 'value'"):
        client_for(ScriptedSession([FakeResponse(200, {"error": "?"})])).rows(FEED)


def test_timeout_is_retried_then_unavailable():
    session = ScriptedSession([requests.ReadTimeout("read timed out")] * 2)
    with pytest.raises(SourceUnavailable, match="ReadTimeout"):
        client_for(session, retries=1).rows(FEED)


def test_resolve_key_and_units():
    props = {
        "value": [
            {"Key": "RegioS", "Type": "GeoDimension", "Unit": None},
            {"Key": "k_65Tot80Jaar_15", "Type": "Topic", "Unit": "aantal"},
            {"Key": "k_65Tot80Jaar_20", "Type": "Topic", "Unit": "%"},
            {"Key": "GemiddeldInkomenPerInwoner_72", "Type": "Topic", "Unit": "x 1 000 euro"},
        ]
    }
    client = client_for(ScriptedSession([FakeResponse(200, props)]))
    api = api_url("https://x", "85039NED")
    assert client.resolve_key(api, "k_65Tot80Jaar", unit="aantal") == "k_65Tot80Jaar_15"
    with pytest.raises(DataError, match="meerdere kolommen passen"):
        client.resolve_key(api, "k_65Tot80Jaar")
    with pytest.raises(DataError, match="85039NED.*DataProperties heeft geen kolom 'Niets_NN'"):
        client.resolve_key(api, "Niets")
    assert client.unit(api, "GemiddeldInkomenPerInwoner_72") == "x 1 000 euro"
    assert unit_factor("x 1 000 euro") == 1000.0 and unit_factor("1 000 euro") == 1000.0
    assert unit_factor("aantal") == 1.0


def test_is_reachable_never_raises():
    up = ScriptedSession([FakeResponse(200, {"value": []})] * 2)
    assert is_reachable(timeout=1, session=up, urls=["http://a", "http://b"]) is True
    down = ScriptedSession([requests.ConnectionError("no route")])
    assert is_reachable(timeout=1, session=down, urls=["http://a"]) is False
    assert live.is_reachable is is_reachable


def test_table_id_from_url():
    assert table_id_from_url(f"{FEED}?$skiptoken=3") == "45063NED"


# ------------------------------------------------------------- Iv3 reduction


def test_page_filter_on_real_capture_rows(mirror):
    """Rows of the real 45012NED cube: balance posts and Primo/Ultimo never pass."""
    typed = pd.read_parquet(
        mirror / "dataverbinders-statline-bq/45012NED/iv3.v3.45012NED_TypedDataSet.parquet"
    )
    rows = typed.head(20_000).astype(object).where(typed.head(20_000).notna(), None)
    rows = rows.to_dict("records")
    # pretend the provinces are gemeenten so that only the other rules decide
    for r in rows:
        r["Provincies"] = "GM" + r["Provincies"].strip()[2:].rjust(4, "0") + "    "
    layout = live.Iv3Layout(
        "Provincies",
        "FunctieKostenplaatsBalanspost",
        "Categorie",
        "Verslagsoort",
        "k_2dePlaatsing_2",
        "k_1stePlaatsing_1",
        1000.0,
        "1 000 euro",
    )
    kept = live.iv3_page_frame(rows, layout, 2013)
    assert len(kept) > 0
    assert set(kept["verslagsoort"]) <= {"begroting", "jaarrekening"}
    assert kept["categorie"].str[:1].isin(["L", "B"]).all()
    assert kept["taakveld"].str.match(r"\d").all() and (kept["bedrag"] != 0).all()
    tail = typed[typed["FunctieKostenplaatsBalanspost"].str.startswith(("A", "P"))].head(5000)
    tail_rows = tail.astype(object).where(tail.notna(), None).to_dict("records")
    assert live.iv3_page_frame(tail_rows, layout, 2013).empty  # balance posts never count
    with pytest.raises(DataError, match="mist kolom"):
        live.iv3_page_frame([{"Provincies": "PV20"}], layout, 2013)


def test_aggregate_iv3_exact_on_synthetic_cells():
    """Synthetic cells (values made up): aggregates, sentinels, grid, salarissen."""
    cells = pd.DataFrame(
        [
            ("GM0001", "6.1", "L1.1", "jaarrekening", 10.0),
            ("GM0001", "6.1", "L4.3", "jaarrekening", 99.0),  # aggregate beside its child
            ("GM0001", "6.1", "L4.3.1", "jaarrekening", 5.0),
            ("GM0001", "6.1", "B3.8", "jaarrekening", -99998.0),  # geen opgave
            ("GM0001", "6.2", "L4.3", "jaarrekening", 7.0),  # aggregate alone: counts
            ("GM0002", "6.1", "B3.8", "begroting", 2.5),
        ],
        columns=["gm_code", "taakveld", "categorie", "verslagsoort", "bedrag"],
    )
    out = live.aggregate_iv3(cells, 2023, taakvelden=["6.1", "6.2", "6.3"])
    assert tuple(out.columns) == live.IV3_COLUMNS
    got = {
        (r.gm_code, r.verslagsoort, r.taakveld): (r.lasten_eur, r.baten_eur, r.salarissen_eur)
        for r in out.itertuples()
    }
    nan = got[("GM0001", "jaarrekening", "6.1")][1]
    assert nan != nan  # baten only 'geen opgave' -> NaN, not 0
    assert got[("GM0001", "jaarrekening", "6.1")][0] == 15_000.0
    assert got[("GM0001", "jaarrekening", "6.1")][2] == 10_000.0
    assert got[("GM0001", "jaarrekening", "6.2")][:2] == (7_000.0, 0.0)
    assert got[("GM0001", "jaarrekening", "6.3")][:2] == (0.0, 0.0)  # grid row
    assert got[("GM0002", "begroting", "6.1")][:2] == (0.0, 2_500.0)
    assert len(out) == 6  # 2 gemeente x verslagsoort groups x 3 taakvelden


def test_iv3_layout_needs_a_placement_measure():
    props = {
        "value": [
            {"Key": "TaakveldBalanspost", "Type": "Dimension"},
            {"Key": "Categorie", "Type": "Dimension"},
            {"Key": "Gemeenten", "Type": "GeoDimension"},
            {"Key": "Verslagsoort", "Type": "Dimension"},
            {"Key": "Bedrag_1", "Type": "Topic", "Unit": "1 000 euro"},
        ]
    }
    client = client_for(ScriptedSession([FakeResponse(200, props)]))
    with pytest.raises(DataError, match="45063NED/DataProperties heeft geen plaatsingsonderwerp"):
        live.iv3_layout(client, api_url("https://dataderden.cbs.nl", "45063NED"))
