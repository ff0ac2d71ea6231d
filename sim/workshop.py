"""A workshop's facts: what changed against a preset, changes re-applied, variant files.

Pure functions, no words (those are in `sim.text.workshop`) and no screen. A *change* is a
dotted path and its new value in the file layout (`sim.io.scenario_to_dict`): the app's
link, the variants' "what changed" column and the report's assumption table all use the
same list, so what the link carries is exactly what the screen says was changed.

Changes go down to single numbers where the shape allows it (`sales.reps`,
`org.teams.revops.effects.price`); where a list or mapping changes shape (a segment added,
a lever switched off) the whole list or mapping is the change. `sources` and `uncertainty`
always count as one value each: their keys are themselves dotted paths.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from sim.io import ScenarioError, parse_scenario, parse_yaml, scenario_to_dict
from sim.params import Scenario
from sim.params.paths import PathError, set_path

MAX_CHANGES = 400
MAX_VARIANTS = 6
PATH_PATTERN = re.compile(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+){0,12}")
WORKSHOP_FORMAT = 1
WHOLE = ("sources", "uncertainty")
"""Top-level keys compared as one value."""


@dataclass(frozen=True)
class Change:
    """One assumption that differs from the base: where, the base's value, the new value."""

    path: str
    before: Any
    after: Any


def plain(scenario: Scenario) -> dict:
    """A scenario as plain data for comparing: the file layout, `sources` always there.

    `uncertainty` is always there too, so removing it is a change like any other.
    """
    data = scenario_to_dict(scenario)
    data.setdefault("sources", {})
    data.setdefault("uncertainty", {})
    return data


def _scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def _diff(before: Any, after: Any, path: str, out: list[Change]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict) and set(before) == set(after):
        for key in after:
            _diff(before[key], after[key], f"{path}.{key}" if path else str(key), out)
        return
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and len(before) == len(after)
        and not _scalar_list(after)
    ):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            _diff(b, a, f"{path}.{i}", out)
        return
    out.append(Change(path, copy.deepcopy(before), copy.deepcopy(after)))


def changes(base: Scenario, scenario: Scenario) -> list[Change]:
    """Every assumption of `scenario` that differs from `base`, in file order."""
    b, a = plain(base), plain(scenario)
    out: list[Change] = []
    for key in list(a) + [k for k in b if k not in a]:
        if key in WHOLE:
            if b.get(key) != a.get(key):
                out.append(Change(key, b.get(key), a.get(key)))
            continue
        if key not in a or key not in b:
            out.append(Change(key, b.get(key), a.get(key)))
            continue
        _diff(b[key], a[key], key, out)
    return out


def apply_changes(base: Scenario, items: list[tuple[str, Any]]) -> Scenario:
    """`base` with each (path, value) set, validated like a file; a ScenarioError names it."""
    if len(items) > MAX_CHANGES:
        raise ScenarioError([("", f"too many changes ({len(items)}; at most {MAX_CHANGES})")])
    data = plain(base)
    for path, value in items:
        if not isinstance(path, str) or not PATH_PATTERN.fullmatch(path):
            raise ScenarioError([(str(path)[:80], "not a field path")])
        try:
            set_path(data, path, copy.deepcopy(value))
        except PathError as err:
            raise ScenarioError([(err.path, err.reason)]) from None
    return parse_scenario(data)


# ----------------------------------------------------------------------------- variants
@dataclass(frozen=True)
class Variant:
    """A named scenario of the workshop and the preset it started from."""

    name: str
    scenario: Scenario
    preset: str


def workshop_data(variants: list[Variant]) -> dict:
    """Variants as plain data (a workshop file): each with its preset and full scenario."""
    return {
        "orgsim_workshop": WORKSHOP_FORMAT,
        "variants": [
            {"name": v.name, "preset": v.preset, "scenario": scenario_to_dict(v.scenario)}
            for v in variants
        ],
    }


def read_workshop(text: str | bytes, source: str = "workshop") -> list[Variant]:
    """Variants from a workshop file (YAML or JSON), validated.

    A ScenarioError names each problem's place (`variants.1.scenario.sales.reps`).
    """
    data = parse_yaml(text, source)
    if not isinstance(data, dict) or data.get("orgsim_workshop") != WORKSHOP_FORMAT:
        raise ScenarioError(
            [("orgsim_workshop", f"not a workshop file (format {WORKSHOP_FORMAT})")]
        )
    items = data.get("variants")
    if not isinstance(items, list) or not items:
        raise ScenarioError([("variants", "a list of at least one variant is needed")], source)
    if len(items) > MAX_VARIANTS:
        raise ScenarioError([("variants", f"at most {MAX_VARIANTS} variants")], source)
    out: list[Variant] = []
    problems: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append((f"variants.{i}", "a variant is a mapping"))
            continue
        name = str(item.get("name") or "").strip()[:60] or f"Variant {i + 1}"
        preset = str(item.get("preset") or "")
        try:
            sc = parse_scenario(item.get("scenario"))
        except ScenarioError as err:
            problems += [
                (f"variants.{i}.scenario" + (f".{p}" if p else ""), m) for p, m in err.problems
            ]
            continue
        out.append(Variant(name, sc, preset))
    if problems:
        raise ScenarioError(problems, source)
    return out
