"""When to start each ops team: plans on a grid of start months, searched on common numbers.

`grid_plans` makes every combination of start months for the teams asked about;
`search_plans` runs them with the scenario's own plans on common random numbers, dropping
plans clearly worse than the leader (successive elimination on paired intervals), and
returns facts only: each plan's value, loss against the best, P(best), replications, and the
cost of delay per team. The words are `sim.text.plans`; the command is `sim.cli.plan`.
"""

from __future__ import annotations

from sim.plans.search import (
    DEFAULT_STARTS,
    DelayPoint,
    PlanFacts,
    PlanSearch,
    grid_plans,
    plan_name,
    search_json,
    search_plans,
    search_scenario,
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
