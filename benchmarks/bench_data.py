"""Benchmark the data layer: ``data build`` (target ≤30 s) and ``load("iv3")`` (target ≤0.3 s).

Measured side by side in the same run:

* build, **all years** (iv3 2017–2026 from cbs-iv3-meerjarig + michielsd, iv3_totalen,
  domein_reeks) against the **old build** (iv3 2023–2025 only): the kit as it was at
  :data:`OLD_REV`, unpacked with ``git archive`` into a temporary folder. Each build runs in
  its own fresh process (imports not counted: the process times only the ``build`` call),
  old and new interleaved so that machine load hits both alike; medians of the repeats.
* ``domein_reeks()``: reading the built table against computing the series from the
  canonical tables (what every caller would do without the table).
* ``load("iv3")``: the naive way is re-reading and re-harmonising the raw mirror files each
  time (what a notebook without the processed parquet would do).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_time, report  # noqa: E402

from analysekit.data.load import load  # noqa: E402
from analysekit.paths import project_root, raw_dir  # noqa: E402

#: The last commit before the multi-year Iv3 (issue 17): the "old build".
OLD_REV = "6cc994e"
REPEAT = 3
_TIMED = (
    "import json, sys, time\n"
    "from pathlib import Path\n"
    "from analysekit.data.build import build\n"
    "t0 = time.perf_counter()\n"
    "r = build(root=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), force=True,\n"
    "          echo=lambda s: None)\n"
    "print(json.dumps({'s': time.perf_counter() - t0, 'rows': r['rows'],"
    " 'steps': r['seconds']}))\n"
)


def _old_source(dest: Path) -> Path:
    """Unpack ``src/`` of :data:`OLD_REV` into ``dest``; return the folder to put on the path."""
    blob = subprocess.run(
        ["git", "-C", str(project_root()), "archive", OLD_REV, "src"],
        check=True, capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


def _timed_build(src: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    res = subprocess.run(
        [sys.executable, "-c", _TIMED, str(raw_dir()), str(out)],
        check=True, capture_output=True, text=True, env=env,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    from analysekit.data import series
    from analysekit.data.build import build_iv3

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old_src = _old_source(tmp / "old")
        new_src = project_root() / "src"
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for i in range(REPEAT):
            for name, src in (("old", old_src), ("new", new_src)):
                runs[name].append(_timed_build(src, tmp / f"{name}{i}"))
        med = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
        rows.append(
            {
                "what": "data build, all years (iv3 2017–2026, domein_reeks)",
                "median_s": med["new"],
                "naive_s": med["old"],
                "naive_is": f"old build at {OLD_REV} (iv3 2023–2025 only)",
                "target_s": 30,
                "rows_iv3": runs["new"][-1]["rows"]["iv3"],
                "rows_iv3_old": runs["old"][-1]["rows"]["iv3"],
                "steps_s": runs["new"][-1]["steps"],
                "steps_s_old": runs["old"][-1]["steps"],
                "all_s": [r["s"] for r in runs["new"]],
                "all_s_old": [r["s"] for r in runs["old"]],
            }
        )
        out = tmp / f"new{REPEAT - 1}"
        t_read = median_time(lambda: series.domein_reeks(data_dir=out), repeat=10)
        tables = series._tables(out)
        t_comp = median_time(lambda: series.build_domein_reeks(tables), repeat=3)
        rows.append(
            {"what": "domein_reeks() from the built table", "median_s": t_read,
             "naive_s": t_comp, "naive_is": "computed from the canonical tables"}
        )
        naive = median_time(lambda: build_iv3(raw_dir() / "mirror", raw_dir()), repeat=3)
        t_load = median_time(lambda: load("iv3", data_dir=out), repeat=20)
        rows.append(
            {
                "what": 'load("iv3") full table (2017–2026)',
                "median_s": t_load,
                "naive_s": naive,
                "target_s": 0.3,
            }
        )
        t_one = median_time(
            lambda: load("iv3", gemeente="GM0855", jaar=2023, data_dir=out), repeat=20
        )
        rows.append(
            {"what": 'load("iv3", gemeente, jaar) filtered', "median_s": t_one, "naive_s": naive}
        )
    report("data", rows)
    for r in rows[:1]:
        print(f"  iv3 rows: {r['rows_iv3']} (old {r['rows_iv3_old']}); steps new {r['steps_s']}")
        print(f"  steps old {r['steps_s_old']}")


if __name__ == "__main__":
    main()
