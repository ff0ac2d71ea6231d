"""The scenario schema: every bad input is a clear ScenarioError naming the field path."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import base_dict, make, make_from

from sim import ScenarioError
from sim.io import parse_scenario
from sim.params import (
    DEFAULT_SETUPS,
    CycleFixed,
    CycleLognormal,
    MetaError,
    Scenario,
    field_meta,
    iter_scalar_paths,
    source_of,
)

ROOT = Path(__file__).resolve().parent.parent


def error_of(**dotted) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        make(**dotted)
    return info.value


def test_the_spec_example_is_valid_and_keeps_its_values(example):
    """The reference company validates; numbers and setups come through unchanged."""
    assert example.horizon_months == 36
    assert example.segments[0].win_rate == 0.20
    assert example.segments[0].sales_cycle_days == CycleLognormal(median=90, sigma=0.6)
    assert example.sales.sql_patience_days == 21
    assert example.org.setups == DEFAULT_SETUPS
    assert example.org.teams["salesops"].effects["win_rate"].mode == 0.015
    assert example.horizon_days == pytest.approx(36 * 365.25 / 12)
    assert example.setup_names == ("none", "salesops", "revops", "both")


def test_a_scenario_is_frozen(example):
    """Validated scenarios cannot be changed in place (they are shared by every run)."""
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError
        example.horizon_months = 12  # type: ignore[misc]


@pytest.mark.parametrize(
    ("dotted", "path"),
    [
        ({"colour": "red"}, "colour"),
        ({"sales.repz": 3}, "sales.repz"),
        ({"segments.0.acv.mean": 3}, "segments.0.acv.mean"),
        ({"org.teams.salesops.effects.wins": [0, 0, 0]}, "org.teams.salesops.effects.wins"),
    ],
    ids=["top-level", "nested", "in-a-list", "unknown-lever"],
)
def test_unknown_keys_are_errors_naming_the_key(dotted, path):
    """A misspelt key is never silently ignored: the error names its full path."""
    err = error_of(**dotted)
    assert path in str(err)
    assert any(field.startswith(path) for field, _ in err.problems)


@pytest.mark.parametrize(
    ("dotted", "path"),
    [
        ({"market.inbound_mqls_per_month": -5}, "market.inbound_mqls_per_month"),
        ({"segments.0.win_rate": 1.5}, "segments.0.win_rate"),
        ({"segments.0.qualification_rate": -0.1}, "segments.0.qualification_rate"),
        ({"segments.0.monthly_churn": 1.0}, "segments.0.monthly_churn"),
        ({"lead_handling.handoff_leakage": 2}, "lead_handling.handoff_leakage"),
        ({"sales.reps": -1}, "sales.reps"),
        ({"sales.reps": 2.5}, "sales.reps"),
        ({"sales.selling_time_share": 0}, "sales.selling_time_share"),
        ({"horizon_months": 0}, "horizon_months"),
        ({"objective": "profit"}, "objective"),
        (
            {"segments.0.sales_cycle_days": {"distribution": "exponential", "mean": -3}},
            "segments.0.sales_cycle_days.mean",
        ),
        (
            {"segments.0.sales_cycle_days": {"distribution": "weibull", "mean": 3}},
            "segments.0.sales_cycle_days",
        ),
        ({"lead_handling.first_touch.capacity": -1}, "lead_handling.first_touch.capacity"),
        ({"costs.gross_margin": 1.2}, "costs.gross_margin"),
        ({"market.inbound_mqls_per_month": float("inf")}, "market.inbound_mqls_per_month"),
    ],
)
def test_out_of_range_values_are_errors_naming_the_field(dotted, path):
    """Negative rates, probabilities above 1, bad integers and unknown choices are refused."""
    err = error_of(**dotted)
    assert path in str(err), str(err)


def test_an_error_inside_a_segment_does_not_claim_the_segment_list_is_empty():
    """`segments.0.win_rate: 1.5` reports that field alone, not a false 'no segment' problem."""
    err = error_of(**{"segments.0.win_rate": 1.5})
    assert [field for field, _ in err.problems] == ["segments.0.win_rate"], err.problems
    assert "at least 1 item" not in str(err)


def test_nan_is_refused_as_not_finite():
    """NaN in any number is an error naming the field (never a silent NaN in the model)."""
    data = base_dict()
    data["segments"][0]["win_rate"] = float("nan")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert "segments.0.win_rate" in str(info.value)
    assert "finite" in str(info.value)


def test_lead_shares_must_sum_to_one():
    """Segment shares not summing to 1 are an error naming segments and the sum."""
    err = error_of(**{"segments.0.lead_share": 0.8})
    assert "segments" in str(err) and "sum" in str(err) and "0.8" in str(err)


def test_two_segments_with_the_same_name_are_refused():
    """Segment names identify segments (in KPI names): they must be unique."""
    data = base_dict()
    data["segments"].append(dict(data["segments"][0]))
    data["segments"][0]["lead_share"] = 0.5
    data["segments"][1]["lead_share"] = 0.5
    with pytest.raises(ScenarioError, match="segments"):
        parse_scenario(data)


def test_an_effect_range_with_low_above_high_is_refused():
    """[0.04, 0.01, 0.0] is not low <= mode <= high: the error names the lever."""
    err = error_of(**{"org.teams.salesops.effects.win_rate": [0.04, 0.01, 0.0]})
    assert "org.teams.salesops.effects.win_rate" in str(err)
    assert "low <= mode <= high" in str(err)


def test_an_effect_range_of_the_wrong_length_names_the_lever():
    """[0.0, 0.04] is not a range: the error names the lever whose range it is."""
    err = error_of(**{"org.teams.salesops.effects.win_rate": [0.0, 0.04]})
    assert "expected 3 numbers" in str(err)
    assert "org.teams.salesops.effects.win_rate" in str(err), str(err)


def test_a_lowering_lever_with_a_positive_effect_is_refused():
    """sales_cycle lowers a value: a positive range is an error naming team and lever."""
    err = error_of(**{"org.teams.salesops.effects.sales_cycle": [0.0, 0.1, 0.2]})
    assert "org.teams.salesops" in str(err) and "sales_cycle" in str(err)


def test_lead_scoring_accuracy_must_lie_in_0_1():
    """Scoring accuracy is a correlation in [0, 1]."""
    err = error_of(**{"org.teams.salesops.effects.lead_scoring_accuracy": [0.5, 0.9, 1.2]})
    assert "lead_scoring_accuracy" in str(err)


def test_setups_must_name_known_teams_and_keep_an_empty_baseline():
    """A setup naming an unknown team, or a baseline with teams, is refused."""
    err = error_of(**{"org.setups.extra": ["nosuch"]})
    assert "extra" in str(err) and "nosuch" in str(err)
    err = error_of(**{"org.setups.none": ["salesops"]})
    assert "none" in str(err)
    data = base_dict()
    del data["org"]["setups"]["none"]
    with pytest.raises(ScenarioError, match="none"):
        parse_scenario(data)


def test_missing_required_fields_are_named():
    """A scenario without sales is an error naming `sales`."""
    data = base_dict()
    del data["sales"]
    with pytest.raises(ScenarioError, match="sales"):
        parse_scenario(data)


def test_defaults_fill_optional_blocks():
    """Optional blocks may be left out: the defaults are the neutral choices."""
    data = base_dict()
    for key in ("lead_handling", "costs", "starting_customers", "org"):
        del data[key]
    scenario = parse_scenario(data)
    assert scenario.org.setups == {"none": ()}
    assert scenario.lead_handling.handoff_leakage == 0
    assert scenario.lead_handling.first_touch.capacity is None
    assert scenario.lead_handling.speed_to_lead_decay.floor == 1.0


def test_distribution_kinds_and_their_means():
    """All four cycle distributions validate; lognormal and fixed report their means."""
    for cycle in (
        {"distribution": "lognormal", "median": 90, "sigma": 0.6},
        {"distribution": "exponential", "mean": 30},
        {"distribution": "gamma", "mean": 30, "shape": 2},
        {"distribution": "fixed", "value": 30},
    ):
        scenario = make(**{"segments.0.sales_cycle_days": cycle})
        assert scenario.segments[0].sales_cycle_days.distribution == cycle["distribution"]
    assert CycleLognormal(median=90, sigma=0.6).mean == pytest.approx(90 * math.exp(0.18))
    assert CycleFixed(distribution="fixed", value=30).mean == 30


def test_with_changes_validates_the_copy(example):
    """with_changes returns a validated copy and refuses invalid changes."""
    short = example.with_changes(horizon_months=12)
    assert short.horizon_months == 12 and example.horizon_months == 36
    with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
        example.with_changes(horizon_months=0)


def test_a_single_number_is_a_fixed_effect():
    """An effect given as one number means low = mode = high."""
    scenario = make_from(base_dict(), **{"org.teams.salesops.effects.win_rate": 0.02})
    rng = scenario.org.teams["salesops"].effects["win_rate"]
    assert (rng.low, rng.mode, rng.high) == (0.02, 0.02, 0.02)


def test_scenario_model_validate_accepts_the_example_directly():
    """The pydantic model itself validates the plain dict (no io layer needed)."""
    assert Scenario.model_validate(base_dict()).name.startswith("Scaling")


# ----------------------------------------------------------------------------- layouts
OLD_LAYOUT = """\
name: Old layout
horizon_months: 24
objective: ending_arr
segments:
  - name: smb
    lead_share: 1.0
    acv: {median: 12000, sigma: 0.4}
    qualification_rate: 0.3
    win_rate: 0.2
    sales_cycle_days: {distribution: lognormal, median: 45, sigma: 0.5}
    monthly_churn: 0.02
market: {inbound_mqls_per_month: 100}
sales: {reps: 4}
"""


def test_a_hand_written_old_layout_file_loads_unchanged():
    """Top-level horizon_months and objective land in the analysis settings, read one way."""
    from sim.io import scenario_from_yaml

    sc = scenario_from_yaml(OLD_LAYOUT)
    assert sc.analysis.horizon_months == sc.horizon_months == 24
    assert sc.analysis.objective == sc.objective == "ending_arr"
    assert sc.analysis.confidence == 0.9 and sc.analysis.replications == 100
    assert sc.segments[0].acv.median == 12000 and sc.sales.reps == 4


@pytest.mark.parametrize("preset", sorted(ROOT.glob("scenarios/*.yaml")), ids=lambda p: p.stem)
def test_every_preset_loads_its_values_unchanged(preset):
    """Every number and word in a preset file is the loaded scenario's, at the same path."""
    import yaml

    from sim.io import load_scenario, scenario_to_dict

    raw = yaml.safe_load(preset.read_text(encoding="utf-8"))
    sc = load_scenario(preset)
    data = scenario_to_dict(sc)
    for key in ("horizon_months", "objective"):
        if key in raw:
            assert data["analysis"][key] == raw.pop(key)

    def same(a, b, path):
        if isinstance(a, dict):
            for k, v in a.items():
                same(v, b[k], f"{path}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), path
            for i, v in enumerate(a):
                same(v, b[i], f"{path}.{i}")
        else:
            assert a == b, path

    raw.pop("sources", None)
    same(raw, data, "")


def test_the_analysis_block_is_read_and_written():
    """`analysis:` sets every analysis setting; saving writes it and loads back equal."""
    from sim.io import scenario_from_yaml, scenario_to_yaml

    data = base_dict()
    data.pop("horizon_months")
    data.pop("objective")
    data["analysis"] = {
        "horizon_months": 18,
        "objective": "ops_roi",
        "confidence": 0.95,
        "replications": "auto",
        "max_replications": 200,
        "seed": 7,
    }
    sc = parse_scenario(data)
    assert sc.horizon_months == 18 and sc.objective == "ops_roi"
    assert (sc.analysis.confidence, sc.analysis.replications, sc.analysis.seed) == (
        0.95,
        "auto",
        7,
    )
    text = scenario_to_yaml(sc)
    assert "analysis:" in text and "\nhorizon_months" not in text
    assert scenario_from_yaml(text) == sc


def test_old_and_new_spellings_agreeing_is_fine_disagreeing_is_named():
    """The same setting in both places must agree; the error names it and both places."""
    data = base_dict()
    data["analysis"] = {"horizon_months": 36}
    assert parse_scenario(data).horizon_months == 36
    data["analysis"] = {"horizon_months": 24}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert "horizon_months" in str(info.value) and "analysis.horizon_months" in str(info.value)


def test_set_reaches_the_setting_on_either_layout():
    """`--set horizon_months=...` and `--set analysis.horizon_months=...` work on both layouts."""
    from sim.io import apply_overrides

    old = base_dict()
    new = base_dict()
    new["analysis"] = {"horizon_months": new.pop("horizon_months")}
    for data in (old, new):
        for key in ("horizon_months", "analysis.horizon_months"):
            assert parse_scenario(apply_overrides(data, [f"{key}=12"])).horizon_months == 12


def test_analysis_settings_are_checked():
    """A bad analysis setting names its path."""
    assert "analysis.confidence" in str(error_of(**{"analysis.confidence": 1.5}))
    assert "analysis.replications" in str(error_of(**{"analysis.replications": 1}))


# ----------------------------------------------------------------------------- sources
def test_an_unknown_source_path_is_named():
    """A source for a field the scenario does not have is an error naming the path."""
    err = error_of(**{"sources": {"sales.repz": "judgment", "sales.reps": "judgment"}})
    assert "sources.sales.repz" in str(err)
    assert "sources.sales.reps" not in str(err)


def test_sources_round_trip_through_save_and_load():
    """`sources:` (old top-level paths renamed to the current layout) survives save and load."""
    from sim.io import scenario_from_yaml, scenario_to_yaml

    sc = make(
        **{
            "sources": {
                "horizon_months": "the default horizon",
                "segments.0.win_rate": "[P2] mid-market profile (J)",
                "org.teams.revops.effects.price": "judgment",
            }
        }
    )
    assert source_of(sc, "horizon_months") == source_of(sc, "analysis.horizon_months")
    assert source_of(sc, "org.teams.revops.effects.price.low") == "judgment"
    back = scenario_from_yaml(scenario_to_yaml(sc))
    assert back == sc and back.sources == sc.sources


# ----------------------------------------------------------------------------- metadata
@pytest.mark.parametrize("preset", sorted(ROOT.glob("scenarios/*.yaml")), ids=lambda p: p.stem)
def test_every_scalar_field_has_metadata(preset):
    """Label, unit, help and a sweep range low < high on every number of every preset."""
    from sim.io import load_scenario

    sc = load_scenario(preset)
    paths = list(iter_scalar_paths(sc))
    assert len(paths) > 60
    for path in paths:
        meta = field_meta(path)
        assert meta.label and meta.unit and meta.help, path
        assert meta.low is not None and meta.high is not None and meta.low < meta.high, path


def test_field_meta_walks_lists_dicts_and_shapes():
    """Paths go through segments by index, teams by name, cycle shapes by their own fields."""
    assert field_meta("segments.3.win_rate").unit == "share"
    assert field_meta("org.teams.anyteam.cost_per_fte_month").unit == "money/month"
    assert field_meta("segments.0.sales_cycle_days.shape").label == "Cycle spread"
    assert field_meta("org.teams.x.effects.sales_cycle.mode").high == 0.0
    assert field_meta("org.synergy.handoff_leakage").unit == "relative"
    assert field_meta("horizon_months").path == "analysis.horizon_months"
    for bad in ("sales.repz", "segments.x.win_rate", "org.teams.x.effects.nope.low"):
        with pytest.raises(MetaError, match=bad.split(".")[0]):
            field_meta(bad)


def test_iter_scalar_paths_lists_numbers_only():
    """Numbers, null optional numbers and effect-range parts; never words or setups."""
    sc = make(**{"market.audience_size": None})
    paths = list(iter_scalar_paths(sc))
    assert "segments.0.win_rate" in paths and "market.audience_size" in paths
    assert "org.teams.revops.effects.price.mode" in paths
    assert "org.teams.revops.cost_per_fte_month" in paths
    assert not any(p.endswith(("name", "distribution", "objective")) for p in paths)
    assert not any(p.startswith(("org.setups", "sources")) for p in paths)
    assert all(not p.startswith("analysis") for p in iter_scalar_paths(sc, analysis=False))
