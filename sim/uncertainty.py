"""The world's declared uncertainty: each simulated future draws its own world numbers.

A scenario may give some numbers of the world a triangular range (`uncertainty:`, a field
path -> [low, most likely, high]). Each future (replication) draws each of them once, from
its own stream `world.<path>` (`sim.streams.stream`), so the draw is the same for every setup
of that future (common random numbers) and does not depend on which other numbers are
uncertain. A whole-number field (reps, starting customers) takes its draw rounded.

`in_future` is the scenario one future runs on: the draws set at their paths on a copy,
validated like any scenario, with no `uncertainty:` left (so applying it twice changes
nothing). Without an `uncertainty:` section it returns the scenario itself: no draw, no copy,
results identical bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.org import triangular_ppf
from sim.params import Scenario
from sim.params.paths import get_path, set_path
from sim.streams import stream

__all__ = ["in_future", "whole_number_paths", "world_draws", "world_draws_of"]


def whole_number_paths(scenario: Scenario, data: dict | None = None) -> frozenset[str]:
    """The uncertain paths whose field holds a whole number (their draws are rounded).

    `data` may pass the scenario already dumped (`model_dump(mode="json")`).
    """
    if not scenario.uncertainty:
        return frozenset()
    if data is None:
        data = scenario.model_dump(mode="json", exclude={"uncertainty"})
    values = {path: get_path(data, path) for path in scenario.uncertainty}
    return frozenset(
        path for path, v in values.items() if isinstance(v, int) and not isinstance(v, bool)
    )


def world_draws(
    scenario: Scenario, seed: int, replication: int, whole: Iterable[str] | None = None
) -> dict[str, float]:
    """Each uncertain world number's value in this future, by path (as the model uses it).

    `whole` may pass `whole_number_paths(scenario)` when drawing for many futures.
    """
    whole = whole_number_paths(scenario) if whole is None else frozenset(whole)
    out: dict[str, float] = {}
    for path, rng in scenario.uncertainty.items():
        u = float(stream(seed, replication, f"world.{path}").random())
        x = triangular_ppf(u, rng)
        out[path] = round(x) if path in whole else x
    return out


def world_draws_of(scenario: Scenario, seed: int, replications: Iterable[int]) -> dict[str, list]:
    """Every uncertain world number's draws over `replications`: path -> values in order."""
    whole = whole_number_paths(scenario)
    out: dict[str, list] = {path: [] for path in scenario.uncertainty}
    for r in replications:
        for path, x in world_draws(scenario, seed, r, whole).items():
            out[path].append(x)
    return out


def in_future(scenario: Scenario, seed: int, replication: int) -> Scenario:
    """The scenario of one future: every uncertain world number at its draw."""
    if not scenario.uncertainty:
        return scenario
    data = scenario.model_dump(mode="json", exclude={"uncertainty"})
    draws = world_draws(scenario, seed, replication, whole_number_paths(scenario, data))
    for path, value in draws.items():
        set_path(data, path, value)
    return Scenario.model_validate(data)
