"""Robust choices on hand-computed payoff tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.verdict.robust import (
    doubt_split,
    max_regret,
    robust_choice,
    satisficing_margin,
)

# Four futures, three setups. Best per future: a, a, b, c.
PAYOFF = pd.DataFrame(
    {"a": [10.0, 9.0, 2.0, 0.0], "b": [7.0, 6.0, 6.0, 5.0], "c": [0.0, 1.0, 1.0, 8.0]}
)
# Regrets: a [0, 0, 4, 8]; b [3, 3, 0, 3]; c [10, 8, 5, 0]


def test_max_regret_by_hand():
    assert max_regret(PAYOFF).to_dict() == {"a": 8.0, "b": 3.0, "c": 10.0}


def test_minimax_regret_picks_the_safe_setup_not_the_best_on_average():
    assert robust_choice(PAYOFF, share=0.75).minimax_regret == "b"
    # a wins three futures by 10 and loses the fourth by 22; b never loses more than 10
    risky = pd.DataFrame({"a": [12.0, 12.0, 12.0, -20.0], "b": [2.0, 2.0, 2.0, 2.0]})
    choice = robust_choice(risky)
    assert choice.best_on_average == "a"
    assert choice.max_regret == {"a": 22.0, "b": 10.0}
    assert choice.minimax_regret == "b"


def test_satisficing_margin_is_the_order_statistic_of_regret():
    # 75% of 4 futures = 3 futures: third smallest regret
    assert satisficing_margin(PAYOFF, 0.75).to_dict() == {"a": 4.0, "b": 3.0, "c": 8.0}
    assert satisficing_margin(PAYOFF, 0.5).to_dict() == {"a": 0.0, "b": 3.0, "c": 5.0}
    assert robust_choice(PAYOFF, share=0.5).satisficing == "a"
    assert robust_choice(PAYOFF, share=0.75).satisficing == "b"


def test_a_dominant_setup_has_no_regret_anywhere():
    table = pd.DataFrame({"x": [5.0, 6.0, 7.0], "y": [1.0, 2.0, 3.0]})
    assert max_regret(table)["x"] == 0.0
    assert robust_choice(table).as_dict()["satisficing"]["margin"]["x"] == 0.0


def test_missing_values_refused():
    with pytest.raises(ValueError):
        max_regret(pd.DataFrame({"x": [1.0, np.nan]}))


def test_inputs_fixed_at_their_modes_leave_no_input_share():
    rng = np.random.default_rng(1)
    same = rng.normal(0, 1, 200)
    split = doubt_split(same, same)
    assert split.input_share == 0.0 and split.chance_share == 1.0


def test_no_run_to_run_noise_leaves_no_chance_share():
    split = doubt_split(np.full(50, 3.0), np.random.default_rng(2).normal(3, 1, 50))
    assert split.chance_share == 0.0 and split.input_share == 1.0


def test_most_of_the_doubt_is_the_inputs_when_they_spread_the_gain_more():
    rng = np.random.default_rng(3)
    chance = rng.normal(0, 1, 4000)
    drawn = rng.normal(0, 1, 4000) + rng.normal(0, 2, 4000)  # variance 1 + 4
    assert doubt_split(chance, drawn).input_share == pytest.approx(0.8, abs=0.03)


# ------------------------------------------------------------ the verdict's robust section
@pytest.fixture(scope="module")
def small_comparison():
    """The reference company over 6 months, 8 futures, no attribution."""
    from conftest import make

    from sim.verdict import compare

    return compare(make(horizon_months=6), 8, seed=3, workers=1, explain=False)


def test_the_verdict_json_has_a_robust_section(small_comparison):
    from sim.answers import comparison_json

    out = comparison_json(small_comparison)
    robust = out["verdict"]["robust"]
    setups = set(small_comparison.setups)
    assert set(robust) >= {"minimax_regret", "satisficing"}
    assert set(robust["minimax_regret"]) >= {"setup", "max_regret"}
    assert set(robust["satisficing"]) >= {"share", "setup", "margins"}
    assert robust["satisficing"]["share"] == 0.9
    assert robust["minimax_regret"]["setup"] in setups
    assert robust["satisficing"]["setup"] in setups
    assert set(robust["satisficing"]["margins"]) == setups
    assert robust["minimax_regret"]["max_regret"] >= 0.0
    assert out["verdict"]["robust_text"]


def test_the_verdict_robust_section_is_robust_py_on_the_comparisons_own_table(small_comparison):
    """Recomputed here from the replications with the plain functions: the same answer."""
    table = small_comparison.results.objective(small_comparison.objective)
    assert table.shape == (8, 4)
    robust = small_comparison.facts()["verdict"]["robust"]
    worst = max_regret(table)
    margin = satisficing_margin(table, 0.9)
    assert robust["minimax_regret"]["setup"] == worst.idxmin()
    assert robust["minimax_regret"]["max_regret"] == pytest.approx(worst.min())
    assert robust["minimax_regret"]["max_regrets"] == pytest.approx(worst.to_dict())
    assert robust["satisficing"]["margins"] == pytest.approx(margin.to_dict())
    assert robust["satisficing"]["margin"] == pytest.approx(margin.min())
    # the best on average has no regret in the futures it wins, and is the verdict's winner
    assert robust["best_on_average"] == small_comparison.verdict.best == table.mean().idxmax()


def test_the_robust_sentence_says_when_the_robust_choice_is_the_winner(small_comparison):
    from sim.text import robust_text, setup_name

    choice = small_comparison.robust()
    text = robust_text(small_comparison)
    best = small_comparison.verdict.best
    assert setup_name(best) in text
    same = choice.minimax_regret == best and choice.satisficing == best
    assert text.startswith("The robust choice is the winner too") == same
    if choice.minimax_regret != best:
        assert setup_name(choice.minimax_regret) in text
    assert robust_text(small_comparison, "ja") != text


def test_the_robust_sentence_names_a_safer_setup_when_it_differs():
    """A hand-made reading: none best on average and in 3 futures of 4, 'b' safest."""
    from types import SimpleNamespace

    from sim.text import robust_text

    choice = robust_choice(
        pd.DataFrame({"none": [12.0e6, 12.0e6, 12.0e6, -20.0e6], "b": [2.0e6] * 4}), share=0.75
    )
    fake = SimpleNamespace(
        robust=lambda: choice,
        objective="cumulative_contribution",
        scenario=SimpleNamespace(currency="USD"),
        verdict=SimpleNamespace(best="none"),
    )
    text = robust_text(fake)
    assert text.startswith("Best on average: 'No ops team'.")
    assert "Safest against a bad future: 'B'" in text
    assert "$10.00M" in text and "$22.00M" in text
    assert "It is also the best setup outright in at least 75% of futures." in text
