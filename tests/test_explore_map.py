"""Decision map: a cell is the plain comparison at that point (same seed, same replications)."""

from __future__ import annotations

from dataclasses import replace

from conftest import make

import sim
from sim.executors import SerialExecutor
from sim.explore import RunOptions, decision_map, default_axes
from sim.io import apply_overrides, parse_scenario, scenario_to_dict
from sim.text.explore import map_text

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


def test_default_axes_start_on_inputs_known_to_flip():
    sc = make()
    flips = ["org.teams.revops.effects", "segments.0.win_rate", "nope.path", "sales.reps"]
    assert default_axes(sc, flips) == ("segments.0.win_rate", "sales.reps")
    # one flipping number: the other axis is the criteria's, never the same input twice
    assert default_axes(sc, ["sales.selling_time_share"]) == (
        "sales.selling_time_share",
        "market.audience_size",
    )
    assert default_axes(sc, ["org.teams.revops.effects"]) == default_axes(sc)


def test_the_map_says_whether_the_winner_changes():
    scenario = make(horizon_months=12)
    options = RunOptions(replications=REPS, seed=2, executor=SerialExecutor())
    m = decision_map(
        scenario, ("sales.reps", 4, 8, 2), ("sales.selling_time_share", 0.4, 0.6, 2), options
    )
    one = replace(m, cells=[replace(c, best="both") for c in m.cells])
    text = map_text(one)
    assert "Both teams wins everywhere on this map" in text
    assert "4 people" in text and "8 people" in text and "40.0%" in text and "60.0%" in text
    assert "どこでも" in map_text(one, "ja")
    split = replace(m, cells=[replace(c, best="both" if c.x == 4 else "none") for c in m.cells])
    assert split.winners == ["both", "none"] and split.wins("none") == 2
    text = map_text(split)
    assert "changes" in text and "Both teams in 2 of 4" in text and "No ops team in 2 of 4" in text
    # the real map: the words follow its cells
    real = map_text(m)
    assert ("everywhere" in real) == (len({c.best for c in m.cells}) == 1)
