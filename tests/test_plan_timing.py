"""When to hire a team, checked against arithmetic done by hand.

A degenerate company makes the value of a month of the team transparent: every lead is
worked at once (deal slots never bind), every cycle takes the same days, customers neither
churn nor expand, every deal is the same size, and the team's only effect is a fixed number
of points on the win rate, at full effect from its start. Under `after_horizon: cash_only`
its value is the discounted margin minus the costs within the horizon, which can be written
down exactly:

* inbound MQLs arrive at `lam(u) = lam0 / M * (1 + g)^(u / M)` a day (`M` days a month,
  compounding: no growth cap), each is touched `h` hours after it arrives, qualifies with
  probability `q` (no leakage, no speed-to-lead decay, no outbound) and closes `c` days
  after its touch, so deals close at `lam(t - delta) * q` a day, `delta = c + h / 24`;
* a deal closing at `t` is won with probability `p` without the team and `p + e` with it
  (`e` added at the close, `p + e <= 1`): the team wins `lam(t - delta) * q * e` extra
  customers a day, from the day it starts (deals closing before `delta` are the warm-up's,
  which no team touches; here the warm-up is empty);
* a customer won at `t` pays MRR `m = ACV / 12` for the rest of the horizon; month `j`
  (0-based) is discounted by `d^(j + 1)`, `d = (1 + annual rate)^(-1/12)`, so its value is
  `margin * m * phi(t)`, `phi(t) = sum_j d^(j + 1) * (share of month j after t)`;
* the team costs `C` in every month from its start, month `k` discounted by `d^(k + 1)`.

The value the team adds in month `k` is therefore

    V(k) = margin * m * q * e * int_{month k} lam(t - delta) phi(t) dt  -  C * d^(k + 1)

(integrated by Gauss-Legendre within each month, where the integrand is smooth), and a plan
starting the team at `s` gains `S(s) = sum_{k >= s} V(k)` over never starting it. Starting a
month later changes the gain by `-V(s)`: the best start is where `V` turns positive. The
extra wins are a Poisson process (a thinning of the inbound process by `q` and by the win
draw falling in `[p, p + e)`, the same draw in every plan: common random numbers), so the
gain of one future has variance `int lam(t - delta) q e (margin m phi(t))^2 dt`, which
sizes the tolerances below. No figure here comes from running the search.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make, two_setup

from sim.executors import make_executor
from sim.experiments import simulate
from sim.params import MONTH_DAYS, Scenario
from sim.plans import plan_name, search_plans

SERIAL = make_executor("serial", None, 1)
H = 24
STEP = 3
GRID = (*range(0, 19, STEP), None)  # 0, 3, ..., 18 and never
NODES, WEIGHTS = np.polynomial.legendre.leggauss(24)


def _company(growth: float, cost: float, after: str = "cash_only", **more) -> Scenario:
    """The degenerate company with one team, `ops`: +0.6 on the win rate (0.2 -> 0.8)."""
    team = {
        "ops": {
            "headcount": 1,
            "cost_per_fte_month": cost,
            "months_to_full_effect": 0,
            "strength": [1, 1, 1],
            "effects": {"win_rate": [0.6, 0.6, 0.6]},
        }
    }
    segment = {
        "name": "only",
        "lead_share": 1.0,
        "acv": {"median": 12_000, "sigma": 0.0},
        "qualification_rate": 0.5,
        "win_rate": 0.2,
        "sales_cycle_days": {"distribution": "fixed", "value": 10},
        "monthly_churn": 0.0,
        "expansion": {"monthly_probability": 0.0, "size": 0.0},
        "win_propensity_spread": 0.0,
    }
    return two_setup(
        team,
        horizon=H,
        segments=[segment],
        market={
            "audience_size": None,
            "inbound_mqls_per_month": 20,
            "inbound_growth_per_month": growth,
            "inbound_growth_cap": None,
            "marketing_spend_per_month": 0.0,
        },
        lead_handling={
            "handoff_leakage": 0.0,
            "first_touch": {
                "capacity": None,
                "handling_delay_hours": {"median": 1.0, "sigma": 0.0},
            },
            "speed_to_lead_decay": {"floor": 1.0, "tau_hours": 6},
        },
        sales={
            "reps": 50,
            "max_open_deals_per_rep": 100,
            "selling_time_share": 0.3,
            "outbound_leads_per_rep_month": 0.0,
            "warmup_months": 0.0,
        },
        costs={
            "rep_per_month": 0.0,
            "gross_margin": 0.8,
            "discount_rate_annual": 0.10,
            "customer_value_months": 120,
        },
        analysis__objective="value_created",
        analysis__after_horizon=after,
        **more,
    )


def _discount(sc) -> float:
    """d: one month's discount factor from the annual rate."""
    return (1.0 + sc.costs.discount_rate_annual) ** (-1.0 / 12.0)


def _months_left(t: np.ndarray, until: int, d: float) -> np.ndarray:
    """phi(t): discounted months of MRR a customer won at day `t` pays until month `until`."""
    j = np.arange(until)
    share = np.clip(
        ((j + 1) * MONTH_DAYS - np.maximum(t[:, None], j * MONTH_DAYS)) / MONTH_DAYS, 0, 1
    )
    return share @ d ** (j + 1.0)


def _month_values(sc, until: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(V(k), variance of the team's extra margin in month k), k = 0 .. until - 1.

    Read from the scenario's own parameters: leads a month x qualification x the win-rate
    points x each customer's discounted margin until month `until` (default: the horizon,
    as cash_only counts it), minus the team's cost.
    """
    until = sc.horizon_months if until is None else until
    seg, market, costs = sc.segments[0], sc.market, sc.costs
    team = sc.org.teams["ops"]
    e = team.effects["win_rate"].mode * team.strength.mode
    assert seg.win_rate + e <= 1.0  # the points are not clipped
    touch = sc.lead_handling.first_touch.handling_delay_hours.median / 24.0
    delta = seg.sales_cycle_days.value + touch
    margin = costs.gross_margin * seg.acv.median / 12.0
    d = _discount(sc)
    values, variances = np.zeros(until), np.zeros(until)
    for k in range(until):
        a, b = max(k * MONTH_DAYS, delta), (k + 1) * MONTH_DAYS
        t = (a + b) / 2 + (b - a) / 2 * NODES
        w = (b - a) / 2 * WEIGHTS
        extra = (
            market.inbound_mqls_per_month
            / MONTH_DAYS
            * (1.0 + market.inbound_growth_per_month) ** ((t - delta) / MONTH_DAYS)
            * seg.qualification_rate
            * e
        )
        worth = margin * _months_left(t, until, d)
        values[k] = np.sum(w * extra * worth) - team.cost_per_fte_month * d ** (k + 1)
        variances[k] = np.sum(w * extra * worth**2)
    return values, variances


def _slots_never_bind(sc) -> None:
    """Deals open at once at the peak (close rate x cycle) stay far below the slots."""
    seg, market = sc.segments[0], sc.market
    peak = (
        market.inbound_mqls_per_month
        * (1 + market.inbound_growth_per_month) ** sc.horizon_months
        * seg.qualification_rate
        / MONTH_DAYS
        * seg.sales_cycle_days.value
    )
    assert peak * 5 < sc.sales.reps * sc.sales.max_open_deals_per_rep


def _gains(result) -> dict:
    """Each grid start's paired gain over never, per replication."""
    never = result.values[plan_name({"ops": None})]
    return {s: result.values[plan_name({"ops": s})] - never for s in GRID}


# ----------------------------------------------------------------------------- a growing market
def test_a_growing_company_hires_when_a_month_of_the_team_first_pays():
    """Inbound grows 15% a month; the team costs $200k a month.

    With `V(k)` as in the module docstring, `m*` is the first month with `V > 0`. In
    cash_only a customer won late has little horizon left, so `V` turns negative again near
    the end (month `k2`); the grid stops before it, so within the grid the value of a month
    crosses the cost once, rising. Then `S(s)` rises up to `m*` and falls after it, and the
    best grid start is one of the two grid months around `m*`: within one grid step. `S(m*)`
    is far above 0, so never is not best.

    Here `m* = 7` and `k2 = 22` (grid 0, 3, ..., 18): `S(6) = $922k` and `S(9) = $916k` are
    a near tie (0.3 standard errors of their paired difference over 16 replications), but
    their outer neighbours lose 6.5 (start 3) and 7.4 (start 12) standard errors, so the
    search cannot leave the bracket by chance. Each start's mean gain over never must also
    match `S(s)` within 4 standard errors: the closed form itself is checked, not only the
    month it implies (a cost or an effect half a month off fails there).
    """
    sc = _company(growth=0.15, cost=200_000.0)
    _slots_never_bind(sc)
    values, variances = _month_values(sc)
    m_star = int(np.flatnonzero(values > 0)[0])
    k2 = m_star + int(np.flatnonzero(values[m_star:] <= 0)[0])
    starts = [s for s in GRID if s is not None]
    assert 0 < m_star < starts[-1] < k2, (m_star, k2)
    expected = {s: float(values[s:].sum()) for s in starts}
    assert expected[max(s for s in starts if s <= m_star)] > 0

    reps = 16
    result = search_plans(sc, ["ops"], GRID, replications=reps, executor=SERIAL)
    best = result.plan(result.best).starts["ops"]
    around = {max(s for s in starts if s <= m_star), min(s for s in starts if s >= m_star)}
    assert best in around, (best, m_star, result.values.mean().round(-3).to_dict())
    assert abs(best - m_star) <= STEP

    gains = _gains(result)
    assert (gains[None] == 0).all()
    for s in starts:
        se = math.sqrt(variances[s:].sum() / reps)
        assert abs(gains[s].mean() - expected[s]) < 4 * se, (s, gains[s].mean(), expected[s], se)


# ----------------------------------------------------------------------------- a stationary market
@pytest.mark.parametrize("after", ["cash_only", "going_concern"])
@pytest.mark.parametrize(("case", "share"), [("now", 0.25), ("never", 2.0)])
def test_a_stationary_company_hires_now_or_never(after, case, share):
    """No growth, no ramp: the value of a month of the team never rises.

    Each month's extra customers are as many as the month before, and each has less time
    left before the value stops counting (the horizon in cash_only; the cap counted from
    today, `customer_value_months`, in going_concern), so `V(k)` changes sign at most once,
    from + to -. `S(s) = sum_{k >= s} V(k)` is then highest at a grid's ends: start at 0 if
    the team pays for itself over the whole span, never if not. (Month 0 is the exception:
    its deals close only from day `delta`, so it is worth less than month 1; at these costs
    it is on the same side of the cost as month 1.)

    The team's cost is set from its value: `share` x its best month's value at that
    month's discount. At 2x every month loses, so never; at 0.25x even cash_only, where the
    value of a month falls roughly linearly to nothing at the horizon, keeps `S(0)` far
    above 0, so now. In going_concern the value after the horizon is the continuing engine
    (§2.3c), which counts each later month's customers from the month after they are won —
    half a month low out of about a hundred; the margins of 4x and 2x make that immaterial.
    """
    free = _company(0.0, 0.0, after)  # a team that costs nothing: its value alone
    d, until = (
        _discount(free),
        H if after == "cash_only" else round(free.costs.customer_value_months),
    )
    values, _ = _month_values(free, until)
    per_month = values / d ** (np.arange(until) + 1.0)
    assert (np.diff(per_month[1:]) <= 1e-9).all()  # it never rises (month 0 starts at delta)
    cost = share * float(per_month.max())
    values -= cost * d ** (np.arange(until) + 1.0)
    whole = float(values.sum())
    assert (whole > 0) == (case == "now")
    assert (values < 0).all() == (case == "never")
    assert (values[0] > 0) == (values[1] > 0)

    sc = _company(growth=0.0, cost=cost, after=after)
    result = search_plans(sc, ["ops"], GRID, replications=6, executor=SERIAL)
    best = result.plan(result.best).starts["ops"]
    assert best == (0 if case == "now" else None), result.values.mean().round(-3).to_dict()


# ----------------------------------------------------------------------------- triggers
def _watched(monthly, metric: str) -> np.ndarray:
    """The figure a trigger reads at the start of each month, from the run's monthly series.

    ARR at the start of month m is the ARR at the end of month m - 1 (0 at month 0: no
    starting customers); leads a month are month m - 1's (unknown at month 0).
    """
    if metric == "arr":
        return np.concatenate([[0.0], monthly["arr"].to_numpy()[:-1]])
    return np.concatenate([[np.nan], monthly["leads"].to_numpy()[:-1]])


def _equal_runs(a, b) -> None:
    for key in a.kpis:
        same = a.kpis[key] == b.kpis[key] or (np.isnan(a.kpis[key]) and np.isnan(b.kpis[key]))
        assert same, key
    assert a.monthly.equals(b.monthly)


@pytest.mark.parametrize(
    ("metric", "beside"),
    [("arr", {}), ("leads_per_month", {}), ("arr", {"salesops": {"start": 0}})],
    ids=["arr", "leads", "arr_beside_a_dated_team"],
)
def test_a_trigger_is_a_dated_start_in_every_future(metric, beside):
    """Per future: the month the watched figure first crosses, plus recruiting, is the start.

    The figure is read, independently of the trigger code, from the monthly series of the
    run without the triggered team (with the plan's dated team, if any: a team changes
    nothing before it starts, so that run is the plan's up to the trigger). Its threshold is
    the median over the futures of the figure at month 8, so the futures cross at different
    months (ARR in some too late to start within the horizon after 3 months' recruiting).
    In every future the trigger plan must be, KPI for KPI and month for month, the plan
    dated at that future's month (or the plan without the team when it cannot start).
    """
    recruit, reps = 3, range(5)
    more = {"analysis__horizon_months": 12, "market__inbound_growth_per_month": 0.03}
    probe = make(org__plans={"probe": beside}, **more)
    watched = {r: _watched(simulate(probe, "probe", r, 0).monthly, metric) for r in reps}
    threshold = float(np.median([w[8] for w in watched.values()]))
    starts = {}
    for r, w in watched.items():
        crossed = np.flatnonzero(np.nan_to_num(w, nan=-np.inf) >= threshold)
        month = int(crossed[0]) + recruit if crossed.size else None
        starts[r] = month if month is not None and month < 12 else None
    assert len(set(starts.values())) >= 2, starts  # the trigger adapts to each future

    when = {"when": {"metric": metric, "at_least": threshold}, "recruit_months": recruit}
    plans = {"trigger": {**beside, "revops": when}, "probe": beside}
    for month in {m for m in starts.values() if m is not None}:
        plans[f"at_{month}"] = {**beside, "revops": {"start": month}}
    sc = make(org__plans=plans, **more)
    for r, month in starts.items():
        a = simulate(sc, "trigger", r, 0)
        b = simulate(sc, "probe" if month is None else f"at_{month}", r, 0)
        expected = {t: float(s["start"]) for t, s in beside.items()}
        if month is not None:
            expected["revops"] = float(month)
        assert a.record.effects.start_months == expected, (r, month)
        _equal_runs(a, b)
