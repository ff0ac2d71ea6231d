"""The lever registry: one declaration per lever, one `apply`, and stages that read only theirs."""

from __future__ import annotations

import typing
from collections import defaultdict

import numpy as np
import pytest
from conftest import base_dict, make_from

from sim.levers import LEVERS, STAGES, apply, levers_read_by
from sim.model import run_replication
from sim.org import StageEffects, setup_effects
from sim.params import LeverName


def _every_lever_scenario():
    """One team, 'all', moving every lever at once (small, short, every code path live)."""
    effects = {
        name: ([-0.3, -0.2, -0.1] if lever.lowers else [0.05, 0.1, 0.15])
        for name, lever in LEVERS.items()
    }
    effects["lead_scoring_accuracy"] = [0.4, 0.5, 0.6]
    data = base_dict()
    data["org"] = {
        "teams": {"all": {"headcount": 1, "cost_per_fte_month": 1000, "effects": effects}},
        "setups": {"none": [], "all": ["all"]},
    }
    # the reps make first touches, so their time budget reads the inbound levers too
    return make_from(data, horizon_months=6, **{"lead_handling.first_touch.capacity": 0})


def test_the_schema_accepts_exactly_the_registered_levers():
    """A lever exists in the schema if and only if the registry declares it."""
    assert set(typing.get_args(LeverName)) == set(LEVERS)


def test_each_stage_reads_exactly_the_levers_the_registry_lists_for_it(monkeypatch):
    """Run one replication with every lever moved and record which stage applied which lever."""
    read: dict[str, set[str]] = defaultdict(set)
    for method in ("apply", "apply_scalar", "scalar_fn"):
        original = getattr(StageEffects, method)

        def spy(self, lever, *args, _original=original, **kwargs):
            read[self.stage].add(lever)
            return _original(self, lever, *args, **kwargs)

        monkeypatch.setattr(StageEffects, method, spy)
    run_replication(_every_lever_scenario(), "all", replication=0, seed=4)
    assert {stage: read[stage] for stage in STAGES} == {s: set(levers_read_by(s)) for s in STAGES}
    assert set().union(*read.values()) == set(LEVERS)


def test_a_stage_asking_for_another_stages_lever_is_refused():
    """The deal floor has no business with the inbound rate: asking is a KeyError naming both."""
    fx = setup_effects(_every_lever_scenario(), "all", seed=0, replication=0)
    with pytest.raises(KeyError, match=r"deal_floor.*inbound_rate"):
        fx.stage("deal_floor").apply("inbound_rate", 1.0, 0.0)


def test_points_add_and_clip_to_the_value_range():
    """A win rate of 0.98 plus 5 points is a probability of 1, not 1.03."""
    assert apply("win_rate", 0.20, 0.05) == pytest.approx(0.25)
    assert apply("win_rate", 0.98, 0.05) == 1.0
    assert apply("selling_time_share", 0.02, -0.05) == LEVERS["selling_time_share"].clip[0]


def test_relative_effects_multiply_and_never_turn_a_quantity_negative():
    """-20% of a 90-day cycle is 72 days; an effect past -100% leaves nothing, not less."""
    assert apply("sales_cycle", 90.0, -0.2) == pytest.approx(72.0)
    assert apply("sales_cycle", 90.0, -1.5) == 0.0
    assert apply("handoff_leakage", 0.9, 0.5) == 1.0  # a share stays a share


def test_a_correlation_lever_is_the_effect_itself_within_zero_and_one():
    """Scoring accuracy is not scaled like a rate: the drawn accuracy is the accuracy."""
    assert apply("lead_scoring_accuracy", 0.0, 0.5) == 0.5
    assert apply("lead_scoring_accuracy", 0.0, 1.7) == 1.0
    out = apply("lead_scoring_accuracy", np.zeros(3), np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(out, [0.1, 0.2, 0.3])


def test_the_scalar_path_agrees_with_the_vector_path():
    """The event loop's plain-Python apply gives what the vectorised apply gives."""
    for name, lever in LEVERS.items():
        for base, effect in ((0.3, 0.1), (0.3, -0.5), (0.99, 0.2), (5.0, -1.2)):
            assert lever.apply_scalar(base, effect) == pytest.approx(
                float(lever.apply(base, effect))
            ), name
