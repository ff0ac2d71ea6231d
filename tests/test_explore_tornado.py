"""Tornado: contract keys, sorted by swing, and zero swing for what nothing reads."""

from __future__ import annotations

from conftest import make

from sim.executors import SerialExecutor
from sim.explore import RunOptions, default_inputs, tornado
from sim.text.explore import tornado_text


def test_tornado_rows_and_an_unread_parameter():
    scenario = make(horizon_months=12)
    options = RunOptions(replications=3, seed=0, executor=SerialExecutor())
    # the discount rate enters only the NPV objective: on cumulative contribution it is unread
    t = tornado(
        scenario,
        ["costs.discount_rate_annual", "org.teams.revops.cost_per_fte_month", "sales.reps"],
        options,
    )
    facts = t.facts()
    assert set(facts) >= {"pair", "base_gap", "rows"}
    assert set(facts["rows"][0]) >= {"param", "low_value", "high_value", "gap_low", "gap_high"}
    swings = [r.swing for r in t.rows]
    assert swings == sorted(swings, reverse=True)
    unread = next(r for r in t.rows if r.input.path == "costs.discount_rate_annual")
    assert unread.swing == 0.0
    assert unread.gap_low.mean == unread.gap_high.mean == t.base_gap.mean
    assert "moves the gap" in tornado_text(t)


def test_default_inputs_are_the_articles_handful():
    paths = [i.path for i in default_inputs(make())]
    assert paths[:4] == [
        "org.teams.salesops.effects",
        "org.teams.salesops.cost_per_fte_month",
        "org.teams.revops.effects",
        "org.teams.revops.cost_per_fte_month",
    ]
    assert "analysis.horizon_months" in paths and "sales.selling_time_share" in paths
