"""Chance apart from ignorance (sim/explore/doubt.py): each gain's spread, split in two.

With every uncertain input fixed at its mode in the scenario itself, nothing is left to
ignorance: the input share must be exactly 0. With no run-to-run noise, nothing is left to
chance: the chance share must be 0 and the input that drives the gain must be named.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, make, make_from

import sim.explore.doubt as doubt_module
from sim.cli import main
from sim.explore.doubt import (
    doubt,
    fixed_at_modes,
    input_draws,
    split_gain,
    uncertain_inputs,
)
from sim.explore.runs import RunOptions
from sim.io import parse_scenario, scenario_to_yaml
from sim.text.doubt import doubt_text

SHORT = 12  # months


def _collapsed():
    """The reference company with every team's ranges collapsed to their modes."""
    data = base_dict()
    for team in data["org"]["teams"].values():
        team["effects"] = {k: [v[1]] * 3 for k, v in team["effects"].items()}
        team["months_to_full_effect"] = 1
    data["horizon_months"] = SHORT
    return parse_scenario(data)


def test_the_uncertain_inputs_are_every_team_range_wider_than_a_point():
    scenario = make(**{"org.teams.revops.strength": [0.5, 1.0, 1.5]})
    paths = {i.path for i in uncertain_inputs(scenario)}
    assert "org.teams.revops.strength" in paths
    assert "org.teams.salesops.strength" not in paths  # [1, 1, 1] by default: not uncertain
    assert "org.teams.revops.effects.monthly_churn" in paths
    assert uncertain_inputs(_collapsed()) == []
    fixed = fixed_at_modes(uncertain_inputs(scenario))
    assert fixed["org.teams.revops.effects.monthly_churn"] == [-0.10, -0.10, -0.10]


def test_inputs_fixed_at_their_modes_in_the_scenario_leave_no_input_share():
    result = doubt(_collapsed(), RunOptions(replications=6, seed=4, workers=1))
    assert set(result.gains) == {"salesops", "revops", "both"}
    for setup, g in result.gains.items():
        assert g.input_share == 0.0, setup
        assert g.chance_share == 1.0, setup  # the gain still varies: chance is all of it
        assert g.gain == g.gain_inputs_fixed
        assert g.main_input is None
        assert "chance" in doubt_text(result, setup)


def test_no_run_to_run_noise_leaves_no_chance_share():
    """Called directly: with the inputs fixed every future gives the same gain."""
    rng = np.random.default_rng(5)
    draws = pd.DataFrame({"a": rng.uniform(0, 1, 40), "b": rng.uniform(0, 1, 40)})
    drawn = 3.0 + 2.0 * draws["b"].to_numpy()
    g = split_gain("x", drawn, np.full(40, 3.0), draws, 0.9)
    assert g.chance_share == 0.0 and g.input_share == 1.0
    assert g.main_input == "b"
    assert g.input_shares["b"] == pytest.approx(1.0)
    assert g.input_shares["a"] < 0.2


def test_a_model_without_noise_puts_all_the_doubt_on_the_input_that_drives_it(monkeypatch):
    """A degenerate model: each future's gain is a function of one team input's draw of that
    future (re-made from its stream), and the same in every future with the inputs fixed.
    `doubt` must line the draws up with the futures and find that input."""
    scenario = make(
        horizon_months=SHORT,
        **{"org.teams.revops.strength": [0.5, 1.0, 2.0]},
    )
    inputs = uncertain_inputs(scenario)
    seed, n = 7, 24
    truth = input_draws(scenario, inputs, seed, list(range(n)))["org.teams.revops.strength"]

    def fake_run_variants(sc, changes, options, setups=None):
        assert set(changes) == {"drawn", "fixed"}
        out = {}
        for vid in changes:
            rows = []
            for r in range(n):
                effect = 1.0 if vid == "fixed" else float(truth[r])
                for setup, gain in (("none", 0.0), ("salesops", 5.0), ("revops", 10 * effect)):
                    rows.append({"setup": setup, "replication": r, sc.objective: gain})
            out[vid] = (None, pd.DataFrame(rows))
        return out

    monkeypatch.setattr(doubt_module, "run_variants", fake_run_variants)
    result = doubt(scenario, RunOptions(replications=n, seed=seed, workers=1))
    revops = result.gains["revops"]
    assert revops.chance_share == 0.0 and revops.input_share == 1.0
    assert revops.main_input == "org.teams.revops.strength"
    assert revops.main_team == "revops"
    assert "how well RevOps will work" in doubt_text(result, "revops")
    salesops = result.gains["salesops"]  # the same gain in every future: nothing to split
    assert salesops.chance_share == salesops.input_share == 0.0
    assert "no doubt to split" in doubt_text(result, "salesops")
    assert list(result.gains) == ["revops", "salesops"]  # largest mean gain first


def test_the_json_gives_each_gain_its_shares_and_its_own_teams_inputs():
    """On a real run: shares add to one, and only a setup's own teams (and the world) are
    candidates for the input that matters most. (How large the input share is on a few
    futures is left to chance; the degenerate cases above pin its ends.)"""
    data = base_dict()
    data["org"]["teams"]["revops"]["strength"] = [0.0, 1.0, 3.0]
    data["org"]["teams"]["revops"]["months_to_full_effect"] = 1
    scenario = make_from(data, horizon_months=SHORT)
    result = doubt(scenario, RunOptions(replications=6, seed=2, workers=1))
    facts = json.loads(json.dumps(result.facts(), allow_nan=False))
    assert facts["fixed_at_modes"]["org.teams.revops.strength"] == 1.0
    for g in facts["setups"].values():
        assert {"gain", "chance_share", "input_share", "main_input"} <= set(g)
        assert {"mean", "low", "high"} <= set(g["gain"])
        assert g["chance_share"] + g["input_share"] == pytest.approx(1.0)
        assert g["main_input"] is None or g["main_input"] in g["input_shares"]
    revops = facts["setups"]["revops"]
    assert revops["input_shares"] and all(
        p.startswith("org.teams.revops.") for p in revops["input_shares"]
    )
    assert any(p.startswith("org.teams.salesops.") for p in facts["setups"]["both"]["input_shares"])


def test_the_cli_writes_the_split_as_json(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(scenario_to_yaml(_collapsed()), encoding="utf-8")
    run = ["--reps", "3", "--backend", "serial", "--quiet", "--format", "json"]
    assert main(["explore", "doubt", str(path), *run]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["setups"]) == {"salesops", "revops", "both"}
    assert all(s["input_share"] == 0.0 for s in out["setups"].values())
    assert len(out["text"]) == 3
