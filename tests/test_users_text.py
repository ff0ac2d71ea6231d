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
