"""Curves: P(best) and expected loss of every setup along one input, with intervals.

The acceptability and expected-loss curves of health-economics tools (dampack, hesim): the
input is set to `points` values between LOW and HIGH, every value is run in one experiment
on common random numbers, and at each value every setup gets

* **P(best)**: the share of replications in which it has the highest objective (ties split,
  as `sim.verdict.stats.p_best` splits them for the verdict), with a Wilson score interval;
* **expected loss**: the mean over replications of (the best setup's value in that
  replication minus this setup's value), with its t-interval (its low end floored at 0, as
  no replication loses less than nothing) — the verdict's *regret*, measured at each value
  of the input; the setup with the smallest expected loss is the best on average;
* its **gain over none** (paired, with its t-interval), from which `pays_from` reads the
  smallest value of the range from which on the setup clearly beats none (mean gain above
  zero and the interval above zero at that value and every larger one), and `pays_up_to`
  the largest value up to which it does.

The input is any number the explore inputs accept (`sim.explore.inputs.make_input`: a
number, a team's effect, all of a team's effects) or the company's size:

`company.size` is a multiplier of the company (1 = today). It scales together: the reps
(`sales.reps`, rounded, at least 1) and the seats of the hiring plan (`sales.hiring`, each
step rounded so the scaled seat count follows the plan), inbound volume
(`market.inbound_mqls_per_month`) and the audience it draws on (`market.audience_size`, so a
larger company does not use its market up faster), the marketing spend (so the cost per lead
stays today's), the first-touch desk (`lead_handling.first_touch.capacity`, rounded, at least
1, when the company has one), the other go-to-market costs, and the existing customers
(`starting_customers.count`, rounded). Outbound volume follows the reps
(`sales.outbound_leads_per_rep_month` is per rep). The ops teams stay as they are: a team's
headcount and cost are fixed, so the curve answers "from what size does each team pay". Its
grid is geometric (0.25 to 4 in 9 points is 0.25, 0.35, 0.5, 0.71, 1, 1.41, 2, 2.83, 4), so
today's company sits on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import variants_from
from sim.explore.inputs import Input, _tidy, make_input
from sim.explore.runs import RunOptions, facts_header, objective_table, run_variants
from sim.params import BASELINE, Scenario
from sim.verdict.stats import Interval, mean_interval, p_best

POINTS = 9
"""Values along the range unless asked: odd, so the middle of a range around today is today."""

SIZE = "company.size"
"""The company's size as an input: a multiplier of reps, leads and the rest (see above)."""

SIZE_RANGE = (0.25, 4.0)
"""The company's size is searched from a quarter to four times today's unless asked."""

SIZE_LIMITS = (0.01, 100.0)
"""Sizes accepted: a company can be a hundredth or a hundred times today's, no more."""


def wilson(share: float, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion `share` observed on `n` trials."""
    if n <= 0 or not math.isfinite(share):
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(share * (1 - share), 0.0) / n + z * z / (4 * n * n)) / denom
    # at 0 and 1 the ends are 0 and 1 exactly (the closed form, without rounding dust)
    low = 0.0 if share <= 0 else max(0.0, centre - half)
    high = 1.0 if share >= 1 else min(1.0, centre + half)
    return low, high


def loss_table(values: pd.DataFrame) -> pd.DataFrame:
    """Each replication's best value minus each setup's value (>= 0; missing values stay)."""
    arr = values.to_numpy(dtype=float)
    best = np.nanmax(arr, axis=1, keepdims=True)
    return pd.DataFrame(best - arr, index=values.index, columns=values.columns)


def size_changes(scenario: Scenario, factor: float) -> dict[str, Any]:
    """The dotted overrides that make the company `factor` times today's (see the module)."""
    if not (math.isfinite(factor) and SIZE_LIMITS[0] <= factor <= SIZE_LIMITS[1]):
        raise ValueError(
            f"{SIZE}: a multiplier between {SIZE_LIMITS[0]:g} and {SIZE_LIMITS[1]:g}, "
            f"got {factor:g}"
        )
    f = float(factor)
    sales, market = scenario.sales, scenario.market
    reps = max(1, round(sales.reps * f))
    out: dict[str, Any] = {"sales.reps": reps}
    # the plan's seats, scaled as running totals so they never go below zero
    seats, scaled = sales.reps, reps
    for i, step in sorted(enumerate(sales.hiring), key=lambda item: item[1].month):
        seats += step.reps
        target = max(0, round(seats * f))
        out[f"sales.hiring.{i}.reps"] = target - scaled
        scaled = target
    out["market.inbound_mqls_per_month"] = _tidy(market.inbound_mqls_per_month * f)
    if market.audience_size is not None:
        out["market.audience_size"] = _tidy(market.audience_size * f)
    out["market.marketing_spend_per_month"] = _tidy(market.marketing_spend_per_month * f)
    desk = scenario.lead_handling.first_touch.capacity
    if desk:
        out["lead_handling.first_touch.capacity"] = max(1, round(desk * f))
    out["costs.other_gtm_per_month"] = _tidy(scenario.costs.other_gtm_per_month * f)
    out["starting_customers.count"] = round(scenario.starting_customers.count * f)
    return out


@dataclass(frozen=True)
class SizeInput(Input):
    """The company's size as an input: a multiplier, 1 today, on a geometric grid."""

    def changes(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """The overrides that make the company `value` times today's."""
        return size_changes(scenario, float(value))

    def grid(self, points: int, low: float | None = None, high: float | None = None) -> list:
        """`points` multipliers from `low` to `high`, evenly spaced on a log scale."""
        lo = self.low if low is None else low
        hi = self.high if high is None else high
        if points < 2:
            raise ValueError("a grid needs at least 2 points")
        if lo <= 0:
            raise ValueError(f"{SIZE}: a multiplier above 0, got {lo:g}")
        ratio = (hi / lo) ** (1 / (points - 1))
        return [_tidy(lo * ratio**i) for i in range(points)]


def size_input(low: float | None = None, high: float | None = None) -> SizeInput:
    """The company's size between `low` and `high` (default 0.25 to 4 times today's)."""
    lo = SIZE_RANGE[0] if low is None else float(low)
    hi = SIZE_RANGE[1] if high is None else float(high)
    for end in (lo, hi):
        if not (math.isfinite(end) and SIZE_LIMITS[0] <= end <= SIZE_LIMITS[1]):
            raise ValueError(
                f"{SIZE}: a multiplier between {SIZE_LIMITS[0]:g} and {SIZE_LIMITS[1]:g}, "
                f"got {end:g}"
            )
    return SizeInput(SIZE, "size", 1.0, lo, hi)


def curve_input(
    scenario: Scenario, param: str, low: float | None = None, high: float | None = None
) -> Input:
    """The input a curve runs along: the company's size, or any explore input."""
    if param.strip() == SIZE:
        return size_input(low, high)
    return make_input(scenario, param, low, high)


def strength_path(scenario: Scenario, team: str) -> str:
    """The input standing for a team's strength.

    `org.teams.T.strength` where the explore inputs take it; otherwise all of the team's
    effects together (0 = every lever at its poor end, 1 = at its good end).
    """
    path = f"org.teams.{team}.strength"
    try:
        make_input(scenario, path)
    except (KeyError, ValueError):
        return f"org.teams.{team}.effects"
    return path


def axis_paths(scenario: Scenario) -> list[str]:
    """The short list of axes: each team's cost and strength, the company's size, the horizon."""
    teams = [
        t
        for t in scenario.org.teams
        if any(t in members for members in scenario.org.setups.values())
    ]
    return [
        *(f"org.teams.{t}.cost_per_fte_month" for t in teams),
        *(strength_path(scenario, t) for t in teams),
        SIZE,
        "analysis.horizon_months",
    ]


@dataclass(frozen=True)
class SetupPoint:
    """One setup at one value of the input."""

    p_best: float
    p_best_interval: tuple[float, float]
    """Wilson score interval of P(best) at the curve's confidence."""
    expected_loss: Interval
    vs_none: Interval | None
    """The paired gain over none (None for none itself, or when none is not compared)."""

    @property
    def beats_none(self) -> bool:
        """Whether the setup clearly beats none here: mean gain above 0, interval above 0."""
        return self.vs_none is not None and self.vs_none.mean > 0 and self.vs_none.low > 0


@dataclass(frozen=True)
class CurvePoint:
    """Every setup at one value of the input."""

    value: float
    setups: dict[str, SetupPoint]
    changes: dict[str, Any]

    @property
    def best(self) -> str:
        """The best setup on average here: the one with the smallest expected loss.

        The same setup as the highest mean (the loss is the replication's best value minus
        the setup's, so the smallest mean loss is the highest mean); the first listed on a tie.
        """
        return min(self.setups, key=lambda s: self.setups[s].expected_loss.mean)


@dataclass(frozen=True)
class Curve:
    """P(best) and expected loss of every setup along one input, as facts."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    input: Input
    between: tuple[float, float]
    points: list[CurvePoint]

    @property
    def param(self) -> str:
        """The input's path (`company.size` for the company's size)."""
        return self.input.path

    @property
    def today(self) -> float | None:
        """Today's value of the input (1 for the size; None for a team effect, a range today)."""
        return self.input.base

    @property
    def values(self) -> list[float]:
        """The input's values, low to high."""
        return [p.value for p in self.points]

    @property
    def setups(self) -> list[str]:
        """The setups compared, in the scenario's order."""
        return list(self.points[0].setups) if self.points else []

    def team_setups(self) -> list[str]:
        """The setups with at least one team, compared with none."""
        return [
            s
            for s in self.setups
            if s != BASELINE and self.scenario.org.setups.get(s) and BASELINE in self.setups
        ]

    def pays_from(self) -> dict[str, float | None]:
        """Per setup with a team: the smallest value from which on it clearly beats none.

        It beats none at that value and at every larger value of the range (mean gain above
        0 and its interval above 0); None when it does not at the top of the range.
        """
        out: dict[str, float | None] = {}
        for s in self.team_setups():
            found = None
            for p in reversed(self.points):
                if not p.setups[s].beats_none:
                    break
                found = p.value
            out[s] = found
        return out

    def pays_up_to(self) -> dict[str, float | None]:
        """Per setup with a team: the largest value up to which it clearly beats none.

        It beats none at that value and at every smaller value of the range; None when it
        does not at the bottom of the range (a cost's curve: it pays up to this cost).
        """
        out: dict[str, float | None] = {}
        for s in self.team_setups():
            found = None
            for p in self.points:
                if not p.setups[s].beats_none:
                    break
                found = p.value
            out[s] = found
        return out

    def facts(self) -> dict[str, Any]:
        """JSON-ready: param, points (value, setups: p_best, expected_loss), pays_from."""
        return {
            **facts_header(self),
            "param": self.param,
            "kind": self.input.kind,
            "today": self.today,
            "between": list(self.between),
            "pays_from": self.pays_from(),
            "pays_up_to": self.pays_up_to(),
            "points": [
                {
                    "value": p.value,
                    "best": p.best,
                    "setups": {
                        name: {
                            "p_best": s.p_best,
                            "p_best_interval": {
                                "low": s.p_best_interval[0],
                                "high": s.p_best_interval[1],
                            },
                            "expected_loss": s.expected_loss.as_dict(),
                            "vs_none": None if s.vs_none is None else s.vs_none.as_dict(),
                        }
                        for name, s in p.setups.items()
                    },
                }
                for p in self.points
            ],
        }

    def frame(self) -> pd.DataFrame:
        """One row per value and setup: P(best) and its interval, expected loss and its."""
        rows = []
        for p in self.points:
            for name, s in p.setups.items():
                rows.append(
                    {
                        "param": self.param,
                        "value": p.value,
                        "setup": name,
                        "p_best": s.p_best,
                        "p_best_low": s.p_best_interval[0],
                        "p_best_high": s.p_best_interval[1],
                        "expected_loss": s.expected_loss.mean,
                        "expected_loss_low": s.expected_loss.low,
                        "expected_loss_high": s.expected_loss.high,
                        "vs_none": math.nan if s.vs_none is None else s.vs_none.mean,
                        "vs_none_low": math.nan if s.vs_none is None else s.vs_none.low,
                        "vs_none_high": math.nan if s.vs_none is None else s.vs_none.high,
                    }
                )
        return pd.DataFrame(rows)


def _floored(loss: Interval) -> Interval:
    """A loss's interval with its low end at 0 at least (no replication loses less than 0)."""
    return Interval(loss.mean, max(loss.low, 0.0), loss.high)


def point_of(values: pd.DataFrame, confidence: float) -> dict[str, SetupPoint]:
    """Every setup's P(best), expected loss and gain over none at one value of the input.

    `values` is the objective as a replication x setup table.
    """
    n = len(values)
    shares = p_best(values)
    losses = loss_table(values)
    out = {}
    for s in values.columns:
        gain = None
        if s != BASELINE and BASELINE in values.columns:
            gain = mean_interval((values[s] - values[BASELINE]).to_numpy(dtype=float), confidence)
        share = float(shares[s])
        out[str(s)] = SetupPoint(
            p_best=share,
            p_best_interval=wilson(share, n, confidence),
            expected_loss=_floored(mean_interval(losses[s].to_numpy(dtype=float), confidence)),
            vs_none=gain,
        )
    return out


def _check_range(low: float | None, high: float | None) -> None:
    """A ValueError naming `--between` when an end is not a number or LOW is not below HIGH."""
    for end in (low, high):
        if end is not None and not math.isfinite(end):
            raise ValueError(f"--between: LOW and HIGH must be finite numbers, got {end}")
    if low is not None and high is not None and not low < high:
        raise ValueError(f"--between: LOW must be below HIGH, got {low:g} and {high:g}")


def curve(
    scenario: Scenario,
    param: str | Input,
    low: float | None = None,
    high: float | None = None,
    points: int = POINTS,
    options: RunOptions | None = None,
) -> Curve:
    """P(best) and expected loss of every setup at `points` values of `param`, LOW to HIGH.

    `param` is a dotted path `make_input` accepts, `company.size`, or an `Input`; `low` and
    `high` default to the input's uncertain range (0.25 to 4 for the size). All values run in
    one experiment (one `run_variants` call) on common random numbers.
    """
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    _check_range(low, high)
    item = param if isinstance(param, Input) else curve_input(scenario, param, low, high)
    lo = item.low if low is None else float(low)
    hi = item.high if high is None else float(high)
    _check_range(lo, hi)
    if points < 2:
        raise ValueError(f"--points: at least 2, got {points}")
    field = "curve points (--points)"
    options.check(scenario, points, field)
    grid = item.grid(points, lo, hi)
    # the ends can be larger companies (or longer horizons) than today's: the costlier end
    # stands for every point, so the budget is never under-counted
    ends = variants_from(
        scenario, [item.changes(scenario, grid[0]), item.changes(scenario, grid[-1])]
    )
    for end in ends:
        options.check(end.scenario, len(grid), field)
    changes = {f"p{i}": item.changes(scenario, v) for i, v in enumerate(grid)}
    runs = run_variants(scenario, changes, options)
    out = []
    for i, v in enumerate(grid):
        values = objective_table(runs[f"p{i}"][1], objective)
        out.append(CurvePoint(float(v), point_of(values, confidence), changes[f"p{i}"]))
    return Curve(
        scenario=scenario,
        objective=objective,
        confidence=confidence,
        replications=options.replications,
        seed=options.seed,
        input=item,
        between=(lo, hi),
        points=out,
    )
