"""Stage 4, the deal floor: SQLs wait for a deal slot, work their sales cycle, and close.

Deal slots (reps x open deals per rep) are the scarce resource. Each SQL asks for a slot when
it qualifies. With lead scoring, waiting SQLs are served in order of their SQL time minus
the score's worth in days (``score_weight_days x accuracy x score``, the fit the score
promises); without it, first come, first served. An SQL that waits longer than its patience
goes cold (lost for want of capacity). Once in a slot, the cycle runs — stretched when reps
have less selling time — and the deal is won with the lead's own win probability, moved by
the setup's win-rate and price effects.

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
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import simpy

from sim.model.arrivals import Arrivals, segments_of
from sim.model.records import COLD, LOST, WON
from sim.org import StageEffects
from sim.params import CycleExponential, CycleFixed, CycleGamma, Scenario, Segment
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
    shapes = None
    if any(isinstance(s.sales_cycle_days, CycleGamma) for s in segments):
        per_segment = [getattr(s.sales_cycle_days, "shape", 1.0) for s in segments]
        shapes = np.array(per_segment)[segments_of(draws.uniform("segment"), segments)]
    for i, s in enumerate(segments):
        rows = seg == i
        if not rows.any():
            continue
        c = cand[rows]
        dist = s.sales_cycle_days
        if isinstance(dist, CycleExponential):
            out[rows] = dist.mean * draws.exponential("cycle.exp")[c]
        elif isinstance(dist, CycleGamma):
            out[rows] = dist.mean / dist.shape * draws.gamma("cycle.gamma", shapes)[c]
        elif isinstance(dist, CycleFixed):
            out[rows] = dist.value
        else:
            out[rows] = dist.median * np.exp(dist.sigma * draws.normal("cycle.z")[c])
    return out


@dataclass(frozen=True)
class FloorResult:
    """What the deal floor did to each lead (rows = all leads of the run)."""

    slot_start: np.ndarray  # day it got a slot; nan if never
    closed: np.ndarray  # day it closed; nan if not within the horizon
    mrr: np.ndarray  # MRR if won (price applied), else 0
    slots: int
    busy_days: float  # slot-days in use within the horizon
    events: int  # SimPy events scheduled


class SalesFloor:
    """The deal-slot stage as SimPy callbacks: arrive, start, close (see module docstring)."""

    def __init__(
        self,
        scenario: Scenario,
        fx: StageEffects,
        rows: list[int],
        sql_time: list[float],
        priority: list[float],
        base_cycle: list[float],
        win_u: list[float],
        win_logit: list[float],
        state: np.ndarray,
        slots: int,
    ) -> None:
        sales = scenario.sales
        self.env = simpy.Environment()
        self.free = slots
        self.waiting: list[tuple[float, int]] = []  # heap of (priority, SQL index)
        self.horizon = scenario.horizon_days
        self.fx = fx
        self.s0 = sales.selling_time_share
        self.elasticity = sales.cycle_time_elasticity
        self.price_elasticity = sales.price_elasticity
        self.patience = sales.sql_patience_days
        self.rows, self.sql_time, self.priority = rows, sql_time, priority
        self.base_cycle, self.win_u, self.win_logit = base_cycle, win_u, win_logit
        self.state = state
        n = len(state)
        self.slot_start = np.full(n, np.nan)
        self.closed = np.full(n, np.nan)
        self.busy_days = 0.0
        # each lever the floor reads, as a plain function of (base, t); None if none moves it
        self._cycle, self._share, self._win, self._price = (
            fx.scalar_fn(lever) if fx.moves(lever) else None
            for lever in ("sales_cycle", "selling_time_share", "win_rate", "price")
        )

    def run(self) -> int:
        """Let the SQLs arrive one after another, run to the horizon; return events scheduled."""
        if self.sql_time:
            self.env.timeout(self.sql_time[0]).callbacks.append(partial(self.arrive, 0))
        self.env.run(until=self.horizon)
        patience = self.patience
        if patience is not None:  # still waiting at the horizon: cold if patience ran out
            for _, i in self.waiting:
                if self.sql_time[i] + patience < self.horizon:
                    self.state[self.rows[i]] = COLD
        return _events(self.env)

    def arrive(self, i: int, _event: simpy.Event) -> None:
        """SQL i asks for a slot: takes a free one, or waits in priority order."""
        nxt = i + 1
        if nxt < len(self.sql_time):  # the next SQL's arrival: one pending event at a time
            delay = self.sql_time[nxt] - self.env.now
            self.env.timeout(delay).callbacks.append(partial(self.arrive, nxt))
        if self.free > 0:
            self.free -= 1
            self.start(i, self.sql_time[i])  # its own time, exact (env.now carries rounding)
        else:
            heapq.heappush(self.waiting, (self.priority[i], i))

    def start(self, i: int, now: float) -> None:
        """A slot is granted at `now`: the opportunity opens and its cycle starts."""
        self.slot_start[self.rows[i]] = now
        cycle = self.base_cycle[i]
        if self._cycle is not None:
            cycle = self._cycle(cycle, now)
        if self._share is not None:
            cycle *= (self.s0 / self._share(self.s0, now)) ** self.elasticity
        if now + cycle >= self.horizon:
            self.busy_days += self.horizon - now  # closes after the horizon: stays open
            return
        self.busy_days += cycle
        delay = max(0.0, now + cycle - self.env.now)
        self.env.timeout(delay).callbacks.append(partial(self.close, i))

    def close(self, i: int, _event: simpy.Event) -> None:
        """The cycle ends: win with the lead's own probability, and hand the slot on."""
        end = self.env.now
        k = self.rows[i]
        self.closed[k] = end
        p = 1.0 / (1.0 + math.exp(-self.win_logit[i]))
        if self._win is not None:
            p = self._win(p, end)
        if self._price is not None:
            p *= max(1e-9, self._price(1.0, end)) ** (-self.price_elasticity)
        self.state[k] = WON if self.win_u[i] < p else LOST
        self.release()

    def release(self) -> None:
        """A slot frees: the best waiting SQL whose patience has not run out takes it."""
        waiting, now, patience = self.waiting, self.env.now, self.patience
        while waiting:
            _, j = heapq.heappop(waiting)
            if patience is not None and self.sql_time[j] + patience < now:
                self.state[self.rows[j]] = COLD  # went cold at its deadline, before now
                continue
            self.start(j, now)
            return
        self.free += 1


def _events(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    counter = getattr(env, "_eid", None)
    return next(counter) if counter is not None else 0


def work_the_floor(
    scenario: Scenario,
    fx: StageEffects,
    arrivals: Arrivals,
    segment: np.ndarray,
    acv: np.ndarray,
    sql: np.ndarray,
    state: np.ndarray,
) -> FloorResult:
    """Run the SQLs through the deal slots to a close; marks cold, won and lost in `state`."""
    segs = scenario.segments
    sales = scenario.sales
    draws = arrivals.draws
    H = scenario.horizon_days
    sql_rows = np.flatnonzero(~np.isnan(sql))
    sql_rows = sql_rows[np.argsort(sql[sql_rows], kind="stable")]

    fit = draws.attr("normal", "fit")[sql_rows]
    seg = segment[sql_rows]
    spread = np.array([s.win_propensity_spread for s in segs])[seg]
    intercept = np.array([propensity_intercept(s.win_rate, s.win_propensity_spread) for s in segs])
    win_logit = intercept[seg] + spread * fit
    # Lead scoring: the score S has corr(S, fit) = accuracy a, so the fit it promises is
    # E[fit | S] = a * S; a rep takes the SQL whose wait plus promised fit is worth most,
    # i.e. the smallest sql_time - weight * a * S. As a -> 0 this is first come, first served.
    priority = sql[sql_rows].copy()
    if fx.moves("lead_scoring_accuracy") and sales.score_weight_days > 0:
        accuracy = fx.apply("lead_scoring_accuracy", 0.0, sql[sql_rows])
        score = (
            accuracy * fit + np.sqrt(1.0 - accuracy**2) * draws.attr("normal", "score")[sql_rows]
        )
        priority -= sales.score_weight_days * accuracy * score
    base_cycle = np.empty(len(sql_rows))
    source, cand = arrivals.source[sql_rows], arrivals.cand[sql_rows]
    for src in np.unique(source).tolist():
        sel = source == src
        base_cycle[sel] = cycle_days(draws.of(src), cand[sel], seg[sel], segs)
    slots = sales.reps * sales.max_open_deals_per_rep
    floor = SalesFloor(
        scenario,
        fx,
        sql_rows.tolist(),
        sql[sql_rows].tolist(),
        priority.tolist(),
        base_cycle.tolist(),
        draws.attr("uniform", "win")[sql_rows].tolist(),
        win_logit.tolist(),
        state,
        max(slots, 1),
    )
    events = 0
    if slots > 0 and len(sql_rows):
        events = floor.run()
    elif sales.sql_patience_days is not None:
        gone = sql[sql_rows] + sales.sql_patience_days < H
        state[sql_rows[gone]] = COLD

    won = np.flatnonzero(state == WON)
    mrr = np.zeros(len(state))
    mrr[won] = fx.apply("price", acv[won], floor.closed[won]) / 12.0
    return FloorResult(floor.slot_start, floor.closed, mrr, slots, floor.busy_days, events)
