"""Breakeven: exact on a case known in closed form, honest when there is no crossing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make

import sim
from sim.executors import SerialExecutor
from sim.experiments import variants_from
from sim.explore import RunOptions, breakeven, make_input
from sim.explore.breakeven import crossings, locate
from sim.explore.runs import default_pair
from sim.text.explore import breakeven_text, input_value, share_text
from sim.verdict.stats import Interval

REPS = 4
COST = "org.teams.revops.cost_per_fte_month"


@pytest.fixture(scope="module")
def scenario():
    return make(horizon_months=12)


def _options() -> RunOptions:
    return RunOptions(replications=REPS, seed=3, executor=SerialExecutor())


def test_cost_breakeven_is_known_exactly(scenario):
    """With common random numbers the gap is linear in a team's cost: the crossing is known."""
    base = sim.run_replications(scenario, REPS, 3, executor=SerialExecutor())
    values = base.objective("cumulative_contribution")
    gap = float((values["revops"] - values["none"]).mean())
    team = scenario.org.teams["revops"]
    expected = team.cost_per_fte_month + gap / (team.headcount * scenario.horizon_months)
    assert 0 < expected < 30000
    found = breakeven(scenario, COST, (0, 30000), ("revops", "none"), _options(), points=4)
    assert found.breakeven == pytest.approx(expected, rel=1e-6)
    lo, hi = found.interval
    assert lo <= expected <= hi
    assert (found.below, found.above) == ("revops", "none")
    facts = found.facts()
    for key in ("param", "pair", "breakeven", "interval", "below", "above"):
        assert key in facts
    assert facts["param"] == COST and facts["pair"] == ["revops", "none"]
    text = breakeven_text(found)
    assert "overtakes" in text and "90%" in text


def test_no_crossing_says_so_with_the_range(scenario):
    found = breakeven(scenario, COST, (60000, 90000), ("revops", "none"), _options(), points=3)
    assert found.breakeven is None and found.interval is None
    assert found.below == found.above == "none"
    text = breakeven_text(found)
    assert "no breakeven" in text and "$60.0K/month" in text and "$90.0K/month" in text


def test_locate_inverts_the_band():
    xs = [0.0, 1.0, 2.0, 3.0]
    gaps = [Interval(m, m - 1, m + 1) for m in (3.0, 1.0, -1.0, -3.0)]
    x, (lo, hi), n = locate(xs, gaps)
    assert x == pytest.approx(1.5) and n == 1
    assert lo == pytest.approx(1.0) and hi == pytest.approx(2.0)
    assert crossings([0, 1], [1.0, 2.0]) == []
    assert crossings([0, 1, 2], [1.0, -1.0, 1.0]) == [0.5, 1.5]


def test_integer_and_effect_inputs(scenario):
    reps = make_input(scenario, "sales.reps")
    assert reps.integer and reps.grid(7) == sorted(set(reps.grid(7)))
    churn = make_input(scenario, "org.teams.revops.effects.monthly_churn")
    assert (churn.low, churn.high) == (-0.30, 0.0)
    assert churn.changes(scenario, -0.1) == {"org.teams.revops.effects.monthly_churn": [-0.1] * 3}
    group = make_input(scenario, "org.teams.revops.effects")
    best = group.changes(scenario, 1.0)
    assert best["org.teams.revops.effects.monthly_churn"] == [-0.3] * 3  # lowering: low is best
    assert best["org.teams.revops.effects.price"] == [0.08] * 3
    with pytest.raises(KeyError, match=r"sales\.nope"):
        make_input(scenario, "sales.nope")
    assert math.isfinite(reps.low) and reps.low < reps.base < reps.high


EFFECTS = "org.teams.revops.effects"


def _net_new_gain(scenario, setup: str) -> float:
    """Net-new ARR of `setup` over no ops team's, as a share of no ops team's (own run)."""
    kpis = sim.run_replications(scenario, REPS, 3, [setup], executor=SerialExecutor()).kpis
    start = 12.0 * scenario.starting_customers.count * scenario.starting_customers.mrr_each
    new = kpis.groupby("setup")["ending_arr"].mean() - start
    return float((new[setup] - new["none"]) / new["none"])


def test_a_teams_effects_breakeven_is_said_in_net_new_arr():
    """The position between worst and best is also said as the net-new ARR it implies."""
    scenario = make()
    found = breakeven(scenario, EFFECTS, (0.0, 1.0), ("revops", "none"), _options(), points=3)
    u = found.uplift
    assert u is not None and u.setup == "revops" and u.relative and u.outcome == "net_new_arr"
    item = make_input(scenario, EFFECTS)
    for value, gain in zip(found.values, u.values, strict=True):
        at = variants_from(scenario, [item.changes(scenario, value)])[0].scenario
        assert gain == pytest.approx(_net_new_gain(at, "revops"), rel=1e-9)
    assert found.facts()["uplift"]["values"] == u.values
    if found.breakeven is None:
        assert u.at is None and "net-new ARR" not in breakeven_text(found)
        return
    assert u.at == pytest.approx(float(np.interp(found.breakeven, found.values, u.values)))
    text = breakeven_text(found)
    side = "less" if u.values[0 if found.below == "none" else -1] < u.at else "more"
    assert f"net-new ARR with RevOps is {side} than {share_text(u.at)} above" in text
    assert share_text(u.at) in breakeven_text(found, "ja")


def test_without_a_pair_the_pair_is_todays_top_two(scenario):
    """For a team's effects today is a range, not the grid's middle: today is run as it is."""
    found = breakeven(scenario, EFFECTS, (0.0, 1.0), None, _options(), points=3)
    today = sim.run_replications(scenario, REPS, 3, executor=SerialExecutor())
    assert found.pair == default_pair(today.objective("cumulative_contribution"))
    # the pair's setups with the team: the team alone first
    assert found.uplift is None or found.uplift.setup in found.pair


def test_one_effect_is_written_in_its_levers_terms():
    assert input_value("org.teams.revops.effects.monthly_churn", -0.1) == "-10%"
    assert input_value("org.teams.revops.effects.win_rate", 0.015) == "+1.5 points"
    assert input_value("org.teams.revops.effects.lead_scoring_accuracy", 0.5) == (
        "a 0.50 correlation"
    )
    assert "ポイント" in input_value("org.teams.revops.effects.win_rate", 0.015, lang="ja")
