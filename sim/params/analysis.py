"""How the comparison is judged and run: horizon, objective, confidence, replications, seed.

These are choices about the question, not facts about the company. Only the horizon, the
seed and the replications change what is simulated; how value after the horizon is counted
changes a run's value KPIs (so it is part of a run's cache key); the objective and the
confidence only change how finished runs are judged, so they are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from sim.params.base import Frozen, Number, Whole, info

__all__ = [
    "AFTER_HORIZON",
    "ANALYSIS_FIELDS",
    "LEGACY_TOP_LEVEL",
    "OBJECTIVES",
    "AfterHorizon",
    "Analysis",
    "Objective",
    "RunSettings",
]

OBJECTIVES = (
    "value_created",
    "cumulative_contribution",
    "npv_contribution",
    "ending_arr",
    "ops_roi",
)
Objective = Literal[
    "value_created", "cumulative_contribution", "npv_contribution", "ending_arr", "ops_roi"
]

AFTER_HORIZON = ("going_concern", "teams_leave", "cash_only")
AfterHorizon = Literal["going_concern", "teams_leave", "cash_only"]

LEGACY_TOP_LEVEL = ("horizon_months", "objective")
"""Analysis settings a scenario file may also give at its top level (the original layout)."""


class Analysis(Frozen):
    """The settings of the question asked of a scenario (the `analysis:` block)."""

    horizon_months: Annotated[Whole, Field(ge=1, le=120)] = info(
        36,
        label="Horizon (months)",
        unit="months",
        help="Months simulated from today. Ops teams need time to ramp and pay back.",
        low=12,
        high=60,
        step=6.0,
    )
    objective: Objective = info(
        "value_created",
        label="Objective: what 'best' means",
        unit="text",
        help="What 'best' means: the setup with the highest mean of this measure wins.",
    )
    after_horizon: AfterHorizon = info(
        "going_concern",
        label="Value after the horizon",
        unit="text",
        help="How 'value created' counts what comes after the horizon. going_concern: the "
        "customers' value plus the sales engine's continuing run-rate, teams kept and paid; "
        "teams_leave: the teams and their effects stop at the horizon, the customers keep "
        "their value; cash_only: nothing after the horizon.",
    )
    confidence: Annotated[Number, Field(gt=0.5, lt=1.0, allow_inf_nan=False)] = info(
        0.9,
        label="Confidence (%)",
        unit="share",
        help="How sure the verdict must be before it calls the leader clearly ahead; also "
        "the width of every interval shown.",
        low=0.8,
        high=0.99,
        step=0.01,
    )
    replications: Annotated[Whole, Field(ge=2)] | Literal["auto"] = info(
        100,
        label="Fixed number of replications",
        unit="futures",
        help="Each replication is one simulated future, the same for every setup. 'auto' adds "
        "batches until the top two setups are separated or the maximum is reached.",
        low=20,
        high=400,
        step=10.0,
    )
    max_replications: Annotated[Whole, Field(ge=2)] = info(
        400,
        label="Auto: at most",
        unit="futures",
        help="The most replications 'auto' runs before it stops and reports a close call.",
        low=40,
        high=1000,
        step=20.0,
    )
    seed: Annotated[Whole, Field(ge=0)] = info(
        0,
        label="Random seed",
        unit="seed",
        help="Same seed and assumptions = the same futures and the same answer.",
        low=0,
        high=1000,
        step=1.0,
    )


ANALYSIS_FIELDS = tuple(Analysis.model_fields)
"""Every analysis setting's name."""


APP_MAX_REPLICATIONS = 100
"""The app's cap on adaptive replications ("auto": batches of 20 until separated)."""
APP_ATTRIBUTION_REPLICATIONS = 20
"""The gain attribution's replications in the app, unless it is turned off."""


@dataclass(frozen=True)
class RunSettings:
    """How the app runs a comparison: replications (a number or "auto"), its cap, the seed.

    Beside `Analysis`, the file's settings of the same question; the words that describe a
    `RunSettings` are the app's (`ui.state.settings_label`).
    """

    replications: int | str = "auto"
    max_replications: int = APP_MAX_REPLICATIONS
    seed: int = 0
    attribution_replications: int = APP_ATTRIBUTION_REPLICATIONS
    """0 turns the gain attribution off; otherwise it is made on the run's first
    `sim.verdict.ATTRIBUTION_REPLICATIONS` replications and the number itself is not used."""
