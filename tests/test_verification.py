"""Verification: degenerate configurations of the model reproduce queueing closed forms.

Each test switches off everything the closed form does not know about (leakage, decay,
reneging, audience limits, growth, outbound, org effects, fit spread) and compares a
simulated mean, pooled over independent replications, with the formula. Tolerances are
both statistical (a few standard errors of the replication mean) and practical (a relative
bound), so a test fails only for a real discrepancy, and passes for any seed.

Queue statistics are taken in steady state: arrivals in an initial warm-up are discarded
(the run starts empty), and so are arrivals too close to the horizon (their waits would be
cut off by it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import base_dict, make_from, stderr_of_mean

import sim
from sim.executors import ProcessExecutor
from sim.model import COLD, LOST, WON, propensity_intercept, run_replication
from sim.params import MONTH_DAYS

SEED = 20240611


def leads_of(scenario, replications: int):
    """The leads of baseline replications 0..n-1, run on every core, in order.

    Replications are independent, so running them in the project's process pool changes
    nothing but the wall time of these long steady-state runs.
    """
    return ProcessExecutor().map(_baseline_leads, [(scenario, r) for r in range(replications)])


def _baseline_leads(task):
    """The leads of one baseline replication (a picklable task for the pool)."""
    scenario, replication = task
    return run_replication(scenario, "none", replication, SEED).leads


def degenerate(**dotted):
    """One segment, nothing but Poisson arrivals, a desk, qualification and deal slots.

    Unlimited first touch with a constant handling delay, no leakage, no speed-to-lead
    decay, no reneging, no audience limit, no growth, no outbound, no fit spread, no
    warm-up (an empty pipeline at day 0), and only the baseline setup (no team, no effect).
    """
    data = base_dict()
    data["org"] = {"setups": {"none": []}}
    settings = {
        "market.audience_size": None,
        "market.inbound_growth_per_month": 0.0,
        "lead_handling.handoff_leakage": 0.0,
        "lead_handling.first_touch.capacity": None,
        "lead_handling.first_touch.handling_delay_hours": {"median": 1.0, "sigma": 0.0},
        "lead_handling.speed_to_lead_decay.floor": 1.0,
        "sales.outbound_leads_per_rep_month": 0,
        "sales.sql_patience_days": None,
        "sales.warmup_months": 0,
        "segments.0.win_propensity_spread": 0.0,
        "segments.0.expansion": {"monthly_probability": 0.0, "size": 0.0},
    }
    settings.update(dotted)
    return make_from(data, **settings)


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a = lambda / mu (a < c)."""
    rho = a / c
    top = a**c / math.factorial(c) / (1.0 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue Wq = C(c, a) / (c mu - lambda) of M/M/c."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


def test_erlang_c_formula_itself():
    """The helper agrees with textbook values: M/M/1 Wq = rho / (mu - lambda)."""
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c_wait(1, 0.7, 1.0) == pytest.approx(0.7 / 0.3)
    # M/M/2 with a = 1: C = 1/3, Wq = (1/3) / (2 - 1)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- deal slots
@pytest.mark.parametrize(
    ("rho", "replications"),
    [pytest.param(0.7, 60, marks=pytest.mark.slow), pytest.param(0.9, 80, marks=pytest.mark.slow)],
)
def test_deal_slot_wait_matches_erlang_c(rho, replications):
    """With exponential cycles and no reneging the deal-slot queue is M/M/c: Wq is Erlang C.

    c = reps x max open deals = 4 slots, mean cycle 1 day, SQL rate = inbound x q.

    Near saturation most of a replication's error in the mean wait comes from its realised
    load (arrivals x cycle lengths), whose expectation is known exactly (rho). The load is
    used as a control variate: mean wait - beta (load - rho) has the same expectation and a
    standard error about half as large, so the 8% bound is several standard errors wide.
    """
    reps, per_rep, mean_cycle, q = 2, 2, 1.0, 0.5
    horizon, warm_up, margin = 120, 12, 6  # months
    c = reps * per_rep
    mu = 1.0 / mean_cycle
    lam = rho * c * mu  # SQLs per day
    scenario = degenerate(
        horizon_months=horizon,
        **{
            "sales.reps": reps,
            "sales.max_open_deals_per_rep": per_rep,
            "segments.0.sales_cycle_days": {"distribution": "exponential", "mean": mean_cycle},
            "segments.0.qualification_rate": q,
            "market.inbound_mqls_per_month": lam / q * MONTH_DAYS,
        },
    )
    window_days = (horizon - margin - warm_up) * MONTH_DAYS
    means, loads = [], []
    arrivals = 0
    for leads in leads_of(scenario, replications):
        sel = (leads.sql >= warm_up * MONTH_DAYS) & (leads.sql < (horizon - margin) * MONTH_DAYS)
        wait = leads.slot_start[sel] - leads.sql[sel]
        assert not np.isnan(wait).any(), "an SQL well before the horizon never got a slot"
        assert not np.isnan(leads.closed[sel]).any()
        assert (wait >= 0).all()
        means.append(wait.mean())
        cycles = leads.closed[sel] - leads.slot_start[sel]
        loads.append(sel.sum() / window_days * cycles.mean() / c)
        arrivals += int(sel.sum())
    # the SQL stream itself is Poisson at inbound x q
    assert arrivals / (replications * window_days) == pytest.approx(lam, rel=0.01)
    expected = erlang_c_wait(c, lam, mu)
    means_a, loads_a = np.array(means), np.array(loads)
    # plain estimate: within 4 standard errors
    got, se = float(means_a.mean()), stderr_of_mean(means_a)
    assert abs(got - expected) < 4 * se, (got, expected, se)
    # control-variate estimate: within 4 standard errors and 8%
    beta = np.cov(means_a, loads_a)[0, 1] / np.var(loads_a, ddof=1)
    adjusted = means_a - beta * (loads_a - rho)
    got = float(adjusted.mean())
    se = stderr_of_mean(adjusted) * math.sqrt((replications - 1) / (replications - 2))
    assert abs(got - expected) < 4 * se, (got, expected, se)
    assert got == pytest.approx(expected, rel=0.08), (got, expected, se)
    assert se < 0.025 * expected, se / expected  # so the 8% bound is >= 3.2 standard errors


def mmc_deterministic_patience_abandonment(c: int, lam: float, mu: float, tau: float) -> float:
    """P(abandon) of M/M/c+D: FCFS, c servers, every customer leaves after waiting `tau`.

    Zeltyn & Mandelbaum (2005), M/M/n+G with H(x) = min(x, tau):
    P(Ab) = (1 + (lam - c mu) J) / (E + lam J), J = int_0^inf exp(lam H(x) - c mu x) dx,
    E = sum_{j<c} (lam/mu)^j / j! / ((lam/mu)^(c-1) / (c-1)!).
    """
    a, d = lam / mu, lam - c * mu
    e = sum(a**j / math.factorial(j) for j in range(c)) / (a ** (c - 1) / math.factorial(c - 1))
    x = math.exp(d * tau)
    j = (tau if d == 0 else (x - 1.0) / d) + x / (c * mu)
    return (1.0 + d * j) / (e + lam * j)


def test_mmc_deterministic_patience_formula_itself():
    """One server: the M/M/1+D result rho x (1 - rho) / (1 - rho^2 x), x = e^-(mu-lam)tau."""
    lam, mu, tau = 0.8, 1.0, 0.7
    x = math.exp(-(mu - lam) * tau)
    rho = lam / mu
    expected = rho * x * (1 - rho) / (1 - rho**2 * x)
    assert mmc_deterministic_patience_abandonment(1, lam, mu, tau) == pytest.approx(expected)
    # no patience at all: Erlang B's blocking; endless patience below saturation: nobody leaves
    a = 3.0
    erlang_b = a**4 / math.factorial(4) / sum(a**k / math.factorial(k) for k in range(5))
    assert mmc_deterministic_patience_abandonment(4, a, 1.0, 0.0) == pytest.approx(erlang_b)
    assert mmc_deterministic_patience_abandonment(4, a, 1.0, 60.0) < 1e-9


@pytest.mark.parametrize("rho", [0.9, 1.2])
def test_sqls_gone_cold_match_mmc_with_deterministic_patience(rho):
    """With exponential cycles and a fixed patience the deal floor is M/M/c+D: the share of
    SQLs that go cold is its abandonment probability, below and above saturation.

    c = 4 slots, mean cycle 1 day, patience half a day.
    """
    reps, per_rep, mean_cycle, q, tau = 2, 2, 1.0, 0.5, 0.5
    horizon, warm_up, margin, replications = 48, 2, 1, 24  # months
    c = reps * per_rep
    mu = 1.0 / mean_cycle
    lam = rho * c * mu
    scenario = degenerate(
        horizon_months=horizon,
        **{
            "sales.reps": reps,
            "sales.max_open_deals_per_rep": per_rep,
            "sales.sql_patience_days": tau,
            "segments.0.sales_cycle_days": {"distribution": "exponential", "mean": mean_cycle},
            "segments.0.qualification_rate": q,
            "market.inbound_mqls_per_month": lam / q * MONTH_DAYS,
        },
    )
    shares = []
    for leads in leads_of(scenario, replications):
        sel = (leads.sql >= warm_up * MONTH_DAYS) & (leads.sql < (horizon - margin) * MONTH_DAYS)
        cold = leads.state[sel] == COLD
        served = leads.slot_start[sel] >= 0.0
        assert not (cold & served).any()
        assert (cold | served).all(), "an SQL well before the horizon neither served nor cold"
        waits = leads.slot_start[sel][served] - leads.sql[sel][served]
        assert (waits <= tau + 1e-9).all(), "a served SQL waited longer than its patience"
        shares.append(cold.mean())
    expected = mmc_deterministic_patience_abandonment(c, lam, mu, tau)
    got, se = float(np.mean(shares)), stderr_of_mean(shares)
    assert abs(got - expected) < 4 * se, (got, expected, se)
    assert got == pytest.approx(expected, rel=0.06), (got, expected, se)


def test_deal_slot_wait_kpi_is_zero_with_ample_slots():
    """With far more slots than open deals no SQL ever waits for one."""
    scenario = degenerate(
        horizon_months=6,
        **{
            "sales.reps": 50,
            "segments.0.sales_cycle_days": {"distribution": "exponential", "mean": 20},
        },
    )
    run = sim.simulate(scenario, "none", 0, SEED)
    assert run.kpis["opportunities"] > 100
    assert run.kpis["deal_slot_wait_days"] == 0.0
    assert run.kpis["sqls_gone_cold"] == 0.0


# --------------------------------------------------------------------------- first touch
@pytest.mark.parametrize(("rho", "replications"), [(0.7, 30), (0.9, 60)])
def test_first_touch_wait_matches_erlang_c(rho, replications):
    """The first-touch desk is M/M/c: response time minus the handling delay is Erlang C.

    c = 2 people, exponential touches at 24 per person-day (mean one hour).
    """
    c, per_day, delay_hours = 2, 24.0, 1.0
    horizon, warm_up, margin = 24, 2, 1  # months
    lam = rho * c * per_day  # MQLs per day
    scenario = degenerate(
        horizon_months=horizon,
        **{
            "lead_handling.first_touch": {
                "capacity": c,
                "touches_per_person_day": per_day,
                "handling_delay_hours": {"median": delay_hours, "sigma": 0.0},
            },
            "segments.0.qualification_rate": 0.0,
            "market.inbound_mqls_per_month": lam * MONTH_DAYS,
        },
    )
    means = []
    for leads in leads_of(scenario, replications):
        sel = (leads.created >= warm_up * MONTH_DAYS) & (
            leads.created < (horizon - margin) * MONTH_DAYS
        )
        wait_days = (leads.response_hours[sel] - delay_hours) / 24.0
        assert not np.isnan(wait_days).any(), "a lead well before the horizon was never touched"
        assert (wait_days > -1e-9).all()
        means.append(wait_days.mean())
    expected = erlang_c_wait(c, lam, per_day)
    got, se = float(np.mean(means)), stderr_of_mean(means)
    assert abs(got - expected) < 4 * se, (got, expected, se)
    assert got == pytest.approx(expected, rel=0.08), (got, expected, se)
    assert se < 0.025 * expected, se / expected  # so the 8% bound is >= 3.2 standard errors


def test_unlimited_first_touch_responds_after_the_handling_delay_only():
    """With unlimited first-touch capacity every response time is the handling delay."""
    scenario = degenerate(horizon_months=2)
    leads = run_replication(scenario, "none", 0, SEED).leads
    assert len(leads) > 100
    in_time = leads.created < scenario.horizon_days - 1.0 / 24  # touched before the horizon
    assert np.allclose(leads.response_hours[in_time], 1.0)
    assert np.isnan(leads.response_hours[~in_time]).all()


# --------------------------------------------------------------------------- Little's law
def _little_scenario(horizon=48):
    # ample slots: an M/M/inf system of open deals, lambda = 100 SQLs/month, W = 30 days
    return degenerate(
        horizon_months=horizon,
        **{
            "sales.reps": 60,
            "sales.max_open_deals_per_rep": 15,
            "segments.0.sales_cycle_days": {"distribution": "exponential", "mean": 30.0},
            "segments.0.qualification_rate": 0.5,
            "market.inbound_mqls_per_month": 200,
        },
    )


def test_slot_busy_days_is_the_sum_of_open_deal_time_within_the_horizon():
    """Little's law on a finite horizon, exactly: the area under open deals is the sum of stays.

    slot_busy_days = sum over opportunities of (min(close, horizon) - slot start).
    """
    scenario = _little_scenario(horizon=12)
    for r in range(3):
        run = sim.simulate(scenario, "none", r, SEED)
        leads, record = run.record.leads, run.record
        opp = ~np.isnan(leads.slot_start)
        end = np.where(np.isnan(leads.closed[opp]), record.horizon_days, leads.closed[opp])
        assert record.slot_busy_days == pytest.approx(float(np.sum(end - leads.slot_start[opp])))
        assert run.kpis["deal_slot_utilization"] == pytest.approx(
            record.slot_busy_days / (record.deal_slots * record.horizon_days)
        )


def test_littles_law_open_deals_equal_throughput_times_mean_cycle():
    """Time-average open deals = SQL throughput x mean cycle (L = lambda W).

    Two views of L: the exact time average (slot_busy_days / horizon, which from an empty
    start is lambda W (1 - W/H (1 - e^(-H/W))) in M/M/inf) and the month-end pipeline after
    a warm-up (lambda W in steady state).
    """
    horizon, warm_up = 48, 6
    scenario = _little_scenario(horizon)
    lam = 200 * 0.5 / MONTH_DAYS  # SQLs per day
    w = 30.0
    H = scenario.horizon_days
    time_avg, month_end, throughput, stays = [], [], [], []
    for r in range(20):
        run = sim.simulate(scenario, "none", r, SEED)
        rec = run.record
        time_avg.append(rec.slot_busy_days / H)
        month_end.append(run.monthly["pipeline"].to_numpy()[warm_up:].mean())
        opp = ~np.isnan(rec.leads.slot_start)
        throughput.append(opp.sum() / H)
        closed = ~np.isnan(rec.leads.closed)
        stays.append(np.mean(rec.leads.closed[closed] - rec.leads.slot_start[closed]))
    assert np.mean(throughput) == pytest.approx(lam, rel=0.02)
    expected_avg = lam * w * (1 - w / H * (1 - math.exp(-H / w)))
    got, se = float(np.mean(time_avg)), stderr_of_mean(time_avg)
    assert abs(got - expected_avg) < 4 * se and got == pytest.approx(expected_avg, rel=0.03)
    got, se = float(np.mean(month_end)), stderr_of_mean(month_end)
    assert abs(got - lam * w) < 4 * se and got == pytest.approx(lam * w, rel=0.03)
    # measured throughput x the cycle's mean gives the same L
    assert np.mean(throughput) * w == pytest.approx(got, rel=0.03)
    # the closed deals' stays are the exponential cycles (slightly short: long ones run past H)
    assert np.mean(stays) == pytest.approx(w, rel=0.05)


# --------------------------------------------------------------------------- expected wins
@pytest.mark.parametrize("spread", [0.0, 1.5])
def test_expected_wins_are_leads_times_q_times_win_rate(spread):
    """With unlimited capacity and no decay, wins = leads x q x win rate (fixed cycle D).

    A lead closes within the horizon iff it arrived before H - D - delay, so
    E[wins] = inbound/day x (H - D - delay) x q x p. The fit spread keeps the average p.
    """
    inbound, q, p, cycle, delay_h = 300.0, 0.4, 0.25, 20.0, 1.0
    horizon, replications = 24, 20
    scenario = degenerate(
        horizon_months=horizon,
        **{
            "sales.reps": 100,
            "segments.0.qualification_rate": q,
            "segments.0.win_rate": p,
            "segments.0.win_propensity_spread": spread,
            "segments.0.sales_cycle_days": {"distribution": "fixed", "value": cycle},
            "market.inbound_mqls_per_month": inbound,
        },
    )
    H = scenario.horizon_days
    wins, closed, sqls, contacted = [], 0, 0, 0
    for r in range(replications):
        run = sim.simulate(scenario, "none", r, SEED)
        k = run.kpis
        wins.append(k["wins"])
        closed += int(k["wins"] + k["losses"])
        sqls += int(k["sqls"])
        contacted += int(k["contacted"])
        # nobody leaks or waits: all but those created in the last delay are contacted
        late = int((run.record.leads.created >= H - delay_h / 24).sum())
        assert k["mqls"] == k["leads"] == k["contacted"] + late
        assert k["deal_slot_wait_days"] == 0.0
        assert k["sqls"] == k["opportunities"]
    expected = inbound / MONTH_DAYS * (H - cycle - delay_h / 24) * q * p
    got, se = float(np.mean(wins)), stderr_of_mean(wins)
    assert abs(got - expected) < 4 * se and got == pytest.approx(expected, rel=0.04)
    # conditional on the stage reached, the stage probabilities are the inputs
    assert sqls / contacted == pytest.approx(q, abs=4 * math.sqrt(q * (1 - q) / contacted))
    won = sum(wins)
    assert won / closed == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / closed))


def test_each_lead_closes_with_the_segment_win_rate_on_average():
    """Over closed deals, the share won is the segment's rate, whatever the fit spread."""
    scenario = degenerate(
        horizon_months=12,
        **{
            "sales.reps": 100,
            "segments.0.qualification_rate": 1.0,
            "segments.0.win_rate": 0.1,
            "segments.0.win_propensity_spread": 3.0,
            "segments.0.sales_cycle_days": {"distribution": "fixed", "value": 5.0},
            "market.inbound_mqls_per_month": 1000,
        },
    )
    states = np.concatenate(
        [run_replication(scenario, "none", r, SEED).leads.state for r in range(4)]
    )
    n_won, n_lost = int((states == WON).sum()), int((states == LOST).sum())
    n = n_won + n_lost
    assert n > 30000
    assert n_won / n == pytest.approx(0.1, abs=4 * math.sqrt(0.1 * 0.9 / n))


# --------------------------------------------------------------------------- customers
def test_steady_state_customers_are_win_flow_over_churn_hazard():
    """A constant win flow lambda_w and churn hazard h give lambda_w / h customers (M/M/inf).

    20 wins a month, 10% monthly churn: h = -ln(0.9) per month, about 190 customers.
    """
    inbound, q, p, cycle, churn = 100.0, 0.5, 0.4, 10.0, 0.10
    horizon, replications = 120, 20
    scenario = degenerate(
        horizon_months=horizon,
        **{
            "sales.reps": 50,
            "segments.0.qualification_rate": q,
            "segments.0.win_rate": p,
            "segments.0.monthly_churn": churn,
            "segments.0.sales_cycle_days": {"distribution": "fixed", "value": cycle},
            "market.inbound_mqls_per_month": inbound,
        },
    )
    wins_per_month = inbound * q * p
    hazard = -math.log(1 - churn)  # per month
    expected = wins_per_month / hazard
    at_end, late_mean = [], []
    for r in range(replications):
        run = sim.simulate(scenario, "none", r, SEED)
        at_end.append(run.kpis["customers_end"])
        late_mean.append(run.monthly["customers"].to_numpy()[60:].mean())
        # monthly churn observed over the exposure is the input churn converted to a rate
        assert run.kpis["logo_churn_monthly"] == pytest.approx(hazard, rel=0.15)
    got, se = float(np.mean(at_end)), stderr_of_mean(at_end)
    assert abs(got - expected) < 4 * se and got == pytest.approx(expected, rel=0.07)
    got, se = float(np.mean(late_mean)), stderr_of_mean(late_mean)
    assert abs(got - expected) < 4 * se and got == pytest.approx(expected, rel=0.04)


def test_customer_lifetimes_are_exponential_with_the_monthly_churn():
    """Customers' lifetimes (where observed) have the hazard -ln(1 - churn) per month."""
    scenario = degenerate(
        horizon_months=24,
        **{
            "segments.0.monthly_churn": 0.0,
            "starting_customers": {"count": 5000, "mrr_each": 100.0},
            "market.inbound_mqls_per_month": 0,
        },
    )
    run = sim.simulate(scenario, "none", 0, SEED)
    assert run.kpis["customers_end"] == 5000  # no churn: everyone stays
    assert run.kpis["ending_mrr"] == pytest.approx(5000 * 100.0)
    churn = 0.05
    scenario = make_from(
        base_dict(),
        **{
            "horizon_months": 24,
            "segments.0.monthly_churn": churn,
            "segments.0.expansion": {"monthly_probability": 0.0, "size": 0.0},
            "starting_customers": {"count": 5000, "mrr_each": 100.0},
            "market.inbound_mqls_per_month": 0,
            "sales.outbound_leads_per_rep_month": 0,
        },
    )
    run = sim.simulate(scenario, "none", 0, SEED)
    survivors = run.monthly["customers"].to_numpy()
    months = np.arange(1, 25)
    expected = 5000 * (1 - churn) ** months
    assert np.all(np.abs(survivors - expected) < 4 * np.sqrt(expected * (1 - expected / 5000)) + 1)


# --------------------------------------------------------------------------- propensity
@pytest.mark.parametrize(
    ("win_rate", "spread"), [(0.2, 1.0), (0.05, 2.5), (0.5, 0.7), (0.9, 4.0), (0.3, 0.0)]
)
def test_propensity_intercept_keeps_the_average_win_rate(win_rate, spread):
    """E[sigmoid(a + spread Z)] = win_rate for the solved intercept a (Monte Carlo)."""
    a = propensity_intercept(win_rate, spread)
    z = np.random.default_rng(7).standard_normal(1_000_000)
    mean = float(np.mean(1 / (1 + np.exp(-(a + spread * z)))))
    assert mean == pytest.approx(win_rate, abs=0.002)
    if spread == 0:
        assert a == pytest.approx(math.log(win_rate / (1 - win_rate)))
    else:
        # a spread pulls the intercept away from the plain logit, toward the tail
        plain = math.log(win_rate / (1 - win_rate))
        assert (a - plain) * (0.5 - win_rate) <= 0


def test_fcfs_desk_keeps_every_server_when_jobs_run_past_the_horizon():
    """A job that cannot start by the horizon leaves the desk's servers as they were, so a
    later batch (the run after its warm-up) still has all of them."""
    from sim.model.first_touch import fcfs_start_times

    arrive = np.array([0.0, 0.5, 9.5, 9.6])
    service = np.array([1.0, 1.0, 5.0, 5.0])
    start, free = fcfs_start_times(arrive, service, capacity=1, horizon=10.0)
    assert start[:3].tolist() == [0.0, 1.0, 9.5] and np.isinf(start[3])
    assert len(free) == 1 and free[0] == 14.5
    start, free = fcfs_start_times(np.array([11.0]), np.array([1.0]), 1, 20.0, free)
    assert start.tolist() == [14.5] and len(free) == 1


def test_fcfs_desk_checked_a_block_at_a_time_is_the_job_by_job_recursion_to_the_float():
    """`fcfs_start_times` settles blocks where nobody waits at once: the same numbers.

    Against the plain recursion (pop the earliest free server, start at max(arrival, it),
    push start + service): idle and saturated desks, one to eleven servers, ties, services of
    zero, a horizon that cuts the queue, a desk already busy, and a later batch continuing
    the returned servers.
    """
    import heapq

    from sim.model.first_touch import fcfs_start_times

    def recursion(arrive, service, capacity, horizon, free=None):
        start = np.full(len(arrive), np.inf)
        free = [float(arrive[0])] * capacity if free is None else list(free)
        for k, (a, s) in enumerate(zip(arrive.tolist(), service.tolist(), strict=True)):
            t = heapq.heappop(free)
            begin = a if a > t else t
            if begin >= horizon:
                heapq.heappush(free, t)
                break
            start[k] = begin
            heapq.heappush(free, begin + s)
        return start, free

    rng = np.random.default_rng(5)
    for case in range(400):
        n, servers = int(rng.integers(1, 2500)), int(rng.integers(1, 12))
        arrive = np.sort(rng.random(n) * n / rng.choice([0.3, 3.0, 30.0, 300.0]))
        if case % 4 == 0:
            arrive = np.round(arrive, 1)
        service = rng.exponential(1.0 / rng.choice([0.05, 1.0, 10.0]), n) / servers
        if case % 7 == 0:
            service[rng.random(n) < 0.1] = 0.0
        horizon = float(arrive[-1]) * float(rng.choice([0.5, 0.9, 1.0, 2.0]))
        busy = None
        if case % 3 == 0:
            busy = sorted((rng.random(servers) * 5 - 3).tolist())
        got, got_free = fcfs_start_times(arrive, service, servers, horizon, busy)
        want, want_free = recursion(arrive, service, servers, horizon, busy)
        assert got.tobytes() == want.tobytes(), case
        later = arrive[-1] + np.sort(rng.random(40)) * 3
        more = rng.exponential(1.0, 40)
        got, _ = fcfs_start_times(later, more, servers, 3 * horizon + 10, got_free)
        want, _ = recursion(later, more, servers, 3 * horizon + 10, want_free)
        assert got.tobytes() == want.tobytes(), case


# --------------------------------------------------------------------------- customer equity
def test_customer_equity_closed_form_matches_the_simulated_future_of_the_base():
    """The base's value at month 12 (closed form under constant churn, expansion and discount)
    equals the discounted margin those customers actually bring over the next 48 months of
    the same simulation, within sampling error."""
    from sim.metrics import _MrrPath, customer_equity

    H, M = 12, 48
    scenario = degenerate(
        horizon_months=H + M,
        **{
            "market.inbound_mqls_per_month": 0.0,
            "starting_customers.count": 300,
            "starting_customers.mrr_each": 1000.0,
            "segments.0.monthly_churn": 0.02,
            "segments.0.expansion": {"monthly_probability": 0.05, "size": 0.1},
            "costs.discount_rate_annual": 0.12,
            "costs.customer_value_months": M,
        },
    )
    gm = scenario.costs.gross_margin
    r_m = 1.12 ** (1 / 12) - 1
    t_h = H * MONTH_DAYS
    edges = (H + np.arange(M + 1)) * MONTH_DAYS
    discount = (1 + r_m) ** -np.arange(1, M + 1)
    formula, realised = [], []
    for r in range(30):
        run = run_replication(scenario, "none", r, SEED)
        c = run.customers
        alive = np.flatnonzero((c.start <= t_h) & (c.end > t_h))
        path = _MrrPath(run, alive)
        mrr_h = np.array([_MrrPath(run, np.array([i])).at(np.array([t_h]))[0] for i in alive])
        formula.append(customer_equity(mrr_h, c.segment[alive], scenario, months=M))
        revenue = np.diff(path.integral(edges)) / MONTH_DAYS
        realised.append(float(np.sum(revenue * gm * discount)))
    diff = np.array(realised) - np.array(formula)
    se = stderr_of_mean(diff)
    assert abs(diff.mean()) < 4 * se, (np.mean(realised), np.mean(formula), se)
    assert np.mean(realised) == pytest.approx(np.mean(formula), rel=0.03)
