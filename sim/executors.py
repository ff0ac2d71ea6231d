"""Executors: where an experiment's tasks run (in process, or a process pool).

An executor is an object passed to the runner, never a global: `map(fn, tasks, progress)`
returns `fn(task)` for every task, in task order, whatever order they finish in.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import lru_cache
from typing import Any, Protocol

Progress = Callable[[int, int], None]


class Executor(Protocol):
    """Runs tasks: `map(fn, tasks, progress)` -> results in task order."""

    name: str
    workers: int

    def map(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress | None = None
    ) -> list[Any]:
        """fn(task) for every task, in task order."""
        ...

    def close(self) -> None:
        """Release what the executor started."""
        ...


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Every task in this process, one after another."""

    name = "serial"
    workers = 1

    def map(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress | None = None
    ) -> list[Any]:
        """fn(task) for every task, in order."""
        out = []
        for i, task in enumerate(tasks, 1):
            out.append(fn(task))
            if progress:
                progress(i, len(tasks))
        return out

    def close(self) -> None:
        """Nothing to release."""


@lru_cache(maxsize=1)
def _start_method() -> str:
    """`fork` when this process has one thread, else forkserver (forking threads is unsafe)."""
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@lru_cache(maxsize=4)
def _pool(workers: int, method: str) -> ProcessPoolExecutor:
    """A process pool kept for the life of this process (start-up costs about a second)."""
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["sim.experiments"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


class ProcessExecutor:
    """A process pool of `workers` processes, shared by every caller in this process."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else max(1, int(workers))

    def map(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress | None = None
    ) -> list[Any]:
        """fn(task) for every task on the pool; results in task order."""
        if self.workers == 1:
            return SerialExecutor().map(fn, tasks, progress)
        pool = _pool(self.workers, _start_method())
        for out in (sys.stdout, sys.stderr):  # a forked worker must not repeat buffered text
            out.flush()
        futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
        results: list[Any] = [None] * len(tasks)
        for done, fut in enumerate(as_completed(futures), 1):
            results[futures[fut]] = fut.result()
            if progress:
                progress(done, len(tasks))
        return results

    def close(self) -> None:
        """The pool is shared by the process: it stays for the next caller."""
