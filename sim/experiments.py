"""Experiments: variants x setups x replications, on any executor, nothing computed twice.

An *experiment* crosses variants of a scenario (the scenario with some dotted overrides, as
`--set` takes them) with its org setups and a range of replications, all on common random
numbers. The runner knows one thing of the model, `run(scenario, setup, replication, seed)
-> record`, and one thing of the metrics, `record -> KPIs and monthly series`; paired KPIs
(ops ROI, which needs the baseline's run) are finished by `sim.metrics.paired_kpis`.

Work is cut into `RunTask`s — the setups of one replication that are not cached yet — and
handed to an executor (`sim.executors`: in process, a process pool, a Dask cluster). A task
shares its replication's random numbers among its setups. Results are identical for any
executor and worker count: every run depends only on its own arguments.

Every run goes through a `RunCache` keyed by what the run depends on (`sim.cache.run_key`):
a run already made for another variant, another objective or an earlier call is reused.
Rows come back tidy, ordered, and stamped with the variant id and its parameter values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.cache import RunCache, RunOutput, run_key, world_key
from sim.executors import Executor, ProcessExecutor, SerialExecutor, default_workers
from sim.metrics import MONTHLY_SERIES, check_finite, kpis, monthly_series, paired_kpis
from sim.model import RunRecord, run_replication
from sim.params import BASELINE, Scenario
from sim.streams import ReplicationDraws
from sim.uncertainty import in_future

Progress = Callable[[int, int], None]
"""progress(done, total): called after each finished task (one replication's missing runs)."""

__all__ = [
    "BASELINE",
    "Experiment",
    "LeverSetTask",
    "Progress",
    "Replications",
    "RunResult",
    "RunTask",
    "Variant",
    "default_workers",
    "run_experiment",
    "run_lever_sets",
    "run_replications",
    "run_task",
    "simulate",
    "variants_from",
]


# ----------------------------------------------------------------------------- one run
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
    """Simulate one replication of one setup; the records stay available for inspection.

    A scenario with uncertain world numbers runs (and is measured) at this future's draws.
    """
    scenario = in_future(scenario, seed, replication)
    record = run_replication(
        scenario, setup, replication, seed, tuple(levers) if levers is not None else None
    )
    series = monthly_series(record, scenario)
    check_finite(
        figures := kpis(record, scenario, series),
        series,
        f"setup '{setup}', replication {replication}",
    )
    frame = pd.DataFrame(series)
    frame.insert(0, "month", np.arange(1, scenario.horizon_months + 1))
    return RunResult(record=record, kpis=figures, monthly=frame)


@dataclass(frozen=True)
class RunTask:
    """One unit of work for an executor: some setups of one replication (picklable)."""

    scenario: Scenario
    setups: tuple[str, ...]
    replication: int
    seed: int
    levers: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        return f"RunTask({self.describe()})"

    def describe(self) -> str:
        """What identifies the task in messages (its repr would print the whole scenario)."""
        return (
            f"replication {self.replication} of {', '.join(self.setups)} (seed {self.seed}, "
            f"scenario {self.scenario.name!r})"
        )


def run_task(task: RunTask) -> list[RunOutput]:
    """Run a task's setups on its replication's shared random numbers; outputs in order.

    Every setup runs on the same future's world (`sim.uncertainty.in_future`: its draws of
    any uncertain world number), and is measured on it.
    """
    shared = ReplicationDraws(task.seed, task.replication)
    scenario = in_future(task.scenario, task.seed, task.replication)
    out = []
    for setup in task.setups:
        restrict = None if setup == BASELINE else task.levers
        record = run_replication(scenario, setup, task.replication, task.seed, restrict, shared)
        series = monthly_series(record, scenario)
        figures = kpis(record, scenario, series)
        check_finite(figures, series, f"setup '{setup}', replication {task.replication}")
        out.append(RunOutput(figures, series))
    return out


@dataclass(frozen=True)
class LeverSetTask:
    """One setup of one replication run once per lever restriction, in one pass (picklable).

    The runs share the replication's random numbers and warm-up, as a `RunTask`'s setups do.
    """

    scenario: Scenario
    setup: str
    replication: int
    seed: int
    lever_sets: tuple[tuple[str, ...], ...]

    def __repr__(self) -> str:
        return f"LeverSetTask({self.describe()})"

    def describe(self) -> str:
        """What identifies the task in messages."""
        return (
            f"replication {self.replication} of {self.setup} under {len(self.lever_sets)} lever "
            f"restriction(s) (seed {self.seed}, scenario {self.scenario.name!r})"
        )


def run_lever_set_task(task: LeverSetTask) -> list[RunOutput]:
    """Run a lever-set task's restrictions on its replication's shared draws; in order."""
    shared = ReplicationDraws(task.seed, task.replication)
    scenario = in_future(task.scenario, task.seed, task.replication)
    out = []
    for levers in task.lever_sets:
        record = run_replication(scenario, task.setup, task.replication, task.seed, levers, shared)
        series = monthly_series(record, scenario)
        out.append(RunOutput(kpis(record, scenario, series), series))
    return out


# ----------------------------------------------------------------------------- variants
@dataclass(frozen=True)
class Variant:
    """A scenario to run, named, with the parameter values that make it what it is."""

    id: str
    scenario: Scenario
    parameters: Mapping[str, Any] = field(default_factory=dict)


def variants_from(
    base: Scenario, changes: Sequence[Mapping[str, Any]], ids: Sequence[str] | None = None
) -> list[Variant]:
    """Variants of `base`, one per mapping of dotted paths to values (validated).

    `{"sales.reps": 12, "org.teams.revops.cost_per_fte_month": 12000}` is one variant; a bad
    path or value raises `sim.io.ScenarioError` naming the field. A variant that sets a world
    number the base draws per future (`uncertainty:`) fixes it at the value set
    (`sim.io.apply_overrides`).
    """
    from sim.io import apply_overrides, parse_scenario, scenario_to_dict

    out = []
    for i, change in enumerate(changes):
        sets = [f"{path}={_yaml_value(value)}" for path, value in change.items()]
        data = apply_overrides(scenario_to_dict(base), sets, source=base.name)

        vid = ids[i] if ids is not None else f"v{i}"
        out.append(Variant(vid, parse_scenario(data, source=base.name), dict(change)))
    return out


def _yaml_value(value: Any) -> str:
    import json

    return json.dumps(value)  # JSON is YAML: numbers, strings, lists and null round-trip


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Replications:
    """Results of one scenario: tidy tables, one row per (setup, replication[, month])."""

    scenario: Scenario
    seed: int
    setups: tuple[str, ...]
    kpis: pd.DataFrame  # columns: setup, replication, <kpi>...
    monthly: pd.DataFrame  # columns: setup, replication, month, <series>...
    runs_executed: int = 0  # runs simulated for this result (the rest came from the cache)

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
            runs_executed=self.runs_executed + other.runs_executed,
        )


@dataclass(frozen=True)
class Experiment:
    """Results of variants x setups x replications; rows carry variant id and parameters."""

    variants: tuple[Variant, ...]
    seed: int
    setups: tuple[str, ...]
    kpis: pd.DataFrame  # variant, <parameters>, setup, replication, <kpi>...
    monthly: pd.DataFrame  # variant, setup, replication, month, <series>...
    runs_executed: int

    def variant(self, vid: str) -> Replications:
        """The results of one variant, as a single-scenario `Replications`."""
        variant = next(v for v in self.variants if v.id == vid)
        k = self.kpis[self.kpis["variant"] == vid]
        drop = ["variant", *(c for c in _parameter_columns(self.variants) if c in k.columns)]
        m = self.monthly[self.monthly["variant"] == vid].drop(columns=["variant"])
        return Replications(
            scenario=variant.scenario,
            seed=self.seed,
            setups=self.setups,
            kpis=k.drop(columns=drop).reset_index(drop=True),
            monthly=m.reset_index(drop=True),
            runs_executed=self.runs_executed,
        )


def _parameter_columns(variants: Iterable[Variant]) -> list[str]:
    cols: list[str] = []
    for v in variants:
        cols.extend(p for p in v.parameters if p not in cols)
    return cols


# ----------------------------------------------------------------------------- running
def _ordered_setups(
    scenario: Scenario, setups: Iterable[str] | None, baseline: bool = True
) -> tuple[str, ...]:
    names = tuple(scenario.setup_names if setups is None else setups)
    unknown = [s for s in names if not scenario.org.runs(s)]
    if unknown:
        known = [*scenario.org.setups, *scenario.org.plans]
        raise KeyError(f"unknown setup(s) {unknown}; known: {known}")
    others = tuple(s for s in names if s != BASELINE)
    # the baseline comes first: paired KPIs (ops ROI) need it
    return (BASELINE, *others) if baseline or BASELINE in names else others


def _executor(executor: Executor | None, workers: int | None, n_tasks: int) -> Executor:
    if executor is not None:
        if workers is not None:
            raise ValueError("pass workers or executor, not both: the executor has its workers")
        return executor
    workers = default_workers() if workers is None else max(1, int(workers))
    workers = min(workers, max(1, n_tasks))
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


def run_experiment(
    variants: Sequence[Variant],
    replications: int = 100,
    seed: int = 0,
    setups: Iterable[str] | None = None,
    *,
    first_replication: int = 0,
    levers: Sequence[str] | None = None,
    baseline: bool = True,
    executor: Executor | None = None,
    workers: int | None = None,
    cache: RunCache | None = None,
    progress: Progress | None = None,
) -> Experiment:
    """Run every variant x setup x replication that is not cached, and tabulate them all.

    Replication numbers are `first_replication ... + replications - 1`, so batches can be
    added later with identical results. `setups` defaults to the first variant's setups
    (every variant must know them); the baseline runs too unless `baseline=False`. `levers`
    restricts every non-baseline setup's effects to those levers (gain attribution).
    `executor` defaults to a process pool of `workers` (None = all cores; 1 = in process).
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if not variants:
        raise ValueError("an experiment needs at least one variant")
    ids = [v.id for v in variants]
    if len(set(ids)) != len(ids):
        raise ValueError(f"variant ids must be unique, got {ids}")
    names = _ordered_setups(variants[0].scenario, setups, baseline)
    for v in variants[1:]:
        _ordered_setups(v.scenario, names)
    lever_tuple = tuple(levers) if levers is not None else None
    reps = range(first_replication, first_replication + replications)
    store = cache if cache is not None else RunCache(max_runs=10**9)

    # which runs each (variant, setup, replication) needs, and which of them are missing
    keys: dict[tuple[str, str, int], str] = {}
    missing: dict[str, tuple[Variant, str, int]] = {}
    found: dict[str, RunOutput] = {}
    for v in variants:
        world = world_key(v.scenario)
        for r in reps:
            for s in names:
                restrict = None if s == BASELINE else lever_tuple
                key = run_key(v.scenario, s, r, seed, restrict, world)
                keys[(v.id, s, r)] = key
                if key in found or key in missing:
                    continue
                hit = store.get(key)
                if hit is None:
                    missing[key] = (v, s, r)
                else:
                    found[key] = hit

    # one task per (variant, replication) with missing runs: its setups share their draws
    grouped: dict[tuple[str, int], list[tuple[str, str]]] = {}
    scenario_of = {v.id: v.scenario for v in variants}
    for key, (v, s, r) in missing.items():
        grouped.setdefault((v.id, r), []).append((s, key))
    tasks = [
        RunTask(scenario_of[vid], tuple(s for s, _ in runs), r, seed, lever_tuple)
        for (vid, r), runs in grouped.items()
    ]
    task_keys = [[key for _, key in runs] for runs in grouped.values()]
    if tasks:
        outputs = _executor(executor, workers, len(tasks)).map(run_task, tasks, progress)
        fresh = [
            (key, out)
            for run_keys, outs in zip(task_keys, outputs, strict=True)
            for key, out in zip(run_keys, outs, strict=True)
        ]
        store.put_many(fresh)
        found.update(fresh)
    return _tabulate(variants, seed, names, reps, keys, found, len(missing))


def _tabulate(
    variants: Sequence[Variant],
    seed: int,
    names: tuple[str, ...],
    reps: Sequence[int],
    keys: dict[tuple[str, str, int], str],
    found: dict[str, RunOutput],
    executed: int,
) -> Experiment:
    params = _parameter_columns(variants)
    rows = []
    series_rows = []
    for v in variants:
        for r in reps:
            for s in names:
                out = found[keys[(v.id, s, r)]]
                rows.append(
                    {
                        "variant": v.id,
                        **{p: v.parameters.get(p) for p in params},
                        "setup": s,
                        "replication": r,
                        **out.kpis,
                    }
                )
                series_rows.append((v.id, s, r, v.scenario.horizon_months, out.series))
    kpi_frame = paired_kpis(pd.DataFrame(rows), BASELINE, by=("variant",))
    months = [m for *_, m, _ in series_rows]
    monthly = pd.DataFrame(
        {
            "variant": np.repeat([row[0] for row in series_rows], months),
            "setup": np.repeat([row[1] for row in series_rows], months),
            "replication": np.repeat([row[2] for row in series_rows], months),
            "month": np.concatenate([np.arange(1, m + 1) for m in months]),
            **{
                name: np.concatenate([row[4][name] for row in series_rows])
                for name in MONTHLY_SERIES
            },
        }
    )
    return Experiment(tuple(variants), seed, names, kpi_frame, monthly, executed)


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
    cache: RunCache | None = None,
) -> Replications:
    """Run `replications` replications of every setup of one scenario on common random numbers.

    The one-variant case of `run_experiment` (see there for the arguments); results do not
    depend on `workers` or `executor`.
    """
    experiment = run_experiment(
        [Variant("base", scenario)],
        replications,
        seed,
        setups,
        first_replication=first_replication,
        levers=levers,
        baseline=baseline,
        executor=executor,
        workers=workers,
        cache=cache,
        progress=progress,
    )
    return experiment.variant("base")


def run_lever_sets(
    scenario: Scenario,
    setup: str,
    replications: Sequence[int],
    seed: int,
    lever_sets: Mapping[str, Sequence[str]],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    cache: RunCache | None = None,
    progress: Progress | None = None,
) -> dict[str, Replications]:
    """`setup` on `replications` once per named lever restriction: name -> its results.

    The same runs as `run_replications(..., setups=[setup], levers=..., baseline=False)` for
    each restriction (same cache keys, identical numbers), but one task per replication
    runs all of that replication's missing restrictions on its shared draws and warm-up.
    """
    if not lever_sets:
        raise ValueError("run_lever_sets needs at least one lever restriction")
    names = _ordered_setups(scenario, [setup], baseline=False)
    reps = sorted(int(r) for r in replications)
    if not reps:
        raise ValueError("run_lever_sets needs at least one replication")
    store = cache if cache is not None else RunCache(max_runs=10**9)
    world = world_key(scenario)
    sets = {name: tuple(levers) for name, levers in lever_sets.items()}
    keys: dict[tuple[str, str, int], str] = {}
    found: dict[str, RunOutput] = {}
    missing: dict[int, dict[str, tuple[str, ...]]] = {}  # replication -> key -> levers
    for name, levers in sets.items():
        for r in reps:
            key = run_key(scenario, setup, r, seed, levers, world)
            keys[(name, setup, r)] = key
            if key in found or key in missing.get(r, {}):
                continue
            hit = store.get(key)
            if hit is None:
                missing.setdefault(r, {})[key] = levers
            else:
                found[key] = hit
    tasks = [
        LeverSetTask(scenario, setup, r, seed, tuple(runs.values())) for r, runs in missing.items()
    ]
    executed = sum(len(runs) for runs in missing.values())
    if tasks:
        outputs = _executor(executor, workers, len(tasks)).map(run_lever_set_task, tasks, progress)
        fresh = [
            (key, out)
            for runs, outs in zip(missing.values(), outputs, strict=True)
            for key, out in zip(runs, outs, strict=True)
        ]
        store.put_many(fresh)
        found.update(fresh)
    variants = [Variant(name, scenario) for name in sets]
    experiment = _tabulate(variants, seed, names, reps, keys, found, executed)
    return {name: experiment.variant(name) for name in sets}
