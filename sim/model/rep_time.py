"""Stage 0, reps' time: how much of it is left for selling, and what that buys.

A rep's month is admin, first touches (when the reps make them: first-touch capacity 0) and
selling. Today's selling share is given (`sales.selling_time_share`); today's first-touch load
is the inbound MQLs reaching reps times `sales.hours_per_first_touch` over the reps' hours,
and admin is the rest. Under a setup at time t:

    selling(t) = today's selling + admin freed(t) - (first-touch load(t) - today's load)

where admin freed is the `selling_time_share` lever (points of a rep's time) and the load
follows the inbound rate and the handoff leakage in force. Selling time is what works deals
and prospects: outbound leads scale with it (`sim.model.arrivals`), and so does what the deal
floor gets done — one mechanism, counted once. With r = selling(t) / today's selling and
`sales.cycle_time_elasticity` e, the floor's deal slots scale by r^(1 - e) and new cycles by
r^(-e), so the deals a rep closes per day scale by exactly r whatever e: e only says whether
freed time shows as more deals worked at once or as faster cycles (buyers set the rest of
the pace; the `sales_cycle` lever is that pace).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.levers import LEVERS
from sim.model.drift import inbound_level, season_at
from sim.model.seats import SeatHistory
from sim.org import SetupEffects, StageEffects, _Contribution
from sim.params import MONTH_DAYS, Market, Scenario

_SHARE_CLIP = LEVERS["selling_time_share"].clip


@dataclass(frozen=True)
class RepTime:
    """Reps' selling-time share over time under one setup, and what it does to capacity."""

    scenario: Scenario
    fx: StageEffects | None  # None: today's organisation (the warm-up)
    touch_hours_per_mql: float  # rep-share of a month per inbound MQL a day (0: reps don't touch)
    seats: SeatHistory | None = None  # the sales seats month by month (None: reps all there)

    def ramped_reps(self, t: np.ndarray) -> np.ndarray:
        """Ramped FTE of the sales team at times `t` (days): a monthly step function."""
        tt = np.asarray(t, dtype=float)
        if self.seats is None:
            return np.full_like(tt, float(self.scenario.sales.reps))
        ramped = self.seats.ramped
        month = np.clip((tt // MONTH_DAYS).astype(np.int64), 0, ramped.size - 1)
        return ramped[month]

    @property
    def today(self) -> float:
        """Today's selling share (no team, today's inbound)."""
        return self.scenario.sales.selling_time_share

    def _load(self, t: np.ndarray) -> np.ndarray:
        """Reps' share of time making first touches at times `t` (days)."""
        sc = self.scenario
        rate = sc.market.inbound_mqls_per_month * inbound_level(sc.market, t)
        leak = sc.lead_handling.handoff_leakage
        if self.fx is not None:
            rate = self.fx.apply("inbound_rate", rate, t)
            leak = self.fx.apply("handoff_leakage", leak, t)
        return rate * (1.0 - leak) * self.touch_hours_per_mql

    def share(self, t: np.ndarray | float) -> np.ndarray:
        """Selling share at times `t` (days)."""
        tt = np.asarray(t, dtype=float)
        s0 = self.today
        value = np.full_like(tt, s0)
        if self.fx is not None:
            value = self.fx.apply("selling_time_share", s0, tt)
        if self.touch_hours_per_mql > 0:
            load0 = self._load(np.zeros(1))[0] if self.fx is None else _today_load(self)
            value = value - (self._load(tt) - load0)
        return np.clip(value, *_SHARE_CLIP)

    def constant(self) -> bool:
        """Whether the share never moves from today's (no lever, no first-touch load)."""
        return self.touch_hours_per_mql == 0 and (
            self.fx is None or not self.fx.moves("selling_time_share")
        )

    def settles(self) -> tuple[float, float]:
        """(day from which selling(t) / today's no longer changes, that ratio).

        (inf, nan) when it never settles: a first-touch load follows inbound over time, and a
        fading effect never stops moving.
        """
        if self.constant():
            return 0.0, 1.0
        if self.touch_hours_per_mql > 0:
            return math.inf, math.nan
        day, _ = self.fx.fx.settled("selling_time_share")  # type: ignore[union-attr]
        if not math.isfinite(day):
            return math.inf, math.nan
        s0 = self.today
        return day, self.fx.apply_scalar("selling_time_share", s0, day) / s0  # type: ignore[union-attr]

    def ratio_fn(self) -> Callable[[float], float]:
        """selling(t) / today's selling as a plain function of t (the event loop's path).

        Settles when nothing moves the share any more: after every ramp, with no first-touch
        load and no fading.
        """
        s0 = self.today
        if self.constant():
            return lambda t: 1.0
        if self.touch_hours_per_mql == 0:
            lever = self.fx.scalar_fn("selling_time_share")  # type: ignore[union-attr]
            return lambda t: lever(s0, t) / s0
        return self._share_fn()

    def _share_fn(self) -> Callable[[float], float]:
        """`share(t) / today's` for one time, in plain Python, with `share`'s own numbers.

        The first-touch load moves with inbound, so this never settles and the deal floor
        asks at every event; `share` on one number costs dozens of small numpy calls. This
        is the same arithmetic in the same order (effects combined as `SetupEffects.at`
        combines them, levers applied as `Lever.apply` does), with numpy's own `power`,
        `exp` and `exp2` for the three transcendental steps, so the result is the same
        float; `tests/test_model.py` holds the two against each other.
        """
        sc, s0, per_mql = self.scenario, self.today, self.touch_hours_per_mql
        fx = None if self.fx is None else self.fx.fx
        base_rate = sc.market.inbound_mqls_per_month
        leak0 = sc.lead_handling.handoff_leakage
        load0 = float(self._load(np.zeros(1))[0]) if fx is None else _today_load(self)
        drift = _drift_fn(sc.market)
        low, high = _SHARE_CLIP
        if fx is None:

            def today(t: float) -> float:
                value = s0 - (base_rate * drift(t) * (1.0 - leak0) * per_mql - load0)
                return min(max(value, low), high) / s0

            return today
        share = _lever_fn(fx, "selling_time_share")
        inbound = _lever_fn(fx, "inbound_rate")
        leakage = _lever_fn(fx, "handoff_leakage")

        def ratio(t: float) -> float:
            value = share(s0, t)
            rate = inbound(base_rate * drift(t), t)
            value = value - (rate * (1.0 - leakage(leak0, t)) * per_mql - load0)
            return min(max(value, low), high) / s0

        return ratio


def _drift_fn(market: Market) -> Callable[[float], float]:
    """`inbound_level(market, t)` for one time (numpy's power and exp: the same float)."""
    trend = _trend_fn(market)
    season = market.season
    if season is None:
        return trend
    return lambda t: trend(t) * float(season_at(season, t))


def _trend_fn(market: Market) -> Callable[[float], float]:
    """`inbound_drift(market, t)` for one time (numpy's power and exp: the same float)."""
    growth, cap = market.inbound_growth_per_month, market.inbound_growth_cap
    if growth <= 0 or cap is None:
        return lambda t: float(np.power(1.0 + growth, t / MONTH_DAYS))
    if cap <= 1.0:
        return lambda t: 1.0
    r = math.log1p(growth) * cap / (cap - 1.0)

    def logistic(t: float) -> float:
        with np.errstate(over="ignore"):
            return float(cap / (1.0 + (cap - 1.0) * np.exp(-r * (t / MONTH_DAYS))))

    return logistic


def _lever_fn(fx: SetupEffects, lever: str) -> Callable[[float, float], float]:
    """`Lever.apply(base, SetupEffects.at(lever, t))` for one base and time, same floats."""
    spec = LEVERS[lever]
    cap_low, cap_high = spec.effect_cap
    low, high = spec.clip
    kind = spec.kind
    parts = fx.contributions.get(lever, ())
    synergy = fx.synergy.get(lever)
    overlap = fx.overlap
    moves = fx.moves(lever)

    def effect(t: float) -> float:
        if not moves:
            return 0.0
        total = 0.0
        if parts:
            c = [_contribution_at(p, t) for p in parts]
            pos = [x if x > 0.0 else 0.0 for x in c]
            neg = [x if x < 0.0 else 0.0 for x in c]
            big_pos, big_neg = max(pos), min(neg)
            total = (
                big_pos + overlap * (sum(pos) - big_pos) + big_neg + overlap * (sum(neg) - big_neg)
            )
        if synergy is not None:
            total = total + _contribution_at(synergy, t)
        return total

    def apply(base: float, t: float) -> float:
        e = min(max(effect(t), cap_low), cap_high)
        if kind == "points":
            value = base + e
        elif kind == "relative":
            value = base * max(0.0, 1.0 + e)
        else:
            value = base * 0.0 + e
        return min(max(value, low), high)

    return apply


def _contribution_at(c: _Contribution, t: float) -> float:
    """`_Contribution.at` for one time (numpy's exp2 for the fade: the same float)."""
    if c.steps:  # a plan's FTE steps: the object's own arithmetic, one value
        return float(c.at(np.array([t]))[0])
    if c.staffing is not None:  # a team that loses people: its level since its start
        t = t - c.start_days
        out = c.full * c.staffing.level(t)
        if c.half_life_days is not None:
            out = out * float(np.exp2(-max(t - max(c.ramp_days, 0.0), 0.0) / c.half_life_days))
        return out
    if c.start_days:  # a plan's team: nothing before its start, then its ramp from there
        t = t - c.start_days
        if t < 0.0:
            return 0.0
    out = c.full if c.ramp_days <= 0 else c.full * min(max(t / c.ramp_days, 0.0), 1.0)
    if c.half_life_days is not None:
        past = max(t - max(c.ramp_days, 0.0), 0.0)
        out = out * float(np.exp2(-past / c.half_life_days))
    return out


def _today_load(rt: RepTime) -> float:
    """Today's first-touch load: today's organisation, at day 0."""
    return float(RepTime(rt.scenario, None, rt.touch_hours_per_mql)._load(np.zeros(1))[0])


def rep_time(
    scenario: Scenario, fx: StageEffects | None, seats: SeatHistory | None = None
) -> RepTime:
    """Reps' time budget under a setup (`fx`), or under today's organisation (None).

    `seats`: the sales team's seats month by month, when they are simulated.
    """
    sales = scenario.sales
    touching = scenario.lead_handling.first_touch.capacity == 0 and sales.reps > 0
    per_mql = (
        sales.hours_per_first_touch / (sales.reps * sales.hours_per_month) if touching else 0.0
    )
    return RepTime(scenario, fx, per_mql, seats)


def slots_at(base_slots: int, ratio: float, elasticity: float) -> int:
    """Deal slots when reps have `ratio` x today's selling time: base x ratio^(1 - e)."""
    if ratio == 1.0:
        return base_slots
    return max(1, math.floor(base_slots * ratio ** (1.0 - elasticity) + 0.5))


__all__ = ["RepTime", "rep_time", "slots_at"]
