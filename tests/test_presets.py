"""The company presets (scenarios/*.yaml): valid, every number sourced, and each gives a verdict.

scenarios/README.md promises that every number has its source in the file's `sources:`, either a
docs/SOURCES.md row id with its grade (P publisher's page, R faithful reprint, S secondary
summary, J judgment) or `judgment` with a short reason. tests/test_sources.py checks that the ids
cited exist in docs/SOURCES.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.io import load_scenario
from sim.params import source_of
from sim.text import setup_name, verdict_summary
from sim.verdict import compare

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
PRESET_IDS = [p.stem for p in PRESETS]

# A source "names a source" when it cites a docs/SOURCES.md row id ("[B7]", "[P2]", "[A1]") or
# says judgment (with its reason).
SOURCE = re.compile(r"\[[A-Z]\d+\]|judgment", re.IGNORECASE)


def _numeric(value) -> bool:
    """A number, or a non-empty list of numbers (a range)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, list):
        return bool(value) and all(_numeric(v) for v in value)
    return False


def number_paths(data, prefix: str = "") -> list[str]:
    """Dotted paths of every number (or numeric range) a scenario file sets itself."""
    out: list[str] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if prefix == "" and key == "sources":
            continue
        path = f"{prefix}{key}"
        if _numeric(value):
            out.append(path)
        elif isinstance(value, dict | list):
            out += number_paths(value, f"{path}.")
    return out


@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_preset_validates(preset):
    """Each preset loads and validates against the scenario schema."""
    sc = load_scenario(preset)
    assert sc.name and sc.segments and "none" in sc.org.setups


@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_every_number_in_a_preset_names_its_source(preset):
    """Every number the file sets has an entry in its `sources:` naming a source or 'judgment'.

    One value is definitional rather than an assumption and is exempt: `lead_share: 1.0` of a
    single-segment preset (the schema forces shares to sum to 1).
    """
    sc = load_scenario(preset)
    paths = number_paths(yaml.safe_load(preset.read_text(encoding="utf-8")))
    assert len(paths) >= 50, f"only {len(paths)} numbers found: the walk missed some"
    missing, unsourced = [], []
    for path in paths:
        if len(sc.segments) == 1 and path == "segments.0.lead_share":
            continue
        text = source_of(sc, path)
        if not text:
            missing.append(path)
        elif not SOURCE.search(text):
            unsourced.append(f"{path}: {text}")
    assert not missing, "numbers without a source:\n" + "\n".join(missing)
    assert not unsourced, "sources naming no source or 'judgment':\n" + "\n".join(unsourced)


def test_number_walk_sees_what_it_should():
    """The checker itself: finds numbers and ranges in nested data, skips words and sources."""
    data = {
        "name": "Acme 2",
        "a": 3,
        "b": [0.1, 0.2, 0.3],
        "c": None,
        "d": [{"name": "seg", "share": 0.5}],
        "sources": {"a": "judgment"},
    }
    assert number_paths(data) == ["a", "b", "d.0.share"]


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_preset_gives_a_verdict_over_its_own_horizon(preset):
    """compare(preset, 6 replications, its own horizon) names one of its setups as best and
    a different runner-up, and the summary sentence names the winner and the horizon."""
    sc = load_scenario(preset)
    result = compare(sc, 6, seed=0, explain=False, workers=1)
    v = result.verdict
    assert result.replications == 6
    assert result.scenario.horizon_months == sc.horizon_months
    assert v.best in sc.org.setups
    assert v.runner_up in sc.org.setups and v.runner_up != v.best
    summary = verdict_summary(result)
    assert f"'{setup_name(v.best)}'" in summary and f"{sc.horizon_months} months" in summary
