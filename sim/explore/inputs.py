"""The uncertain inputs: which numbers to move, and between which values.

An *input* is something a sweep can set to a value through ordinary dotted overrides:

* a number of the scenario (`sales.reps`, `org.teams.revops.cost_per_fte_month`,
  `horizon_months`): moved `spread` (25%) either side of today's value, kept inside the
  sweep range its field declares (`sim.params.field_meta`), whole for whole-number fields;
  a number that is zero today sweeps its whole declared range;
* one team effect (`org.teams.revops.effects.monthly_churn`): today a triangular range drawn
  afresh in every future; an input value fixes it (`[v, v, v]`), between the range's ends;
* all of a team's effects at once (`org.teams.revops.effects`): a position between 0 (every
  lever at the unfavourable end of its range) and 1 (every lever at its favourable end) —
  "what if this team is as good, or as poor, as its ranges allow".

The default set (`default_inputs`) is the handful the article's criteria point at — each
team's effects and cost, the horizon, the audience, inbound volume, reps and their selling
time, win rate, churn, deal size and the handoff gap — so a tornado stays a few times one
comparison; `all_inputs` lists every number of the scenario.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.levers import LEVERS
from sim.params import Scenario, canonical_path, field_meta, iter_scalar_paths

SPREAD = 0.25
"""How far either side of today's value a number moves by default (a fraction of it)."""

EFFECT_PARTS = ("low", "mode", "high")

KEY_WORLD_PATHS = (
    "market.audience_size",
    "market.inbound_mqls_per_month",
    "sales.reps",
    "sales.selling_time_share",
    "lead_handling.handoff_leakage",
)
"""World numbers behind the article's criteria (audience, volume, capacity, selling time)."""

KEY_SEGMENT_FIELDS = ("win_rate", "monthly_churn", "acv.median")
"""Per-segment numbers behind the criteria (conversion, retention, deal size)."""


@dataclass(frozen=True)
class Input:
    """One input: its path, today's value (None when today it is a range), and its ends."""

    path: str
    kind: str
    """"number", "effect" (one team effect) or "effects" (all of a team's effects)."""
    base: float | None
    low: float
    high: float
    integer: bool = False

    def changes(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """The dotted overrides that put this input at `value`."""
        if self.kind == "number":
            return {self.path: round(value) if self.integer else float(value)}
        if self.kind == "effect":
            v = float(value)
            return {self.path: [v, v, v]}
        team = self.path.split(".")[2]
        out: dict[str, Any] = {}
        for lever, rng in scenario.org.teams[team].effects.items():
            worst, best = _ends(lever, rng.low, rng.high)
            v = worst + float(value) * (best - worst)
            out[f"{self.path}.{lever}"] = [v, v, v]
        return out

    def grid(self, points: int, low: float | None = None, high: float | None = None) -> list:
        """`points` values from `low` to `high` (default: the input's ends); whole if integer."""
        lo = self.low if low is None else low
        hi = self.high if high is None else high
        if points < 2:
            raise ValueError("a grid needs at least 2 points")
        values = [_tidy(lo + (hi - lo) * i / (points - 1)) for i in range(points)]
        if self.integer:
            values = sorted({round(v) for v in values})
        return values


def _ends(lever: str, low: float, high: float) -> tuple[float, float]:
    """(unfavourable, favourable) end of a lever's range."""
    return (high, low) if LEVERS[lever].lowers else (low, high)


def value_at(scenario: Scenario, path: str) -> Any:
    """The value at a dotted path of the scenario (list items by index, dicts by key)."""
    node: Any = scenario
    for part in canonical_path(path).split("."):
        if isinstance(node, Mapping):
            node = node[part]
        elif isinstance(node, tuple | list):
            node = node[int(part)]
        else:
            node = getattr(node, part)
    return node


def _team_effect(scenario: Scenario, path: str) -> tuple[str, str | None] | None:
    """(team, lever or None) when `path` names a team's effects or one of them."""
    parts = path.split(".")
    if len(parts) in (4, 5) and parts[:2] == ["org", "teams"] and parts[3] == "effects":
        team = parts[2]
        if team not in scenario.org.teams:
            raise KeyError(f"{path}: no team '{team}' in the scenario")
        if len(parts) == 4:
            return team, None
        if parts[4] not in scenario.org.teams[team].effects:
            raise KeyError(f"{path}: team '{team}' has no effect on '{parts[4]}'")
        return team, parts[4]
    return None


def make_input(
    scenario: Scenario,
    path: str,
    low: float | None = None,
    high: float | None = None,
    spread: float = SPREAD,
) -> Input:
    """The input at `path`, with its default ends unless `low`/`high` are given.

    Raises KeyError naming the path when it is not a number of this scenario.
    """
    path = canonical_path(path.strip())
    effect = _team_effect(scenario, path)
    if effect is not None:
        team, lever = effect
        if lever is None:
            return Input(
                path, "effects", None, 0.0 if low is None else low, 1.0 if high is None else high
            )
        rng = scenario.org.teams[team].effects[lever]
        return Input(
            path,
            "effect",
            None,
            rng.low if low is None else low,
            rng.high if high is None else high,
        )
    try:
        meta = field_meta(path)
        base = value_at(scenario, path)
    except (KeyError, IndexError, AttributeError, ValueError) as err:
        raise KeyError(f"{path}: not a number of this scenario ({err})") from None
    if meta.kind != "number" or isinstance(base, bool) or not isinstance(base, int | float):
        raise KeyError(f"{path}: not a number of this scenario (value {base!r})")
    lo, hi = _default_ends(float(base), meta.low, meta.high, meta.integer, spread)
    lo = lo if low is None else low
    hi = hi if high is None else high
    if not lo <= hi:
        raise ValueError(f"{path}: low {lo} is above high {hi}")
    return Input(path, "number", float(base), lo, hi, meta.integer)


def _default_ends(
    base: float, floor: float | None, ceiling: float | None, integer: bool, spread: float
) -> tuple[float, float]:
    """Base ± spread, inside the declared range; the whole declared range around zero."""
    if base == 0 and floor is not None and ceiling is not None:
        lo, hi = float(floor), float(ceiling)
    else:
        lo, hi = sorted((_tidy(base * (1 - spread)), _tidy(base * (1 + spread))))
        if floor is not None:
            lo = max(lo, min(float(floor), base))
        if ceiling is not None:
            hi = min(hi, max(float(ceiling), base))
    if integer:
        lo, hi = math.floor(lo), math.ceil(hi)
        if lo == hi == base:
            lo, hi = base - 1, base + 1
        lo = max(lo, 0)
    return lo, hi


def _tidy(x: float) -> float:
    """A float without binary dust (0.21000000000000002 -> 0.21)."""
    return float(f"{x:.10g}")


def default_input_paths(scenario: Scenario) -> list[str]:
    """The article's handful: team effects and costs, horizon, then the key world numbers."""
    paths: list[str] = []
    for team in scenario.org.teams:
        if any(team in members for members in scenario.org.setups.values()):
            paths += [f"org.teams.{team}.effects", f"org.teams.{team}.cost_per_fte_month"]
    paths.append("analysis.horizon_months")
    for path in KEY_WORLD_PATHS:
        if value_at(scenario, path) is not None:
            paths.append(path)
    for i in range(len(scenario.segments)):
        paths += [f"segments.{i}.{name}" for name in KEY_SEGMENT_FIELDS]
    return paths


def default_inputs(scenario: Scenario, spread: float = SPREAD) -> list[Input]:
    """The default uncertain inputs of a scenario (see `default_input_paths`)."""
    return [make_input(scenario, p, spread=spread) for p in default_input_paths(scenario)]


def all_inputs(scenario: Scenario, spread: float = SPREAD) -> list[Input]:
    """Every number of the scenario (null ones left out) and every team effect, one by one."""
    out: list[Input] = []
    for path in iter_scalar_paths(scenario):
        parts = path.split(".")
        if parts[-1] in EFFECT_PARTS and "effects" in parts:
            if parts[-1] == "mode":
                out.append(make_input(scenario, ".".join(parts[:-1]), spread=spread))
            continue
        if value_at(scenario, path) is None or (
            path.startswith("analysis.") and (path != "analysis.horizon_months")
        ):
            continue
        out.append(make_input(scenario, path, spread=spread))
    return out


def parse_inputs(
    scenario: Scenario, specs: Iterable[str] | None, spread: float = SPREAD
) -> list[Input]:
    """Inputs from `path` or `path=LOW:HIGH` strings; None or ["default"] the default set."""
    specs = [s for s in (specs or []) if s.strip()]
    if not specs or specs == ["default"]:
        return default_inputs(scenario, spread)
    if specs == ["all"]:
        return all_inputs(scenario, spread)
    out = []
    for spec in specs:
        path, _, bounds = spec.partition("=")
        if bounds:
            lo, hi = parse_range(bounds, path)
            out.append(make_input(scenario, path, lo, hi, spread))
        else:
            out.append(make_input(scenario, path, spread=spread))
    return out


def parse_range(text: str, path: str = "") -> tuple[float, float]:
    """`LOW:HIGH` as two numbers, the message naming `path` when it is not."""
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise ValueError(f"{path}: a range is written LOW:HIGH, got {text!r}") from None
    return lo, hi
