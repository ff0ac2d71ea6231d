"""Declared world uncertainty (`uncertainty:`; sim/uncertainty.py): each future draws its own
world numbers, the same for every setup of that future, from its own stream.

Without the section nothing changes (the scenario is run as it is); with ranges collapsed to
the field's own value, the runs are identical bit for bit to the scenario without them.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, make, make_from

from sim.cache import world_key
from sim.experiments import RunTask, run_replications, run_task, variants_from
from sim.explore.doubt import fixed_at_modes, input_draws, uncertain_inputs
from sim.explore.runs import RunOptions
from sim.explore.voi import value_of_information
from sim.io import ScenarioError, apply_overrides, parse_scenario, scenario_to_yaml
from sim.io import load_scenario as _load
from sim.text.explore import evppi_text
from sim.uncertainty import in_future, world_draws

SHORT = 6
MQLS = "market.inbound_mqls_per_month"
WIN = "segments.0.win_rate"


def _with(ranges: dict):
    """The reference company over a short horizon, with `ranges` as its `uncertainty:`."""
    data = base_dict()
    data["horizon_months"] = SHORT
    data["uncertainty"] = ranges
    return make_from(data)


def _kpis(result) -> pd.DataFrame:
    return result.kpis.sort_values(["setup", "replication"]).reset_index(drop=True)


def test_without_the_section_a_future_is_the_scenario_itself():
    scenario = make(horizon_months=SHORT)
    assert scenario.uncertainty == {}
    assert in_future(scenario, 3, 7) is scenario
    assert "uncertainty" not in scenario_to_yaml(scenario)


def test_ranges_at_the_fields_own_values_change_nothing_bit_for_bit():
    """Drawing, copying and validating a future's scenario loses no bit of any number."""
    plain = make(horizon_months=SHORT)
    pinned = _with({MQLS: [250, 250, 250], WIN: [0.2, 0.2, 0.2], "sales.reps": [8, 8, 8]})
    assert world_key(pinned) != world_key(plain)  # the cache keeps them apart all the same
    a = run_replications(plain, 3, seed=5, workers=1)
    b = run_replications(pinned, 3, seed=5, workers=1)
    pd.testing.assert_frame_equal(_kpis(a), _kpis(b), check_exact=True)


def test_every_setup_of_a_future_runs_on_that_futures_own_draw():
    """Common random numbers: replication r of every setup equals the scenario with the
    number fixed at r's draw, and the draw moves the baseline's leads."""
    scenario = _with({MQLS: [100, 250, 400]})
    seed = 2
    drawn = run_replications(scenario, 3, seed=seed, workers=1)
    leads = []
    for r in range(3):
        value = world_draws(scenario, seed, r)[MQLS]
        fixed = make(horizon_months=SHORT, **{MQLS: value})
        one = run_replications(fixed, 1, seed=seed, first_replication=r, workers=1)
        mine = drawn.kpis[drawn.kpis["replication"] == r]
        pd.testing.assert_frame_equal(
            _kpis(one).drop(columns="replication"),
            mine.sort_values("setup").reset_index(drop=True).drop(columns="replication"),
            check_exact=True,
        )
        leads.append(float(mine[mine["setup"] == "none"]["leads"].iloc[0]))
    assert len(set(leads)) == 3


def test_each_number_draws_from_its_own_stream():
    one = _with({MQLS: [100, 250, 400]})
    two = _with({MQLS: [100, 250, 400], WIN: [0.15, 0.2, 0.3]})
    for r in range(5):
        assert world_draws(one, 9, r)[MQLS] == world_draws(two, 9, r)[MQLS]
    draws = [world_draws(two, 9, r) for r in range(200)]
    assert all(100 <= d[MQLS] <= 400 and 0.15 <= d[WIN] <= 0.3 for d in draws)
    assert abs(np.corrcoef([d[MQLS] for d in draws], [d[WIN] for d in draws])[0, 1]) < 0.2


def test_a_whole_number_field_draws_whole_numbers():
    scenario = _with({"sales.reps": [4, 8, 12]})
    values = {world_draws(scenario, 0, r)["sales.reps"] for r in range(40)}
    assert all(isinstance(v, int) for v in values) and len(values) > 3
    assert in_future(scenario, 0, 1).sales.reps == world_draws(scenario, 0, 1)["sales.reps"]


@pytest.mark.parametrize(
    ("ranges", "words"),
    [
        ({"market.no_such_number": [1, 2, 3]}, "no field 'market.no_such_number'"),
        ({MQLS: [300, 250, 200]}, "low <= mode <= high"),
        ({WIN: [0.1, 0.5, 1.4]}, "high end 1.4 is not a valid value"),
        ({"sales.reps": [-2, 8, 10]}, "low end -2 is not a valid value"),
        ({"sales.reps": [6.5, 8, 10]}, "must be a whole number"),
        ({"org.teams.revops.headcount": [1, 1, 2]}, "only a number of the world"),
        ({"segments": [1, 2, 3]}, "is not a number"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(ranges, words):
    data = base_dict()
    data["uncertainty"] = ranges
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data)
    message = str(err.value)
    assert f"uncertainty.{next(iter(ranges))}" in message and words in message


def test_setting_a_drawn_number_fixes_it():
    """`--set` (and every explore variant) of a number the scenario draws runs that value."""
    data = base_dict()
    data["uncertainty"] = {MQLS: [100, 250, 400], WIN: [0.15, 0.2, 0.3]}
    out = apply_overrides(data, [f"{MQLS}=300"])
    assert out["uncertainty"] == {WIN: [0.15, 0.2, 0.3]} and out["market"][MQLS[7:]] == 300
    scenario = parse_scenario(data)
    (variant,) = variants_from(scenario, [{MQLS: 180, WIN: 0.25}])
    assert variant.scenario.uncertainty == {}
    assert in_future(variant.scenario, 0, 4).market.inbound_mqls_per_month == 180


def test_the_yaml_keeps_the_ranges(tmp_path):
    scenario = _with({MQLS: [100, 250, 400]})
    path = tmp_path / "s.yaml"
    path.write_text(scenario_to_yaml(scenario), encoding="utf-8")
    again = _load(path)
    assert again == scenario
    assert again.uncertainty[MQLS].low == 100


def test_a_run_task_uses_the_same_future_for_every_setup():
    scenario = _with({MQLS: [100, 250, 400]})
    both = run_task(RunTask(scenario, ("none", "revops"), 1, 3))
    alone = run_task(RunTask(scenario, ("revops",), 1, 3))
    assert both[1].kpis == alone[0].kpis


def test_value_of_information_adds_a_row_per_uncertain_world_number():
    scenario = _with({MQLS: [100, 250, 400], WIN: [0.15, 0.2, 0.3]})
    v = value_of_information(scenario, RunOptions(replications=8, seed=1, workers=1))
    rows = {r.param: r for r in v.evppi}
    assert {MQLS, WIN} <= set(rows)
    for path in (MQLS, WIN):
        assert rows[path].team is None and 0.0 <= rows[path].value <= v.evpi.mean + 1e-9
    facts = json.loads(json.dumps(v.facts(), allow_nan=False))
    assert {MQLS, WIN} <= {r["param"] for r in facts["evppi"]}
    i = [r.param for r in v.evppi].index(MQLS)
    assert "inbound" in evppi_text(v, i).lower()


def test_doubt_counts_the_worlds_ranges_as_inputs_and_fixes_them_at_their_modes():
    scenario = _with({MQLS: [100, 250, 400]})
    inputs = uncertain_inputs(scenario)
    world = [i for i in inputs if i.team is None]
    assert [i.path for i in world] == [MQLS]
    fixed = fixed_at_modes(inputs)
    assert fixed["uncertainty"] == {MQLS: [250, 250, 250]}
    (variant,) = variants_from(scenario, [fixed])
    assert in_future(variant.scenario, 0, 3).market.inbound_mqls_per_month == 250
    draws = input_draws(scenario, world, 4, [0, 1, 2])
    assert draws[MQLS].tolist() == [world_draws(scenario, 4, r)[MQLS] for r in range(3)]
