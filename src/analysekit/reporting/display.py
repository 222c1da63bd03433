"""How report content is shown in a notebook: tables, notes, figures, headline scraps.

Plain HTML without JavaScript, so a report reads the same in JupyterLab, in the
exported HTML and as text (every object's text fallback is readable too).

User text is never markup. Table cells, captions and box texts are HTML-escaped unless
they are :class:`markupsafe.Markup` (HTML the kit built itself and marked as trusted);
:func:`markdown` escapes raw HTML in Markdown, and :func:`escape_markdown_outputs` does the
same for every Markdown output of an executed notebook before it is exported (so a
register's ``toelichting`` with ``<img onerror=…>`` shows as text). The exported HTML is
sanitised once more by :mod:`analysekit.reporting.sanitize`.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup

from analysekit.nl import ONTBREEKT

__all__ = [
    "Markup",
    "box",
    "escape_markdown",
    "escape_markdown_outputs",
    "glue",
    "markdown",
    "opsomming",
    "show",
    "table",
]


def _html_text(value: Any) -> str:
    """``value`` for HTML: escaped, unless it is :class:`Markup` the kit built."""
    if isinstance(value, Markup):
        return str(value)
    return html.escape(str(value))


def escape_markdown(text: Any) -> str:
    """Escape raw HTML in Markdown text: ``<`` becomes ``&lt;`` (shown as ``<``, never a tag).

    Markdown passes raw HTML through to the rendered page; with this, user text such as
    ``<img src=x onerror=…>`` is shown literally. Markdown formatting is left alone.
    """
    return str(text).replace("<", "&lt;")


def markdown(text: Any) -> Any:
    """An IPython ``Markdown`` object whose raw HTML is escaped (see :func:`escape_markdown`)."""
    from IPython.display import Markdown

    return Markdown(escape_markdown(text))


def escape_markdown_outputs(nb: Any) -> Any:
    """A copy of an executed notebook whose Markdown *outputs* have their raw HTML escaped.

    The notebook's own Markdown cells (the narrative the authors wrote) are left alone;
    outputs are what code displayed, and may contain user text (register, goals,
    parameters). The kit's own Markdown outputs contain no HTML.
    """
    import copy

    out = copy.copy(nb)
    out.cells = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell = copy.copy(cell)
            outputs = []
            for o in cell.outputs:
                data = o.get("data") if hasattr(o, "get") else None
                if data and "text/markdown" in data:
                    o = copy.deepcopy(o)
                    md = o["data"]["text/markdown"]
                    md = "".join(md) if isinstance(md, list) else md
                    o["data"]["text/markdown"] = escape_markdown(md)
                outputs.append(o)
            cell.outputs = outputs
        out.cells.append(cell)
    return out

_NUMERIC_START = re.compile(r"^\s*[-+−–<>]?\s*(€|\d)")


def opsomming(items: Sequence[Any]) -> str:
    """Join items the Dutch way: ``a, b en c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _is_text_column(values: pd.Series) -> bool:
    """A column of words (left-aligned) rather than figures (right-aligned)."""
    shown = [str(v) for v in values if not _missing(v)]
    shown = [v for v in shown if v not in (ONTBREEKT, "-", "")]
    return bool(shown) and not all(_NUMERIC_START.match(v) for v in shown)


class _HTML:
    """An object IPython shows as HTML, with a plain-text fallback."""

    def __init__(self, markup: str, text: str) -> None:
        self.data = markup
        self._text = text

    def _repr_html_(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return self._text


def table(df: pd.DataFrame, caption: str | None = None) -> Any:
    """Display a small (pre-formatted) table as plain HTML, without the index.

    Text columns are left-aligned, figures right-aligned; cells, headers and the caption are
    HTML-escaped (a :class:`Markup` cell, HTML built by the kit, is kept; it needs an
    ``object`` column, as pandas' string dtype turns it into plain text). The text/plain
    fallback is the table as text, readable (and comparable) outside a browser.
    """
    cols = [str(c) for c in df.columns]
    left = [_is_text_column(df.iloc[:, i]) for i in range(df.shape[1])]

    def cell(tag: str, value: Any, is_left: bool) -> str:
        text = ONTBREEKT if _missing(value) else _html_text(value)
        align = "left" if is_left else "right"
        return f'<{tag} style="text-align:{align}">{text}</{tag}>'

    head = "".join(cell("th", c, lf) for c, lf in zip(cols, left, strict=True))
    body = "".join(
        "<tr>" + "".join(cell("td", v, lf) for v, lf in zip(row, left, strict=True)) + "</tr>"
        for row in df.itertuples(index=False, name=None)
    )
    cap = f"<caption>{_html_text(caption)}</caption>" if caption else ""
    markup = (f'<table class="ak-tabel">{cap}<thead><tr>{head}</tr></thead>'
              f"<tbody>{body}</tbody></table>")
    return _HTML(markup, df.to_string(index=False))


def box(text: str, kind: str = "illustratief") -> Any:
    """A coloured note for the report: ``illustratief`` (orange), ``info`` (blue).

    ``text`` is escaped unless it is :class:`Markup` built by the kit.
    """
    colours = {"illustratief": ("#b45309", "#fff7ed"), "info": ("#1f4e79", "#eef4fa")}
    edge, fill = colours.get(kind, colours["info"])
    return _HTML(
        f'<div class="ak-{kind}" style="border-left:4px solid {edge};background:{fill};'
        f'padding:0.6em 0.9em;margin:0.6em 0">{_html_text(text)}</div>',
        str(text),
    )


def show(fig: Any, alt: str) -> None:
    """Display a figure as an embedded PNG with an alt text (used by the HTML export).

    The PNG is rendered here rather than left to the kernel's matplotlib backend, so the
    figure appears the same in JupyterLab, a papermill kernel and the in-process engine.
    """
    from IPython.display import Image, display

    from analysekit.analysis.plots import png_bytes

    display(Image(data=png_bytes(fig), format="png"), metadata={"alt": alt})


def glue(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Record values as scrapbook scraps (nothing outside a notebook); returns them."""
    from IPython import get_ipython

    if get_ipython() is None:
        return values
    import scrapbook as sb

    from analysekit.reporting import cached_scrap_validation

    with cached_scrap_validation():
        for k, v in values.items():
            sb.glue(k, v)
    return values
