"""One replication of one org setup: the revenue engine as a discrete-event model.

The life of a lead (SPEC §3) runs through named stages, each a module with one job:

1. `arrivals` — inbound MQLs and outbound leads, thinned from candidate streams shared by
   every setup, using up a finite audience;
2. `first_touch` — handoff leakage, the first-touch desk (a FCFS multi-server queue) and the
   response time;
3. `qualification` — MQL -> SQL, decaying with the response time (speed to lead);
4. `deal_floor` — SQLs wait for a deal slot (priority by lead score, reneging on patience),
   work their cycle and close: the SimPy event loop;
5. `customers` — churn and expansion of the customers won and of the starting base, placed
   at their moments from each customer's own draws, vectorised after the event loop;
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
from sim.model.deal_floor import propensity_intercept, work_the_floor
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
from sim.org import setup_effects
from sim.params import Scenario
from sim.streams import ReplicationDraws


def run_replication(
    scenario: Scenario,
    setup: str,
    replication: int,
    seed: int,
    levers: tuple[str, ...] | None = None,
    shared: ReplicationDraws | None = None,
) -> RunRecord:
    """Simulate one replication of one setup and return its immutable records.

    `levers` restricts the setup's effects to those levers (costs unchanged); used to split
    a gain into its sources on the same random numbers. `shared` hands in the replication's
    random numbers already drawn for another setup (same seed and replication).
    """
    if shared is None:
        shared = ReplicationDraws(seed, replication)
    elif (shared.seed, shared.replication) != (seed, replication):
        raise ValueError("shared draws belong to another seed or replication")
    fx = setup_effects(scenario, setup, seed, replication, levers)
    arrivals = generate_arrivals(scenario, fx.stage("arrivals"), shared)
    draws = arrivals.draws
    n = len(arrivals.created)
    segment = draws.segment(scenario.segments)
    acv_median = np.array([s.acv.median for s in scenario.segments])[segment]
    acv_sigma = np.array([s.acv.sigma for s in scenario.segments])[segment]
    acv = acv_median * np.exp(acv_sigma * draws.attr("normal", "acv"))
    state = np.full(n, OPEN, dtype=np.int8)

    touch = first_touch(scenario, fx.stage("first_touch"), arrivals, state)
    sql = qualify(scenario, fx.stage("qualification"), arrivals, touch, segment, state)
    floor = work_the_floor(scenario, fx.stage("deal_floor"), arrivals, segment, acv, sql, state)
    won = np.flatnonzero(state == WON)
    customers = simulate_customers(
        scenario,
        fx.stage("customers"),
        shared,
        won,
        arrivals.source,
        arrivals.cand,
        segment,
        floor.closed,
        floor.mrr,
        draws.inbound_draws,
        draws.outbound_draws,
    )
    leads = LeadRecords(
        source=arrivals.source,
        segment=segment,
        created=arrivals.created,
        state=state,
        contacted=touch.contacted,
        response_hours=touch.response_hours,
        sql=sql,
        slot_start=floor.slot_start,
        closed=floor.closed,
        acv=acv,
        mrr=floor.mrr,
    )
    info = {"candidates": float(arrivals.candidates)}
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
        monthly_costs=monthly_costs(scenario, fx),
        deal_slots=floor.slots,
        slot_busy_days=floor.busy_days,
        first_touch_capacity=touch.capacity,
        events=floor.events,
        audience_size=arrivals.audience_final,
        extra=info,
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
