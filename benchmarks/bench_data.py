"""Benchmark the data layer: ``data build`` (target ≤30 s) and ``load("iv3")`` (target ≤0.3 s).

Naive ways, measured side by side in the same run:
* build: the same adapters run one table after another with no reuse (what build does is
  compared against itself only for the target); the ratio shown is for load.
* load("iv3"): the naive way is re-reading and re-harmonising the four raw mirror CSVs each time
  (what a notebook without the processed parquet would do).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_time, report  # noqa: E402

from analysekit.data.build import build  # noqa: E402
from analysekit.data.load import load  # noqa: E402
from analysekit.paths import raw_dir  # noqa: E402


def main() -> None:
    from analysekit.data.build import build_iv3

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t_build = median_time(
            lambda: build(out_dir=out, force=True, echo=lambda s: None), repeat=3, warmup=0
        )
        rows.append(
            {
                "what": "data build (all tables, from raw snapshot)",
                "median_s": t_build,
                "target_s": 30,
            }
        )
        naive = median_time(lambda: build_iv3(raw_dir() / "mirror", raw_dir()), repeat=3)
        t_load = median_time(lambda: load("iv3", data_dir=out), repeat=20)
        rows.append(
            {
                "what": 'load("iv3") full table',
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


if __name__ == "__main__":
    main()
