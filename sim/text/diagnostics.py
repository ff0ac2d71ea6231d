"""Diagnostics in words: one sentence per `sim.verdict.Diagnostic`, from its figures."""

from __future__ import annotations

import math

from sim.text.i18n import translator
from sim.text.labels import DIAGNOSTIC_LABELS
from sim.text.numbers import fmt_number
from sim.verdict.diagnostics import Diagnostic


def fmt_diagnostic(signal: str, value: float, lang: str = "en") -> str:
    """A diagnostic's figure, written for people."""
    kind = DIAGNOSTIC_LABELS.get(signal, (signal, "number"))[1]
    return fmt_number(value, kind, lang=lang)


def diagnostic_text(diag: Diagnostic, currency: str = "USD", lang: str = "en") -> str:
    """What a diagnostic's figure says about the company, in one sentence."""
    _ = translator(lang)
    v, f = diag.value, diag.figures

    def pct(x: float) -> str:
        return fmt_number(x, "pct0", lang=lang)

    if diag.signal == "selling_time_share":
        if diag.pressure:
            text = _(
                "Reps spend {share} of their time selling — paperwork and first touches take "
                "the rest."
            )
        else:
            text = _("Reps spend {share} of their time selling; admin is not what holds them back.")
        return text.format(share=pct(v))
    if diag.signal == "sales_cycle_days":
        days = fmt_number(v, "count" if not v < 10 else "decimal1", lang=lang)
        if diag.pressure:
            text = _(
                "A deal takes {days} days from opportunity to close on average — a long, "
                "complex sale."
            )
        else:
            text = _("A deal takes {days} days from opportunity to close on average.")
        return text.format(days=days)
    if diag.signal == "deal_slot_utilization":
        if diag.pressure:
            text = _(
                "Reps' deal slots are {share} in use on average — the sales team is the bottleneck."
            )
        else:
            text = _("Reps' deal slots are {share} in use on average; there is slack.")
        return text.format(share=pct(v))
    if diag.signal == "sqls_gone_cold":
        return _(
            "{share} of SQLs go cold waiting for a rep ({count} over the horizon; mean wait "
            "for a slot {days} days)."
        ).format(
            share=pct(v),
            count=fmt_number(f.get("count", math.nan), "count", lang=lang),
            days=fmt_number(f.get("wait_days", math.nan), "decimal1", lang=lang),
        )
    if diag.signal == "audience_used":
        if diag.pressure:
            text = _(
                "{share} of the addressable audience is used up by the horizon — lead flow is "
                "drying up."
            )
        else:
            text = _("{share} of the addressable audience is used up by the horizon.")
        return text.format(share=pct(v))
    if diag.signal == "lead_flow_trend":
        return _("Monthly leads change by {change} from the first to the last six months.").format(
            change=fmt_number(v, "signed_pct", lang=lang)
        )
    if diag.signal == "handoff_leakage":
        return _("{share} of MQLs are never followed up at the marketing-sales handoff.").format(
            share=pct(v)
        )
    if diag.signal == "response_time_hours":
        return _(
            "Mean first response takes {hours} hours; slow response keeps {kept} of the "
            "qualification a lead would have at once."
        ).format(hours=fmt_number(v, "decimal1", lang=lang), kept=pct(f.get("kept", math.nan)))
    if diag.signal == "churned_vs_new_mrr":
        return _(
            "Churn takes away {share} as much MRR as new customers bring (logo churn {churn} "
            "a month)."
        ).format(
            share=pct(v), churn=fmt_number(f.get("logo_churn_monthly", math.nan), "pct", lang=lang)
        )
    return f"{diag.signal}: {fmt_number(v, 'number', lang=lang)}"
