"""Faults of the real CLI: SIGTERM and Ctrl-C stop it within seconds with no process left.

Each test starts `python -m sim compare` on the default scenario in its own session (as a
terminal would), waits for its two worker processes, then signals for real. A worker killed
mid-run through the CLI is in tests/test_load.py (run in CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = str(ROOT / "scenarios" / "default.yaml")
EXIT_WITHIN = 5.0
LONG_RUN = ["--reps", "400", "--no-explain", "--quiet", "--format", "json", "--workers", "2"]


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "compare", DEFAULT, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job in a terminal
    )


def _workers(proc: subprocess.Popen, n: int = 2, timeout: float = 60) -> list[psutil.Process]:
    """The CLI's worker processes, once `n` of them are running tasks."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = parent.children(recursive=True)
        if len(kids) >= n and all(k.cpu_percent(0.05) > 0 for k in kids):
            return kids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    pytest.fail("the CLI's workers never started")


def _alive(processes: list[psutil.Process]) -> list[int]:
    out = []
    for p in processes:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                out.append(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _left_in_session(sid: int) -> list[int]:
    """Processes still in the CLI's session (workers, their helpers), the CLI aside."""
    found = []
    for p in psutil.process_iter():
        try:
            if os.getsid(p.pid) == sid and p.pid != sid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p.pid)
        except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
            pass
    return found


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_stops_the_run_within_seconds_and_leaves_no_process(signum, code, word):
    """SIGTERM to the CLI, or Ctrl-C to its process group: exit code, a word, no traceback,
    gone within 5 s with every worker."""
    proc = _start(*LONG_RUN)
    try:
        workers = _workers(proc)
        time.sleep(0.5)
        sent = time.monotonic()
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signum)  # what a terminal does on Ctrl-C
        else:
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=EXIT_WITHIN)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(f"{signal.Signals(signum).name}: exited in {took:.2f} s")
    assert proc.returncode == code, err
    assert word in err and "Traceback" not in err, err
    assert took < EXIT_WITHIN
    deadline = time.monotonic() + 2
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _alive(workers) == []
    assert _left_in_session(proc.pid) == []
