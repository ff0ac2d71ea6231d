"""Scenario simulator for revenue-org design: SalesOps, RevOps, both, or neither.

The public API, for analysts who script:

    >>> import sim
    >>> scenario = sim.load_scenario("scenarios/default.yaml")
    >>> run = sim.simulate(scenario, "revops", replication=0, seed=1)
    >>> reps = sim.run_replications(scenario, replications=20, seed=1)
    >>> verdict = sim.compare(scenario, replications="auto", seed=1).verdict

Results are plain dataclasses and pandas DataFrames.
"""

from sim.decide import Comparison, compare
from sim.experiments import Replications, RunResult, run_replications, simulate
from sim.io import ScenarioError, load_scenario, scenario_from_yaml, scenario_to_yaml
from sim.params import Scenario

__all__ = [
    "Comparison",
    "Replications",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "compare",
    "load_scenario",
    "run_replications",
    "scenario_from_yaml",
    "scenario_to_yaml",
    "simulate",
]
