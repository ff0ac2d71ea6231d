"""The company presets (scenarios/*.yaml): valid, every number sourced, and each gives a verdict.

scenarios/README.md promises: "Every number has a comment giving its source, either a row of
BENCHMARKS.md with its grade (P publisher's page, R faithful reprint, S secondary summary,
J judgment) or `judgment` with a short reason."
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.io import load_scenario
from sim.text import verdict_summary
from sim.verdict import compare

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
PRESET_IDS = [p.stem for p in PRESETS]

# A comment "names a source" when it says judgment, cites a BENCHMARKS row or a grade
# (P/R/S/J), the SPEC, a dated publication (a year), or derives the value ("= ...").
SOURCE = re.compile(r"judgment|BENCHMARKS|\((?:P|R|S|J)\)|SPEC|\b(?:19|20)\d\d\b|^=", re.IGNORECASE)
KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?[A-Za-z_][\w.]*\s*:\s*(?P<rest>.*)$")


def _numeric(value) -> bool:
    """A number, or a non-empty list / mapping of numbers (a range, {median: ...})."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, list):
        return bool(value) and all(_numeric(v) for v in value)
    if isinstance(value, dict):
        return bool(value) and all(_numeric(v) for v in value.values())
    return False


def number_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, line, comment) for every line whose value is a number or numeric range.

    Block scalars (the `description: >-` paragraph) are prose and skipped.
    """
    out = []
    block_indent: int | None = None
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        m = KEY_LINE.match(line)
        if not m:
            continue
        code, _, comment = m.group("rest").partition(" #")
        code = code.strip()
        if code in (">", ">-", "|", "|-", ">+", "|+"):
            block_indent = indent
            continue
        if not code:
            continue
        if _numeric(yaml.safe_load(code)):
            out.append((no, line, comment.strip()))
    return out


@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_preset_validates(preset):
    """Each preset loads and validates against the scenario schema."""
    sc = load_scenario(preset)
    assert sc.name and sc.segments and "none" in sc.org.setups


@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_every_number_in_a_preset_names_its_source(preset):
    """Every line that sets a number carries a comment naming a source or 'judgment'.

    One value is definitional rather than an assumption and is exempt: `lead_share: 1.0` of a
    single-segment preset (the schema forces shares to sum to 1).
    """
    lines = number_lines(preset)
    assert len(lines) >= 50, f"only {len(lines)} number lines found: the parser missed some"
    single_segment = len(load_scenario(preset).segments) == 1
    missing, unsourced = [], []
    for no, line, comment in lines:
        if single_segment and re.match(r"^\s*lead_share:\s*1(\.0*)?\s", line + " "):
            continue
        if not comment:
            missing.append(f"line {no}: {line.strip()}")
        elif not SOURCE.search(comment):
            unsourced.append(f"line {no}: {line.strip()}")
    assert not missing, "numbers without a comment:\n" + "\n".join(missing)
    assert not unsourced, "comments naming no source or 'judgment':\n" + "\n".join(unsourced)


def test_number_line_parser_sees_what_it_should(tmp_path):
    """The checker itself: finds numbers and ranges, skips prose and strings, reads comments."""
    f = tmp_path / "x.yaml"
    f.write_text(
        "description: >-\n  150 customers and 8 reps\n  more prose 3\n"
        "name: Acme 2\n"
        "a: 3            # judgment: x\n"
        "b: [0.1, 0.2, 0.3]\n"
        "c: null  # judgment\n"
        "d:\n  - name: seg\n    share: 0.5  # BENCHMARKS (J)\n",
        encoding="utf-8",
    )
    got = [(no, comment) for no, _, comment in number_lines(f)]
    assert got == [(5, "judgment: x"), (6, ""), (10, "BENCHMARKS (J)")]


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
    assert f"'{v.best}'" in summary and f"{sc.horizon_months} months" in summary
