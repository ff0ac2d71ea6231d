"""The scenario schema: everything one company's revenue engine and its org options are.

A `Scenario` is validated once, frozen, and then passed unchanged through the runner,
metrics and verdict. Unknown keys are errors (a misspelt setting must never be silently
ignored), every number must be finite, and probabilities, shares and ranges are checked
where they are declared, so an error message names the field path that is wrong.

The YAML layout is SPEC §9 (version 1). "Assumptions about the world" (segments, market,
lead handling, sales, costs) are kept apart from "choices the company makes" (`org`).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from sim.levers import LEVER_NAMES, LEVERS, LOWERING_LEVERS

MONTH_DAYS = 365.25 / 12
"""Length of a month in days: all model time is in days."""


def _no_bool(value: object) -> object:
    """YAML reads `yes`/`true` as booleans; a number field must not take them as 1."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a true/false value")
    return value


Number = Annotated[float, BeforeValidator(_no_bool)]
Probability = Annotated[Number, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[Number, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[Number, Field(gt=0.0, allow_inf_nan=False)]
Finite = Annotated[Number, Field(allow_inf_nan=False)]

OBJECTIVES = ("cumulative_contribution", "npv_contribution", "ending_arr", "ops_roi")
Objective = Literal["cumulative_contribution", "npv_contribution", "ending_arr", "ops_roi"]


class Frozen(BaseModel):
    """Base for every schema block: immutable, strict about unknown keys, finite numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# --------------------------------------------------------------------------- segments
class Lognormal(Frozen):
    """A lognormal given by its median and log-scale standard deviation."""

    median: Positive
    sigma: NonNegative = 0.5


class CycleLognormal(Frozen):
    """Sales-cycle length, lognormal (the default: long right tail, as in CRM data)."""

    distribution: Literal["lognormal"] = "lognormal"
    median: Positive
    sigma: NonNegative = 0.6

    @property
    def mean(self) -> float:
        """Mean cycle length in days."""
        return self.median * math.exp(self.sigma**2 / 2)


class CycleExponential(Frozen):
    """Exponential cycle: memoryless, what queueing closed forms (Erlang C) assume."""

    distribution: Literal["exponential"]
    mean: Positive


class CycleGamma(Frozen):
    """Gamma cycle given by its mean and shape (shape 1 = exponential)."""

    distribution: Literal["gamma"]
    mean: Positive
    shape: Positive


class CycleFixed(Frozen):
    """Deterministic cycle length in days."""

    distribution: Literal["fixed"]
    value: Positive

    @property
    def mean(self) -> float:
        """Mean cycle length in days."""
        return self.value


CycleDistribution = Annotated[
    CycleLognormal | CycleExponential | CycleGamma | CycleFixed,
    Field(discriminator="distribution"),
]


class Expansion(Frozen):
    """Upsell: each month a customer expands with this probability, by `size` of its MRR."""

    monthly_probability: Probability = 0.0
    size: NonNegative = 0.0


class Segment(Frozen):
    """One customer segment: its share of leads and its economics, as observed today."""

    name: str = Field(min_length=1)
    lead_share: Probability
    acv: Lognormal
    qualification_rate: Probability
    win_rate: Probability
    sales_cycle_days: CycleDistribution
    monthly_churn: Annotated[Number, Field(ge=0.0, lt=1.0, allow_inf_nan=False)]
    expansion: Expansion = Expansion()
    win_propensity_spread: Annotated[Number, Field(ge=0.0, le=5.0, allow_inf_nan=False)] = 0.0


# --------------------------------------------------------------------------- market etc.
class Market(Frozen):
    """Where leads come from: a finite audience, inbound flow and its drift, spend."""

    audience_size: Positive | None = None
    inbound_mqls_per_month: NonNegative
    inbound_growth_per_month: Annotated[Number, Field(gt=-1.0, le=1.0, allow_inf_nan=False)] = 0.0
    inbound_growth_cap: Annotated[Number, Field(ge=1.0, le=1e3, allow_inf_nan=False)] | None = 3.0
    """Growth saturates toward this multiple of today's inbound rate (a logistic curve that
    starts at the stated monthly growth); null = compounds without bound. A market's demand
    does not grow for ever: the default 3x is a judgment, stated so it can be changed."""
    marketing_spend_per_month: NonNegative = 0.0


class SpeedToLeadDecay(Frozen):
    """decay(t) = floor + (1 - floor) * exp(-t / tau): qualification falls with response time."""

    floor: Probability = 1.0
    tau_hours: Positive = 6.0


class FirstTouch(Frozen):
    """Who makes the first touch: `capacity` people (0 = the reps, null = unlimited)."""

    capacity: Annotated[int, BeforeValidator(_no_bool), Field(ge=0)] | None = None
    touches_per_person_day: Positive = 30.0
    handling_delay_hours: Lognormal = Lognormal(median=1.0, sigma=0.0)


class LeadHandling(Frozen):
    """From MQL to a qualified SQL: leakage, first touch, speed-to-lead."""

    handoff_leakage: Probability = 0.0
    first_touch: FirstTouch = FirstTouch()
    speed_to_lead_decay: SpeedToLeadDecay = SpeedToLeadDecay()


class Sales(Frozen):
    """The sales team as it is today."""

    reps: Annotated[int, BeforeValidator(_no_bool), Field(ge=0)]
    max_open_deals_per_rep: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] = 15
    selling_time_share: Annotated[Number, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 0.3
    outbound_leads_per_rep_month: NonNegative = 0.0
    sql_patience_days: Positive | None = None
    score_weight_days: NonNegative = 14.0
    """When a lead score orders the deal-slot queue: how many days of waiting one standard
    deviation of expected fit is worth (0 = the score is ignored, first come first served)."""
    cycle_time_elasticity: Annotated[Number, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = 0.5
    price_elasticity: Annotated[Number, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = 1.0
    warmup_months: Annotated[Number, Field(ge=0.0, le=60.0, allow_inf_nan=False)] = 12.0
    hours_per_month: Annotated[Number, Field(ge=40.0, le=300.0, allow_inf_nan=False)] = 160.0
    """A rep's working hours a month: the time that admin, first touches and selling share."""
    hours_per_first_touch: Annotated[Number, Field(ge=0.0, le=8.0, allow_inf_nan=False)] = 0.25
    """Rep hours one inbound first touch takes when the reps make first touches (first-touch
    capacity 0): more inbound then leaves them less selling time."""
    renewal_months: Annotated[Number, Field(ge=1.0, le=60.0, allow_inf_nan=False)] = 12.0
    """Contract term: customers renew every term, and a price change reaches them there."""
    """How long the company has been selling before day 0, as far as its pipeline goes: the
    run starts with the waiting SQLs and open deals this warm-up leaves (0 = an empty pipeline)."""


class Costs(Frozen):
    """Monthly loaded costs and the money assumptions of the objective."""

    rep_per_month: NonNegative = 0.0
    first_touch_per_person_month: NonNegative = 0.0
    other_gtm_per_month: NonNegative = 0.0
    gross_margin: Probability = 0.8
    discount_rate_annual: Annotated[Number, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.1


class StartingCustomers(Frozen):
    """An existing customer base at time 0, churned and expanded like new customers."""

    count: Annotated[int, BeforeValidator(_no_bool), Field(ge=0)] = 0
    mrr_each: NonNegative = 0.0


# --------------------------------------------------------------------------- org
LeverName = Literal[LEVER_NAMES]  # type: ignore[valid-type]
"""A lever's name, as the registry (`sim.levers`) declares it."""

BASELINE = "none"
"""The setup with no ops team: every gain is measured against it."""


class EffectRange(Frozen):
    """A triangular range [low, mode, high] of a lever's effect at full effect."""

    low: Finite
    mode: Finite
    high: Finite

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: object) -> object:
        return _parse_range(value)

    @model_validator(mode="after")
    def _ordered(self) -> EffectRange:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"range must satisfy low <= mode <= high, got [{self.low}, {self.mode}, "
                f"{self.high}]"
            )
        return self


def _parse_range(value: object) -> object:
    """Accept `[low, mode, high]` (the file form) or a mapping; a scalar means a fixed effect."""
    if isinstance(value, list | tuple):
        if len(value) != 3:
            raise ValueError(f"a range is [low, mode, high]: expected 3 numbers, got {len(value)}")
        return {"low": value[0], "mode": value[1], "high": value[2]}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"low": value, "mode": value, "high": value}
    return value


class Coverage(Frozen):
    """How a team's effects follow its size, with diminishing returns.

    The ranges hold in full at `fte_per_rep` ops FTE per rep; a team covering share c of that
    work gets the multiplier (1 - exp(-k c)) / (1 - exp(-k)), k = `curvature`.
    """

    fte_per_rep: Positive
    curvature: Annotated[Number, Field(gt=0.0, le=20.0, allow_inf_nan=False)] = 2.0


class Team(Frozen):
    """An ops team: its cost, its ramp to full effect, and the levers it moves."""

    headcount: NonNegative = 1.0
    cost_per_fte_month: NonNegative = 0.0
    months_to_full_effect: Annotated[Number, Field(ge=0.0, le=120.0, allow_inf_nan=False)] = 0.0
    durability_months: Annotated[Number, Field(gt=0.0, le=600.0, allow_inf_nan=False)] | None = (
        None
    )
    """Half-life of the effects after full effect (they fade as processes drift and people
    leave); null = they last."""
    coverage: Coverage | None = None
    """How effects follow headcount; null = the ranges hold at `headcount`, and a sized
    option of the team (`team@fte` in a setup) scales by fte / headcount on the same curve."""
    effects: dict[LeverName, EffectRange] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _directions(self) -> Team:
        for lever, rng in self.effects.items():
            if lever in LOWERING_LEVERS and rng.high > 0:
                raise ValueError(
                    f"effects.{lever}: this lever lowers a value, so its range must be <= 0 "
                    f"(got high {rng.high})"
                )
            if lever == "lead_scoring_accuracy" and not (rng.low >= 0 and rng.high <= 1):
                raise ValueError("effects.lead_scoring_accuracy: must lie in [0, 1]")
            if LEVERS[lever].kind == "relative" and rng.low <= -1:
                raise ValueError(
                    f"effects.{lever}: a relative change must be above -1 (-100%), got {rng.low}"
                )
            if LEVERS[lever].kind == "points" and not (rng.low >= -1 and rng.high <= 1):
                raise ValueError(f"effects.{lever}: a change in points must lie in [-1, 1]")
        return self

    @property
    def monthly_cost(self) -> float:
        """Loaded cost of the team per month."""
        return self.headcount * self.cost_per_fte_month


def parse_member(member: str) -> tuple[str, float | None]:
    """A setup member -> (team, fte, or None for the team's own headcount).

    `team`, or `team@fte` for a sized option of the team (`revops@0.5`: a half-time RevOps).
    """
    name, at, fte = member.partition("@")
    if not at:
        return name, None
    try:
        value = float(fte)
    except ValueError:
        raise ValueError(f"'{member}': expected team@fte, e.g. revops@0.5") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"'{member}': the fte after @ must be a positive number")
    return name, value


DEFAULT_SETUPS: dict[str, tuple[str, ...]] = {
    "none": (),
    "salesops": ("salesops",),
    "revops": ("revops",),
    "both": ("salesops", "revops"),
}


class Org(Frozen):
    """The org options being compared: teams, how they combine, and the setups."""

    teams: dict[str, Team] = Field(default_factory=dict)
    effect_scale: Annotated[Number, Field(ge=0.0, le=3.0, allow_inf_nan=False)] = 1.0
    """Multiplies every drawn effect and synergy: how far the published per-lever figures
    are believed when they are stacked (1 = as published; presets calibrate it)."""
    overlap: Probability = 0.5
    synergy: dict[LeverName, Finite] = Field(default_factory=dict)
    setups: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_SETUPS))

    def members(self, setup: str) -> tuple[tuple[str, float], ...]:
        """(team, fte) of each member of `setup`: a sized option's fte, else the headcount."""
        out = []
        for member in self.setups[setup]:
            team, fte = parse_member(member)
            out.append((team, self.teams[team].headcount if fte is None else fte))
        return tuple(out)

    def team_names(self, setup: str) -> tuple[str, ...]:
        """The teams of `setup` (sized options named by their team)."""
        return tuple(team for team, _ in self.members(setup))

    def monthly_cost(self, setup: str) -> float:
        """Loaded monthly cost of `setup`'s teams: each member's fte x its cost per FTE."""
        return sum(fte * self.teams[team].cost_per_fte_month for team, fte in self.members(setup))

    @model_validator(mode="after")
    def _setups_known(self) -> Org:
        if "none" not in self.setups:
            raise ValueError("setups: a setup named 'none' (no ops team) is the baseline")
        if self.setups["none"]:
            raise ValueError("setups.none: the baseline setup must have no teams")
        for name, teams in self.setups.items():
            seen = set()
            for member in teams:
                try:
                    team, _ = parse_member(member)
                except ValueError as err:
                    raise ValueError(f"setups.{name}: {err}") from None
                if team not in self.teams:
                    raise ValueError(f"setups.{name}: unknown team '{team}'")
                if team in seen:
                    raise ValueError(f"setups.{name}: team '{team}' is listed twice")
                seen.add(team)
        for lever, value in self.synergy.items():
            if lever in LOWERING_LEVERS and value > 0:
                raise ValueError(f"synergy.{lever}: this lever lowers a value, must be <= 0")
        return self


# --------------------------------------------------------------------------- scenario
class Scenario(Frozen):
    """One company, its market, its sales engine, and the org setups to compare."""

    name: str = "Unnamed scenario"
    description: str = ""
    currency: str = "USD"
    horizon_months: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=120)] = 36
    objective: Objective = "cumulative_contribution"
    segments: tuple[Segment, ...] = Field(min_length=1)
    market: Market
    lead_handling: LeadHandling = LeadHandling()
    sales: Sales
    costs: Costs = Costs()
    starting_customers: StartingCustomers = StartingCustomers()
    org: Org = Field(default_factory=lambda: Org(setups={"none": ()}))

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
    def _shares(self) -> Scenario:
        total = sum(s.lead_share for s in self.segments)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"segments: lead_share values must sum to 1 (they sum to {total:g})")
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError("segments: segment names must be unique")
        return self

    @property
    def horizon_days(self) -> float:
        """The horizon in model time (days)."""
        return self.horizon_months * MONTH_DAYS

    @property
    def setup_names(self) -> tuple[str, ...]:
        """Names of the setups to compare, baseline first."""
        return tuple(self.org.setups)

    def with_changes(self, **changes: object) -> Scenario:
        """A validated copy with top-level fields replaced (e.g. horizon_months)."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate(data)
