"""What each field is, for people and for sweeps: label, unit, help, sweep range, source.

Every scalar field declares its metadata where it is defined (`sim.params.base.info`), so
the form, reports and sensitivity sweeps read one description of it. Paths are dotted, as in
files and `--set`: `segments.0.win_rate`, `org.teams.revops.cost_per_fte_month`,
`org.teams.salesops.effects.win_rate.mode`, `org.synergy.handoff_leakage`.

Units: `share` is a fraction in [0, 1] (shown as a percent), `share/month` and `share/year`
a fraction per period; `money`, `money/month`, `money/year` are in the scenario's currency;
`points`, `relative` and `correlation` are a lever's effect (`sim.levers`); `text` and
`longtext` are words, not numbers.

Lever effects (team effect ranges and synergy) take their metadata from the lever registry:
a sweep moves a raising lever's effect over [0, high] and a lowering one's over [low, 0].
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sim.levers import LEVER_LABELS, LEVERS
from sim.params.base import META_KEY
from sim.params.org import EffectRange
from sim.params.scenario import Scenario, canonical_path

__all__ = [
    "FieldMeta",
    "MetaError",
    "field_meta",
    "iter_scalar_paths",
    "lever_meta",
    "source_of",
]

RANGE_PARTS = ("low", "mode", "high")
"""The three numbers of an effect range, in file order."""

_RANGE_WORDS = {"low": "low", "mode": "most likely", "high": "high"}
_LEVER_HELP = {
    "points": "Percentage points added to the share (0.04 = +4 points).",
    "relative": "Relative change of the value (-0.5 = halved, 0.1 = +10%).",
    "correlation": "Accuracy of the lead score: its correlation with true fit (0 = none).",
}


class MetaError(KeyError):
    """A path that names no field of the schema."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown field"


@dataclass(frozen=True)
class FieldMeta:
    """One field as people and sweeps see it.

    `kind` is "number", "text" or "choice" for values, "block" for a group of fields.
    `low`/`high` is the sweep range (None for anything that is not a number).
    """

    path: str
    label: str
    unit: str
    help: str
    low: float | None
    high: float | None
    step: float | None
    kind: str
    integer: bool = False
    optional: bool = False
    choices: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- types
def _members(annotation: Any) -> tuple[list[Any], bool]:
    """The alternatives of a type with Annotated and None stripped, and whether None is one."""
    out: list[Any] = []
    optional = False
    stack = [annotation]
    while stack:
        t = stack.pop(0)
        origin = get_origin(t)
        if origin is Annotated:
            stack.insert(0, get_args(t)[0])
        elif origin in (Union, types.UnionType):
            stack[:0] = list(get_args(t))
        elif t is type(None):
            optional = True
        else:
            out.append(t)
    return out, optional


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _describe(path: str, annotation: Any, extra: dict | None) -> FieldMeta:
    """Metadata of a declared field from its annotation and its `info(...)` extra."""
    meta = dict((extra or {}).get(META_KEY) or {})
    members, optional = _members(annotation)
    numbers = [t for t in members if t in (int, float)]
    literals = [a for t in members if get_origin(t) is Literal for a in get_args(t)]
    if numbers:
        kind = "number"
    elif literals:
        kind = "choice"
    elif members and all(t is str for t in members):
        kind = "text"
    else:
        kind = "block"
    return FieldMeta(
        path=path,
        label=meta.get("label", path.rsplit(".", 1)[-1].replace("_", " ")),
        unit=meta.get("unit", ""),
        help=meta.get("help", ""),
        low=meta.get("low"),
        high=meta.get("high"),
        step=meta.get("step"),
        kind=kind,
        integer=bool(numbers) and float not in numbers,
        optional=optional,
        choices=tuple(str(a) for a in literals),
    )


def lever_meta(path: str, lever: str, part: str | None = None) -> FieldMeta:
    """Metadata of a lever's effect (a range's `part`, or a synergy value when None)."""
    spec = LEVERS[lever]
    if spec.kind == "correlation":
        low, high = 0.0, 1.0
    elif spec.lowers:
        low, high = -0.8, 0.0
    elif spec.kind == "points":
        low, high = 0.0, 0.1
    else:
        low, high = 0.0, 0.5
    label = LEVER_LABELS.get(lever, lever)
    if part is not None:
        label = f"{label} ({_RANGE_WORDS[part]})"
    return FieldMeta(
        path=path,
        label=label,
        unit=spec.kind,
        help=_LEVER_HELP[spec.kind],
        low=low,
        high=high,
        step=0.01,
        kind="number",
    )


# ----------------------------------------------------------------------------- lookups
def field_meta(path: str) -> FieldMeta:
    """The metadata of the field at a dotted path (list items by index, dict entries by key).

    Raises `MetaError` naming the path when it is not a field of the schema.
    """
    path = canonical_path(path)
    parts = path.split(".")
    current: list[Any] = [Scenario]
    meta: FieldMeta | None = None
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        members: list[Any] = []
        for t in current:
            members.extend(_members(t)[0])
        models = [t for t in members if _is_model(t)]
        containers = [t for t in members if get_origin(t) in (tuple, dict, list)]
        found = False
        if models:
            for model in models:
                if part in model.model_fields:
                    field = model.model_fields[part]
                    if model is EffectRange and parts[depth - 1] in (
                        "strength",
                        "retention_strength",
                    ):
                        retention = parts[depth - 1] == "retention_strength"
                        return _exact(_strength_meta(here, part, retention), depth, parts)
                    if model is EffectRange:
                        lever = parts[depth - 1]
                        return _exact(lever_meta(here, lever, part), depth, parts)
                    meta = _describe(here, field.annotation, field.json_schema_extra)  # type: ignore[arg-type]
                    current = [field.annotation]
                    found = True
                    break
        elif containers:
            container = containers[0]
            origin, args = get_origin(container), get_args(container)
            if origin is dict:
                if parts[depth - 1] == "synergy" and part in LEVERS:
                    return _exact(lever_meta(here, part), depth, parts)
                if parts[depth - 1] == "effects" and part in LEVERS:
                    if depth == len(parts) - 1:
                        return lever_meta(here, part)
                    current = [args[1]]
                    found = True
                elif parts[depth - 1] not in ("synergy", "effects"):
                    current = [args[1]]
                    meta = _describe(here, args[1], None) if meta is None else meta
                    found = True
            elif part.isdigit():
                current = [args[0]]
                found = True
        if not found:
            raise MetaError(f"{path}: no such field in the scenario schema (at '{here}')")
    assert meta is not None
    if meta.path != path:
        meta = FieldMeta(**{**meta.__dict__, "path": path})
    return meta


_RANGE_WORDS = {"low": "low", "mode": "most likely", "high": "high"}


def _strength_meta(path: str, part: str, retention: bool = False) -> FieldMeta:
    """One number of a team's strength range (or of its retention strength's)."""
    if retention:
        label = f"Retention strength, {_RANGE_WORDS[part]}"
        help_ = (
            "How well the team's retention work will work here, drawn once per simulated "
            "future from this triangular range; multiplies its churn and expansion effects "
            "(1 = as stated)."
        )
    else:
        label = f"Overall strength, {_RANGE_WORDS[part]}"
        help_ = (
            "How well the team will work here, drawn once per simulated future from this "
            "triangular range; multiplies its rate and points effects (1 = as stated)."
        )
    return FieldMeta(
        path=path,
        label=label,
        unit="multiplier",
        help=help_,
        low=0.0,
        high=2.0,
        step=0.05,
        kind="number",
        integer=False,
        optional=False,
        choices=(),
    )


def _exact(meta: FieldMeta, depth: int, parts: list[str]) -> FieldMeta:
    """`meta` when the path ends here; a leaf has no fields below it."""
    if depth != len(parts) - 1:
        raise MetaError(f"{'.'.join(parts)}: no such field in the scenario schema")
    return meta


def iter_scalar_paths(scenario: Scenario, *, analysis: bool = True) -> Iterator[str]:
    """Every numeric field of this scenario as a dotted path, in file order.

    Includes optional numbers that are null (`market.audience_size`), each number of each
    effect range, and synergy values; not words, choices, setups, sources or the world's
    declared ranges (`uncertainty`, keyed by paths). `analysis`
    False leaves out the analysis settings (they describe the question, not the company).
    """
    yield from _walk(scenario, "", analysis)


def _walk(node: Any, prefix: str, analysis: bool) -> Iterator[str]:
    if isinstance(node, EffectRange):
        for part in RANGE_PARTS:
            yield f"{prefix}{part}"
        return
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            if name in ("sources", "uncertainty") or (name == "analysis" and not analysis):
                continue
            value = getattr(node, name)
            path = f"{prefix}{name}"
            if isinstance(value, BaseModel | dict | tuple):
                if name == "setups":
                    continue
                yield from _walk(value, f"{path}.", analysis)
            elif _describe(path, field.annotation, None).kind == "number":
                yield path
        return
    if isinstance(node, tuple):
        for i, item in enumerate(node):
            yield from _walk(item, f"{prefix}{i}.", analysis)
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield f"{prefix}{key}"
            else:
                yield from _walk(value, f"{prefix}{key}.", analysis)


def source_of(scenario: Scenario, path: str) -> str:
    """Where the value at `path` comes from, as the scenario's `sources:` says ("" if silent).

    A number of an effect range falls back to its range's source (`...effects.win_rate`).
    """
    path = canonical_path(path)
    if path in scenario.sources:
        return scenario.sources[path]
    head, _, last = path.rpartition(".")
    if last in RANGE_PARTS and ".effects." in path:
        return scenario.sources.get(head, "")
    return ""
