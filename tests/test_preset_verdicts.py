"""Each preset's verdict, pinned: a change of verdict shows up as a diff of the snapshot.

The snapshot (`tests/snapshots/preset_verdicts.json`) records, per preset, the winner, the
runner-up and whether they are separated on 20 replications, seed 0, and the winner on
every objective shown side by side (value created, NPV, cash, ending ARR). When a model change
moves a verdict, this test fails and names the preset; if the change is intended, rewrite
the snapshot with ``ORGSIM_UPDATE_SNAPSHOTS=1 pytest tests/test_preset_verdicts.py`` and let
the diff show it in review. Verdicts are never tuned toward the article: the snapshot
records what the model says, whatever it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "preset_verdicts.json"
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
REPLICATIONS, SEED = 20, 0


def _verdict(path: Path) -> dict:
    result = sim.compare(sim.load_scenario(path), REPLICATIONS, seed=SEED, explain=False)
    v = result.verdict
    return {
        "best": v.best,
        "runner_up": v.runner_up,
        "separated": bool(v.separated),
        "objective": result.objective,
        "best_by_objective": {name: b.best for name, b in result.objectives().items()},
    }


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict]:
    """Every preset's verdict now (and the snapshot rewritten when asked to)."""
    now = {p.stem: _verdict(p) for p in PRESETS}
    if os.environ.get("ORGSIM_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(now, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return now


@pytest.mark.slow
@pytest.mark.parametrize("preset", [p.stem for p in PRESETS])
def test_the_preset_verdict_is_the_pinned_one(preset, verdicts):
    """The winner, runner-up and separation equal the snapshot's (update it on purpose)."""
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert preset in pinned, f"{preset} has no pinned verdict: run with ORGSIM_UPDATE_SNAPSHOTS=1"
    assert verdicts[preset] == pinned[preset]


def test_every_pinned_preset_still_exists():
    """A preset removed or renamed must leave the snapshot too."""
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert set(pinned) == {p.stem for p in PRESETS}
