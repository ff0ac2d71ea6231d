"""Words on screen: setup names, metric labels and formats, parameter labels and help.

Kept apart from logic (pages and charts look labels up here), so wording can change in one
place. Nothing here imports streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim import formatting
from sim.decide import OBJECTIVE_LABELS
from sim.levers import LEVERS
from sim.metrics import ARTICLE_METRICS

# ----------------------------------------------------------------------------- setups
SETUP_NAMES = {
    "none": "No ops team",
    "salesops": "SalesOps",
    "revops": "RevOps",
    "both": "Both teams",
}
"""Display names of the default setups; other setups are shown by a tidied name."""

TEAM_NAMES = {"salesops": "SalesOps", "revops": "RevOps"}
"""Display names of the default teams."""


def _tidy(name: str) -> str:
    """A snake_case name as words ("revops_2fte" -> "Revops 2fte")."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else name


def setup_name(setup: str) -> str:
    """How a setup is named on screen."""
    return SETUP_NAMES.get(setup, _tidy(setup))


def team_name(team: str) -> str:
    """How a team is named on screen."""
    return TEAM_NAMES.get(team, _tidy(team))


def setup_action(setup: str, teams: tuple[str, ...] | list[str]) -> str:
    """The setup as advice: "Build a RevOps team", "Build both teams: SalesOps and RevOps"."""
    if not teams:
        return "Don't build an ops team (yet)"
    names = [team_name(t) for t in teams]
    if len(names) == 1:
        return f"Build a {names[0]} team"
    if len(names) == 2:
        return f"Build both teams: {names[0]} and {names[1]}"
    return "Build " + ", ".join(names[:-1]) + f" and {names[-1]}"


OBJECTIVES_TEXT = dict(OBJECTIVE_LABELS)
"""Objective key -> words ("cumulative contribution", ...)."""

OBJECTIVE_HELP = {
    "cumulative_contribution": (
        "Revenue x gross margin minus every go-to-market cost (reps, SDRs, marketing, other, "
        "ops teams), summed over the horizon."
    ),
    "npv_contribution": "Cumulative contribution, discounted at the annual discount rate.",
    "ending_arr": "Annual recurring revenue at the end of the horizon.",
    "ops_roi": (
        "Gain in cumulative contribution over no ops team, per unit of money spent on the ops "
        "teams (0 for no ops team)."
    ),
}

# ----------------------------------------------------------------------------- KPIs
KPI_FORMATS: dict[str, str] = {
    "win_rate": "pct",
    "cac": "money",
    "cltv": "money",
    "sales_cycle_days": "days",
    "time_to_close_days": "days",
    "win_loss_ratio": "ratio",
    "conv_mql_contacted": "pct",
    "conv_contacted_sql": "pct",
    "conv_sql_opportunity": "pct",
    "conv_opportunity_won": "pct",
    "cost_per_lead": "money",
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


def money(x: float | None, currency: str = "USD", signed: bool = False) -> str:
    """Money in short form: $5.47M, €120K, -$3.2K (``signed`` adds a + to gains)."""
    return formatting.money(x, currency, signed=signed)


def fmt_kpi(x: float, kind: str, currency: str = "USD") -> str:
    """A KPI value written for people, by its format kind."""
    if x is None or not math.isfinite(x):
        return "—"
    if kind == "pct":
        return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"
    if kind == "pct2":
        return f"{x:.2%}"
    if kind == "money":
        return money(x, currency)
    if kind == "days":
        return f"{x:.0f} d"
    if kind == "hours":
        return f"{x:.1f} h"
    if kind == "count":
        return f"{x:,.0f}"
    if kind == "multiple":
        return f"{x:.2f}x"
    if kind == "ratio":
        return f"{x:.2f}"
    return f"{x:,.3g}"


def kpi_kind(kpi: str) -> str:
    """The format kind of a KPI column (segment ARR columns are money)."""
    if kpi.startswith("ending_arr_"):
        return "money"
    return KPI_FORMATS.get(kpi, "number")


# ----------------------------------------------------------------------------- diagnostics
DIAGNOSTIC_LABELS = {
    "rep_utilization": ("Rep capacity in use", "pct"),
    "sqls_gone_cold": ("SQLs gone cold", "pct"),
    "audience_used": ("Audience used up", "pct"),
    "lead_flow_trend": ("Lead flow, first vs last 6 months", "signed_pct"),
    "handoff_leakage": ("MQLs never followed up", "pct"),
    "response_time_hours": ("Mean first response", "hours"),
    "churned_vs_new_mrr": ("Churned MRR / new MRR", "pct"),
}
"""Diagnostic signal -> (label, format kind)."""


def fmt_diagnostic(signal: str, value: float) -> str:
    """A diagnostic's figure, written for people."""
    kind = DIAGNOSTIC_LABELS.get(signal, (signal, "number"))[1]
    if value is None or not math.isfinite(value):
        return "—"
    if kind == "signed_pct":
        return f"{value:+.0%}"
    return fmt_kpi(value, kind)


# ----------------------------------------------------------------------------- levers
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
"""Lever key -> label."""

LEVER_UNITS = {
    "points": "percentage points",
    "relative": "% change",
    "correlation": "accuracy (0-100)",
}
"""How a lever's effect is entered, by `sim.params.LEVERS` kind."""


def lever_unit(lever: str) -> str:
    """The unit in which a lever's effect range is entered on screen (values x100)."""
    return LEVER_UNITS[LEVERS[lever].kind]


ATTRIBUTION_LABELS = {
    "ops_cost": "Team cost",
    "funnel_top": "Funnel top (leads, leakage, qualification)",
    "speed_to_lead": "Speed to lead",
    "sales_execution": "Sales execution (time, win rate, cycle, scoring)",
    "pricing": "Pricing",
    "retention_expansion": "Retention & expansion",
    "interaction": "Overlap & synergy",
    "total": "Total gain",
}
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
