"""Diagnostics: figures of the baseline run (no ops team) tied to the article's criteria.

Each diagnostic is a fact — a signal id, its value, the id of the article's criterion it
evidences, whether the figure is past the point where the article's problem is present,
and the figures a sentence about it needs. The sentences are in `sim.text`. The diagnostics
say where the revenue engine hurts; they never decide the verdict (the simulation does).

The criterion ids refer to the article the product is built from (docs/SOURCES.md): its two lists of
"when to build" criteria, RevOps' list of jobs, and its list of differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.experiments import Replications
from sim.params import BASELINE

Section = Literal["salesops_criteria", "revops_criteria", "revops_jobs", "differences"]


@dataclass(frozen=True)
class Criterion:
    """One item (or adjacent items) of the article that a diagnostic evidences."""

    id: str
    section: Section
    numbers: tuple[int, ...]


CRITERIA: dict[str, Criterion] = {
    c.id: c
    for c in (
        # build SalesOps when the product is complex: long cycles (4)
        Criterion("salesops_4", "salesops_criteria", (4,)),
        # build SalesOps when reps' time goes to paperwork (5): their selling time, and so
        # the deals they can work, is the constraint
        Criterion("salesops_5", "salesops_criteria", (5,)),
        # build RevOps when communication between teams loses opportunities
        Criterion("revops_2", "revops_criteria", (2,)),
        # build RevOps when the audience is too small and reps exhaust the leads
        Criterion("revops_4", "revops_criteria", (4,)),
        # RevOps' job 8: reduce churn
        Criterion("revops_8", "revops_jobs", (8,)),
        # relying only on direct sales dries up in the long run
        Criterion("difference_2", "differences", (2,)),
    )
}
"""The article's criteria the diagnostics stand for, by id (words in `sim.text`)."""


@dataclass(frozen=True)
class Signal:
    """How one diagnostic is judged: its criterion and the threshold of pressure."""

    criterion: str
    threshold: float
    pressure_when: Literal["at_least", "at_most"]
    judged_on: str = "value"
    """The figure compared with the threshold: the value, or one of the `figures`."""

    def pressure(self, value: float) -> bool:
        """Whether `value` says the criterion's problem is present (NaN: no)."""
        if not math.isfinite(value):
            return False
        if self.pressure_when == "at_least":
            return value >= self.threshold
        return value <= self.threshold


SIGNALS: dict[str, Signal] = {
    "selling_time_share": Signal("salesops_5", 0.35, "at_most"),
    "deal_slot_utilization": Signal("salesops_5", 0.85, "at_least"),
    "sqls_gone_cold": Signal("salesops_5", 0.05, "at_least"),
    "sales_cycle_days": Signal("salesops_4", 60.0, "at_least"),
    "audience_used": Signal("revops_4", 0.3, "at_least"),
    "lead_flow_trend": Signal("difference_2", -0.2, "at_most"),
    "handoff_leakage": Signal("revops_2", 0.1, "at_least"),
    "response_time_hours": Signal("revops_2", 0.85, "at_most", judged_on="kept"),
    "churned_vs_new_mrr": Signal("revops_8", 0.25, "at_least"),
}
"""Every diagnostic signal, in the order they are reported.

`response_time_hours` is judged on the share of qualification that slow response keeps (its
figure `kept`), not on the hours: the hours alone do not say how much is lost.
"""

assert {s.criterion for s in SIGNALS.values()} <= set(CRITERIA)


@dataclass(frozen=True)
class Diagnostic:
    """A figure from the baseline run that evidences one of the article's criteria."""

    signal: str
    value: float
    criterion: str
    """Id in `CRITERIA`."""
    pressure: bool
    """Whether the figure says the criterion's problem is present."""
    threshold: float
    judged_on: str
    """"value", or the name of the figure in `figures` that the threshold applies to."""
    figures: Mapping[str, float] = field(default_factory=dict)
    """Other figures a sentence about this signal needs (counts, waits, parts of a ratio)."""


def _diagnostic(signal: str, value: float, **figures: float) -> Diagnostic:
    spec = SIGNALS[signal]
    judged = value if spec.judged_on == "value" else figures[spec.judged_on]
    return Diagnostic(
        signal=signal,
        value=value,
        criterion=spec.criterion,
        pressure=spec.pressure(judged),
        threshold=spec.threshold,
        judged_on=spec.judged_on,
        figures=dict(figures),
    )


def diagnose(results: Replications) -> list[Diagnostic]:
    """Figures of the baseline (no ops team) run, each tied to the article's criterion."""
    k = results.kpis[results.kpis["setup"] == BASELINE]
    m = results.monthly[results.monthly["setup"] == BASELINE]

    def mean(col: str) -> float:
        x = k[col].to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        return float(x.mean()) if len(x) else math.nan

    sales = results.scenario.sales
    out = [
        _diagnostic("selling_time_share", sales.selling_time_share),
        _diagnostic("deal_slot_utilization", mean("deal_slot_utilization")),
        _diagnostic(
            "sqls_gone_cold",
            mean("cold_share"),
            count=mean("sqls_gone_cold"),
            wait_days=mean("deal_slot_wait_days"),
        ),
    ]
    out.append(_diagnostic("sales_cycle_days", mean("sales_cycle_days")))
    used = mean("audience_used")
    if not math.isnan(used):
        out.append(_diagnostic("audience_used", used))
    leads = m.groupby("month")["leads"].mean().to_numpy()
    if len(leads) >= 12:
        first, last = float(leads[:6].mean()), float(leads[-6:].mean())
        trend = (last / first - 1) if first > 0 else math.nan
        out.append(_diagnostic("lead_flow_trend", trend, first_6=first, last_6=last))
    leaked, mqls = mean("leaked"), mean("mqls")
    out.append(
        _diagnostic(
            "handoff_leakage", leaked / mqls if mqls else math.nan, leaked=leaked, mqls=mqls
        )
    )
    kept = mean("speed_to_lead_kept")
    out.append(_diagnostic("response_time_hours", mean("response_time_hours"), kept=kept))
    churned, new = mean("churned_mrr"), mean("new_mrr")
    out.append(
        _diagnostic(
            "churned_vs_new_mrr",
            churned / new if new else math.nan,
            churned_mrr=churned,
            new_mrr=new,
            logo_churn_monthly=mean("logo_churn_monthly"),
        )
    )
    return out
