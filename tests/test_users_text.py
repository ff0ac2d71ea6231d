"""Words a first-time user reads: preset names in both languages, changes in the
scenario's currency and units, setup names (never ids) in sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.io import load_scenario
from sim.text import scenario_title, setup_name
from sim.text.labels import PRESET_TITLES
from sim.text.workshop import change_text
from sim.workshop import Change

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_has_a_name_in_both_languages(path):
    name = load_scenario(path).name
    assert name in PRESET_TITLES, name
    english, japanese = scenario_title(name, "en"), scenario_title(name, "ja")
    assert not _has_japanese(english), english
    assert _has_japanese(japanese) and japanese != english, japanese


def test_an_own_scenario_keeps_its_name():
    assert scenario_title("Acme, our plan", "ja") == "Acme, our plan"


def test_changes_read_in_the_scenarios_currency_and_units():
    cost = Change("org.teams.revops.cost_per_fte_month", 1.2e6, 4e6)
    assert change_text(cost, "ja", "JPY").endswith("120万円/月 → 400万円/月")
    assert change_text(cost, "en", "USD").endswith("$1.20M/month → $4.00M/month")
    rate = change_text(Change("segments.0.win_rate", 0.2, 0.25), "en", "USD")
    assert rate.endswith("20.0% → 25.0%"), rate
    assert "e+" not in change_text(Change("market.audience_size", 1.2e6, 4e6), "en", "USD")


def test_half_size_setups_have_names():
    assert setup_name("revops_half") == "RevOps at half size"
    assert setup_name("salesops_half", "ja") == "SalesOps（半分の規模）"


def test_cli_progress_says_percentage_and_time_left_and_is_sparse_without_a_terminal(capsys):
    from sim.cli.explore import progress_bar

    show = progress_bar(True, terminal=False, every=3600.0)
    for done in range(0, 101, 10):
        show(done, 100)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("0/100 tasks") and lines[-1].startswith("100/100 tasks")
    assert len(lines) == 2  # the first and the last: one every hour at most, and the end
    show = progress_bar(True, terminal=False, every=0.0)
    show(25, 100)
    line = capsys.readouterr().err
    assert "25%" in line and "ETA" in line


def test_cli_tables_never_cut_a_label():
    from sim.text.report import cell, label_width, width

    labels = ["ARR at the horizon (by segment below)", "短い"]
    size = label_width(labels, 10)
    assert all(cell(label, size, right=False).strip() == label for label in labels)
    assert width("日本") == 4


def test_report_chart_axes_write_money_in_the_currency():
    import pandas as pd

    from sim.report import gap_spec, svg

    frame = pd.DataFrame(
        {
            "setup": ["salesops", "both"],
            "setup_name": ["SalesOps", "両チーム"],
            "mean": [1.2e8, 4.57e8],
            "low": [0.5e8, 2e8],
            "high": [2e8, 7e8],
            "p10": [-1e8, 1e8],
            "p90": [3e8, 9e8],
            "order": [0, 1],
        }
    )
    ja = svg(gap_spec(frame, "上積み", "money", "ja", "JPY"))
    assert "¥2億" in ja and ">1G<" not in ja and ">500M<" not in ja
    en = svg(gap_spec(frame, "Gain", "money", "en", "JPY"))
    assert "¥200M" in en and ">1G<" not in en


def test_the_change_list_leaves_out_the_run_settings_the_app_chose():
    from sim.io import parse_scenario, scenario_to_dict
    from ui.state import default_settings, user_changes

    before = load_scenario(ROOT / "scenarios" / "default.yaml")
    data = scenario_to_dict(before)
    d = default_settings()
    data["analysis"].update(replications=d.replications, max_replications=d.max_replications)
    data["org"]["teams"]["revops"]["cost_per_fte_month"] = 26000
    after = parse_scenario(data)
    assert [c.path for c in user_changes(before, after)] == ["org.teams.revops.cost_per_fte_month"]
    data["analysis"]["replications"] = 37  # the user's own choice is listed
    paths = [c.path for c in user_changes(before, parse_scenario(data))]
    assert "analysis.replications" in paths
