"""Benchmark the report's HTML export against nbconvert's HTMLExporter as it is.

Real reports: ``foto-sociaal-domein`` for a few gemeenten is run once (warm cache), and
each executed notebook is exported again and again, CPU seconds per report, medians:

* **kit**: :func:`analysekit.reporting.export.export_html`: the template rendered without
  nbconvert's second (BeautifulSoup) parse; the sanitiser makes the accessibility fix-ups
  in the parse it makes anyway;
* **nbconvert as is**: ``HTMLExporter.from_notebook_node`` with the same template and
  settings, then the same sanitiser (what the kit did between issue 16 and issue 17's
  performance fix).

Both give the same document (tags, attributes, text), checked here on every report and
in ``tests/test_runner.py``. Run: ``.venv/bin/python benchmarks/bench_export.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from common import report  # noqa: E402
from html_events import html_events  # noqa: E402

from analysekit.reporting import export, runner  # noqa: E402
from analysekit.reporting.display import escape_markdown_outputs  # noqa: E402
from analysekit.reporting.sanitize import sanitize_html  # noqa: E402

GEMEENTEN = ["Tilburg", "Ede", "Vlieland", "Amsterdam", "Súdwest-Fryslân"]


def main() -> None:
    """Run the benchmark and print and save its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    with tempfile.TemporaryDirectory() as tmp:
        nbs = []
        for g in GEMEENTEN[: args.gemeenten]:
            res = runner.run_report(g, "foto-sociaal-domein", {}, root=tmp)
            nbs.append(nbformat.read(res.ipynb, as_version=4))
    reference = HTMLExporter(
        extra_loaders=[DictLoader({"analysekit-report.html.j2": export.REPORT_TEMPLATE})],
        template_file="analysekit-report.html.j2", exclude_input=True,
        exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
        anchor_link_text="", optimistic_validation=True,
    )

    def as_is(nb):
        body, _ = reference.from_notebook_node(
            escape_markdown_outputs(export._without_scraps(nb)),
            resources={"metadata": {"name": "rapport"}})
        return sanitize_html(body)

    for nb in nbs:  # the same document, and everything warm
        assert html_events(export.export_html(nb)) == html_events(as_is(nb))
    times: dict[str, list[float]] = {"kit": [], "as_is": []}
    for _ in range(args.repeat):
        for name, fn in (("kit", export.export_html), ("as_is", as_is)):
            t0 = time.process_time()
            for nb in nbs:
                fn(nb)
            times[name].append((time.process_time() - t0) / len(nbs))
    kit, naive = statistics.median(times["kit"]), statistics.median(times["as_is"])
    report("bench_export", [{
        "what": f"HTML export, CPU s per report ({len(nbs)} reports)",
        "median_s": kit, "naive_s": naive,
    }])


if __name__ == "__main__":
    main()
