"""The choices the company makes: its ops teams, how they combine, and the setups compared.

Kept apart from the world because a run depends only on the teams its setup has: changing
RevOps' cost must leave every SalesOps-only run valid (`sim.cache.run_key`).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.levers import LEVER_NAMES, LEVERS, LOWERING_LEVERS
from sim.params.base import Finite, Frozen, NonNegative, Number, Positive, Probability, info

NAME_PATTERN = re.compile(r"[^\W_][\w\-]{0,39}")
"""A team's or setup's name: letters (any script), digits, _ and -; it is shown as words, so
it can carry no markup."""

__all__ = [
    "BASELINE",
    "DEFAULT_SETUPS",
    "TRIGGER_METRICS",
    "Coverage",
    "EffectRange",
    "LeverName",
    "Org",
    "PlanStep",
    "Team",
    "Trigger",
    "parse_member",
]

LeverName = Literal[LEVER_NAMES]  # type: ignore[valid-type]
"""A lever's name, as the registry (`sim.levers`) declares it."""

BASELINE = "none"
"""The setup with no ops team: every gain is measured against it."""


RELATIVE_EFFECT_MAX = 10.0
"""Largest relative effect a team may have on a lever: +1000%, eleven times the value. Far
above any published figure; a larger one is a typo (or an attack) that would overflow the
model's arithmetic into NaN."""


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

    fte_per_rep: Positive = info(
        label="Ops FTE per rep for full effect",
        unit="fte/rep",
        help="The team's effect ranges hold in full at this many ops FTE per rep.",
        low=0.02,
        high=0.2,
        step=0.01,
    )
    curvature: Annotated[Number, Field(gt=0.0, le=20.0, allow_inf_nan=False)] = info(
        2.0,
        label="Coverage curvature",
        unit="curvature",
        help="How fast returns diminish as the team grows toward full coverage (higher = "
        "the first FTE does most of the work).",
        low=0.5,
        high=6.0,
        step=0.5,
    )


class Team(Frozen):
    """An ops team: its cost, its ramp to full effect, and the levers it moves."""

    headcount: NonNegative = info(
        1.0,
        label="Headcount (FTE)",
        unit="people",
        help="People in the team.",
        low=0.5,
        high=4.0,
        step=0.5,
    )
    cost_per_fte_month: NonNegative = info(
        0.0,
        label="Loaded cost per FTE a month",
        unit="money/month",
        help="Salary, benefits, tools of one team member; paid from month 0 in every setup "
        "that has the team.",
        low=6_000.0,
        high=30_000.0,
        step=500.0,
    )
    months_to_full_effect: Annotated[Number, Field(ge=0.0, le=120.0, allow_inf_nan=False)] = info(
        0.0,
        label="Months to full effect",
        unit="months",
        help="The team's effects ramp up linearly from 0 at the start to full after this long.",
        low=1.0,
        high=12.0,
        step=1.0,
    )
    durability_months: Annotated[Number, Field(gt=0.0, le=600.0, allow_inf_nan=False)] | None = (
        info(
            None,
            label="Effect half-life (months)",
            unit="months",
            help="Half-life of the effects after full effect (they fade as processes drift and "
            "people leave); empty = they last.",
            low=12.0,
            high=120.0,
            step=6.0,
        )
    )
    attrition_per_year: Annotated[Number, Field(ge=0.0, le=3.0, allow_inf_nan=False)] = info(
        0.0,
        label="Team attrition a year (%)",
        unit="share/year",
        help="Leavers per filled seat of this team a year: a leaver's seat is vacant (no "
        "salary, no effect) for the backfill time, then a successor ramps over the months to "
        "full effect. 0 = nobody leaves.",
        low=0.0,
        high=0.4,
        step=0.01,
    )
    backfill_months: Annotated[Number, Field(ge=0.0, le=24.0, allow_inf_nan=False)] = info(
        0.0,
        label="Months to backfill a leaver",
        unit="months",
        help="A leaver's seat in this team stays vacant this long before a successor starts.",
        low=0.0,
        high=6.0,
        step=0.5,
    )
    coverage: Coverage | None = info(
        None,
        label="Coverage",
        help="How effects follow headcount; empty = the ranges hold at the headcount, and a "
        "sized option of the team (`team@fte` in a setup) scales by fte / headcount on the "
        "same curve.",
    )
    strength: EffectRange = info(
        label="Overall strength (low / most likely / high)",
        unit="multiplier",
        help="How well this team will work here, uncertain: one draw per simulated future "
        "multiplies every rate and points effect of the team (not a correlation such as "
        "scoring accuracy; its retention levers when a retention strength is given), so the "
        "doubt about the team as a whole shows in the intervals and P(best). 1 = the effect "
        "ranges as stated.",
        default_factory=lambda: EffectRange(low=1.0, mode=1.0, high=1.0),
    )
    retention_strength: EffectRange | None = info(
        None,
        label="Retention strength (low / most likely / high)",
        unit="multiplier",
        help="How well this team's retention work (churn, expansion) will work here, "
        "uncertain and drawn apart from its acquisition strength; empty = the overall "
        "strength scales retention too.",
    )
    effects: dict[LeverName, EffectRange] = info(
        label="Effects",
        unit="",
        help="Effect at full strength, as a triangular range: low / most likely / high.",
        default_factory=dict,
    )

    @model_validator(mode="after")
    def _directions(self) -> Team:
        if not (self.strength.low >= 0.0 and self.strength.high <= 3.0):
            raise ValueError("strength: must lie in [0, 3] (1 = the effect ranges as stated)")
        kept = self.retention_strength
        if kept is not None and not (kept.low >= 0.0 and kept.high <= 3.0):
            raise ValueError(
                "retention_strength: must lie in [0, 3] (1 = the effect ranges as stated)"
            )
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
            if LEVERS[lever].kind == "relative" and rng.high > RELATIVE_EFFECT_MAX:
                raise ValueError(
                    f"effects.{lever}: a relative change must be at most {RELATIVE_EFFECT_MAX:g} "
                    f"(+{RELATIVE_EFFECT_MAX:.0%}), got {rng.high:g}"
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


TRIGGER_METRICS = ("reps", "arr", "leads_per_month", "cold_share", "slot_use")
"""What a plan's trigger can watch, month by month, in each simulated future."""

TriggerMetric = Literal[TRIGGER_METRICS]  # type: ignore[valid-type]


class Trigger(Frozen):
    """Hire when `metric` first reaches `at_least` at the end of a month."""

    metric: TriggerMetric = info(
        label="Watched figure",
        unit="",
        help="reps (seats filled), arr, leads_per_month, cold_share (SQLs gone cold) or "
        "slot_use (share of deal slots in use).",
    )
    at_least: Finite = info(label="Threshold", unit="", help="The figure that triggers the hire.")


class FteStep(Frozen):
    """A change of a team's size some months after it starts in a plan."""

    after_months: Annotated[Number, Field(ge=0.0, le=600.0, allow_inf_nan=False)] = info(
        label="Months after the team's start",
        unit="months",
        help="When the team changes size, counted from its start (a date or a trigger).",
    )
    fte: Annotated[Number, Field(gt=0.0, le=100.0, allow_inf_nan=False)] = info(
        label="FTE from then on",
        unit="people",
        help="The team's size from that month; people added ramp over the months to full "
        "effect, and the team's effect follows its coverage curve at the new size.",
    )


class PlanStep(Frozen):
    """When one team starts in a plan: a month, never (start empty), or on a trigger."""

    start: Annotated[int, Field(ge=0)] | None = info(
        None,
        label="Start month",
        unit="month",
        help="Month the team starts (0 = now); its effects ramp and its cost runs from there. "
        "Empty with no trigger = never.",
    )
    when: Trigger | None = info(
        None, label="Trigger", unit="", help="Start when a figure reaches a threshold."
    )
    recruit_months: Annotated[Number, Field(ge=0.0, le=24.0, allow_inf_nan=False)] = info(
        0.0,
        label="Months to recruit after the trigger",
        unit="months",
        help="The team starts this many months after its trigger fires.",
    )
    fte: Annotated[Number, Field(gt=0.0, le=100.0, allow_inf_nan=False)] | None = info(
        None,
        label="FTE at the start",
        unit="people",
        help="The team's size when it starts; empty = its headcount.",
    )
    steps: tuple[FteStep, ...] = info(
        label="FTE steps",
        unit="",
        help="Later changes of the team's size, counted from its start.",
        default_factory=tuple,
    )

    @model_validator(mode="after")
    def _one_rule(self) -> PlanStep:
        if self.start is not None and self.when is not None:
            raise ValueError("give either start or when, not both")
        if self.steps and self.never:
            raise ValueError("steps: a team that never starts cannot change size")
        months = [step.after_months for step in self.steps]
        if months != sorted(set(months)) or (months and months[0] <= 0):
            raise ValueError("steps: after_months must rise step by step, each above 0")
        return self

    @property
    def never(self) -> bool:
        """Whether the team never starts in this plan."""
        return self.start is None and self.when is None


DEFAULT_SETUPS: dict[str, tuple[str, ...]] = {
    "none": (),
    "salesops": ("salesops",),
    "revops": ("revops",),
    "both": ("salesops", "revops"),
}


class Org(Frozen):
    """The org options being compared: teams, how they combine, and the setups."""

    teams: dict[str, Team] = Field(default_factory=dict)
    effect_scale: Annotated[Number, Field(ge=0.0, le=3.0, allow_inf_nan=False)] = info(
        1.0,
        label="Effect scale, all teams (1 = as stated)",
        unit="multiplier",
        help="Multiplies every team's rate and points effects and the synergy, alike. Kept for "
        "older files: a team's own `strength` range says the same with its uncertainty.",
        low=0.1,
        high=1.0,
        step=0.05,
    )
    overlap: Probability = info(
        0.5,
        label="Overlap when teams work the same lever or stage (%)",
        unit="share",
        help="Two teams moving the same lever the same way: the larger effect counts in full, "
        "the smaller one this much (0 = no extra, 100 = they add up). Two teams working the "
        "same funnel stage: the team doing more of the stage's work counts in full, the "
        "other this much there (diminishing returns on one stage of the funnel).",
        low=0.0,
        high=1.0,
        step=0.05,
    )
    synergy: dict[LeverName, Finite] = info(
        label="Synergy",
        unit="",
        help="Extra effects only when two or more teams work together.",
        default_factory=dict,
    )
    setups: dict[str, tuple[str, ...]] = info(
        label="Setups compared",
        unit="",
        help="Setup name -> the teams it has; `none` (no ops team) is the baseline.",
        default_factory=lambda: dict(DEFAULT_SETUPS),
    )

    plans: dict[str, dict[str, PlanStep]] = info(
        label="Plans",
        unit="",
        help="Plan name -> per team its start month or trigger; a team left out never starts.",
        default_factory=dict,
    )

    def runs(self, name: str) -> bool:
        """Whether `name` is a setup or a plan (both can be run)."""
        return name in self.setups or name in self.plans

    def starts(self, name: str) -> dict[str, PlanStep]:
        """Each member team's plan step (a setup's teams start at month 0)."""
        if name in self.plans:
            return {t: step for t, step in self.plans[name].items() if not step.never}
        return {team: PlanStep(start=0) for team in self.team_names(name)}

    def members(self, setup: str) -> tuple[tuple[str, float], ...]:
        """(team, fte) of each member of `setup`: a sized option's fte, else the headcount."""
        if setup in self.plans:
            return tuple(
                (team, self.teams[team].headcount if step.fte is None else step.fte)
                for team, step in self.plans[setup].items()
                if not step.never
            )
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
        for kind, names in (("teams", self.teams), ("setups", self.setups)):
            for name in names:
                if not NAME_PATTERN.fullmatch(name):
                    raise ValueError(
                        f"{kind}: the name {name[:40]!r} may hold only letters, digits, _ and - "
                        "(at most 40)"
                    )
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
        for name, plan in self.plans.items():
            if name in self.setups:
                raise ValueError(f"plans.{name}: a setup has this name already")
            for team in plan:
                if team not in self.teams:
                    raise ValueError(f"plans.{name}.{team}: unknown team '{team}'")
                if plan[team].steps and self.teams[team].attrition_per_year > 0:
                    raise ValueError(
                        f"plans.{name}.{team}.steps: a team that loses people "
                        "(attrition_per_year > 0) cannot change size in a plan yet"
                    )
        for lever, value in self.synergy.items():
            if lever in LOWERING_LEVERS and value > 0:
                raise ValueError(f"synergy.{lever}: this lever lowers a value, must be <= 0")
            low = -1.0 if LEVERS[lever].kind != "correlation" else 0.0
            high = RELATIVE_EFFECT_MAX if LEVERS[lever].kind == "relative" else 1.0
            if not low <= value <= high:
                raise ValueError(f"synergy.{lever}: must lie in [{low:g}, {high:g}], got {value:g}")
        return self
