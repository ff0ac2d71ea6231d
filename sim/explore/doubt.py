"""Chance apart from ignorance: how much of a gain's spread is luck, how much the inputs.

A gain over no ops team varies from one simulated future to the next for two reasons: the
luck of single futures (which leads arrive, which deals close: *first-order* uncertainty,
chance) and not knowing the inputs (how well a team will work, and any world number given a
range: *second-order* uncertainty, ignorance). More futures shrink neither; a study or a
pilot can shrink the second, nothing shrinks the first.

The split is a two-level Monte Carlo on the same futures (common random numbers):

* *inputs drawn*: the usual run, every uncertain input drawn afresh in each future;
* *inputs fixed*: the same futures with every uncertain input at its mode (each team's
  effect ranges, strength and retention strength collapsed to [mode, mode, mode]; each
  declared world range likewise).

The variance of the paired gain with the inputs fixed estimates chance; the variance with
them drawn is chance plus ignorance (law of total variance), so the input share is the
difference, floored at zero (`sim.verdict.robust.doubt_split`). Both variants run in one
`run_variants` call, so the executor and the cache see them together.

The input that matters most for a gain is the one whose draws explain most of its variance
in the inputs-drawn run: the gain is regressed on each input's draws alone (the cubic spline
of `sim.explore.voi`), and the variance of the fitted values is the variance the gain would
lose, on average, if that input were known (a first-order sensitivity index; adjusted R², so
an input that does not matter scores about 0). Only the
inputs of the setup's own teams, and the world's, are candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.explore.runs import RunOptions, facts_header, objective_table, run_variants
from sim.explore.voi import spline_basis
from sim.org import draw_raw_effects, draw_retention_strength, draw_team_strength
from sim.params import BASELINE, Scenario
from sim.uncertainty import world_draws_of
from sim.verdict.robust import doubt_split
from sim.verdict.stats import Interval, mean_interval

REPLICATIONS = 50
"""Futures per variant unless asked (each runs twice: inputs drawn, inputs fixed)."""


@dataclass(frozen=True)
class UncertainInput:
    """One input drawn per future: its scenario path, range, and the team it belongs to."""

    path: str
    low: float
    mode: float
    high: float
    team: str | None = None
    """The team whose input it is (None: a world number)."""


def uncertain_inputs(scenario: Scenario) -> list[UncertainInput]:
    """Every input drawn per future with a range wider than a point, in the scenario's order."""
    out = []
    for name, team in scenario.org.teams.items():
        ranges = [(f"org.teams.{name}.effects.{lever}", r) for lever, r in team.effects.items()]
        ranges.append((f"org.teams.{name}.strength", team.strength))
        if team.retention_strength is not None:
            ranges.append((f"org.teams.{name}.retention_strength", team.retention_strength))
        out += [UncertainInput(p, r.low, r.mode, r.high, name) for p, r in ranges if r.high > r.low]
    out += [
        UncertainInput(path, r.low, r.mode, r.high)
        for path, r in scenario.uncertainty.items()
        if r.high > r.low
    ]
    return out


def fixed_at_modes(inputs: list[UncertainInput]) -> dict[str, Any]:
    """Overrides that collapse every uncertain input to its mode.

    A team's range: its path -> [mode, mode, mode]. The world's ranges: `uncertainty` ->
    every path at [mode, mode, mode] (so a whole-number field is still rounded as drawn).
    """
    out: dict[str, Any] = {i.path: [i.mode] * 3 for i in inputs if i.team is not None}
    world = {i.path: [i.mode] * 3 for i in inputs if i.team is None}
    if world:
        out["uncertainty"] = world
    return out


def input_draws(
    scenario: Scenario, inputs: list[UncertainInput], seed: int, replications: list[int]
) -> pd.DataFrame:
    """Each uncertain input's draw per future, re-made from its stream: columns by path."""
    cols: dict[str, list[float]] = {i.path: [] for i in inputs}
    teams = {i.team for i in inputs if i.team is not None}
    for r in replications:
        for name in teams:
            team = scenario.org.teams[name]
            here = {
                f"org.teams.{name}.effects.{k}": v
                for k, v in draw_raw_effects(name, team, seed, r).items()
            }
            here[f"org.teams.{name}.strength"] = draw_team_strength(name, team, seed, r)
            if team.retention_strength is not None:
                here[f"org.teams.{name}.retention_strength"] = draw_retention_strength(
                    name, team, seed, r
                )
            for path, value in here.items():
                if path in cols:
                    cols[path].append(value)
    for path, values in world_draws_of(scenario, seed, replications).items():
        if path in cols:
            cols[path] = values
    return pd.DataFrame(cols, index=replications)


def explained_share(gain: np.ndarray, draws: np.ndarray) -> float:
    """Share of the gain's variance explained by a spline of one input's draws (0..1).

    The adjusted R² of the fit, floored at 0: a spline of k columns explains about k / n of
    any variance by chance alone, and the adjustment takes that off, so an input that does
    not matter scores about 0 rather than k / n.
    """
    gain = np.asarray(gain, dtype=float)
    n = len(gain)
    total = float(gain.var())
    basis = spline_basis(draws)
    k = basis.shape[1]
    if total <= 0.0 or k == 0 or n <= k + 1:
        return 0.0
    design = np.hstack([np.ones((n, 1)), basis])
    coef, *_ = np.linalg.lstsq(design, gain, rcond=None)
    r2 = float((design @ coef).var() / total)
    adjusted = 1.0 - (1.0 - r2) * (n - 1) / (n - k - 1)
    return float(min(1.0, max(0.0, adjusted)))


@dataclass(frozen=True)
class GainDoubt:
    """One setup's gain over no ops team, and its spread split into chance and inputs."""

    setup: str
    gain: Interval
    """The gain with the inputs drawn (the usual answer), with the interval of its mean."""
    gain_inputs_fixed: Interval
    """The gain on the same futures with every uncertain input at its mode."""
    chance_share: float
    input_share: float
    sd: float
    """Spread (standard deviation over futures) of the gain with the inputs drawn."""
    sd_inputs_fixed: float
    main_input: str | None
    """The path of the input explaining most of the gain's variance (None: no input)."""
    input_shares: dict[str, float]
    """Each candidate input's share of the gain's variance, largest first."""

    @property
    def main_team(self) -> str | None:
        """The team `main_input` belongs to (None: a world number, or no input)."""
        if self.main_input is None or not self.main_input.startswith("org.teams."):
            return None
        return self.main_input.split(".")[2]


@dataclass(frozen=True)
class Doubt:
    """Chance apart from ignorance, for every setup's gain over no ops team."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    inputs: list[UncertainInput]
    gains: dict[str, GainDoubt]
    """Setups other than the baseline, largest mean gain first."""

    def facts(self) -> dict[str, Any]:
        """JSON-ready: per setup gain, chance and input shares, the main input."""
        return {
            **facts_header(self),
            "fixed_at_modes": {i.path: i.mode for i in self.inputs},
            "setups": {
                s: {
                    "gain": g.gain.as_dict(),
                    "gain_inputs_fixed": g.gain_inputs_fixed.as_dict(),
                    "sd": g.sd,
                    "sd_inputs_fixed": g.sd_inputs_fixed,
                    "chance_share": g.chance_share,
                    "input_share": g.input_share,
                    "main_input": g.main_input,
                    "input_shares": g.input_shares,
                }
                for s, g in self.gains.items()
            },
        }


def _gains(values: pd.DataFrame) -> dict[str, np.ndarray]:
    base = values[BASELINE].to_numpy(dtype=float)
    return {str(s): values[s].to_numpy(dtype=float) - base for s in values.columns if s != BASELINE}


def split_gain(
    setup: str,
    drawn: np.ndarray,
    fixed: np.ndarray,
    draws: pd.DataFrame,
    confidence: float,
) -> GainDoubt:
    """One setup's `GainDoubt` from its paired gains (inputs drawn, inputs fixed) per future.

    `draws` holds the candidate inputs' draws of the same futures (columns by path).
    """
    split = doubt_split(fixed, drawn)
    shares = {
        str(path): explained_share(drawn, draws[path].to_numpy(dtype=float)) for path in draws
    }
    shares = dict(sorted(shares.items(), key=lambda kv: -kv[1]))
    main = next(iter(shares), None) if split.input_share > 0 else None
    return GainDoubt(
        setup=setup,
        gain=mean_interval(drawn, confidence),
        gain_inputs_fixed=mean_interval(fixed, confidence),
        chance_share=split.chance_share,
        input_share=split.input_share,
        sd=float(np.std(drawn, ddof=1)),
        sd_inputs_fixed=float(np.std(fixed, ddof=1)),
        main_input=main if main is not None and shares[main] > 0 else None,
        input_shares=shares,
    )


def doubt(scenario: Scenario, options: RunOptions | None = None) -> Doubt:
    """Split every setup's gain over no ops team into chance and input uncertainty."""
    options = options or RunOptions(replications=REPLICATIONS)
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    inputs = uncertain_inputs(scenario)
    runs = run_variants(scenario, {"drawn": {}, "fixed": fixed_at_modes(inputs)}, options)
    drawn_values = objective_table(runs["drawn"][1], objective)
    fixed_values = objective_table(runs["fixed"][1], objective)
    fixed_values = fixed_values.loc[drawn_values.index, drawn_values.columns]
    replications = [int(r) for r in drawn_values.index]
    draws = input_draws(scenario, inputs, options.seed, replications)
    drawn, fixed = _gains(drawn_values), _gains(fixed_values)
    gains = {}
    for setup in drawn:
        members = {name for name, _ in scenario.org.members(setup)}
        own = [i.path for i in inputs if i.team is None or i.team in members]
        gains[setup] = split_gain(setup, drawn[setup], fixed[setup], draws[own], confidence)
    order = sorted(gains, key=lambda s: -gains[s].gain.mean)
    return Doubt(
        scenario=scenario,
        objective=objective,
        confidence=confidence,
        replications=options.replications,
        seed=options.seed,
        inputs=inputs,
        gains={s: gains[s] for s in order},
    )
