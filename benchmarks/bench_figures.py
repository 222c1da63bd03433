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
* **matplotlib version** (``--matplotlib PATH``): CPU seconds of drawing the same figures
  to PNG with the installed matplotlib and with another one installed in ``PATH`` (e.g.
  ``pip install --target /tmp/mpl311 matplotlib==3.11.2 --no-deps``), each in a child
  process of its own, 5 rounds alternating. This is why the kit needs matplotlib < 3.11:
  3.11 lays out and renders text glyph by glyph in Python.

Run: ``.venv/bin/python benchmarks/bench_figures.py [--gemeenten 3] [--matplotlib PATH]``.
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
            ctx.ontwikkeling.trend_figure(),
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


def _draw_cpu(figs: list, repeat: int = 5) -> float:
    """Median CPU seconds of drawing ``figs`` to PNG (warm: one round first)."""
    import statistics
    import time

    [P.png_bytes(f) for f in figs]
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        [P.png_bytes(f) for f in figs]
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _compare_matplotlib(path: str, n: int, rounds: int = 5) -> None:
    """Drawing CPU with this matplotlib and with the one in ``path``, in child processes."""
    import json
    import os
    import statistics
    import subprocess

    def child(extra: str | None) -> tuple[str, float]:
        env = dict(os.environ)
        if extra:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra, env.get("PYTHONPATH")]))
        out = subprocess.run([sys.executable, __file__, "--gemeenten", str(n), "--draw-only"],
                             env=env, capture_output=True, text=True, check=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        return got["matplotlib"], got["cpu_s"]

    runs: dict[str, list[float]] = {}
    for i in range(rounds):
        for extra in ([None, path] if i % 2 == 0 else [path, None]):
            version, cpu = child(extra)
            runs.setdefault(version, []).append(cpu)
    import matplotlib

    mine = matplotlib.__version__
    other = next(v for v in runs if v != mine)
    report("figures_matplotlib", [{
        "what": f"{4 * n} report figures drawn to PNG, CPU: matplotlib {mine}",
        "median_s": statistics.median(runs[mine]), "naive_s": statistics.median(runs[other]),
        "naive": f"matplotlib {other}", "runs": runs,
    }])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeenten", type=int, default=3)
    ap.add_argument("--matplotlib", metavar="PATH",
                    help="compare the drawing with the matplotlib installed in PATH")
    ap.add_argument("--draw-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    n = max(1, min(args.gemeenten, len(GEMEENTEN)))
    if args.matplotlib:
        _compare_matplotlib(args.matplotlib, n)
        return
    figs = _figures(n)
    if args.draw_only:
        import json

        import matplotlib

        print(json.dumps({"matplotlib": matplotlib.__version__, "cpu_s": _draw_cpu(figs)}))
        return

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
