"""The gain split by lever group (sim/verdict/attribution.py), on tiny real simulations.

The split must describe the futures it was made on and say so: by default the headline's
first `ATTRIBUTION_REPLICATIONS` replications, its total the paired gain on exactly those
(with its own interval), and on every replication its total is the headline's gain itself
(a user once saw +$617K split beside a +$436K headline with nothing saying the split used
fewer futures). And each lever group's part must be where the gain actually comes from,
checked on teams that move one lever.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import make, two_setup

import sim.experiments
import sim.verdict.attribution as attribution
from sim.executors import SerialExecutor
from sim.experiments import run_lever_sets, run_replications
from sim.verdict import compare, explain_gain, reassess
from sim.verdict.attribution import (
    ATTRIBUTION_REPLICATIONS,
    attribute_gain,
    groups_used,
    run_lever_groups,
    split_gain,
)
from sim.verdict.stats import mean_interval

H = 6  # months: enough for every lever to show, short enough to be quick


def _row(frame, source):
    hit = frame[frame["source"] == source]
    assert len(hit) == 1, (source, list(frame["source"]))
    return hit.iloc[0]


@pytest.fixture(scope="module")
def explained():
    """The reference company over 6 months and 24 replications (more than the old 20), explained."""
    return compare(make(horizon_months=H), 24, seed=4, workers=1)


def _gain_on(result, replications, objective=None):
    """The explained setup's paired gain over none on `replications`, per replication."""
    v = result.results.objective(objective or result.objective).loc[list(replications)]
    subject = result.explained_setup
    return v[subject].to_numpy(float) - v["none"].to_numpy(float)


def test_the_split_is_made_on_the_first_replications_with_its_own_total(explained):
    """By default the split uses the first ATTRIBUTION_REPLICATIONS futures of the 24, and
    its `total` row is the paired gain on exactly those, with that sample's own interval."""
    a = explained.attribution
    subject = explained.explained_setup
    assert subject is not None and set(a["setup"]) == {subject}
    assert 2 <= ATTRIBUTION_REPLICATIONS < 24
    first = tuple(range(ATTRIBUTION_REPLICATIONS))
    assert explained.lever_runs.replications == first
    total = _row(a, "total")
    own = mean_interval(_gain_on(explained, first), explained.confidence)
    assert (total["mean"], total["low"], total["high"]) == (own.mean, own.low, own.high)
    parts = a[~a["source"].isin(["total"])]["mean"].sum()
    assert parts == pytest.approx(total["mean"])
    assert explained.facts()["attribution_replications"] == ATTRIBUTION_REPLICATIONS


def test_a_split_on_every_replication_totals_to_the_headline(explained):
    """With every replication (`replications=None`) the total is the headline's interval."""
    bare = dataclasses.replace(explained, attribution=None, lever_runs=None)
    full = explain_gain(bare, replications=None, workers=1)
    subject = full.explained_setup
    total = _row(full.attribution, "total")
    headline = full.setups[subject].vs_none
    assert (total["mean"], total["low"], total["high"]) == (
        headline.mean,
        headline.low,
        headline.high,
    )
    assert full.lever_runs.replications == tuple(range(24))
    # the first replications' re-runs are the same runs in both splits
    sub = explained.lever_runs.runs["ops_cost"].kpis
    again = full.lever_runs.runs["ops_cost"].kpis
    cols = ["replication", "cumulative_contribution"]
    assert sub[cols].equals(again[cols].iloc[: len(sub)].reset_index(drop=True))


def test_total_follows_the_objective_when_it_changes(explained):
    """Re-judged on ROI or ending ARR, the split is re-made in that unit and still totals to
    the gain on its replications (ROI parts are per unit of ops spend, as ROI is)."""
    for objective in ("ops_roi", "ending_arr"):
        again = explained.with_objective(objective)
        subject = again.explained_setup
        if subject != explained.explained_setup:
            assert again.attribution is None
            continue
        total = _row(again.attribution, "total")
        gain = _gain_on(again, again.lever_runs.replications, objective)
        assert total["mean"] == pytest.approx(float(np.mean(gain)))
        assert set(again.attribution["objective"]) == {objective}
    roi = explained.with_objective("ops_roi")
    if roi.attribution is not None:
        assert _row(roi.attribution, "ops_cost")["mean"] == pytest.approx(-1.0)


def test_lever_sets_run_in_one_task_per_replication_with_the_same_numbers():
    """`run_lever_sets` gives the numbers `run_replications` gives restriction by
    restriction (same cache keys), with one task per replication for all restrictions."""
    sc = make(horizon_months=H)
    sets = {"ops_cost": (), "pricing": ("price",), "speed": ("response_time",)}

    class Counting(SerialExecutor):
        tasks = 0

        def map(self, fn, tasks, progress=None):
            Counting.tasks += len(tasks)
            return super().map(fn, tasks, progress)

    got = run_lever_sets(sc, "both", [2, 0, 1], 5, sets, executor=Counting())
    assert Counting.tasks == 3
    for name, levers in sets.items():
        one = run_replications(sc, 3, 5, setups=["both"], levers=levers, baseline=False, workers=1)
        assert got[name].kpis.equals(one.kpis), name
        assert got[name].monthly.equals(one.monthly), name


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


def test_a_split_refuses_runs_made_on_other_replications():
    """Runs of replications 0-3 cannot explain results of 0-2 (replication 3 is not among
    them): an error, not a wrong total. Runs on fewer replications split those."""
    sc = two_setup({"ghost": {"headcount": 1, "cost_per_fte_month": 1000, "effects": {}}}, H)
    short = run_replications(sc, 3, seed=1, workers=1)
    longer = run_replications(sc, 4, seed=1, workers=1)
    runs = run_lever_groups(longer, "ghost", replications=None, workers=1)
    with pytest.raises(ValueError, match="replications"):
        split_gain(short, runs, "cumulative_contribution")
    few = run_lever_groups(longer, "ghost", replications=2, workers=1)
    assert few.replications == (0, 1)
    assert _row(split_gain(longer, few, "cumulative_contribution"), "total")["mean"] == (
        pytest.approx(-1000 * H)
    )


def test_reassessing_re_splits_without_simulating(explained, monkeypatch):
    """Another objective or confidence re-splits the kept runs: nothing is simulated."""

    def refuse(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(attribution, "run_lever_sets", refuse)
    monkeypatch.setattr(sim.experiments, "run_replications", refuse)
    monkeypatch.setattr(sim.experiments, "run_lever_sets", refuse)
    again = reassess(explained, confidence=0.5)
    assert again.attribution is not None
    narrow, wide = _row(again.attribution, "total"), _row(explained.attribution, "total")
    assert narrow["mean"] == wide["mean"]
    assert wide["low"] < narrow["low"] <= narrow["high"] < wide["high"]
