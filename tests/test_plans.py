"""Plans: when each ops team starts (a month, never, or a trigger), on common random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import check_conservation, make

from sim.experiments import simulate
from sim.io import ScenarioError

H = 12
SERIES = ("wins", "leads", "costs", "mrr", "contribution")


def _plans(**plans):
    return make(analysis__horizon_months=H, org__plans=plans)


def _same_runs(sc, a, b, reps=3):
    for rep in range(reps):
        ka, kb = simulate(sc, a, rep, 0).kpis, simulate(sc, b, rep, 0).kpis
        assert ka.keys() == kb.keys()
        for key in ka:
            assert ka[key] == kb[key] or (np.isnan(ka[key]) and np.isnan(kb[key])), key


def test_a_setup_is_the_plan_whose_teams_start_now_and_the_empty_plan_is_none():
    sc = _plans(
        now_both={"salesops": {"start": 0}, "revops": {"start": 0}},
        now_salesops={"salesops": {"start": 0}, "revops": {"start": None}},
        empty={},
    )
    _same_runs(sc, "now_both", "both")
    _same_runs(sc, "now_salesops", "salesops")
    _same_runs(sc, "empty", "none")


def test_a_trigger_that_fires_at_once_is_the_plan_that_starts_now():
    sc = _plans(
        at_once={"salesops": {"when": {"metric": "reps", "at_least": 0}}},
        now={"salesops": {"start": 0}},
    )
    _same_runs(sc, "at_once", "now")


@pytest.mark.parametrize("reps_touch", [False, True], ids=["desk", "reps_make_first_touches"])
def test_a_team_changes_nothing_before_its_start_and_costs_from_there(reps_touch):
    """Also when reps make first touches: their selling time then moves with every event."""
    m = 5
    more = {"lead_handling__first_touch__capacity": 0} if reps_touch else {}
    sc = make(
        analysis__horizon_months=H,
        org__plans={"later": {"salesops": {"start": m}, "revops": {"start": m}}},
        **more,
    )
    cost = sc.org.monthly_cost("both")
    for rep in range(2):
        later = simulate(sc, "later", rep, 0)
        none = simulate(sc, "none", rep, 0)
        for name in SERIES:
            if name == "costs":
                continue
            np.testing.assert_array_equal(later.monthly[name][:m], none.monthly[name][:m])
        ops = later.record.monthly_costs["ops_teams"]
        np.testing.assert_array_equal(ops, np.where(np.arange(H) >= m, cost, 0.0))
        check_conservation(later.record, sc, later.kpis)
    assert later.kpis["ops_cost"] == cost * (H - m)


def test_a_trigger_on_a_figure_behaves_as_a_start_at_its_month():
    """ARR crossing a threshold at month m: the plan equals a start at m + recruiting, per run."""
    sc = _plans(probe={})
    rep = 1
    arr = simulate(sc, "none", rep, 0).monthly["arr"].to_numpy()
    # ARR at the start of month m is the ARR at the end of month m - 1
    threshold = float(arr[4])
    first = int(np.flatnonzero(arr >= threshold)[0]) + 1
    sc = _plans(
        trigger={"revops": {"when": {"metric": "arr", "at_least": threshold}, "recruit_months": 2}},
        dated={"revops": {"start": first + 2}},
    )
    a, b = simulate(sc, "trigger", rep, 0), simulate(sc, "dated", rep, 0)
    assert a.record.effects.start_months == {"revops": first + 2.0}
    assert a.kpis == b.kpis or all(
        a.kpis[k] == b.kpis[k] or (np.isnan(a.kpis[k]) and np.isnan(b.kpis[k])) for k in a.kpis
    )


def test_a_trigger_that_never_fires_is_never():
    sc = _plans(never={"revops": {"when": {"metric": "reps", "at_least": 1000}}})
    _same_runs(sc, "never", "none", reps=1)


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"salesops": {"start": H}}, r"org\.plans\.p\.salesops\.start"),
        ({"salesops": {"start": -1}}, r"org\.plans\.p\.salesops\.start"),
        ({"salesops": {"when": {"metric": "mood", "at_least": 1}}}, r"salesops\.when\.metric"),
        ({"nobody": {"start": 0}}, r"plans\.p\.nobody"),
        ({"salesops": {"start": 0, "when": {"metric": "reps", "at_least": 1}}}, r"salesops"),
    ],
)
def test_bad_plans_name_the_field(plan, field):
    with pytest.raises(ScenarioError, match=field):
        _plans(p=plan)


def _sized(**plan_extra):
    return make(
        analysis__horizon_months=H,
        org__setups={"none": [], "half": ["revops@0.5"], "full": ["revops"]},
        org__plans={"grow": {"revops": {"start": 0, "fte": 0.5, **plan_extra}}},
    )


def test_a_team_that_grows_works_at_each_size_and_pays_for_it():
    """Half-time from the start, full-time from month 4: the half-time team's effect until
    the step, the full team's once the added half has ramped; cost follows the FTE."""
    from sim.org import setup_effects
    from sim.params import MONTH_DAYS

    sc = _sized(steps=[{"after_months": 4, "fte": 1.0}])
    ramp = sc.org.teams["revops"].months_to_full_effect * MONTH_DAYS
    for rep in range(3):
        grow = setup_effects(sc, "grow", 0, rep)
        half = setup_effects(sc, "half", 0, rep)
        full = setup_effects(sc, "full", 0, rep)
        before = np.linspace(0, 4 * MONTH_DAYS, 50)
        after = np.linspace(4 * MONTH_DAYS + ramp, H * MONTH_DAYS, 50)
        for lever in ("qualification_rate", "monthly_churn", "price"):
            assert np.allclose(grow.at(lever, before), half.at(lever, before))
            assert np.allclose(grow.at(lever, after), full.at(lever, after))
            assert np.allclose(
                [grow.scalar(lever, t) for t in after], full.at(lever, after), rtol=1e-12
            )
        cost = grow.monthly_costs(H)
        per_fte = sc.org.teams["revops"].cost_per_fte_month
        assert np.allclose(cost[:4], 0.5 * per_fte) and np.allclose(cost[4:], per_fte)
    run = simulate(sc, "grow", 0, 0)
    check_conservation(run.record, sc, run.kpis)


def test_a_plan_at_its_start_size_with_no_steps_is_the_sized_setup():
    _same_runs(_sized(), "grow", "half")


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([{"after_months": 4, "fte": 1}, {"after_months": 2, "fte": 2}], r"grow\.revops"),
        ([{"after_months": 0, "fte": 1}], r"grow\.revops"),
        ([{"after_months": 3, "fte": -1}], r"steps\.0\.fte"),
    ],
)
def test_bad_fte_steps_name_the_field(steps, field):
    with pytest.raises(ScenarioError, match=field):
        _sized(steps=steps)


def test_fte_steps_of_a_team_that_loses_people_are_refused_naming_the_field():
    with pytest.raises(ScenarioError, match=r"plans\.grow\.revops\.steps"):
        make(
            analysis__horizon_months=H,
            org__teams__revops__attrition_per_year=0.2,
            org__plans={"grow": {"revops": {"start": 0, "steps": [{"after_months": 3, "fte": 2}]}}},
        )
