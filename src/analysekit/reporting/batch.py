"""Run one report per gemeente for many gemeenten: warm workers, resumable, Dask optional.

* Reports run in parallel in worker processes that are warmed once (imports, the
  in-process notebook shell, the HTML exporter), so no kernel starts per report.
* Computations that every report needs (all gemeenten's figures for a comparison, a
  peer matrix, a regression) go through :func:`analysekit.reporting.cache.shared`: the
  same on-disk cache a single report uses, with its key pinned for the whole batch, so
  each value is computed once and loaded by the other workers (and by later runs).
* One failing gemeente does not stop the others; failures come back with a one-line cause.
* Up-to-date reports (same input hash, see :mod:`analysekit.reporting.runner`) are skipped.
  Reports live per jaar and verslagsoort (``reports/<GM-code>-<naam>/<jaar>-<verslagsoort>/``),
  so a begroting batch neither skips because of nor overwrites the jaarrekening reports.
* ``executor="dask"`` runs the same tasks on a Dask cluster (``scheduler`` address); the
  reports folder must then be on storage that the workers share.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysekit.errors import AnalysekitError, ParameterError
from analysekit.reporting import cache
from analysekit.reporting.params import GemeenteInfo, check_known, resolve_gemeente
from analysekit.reporting.runner import (
    DEFAULT_NOTEBOOK,
    ReportResult,
    inputs_fingerprint,
    plan_report,
    reports_dir,
    run_report,
)
from analysekit.settings import DEFAULT_GEMEENTE


class BatchFailed(AnalysekitError):
    """Some reports of a batch failed (they are listed before this error)."""

    exit_code = 1


# --------------------------------------------------------------------------- selection


def _gemeenten_table(jaar: int | None = None) -> Any:
    """The gemeenten of one indeling year (default: the newest in the data)."""
    from analysekit.data.load import indeling

    return indeling("gemeenten", jaar)


def select_gemeenten(
    *,
    all_: bool = False,
    provincie: str | None = None,
    gemeenten: Iterable[str] | None = None,
    jaar: int | None = None,
) -> tuple[list[GemeenteInfo], list[ReportResult]]:
    """Choose the gemeenten of a batch.

    Args:
        all_: Every gemeente of the indeling year.
        provincie: Every gemeente of this provincie (case-insensitive).
        gemeenten: Names or GM codes.
        jaar: Indeling year for ``all_`` / ``provincie`` (default: the newest).

    Returns:
        The resolved gemeenten, and failed results for names that could not be resolved.

    Raises:
        ParameterError: Not exactly one way of choosing, or an unknown provincie.
    """
    chosen = [bool(all_), provincie is not None, gemeenten is not None]
    if sum(chosen) != 1:
        raise ParameterError(
            "de gemeenten zijn niet op één manier gekozen; "
            "verwacht: precies één van --all, --provincie, --gemeenten"
        )
    if gemeenten is not None:
        infos: list[GemeenteInfo] = []
        failures: list[ReportResult] = []
        for q in gemeenten:
            try:
                info = resolve_gemeente(q)
            except AnalysekitError as exc:
                failures.append(
                    ReportResult(None, q, "", "failed", message=str(exc), error_kind="parameter")
                )
                continue
            if info.gm_code not in {i.gm_code for i in infos}:
                infos.append(info)
        return infos, failures
    df = _gemeenten_table(jaar)
    if provincie is not None:
        known = sorted({str(p) for p in df["provincie"].dropna()})
        match = [p for p in known if p.casefold() == provincie.strip().casefold()]
        if not match:
            raise ParameterError(
                f"onbekende provincie {provincie!r}; beschikbaar: {', '.join(known)}"
            )
        df = df[df["provincie"] == match[0]]
    infos = [
        GemeenteInfo(str(r.gm_code), str(r.naam), None if r.provincie is None else str(r.provincie))
        for r in df[["gm_code", "naam", "provincie"]].itertuples(index=False)
    ]
    return infos, []


# --------------------------------------------------------------------------- workers


@dataclasses.dataclass
class Task:
    """One report to run; everything a worker needs, picklable."""

    gemeente: GemeenteInfo
    notebook: str
    params: dict[str, Any]
    root: str
    engine: str
    fingerprint: str
    force: bool
    cache_key: str | None


def warm_worker(cache_key: str | None = None) -> None:
    """Prepare a worker process: heavy imports, the notebook shell and the HTML exporter."""
    if cache_key:
        os.environ[cache.KEY_ENV] = cache_key
    from analysekit.reporting import pause_gc_for_startup, resume_gc, skip_slow_optional_imports

    skip_slow_optional_imports()
    pause_gc_for_startup()  # the imports below live as long as the worker
    try:
        _warm_imports()
    finally:
        import gc

        gc.freeze()  # what the warm-up loaded stays: later collections need not walk it
        resume_gc()


def _warm_imports() -> None:
    import pandas  # noqa: F401
    import papermill  # noqa: F401
    import scrapbook  # noqa: F401

    import analysekit  # noqa: F401
    from analysekit.reporting import engine, export

    if engine.in_process_available():
        engine.use_inline(engine.get_shell())  # a worker only runs notebooks: stay inline
    export.html_exporter()
    # what every report's parameter check needs: the gemeente index and the years in iv3
    from analysekit.reporting import params

    with contextlib.suppress(AnalysekitError):
        params.resolve_gemeente(DEFAULT_GEMEENTE)
        params.iv3_available()
        # the module the notebooks import; no canonical tables: with the shared values on
        # disk a report never reads one (cache.LazyTables loads one on first use)
        from analysekit.reporting import context  # noqa: F401


def _process_worker_init(cache_key: str | None = None) -> None:
    """Initializer of a local worker process: leave Ctrl-C to the parent, then warm up.

    Ctrl-C reaches every process of the terminal's process group. The parent stops the
    batch (running reports finish, queued ones are cancelled); a worker that also raised
    KeyboardInterrupt would only print a traceback.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_worker(cache_key)


def run_task(task: Task) -> ReportResult:
    """Run one task; never raises (a crash becomes a failed result with a one-line cause)."""
    if task.cache_key is None:
        return _run_task(task)
    with cache.pinned(task.cache_key):
        return _run_task(task)


def _run_task(task: Task) -> ReportResult:
    start = time.perf_counter()
    try:
        return run_report(
            task.gemeente,
            task.notebook,
            task.params,
            engine=task.engine,
            root=Path(task.root),
            force=task.force,
            fingerprint=task.fingerprint,
        )
    except Exception as exc:  # noqa: BLE001 - one gemeente must not stop the batch
        message = " ".join(str(exc).split())
        return ReportResult(
            task.gemeente.gm_code,
            task.gemeente.naam,
            Path(task.notebook).stem,
            "failed",
            message=f"{type(exc).__name__}: {message}" if message else type(exc).__name__,
            error_kind="parameter" if isinstance(exc, AnalysekitError) else "error",
            seconds=time.perf_counter() - start,
        )


# --------------------------------------------------------------------------- batch


@dataclasses.dataclass
class BatchSummary:
    """The results of a batch, in gm_code order."""

    results: list[ReportResult]
    seconds: float

    @property
    def failed(self) -> list[ReportResult]:
        """The failed reports."""
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        """Number of reports with this status (``ok``, ``skipped``, ``failed``)."""
        return sum(r.status == status for r in self.results)

    def median_seconds(self) -> float | None:
        """Median seconds per report made (None when none was made)."""
        import statistics

        made = [r.seconds for r in self.results if r.status == "ok"]
        return statistics.median(made) if made else None


def run_batch(
    gemeenten: Iterable[GemeenteInfo],
    notebook: str = DEFAULT_NOTEBOOK,
    params: Mapping[str, Any] | None = None,
    *,
    workers: int | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    engine: str = "inprocess",
    root: Path | None = None,
    force: bool = False,
    progress: bool = True,
    failures: Iterable[ReportResult] = (),
) -> BatchSummary:
    """Run a report for every gemeente, in parallel; failures do not stop the batch.

    Args:
        gemeenten: The gemeenten (see :func:`select_gemeenten`).
        notebook: Notebook name or path.
        params: Notebook parameters for every report (``gemeente`` is set per report).
        workers: Worker processes (default ``os.cpu_count()``); ignored for Dask.
        executor: ``process`` (local worker processes), ``serial`` (one after another in
            this process: no start-up cost, for small batches and debugging) or ``dask``.
        scheduler: Dask scheduler address (``tcp://host:8786``), or a
            ``distributed.Client`` / cluster object, for ``executor="dask"``.
        engine: Notebook engine, ``inprocess`` or ``kernel``.
        root: Reports folder (default ``reports/``).
        force: Rerun reports that are up to date.
        progress: Show a progress bar (on stderr).
        failures: Failures found before running (unknown gemeenten), included in the summary.

    Returns:
        A :class:`BatchSummary`.

    Raises:
        ParameterError: An unknown parameter name for the notebook, or a bad executor.
    """
    start = time.perf_counter()
    params = dict(params or {})
    check_known(notebook, params, hide=("gemeente",))
    if executor not in ("process", "serial", "dask"):
        raise ParameterError(
            f"onbekende executor {executor!r}; verwacht: process, serial of dask"
        )
    root = Path(root) if root else reports_dir()
    fingerprint = inputs_fingerprint()
    key = cache.cache_key()

    results: list[ReportResult] = list(failures)
    tasks: list[Task] = []
    for info in gemeenten:
        plan = plan_report(info, notebook, params, root=root, fingerprint=fingerprint)
        if not force and plan.up_to_date():
            results.append(
                ReportResult(
                    info.gm_code,
                    info.naam,
                    plan.name,
                    "skipped",
                    plan.folder,
                    plan.ipynb,
                    plan.html,
                )
            )
            continue
        tasks.append(
            Task(
                info,
                str(plan.notebook),
                params,
                str(root),
                engine,
                fingerprint,
                force,
                key,
            )
        )

    if tasks:
        if executor == "dask":
            results += _run_dask(tasks, scheduler, progress)
        elif executor == "serial":
            results += _run_serial(tasks, progress)
        else:
            results += _run_processes(tasks, workers, key, progress)
    results.sort(key=lambda r: (r.gm_code or "~", r.naam or ""))
    return BatchSummary(results, time.perf_counter() - start)


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc="Rapporten",
        unit="gemeente",
        disable=not enabled,
        file=sys.stderr,
        dynamic_ncols=True,
    )


def _pool_context() -> Any:
    """The multiprocessing context of the local workers: ``fork`` where it is safe, else ``spawn``.

    With ``spawn`` (and ``forkserver``) Python 3.11 starts multiprocessing's resource
    tracker, a helper process that nothing stops or waits for: it outlives the batch and,
    once this process has ended, stays behind as a defunct process wherever the process
    that inherits orphans does not reap them (a container's first process, for one).
    ``fork`` needs no tracker, and starts the workers with this process's imports. It
    is used on Linux when this process runs no other Python thread (a thread holding a
    lock while the process forks would leave that lock held in the worker); otherwise
    (e.g. inside a Jupyter kernel, or on macOS) the workers are spawned.
    """
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_processes(
    tasks: list[Task], workers: int | None, key: str, progress: bool
) -> list[ReportResult]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    out: list[ReportResult] = []
    for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    # the pool shuts down (its workers joined) when the block ends, also on an error
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_process_worker_init,
        initargs=(key,),
    ) as pool:
        # submitted before the progress bar starts its monitor thread: with ``fork`` the
        # workers start at the first submit, while this process has one thread
        futures = {pool.submit(run_task, t): t for t in tasks}
        with _progress(len(tasks), progress) as bar:
            try:
                for fut in as_completed(futures):
                    out.append(_collect(fut, futures[fut]))
                    bar.update(1)
                    bar.set_postfix(
                        mislukt=sum(r.status == "failed" for r in out), refresh=False
                    )
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return out


def _run_serial(tasks: list[Task], progress: bool) -> list[ReportResult]:
    out: list[ReportResult] = []
    with _progress(len(tasks), progress) as bar:
        for task in tasks:
            out.append(run_task(task))
            bar.update(1)
    return out


def _collect(fut: Any, task: Task) -> ReportResult:
    """The result of a finished future; a crashed worker becomes a failed result."""
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - e.g. a worker process that died
        return ReportResult(
            task.gemeente.gm_code,
            task.gemeente.naam,
            Path(task.notebook).stem,
            "failed",
            message=f"{type(exc).__name__}: {' '.join(str(exc).split())}",
            error_kind="error",
        )


def _run_dask(tasks: list[Task], scheduler: Any, progress: bool) -> list[ReportResult]:
    from distributed import Client, as_completed

    if scheduler is None:
        raise ParameterError(
            "--executor dask zonder --scheduler; verwacht: --scheduler ADRES (tcp://host:8786)"
        )
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    out: list[ReportResult] = []
    try:
        client.run(warm_worker, tasks[0].cache_key)
        futures = {
            client.submit(run_task, t, pure=False, key=f"rapport-{t.gemeente.gm_code}-{id(t)}"): t
            for t in tasks
        }
        with _progress(len(tasks), progress) as bar:
            for fut in as_completed(list(futures)):
                out.append(_collect(fut, futures[fut]))
                bar.update(1)
    finally:
        if own:
            client.close()
    return out


def format_failures(results: Iterable[ReportResult]) -> str:
    """A plain-text table of failed reports: gm_code, naam, one-line cause."""
    rows = [(r.gm_code or "-", r.naam or "-", r.message) for r in results if r.status == "failed"]
    if not rows:
        return ""
    w1 = max(len("gm_code"), *(len(r[0]) for r in rows))
    w2 = min(30, max(len("naam"), *(len(r[1]) for r in rows)))
    lines = [f"{'gm_code':<{w1}}  {'naam':<{w2}}  oorzaak"]
    lines += [f"{a:<{w1}}  {b[:w2]:<{w2}}  {c}" for a, b, c in rows]
    return "\n".join(lines)
