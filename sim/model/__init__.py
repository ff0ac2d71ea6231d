"""One replication of one org setup: the revenue engine as a discrete-event model.

The life of a lead runs through named stages, each a module with one job:

0. `rep_time` — reps' time budget: the selling share left after admin and first touches,
   which sets outbound volume and the deal floor's capacity;
1. `arrivals` — inbound MQLs and outbound leads, thinned from candidate streams shared by
   every setup, using up a finite audience;
2. `first_touch` — handoff leakage, the first-touch desk (a FCFS multi-server queue) and the
   response time;
3. `qualification` — MQL -> SQL, decaying with the response time (speed to lead);
4. `deal_floor` — SQLs wait for a deal slot (priority by lead score, reneging on patience),
   work their cycle and close: the SimPy event loop;
5. `customers` — churn, expansion and repricing at renewal of the customers won and of the
   starting base, placed at their moments from each customer's own draws, vectorised after
   the event loop;
6. `costs` — monthly cost items.

Each stage reads only the levers the registry (`sim.levers`) lists for it, through
`SetupEffects.stage(...)`. `records` holds the immutable run records. Every draw for a lead
is made per *candidate* from per-element streams (`sim.streams`), so lead k is the same lead
in every setup: common random numbers by construction.
"""

from __future__ import annotations

import numpy as np

from sim.model.arrivals import generate_arrivals
from sim.model.costs import monthly_costs
from sim.model.customers import simulate_customers
from sim.model.deal_floor import SQLs, propensity_intercept, sqls_of, work_the_floor
from sim.model.first_touch import first_touch
from sim.model.qualification import qualify
from sim.model.records import (
    COLD,
    HOURS_PER_DAY,
    INBOUND,
    LEAKED,
    LOST,
    OPEN,
    OUTBOUND,
    STATE_NAMES,
    UNQUALIFIED,
    WON,
    CustomerRecords,
    LeadRecords,
    RunRecord,
)
from sim.model.rep_time import rep_time
from sim.model.triggers import resolve as resolve_triggers
from sim.model.warmup import warm_start
from sim.model.workforce import sales_seats
from sim.org import setup_effects
from sim.params import Scenario
from sim.streams import ReplicationDraws
from sim.uncertainty import in_future


def run_replication(
    scenario: Scenario,
    setup: str,
    replication: int,
    seed: int,
    levers: tuple[str, ...] | None = None,
    shared: ReplicationDraws | None = None,
    starts: dict[str, float] | None = None,
) -> RunRecord:
    """Simulate one replication of one setup and return its immutable records.

    `levers` restricts the setup's effects to those levers (costs unchanged); used to split
    a gain into its sources on the same random numbers. `shared` hands in the replication's
    random numbers (and warm-up) already made for another setup (same seed and replication).
    Lead rows are the warm-up's leads still in play at day 0 (created before 0), then the
    leads of the run, in order of creation. `setup` may name a plan (`org.plans`); `starts`
    gives its teams' start months in this future (its triggers are resolved when omitted).
    """
    scenario = in_future(scenario, seed, replication)  # itself unless world numbers are drawn
    if shared is None:
        shared = ReplicationDraws(seed, replication)
    elif (shared.seed, shared.replication) != (seed, replication):
        raise ValueError("shared draws belong to another seed or replication")
    if starts is None and setup in scenario.org.plans:
        steps = scenario.org.starts(setup)
        if any(step.when is not None for step in steps.values()):  # starts depend on the run
            _, record = resolve_triggers(
                scenario,
                steps,
                lambda months: run_replication(
                    scenario, setup, replication, seed, levers, shared, months
                ),
            )
            return record
    fx = setup_effects(scenario, setup, seed, replication, levers, starts)
    warm = warm_start(scenario, shared)
    seats = sales_seats(scenario, shared)
    reps = rep_time(scenario, fx.stage("rep_time"), seats)
    arrivals = generate_arrivals(scenario, fx.stage("arrivals"), shared, reps)
    draws = arrivals.draws
    n = len(arrivals.created)
    segment = draws.segment(scenario.segments)
    acv_median = np.array([s.acv.median for s in scenario.segments])[segment]
    acv_sigma = np.array([s.acv.sigma for s in scenario.segments])[segment]
    acv = acv_median * np.exp(acv_sigma * draws.attr("normal", "acv"))
    state = np.full(n, OPEN, dtype=np.int8)

    desk = warm.desk_free if warm is not None else None
    touch = first_touch(scenario, fx.stage("first_touch"), arrivals, state, desk)
    sql = qualify(scenario, fx.stage("qualification"), arrivals, touch, segment, state)
    floor_fx = fx.stage("deal_floor")
    w = len(warm) if warm is not None else 0
    new_sqls = sqls_of(scenario, floor_fx, draws, segment, sql, row_offset=w)
    if warm is None:
        sqls, open_deals, waiting, slot_start = new_sqls, (), (), None
        lead = {
            "source": arrivals.source,
            "segment": segment,
            "created": arrivals.created,
            "state": state,
            "contacted": touch.contacted,
            "response_hours": touch.response_hours,
            "sql": sql,
            "acv": acv,
        }
    else:
        sqls = SQLs()
        sqls.extend(warm.sqls)
        sqls.extend(new_sqls)
        open_deals, waiting = warm.open_deals, warm.waiting
        slot_start = np.concatenate([warm.slot_start, np.full(n, np.nan)])
        lead = {
            "source": np.concatenate([warm.source, arrivals.source]),
            "segment": np.concatenate([warm.segment, segment]),
            "created": np.concatenate([warm.created, arrivals.created]),
            "state": np.concatenate([warm.state, state]),
            "contacted": np.concatenate([warm.contacted, touch.contacted]),
            "response_hours": np.concatenate([warm.response_hours, touch.response_hours]),
            "sql": np.concatenate([warm.sql, sql]),
            "acv": np.concatenate([warm.acv, acv]),
        }
    state = lead["state"]
    floor = work_the_floor(
        scenario, floor_fx, sqls, lead["acv"], state, open_deals, waiting, slot_start, reps
    )
    won = np.flatnonzero(state == WON)
    # each lead's churn and expansion come from the streams of the source it came from
    sources = [draws.inbound_draws, draws.outbound_draws]
    owner_of = (arrivals.source != INBOUND).astype(np.int64)
    cand = arrivals.cand
    if warm is not None:
        sources += [warm.draws.inbound_draws, warm.draws.outbound_draws]
        owner_of = np.concatenate([2 + (warm.source != INBOUND), owner_of])
        cand = np.concatenate([warm.cand, cand])
    customers = simulate_customers(
        scenario,
        fx.stage("customers"),
        shared,
        won,
        lead["segment"],
        floor.closed,
        floor.mrr,
        sources,
        owner_of,
        cand,
    )
    leads = LeadRecords(slot_start=floor.slot_start, closed=floor.closed, mrr=floor.mrr, **lead)
    info = {"candidates": float(arrivals.candidates), "warm_leads": float(w)}
    if warm is not None:
        info["warm_up_events"] = float(warm.events)  # shared by every setup; not the run's cost
    if arrivals.audience_final is not None:
        info["audience_final"] = arrivals.audience_final
    return RunRecord(
        setup=setup,
        replication=replication,
        seed=seed,
        horizon_days=scenario.horizon_days,
        leads=leads,
        customers=customers,
        effects=fx,
        monthly_costs=monthly_costs(scenario, fx, seats),
        deal_slots=floor.slots,
        slot_busy_days=floor.busy_days,
        first_touch_capacity=touch.capacity,
        events=floor.events,  # the run's own events (the warm-up's are in `extra`)
        audience_size=arrivals.audience_final,
        extra=info,
        seats=seats,
    )


__all__ = [
    "COLD",
    "HOURS_PER_DAY",
    "INBOUND",
    "LEAKED",
    "LOST",
    "OPEN",
    "OUTBOUND",
    "STATE_NAMES",
    "UNQUALIFIED",
    "WON",
    "CustomerRecords",
    "LeadRecords",
    "RunRecord",
    "propensity_intercept",
    "run_replication",
]
