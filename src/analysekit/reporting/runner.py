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

Every exported HTML goes through :func:`analysekit.reporting.sanitize.sanitize_html`
(event-handler attributes, ``javascript:`` URLs and foreign scripts removed), and raw HTML
in ``text/markdown`` outputs is escaped first (:func:`analysekit.reporting.display.
escape_markdown_outputs`): user text is shown as text, never run.
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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysekit import __version__
from analysekit.errors import AnalysekitError, ParameterError
from analysekit.io import write_text
from analysekit.paths import project_root
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


# --------------------------------------------------------------------------- HTML


_REPORT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
main { max-width: 980px; margin: 0 auto; padding: 1em 1.5em 3em; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.ak-voet { color: #555; font-size: 0.85em; margin-top: 2em; border-top: 1px solid #ddd;
  padding-top: 0.5em; font-family: var(--jp-ui-font-family, sans-serif); }
</style>
{%- endblock extra_css -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ (output.metadata.get('alt') or 'Figuur') | escape_html }}"
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif -%}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif %}>
</div>
{%- endblock data_png %}
{% block body_footer %}
<p class="ak-voet">Bron: CBS, Ministerie van BZK (CC BY 4.0). Gemaakt met analysekit
{{ nb.metadata.get('analysekit', {}).get('version', '') }}.</p>
</main>
</body>
{% endblock body_footer %}
"""

_EXPORTER: Any = None

def _exporter_class() -> Any:
    """The HTML exporter: nbconvert's, with its templates compiled once and no second parse.

    * The Jinja environment gets a file-system bytecode cache in
      :func:`analysekit.reporting.cache.jinja_dir` (the templates compile once, not in every
      process: about 0.07 s a process). Jinja keys each entry by template name and source
      checksum, and its header carries the Python version: a changed template or another
      Python compiles anew.
    * nbconvert parses its own output again with BeautifulSoup for three fix-ups (``alt``
      text on images without one, ``tabindex`` on input and output areas) and writes it
      out anew: about 0.03 s a report, and 0.06 s to import soupsieve for its CSS
      selectors. The report's HTML is parsed and rewritten anyway by the sanitiser
      (:func:`export_html`), so the same fix-ups are made there (:func:`accessibility_attrs`)
      and this exporter returns the rendered template as it is.
    """
    from jinja2 import FileSystemBytecodeCache
    from nbconvert import HTMLExporter
    from nbconvert.exporters.html import Highlight2HTML, WidgetsDataTypeFilter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ReportHTMLExporter(HTMLExporter):  # type: ignore[misc]
        def _create_environment(self) -> Any:
            environment = super()._create_environment()
            from analysekit.reporting.cache import jinja_dir

            folder = jinja_dir()
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
                environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
            return environment

        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            # As HTMLExporter.from_notebook_node (nbconvert 7.x) without the BeautifulSoup
            # pass; accessibility_attrs makes its fix-ups.
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


#: nbconvert's alt text for an image that has none (the report template always gives one).
NO_ALT = "No description has been provided for this image"
#: Classes of the areas nbconvert makes keyboard-focusable (``tabindex="0"``).
_FOCUSABLE = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})


def accessibility_attrs(
    tag: str, attrs: list[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """The HTML fix-ups of nbconvert, as attributes for the sanitiser to add to a start tag.

    nbconvert 7 (``HTMLExporter.from_notebook_node``) gives every ``<img>`` without an
    ``alt`` its :data:`NO_ALT` text, and every input and output area inside the notebook
    ``tabindex="0"``, so a keyboard can reach and scroll it. A report's whole body is the
    notebook (``<body class="jp-Notebook">``), so every such area is inside it.
    """
    if tag == "img":
        return [] if any(k == "alt" for k, _ in attrs) else [("alt", NO_ALT)]
    if tag == "div":
        for key, value in attrs:
            if key == "class" and value and not _FOCUSABLE.isdisjoint(value.split()):
                return [("tabindex", "0")]
    return []


def html_exporter() -> Any:
    """Return this process's HTML exporter: code hidden, no prompts, nothing from the internet."""
    global _EXPORTER
    if _EXPORTER is None:
        from jinja2 import DictLoader

        _EXPORTER = _exporter_class()(
            extra_loaders=[DictLoader({"analysekit-report.html.j2": _REPORT_TEMPLATE})],
            template_file="analysekit-report.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            anchor_link_text="",
            # validate the notebook once after the preprocessors, not after each (12)
            optimistic_validation=True,
        )
    return _EXPORTER


def _without_scraps(nb: Any) -> Any:
    """A copy of ``nb`` without scrapbook's invisible data outputs (nothing to render)."""
    import copy

    out = copy.copy(nb)
    out.cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.outputs:
            cell = copy.copy(cell)
            cell.outputs = [
                o
                for o in cell.outputs
                if not all(k.startswith("application/scrapbook") for k in o.get("data", {"": 0}))
            ]
        out.cells.append(cell)
    return out


def export_html(nb: Any) -> str:
    """Render an executed notebook to standalone HTML (inline CSS, embedded images).

    Raw HTML in Markdown outputs is escaped before rendering, and the result is sanitised
    (:mod:`analysekit.reporting.sanitize`): no event handler, ``javascript:`` URL or
    script survives from user text (a report's template has no scripts of its own).
    """
    from analysekit.reporting.display import escape_markdown_outputs
    from analysekit.reporting.sanitize import sanitize_html

    body, _ = html_exporter().from_notebook_node(
        escape_markdown_outputs(_without_scraps(nb)), resources={"metadata": {"name": "rapport"}}
    )
    return sanitize_html(body, add_attrs=accessibility_attrs)


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

    import nbformat

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
        nb.metadata["title"] = f"{_title(plan.name)} — {info.naam}" + (
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

    write_text(plan.ipynb, nbformat.writes(nb))
    write_text(plan.html, export_html(nb))
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
