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
``PriorityResource``: an SQL costs two events (its arrival and its close) instead of six,
and reneging is exact without a timeout per waiting SQL — a waiting SQL whose patience has
run out when a slot frees is cold since its deadline, and skipped (it would have left the
queue then, so it cannot be the one served). `tests/test_verification.py` checks the floor
against Erlang C and M/M/c with deterministic patience.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np
import simpy

from sim.model.arrivals import LeadDraws, segments_of
from sim.model.records import COLD, LOST, WON
from sim.model.rep_time import RepTime, slots_at
from sim.org import StageEffects
from sim.params import Scenario, Segment
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
    """The deal-slot stage as SimPy callbacks: arrive, start, close (see module docstring).

    Runs from `start` to `horizon`. It may begin with deals already open (`open_deals`: SQL
    index and the day it closes) and SQLs already waiting (`waiting`), as the warm-up left
    them; every SQL whose time lies in [start, horizon) arrives in order of time.
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
        self._ratio = None if reps is None or reps.constant() else reps.ratio_fn()
        # once the selling time settles (after every ramp), slots and the cycle factor are
        # constants: the hot path then skips the lever arithmetic
        self._settle_day, self._settled_slots, self._settled_cycle = math.inf, slots, 1.0
        if self._ratio is not None:
            day, ratio = reps.settles()  # type: ignore[union-attr]
            if math.isfinite(day):
                self._settle_day = day
                self._settled_slots = slots_at(slots, ratio, self.elasticity)
                self._settled_cycle = ratio**-self.elasticity
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
        arriving = [i for i, t in enumerate(self.sql_time) if start <= t < self.horizon]
        self.order = sorted(arriving, key=self.sql_time.__getitem__)  # stable: ties keep order
        # each lever the floor reads, as a plain function of (base, t); None if none moves it
        self._cycle, self._win, self._price = (
            fx.scalar_fn(lever) if fx.moves(lever) else None
            for lever in ("sales_cycle", "win_rate", "price")
        )

    def capacity(self, now: float) -> int:
        """Deal slots at `now`: they follow the reps' selling time."""
        if self._ratio is None:
            return self.slots
        if now >= self._settle_day:
            return self._settled_slots
        return slots_at(self.slots, self._ratio(now), self.elasticity)

    def run(self) -> int:
        """Let the SQLs arrive one after another, run to the horizon; return events scheduled."""
        now = self.env.now
        for i, close in self.open_deals:  # deals open at the start keep their close date
            self.planned_close[i] = close
            self.busy_days += min(close, self.horizon) - now
            if close < self.horizon:
                self.env.timeout(close - now).callbacks.append(partial(self.close, i))
        if self.order:
            first = self.order[0]
            self.env.timeout(self.sql_time[first] - now).callbacks.append(partial(self.arrive, 0))
        self.env.run(until=self.horizon)
        patience = self.patience
        if patience is not None:  # still waiting at the horizon: cold if patience ran out
            for _, i in self.waiting:
                if self.sql_time[i] + patience < self.horizon:
                    self.state[self.rows[i]] = COLD
        return _events(self.env)

    def still_waiting(self) -> list[int]:
        """SQLs waiting at the horizon whose patience has not run out (the rest go cold)."""
        patience = self.patience
        return [
            i
            for _, i in sorted(self.waiting)
            if patience is None or self.sql_time[i] + patience >= self.horizon
        ]

    def arrive(self, k: int, _event: simpy.Event) -> None:
        """The k-th arriving SQL asks for a slot: takes a free one, or waits by priority."""
        i = self.order[k]
        nxt = k + 1
        if nxt < len(self.order):  # the next SQL's arrival: one pending event at a time
            delay = self.sql_time[self.order[nxt]] - self.env.now
            self.env.timeout(delay).callbacks.append(partial(self.arrive, nxt))
        if self.busy < self.capacity(self.sql_time[i]):
            self.busy += 1
            self.start(i, self.sql_time[i])  # its own time, exact (env.now carries rounding)
        else:
            heapq.heappush(self.waiting, (self.priority[i], i))

    def start(self, i: int, now: float) -> None:
        """A slot is granted at `now`: the opportunity opens and its cycle starts."""
        self.slot_start[self.rows[i]] = now
        cycle = self.base_cycle[i]
        if not self.warm[i]:
            if self._cycle is not None:
                cycle = self._cycle(cycle, now)
            if self._ratio is not None:
                if now >= self._settle_day:
                    cycle *= self._settled_cycle
                else:
                    cycle *= self._ratio(now) ** -self.elasticity
        self.planned_close[i] = now + cycle
        if now + cycle >= self.horizon:
            self.busy_days += self.horizon - max(now, 0.0)  # closes after the horizon: open
            return
        self.busy_days += now + cycle - max(now, 0.0) if now + cycle > 0 else 0.0
        delay = max(0.0, now + cycle - self.env.now)
        self.env.timeout(delay).callbacks.append(partial(self.close, i))

    def close(self, i: int, _event: simpy.Event) -> None:
        """The cycle ends: win with the lead's own probability, and hand the slot on."""
        end = self.env.now
        k = self.rows[i]
        self.closed[k] = end
        p = 1.0 / (1.0 + math.exp(-self.win_logit[i]))
        if not self.warm[i]:
            if self._win is not None:
                p = self._win(p, end)
            if self._price is not None:
                p = min(1.0, p * math.exp(-self.price_elasticity * (self._price(1.0, end) - 1.0)))
        self.state[k] = WON if self.win_u[i] < p else LOST
        self.release()

    def release(self) -> None:
        """A slot frees: the best waiting SQLs with patience left take the free slots.

        More than one when the slot count has grown since the last event.
        """
        waiting, now, patience = self.waiting, self.env.now, self.patience
        self.busy -= 1
        capacity = self.capacity(now)
        while waiting and self.busy < capacity:
            _, j = heapq.heappop(waiting)
            if patience is not None and self.sql_time[j] + patience < now:
                self.state[self.rows[j]] = COLD  # went cold at its deadline, before now
                continue
            self.busy += 1
            self.start(j, now)


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
    warm_rows = {sqls.rows[i] for i, w in enumerate(sqls.warm) if w}
    today = np.array([k in warm_rows for k in won.tolist()], dtype=bool)
    price = acv[won].copy()
    if (~today).any():
        price[~today] = fx.apply("price", acv[won][~today], floor.closed[won][~today])
    mrr[won] = price / 12.0
    mean_slots = float(slots)
    if slots > 0 and floor._ratio is not None:
        days = np.arange(0.5, H, 1.0)
        ratio = reps.share(days) / reps.today  # type: ignore[union-attr]
        e = sales.cycle_time_elasticity
        mean_slots = float(np.maximum(1, np.floor(slots * ratio ** (1.0 - e) + 0.5)).mean())
    return FloorResult(floor.slot_start, floor.closed, mrr, mean_slots, floor.busy_days, events)
