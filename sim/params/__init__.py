"""The scenario schema: the world, the org options, the analysis settings, and metadata.

`base` holds what every block shares, `world` the company as it is, `org` the teams and
setups compared, `analysis` how the question is judged and run, `scenario` the root, and
`meta` each field's label, unit, help, sweep range and source. Everything is re-exported
here, so `from sim.params import Scenario` reads the same whatever module defines it.
"""

from __future__ import annotations

from sim.levers import LEVER_NAMES, LEVERS, LOWERING_LEVERS
from sim.params.analysis import (
    AFTER_HORIZON,
    ANALYSIS_FIELDS,
    LEGACY_TOP_LEVEL,
    OBJECTIVES,
    AfterHorizon,
    Analysis,
    Objective,
)
from sim.params.base import (
    MONTH_DAYS,
    Finite,
    Frozen,
    NonNegative,
    Number,
    Positive,
    Probability,
    Whole,
    info,
)
from sim.params.distributions import (
    CYCLE_DISTRIBUTIONS,
    CycleDistribution,
    CycleExponential,
    CycleFixed,
    CycleGamma,
    CycleLognormal,
)
from sim.params.meta import (
    FieldMeta,
    MetaError,
    field_meta,
    iter_scalar_paths,
    lever_meta,
    source_of,
)
from sim.params.org import (
    BASELINE,
    DEFAULT_SETUPS,
    TRIGGER_METRICS,
    Coverage,
    EffectRange,
    FteStep,
    LeverName,
    Org,
    PlanStep,
    Team,
    Trigger,
    parse_member,
)
from sim.params.scenario import Scenario, canonical_path
from sim.params.world import (
    Costs,
    Expansion,
    FirstTouch,
    HandlingDelay,
    Hire,
    LeadHandling,
    Lognormal,
    Market,
    Sales,
    Segment,
    SpeedToLeadDecay,
    StartingCustomers,
)

__all__ = [
    "AFTER_HORIZON",
    "ANALYSIS_FIELDS",
    "BASELINE",
    "CYCLE_DISTRIBUTIONS",
    "DEFAULT_SETUPS",
    "LEGACY_TOP_LEVEL",
    "LEVERS",
    "LEVER_NAMES",
    "LOWERING_LEVERS",
    "MONTH_DAYS",
    "OBJECTIVES",
    "TRIGGER_METRICS",
    "AfterHorizon",
    "Analysis",
    "Costs",
    "Coverage",
    "CycleDistribution",
    "CycleExponential",
    "CycleFixed",
    "CycleGamma",
    "CycleLognormal",
    "EffectRange",
    "Expansion",
    "FieldMeta",
    "Finite",
    "FirstTouch",
    "Frozen",
    "FteStep",
    "HandlingDelay",
    "Hire",
    "LeadHandling",
    "LeverName",
    "Lognormal",
    "Market",
    "MetaError",
    "NonNegative",
    "Number",
    "Objective",
    "Org",
    "PlanStep",
    "Positive",
    "Probability",
    "Sales",
    "Scenario",
    "Segment",
    "SpeedToLeadDecay",
    "StartingCustomers",
    "Team",
    "Trigger",
    "Whole",
    "canonical_path",
    "field_meta",
    "info",
    "iter_scalar_paths",
    "lever_meta",
    "parse_member",
    "source_of",
]
