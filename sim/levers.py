"""The lever registry: every lever a team can move, how its effect applies, and who reads it.

A *lever* is one quantity of the revenue engine that an ops team changes. Before
this registry each stage of the model applied its effect by hand (`1 + e`, `s0 + e`, a clip
here and there); now a lever is declared once — its kind, the range its value is clipped to,
and the model stage that reads it — and every stage goes through the one `apply`:

* **points**: the effect is added to the base value (win rate + 2 points);
* **relative**: the base value is multiplied by ``max(0, 1 + effect)`` (cycle -10%);
* **correlation**: the effect *is* the value, a correlation in [0, 1] (lead-scoring
  accuracy); the base is ignored, since without a team there is no score at all.

The result is then clipped to the lever's value range. The schema takes its lever names from
here (`sim.params`), so a lever cannot exist in one place and not the other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["points", "relative", "correlation"]
Stage = Literal["rep_time", "arrivals", "first_touch", "qualification", "deal_floor", "customers"]

STAGES: tuple[Stage, ...] = (
    "rep_time",
    "arrivals",
    "first_touch",
    "qualification",
    "deal_floor",
    "customers",
)
"""The model's stages: reps' time budget, then the stages in the order a lead meets them."""


@dataclass(frozen=True)
class Lever:
    """One lever: how an effect on it applies, and which stage of the model reads it."""

    name: str
    kind: Kind
    stages: tuple[Stage, ...]
    clip: tuple[float, float]
    """Range of the levered value (a share, a probability, a non-negative quantity)."""
    lowers: bool = False
    """Whether an improvement lowers the value (its effect ranges must be <= 0)."""
    effect_cap: tuple[float, float] = (-math.inf, math.inf)
    """Range of the combined effect of all teams (applied before the value's own clip)."""

    def apply(self, base: float | np.ndarray, effect: float | np.ndarray) -> np.ndarray:
        """The levered value: `base` moved by `effect` as this lever's kind says, clipped."""
        effect = np.clip(effect, *self.effect_cap)
        if self.kind == "points":
            value = np.add(base, effect)
        elif self.kind == "relative":
            value = np.multiply(base, np.maximum(0.0, np.add(1.0, effect)))
        else:
            value = np.add(np.multiply(base, 0.0), effect)  # the effect, broadcast like base
        return np.clip(value, *self.clip)

    def apply_scalar(self, base: float, effect: float) -> float:
        """`apply` for one number in plain Python: the event loop's hot path."""
        low, high = self.effect_cap
        effect = min(high, max(low, effect))
        if self.kind == "points":
            value = base + effect
        elif self.kind == "relative":
            value = base * max(0.0, 1.0 + effect)
        else:
            value = effect
        low, high = self.clip
        return min(high, max(low, value))

    def scalar_fn(self) -> Callable[[float, float], float]:
        """`apply_scalar` as a function of (base, effect), its constants bound once.

        The same floats (each min/max as the comparison it makes, in the same order), for a
        caller that applies one lever many times (the event loop during a ramp).
        """
        cap_low, cap_high = self.effect_cap
        low, high = self.clip
        kind = self.kind

        def apply_one(base: float, effect: float) -> float:
            effect = effect if effect > cap_low else cap_low  # max(cap_low, effect)
            effect = effect if effect < cap_high else cap_high  # min(cap_high, ...)
            if kind == "points":
                value = base + effect
            elif kind == "relative":
                factor = 1.0 + effect
                value = base * (factor if factor > 0.0 else 0.0)  # max(0.0, 1 + effect)
            else:
                value = effect
            value = value if value > low else low
            return value if value < high else high

        return apply_one


_INF = math.inf
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever("selling_time_share", "points", ("rep_time",), (0.01, 1.0)),
        Lever("win_rate", "points", ("deal_floor",), (0.0, 1.0)),
        Lever("sales_cycle", "relative", ("deal_floor",), (0.0, _INF), lowers=True),
        Lever("response_time", "relative", ("first_touch",), (0.0, _INF), lowers=True),
        Lever("lead_scoring_accuracy", "correlation", ("deal_floor",), (0.0, 1.0)),
        Lever("qualification_rate", "relative", ("qualification",), (0.0, 1.0)),
        Lever("handoff_leakage", "relative", ("first_touch", "rep_time"), (0.0, 1.0), lowers=True),
        Lever(
            "inbound_rate",
            "relative",
            ("arrivals", "rep_time"),
            (0.0, _INF),
            effect_cap=(-1.0, 1.0),
        ),
        Lever("audience_size", "relative", ("arrivals",), (0.0, _INF), effect_cap=(-0.9, _INF)),
        Lever(
            "price", "relative", ("deal_floor", "customers"), (0.0, _INF), effect_cap=(-0.9, _INF)
        ),
        Lever("monthly_churn", "relative", ("customers",), (0.0, _INF), lowers=True),
        Lever("expansion", "relative", ("customers",), (0.0, _INF)),
    )
}
"""Every lever, in the fixed order in which team effects are drawn (`sim.org`): a new
lever goes at the end, so existing draws keep their values."""

LEVER_NAMES: tuple[str, ...] = tuple(LEVERS)

LEVER_LABELS = {
    "selling_time_share": "Selling-time share",
    "win_rate": "Win rate",
    "sales_cycle": "Sales-cycle length",
    "response_time": "Response time to leads",
    "lead_scoring_accuracy": "Lead-scoring accuracy",
    "qualification_rate": "MQL -> SQL qualification",
    "handoff_leakage": "Handoff leakage",
    "inbound_rate": "Inbound MQL rate",
    "audience_size": "Audience size",
    "price": "Price",
    "monthly_churn": "Monthly churn",
    "expansion": "Expansion (upsell) rate",
}
"""Lever key -> label (a table heading): English message ids, translated by `sim.text`
and extracted into the catalogs from here."""

LOWERING_LEVERS = frozenset(name for name, lever in LEVERS.items() if lever.lowers)
"""Levers whose improvement lowers a value: their effect ranges must be <= 0."""

RETENTION_LEVERS = frozenset({"monthly_churn", "expansion"})
"""Levers of keeping and growing customers: a team's `retention_strength` scales them, its
`strength` every other rate and points lever (acquisition)."""


REFERENCE_EFFECT: dict[str, float] = {
    "selling_time_share": 0.04,  # +4 points, admin offload
    "win_rate": 0.015,  # +1.5 points, pipeline discipline
    "sales_cycle": 0.05,  # -5%
    "response_time": 0.5,  # x0.5
    "lead_scoring_accuracy": 0.5,  # a score correlating 0.5 with fit
    "qualification_rate": 0.10,  # +10%, lead scoring and stage definitions
    "handoff_leakage": 0.5,  # half the leakage closed (judgment)
    "inbound_rate": 0.10,  # +10% inbound (judgment, alignment)
    "audience_size": 0.20,  # +20% audience (judgment, new segments)
    "price": 0.02,  # +2% bookings, territory and quota design
    "monthly_churn": 0.10,  # -10% churn, about +1 GRR point
    "expansion": 0.15,  # +15% expansion (judgment)
}
"""A typical effect on each lever (the mode of the published anchors, docs/SOURCES.md): the
common unit in which two teams' work on one funnel stage is compared (`sim.org`)."""


def funnel_stage(lever: str) -> Stage:
    """The funnel stage a lever works on (the first stage that reads it)."""
    return LEVERS[lever].stages[0]


LEVER_GROUPS: dict[str, tuple[str, ...]] = {
    "funnel_top": ("inbound_rate", "audience_size", "handoff_leakage", "qualification_rate"),
    "speed_to_lead": ("response_time",),
    "sales_execution": ("selling_time_share", "win_rate", "sales_cycle", "lead_scoring_accuracy"),
    "pricing": ("price",),
    "retention_expansion": ("monthly_churn", "expansion"),
}
"""Lever groups used to split a setup's gain into its sources (ids; words in `sim.text`)."""


ANCHORS: dict[str, tuple[str, str]] = {
    "rep_productivity": ("selling_time_share", "sales_cycle"),
    "lead_quality": ("lead_scoring_accuracy", "qualification_rate"),
}
"""Levers whose published figures describe one gain, as (primary, secondary): admin offload
and a shorter cycle both measure what reps get done; lead scoring and better qualification
both measure the SQLs worth working. When a setup moves the primary, the secondary counts
`org.overlap` of its effect (`sim.org`), so the one gain is not counted twice."""


INBOUND_EFFECT_CAP = LEVERS["inbound_rate"].effect_cap[1]
"""Teams can at most double the inbound rate. The inbound candidate stream is sized for that
cap, so it depends on the world alone and never on the org's effect ranges: two variants that
differ only in a team's parameters see the very same candidates (common random numbers)."""


def levers_read_by(stage: Stage) -> frozenset[str]:
    """The levers `stage` reads, as the registry declares them."""
    return frozenset(name for name, lever in LEVERS.items() if stage in lever.stages)


def apply(lever: str, base: float | np.ndarray, effect: float | np.ndarray) -> np.ndarray:
    """The one place an effect meets a value: `LEVERS[lever].apply(base, effect)`."""
    return LEVERS[lever].apply(base, effect)


assert set().union(*(levers_read_by(s) for s in STAGES)) == set(LEVERS)
assert set().union(*LEVER_GROUPS.values()) == set(LEVERS)
assert set(LEVER_LABELS) == set(LEVERS)
