"""How every explore method runs: variants on the experiment runner, judged like `compare`.

Each method builds variants of the scenario (dotted overrides), runs them all in one
`sim.experiments.run_experiment` call — so the executor sees every task at once and the
cache serves whatever an earlier call already simulated — and reads the objective back per
variant as a replication x setup table, on common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.budget import CLI_BUDGET, Budget, Estimate, budget_from_env, check_explore
from sim.cache import RunCache
from sim.executors import Executor, default_workers
from sim.experiments import Variant, run_experiment, variants_from
from sim.params import BASELINE, OBJECTIVES, Scenario
from sim.verdict.stats import CONFIDENCE, Interval, mean_interval

REPLICATIONS = 20
"""Replications per variant unless asked: common random numbers make paired gaps precise."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunOptions:
    """How an explore method runs: replications, seed, what best means, where, with what."""

    replications: int = REPLICATIONS
    seed: int = 0
    objective: str | None = None
    confidence: float | None = None
    executor: Executor | None = None
    workers: int | None = None
    cache: RunCache | None = None
    progress: Progress | None = None
    budget: Budget | None = None
    """The budget every run is checked against (default: the command line's, from the
    environment); the app passes its own."""

    def check(
        self, scenario: Scenario, points: int, field: str, setups: int | None = None
    ) -> Estimate:
        """Refuse (`sim.budget.BudgetError`, `field` named) `points` variants over budget."""
        return check_explore(
            scenario,
            points,
            self.replications,
            field,
            self.workers or default_workers(),
            self.budget or budget_from_env(CLI_BUDGET),
            setups,
        )

    def objective_for(self, scenario: Scenario) -> str:
        """The objective asked for, or the scenario's; checked against the known ones."""
        objective = self.objective or scenario.objective
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got '{objective}'")
        return objective

    def confidence_for(self, scenario: Scenario) -> float:
        """The confidence asked for, or the scenario's."""
        return scenario.analysis.confidence if self.confidence is None else self.confidence


def run_variants(
    scenario: Scenario,
    changes: Mapping[str, Mapping[str, Any]],
    options: RunOptions,
    setups: Sequence[str] | None = None,
) -> dict[str, tuple[Variant, pd.DataFrame]]:
    """Run variant id -> overrides; return id -> (variant, kpis of its replications).

    `setups` limits the runs to those setups (plus the baseline when it is among them);
    the kpis keep every KPI column, `setup` and `replication`.
    """
    if options.replications < 2:
        raise ValueError("replications must be at least 2")
    options.check(scenario, len(changes), "variants", len(setups) if setups else None)
    ids = list(changes)
    variants = variants_from(scenario, [changes[i] for i in ids], ids)
    names = list(setups) if setups is not None else None
    experiment = run_experiment(
        variants,
        options.replications,
        options.seed,
        names,
        baseline=names is None or BASELINE in names,
        executor=options.executor,
        workers=options.workers,
        cache=options.cache,
        progress=options.progress,
    )
    frame = experiment.kpis
    return {v.id: (v, frame[frame["variant"] == v.id].reset_index(drop=True)) for v in variants}


def objective_table(kpis: pd.DataFrame, objective: str) -> pd.DataFrame:
    """Objective values as a replication x setup table, setups in run order."""
    order = list(dict.fromkeys(kpis["setup"]))
    return kpis.pivot(index="replication", columns="setup", values=objective)[order]


def paired_gap(values: pd.DataFrame, a: str, b: str, confidence: float = CONFIDENCE) -> Interval:
    """Mean of a - b over replications (paired: same futures), with its t-interval."""
    return mean_interval((values[a] - values[b]).to_numpy(dtype=float), confidence)


def ranked(values: pd.DataFrame) -> list[str]:
    """Setups by mean objective, best first (ties keep run order)."""
    means = values.mean()
    return sorted(values.columns, key=lambda s: -float(np.nan_to_num(means[s], nan=-np.inf)))


def default_pair(values: pd.DataFrame) -> tuple[str, str]:
    """The best setup and the runner-up by mean."""
    order = ranked(values)
    if len(order) < 2:
        raise ValueError("the scenario needs at least two setups to compare")
    return order[0], order[1]


def check_pair(scenario: Scenario, pair: Sequence[str]) -> tuple[str, str]:
    """Two distinct setups of the scenario, or a ValueError naming the problem."""
    if len(pair) != 2 or pair[0] == pair[1]:
        raise ValueError(f"a pair is two different setups, got {list(pair)}")
    unknown = [s for s in pair if s not in scenario.org.setups]
    if unknown:
        raise ValueError(f"unknown setup(s) {unknown}; known: {list(scenario.org.setups)}")
    return pair[0], pair[1]


def facts_header(result: Any) -> dict[str, Any]:
    """The keys every explore answer's JSON starts with: what was run, and how it is judged."""
    return {
        "scenario": result.scenario.name,
        "objective": result.objective,
        "confidence": result.confidence,
        "replications": result.replications,
        "seed": result.seed,
    }
