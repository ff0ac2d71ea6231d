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
"""

from __future__ import annotations

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

POINTS = 7
"""Values along the range unless asked (enough for a curve, few enough to stay cheap)."""


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
    if pair is not None:
        pair = check_pair(scenario, pair)
        setups = list(dict.fromkeys(pair))
        if BASELINE not in setups:
            setups = list(pair)
    else:
        setups = None
    options.check(scenario, points, "breakeven points (--points)", len(setups) if setups else None)
    grid = item.grid(points, lo, hi)
    changes = {f"p{i}": item.changes(scenario, v) for i, v in enumerate(grid)}
    runs = run_variants(scenario, changes, options, setups)
    tables = [objective_table(runs[f"p{i}"][1], objective) for i in range(len(grid))]
    if pair is None:  # today's top two: at the value nearest today's (the middle for effects)
        near = (
            len(grid) // 2
            if item.base is None
            else int(np.argmin([abs(v - item.base) for v in grid]))
        )
        pair = default_pair(tables[near])
    a, b = pair
    gaps = [paired_gap(t, a, b, confidence) for t in tables]
    x, interval, count = locate(grid, gaps)
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
