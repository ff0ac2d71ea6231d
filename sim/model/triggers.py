"""A plan's triggers: the month each triggered team starts, in one simulated future.

A trigger (`{metric, at_least}`) is checked at the start of every month m of the run, on the
figures of that future so far:

* `reps` — sales seats filled in month m (today's reps when the seats are not simulated);
* `arr` — ARR at the start of month m;
* `leads_per_month` — leads created in month m - 1;
* `cold_share` — SQLs that went cold in month m - 1 over SQLs made in month m - 1;
* `slot_use` — open deals at the start of month m over the deal slots in month m.

The flows of month -1 are not known, so those three cannot fire at month 0. A team whose
trigger first holds at month m starts at m + `recruit_months` (never if that is past the
horizon). A team changes nothing before it starts, so its trigger is read on the run
without it: the run is repeated with the teams resolved so far until every trigger has fired
or cannot fire any more (at most one run more than the plan has triggered teams).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.model.records import COLD, RunRecord
from sim.model.workforce import seat_slots
from sim.params import MONTH_DAYS, PlanStep, Scenario


def _month_starts(months: int) -> np.ndarray:
    return np.arange(months) * MONTH_DAYS


def _arr_at(record: RunRecord, t: np.ndarray) -> np.ndarray:
    """ARR at times `t`: customers' starting MRR, expansions, repricing, minus churn."""
    c = record.customers
    ended = np.isfinite(c.end)
    times = np.concatenate([c.start, c.expansion_time, c.reprice_time, c.end[ended]])
    deltas = np.concatenate([c.mrr_start, c.expansion_mrr, c.reprice_mrr, -c.mrr_end[ended]])
    order = np.argsort(times, kind="stable")
    level = np.cumsum(deltas[order])
    j = np.searchsorted(times[order], t, side="right") - 1
    mrr = np.where(j >= 0, level[np.maximum(j, 0)] if len(level) else 0.0, 0.0)
    return 12.0 * np.maximum(mrr, 0.0)


def figures(record: RunRecord, scenario: Scenario, metric: str) -> np.ndarray:
    """The figure a trigger watches at the start of each month (nan: not known yet)."""
    months = scenario.horizon_months
    starts = _month_starts(months)
    leads = record.leads
    if metric == "reps":
        if record.seats is None:
            return np.full(months, float(scenario.sales.reps))
        return record.seats.filled.copy()
    if metric == "arr":
        return _arr_at(record, starts)
    out = np.full(months, np.nan)
    if metric == "leads_per_month":
        created = leads.created[leads.created >= 0.0]
        counts = np.bincount((created // MONTH_DAYS).astype(np.int64), minlength=months)
        out[1:] = counts[: months - 1]
        return out
    if metric == "cold_share":
        sql = leads.sql[~np.isnan(leads.sql) & (leads.sql >= 0.0)]
        made = np.bincount((sql // MONTH_DAYS).astype(np.int64), minlength=months)[:months]
        patience = scenario.sales.sql_patience_days or 0.0
        cold_at = leads.sql[leads.state == COLD] + patience
        cold_at = cold_at[(cold_at >= 0.0) & (cold_at < months * MONTH_DAYS)]
        cold = np.bincount((cold_at // MONTH_DAYS).astype(np.int64), minlength=months)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(made > 0, cold[:months] / np.maximum(made, 1), 0.0)
        out[1:] = share[: months - 1]
        return out
    if metric == "slot_use":
        slot = np.nan_to_num(leads.slot_start, nan=np.inf)
        closed = np.nan_to_num(leads.closed, nan=np.inf)
        open_deals = np.searchsorted(np.sort(slot), starts, side="right") - np.searchsorted(
            np.sort(closed), starts, side="right"
        )
        sales = scenario.sales
        if record.seats is None:
            slots = np.full(months, float(sales.reps * sales.max_open_deals_per_rep))
        else:
            slots = seat_slots(record.seats, sales.max_open_deals_per_rep).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(slots > 0, open_deals / np.maximum(slots, 1.0), 1.0)
    raise ValueError(f"unknown trigger metric '{metric}'")


def fires_at(record: RunRecord, scenario: Scenario, step: PlanStep) -> float | None:
    """The month the team starts under its trigger in this run (None: never)."""
    assert step.when is not None
    values = figures(record, scenario, step.when.metric)
    hit = np.flatnonzero(np.nan_to_num(values, nan=-np.inf) >= step.when.at_least)
    if not hit.size:
        return None
    start = float(hit[0]) + step.recruit_months
    return start if start < scenario.horizon_months else None


def resolve(
    scenario: Scenario,
    steps: dict[str, PlanStep],
    run: Callable[[dict[str, float]], RunRecord],
) -> tuple[dict[str, float], RunRecord]:
    """Each team's start month in this future, and the run with those starts.

    `run(starts)` simulates the plan with exactly the teams in `starts` (months).
    """
    starts = {t: float(s.start) for t, s in steps.items() if s.start is not None}
    pending = {t: s for t, s in steps.items() if s.when is not None}
    record = run(dict(starts))
    while pending:
        fired = {t: fires_at(record, scenario, s) for t, s in pending.items()}
        fired = {t: m for t, m in fired.items() if m is not None}
        if not fired:
            break
        first = min(fired.values())
        # a trigger read before `first` is read on a run that nothing has changed yet
        settled = {t: m for t, m in fired.items() if m - pending[t].recruit_months <= first}
        starts.update(settled)
        for team in settled:
            del pending[team]
        record = run(dict(starts))
    return starts, record


__all__ = ["figures", "fires_at", "resolve"]
