"""The sales team as seats in one replication: who is there, and how ramped, month by month.

Drawn only when the scenario asks for it (`sales.has_seats`: a hiring plan or attrition), so a
company whose reps never leave keeps every draw it had before. The seats come from their own
stream, `seats.sales`, and depend on the world alone: every setup and plan of a replication
sees the same hires and leavers (common random numbers), shared through the replication's memo.

The model reads the result as a monthly step function: month m's deal slots are
round(ramped FTE x open deals per rep) and its outbound is ramped FTE x leads per rep; a
leaver's open deals stay on the floor (a smaller slot count never ends a deal already open),
and costs pay filled seats and the recruiting of each hire.
"""

from __future__ import annotations

import numpy as np

from sim.model.seats import SeatHistory, simulate_seats
from sim.params import Scenario
from sim.streams import ReplicationDraws, stream

SEATS_STREAM = "seats.sales"


def sales_seats(scenario: Scenario, shared: ReplicationDraws | None) -> SeatHistory | None:
    """The sales seats of this replication, or None when the seats are not simulated."""
    sales = scenario.sales
    if not sales.has_seats:
        return None
    key = ("seats.sales", scenario.horizon_months, sales.model_dump_json())
    if shared is not None and key in shared.memo:
        return shared.memo[key]  # type: ignore[return-value]
    seed, replication = (0, 0) if shared is None else (shared.seed, shared.replication)
    history = simulate_seats(
        stream(seed, replication, SEATS_STREAM),
        sales.reps,
        scenario.horizon_months,
        sales.attrition_per_year,
        sales.backfill_months,
        sales.ramp_months,
        tuple((step.month, step.reps) for step in sales.hiring),
    )
    if shared is not None:
        shared.memo[key] = history
    return history


def max_seats(scenario: Scenario) -> int:
    """The most seats open at any time under the hiring plan."""
    seats = top = scenario.sales.reps
    for step in sorted(scenario.sales.hiring, key=lambda s: s.month):
        seats += step.reps
        top = max(top, seats)
    return top


def outbound_bound_seats(scenario: Scenario) -> int:
    """Seats the outbound candidate stream is sized for: twice today's, or the plan's most.

    Outbound candidates are thinned from a Poisson stream at this bound; keeping it the same
    for hiring plans that stay within twice today's seats keeps their outbound leads common
    random numbers, so two hiring plans differ only from the first month they differ.
    """
    return max(2 * scenario.sales.reps, max_seats(scenario))


def seat_slots(history: SeatHistory, open_deals_per_rep: int) -> np.ndarray:
    """Deal slots in each month: ramped FTE x open deals per rep, rounded."""
    return np.floor(history.ramped * open_deals_per_rep + 0.5).astype(np.int64)


__all__ = ["SEATS_STREAM", "max_seats", "outbound_bound_seats", "sales_seats", "seat_slots"]
