"""Org setups and how their teams' lever effects apply over time.

A *setup* is a set of teams. Each team moves some levers; its effect on a lever at full
effect is uncertain, a triangular range, and is drawn **once per replication per team** from
the team's own stream, so in replication r the SalesOps effect is the same whether SalesOps
works alone (`salesops`) or beside RevOps (`both`). A team reaches full effect linearly over
`months_to_full_effect`, starting at time 0.

Teams moving the same lever in the same direction do not simply add: the combined effect is
the largest plus `overlap` times the rest. `synergy` effects exist only when two or
more teams are present and ramp with the slowest of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sim.levers import LEVERS, Stage, levers_read_by
from sim.params import MONTH_DAYS, EffectRange, Scenario, Team
from sim.streams import stream


def triangular_ppf(u: float, rng_: EffectRange) -> float:
    """Inverse CDF of the triangular distribution (robust to low == high)."""
    low, mode, high = rng_.low, rng_.mode, rng_.high
    if high <= low:
        return low
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + float(np.sqrt(u * (high - low) * (mode - low)))
    return high - float(np.sqrt((1 - u) * (high - low) * (high - mode)))


def draw_team_effects(
    team_name: str, team: Team, seed: int, replication: int, scale: float = 1.0
) -> dict[str, float]:
    """The team's full effect on each lever in this replication, from its own stream.

    One uniform is drawn for every known lever in a fixed order, so a lever's draw does not
    depend on which other levers the team moves. `scale` is the scenario's effect scale.
    """
    u = stream(seed, replication, f"effects.{team_name}").random(len(LEVERS))
    return {
        lever: scale * triangular_ppf(float(u[i]), team.effects[lever])
        for i, lever in enumerate(LEVERS)
        if lever in team.effects
    }


@dataclass(frozen=True)
class _Contribution:
    full: float  # effect at full strength
    ramp_days: float  # days to reach full strength (0 = at once)

    def at(self, t: np.ndarray) -> np.ndarray:
        if self.ramp_days <= 0:
            return np.full_like(t, self.full, dtype=float)
        return self.full * np.clip(t / self.ramp_days, 0.0, 1.0)


@dataclass(frozen=True)
class SetupEffects:
    """The lever effects of one setup in one replication, as functions of time (days)."""

    setup: str
    teams: tuple[str, ...]
    overlap: float
    contributions: dict[str, tuple[_Contribution, ...]] = field(default_factory=dict)
    synergy: dict[str, _Contribution] = field(default_factory=dict)
    monthly_cost: float = 0.0
    team_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def moves(self, lever: str) -> bool:
        """Whether any team of this setup moves `lever` at all."""
        return lever in self.contributions or lever in self.synergy

    def at(self, lever: str, t: np.ndarray | float) -> np.ndarray:
        """Combined effect on `lever` at times `t` (days); 0 where nothing moves it."""
        tt = np.asarray(t, dtype=float)
        if not self.moves(lever):
            return np.zeros_like(tt)
        parts = self.contributions.get(lever, ())
        if parts:
            c = np.stack([p.at(tt) for p in parts])
            pos = np.clip(c, 0.0, None)
            neg = np.clip(c, None, 0.0)
            big_pos = pos.max(axis=0)
            big_neg = neg.min(axis=0)
            total = (
                big_pos
                + self.overlap * (pos.sum(axis=0) - big_pos)
                + big_neg
                + self.overlap * (neg.sum(axis=0) - big_neg)
            )
        else:
            total = np.zeros_like(tt)
        if lever in self.synergy:
            total = total + self.synergy[lever].at(tt)
        return total

    def settled(self, lever: str) -> tuple[float, float]:
        """(day from which `lever`'s combined effect no longer changes, that effect)."""
        key = ("settled", lever)
        cached = self._memo.get(key)
        if cached is None:
            ramps = [p.ramp_days for p in self.contributions.get(lever, ())]
            if lever in self.synergy:
                ramps.append(self.synergy[lever].ramp_days)
            day = max([0.0, *ramps])
            cached = (day, self._combine(lever, day))
            self._memo[key] = cached
        return cached

    def scalar(self, lever: str, t: float) -> float:
        """Combined effect on `lever` at one time, in plain Python (the event loop's path)."""
        day, full = self.settled(lever)
        return full if t >= day else self._combine(lever, t)

    def _combine(self, lever: str, t: float) -> float:
        pos = neg = big_pos = big_neg = 0.0
        for p in self.contributions.get(lever, ()):
            v = (
                p.full
                if p.ramp_days <= 0 or t >= p.ramp_days
                else p.full * max(t, 0.0) / p.ramp_days
            )
            if v > 0:
                pos += v
                big_pos = max(big_pos, v)
            else:
                neg += v
                big_neg = min(big_neg, v)
        total = big_pos + self.overlap * (pos - big_pos) + big_neg + self.overlap * (neg - big_neg)
        syn = self.synergy.get(lever)
        if syn is not None:
            ramp = syn.ramp_days
            total += syn.full if ramp <= 0 or t >= ramp else syn.full * max(t, 0.0) / ramp
        return total

    def stage(self, stage: Stage) -> StageEffects:
        """The view of these effects that one model stage reads."""
        return StageEffects(self, stage)

    def bound(self, lever: str) -> float:
        """Largest value of the combined effect over all time (effects ramp monotonically)."""
        if not self.moves(lever):
            return 0.0
        return float(self.at(lever, np.array([0.0, 1e9])).max())

    def lowest(self, lever: str) -> float:
        """Smallest value of the combined effect over all time."""
        if not self.moves(lever):
            return 0.0
        return float(self.at(lever, np.array([0.0, 1e9])).min())


class StageEffects:
    """What one stage of the model may read of a setup's effects: its own levers only.

    Every stage gets its effects through this view, and every effect meets a value through
    `sim.levers` (`apply`), so a lever is applied the one way its registry entry says. A
    stage asking for a lever the registry does not list for it is a programming error.
    """

    def __init__(self, fx: SetupEffects, stage: Stage) -> None:
        self.fx = fx
        self.stage = stage
        self.levers = levers_read_by(stage)

    def _check(self, lever: str) -> None:
        if lever not in self.levers:
            raise KeyError(f"stage '{self.stage}' does not read lever '{lever}' (sim.levers)")

    def moves(self, lever: str) -> bool:
        """Whether any team of the setup moves `lever`."""
        self._check(lever)
        return self.fx.moves(lever)

    def apply(self, lever: str, base: float | np.ndarray, t: float | np.ndarray) -> np.ndarray:
        """`base` under the setup's effect on `lever` at times `t` (days), vectorised."""
        self._check(lever)
        return LEVERS[lever].apply(base, self.fx.at(lever, t))

    def apply_scalar(self, lever: str, base: float, t: float) -> float:
        """`apply` for one value at one time, in plain Python (the event loop's path)."""
        self._check(lever)
        return LEVERS[lever].apply_scalar(base, self.fx.scalar(lever, t))

    def scalar_fn(self, lever: str) -> Callable[[float, float], float]:
        """`apply_scalar` for one lever as a function of (base, t), checked once."""
        self._check(lever)
        day, full = self.fx.settled(lever)
        combine, apply_one = self.fx.scalar, LEVERS[lever].apply_scalar

        def applied(base: float, t: float) -> float:
            return apply_one(base, full if t >= day else combine(lever, t))

        return applied


def setup_effects(
    scenario: Scenario,
    setup: str,
    seed: int,
    replication: int,
    levers: Iterable[str] | None = None,
) -> SetupEffects:
    """Draw and combine the effects of `setup`'s teams in replication `replication`.

    `levers`, if given, keeps only those levers (the rest act as if no team moved them) while
    the teams' costs stay: this is how a gain is split into its sources on the same draws.
    """
    if setup not in scenario.org.setups:
        known = ", ".join(scenario.org.setups)
        raise KeyError(f"unknown setup '{setup}' (known: {known})")
    keep = None if levers is None else set(levers)
    org = scenario.org
    team_names = tuple(org.setups[setup])
    contributions: dict[str, list[_Contribution]] = {}
    drawn: dict[str, dict[str, float]] = {}
    ramps = []
    for name in team_names:
        team = org.teams[name]
        ramp = team.months_to_full_effect * MONTH_DAYS
        ramps.append(ramp)
        drawn[name] = draw_team_effects(name, team, seed, replication, org.effect_scale)
        for lever, value in drawn[name].items():
            if keep is None or lever in keep:
                contributions.setdefault(lever, []).append(_Contribution(value, ramp))
    synergy: dict[str, _Contribution] = {}
    if len(team_names) >= 2:
        for lever, value in org.synergy.items():
            if keep is None or lever in keep:
                synergy[lever] = _Contribution(org.effect_scale * value, max(ramps))
    return SetupEffects(
        setup=setup,
        teams=team_names,
        overlap=org.overlap,
        contributions={k: tuple(v) for k, v in contributions.items()},
        synergy=synergy,
        monthly_cost=sum(org.teams[n].monthly_cost for n in team_names),
        team_effects=drawn,
    )
