"""The ranking and the verdict's facts on hand-built results (sim/verdict/ranking.py).

Every test feeds numbers whose answer is known in advance; the verdict must come out as
facts (ids, intervals, what would separate the top two), never as sentences.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import hand_built

from sim.org import draw_team_effects
from sim.verdict.ranking import (
    Influence,
    SeparateBy,
    Verdict,
    make_verdict,
    summarise,
)
from sim.verdict.stats import CONFIDENCE, Interval, mean_interval, replications_needed

OBJ = "cumulative_contribution"


def _separated_values(n: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    base = rng.normal(5e6, 4e5, n)  # common random numbers: every setup shares `base`
    return {
        "none": base,
        "salesops": base + 2e5 + rng.normal(0, 1e4, n),
        "revops": base - 1e5 + rng.normal(0, 1e4, n),
        "both": base + 1e6 + rng.normal(0, 1e4, n),
    }


def test_summarise_pairs_each_setup_with_the_baseline_and_the_best():
    """Paired differences are taken replication by replication, so the shared noise cancels:
    the intervals are about 1e4 wide although every setup's values spread by 4e5."""
    values = _separated_values()
    s = summarise(hand_built(values), OBJ)
    assert list(s) == ["both", "salesops", "none", "revops"]
    diff = values["both"] - values["none"]
    assert s["both"].vs_none == mean_interval(diff, CONFIDENCE)
    assert s["both"].vs_none.high - s["both"].vs_none.low < 2e4
    assert s["none"].vs_none == Interval(0.0, 0.0, 0.0)
    assert s["revops"].vs_best.mean == pytest.approx((values["revops"] - values["both"]).mean())
    assert s["salesops"].p10 == pytest.approx(np.percentile(values["salesops"], 10))
    assert s["salesops"].p90 == pytest.approx(np.percentile(values["salesops"], 90))
    assert s["both"].p_best == 1.0 and s["both"].regret == 0.0
    assert s["revops"].regret == pytest.approx((values["both"] - values["revops"]).mean())


def test_summarise_knows_each_setups_team_cost():
    """A setup's ops cost per month is its teams' (reference company: SalesOps 10k, RevOps 17k)."""
    s = summarise(hand_built(_separated_values()), OBJ)
    assert s["none"].ops_cost_per_month == 0
    assert s["salesops"].ops_cost_per_month == 10_000
    assert s["revops"].ops_cost_per_month == 17_000
    assert s["both"].ops_cost_per_month == 27_000


def test_a_clearly_separated_case_is_a_verdict_with_nothing_to_separate():
    """A winner far ahead of the runner-up on every replication: separated, gap known."""
    values = _separated_values()
    res = hand_built(values)
    v = make_verdict(res, summarise(res, OBJ), OBJ, CONFIDENCE)
    assert (v.best, v.runner_up, v.separated) == ("both", "salesops", True)
    assert v.gap == mean_interval(values["both"] - values["salesops"], CONFIDENCE)
    assert v.gap.low > 0
    assert v.separate_by is None
    assert v.separation_level == CONFIDENCE and not v.stricter_level


def test_a_tie_records_the_replications_that_would_separate_it():
    """Two setups ~10 apart with a spread of 1000: not separated, and the verdict holds the
    replications the observed spread needs (as a number, not a sentence)."""
    n = 20
    rng = np.random.default_rng(3)
    base = rng.normal(5e6, 4e5, n)
    noise = np.tile([1000.0, -1000.0], n // 2)
    values = {
        "none": base,
        "salesops": base + 10.0 + noise,
        "revops": base - 5e5,
        "both": base - 6e5,
    }
    res = hand_built(values)
    v = make_verdict(res, summarise(res, OBJ), OBJ, CONFIDENCE)
    assert (v.best, v.runner_up, v.separated) == ("salesops", "none", False)
    assert v.gap.low < 0 < v.gap.high
    assert isinstance(v.separate_by, SeparateBy)
    assert v.separate_by.replications == n
    need = replications_needed(values["salesops"] - values["none"], CONFIDENCE)
    assert v.separate_by.replications_needed == need > n
    assert v.separate_by.within_reach


def test_the_assumption_that_drives_a_difference_is_found_from_the_draws():
    """When the top two differ by an amount that follows RevOps' monthly-churn draw in each
    replication, the verdict names that team and lever (structured), with a positive sign."""
    sc = hand_built({"none": np.zeros(2)}).scenario
    n, seed = 40, 5
    team = sc.org.teams["revops"]
    draw = np.array(
        [
            draw_team_effects("revops", team, seed, r, sc.org.effect_scale)["monthly_churn"]
            for r in range(n)
        ]
    )
    rng = np.random.default_rng(0)
    driven = 1e6 * (draw - draw.mean()) + rng.normal(0, 1e3, n)
    base = rng.normal(5e6, 1e5, n)
    values = {"none": base, "salesops": base + driven, "revops": base - 1e6, "both": base - 2e6}
    res = hand_built(values, scenario=sc, seed=seed)
    v = make_verdict(res, summarise(res, OBJ), OBJ, CONFIDENCE)
    assert not v.separated
    infl = v.separate_by.influential
    assert infl is not None
    assert (infl.team, infl.lever) == ("revops", "monthly_churn")
    best_sign = 1 if v.best == "salesops" else -1  # the gap is best - runner-up
    assert best_sign * infl.correlation > 0.99
    assert infl.path == "revops.effects.monthly_churn"


def test_noise_that_no_assumption_explains_leaves_nothing_within_reach():
    """A difference of exactly zero on average, with noise no team's draws explain: neither
    more replications nor a narrower assumption would separate the two."""
    n = 400  # spurious correlations with 14 levers stay well below the bar at this size
    rng = np.random.default_rng(11)
    base = rng.normal(5e6, 1e5, n)
    noise = rng.normal(0, 1e3, n)
    values = {
        "none": base,
        "salesops": base + (noise - noise.mean()),
        "revops": base - 1e6,
        "both": base - 2e6,
    }
    res = hand_built(values, seed=5)
    v = make_verdict(res, summarise(res, OBJ), OBJ, CONFIDENCE)
    assert not v.separated
    assert v.separate_by.replications_needed is None
    assert v.separate_by.influential is None
    assert not v.separate_by.within_reach


def test_stricter_separation_level_can_overrule_the_displayed_interval():
    """A gap whose 90% interval excludes zero but whose 99.5% interval does not is not
    separated when judged at 99.5% (as an adaptive run with 20 possible looks must)."""
    n = 30
    rng = np.random.default_rng(2)
    base = rng.normal(5e6, 1e5, n)
    gap = rng.normal(0, 1000.0, n)
    gap = 450.0 + 1000.0 * (gap - gap.mean()) / gap.std(ddof=1)  # t ≈ 2.46 with 29 df
    values = {"none": base, "salesops": base + gap, "revops": base - 1e6, "both": base - 2e6}
    res = hand_built(values)
    s = summarise(res, OBJ)
    at_display = make_verdict(res, s, OBJ, 0.90)
    strict = make_verdict(res, s, OBJ, 0.90, separation_level=0.995)
    assert at_display.separated and at_display.gap.excludes_zero
    assert not strict.separated and strict.gap == at_display.gap
    assert strict.stricter_level and strict.separation_level == 0.995
    assert strict.separate_by is not None


def test_when_no_team_pays_the_baseline_is_the_verdict():
    """If every team costs more than it gains, the baseline wins, separated."""
    n = 10
    base = np.linspace(4e6, 6e6, n)
    values = {"none": base, "salesops": base - 1e5, "revops": base - 2e5, "both": base - 3e5}
    res = hand_built(values)
    v = make_verdict(res, summarise(res, OBJ), OBJ, 0.9)
    assert (v.best, v.runner_up, v.separated) == ("none", "salesops", True)
    assert v.gap.mean == pytest.approx(1e5)


def test_a_single_setup_is_its_own_verdict():
    """With one setup there is no runner-up and nothing to separate."""
    res = hand_built({"none": np.linspace(1, 2, 5)})
    v = make_verdict(res, summarise(res, OBJ), OBJ)
    assert v == Verdict("none", None, True, Interval(0.0, 0.0, 0.0), CONFIDENCE)


def test_verdict_facts_hold_no_sentences():
    """The verdict's facts are ids, numbers and intervals: no field holds prose."""
    for cls in (Verdict, SeparateBy, Influence):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not names & {"text", "summary", "sentence", "words"}, cls
    assert math.isclose(Influence("a", "b", 0.5).correlation, 0.5)
