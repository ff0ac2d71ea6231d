"""Replications x setups, with common random numbers, on all cores.

The runner knows nothing of the model's internals: it asks `sim.model` for one run and
`sim.metrics` for its KPIs and monthly series, and returns tidy pandas tables. One task is
one replication of *every* setup, so the baseline needed for paired quantities (ops ROI) is
at hand, and results are identical whatever the number of workers: every run depends only
on (scenario, setup, replication, seed).
"""

from __future__ import annotations

import atexit
import math
import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sim.metrics import MONTHLY_SERIES, kpis, monthly_series
from sim.model import RunRecord, run_replication
from sim.params import BASELINE, Scenario
from sim.streams import ReplicationDraws

Progress = Callable[[int, int], None]
"""progress(done, total): called after each finished replication (of all setups)."""


@dataclass(frozen=True)
class RunResult:
    """One replication of one setup: its records, KPIs and monthly series."""

    record: RunRecord
    kpis: dict[str, float]
    monthly: pd.DataFrame


def simulate(
    scenario: Scenario,
    setup: str = BASELINE,
    replication: int = 0,
    seed: int = 0,
    levers: Sequence[str] | None = None,
) -> RunResult:
    """Simulate one replication of one setup; the records stay available for inspection."""
    record = run_replication(
        scenario, setup, replication, seed, tuple(levers) if levers is not None else None
    )
    series = monthly_series(record, scenario)
    frame = pd.DataFrame(series)
    frame.insert(0, "month", np.arange(1, scenario.horizon_months + 1))
    return RunResult(record=record, kpis=kpis(record, scenario, series), monthly=frame)


@dataclass(frozen=True)
class Replications:
    """Results of many replications: tidy tables, one row per (setup, replication[, month])."""

    scenario: Scenario
    seed: int
    setups: tuple[str, ...]
    kpis: pd.DataFrame  # columns: setup, replication, <kpi>...
    monthly: pd.DataFrame  # columns: setup, replication, month, <series>...

    @property
    def replications(self) -> int:
        """Number of replications per setup."""
        return int(self.kpis["replication"].nunique()) if len(self.kpis) else 0

    def objective(self, name: str) -> pd.DataFrame:
        """Objective values as a replication x setup table (for paired comparisons)."""
        return self.kpis.pivot(index="replication", columns="setup", values=name)[list(self.setups)]

    def extend(self, other: Replications) -> Replications:
        """These results with more replications appended (same scenario and seed)."""
        return Replications(
            scenario=self.scenario,
            seed=self.seed,
            setups=self.setups,
            kpis=pd.concat([self.kpis, other.kpis], ignore_index=True),
            monthly=pd.concat([self.monthly, other.monthly], ignore_index=True),
        )


@dataclass(frozen=True)
class RunTask:
    """One unit of work for an executor: some setups of one replication (picklable)."""

    scenario: Scenario
    setups: tuple[str, ...]
    replication: int
    seed: int
    levers: tuple[str, ...] | None = None


def run_task(task: RunTask) -> list[tuple[str, int, dict[str, float], dict[str, np.ndarray]]]:
    """Run a `RunTask`: (setup, replication, KPIs, monthly series) per setup, in order."""
    return _one_replication(task.scenario, task.setups, task.replication, task.seed, task.levers)


def _one_replication(
    scenario: Scenario,
    setups: tuple[str, ...],
    replication: int,
    seed: int,
    levers: tuple[str, ...] | None,
) -> list[tuple[str, int, dict[str, float], dict[str, np.ndarray]]]:
    """Every setup on replication `replication`'s random numbers (a worker's task)."""
    rows = []
    baseline_cc = math.nan
    shared = ReplicationDraws(seed, replication)
    for setup in setups:
        record = run_replication(
            scenario, setup, replication, seed, None if setup == BASELINE else levers, shared
        )
        series = monthly_series(record, scenario)
        k = kpis(record, scenario, series)
        if setup == BASELINE:
            baseline_cc = k["cumulative_contribution"]
            k["ops_roi"] = 0.0
        rows.append((setup, replication, k, series))
    for _, _, k, _ in rows:
        if k["ops_cost"] > 0:
            k["ops_roi"] = (k["cumulative_contribution"] - baseline_cc) / k["ops_cost"]
        elif not math.isnan(baseline_cc):
            k["ops_roi"] = 0.0
    return rows


@lru_cache(maxsize=1)
def _start_method() -> str:
    """How worker processes start: `fork` when this process has one thread, else forkserver.

    Fork is fast and never re-runs the caller's script (a plain analysis script without an
    ``if __name__ == "__main__"`` guard works), but forking a process whose other threads
    may hold locks is unsafe; a host with threads (a web server) gets a fork server instead,
    which has imported the model once and whose children inherit no threads. Decided
    once per process: the pool's own threads must not change the choice later.
    """
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


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _ordered_setups(
    scenario: Scenario, setups: Iterable[str] | None, baseline: bool = True
) -> tuple[str, ...]:
    names = tuple(scenario.setup_names if setups is None else setups)
    unknown = [s for s in names if s not in scenario.org.setups]
    if unknown:
        raise KeyError(f"unknown setup(s) {unknown}; known: {list(scenario.org.setups)}")
    others = tuple(s for s in names if s != BASELINE)
    # the baseline runs first: paired quantities (ops ROI) need it
    return (BASELINE, *others) if baseline or BASELINE in names else others


def run_replications(
    scenario: Scenario,
    replications: int = 100,
    seed: int = 0,
    setups: Iterable[str] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    first_replication: int = 0,
    levers: Sequence[str] | None = None,
    baseline: bool = True,
    executor: object | None = None,
    cache: object | None = None,
) -> Replications:
    """Run `replications` replications of every setup on common random numbers.

    Replication numbers are `first_replication ... first_replication + replications - 1`, so
    batches can be added later with identical results. `workers=None` uses all cores;
    `workers=1` runs in this process. Results do not depend on `workers`. The baseline
    setup always runs too unless `baseline=False`; `levers` restricts every other setup's
    effects to those levers.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    names = _ordered_setups(scenario, setups, baseline)
    lever_tuple = tuple(levers) if levers is not None else None
    reps = range(first_replication, first_replication + replications)
    workers = default_workers() if workers is None else max(1, int(workers))
    workers = min(workers, replications)
    results: dict[int, list] = {}
    if workers == 1:
        for i, r in enumerate(reps, 1):
            results[r] = _one_replication(scenario, names, r, seed, lever_tuple)
            if progress:
                progress(i, replications)
    else:
        pool = _pool(workers, _start_method())
        for out in (sys.stdout, sys.stderr):  # a forked worker must not repeat buffered text
            out.flush()
        try:
            futures = {
                pool.submit(_one_replication, scenario, names, r, seed, lever_tuple): r
                for r in reps
            }
            for i, fut in enumerate(as_completed(futures), 1):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(i, replications)
        except BrokenProcessPool:
            _pool.cache_clear()
            raise
    return _tidy(scenario, seed, names, [results[r] for r in reps])


def _tidy(scenario: Scenario, seed: int, names: tuple[str, ...], per_rep: list) -> Replications:
    flat = [row for rows in per_rep for row in rows]
    kpi_frame = pd.DataFrame(
        [{"setup": setup, "replication": rep, **k} for setup, rep, k, _ in flat]
    )
    months = scenario.horizon_months
    monthly = pd.DataFrame(
        {
            "setup": np.repeat([row[0] for row in flat], months),
            "replication": np.repeat([row[1] for row in flat], months),
            "month": np.tile(np.arange(1, months + 1), len(flat)),
            **{
                name: np.concatenate([row[3][name] for row in flat]) if flat else []
                for name in MONTHLY_SERIES
            },
        }
    )
    return Replications(scenario=scenario, seed=seed, setups=names, kpis=kpi_frame, monthly=monthly)
