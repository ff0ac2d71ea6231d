"""Model mechanisms of version 2: reps' time, price both ways, bounded growth, sized teams."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import base_dict, make, make_from

import sim
from sim.model import run_replication
from sim.model.drift import inbound_drift
from sim.model.rep_time import rep_time, slots_at
from sim.org import setup_effects
from sim.params import MONTH_DAYS

ROOT = Path(__file__).resolve().parents[1]
SEED = 31


def _one_team(effects: dict, **dotted):
    """The example company with one team `t` (no ramp) moving `effects`."""
    data = base_dict()
    data["org"] = {
        "teams": {"t": {"headcount": 1, "months_to_full_effect": 0, "effects": effects}},
        "setups": {"none": [], "t": ["t"]},
    }
    return make_from(data, **dotted)


# ----------------------------------------------------------------------------- reps' time
def test_with_reps_making_first_touches_more_inbound_lowers_their_selling_share():
    """Reps touching inbound: a setup that doubles inbound takes selling time from them."""
    dotted = {
        "lead_handling.first_touch.capacity": 0,
        "sales.hours_per_first_touch": 1.0,
        "market.inbound_growth_per_month": 0.0,
    }
    scenario = _one_team({"inbound_rate": 1.0}, **dotted)
    t = np.array([0.0, 100.0, 300.0])
    today = rep_time(scenario, setup_effects(scenario, "none", 1, 0).stage("rep_time"))
    more = rep_time(scenario, setup_effects(scenario, "t", 1, 0).stage("rep_time"))
    s0 = scenario.sales.selling_time_share
    assert today.share(t) == pytest.approx(np.full(3, s0))  # flat inbound: share stays
    mqls = scenario.market.inbound_mqls_per_month * (1 - scenario.lead_handling.handoff_leakage)
    load = mqls * 1.0 / (scenario.sales.reps * scenario.sales.hours_per_month)
    assert more.share(t) == pytest.approx(np.full(3, s0 - load))  # twice the touches
    # and when a desk makes first touches the reps' time does not move
    desk = _one_team({"inbound_rate": 1.0}, **{"market.inbound_growth_per_month": 0.0})
    fx = setup_effects(desk, "t", 1, 0).stage("rep_time")
    assert rep_time(desk, fx).share(t) == pytest.approx(np.full(3, s0))


def test_freeing_admin_time_raises_deal_capacity_and_the_deals_closed():
    """+7 points of selling time (SalesOps' admin offload): more slots, more wins."""
    scenario = _one_team({"selling_time_share": 0.07}, horizon_months=12)
    wins = {"none": 0.0, "t": 0.0}
    for r in range(4):
        runs = {s: run_replication(scenario, s, r, SEED) for s in wins}
        assert runs["t"].deal_slots > runs["none"].deal_slots
        for s, run in runs.items():
            wins[s] += float((run.leads.state == sim.model.WON).sum())
    assert wins["t"] > wins["none"]


@pytest.mark.parametrize("elasticity", [0.0, 0.5, 1.0])
def test_freed_time_raises_throughput_by_its_ratio_whatever_the_cycle_elasticity(elasticity):
    """Slots x r^(1-e) and cycles x r^(-e): deals closed per day scale by r exactly once."""
    base, r = 200, 1.25
    slots = slots_at(base, r, elasticity)
    cycle_factor = r**-elasticity
    assert slots / cycle_factor / base == pytest.approx(r, rel=0.01)


# ----------------------------------------------------------------------------- price
def _price_only(change: float, elasticity: float, **dotted):
    """Ample slots, no fit spread: only the price moves, at once, on the exponential curve."""
    settings = {
        "horizon_months": 24,
        "sales.price_elasticity": elasticity,
        "sales.reps": 40,
        "segments.0.win_propensity_spread": 0.0,
        "starting_customers.count": 0,
        **dotted,
    }
    return _one_team({"price": change}, **settings)


def _new_mrr(scenario, setup: str, reps: int = 6) -> float:
    total = 0.0
    for r in range(reps):
        run = run_replication(scenario, setup, r, SEED)
        total += float(run.leads.mrr.sum())
    return total


def test_revenue_per_lead_peaks_where_the_demand_curve_says():
    """p(x) = p0 exp(-e (x - 1)): revenue x p(x) peaks at x* = 1/e; with e = 2, at half price."""
    grid = [-0.7, -0.5, -0.3, 0.0]  # price x = 0.3, 0.5, 0.7, 1.0
    revenue = [_new_mrr(_price_only(g, 2.0), "t") for g in grid]
    assert int(np.argmax(revenue)) == 1, revenue
    # and the simulated ratios follow the formula x exp(-2 (x - 1)) within a few percent
    x = np.array(grid) + 1.0
    formula = x * np.exp(-2.0 * (x - 1.0))
    assert np.array(revenue) / revenue[-1] == pytest.approx(formula / formula[-1], rel=0.06)


def test_a_price_cut_raises_wins_and_a_rise_lowers_them():
    """Unit elasticity: -10% price wins more deals, +10% fewer, on the same futures."""
    wins = {}
    for change in (-0.1, 0.1):
        scenario = _price_only(change, 1.0)
        for setup in ("none", "t"):
            state = [run_replication(scenario, setup, r, SEED).leads.state for r in range(4)]
            wins[(change, setup)] = sum(int((s == sim.model.WON).sum()) for s in state)
    assert wins[(-0.1, "t")] > wins[(-0.1, "none")]
    assert wins[(0.1, "t")] < wins[(0.1, "none")]


def test_the_existing_base_is_repriced_at_its_renewals():
    """+10% price: each starting customer renews once a year at +10% (MRR x 1.1), and a few
    leave at renewal (1 - e^-0.1 of them); a cut lowers MRR and loses no one at renewal."""
    dotted = {
        "sales.renewal_price_elasticity": 1.0,
        "starting_customers.count": 400,
        "starting_customers.mrr_each": 1000.0,
        "segments.0.monthly_churn": 0.0,
        "segments.0.expansion": {"monthly_probability": 0.0, "size": 0.0},
        "horizon_months": 18,
    }
    up = _price_only(0.1, 1.0, **dotted)
    runs = [run_replication(up, "t", r, SEED) for r in range(3)]
    base = [run_replication(up, "none", r, SEED) for r in range(3)]
    left = 0
    for run, ref in zip(runs, base, strict=True):
        c = run.customers
        old = ~c.is_new
        assert np.isinf(ref.customers.end[~ref.customers.is_new]).all()  # nobody churns today
        assert len(c.reprice_time) > 0 and (c.reprice_mrr > 0).all()
        year = 12 * MONTH_DAYS
        first = c.reprice_time < year
        left_first = old & (c.end < year)
        # every starting customer meets its first renewal within the year: repriced or gone
        assert len(np.unique(c.reprice_owner[first])) + left_first.sum() == old.sum()
        stayed = old & np.isinf(c.end)
        assert c.mrr_end[stayed] == pytest.approx(np.full(stayed.sum(), 1100.0))
        left += int((old & np.isfinite(c.end)).sum())
    expected = 3 * 400 * -math.expm1(-0.1)
    assert left == pytest.approx(expected, rel=0.35)
    down = _price_only(-0.1, 1.0, **dotted)
    c = run_replication(down, "t", 0, SEED).customers
    old = ~c.is_new
    assert (c.reprice_mrr < 0).all() and np.isinf(c.end[old]).all()
    assert c.mrr_end[old] == pytest.approx(np.full(old.sum(), 900.0))


def test_monthly_mrr_includes_repricing():
    """The MRR series moves with the renewals: ending ARR = 12 x MRR at the end, repriced."""
    dotted = {
        "starting_customers.count": 50,
        "starting_customers.mrr_each": 1000.0,
        "horizon_months": 14,
    }
    result = sim.simulate(_price_only(0.2, 0.0, **dotted), "t", 0, SEED)
    c = result.record.customers
    alive = np.isinf(c.end)
    assert result.kpis["ending_arr"] == pytest.approx(12 * c.mrr_end[alive].sum(), rel=1e-9)
    assert result.kpis["repriced_mrr"] > 0


# ----------------------------------------------------------------------------- growth
def test_growth_saturates_at_its_cap_and_starts_at_the_stated_rate():
    """Logistic toward 3x: g(0) = 1, g'(0) = ln(1.05) a month, never past 3, ~3 far out."""
    scenario = make(**{"market.inbound_growth_per_month": 0.05})
    m = scenario.market
    assert m.inbound_growth_cap == 3.0
    eps = 1e-3
    slope = (inbound_drift(m, eps * MONTH_DAYS) - 1.0) / eps
    assert float(inbound_drift(m, 0.0)) == 1.0
    assert float(slope) == pytest.approx(math.log(1.05), rel=1e-2)
    far = inbound_drift(m, np.array([120.0, 600.0]) * MONTH_DAYS)
    assert (far <= 3.0).all() and far[-1] == pytest.approx(3.0, rel=1e-3)


def test_the_early_stage_preset_over_120_months_stays_within_its_stated_lead_count():
    """+5% a month no longer compounds to 350x: inbound at most cap x 2 (org) x today's rate,
    outbound at most the reps' full time; the run stays within that lead count."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "early_stage_direct.yaml").with_changes(
        horizon_months=120
    )
    m, s = scenario.market, scenario.sales
    bound = 120 * (
        m.inbound_mqls_per_month * m.inbound_growth_cap * 2.0
        + s.reps * s.outbound_leads_per_rep_month / s.selling_time_share
    )
    run = run_replication(scenario, "both", 0, SEED)
    leads = int((run.leads.created >= 0).sum())
    assert 0 < leads < bound
    assert bound < 40_000  # the stated count: tens of thousands, not millions
