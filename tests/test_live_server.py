"""The live CBS path against a local CBS OData v3 server built from real data (no network).

The server (tests/cbs_server.py) runs in a thread on 127.0.0.1 with an ephemeral port and
serves the mirror's real 2023 Iv3 figures reshaped as a real cube, the real 45012NED and
KWB 2020 captures and the real 70072ned extract, behaving as CBS does (API capped at 10,000
rows with HTTP 500, feed paged by odata.nextLink).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from cbs_server import CbsServer, Fault, default_tables, iv3_2023_table

from analysekit.data import fetch as fetch_mod
from analysekit.data import live
from analysekit.data.build import build_iv3
from analysekit.data.cbs_odata import CbsClient, api_url, feed_url
from analysekit.data.fetch import read_manifest
from analysekit.errors import SourceUnavailable

SMALL = ["GM0014", "GM0363", "GM0855", "GM1961", "GM1992"]  # incl. the two non-submitters


@pytest.fixture(scope="module")
def full_server():
    """All 342 gemeenten of the mirror's 2023 Iv3 as a real cube (769,500 rows)."""
    srv = CbsServer(default_tables())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def small_server(monkeypatch):
    """A 5-gemeente cube, pages of 500 rows (so there are several pages), roots in the env."""
    srv = CbsServer(default_tables(gemeenten=SMALL), page_size=500)
    srv.start()
    monkeypatch.setenv("ANALYSEKIT_CBS_OPENDATA", srv.opendata)
    monkeypatch.setenv("ANALYSEKIT_CBS_DATADERDEN", srv.dataderden)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch):
    """Default clients made inside fetch() retry without waiting (tests only)."""
    import functools

    monkeypatch.setattr(live, "CbsClient", functools.partial(CbsClient, sleep=lambda s: None))


def fast_client(**kw) -> CbsClient:
    kw.setdefault("retries", 2)
    kw.setdefault("timeout", 5)
    return CbsClient(sleep=lambda s: None, **kw)


def submitted(df: pd.DataFrame) -> pd.DataFrame:
    """Drop gemeente x verslagsoort groups whose amounts are all 0 (no submission)."""
    nz = (df["lasten_eur"].fillna(0) != 0) | (df["baten_eur"].fillna(0) != 0)
    keep = nz.groupby([df["gm_code"], df["verslagsoort"]]).transform("any")
    return df[keep].sort_values(["verslagsoort", "gm_code", "taakveld"]).reset_index(drop=True)


# ----------------------------------------------------------- live == mirror for 2023


@pytest.fixture(scope="module")
def live_2023(full_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("live2023")
    client = fast_client()
    frame = live.fetch_iv3(
        client, 2023, root=full_server.dataderden, work_dir=root / "work", progress=False
    )
    return frame, full_server, client


def test_live_fetch_equals_the_mirror_for_2023(live_2023):
    from analysekit.data.mirror.iv3 import build_iv3_raw

    frame, srv, _ = live_2023
    assert tuple(frame.columns) == live.IV3_COLUMNS
    mirror = build_iv3_raw()
    mirror = mirror[mirror["jaar"] == 2023]
    pd.testing.assert_frame_equal(submitted(frame), submitted(mirror), check_exact=True)
    tilburg = frame.set_index(["gm_code", "verslagsoort", "taakveld"]).loc[
        ("GM0855", "jaarrekening", "6.72d")
    ]
    assert tilburg["lasten_eur"] == 43_122_000
    for soort in ("begroting", "jaarrekening"):
        a, b = frame[frame.verslagsoort == soort], mirror[mirror.verslagsoort == soort]
        for col in ("lasten_eur", "baten_eur", "salarissen_eur"):
            assert a[col].sum() == b[col].sum()
    # non-submitters (all cells null in the cube) have no rows: missing is not zero
    assert not ((frame.gm_code == "GM1961") & (frame.verslagsoort == "jaarrekening")).any()
    assert not ((frame.gm_code == "GM1992") & (frame.verslagsoort == "begroting")).any()
    # bulk data only from the feed, paged by nextLink; never $skip, never TypedDataSet on the API
    typed = [p for p in srv.log if "TypedDataSet" in p and "45063NED" in p]
    assert typed and all("/ODataFeed/" in p and "$skip=" not in p for p in typed)
    assert len(typed) == 77  # 769,500 rows in pages of 10,000


def test_live_build_equals_the_mirror_build(live_2023, mirror, tmp_path):
    frame, _, _ = live_2023
    (tmp_path / "live").mkdir()
    frame.to_parquet(tmp_path / "live" / "iv3_2023.parquet", index=False)
    from analysekit.data.mirror.gemeenten import build_gemeenten

    gem = build_gemeenten(mirror)
    iv3_live, levering_live = build_iv3(mirror, tmp_path, gem)
    iv3_mirror, levering_mirror = build_iv3(mirror, tmp_path / "none", gem)
    pd.testing.assert_frame_equal(iv3_live, iv3_mirror)
    # same levering; only the reason differs for a non-submitter: the cube has null cells
    # ('gemeente ontbreekt in de bron'), the mirror has rows of zeros
    pd.testing.assert_frame_equal(
        levering_live.drop(columns="reden"), levering_mirror.drop(columns="reden")
    )
    # the two non-submitters are listed as 'geen gegevens' on both paths
    lev = levering_live.set_index(["gm_code", "jaar", "verslagsoort"])["geleverd"]
    assert not lev[("GM1961", 2023, "jaarrekening")] and not lev[("GM1992", 2023, "begroting")]
    a = iv3_live
    row = a[(a.gm_code == "GM0855") & (a.verslagsoort == "jaarrekening") & (a.taakveld == "6.72d")]
    assert row["lasten_eur"].item() == 43_122_000 and row["domein"].item() == "Jeugd"


def test_the_api_refuses_more_than_10000_rows(live_2023):
    _, srv, client = live_2023
    with pytest.raises(SourceUnavailable, match=r"45063NED.*HTTP 500.*10000"):
        client.rows(f"{api_url(srv.dataderden, '45063NED')}/TypedDataSet")


# ------------------------------------------------------------------ catalogue, layout


def test_catalogue_discovery_and_fallback(small_server):
    client = fast_client()
    found = live.discover_iv3_tables(client, small_server.dataderden, known={2022: "45059NED"})
    assert found == {2022: "45059NED", 2023: "45063NED"}  # 45012NED (provincies) not taken
    small_server.faults.append(Fault("ODataCatalog", "503"))
    assert live.discover_iv3_tables(client, small_server.dataderden) == live.KNOWN_IV3_TABLES


def test_layout_of_the_real_2013_capture_with_older_names(small_server):
    layout = live.iv3_layout(fast_client(), api_url(small_server.dataderden, "45012NED"))
    assert layout.taakveld == "FunctieKostenplaatsBalanspost"
    assert layout.region == "Provincies"  # a GeoDimension
    assert (layout.measure, layout.fallback) == ("k_2dePlaatsing_2", "k_1stePlaatsing_1")
    assert layout.unit == "1 000 euro" and layout.factor == 1000.0


# -------------------------------------------------------------------------- resume


def test_interrupted_download_resumes_at_the_last_complete_page(small_server, tmp_path):
    client = fast_client(retries=0)
    work = tmp_path / "work"
    small_server.faults.append(Fault("TypedDataSet", "503", after=6, times=1))
    with pytest.raises(SourceUnavailable, match="45063NED.*HTTP 503"):
        live.fetch_iv3(client, 2023, work_dir=work, progress=False)
    assert len(list(work.glob("*.json"))) == 6
    small_server.log.clear()
    frame = live.fetch_iv3(client, 2023, work_dir=work, progress=False)
    pages = [p for p in small_server.log if "TypedDataSet" in p]
    n_pages = -(-iv3_2023_table(gemeenten=SMALL).n_rows // 500)
    assert len(pages) == n_pages - 6  # pages 1-6 came from the page cache
    fresh = live.fetch_iv3(client, 2023, work_dir=tmp_path / "fresh", progress=False)
    pd.testing.assert_frame_equal(frame, fresh)
    assert (
        frame.loc[
            (frame.gm_code == "GM0855")
            & (frame.verslagsoort == "jaarrekening")
            & (frame.taakveld == "6.72d"),
            "lasten_eur",
        ].item()
        == 43_122_000
    )


# ------------------------------------------------------- isolation and bad input


def run_live(raw, jaren=(2020, 2023), **kw):
    return live.fetch_live(raw, list(jaren), client=fast_client(**kw), progress=False)


def test_one_failing_source_leaves_the_others(small_server, tmp_path):
    raw = tmp_path / "raw"
    small_server.faults.append(Fault("/84799NED/TypedDataSet", "malformed"))
    result = run_live(raw)
    assert {e["name"] for e in result} == {
        "live/iv3_2023.parquet",
        "live/kerncijfers_70072ned.parquet",
    }
    failed = {f["name"]: f for f in result.failures}
    # iv3_2020 and kwb_2023 are not on the server (404), kwb_2020 got a malformed page
    assert set(failed) == {"iv3_2020", "kwb_2020", "kwb_2023"}
    assert "45050NED" in failed["iv3_2020"]["cause"] and "HTTP 404" in failed["iv3_2020"]["cause"]
    assert (
        "84799NED" in failed["kwb_2020"]["cause"]
        and "geen geldige JSON" in failed["kwb_2020"]["cause"]
    )
    assert all("\n" not in f["cause"] and "http://127.0.0.1" in f["cause"] for f in failed.values())
    assert (raw / "live" / "iv3_2023.parquet").is_file()
    assert not (raw / "live" / "kwb_2020.parquet").exists()


BAD = {
    "404 table": (Fault("/84799NED/", "404"), "HTTP 404"),
    "malformed page": (Fault("/84799NED/TypedDataSet", "malformed"), "geen geldige JSON"),
    "stall": (Fault("/84799NED/TypedDataSet", "stall", seconds=1.5), "Timeout"),
    "429": (Fault("/84799NED/TypedDataSet", "429"), "HTTP 429"),
    "503": (Fault("/84799NED/TypedDataSet", "503"), "HTTP 503"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_fails_one_source_and_replaces_nothing(small_server, tmp_path, case):
    raw = tmp_path / "raw"
    kwb = live.plan_sources(fast_client(), [2020], progress=False, iv3_tables={})
    kwb = [s for s in kwb if s.name == "kwb_2020"]
    good = live.fetch_live(raw, [2020], client=fast_client(), progress=False, sources=kwb)
    assert [e["name"] for e in good] == ["live/kwb_2020.parquet"]
    before = {p: p.read_bytes() for p in (raw / "live").iterdir()}
    fault, expected = BAD[case]
    small_server.faults.append(fault)
    result = live.fetch_live(
        raw, [2020], client=fast_client(timeout=0.3), progress=False, sources=kwb, refresh=True
    )
    assert list(result) == [] and len(result.failures) == 1
    cause = result.failures[0]["cause"]
    assert "84799NED" in cause and "http://127.0.0.1" in cause and expected in cause
    assert "\n" not in cause
    assert {p: p.read_bytes() for p in (raw / "live").iterdir()} == before
    if case in ("429", "503", "stall"):
        assert fault.applied == 3  # first attempt + 2 retries


def test_missing_measure_in_dataproperties(small_server, tmp_path):
    table = small_server.tables[("dataderden", "45063ned")]
    table.properties = [p for p in table.properties if "Plaatsing" not in p["Key"]]
    result = run_live(tmp_path / "raw", jaren=[2023])
    cause = next(f["cause"] for f in result.failures if f["name"] == "iv3_2023")
    assert "45063NED" in cause and "DataProperties heeft geen plaatsingsonderwerp" in cause


def test_unmodified_table_is_not_downloaded_again(small_server, tmp_path):
    raw = tmp_path / "raw"
    plan = live.plan_sources(fast_client(), [2020], progress=False, iv3_tables={})
    src = [s for s in plan if s.name == "kwb_2020"]
    first = live.fetch_live(raw, [2020], client=fast_client(), progress=False, sources=src)
    (raw / "manifest.json").write_text(json.dumps({"files": list(first)}))
    small_server.log.clear()
    second = live.fetch_live(raw, [2020], client=fast_client(), progress=False, sources=src)
    assert second.sources == {"kwb_2020": "up to date"} and list(second) == list(first)
    assert not [p for p in small_server.log if "TypedDataSet" in p]


# ------------------------------------------------------------- fetch: auto and live


def test_auto_falls_back_per_source_and_manifest_says_how(small_server, mirror, tmp_path):
    import shutil

    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    small_server.faults.append(Fault("/84799NED/TypedDataSet", "503"))
    said: list[str] = []
    summary = fetch_mod.fetch(
        "auto",
        mirror=sub,
        root=tmp_path / "raw",
        jaren=[2020, 2023],
        echo=said.append,
        progress=False,
    )
    assert set(summary["failed"]) == {"iv3_2020", "kwb_2020", "kwb_2023"}
    assert any("kwb_2020" in s and "offline mirror" in s and "84799NED" in s for s in said)
    doc = json.loads((tmp_path / "raw" / "manifest.json").read_text())
    files = {f["name"]: f for f in doc["files"]}
    assert files["live/iv3_2023.parquet"]["via"] == "live"
    assert files["mirror/rubensan19-kaarten/KoppelCodes.csv"]["via"] == "mirror"
    assert doc["sources"]["iv3_2023"]["via"] == "live"
    assert doc["sources"]["kwb_2020"] == {
        "status": "failed",
        "via": "mirror",
        "cause": doc["sources"]["kwb_2020"]["cause"],
        "url": f"{feed_url(small_server.opendata, '84799NED')}/TypedDataSet",
    }
    assert "live/iv3_2023.parquet" in read_manifest(tmp_path / "raw")


def test_cli_live_lists_failures_keeps_successes_exits_nonzero(small_server, mirror, tmp_path):
    import shutil

    sub = tmp_path / "mirror"
    shutil.copytree(mirror / "rubensan19-kaarten", sub / "rubensan19-kaarten")
    env = {
        **os.environ,
        "ANALYSEKIT_MIRROR": str(sub),
        "ANALYSEKIT_DATA": str(tmp_path / "data"),
        "ANALYSEKIT_CBS_OPENDATA": small_server.opendata,
        "ANALYSEKIT_CBS_DATADERDEN": small_server.dataderden,
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysekit.cli",
            "data",
            "fetch",
            "--mode",
            "live",
            "--jaar",
            "2023",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout + proc.stderr
    assert "kwb_2023 mislukt" in out and "85618NED" in out and "HTTP 404" in out
    assert "1 CBS-bron(nen) mislukt (kwb_2023)" in proc.stderr
    assert (tmp_path / "data" / "raw" / "live" / "iv3_2023.parquet").is_file()
    assert (tmp_path / "data" / "raw" / "live" / "kerncijfers_70072ned.parquet").is_file()
