"""Replications x setups, with common random numbers, on all cores.

The runner knows nothing of the model's internals: it asks `sim.model` for one run and
`sim.metrics` for its KPIs and monthly series, and returns tidy pandas tables. One task is
one replication of *every* setup, so the baseline needed for paired quantities (ops ROI) is
at hand, and results are identical whatever the number of workers: every run depends only
on (scenario, setup, replication, seed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.executors import Executor, ProcessExecutor
from sim.executors import default_workers as default_workers  # re-exported: bench, app
from sim.metrics import MONTHLY_SERIES, kpis, monthly_series
from sim.model import RunRecord, run_replication
from sim.params import BASELINE, Scenario

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

    def describe(self) -> str:
        """What identifies the task in messages (its repr would print the whole scenario)."""
        return f"replication {self.replication} of {', '.join(self.setups)} (seed {self.seed})"


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
    for setup in setups:
        record = run_replication(
            scenario, setup, replication, seed, None if setup == BASELINE else levers
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
    executor: Executor | None = None,
    cache: object | None = None,
) -> Replications:
    """Run `replications` replications of every setup on common random numbers.

    Replication numbers are `first_replication ... first_replication + replications - 1`, so
    batches can be added later with identical results. `workers=None` uses all cores;
    `workers=1` runs in this process; `executor` (see `sim.executors`: a process pool, a Dask
    cluster) runs the tasks instead, and replaces `workers`. Results do not depend on
    either. The baseline setup always runs too unless `baseline=False`; `levers` restricts
    every other setup's effects to those levers.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    names = _ordered_setups(scenario, setups, baseline)
    lever_tuple = tuple(levers) if levers is not None else None
    reps = range(first_replication, first_replication + replications)
    tasks = [RunTask(scenario, names, r, seed, lever_tuple) for r in reps]
    if executor is not None:
        if workers is not None:
            raise ValueError("pass workers or executor, not both: the executor has its workers")
        per_rep = executor.map(run_task, tasks, progress)
    else:
        # one replication runs here: starting or feeding a pool would cost more than it saves
        with ProcessExecutor(1 if replications == 1 else workers) as own:
            per_rep = own.map(run_task, tasks, progress)
    return _tidy(scenario, seed, names, per_rep)


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
