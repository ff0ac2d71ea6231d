"""Scenario discovery: PRIM finds a known box; the Latin hypercube fills every slice; Sobol."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make

from sim.executors import SerialExecutor
from sim.explore import RunOptions, discover, latin_hypercube, prim
from sim.explore.discovery import sobol_function
from sim.text.explore import box_text


def test_prim_recovers_a_known_box():
    rng = np.random.default_rng(7)
    x = rng.random((800, 4))
    y = (x[:, 0] > 0.2) & (x[:, 0] < 0.6) & (x[:, 1] > 0.5)
    boxes = prim(x, y, bounds=(np.zeros(4), np.ones(4)))
    box = boxes[0]
    rules = {r.dim: (r.low, r.high) for r in box.rules}
    assert set(rules) == {0, 1}
    assert rules[0] == pytest.approx((0.2, 0.6), abs=0.05)
    assert rules[1] == pytest.approx((0.5, 1.0), abs=0.05)
    assert box.density > 0.9 and box.coverage > 0.9


def test_latin_hypercube_uses_every_slice_once():
    u = latin_hypercube(20, 3, seed=1)
    for d in range(3):
        assert sorted(np.floor(u[:, d] * 20).astype(int)) == list(range(20))


def test_sobol_wiring_on_the_ishigami_function():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[-np.pi, np.pi]] * 3}

    def ishigami(v):
        return np.sin(v[0]) + 7 * np.sin(v[1]) ** 2 + 0.1 * v[2] ** 4 * np.sin(v[0])

    res = sobol_function(problem, ishigami, 512)
    assert res["S1"] == pytest.approx([0.314, 0.442, 0.0], abs=0.08)


def test_discover_on_the_model():
    scenario = make(horizon_months=12)
    options = RunOptions(replications=2, seed=0, executor=SerialExecutor())
    d = discover(
        scenario,
        "revops",
        ["org.teams.revops.cost_per_fte_month=0:40000", "org.teams.revops.effects"],
        samples=16,
        options=options,
    )
    facts = d.facts()
    assert facts["setup"] == "revops" and len(d.winners) == 16
    for box in facts["boxes"]:
        assert set(box) >= {"rules", "coverage", "density"}
        assert all(set(r) == {"param", "low", "high"} for r in box["rules"])
    if d.boxes:
        assert "wins in" in box_text(d, 0)
