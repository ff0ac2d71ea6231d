"""Words on screen: KPI display formats, the funnel's stages, parameter labels and help.

Names, labels and sentences shared with the CLI and reports come from the text layer
(`sim.text`) and are re-exported here, so pages keep one import. What stays here is screen
layout: how each KPI column is formatted and the Assumptions form's tables. Nothing here
imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim import text as _text
from sim.levers import LEVERS
from sim.metrics import ARTICLE_METRICS
from sim.text import (
    DIAGNOSTIC_LABELS,
    GLOSSARY,
    LEVER_LABELS,
    OBJECTIVE_HELP,
    OBJECTIVES_TEXT,
    SETUP_NAMES,
    TEAM_NAMES,
    fmt_diagnostic,
    fmt_number,
    money,
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
    "kpi_kind",
    "lever_unit",
    "money",
    "setup_action",
    "setup_name",
    "team_name",
]

# ----------------------------------------------------------------------------- KPIs
KPI_FORMATS: dict[str, str] = {
    "win_rate": "pct",
    "cac": "money",
    "cac_excl_ops": "money",
    "cltv": "money",
    "sales_cycle_days": "days",
    "time_to_close_days": "days",
    "win_loss_ratio": "ratio",
    "conv_mql_contacted": "pct",
    "conv_contacted_sql": "pct",
    "conv_sql_opportunity": "pct",
    "conv_opportunity_won": "pct",
    "cost_per_lead": "money",
    "cost_per_mql": "money",
    "sqls": "count",
    "ending_arr": "money",
    "ending_mrr": "money",
    "renewal_rate": "pct",
    "upsell_rate": "pct",
    "mqls": "count",
    "nrr": "pct",
    "grr": "pct",
    "pipeline_velocity": "money",
    "logo_churn_monthly": "pct2",
    "net_revenue_growth": "pct",
    "ops_roi": "multiple",
    "cumulative_contribution": "money",
    "npv_contribution": "money",
    "opportunities": "count",
    "wins": "count",
    "leads": "count",
    "contacted": "count",
    "response_time_hours": "hours",
    "deal_slot_utilization": "pct",
    "rep_utilization": "pct",
    "sqls_gone_cold": "count",
    "audience_used": "pct",
}
"""How each KPI is written; KPIs not listed are plain numbers."""

KPI_GROUPS = {group: tuple(items) for group, items in ARTICLE_METRICS.items()}
"""The seed article's metric table: group -> ((kpi, label), ...)."""

FUNNEL_STAGES = (
    ("leads", "Leads (MQLs + outbound)"),
    ("contacted", "Contacted"),
    ("sqls", "Sales-qualified (SQL)"),
    ("opportunities", "Opportunity"),
    ("wins", "Won"),
)
"""Funnel stages as (KPI count column, label), top to bottom."""


def fmt_kpi(x: float, kind: str, currency: str = "USD") -> str:
    """A KPI value written for people, by its format kind (`sim.text.fmt_number`)."""
    return fmt_number(x, kind, currency)


def kpi_kind(kpi: str) -> str:
    """The format kind of a KPI column (segment ARR columns are money)."""
    if kpi.startswith("ending_arr_"):
        return "money"
    return KPI_FORMATS.get(kpi, "number")


# ----------------------------------------------------------------------------- levers
LEVER_UNITS = {
    "points": "percentage points",
    "relative": "% change",
    "correlation": "accuracy (0-100)",
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
    "money", "opt_int" / "opt_float" (empty means null: unlimited / never).
    """

    path: str
    label: str
    kind: str
    help: str
    step: float | None = None


PARAM_GROUPS: dict[str, tuple[str, tuple[Param, ...]]] = {
    "company": (
        "Company & market",
        (
            Param("name", "Scenario name", "text", "Shown in reports and downloads."),
            Param(
                "description",
                "Description",
                "longtext",
                "The company and where each number comes from.",
            ),
            Param("currency", "Currency", "text", "Display only (USD, EUR, GBP, JPY or any code)."),
            Param(
                "market.audience_size",
                "Addressable accounts",
                "opt_float",
                "Accounts the company can reach. Every lead (inbound or outbound) uses one up, "
                "so inbound slows as the market is used. Leave empty for an unlimited market.",
                1000.0,
            ),
            Param(
                "market.inbound_mqls_per_month",
                "Inbound MQLs per month",
                "float",
                "Marketing-qualified leads a month today, at a full audience.",
                10.0,
            ),
            Param(
                "market.inbound_growth_per_month",
                "Inbound drift per month (%)",
                "pct",
                "Monthly growth of the inbound rate; negative = the lead supply is shrinking.",
                0.5,
            ),
            Param(
                "market.marketing_spend_per_month",
                "Marketing spend per month",
                "money",
                "Program spend a month (same in every setup). Cost per lead is its result.",
                1000.0,
            ),
            Param(
                "starting_customers.count",
                "Existing customers",
                "int",
                "Customers at the start; they churn and expand like new ones.",
                10.0,
            ),
            Param(
                "starting_customers.mrr_each",
                "MRR per existing customer",
                "money",
                "Monthly recurring revenue of each existing customer.",
                100.0,
            ),
        ),
    ),
    "leads": (
        "Lead handling",
        (
            Param(
                "lead_handling.handoff_leakage",
                "MQLs never followed up (%)",
                "pct",
                "Share of inbound MQLs lost at the marketing-sales handoff.",
                1.0,
            ),
            Param(
                "lead_handling.first_touch.capacity",
                "People making first touches (SDRs)",
                "opt_int",
                "0 = the reps make first touches in their selling time; empty = unlimited "
                "(no queue).",
                1.0,
            ),
            Param(
                "lead_handling.first_touch.touches_per_person_day",
                "First touches per person a day",
                "float",
                "How many new leads one SDR can contact a day.",
                1.0,
            ),
            Param(
                "lead_handling.first_touch.handling_delay_hours.median",
                "Handling delay, median (hours)",
                "float",
                "Time from a lead's arrival to its first touch, besides any queue (lognormal).",
                0.5,
            ),
            Param(
                "lead_handling.first_touch.handling_delay_hours.sigma",
                "Handling delay, spread (log sd)",
                "float",
                "Spread of the handling delay: 0 = always the median, 1 = very uneven.",
                0.1,
            ),
            Param(
                "lead_handling.speed_to_lead_decay.floor",
                "Qualification kept after a slow response (%)",
                "pct",
                "Speed-to-lead: the share of a lead's qualification chance left when the "
                "response is very slow (100% = response time does not matter).",
                1.0,
            ),
            Param(
                "lead_handling.speed_to_lead_decay.tau_hours",
                "Speed-to-lead time constant (hours)",
                "float",
                "How fast leads cool: after this many hours about 63% of the loss has happened.",
                0.5,
            ),
        ),
    ),
    "sales": (
        "Sales team",
        (
            Param("sales.reps", "Account executives (reps)", "int", "Quota-carrying reps.", 1.0),
            Param(
                "sales.max_open_deals_per_rep",
                "Open deals a rep can work at once",
                "int",
                "Deal slots per rep; SQLs wait for a free slot.",
                1.0,
            ),
            Param(
                "sales.selling_time_share",
                "Share of rep time spent selling (%)",
                "pct",
                "The rest is admin and internal work. Cycles and outbound scale with it.",
                1.0,
            ),
            Param(
                "sales.outbound_leads_per_rep_month",
                "Outbound leads per rep a month",
                "float",
                "Engaged prospects a rep finds a month by their own outreach.",
                0.5,
            ),
            Param(
                "sales.sql_patience_days",
                "Days an SQL waits before going cold",
                "opt_float",
                "An SQL not taken up by a rep within this many days is lost. Empty = waits for "
                "ever.",
                1.0,
            ),
            Param(
                "sales.score_weight_days",
                "Days of queue a better lead score may jump",
                "float",
                "With a lead score (SalesOps), reps take the SQL whose wait plus promised fit is "
                "worth most: one standard deviation of expected fit is worth this many days of "
                "waiting. 0 = the score is ignored.",
                1.0,
            ),
            Param(
                "sales.cycle_time_elasticity",
                "Cycle-time elasticity to selling time",
                "float",
                "0 = buyers alone set the pace; 1 = the cycle shrinks in proportion to more "
                "selling time.",
                0.1,
            ),
            Param(
                "sales.price_elasticity",
                "Price elasticity of wins",
                "float",
                "1 = a 3% higher price loses about 3% of wins.",
                0.1,
            ),
        ),
    ),
    "costs": (
        "Costs",
        (
            Param(
                "costs.rep_per_month",
                "Loaded cost per rep a month",
                "money",
                "Salary, commission, benefits and tools of one rep.",
                100.0,
            ),
            Param(
                "costs.first_touch_per_person_month",
                "Loaded cost per SDR a month",
                "money",
                "Cost of one first-touch person (not charged when the reps make first touches).",
                100.0,
            ),
            Param(
                "costs.other_gtm_per_month",
                "Other go-to-market cost a month",
                "money",
                "Sales leadership, marketing staff, tools: the same in every setup.",
                1000.0,
            ),
            Param(
                "costs.gross_margin",
                "Gross margin (%)",
                "pct",
                "Share of revenue left after cost of service.",
                1.0,
            ),
            Param(
                "costs.discount_rate_annual",
                "Discount rate a year (%)",
                "pct",
                "Used only by the NPV objective.",
                1.0,
            ),
        ),
    ),
}
"""Scalar parameters by form section: key -> (title, params)."""

TEAM_PARAMS = (
    Param("headcount", "Headcount (FTE)", "float", "People in the team.", 0.5),
    Param(
        "cost_per_fte_month",
        "Loaded cost per FTE a month",
        "money",
        "Salary, benefits, tools of one team member; paid from month 0 in every setup "
        "that has the team.",
        500.0,
    ),
    Param(
        "months_to_full_effect",
        "Months to full effect",
        "float",
        "The team's effects ramp up linearly from 0 at the start to full after this long.",
        1.0,
    ),
)
"""Scalar parameters of each ops team (under org.teams.<team>)."""

ORG_PARAMS = (
    Param(
        "org.overlap",
        "Overlap when both teams move a lever (%)",
        "pct",
        "Two teams moving the same lever the same way: the larger effect counts in full, the "
        "smaller one this much (0 = no extra, 100 = they add up).",
        5.0,
    ),
    Param(
        "org.effect_scale",
        "Effect scale (1 = as published)",
        "float",
        "Multiplies every team effect and synergy drawn from the ranges: how far the published "
        "per-lever figures are believed when they are stacked in one company.",
        0.05,
    ),
)
"""Parameters of how the teams combine (under org)."""

SEGMENT_COLUMNS = {
    "name": ("Segment", "Unique name."),
    "lead_share": ("Lead share %", "Share of leads in this segment; all segments sum to 100%."),
    "acv_median": ("ACV median", "Median annual contract value of a new deal."),
    "acv_sigma": ("ACV spread", "Log-sd of deal size (0.5 = deals vary about x/÷1.65)."),
    "qualification_rate": ("MQL->SQL %", "Qualification at an instant response."),
    "win_rate": ("Win rate %", "Opportunities won (before scoring or fit effects)."),
    "cycle_distribution": ("Cycle shape", "lognormal (default), gamma, exponential or fixed."),
    "cycle_days": ("Cycle days", "Median (lognormal), mean (gamma, exponential) or value."),
    "cycle_spread": ("Cycle spread", "Log-sd (lognormal) or shape (gamma); unused otherwise."),
    "monthly_churn": ("Churn %/month", "Share of customers leaving each month."),
    "expansion_probability": ("Expansion %/month", "Chance a customer expands in a month."),
    "expansion_size": ("Expansion size %", "MRR added by one expansion, as % of its MRR."),
    "win_propensity_spread": (
        "Fit spread",
        "How much leads differ in fit (logit sd); 0 = all alike. Lead scoring needs it > 0.",
    ),
}
"""Segment editor columns: key -> (label, help)."""

RUN_HELP = {
    "horizon": "Months simulated from today. Ops teams need time to ramp and pay back.",
    "objective": "What 'best' means: the setup with the highest mean of this measure wins.",
    "replications": (
        "Each replication is one simulated future, the same for every setup. 'Auto' adds "
        "batches of 20 until the top two setups are separated or the maximum is reached."
    ),
    "seed": "Same seed and assumptions = the same futures and the same answer.",
}
