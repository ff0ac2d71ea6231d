"""Ops teams are people too: leavers, vacant seats, successors who ramp, and what they cost.

A team with `attrition_per_year` > 0 has seats drawn from their own streams; its effects
follow the share of its people in post and ramped, its salary the seats filled, and each
successor costs `costs.recruiting_per_hire`.
"""

from __future__ import annotations

import numpy as np
from conftest import make

from sim.experiments import simulate
from sim.model.seats import ramped_fte_per_seat
from sim.org import Staffing, draw_staffing, setup_effects
from sim.params import MONTH_DAYS

MONTH = MONTH_DAYS


def _leaving(rate: float = 0.6, backfill: float = 3.0, **more):
    more.setdefault("analysis__horizon_months", 24)
    return make(
        org__teams__revops__attrition_per_year=rate,
        org__teams__revops__backfill_months=backfill,
        **more,
    )


def test_a_team_nobody_leaves_has_no_seats_and_runs_as_before():
    sc = make(analysis__horizon_months=6)
    fx = setup_effects(sc, "both", 0, 0)
    assert fx.staffing == {}
    run = simulate(sc, "both", 0, 0)
    assert "recruiting" not in run.record.monthly_costs


def test_a_stint_ramps_then_holds_then_leaves_a_vacancy():
    people = Staffing(ramp_days=60.0, stints=((1.0, 0.0, 100.0), (1.0, 130.0, 1e9)))
    assert people.level(0.0) == 0.0
    assert people.level(30.0) == 0.5
    assert people.level(90.0) == 1.0
    assert people.level(110.0) == 0.0  # vacant between 100 and 130
    assert people.level(160.0) == 0.5  # the successor ramps from 130
    t = np.array([0.0, 30.0, 90.0, 110.0, 160.0])
    assert people.levels(t).tolist() == [people.level(x) for x in t]


def test_a_team_level_settles_at_the_workforce_closed_form():
    """30% a year, 3 months' backfill, 5 months' ramp: 0.874 of the team, on average."""
    sc = _leaving(0.3, 3.0, org__teams__revops__months_to_full_effect=5)
    team = sc.org.teams["revops"]
    horizon = 1200 * MONTH
    grid = np.linspace(240 * MONTH, horizon, 2000)
    means = [
        draw_staffing("revops", team, 1.0, 0, r, horizon).levels(grid).mean() for r in range(60)
    ]
    expected = ramped_fte_per_seat(0.3, 3.0, 5.0)
    assert abs(expected - 0.874) < 1e-3
    assert abs(np.mean(means) - expected) < 4 * np.std(means) / np.sqrt(len(means)) + 0.005


def test_the_same_people_in_every_setup_and_start():
    sc = _leaving()
    alone = setup_effects(sc, "revops", 0, 3).staffing["revops"]
    beside = setup_effects(sc, "both", 0, 3).staffing["revops"]
    later = setup_effects(sc, "revops", 0, 3, starts={"revops": 6.0}).staffing["revops"]
    assert alone == beside == later
    assert setup_effects(sc, "revops", 0, 4).staffing["revops"] != alone


def test_vacant_seats_cost_no_salary_and_successors_cost_recruiting():
    sc = _leaving(1.5, 4.0, costs__recruiting_per_hire=20_000)
    for r in range(10):
        fx = setup_effects(sc, "revops", 0, r)
        people = fx.staffing["revops"]
        cost = fx.monthly_costs(24)
        filled = people.filled_by_month(24, 0.0)
        assert np.allclose(cost, sc.org.teams["revops"].monthly_cost * filled)
        assert (filled <= 1.0 + 1e-12).all()
        run = simulate(sc, "revops", r, 0)
        hires = people.hires_by_month(24, 0.0)
        assert np.allclose(run.record.monthly_costs["recruiting"], 20_000 * hires)
        if hires.sum():
            assert filled.min() < 1.0  # a leaver's seat stayed vacant a while
            return
    raise AssertionError("no successor hired in 10 futures at 150% attrition a year")


def test_the_effect_follows_the_people_in_post():
    sc = _leaving(1.5, 4.0)
    fx = setup_effects(sc, "revops", 0, 1)
    people = fx.staffing["revops"]
    steady = setup_effects(make(analysis__horizon_months=24), "revops", 0, 1)
    t = np.linspace(0, 24 * MONTH, 400)
    ramp = sc.org.teams["revops"].months_to_full_effect * MONTH
    full = steady.at("qualification_rate", np.array([1e6]))[0]
    expected = full * people.levels(t)
    assert np.allclose(fx.at("qualification_rate", t), expected)
    assert np.allclose([fx.scalar("qualification_rate", x) for x in t], expected)
    assert np.allclose(steady.at("qualification_rate", t), full * np.clip(t / ramp, 0, 1))


def test_a_team_that_keeps_losing_people_adds_less_at_equal_seed():
    keeps = make(analysis__horizon_months=18)
    loses = _leaving(2.0, 6.0, analysis__horizon_months=18)
    gain = {}
    for name, sc in (("keeps", keeps), ("loses", loses)):
        runs = [
            simulate(sc, "revops", r, 0).kpis["ending_arr"]
            - simulate(sc, "none", r, 0).kpis["ending_arr"]
            for r in range(4)
        ]
        gain[name] = float(np.mean(runs))
    assert gain["loses"] < gain["keeps"]
