"""Event records -> the KPI table and monthly series of one run.

Metrics are defined here, apart from the processes that produce the records (as Mesa keeps
its reporters out of the model). Every formula is written beside its KPI; KPIs that are
undefined for a run (a win rate with no closed deal) are NaN, never a made-up zero.

What each KPI is (its unit, its direction, its label, the article's group) is declared in
the outcome registry, `sim.outcomes`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from sim.errors import NonFiniteResult
from sim.model.arrivals import inbound_drift
from sim.model.records import COLD, LEAKED, LOST, OPEN, OUTBOUND, UNQUALIFIED, WON, RunRecord
from sim.params import MONTH_DAYS, Costs, Scenario

MUST_BE_FINITE = (
    "value_created",
    "cumulative_contribution",
    "npv_contribution",
    "customer_equity",
    "ending_arr",
    "ending_mrr",
    "revenue",
    "total_cost",
    "ops_cost",
    "new_mrr",
    "churned_mrr",
    "expansion_mrr",
    "leads",
    "mqls",
    "sqls",
    "opportunities",
    "wins",
    "losses",
    "customers_end",
)
"""KPIs that are money or counts, defined for every run (ratios and averages may be NaN)."""


def check_finite(kpis_: dict[str, float], series: dict[str, np.ndarray], where: str) -> None:
    """Raise `NonFiniteResult` naming `where` and the figure if a run's output broke."""
    for name in MUST_BE_FINITE:
        value = kpis_.get(name, 0.0)
        if not math.isfinite(value):
            raise NonFiniteResult(f"{where}: the result '{name}' is {value} (not a number)")
    for name, values in series.items():
        arr = np.asarray(values, dtype=float)
        if not np.isfinite(arr).all():
            month = int(np.flatnonzero(~np.isfinite(arr))[0]) + 1
            raise NonFiniteResult(
                f"{where}: the monthly '{name}' is {arr[month - 1]} in month {month} (not a number)"
            )


MONTHLY_SERIES = (
    "mrr",
    "arr",
    "customers",
    "revenue",
    "costs",
    "contribution",
    "cumulative_contribution",
    "pipeline",
    "new_mrr",
    "churned_mrr",
    "expansion_mrr",
    "repriced_mrr",
    "wins",
    "leads",
    "seats_filled",
    "ramped_reps",
)
"""Names of the monthly series (value at month end, or flow within the month)."""


def slug(name: str) -> str:
    """A segment name as a column-safe suffix."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "segment"


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else math.nan


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


class _MrrPath:
    """Total MRR as a step function of time, built from customer events."""

    def __init__(self, run: RunRecord, rows: np.ndarray | None = None) -> None:
        c = run.customers
        sel = np.arange(len(c)) if rows is None else rows
        ex = np.isin(c.expansion_owner, sel) if rows is not None else slice(None)
        rp = np.isin(c.reprice_owner, sel) if rows is not None else slice(None)
        ended = sel[np.isfinite(c.end[sel])]
        times = np.concatenate(
            [c.start[sel], c.expansion_time[ex], c.reprice_time[rp], c.end[ended]]
        )
        deltas = np.concatenate(
            [c.mrr_start[sel], c.expansion_mrr[ex], c.reprice_mrr[rp], -c.mrr_end[ended]]
        )
        order = np.argsort(times, kind="stable")
        self.t = times[order]
        # MRR just after each event (clamped: rounding must not leave -1e-12 after churn)
        self.level = np.maximum(np.cumsum(deltas[order]), 0.0)
        gaps = np.diff(self.t, prepend=0.0)
        before = np.concatenate([[0.0], self.level[:-1]])
        self.area = np.cumsum(before * gaps)  # integral of MRR dt up to each event

    def at(self, t: np.ndarray) -> np.ndarray:
        """MRR at times t (right-continuous)."""
        if not len(self.t):
            return np.zeros_like(t, dtype=float)
        j = np.searchsorted(self.t, t, side="right") - 1
        return np.where(j >= 0, self.level[np.maximum(j, 0)], 0.0)

    def integral(self, t: np.ndarray) -> np.ndarray:
        """Integral of MRR(s) ds from 0 to t, in MRR-days."""
        if not len(self.t):
            return np.zeros_like(t, dtype=float)
        j = np.searchsorted(self.t, t, side="right") - 1
        jj = np.maximum(j, 0)
        return np.where(j >= 0, self.area[jj] + self.level[jj] * (t - self.t[jj]), 0.0)


def monthly_discount_rate(costs: Costs) -> float:
    """The monthly rate equivalent to the annual discount rate: (1 + r)^(1/12) - 1."""
    return (1 + costs.discount_rate_annual) ** (1 / 12) - 1


def equity_factor(kappa: np.ndarray, months: int, rate_m: float) -> np.ndarray:
    """Discounted revenue-months per unit of MRR: sum_{m=1..M} d^m * int_{m-1}^{m} e^(kappa s) ds.

    A customer's expected MRR (alive x price) grows at kappa per month (expansion rate x size
    minus churn hazard); month m's revenue is discounted by d^m, d = 1 / (1 + monthly rate),
    as the NPV objective discounts contribution. Closed form: a geometric sum.
    """
    # growth past e^50 over the counted months is nonsense anyway; clipping keeps a
    # customer's value finite instead of overflowing
    kappa = np.clip(np.asarray(kappa, dtype=float), -50.0, 5.0 / max(months, 1) * 10)
    d = 1.0 / (1.0 + rate_m)
    within = np.where(np.abs(kappa) < 1e-12, 1.0, np.expm1(kappa) / np.where(kappa == 0, 1, kappa))
    ratio = d * np.exp(kappa)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(
            np.isclose(ratio, 1.0), float(months), (1.0 - ratio**months) / (1.0 - ratio)
        )
    return within * d * geometric


def _segment_kappa(
    scenario: Scenario, churn_multiplier: float = 1.0, expansion_multiplier: float = 1.0
) -> np.ndarray:
    """Each segment's expected MRR growth rate per month: expansion x size - churn hazard."""
    segs = scenario.segments
    h0 = np.array([-math.log1p(-s.monthly_churn) for s in segs])
    p = np.array([min(s.expansion.monthly_probability, 1 - 1e-12) for s in segs])
    l0 = -np.log1p(-p)
    size = np.array([s.expansion.size for s in segs])
    return l0 * expansion_multiplier * size - h0 * churn_multiplier


def months_after_horizon(scenario: Scenario) -> int:
    """Months after the horizon that value is counted: the cap runs from today, not from it."""
    cap = round(scenario.costs.customer_value_months)
    return max(0, cap - scenario.horizon_months)


def customer_equity(
    mrr: np.ndarray,
    segment: np.ndarray,
    scenario: Scenario,
    churn_multiplier: float = 1.0,
    expansion_multiplier: float = 1.0,
    months: int | None = None,
) -> float:
    """Value of a customer base at the horizon (customer equity).

    Its expected margin over the `months` that follow (default: up to the cap counted from
    today, `months_after_horizon`), under the churn and expansion in force then, discounted
    to that moment (Gupta, Lehmann & Stuart 2004).
    """
    kappa = _segment_kappa(scenario, churn_multiplier, expansion_multiplier)[segment]
    costs = scenario.costs
    rate_m = monthly_discount_rate(costs)
    months = months_after_horizon(scenario) if months is None else months
    factor = equity_factor(kappa, months, rate_m)
    return float(np.sum(np.asarray(mrr) * costs.gross_margin * factor))


def kept_team_cost(monthly_cost: float, scenario: Scenario) -> float:
    """A monthly cost kept for as long as value is counted, discounted to the horizon."""
    return monthly_cost * _annuity(months_after_horizon(scenario), scenario)


def _annuity(months: int, scenario: Scenario, trend: float = 1.0) -> float:
    """sum_{k=1..months} (d q)^k: one unit a month, growing by `trend` q, discounted."""
    d = 1.0 / (1.0 + monthly_discount_rate(scenario.costs))
    x = d * trend
    if months <= 0:
        return 0.0
    if math.isclose(x, 1.0):
        return float(months)
    return x * (1.0 - x**months) / (1.0 - x)


def market_trend(run: RunRecord, scenario: Scenario) -> float:
    """The market's own monthly trend at the horizon, which the continuing engine follows.

    The inbound drift at the horizon (weighted by inbound's share of the last year's leads)
    times the audience left: each lead uses up one account, so next month's leads fall by
    this month's leads over the accounts not yet reached. A sales team of fixed size cannot
    book more than its run-rate for ever, so the trend is at most 1 (level where the market
    is stationary or growing).
    """
    H = run.horizon_days
    leads = run.leads
    last = (leads.created >= max(0.0, H - 12 * MONTH_DAYS)) & (leads.created >= 0.0)
    months = min(12.0, H / MONTH_DAYS)
    per_month = float(last.sum()) / months if months > 0 else 0.0
    inbound = float((last & (leads.source != OUTBOUND)).sum()) / months if months > 0 else 0.0
    drift = float(
        inbound_drift(scenario.market, H + MONTH_DAYS) / inbound_drift(scenario.market, H)
    )
    trend = 1.0
    if per_month > 0:
        trend = (inbound * drift + (per_month - inbound)) / per_month
    if run.audience_size is not None:
        used = float((leads.created >= 0.0).sum())
        left = run.audience_size - used
        trend *= max(0.0, 1.0 - per_month / left) if left > 0 else 0.0
    return min(1.0, trend)


def continuing_engine(run: RunRecord, scenario: Scenario) -> float:
    """The engine's value after the horizon, discounted to the horizon.

    Its run-rate over the last 12 months — the equity of the new customers it booked a month,
    minus the month's go-to-market and team cost — continued as a discounted stream for the
    months value is counted, the bookings following the market's trend q (`market_trend`):
    sum_k d^k (q^k x booked equity with the months left - cost). A customer booked in month k
    after the horizon is worth its margin over the months left until the cap.
    """
    months = months_after_horizon(scenario)
    if months <= 0:
        return 0.0
    H = run.horizon_days
    c = run.customers
    span = min(12.0, H / MONTH_DAYS)
    recent = c.is_new & (c.start > H - span * MONTH_DAYS)
    booked = np.bincount(
        c.segment[recent], weights=c.mrr_start[recent], minlength=len(scenario.segments)
    ) / max(span, 1e-9)
    kappa = _segment_kappa(scenario, c.churn_multiplier_end, c.expansion_multiplier_end)
    rate_m = monthly_discount_rate(scenario.costs)
    d = 1.0 / (1.0 + rate_m)
    q = market_trend(run, scenario)
    k = np.arange(1, months + 1)
    left = equity_factor_months(kappa, months - k, rate_m)  # (segments, months)
    weights = (d * q) ** k
    gained = scenario.costs.gross_margin * float(np.sum(booked[:, None] * left * weights))
    costs = sum(run.monthly_costs.values())
    last = np.asarray(costs, dtype=float)[-max(1, round(span)) :]
    cost = float(last.mean()) if len(last) else 0.0
    return gained - cost * _annuity(months, scenario)


def equity_factor_months(kappa: np.ndarray, months: np.ndarray, rate_m: float) -> np.ndarray:
    """`equity_factor` for each segment's kappa (rows) and each number of months (columns)."""
    kappa = np.clip(np.asarray(kappa, dtype=float), -50.0, 5.0)[:, None]
    m = np.asarray(months, dtype=float)[None, :]
    d = 1.0 / (1.0 + rate_m)
    within = np.where(np.abs(kappa) < 1e-12, 1.0, np.expm1(kappa) / np.where(kappa == 0, 1, kappa))
    ratio = d * np.exp(kappa)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        geometric = np.where(np.isclose(ratio, 1.0), m, (1.0 - ratio**m) / (1.0 - ratio))
    return within * d * geometric


def value_after_horizon(
    run: RunRecord, scenario: Scenario, base_equity: float | None = None
) -> dict[str, float]:
    """The value after the horizon under each convention, discounted to the horizon.

    going_concern: the installed base's equity under the effects in force at the horizon,
    plus the continuing engine (which carries the teams' cost). teams_leave: the teams and
    their effects stop at the horizon; the base keeps its equity at the churn and expansion
    it has without them, and no team is paid. cash_only: nothing after the horizon.
    `base_equity`: that first equity, when the caller has computed it already.
    """
    c = run.customers
    alive = np.isinf(c.end)
    base = base_equity
    if base is None:
        base = customer_equity(
            c.mrr_end[alive],
            c.segment[alive],
            scenario,
            c.churn_multiplier_end,
            c.expansion_multiplier_end,
        )
    base_alone = customer_equity(c.mrr_end[alive], c.segment[alive], scenario)
    return {
        "going_concern": base + continuing_engine(run, scenario),
        "teams_leave": base_alone,
        "cash_only": 0.0,
    }


def monthly_series(run: RunRecord, scenario: Scenario) -> dict[str, np.ndarray]:
    """Monthly series of one run: stocks at month end, flows within each month."""
    months = scenario.horizon_months
    ends = np.arange(1, months + 1) * MONTH_DAYS
    edges = np.concatenate([[0.0], ends])
    path = _MrrPath(run)
    c = run.customers
    leads = run.leads
    revenue = np.diff(path.integral(edges)) / MONTH_DAYS
    costs = sum(run.monthly_costs.values())
    contribution = revenue * scenario.costs.gross_margin - costs
    starts = np.searchsorted(ends, c.start[c.is_new], side="right")
    new_mrr = np.bincount(starts, weights=c.mrr_start[c.is_new], minlength=months + 1)[:months]
    ended = np.isfinite(c.end)
    churn_m = np.searchsorted(ends, c.end[ended], side="right")
    churned = np.bincount(churn_m, weights=c.mrr_end[ended], minlength=months + 1)[:months]
    ex_m = np.searchsorted(ends, c.expansion_time, side="right")
    expansion = np.bincount(ex_m, weights=c.expansion_mrr, minlength=months + 1)[:months]
    re_m = np.searchsorted(ends, c.reprice_time, side="right")
    repriced = np.bincount(re_m, weights=c.reprice_mrr, minlength=months + 1)[:months]
    won = leads.state == WON
    win_m = np.searchsorted(ends, leads.closed[won], side="right")
    wins = np.bincount(win_m, minlength=months + 1)[:months].astype(float)
    lead_m = np.searchsorted(ends, leads.created[leads.created >= 0.0], side="right")
    n_leads = np.bincount(lead_m, minlength=months + 1)[:months].astype(float)
    customers = (
        np.searchsorted(np.sort(c.start), ends, side="right")
        - np.searchsorted(np.sort(c.end[ended]), ends, side="right")
    ).astype(float)
    # open deals (in a slot) and SQLs waiting for one, at each month end
    slot = np.nan_to_num(leads.slot_start, nan=np.inf)
    closed = np.nan_to_num(leads.closed, nan=np.inf)
    sql = np.nan_to_num(leads.sql, nan=np.inf)
    patience = scenario.sales.sql_patience_days
    cold_at = np.where(leads.state == COLD, sql + (patience or 0.0), np.inf)
    waiting_until = np.minimum(slot, cold_at)
    pipeline = (
        _count_between(slot, closed, ends) + _count_between(sql, waiting_until, ends)
    ).astype(float)
    mrr = path.at(ends)
    seats = run.seats
    reps = float(scenario.sales.reps)
    return {
        "seats_filled": np.full(months, reps) if seats is None else seats.filled.copy(),
        "ramped_reps": np.full(months, reps) if seats is None else seats.ramped.copy(),
        "mrr": mrr,
        "arr": 12.0 * mrr,
        "customers": customers,
        "revenue": revenue,
        "costs": np.asarray(costs, dtype=float),
        "contribution": contribution,
        "cumulative_contribution": np.cumsum(contribution),
        "pipeline": pipeline,
        "new_mrr": new_mrr,
        "churned_mrr": churned,
        "expansion_mrr": expansion,
        "repriced_mrr": repriced,
        "wins": wins,
        "leads": n_leads,
    }


def _count_between(begin: np.ndarray, end: np.ndarray, at: np.ndarray) -> np.ndarray:
    """How many intervals [begin, end) contain each time in `at`."""
    return np.searchsorted(np.sort(begin), at, side="right") - np.searchsorted(
        np.sort(end), at, side="right"
    )


def kpis(run: RunRecord, scenario: Scenario, series: dict[str, np.ndarray]) -> dict[str, float]:
    """The KPI table of one run each with its formula (docs/MODEL.md)."""
    H = run.horizon_days
    months = scenario.horizon_months
    leads = run.leads
    c = run.customers
    state = leads.state
    # the run's own leads; the rest are the warm-up's, in play at day 0 (created before it)
    new_lead = leads.created >= 0.0
    n_leads = int(new_lead.sum())
    inbound = (leads.source != OUTBOUND) & new_lead
    n_mql = int(inbound.sum())
    contacted = leads.contacted >= 0.0  # within [0, H) (nan compares False)
    n_contacted_in = int((contacted & inbound).sum())
    n_contacted = int(contacted.sum())
    is_sql = leads.sql >= 0.0
    is_opp = leads.slot_start >= 0.0
    closed = ~np.isnan(leads.closed)
    won = state == WON
    n_won, n_lost = int(won.sum()), int((state == LOST).sum())
    cycle = leads.closed[closed] - leads.slot_start[closed]
    costs = run.monthly_costs
    total_cost = float(sum(v.sum() for v in costs.values()))
    marketing = float(costs["marketing"].sum())
    desk_cost = float(costs["first_touch"].sum())
    ops_cost = float(costs["ops_teams"].sum())
    gm = scenario.costs.gross_margin

    new = c.is_new
    # CLTV: margin on each new customer's MRR, growing by expected expansion and surviving
    # churn as in force at the horizon, discounted monthly, over at most ten years:
    # MRR x margin x sum_{m<120} q^m, q = (1 + expansion growth)(1 - churn) / (1 + r)
    segs = scenario.segments
    churn_now = np.array([s.monthly_churn for s in segs])[c.segment[new]]
    churn_now = 1.0 - (1.0 - churn_now) ** c.churn_multiplier_end
    p_exp = np.array([s.expansion.monthly_probability for s in segs])[c.segment[new]]
    size = np.array([s.expansion.size for s in segs])[c.segment[new]]
    growth = p_exp * c.expansion_multiplier_end * size
    rate_m = monthly_discount_rate(scenario.costs)
    q = (1.0 + growth) * (1.0 - churn_now) / (1.0 + rate_m)
    life = np.where(np.isclose(q, 1.0), 120.0, (1.0 - q**120) / np.where(q == 1.0, 2.0, 1.0 - q))
    # exposure in customer-months and churn events within the horizon
    exposure = float(np.sum(np.minimum(c.end, H) - c.start)) / MONTH_DAYS
    churned = int(np.isfinite(c.end).sum())

    # 12-month cohort: customers active at t0 = H - 12 months (or at 0 if the run is shorter)
    t0 = max(0.0, H - 12 * MONTH_DAYS)
    cohort = np.flatnonzero((c.start <= t0) & (c.end > t0))
    nrr = grr = renewal = upsell = math.nan
    if len(cohort):
        ex_before = c.expansion_time <= t0
        mrr_t0 = c.mrr_start[cohort].copy()
        gained = np.bincount(
            c.expansion_owner[ex_before], weights=c.expansion_mrr[ex_before], minlength=len(c)
        )
        mrr_t0 += gained[cohort]
        re_before = c.reprice_time <= t0
        mrr_t0 += np.bincount(
            c.reprice_owner[re_before], weights=c.reprice_mrr[re_before], minlength=len(c)
        )[cohort]
        alive = np.isinf(c.end[cohort])
        base = mrr_t0.sum()
        if base > 0:
            nrr = float(c.mrr_end[cohort][alive].sum() / base)
            grr = float(mrr_t0[alive].sum() / base)
        renewal = float(alive.mean())
        later = c.expansion_time > t0
        upsold = np.unique(c.expansion_owner[later])
        upsell = float(np.isin(cohort, upsold).mean())

    # value created: cash within the horizon plus the value after it (as
    # `analysis.after_horizon` counts it), discounted to today
    alive = np.isinf(c.end)
    to_today = (1 + rate_m) ** -months
    equity = customer_equity(
        c.mrr_end[alive],
        c.segment[alive],
        scenario,
        c.churn_multiplier_end,
        c.expansion_multiplier_end,
    )
    equity_today = to_today * equity
    after = {k: to_today * v for k, v in value_after_horizon(run, scenario, equity).items()}
    contribution = series["contribution"]
    npv = float(np.sum(contribution * (1 + rate_m) ** -np.arange(1, months + 1)))
    series_arr = series["arr"]
    starting_arr = 12.0 * float(c.mrr_start[~c.is_new].sum())
    arr_12_before = series_arr[months - 13] if months > 12 else starting_arr
    avg_open = run.slot_busy_days / H  # time-average open deals (Little's law)
    mean_cycle = _mean(cycle)
    win_rate = _ratio(n_won, n_won + n_lost)
    mean_acv_won = _mean(12.0 * leads.mrr[won])  # price change applied
    velocity = (
        avg_open * win_rate * mean_acv_won / mean_cycle * MONTH_DAYS
        if n_won and mean_cycle > 0
        else 0.0
    )
    waits = leads.slot_start[is_opp] - leads.sql[is_opp]
    resp = leads.response_hours[contacted & inbound]
    decay_kept = scenario.lead_handling.speed_to_lead_decay.kept(resp)
    new_mrr_total = float(c.mrr_start[new].sum())
    expansion_total = float(c.expansion_mrr.sum())
    out: dict[str, float] = {
        "leads": float(n_leads),
        "mqls": float(n_mql),
        "outbound_leads": float(n_leads - n_mql),
        "leaked": float((state == LEAKED).sum()),
        "contacted": float(n_contacted),
        "unqualified": float((state == UNQUALIFIED).sum()),
        "sqls": float(is_sql.sum()),
        "sqls_gone_cold": float((state == COLD).sum()),
        "cold_share": _ratio(float((state == COLD).sum()), float(is_sql.sum())),
        "opportunities": float(is_opp.sum()),
        "wins": float(n_won),
        "losses": float(n_lost),
        "open": float((state == OPEN).sum()),
        # funnel conversions (each stage over the one before it)
        "conv_mql_contacted": _ratio(n_contacted_in, n_mql),
        "conv_contacted_sql": _ratio(float(is_sql.sum()), n_contacted),
        "conv_sql_opportunity": _ratio(float(is_opp.sum()), float(is_sql.sum())),
        "conv_opportunity_won": _ratio(n_won, float(is_opp.sum())),
        "lead_to_win": _ratio(n_won, n_leads),
        # SalesOps metrics
        "win_rate": win_rate,  # won / closed opportunities
        "win_loss_ratio": _ratio(n_won, n_lost),
        "sales_cycle_days": mean_cycle,  # slot start -> close, closed deals
        "time_to_close_days": _mean(leads.closed[won] - leads.created[won]),  # lead -> win
        "cac": _ratio(total_cost, float(new.sum())),  # all GTM cost / new customers
        "cac_excl_ops": _ratio(total_cost - ops_cost, float(new.sum())),  # without ops teams
        "cost_per_lead": _ratio(marketing + desk_cost, n_leads),  # marketing + desk / lead
        "cost_per_mql": _ratio(marketing, n_mql),  # marketing spend / MQL
        "cltv": _mean(c.mrr_start[new] * gm * life),  # discounted, with expansion (cap 10 y)
        "response_time_hours": _mean(resp),
        "speed_to_lead_kept": _mean(decay_kept),  # share of qualification kept after decay
        "deal_slot_wait_days": _mean(waits),
        "deal_slot_utilization": _ratio(run.slot_busy_days, run.deal_slots * H),
        "rep_utilization": _ratio(run.slot_busy_days, run.deal_slots * H),  # old name, alias
        # RevOps metrics
        "ending_mrr": float(series["mrr"][-1]),
        "ending_arr": float(series_arr[-1]),
        "customers_end": float(series["customers"][-1]),
        "new_mrr": new_mrr_total,
        "expansion_mrr": expansion_total,
        "repriced_mrr": float(c.reprice_mrr.sum()),  # MRR change at renewals from price
        "churned_mrr": float(c.mrr_end[np.isfinite(c.end)].sum()),
        "expansion_share_of_new": _ratio(expansion_total, new_mrr_total + expansion_total),
        "nrr": nrr,
        "grr": grr,
        "renewal_rate": renewal,
        "upsell_rate": upsell,
        "logo_churn_monthly": _ratio(churned, exposure),  # churn events / customer-months
        "pipeline_velocity": velocity,  # open deals x win rate x ACV / cycle, per month
        "net_revenue_growth": _ratio(float(series_arr[-1]) - arr_12_before, arr_12_before),
        "audience_used": (
            _ratio(float(n_leads), run.audience_size) if run.audience_size else math.nan
        ),
        # money
        "revenue": float(series["revenue"].sum()),
        "total_cost": total_cost,
        "ops_cost": ops_cost,
        "cumulative_contribution": float(contribution.sum()),
        "npv_contribution": npv,
        "customer_equity": equity_today,
        "value_created": npv + after[scenario.analysis.after_horizon],
        "value_within": npv,  # cash within the horizon, discounted
        "value_after": after[scenario.analysis.after_horizon],  # value after it, discounted
        **{f"value_{k}": npv + v for k, v in after.items()},
        "ops_roi": math.nan,  # paired with the baseline: `paired_kpis`
        "events_per_lead": _ratio(run.events, n_leads),
        "ramped_reps_mean": float(np.mean(series["ramped_reps"])),
    }
    for i, seg in enumerate(scenario.segments):
        alive_end = np.isinf(c.end) & (c.segment == i)
        out[f"ending_arr_{slug(seg.name)}"] = float(12 * c.mrr_end[alive_end].sum())
    return out


PAIRED_KPIS = ("ops_roi",)
"""KPIs of a setup that need the baseline's run on the same replication."""


def paired_kpis(frame: pd.DataFrame, baseline: str, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """`frame` (one row per run) with the KPIs that pair each run with its baseline run.

    ops_roi = (cumulative contribution - the baseline's, same replication) / ops cost: what
    each unit of ops spend returned. 0 for a setup without ops cost; NaN where the baseline
    did not run. `by` names further columns that identify a comparison (e.g. the variant).
    """
    out = frame.copy()
    keys = [*by, "replication"]
    base = out.loc[out["setup"] == baseline, [*keys, "cumulative_contribution"]]
    base = base.rename(columns={"cumulative_contribution": "_base_cc"})
    merged = out[keys].merge(base, on=keys, how="left")
    gain = out["cumulative_contribution"].to_numpy(float) - merged["_base_cc"].to_numpy(float)
    cost = out["ops_cost"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(cost > 0, gain / np.where(cost > 0, cost, 1.0), 0.0)
    out["ops_roi"] = np.where(np.isnan(merged["_base_cc"].to_numpy(float)), np.nan, roi)
    return out
