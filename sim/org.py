"""Org setups and how their teams' lever effects apply over time.

A *setup* is a set of teams. Each team moves some levers; its effect on a lever at full
effect is uncertain, a triangular range, and is drawn **once per replication per team** from
the team's own stream, so in replication r the SalesOps effect is the same whether SalesOps
works alone (`salesops`) or beside RevOps (`both`). A team reaches full effect linearly over
`months_to_full_effect`, starting at time 0.

Teams moving the same lever in the same direction do not simply add: the combined effect is
the largest plus `overlap` times the rest. `synergy` effects exist only when two or
more teams are present and ramp with the slowest of them.

Three more rules shape a team's effect:

* **anchors** — levers whose published figures describe one gain (`sim.levers.ANCHORS`):
  when a setup moves the anchor's primary lever, its secondary lever counts `overlap` of its
  effect, so the one gain is not counted twice;
* **coverage** — a team's effects follow its size with diminishing returns:
  multiplier (1 - exp(-k c)) / (1 - exp(-k)) for coverage c (1 at the size its ranges are
  stated for), so a half-time team gets more than half the effect of a full-time one;
* **durability** — after full effect, an effect may fade with a half-life.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.errors import NonFiniteResult
from sim.levers import (
    ANCHORS,
    LEVERS,
    REFERENCE_EFFECT,
    RETENTION_LEVERS,
    Stage,
    funnel_stage,
    levers_read_by,
)
from sim.params import MONTH_DAYS, EffectRange, Org, Scenario, Team
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


def draw_team_strength(team_name: str, team: Team, seed: int, replication: int) -> float:
    """The team's overall strength in this replication, from its own stream."""
    u = stream(seed, replication, f"strength.{team_name}").random()
    return triangular_ppf(float(u), team.strength)


def draw_retention_strength(team_name: str, team: Team, seed: int, replication: int) -> float:
    """The strength of the team's retention work in this replication.

    Drawn from its own stream when the team states a retention strength; otherwise the
    team's overall strength.
    """
    if team.retention_strength is None:
        return draw_team_strength(team_name, team, seed, replication)
    u = stream(seed, replication, f"retention_strength.{team_name}").random()
    return triangular_ppf(float(u), team.retention_strength)


def draw_team_effects(
    team_name: str, team: Team, seed: int, replication: int, scale: float = 1.0
) -> dict[str, float]:
    """The team's full effect on each lever in this replication, from its own streams.

    One uniform is drawn for every known lever in a fixed order, so a lever's draw does not
    depend on which other levers the team moves. Rate and points effects are multiplied by
    `scale` (the scenario's effect scale) and the team's strength in this replication (its
    retention strength on the retention levers); a correlation (scoring accuracy) is not a
    rate and is taken as drawn.
    """
    strength = scale * draw_team_strength(team_name, team, seed, replication)
    kept = strength
    if team.retention_strength is not None and RETENTION_LEVERS & set(team.effects):
        kept = scale * draw_retention_strength(team_name, team, seed, replication)

    def multiplier(lever: str) -> float:
        if LEVERS[lever].kind == "correlation":
            return 1.0
        return kept if lever in RETENTION_LEVERS else strength

    raw = draw_raw_effects(team_name, team, seed, replication)
    return {lever: value * multiplier(lever) for lever, value in raw.items()}


def draw_raw_effects(team_name: str, team: Team, seed: int, replication: int) -> dict[str, float]:
    """Each lever's draw from the team's effect range in this replication, before strength.

    One uniform for every known lever in a fixed order (`draw_team_effects` scales these).
    """
    u = stream(seed, replication, f"effects.{team_name}").random(len(LEVERS))
    return {
        lever: triangular_ppf(float(u[i]), team.effects[lever])
        for i, lever in enumerate(LEVERS)
        if lever in team.effects
    }


def stage_leads(drawn: dict[str, dict[str, float]]) -> dict[str, str]:
    """For each funnel stage several teams work: the team that leads it.

    Each team's work on a stage is the sum of its effects there, each in units of the
    lever's typical effect (`sim.levers.REFERENCE_EFFECT`); the team doing the most leads
    (the first listed on a tie). The lead counts in full and the others `overlap`, so adding
    a team never lowers a stage's total work in those units.
    """
    work: dict[str, dict[str, float]] = {}
    for team, effects in drawn.items():
        for lever, value in effects.items():
            stage = work.setdefault(funnel_stage(lever), {})
            stage[team] = stage.get(team, 0.0) + abs(value) / REFERENCE_EFFECT[lever]
    order = list(drawn)
    return {
        stage: min(teams, key=lambda t, w=teams: (-w[t], order.index(t)))
        for stage, teams in work.items()
        if len(teams) >= 2
    }


def coverage_multiplier(coverage: float, curvature: float) -> float:
    """Share of a team's stated effect that `coverage` of the work brings.

    Concave: 0 at 0, 1 at full coverage, saturating at 1 / (1 - exp(-k)), k = `curvature`.
    """
    if coverage <= 0:
        return 0.0
    return -math.expm1(-curvature * coverage) / -math.expm1(-curvature)


def team_coverage(org: Org, scenario: Scenario, team_name: str, fte: float) -> float:
    """How much of the work a team of `fte` covers (1 = the size its ranges are stated for)."""
    team = org.teams[team_name]
    if team.coverage is not None:
        full = team.coverage.fte_per_rep * scenario.sales.reps
        return fte / full if full > 0 else 1.0
    # without a coverage curve the ranges hold at the stated headcount (a team stated at 0
    # FTE is a what-if without cost: nothing to scale by)
    return fte / team.headcount if team.headcount > 0 else 1.0


DEFAULT_CURVATURE = 2.0
"""Diminishing returns of a team without a stated coverage curve (a sized option of it)."""


def team_size(scenario: Scenario, team_name: str, fte: float) -> float:
    """The multiplier of a team's effects at `fte`: its coverage on its coverage curve."""
    team = scenario.org.teams[team_name]
    curvature = DEFAULT_CURVATURE if team.coverage is None else team.coverage.curvature
    return coverage_multiplier(team_coverage(scenario.org, scenario, team_name, fte), curvature)


@dataclass(frozen=True)
class Staffing:
    """A team's people over time, counted from the team's start: who is in post, how ramped.

    Each seat holds stints `(weight, hire_day, leave_day)`; a hire ramps linearly to full
    over `ramp_days` (the team's months to full effect), a leaver's seat is vacant until the
    next stint. The team's level at a time is the weighted sum of its seats' ramped shares
    (1 = everyone in post and ramped); its effects scale with it, its cost with the seats
    filled. Built only for a team that loses people (`attrition_per_year` > 0).
    """

    ramp_days: float
    stints: tuple[tuple[float, float, float], ...]

    def level(self, t: float) -> float:
        """The team's ramped share at `t` days after its start (plain Python)."""
        ramp = self.ramp_days
        v = 0.0
        for w, hire, leave in self.stints:
            if hire <= t < leave:
                v += w if ramp <= 0 or t - hire >= ramp else w * (t - hire) / ramp
        return v

    def levels(self, t: np.ndarray) -> np.ndarray:
        """`level` at many times (days after the start)."""
        t = np.asarray(t, dtype=float)
        out = np.zeros_like(t)
        for w, hire, leave in self.stints:
            inside = (t >= hire) & (t < leave)
            share = 1.0 if self.ramp_days <= 0 else np.clip((t - hire) / self.ramp_days, 0, 1)
            out = out + np.where(inside, w * share, 0.0)
        return out

    def filled_by_month(self, months: int, start_days: float) -> np.ndarray:
        """Share of the team's seats filled in each month (the months' average), from its start."""
        edges = np.arange(months + 1) * MONTH_DAYS
        out = np.zeros(months)
        for w, hire, leave in self.stints:
            a, b = start_days + hire, start_days + leave
            overlap = np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0.0, None)
            out += w * overlap / MONTH_DAYS
        return out

    def hires_by_month(self, months: int, start_days: float) -> np.ndarray:
        """Successors hired in each month.

        A team's first people are not counted: a setup or a plan pays no recruiting for them.
        """
        out = np.zeros(months)
        for _w, hire, _leave in self.stints:
            if hire > 0:
                month = int((start_days + hire) // MONTH_DAYS)
                if month < months:
                    out[month] += 1
        return out


def draw_staffing(
    team_name: str, team: Team, fte: float, seed: int, replication: int, horizon_days: float
) -> Staffing | None:
    """The team's seats over the horizon in this replication (None when nobody leaves).

    Seats: `fte` rounded up (at least one), equal shares. Each seat draws exponential tenures
    from its own stream, counted from the team's start, so the people are the same in every
    setup and plan that has the team, whenever it starts.
    """
    rate = team.attrition_per_year / (12 * MONTH_DAYS)  # leavers per seat-day
    if rate <= 0:
        return None
    seats = max(1, math.ceil(fte - 1e-9))
    backfill = team.backfill_months * MONTH_DAYS
    stints: list[tuple[float, float, float]] = []
    for k in range(seats):
        rng = stream(seed, replication, f"team_seats.{team_name}.{k}")
        hire = 0.0
        while hire < horizon_days:
            leave = hire + float(rng.exponential(1.0 / rate))
            stints.append((1.0 / seats, hire, leave))
            hire = leave + backfill
    return Staffing(team.months_to_full_effect * MONTH_DAYS, tuple(stints))


@dataclass(frozen=True)
class _Contribution:
    full: float  # effect at full strength
    ramp_days: float  # days to reach full strength (0 = at once)
    half_life_days: float | None = None  # fading after full effect (None = lasts)
    start_days: float = 0.0  # the team's start (a plan's month); nothing before it
    staffing: Staffing | None = None  # its people over time (None: they stay)
    steps: tuple[tuple[float, float], ...] = ()  # a plan's size changes: (days after start,
    # change of the effect as a share of `full`), each ramping like the first hire

    @property
    def full_from(self) -> float:
        """Day from which the effect is at full strength."""
        last = max((off for off, _ in self.steps), default=0.0)
        return self.start_days + last + max(self.ramp_days, 0.0)

    def at(self, t: np.ndarray) -> np.ndarray:
        if self.steps:
            out = _Contribution(self.full, self.ramp_days, self.half_life_days, self.start_days).at(
                t
            )
            rel = np.asarray(t, dtype=float) - self.start_days
            fade = 1.0
            if self.half_life_days is not None:
                fade = np.exp2(
                    -np.maximum(rel - max(self.ramp_days, 0.0), 0.0) / self.half_life_days
                )
            for off, weight in self.steps:
                x = rel - off
                ramp = (
                    (x >= 0.0).astype(float)
                    if self.ramp_days <= 0
                    else np.clip(x / self.ramp_days, 0.0, 1.0)
                )
                out = out + self.full * weight * ramp * fade
            return out
        if self.staffing is not None:
            rel = np.asarray(t, dtype=float) - self.start_days
            out = self.full * self.staffing.levels(rel)
            if self.half_life_days is not None:
                past = np.maximum(rel - max(self.ramp_days, 0.0), 0.0)
                out = out * np.exp2(-past / self.half_life_days)
            return out
        if self.start_days:
            t = np.asarray(t, dtype=float) - self.start_days
            out = np.where(
                t >= 0.0, _Contribution(self.full, self.ramp_days, self.half_life_days).at(t), 0.0
            )
            return out
        if self.ramp_days <= 0:
            out = np.full_like(t, self.full, dtype=float)
        else:
            out = self.full * np.clip(t / self.ramp_days, 0.0, 1.0)
        if self.half_life_days is not None:
            past = np.maximum(np.asarray(t, dtype=float) - max(self.ramp_days, 0.0), 0.0)
            out = out * np.exp2(-past / self.half_life_days)
        return out

    def scalar(self, t: float) -> float:
        if self.steps:
            v = _Contribution(
                self.full, self.ramp_days, self.half_life_days, self.start_days
            ).scalar(t)
            rel = t - self.start_days
            fade = 1.0
            if self.half_life_days is not None and rel > self.ramp_days:
                fade = 2.0 ** (-(rel - max(self.ramp_days, 0.0)) / self.half_life_days)
            for off, weight in self.steps:
                x = rel - off
                if x >= 0.0:
                    ramp = 1.0 if self.ramp_days <= 0 or x >= self.ramp_days else x / self.ramp_days
                    v += self.full * weight * ramp * fade
            return v
        if self.staffing is not None:
            t -= self.start_days
            v = self.full * self.staffing.level(t)
            if self.half_life_days is not None and t > self.ramp_days:
                v *= 2.0 ** (-(t - max(self.ramp_days, 0.0)) / self.half_life_days)
            return v
        if self.start_days:
            t -= self.start_days
            if t < 0.0:
                return 0.0
        ramp = self.ramp_days
        v = self.full if ramp <= 0 or t >= ramp else self.full * max(t, 0.0) / ramp
        if self.half_life_days is not None and t > ramp:
            v *= 2.0 ** (-(t - max(ramp, 0.0)) / self.half_life_days)
        return v


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
    team_costs: dict[str, float] = field(default_factory=dict)  # monthly, per team
    start_months: dict[str, float] = field(default_factory=dict)  # a plan's starts (else 0)
    staffing: dict[str, Staffing] = field(default_factory=dict)  # teams that lose people
    cost_steps: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    # a plan's size changes: team -> (months after its start, monthly cost from then)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def monthly_costs(self, months: int) -> np.ndarray:
        """The teams' cost in each month: each team is paid from its start month."""
        if not any(self.start_months.values()) and not self.staffing and not self.cost_steps:
            return np.full(months, self.monthly_cost)
        out = np.zeros(months)
        month = np.arange(months)
        for team, cost in self.team_costs.items():
            start = self.start_months.get(team, 0.0)
            people = self.staffing.get(team)
            if people is not None:  # paid for the seats filled (a vacancy costs no salary)
                out += cost * people.filled_by_month(months, start * MONTH_DAYS)
                continue
            # a start within a month pays that month's remaining share
            out += cost * np.clip(month + 1.0 - start, 0.0, 1.0)
            before = cost
            for after, later in self.cost_steps.get(team, ()):
                out += (later - before) * np.clip(month + 1.0 - start - after, 0.0, 1.0)
                before = later
        return out

    def ops_hires(self, months: int) -> np.ndarray:
        """Successors hired into the ops teams in each month (leavers' seats refilled)."""
        out = np.zeros(months)
        for team, people in self.staffing.items():
            out += people.hires_by_month(months, self.start_months.get(team, 0.0) * MONTH_DAYS)
        return out

    def moves(self, lever: str) -> bool:
        """Whether any team of this setup moves `lever` at all."""
        return lever in self.contributions or lever in self.synergy

    def at(self, lever: str, t: np.ndarray | float) -> np.ndarray:
        """Combined effect on `lever` at times `t` (days); 0 where nothing moves it."""
        tt = np.asarray(t, dtype=float)
        if not self.moves(lever):
            return np.zeros_like(tt)
        parts = self.contributions.get(lever, ())
        if len(parts) == 1 and lever not in self.synergy and math.isfinite(parts[0].full):
            # one team alone: the combination below is its (finite) effect + 0.0, each other
            # term being 0.0 (overlap >= 0), so the floats are the same without the stacking
            # and the reductions
            return parts[0].at(tt) + 0.0
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
            parts = [*self.contributions.get(lever, ())]
            if lever in self.synergy:
                parts.append(self.synergy[lever])
            fades = any(p.half_life_days is not None or p.staffing is not None for p in parts)
            day = math.inf if fades else max([0.0, *(p.full_from for p in parts)])
            cached = (day, math.nan if fades else self._combine(lever, day))
            self._memo[key] = cached
        return cached

    def scalar(self, lever: str, t: float) -> float:
        """Combined effect on `lever` at one time, in plain Python (the event loop's path)."""
        day, full = self.settled(lever)
        return full if t >= day else self._combine(lever, t)

    def _combine(self, lever: str, t: float) -> float:
        pos = neg = big_pos = big_neg = 0.0
        for p in self.contributions.get(lever, ()):
            v = p.scalar(t)
            if v > 0:
                pos += v
                big_pos = max(big_pos, v)
            else:
                neg += v
                big_neg = min(big_neg, v)
        total = big_pos + self.overlap * (pos - big_pos) + big_neg + self.overlap * (neg - big_neg)
        syn = self.synergy.get(lever)
        if syn is not None:
            total += syn.scalar(t)
        return total

    def effect_fn(self, lever: str) -> Callable[[float], float]:
        """`scalar(lever, t)` as a function of t, with the contributions' numbers bound once.

        The same arithmetic in the same order as `scalar` (`_combine` over each
        contribution's `_Contribution.scalar`, min/max as the comparisons they make), without
        its method calls and lookups: the event loop asks during every ramp. A contribution
        that follows its people or a plan's size steps goes through `scalar` itself.
        """
        day, full = self.settled(lever)
        contributions = self.contributions.get(lever, ())
        if any(c.staffing is not None or c.steps for c in contributions):
            return lambda t: self.scalar(lever, t)  # people who leave, a plan's size steps
        parts = tuple((c.full, c.ramp_days, c.half_life_days, c.start_days) for c in contributions)
        overlap = self.overlap
        syn = self.synergy.get(lever)
        syn_at = None if syn is None else syn.scalar

        def effect(t: float) -> float:
            if t >= day:
                return full
            pos = neg = big_pos = big_neg = 0.0
            for c_full, ramp, half_life, start in parts:
                u = t - start if start else t
                if start and u < 0.0:
                    v = 0.0  # the team has not started yet
                else:  # full * max(u, 0) / ramp while it ramps; then faded by its half-life
                    v = (
                        c_full
                        if ramp <= 0 or u >= ramp
                        else c_full * (0.0 if u < 0.0 else u) / ramp
                    )
                    if half_life is not None and u > ramp:
                        v *= 2.0 ** (-(u - (0.0 if ramp < 0.0 else ramp)) / half_life)
                if v > 0:
                    pos += v
                    if v > big_pos:  # max(big_pos, v)
                        big_pos = v
                else:
                    neg += v
                    if v < big_neg:  # min(big_neg, v)
                        big_neg = v
            total = big_pos + overlap * (pos - big_pos) + big_neg + overlap * (neg - big_neg)
            if syn_at is not None:
                total += syn_at(t)
            return total

        return effect

    def stage(self, stage: Stage) -> StageEffects:
        """The view of these effects that one model stage reads."""
        return StageEffects(self, stage)

    def _extremes(self, lever: str) -> np.ndarray:
        """The combined effect at its candidate extremes: start, full effects, far future.

        Effects are piecewise monotone: they ramp, hold, then fade.
        """
        parts = [*self.contributions.get(lever, ()), *filter(None, [self.synergy.get(lever)])]
        starts = [p.start_days for p in parts if p.start_days]
        times = np.array([0.0, *starts, *(p.full_from for p in parts), 1e9])
        if self.staffing:
            # people who leave only shrink a contribution toward 0 (the combination is
            # monotone in each one), so the extremes of the fully staffed team bound them
            return self._unstaffed().at(lever, times)
        return self.at(lever, times)

    def _unstaffed(self) -> SetupEffects:
        def bare(c: _Contribution) -> _Contribution:
            return _Contribution(c.full, c.ramp_days, c.half_life_days, c.start_days)

        return SetupEffects(
            setup=self.setup,
            teams=self.teams,
            overlap=self.overlap,
            contributions={k: tuple(map(bare, v)) for k, v in self.contributions.items()},
            synergy={k: bare(v) for k, v in self.synergy.items()},
        )

    def bound(self, lever: str) -> float:
        """Largest value of the combined effect over all time."""
        return float(self._extremes(lever).max()) if self.moves(lever) else 0.0

    def lowest(self, lever: str) -> float:
        """Smallest value of the combined effect over all time."""
        return float(self._extremes(lever).min()) if self.moves(lever) else 0.0


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
        effect, apply_one = self.fx.effect_fn(lever), LEVERS[lever].scalar_fn()

        def applied(base: float, t: float) -> float:
            return apply_one(base, effect(t))

        return applied


def setup_effects(
    scenario: Scenario,
    setup: str,
    seed: int,
    replication: int,
    levers: Iterable[str] | None = None,
    starts: Mapping[str, float] | None = None,
) -> SetupEffects:
    """Draw and combine the effects of `setup`'s teams in replication `replication`.

    `levers`, if given, keeps only those levers (the rest act as if no team moved them) while
    the teams' costs stay: this is how a gain is split into its sources on the same draws.
    `setup` may name a plan: each team's effects ramp, and its cost runs, from its start
    month; `starts` gives the months of this future (a trigger's month resolved; a team
    missing from it never starts). A team's draws do not depend on when it starts.
    """
    if not scenario.org.runs(setup):
        known = ", ".join([*scenario.org.setups, *scenario.org.plans])
        raise KeyError(f"unknown setup '{setup}' (known: {known})")
    keep = None if levers is None else set(levers)
    org = scenario.org
    members = org.members(setup)
    if starts is None:
        steps = org.starts(setup)
        if any(step.when is not None for step in steps.values()):
            raise ValueError(f"plan '{setup}' has a trigger: its starts depend on the run")
        starts = {team: float(step.start or 0) for team, step in steps.items()}
    members = tuple((name, fte) for name, fte in members if name in starts)
    start_days = {name: starts[name] * MONTH_DAYS for name, _ in members}
    team_names = tuple(name for name, _ in members)
    contributions: dict[str, list[_Contribution]] = {}
    drawn: dict[str, dict[str, float]] = {}
    ramps = []
    for name, fte in members:
        team = org.teams[name]
        ramp = team.months_to_full_effect * MONTH_DAYS
        ramps.append(ramp)
        half_life = None if team.durability_months is None else team.durability_months * MONTH_DAYS
        size = team_size(scenario, name, fte)
        # a sized option draws its strength from the team's own stream: the half-time RevOps
        # of replication r is the full-time one's strength at half the coverage
        full = draw_team_effects(name, team, seed, replication, org.effect_scale)
        # a correlation (scoring accuracy) is not scaled like a rate: a smaller team scores
        # with the same model but covers less, and more people do not make it more accurate
        drawn[name] = {
            lever: value * (min(1.0, size) if LEVERS[lever].kind == "correlation" else size)
            for lever, value in full.items()
        }
        broken = [lever for lever, value in drawn[name].items() if not math.isfinite(value)]
        if broken:  # a NaN effect would silently zero a stage (NaN compares False)
            raise NonFiniteResult(
                f"setup '{setup}', replication {replication}: team '{name}' has effect "
                f"{drawn[name][broken[0]]} on {broken[0]} (not a number)"
            )
    # two teams on one funnel stage: the team leading the stage counts in full, the other
    # `overlap` of its effect there (on a lever both move, this is the lever rule: the
    # lead's effect plus `overlap` of the other's)
    leads = stage_leads(drawn) if len(team_names) >= 2 else {}
    sizes = _size_steps(scenario, setup, members)
    staffing = {
        name: people
        for name, fte in members
        if (
            people := draw_staffing(
                name,
                org.teams[name],
                org.teams[name].headcount if fte is None else fte,
                seed,
                replication,
                scenario.horizon_days,
            )
        )
        is not None
    }
    for (name, _fte), ramp in zip(members, ramps, strict=True):
        team = org.teams[name]
        half_life = None if team.durability_months is None else team.durability_months * MONTH_DAYS
        for lever, value in drawn[name].items():
            lead = leads.get(funnel_stage(lever), name)
            share = 1.0 if lead == name else org.overlap
            if keep is None or lever in keep:
                contributions.setdefault(lever, []).append(
                    _Contribution(
                        value * share,
                        ramp,
                        half_life,
                        start_days[name],
                        staffing.get(name),
                        sizes.get(name, {}).get(LEVERS[lever].kind == "correlation", ()),
                    )
                )
    synergy: dict[str, _Contribution] = {}
    if len(team_names) >= 2:
        # from the day the last team starts, ramping with the slowest
        together = max(start_days.values())
        for lever, value in org.synergy.items():
            if keep is None or lever in keep:
                synergy[lever] = _Contribution(org.effect_scale * value, max(ramps), None, together)
    # anchored levers: with the primary moved, the secondary counts `overlap` of its effect
    for primary, secondary in ANCHORS.values():
        moved = primary in contributions or primary in synergy
        if moved and secondary in contributions:
            contributions[secondary] = [
                _Contribution(
                    c.full * org.overlap,
                    c.ramp_days,
                    c.half_life_days,
                    c.start_days,
                    c.staffing,
                    c.steps,
                )
                for c in contributions[secondary]
            ]
    return SetupEffects(
        setup=setup,
        teams=team_names,
        # with several teams the overlap is already in each contribution (stage leads)
        overlap=1.0 if leads else org.overlap,
        contributions={k: tuple(v) for k, v in contributions.items()},
        synergy=synergy,
        monthly_cost=sum(fte * org.teams[name].cost_per_fte_month for name, fte in members),
        team_effects=drawn,
        team_costs={name: fte * org.teams[name].cost_per_fte_month for name, fte in members},
        start_months={name: float(starts[name]) for name, _ in members},
        staffing=staffing,
        cost_steps={
            name: tuple(
                (step.after_months, step.fte * org.teams[name].cost_per_fte_month)
                for step in org.starts(setup)[name].steps
            )
            for name, _ in members
            if setup in org.plans and org.starts(setup)[name].steps
        },
    )


def _size_steps(
    scenario: Scenario, setup: str, members: tuple[tuple[str, float], ...]
) -> dict[str, dict[bool, tuple[tuple[float, float], ...]]]:
    """A plan's FTE steps as changes of each team's effect, a share of its effect at the start.

    Keyed by team, then by whether the lever is a correlation (scaled by min(1, size), not
    by size); each step is (days after the team's start, change of the effect).
    """
    org = scenario.org
    if setup not in org.plans:
        return {}
    out: dict[str, dict[bool, tuple[tuple[float, float], ...]]] = {}
    for name, fte in members:
        plan = org.plans[setup][name]
        if not plan.steps:
            continue
        team = org.teams[name]
        if team.attrition_per_year > 0:
            raise ValueError(
                f"org.plans.{setup}.{name}.steps: a team that loses people "
                "(attrition_per_year > 0) cannot change size in a plan yet"
            )
        sizes = [team_size(scenario, name, f) for f in (fte, *(step.fte for step in plan.steps))]
        days = [step.after_months * MONTH_DAYS for step in plan.steps]
        by_kind = {}
        for corr in (False, True):
            level = [min(1.0, x) if corr else x for x in sizes]
            first = level[0] if level[0] > 0 else 1.0
            by_kind[corr] = tuple(
                (day, (level[k + 1] - level[k]) / first) for k, day in enumerate(days)
            )
        out[name] = by_kind
    return out
