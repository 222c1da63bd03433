"""How report content is shown in a notebook: tables, notes, figures, headline scraps.

Plain HTML without JavaScript, so a report reads the same in JupyterLab, in the
exported HTML and as text (every object's text fallback is readable too).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysekit.nl import ONTBREEKT

__all__ = ["box", "glue", "opsomming", "show", "table"]

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

    Text columns are left-aligned, figures right-aligned; cells are HTML-escaped. The
    text/plain fallback is the table as text, readable (and comparable) outside a browser.
    """
    cols = [str(c) for c in df.columns]
    left = [_is_text_column(df.iloc[:, i]) for i in range(df.shape[1])]

    def cell(tag: str, value: Any, is_left: bool) -> str:
        text = ONTBREEKT if _missing(value) else str(value)
        align = "left" if is_left else "right"
        return f'<{tag} style="text-align:{align}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", c, lf) for c, lf in zip(cols, left, strict=True))
    body = "".join(
        "<tr>" + "".join(cell("td", v, lf) for v, lf in zip(row, left, strict=True)) + "</tr>"
        for row in df.itertuples(index=False, name=None)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    markup = (f'<table class="ak-tabel">{cap}<thead><tr>{head}</tr></thead>'
              f"<tbody>{body}</tbody></table>")
    return _HTML(markup, df.to_string(index=False))


def box(text: str, kind: str = "illustratief") -> Any:
    """A coloured note for the report: ``illustratief`` (orange), ``info`` (blue)."""
    colours = {"illustratief": ("#b45309", "#fff7ed"), "info": ("#1f4e79", "#eef4fa")}
    edge, fill = colours.get(kind, colours["info"])
    return _HTML(
        f'<div class="ak-{kind}" style="border-left:4px solid {edge};background:{fill};'
        f'padding:0.6em 0.9em;margin:0.6em 0">{html.escape(text)}</div>',
        text,
    )


def show(fig: Any, alt: str) -> None:
    """Display a figure as an embedded PNG with an alt text (used by the HTML export).

    The PNG is rendered here rather than left to the kernel's matplotlib backend, so the
    figure appears the same in JupyterLab, a papermill kernel and the in-process engine.
    """
    import io as _io

    from IPython.display import Image, display

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    display(Image(data=buf.getvalue(), format="png"), metadata={"alt": alt})


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
