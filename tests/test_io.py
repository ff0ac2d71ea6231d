"""Safe scenario load/save, overrides, and injection-safe CSV export."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import yaml
from conftest import base_dict, make

import sim
from sim import ScenarioError
from sim.io import (
    MAX_SCENARIO_BYTES,
    apply_overrides,
    parse_yaml,
    safe_csv,
    scenario_hash,
    scenario_to_dict,
)


def spec_yaml() -> str:
    return yaml.safe_dump(base_dict(), sort_keys=False)


# --------------------------------------------------------------------------- loading
def test_the_spec_example_loads_from_yaml_text_and_from_a_file(tmp_path, example):
    """Text, bytes and a file on disk give the same scenario."""
    text = spec_yaml()
    assert sim.scenario_from_yaml(text) == example
    assert sim.scenario_from_yaml(text.encode()) == example
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert sim.load_scenario(path) == example
    assert sim.load_scenario(str(path)) == example


def test_json_is_accepted_as_yaml(example):
    """A JSON scenario (JSON is YAML) loads the same."""
    assert sim.scenario_from_yaml(json.dumps(base_dict())) == example


def test_nan_in_yaml_is_an_error_naming_the_field():
    """`.nan` in YAML is refused, naming the field."""
    text = spec_yaml().replace("win_rate: 0.2\n", "win_rate: .nan\n")
    assert ".nan" in text
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_yaml(text)
    assert "segments.0.win_rate" in str(info.value)
    assert "finite" in str(info.value)


def test_malformed_yaml_says_which_line():
    """Broken YAML is a ScenarioError giving the line (and column) of the problem."""
    text = "name: x\nsegments:\n  - name: a\n   lead_share: [1,\n"
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_yaml(text)
    msg = str(info.value)
    assert "not valid YAML" in msg
    assert "line " in msg


def test_python_tags_are_rejected_and_never_executed(tmp_path):
    """`!!python/object/apply:os.system` is an error, and the command never runs."""
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system"):
        text = f"name: !{tag[1:]} ['touch {marker}']\n"
        with pytest.raises(ScenarioError) as info:
            sim.scenario_from_yaml(text)
        assert "python/object" in str(info.value)
        with pytest.raises(ScenarioError):
            sim.scenario_from_yaml(f"{tag} ['touch {marker}']")
    path = tmp_path / "evil.yaml"
    path.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ScenarioError):
        sim.load_scenario(path)
    assert not marker.exists()


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n", ""])
def test_a_top_level_that_is_not_a_mapping_is_refused(text):
    """A list, a scalar or an empty file is not a scenario."""
    with pytest.raises(ScenarioError, match="mapping"):
        sim.scenario_from_yaml(text)


def test_non_utf8_bytes_are_refused():
    """Bytes that are not UTF-8 give a clear message, not a decode traceback."""
    with pytest.raises(ScenarioError, match="UTF-8"):
        sim.scenario_from_yaml(b"name: caf\xe9\n")


def test_oversized_input_is_refused():
    """More than MAX_SCENARIO_BYTES bytes is refused before parsing."""
    with pytest.raises(ScenarioError, match="too large"):
        parse_yaml(b"#" * (MAX_SCENARIO_BYTES + 1))


def test_a_missing_file_is_a_scenario_error_naming_it(tmp_path):
    """Reading a file that does not exist names the file."""
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path)
    assert "nope.yaml" in str(info.value)


def test_errors_from_a_file_name_the_file_and_the_field(tmp_path):
    """A bad value in a file: the message gives the file and the field path."""
    path = tmp_path / "bad.yaml"
    data = base_dict()
    data["sales"]["repz"] = 3
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path)
    assert "bad.yaml" in str(info.value) and "sales.repz" in str(info.value)
    assert ("sales.repz", info.value.problems[0][1]) in info.value.problems


# --------------------------------------------------------------------------- overrides
def test_overrides_set_nested_keys_list_items_nulls_and_lists(tmp_path):
    """dotted.key=value: list items by index, `null`, and YAML lists as values."""
    path = tmp_path / "s.yaml"
    path.write_text(spec_yaml(), encoding="utf-8")
    scenario = sim.load_scenario(
        path,
        overrides=[
            "horizon_months=12",
            "segments.0.win_rate=0.25",
            "market.audience_size=null",
            "sales.sql_patience_days=null",
            "org.teams.salesops.effects.win_rate=[0.0, 0.02, 0.05]",
            "org.setups.solo=[revops]",
            "segments.0.sales_cycle_days={distribution: exponential, mean: 45}",
        ],
    )
    assert scenario.horizon_months == 12
    assert scenario.segments[0].win_rate == 0.25
    assert scenario.market.audience_size is None
    assert scenario.sales.sql_patience_days is None
    rng = scenario.org.teams["salesops"].effects["win_rate"]
    assert (rng.low, rng.mode, rng.high) == (0.0, 0.02, 0.05)
    assert scenario.org.setups["solo"] == ("revops",)
    assert scenario.segments[0].sales_cycle_days.distribution == "exponential"


def test_overrides_do_not_change_the_input_data():
    """apply_overrides works on a copy."""
    data = base_dict()
    out = apply_overrides(data, ["sales.reps=3", "segments.0.win_rate=0.5"])
    assert out["sales"]["reps"] == 3 and out["segments"][0]["win_rate"] == 0.5
    assert data == base_dict()


def test_an_override_may_create_a_missing_block():
    """Setting a key under a block that is absent or null creates the block."""
    data = base_dict()
    del data["starting_customers"]
    out = apply_overrides(data, ["starting_customers.count=5"])
    assert out["starting_customers"] == {"count": 5}


@pytest.mark.parametrize(
    ("setting", "names"),
    [
        ("segments.3.win_rate=0.3", "segments.3"),
        ("segments.first.win_rate=0.3", "segments.first"),
        ("name.x=1", "name.x"),
        ("sales.reps", "sales.reps"),
        ("sales.reps=[1,", "sales.reps"),
    ],
    ids=["index-out-of-range", "non-numeric-index", "inside-a-scalar", "no-equals", "bad-yaml"],
)
def test_bad_overrides_are_errors_naming_the_key(setting, names):
    """A bad --set names the key it could not apply."""
    with pytest.raises(ScenarioError) as info:
        apply_overrides(base_dict(), [setting])
    assert names in str(info.value)


def test_an_override_with_an_unknown_key_is_caught_by_validation():
    """Overrides cannot smuggle in unknown keys: validation still names them."""
    with pytest.raises(ScenarioError, match=r"sales\.repz"):
        make(**{"sales.repz": 3})


# --------------------------------------------------------------------------- round trip
@pytest.mark.parametrize(
    "dotted",
    [
        {},
        {
            "market.audience_size": None,
            "sales.sql_patience_days": None,
            "lead_handling.first_touch.capacity": None,
            "segments.0.sales_cycle_days": {"distribution": "exponential", "mean": 40},
        },
        {"segments.0.sales_cycle_days": {"distribution": "gamma", "mean": 40, "shape": 3}},
        {
            "segments.0.sales_cycle_days": {"distribution": "fixed", "value": 40},
            "org.teams.salesops.effects.win_rate": 0.02,
            "org.synergy": {},
            "description": "Two lines:\nsecond line, with: a colon and 'quotes' — and ü",
        },
    ],
    ids=["spec", "unlimited-exponential", "gamma", "fixed-unicode"],
)
def test_yaml_round_trip_gives_an_equal_scenario(dotted):
    """scenario_to_yaml -> scenario_from_yaml gives back an equal scenario (same hash)."""
    scenario = make(**dotted)
    text = sim.scenario_to_yaml(scenario)
    back = sim.scenario_from_yaml(text)
    assert back == scenario
    assert scenario_hash(back) == scenario_hash(scenario)
    # the file layout: ranges as [low, mode, high], setups as lists
    data = yaml.safe_load(text)
    assert isinstance(data["org"]["setups"]["none"], list)
    effects = data["org"]["teams"]["salesops"]["effects"]
    assert all(isinstance(v, list) and len(v) == 3 for v in effects.values())
    assert scenario_to_dict(scenario) == data


def test_scenario_hash_changes_with_any_value(example):
    """The cache key differs as soon as one value differs."""
    assert scenario_hash(example) == scenario_hash(make())
    assert scenario_hash(example) != scenario_hash(make(**{"sales.reps": 9}))


# --------------------------------------------------------------------------- CSV export
def test_safe_csv_neutralises_cells_that_a_spreadsheet_would_run():
    """Text cells starting with = + - @ (or tab/CR) are prefixed with a quote."""
    frame = pd.DataFrame(
        {
            "setup": ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "none", "\tx"],
            "value": [1.5, -2.0, 3.0, -4.0, 5.0, 6.0],
        }
    )
    text = safe_csv(frame)
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["setup"].tolist()[:4] == ['\'=HYPERLINK("http://x")', "'+1+1", "'-2+3", "'@SUM(A1)"]
    assert back["setup"].tolist()[4] == "none"
    assert back["setup"].tolist()[5].startswith("'")
    # numbers stay numbers, negative ones included
    assert back["value"].tolist() == [1.5, -2.0, 3.0, -4.0, 5.0, 6.0]
    for line in text.splitlines()[1:]:
        assert not line.startswith(("=", "+", "-", "@"))


def test_safe_csv_neutralises_dangerous_column_names():
    """Column headers are cells too."""
    text = safe_csv(pd.DataFrame({"=cmd()": [1], "ok": [2]}))
    assert text.splitlines()[0] == "'=cmd(),ok"


def test_safe_csv_of_a_kpi_table_keeps_every_row():
    """A runner KPI table exports one row per (setup, replication)."""
    reps = sim.run_replications(make(horizon_months=6), 2, 0, workers=1)
    back = pd.read_csv(io.StringIO(safe_csv(reps.kpis)))
    assert len(back) == len(reps.kpis)
    assert list(back.columns) == list(reps.kpis.columns)


def test_a_duplicate_key_is_an_error_not_a_silently_dropped_value():
    """`reps: 8` twice in one block: refused with the line, never last-one-wins."""
    text = spec_yaml().replace("  reps: 8\n", "  reps: 8\n  reps: 2\n")
    assert text.count("reps: ") >= 2
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_yaml(text)
    assert "duplicate key 'reps'" in str(info.value)
    assert "line " in str(info.value)


def test_yaml_aliases_are_refused():
    """Aliases (*name) have no use in a scenario and could expand a tiny file enormously."""
    text = "a: &x [1, 2]\nb: *x\n"
    with pytest.raises(ScenarioError, match="alias"):
        sim.scenario_from_yaml(text)
