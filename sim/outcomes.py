"""The outcome registry: every KPI a run reports, declared once.

Each outcome has its id (the column of the KPI table), its unit kind, its direction (is
more better, or less, or neither), whether it can be the objective that decides "best",
and its label (an English message id that `sim.text` translates). The article's metric
table (`ARTICLE_METRICS`) gives the groups and the wording the article uses. The metrics
(`sim.metrics`), the verdict, the words (`sim.text`), the screens' formats and the docs'
KPI table read this module; a test fails when a KPI the metrics produce is missing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["money", "count", "share", "days", "hours", "ratio", "multiple", "number"]
Direction = Literal["higher", "lower", "neither"]

UNIT_FORMATS: dict[str, str] = {
    "money": "money",
    "count": "count",
    "share": "pct",
    "days": "days",
    "hours": "hours",
    "ratio": "ratio",
    "multiple": "multiple",
    "number": "number",
}
"""How a unit is written (a format kind of `sim.text.fmt_number`)."""


@dataclass(frozen=True)
class Outcome:
    """One KPI of a run."""

    id: str
    unit: Unit
    direction: Direction
    label: str | None = None
    """English message id of its label outside the article's table (None: the id itself)."""
    objective: bool = False
    """Whether it can decide which setup is best (`analysis.objective`)."""
    fine: bool = False
    """Written with two decimals (a small monthly share such as churn)."""

    @property
    def format(self) -> str:
        """The format kind the screens and texts write it with."""
        return "pct2" if self.fine and self.unit == "share" else UNIT_FORMATS[self.unit]

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups of the article's table that list it (none for most)."""
        return tuple(g for g, rows in ARTICLE_METRICS.items() if any(k == self.id for k, _ in rows))


ARTICLE_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "SalesOps metrics": (
        ("win_rate", "Win rate (close rate)"),
        ("cac", "Customer acquisition cost (CAC)"),
        ("cltv", "Customer lifetime value (CLTV)"),
        ("sales_cycle_days", "Average sales-cycle length (days)"),
        ("time_to_close_days", "Time to close, lead to win (days)"),
        ("win_loss_ratio", "Win/loss ratio"),
        ("conv_mql_contacted", "Leads at each stage: MQL -> contacted"),
        ("conv_contacted_sql", "Leads at each stage: contacted -> SQL"),
        ("conv_sql_opportunity", "Leads at each stage: SQL -> opportunity"),
        ("conv_opportunity_won", "Leads at each stage: opportunity -> won"),
        ("cost_per_lead", "Cost per lead"),
        ("sqls", "Sales-qualified leads (SQLs)"),
    ),
    "RevOps metrics": (
        ("ending_arr", "ARR at the horizon (by segment below)"),
        ("ending_mrr", "MRR at the horizon"),
        ("cltv", "Customer lifetime value (CLV)"),
        ("renewal_rate", "Renewal % (last 12 months)"),
        ("upsell_rate", "Upsell % (last 12 months)"),
        ("mqls", "Marketing-qualified leads (MQLs)"),
        ("nrr", "Net revenue retention (NRR)"),
        ("grr", "Gross revenue retention (GRR)"),
        ("pipeline_velocity", "Sales-pipeline velocity (per month)"),
        ("logo_churn_monthly", "Customer churn rate (monthly)"),
        ("net_revenue_growth", "Net revenue growth (ARR, last 12 months)"),
        ("ops_roi", "ROI of the ops spend"),
    ),
}
"""The seed article's metric table, grouped and worded as the article does (English message
ids; a KPI may sit in both groups under the article's two names)."""

SEGMENT_ARR_PREFIX = "ending_arr_"
"""Per-segment ARR columns are `ending_arr_<segment slug>`: outcome `ending_arr_segment`."""

_H, _L, _N = "higher", "lower", "neither"
OUTCOMES: dict[str, Outcome] = {
    o.id: o
    for o in (
        # volumes through the funnel
        Outcome("leads", "count", _H, "Leads"),
        Outcome("mqls", "count", _H),
        Outcome("outbound_leads", "count", _H),
        Outcome("leaked", "count", _L),
        Outcome("contacted", "count", _H, "Contacted"),
        Outcome("unqualified", "count", _N),
        Outcome("sqls", "count", _H),
        Outcome("sqls_gone_cold", "count", _L, "SQLs gone cold"),
        Outcome("cold_share", "share", _L),
        Outcome("opportunities", "count", _H, "Opportunities"),
        Outcome("wins", "count", _H, "Wins"),
        Outcome("losses", "count", _N),
        Outcome("open", "count", _N),
        # conversion and speed
        Outcome("conv_mql_contacted", "share", _H),
        Outcome("conv_contacted_sql", "share", _H),
        Outcome("conv_sql_opportunity", "share", _H),
        Outcome("conv_opportunity_won", "share", _H),
        Outcome("lead_to_win", "share", _H),
        Outcome("win_rate", "share", _H),
        Outcome("win_loss_ratio", "ratio", _H),
        Outcome("sales_cycle_days", "days", _L),
        Outcome("time_to_close_days", "days", _L),
        Outcome("response_time_hours", "hours", _L, "Mean first response (hours)"),
        Outcome("speed_to_lead_kept", "share", _H),
        Outcome("deal_slot_wait_days", "days", _L),
        Outcome("deal_slot_utilization", "share", _N, "Deal slots in use"),
        Outcome("rep_utilization", "share", _N, "Reps' time in use"),
        Outcome("audience_used", "share", _N, "Audience used up"),
        Outcome("events_per_lead", "number", _N),
        Outcome("ramped_reps_mean", "number", _N, "Ramped reps (mean)"),
        # unit economics
        Outcome("cac", "money", _L),
        Outcome("cac_excl_ops", "money", _L, "CAC without the ops teams"),
        Outcome("cost_per_lead", "money", _L),
        Outcome("cost_per_mql", "money", _L, "Cost per MQL"),
        Outcome("cltv", "money", _H),
        # recurring revenue and retention
        Outcome("ending_mrr", "money", _H),
        Outcome("ending_arr", "money", _H, objective=True),
        Outcome("ending_arr_segment", "money", _H),
        Outcome("customers_end", "count", _H),
        Outcome("new_mrr", "money", _H),
        Outcome("expansion_mrr", "money", _H),
        Outcome("repriced_mrr", "money", _N),
        Outcome("churned_mrr", "money", _L),
        Outcome("expansion_share_of_new", "share", _N),
        Outcome("nrr", "share", _H),
        Outcome("grr", "share", _H),
        Outcome("renewal_rate", "share", _H),
        Outcome("upsell_rate", "share", _H),
        Outcome("logo_churn_monthly", "share", _L, fine=True),
        Outcome("pipeline_velocity", "money", _H),
        Outcome("net_revenue_growth", "share", _H),
        # money over the horizon, and the value of the choice
        Outcome("revenue", "money", _H),
        Outcome("total_cost", "money", _L),
        Outcome("ops_cost", "money", _L),
        Outcome("cumulative_contribution", "money", _H, "Cumulative contribution", objective=True),
        Outcome("npv_contribution", "money", _H, "NPV of contribution", objective=True),
        Outcome("customer_equity", "money", _H, "Customer equity at the horizon"),
        Outcome("value_created", "money", _H, "Value created", objective=True),
        Outcome("value_within", "money", _H, "Value created within the horizon (cash)"),
        Outcome("value_after", "money", _H, "Value created after the horizon"),
        Outcome("value_going_concern", "money", _H, "Value created, going concern"),
        Outcome("value_teams_leave", "money", _H, "Value created, teams leave at the horizon"),
        Outcome("value_cash_only", "money", _H, "Value created, cash within the horizon only"),
        Outcome("ops_roi", "multiple", _H, objective=True),
    )
}
"""Every KPI of the KPI table (`sim.metrics.kpis`), in the table's order."""


def outcome(kpi: str) -> Outcome:
    """The outcome of a KPI column (a segment's ARR column is `ending_arr_segment`)."""
    if kpi not in OUTCOMES and kpi.startswith(SEGMENT_ARR_PREFIX):
        return OUTCOMES["ending_arr_segment"]
    return OUTCOMES[kpi]


OBJECTIVE_OUTCOMES = tuple(o.id for o in OUTCOMES.values() if o.objective)
"""The outcomes that can decide "best" (`sim.params.OBJECTIVES` lists them in its order)."""

MONEY_OBJECTIVES = frozenset(k for k in OBJECTIVE_OUTCOMES if OUTCOMES[k].unit == "money")
"""Objectives measured in money (the rest, `ops_roi`, is a multiple of the ops spend)."""


def objective_unit(objective: str) -> Unit:
    """The unit an objective is measured in: money, or a multiple of the ops spend."""
    return OUTCOMES[objective].unit


assert all(k in OUTCOMES for rows in ARTICLE_METRICS.values() for k, _ in rows)
