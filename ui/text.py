"""Words on screen: KPI display formats, the funnel's stages, the Assumptions form's layout.

Names, labels and sentences shared with the CLI and reports come from the text layer
(`sim.text`) and are re-exported here, so pages keep one import. Parameter labels, units and
help come from the schema's field metadata (`sim.params.field_meta`); what stays here is
screen layout: how each KPI column is formatted and which fields each form section shows.
Nothing here imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim import text as _text
from sim.levers import LEVERS
from sim.outcomes import ARTICLE_METRICS, OUTCOMES, outcome
from sim.params import FieldMeta, field_meta
from sim.text import (
    DIAGNOSTIC_LABELS,
    GLOSSARY,
    LEVER_LABELS,
    N_,
    OBJECTIVE_HELP,
    OBJECTIVES_TEXT,
    SETUP_NAMES,
    TEAM_NAMES,
    fmt_diagnostic,
    fmt_number,
    glossary,
    kpi_label,
    money,
    objective_help,
    objective_label,
    setup_action,
    setup_name,
    team_name,
)

__all__ = [
    "ATTRIBUTION_LABELS",
    "DIAGNOSTIC_LABELS",
    "FUNNEL_STAGES",
    "GLOSSARY",
    "KPI_FORMATS",
    "KPI_GROUPS",
    "LEVER_LABELS",
    "LEVER_UNITS",
    "OBJECTIVES_TEXT",
    "OBJECTIVE_HELP",
    "SETUP_NAMES",
    "TEAM_NAMES",
    "fmt_diagnostic",
    "fmt_kpi",
    "glossary",
    "kpi_kind",
    "kpi_label",
    "lever_unit",
    "money",
    "objective_help",
    "objective_label",
    "setup_action",
    "setup_name",
    "team_name",
]

# ----------------------------------------------------------------------------- KPIs
KPI_FORMATS: dict[str, str] = {k: o.format for k, o in OUTCOMES.items()}
"""How each KPI is written (from the outcome registry, `sim.outcomes`)."""

KPI_GROUPS = {group: tuple(items) for group, items in ARTICLE_METRICS.items()}
"""The seed article's metric table: group -> ((kpi, label), ...)."""

FUNNEL_STAGES = (
    ("leads", N_("Leads (MQLs + outbound)")),
    ("contacted", N_("Contacted")),
    ("sqls", N_("Sales-qualified (SQL)")),
    ("opportunities", N_("Opportunity")),
    ("wins", N_("Won")),
)
"""Funnel stages as (KPI count column, label), top to bottom."""


def fmt_kpi(x: float, kind: str, currency: str = "USD", lang: str = "en") -> str:
    """A KPI value written for people, by its format kind (`sim.text.fmt_number`)."""
    return fmt_number(x, kind, currency, lang)


def kpi_kind(kpi: str) -> str:
    """The format kind of a KPI column (segment ARR columns are money)."""
    try:
        return outcome(kpi).format
    except KeyError:
        return "number"


# ----------------------------------------------------------------------------- levers
LEVER_UNITS = {
    "points": N_("percentage points"),
    "relative": N_("% change"),
    "correlation": N_("accuracy (0-100)"),
}
"""How a lever's effect is entered, by `sim.params.LEVERS` kind."""


def lever_unit(lever: str) -> str:
    """The unit in which a lever's effect range is entered on screen (values x100)."""
    return LEVER_UNITS[LEVERS[lever].kind]


ATTRIBUTION_LABELS = _text.ATTRIBUTION_LABELS
"""Attribution source -> label."""

# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Param:
    """One scalar scenario parameter as the Assumptions form shows it.

    `kind`: "text", "longtext", "int", "float", "pct" (a fraction shown x100 as %),
    "money", "opt_int" / "opt_float" (empty means null: unlimited / never). Built from the
    field's schema metadata (`sim.params.field_meta`), so words live in one place.
    """

    path: str
    label: str
    kind: str
    help: str
    step: float | None = None


def widget_kind(meta: FieldMeta) -> str:
    """How the form enters a field, from its unit and type."""
    if meta.unit in ("text", "longtext"):
        return meta.unit
    if meta.unit.startswith("share"):
        return "pct"
    if meta.unit.startswith("money"):
        return "money"
    if meta.integer:
        return "opt_int" if meta.optional else "int"
    return "opt_float" if meta.optional else "float"


def param(path: str, schema_path: str | None = None) -> Param:
    """The form's view of the field at `path` (metadata looked up at `schema_path`)."""
    meta = field_meta(schema_path or path)
    return Param(path, meta.label, widget_kind(meta), meta.help, meta.step)


PARAM_LAYOUT: dict[str, tuple[str, tuple[str, ...]]] = {
    "company": (
        N_("Company & market"),
        (
            "name",
            "description",
            "currency",
            "market.audience_size",
            "market.inbound_mqls_per_month",
            "market.inbound_growth_per_month",
            "market.inbound_growth_cap",
            "market.marketing_spend_per_month",
            "starting_customers.count",
            "starting_customers.mrr_each",
        ),
    ),
    "leads": (
        N_("Lead handling"),
        (
            "lead_handling.handoff_leakage",
            "lead_handling.first_touch.capacity",
            "lead_handling.first_touch.touches_per_person_day",
            "lead_handling.first_touch.handling_delay_hours.median",
            "lead_handling.first_touch.handling_delay_hours.sigma",
            "lead_handling.speed_to_lead_decay.floor",
            "lead_handling.speed_to_lead_decay.tau_hours",
        ),
    ),
    "sales": (
        N_("Sales team"),
        (
            "sales.reps",
            "sales.max_open_deals_per_rep",
            "sales.selling_time_share",
            "sales.outbound_leads_per_rep_month",
            "sales.sql_patience_days",
            "sales.score_weight_days",
            "sales.cycle_time_elasticity",
            "sales.price_elasticity",
            "sales.renewal_price_elasticity",
            "sales.warmup_months",
            "sales.hours_per_month",
            "sales.hours_per_first_touch",
            "sales.renewal_months",
            "sales.ramp_months",
            "sales.attrition_per_year",
            "sales.backfill_months",
        ),
    ),
    "costs": (
        N_("Costs"),
        (
            "costs.rep_per_month",
            "costs.first_touch_per_person_month",
            "costs.other_gtm_per_month",
            "costs.recruiting_per_hire",
            "costs.gross_margin",
            "costs.discount_rate_annual",
            "costs.customer_value_months",
        ),
    ),
}
"""Which fields each form section shows, in order: key -> (title, paths). Layout only."""

PARAM_GROUPS: dict[str, tuple[str, tuple[Param, ...]]] = {
    key: (title, tuple(param(p) for p in paths)) for key, (title, paths) in PARAM_LAYOUT.items()
}
"""Scalar parameters by form section: key -> (title, params)."""

TEAM_FIELDS = (
    "headcount",
    "cost_per_fte_month",
    "months_to_full_effect",
    "strength.low",
    "strength.mode",
    "strength.high",
    "retention_strength.low",
    "retention_strength.mode",
    "retention_strength.high",
    "durability_months",
    "attrition_per_year",
    "backfill_months",
    "coverage.fte_per_rep",
    "coverage.curvature",
)
"""Scalar fields of each ops team (under org.teams.<team>; coverage and the retention strength
only when the team has one, as the form shows a field only where the scenario has it)."""

TEAM_PARAMS = tuple(param(f, f"org.teams.team.{f}") for f in TEAM_FIELDS)
"""Scalar parameters of each ops team (paths relative to org.teams.<team>)."""

ORG_PARAMS = (param("org.overlap"), param("org.effect_scale"))
"""Parameters of how the teams combine (under org)."""

SEGMENT_FIELDS = {
    "name": "name",
    "lead_share": "lead_share",
    "acv_median": "acv.median",
    "acv_sigma": "acv.sigma",
    "qualification_rate": "qualification_rate",
    "win_rate": "win_rate",
    "cycle_distribution": "sales_cycle_days",
    "cycle_days": "sales_cycle_days.median",
    "cycle_spread": "sales_cycle_days.sigma",
    "monthly_churn": "monthly_churn",
    "expansion_probability": "expansion.monthly_probability",
    "expansion_size": "expansion.size",
    "win_propensity_spread": "win_propensity_spread",
}
"""Segment editor columns: key -> the segment field it edits (the cycle columns also stand
for the gamma, exponential and fixed shapes' mean, shape and value)."""

SEGMENT_COLUMNS = {
    key: (field_meta(f"segments.0.{rel}").label, field_meta(f"segments.0.{rel}").help)
    for key, rel in SEGMENT_FIELDS.items()
}
"""Segment editor columns: key -> (label, help), from the schema's metadata."""

RUN_FIELDS = {
    "horizon": "analysis.horizon_months",
    "objective": "analysis.objective",
    "after_horizon": "analysis.after_horizon",
    "confidence": "analysis.confidence",
    "replications": "analysis.replications",
    "max_replications": "analysis.max_replications",
    "seed": "analysis.seed",
}
"""Run settings on the form: key -> the analysis setting it edits."""

RUN_HELP = {key: field_meta(path).help for key, path in RUN_FIELDS.items()}
"""Help of each run setting, from the schema's metadata."""
