"""A report's HTML: the executed notebook rendered by nbconvert, then sanitised.

Code hidden, no prompts, images embedded and nothing loaded from the internet, in the kit's
own template (:data:`REPORT_TEMPLATE`, lab-based, with a footer naming the sources). The
Jinja templates are compiled once per machine (:func:`analysekit.reporting.cache.jinja_dir`).
Raw HTML in ``text/markdown`` outputs is escaped before rendering
(:func:`analysekit.reporting.display.escape_markdown_outputs`), and the result goes through
:func:`analysekit.reporting.sanitize.sanitize_html`, which also makes nbconvert's
accessibility fix-ups (:func:`accessibility_attrs`) in the one parse it makes anyway.
Only nbconvert's public API is used (see :func:`html_exporter`).
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["NO_ALT", "REPORT_TEMPLATE", "accessibility_attrs", "export_html", "html_exporter"]


REPORT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
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
    """The class of the report exporter: HTMLExporter, rendering without a second parse.

    ``HTMLExporter.from_notebook_node`` (nbconvert 7) registers two filters, renders the
    template through ``TemplateExporter.from_notebook_node`` and then parses the whole page
    again with BeautifulSoup for three accessibility fix-ups (``alt`` text on images without
    one, ``tabindex`` on input and output areas), writing it out anew. That parse took
    0.05 s of a report's 0.09 s export (``benchmarks/bench_export.py``). A report's HTML is
    parsed and rewritten by the sanitiser anyway, so the fix-ups are made there
    (:func:`accessibility_attrs`), and this class renders with the public base-class method
    directly. The two filters are registered once, with nbconvert's public filter classes
    (:func:`html_exporter`): ``highlight_code`` (never used: code is hidden) and
    ``filter_data_type`` as :class:`~nbconvert.filters.DataTypeFilter`, the exporter's
    default; nbconvert's per-call widget variant only matters for widget views, which a
    report does not have. ``tests/test_runner.py`` checks that the HTML is the document
    ``HTMLExporter.from_notebook_node`` gives, tag for tag and text for text.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters import TemplateExporter

    class ReportHTMLExporter(HTMLExporter):  # type: ignore[misc]
        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            """The rendered template, as HTMLExporter's but without its BeautifulSoup pass."""
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
    notebook (``<main>`` inside ``<body class="jp-Notebook">``), so every such area is
    inside it.
    """
    if tag == "img":
        return [] if any(k == "alt" for k, _ in attrs) else [("alt", NO_ALT)]
    if tag == "div":
        for key, value in attrs:
            if key == "class" and value and not _FOCUSABLE.isdisjoint(value.split()):
                return [("tabindex", "0")]
    return []


def html_exporter() -> Any:
    """Return this process's HTML exporter: code hidden, no prompts, nothing from the internet.

    nbconvert's :class:`~nbconvert.HTMLExporter` with the kit's template, rendering without
    its second parse (:func:`_exporter_class`). Its Jinja environment (the exporter's public
    ``environment``) gets a file-system bytecode cache in
    :func:`analysekit.reporting.cache.jinja_dir`, so the templates compile once per
    machine, not in every process (about 0.07 s a process). Jinja keys each entry by
    template name and source checksum, and its header carries the Python version: a
    changed template or another Python compiles anew.
    """
    global _EXPORTER
    if _EXPORTER is None:
        from jinja2 import DictLoader, FileSystemBytecodeCache
        from nbconvert.filters import DataTypeFilter, Highlight2HTML

        from analysekit.reporting.cache import jinja_dir

        exporter = _exporter_class()(
            extra_loaders=[DictLoader({"analysekit-report.html.j2": REPORT_TEMPLATE})],
            template_file="analysekit-report.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            anchor_link_text="",
            # validate the notebook once after the preprocessors, not after each (12)
            optimistic_validation=True,
        )
        exporter.register_filter("highlight_code", Highlight2HTML(parent=exporter))
        exporter.register_filter("filter_data_type", DataTypeFilter(parent=exporter))
        folder = jinja_dir()
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            # before the first template is loaded: every load goes through the cache
            exporter.environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
        _EXPORTER = exporter
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




# --------------------------------------------------------------------------- helper process


def _serve() -> None:
    """Body of the helper process: warm up, then export one notebook from stdin to stdout."""
    import os
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from analysekit.reporting import skip_slow_optional_imports

    skip_slow_optional_imports()
    import nbformat

    export_html(nbformat.v4.new_notebook())  # warm-up: imports, templates, filters
    text = sys.stdin.buffer.read().decode("utf-8")
    nb = nbformat.reads(text, as_version=4)
    sys.stdout.buffer.write(export_html(nb).encode("utf-8"))
    sys.stdout.flush()
    # the HTML is out: skip the interpreter's teardown of pandas, nbconvert, ... (~0.1 s)
    os._exit(0)


class ExportHelper:
    """A second process that makes a report's HTML, prepared while this one runs it.

    A single ``analysekit report`` runs on one core, and about 0.15 s of it is the HTML
    export: importing nbconvert, loading its templates and rendering. The helper starts
    once the report will really run (its parameters checked, its outputs not up to date:
    :func:`analysekit.reporting.runner.run_report`), does the imports and template loading
    on the other core while the notebook runs, and then only renders. It is given the
    executed notebook as the JSON the ``.ipynb`` holds and returns the same HTML
    :func:`export_html` makes here. If it cannot start or fails, the export runs in this
    process as before (:meth:`export`). Whatever happens, :meth:`close` (or leaving the
    ``with`` block) ends the process, waits for it and closes its pipes.
    A batch does not use it: its workers keep the exporter warm themselves.
    """

    def __init__(self, process: Any) -> None:
        """Wrap a started helper process (see :meth:`start`)."""
        self.process = process

    @classmethod
    def start(cls) -> ExportHelper | None:
        """Start the helper process; None when it cannot be started."""
        import subprocess
        import sys

        try:
            process = subprocess.Popen(
                [sys.executable, "-c", "from analysekit.reporting.export import _serve; _serve()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError:
            return None
        return cls(process)

    def export(self, nb: Any, nb_json: str) -> str:
        """HTML of the executed notebook ``nb`` (``nb_json``: the same, as nbformat JSON)."""
        process, self.process = self.process, None
        if process is not None:
            try:
                out, _err = process.communicate(nb_json.encode("utf-8"), timeout=120)
            except Exception:  # noqa: BLE001 - any trouble: export here instead
                _end(process)
            else:
                _end(process)
                if process.returncode == 0 and out:
                    return out.decode("utf-8")
        return export_html(nb)

    def close(self) -> None:
        """End the helper if it was not used (the report failed or was interrupted)."""
        process, self.process = self.process, None
        if process is not None:
            _end(process)

    def __enter__(self) -> ExportHelper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end(process: Any) -> None:
    """Stop ``process`` if it still runs, wait for it (no zombie) and close its pipes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):  # a pipe the helper closed: nothing to flush
                stream.close()
