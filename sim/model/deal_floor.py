"""Stage 4, the deal floor: SQLs wait for a deal slot, work their sales cycle, and close.

Deal slots (reps x open deals per rep) are the scarce resource. Each SQL asks for a slot when
it qualifies. With lead scoring, waiting SQLs are served in order of their SQL time minus
the score's worth in days (``score_weight_days x accuracy x score``, the fit the score
promises); without it, first come, first served. An SQL that waits longer than its patience
goes cold (lost for want of capacity). Once in a slot, the cycle runs and the deal is won
with the lead's own win probability, moved by the setup's win-rate effect and by price on
its demand curve: p x exp(-elasticity (x - 1)) at x times today's price, so revenue per deal
worked, x p(x), peaks at x* = 1 / elasticity.

Reps' selling time (`sim.model.rep_time`) sets the floor's pace: with r times today's selling
time there are base slots x r^(1 - e) slots and new cycles take r^(-e) as long (e =
`sales.cycle_time_elasticity`). The slot count is read when an SQL arrives and when a deal
closes; a smaller count never ends a deal already open.

This is where priority, reneging and time-varying effects meet, so it runs on SimPy's event
loop. The slots are a counter and a heap of waiting SQLs rather than a SimPy
``PriorityResource``: a deal costs one event (its close) instead of six — SQL times are
known before the loop, so arrivals are let in between events rather than scheduled as
events of their own — and reneging is exact without a timeout per waiting SQL: a waiting
SQL whose patience has run out when a slot frees is cold since its deadline, and skipped
(it would have left the queue then, so it cannot be the one served).
`tests/test_verification.py` checks the floor against Erlang C and M/M/c with deterministic
patience.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import simpy

from sim.levers import LEVERS
from sim.model.arrivals import LeadDraws, segments_of
from sim.model.records import COLD, LOST, WON
from sim.model.rep_time import RepTime, slots_at
from sim.model.workforce import seat_slots
from sim.org import StageEffects
from sim.params import MONTH_DAYS, Scenario, Segment
from sim.params.distributions import cycle_shapes
from sim.streams import CandidateDraws


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@lru_cache(maxsize=256)
def propensity_intercept(win_rate: float, spread: float) -> float:
    """Logit intercept a with E[sigmoid(a + spread * Z)] = win_rate, Z ~ N(0, 1).

    Shifting each lead on the logit scale would otherwise change the segment's average win
    rate; solving for the intercept keeps it (Gauss-Hermite quadrature, then bisection).
    """
    if spread == 0 or win_rate in (0.0, 1.0):
        return _logit(min(max(win_rate, 1e-12), 1 - 1e-12))
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    lo, hi = -40.0, 40.0
    for _ in range(100):
        mid = (lo + hi) / 2
        mean = float(np.sum(weights / (1 + np.exp(-(mid + spread * nodes)))))
        if mean < win_rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def cycle_days(
    draws: CandidateDraws, cand: np.ndarray, seg: np.ndarray, segments: tuple[Segment, ...]
) -> np.ndarray:
    """Each lead's sales-cycle length as observed today, from its own draws."""
    out = np.empty(len(cand))
    cycles = [s.sales_cycle_days for s in segments]
    shapes = cycle_shapes(cycles, lambda: segments_of(draws.uniform("segment"), segments))
    for i, dist in enumerate(cycles):
        rows = seg == i
        if not rows.any():
            continue
        out[rows] = dist.sample(draws, cand[rows], shapes)
    return out


@dataclass(frozen=True)
class FloorResult:
    """What the deal floor did to each lead (rows = all leads of the run)."""

    slot_start: np.ndarray  # day it got a slot; nan if never
    closed: np.ndarray  # day it closed; nan if not within the horizon
    mrr: np.ndarray  # MRR if won (price applied), else 0
    slots: float  # deal slots, time-averaged over [0, horizon]
    busy_days: float  # slot-days in use within [0, horizon]
    events: int  # SimPy events scheduled


@dataclass
class SQLs:
    """The SQLs a floor serves, in order of SQL time, as plain lists for the event loop.

    `warm` marks the warm-up's SQLs: they were found, qualified and started under today's
    organisation, and they close under it too (no team effect reaches them).
    """

    rows: list[int] = field(default_factory=list)  # row of each SQL among the run's leads
    sql_time: list[float] = field(default_factory=list)
    priority: list[float] = field(default_factory=list)
    base_cycle: list[float] = field(default_factory=list)
    win_u: list[float] = field(default_factory=list)
    win_logit: list[float] = field(default_factory=list)
    warm: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def extend(self, other: SQLs) -> None:
        """Append another list of SQLs (indices of `other` shift by len(self))."""
        for name in ("rows", "sql_time", "priority", "base_cycle", "win_u", "win_logit", "warm"):
            getattr(self, name).extend(getattr(other, name))


def sqls_of(
    scenario: Scenario,
    fx: StageEffects | None,
    draws: LeadDraws,
    segment: np.ndarray,
    sql: np.ndarray,
    row_offset: int = 0,
) -> SQLs:
    """The SQLs among `draws`' leads (those with an SQL time), with their own draws.

    `fx` None means today's organisation (the warm-up): no score, first come first served.
    Rows are the leads' positions plus `row_offset` (their place among the run's leads).
    """
    segs = scenario.segments
    sales = scenario.sales
    rows = np.flatnonzero(~np.isnan(sql))
    rows = rows[np.argsort(sql[rows], kind="stable")]
    fit = draws.attr("normal", "fit")[rows]
    seg = segment[rows]
    spread = np.array([s.win_propensity_spread for s in segs])[seg]
    intercept = np.array([propensity_intercept(s.win_rate, s.win_propensity_spread) for s in segs])
    win_logit = intercept[seg] + spread * fit
    # Lead scoring: the score S has corr(S, fit) = accuracy a, so the fit it promises is
    # E[fit | S] = a * S; a rep takes the SQL whose wait plus promised fit is worth most,
    # i.e. the smallest sql_time - weight * a * S. As a -> 0 this is first come, first served.
    priority = sql[rows].copy()
    if fx is not None and fx.moves("lead_scoring_accuracy") and sales.score_weight_days > 0:
        accuracy = fx.apply("lead_scoring_accuracy", 0.0, sql[rows])
        score = accuracy * fit + np.sqrt(1.0 - accuracy**2) * draws.attr("normal", "score")[rows]
        priority -= sales.score_weight_days * accuracy * score
    base_cycle = np.empty(len(rows))
    source, cand = draws.source[rows], draws.cand[rows]
    for src in np.unique(source).tolist():
        sel = source == src
        base_cycle[sel] = cycle_days(draws.of(src), cand[sel], seg[sel], segs)
    return SQLs(
        rows=(rows + row_offset).tolist(),
        sql_time=sql[rows].tolist(),
        priority=priority.tolist(),
        base_cycle=base_cycle.tolist(),
        win_u=draws.attr("uniform", "win")[rows].tolist(),
        win_logit=win_logit.tolist(),
        warm=[fx is None] * len(rows),
    )


class SalesFloor:
    """The deal-slot stage on SimPy's event loop: one event per deal, its close.

    Runs from `start` to `horizon`. It may begin with deals already open (`open_deals`: SQL
    index and the day it closes) and SQLs already waiting (`waiting`), as the warm-up left
    them; every SQL whose time lies in [start, horizon) arrives in order of time.

    Arrivals are not events: their times are known before the loop, so after each close
    (and once before the loop) every SQL that arrives before the next scheduled event is
    let in at once, in order — exactly the order in which arrival events would have run.
    A deal's close time is computed as an arrival event at the SQL's time would have
    scheduled it, so results do not depend on when the floor lets an SQL in. Lever effects
    that have stopped ramping are constants computed once (`_Settled`); during a ramp the
    effect is evaluated at the event's time, as before.
    """

    def __init__(
        self,
        scenario: Scenario,
        fx: StageEffects,
        sqls: SQLs,
        state: np.ndarray,
        slots: int,
        start: float = 0.0,
        horizon: float | None = None,
        open_deals: tuple[tuple[int, float], ...] = (),
        waiting: tuple[int, ...] = (),
        reps: RepTime | None = None,
    ) -> None:
        sales = scenario.sales
        self.env = simpy.Environment(initial_time=start)
        self.horizon = scenario.horizon_days if horizon is None else horizon
        self.fx = fx
        self.elasticity = sales.cycle_time_elasticity
        self.slots = slots
        self._ratio = None if reps is None or reps.constant() else _last_value(reps.ratio_fn())
        # once the selling time settles (after every ramp), slots and the cycle factor are
        # constants: the hot path then skips the lever arithmetic
        self._settle_day, self._settled_slots, self._settled_cycle = math.inf, slots, 1.0
        if self._ratio is None:
            self._settle_day = -math.inf
        else:
            day, ratio = reps.settles()  # type: ignore[union-attr]
            if math.isfinite(day):
                self._settle_day = day
                self._settled_slots = slots_at(slots, ratio, self.elasticity)
                self._settled_cycle = ratio**-self.elasticity
        # ramped seats, month by month (None: every rep there and ramped)
        self._seat_slots = None
        if reps is not None and reps.seats is not None:
            self._seat_slots = seat_slots(reps.seats, sales.max_open_deals_per_rep)
            self._last_month = len(self._seat_slots) - 1
        # from this day on the slot count is a constant (never, when it follows the seats)
        self._slots_day = math.inf if self._seat_slots is not None else self._settle_day
        self.price_elasticity = sales.price_elasticity
        self.patience = sales.sql_patience_days
        self.sqls = sqls
        self.rows, self.sql_time, self.priority = sqls.rows, sqls.sql_time, sqls.priority
        self.base_cycle, self.win_u, self.win_logit = sqls.base_cycle, sqls.win_u, sqls.win_logit
        self.warm = sqls.warm
        self.state = state
        n = len(state)
        self.slot_start = np.full(n, np.nan)
        self.closed = np.full(n, np.nan)
        self.planned_close: dict[int, float] = {}  # SQL index -> day its deal closes
        self.busy_days = 0.0
        self.busy = len(open_deals)
        self.waiting: list[tuple[float, int]] = [(self.priority[i], i) for i in waiting]
        heapq.heapify(self.waiting)
        self.open_deals = open_deals
        times = np.array(self.sql_time, dtype=float)
        arriving = np.flatnonzero((start <= times) & (times < self.horizon))
        # in order of time; stable: ties keep their order
        self.order: list[int] = arriving[np.argsort(times[arriving], kind="stable")].tolist()
        self._next = 0  # the next SQL of `order` to arrive
        self._at = start  # the loop's time at the last arrival (see `run`: `let_in`)
        first = self.sql_time[self.order[0]] if self.order else math.inf
        self._next_at = start + (first - start)  # the loop's time at the next arrival
        # each lever the floor reads, as a plain function of (base, t); None if none moves it
        self._cycle, self._win, self._price = (
            fx.scalar_fn(lever) if fx.moves(lever) else None
            for lever in ("sales_cycle", "win_rate", "price")
        )
        self._cycle_settled = _settled(fx, "sales_cycle")
        self._win_settled = _settled(fx, "win_rate")
        self._price_settled = _settled(fx, "price")
        # from this day on a deal's cycle is base x constant factors (cycle lever, then reps)
        self._cycle_day = max(self._settle_day, self._cycle_settled.day)
        self._close_day = max(self._win_settled.day, self._price_settled.day)
        self._price_factor = 1.0
        if self._price is not None and math.isfinite(self._price_settled.day):
            self._price_factor = math.exp(
                -self.price_elasticity * (self._price_settled.apply(1.0) - 1.0)
            )

    def capacity(self, now: float) -> int:
        """Deal slots at `now`: they follow the reps' selling time (and ramped seats)."""
        if self._seat_slots is not None:
            base = int(self._seat_slots[min(int(now // MONTH_DAYS), self._last_month)])
            if base == 0 or self._ratio is None:
                return base
            return slots_at(base, self._ratio(now), self.elasticity)
        if now >= self._settle_day:
            return self._settled_slots
        return slots_at(self.slots, self._ratio(now), self.elasticity)  # type: ignore[misc]

    def run(self) -> int:
        """Let the SQLs arrive one after another, run to the horizon; return events scheduled.

        The event loop's callbacks are closures over local names (the floor's lists, its
        settled constants, its counters), and the outcomes, slot days and close days are
        kept by row while the loop runs and written into the arrays once it is done: the
        same arithmetic in the same order as methods on `self`, without an attribute lookup
        or a numpy scalar write per step.
        """
        env = self.env
        horizon = self.horizon
        rows, sql_time, priority = self.rows, self.sql_time, self.priority
        base_cycle, win_u, win_logit, warm = self.base_cycle, self.win_u, self.win_logit, self.warm
        waiting, planned_close, patience = self.waiting, self.planned_close, self.patience
        order, count = self.order, len(self.order)
        capacity, slots_day, settled_slots = self.capacity, self._slots_day, self._settled_slots
        cycle_day, cycle_settled = self._cycle_day, self._cycle_settled.apply
        settle_day, settled_cycle = self._settle_day, self._settled_cycle
        cycle_fn, ratio, elasticity = self._cycle, self._ratio, self.elasticity
        close_day, win_settled, win_fn = self._close_day, self._win_settled.apply, self._win
        # a lever nobody moves settles to the identity: not called at all
        cycle_settled = None if cycle_settled is _identity else cycle_settled
        win_settled = None if win_settled is _identity else win_settled
        price_fn, price_factor = self._price, self._price_factor
        price_elasticity = self.price_elasticity
        timeout, peek = env.timeout, env.peek
        exp, heappush, heappop, inf = math.exp, heapq.heappush, heapq.heappop, math.inf
        slot_start: dict[int, float] = {}  # row -> day its deal got a slot
        closed: dict[int, float] = {}  # row -> day its deal closed
        outcome: dict[int, int] = {}  # row -> WON, LOST or COLD
        busy, busy_days = self.busy, self.busy_days
        nxt, at, next_at = self._next, self._at, self._next_at

        def schedule_close(i: int, t: float) -> None:
            """The close of SQL i's deal at `t`: one SimPy event (it carries i and `t`)."""
            d = t - env.now
            timeout(d if d > 0.0 else 0.0, (i, t)).callbacks.append(close)

        def start(i: int, now: float, clock: float) -> None:
            """A slot is granted at `now` (the loop's clock reads `clock`): the cycle starts."""
            nonlocal busy_days
            slot_start[rows[i]] = now
            cycle = base_cycle[i]
            if not warm[i]:
                if now >= cycle_day:
                    if cycle_settled is not None:
                        cycle = cycle_settled(cycle)
                    cycle *= settled_cycle
                else:
                    if cycle_fn is not None:
                        cycle = cycle_fn(cycle, now)
                    if ratio is not None:
                        if now >= settle_day:
                            cycle *= settled_cycle
                        else:
                            cycle *= ratio(now) ** -elasticity
            end = now + cycle
            planned_close[i] = end
            begun = 0.0 if now < 0.0 else now  # max(now, 0.0)
            if end >= horizon:
                busy_days += horizon - begun  # closes after the horizon: open
                return
            busy_days += end - begun if end > 0 else 0.0
            d = end - clock
            t = clock + (d if d > 0.0 else 0.0)
            d = t - env.now  # schedule_close(i, t), inline: the hot path
            timeout(d if d > 0.0 else 0.0, (i, t)).callbacks.append(close)

        def let_in(until: float) -> None:
            """Every SQL that arrives before `until` asks for a slot, in order of time.

            Each takes a free slot (its deal's close is scheduled, which may bring `until`
            forward) or waits by priority. `at` replays the clock of one-event-per-arrival:
            an arrival at t would have run at `at + (t - at)`, which is the time its deal's
            close is scheduled from.
            """
            nonlocal nxt, at, next_at, busy
            k = nxt
            while k < count:
                i = order[k]
                t = sql_time[i]
                at_k = at + (t - at)
                if at_k >= until:
                    break
                at, k = at_k, k + 1
                free = settled_slots if t >= slots_day else capacity(t)
                if busy < free:
                    busy += 1
                    start(i, t, at_k)  # its own time, exact
                    q = peek()
                    if q < until:
                        until = q
                else:
                    heappush(waiting, (priority[i], i))
            nxt = k
            next_at = at + (sql_time[order[k]] - at) if k < count else inf

        def release(now: float) -> None:
            """A slot frees at `now`: the best waiting SQLs with patience left take the slots.

            More than one when the slot count has grown since the last event. A waiting SQL
            whose patience ran out went cold at its deadline, before now, and is skipped.
            """
            nonlocal busy
            busy -= 1
            free = settled_slots if now >= slots_day else capacity(now)
            while waiting and busy < free:
                _, j = heappop(waiting)
                if patience is not None and sql_time[j] + patience < now:
                    outcome[rows[j]] = COLD
                    continue
                busy += 1
                start(j, now, now)

        def close(event: simpy.Event) -> None:
            """The cycle ends: win with the lead's own probability, and hand the slot on."""
            i, end = event.value
            k = rows[i]
            closed[k] = end
            p = 1.0 / (1.0 + exp(-win_logit[i]))
            if not warm[i]:
                if end >= close_day:
                    if win_settled is not None:
                        p = win_settled(p)
                    if price_fn is not None:
                        p *= price_factor
                        p = 1.0 if p > 1.0 else p
                else:
                    if win_fn is not None:
                        p = win_fn(p, end)
                    if price_fn is not None:
                        p = min(1.0, p * exp(-price_elasticity * (price_fn(1.0, end) - 1.0)))
            outcome[k] = WON if win_u[i] < p else LOST
            release(end)
            q = peek()
            if next_at < q:  # arrivals due before the next event
                let_in(q)

        def month_starts(event: simpy.Event) -> None:
            """A month starts: seats filled since may take waiting SQLs; then the arrivals due."""
            nonlocal busy
            busy += 1  # `release` frees one slot: here none is freed, only recounted
            release(env.now)
            q = peek()
            if next_at < q:
                let_in(q)

        now = env.now
        for i, end in self.open_deals:  # deals open at the start keep their close date
            planned_close[i] = end
            busy_days += min(end, horizon) - now
            if end < horizon:  # at the time a timeout from `now` reaches
                schedule_close(i, now + (end - now))
        if self._seat_slots is not None:  # seats fill at month starts: waiting SQLs move up
            for month in range(1, self._last_month + 1):
                if month * MONTH_DAYS > now:
                    env.timeout(month * MONTH_DAYS - now).callbacks.append(month_starts)
        let_in(min(peek(), horizon))
        if peek() < horizon:
            env.run(until=horizon)
        self.busy, self.busy_days = busy, busy_days
        self._next, self._at, self._next_at = nxt, at, next_at
        _write(self.slot_start, slot_start)
        _write(self.closed, closed)
        _write(self.state, outcome)
        if patience is not None:  # still waiting at the horizon: cold if patience ran out
            for _, i in waiting:
                if sql_time[i] + patience < horizon:
                    self.state[rows[i]] = COLD
        # the callbacks call one another (close -> release -> start -> close, a reference
        # cycle): unlinked, the floor's lists and environment are freed with the floor, not
        # left to the cyclic garbage collector
        close = None  # noqa: F811
        return _events(env)

    def still_waiting(self) -> list[int]:
        """SQLs waiting at the horizon whose patience has not run out (the rest go cold)."""
        patience = self.patience
        return [
            i
            for _, i in sorted(self.waiting)
            if patience is None or self.sql_time[i] + patience >= self.horizon
        ]


def _write(array: np.ndarray, by_row: dict[int, float] | dict[int, int]) -> None:
    """`array[row] = value` for each row the loop wrote (the last value a row was given)."""
    if by_row:
        n = len(by_row)
        rows = np.fromiter(by_row, dtype=np.intp, count=n)
        array[rows] = np.fromiter(by_row.values(), dtype=array.dtype, count=n)


@dataclass(frozen=True)
class _Settled:
    """A lever's effect once it stops moving: from `day` on, `apply(base)` is exact.

    `day` is inf when the effect never settles (it fades), -inf when nothing moves it.
    """

    day: float
    apply: Callable[[float], float]


def _settled(fx: StageEffects, lever: str) -> _Settled:
    if not fx.moves(lever):
        return _Settled(-math.inf, _identity)
    day, full = fx.fx.settled(lever)
    if not math.isfinite(day):
        return _Settled(math.inf, _identity)
    return _Settled(day, fixed_effect(lever, full))


def _identity(x: float) -> float:
    return x


def _last_value(fn: Callable[[float], float]) -> Callable[[float], float]:
    """`fn` remembering its last answer (`fn` is a pure function of t: the same float).

    A slot granted at t asks the slot count, then the new cycle's pace, at the same t.
    """
    last = [math.nan, 0.0]

    def remembered(t: float) -> float:
        if t != last[0]:
            last[0], last[1] = t, fn(t)
        return last[1]

    return remembered


def fixed_effect(lever: str, effect: float) -> Callable[[float], float]:
    """`LEVERS[lever].apply_scalar(base, effect)` for a fixed effect, as a function of base.

    The same numbers as `apply_scalar` (the effect's cap and the kind's arithmetic done
    once, the value's clip as two comparisons), without its per-call min/max chains.
    """
    spec = LEVERS[lever]
    cap_low, cap_high = spec.effect_cap
    effect = min(cap_high, max(cap_low, effect))
    low, high = spec.clip
    if spec.kind == "correlation":
        value = min(high, max(low, effect))
        return lambda base: value
    if spec.kind == "relative":
        factor = max(0.0, 1.0 + effect)

        def relative(base: float) -> float:
            v = base * factor
            return low if v < low else (high if v > high else v)

        return relative

    def points(base: float) -> float:
        v = base + effect
        return low if v < low else (high if v > high else v)

    return points


def _events(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    counter = getattr(env, "_eid", None)
    return next(counter) if counter is not None else 0


def work_the_floor(
    scenario: Scenario,
    fx: StageEffects,
    sqls: SQLs,
    acv: np.ndarray,
    state: np.ndarray,
    open_deals: tuple[tuple[int, float], ...] = (),
    waiting: tuple[int, ...] = (),
    slot_start: np.ndarray | None = None,
    reps: RepTime | None = None,
) -> FloorResult:
    """Run the SQLs through the deal slots to a close; marks cold, won and lost in `state`.

    `open_deals` and `waiting` (SQL indices) are the pipeline the warm-up left at day 0;
    `slot_start` gives the warm-up's open deals their slot days.
    """
    sales = scenario.sales
    H = scenario.horizon_days
    slots = sales.reps * sales.max_open_deals_per_rep
    seated = reps is not None and reps.seats is not None
    if seated:  # the floor runs while any seat is open; capacity follows the ramped seats
        slots = int(seat_slots(reps.seats, sales.max_open_deals_per_rep).max())  # type: ignore[union-attr]
    floor = SalesFloor(scenario, fx, sqls, state, max(slots, 1), 0.0, H, open_deals, waiting, reps)
    events = 0
    if slots > 0 and (len(sqls) or open_deals):
        events = floor.run()
    elif sales.sql_patience_days is not None:
        for i, t in enumerate(sqls.sql_time):
            if t + sales.sql_patience_days < H:
                state[sqls.rows[i]] = COLD
    if slot_start is not None:
        given = ~np.isnan(slot_start)
        floor.slot_start[given] = slot_start[given]
    won = np.flatnonzero(state == WON)
    mrr = np.zeros(len(state))
    warm_rows = np.array(sqls.rows, dtype=np.int64)[np.array(sqls.warm, dtype=bool)]
    today = np.isin(won, warm_rows)  # deals the warm-up started: today's price
    price = acv[won].copy()
    if (~today).any():
        price[~today] = fx.apply("price", acv[won][~today], floor.closed[won][~today])
    mrr[won] = price / 12.0
    mean_slots = float(slots)
    if seated:
        days = np.arange(0.5, H, 1.0)
        mean_slots = float(np.mean([floor.capacity(d) for d in days]))
    elif slots > 0 and floor._ratio is not None:
        days = np.arange(0.5, H, 1.0)
        ratio = reps.share(days) / reps.today  # type: ignore[union-attr]
        e = sales.cycle_time_elasticity
        mean_slots = float(np.maximum(1, np.floor(slots * ratio ** (1.0 - e) + 0.5)).mean())
    return FloorResult(floor.slot_start, floor.closed, mrr, mean_slots, floor.busy_days, events)
