"""Decision map: the verdict on a grid of two inputs — who wins where, and how surely.

Each cell is the scenario with both inputs set, judged exactly as `sim.compare` judges a
fixed number of replications (`summarise` and `make_verdict` of `sim.verdict`): the best
setup, its P(best), and whether it is clearly ahead of the runner-up. All cells run in one
experiment on the same futures, so neighbouring cells differ by the inputs, not by luck.
The company's own point (today's values) is kept beside the grid.

Default axes are the inputs already known to change the winner (a tornado's flipping rows,
the nearest breakevens) when there are some; else they follow the article's criteria:
audience size x the reps' selling-time share (RevOps' audience criterion against SalesOps'
selling-time one), and churn x reps. Those may show one winner everywhere; the map's words
(`sim.text.explore.map_text`) then say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments import Replications
from sim.explore.inputs import Input, make_input, value_at
from sim.explore.runs import RunOptions, facts_header, run_variants
from sim.params import Scenario
from sim.verdict.ranking import make_verdict, summarise

DEFAULT_AXES = (
    ("market.audience_size", "sales.selling_time_share"),
    ("segments.0.monthly_churn", "sales.reps"),
)
"""(x, y) pairs from the article's criteria; the first whose paths have values is used."""

MAP_SPREAD = 0.5
"""Default axis range: today's value ± 50% (inside the field's declared range)."""

POINTS = 6


@dataclass(frozen=True)
class Cell:
    """One point of the map and its verdict."""

    x: float
    y: float
    best: str
    runner_up: str | None
    p_best: float
    separated: bool
    gap: dict[str, float]
    changes: dict[str, Any]


@dataclass(frozen=True)
class DecisionMap:
    """A decision map as facts: both axes, the cells, the company's own point."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    x: Input
    y: Input
    x_values: list[float]
    y_values: list[float]
    cells: list[Cell]

    @property
    def winners(self) -> list[str]:
        """The setups that win at least one cell, most cells first (ties in run order)."""
        counts: dict[str, int] = {}
        for c in self.cells:
            counts[c.best] = counts.get(c.best, 0) + 1
        return sorted(counts, key=lambda s: -counts[s])

    def wins(self, setup: str) -> int:
        """How many cells `setup` wins."""
        return sum(c.best == setup for c in self.cells)

    @property
    def own(self) -> dict[str, float | None]:
        """Today's values of both inputs (None for a team effect, a range today)."""
        return {"x": self.x.base, "y": self.y.base}

    def cell(self, x: float, y: float) -> Cell:
        """The cell at (x, y) exactly."""
        return next(c for c in self.cells if c.x == x and c.y == y)

    def facts(self) -> dict[str, Any]:
        """JSON-ready: x and y (param, values), cells (x, y, best, p_best, separated), own."""
        return {
            **facts_header(self),
            "x": {"param": self.x.path, "values": self.x_values},
            "y": {"param": self.y.path, "values": self.y_values},
            "own": self.own,
            "cells": [
                {
                    "x": c.x,
                    "y": c.y,
                    "best": c.best,
                    "runner_up": c.runner_up,
                    "p_best": c.p_best,
                    "separated": c.separated,
                    "gap": c.gap,
                }
                for c in self.cells
            ],
        }


def default_axes(scenario: Scenario, flips: Sequence[str] = ()) -> tuple[str, str]:
    """The map's axes: inputs known to change the winner first, else the article's pairs.

    `flips` are inputs already known to change which setup wins inside their range (a
    tornado's flipping rows, the nearest breakevens); the numbers among them come first,
    and an axis they leave open is the article's first pair whose numbers this scenario has.
    Nothing is run here: without `flips` the map may show one winner everywhere, and
    `map_text` then says so.
    """
    known = [p for p in dict.fromkeys(flips) if _number(scenario, p)]
    for x, y in DEFAULT_AXES:
        if value_at(scenario, x) is not None and value_at(scenario, y) is not None:
            break
    else:
        x, y = "market.inbound_mqls_per_month", "sales.selling_time_share"
    if not known:
        return x, y
    first = known[0]
    second = known[1] if len(known) > 1 else (y if y != first else x)
    return first, second


def _number(scenario: Scenario, path: str) -> bool:
    """Whether `path` is a number of the scenario that a map axis can sweep."""
    try:
        return make_input(scenario, path).kind == "number"
    except (KeyError, ValueError):
        return False


def axis(
    scenario: Scenario,
    path: str,
    low: float | None = None,
    high: float | None = None,
    points: int = POINTS,
) -> tuple[Input, list[float]]:
    """An axis: its input (ends ± 50% by default) and `points` values over them."""
    item = make_input(scenario, path, low, high, spread=MAP_SPREAD)
    return item, item.grid(points)


def decision_map(
    scenario: Scenario,
    x: tuple[str, float | None, float | None, int] | None = None,
    y: tuple[str, float | None, float | None, int] | None = None,
    options: RunOptions | None = None,
) -> DecisionMap:
    """The verdict at every (x, y) of a grid; axes as (path, low, high, points)."""
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    dx, dy = default_axes(scenario)
    x = x or (dx, None, None, POINTS)
    y = y or (dy, None, None, POINTS)
    options.check(scenario, x[3] * y[3], "map grid points (--x, --y)")
    x_in, xs = axis(scenario, *x)
    y_in, ys = axis(scenario, *y)
    if x_in.path == y_in.path:
        raise ValueError(f"the two axes must differ, both are {x_in.path}")
    changes = {
        f"{i},{j}": {**x_in.changes(scenario, xv), **y_in.changes(scenario, yv)}
        for j, yv in enumerate(ys)
        for i, xv in enumerate(xs)
    }
    runs = run_variants(scenario, changes, options)
    cells = []
    for j, yv in enumerate(ys):
        for i, xv in enumerate(xs):
            variant, kpis = runs[f"{i},{j}"]
            results = Replications(
                scenario=variant.scenario,
                seed=options.seed,
                setups=tuple(dict.fromkeys(kpis["setup"])),
                kpis=kpis.drop(columns=[c for c in kpis.columns if c in ("variant",)]),
                monthly=kpis.iloc[0:0],
            )
            summaries = summarise(results, objective, confidence)
            verdict = make_verdict(results, summaries, objective, confidence)
            cells.append(
                Cell(
                    x=xv,
                    y=yv,
                    best=verdict.best,
                    runner_up=verdict.runner_up,
                    p_best=summaries[verdict.best].p_best,
                    separated=verdict.separated,
                    gap=verdict.gap.as_dict(),
                    changes=changes[f"{i},{j}"],
                )
            )
    return DecisionMap(
        scenario,
        objective,
        confidence,
        options.replications,
        options.seed,
        x_in,
        y_in,
        xs,
        ys,
        cells,
    )
