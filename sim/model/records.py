"""Immutable records of one run: what happened to every lead and every customer.

The model's stages write these; `sim.metrics` reads them. They live apart from both so that
neither imports the other (a stage needs the record types, metrics need nothing of the
stages), as Ciw keeps its run records apart from its nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.seats import SeatHistory
from sim.org import SetupEffects

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
    reprice_time: np.ndarray = field(default_factory=lambda: np.zeros(0))  # renewal repricings
    reprice_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    reprice_mrr: np.ndarray = field(default_factory=lambda: np.zeros(0))  # MRR change (+/-)
    churn_multiplier_end: float = 1.0  # churn hazard multiplier in force at the horizon
    expansion_multiplier_end: float = 1.0  # expansion rate multiplier in force at the horizon

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
    deal_slots: float  # time-averaged: slots follow reps' selling time
    slot_busy_days: float  # slot-days in use within the horizon
    first_touch_capacity: int | None
    events: int  # SimPy events scheduled
    audience_size: float | None
    extra: dict[str, float] = field(default_factory=dict)
    seats: SeatHistory | None = None  # the sales seats, when simulated (else reps all there)
