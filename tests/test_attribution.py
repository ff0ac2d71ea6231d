"""The gain split by lever group (sim/verdict/attribution.py), on tiny real simulations.

The split must describe the same futures as the headline: its total is the headline's
paired gain, computed on every replication (a user once saw +$617K split beside a +$436K
headline because the split used the first 20 replications only). And each lever group's
part must be where the gain actually comes from, checked on teams that move one lever.
"""

from __future__ import annotations

import pytest
from conftest import make, two_setup

import sim.experiments
import sim.verdict.attribution as attribution
from sim.experiments import run_replications
from sim.verdict import compare, reassess
from sim.verdict.attribution import (
    _blocks,
    attribute_gain,
    groups_used,
    run_lever_groups,
    split_gain,
)

H = 6  # months: enough for every lever to show, short enough to be quick


def _row(frame, source):
    hit = frame[frame["source"] == source]
    assert len(hit) == 1, (source, list(frame["source"]))
    return hit.iloc[0]


@pytest.fixture(scope="module")
def explained():
    """The reference company over 6 months and 24 replications (more than the old 20), explained."""
    return compare(make(horizon_months=H), 24, seed=4, workers=1)


def test_total_is_the_headline_gain_on_every_replication(explained):
    """The `total` row is exactly the explained setup's vs-none interval of the headline."""
    a = explained.attribution
    subject = explained.explained_setup
    assert subject is not None and set(a["setup"]) == {subject}
    total = _row(a, "total")
    headline = explained.setups[subject].vs_none
    assert (total["mean"], total["low"], total["high"]) == (
        headline.mean,
        headline.low,
        headline.high,
    )
    assert explained.lever_runs.replications == tuple(range(24))


def test_total_follows_the_headline_when_the_objective_changes(explained):
    """Re-judged on ROI or ending ARR, the split is re-made in that unit and still totals to
    the headline (ROI parts are per unit of ops spend, as ROI is)."""
    for objective in ("ops_roi", "ending_arr"):
        again = explained.with_objective(objective)
        subject = again.explained_setup
        if subject != explained.explained_setup:
            assert again.attribution is None
            continue
        total = _row(again.attribution, "total")
        assert total["mean"] == again.setups[subject].vs_none.mean
        assert set(again.attribution["objective"]) == {objective}
    roi = explained.with_objective("ops_roi")
    if roi.attribution is not None:
        assert _row(roi.attribution, "ops_cost")["mean"] == pytest.approx(-1.0)


def test_a_team_moving_one_lever_gains_through_that_group_alone():
    """A team that only raises the win rate, at a known cost: the cost row is exactly minus
    the cost in every future, the gain sits in 'sales execution', and with one group there
    is nothing left over for overlap."""
    cost, months = 12_000, H
    team = {
        "closer": {
            "headcount": 1,
            "cost_per_fte_month": cost,
            "months_to_full_effect": 0,
            "effects": {"win_rate": [0.10, 0.10, 0.10]},
        }
    }
    res = run_replications(two_setup(team, horizon=months), 6, seed=3, workers=1)
    a = attribute_gain(res, "closer", "cumulative_contribution", workers=1)
    assert list(a["source"]) == ["ops_cost", "sales_execution", "interaction", "total"]
    c = _row(a, "ops_cost")
    assert c["mean"] == pytest.approx(-cost * months)
    assert c["low"] == pytest.approx(-cost * months) and c["high"] == pytest.approx(-cost * months)
    assert _row(a, "sales_execution")["low"] > 0  # more wins: more contribution in every run
    assert _row(a, "interaction")["mean"] == pytest.approx(0.0, abs=1e-6)


def test_a_retention_team_gains_through_retention_and_nowhere_else():
    """A free team that only lowers churn, on a company with an existing customer base: the
    gain is 'retention & expansion' (positive in every future), the cost row is zero."""
    team = {
        "keeper": {
            "headcount": 1,
            "cost_per_fte_month": 0,
            "months_to_full_effect": 0,
            "effects": {"monthly_churn": [-0.5, -0.5, -0.5]},
        }
    }
    sc = two_setup(
        team,
        horizon=H,
        starting_customers__count=300,
        starting_customers__mrr_each=3000,
        segments__0__monthly_churn=0.03,
    )
    res = run_replications(sc, 5, seed=8, workers=1)
    a = attribute_gain(res, "keeper", "cumulative_contribution", workers=1)
    assert set(a["source"]) == {"ops_cost", "retention_expansion", "interaction", "total"}
    assert _row(a, "ops_cost")["mean"] == 0.0
    assert _row(a, "retention_expansion")["low"] > 0
    assert _row(a, "interaction")["mean"] == pytest.approx(0.0, abs=1e-6)
    assert _row(a, "total")["mean"] == pytest.approx(_row(a, "retention_expansion")["mean"])


def test_groups_used_follow_the_setups_teams_and_synergy():
    """'both' moves every group; SalesOps alone moves no pricing or retention lever."""
    sc = make()
    assert set(groups_used(sc, "both")) == {
        "funnel_top",
        "speed_to_lead",
        "sales_execution",
        "pricing",
        "retention_expansion",
    }
    assert set(groups_used(sc, "salesops")) == {"speed_to_lead", "sales_execution"}


def test_replications_that_do_not_start_at_zero_are_re_run_as_they_are():
    """Results of replications 5-7 are split on replications 5-7 (the same futures)."""
    sc = two_setup({"ghost": {"headcount": 1, "cost_per_fte_month": 1000, "effects": {}}}, H)
    res = run_replications(sc, 3, seed=1, workers=1, first_replication=5)
    runs = run_lever_groups(res, "ghost", workers=1)
    assert runs.replications == (5, 6, 7)
    a = split_gain(res, runs, "cumulative_contribution")
    assert _row(a, "total")["mean"] == pytest.approx(-1000 * H)
    assert _blocks([7, 1, 2, 3, 9, 8]) == [(1, 3), (7, 3)]


def test_a_split_refuses_runs_made_on_other_replications():
    """Runs of replications 0-2 cannot explain results of 0-3: an error, not a wrong total."""
    sc = two_setup({"ghost": {"headcount": 1, "cost_per_fte_month": 1000, "effects": {}}}, H)
    short = run_replications(sc, 3, seed=1, workers=1)
    longer = run_replications(sc, 4, seed=1, workers=1)
    runs = run_lever_groups(short, "ghost", workers=1)
    with pytest.raises(ValueError, match="replications"):
        split_gain(longer, runs, "cumulative_contribution")


def test_reassessing_re_splits_without_simulating(explained, monkeypatch):
    """Another objective or confidence re-splits the kept runs: nothing is simulated."""

    def refuse(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(attribution, "run_replications", refuse)
    monkeypatch.setattr(sim.experiments, "run_replications", refuse)
    again = reassess(explained, confidence=0.5)
    assert again.attribution is not None
    narrow, wide = _row(again.attribution, "total"), _row(explained.attribution, "total")
    assert narrow["mean"] == wide["mean"]
    assert wide["low"] < narrow["low"] <= narrow["high"] < wide["high"]
