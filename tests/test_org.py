"""Org setups: effect draws, ramps, and how teams' effects combine."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import base_dict, make, make_from

from sim.levers import LEVERS
from sim.org import (
    SetupEffects,
    Staffing,
    _Contribution,
    coverage_multiplier,
    draw_team_effects,
    draw_team_strength,
    setup_effects,
    triangular_ppf,
)
from sim.params import MONTH_DAYS, EffectRange, Team


@pytest.fixture(scope="module")
def scenario():
    return make()


# --------------------------------------------------------------------------- triangular
@pytest.mark.parametrize(
    ("low", "mode", "high"),
    [(0.01, 0.04, 0.08), (-0.8, -0.5, -0.2), (0.0, 0.0, 0.3), (-0.3, 0.0, 0.0), (0.3, 0.5, 0.7)],
)
def test_triangular_draws_lie_in_range_with_mean_a_third_of_the_corners(low, mode, high):
    """Draws by inverse CDF lie in [low, high] with mean (low + mode + high) / 3."""
    rng = EffectRange(low=low, mode=mode, high=high)
    u = np.random.default_rng(0).random(100_000)
    x = np.array([triangular_ppf(float(v), rng) for v in u])
    assert x.min() >= low and x.max() <= high
    assert x.mean() == pytest.approx((low + mode + high) / 3, abs=0.005 * (high - low))
    # the mode is the most likely value: the density peaks there
    counts, edges = np.histogram(x, bins=20, range=(low, high))
    peak = edges[np.argmax(counts)]
    assert abs(peak + (edges[1] - edges[0]) / 2 - mode) <= (high - low) / 10 + 1e-12
    # the inverse CDF is monotone
    grid = np.linspace(0, 1, 101)
    values = [triangular_ppf(float(g), rng) for g in grid]
    assert np.all(np.diff(values) >= 0)
    assert values[0] == pytest.approx(low) and values[-1] == pytest.approx(high)


def test_a_degenerate_range_is_its_single_value():
    """[v, v, v] always gives v (a fixed effect)."""
    rng = EffectRange(low=0.2, mode=0.2, high=0.2)
    assert {triangular_ppf(u, rng) for u in (0.0, 0.3, 0.999)} == {0.2}


# --------------------------------------------------------------------------- draws
def test_team_effects_are_drawn_within_their_ranges(scenario):
    """Every drawn effect lies in its team's range, replication after replication."""
    for name, team in scenario.org.teams.items():
        for r in range(50):
            drawn = draw_team_effects(name, team, 1, r)
            assert drawn.keys() == team.effects.keys()
            for lever, value in drawn.items():
                rng = team.effects[lever]
                assert rng.low <= value <= rng.high


def test_the_same_replication_draws_the_same_salesops_effects_in_salesops_and_both(scenario):
    """A replication's SalesOps effect is the same alone and beside RevOps."""
    for r in range(10):
        alone = setup_effects(scenario, "salesops", 7, r)
        together = setup_effects(scenario, "both", 7, r)
        assert alone.team_effects["salesops"] == together.team_effects["salesops"]
        rev = setup_effects(scenario, "revops", 7, r)
        assert rev.team_effects["revops"] == together.team_effects["revops"]
    # and another replication draws other effects
    assert (
        setup_effects(scenario, "salesops", 7, 0).team_effects
        != setup_effects(scenario, "salesops", 7, 1).team_effects
    )


def test_a_lever_draw_does_not_depend_on_the_other_levers_a_team_moves():
    """Adding a lever to a team leaves the draws of its other levers as they were."""
    small = Team(effects={"win_rate": [0.0, 0.01, 0.05]})
    large = Team(effects={"win_rate": [0.0, 0.01, 0.05], "price": [0.0, 0.02, 0.1]})
    for r in range(5):
        assert (
            draw_team_effects("t", small, 3, r)["win_rate"]
            == draw_team_effects("t", large, 3, r)["win_rate"]
        )


def test_the_baseline_moves_nothing_and_costs_nothing(scenario):
    """Setup `none` has no team: every lever's effect is 0 at all times."""
    fx = setup_effects(scenario, "none", 1, 0)
    assert fx.monthly_cost == 0 and fx.teams == ()
    t = np.array([0.0, 100.0, 1e4])
    for lever in LEVERS:
        assert not fx.moves(lever)
        np.testing.assert_array_equal(fx.at(lever, t), 0.0)
        assert fx.scalar(lever, 50.0) == 0.0


def test_setup_cost_is_the_sum_of_its_teams(scenario):
    """A setup's monthly cost is the sum of its teams' headcount x loaded cost."""
    assert setup_effects(scenario, "salesops", 1, 0).monthly_cost == 10000
    assert setup_effects(scenario, "revops", 1, 0).monthly_cost == 17000
    assert setup_effects(scenario, "both", 1, 0).monthly_cost == 27000


def test_unknown_setup_is_a_key_error_naming_the_known_ones(scenario):
    """Asking for a setup the scenario does not define is an error that lists the setups."""
    with pytest.raises(KeyError, match="salesops"):
        setup_effects(scenario, "sales_ops", 1, 0)


# --------------------------------------------------------------------------- ramp
def test_ramp_is_linear_from_zero_to_full_effect():
    """A team's effect grows linearly from 0 at t=0 to full at months_to_full_effect."""
    data = base_dict()
    data["org"]["teams"]["salesops"]["effects"] = {"win_rate": 0.04}  # fixed effect
    scenario = make_from(data)
    fx = setup_effects(scenario, "salesops", 1, 0)
    ramp = 4 * MONTH_DAYS
    t = np.array([0.0, ramp / 4, ramp / 2, ramp, 2 * ramp, 1e5])
    np.testing.assert_allclose(fx.at("win_rate", t), [0.0, 0.01, 0.02, 0.04, 0.04, 0.04])
    for tt in t:
        assert fx.scalar("win_rate", float(tt)) == pytest.approx(float(fx.at("win_rate", tt)))
    # the slope is constant before full effect
    early = np.linspace(0, ramp, 50)
    assert np.allclose(np.diff(fx.at("win_rate", early), 2), 0, atol=1e-12)


def test_no_ramp_means_full_effect_from_the_start():
    """months_to_full_effect 0: full effect at t = 0."""
    c = _Contribution(full=-0.3, ramp_days=0.0)
    np.testing.assert_array_equal(c.at(np.array([0.0, 10.0])), [-0.3, -0.3])


# --------------------------------------------------------------------------- overlap, synergy
def _fx(contrib, overlap, synergy=None):
    return SetupEffects(
        setup="x",
        teams=("a", "b"),
        overlap=overlap,
        contributions={
            lever: tuple(_Contribution(v, 0.0) for v in vs) for lever, vs in contrib.items()
        },
        synergy={k: _Contribution(v, 0.0) for k, v in (synergy or {}).items()},
    )


@pytest.mark.parametrize("overlap", [0.0, 0.5, 1.0])
def test_two_teams_moving_a_lever_the_same_way_give_the_larger_plus_overlap_times_the_smaller(
    overlap,
):
    """Same direction: larger + overlap x smaller (overlap 0 = the larger, 1 = the sum)."""
    fx = _fx({"win_rate": (0.01, 0.03), "sales_cycle": (-0.05, -0.02)}, overlap)
    assert fx.scalar("win_rate", 1.0) == pytest.approx(0.03 + overlap * 0.01)
    assert fx.scalar("sales_cycle", 1.0) == pytest.approx(-0.05 + overlap * -0.02)
    assert float(fx.at("win_rate", 1.0)) == pytest.approx(0.03 + overlap * 0.01)
    assert float(fx.at("sales_cycle", 1.0)) == pytest.approx(-0.05 + overlap * -0.02)


def test_opposite_directions_add_up():
    """One team up, the other down: the effects simply add."""
    fx = _fx({"price": (0.05, -0.02)}, 0.5)
    assert fx.scalar("price", 1.0) == pytest.approx(0.03)
    assert float(fx.at("price", 1.0)) == pytest.approx(0.03)


def _share(fx, team: str, stage: str, overlap: float) -> float:
    """1 for the team doing the most work on `stage` (effects in typical-effect units), else
    `overlap`: written out here, apart from sim.org."""
    from sim.levers import LEVERS, REFERENCE_EFFECT

    work = {
        t: sum(
            abs(v) / REFERENCE_EFFECT[lever]
            for lever, v in effects.items()
            if LEVERS[lever].stages[0] == stage
        )
        for t, effects in fx.team_effects.items()
    }
    if sum(w > 0 for w in work.values()) < 2:
        return 1.0
    lead = max(fx.team_effects, key=lambda t: (work[t], -list(fx.team_effects).index(t)))
    return 1.0 if lead == team else overlap


def test_overlap_applies_to_drawn_effects_in_setup_both():
    """In `both`, each funnel stage both teams work has a lead (the team doing more of its
    work, in typical-effect units) that counts in full; the other counts `overlap` of its
    effects there. Qualification, arrivals and customers are RevOps' alone."""
    scenario = make(**{"org.overlap": 0.25})
    leads = set()
    for r in range(8):
        fx = setup_effects(scenario, "both", 2, r)
        so, ro = fx.team_effects["salesops"], fx.team_effects["revops"]

        def both(lever: str, stage: str, fx=fx, so=so, ro=ro) -> float:
            return _share(fx, "salesops", stage, 0.25) * so.get(lever, 0.0) + _share(
                fx, "revops", stage, 0.25
            ) * ro.get(lever, 0.0)

        leads.add(_share(fx, "salesops", "rep_time", 0.25))
        assert fx.scalar("selling_time_share", 1e5) == pytest.approx(
            both("selling_time_share", "rep_time")
        )
        # the cycle is anchored on the same gain as selling time: it counts `overlap` of it
        assert fx.scalar("sales_cycle", 1e5) == pytest.approx(
            0.25 * both("sales_cycle", "deal_floor")
        )
        assert fx.scalar("price", 1e5) == pytest.approx(both("price", "deal_floor"))
        assert fx.scalar("win_rate", 1e5) == pytest.approx(both("win_rate", "deal_floor"))
        # qualification is anchored on lead scoring's gain (ANCHORS): `overlap` of it
        assert fx.scalar("qualification_rate", 1e5) == pytest.approx(
            0.25 * ro["qualification_rate"]
        )
        for lever in ("inbound_rate", "audience_size", "monthly_churn", "expansion"):
            assert fx.scalar(lever, 1e5) == pytest.approx(ro[lever])
    assert leads == {1.0}  # SalesOps' +1-8 points of selling time outweigh RevOps' 0-2


def test_a_team_working_a_stage_alone_keeps_its_whole_effect():
    """The stage rule only touches stages two teams share: alone, a team is as drawn."""
    scenario = make(**{"org.overlap": 0.25})
    for r in range(3):
        alone = setup_effects(scenario, "revops", 2, r)
        for lever, value in alone.team_effects["revops"].items():
            if lever != "sales_cycle":  # anchored on selling time (ANCHORS)
                assert alone.scalar(lever, 1e5) == pytest.approx(value)


def test_a_retention_strength_scales_only_the_retention_levers():
    """retention_strength draws from its own stream: acquisition effects do not change."""
    base = make()
    kept = make(**{"org.teams.revops.retention_strength": [2.0, 2.0, 2.0]})
    for r in range(3):
        a = setup_effects(base, "revops", 1, r).team_effects["revops"]
        b = setup_effects(kept, "revops", 1, r).team_effects["revops"]
        for lever in a:
            if lever in ("monthly_churn", "expansion"):
                raw = b[lever] / 2.0
                assert raw * draw_team_strength("revops", base.org.teams["revops"], 1, r) == (
                    pytest.approx(a[lever])
                )
            else:
                assert b[lever] == pytest.approx(a[lever])


def test_synergy_exists_only_when_two_teams_are_present(scenario):
    """The synergy on handoff leakage (-0.1) applies in `both` only, ramping with the slowest."""
    assert not setup_effects(scenario, "salesops", 1, 0).moves("handoff_leakage")
    revops = setup_effects(scenario, "revops", 1, 0)
    both = setup_effects(scenario, "both", 1, 0)
    late = 1e5
    # RevOps' handoff work counts in full or `overlap`, as it leads first touch or not
    share = _share(both, "revops", "first_touch", scenario.org.overlap)
    diff = both.scalar("handoff_leakage", late) - share * revops.scalar("handoff_leakage", late)
    assert diff == pytest.approx(-0.1)
    # synergy ramps with the slowest team (RevOps: 6 months): half of it at 3 months
    slowest = 6 * MONTH_DAYS
    t = slowest / 2
    diff = both.scalar("handoff_leakage", t) - share * revops.scalar("handoff_leakage", t)
    assert diff == pytest.approx(-0.05)
    # a setup of one team has no synergy even if the scenario defines some
    assert setup_effects(scenario, "revops", 1, 0).synergy == {}


def test_restricting_levers_keeps_costs_and_drops_the_other_levers(scenario):
    """levers=(...) keeps only those levers' effects (same draws) and the full team cost."""
    full = setup_effects(scenario, "both", 1, 3)
    part = setup_effects(scenario, "both", 1, 3, levers=("win_rate",))
    assert part.monthly_cost == full.monthly_cost
    assert part.moves("win_rate") and not part.moves("price") and not part.moves("handoff_leakage")
    assert part.scalar("win_rate", 1e5) == full.scalar("win_rate", 1e5)


def test_bound_and_lowest_bracket_the_effect_over_time(scenario):
    """bound/lowest are the max/min of the combined effect over all time."""
    fx = setup_effects(scenario, "both", 1, 0)
    t = np.linspace(0, 1000, 500)
    for lever in LEVERS:
        values = fx.at(lever, t)
        assert values.max() <= fx.bound(lever) + 1e-12
        assert values.min() >= fx.lowest(lever) - 1e-12


def test_a_secondary_anchored_lever_counts_overlap_of_its_effect_beside_its_primary():
    """Selling time and a shorter cycle describe one gain: beside selling time the cycle
    effect counts `overlap`; alone, in full. Scoring and qualification likewise."""

    def scenario(effects, overlap=0.4):
        data = base_dict()
        data["org"] = {
            "teams": {"t": {"headcount": 1, "effects": effects}},
            "setups": {"none": [], "t": ["t"]},
            "overlap": overlap,
        }
        return make_from(data)

    both = setup_effects(scenario({"sales_cycle": -0.1, "selling_time_share": 0.04}), "t", 1, 0)
    alone = setup_effects(scenario({"sales_cycle": -0.1}), "t", 1, 0)
    assert both.scalar("sales_cycle", 1e5) == pytest.approx(0.4 * -0.1)
    assert alone.scalar("sales_cycle", 1e5) == pytest.approx(-0.1)
    assert both.scalar("selling_time_share", 1e5) == pytest.approx(0.04)
    q = setup_effects(
        scenario({"qualification_rate": 0.2, "lead_scoring_accuracy": 0.5}), "t", 1, 0
    )
    assert q.scalar("qualification_rate", 1e5) == pytest.approx(0.4 * 0.2)
    assert q.scalar("lead_scoring_accuracy", 1e5) == pytest.approx(0.5)


def test_a_half_time_team_costs_half_and_its_effects_follow_the_coverage_curve():
    """`revops@0.5`: half the cost; each rate lever at (1 - e^-k/2) / (1 - e^-k) of the
    full-time team's effect in the same replication (k = 2), scoring capped, not scaled up."""
    data = base_dict()
    data["org"]["setups"]["revops_half"] = ["revops@0.5"]
    scenario = make_from(data)
    org = scenario.org
    assert org.monthly_cost("revops_half") == pytest.approx(0.5 * org.monthly_cost("revops"))
    k = 2.0
    expected = (1 - math.exp(-k * 0.5)) / (1 - math.exp(-k))
    assert coverage_multiplier(0.5, k) == pytest.approx(expected)
    assert coverage_multiplier(1.0, k) == pytest.approx(1.0)
    assert coverage_multiplier(0.0, k) == 0.0
    assert coverage_multiplier(0.25, k) > 0.25  # diminishing returns: concave
    for r in range(3):
        full = setup_effects(scenario, "revops", 7, r)
        half = setup_effects(scenario, "revops_half", 7, r)
        assert half.monthly_cost == pytest.approx(0.5 * full.monthly_cost)
        for lever, value in full.team_effects["revops"].items():
            assert half.team_effects["revops"][lever] == pytest.approx(expected * value)


def test_a_stated_coverage_ratio_scales_effects_with_the_reps_covered():
    """With coverage 1 FTE per 10 reps, a 1-FTE team for 20 reps covers half the work."""
    data = base_dict()
    data["org"]["teams"]["revops"]["coverage"] = {"fte_per_rep": 0.1, "curvature": 3.0}
    few = make_from(data, **{"sales.reps": 10})
    many = make_from(data, **{"sales.reps": 20})
    a = setup_effects(few, "revops", 3, 0).team_effects["revops"]
    b = setup_effects(many, "revops", 3, 0).team_effects["revops"]
    ratio = coverage_multiplier(0.5, 3.0) / coverage_multiplier(1.0, 3.0)
    for lever in a:
        assert b[lever] == pytest.approx(ratio * a[lever])


def test_an_effect_with_a_durability_halves_every_half_life_after_full_effect():
    """durability_months = 6, ramp 3 months: full at 3, half at 9, a quarter at 15."""
    data = base_dict()
    data["org"] = {
        "teams": {
            "t": {"months_to_full_effect": 3, "durability_months": 6, "effects": {"win_rate": 0.04}}
        },
        "setups": {"none": [], "t": ["t"]},
    }
    fx = setup_effects(make_from(data), "t", 1, 0)
    m = MONTH_DAYS
    assert fx.scalar("win_rate", 3 * m) == pytest.approx(0.04)
    assert fx.scalar("win_rate", 9 * m) == pytest.approx(0.02)
    assert float(fx.at("win_rate", 15 * m)) == pytest.approx(0.01)
    assert fx.scalar("win_rate", 1.5 * m) == pytest.approx(0.02)  # ramping up
    assert fx.bound("win_rate") == pytest.approx(0.04)


# --------------------------------------------------------------------------- the event loop's path
def test_the_event_loops_lever_functions_give_the_very_floats_of_scalar_and_apply_scalar():
    """`StageEffects.scalar_fn` (bound once, used at every event during a ramp) is exact.

    Contributions that ramp, start late (a plan's team), fade, go both ways and meet a
    synergy: at every time, `scalar_fn(lever)(base, t)` is the float of
    `apply_scalar(base, scalar(lever, t))`, and `SetupEffects.effect_fn(lever)(t)` that of
    `scalar(lever, t)`.
    """
    m = MONTH_DAYS
    fx = SetupEffects(
        setup="x",
        teams=("a", "b"),
        overlap=0.5,
        contributions={
            "win_rate": (_Contribution(0.03, 4 * m), _Contribution(0.01, 6 * m, None, 3 * m)),
            "sales_cycle": (_Contribution(-0.1, 4 * m, 9 * m), _Contribution(0.02, 0.0)),
            "price": (_Contribution(0.05, 0.0, None, 2 * m), _Contribution(-0.02, 6 * m, 6 * m)),
            # a team whose people leave, and a plan's team that grows
            "qualification_rate": (
                _Contribution(0.1, 4 * m, None, 0.0, Staffing(4 * m, ((1.0, 0.0, 200.0),))),
                _Contribution(0.05, 3 * m, None, m, None, ((4 * m, 0.5),)),
            ),
        },
        synergy={"win_rate": _Contribution(0.004, 6 * m, None, 3 * m)},
    )
    times = [-5.0, -0.0, 0.0, 1e-9, 0.5, *np.linspace(0.0, 40 * m, 997).tolist(), 3 * m, 9 * m]
    for lever in ("win_rate", "sales_cycle", "price", "qualification_rate"):
        effect = fx.effect_fn(lever)
        stage = "qualification" if lever == "qualification_rate" else "deal_floor"
        applied = fx.stage(stage).scalar_fn(lever)
        for t in times:
            assert effect(t) == fx.scalar(lever, t), (lever, t)
            for base in (0.0, 0.2, 90.0):
                reference = LEVERS[lever].apply_scalar(base, fx.scalar(lever, t))
                assert applied(base, t) == reference, (lever, t, base)


def test_a_levers_scalar_function_is_its_apply_scalar_to_the_float():
    """`Lever.scalar_fn` is `apply_scalar` with its min/max chains as comparisons: same floats."""
    effects = [-2.0, -1.0, -0.9, -0.5, -0.0, 0.0, 1e-12, 0.3, 1.0, 2.5, math.inf, -math.inf]
    for name, lever in LEVERS.items():
        fn = lever.scalar_fn()
        for base in (0.0, 0.01, 0.3, 0.99, 1.0, 5.0, 90.0):
            for effect in effects:
                got, want = fn(base, effect), lever.apply_scalar(base, effect)
                assert got == want or (math.isnan(got) and math.isnan(want)), (name, base, effect)


def test_one_teams_effect_over_time_is_the_float_the_general_combination_gives():
    """`SetupEffects.at` skips the stacking for a lever one team moves: the same floats.

    The general combination of that team's effect with a second, zero one (larger plus
    overlap times the rest) is the effect itself; the shortcut must give it to the bit,
    ramping, starting late, fading, up or down.
    """
    m = MONTH_DAYS
    t = np.concatenate([[-3.0, -0.0, 0.0], np.linspace(0.0, 40 * m, 2001)])
    for c in (
        _Contribution(0.03, 4 * m),
        _Contribution(-0.1, 6 * m, 9 * m),
        _Contribution(0.05, 0.0, None, 2 * m),
        _Contribution(-0.02, 3 * m, 4 * m, 5 * m),
        _Contribution(0.0, 2 * m),
        _Contribution(
            0.1, 4 * m, None, 0.0, Staffing(4 * m, ((1.0, 0.0, 200.0), (1.0, 260.0, 1e9)))
        ),
        _Contribution(0.05, 3 * m, 9 * m, m, None, ((4 * m, 0.5),)),
    ):
        for overlap in (0.0, 0.5, 1.0):
            alone = SetupEffects("x", ("a",), overlap, {"win_rate": (c,)})
            beside_zero = SetupEffects(
                "x", ("a", "b"), overlap, {"win_rate": (c, _Contribution(0.0, 0.0))}
            )
            got, want = alone.at("win_rate", t), beside_zero.at("win_rate", t)
            assert got.tobytes() == want.tobytes(), (c, overlap)
