"""One replication of one org setup: the revenue engine as a discrete-event model.

The life of a lead (SPEC §3), in the order the code follows it:

1. **Arrival.** Inbound MQLs arrive as a non-homogeneous Poisson process, thinned from one
   candidate stream whose rate bound is shared by every setup of the scenario; outbound
   leads likewise, at a rate proportional to reps' selling time. Both use up a finite
   audience. Arrival rates depend only on time and on how many leads exist, never on queues,
   so arrivals are generated before the event loop, in one pass.
2. **Handoff leakage.** A share of inbound MQLs is never followed up.
3. **First touch.** Inbound leads queue first-come-first-served for the first-touch desk
   (SDRs, or the reps themselves). The desk is a SimPy process per person pulling the next
   lead in arrival order: exactly a FCFS multi-server queue (a SimPy ``Resource``), at one
   event per touch instead of four. Response time = queue wait + a lognormal handling delay.
   Outbound leads are touched by the rep who found them (response time 0).
4. **Qualification** with probability q x (1 + effect) x decay(response time).
5. **Deal slots.** Each SQL is a SimPy process that requests a slot of a
   ``PriorityResource`` (reps x open deals per rep), ordered by lead score when the setup
   scores leads, else first come first served, and goes cold if it waits past its patience.
6. **Sales cycle and close**: the cycle stretches with less selling time; the deal is won
   with the lead's own win probability, shifted by the win effect and the price change.

Customers' churn and expansion compete for nothing, so their lives are computed after the
event loop, vectorised, from each lead's own draws at the moments they happen (`customers`).

Every draw for a lead is made per *candidate* from per-element streams (`sim.streams`), so
lead k is the same lead in every setup: common random numbers by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np
import simpy

from sim.org import SetupEffects, max_effect_bound, setup_effects
from sim.params import MONTH_DAYS, CycleExponential, CycleFixed, CycleGamma, Scenario, Segment
from sim.streams import CandidateDraws, stream

# Terminal (or open) state of a lead; every lead created ends in exactly one.
LEAKED, UNQUALIFIED, COLD, LOST, WON, OPEN = range(6)
STATE_NAMES = ("leaked", "unqualified", "cold", "lost", "won", "open")

INBOUND, OUTBOUND = 0, 1
HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class LeadRecords:
    """One row per lead created (arrays of equal length), in order of creation."""

    source: np.ndarray  # INBOUND / OUTBOUND
    segment: np.ndarray  # index into scenario.segments
    created: np.ndarray  # day
    state: np.ndarray  # LEAKED ... OPEN
    contacted: np.ndarray  # day of first touch; nan if never touched within the horizon
    response_hours: np.ndarray  # queue wait + handling delay; nan if not touched
    sql: np.ndarray  # day it became an SQL; nan if not
    slot_start: np.ndarray  # day it got a deal slot (opportunity); nan if not
    closed: np.ndarray  # day won or lost; nan if not closed within the horizon
    acv: np.ndarray  # annual contract value at list price
    mrr: np.ndarray  # MRR if won (price change applied), else 0

    def __len__(self) -> int:
        return len(self.state)


@dataclass(frozen=True)
class CustomerRecords:
    """One row per customer (won in the run, or in the starting base)."""

    start: np.ndarray  # day they became a customer (0 for the starting base)
    end: np.ndarray  # day they churned; inf if not within the horizon
    mrr_start: np.ndarray
    mrr_end: np.ndarray  # MRR at churn or at the horizon
    segment: np.ndarray
    is_new: np.ndarray  # won during the run (False = starting base)
    expansion_time: np.ndarray  # one entry per expansion event
    expansion_owner: np.ndarray  # customer row of each expansion event
    expansion_mrr: np.ndarray  # MRR added by each expansion event

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class RunRecord:
    """Everything one replication of one setup produced; immutable."""

    setup: str
    replication: int
    seed: int
    horizon_days: float
    leads: LeadRecords
    customers: CustomerRecords
    effects: SetupEffects
    monthly_costs: dict[str, np.ndarray]  # cost item -> per-month cost
    deal_slots: int
    slot_busy_days: float  # slot-days in use within the horizon
    first_touch_capacity: int | None
    events: int  # SimPy events scheduled
    audience_size: float | None
    extra: dict[str, float] = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers
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


def _segments_of(u: np.ndarray, segments: tuple[Segment, ...]) -> np.ndarray:
    cum = np.cumsum([s.lead_share for s in segments])
    cum[-1] = 1.0
    return np.minimum(np.searchsorted(cum, u, side="right"), len(segments) - 1)


def _cycle_days(
    draws: CandidateDraws, cand: np.ndarray, seg: np.ndarray, segments: tuple[Segment, ...]
) -> np.ndarray:
    """Each lead's sales-cycle length as observed today, from its own draws."""
    out = np.empty(len(cand))
    shapes = None
    if any(isinstance(s.sales_cycle_days, CycleGamma) for s in segments):
        per_segment = [getattr(s.sales_cycle_days, "shape", 1.0) for s in segments]
        shapes = np.array(per_segment)[_segments_of(draws.uniform("segment"), segments)]
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


def _selling_share(scenario: Scenario, fx: SetupEffects, t: np.ndarray) -> np.ndarray:
    s0 = scenario.sales.selling_time_share
    return np.clip(s0 + fx.at("selling_time_share", t), 0.01, 1.0)


# ----------------------------------------------------------------------------- arrivals
def _candidates(seed: int, replication: int, source: str, rate_bound_per_day: float, horizon):
    """Candidate arrival times of a source: Poisson at the shared bound (order statistics)."""
    rng = stream(seed, replication, f"{source}.candidates")
    n = int(rng.poisson(rate_bound_per_day * horizon)) if rate_bound_per_day > 0 else 0
    return np.sort(rng.random(n) * horizon)


def generate_arrivals(
    scenario: Scenario, fx: SetupEffects, seed: int, replication: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, CandidateDraws, CandidateDraws, dict]:
    """Thin both candidate streams into leads; return (source, candidate, time, draws...).

    Acceptance of candidate j at time t: u_j * bound < rate(t) * remaining_audience(t).
    The bound and the candidates are the same for every setup, so a setup with a higher
    rate accepts a superset of another's candidates whenever the audience allows.
    """
    H = scenario.horizon_days
    m = scenario.market
    sales = scenario.sales
    growth = 1.0 + m.inbound_growth_per_month
    drift_max = max(1.0, growth**scenario.horizon_months)
    in_base = m.inbound_mqls_per_month / MONTH_DAYS
    in_bound = in_base * drift_max * (1.0 + max_effect_bound(scenario, "inbound_rate"))
    s0 = sales.selling_time_share
    share_max = min(1.0, s0 + max_effect_bound(scenario, "selling_time_share"))
    out_base = sales.reps * sales.outbound_leads_per_rep_month / MONTH_DAYS
    out_bound = out_base * share_max / s0

    t_in = _candidates(seed, replication, "inbound", in_bound, H)
    t_out = _candidates(seed, replication, "outbound", out_bound, H)
    d_in = CandidateDraws(seed, replication, "inbound", len(t_in))
    d_out = CandidateDraws(seed, replication, "outbound", len(t_out))

    # rate(t) / bound for each candidate, before audience depletion
    r_in = (
        growth ** (t_in / MONTH_DAYS) * (1.0 + fx.at("inbound_rate", t_in)) * in_base / in_bound
        if len(t_in)
        else t_in
    )
    r_out = _selling_share(scenario, fx, t_out) / s0 * out_base / out_bound if len(t_out) else t_out
    times = np.concatenate([t_in, t_out])
    source = np.concatenate([np.zeros(len(t_in), np.int8), np.ones(len(t_out), np.int8)])
    cand = np.concatenate([np.arange(len(t_in)), np.arange(len(t_out))])
    ratio = np.concatenate([np.clip(r_in, 0, None), np.clip(r_out, 0, None)])
    u = np.concatenate([d_in.uniform("accept"), d_out.uniform("accept")])
    order = np.argsort(times, kind="stable")
    times, source, cand, ratio, u = times[order], source[order], cand[order], ratio[order], u[order]

    info: dict[str, float] = {"candidates": float(len(times))}
    if m.audience_size is None:
        keep = u < ratio
    else:
        audience = m.audience_size * (1.0 + fx.at("audience_size", times))
        keep = np.zeros(len(times), dtype=bool)
        used = 0.0
        # Sequential by nature: each lead created uses up one account of the audience.
        for j, (uj, rj, aj) in enumerate(
            zip(u.tolist(), ratio.tolist(), audience.tolist(), strict=False)
        ):
            if uj < rj * (1.0 - used / aj):
                keep[j] = True
                used += 1.0
        info["audience_final"] = float(audience[-1]) if len(audience) else m.audience_size
    return source[keep], cand[keep], times[keep], d_in, d_out, info


# ----------------------------------------------------------------------------- queues
def _first_touch(
    arrive: np.ndarray, service_days: np.ndarray, capacity: int, horizon: float
) -> tuple[np.ndarray, int]:
    """FCFS multi-server desk: start time of each touch (inf if not started by the horizon).

    `capacity` SimPy processes, one per person, each taking the next lead in arrival order
    when free. Returns (start times, events scheduled).
    """
    n = len(arrive)
    start = np.full(n, np.inf)
    env = simpy.Environment()
    cursor = [0]
    arrive_l = arrive.tolist()
    service_l = service_days.tolist()

    def first_toucher(env: simpy.Environment):
        while cursor[0] < n:
            k = cursor[0]
            cursor[0] += 1
            begin = max(env.now, arrive_l[k])
            if begin >= horizon:
                return
            start[k] = begin
            yield env.timeout(begin - env.now + service_l[k])

    for _ in range(capacity):
        env.process(first_toucher(env))
    env.run(until=horizon)
    return start, _events(env)


def _events(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    counter = getattr(env, "_eid", None)
    return next(counter) if counter is not None else 0


class SalesFloor:
    """The deal-slot stage: SQLs wait for a slot, work their cycle, and close.

    Slots are a SimPy ``PriorityResource`` (reps x open deals per rep) when the setup scores
    leads, a request's priority being its SQL time minus the score's worth in days; else a
    plain ``Resource`` (first come, first served). Each activity is one event callback, so
    an SQL costs four events (five if it queues): its arrival, its slot grant, its cycle,
    the slot's release. A process per SQL would cost two more (start and end).
    """

    def __init__(
        self,
        scenario: Scenario,
        fx: SetupEffects,
        rows: list[int],
        sql_time: list[float],
        priority: list[float],
        base_cycle: list[float],
        win_u: list[float],
        win_logit: list[float],
        state: np.ndarray,
        slots: int,
        scored: bool,
    ) -> None:
        sales = scenario.sales
        self.env = simpy.Environment()
        # FCFS needs no sorting: a plain Resource serves requests in arrival order
        self.slots = (simpy.PriorityResource if scored else simpy.Resource)(self.env, slots)
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
        self._moves = {
            lever: fx.moves(lever)
            for lever in ("selling_time_share", "sales_cycle", "win_rate", "price")
        }

    def run(self) -> int:
        """Schedule every SQL's arrival, run to the horizon; return events scheduled."""
        for i, t in enumerate(self.sql_time):
            self.env.timeout(t).callbacks.append(partial(self.arrive, i))
        self.env.run(until=self.horizon)
        return _events(self.env)

    def arrive(self, i: int, _event: simpy.Event) -> None:
        """An SQL asks for a deal slot; it goes cold if none frees up within its patience."""
        req = (
            self.slots.request(priority=self.priority[i])
            if isinstance(self.slots, simpy.PriorityResource)
            else self.slots.request()
        )
        req.callbacks.append(partial(self.start, i))
        if not req.triggered and self.patience is not None:
            self.env.timeout(self.patience).callbacks.append(partial(self.go_cold, i, req))

    def go_cold(self, i: int, req: simpy.resources.resource.PriorityRequest, _event) -> None:
        """Patience ran out before a slot was granted: the SQL is lost for lack of capacity."""
        if not req.triggered:
            req.cancel()
            self.state[self.rows[i]] = COLD

    def start(self, i: int, req: simpy.Event) -> None:
        """A slot is granted: the opportunity opens and its cycle starts."""
        now = self.env.now
        self.slot_start[self.rows[i]] = now
        cycle = self.base_cycle[i]
        if self._moves["sales_cycle"]:
            cycle *= max(0.0, 1.0 + self.fx.scalar("sales_cycle", now))
        if self._moves["selling_time_share"]:
            share = min(1.0, max(0.01, self.s0 + self.fx.scalar("selling_time_share", now)))
            cycle *= (self.s0 / share) ** self.elasticity
        if now + cycle >= self.horizon:
            self.busy_days += self.horizon - now  # closes after the horizon: stays open
            return
        self.busy_days += cycle
        self.env.timeout(cycle).callbacks.append(partial(self.close, i, req))

    def close(self, i: int, req: simpy.Event, _event: simpy.Event) -> None:
        """The cycle ends: free the slot, and win with the lead's own probability."""
        self.slots.release(req)
        end = self.env.now
        k = self.rows[i]
        self.closed[k] = end
        p = 1.0 / (1.0 + math.exp(-self.win_logit[i]))
        if self._moves["win_rate"]:
            p += self.fx.scalar("win_rate", end)
        if self._moves["price"]:
            p *= max(1e-9, 1.0 + self.fx.scalar("price", end)) ** (-self.price_elasticity)
        self.state[k] = WON if self.win_u[i] < p else LOST


# ----------------------------------------------------------------------------- one run
def run_replication(
    scenario: Scenario,
    setup: str,
    replication: int,
    seed: int,
    levers: tuple[str, ...] | None = None,
) -> RunRecord:
    """Simulate one replication of one setup and return its immutable records.

    `levers` restricts the setup's effects to those levers (costs unchanged); used to split
    a gain into its sources on the same random numbers.
    """
    from sim.customers import simulate_customers  # local: keeps module import light

    fx = setup_effects(scenario, setup, seed, replication, levers)
    H = scenario.horizon_days
    segs = scenario.segments
    lh = scenario.lead_handling
    sales = scenario.sales

    source, cand, created, d_in, d_out, info = generate_arrivals(scenario, fx, seed, replication)
    n = len(created)
    inbound = source == INBOUND

    def attr(kind: str, element: str) -> np.ndarray:
        """A per-lead attribute gathered from the candidate draws of the lead's source."""
        a_in = getattr(d_in, kind)(element)
        a_out = getattr(d_out, kind)(element)
        out = np.empty(n)
        out[inbound] = a_in[cand[inbound]]
        out[~inbound] = a_out[cand[~inbound]]
        return out

    seg = np.empty(n, dtype=np.int64)
    seg[inbound] = _segments_of(d_in.uniform("segment"), segs)[cand[inbound]]
    seg[~inbound] = _segments_of(d_out.uniform("segment"), segs)[cand[~inbound]]

    acv_median = np.array([s.acv.median for s in segs])[seg]
    acv_sigma = np.array([s.acv.sigma for s in segs])[seg]
    acv = acv_median * np.exp(acv_sigma * attr("normal", "acv"))

    state = np.full(n, OPEN, dtype=np.int8)
    contacted = np.full(n, np.nan)
    response_h = np.full(n, np.nan)

    # 2. handoff leakage (inbound only: outbound leads were found by the rep who works them)
    leak_p = np.clip(lh.handoff_leakage * (1.0 + fx.at("handoff_leakage", created)), 0.0, 1.0)
    leaked = inbound & (attr("uniform", "leak") < leak_p)
    state[leaked] = LEAKED

    # 3. first touch
    to_touch = np.flatnonzero(inbound & ~leaked)
    ft = lh.first_touch
    capacity = ft.capacity if ft.capacity is None or ft.capacity > 0 else sales.reps
    events = 0
    if capacity is None:
        start = created[to_touch]
    elif capacity == 0:
        start = np.full(len(to_touch), np.inf)
    else:
        service = attr("exponential", "touch")[to_touch] / ft.touches_per_person_day
        start, events = _first_touch(created[to_touch], service, capacity, H)
    delay_h = ft.handling_delay_hours.median * np.exp(
        ft.handling_delay_hours.sigma * attr("normal", "handling")[to_touch]
    )
    delay_h = delay_h * np.maximum(0.0, 1.0 + fx.at("response_time", created[to_touch]))
    touch_time = start + delay_h / HOURS_PER_DAY
    touched = touch_time < H
    rows_t = to_touch[touched]
    contacted[rows_t] = touch_time[touched]
    response_h[rows_t] = (touch_time[touched] - created[rows_t]) * HOURS_PER_DAY
    out_rows = np.flatnonzero(~inbound)
    contacted[out_rows] = created[out_rows]
    response_h[out_rows] = 0.0

    # 4. qualification
    has_touch = np.flatnonzero(~np.isnan(contacted))
    decay = lh.speed_to_lead_decay
    q_seg = np.array([s.qualification_rate for s in segs])[seg[has_touch]]
    q = q_seg * np.maximum(0.0, 1.0 + fx.at("qualification_rate", contacted[has_touch]))
    q *= decay.floor + (1.0 - decay.floor) * np.exp(-response_h[has_touch] / decay.tau_hours)
    qualified = attr("uniform", "qualify")[has_touch] < np.clip(q, 0.0, 1.0)
    state[has_touch[~qualified]] = UNQUALIFIED
    sql_rows = has_touch[qualified]
    sql = np.full(n, np.nan)
    sql[sql_rows] = contacted[sql_rows]
    order = np.argsort(sql[sql_rows], kind="stable")
    sql_rows = sql_rows[order]

    # 5-6. deal slots, cycle, close
    fit = attr("normal", "fit")[sql_rows]
    spread = np.array([s.win_propensity_spread for s in segs])[seg[sql_rows]]
    intercept = np.array([propensity_intercept(s.win_rate, s.win_propensity_spread) for s in segs])
    win_logit = intercept[seg[sql_rows]] + spread * fit
    # Lead scoring: the score S has corr(S, fit) = accuracy a, so the fit it promises is
    # E[fit | S] = a * S; a rep takes the SQL whose wait plus promised fit is worth most,
    # i.e. the smallest sql_time - weight * a * S. As a -> 0 this is first come, first served.
    scored = fx.moves("lead_scoring_accuracy") and sales.score_weight_days > 0
    priority = sql[sql_rows].copy()
    if scored:
        accuracy = np.clip(fx.at("lead_scoring_accuracy", sql[sql_rows]), 0.0, 1.0)
        score = accuracy * fit + np.sqrt(1.0 - accuracy**2) * attr("normal", "score")[sql_rows]
        priority -= sales.score_weight_days * accuracy * score
    base_cycle = np.empty(len(sql_rows))
    for src, draws in ((INBOUND, d_in), (OUTBOUND, d_out)):
        sel = source[sql_rows] == src
        if sel.any():
            base_cycle[sel] = _cycle_days(draws, cand[sql_rows][sel], seg[sql_rows][sel], segs)
    slots = sales.reps * sales.max_open_deals_per_rep
    floor = SalesFloor(
        scenario,
        fx,
        sql_rows.tolist(),
        sql[sql_rows].tolist(),
        priority.tolist(),
        base_cycle.tolist(),
        attr("uniform", "win")[sql_rows].tolist(),
        win_logit.tolist(),
        state,
        max(slots, 1),
        scored,
    )
    if slots > 0 and len(sql_rows):
        events += floor.run()
    elif sales.sql_patience_days is not None:
        gone = sql[sql_rows] + sales.sql_patience_days < H
        state[sql_rows[gone]] = COLD

    won = np.flatnonzero(state == WON)
    price = np.maximum(0.0, 1.0 + fx.at("price", floor.closed[won]))
    mrr = np.zeros(n)
    mrr[won] = acv[won] * price / 12.0

    leads = LeadRecords(
        source=source,
        segment=seg,
        created=created,
        state=state,
        contacted=contacted,
        response_hours=response_h,
        sql=sql,
        slot_start=floor.slot_start,
        closed=floor.closed,
        acv=acv,
        mrr=mrr,
    )
    customers = simulate_customers(
        scenario, fx, seed, replication, won, source, cand, seg, floor.closed, mrr, d_in, d_out
    )
    months = scenario.horizon_months
    ft_people = ft.capacity if ft.capacity else 0
    costs = {
        "reps": np.full(months, sales.reps * scenario.costs.rep_per_month),
        "first_touch": np.full(months, ft_people * scenario.costs.first_touch_per_person_month),
        "marketing": np.full(months, scenario.market.marketing_spend_per_month),
        "other_gtm": np.full(months, scenario.costs.other_gtm_per_month),
        "ops_teams": np.full(months, fx.monthly_cost),
    }
    return RunRecord(
        setup=setup,
        replication=replication,
        seed=seed,
        horizon_days=H,
        leads=leads,
        customers=customers,
        effects=fx,
        monthly_costs=costs,
        deal_slots=slots,
        slot_busy_days=floor.busy_days,
        first_touch_capacity=capacity,
        events=events,
        audience_size=info.get("audience_final"),
        extra=info,
    )
