"""Value of information: EVPI is the chosen setup's expected regret; 0 <= EVPPI <= EVPI."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make

import sim
from sim.executors import SerialExecutor
from sim.explore import RunOptions, evpi_of, evppi, value_of_information
from sim.text.explore import evpi_text, evppi_text
from sim.verdict import expected_regret

REPS = 24


@pytest.mark.slow
def test_evpi_is_the_expected_regret_and_evppi_is_bounded():
    scenario = make(horizon_months=12)
    options = RunOptions(replications=REPS, seed=1, executor=SerialExecutor())
    v = value_of_information(scenario, options)
    values = sim.run_replications(scenario, REPS, 1, executor=SerialExecutor()).objective(
        "cumulative_contribution"
    )
    chosen = str(values.mean().idxmax())
    assert v.chosen == chosen
    assert v.evpi.mean == pytest.approx(float(expected_regret(values)[chosen]), rel=1e-9)
    assert v.evppi, "every team effect gets a row"
    for row in v.evppi:
        assert 0.0 <= row.value <= v.evpi.mean + 1e-9, row
    facts = v.facts()
    assert set(facts) >= {"chosen", "evpi", "evppi"}
    assert {"param", "value"} <= set(facts["evppi"][0])
    assert "Choosing" in evpi_text(v) and "Learning" in evppi_text(v)


def test_evppi_recovers_a_parameter_that_decides_everything():
    """When the better option is a function of theta alone, knowing theta is perfect info."""
    rng = np.random.default_rng(0)
    theta = rng.uniform(-1, 1, 400)
    net = np.column_stack([np.zeros_like(theta), theta])
    total = evpi_of(net)
    assert total == pytest.approx(np.maximum(theta, 0).mean() - max(0, theta.mean()))
    assert evppi(net, theta) == pytest.approx(total, rel=0.02)
    assert evppi(net, rng.uniform(size=400)) < 0.1 * total  # an unrelated parameter
