"""A team as seats: hires, linear ramp, exponential tenure, a vacancy before each backfill.

Why seats and not a head count: a sales team is never all there and all productive. People
leave (tenure exponential with `attrition_per_year` leavers per filled seat-year), a leaver's
seat stays empty for `backfill_months` while the company recruits (no salary is paid), and a
new hire ramps linearly from 0 to full productivity over `ramp_months`. Sales-capacity
planners model the same reps x ramp - attrition + hires after a delay, as fixed schedules;
here every simulated future draws its own leavers.

Today's seats start in their stationary state, so a company that hires nobody has the same
expected ramped capacity in month 1 as in month 36: a seat is vacant with probability
a*d / (1 + a*d) (residual vacancy uniform on (0, d)), otherwise filled by someone whose tenure
so far is exponential with rate a (the age of a memoryless renewal process). The closed form
of that steady state, per seat, with a = attrition per month:

    ramped FTE per seat = (1 - exp(-a r)) / (a r (1 + a d))

`ramped_fte_per_seat` computes it; the tests hold the simulation against it.

Pure functions of a numpy generator: the caller owns the stream (one per team), so common
random numbers across setups hold as long as the caller draws from the same named stream.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MONTHS_PER_YEAR = 12.0


def ramped_fte_per_seat(
    attrition_per_year: float, backfill_months: float, ramp_months: float
) -> float:
    """Expected productivity of one seat in the steady state (0..1), in closed form.

    Limits are taken where the formula is 0/0: no attrition means every seat is filled and
    ramped; no ramp means productivity is the share of time the seat is filled.
    """
    if attrition_per_year < 0 or backfill_months < 0 or ramp_months < 0:
        raise ValueError("attrition, backfill and ramp must be non-negative")
    a = attrition_per_year / MONTHS_PER_YEAR
    if a == 0.0:
        return 1.0
    filled_share = 1.0 / (1.0 + a * backfill_months)
    if ramp_months == 0.0:
        return filled_share
    ar = a * ramp_months
    return -math.expm1(-ar) / ar * filled_share


@dataclass(frozen=True)
class SeatHistory:
    """Monthly figures of one team over the horizon (arrays of length `horizon_months`).

    `filled` and `ramped` are time averages over each month (a seat filled for half of a
    month counts 0.5); `hires` counts hires that start in the month, including backfills
    and seats added by the hiring plan, so recruiting cost is paid per hire.
    """

    seats: np.ndarray
    filled: np.ndarray
    ramped: np.ndarray
    hires: np.ndarray
    leavers: np.ndarray


def _ramp_integral(start: float, end: float, hired: float, ramp_months: float) -> float:
    """Integral over [start, end] of productivity min((t - hired) / ramp, 1), t >= hired."""
    if end <= start:
        return 0.0
    full_from = hired + ramp_months
    if ramp_months <= 0.0 or start >= full_from:
        return end - start

    def cumulative(t: float) -> float:
        # integral from `hired` to t
        if t <= full_from:
            return (t - hired) ** 2 / (2.0 * ramp_months)
        return ramp_months / 2.0 + (t - full_from)

    return cumulative(end) - cumulative(start)


def _add_interval(
    filled: np.ndarray,
    ramped: np.ndarray | None,
    start: float,
    end: float,
    hired: float,
    ramp_months: float,
) -> None:
    """Spread one interval [start, end) over the months it covers (and its ramped part)."""
    horizon = filled.size
    start, end = max(start, 0.0), min(end, float(horizon))
    if end <= start:
        return
    first, last = math.floor(start), math.ceil(end)
    for month in range(first, min(last, horizon)):
        lo, hi = max(start, month), min(end, month + 1.0)
        if hi > lo:
            filled[month] += hi - lo
            if ramped is not None:
                ramped[month] += _ramp_integral(lo, hi, hired, ramp_months)


def simulate_seats(
    rng: np.random.Generator,
    seats: int,
    horizon_months: int,
    attrition_per_year: float,
    backfill_months: float,
    ramp_months: float,
    hiring: Sequence[tuple[float, int]] = (),
) -> SeatHistory:
    """One future of a team: today's `seats` in their steady state, then the hiring plan.

    `hiring` lists (month, change): a positive change opens seats whose first hire starts
    that month and ramps from there; a negative change closes the seats opened last (a
    closed seat is never backfilled). A leaver's seat is refilled `backfill_months` later
    by a new hire who ramps from zero.

    Each seat draws from its own child generator (today's seats first, then the plan's in
    order), so two plans that differ in one seat share every other seat's future.
    """
    if seats < 0:
        raise ValueError("seats must be non-negative")
    if horizon_months <= 0:
        raise ValueError("horizon_months must be positive")
    a = attrition_per_year / MONTHS_PER_YEAR
    if a < 0 or backfill_months < 0 or ramp_months < 0:
        raise ValueError("attrition, backfill and ramp must be non-negative")
    steps = sorted(hiring, key=lambda step: step[0])
    if any(month < 0 for month, _ in steps):
        raise ValueError("a hiring step's month must be non-negative")

    # A seat's life: [opens, closes, first occupant in, first occupant hired]. Today's seats
    # are in their steady state: vacant with the remaining vacancy uniform, or filled by
    # someone hired an exponential time ago (the age of a memoryless renewal process).
    vacant_share = a * backfill_months / (1.0 + a * backfill_months)
    lives: list[list[float]] = []
    for _ in range(seats):
        lives.append([0.0, math.inf, math.nan, math.nan])
    for month, change in steps:
        if change > 0:
            lives.extend(
                [float(month), math.inf, float(month), float(month)] for _ in range(change)
            )
        elif change < 0:
            open_now = [life for life in lives if life[0] <= month < life[1]]
            for life in open_now[max(len(open_now) + change, 0) :]:
                life[1] = float(month)
    generators = rng.spawn(len(lives))

    horizon = float(horizon_months)
    seat_count = np.zeros(horizon_months)
    filled = np.zeros(horizon_months)
    ramped = np.zeros(horizon_months)
    hires = np.zeros(horizon_months)
    leavers = np.zeros(horizon_months)
    for life, gen in zip(lives, generators, strict=True):
        opens, closes, arrive, hired = life
        if math.isnan(arrive):  # today's seat: its steady state
            if gen.random() < vacant_share:
                arrive = hired = gen.random() * backfill_months
            else:
                arrive, hired = 0.0, -(gen.exponential(1.0 / a) if a > 0 else math.inf)
        end_of_seat = min(closes, horizon)
        _add_interval(seat_count, None, opens, end_of_seat, opens, 0.0)
        while arrive < end_of_seat:
            if hired >= 0.0:
                hires[int(hired)] += 1
            # memoryless tenure: what is left of it from `arrive` is exponential too
            leave = arrive + (gen.exponential(1.0 / a) if a > 0 else math.inf)
            _add_interval(filled, ramped, arrive, min(leave, end_of_seat), hired, ramp_months)
            if leave >= end_of_seat:
                break
            leavers[int(leave)] += 1
            arrive = hired = leave + backfill_months
    return SeatHistory(seats=seat_count, filled=filled, ramped=ramped, hires=hires, leavers=leavers)
