"""Breakeven: where a pair's paired gap crosses zero along one input.

The input is set to `points` values between LOW and HIGH (one experiment, common random
numbers: every value faces the same futures). The gap A - B and its confidence interval
are read at each value; the breakeven is where the mean gap crosses zero, by linear
interpolation between the two values that bracket the first crossing. Its interval inverts
the gap's confidence band: the nearest values either side where the band's lower or upper
edge crosses zero (the values at which "A is ahead" or "B is ahead" stops being clear).
An edge that does not cross inside the range leaves that end of the interval at the range's
end. When the gap keeps one sign over the whole range there is no breakeven, and the facts
say which setup wins throughout the range searched.

With common random numbers a team's cost moves every replication's gap by the same exact
amount, so along a cost the gap is a straight line and the interpolation is exact.

Along a team's effects (a position between its worst and best, or one lever's effect) the
breakeven is also said in an outcome (`Uplift`): the pair's setup with that team is set
against no ops team at every value searched (no ops team runs once: it has no team to
move), and its gain — in net-new ARR relative to no ops team's, or in the objective where
no ops team's net-new ARR is not positive — is interpolated at the breakeven. "RevOps wins
if its effects are past 42% of the way from worst to best" becomes "... if RevOps lifts
net-new ARR by more than 1.2%".

Without a pair the pair is today's top two: the setups ranked by mean on the scenario as it
is today, run alongside (for a team's effects, today is the range drawn afresh in every
future, not a point of the grid).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.explore.inputs import Input, make_input
from sim.explore.runs import (
    RunOptions,
    check_pair,
    default_pair,
    facts_header,
    objective_table,
    paired_gap,
    run_variants,
)
from sim.params import BASELINE, Scenario
from sim.verdict.stats import Interval
from sim.verdict.uplift import net_new_arr

POINTS = 7
"""Values along the range unless asked (enough for a curve, few enough to stay cheap)."""

TODAY = "today"
"""The variant id of the scenario as it is (for today's top two)."""

NET_NEW_ARR = "net_new_arr"
"""The outcome a team's effects are said in, as a share of no ops team's (`Uplift`)."""


@dataclass(frozen=True)
class Uplift:
    """What a team's effects imply in an outcome: its setup's gain over no ops team.

    `values` holds the gain at each value searched; `at` is the gain interpolated at the
    breakeven (None without one). `outcome` is "net_new_arr" with `relative` true (a share of
    no ops team's mean net-new ARR), or the objective with `relative` false (its own unit)
    where no ops team's net-new ARR is not positive somewhere along the range.
    """

    setup: str
    outcome: str
    relative: bool
    values: list[float]
    at: float | None

    def facts(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "setup": self.setup,
            "outcome": self.outcome,
            "relative": self.relative,
            "values": self.values,
            "at_breakeven": self.at,
        }


@dataclass(frozen=True)
class Breakeven:
    """Where setup A and setup B swap places along one input, as facts."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    input: Input
    pair: tuple[str, str]
    between: tuple[float, float]
    values: list[float]
    gaps: list[Interval]
    breakeven: float | None
    interval: tuple[float, float] | None
    below: str
    """The pair's winner at LOW (by the mean gap)."""
    above: str
    """The pair's winner at HIGH."""
    crossings: int
    uplift: Uplift | None = None
    """For a team's effects: the breakeven in an outcome (None for other inputs)."""

    @property
    def today(self) -> float | None:
        """Today's value of the input (None for a team effect, a range today)."""
        return self.input.base

    def facts(self) -> dict[str, Any]:
        """JSON-ready: param, pair, breakeven, interval, below, above, and the curve."""
        return {
            **facts_header(self),
            "param": self.input.path,
            "kind": self.input.kind,
            "today": self.today,
            "pair": list(self.pair),
            "between": list(self.between),
            "breakeven": self.breakeven,
            "interval": None if self.interval is None else list(self.interval),
            "below": self.below,
            "above": self.above,
            "crossings": self.crossings,
            "uplift": None if self.uplift is None else self.uplift.facts(),
            "points": [
                {"value": v, "gap": g.as_dict()}
                for v, g in zip(self.values, self.gaps, strict=True)
            ],
        }


def crossings(xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    """Where a piecewise-linear curve through (xs, ys) meets zero (each crossing once)."""
    out: list[float] = []
    for i in range(len(xs) - 1):
        y0, y1 = ys[i], ys[i + 1]
        if not (np.isfinite(y0) and np.isfinite(y1)):
            continue
        if y0 == 0:
            if not out or out[-1] != xs[i]:
                out.append(float(xs[i]))
        elif y0 * y1 < 0:
            out.append(float(xs[i] + (xs[i + 1] - xs[i]) * y0 / (y0 - y1)))
    if len(ys) and ys[-1] == 0 and (not out or out[-1] != xs[-1]):
        out.append(float(xs[-1]))
    return out


def locate(
    xs: Sequence[float], gaps: Sequence[Interval]
) -> tuple[float | None, tuple[float, float] | None, int]:
    """(breakeven, its interval, number of crossings) of a gap curve with its band."""
    means = [g.mean for g in gaps]
    found = crossings(xs, means)
    if not found:
        return None, None, 0
    x = found[0]
    edges = crossings(xs, [g.low for g in gaps]) + crossings(xs, [g.high for g in gaps])
    left = max((e for e in edges if e <= x), default=float(xs[0]))
    right = min((e for e in edges if e >= x), default=float(xs[-1]))
    return x, (left, right), len(found)


def breakeven(
    scenario: Scenario,
    path: str | Input,
    between: tuple[float, float] | None = None,
    pair: tuple[str, str] | None = None,
    options: RunOptions | None = None,
    points: int = POINTS,
) -> Breakeven:
    """The breakeven of `pair` (default: today's top two) along `path` over `between`.

    `between` defaults to the input's uncertain range (`sim.explore.inputs`).
    """
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    item = path if isinstance(path, Input) else make_input(scenario, path)
    lo, hi = between if between is not None else (item.low, item.high)
    if not lo < hi:
        raise ValueError(f"--between: LOW must be below HIGH, got {lo} and {hi}")
    team = _team(item)
    if pair is not None:
        pair = check_pair(scenario, pair)
        setups: list[str] | None = list(pair)
        if team is not None and BASELINE not in pair:
            setups = [BASELINE, *pair]  # no ops team runs once: nothing of it moves
    else:
        setups = None
    # the points asked for are checked before the grid is built (a refusal costs nothing),
    # the variants run (today's scenario beside a deduplicated grid) once they are known
    field = "breakeven points (--points)"
    sizes = len(setups) if setups else None
    options.check(scenario, points, field, sizes)
    grid = item.grid(points, lo, hi)
    changes = {f"p{i}": item.changes(scenario, v) for i, v in enumerate(grid)}
    if pair is None:
        changes[TODAY] = {}  # a point of the grid already run costs nothing more
    options.check(scenario, len(changes), field, sizes)
    runs = run_variants(scenario, changes, options, setups)
    tables = [objective_table(runs[f"p{i}"][1], objective) for i in range(len(grid))]
    if pair is None:
        pair = default_pair(objective_table(runs[TODAY][1], objective))
    a, b = pair
    gaps = [paired_gap(t, a, b, confidence) for t in tables]
    x, interval, count = locate(grid, gaps)
    lift = None
    if team is not None:
        kpis = [runs[f"p{i}"][1] for i in range(len(grid))]
        lift = uplift(scenario, team, (a, b), kpis, objective, grid, x)
    return Breakeven(
        scenario=scenario,
        objective=objective,
        confidence=confidence,
        replications=options.replications,
        seed=options.seed,
        input=item,
        pair=(a, b),
        between=(float(lo), float(hi)),
        values=[float(v) for v in grid],
        gaps=gaps,
        breakeven=x,
        interval=interval,
        below=a if gaps[0].mean >= 0 else b,
        above=a if gaps[-1].mean >= 0 else b,
        crossings=count,
        uplift=lift,
    )


def _team(item: Input) -> str | None:
    """The team whose effects the input is (None for any other input)."""
    return item.path.split(".")[2] if item.kind in ("effect", "effects") else None


def uplift(
    scenario: Scenario,
    team: str,
    pair: tuple[str, str],
    kpis: Sequence[Any],
    objective: str,
    grid: Sequence[float],
    at: float | None,
) -> Uplift | None:
    """The gain over no ops team of the pair's setup with `team`, along the grid.

    The setup is the one of the pair that has the team (the team alone first when both
    have it); None when neither has it. `kpis` are the runs at each grid value, no ops team
    among them.
    """
    org = scenario.org
    with_team = [s for s in pair if team in dict(org.members(s))]
    if not with_team:
        return None
    setup = next((s for s in with_team if [n for n, _ in org.members(s)] == [team]), with_team[0])
    arr = []
    gain = []
    for frame in kpis:
        ours = frame[frame["setup"] == setup]
        base = frame[frame["setup"] == BASELINE]
        if base.empty or ours.empty:
            return None
        new_ours = float(net_new_arr(ours, scenario).mean())
        new_base = float(net_new_arr(base, scenario).mean())
        arr.append((new_ours - new_base) / new_base if new_base > 0 else math.nan)
        gain.append(float(ours[objective].mean()) - float(base[objective].mean()))
    relative = all(math.isfinite(v) for v in arr)
    values = arr if relative else gain
    return Uplift(
        setup=setup,
        outcome=NET_NEW_ARR if relative else objective,
        relative=relative,
        values=values,
        at=None if at is None else float(np.interp(at, grid, values)),
    )


def nearest_breakevens(
    scenario: Scenario,
    pair: tuple[str, str],
    options: RunOptions | None = None,
    inputs: list[Input] | list[str] | None = None,
    count: int = 3,
    points: int = 4,
) -> list[Breakeven]:
    """The `count` breakevens of `pair` nearest to today's values, over the uncertain ranges.

    A tornado of the pair alone finds the inputs whose gap changes sign between today and an
    end of the range; each such bracket is then searched with `points` values. Nearness is
    the distance from today as a share of the input's range (for a team's effects, from the
    middle of their range).
    """
    from sim.explore.tornado import tornado

    options = options or RunOptions()
    t = tornado(scenario, inputs, options, pair, only_pair=True)
    base = t.base_gap.mean
    found: list[tuple[float, Input, tuple[float, float]]] = []
    for row in t.rows:
        item = row.input
        width = item.high - item.low
        if width <= 0:
            continue
        if item.base is None:
            if row.gap_low.mean * row.gap_high.mean < 0:
                x = crossings([item.low, item.high], [row.gap_low.mean, row.gap_high.mean])[0]
                found.append((abs(x - 0.5) / width, item, (item.low, item.high)))
            continue
        for end, gap in ((item.low, row.gap_low.mean), (item.high, row.gap_high.mean)):
            if base * gap < 0 and end != item.base:
                lo, hi = sorted((item.base, end))
                ys = [base, gap] if lo == item.base else [gap, base]
                x = crossings([lo, hi], ys)[0]
                found.append((abs(x - item.base) / width, item, (lo, hi)))
    found.sort(key=lambda f: f[0])
    return [
        breakeven(scenario, item, bracket, t.pair, options, points)
        for _, item, bracket in found[:count]
    ]
