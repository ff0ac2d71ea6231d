"""Tiny task functions for tests/test_executors.py, importable by worker processes.

They live outside the test module so that Dask's spawned workers (which inherit this
directory on sys.path) can import them without importing pytest and the test module.
A task is a (name, value) pair or a (name, value, marker) triple; `marker` is a file path.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def square(task: int) -> int:
    """task squared, after a short sleep that scrambles the completion order."""
    time.sleep(0.05 * ((task * 7) % 5))
    return task * task


def slow(task: int) -> int:
    """task, after two seconds (long enough for a worker to be killed under it)."""
    time.sleep(2.0)
    return task


def kill_once(task: tuple[int, str | None]) -> tuple[int, int]:
    """(value, value²); SIGKILL this process the first time a task with a marker runs."""
    value, marker = task
    if marker is not None and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()), encoding="ascii")
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return value, value * value


def kill_always(task: tuple[int, bool]) -> int:
    """SIGKILL this process whenever the task's flag is set; else return the value."""
    value, deadly = task
    if deadly:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return value


def where_is_sim(_task: object) -> str:
    """The file `sim` was imported from in this worker (the worktree's, not another copy)."""
    import sim

    return sim.__file__


def fail_counting(task: tuple[int, str]) -> int:
    """Append a line to the counter file, then raise ValueError for value 3."""
    value, counter = task
    with open(counter, "a", encoding="ascii") as out:
        out.write(f"{value}\n")
    if value == 3:
        raise ValueError("bad input: 3")
    return value


def run_task_killing_once(task: tuple[object, str | None]) -> list:
    """sim.experiments.run_task, after killing this process on a marked task's first try."""
    from sim.experiments import run_task

    run_task_input, marker = task
    if marker is not None and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()), encoding="ascii")
        os.kill(os.getpid(), signal.SIGKILL)
    return run_task(run_task_input)
