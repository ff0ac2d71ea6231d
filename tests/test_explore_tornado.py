"""Tornado: contract keys, sorted by swing, zero swing for what nothing reads, the winner over
every setup at each end (even one outside the pair), and inputs that cannot move alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make

from sim.executors import SerialExecutor
from sim.experiments import variants_from
from sim.explore import RunOptions, default_inputs, tornado
from sim.explore.inputs import (
    asked_inputs,
    default_input_paths,
    make_input,
    parse_inputs,
    sweepable,
)
from sim.io import load_scenario
from sim.text import setup_name
from sim.text.explore import tornado_text

PRESETS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def _serial(reps: int) -> RunOptions:
    return RunOptions(replications=reps, seed=0, executor=SerialExecutor())


def test_tornado_rows_and_an_unread_parameter():
    scenario = make(horizon_months=12)
    # the discount rate enters only the NPV objective: on cumulative contribution it is unread
    t = tornado(
        scenario,
        ["costs.discount_rate_annual", "org.teams.revops.cost_per_fte_month", "sales.reps"],
        _serial(3),
    )
    facts = t.facts()
    assert set(facts) >= {"pair", "base_gap", "rows", "winner", "winner_among", "skipped"}
    assert set(facts["rows"][0]) >= {
        "param",
        "low_value",
        "high_value",
        "gap_low",
        "gap_high",
        "winner_low",
        "winner_high",
        "flips",
        "new_winner",
    }
    assert facts["winner_among"] == list(scenario.org.setups)
    assert facts["winner"] == t.pair[0]  # the winner over every setup leads the top pair
    swings = [r.swing for r in t.rows]
    assert swings == sorted(swings, reverse=True)
    unread = next(r for r in t.rows if r.input.path == "costs.discount_rate_annual")
    assert unread.swing == 0.0
    assert unread.gap_low.mean == unread.gap_high.mean == t.base_gap.mean
    # an input nothing reads cannot change the winner
    assert unread.winner_low == unread.winner_high == t.winner and not unread.flips
    assert unread.new_winner is None
    assert "moves the gap" in tornado_text(t)


def _third_setup_scenario():
    """SalesOps cheap and plainly useful; RevOps more useful still, so today's top two are
    both teams and RevOps alone, and SalesOps is third. Effects are fixed (no range) and on
    different levers (no overlap), and nothing ramps, so the order rests on large margins."""
    return make(
        **{
            "horizon_months": 12,
            "market.inbound_mqls_per_month": 60,
            "sales.reps": 10,
            "org.overlap": 0.0,
            "org.synergy": {},
            "org.teams.salesops.cost_per_fte_month": 0,
            "org.teams.salesops.months_to_full_effect": 0,
            "org.teams.salesops.effects": {"win_rate": [0.1, 0.1, 0.1]},
            "org.teams.revops.cost_per_fte_month": 0,
            "org.teams.revops.months_to_full_effect": 0,
            "org.teams.revops.effects": {
                "inbound_rate": [2.0, 2.0, 2.0],
                "qualification_rate": [0.5, 0.5, 0.5],
            },
        }
    )


def test_a_swing_that_hands_the_win_to_the_third_setup():
    scenario = _third_setup_scenario()
    # at its high end RevOps costs $10M a month: every setup with RevOps loses ~$120M over the
    # year, and of the two left SalesOps (free, +10 points of win rate) beats no ops team
    t = tornado(scenario, ["org.teams.revops.cost_per_fte_month=0:10000000"], _serial(4))
    assert t.pair == ("both", "revops") and t.winner == "both"
    row = t.rows[0]
    assert row.winner_low == "both"
    assert row.winner_high == "salesops" and "salesops" not in t.pair
    assert row.flips and row.new_winner == "salesops"
    assert row.flip_ends == [("high", "salesops")]
    # the pair's gap alone cannot see it: both setups of the pair pay the same RevOps
    assert row.swing == pytest.approx(0.0, abs=1e-6)
    facts = t.facts()["rows"][0]
    assert (facts["flips"], facts["new_winner"], facts["winner_high"]) == (
        True,
        "salesops",
        "salesops",
    )
    # the margin behind it is far beyond noise
    assert row.gains_high["salesops"].low > 0 > row.gains_high["revops"].high
    # the words name the new winner and the one it replaces, by name, in both languages
    for lang in ("en", "ja"):
        text = tornado_text(t, lang)
        assert setup_name("salesops", lang) in text and setup_name("both", lang) in text
    text = tornado_text(t)
    assert "at its high end" in text
    assert "SalesOps wins instead of Both teams" in text
    # the app's frames: the end that changes the winner is marked, and the table lists it
    from ui.explore_data import tornado_flips_frame, tornado_frame

    frame = tornado_frame(t)
    marked = frame[frame["changes"]]
    assert list(marked["end"]) == ["high end"] and list(marked["winner"]) == ["SalesOps"]
    table = tornado_flips_frame(t)
    assert len(table) == 1 and table["New winner"].iloc[0] == "SalesOps"
    assert table["Winner at the low end"].iloc[0] == "Both teams"


def test_only_the_pair_judges_the_winner_within_the_pair():
    scenario = _third_setup_scenario()
    t = tornado(
        scenario,
        ["org.teams.revops.cost_per_fte_month=0:10000000"],
        _serial(2),
        pair=("both", "revops"),
        only_pair=True,
    )
    assert t.facts()["winner_among"] == ["both", "revops"]
    # within the pair, both keeps winning: it pays RevOps too, and SalesOps is free
    row = t.rows[0]
    assert row.winner_high == "both"
    assert not row.flips and row.new_winner is None
    assert "which of" in tornado_text(t)


def test_strength_and_coverage_are_inputs_fixed_at_one_value():
    scenario = load_scenario(PRESETS[[p.stem for p in PRESETS].index("default")])
    revops = scenario.org.teams["revops"]
    strength = make_input(scenario, "org.teams.revops.strength")
    assert strength.kind == "range" and strength.base is None
    assert (strength.low, strength.high) == (revops.strength.low, revops.strength.high)
    assert strength.changes(scenario, 0.07) == {"org.teams.revops.strength": [0.07, 0.07, 0.07]}
    kept = make_input(scenario, "org.teams.revops.retention_strength")
    assert (kept.low, kept.high) == (revops.retention_strength.low, revops.retention_strength.high)
    # a strength stated as one value moves 25% either side of it, as a number does
    flat = make_input(make(), "org.teams.revops.strength")
    assert (flat.low, flat.high) == (0.75, 1.25)
    # one number of the range is not an input: the range is swept as a whole
    with pytest.raises(KeyError, match=r"sweep org\.teams\.revops\.strength "):
        make_input(scenario, "org.teams.revops.strength.mode")
    with pytest.raises(KeyError, match="retention strength"):
        make_input(make(), "org.teams.revops.retention_strength")
    paths = default_input_paths(scenario)
    for team in ("salesops", "revops"):
        assert f"org.teams.{team}.strength" in paths
        assert f"org.teams.{team}.coverage.fte_per_rep" in paths
    assert "org.teams.revops.retention_strength" in paths
    assert "org.teams.salesops.retention_strength" not in paths  # not stated
    for path in ("sales.attrition_per_year", "sales.ramp_months", "sales.backfill_months"):
        assert path not in paths  # the seats are not simulated here
        item = make_input(scenario, path)
        assert item.low == 0 < item.high  # zero today: its whole declared range


def test_default_inputs_follow_the_teams_a_setup_has():
    paths = [i.path for i in default_inputs(make())]
    assert paths[:4] == [
        "org.teams.salesops.effects",
        "org.teams.salesops.cost_per_fte_month",
        "org.teams.revops.effects",
        "org.teams.revops.cost_per_fte_month",
    ]
    assert "analysis.horizon_months" in paths and "sales.selling_time_share" in paths
    scenario = make(
        **{
            "org.setups": {"none": [], "salesops": ["salesops@0.5"]},
            "org.teams.salesops.durability_months": 24,
            "org.teams.salesops.attrition_per_year": 0.3,
            "sales.attrition_per_year": 0.2,
        }
    )
    paths = default_input_paths(scenario)
    assert "org.teams.salesops.strength" in paths
    assert "org.teams.salesops.durability_months" in paths
    assert "org.teams.salesops.attrition_per_year" in paths  # the team loses people
    assert "org.teams.salesops.backfill_months" in paths
    assert not any(p.startswith("org.teams.revops.") for p in paths)  # no setup has RevOps
    assert {"sales.attrition_per_year", "sales.ramp_months", "sales.backfill_months"} <= set(paths)


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_input_of_every_preset_builds_valid_variants(preset):
    scenario = load_scenario(preset)
    items = parse_inputs(scenario, ["all"])
    paths = [i.path for i in items]
    assert len(paths) == len(set(paths)) and len(items) > 40
    changes = [i.changes(scenario, v) for i in items for v in (i.low, i.high)]
    variants = variants_from(scenario, changes)  # raises on any invalid variant
    assert len(variants) == 2 * len(items)
    # every team's strength is one input, the analysis convention (a choice) none
    for team in scenario.org.teams:
        assert f"org.teams.{team}.strength" in paths
        assert not any(p.startswith(f"org.teams.{team}.strength.") for p in paths)
    assert "analysis.after_horizon" not in paths
    # what cannot move alone is the lead shares, said so with the validation's reason
    # a tornado of "all" starts from every candidate, so it can list what it leaves out
    left_out = [i for i in asked_inputs(scenario, ["all"]) if i.path not in paths]
    kept, skipped = sweepable(scenario, left_out)
    assert not kept and [s.param for s in skipped] == [i.path for i in left_out]
    assert skipped and all(s.param.endswith(".lead_share") for s in skipped)
    assert all("sum to 1" in s.reason for s in skipped)


def test_an_input_that_cannot_move_alone_is_skipped_and_said():
    scenario = make(horizon_months=6, **{"market.inbound_mqls_per_month": 40})
    t = tornado(scenario, ["segments.0.lead_share", "sales.reps"], _serial(2))
    assert [r.input.path for r in t.rows] == ["sales.reps"]
    facts = t.facts()
    assert [s["param"] for s in facts["skipped"]] == ["segments.0.lead_share"]
    assert "sum to 1" in facts["skipped"][0]["reason"]
    assert "Left out" in tornado_text(t)
    with pytest.raises(ValueError, match="no input can move alone"):
        tornado(scenario, ["segments.0.lead_share"], _serial(2))
