"""Ctrl-C during ``batch`` and ``report``: exit 130, one line, no traceback, resumable.

Runs the real CLI in a subprocess in its own process group and sends SIGINT to the whole
group, as a terminal does on Ctrl-C (so the worker processes get it too). The moment of
the interrupt is chosen by what the process printed, not by a clock: the batch is
interrupted once its progress bar shows the first finished report.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

GEMEENTEN = [
    "Breda",
    "Delft",
    "Ede",
    "Venlo",
    "Zwolle",
    "Almere",
    "Leiden",
    "Emmen",
    "Assen",
    "Hoorn",
    "Goes",
    "Heerlen",
]
LINE = re.compile(
    r"^analysekit: onderbroken: (\d+) van (\d+) rapporten zijn klaar \((\d+) in deze run\); "
    r"voer hetzelfde commando opnieuw uit om verder te gaan"
)


def start(args: list[str], reports: Path, **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, "ANALYSEKIT_REPORTS": str(reports), "NO_COLOR": "1", **extra_env}
    return subprocess.Popen(
        [sys.executable, "-m", "analysekit.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, like a terminal job
    )


def wait_for(proc: subprocess.Popen, pattern: str, timeout: float = 120) -> str:
    """Read stderr until ``pattern`` appears; return what was read."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ch = proc.stderr.read(1)
        if not ch:
            break
        seen += ch
        if pattern in seen:
            return seen
    proc.kill()
    pytest.fail(f"the command never printed {pattern!r}: {seen[-500:]}")


def ctrl_c(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)


def test_ctrl_c_during_batch_exits_130_and_a_rerun_resumes(tmp_path, built):
    from analysekit.reporting.runner import inputs_fingerprint

    fingerprint = inputs_fingerprint()
    reports = tmp_path / "rapporten"
    args = ["batch", "--gemeenten", ",".join(GEMEENTEN), "-n", "00-demo", "--workers", "2"]
    proc = start(args, reports)
    before = wait_for(proc, f" 1/{len(GEMEENTEN)} ")  # the first report is done
    ctrl_c(proc)
    out, err = proc.communicate(timeout=120)
    err = before + err
    assert proc.returncode == 130, err
    assert "Traceback" not in err + out
    lines = [line for line in err.splitlines() if line.startswith("analysekit:")]
    assert len(lines) == 1, err
    match = LINE.match(lines[0])
    assert match, lines[0]
    done, total, new = map(int, match.groups())
    assert total == len(GEMEENTEN) and done == new and done < total
    finished = {p.parent.parent.name for p in reports.glob("*/*/00-demo.html")}
    assert len(finished) == done  # the line tells the truth

    # a re-run resumes: the finished reports are skipped, the rest is made
    again = subprocess.run(
        [sys.executable, "-m", "analysekit.cli", *args, "--no-progress"],
        capture_output=True,
        text=True,
        env={**os.environ, "ANALYSEKIT_REPORTS": str(reports)},
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    if inputs_fingerprint() != fingerprint:  # pragma: no cover - a shared working tree
        pytest.skip("the kit's code changed during the test, so every report was stale")
    assert again.stdout.startswith(f"{total - done} gemaakt, {done} ongewijzigd, 0 mislukt")
    assert not (reports / "_fouten").exists()


def test_ctrl_c_during_report_exits_130(tmp_path, built):
    reports = tmp_path / "rapporten"
    # an empty report cache: the report first computes the shared values (seconds), so the
    # interrupt lands inside it (a warm report is done in under 2 s)
    proc = start(["report", "Utrecht", "--force"], reports,
                 ANALYSEKIT_CACHE=str(tmp_path / "leeg"), ANALYSEKIT_CACHE_KEY="leeg")
    time.sleep(1.5)  # not an assertion: only gives the report time to start
    if proc.poll() is not None:
        pytest.skip("the report finished before the interrupt was sent")
    ctrl_c(proc)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("analysekit: onderbroken: "), err
    assert "opnieuw" in lines[0] and "Utrecht" in lines[0]
    assert not list(reports.glob("*/*/foto-sociaal-domein.html"))  # nothing half-written
