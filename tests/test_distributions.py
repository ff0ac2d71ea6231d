"""Cycle distributions as objects: each one's sample, mean and quantiles agree, and the form's
days/spread columns round-trip through its fields."""

from __future__ import annotations

import numpy as np
import pytest

from sim.params import CYCLE_DISTRIBUTIONS
from sim.params.distributions import cycle_shapes
from sim.streams import CandidateDraws

SHAPES = {
    "lognormal": {"distribution": "lognormal", "median": 60.0, "sigma": 0.5},
    "gamma": {"distribution": "gamma", "mean": 60.0, "shape": 2.0},
    "exponential": {"distribution": "exponential", "mean": 60.0},
    "fixed": {"distribution": "fixed", "value": 60.0},
}
N = 200_000


def _cycle(name: str):
    return CYCLE_DISTRIBUTIONS[name].model_validate(SHAPES[name])


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_sample_mean_and_quantiles_agree(name):
    cycle = _cycle(name)
    draws = CandidateDraws(seed=1, replication=0, source="inbound", n=N)
    cand = np.arange(N)
    shapes = cycle_shapes([cycle], lambda: np.zeros(N, dtype=int))
    days = cycle.sample(draws, cand, shapes)
    assert days.shape == (N,)
    assert days.mean() == pytest.approx(cycle.mean, rel=0.02)
    for q in (0.1, 0.5, 0.9):
        assert np.quantile(days, q) == pytest.approx(cycle.quantile(q), rel=0.03, abs=1e-9)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_form_columns_round_trip(name):
    cls = CYCLE_DISTRIBUTIONS[name]
    data = SHAPES[name]
    days = data[cls.days_field]
    spread = data[cls.spread_field] if cls.spread_field else None
    assert cls.form_data(days, spread) == data


def test_only_gamma_asks_for_the_segments_of_candidates():
    asked = []

    def segment_of():
        asked.append(True)
        return np.array([0, 1, 1])

    assert cycle_shapes([_cycle("lognormal"), _cycle("fixed")], segment_of) is None
    assert not asked
    shapes = cycle_shapes([_cycle("lognormal"), _cycle("gamma")], segment_of)
    assert shapes.tolist() == [1.0, 2.0, 2.0]


def test_sampling_problems_name_the_field():
    wide = CYCLE_DISTRIBUTIONS["lognormal"](median=60.0, sigma=200.0)
    assert wide.sampling_problems("segments.0.sales_cycle_days", 8.0, 1e6)[0][0] == (
        "segments.0.sales_cycle_days.sigma"
    )
    thin = CYCLE_DISTRIBUTIONS["gamma"](distribution="gamma", mean=60.0, shape=1e-4)
    assert thin.sampling_problems("at", 8.0, 1e6) == [
        ("at.shape", "a gamma shape below 0.001 cannot be sampled")
    ]
