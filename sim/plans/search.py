"""The "when" search: every combination of start months, on common random numbers.

Each plan is run like a setup (`org.plans`), replication by replication, so the plans of a
replication share its random future and are compared pairwise. Successive elimination: the
plans run in batches; after each batch the leader is the plan with the highest mean on the
replications every remaining plan shares, and a plan whose paired loss against the leader
has its lower bound above zero is dropped — at a level Bonferroni-adjusted over the plans and
the looks (1 - (1 - confidence) / (rivals x looks)), so a plan is dropped only when it is
clearly worse. The search stops when one plan is left or every remaining plan has the
replications asked for. With a fixed number of replications nothing is dropped.

A plan's figures are on the replications it ran: its value, its loss against the best plan
paired on the same replications, and P(best), the share of replications in which it was the
best of the plans run there.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import Variant, run_experiment
from sim.facts import json_ready
from sim.params import PlanStep, Scenario
from sim.verdict.stats import Interval, mean_interval

DEFAULT_STARTS: tuple[int | None, ...] = (0, 3, 6, 9, 12, 18, 24, None)
"""Start months searched by default; None = never."""

FIRST_BATCH = 20
"""Replications every plan gets before any is dropped."""

Start = int | None


def plan_name(starts: dict[str, Start]) -> str:
    """A grid plan's name: `salesops@0+revops@never`."""
    return "+".join(f"{t}@{'never' if s is None else s}" for t, s in starts.items())


def grid_plans(teams: Sequence[str], starts: Sequence[Start]) -> dict[str, dict[str, Start]]:
    """Every combination of `starts` for `teams`: plan name -> team -> start month."""
    out = {}
    for combo in itertools.product(starts, repeat=len(teams)):
        plan = dict(zip(teams, combo, strict=True))
        out[plan_name(plan)] = plan
    return out


def search_scenario(scenario: Scenario, grid: dict[str, dict[str, Start]]) -> Scenario:
    """`scenario` with the grid's plans added to its own (`org.plans`)."""
    plans = {name: dict(steps) for name, steps in scenario.org.plans.items()}
    for name, starts in grid.items():
        plans[name] = {t: PlanStep(start=s) for t, s in starts.items()}
    org = scenario.org.model_copy(update={"plans": plans})
    return scenario.model_copy(update={"org": org})


@dataclass(frozen=True)
class PlanFacts:
    """One plan's standing after the search."""

    name: str
    starts: dict[str, Any]  # team -> month, None (never), or its trigger
    value: Interval
    loss_vs_best: Interval
    p_best: float
    replications: int
    dropped_after: int | None  # replications when it was dropped (None: kept)


@dataclass(frozen=True)
class DelayPoint:
    """The loss against the best plan when only one team's start moves."""

    start: Start
    loss: Interval


@dataclass(frozen=True)
class PlanSearch:
    """Facts of a "when" search."""

    scenario: str
    objective: str
    seed: int
    confidence: float
    replications: int  # the most any plan ran
    best: str
    plans: tuple[PlanFacts, ...]
    delay_cost: dict[str, tuple[DelayPoint, ...]]
    teams: tuple[str, ...]
    starts: tuple[Start, ...]
    runs: int  # plan-replications run (with elimination)
    runs_without_elimination: int  # every plan at the replications asked for
    runs_executed: int  # of `runs`, simulated now (the rest came from the cache)
    values: pd.DataFrame = field(repr=False)  # replication x plan (nan: not run)

    def plan(self, name: str) -> PlanFacts:
        """The facts of the plan called `name`."""
        return next(p for p in self.plans if p.name == name)


def _starts_of(step: PlanStep) -> Any:
    if step.when is not None:
        return {"when": step.when.model_dump(), "recruit_months": step.recruit_months}
    return step.start


def _loss(values: pd.DataFrame, best: str, name: str, confidence: float) -> Interval:
    both = values[[best, name]].dropna()
    if name == best:
        return Interval(0.0, 0.0, 0.0)
    return mean_interval((both[best] - both[name]).to_numpy(), confidence)


def _p_best(values: pd.DataFrame) -> pd.Series:
    arr = values.to_numpy(dtype=float)
    top = np.nanmax(arr, axis=1, keepdims=True)
    best = np.where(np.isnan(arr), False, arr == top)
    share = best / np.maximum(best.sum(axis=1, keepdims=True), 1)
    return pd.Series(share.mean(axis=0), index=values.columns)


def search_plans(
    scenario: Scenario,
    teams: Sequence[str],
    starts: Sequence[Start] = DEFAULT_STARTS,
    *,
    replications: int | None = None,
    max_replications: int | None = None,
    seed: int = 0,
    objective: str | None = None,
    confidence: float | None = None,
    batch: int = FIRST_BATCH,
    executor: object | None = None,
    cache: object | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PlanSearch:
    """Search the start months of `teams` (and the scenario's own plans).

    `replications`: exactly that many per plan, nothing dropped. Otherwise batches of `batch`
    up to `max_replications` (default: the scenario's `analysis.replications`) with
    successive elimination.
    """
    objective = objective or scenario.objective
    confidence = scenario.analysis.confidence if confidence is None else confidence
    grid = grid_plans(teams, starts)
    taken = [name for name in grid if name in scenario.org.plans]
    if taken:
        raise ValueError(f"org.plans.{taken[0]}: the search names one of its own plans so")
    sc = search_scenario(scenario, grid)
    names = [*scenario.org.plans, *grid]
    most = replications or max_replications or scenario.analysis.replications
    first = most if replications else min(batch, most)
    looks = 1 if replications else 1 + math.ceil((most - first) / batch)
    level = 1.0 - (1.0 - confidence) / (max(len(names) - 1, 1) * looks)
    alive = list(names)
    dropped: dict[str, int] = {}
    frames: list[pd.DataFrame] = []
    done = executed = runs = 0
    variant = Variant("plans", sc)
    while alive:
        n = first if done == 0 else min(batch, most - done)
        if n <= 0:
            break
        exp = run_experiment(
            [variant],
            n,
            seed,
            alive,
            first_replication=done,
            baseline=False,
            executor=executor,  # type: ignore[arg-type]
            cache=cache,  # type: ignore[arg-type]
            progress=progress,
        )
        executed += exp.runs_executed
        runs += n * len(alive)
        frames.append(exp.kpis.pivot(index="replication", columns="setup", values=objective))
        done += n
        if replications:
            break
        shared = pd.concat(frames)[alive].dropna()
        means = shared.mean()
        leader = str(means.idxmax())
        for name in list(alive):
            if name == leader:
                continue
            diff = (shared[leader] - shared[name]).to_numpy()
            if mean_interval(diff, level).low > 0:
                alive.remove(name)
                dropped[name] = done
        if len(alive) == 1:
            break
    values = pd.concat(frames).reindex(columns=names)
    kept = [n for n in names if n not in dropped]
    best = str(values[kept].mean().idxmax())
    p_best = _p_best(values)
    facts = []
    for name in names:
        col = values[name].dropna()
        if name in grid:
            plan_starts: dict[str, Any] = dict(grid[name])
        else:
            plan_starts = {t: _starts_of(s) for t, s in scenario.org.plans[name].items()}
        facts.append(
            PlanFacts(
                name=name,
                starts=plan_starts,
                value=mean_interval(col.to_numpy(), confidence),
                loss_vs_best=_loss(values, best, name, confidence),
                p_best=float(p_best[name]),
                replications=len(col),
                dropped_after=dropped.get(name),
            )
        )
    # the cost of delay: one team's start moves, the others stay at the best grid plan's
    anchor = (
        best
        if best in grid
        else str(values[[n for n in kept if n in grid] or list(grid)].mean().idxmax())
    )
    delay: dict[str, tuple[DelayPoint, ...]] = {}
    for team in teams:
        points = []
        for s in starts:
            moved = plan_name({**grid[anchor], team: s})
            loss = _loss(values, anchor, moved, confidence)
            points.append(DelayPoint(s, loss))
        delay[team] = tuple(points)
    return PlanSearch(
        scenario=scenario.name,
        objective=objective,
        seed=seed,
        confidence=confidence,
        replications=done,
        best=best,
        plans=tuple(facts),
        delay_cost=delay,
        teams=tuple(teams),
        starts=tuple(starts),
        runs=runs,
        runs_without_elimination=len(names) * most,
        runs_executed=executed,
        values=values,
    )


def search_json(result: PlanSearch) -> dict[str, Any]:
    """The search as plain JSON: best, plans, cost of delay per team."""
    best = result.plan(result.best)
    return json_ready(
        {
            "scenario": result.scenario,
            "objective": result.objective,
            "seed": result.seed,
            "replications": result.replications,
            "best": {"name": best.name, "starts": best.starts, "p_best": best.p_best},
            "plans": [
                {
                    "name": p.name,
                    "starts": p.starts,
                    "value": p.value.as_dict(),
                    "loss_vs_best": p.loss_vs_best.as_dict(),
                    "p_best": p.p_best,
                    "replications": p.replications,
                }
                for p in result.plans
            ],
            "delay_cost": {
                team: [{"start": d.start, "loss": d.loss.as_dict()} for d in points]
                for team, points in result.delay_cost.items()
            },
            "runs": {
                "with_elimination": result.runs,
                "without_elimination": result.runs_without_elimination,
                "simulated": result.runs_executed,
            },
        }
    )


__all__ = [
    "DEFAULT_STARTS",
    "DelayPoint",
    "PlanFacts",
    "PlanSearch",
    "grid_plans",
    "plan_name",
    "search_json",
    "search_plans",
    "search_scenario",
]
