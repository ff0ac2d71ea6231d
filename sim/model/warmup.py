"""Stage 0, the warm-up: the company is already running, so day 0 has a pipeline.

Before the comparison starts, leads arrive, are touched, qualify and wait for or work a deal
slot for `sales.warmup_months` under **today's organisation** (no team effects). Whatever is
still in the pipeline at day 0 — MQLs waiting for a first touch, SQLs waiting for a slot, open
deals with their close dates — is where every setup starts; month 1 then looks like last month
instead of an empty funnel filling up.

The warm-up does not depend on the setup, so it is computed once per replication and shared
(it lives on the replication's `ReplicationDraws`). To keep it shared, a warm-up lead is
worked to its end under today's organisation even when that end falls after day 0: its first
touch, qualification, cycle and close take no team effect (effects ramp up from day 0, so
this is a small understatement of early effects, documented in docs/MODEL.md). Warm-up
leads that were settled before day 0 (leaked, unqualified, won, lost or gone cold) are
history: today's customer base (`starting_customers`) already holds the ones that were won.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sim.model.arrivals import LeadDraws, generate_warmup_arrivals
from sim.model.deal_floor import SalesFloor, SQLs, sqls_of
from sim.model.first_touch import first_touch
from sim.model.qualification import qualify
from sim.model.records import COLD, OPEN
from sim.org import setup_effects
from sim.params import BASELINE, MONTH_DAYS, Scenario
from sim.streams import ReplicationDraws


@dataclass(frozen=True)
class WarmStart:
    """The pipeline at day 0: the warm-up leads still in play, and the floor's state."""

    source: np.ndarray
    cand: np.ndarray  # candidate number within the warm-up source's streams
    draws: LeadDraws  # the warm-up's streams (churn and expansion of its customers)
    created: np.ndarray  # < 0
    segment: np.ndarray
    acv: np.ndarray
    state: np.ndarray  # outcome where settled after day 0 by today's org, else OPEN
    contacted: np.ndarray
    response_hours: np.ndarray
    sql: np.ndarray
    slot_start: np.ndarray  # for deals open at day 0
    sqls: SQLs  # the warm-up SQLs still in play (rows index the arrays above)
    open_deals: tuple[tuple[int, float], ...]  # (SQL index, close day) of deals open at 0
    waiting: tuple[int, ...]  # SQL indices waiting for a slot at day 0
    desk_free: tuple[float, ...] | None  # when each first-touch person is next free
    events: int

    def __len__(self) -> int:
        return len(self.created)


def warmup_days(scenario: Scenario) -> float:
    """The warm-up's length in days (0: the run starts with an empty pipeline)."""
    return scenario.sales.warmup_months * MONTH_DAYS


WARM_STARTS_KEPT = 128
"""Warm-ups a process keeps between tasks (about 0.4 MB each for the default company): a
hundred replications, the app's default, fit, so an edit that re-runs some setups finds them."""

_kept: OrderedDict[tuple[str, int, int], WarmStart] = OrderedDict()
_kept_lock = threading.Lock()


def warm_start(scenario: Scenario, shared: ReplicationDraws) -> WarmStart | None:
    """The day-0 pipeline of this replication, computed once and kept on `shared`.

    It depends only on the world, the seed and the replication, so the process also keeps
    the last `WARM_STARTS_KEPT` between tasks: a later task of the same replication (the
    gain attribution's, an edit that re-runs some setups) starts from it instead of
    simulating the warm-up again. It is never changed after it is made.
    """
    days = warmup_days(scenario)
    if days <= 0:
        return None
    from sim.cache import world_key  # local: the cache module imports the model's users

    world = world_key(scenario)
    key = ("warm_start", world)
    memo = shared.memo
    if key not in memo:
        kept_key = (world, shared.seed, shared.replication)
        with _kept_lock:
            warm = _kept.get(kept_key)
            if warm is not None:
                _kept.move_to_end(kept_key)
        if warm is None:
            warm = _warm_start(scenario, shared, days)
            with _kept_lock:
                _kept[kept_key] = warm
                while len(_kept) > WARM_STARTS_KEPT:
                    _kept.popitem(last=False)
        memo[key] = warm
    return memo[key]


def _warm_start(scenario: Scenario, shared: ReplicationDraws, days: float) -> WarmStart:
    today = setup_effects(scenario, BASELINE, shared.seed, shared.replication)
    arrivals = generate_warmup_arrivals(scenario, shared, days)
    draws = arrivals.draws
    n = len(arrivals.created)
    segs = scenario.segments
    segment = draws.segment(segs)
    acv = np.array([s.acv.median for s in segs])[segment] * np.exp(
        np.array([s.acv.sigma for s in segs])[segment] * draws.attr("normal", "acv")
    )
    state = np.full(n, OPEN, dtype=np.int8)
    ft = scenario.lead_handling.first_touch
    capacity = ft.capacity if ft.capacity is None or ft.capacity > 0 else scenario.sales.reps
    desk = (-days,) * capacity if capacity else None
    touch = first_touch(scenario, today.stage("first_touch"), arrivals, state, desk)
    sql = qualify(scenario, today.stage("qualification"), arrivals, touch, segment, state)
    sqls = sqls_of(scenario, None, draws, segment, sql)
    slots = scenario.sales.reps * scenario.sales.max_open_deals_per_rep
    floor = SalesFloor(scenario, today.stage("deal_floor"), sqls, state, max(slots, 1), -days, 0.0)
    events = floor.run() if slots > 0 else 0
    # a deal with a planned close has its slot, so it is never among the waiting SQLs
    open_idx = [i for i, close in floor.planned_close.items() if close >= 0.0]
    if slots > 0:
        waiting_idx = floor.still_waiting()
    else:  # no deal floor: every SQL waits until its patience runs out
        patience = scenario.sales.sql_patience_days
        waiting_idx = [
            i
            for i, t in enumerate(sqls.sql_time)
            if t < 0.0 and (patience is None or t + patience >= 0.0)
        ]
    later_idx = [i for i, t in enumerate(sqls.sql_time) if t >= 0.0]

    # leads still in play at day 0: touched, qualified or in a slot later, or waiting
    in_play = np.zeros(n, dtype=bool)
    untouched = np.isnan(touch.contacted) & (state == OPEN)
    in_play |= untouched | (touch.contacted >= 0.0)
    for i in (*open_idx, *waiting_idx, *later_idx):
        in_play[sqls.rows[i]] = True
    keep = np.flatnonzero(in_play)
    new_row = np.full(n, -1)
    new_row[keep] = np.arange(len(keep))
    # the SQLs still in play, re-indexed onto the kept leads
    chosen = sorted({*open_idx, *waiting_idx, *later_idx})
    position = {i: j for j, i in enumerate(chosen)}
    kept_sqls = SQLs(
        rows=[int(new_row[sqls.rows[i]]) for i in chosen],
        sql_time=[sqls.sql_time[i] for i in chosen],
        priority=[sqls.priority[i] for i in chosen],
        base_cycle=[sqls.base_cycle[i] for i in chosen],
        win_u=[sqls.win_u[i] for i in chosen],
        win_logit=[sqls.win_logit[i] for i in chosen],
        warm=[True] * len(chosen),
    )
    slot_start = floor.slot_start[keep]
    kept_state = state[keep].copy()
    kept_state[np.isin(kept_state, (COLD,))] = OPEN  # cold only after day 0: decided later
    return WarmStart(
        source=arrivals.source[keep],
        cand=arrivals.cand[keep],
        draws=draws,
        created=arrivals.created[keep],
        segment=segment[keep],
        acv=acv[keep],
        state=kept_state,
        contacted=touch.contacted[keep],
        response_hours=touch.response_hours[keep],
        sql=sql[keep],
        slot_start=slot_start,
        sqls=kept_sqls,
        open_deals=tuple((position[i], floor.planned_close[i]) for i in open_idx),
        waiting=tuple(position[i] for i in waiting_idx),
        desk_free=touch.desk_free,
        events=events,
    )
