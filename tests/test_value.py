"""What the change is worth: value created, every objective side by side, team strength,
and each team's uplift on outcomes against its published bands."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import base_dict, make, make_from

import sim
from sim.answers import comparison_json
from sim.metrics import equity_factor
from sim.org import draw_team_effects, draw_team_strength, setup_effects
from sim.params import OBJECTIVES
from sim.verdict.uplift import UPLIFT_BANDS, team_uplifts

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_value_created_is_the_default_objective_and_every_verdict_shows_all_of_them():
    sc = make(horizon_months=12)
    assert OBJECTIVES[0] == "value_created"
    assert (
        sim.Scenario.model_validate(
            {k: v for k, v in base_dict().items() if k not in ("objective",)}
        ).objective
        == "value_created"
    )
    result = sim.compare(sc, 6, seed=1, explain=False)
    facts = comparison_json(result)
    assert set(facts["objectives"]) >= {
        "value_created",
        "npv_contribution",
        "cumulative_contribution",
        "ending_arr",
    }
    assert [k for k, v in facts["objectives"].items() if v["decides"]] == [result.objective]
    assert facts["verdict"]["objectives_text"]


def test_value_created_is_cash_within_the_horizon_plus_the_value_after_it():
    """value_created = npv_contribution + value after the horizon (going concern by default)."""
    sc = make(horizon_months=12)
    for setup in ("none", "revops"):
        k = sim.simulate(sc, setup, 0, 3).kpis
        assert k["value_within"] == pytest.approx(k["npv_contribution"])
        assert k["value_created"] == pytest.approx(k["value_within"] + k["value_after"])
        assert k["value_created"] == pytest.approx(k["value_going_concern"])
        assert k["customer_equity"] > 0


def test_the_equity_factor_is_the_discounted_sum_it_stands_for():
    """Closed form vs the plain sum of discounted monthly revenue of e^(kappa t)."""
    for kappa in (-0.03, 0.0, 0.004):
        months, r = 60, 0.008
        plain = sum(
            (1 + r) ** -m * (math.exp(kappa * m) - math.exp(kappa * (m - 1))) / kappa
            if kappa
            else (1 + r) ** -m
            for m in range(1, months + 1)
        )
        assert float(equity_factor(np.array([kappa]), months, r)[0]) == pytest.approx(plain)


def test_the_verdict_says_when_the_objectives_disagree_and_why():
    """A team that pays only through retention: cash favours none, value favours the team."""
    data = base_dict()
    data["org"] = {
        "teams": {
            "keep": {
                "cost_per_fte_month": 30000,
                "months_to_full_effect": 0,
                "effects": {"monthly_churn": -0.6},
            }
        },
        "setups": {"none": [], "keep": ["keep"]},
    }
    sc = make_from(
        data,
        horizon_months=12,
        **{"starting_customers.count": 200, "starting_customers.mrr_each": 2000.0},
    )
    result = sim.compare(sc, 8, seed=2, explain=False)
    boards = result.objectives()
    assert boards["value_created"].best == "keep"
    assert boards["cumulative_contribution"].best == "none"
    sentence = sim.text.objectives_sentence(result)
    assert "stop counting at the horizon" in sentence


def test_team_strength_is_drawn_per_replication_in_its_range_and_scales_rates_not_correlations():
    data = base_dict()
    data["org"]["teams"]["salesops"]["strength"] = [0.2, 0.5, 0.9]
    sc = make_from(data)
    team = sc.org.teams["salesops"]
    fixed = make().org.teams["salesops"]
    draws = [draw_team_strength("salesops", team, 5, r) for r in range(200)]
    assert min(draws) >= 0.2 and max(draws) <= 0.9
    assert np.mean(draws) == pytest.approx((0.2 + 0.5 + 0.9) / 3, abs=0.05)
    for r in range(5):
        s = draw_team_strength("salesops", team, 5, r)
        scaled = draw_team_effects("salesops", team, 5, r)
        plain = draw_team_effects("salesops", fixed, 5, r)
        for lever, value in plain.items():
            expected = value if lever == "lead_scoring_accuracy" else value * s
            assert scaled[lever] == pytest.approx(expected)


def test_a_teams_strength_changes_nothing_in_the_setups_without_it():
    """Strength has its own stream: none and revops are identical run for run."""
    data = base_dict()
    data["org"]["teams"]["salesops"]["strength"] = [0.1, 0.4, 0.8]
    a, b = make(horizon_months=6), make_from(data, horizon_months=6)
    for setup in ("none", "revops"):
        ra, rb = sim.simulate(a, setup, 1, 9), sim.simulate(b, setup, 1, 9)
        assert ra.kpis["value_created"] == rb.kpis["value_created"]
    assert (
        setup_effects(b, "salesops", 9, 1).team_effects
        != setup_effects(a, "salesops", 9, 1).team_effects
    )


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_each_team_alone_lifts_its_outcomes_inside_the_published_bands(preset):
    """Each team alone vs no team (8 replications): the uplift of every outcome the team
    claims to move is consistent with its band (net-new ARR 0-25%, GRR 0-3 points, ...).

    About 40 checks run over the presets, so each interval is at 99.9% (Bonferroni for a
    5% chance of any false alarm in the family)."""
    sc = sim.load_scenario(preset)
    table = team_uplifts(sc, replications=8, seed=0, confidence=0.999)
    assert set(table["outcome"]) == set(UPLIFT_BANDS)
    judged = table[table["inside"].notna()]
    outside = judged[~judged["inside"].astype(bool)]
    assert outside.empty, outside[["team", "outcome", "mean", "band_low", "band_high"]]


@pytest.mark.slow
def test_both_teams_sit_in_the_combined_band_on_the_default_company_each_alone_below():
    """The calibration, on outcomes (default preset, 24 replications, seed 0): both teams
    together lift net-new ARR inside the combined band (mean within 0-25%, single futures'
    P90 at most about its ~25% ceiling), each team alone by less than both (on the same
    futures), and RevOps' retention work lifts GRR within its anchor (0 / +1 / +3 points)."""
    sc = sim.load_scenario(ROOT / "scenarios" / "default.yaml")
    table = team_uplifts(sc, replications=24, seed=0, confidence=0.9).set_index(["team", "outcome"])
    both = table.loc[("both", "net_new_arr")]
    assert 0.0 < both["mean"] < 0.25
    assert both["p90"] < 0.30
    for team in ("salesops", "revops"):
        assert table.loc[(team, "net_new_arr"), "mean"] < both["mean"]
    grr = table.loc[("revops", "grr")]
    assert 0.005 <= grr["mean"] <= 0.02
    assert grr["low"] >= 0.0
    assert grr["high"] <= 0.03
