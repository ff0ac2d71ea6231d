"""The scenario root: one company's world, its org options, the analysis, and the sources.

A `Scenario` is validated once, frozen, and then passed unchanged through the runner,
metrics and verdict. Unknown keys are errors (a misspelt setting must never be silently
ignored), every number must be finite, and probabilities, shares and ranges are checked
where they are declared, so an error message names the field path that is wrong.

Two file layouts load to the same scenario: the original one, with `horizon_months` and
`objective` at the top level, and the current one with an `analysis:` block. Code reads
the settings in one place, `scenario.analysis` (`horizon_months` and `objective` are
shortcuts to it).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError, model_validator

from sim.params.analysis import ANALYSIS_FIELDS, LEGACY_TOP_LEVEL, Analysis, Objective
from sim.params.base import MONTH_DAYS, Frozen, info
from sim.params.org import EffectRange, Org
from sim.params.paths import get_path, has_path, set_path
from sim.params.world import Costs, LeadHandling, Market, Sales, Segment, StartingCustomers

__all__ = ["UNCERTAIN_BLOCKS", "Scenario", "canonical_path"]

UNCERTAIN_BLOCKS = ("segments", "market", "lead_handling", "sales", "costs", "starting_customers")
"""The blocks whose numbers `uncertainty:` may give a range: the world, not the teams (their
effects and strength are ranges already) and not the question (`analysis`)."""

_ABSENT = object()


def canonical_path(path: str) -> str:
    """A field path in the current layout (`horizon_months` -> `analysis.horizon_months`)."""
    head, _, rest = path.partition(".")
    if head in LEGACY_TOP_LEVEL and not rest:
        return f"analysis.{head}"
    return path


def _move_legacy_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level analysis settings (the original layout) moved into `analysis:`.

    The same setting given in both places with different values is refused, naming it:
    silently preferring one would run a question the file's author did not ask.
    """
    out = dict(data)
    legacy = [key for key in LEGACY_TOP_LEVEL if key in out]
    if not legacy:
        return out
    block = out.get("analysis")
    if block is None:
        block = {}
    if not isinstance(block, Mapping):
        return out  # the analysis block's own validation names the problem
    block = dict(block)
    for key in legacy:
        value = out.pop(key)
        if key in block and block[key] != value:
            raise ValueError(
                f"{key}: given twice with different values ({value!r} at the top level, "
                f"{block[key]!r} as analysis.{key}); keep one of them"
            )
        block[key] = value
    out["analysis"] = block
    return out


class Scenario(Frozen):
    """One company, its market, its sales engine, the org setups to compare, and the question."""

    name: str = info(
        "Unnamed scenario",
        label="Scenario name",
        unit="text",
        help="Shown in reports and downloads.",
    )
    description: str = info(
        "",
        label="Description",
        unit="longtext",
        help="The company and where each number comes from.",
    )
    currency: str = info(
        "USD",
        label="Currency",
        unit="text",
        help="Display only (USD, EUR, GBP, JPY or any code).",
    )
    analysis: Analysis = Analysis()
    segments: tuple[Segment, ...] = Field(min_length=1)
    market: Market
    lead_handling: LeadHandling = LeadHandling()
    sales: Sales
    costs: Costs = Costs()
    starting_customers: StartingCustomers = StartingCustomers()
    org: Org = Field(default_factory=lambda: Org(setups={"none": ()}))
    uncertainty: dict[str, EffectRange] = info(
        label="Uncertain world numbers",
        unit="",
        help="A field path -> [low, most likely, high]: a triangular range for a number of "
        "the world, drawn afresh in every simulated future (the same draw for every setup). "
        "The field's own value is then not used; empty = every world number is as given.",
        default_factory=dict,
    )
    sources: dict[str, str] = info(
        label="Sources",
        unit="",
        help="Where each number comes from: a field path -> the source's text.",
        default_factory=dict,
    )

    @model_validator(mode="before")
    @classmethod
    def _layouts(cls, value: object) -> object:
        if not isinstance(value, Mapping):
            return value
        data = _move_legacy_settings(value)
        sources = data.get("sources")
        if isinstance(sources, Mapping):
            renamed: dict[Any, Any] = {}
            for key, text in sources.items():
                path = canonical_path(key) if isinstance(key, str) else key
                if path in renamed and renamed[path] != text:
                    raise ValueError(f"sources.{path}: given twice with different texts")
                renamed[path] = text
            data["sources"] = renamed
        return data

    @model_validator(mode="after")
    def _rep_time(self) -> Scenario:
        ft = self.lead_handling.first_touch
        sales = self.sales
        if ft.capacity == 0 and sales.reps > 0:
            load = (
                self.market.inbound_mqls_per_month
                * (1.0 - self.lead_handling.handoff_leakage)
                * sales.hours_per_first_touch
                / (sales.reps * sales.hours_per_month)
            )
            if sales.selling_time_share + load > 1.0:
                raise ValueError(
                    f"sales.selling_time_share: {sales.selling_time_share:g} of reps' time "
                    f"selling plus {load:.2f} making first touches exceeds all of it (lower "
                    "sales.hours_per_first_touch or the selling share)"
                )
        return self

    @model_validator(mode="after")
    def _within_horizon(self) -> Scenario:
        horizon = self.analysis.horizon_months
        for i, step in enumerate(self.sales.hiring):
            if step.month >= horizon:
                raise ValueError(
                    f"sales.hiring.{i}.month: month {step.month} is beyond the horizon "
                    f"({horizon} months)"
                )
        for name, plan in self.org.plans.items():
            for team, step in plan.items():
                if step.start is not None and step.start >= horizon:
                    raise ValueError(
                        f"org.plans.{name}.{team}.start: month {step.start} is beyond the "
                        f"horizon ({horizon} months)"
                    )
        return self

    @model_validator(mode="after")
    def _shares(self) -> Scenario:
        total = sum(s.lead_share for s in self.segments)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"segments: lead_share values must sum to 1 (they sum to {total:g})")
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError("segments: segment names must be unique")
        return self

    @model_validator(mode="after")
    def _sources_known(self) -> Scenario:
        if not self.sources:
            return self
        data = self.model_dump(mode="json", exclude={"sources"})
        unknown = [p for p in self.sources if not has_path(data, p)]
        if unknown:
            raise ValueError(
                "; ".join(
                    f"sources.{p}: no field '{p}' in this scenario (a source must name a "
                    "field path such as segments.0.win_rate)"
                    for p in unknown
                )
            )
        return self

    @model_validator(mode="after")
    def _uncertainty_known(self) -> Scenario:
        """Every range names a number of the world, and both its ends are valid values there.

        Each end is checked by validating this scenario with the field set to it, so a range
        outside a field's bounds (a share above 1, fewer than 0 reps) is refused naming the
        field, as a wrong value of the field itself would be.
        """
        if not self.uncertainty:
            return self
        data = self.model_dump(mode="json", exclude={"uncertainty"})
        problems = []
        for path, rng in self.uncertainty.items():
            where = f"uncertainty.{path}"
            value = get_path(data, path, _ABSENT)
            if path.split(".")[0] not in UNCERTAIN_BLOCKS:
                problems.append(
                    f"{where}: only a number of the world ({', '.join(UNCERTAIN_BLOCKS)}) can be "
                    "given a range here; a team's effects and strength are ranges already"
                )
            elif value is _ABSENT:
                problems.append(
                    f"{where}: no field '{path}' in this scenario (write a field path such as "
                    "market.inbound_mqls_per_month or segments.0.win_rate)"
                )
            elif value is None:
                problems.append(f"{where}: the field is empty here; give it a number first")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{where}: '{path}' is not a number")
            else:
                for end, x in (("low", rng.low), ("high", rng.high)):
                    trial = copy.deepcopy(data)
                    set_path(trial, path, int(x) if isinstance(value, int) else x)
                    if isinstance(value, int) and x != int(x):
                        problems.append(f"{where}: its {end} end {x:g} must be a whole number")
                        continue
                    try:
                        Scenario.model_validate(trial)
                    except ValidationError as err:
                        first = err.errors()[0]
                        problems.append(
                            f"{where}: its {end} end {x:g} is not a valid value of the field "
                            f"({first['msg']})"
                        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def horizon_months(self) -> int:
        """The horizon in months (`analysis.horizon_months`)."""
        return self.analysis.horizon_months

    @property
    def objective(self) -> Objective:
        """What 'best' means (`analysis.objective`)."""
        return self.analysis.objective

    @property
    def horizon_days(self) -> float:
        """The horizon in model time (days)."""
        return self.analysis.horizon_months * MONTH_DAYS

    @property
    def setup_names(self) -> tuple[str, ...]:
        """Names of the setups to compare, baseline first."""
        return tuple(self.org.setups)

    def with_changes(self, **changes: object) -> Scenario:
        """A validated copy with top-level fields or analysis settings replaced."""
        data = self.model_dump()
        for key, value in changes.items():
            if key in ANALYSIS_FIELDS:
                data["analysis"][key] = value
            else:
                data[key] = value
        return Scenario.model_validate(data)
