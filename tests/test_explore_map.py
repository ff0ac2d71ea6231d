"""Decision map: a cell is the plain comparison at that point (same seed, same replications)."""

from __future__ import annotations

from conftest import make

import sim
from sim.executors import SerialExecutor
from sim.explore import RunOptions, decision_map, default_axes
from sim.io import apply_overrides, parse_scenario, scenario_to_dict

REPS = 4


def test_a_cell_equals_a_plain_comparison():
    scenario = make(horizon_months=12)
    options = RunOptions(replications=REPS, seed=2, executor=SerialExecutor())
    m = decision_map(
        scenario, ("sales.reps", 4, 8, 2), ("segments.0.monthly_churn", 0.005, 0.02, 2), options
    )
    assert len(m.cells) == 4
    cell = m.cell(8, 0.02)
    at = parse_scenario(
        apply_overrides(
            scenario_to_dict(scenario), ["sales.reps=8", "segments.0.monthly_churn=0.02"]
        )
    )
    plain = sim.compare(at, REPS, seed=2, explain=False, executor=SerialExecutor())
    assert cell.best == plain.verdict.best
    assert cell.p_best == plain.setups[plain.verdict.best].p_best
    assert cell.separated == plain.verdict.separated
    facts = m.facts()
    assert facts["x"] == {"param": "sales.reps", "values": [4, 8]}
    assert set(facts["cells"][0]) >= {"x", "y", "best", "p_best", "separated"}
    assert facts["own"] == {"x": scenario.sales.reps, "y": scenario.segments[0].monthly_churn}


def test_default_axes_follow_the_criteria():
    assert default_axes(make()) == ("market.audience_size", "sales.selling_time_share")
    no_audience = make(**{"market.audience_size": None})
    assert default_axes(no_audience) == ("segments.0.monthly_churn", "sales.reps")
