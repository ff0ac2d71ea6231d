"""The sales team as seats inside the model: hiring, ramp, attrition, backfill and their cost.

The pure seat model and its closed form are tested in tests/test_seats.py; here the seats
drive the deal floor and outbound, the costs, and the monthly series.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import check_conservation, make

from sim.experiments import simulate
from sim.io import ScenarioError
from sim.model.seats import ramped_fte_per_seat
from sim.model.workforce import sales_seats
from sim.streams import ReplicationDraws

HORIZON = 24


def _hiring(month: int, reps: int, **more):
    return make(
        analysis__horizon_months=HORIZON,
        sales__hiring=[{"month": month, "reps": reps}],
        sales__ramp_months=3,
        sales__outbound_leads_per_rep_month=4,
        market__inbound_mqls_per_month=400,
        **more,
    )


def test_no_seat_fields_means_no_seat_draws():
    """Without hiring or attrition the seats are not simulated: reps all there, as before."""
    sc = make(analysis__horizon_months=6)
    assert not sc.sales.has_seats
    run = simulate(sc, "none", 0, 0)
    assert run.record.seats is None
    assert "recruiting" not in run.record.monthly_costs
    assert (run.monthly["ramped_reps"] == sc.sales.reps).all()
    assert run.kpis["ramped_reps_mean"] == sc.sales.reps


def test_hiring_raises_wins_after_the_ramp_not_before():
    """Seats added at month m: the same wins as without them before m, more after m + ramp."""
    m, ramp = 9, 3
    before = after = 0.0
    for rep in range(4):
        base = simulate(_hiring(m, 0), "none", rep, 0).monthly
        hired = simulate(_hiring(m, 6), "none", rep, 0).monthly
        np.testing.assert_array_equal(hired["wins"][:m], base["wins"][:m])
        np.testing.assert_array_equal(hired["ramped_reps"][:m], base["ramped_reps"][:m])
        before += float(hired["wins"][:m].sum() - base["wins"][:m].sum())
        after += float(hired["wins"][m + ramp :].sum() - base["wins"][m + ramp :].sum())
        assert hired["seats_filled"].iloc[-1] == base["seats_filled"].iloc[-1] + 6
    assert before == 0.0
    assert after > 0.0


def test_recruiting_cost_is_paid_per_hire_and_vacant_seats_cost_nothing():
    sc = _hiring(5, 4, costs__recruiting_per_hire=20_000.0, costs__rep_per_month=10_000.0)
    run = simulate(sc, "none", 0, 0)
    costs = run.record.monthly_costs
    seats = run.record.seats
    np.testing.assert_allclose(costs["recruiting"], seats.hires * 20_000.0)
    assert costs["recruiting"][5] == 4 * 20_000.0
    assert costs["recruiting"].sum() == 4 * 20_000.0  # nobody leaves: the new seats only
    np.testing.assert_allclose(costs["reps"], seats.filled * 10_000.0)
    # with leavers, a vacant seat is not paid and each backfill is a hire
    sc = _hiring(
        5,
        0,
        sales__attrition_per_year=0.6,
        sales__backfill_months=2,
        costs__recruiting_per_hire=20_000.0,
        costs__rep_per_month=10_000.0,
    )
    run = simulate(sc, "none", 1, 0)
    seats = run.record.seats
    assert seats.hires.sum() > 0 and seats.leavers.sum() > 0
    assert (seats.filled < seats.seats).any()
    np.testing.assert_allclose(run.record.monthly_costs["reps"], seats.filled * 10_000.0)
    np.testing.assert_allclose(run.record.monthly_costs["recruiting"], seats.hires * 20_000.0)


@pytest.mark.parametrize("setup", ["none", "both"])
def test_leads_are_conserved_when_reps_leave(setup):
    """Leavers close slots, never deals: every lead still ends in exactly one state."""
    sc = make(
        analysis__horizon_months=12,
        sales__attrition_per_year=1.5,
        sales__backfill_months=3,
        sales__ramp_months=4,
        sales__hiring=[{"month": 4, "reps": -3}],
        market__inbound_mqls_per_month=500,
    )
    for rep in range(3):
        run = simulate(sc, setup, rep, 0)
        check_conservation(run.record, sc, run.kpis)
        assert run.record.seats.leavers.sum() > 0


def test_the_ramped_reps_match_the_closed_form_on_average():
    """11 seats, 30% attrition, 3 months' backfill, 5 months' ramp: about 9.62 ramped FTE."""
    sc = make(
        analysis__horizon_months=36,
        sales__reps=11,
        sales__attrition_per_year=0.3,
        sales__backfill_months=3,
        sales__ramp_months=5,
    )
    means = [sales_seats(sc, ReplicationDraws(0, r)).ramped.mean() for r in range(300)]
    expected = 11 * ramped_fte_per_seat(0.3, 3, 5)
    assert abs(expected - 9.62) < 0.01
    half_width = 3 * np.std(means) / np.sqrt(len(means))
    assert abs(np.mean(means) - expected) < half_width


def test_seats_never_negative_and_hires_within_the_horizon():
    with pytest.raises(ScenarioError, match=r"sales: hiring\.0\.reps"):
        make(sales__reps=3, sales__hiring=[{"month": 2, "reps": -4}])
    with pytest.raises(ScenarioError, match=r"sales\.hiring\.0\.month"):
        make(analysis__horizon_months=12, sales__hiring=[{"month": 12, "reps": 1}])
