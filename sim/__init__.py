"""Scenario simulator for revenue-org design: SalesOps, RevOps, both, or neither.

The public API, for analysts who script:

    >>> import sim
    >>> scenario = sim.load_scenario("scenarios/default.yaml")
    >>> run = sim.simulate(scenario, "revops", replication=0, seed=1)
    >>> reps = sim.run_replications(scenario, replications=20, seed=1)
    >>> result = sim.compare(scenario, replications="auto", seed=1)
    >>> result.verdict.best, result.verdict.separated  # facts
    >>> sim.text.verdict_summary(result)  # the same in words

Results are plain dataclasses and pandas DataFrames; sentences come from `sim.text`.
"""

from sim import text
from sim.cache import RunCache
from sim.executors import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from sim.experiments import (
    Experiment,
    Replications,
    RunResult,
    Variant,
    run_experiment,
    run_replications,
    simulate,
    variants_from,
)
from sim.io import ScenarioError, load_scenario, scenario_from_yaml, scenario_to_yaml
from sim.params import Scenario
from sim.verdict import Comparison, compare, reassess

__all__ = [
    "Comparison",
    "DaskExecutor",
    "Experiment",
    "ProcessExecutor",
    "Replications",
    "RunCache",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SerialExecutor",
    "Variant",
    "compare",
    "load_scenario",
    "make_executor",
    "reassess",
    "run_experiment",
    "run_replications",
    "scenario_from_yaml",
    "scenario_to_yaml",
    "simulate",
    "text",
    "variants_from",
]
