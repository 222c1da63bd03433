"""Benchmark the report's figures: writing the PNGs and wrapping titles, next to the naive way.

Real data: the four figures of the main report (``foto-sociaal-domein``) for a few
gemeenten, built once, then saved repeatedly (the text caches are warm, as in a batch
worker):

* **PNG**: :func:`analysekit.analysis.plots.png_bytes` (Agg draws, pypng writes rows
  unfiltered at zlib 3) against ``fig.savefig(format="png")`` with Pillow at compress level
  3, as the report did before. Both give the same pixels (checked here on every figure,
  and in tests/test_plots.py); the sizes are printed.
* **wrap**: :func:`analysekit.analysis.plots.wrap` (each word measured once) against laying
  out every growing candidate line, on the report's real titles, with cold caches for both
  (as in a fresh report process): the lines must be the same.

Run: ``.venv/bin/python benchmarks/bench_figures.py [--gemeenten 3]``.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_time, report  # noqa: E402

from analysekit.analysis import plots as P  # noqa: E402
from analysekit.reporting import params  # noqa: E402
from analysekit.reporting.context import ReportContext  # noqa: E402

GEMEENTEN = ["Breda", "Súdwest-Fryslân", "Ede", "Amsterdam", "Vlieland"]


def _figures(n: int) -> list:
    figs = []
    for g in GEMEENTEN[:n]:
        ctx = ReportContext.from_params(params.validate("foto-sociaal-domein", {"gemeente": g}))
        figs += [
            P.plot_gap_vs_gemeentefonds(ctx.lenzen.deficits_all, ctx.gm_code),
            ctx.ontwikkeling.verloop_figure(),
            P.plot_peer_strip(ctx.lenzen.deficits_all, ctx.gm_code, ctx.positie.benchmark.peers),
            ctx.prijs_volume.figure(),
        ]
    return figs


def _savefig(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=P.DPI, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def _wrap_by_layout(text: str, width: float, size: float, weight: str) -> str:
    """The naive definition: lay out every candidate line (no word cache)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family="sans-serif", size=size, weight=weight)

    def width_of(line: str) -> float:
        return text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0] / 72 * 1.04

    out = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            cand = f"{line} {word}" if line else word
            if line and width_of(cand) > width:
                out.append(line)
                line = word
            else:
                line = cand
        out.append(line)
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeenten", type=int, default=3)
    args = ap.parse_args()
    figs = _figures(max(1, min(args.gemeenten, len(GEMEENTEN))))

    ours = [P.png_bytes(f) for f in figs]
    theirs = [_savefig(f) for f in figs]
    same = all(np.array_equal(_pixels(a), _pixels(b)) for a, b in zip(ours, theirs, strict=True))
    if not same:
        raise SystemExit("png_bytes and savefig give different pixels")
    png_s = median_time(lambda: [P.png_bytes(f) for f in figs], repeat=7)
    save_s = median_time(lambda: [_savefig(f) for f in figs], repeat=7)

    titles = [ax.get_title(loc).replace("\n", " ") for f in figs for ax in f.axes
              for loc in ("center", "left") if ax.get_title(loc)]
    cases = [(t, w, s, wt) for t in titles for w in (3.0, 6.0, 7.6)
             for s, wt in ((P.TITLE_FONT, "bold"), (P.FONT, "normal"))]

    def wrap_ours() -> list[str]:
        P._line_width.cache_clear()
        P._space_width.cache_clear()
        return [P.wrap(*c) for c in cases]

    def wrap_naive() -> list[str]:
        return [_wrap_by_layout(*c) for c in cases]

    if wrap_ours() != wrap_naive():
        raise SystemExit("wrap gives other lines than laying out every candidate line")
    wrap_s = median_time(wrap_ours, repeat=7)
    naive_wrap_s = median_time(wrap_naive, repeat=7)

    n = len(figs)
    report("figures", [
        {"what": f"{n} report figures to PNG (pypng, same pixels)", "median_s": png_s,
         "naive_s": save_s, "bytes": sum(map(len, ours)), "naive_bytes": sum(map(len, theirs))},
        {"what": f"wrap {len(cases)} real titles, cold caches (same lines)", "median_s": wrap_s,
         "naive_s": naive_wrap_s},
    ])
    print(f"  PNG bytes: {sum(map(len, ours)):,} (pypng) against {sum(map(len, theirs)):,} "
          "(savefig)")


if __name__ == "__main__":
    main()
