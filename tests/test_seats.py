"""The seat model against its steady-state closed form, and its hiring plan."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.seats import ramped_fte_per_seat, simulate_seats


def test_closed_form_of_the_reference_team():
    # 11 seats, 30% a year, 3 months' backfill, 5 months' ramp -> 9.62 ramped FTE
    assert 11 * ramped_fte_per_seat(0.30, 3.0, 5.0) == pytest.approx(9.62, abs=0.005)


def test_closed_form_limits():
    assert ramped_fte_per_seat(0.0, 3.0, 5.0) == 1.0
    assert ramped_fte_per_seat(0.24, 6.0, 0.0) == pytest.approx(1 / (1 + 0.02 * 6))
    with pytest.raises(ValueError):
        ramped_fte_per_seat(-0.1, 1.0, 1.0)


def test_simulated_ramped_fte_matches_the_closed_form_within_its_interval():
    rng = np.random.default_rng(7)
    per_run = np.array(
        [simulate_seats(g, 11, 36, 0.30, 3.0, 5.0).ramped.mean() for g in rng.spawn(400)]
    )
    mean, half = per_run.mean(), 2.58 * per_run.std(ddof=1) / np.sqrt(per_run.size)
    assert abs(mean - 9.62) < half + 0.01, (mean, half)


def test_the_steady_state_holds_in_every_month_not_only_on_average():
    rng = np.random.default_rng(11)
    monthly = np.mean(
        [simulate_seats(g, 50, 24, 0.30, 3.0, 5.0).ramped for g in rng.spawn(200)], axis=0
    )
    expected = 50 * ramped_fte_per_seat(0.30, 3.0, 5.0)
    assert monthly[0] == pytest.approx(expected, rel=0.03)
    assert monthly[-1] == pytest.approx(expected, rel=0.03)


def test_no_attrition_means_exactly_the_seats():
    history = simulate_seats(np.random.default_rng(0), 11, 36, 0.0, 3.0, 5.0)
    assert np.allclose(history.ramped, 11.0)
    assert np.allclose(history.filled, 11.0)
    assert history.hires.sum() == 0 and history.leavers.sum() == 0


def test_seats_added_at_month_m_ramp_from_m_and_count_as_hires():
    history = simulate_seats(np.random.default_rng(0), 2, 24, 0.0, 3.0, 4.0, hiring=[(6, 3)])
    assert np.allclose(history.ramped[:6], 2.0)
    assert history.ramped[6] == pytest.approx(2.0 + 3 * 0.5 / 4.0)  # half a month into ramp
    assert np.allclose(history.ramped[10:], 5.0)
    assert history.hires[6] == 3 and history.hires.sum() == 3
    assert np.allclose(history.seats[6:], 5.0)


def test_closing_seats_removes_the_last_opened():
    history = simulate_seats(
        np.random.default_rng(0), 4, 12, 0.0, 0.0, 0.0, hiring=[(3, 2), (8, -3)]
    )
    assert np.allclose(history.seats[:3], 4.0)
    assert np.allclose(history.seats[3:8], 6.0)
    assert np.allclose(history.seats[8:], 3.0)


def test_every_leaver_is_backfilled_as_a_hire():
    instant = simulate_seats(np.random.default_rng(3), 30, 60, 0.5, 0.0, 3.0)
    assert instant.hires.sum() == instant.leavers.sum() > 0
    assert np.allclose(instant.filled, 30.0)
    history = simulate_seats(np.random.default_rng(3), 30, 60, 0.5, 2.0, 3.0)
    assert np.all(history.filled <= history.seats + 1e-9)
    assert np.all(history.ramped <= history.filled + 1e-9)


def test_a_seat_added_by_the_plan_leaves_the_other_seats_futures_unchanged():
    base = simulate_seats(np.random.default_rng(5), 8, 36, 0.3, 3.0, 5.0)
    more = simulate_seats(np.random.default_rng(5), 8, 36, 0.3, 3.0, 5.0, hiring=[(12, 1)])
    assert np.all(more.ramped[:12] == base.ramped[:12])
    assert np.all(more.ramped >= base.ramped - 1e-9)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        simulate_seats(np.random.default_rng(0), -1, 12, 0.1, 1.0, 1.0)
    with pytest.raises(ValueError):
        simulate_seats(np.random.default_rng(0), 1, 12, 0.1, 1.0, 1.0, hiring=[(-1, 1)])
