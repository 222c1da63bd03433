"""Reporting: batch runs (worker processes, Dask), resumability, failures, the shared cache."""

from __future__ import annotations

import pickle
import sys

import nbformat
import pytest
import scrapbook as sb
from reaper import cli, run_reaped, warnings_as_errors_env

from analysekit.errors import ParameterError
from analysekit.reporting import batch, cache
from analysekit.reporting.params import GemeenteInfo


@pytest.fixture(scope="module")
def data(built):
    return built


@pytest.fixture()
def flaky_notebook(tmp_path):
    """A small report notebook that fails for Zwolle (GM0193) only."""
    path = tmp_path / "nb" / "wankel.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            'gemeente = "GM0855"\nfactor = 2', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(
            "from analysekit.reporting.params import check\n"
            f"p = check(globals(), notebook={str(path)!r})"
        ),
        nbformat.v4.new_code_cell(
            "import scrapbook as sb\n"
            'if p.gm_code == "GM0193":\n'
            '    raise RuntimeError("kapot voor Zwolle")\n'
            'sb.glue("waarde", int(p.gm_code[2:]) * p.factor)'
        ),
    ]
    nbformat.write(nb, path)
    return path


def test_select_gemeenten_real(data):
    zeeland, none = batch.select_gemeenten(provincie="zeeland")
    assert none == [] and len(zeeland) == 13
    assert {"Middelburg (Z.)", "Vlissingen", "Terneuzen"} <= {g.naam for g in zeeland}
    alle, _ = batch.select_gemeenten(all_=True)
    assert len(alle) == 342 and len({g.gm_code for g in alle}) == 342
    infos, failures = batch.select_gemeenten(gemeenten=["Tilburg", "GM0855", "Nergenshuizen"])
    assert [g.gm_code for g in infos] == ["GM0855"]
    assert failures[0].naam == "Nergenshuizen" and "gemeente 'Nergenshuizen'" in failures[0].message
    with pytest.raises(
        ParameterError, match="onbekende provincie 'Atlantis'; beschikbaar: Drenthe"
    ):
        batch.select_gemeenten(provincie="Atlantis")
    with pytest.raises(
        ParameterError, match="verwacht: precies één van --all, --provincie, --gemeenten"
    ):
        batch.select_gemeenten(all_=True, provincie="Zeeland")


def test_unknown_parameter_fails_before_running(tmp_path, data):
    with pytest.raises(
        ParameterError, match="onbekende parameter 'kleur' voor notebook 00-demo; beschikbaar: "
    ):
        batch.run_batch([GemeenteInfo("GM0855", "Tilburg")], "00-demo", {"kleur": 1}, root=tmp_path)


@pytest.mark.slow
def test_process_batch_failures_resume(tmp_path, data, flaky_notebook, monkeypatch, capfd):
    monkeypatch.setattr(
        batch, "inputs_fingerprint", lambda: "vaste-invoer"
    )  # other edits must not rerun
    infos, failures = batch.select_gemeenten(
        gemeenten=["Tilburg", "Zwolle", "Utrecht", "Nergenshuizen"]
    )
    out = tmp_path / "rapporten"
    summary = batch.run_batch(
        infos, str(flaky_notebook), {"factor": 3}, workers=2, root=out, failures=failures
    )
    status = {r.naam: (r.status, r.message) for r in summary.results}
    assert status["Tilburg"] == ("ok", "") and status["Utrecht (gemeente)"] == ("ok", "")
    assert status["Zwolle"] == ("failed", "RuntimeError: kapot voor Zwolle")
    assert status["Nergenshuizen"][0] == "failed"
    assert "Rapporten" in capfd.readouterr().err  # the progress bar
    book = sb.read_notebook(str(out / "GM0855-tilburg" / "wankel.ipynb"))
    assert book.scraps["waarde"].data == 855 * 3
    assert (out / "GM0193-zwolle" / "wankel.failed.ipynb").is_file()
    assert not (out / "GM0193-zwolle" / "wankel.html").exists()
    table = batch.format_failures(summary.results)
    assert "GM0193   Zwolle" in table and "kapot voor Zwolle" in table

    # resumable: the two good reports are skipped, the failed one is tried again
    again = batch.run_batch(infos, str(flaky_notebook), {"factor": 3}, executor="serial", root=out)
    assert {r.gm_code: r.status for r in again.results} == {
        "GM0855": "skipped",
        "GM0344": "skipped",
        "GM0193": "failed",
    }
    # a changed parameter reruns everything
    changed = batch.run_batch(
        infos[:1], str(flaky_notebook), {"factor": 4}, executor="serial", root=out
    )
    assert [r.status for r in changed.results] == ["ok"]


def test_batch_resume_follows_jaar_and_verslagsoort(tmp_path, data):
    """A begroting batch is not up to date because of jaarrekening reports, nor overwrites them."""
    utrecht = [GemeenteInfo("GM0344", "Utrecht (gemeente)", "Utrecht")]
    first = batch.run_batch(utrecht, "00-demo", executor="serial", root=tmp_path, progress=False)
    begroting = {"jaar": 2024, "verslagsoort": "begroting"}
    other = batch.run_batch(
        utrecht, "00-demo", begroting, executor="serial", root=tmp_path, progress=False
    )
    again = batch.run_batch(
        utrecht, "00-demo", begroting, executor="serial", root=tmp_path, progress=False
    )
    default_again = batch.run_batch(
        utrecht, "00-demo", executor="serial", root=tmp_path, progress=False
    )
    assert [r.status for r in (*first.results, *other.results)] == ["ok", "ok"]
    assert [r.status for r in (*again.results, *default_again.results)] == ["skipped", "skipped"]
    assert again.results[0].html == tmp_path / "GM0344-utrecht/2024-begroting/00-demo.html"
    assert sorted(p.name for p in (tmp_path / "GM0344-utrecht").iterdir()) == [
        "2023-jaarrekening",
        "2024-begroting",
    ]


def test_cli_batch_refuses_an_unknown_gemeente_before_running(tmp_path, data, capsys):
    """A typo in --gemeenten is a user error: one line, exit 2, no report runs (issue 10)."""
    from analysekit.cli import main

    code = main(
        [
            "batch",
            "--gemeenten",
            "Utrecht,Nergenshuizen",
            "-n",
            "00-demo",
            "--executor",
            "serial",
            "--reports",
            str(tmp_path),
            "--no-progress",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "--gemeenten" in captured.err and "Nergenshuizen" in captured.err
    assert not any(tmp_path.iterdir())  # refused before any report ran


@pytest.mark.slow
def test_dask_executor_local_cluster(tmp_path, data):
    from distributed import Client, LocalCluster

    infos = [
        GemeenteInfo("GM0855", "Tilburg", "Noord-Brabant"),
        GemeenteInfo("GM0344", "Utrecht (gemeente)"),
    ]
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        summary = batch.run_batch(
            infos,
            "00-demo",
            {"titel": "Dask"},
            executor="dask",
            scheduler=client,
            root=tmp_path,
            progress=False,
        )
    assert [(r.gm_code, r.status) for r in summary.results] == [("GM0344", "ok"), ("GM0855", "ok")]
    for folder in ("GM0855-tilburg", "GM0344-utrecht"):
        book = sb.read_notebook(str(tmp_path / folder / "2023-jaarrekening" / "00-demo.ipynb"))
        assert book.scraps["gm_code"].data == folder[:6]
        assert (tmp_path / folder / "2023-jaarrekening" / "00-demo.html").is_file()


def test_dask_needs_a_scheduler(tmp_path, data):
    with pytest.raises(ParameterError, match="--executor dask zonder --scheduler"):
        batch.run_batch(
            [GemeenteInfo("GM0855", "Tilburg")],
            "00-demo",
            executor="dask",
            root=tmp_path,
            force=True,
        )


def test_shared_computes_once_per_data_and_code_version(tmp_path, monkeypatch):
    """One cache for single reports and batches: memory, then disk, keyed by data + code."""
    calls = []

    def compute():
        calls.append(1)
        return {"matrix": [1, 2, 3]}

    monkeypatch.setattr(cache, "_MEMO", {})
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(cache.KEY_ENV, "sleutel1")  # pinned, as a batch does for its workers
    assert cache.shared("peers", compute) == {"matrix": [1, 2, 3]}
    assert cache.shared("peers", compute) == {"matrix": [1, 2, 3]}
    assert len(calls) == 1  # in memory
    files = list((tmp_path / "cache" / "sleutel1").glob("peers-*.pkl"))
    assert len(files) == 1 and pickle.loads(files[0].read_bytes()) == {"matrix": [1, 2, 3]}

    monkeypatch.setattr(cache, "_MEMO", {})  # another process: loads, does not compute
    assert cache.shared("peers", compute) == {"matrix": [1, 2, 3]}
    assert len(calls) == 1

    # new data or code: a new key, computed again; stale folders beyond the newest
    # cache.KEEP_OTHERS are removed
    for i, key in enumerate(["sleutel2", "sleutel3", "sleutel4"], start=2):
        monkeypatch.setenv(cache.KEY_ENV, key)
        assert cache.shared("peers", compute) == {"matrix": [1, 2, 3]}
        assert len(calls) == i
    left = {p.name for p in (tmp_path / "cache").iterdir()}
    assert "sleutel4" in left and "sleutel1" not in left and len(left) == 1 + cache.KEEP_OTHERS


def test_cache_key_follows_the_data(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.KEY_ENV, raising=False)
    before = cache.cache_key()
    folder = tmp_path / "processed"
    folder.mkdir()
    (folder / "x.parquet").write_bytes(b"1")
    a = cache.data_fingerprint(folder)
    (folder / "x.parquet").write_bytes(b"22")
    assert cache.data_fingerprint(folder) != a
    assert cache.cache_key() == before and len(before) == 16


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="child subreaper: Linux")
def test_a_finished_batch_leaves_no_process_behind(data, tmp_path):
    """Issue 16 §5: workers joined, no resource tracker left to become a defunct process."""
    out = run_reaped(cli("batch", "--gemeenten", "Vlieland,Schiermonnikoog", "--force",
                         "--no-progress", "--workers", "2", "--reports", str(tmp_path)),
                     warnings_as_errors_env())
    assert out["returncode"] == 0, out["stderr"]
    assert out["stdout"].startswith("2 gemaakt, 0 ongewijzigd, 0 mislukt")
    assert out["stderr"] == ""
    assert out["left"] == [], out["left"]
    assert len(list(tmp_path.glob("GM*/*/foto-sociaal-domein.html"))) == 2
