"""Run one report: execute a parameterised notebook for a gemeente and export HTML.

Outputs go to ``reports/<GM0855-tilburg>/<jaar>-<verslagsoort>/<notebook>.ipynb`` and
``.html`` (e.g. ``reports/GM0344-utrecht/2024-begroting/foto-sociaal-domein.html``), so a
report on another year or verslagsoort never overwrites one on the default (the
jaarrekening of the notebook's year). A notebook without ``jaar``/``verslagsoort``
parameters writes to ``reports/<GM0855-tilburg>/`` itself. A ``<notebook>.hash`` sidecar
records the inputs the outputs were made from (notebook bytes, parameters, the processed
data files and the package version). A run whose hash matches and whose outputs exist is
skipped unless forced. All files are written atomically and the hash last, so an
interrupted run is simply redone next time.

A run that fails (a bad parameter, an error in a cell) leaves the outputs of the last
good run alone and writes the executed notebook, with papermill's error marker at the
top, to ``<notebook>.failed.ipynb`` in the same folder (``reports/_fouten/<naam>/…`` when
the gemeente could not be resolved).

The HTML is made by :func:`analysekit.reporting.export.export_html`: every exported HTML
goes through :func:`analysekit.reporting.sanitize.sanitize_html` (event-handler
attributes, ``javascript:`` URLs and foreign scripts removed), and raw HTML in
``text/markdown`` outputs is escaped first: user text is shown as text, never run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from analysekit import __version__
from analysekit.errors import AnalysekitError, ParameterError
from analysekit.io import write_text
from analysekit.paths import project_root
from analysekit.reporting.export import ExportHelper, export_html
from analysekit.reporting.params import (
    GemeenteInfo,
    notebook_path,
    resolve_gemeente,
    slugify,
)

REPORTS_ENV = "ANALYSEKIT_REPORTS"
DEFAULT_NOTEBOOK = "foto-sociaal-domein"

#: Exception names raised by the notebooks' parameter check (shown without traceback).
_PARAMETER_ERRORS = {"NotebookParameterError", "ParameterError", "UnknownGemeente"}


class ReportFailed(AnalysekitError):
    """A report notebook raised an error while executing."""

    exit_code = 1


@dataclasses.dataclass
class ReportResult:
    """What happened to one report."""

    gm_code: str | None
    naam: str | None
    notebook: str
    status: str  # "ok", "skipped" or "failed"
    folder: Path | None = None
    ipynb: Path | None = None
    html: Path | None = None
    message: str = ""
    error_kind: str = ""
    seconds: float = 0.0
    jaar: int | None = None
    verslagsoort: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the report failed."""
        return self.status != "failed"


def reports_dir() -> Path:
    """Return the reports folder (``reports/`` in the project, or ``$ANALYSEKIT_REPORTS``)."""
    env = os.environ.get(REPORTS_ENV)
    return Path(env).resolve() if env else project_root() / "reports"


# --------------------------------------------------------------------------- hashing


def data_fingerprint() -> str:
    """Fingerprint of the processed data (:func:`analysekit.reporting.cache.data_fingerprint`)."""
    from analysekit.reporting import cache

    return cache.data_fingerprint()


def code_fingerprint() -> str:
    """Fingerprint of the installed code (see :func:`analysekit.reporting.cache.code_version`)."""
    from analysekit.reporting import cache

    return cache.code_version()


def inputs_fingerprint() -> str:
    """Fingerprint everything outside the notebook that a report depends on."""
    return hashlib.sha256(f"{data_fingerprint()}|{code_fingerprint()}".encode()).hexdigest()


def report_hash(notebook: Path, params: Mapping[str, Any], fingerprint: str) -> str:
    """Hash a report's inputs: notebook bytes, parameters (sorted JSON) and input fingerprint.

    Parameters naming an existing file (``register``, ``goals``) contribute its bytes.
    """
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(dict(params), sort_keys=True, default=str).encode())
    for value in params.values():
        if isinstance(value, str) and value and len(value) < 4096:
            p = Path(value)
            if p.suffix and p.is_file():
                h.update(p.read_bytes())
    h.update(fingerprint.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- running


def _select_engine(engine: str) -> str:
    """Map the user's engine choice to a papermill engine name."""
    from analysekit.reporting import engine as inproc

    if engine in ("inprocess", inproc.ENGINE_NAME):
        return inproc.ENGINE_NAME if inproc.in_process_available() else "nbclient"
    if engine in ("kernel", "nbclient"):
        return "nbclient"
    raise ParameterError(f"onbekende engine {engine!r}; verwacht: inprocess of kernel")


def execute(
    notebook: Path,
    parameters: Mapping[str, Any],
    *,
    engine: str = "inprocess",
) -> tuple[Any, Any]:
    """Execute a notebook with papermill; return ``(notebook, error or None)``.

    The returned notebook is the executed one in both cases; after an error it carries
    papermill's error marker at the top. With the kernel engine the kernel starts in the
    notebook's folder; the in-process engine leaves the working directory alone.
    """
    import nbformat
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.ERROR)
    engine_name = _select_engine(engine)
    if engine_name == "nbclient":  # no in-process shell to switch the collector on again
        from analysekit.reporting import resume_gc

        resume_gc()
    common = {
        "parameters": dict(parameters),
        "engine_name": engine_name,
        "progress_bar": False,
        "request_save_on_cell_execute": False,
    }
    if engine_name != "nbclient":
        holder: list[Any] = []
        try:
            return pm.execute_notebook(str(notebook), None, result_holder=holder, **common), None
        except pm.PapermillExecutionError as exc:
            return holder[0], exc
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", prefix="analysekit-")
    os.close(fd)
    try:
        try:
            nb = pm.execute_notebook(str(notebook), tmp, cwd=str(notebook.parent), **common)
            return nb, None
        except pm.PapermillExecutionError as exc:
            return nbformat.read(tmp, as_version=4), exc
    finally:
        Path(tmp).unlink(missing_ok=True)


def _one_line(exc: Any) -> tuple[str, str]:
    """Return ``(kind, message)`` for an execution error, one line, no traceback."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = " ".join(str(getattr(exc, "evalue", exc)).split())
    kind = "parameter" if ename in _PARAMETER_ERRORS else "error"
    if kind == "parameter":
        return kind, evalue
    return kind, f"{ename}: {evalue}" if evalue else ename


def period_name(jaar: Any, verslagsoort: Any) -> str:
    """Folder name of a report's year and verslagsoort: ``2024-begroting``."""
    return slugify(f"{jaar}-{verslagsoort}") or "onbekend"


def report_period(notebook: str | Path, params: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """The ``(jaar, verslagsoort)`` a report will be about, or None for a notebook without them.

    A parameter given wins; else the notebook's default; a default ``jaar`` of None means
    the latest year with data of that verslagsoort (the jaarrekening by default). A ``jaar``
    that is not a whole number is returned as given (the notebook's check refuses it).
    """
    from analysekit.reporting.params import iv3_available, notebook_parameters

    declared = notebook_parameters(notebook)
    if "jaar" not in declared and "jaar" not in params:
        return None
    soort = params.get("verslagsoort", declared.get("verslagsoort") or "jaarrekening")
    jaar = params.get("jaar", declared.get("jaar"))
    if jaar is None:
        with contextlib.suppress(AnalysekitError):
            years = [j for j, v in iv3_available() if v == soort]
            jaar = max(years) if years else None
    if isinstance(jaar, str) and jaar.strip().isdigit():
        jaar = int(jaar)
    elif isinstance(jaar, float) and jaar.is_integer():
        jaar = int(jaar)
    return jaar, soort


def _default_jaar_is_none(notebook: Path) -> bool:
    from analysekit.reporting.params import notebook_parameters

    declared = notebook_parameters(notebook)
    return "jaar" in declared and declared["jaar"] is None


def report_folder(
    info: GemeenteInfo,
    root: Path | None = None,
    period: tuple[Any, Any] | None = None,
) -> Path:
    """Return ``reports/<GM0855-tilburg>/<jaar>-<verslagsoort>`` (no period: the gemeente's)."""
    folder = (root or reports_dir()) / info.slug
    return folder / period_name(*period) if period is not None else folder


@dataclasses.dataclass
class Plan:
    """Where one report goes and the hash of its inputs."""

    notebook: Path
    info: GemeenteInfo | None
    params: dict[str, Any]
    folder: Path
    digest: str
    period: tuple[Any, Any] | None = None

    @property
    def name(self) -> str:
        """Notebook name without ``.ipynb``."""
        return self.notebook.stem

    @property
    def ipynb(self) -> Path:  # noqa: D102
        return self.folder / f"{self.name}.ipynb"

    @property
    def html(self) -> Path:  # noqa: D102
        return self.folder / f"{self.name}.html"

    @property
    def hash_file(self) -> Path:  # noqa: D102
        return self.folder / f"{self.name}.hash"

    @property
    def failed_file(self) -> Path:  # noqa: D102
        return self.folder / f"{self.name}.failed.ipynb"

    def up_to_date(self) -> bool:
        """True when both outputs exist and were made from the same inputs."""
        return (
            self.info is not None
            and self.ipynb.is_file()
            and self.html.is_file()
            and self.hash_file.is_file()
            and self.hash_file.read_text().strip() == self.digest
        )


def plan_report(
    gemeente: str | GemeenteInfo,
    notebook: str | Path = DEFAULT_NOTEBOOK,
    params: Mapping[str, Any] | None = None,
    *,
    root: Path | None = None,
    fingerprint: str | None = None,
) -> Plan:
    """Resolve the gemeente and work out the output folder and input hash of a report.

    The folder is ``reports/<GM-code>-<naam>/<jaar>-<verslagsoort>`` (see
    :func:`report_period`). A gemeente that cannot be resolved is passed to the notebook as
    given (its parameter check then reports the error at the top of the notebook); its
    outputs go to ``reports/_fouten/<slug>/<jaar>-<verslagsoort>``.
    """
    nb_path = notebook_path(notebook)
    root = Path(root) if root else reports_dir()
    params = dict(params or {})
    if "gemeente" in params:
        raise ParameterError(
            "parameter gemeente hoort niet bij -p; verwacht: de gemeente als eerste argument"
        )
    try:
        info: GemeenteInfo | None = resolve_gemeente(gemeente)
    except AnalysekitError:
        info = None
    period = report_period(nb_path, params)
    if period is not None and period[0] is None:  # no year in the data: the notebook says so
        period = None
    if period is not None and "jaar" not in params and _default_jaar_is_none(nb_path):
        params["jaar"] = period[0]  # "latest year with data", made explicit for the notebook
    if info is not None:
        folder = report_folder(info, root, period)
        params["gemeente"] = info.gm_code
    else:
        folder = root / "_fouten" / (slugify(str(gemeente)) or "onbekend")
        if period is not None:
            folder = folder / period_name(*period)
        params["gemeente"] = str(gemeente)
    digest = report_hash(nb_path, params, fingerprint or inputs_fingerprint())
    return Plan(
        notebook=nb_path, info=info, params=params, folder=folder, digest=digest, period=period
    )


def run_report(
    gemeente: str | GemeenteInfo,
    notebook: str | Path = DEFAULT_NOTEBOOK,
    params: Mapping[str, Any] | None = None,
    *,
    engine: str = "inprocess",
    root: Path | None = None,
    force: bool = False,
    fingerprint: str | None = None,
    raise_on_error: bool = False,
    html_export: Callable[[Any, str], str] | None = None,
    export_helper: bool = False,
) -> ReportResult:
    """Execute one report notebook for one gemeente and write ``.ipynb`` and ``.html``.

    Args:
        gemeente: Name, GM code or resolved :class:`GemeenteInfo`.
        notebook: Notebook name (in ``notebooks/``) or path.
        params: Further notebook parameters (``jaar``, ``n_peers``, ...).
        engine: ``inprocess`` (default; falls back to a kernel inside Jupyter) or ``kernel``.
        root: Reports folder (default :func:`reports_dir`).
        force: Run even when the outputs are up to date.
        fingerprint: Precomputed :func:`inputs_fingerprint` (batch runs compute it once).
        raise_on_error: Raise :class:`ParameterError` / :class:`ReportFailed` on failure
            instead of returning a failed result.
        html_export: Makes the HTML from the executed notebook and its JSON (default
            :func:`~analysekit.reporting.export.export_html` in this process).
        export_helper: Prepare the HTML export in a second process while the notebook
            runs (:class:`~analysekit.reporting.export.ExportHelper`; ``analysekit report``
            does). It starts only when the report will run (not when it is up to date)
            and is ended, waited for and its pipes closed before this returns.

    Returns:
        A :class:`ReportResult` with the status and the paths written.
    """
    start = time.perf_counter()
    plan = plan_report(gemeente, notebook, params, root=root, fingerprint=fingerprint)
    info = plan.info
    result = ReportResult(
        gm_code=info.gm_code if info else None,
        naam=info.naam if info else None,
        notebook=plan.name,
        status="ok",
        folder=plan.folder,
        ipynb=plan.ipynb,
        html=plan.html,
        jaar=plan.period[0] if plan.period else None,
        verslagsoort=plan.period[1] if plan.period else None,
    )
    if not force and plan.up_to_date():
        result.status = "skipped"
        result.seconds = time.perf_counter() - start
        return result

    helper = ExportHelper.start() if export_helper and html_export is None else None
    try:
        return _run_planned(plan, result, start, engine=engine, raise_on_error=raise_on_error,
                            gemeente=gemeente,
                            html_export=helper.export if helper is not None else html_export)
    finally:
        if helper is not None:
            helper.close()


def _run_planned(
    plan: Plan,
    result: ReportResult,
    start: float,
    *,
    engine: str,
    raise_on_error: bool,
    gemeente: str | GemeenteInfo,
    html_export: Callable[[Any, str], str] | None,
) -> ReportResult:
    """Execute a planned report, write its outputs and fill in ``result``."""
    import nbformat

    info = plan.info
    nb, error = execute(plan.notebook, plan.params, engine=engine)
    nb.metadata["analysekit"] = {
        "notebook": plan.name,
        "gm_code": info.gm_code if info else None,
        "naam": info.naam if info else None,
        "provincie": info.provincie if info else None,
        "params": dict(plan.params),
        "jaar": plan.period[0] if plan.period else None,
        "verslagsoort": plan.period[1] if plan.period else None,
        "hash": plan.digest,
        "version": __version__,
    }
    if info is not None:
        nb.metadata["title"] = f"{_title(plan.name)} — {info.naam_kort}" + (
            f", {plan.period[1]} {plan.period[0]}" if plan.period else ""
        )

    if error is not None:
        write_text(plan.failed_file, nbformat.writes(nb))
        kind, message = _one_line(error)
        result.status, result.error_kind, result.message = "failed", kind, message
        result.ipynb, result.html = plan.failed_file, None
        result.seconds = time.perf_counter() - start
        if raise_on_error:
            rel = display_path(plan.failed_file)
            if kind == "parameter":
                raise ParameterError(f"{message} (uitgevoerd notebook: {rel})")
            raise ReportFailed(
                f"rapport {plan.name} voor {result.naam or gemeente} is mislukt: {message} "
                f"(uitgevoerd notebook: {rel})"
            )
        return result

    nb_json = nbformat.writes(nb)
    write_text(plan.ipynb, nb_json)
    write_text(plan.html, html_export(nb, nb_json) if html_export else export_html(nb))
    plan.failed_file.unlink(missing_ok=True)
    write_text(plan.hash_file, plan.digest + "\n")
    result.seconds = time.perf_counter() - start
    return result


def _title(notebook_name: str) -> str:
    """``foto-sociaal-domein`` → ``Foto sociaal domein``."""
    words = [w for w in notebook_name.replace("_", "-").split("-") if not w.isdigit()]
    return " ".join(words).capitalize() or notebook_name


def display_path(path: Path) -> str:
    """A path for messages: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
