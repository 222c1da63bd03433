"""Figures for deficits and benchmarks (matplotlib/seaborn, Dutch labels).

Every ``plot_*`` function returns a :class:`matplotlib.figure.Figure` built with the
object API (``Figure()``, no pyplot state), so it works under the Agg backend, in worker
processes and in notebooks (Jupyter shows a returned Figure). Colours and fonts come from
one place: :data:`DOMEIN_KLEUREN`, :data:`ACCENT`, :data:`PEER_KLEUR` and :func:`style`.

Speed (a batch renders hundreds of figures): no constrained layout. That engine measures
every text on every draw, and matplotlib draws a figure with a layout engine twice when
saving it (a layout pass, then the render), Jupyter's inline backend once more for
``bbox_inches="tight"``. Instead:

* each figure gets fixed margins in inches, computed once while it is built from the
  sizes of its own title, labels, tick labels, legend and footer (:func:`text_width`,
  cached per string) and applied once (:func:`set_margins`): no layout engine, so a plain
  ``savefig`` (the report's ``show()``) draws it once. Title and legend sit above the
  axes, the source line at the bottom, so nothing overlaps;
* the figure fits its canvas, and :func:`keep_canvas` makes ``bbox_inches="tight"`` keep
  exactly that canvas: the measured artists are left out of that bounding box, and the
  render reuses the renderer (and measured texts) of the layout pass;
* few ticks (:func:`_nice`), bars as one collection (:func:`bars`), no hidden artists;
* :class:`KitFigure` draws text without font hinting (a third cheaper per glyph).

Text is the main remaining cost (matplotlib 3.11 lays out and renders glyph by glyph,
about 0.1 ms per glyph): keep labels short. Only matplotlib's public API is used (the
custom :class:`MarginLayout` follows ``LayoutEngine``'s documented recipe); text fast
paths that restated private Agg internals were removed (issue 16). Tick labels and
amounts are written by :mod:`analysekit.nl` (``nl.eur_as``, ``nl.getal_as``).
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import LayoutEngine
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysekit import nl
from analysekit.analysis.forecast import Projection
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL

DOMEIN_KLEUREN = {
    "Sociale basisvoorzieningen": "#4C72B0",
    "Wmo": "#DD8452",
    "Jeugd": "#55A868",
    "Participatie": "#8172B3",
    TOTAAL: "#4D4D4D",
}
ACCENT = "#C44E52"  # the gemeente itself
PEER_KLEUR = "#1F3A5F"  # peers
NEUTRAAL = "#B0B0B0"
PEER_RAND = "#1F77B4"  # peer outlines on a map (contrasts with the warm colour scale)
GF_KLEUREN = {"verdeelmodel": "#9ECAE1", "iu_du": "#4292C6"}
OVERSCHOT = "#2E7D32"
#: Fill of a gemeente without data on a map (labelled nl.GEEN_GEGEVENS, never coloured as 0).
GEEN_GEGEVENS_KLEUR = "#BDBDBD"

MATEN = {
    "netto_eur": "netto kosten (€)",
    "netto_per_inwoner": "netto kosten per inwoner (€)",
    "netto_per_doelgroep": "netto kosten per doelgroeplid (€)",
    "netto_per_client": "netto kosten per cliënt (€)",
    "netto_per_huishouden": "netto kosten per huishouden (€)",
    "tekort_eur": "verschil met het gemeentefonds (€)",
    "tekort_per_inwoner": "verschil met het gemeentefonds per inwoner (€)",
    "overschrijding_eur": "overschrijding t.o.v. begroting (€)",
    "overschrijding_per_inwoner": "overschrijding per inwoner (€)",
    "gf_per_inwoner": "gemeentefonds per inwoner (€)",
}
BRON = "Bron: CBS (Iv3, kerncijfers), BZK (gemeentefonds); bewerking analysekit."

DPI = 100
"""Resolution of the figures (pixels per inch); 8 × 4.5 in is 800 × 450 px."""
FONT = 10.0
TITLE_FONT = 12.0
LEGEND_FONT = 9.0
FOOTER_FONT = 7.5
PAD = 0.1
"""Outer whitespace around a figure's content, in inches."""

_TICK_PAD_PT = 7.0  # tick length (3.5) + label pad (3.5); ticks are hidden but keep the pad
_LABEL_PAD_PT = 4.0
_TITLE_PAD_PT = 9.0  # clear of a tick label at the top of the axes
_LEGEND_GAP = 0.6  # legend above the axes: gap in font sizes (clear of that tick label)


#: seaborn's ``axes_style("whitegrid")`` (seaborn 0.13) as plain rcParams, without its
#: colormap: importing seaborn for these costs 0.5–1.5 s in every report process.
_WHITEGRID = {
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out",
    "ytick.direction": "out", "xtick.color": ".15", "ytick.color": ".15",
    "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans",
                        "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white",
    "axes.edgecolor": ".8", "grid.color": ".8", "axes.spines.left": True,
    "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
    "xtick.bottom": False, "ytick.left": False,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context with the kit's seaborn/matplotlib style (white grid, readable sizes)."""
    rc = {
        "figure.dpi": DPI, "savefig.dpi": DPI,
        "font.size": FONT, "axes.titlesize": TITLE_FONT, "axes.titleweight": "bold",
        "axes.labelsize": FONT, "legend.fontsize": LEGEND_FONT, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False,
    }
    with mpl.rc_context({**_WHITEGRID, **rc}):  # one copy of rcParams, not two
        yield


class _EurFormatter(mpl.ticker.Formatter):
    """Tick labels in euros (``€ 500``, ``€ 2,5 mln``) by :func:`analysekit.nl.eur_as`.

    One unit (from the largest tick) and one number of decimals (from the tick spacing)
    for every label of the axis.
    """

    def __init__(self) -> None:
        self._ticks = np.array([])

    def set_locs(self, locs: Sequence[float]) -> None:  # noqa: D102
        self._ticks = np.asarray(locs, dtype=float)

    def __call__(self, x: float, pos: int | None = None) -> str:
        locs = np.sort(self._ticks[np.isfinite(self._ticks)])
        step = float(np.min(np.diff(locs))) if locs.size > 1 else abs(x)
        top = float(np.max(np.abs(locs))) if locs.size else abs(x)
        return nl.eur_as(x, step, top)


def _nice(n: int) -> MaxNLocator:
    """About ``n`` ticks (at least 4) at round steps (1, 2, 2.5, 5 × 10^k), whatever the size."""
    return MaxNLocator(n, steps=[1, 2, 2.5, 5, 10], min_n_ticks=4)


class _DutchFormatter(mpl.ticker.Formatter):
    """Tick labels as Dutch numbers (``1.500``, ``0,25``), decimals from the tick spacing.

    With ``percent``, values are shares (0–1) shown as percentages (``25%``).
    """

    def __init__(self, percent: bool = False) -> None:
        self.percent = percent
        self._ticks = np.array([])

    def set_locs(self, locs: Sequence[float]) -> None:  # noqa: D102
        self._ticks = np.asarray(locs, dtype=float)

    def __call__(self, x: float, pos: int | None = None) -> str:
        scale = 100.0 if self.percent else 1.0
        locs = np.sort(self._ticks) * scale
        step = float(np.min(np.diff(locs))) if locs.size > 1 else 1.0
        return nl.getal_as(x * scale, step) + ("%" if self.percent else "")


def dutch_axis(axis: Any, nbins: int = 5, percent: bool = False) -> None:
    """Dutch tick labels at round steps on a numeric axis (``percent``: shares as ``25%``)."""
    axis.set_major_locator(_nice(nbins))
    axis.set_major_formatter(_DutchFormatter(percent))


# --------------------------------------------------------------------------- layout


class MarginLayout(LayoutEngine):
    """Fixed margins in inches around the subplot grid, as a layout engine.

    Nothing is measured at draw time: the margins come from :func:`fit` (or the caller)
    when the figure is built. Most figures apply them once (:func:`set_margins`) and keep
    no engine; installed as the engine, a suptitle added afterwards (e.g. by the report)
    gets room above the grid. Compatible with ``subplots_adjust`` and gridspec colorbars.

    Args:
        left: Left margin in inches.
        right: Right margin in inches.
        bottom: Bottom margin in inches.
        top: Top margin in inches, not counting a suptitle (its room is added).
        wspace: Horizontal gap between subplots in inches.
        hspace: Vertical gap between subplots in inches.
    """

    _adjust_compatible = True
    _colorbar_gridspec = True

    def __init__(self, left: float, right: float, bottom: float, top: float,
                 wspace: float = 0.0, hspace: float = 0.0) -> None:
        super().__init__()
        self._params = {"left": left, "right": right, "bottom": bottom, "top": top,
                        "wspace": wspace, "hspace": hspace}

    def set(self, **kwargs: float) -> None:
        """Change margins (inches)."""
        self._params.update(kwargs)

    def execute(self, fig: Any) -> None:
        """Place the subplot grid (called by matplotlib before each draw)."""
        p = self._params
        w, h = fig.get_size_inches()
        top = p["top"] + suptitle_height(fig)
        nrows, ncols = 1, 1
        for ax in fig.axes:
            ss = ax.get_subplotspec()
            if ss is not None:
                nrows, ncols = ss.get_gridspec().get_geometry()
                break
        inner_w = max(w - p["left"] - p["right"], 0.1)
        inner_h = max(h - top - p["bottom"], 0.1)
        ax_w = max((inner_w - (ncols - 1) * p["wspace"]) / ncols, 0.05)
        ax_h = max((inner_h - (nrows - 1) * p["hspace"]) / nrows, 0.05)
        fig.subplots_adjust(left=p["left"] / w, right=1 - p["right"] / w,
                            bottom=p["bottom"] / h, top=1 - top / h,
                            wspace=p["wspace"] / ax_w, hspace=p["hspace"] / ax_h)


def set_margins(fig: Figure, left: float, right: float, bottom: float, top: float,
                wspace: float = 0.0, hspace: float = 0.0) -> MarginLayout:
    """Place the subplot grid with margins in inches, once, without a layout engine.

    A figure without a layout engine is saved in a single draw (``savefig`` without
    ``bbox_inches="tight"``, as the report's ``show()`` does); with one, matplotlib draws
    it twice. Set the figure's final size first. Use :class:`MarginLayout` as the engine
    instead when a caller may still add a suptitle.

    Returns:
        The margins, as a :class:`MarginLayout` (not installed).
    """
    margins = MarginLayout(left, right, bottom, top, wspace, hspace)
    margins.execute(fig)
    return margins


class _Extent(Artist):
    """Invisible artist spanning the figure minus :data:`PAD` on each side.

    Jupyter saves figures with ``bbox_inches="tight"`` (content bounding box plus
    ``savefig.pad_inches`` = 0.1 in). The figures here already fit their canvas, so this
    artist makes that bounding box the canvas itself: the PNG keeps its designed size and
    matplotlib can reuse the renderer (and its measured texts) of the layout pass for the
    final draw instead of measuring every text again on a cropped canvas.
    """

    def get_window_extent(self, renderer: Any = None) -> Any:  # noqa: D102
        fig = self.get_figure(root=True)
        return fig.bbox.padded(-PAD * fig.dpi)

    def draw(self, renderer: Any) -> None:  # noqa: D102
        return


def keep_canvas(fig: Figure) -> None:
    """Make ``bbox_inches="tight"`` keep the whole canvas (see :class:`_Extent`)."""
    if not any(isinstance(a, _Extent) for a in fig.artists):
        fig.add_artist(_Extent())


def suptitle_height(fig: Figure) -> float:
    """Room in inches that the figure's suptitle (if any) takes at the top."""
    title = fig.get_suptitle()
    # the suptitle is one of the figure's texts (Figure.suptitle adds it with Figure.text)
    sup = next((t for t in fig.texts if title and t.get_text() == title), None)
    if sup is None:
        return 0.0
    w, h = fig.get_size_inches()
    text = sup.get_text()
    if sup.get_wrap():
        text = wrap(text, w - 2 * PAD, sup.get_fontsize(), str(sup.get_fontweight()))
    return (1 - sup.get_position()[1]) * h + text_height(text, sup.get_fontsize()) + 0.08


@functools.lru_cache(maxsize=8192)
def _line_width(line: str, size: float, weight: str) -> float:
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family="sans-serif", size=size, weight=weight)
    w, _h, _d = text_to_path.get_text_width_height_descent(line, prop, ismath=False)
    return w / 72 * 1.04  # hinting at screen resolution makes text slightly wider


def text_width(text: str, size: float = FONT, weight: str = "normal") -> float:
    """Width in inches of a (multi-line) text in the kit's font; cached per line."""
    return max((_line_width(line, float(size), weight) for line in str(text).split("\n")
                if line), default=0.0)


def text_height(text: str, size: float = FONT) -> float:
    """Height in inches of a (multi-line) text (line spacing 1.2)."""
    n = str(text).count("\n") + 1 if text else 0
    return n * 1.2 * size / 72


@functools.lru_cache(maxsize=64)
def _space_width(size: float, weight: str) -> float:
    # the advance of one space: "a a" less two "a" (a lone space has no ink to measure)
    return _line_width("a a", size, weight) - 2 * _line_width("a", size, weight)


def wrap(text: str, width: float, size: float = FONT, weight: str = "normal") -> str:
    """Wrap ``text`` at word boundaries so that each line is at most ``width`` inches.

    A line's width is the sum of its words' widths and the spaces between them: each word
    is measured once (and cached across figures and reports) instead of every growing
    line being laid out anew. DejaVu Sans has no kerning with the space, so the sum is
    the width of the line as drawn (within the 4% margin of :func:`text_width`).
    """
    size = float(size)
    space = _space_width(size, weight)
    out = []
    for para in str(text).split("\n"):
        line, used = "", 0.0
        for word in para.split(" "):
            w = _line_width(word, size, weight) if word else 0.0
            if line and used + space + w > width:
                out.append(line)
                line, used = word, w
            elif line:
                line, used = f"{line} {word}", used + space + w
            else:
                line, used = word, w
        out.append(line)
    return "\n".join(out)


def tick_labels(axis: Any) -> list[str]:
    """The major tick labels an axis will draw (within its view limits), without drawing."""
    locs = np.asarray(axis.get_majorticklocs(), dtype=float)
    if locs.size == 0:
        return []
    labels = axis.get_major_formatter().format_ticks(locs)
    lo, hi = sorted(axis.get_view_interval())
    eps = 1e-9 * max(hi - lo, 1e-12)
    return [s for x, s in zip(locs, labels, strict=True) if lo - eps <= x <= hi + eps and s]


def legend_size(labels: Sequence[str], ncol: int = 1, size: float = LEGEND_FONT
                ) -> tuple[float, float]:
    """Width and height in inches of a frameless legend with matplotlib's default spacing.

    Spacing in font sizes (rcParams ``legend.*``): handle 2.0 + text pad 0.8 per entry,
    column gap 2.0, row gap 0.5, border 0.4; filled column by column, as matplotlib does.
    """
    labels = list(labels)
    if not labels:
        return 0.0, 0.0
    em = size / 72
    nrows = math.ceil(len(labels) / ncol)
    cols = [c for c in (labels[i * nrows:(i + 1) * nrows] for i in range(ncol)) if c]
    widths = [(2.0 + 0.8) * em + max(text_width(s, size) for s in c) for c in cols]
    w = sum(widths) + (len(cols) - 1) * 2.0 * em + 2 * 0.4 * em
    row = max(max(text_height(s, size) for s in labels), 0.7 * em)
    h = nrows * row + (nrows - 1) * 0.5 * em + 2 * 0.4 * em
    return w, h


def legend_columns(labels: Sequence[str], width: float, size: float = LEGEND_FONT) -> int:
    """Most columns (≤ len(labels)) for which a one-row-per-column legend fits ``width``."""
    for ncol in range(len(labels), 0, -1):
        if legend_size(labels, ncol, size)[0] <= width:
            return ncol
    return 1


def footer(fig: Figure, text: str = BRON, size: float = FOOTER_FONT) -> float:
    """Source line at the bottom left of the figure (wrapped); returns its height in inches."""
    w = fig.get_size_inches()[0] - 2 * PAD
    text = wrap(text, w, size)
    fig.text(PAD, PAD, text, fontsize=size, color="#555555", ha="left", va="bottom",
             transform=fig.dpi_scale_trans)
    return text_height(text, size) + 0.06


def fit(fig: Figure, ax: Any, *, top: float = 0.0, right: float = 0.0, bottom: float = 0.0,
        left: float = 0.0, tick_size: float = FONT) -> MarginLayout:
    """Give a one-axes figure margins that fit its title, labels and tick labels.

    Args:
        fig: The figure.
        ax: Its axes (title, axis labels and tick labels are measured).
        top: Extra room at the top in inches (a legend under the title).
        right: Extra room at the right in inches.
        bottom: Extra room at the bottom in inches (footer, notes).
        left: Extra room at the left in inches.
        tick_size: Font size of the tick labels.
    """
    pt = 1 / 72
    ylab, xlab = ax.get_ylabel(), ax.get_xlabel()
    yt, xt = tick_labels(ax.yaxis), tick_labels(ax.xaxis)
    m_left = PAD + left + max((text_width(s, tick_size) for s in yt), default=0.0)
    m_left += _TICK_PAD_PT * pt + (text_height(ylab) + _LABEL_PAD_PT * pt if ylab else 0.0)
    m_bottom = PAD + bottom + max((text_height(s, tick_size) for s in xt), default=0.0)
    m_bottom += _TICK_PAD_PT * pt + (text_height(xlab) + _LABEL_PAD_PT * pt if xlab else 0.0)
    title = ax.get_title() or ax.get_title(loc="left")
    m_top = PAD + top + (text_height(title, TITLE_FONT) + _TITLE_PAD_PT * pt if title else 0)
    half_last = text_width(xt[-1], tick_size) / 2 if xt and not ax.xaxis_inverted() else 0.0
    m_right = PAD + max(right, half_last)
    engine = set_margins(fig, m_left, m_right, m_bottom, m_top)
    keep_canvas(fig)
    _measured(fig, ax)
    return engine


def _measured(fig: Figure, ax: Any) -> None:
    """Leave out of the tight bounding box what the margins were measured to hold.

    A save with ``bbox_inches="tight"`` would measure the tick labels, legend and texts
    again; the canvas extent (:class:`_Extent`) already decides that bounding box.
    """
    ax.xaxis.set_in_layout(False)
    ax.yaxis.set_in_layout(False)
    for a in [*ax.texts, *fig.texts, *fig.legends]:
        a.set_in_layout(False)
    if ax.get_legend() is not None:
        ax.get_legend().set_in_layout(False)


def header(fig: Figure, ax: Any, title: str, handles: Sequence[Any] = (),
           labels: Sequence[str] | None = None, *, bottom: float = 0.0, right: float = 0.0,
           left: float = 0.0, loc: str = "left", **legend_kw: Any) -> MarginLayout:
    """Title and legend at the top left of the figure, then margins that fit (:func:`fit`).

    The title (bold, wrapped to the figure width) starts at the figure's left edge; under
    it the legend, in as few rows as fit. Both sit above the axes, so neither can cover
    data. ``ax.get_title()`` returns the title. With ``loc="center"`` title and legend
    are centred over the axes instead.

    Args:
        fig: The figure (its final size must be set).
        ax: The axes the title and legend belong to.
        title: Title text.
        handles: Legend handles (none: no legend).
        labels: Legend labels (default: the handles' labels).
        bottom: Extra room at the bottom in inches (footer, notes).
        right: Extra room at the right in inches (a legend beside the axes).
        left: Extra room at the left in inches.
        loc: ``"left"`` (default) or ``"center"``.
        **legend_kw: Passed to ``ax.legend`` (e.g. ``handler_map``).
    """
    full = fig.get_size_inches()[0] - 2 * PAD
    names = list(labels) if labels is not None else [h.get_label() for h in handles]
    leg_h, legend = 0.0, None
    if handles:
        ncol = legend_columns(names, full)
        leg_h = legend_size(names, ncol)[1] + _LEGEND_GAP * LEGEND_FONT / 72
        legend = ax.legend(list(handles), names, loc=f"lower {loc}", ncol=ncol,
                           borderaxespad=_LEGEND_GAP, **legend_kw)
    text = wrap(title, full, TITLE_FONT, "bold")
    pad = _TITLE_PAD_PT + 72 * leg_h
    if loc == "center":
        ax.set_title(text, pad=pad, y=1.0)
        if legend is not None:
            legend.set_bbox_to_anchor((0.5, 1.0), transform=ax.transAxes)
        return fit(fig, ax, top=leg_h, bottom=bottom, right=right, left=left)
    # the centre title slot (``ax.get_title()``), aligned left at the figure's edge
    title_text = ax.set_title(text, pad=pad, y=1.0, horizontalalignment="left")
    engine = fit(fig, ax, top=leg_h, bottom=bottom, right=right, left=left)
    p = engine.get()
    x0 = -(p["left"] - PAD) / (fig.get_size_inches()[0] - p["left"] - p["right"])
    title_text.set_x(x0)
    if legend is not None:
        legend.set_bbox_to_anchor((x0, 1.0), transform=ax.transAxes)
    return engine


class KitFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` whose texts are drawn without font hinting.

    Text is a large part of drawing these figures, and TrueType hinting ("text.hinting:
    default") makes it dearer: each glyph about a third more under matplotlib 3.11, which
    lays out and renders glyph by glyph (the kit needs matplotlib < 3.11 for that reason,
    see README, Performance); 3% of the figures' time under 3.10. At 100 dpi unhinted
    DejaVu Sans looks the same. The setting applies only while this figure draws; rcParams
    are otherwise untouched.
    """

    def draw(self, renderer: Any) -> None:  # noqa: D102
        with mpl.rc_context({"text.hinting": "no_hinting"}):
            super().draw(renderer)


#: zlib level of the report PNGs (see :func:`png_bytes`).
PNG_COMPRESSION = 3


def png_bytes(fig: Figure) -> bytes:
    """The figure as a PNG at :data:`DPI`: the pixels ``savefig(format="png")`` gives.

    Drawn by Agg as ``savefig`` does (:func:`_agg_draw`), then written by pypng: rows
    unfiltered, zlib level :data:`PNG_COMPRESSION`, RGB when every pixel is opaque (the
    kit's figures have a white background). Pillow, which matplotlib writes PNGs with,
    tries every PNG row filter on every row: measured on the four figures of a report,
    ``savefig`` took 118-122 ms and this 91-99 ms, with 15% smaller files (benchmarks: the
    same pixels, tests/test_plots). A figure at another dpi is saved by matplotlib itself.
    """
    import io

    import png

    buf = io.BytesIO()
    if fig.dpi != DPI:
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    with _agg_draw(fig) as rgba:
        height, width = rgba.shape[:2]
        alpha = bool((rgba[..., 3] != 255).any())
        pixels = rgba if alpha else rgba[..., :3]
        png.Writer(width, height, greyscale=False, alpha=alpha, bitdepth=8,
                   compression=PNG_COMPRESSION).write(buf, pixels.reshape(height, -1))
    return buf.getvalue()


#: Agg renderers by (width, height, dpi), kept for the process (see :func:`_agg_draw`).
_RENDERERS: dict[tuple[float, float, float], Any] = {}
_RENDER_LOCK = threading.Lock()


@contextlib.contextmanager
def _agg_draw(fig: Figure) -> Iterator[np.ndarray]:
    """Draw ``fig`` with Agg and yield its RGBA pixels (valid only inside the block).

    As ``FigureCanvasAgg.draw`` does: a :class:`~matplotlib.backends.backend_agg.RendererAgg`
    of the figure's size and dpi, cleared, then ``Figure.draw``. The renderer is kept per
    size for the process instead of one per figure: matplotlib caches text measurements
    per renderer, and the report's figures repeat most of their texts (tick labels, legend
    entries, sources), so a batch worker measures each once. The same pixels (test); the
    four figures of a report, each drawn once, took 0.117 CPU-s against 0.133 s with a
    canvas per figure (38 gemeenten after two of warm-up, medians of 5 process pairs).
    """
    from matplotlib.backends.backend_agg import RendererAgg

    w, h = fig.bbox.size
    key = (float(w), float(h), float(fig.dpi))
    with _RENDER_LOCK:
        renderer = _RENDERERS.get(key)
        if renderer is None:
            if len(_RENDERERS) >= 16:  # a few sizes in practice; never grow without bound
                _RENDERERS.clear()
            renderer = _RENDERERS[key] = RendererAgg(w, h, fig.dpi)
        renderer.clear()
        fig.draw(renderer)
        yield np.asarray(renderer.buffer_rgba())


def new_figure(width: float = 8.0, height: float = 4.5) -> Figure:
    """An empty figure of the kit (:class:`KitFigure`, :data:`DPI`)."""
    return KitFigure(figsize=(width, height), dpi=DPI)



def _rows(df: pd.DataFrame, gm_code: str, what: str,
          columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of one gemeente (only ``columns`` when given: tables here are wide)."""
    mask = (df["gm_code"] == gm_code).to_numpy()
    if not mask.any():
        raise ParameterError(f"{what}: geen rijen voor gemeente {gm_code!r}")
    if columns is None:
        return df.loc[mask]
    return df.loc[mask, [c for c in dict.fromkeys(columns) if c in df.columns]]


def _naam(df: pd.DataFrame, gm_code: str) -> str:
    """The gemeente's name from a table that has it (else the code)."""
    if "naam" in df.columns:
        n = df.loc[(df["gm_code"] == gm_code).to_numpy(), "naam"].dropna()
        if len(n):
            return str(n.iloc[0])
    return gm_code


def _maat(measure: str) -> str:
    """Label of a measure without the unit, for titles: ``netto kosten per inwoner``."""
    return MATEN.get(measure, measure).replace(" (€)", "")


def _unit_label(measure: str, values: Any = None) -> str:
    """Axis label of a measure; a gap that goes negative says what negative means."""
    label = MATEN.get(measure, measure)
    if measure.startswith("tekort") and values is not None and np.nanmin(
            np.asarray(values, dtype=float), initial=0.0) < 0:
        label += "\nnegatief = overschot"
    return label


def bars(ax: Any, pos: Any, length: Any, width: float = 0.8, base: Any = 0.0, *,
         color: Any = NEUTRAAL, horizontal: bool = False, edgecolor: str = "white",
         linewidth: float = 1.0, zorder: float = 2.0) -> PolyCollection:
    """Bars as one collection: what ``ax.bar``/``ax.barh`` draw, at a fraction of the cost.

    ``ax.bar`` makes one Rectangle per bar and updates the data limits per rectangle
    (about 1 ms each); one :class:`~matplotlib.collections.PolyCollection` looks the same
    and is added at once. The value axis sticks to ``base`` as with ``ax.bar``.

    Args:
        ax: The axes.
        pos: Bar centres on the category axis.
        length: Bar lengths (heights, or widths when ``horizontal``).
        width: Bar thickness in data units of the category axis.
        base: Where the bars start on the value axis (scalar or per bar).
        color: One colour or one per bar.
        horizontal: Horizontal bars (``barh``).
        edgecolor: Outline colour (white, like the seaborn style's bars).
        linewidth: Outline width.
        zorder: Drawing order.

    Returns:
        The collection; :func:`bar_extents` gives the bars back as (x, y, w, h).
    """
    pos = np.asarray(pos, dtype=float)
    length = np.asarray(length, dtype=float)
    base = np.broadcast_to(np.asarray(base, dtype=float), pos.shape)
    lo, hi = pos - width / 2, pos + width / 2
    v0, v1 = base, base + np.nan_to_num(length)
    if horizontal:
        verts = np.stack([np.c_[v0, lo], np.c_[v1, lo], np.c_[v1, hi], np.c_[v0, hi]], axis=1)
    else:
        verts = np.stack([np.c_[lo, v0], np.c_[lo, v1], np.c_[hi, v1], np.c_[hi, v0]], axis=1)
    coll = PolyCollection(verts, facecolors=color, edgecolors=edgecolor, linewidths=linewidth,
                          zorder=zorder)
    (coll.sticky_edges.x if horizontal else coll.sticky_edges.y).extend(np.unique(base))
    ax.add_collection(coll)
    ax.autoscale_view()
    return coll


def bar_extents(coll: PolyCollection) -> np.ndarray:
    """The bars of :func:`bars` as rows (x, y, width, height)."""
    out = []
    for path in coll.get_paths():
        v = path.vertices[:4]
        (x0, y0), (x1, y1) = v.min(axis=0), v.max(axis=0)
        out.append((x0, y0, x1 - x0, y1 - y0))
    return np.array(out).reshape(-1, 4)


def _boxes(ax: Any, groups: Sequence[np.ndarray], width: float = 0.55) -> None:
    """Horizontal box plots as matplotlib's boxplot draws them, with fewer artists.

    Quartile box, median, whiskers at 1.5 IQR (no fliers): one bar container and one line
    collection instead of six artists per box.
    """
    from matplotlib.collections import LineCollection

    pos = np.arange(len(groups), dtype=float)
    q1, med, q3, lo, hi = (np.full(len(groups), np.nan) for _ in range(5))
    for i, g in enumerate(groups):
        g = np.asarray(g, dtype=float)
        g = g[np.isfinite(g)]
        if g.size == 0:
            continue
        q1[i], med[i], q3[i] = np.percentile(g, [25, 50, 75])
        iqr = q3[i] - q1[i]
        lo[i] = g[g >= q1[i] - 1.5 * iqr].min()  # whiskers: furthest point within 1.5 IQR
        hi[i] = g[g <= q3[i] + 1.5 * iqr].max()
    ok = np.isfinite(med)
    bars(ax, pos[ok], (q3 - q1)[ok], width, q1[ok], color="#E6E6E6", horizontal=True,
         edgecolor="#555555")
    half, cap = width / 2, width / 4
    segs = []
    for i in np.flatnonzero(ok):
        segs += [[(med[i], i - half), (med[i], i + half)],
                 [(lo[i], i), (q1[i], i)], [(q3[i], i), (hi[i], i)],
                 [(lo[i], i - cap), (lo[i], i + cap)], [(hi[i], i - cap), (hi[i], i + cap)]]
    ax.add_collection(LineCollection(segs, colors="#555555", lw=1.0, zorder=3))


def _gf_bron(rows: pd.DataFrame, jaar: int) -> str:
    """Source line for a figure with the gemeentefonds: circulaire and uitkeringsjaar."""
    r = rows.iloc[0]
    circ, uj = r.get("gf_circulaire"), r.get("gf_uitkeringsjaar")
    if pd.isna(circ) or pd.isna(uj):
        return f"{BRON} Gemeentefonds: {r.get('gf_bron', 'onbekend')}."
    gf = f"{circ}, uitkeringsjaar {int(uj)}"
    if int(uj) != int(jaar):
        gf += f" ({jaar} ontbreekt)"
    return f"Bron: CBS (Iv3, kerncijfers), BZK (gemeentefonds {gf}); bewerking analysekit."


def _domein_label(d: str) -> str:
    return d.replace("Sociale basisvoorzieningen", "Sociale basis-\nvoorzieningen")


# --------------------------------------------------------------------------- deficits


def plot_domain_trends(
    traj: pd.DataFrame,
    gm_code: str,
    measure: str = "netto_per_inwoner",
    domeinen: Sequence[str] = DOMEINEN,
    projections: Mapping[str, Projection] | None = None,
) -> Figure:
    """Line per domein over the years; filled markers = jaarrekening, open = begroting.

    Args:
        traj: :func:`~analysekit.analysis.deficits.trajectory_all` output (or one gemeente).
        gm_code: The gemeente.
        measure: Column to draw (see :data:`MATEN`).
        domeinen: Domains to draw.
        projections: Optional domein → :class:`Projection` of the same measure; drawn
            dashed with the prediction band when ``ok``.
    """
    rows = _rows(traj, gm_code, "plot_domain_trends",
                 ["gm_code", "naam", "jaar", "domein", "verslagsoort", measure])
    with style():
        fig = new_figure(8.0, 4.5)
        ax = fig.subplots()
        rows = rows.sort_values("jaar")
        dom_a = rows["domein"].to_numpy(object)
        jaar_a = rows["jaar"].to_numpy(float)
        val_a = rows[measure].to_numpy(float)
        jr_a = (rows["verslagsoort"] == "jaarrekening").to_numpy(bool)
        drawn = []
        for dom in domeinen:
            sel = dom_a == dom
            if not sel.any():
                continue
            c = DOMEIN_KLEUREN.get(dom, NEUTRAAL)
            x, y, jr = jaar_a[sel], val_a[sel], jr_a[sel]
            # line with filled markers; begroting years get an open marker on top
            ax.plot(x, y, color=c, lw=2, marker="o", ms=6.5, label=dom)
            if (~jr).any():
                ax.plot(x[~jr], y[~jr], ls="", marker="o", ms=6.5, mfc="white", mec=c, mew=1.5)
            drawn.append(y)
            p = (projections or {}).get(dom)
            if p is not None and p.ok:
                f = p.forecast
                xs = np.r_[x[-1], f["jaar"].to_numpy(float)]
                ax.plot(xs, np.r_[y[-1], f["verwachting"].to_numpy(float)], color=c, ls="--",
                        lw=1.5)
                ax.fill_between(f["jaar"], f["ondergrens"], f["bovengrens"], color=c,
                                alpha=0.15, lw=0)
                drawn.append(f[["ondergrens", "bovengrens"]].to_numpy(float).ravel())
        ax.yaxis.set_major_locator(_nice(5))
        ax.yaxis.set_major_formatter(_EurFormatter())
        ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        ax.xaxis.grid(False)
        ax.axhline(0, color="#888888", lw=0.8)
        ax.set_xlabel("jaar")
        values = np.concatenate(drawn) if drawn else None
        ax.set_ylabel(_unit_label(measure, values))
        handles, _labels = ax.get_legend_handles_labels()
        handles += [
            Line2D([], [], marker="o", ls="", color="#555555", label="jaarrekening"),
            Line2D([], [], marker="o", ls="", markerfacecolor="white",
                   markeredgecolor="#555555", label="begroting"),
        ]
        if projections and any(p.ok for p in projections.values()):
            handles.append(Line2D([], [], ls="--", color="#555555",
                                  label="projectie (met\nvoorspellingsinterval)"))
        leg_w, _ = legend_size([h.get_label() for h in handles])
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5),
                  borderaxespad=0.0)
        header(fig, ax, f"{_naam(rows, gm_code)}: {_maat(measure)} per domein",
               right=leg_w + 0.15, bottom=footer(fig))
    return fig


def plot_trajectory(
    verloop: pd.DataFrame,
    gm_code: str,
    measure: str = "netto_per_inwoner",
    domeinen: Sequence[str] = (*DOMEINEN, TOTAAL),
) -> Figure:
    """The measured years of one gemeente: points and lines, begroting and jaarrekening apart.

    Made for short series (one to three years): every measured value is a point, years of
    one verslagsoort are joined by a line (jaarrekening solid with filled markers,
    begroting dashed with open markers), and nothing is projected. A jaar × verslagsoort
    without a submission (NaN) is left out, never drawn as 0.

    Args:
        verloop: Rows gm_code, naam, jaar, verslagsoort, domein and ``measure`` (e.g. the
            lenses of every jaar × verslagsoort, :func:`deficits.deficits_all`).
        gm_code: The gemeente.
        measure: Column to draw (see :data:`MATEN`).
        domeinen: Domains to draw (default the four and the total).
    """
    rows = _rows(verloop, gm_code, "plot_trajectory",
                 ["gm_code", "naam", "jaar", "domein", "verslagsoort", measure])
    rows = rows.loc[rows[measure].notna()].sort_values("jaar")
    with style():
        fig = new_figure(8.0, 4.5)
        ax = fig.subplots()
        drawn, handles = [], []
        for dom in domeinen:
            c = DOMEIN_KLEUREN.get(dom, NEUTRAAL)
            any_drawn = False
            for vs, ls, lw in (("jaarrekening", "-", 2.2), ("begroting", "--", 1.5)):
                r = rows.loc[(rows["domein"] == dom) & (rows["verslagsoort"] == vs)]
                if r.empty:
                    continue
                # the jaarrekening a little right of the begroting of the same year
                x = r["jaar"].to_numpy(float) + (0.08 if vs == "jaarrekening" else 0.0)
                y = r[measure].to_numpy(float)
                ax.plot(x, y, color=c, ls=ls, lw=lw, marker="o", ms=7,
                        mfc=c if vs == "jaarrekening" else "white", mec=c, mew=1.6, zorder=3)
                drawn.append(y)
                any_drawn = True
            if any_drawn:
                handles.append(Line2D([], [], color=c, lw=2.2 if dom == TOTAAL else 2,
                                      label=dom))
        handles += [
            Line2D([], [], color="#555555", ls="-", lw=2, marker="o", ms=6,
                   label="jaarrekening\n(realisatie)"),
            Line2D([], [], color="#555555", ls="--", lw=1.5, marker="o", ms=6,
                   mfc="white", label="begroting (plan)"),
        ]
        years = sorted(int(j) for j in rows["jaar"].unique())
        if years:
            ax.set_xticks(years)
            ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        values = np.concatenate(drawn) if drawn else np.array([0.0])
        if np.nanmin(values) >= 0:
            ax.set_ylim(0, float(np.nanmax(values)) * 1.08 or 1.0)
        else:
            ax.axhline(0, color="#888888", lw=0.8)
        ax.yaxis.set_major_locator(_nice(5))
        ax.yaxis.set_major_formatter(_EurFormatter())
        ax.xaxis.grid(False)
        ax.set_xlabel("jaar")
        ax.set_ylabel(_unit_label(measure, values))
        if not drawn:
            ax.text(0.5, 0.5, nl.GEEN_GEGEVENS, transform=ax.transAxes, ha="center",
                    va="center", color="#555555", fontsize=TITLE_FONT)
        leg_w, _ = legend_size([h.get_label() for h in handles])
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5),
                  borderaxespad=0.0)
        header(fig, ax, f"{_naam(rows if len(rows) else verloop, gm_code)}: "
               f"{_maat(measure)} per jaar",
               right=leg_w + 0.15, bottom=footer(fig))
    return fig


def plot_gap_vs_gemeentefonds(
    deficits: pd.DataFrame,
    gm_code: str,
    per_inwoner: bool = True,
    domeinen: Sequence[str] = DOMEINEN,
) -> Figure:
    """Net cost beside the gemeentefonds budget (verdeelmodel + IU/DU) per domein.

    Args:
        deficits: :func:`~analysekit.analysis.deficits.deficits_all` output for one year.
        gm_code: The gemeente.
        per_inwoner: Per inwoner (default) or in total euros.
        domeinen: Domains to show.
    """
    rows = _rows(deficits, gm_code, "plot_gap_vs_gemeentefonds",
                 ["gm_code", "naam", "jaar", "domein", "verslagsoort", "inwoners", "netto_eur",
                  "gf_verdeelmodel_eur", "gf_iu_du_eur", "tekort_eur", "gf_bron",
                  "gf_circulaire", "gf_uitkeringsjaar"])
    if rows["jaar"].nunique() > 1:
        raise ParameterError("plot_gap_vs_gemeentefonds: verwacht één jaar; filter het verloop")
    present = set(rows["domein"].unique())
    rows = rows.set_index("domein").reindex([d for d in domeinen if d in present])
    div = rows["inwoners"].to_numpy(float) if per_inwoner else 1.0
    netto = rows["netto_eur"].to_numpy(float) / div
    vm = rows["gf_verdeelmodel_eur"].fillna(0).to_numpy(float) / div
    iu = rows["gf_iu_du_eur"].fillna(0).to_numpy(float) / div
    gap = rows["tekort_eur"].to_numpy(float) / div
    x = np.arange(len(rows))
    w = 0.38
    kleuren = [DOMEIN_KLEUREN.get(d, NEUTRAAL) for d in rows.index]
    n = len(rows)
    with style():
        fig = new_figure(8.0, 4.5)
        ax = fig.subplots()
        # one call: net cost per domein, then the gemeentefonds stack (verdeelmodel, IU/DU)
        bars(ax, np.r_[x - w / 2, x + w / 2, x + w / 2], np.r_[netto, vm, iu], w,
             np.r_[np.zeros(n), np.zeros(n), vm],
             color=kleuren + [GF_KLEUREN["verdeelmodel"]] * n + [GF_KLEUREN["iu_du"]] * n)
        top = float(np.nanmax(np.r_[netto, vm + iu, 0.0]))
        for i, g in enumerate(gap):
            if np.isfinite(g):
                txt = ("tekort " if g > 0 else "overschot ") + nl.eur(
                    abs(g), decimals=2 if abs(g) < 10 else 0, compact=True)
                ax.text(x[i], np.nanmax([netto[i], vm[i] + iu[i]]) + 0.02 * top, txt,
                        ha="center", va="bottom", fontsize=8.5,
                        color=ACCENT if g > 0 else OVERSCHOT)
        ax.set_xticks(x, [_domein_label(d) for d in rows.index])
        ax.xaxis.grid(False)
        ax.yaxis.set_major_locator(_nice(5))
        ax.yaxis.set_major_formatter(_EurFormatter())
        ax.axhline(0, color="#888888", lw=0.8)
        ax.set_ylim(top=top * 1.12 if top > 0 else None)
        unit = "per inwoner" if per_inwoner else "totaal"
        jaar = int(rows["jaar"].iloc[0])
        vs = rows["verslagsoort"].iloc[0]
        ax.set_ylabel(f"€ {unit}")
        netto_handle = tuple(Patch(color=c) for c in kleuren) if kleuren else Patch()
        header(fig, ax, f"{_naam(rows, gm_code)} {jaar} ({vs}): netto kosten en "
               f"gemeentefonds {unit}",
               [netto_handle, Patch(color=GF_KLEUREN["verdeelmodel"]),
                Patch(color=GF_KLEUREN["iu_du"])],
               ["netto kosten", "gemeentefonds: verdeelmodel", "gemeentefonds: IU/DU"],
               handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
               bottom=footer(fig, _gf_bron(rows, jaar)))
    return fig


def plot_taakveld_breakdown(
    breakdown: pd.DataFrame,
    gm_code: str | None = None,
    top: int | None = None,
    naam: str | None = None,
) -> Figure:
    """Horizontal bars of net cost per taakveld, coloured by domein, begroting as a tick.

    Args:
        breakdown: :func:`~analysekit.analysis.deficits.taakveld_breakdown` output.
        gm_code: The gemeente (default: the only one in ``breakdown``).
        top: Show only the ``top`` largest taakvelden by |net cost|.
        naam: Name for the title (default: gm_code).
    """
    if gm_code is None:
        codes = breakdown["gm_code"].unique()
        if len(codes) != 1:
            raise ParameterError("plot_taakveld_breakdown: meerdere gemeenten; geef gm_code mee")
        gm_code = str(codes[0])
    rows = _rows(breakdown, gm_code, "plot_taakveld_breakdown").copy()
    order = {d: i for i, d in enumerate(DOMEINEN)}
    rows["_o"] = rows["domein"].map(order)
    if top:
        rows = rows.loc[rows["netto_eur"].abs().nlargest(top).index]
    rows = rows.sort_values(["_o", "taakveld"], ascending=[False, False])
    names = rows.get("taakveld_naam", rows["taakveld"]).fillna("")
    labels = [_short(f"{t} {n}".strip(), 48) for t, n in zip(rows["taakveld"], names, strict=True)]
    jaarrekening = (rows.get("verslagsoort", pd.Series(dtype=str)) == "jaarrekening").any()
    with style():
        fig = new_figure(8.0, max(3.0, 0.26 * len(rows) + 1.9))
        ax = fig.subplots()
        y = np.arange(len(rows))
        bars(ax, y, rows["netto_eur"], 0.72, horizontal=True,
             color=[DOMEIN_KLEUREN.get(d, NEUTRAAL) for d in rows["domein"]])
        if "netto_begroting_eur" in rows.columns and rows["netto_begroting_eur"].notna().any() \
                and jaarrekening:
            ax.plot(rows["netto_begroting_eur"], y, ls="", marker="|", ms=11, mew=1.6,
                    color="black", zorder=3)
        ax.set_yticks(y, labels)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.yaxis.grid(False)
        ax.xaxis.set_major_locator(_nice(5))
        ax.xaxis.set_major_formatter(_EurFormatter())
        ax.axvline(0, color="#888888", lw=0.8)
        ax.set_xlabel("netto kosten (lasten − baten)")
        jaar = int(rows["jaar"].iloc[0]) if "jaar" in rows.columns else ""
        vs = rows["verslagsoort"].iloc[0] if "verslagsoort" in rows.columns else ""
        handles = [Patch(color=DOMEIN_KLEUREN[d], label=d) for d in DOMEINEN
                   if d in set(rows["domein"])]
        if jaarrekening:
            handles.append(Line2D([], [], marker="|", ls="", color="black", markersize=10,
                                  mew=1.6, label="begroting"))
        header(fig, ax, f"{naam or gm_code} {jaar} ({vs}): netto kosten per taakveld",
               handles, bottom=footer(fig))
    return fig


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_projection(projection: Projection, titel: str = "", measure: str = "tekort_eur") -> Figure:
    """Observed series with the projection and its prediction interval, or the reason why not.

    Args:
        projection: Output of :func:`~analysekit.analysis.forecast.project`.
        titel: Title.
        measure: Used for the axis label.
    """
    with style():
        fig = new_figure(8.0, 4.5)
        ax = fig.subplots()
        o = projection.observed
        ax.plot(o["jaar"], o["waarde"], marker="o", color=PEER_KLEUR, lw=2, label="waargenomen")
        values = [o["waarde"].to_numpy(float)]
        handles = [Line2D([], [], marker="o", color=PEER_KLEUR, lw=2, label="waargenomen")]
        if projection.ok:
            f = projection.forecast
            ax.plot(np.r_[o["jaar"].iloc[-1], f["jaar"]], np.r_[o["waarde"].iloc[-1],
                    f["verwachting"]], ls="--", color=ACCENT, lw=1.8)
            pct = round(projection.coverage * 100)
            ax.fill_between(f["jaar"], f["ondergrens"], f["bovengrens"], color=ACCENT,
                            alpha=0.18, lw=0)
            values.append(f[["ondergrens", "bovengrens"]].to_numpy(float).ravel())
            handles += [Line2D([], [], ls="--", color=ACCENT, lw=1.8, label="projectie"),
                        Patch(color=ACCENT, alpha=0.18, lw=0,
                              label=f"{pct}%-voorspellingsinterval")]
        ax.yaxis.set_major_locator(_nice(5))
        ax.yaxis.set_major_formatter(_EurFormatter())
        ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        ax.xaxis.grid(False)
        ax.set_xlabel("jaar")
        ax.set_ylabel(_unit_label(measure, np.concatenate(values)))
        f_h = footer(fig)
        # the note (why there is no projection, or how it was made) goes under the axes
        note = wrap(projection.message, fig.get_size_inches()[0] - 2 * PAD, 8.5)
        note_h = text_height(note, 8.5) + 0.08
        fig.text(PAD, PAD + f_h, note, fontsize=8.5, color="#333333", ha="left",
                 va="bottom", transform=fig.dpi_scale_trans)
        fig.set_size_inches(8.0, 4.5 + note_h)
        # without a projection a legend for the single line would only repeat the title
        header(fig, ax, titel or f"Projectie: {_maat(measure)}",
               handles if projection.ok else (), bottom=f_h + note_h)
    return fig


# --------------------------------------------------------------------------- benchmark


def plot_peer_strip(
    values: pd.DataFrame,
    gm_code: str,
    peer_list: pd.DataFrame | Sequence[str],
    measure: str = "netto_per_inwoner",
    domeinen: Sequence[str] = DOMEINEN,
) -> Figure:
    """Box + strip of the peers per domein, with the gemeente highlighted.

    Args:
        values: Long table with gm_code, domein and ``measure`` (e.g. deficits_all).
        gm_code: The gemeente.
        peer_list: Peer table (gm_code column) or gm_codes.
        measure: Column to compare.
        domeinen: Domains to show.
    """
    codes = (peer_list["gm_code"].astype(str).tolist() if isinstance(peer_list, pd.DataFrame)
             else [str(c) for c in peer_list])
    cols = ["gm_code", "naam", "jaar", "domein", measure]
    own = _rows(values, gm_code, "plot_peer_strip", cols)
    mask = (values["gm_code"].isin(codes) & values["domein"].isin(domeinen)).to_numpy()
    peer_rows = values.loc[mask, [c for c in cols if c in values.columns]]
    present = set(values["domein"].unique())
    order = [d for d in domeinen if d in present]
    naam = _naam(own, gm_code)
    index = {d: i for i, d in enumerate(order)}
    peer_dom = peer_rows["domein"].to_numpy(object)
    peer_val = peer_rows[measure].to_numpy(float)
    pos = np.array([index.get(d, np.nan) for d in peer_dom], dtype=float)
    own_val = dict(zip(own["domein"].to_numpy(object), own[measure].to_numpy(float),
                       strict=True))
    with style():
        fig = new_figure(8.0, 0.8 * len(order) + 2.0)
        ax = fig.subplots()
        _boxes(ax, [peer_val[pos == i] for i in range(len(order))])
        ax.set_yticks(np.arange(len(order)), [_domein_label(d) for d in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.yaxis.grid(False)
        rng = np.random.default_rng(0)  # seeded jitter: the same figure every run
        ax.scatter(peer_val, pos + rng.uniform(-0.18, 0.18, len(pos)), s=22,
                   color=PEER_KLEUR, alpha=0.75, zorder=4, lw=0)
        ax.scatter([own_val.get(d, np.nan) for d in order], np.arange(len(order)), marker="D",
                   s=80, color=ACCENT, edgecolor="white", lw=1.2, zorder=5)
        ax.xaxis.set_major_locator(_nice(6))
        ax.xaxis.set_major_formatter(_EurFormatter())
        ax.set_xlabel(MATEN.get(measure, measure))
        ax.set_ylabel("")
        jaar = f" {int(own['jaar'].iloc[0])}" if "jaar" in own.columns else ""
        handles = [
            Line2D([], [], marker="D", ls="", color=ACCENT, markersize=7, label=naam),
            Line2D([], [], marker="o", ls="", color=PEER_KLEUR, label="vergelijkbare gemeenten"),
            Patch(facecolor="#E6E6E6", edgecolor="#555555", label="kwartielen peers"),
        ]
        header(fig, ax, f"{naam}{jaar}: {_maat(measure)} tussen {len(codes)} vergelijkbare "
               "gemeenten", handles, bottom=footer(fig))
    return fig


def plot_choropleth(
    grenzen: pd.DataFrame,
    values: pd.DataFrame,
    column: str,
    gm_code: str | None = None,
    peer_list: pd.DataFrame | Sequence[str] | None = None,
    titel: str | None = None,
    cmap: str = "YlOrRd",
) -> Figure:
    """Choropleth of a per-gemeente figure with the gemeente and its peers outlined.

    Args:
        grenzen: GeoDataFrame with gm_code and geometry (table ``grenzen`` of one jaar).
        values: gm_code and ``column`` (one row per gemeente).
        column: Column to colour by.
        gm_code: Gemeente to outline thickly (optional).
        peer_list: Peers to outline (optional).
        titel: Title (default: the column label).
        cmap: Matplotlib colormap name.
    """
    import geopandas as gpd

    if not isinstance(grenzen, gpd.GeoDataFrame):
        raise ParameterError("plot_choropleth: verwacht een GeoDataFrame (tabel grenzen)")
    if "jaar" in grenzen.columns and grenzen["jaar"].nunique() > 1:
        raise ParameterError("plot_choropleth: grenzen bevat meerdere jaren; kies één indeling")
    if values["gm_code"].duplicated().any():
        raise ParameterError(
            "plot_choropleth: values heeft dubbele gm_codes; verwacht: één rij per gm_code"
        )
    vals = values[["gm_code", column]].copy()
    if "geleverd" in values.columns:  # no submission: no value, never 0
        vals.loc[~values["geleverd"].astype(bool).to_numpy(), column] = np.nan
    geo = grenzen[["gm_code", "geometry"]].merge(vals, on="gm_code", how="left")
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=grenzen.crs)
    if geo.crs is not None and geo.crs.to_epsg() != 28992:
        geo = geo.to_crs(28992)
    codes = ([] if peer_list is None else
             peer_list["gm_code"].astype(str).tolist() if isinstance(peer_list, pd.DataFrame)
             else [str(c) for c in peer_list])
    euro = "eur" in column or "per_" in column
    with style():
        fig = new_figure(7.0, 7.2)
        ax = fig.subplots()
        geo.plot(column=column, ax=ax, cmap=cmap, legend=True, edgecolor="white", linewidth=0.2,
                 missing_kwds={"color": GEEN_GEGEVENS_KLEUR, "label": nl.GEEN_GEGEVENS},
                 legend_kwds={"label": MATEN.get(column, column), "shrink": 0.6,
                              "pad": 0.02, "fraction": 0.05,
                              "format": _EurFormatter() if euro else None})
        if codes:
            geo[geo["gm_code"].isin(codes)].boundary.plot(ax=ax, color=PEER_RAND, linewidth=1.4)
        if gm_code is not None:
            geo[geo["gm_code"] == gm_code].boundary.plot(ax=ax, color="black", linewidth=2.6)
        ax.set_axis_off()
        handles = []
        if gm_code is not None:
            naam = gm_code
            if "naam" in grenzen.columns:
                hit = grenzen.loc[grenzen["gm_code"] == gm_code, "naam"]
                naam = str(hit.iloc[0]) if len(hit) else gm_code
            handles.append(Line2D([], [], color="black", lw=2.6, label=naam))
        if codes:
            handles.append(Line2D([], [], color=PEER_RAND, lw=1.4,
                                  label="vergelijkbare gemeenten"))
        if geo[column].isna().any():
            handles.append(Patch(color=GEEN_GEGEVENS_KLEUR, label=nl.GEEN_GEGEVENS))
        if handles:
            ax.legend(handles=handles, loc="upper left")
        title = wrap(titel or MATEN.get(column, column), 7.0 - 2 * PAD, TITLE_FONT, "bold")
        ax.set_title(title, y=1.0, x=0.0, horizontalalignment="left")
        keep_canvas(fig)
        f_h = footer(fig, "Bron: CBS/PDOK gebiedsindelingen, CBS, BZK; bewerking analysekit.")
        cax = fig.axes[-1]  # the colorbar: its tick labels and label stick out to the right
        cbar = max((text_width(t) for t in tick_labels(cax.yaxis)), default=0.0)
        cbar += _TICK_PAD_PT / 72 + text_height(cax.get_ylabel()) + _LABEL_PAD_PT / 72
        top = PAD + text_height(title, TITLE_FONT) + _TITLE_PAD_PT / 72
        # height from the map's aspect, so no band of white under it; the colorbar has its
        # own column of the grid (gridspec colorbar), right of the map
        x0, y0, x1, y1 = geo.total_bounds
        map_w = (7.0 - 2 * PAD - cbar) * (1 - 0.05 - 0.02)  # minus colorbar fraction, pad
        fig.set_size_inches(7.0, top + PAD + f_h + map_w * (y1 - y0) / (x1 - x0) + 0.05)
        set_margins(fig, PAD, PAD + cbar, PAD + f_h, top)
    return fig
