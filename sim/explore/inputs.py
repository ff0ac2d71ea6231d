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
  "what if this team is as good, or as poor, as its ranges allow";
* a team's overall strength or retention strength (`org.teams.revops.strength`): today a
  triangular range drawn once per future; an input value fixes it (`[v, v, v]`), between
  the range's ends (25% either side of it, inside its declared range, when it is one value).

The default set (`default_inputs`) is the handful the article's criteria point at — each
team's effects and cost, then, for every team a setup has, its strength (and retention
strength), its effects' half-life when set, its coverage, and its attrition and backfill when
it loses people; the horizon, the audience,
inbound volume, reps and their selling time, the handoff gap, the seat model's rates when
the seats are simulated, win rate, churn and deal size — so a tornado stays a few times one
comparison; `all_inputs` lists every number of the scenario.

Not every number can move alone: lead shares must sum to 1, a hiring plan must leave seats.
`sweepable` builds both ends of each input as a scenario and leaves out (as `Skipped`, with
the reason) those that do not validate, so `parse_inputs(scenario, ["all"])` runs on any
valid scenario. Analysis settings other than the horizon are not inputs: they say how the
question is asked, not what the company is; nor are the plans' dates and sizes, which are
decisions (and a tornado compares the setups, not the plans). The value-after-horizon convention
(`analysis.after_horizon`) in particular is a choice of three accounting rules with no low
or high end; compare them with `--set analysis.after_horizon=...` instead.
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

RANGE_FIELDS = ("strength", "retention_strength")
"""A team's triangular ranges that multiply its effects: swept as one value (kind "range")."""

TEAM_EXTRA_FIELDS = ("durability_months", "coverage.fte_per_rep", "coverage.curvature")
"""A team's numbers beside effects and cost that join the default set when they are set."""

TEAM_SEAT_FIELDS = ("attrition_per_year", "backfill_months")
"""A team's seat rates: in the default set when the team loses people."""

SEAT_PATHS = ("sales.attrition_per_year", "sales.ramp_months", "sales.backfill_months")
"""The seat model's rates: in the default set when the seats are simulated."""

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
    """"number", "effect" (one team effect), "effects" (all of a team's effects) or "range"
    (a team's strength or retention strength, fixed at one value)."""
    base: float | None
    low: float
    high: float
    integer: bool = False

    def changes(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """The dotted overrides that put this input at `value`."""
        if self.kind == "number":
            return {self.path: round(value) if self.integer else float(value)}
        if self.kind in ("effect", "range"):
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


def _team_range(scenario: Scenario, path: str) -> tuple[str, str] | None:
    """(team, field) when `path` names a team's strength or retention strength."""
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["org", "teams"] and parts[3] in RANGE_FIELDS:
        team = parts[2]
        if team not in scenario.org.teams:
            raise KeyError(f"{path}: no team '{team}' in the scenario")
        return team, parts[3]
    return None


def whole_range(path: str) -> str | None:
    """The whole range when `path` names one number of a team's range (effect or strength)."""
    parts = path.split(".")
    if (
        len(parts) >= 5
        and parts[:2] == ["org", "teams"]
        and parts[-1] in EFFECT_PARTS
        and (parts[3] == "effects" or parts[3] in RANGE_FIELDS)
    ):
        return ".".join(parts[:-1])
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
    whole = whole_range(path)
    if whole is not None:
        raise KeyError(
            f"{path}: one number of a range; sweep {whole} (the range fixed at one value)"
        )
    ranged = _team_range(scenario, path)
    if ranged is not None:
        team, name = ranged
        rng = getattr(scenario.org.teams[team], name)
        if rng is None:
            raise KeyError(f"{path}: team '{team}' states no {name.replace('_', ' ')}")
        if rng.low < rng.high:
            lo, hi = rng.low, rng.high
        else:
            meta = field_meta(f"{path}.mode")
            lo, hi = _default_ends(rng.mode, meta.low, meta.high, False, spread)
        lo = lo if low is None else low
        hi = hi if high is None else high
        if not lo <= hi:
            raise ValueError(f"{path}: low {lo} is above high {hi}")
        return Input(path, "range", None, lo, hi)
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


def _used_teams(scenario: Scenario) -> list[str]:
    """The teams some setup has (alone or sized, `team@fte`), in the scenario's order."""
    used = {team for setup in scenario.org.setups for team in scenario.org.team_names(setup)}
    return [team for team in scenario.org.teams if team in used]


def default_input_paths(scenario: Scenario) -> list[str]:
    """The article's handful, then the teams' strength, half-life and coverage.

    Team effects and costs come first, then for each team a setup has its strength (and
    retention strength), half-life and coverage when set, and its attrition and backfill
    when it loses people; the horizon and the key world
    numbers; the seat model's rates when the seats are simulated; each segment's numbers.
    """
    teams = _used_teams(scenario)
    paths: list[str] = []
    for team in teams:
        paths += [f"org.teams.{team}.effects", f"org.teams.{team}.cost_per_fte_month"]
    for team in teams:
        spec = scenario.org.teams[team]
        paths.append(f"org.teams.{team}.strength")
        if spec.retention_strength is not None:
            paths.append(f"org.teams.{team}.retention_strength")
        for name in TEAM_EXTRA_FIELDS:
            if _present(scenario, f"org.teams.{team}.{name}"):
                paths.append(f"org.teams.{team}.{name}")
        if spec.attrition_per_year > 0:
            paths += [f"org.teams.{team}.{name}" for name in TEAM_SEAT_FIELDS]
    paths.append("analysis.horizon_months")
    for path in KEY_WORLD_PATHS:
        if value_at(scenario, path) is not None:
            paths.append(path)
    if scenario.sales.has_seats:
        paths += list(SEAT_PATHS)
    for i in range(len(scenario.segments)):
        paths += [f"segments.{i}.{name}" for name in KEY_SEGMENT_FIELDS]
    return paths


def _present(scenario: Scenario, path: str) -> bool:
    """Whether the scenario gives a value at `path` (an unset optional block gives none)."""
    try:
        return value_at(scenario, path) is not None
    except (AttributeError, KeyError, IndexError):
        return False


def default_inputs(scenario: Scenario, spread: float = SPREAD) -> list[Input]:
    """The default uncertain inputs of a scenario (see `default_input_paths`)."""
    return [make_input(scenario, p, spread=spread) for p in default_input_paths(scenario)]


def all_inputs(scenario: Scenario, spread: float = SPREAD) -> list[Input]:
    """Every number of the scenario (null ones left out), every team effect and strength.

    Candidates only: some cannot move alone (`sweepable` says which); `parse_inputs(...,
    ["all"])` keeps those that can.
    """
    out: list[Input] = []
    for path in iter_scalar_paths(scenario):
        whole = whole_range(path)
        if whole is not None:
            if path.endswith(".mode"):
                out.append(make_input(scenario, whole, spread=spread))
            continue
        if (
            value_at(scenario, path) is None
            or (path.startswith("analysis.") and path != "analysis.horizon_months")
            or path.startswith("org.plans.")
        ):
            continue
        out.append(make_input(scenario, path, spread=spread))
    return out


@dataclass(frozen=True)
class Skipped:
    """An input left out of a sweep: its path and why (the validation's words)."""

    param: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready: {param, reason}."""
        return {"param": self.param, "reason": self.reason}


def sweepable(scenario: Scenario, items: Iterable[Input]) -> tuple[list[Input], list[Skipped]]:
    """(inputs whose two ends both make a valid scenario, the others with the reason).

    Each end is built as a variant would be (`sim.experiments.variants_from`), so what is
    kept is exactly what a sweep can run: a lead share moved alone breaks the shares' sum,
    and is skipped with that message.
    """
    from sim.experiments import variants_from

    kept: list[Input] = []
    skipped: list[Skipped] = []
    for item in items:
        reasons = []
        for value in dict.fromkeys((item.low, item.high)):
            try:
                variants_from(scenario, [item.changes(scenario, value)])
            except (ValueError, KeyError) as err:
                problems = getattr(err, "problems", None)
                words = (
                    "; ".join(f"{f}: {m}" if f else m for f, m in problems)
                    if problems
                    else str(err)
                )
                reasons.append(f"at {value:g}: {words}")
        if reasons:
            skipped.append(Skipped(item.path, "; ".join(reasons)))
        else:
            kept.append(item)
    return kept, skipped


def parse_inputs(
    scenario: Scenario, specs: Iterable[str] | None, spread: float = SPREAD
) -> list[Input]:
    """Inputs from `path` or `path=LOW:HIGH` strings; None or ["default"] the default set.

    ["all"] is every input that can move alone (`sweepable`); a path named is taken as
    asked (a sweep reports it as skipped when an end of it is not a valid scenario).
    """
    items = asked_inputs(scenario, specs, spread)
    if _specs(specs) == ["all"]:
        return sweepable(scenario, items)[0]
    return items


def asked_inputs(
    scenario: Scenario, specs: Iterable[str] | None, spread: float = SPREAD
) -> list[Input]:
    """The inputs `specs` ask for, before `sweepable` (["all"]: every candidate)."""
    specs = _specs(specs)
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


def _specs(specs: Iterable[str] | None) -> list[str]:
    return [s for s in (specs or []) if s.strip()]


def parse_range(text: str, path: str = "") -> tuple[float, float]:
    """`LOW:HIGH` as two numbers, the message naming `path` when it is not."""
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise ValueError(f"{path}: a range is written LOW:HIGH, got {text!r}") from None
    return lo, hi
