"""Run a command and see what it leaves behind: child processes, running or defunct.

An orphan (a process whose parent has ended) is adopted by the nearest "child subreaper",
else by PID 1, which in a container may never reap it: it stays as a defunct process. The
command runs here under a small Python process that makes itself a child subreaper
(Linux ``prctl(PR_SET_CHILD_SUBREAPER)``), so whatever the command leaves behind becomes
its child: it lists those children (state ``Z`` = defunct), then ends and reaps them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence

_SCRIPT = r"""
import ctypes, json, os, subprocess, sys, time

PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    print(json.dumps({"error": "prctl failed"}))
    sys.exit(0)
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)


def children():
    me, out = os.getpid(), []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == me:
            out.append({"pid": int(pid), "state": fields[0], "cmd": cmd[:200]})
    return out


time.sleep(0.5)  # what ends when the command ends has ended by now
left = children()
for c in left:
    if c["state"] != "Z":
        try:
            os.kill(c["pid"], 9)
        except OSError:
            pass
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
print(json.dumps({"returncode": done.returncode, "stdout": done.stdout,
                  "stderr": done.stderr, "left": left}))
"""


def run_reaped(cmd: Sequence[str], env: Mapping[str, str] | None = None,
               timeout: float = 600) -> dict:
    """Run ``cmd``; return its returncode, stdout, stderr and the processes it ``left``."""
    done = subprocess.run([sys.executable, "-c", _SCRIPT, *cmd], env=env, capture_output=True,
                          text=True, timeout=timeout, check=True)
    out = json.loads(done.stdout)
    if "error" in out:
        import pytest

        pytest.skip(out["error"])
    return out


def cli(*args: str) -> list[str]:
    """The ``analysekit`` command line with ``args``, run by this Python."""
    return [sys.executable, "-m", "analysekit.cli", *args]


def warnings_as_errors_env() -> dict[str, str]:
    """This environment with every ResourceWarning an error (also in child processes)."""
    import os

    return {**os.environ, "PYTHONWARNINGS": "error::ResourceWarning"}
