"""The answer in plain words: headline, sentence and confidence, from a `Comparison`.

Pure functions (no streamlit). The figures are the verdict's own (`sim.decide`); this
module only words them for an executive, with display names and short money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.decide import MONEY_OBJECTIVES, Comparison
from sim.params import BASELINE
from ui.text import LEVER_LABELS, OBJECTIVES_TEXT, money, setup_action, setup_name, team_name


@dataclass(frozen=True)
class Headline:
    """What the landing page says first."""

    title: str  # "Build both teams: SalesOps and RevOps"
    body: str  # Markdown sentences with the money, interval and confidence
    tone: str  # "success" (separated), "warning" (not separated), "info" (no ops team)
    separated: bool


def value_text(x: float, objective: str, currency: str, signed: bool = True) -> str:
    """An objective value: short money, or a multiple for ROI."""
    if objective in MONEY_OBJECTIVES:
        return money(x, currency, signed=signed)
    return f"{x:+.2f}x" if signed else f"{x:.2f}x"


def interval_text(low: float, high: float, objective: str, currency: str) -> str:
    """An interval as "+$5.19M to +$5.75M"."""
    return f"{value_text(low, objective, currency)} to {value_text(high, objective, currency)}"


def plain_assumption_names(text: str) -> str:
    """Field paths in a sentence as words.

    "revops.effects.monthly_churn" becomes "RevOps's effect on monthly churn".
    """

    def words(m: re.Match) -> str:
        lever = LEVER_LABELS.get(m.group(2), m.group(2).replace("_", " "))
        return f"{team_name(m.group(1))}'s effect on {lever[:1].lower() + lever[1:]}"

    return re.sub(r"\b([A-Za-z0-9_]+)\.effects\.([a-z_]+)\b", words, text)


def headline(result: Comparison) -> Headline:
    """The verdict as a title and a few sentences."""
    v = result.verdict
    sc = result.scenario
    cur, obj = sc.currency, result.objective
    label = OBJECTIVES_TEXT[obj]
    pct = round(result.confidence * 100)
    n = result.replications
    best = result.setups[v.best]
    title = setup_action(v.best, sc.org.setups[v.best])
    horizon = f"{sc.horizon_months} months"
    if v.best != BASELINE:
        if obj == "ops_roi":
            gain = (
                f"**{setup_name(v.best)}** returns **{value_text(best.vs_none.mean, obj, cur)}** "
                f"its ops spend in extra contribution over {horizon}"
            )
        else:
            gain = (
                f"**{setup_name(v.best)}** adds **{value_text(best.vs_none.mean, obj, cur)}** "
                f"{label} over {horizon} compared with no ops team, after paying for the team"
            )
        body = (
            f"{gain} ({pct}% confidence interval "
            f"{interval_text(best.vs_none.low, best.vs_none.high, obj, cur)}). "
            f"It was the best setup in **{best.p_best:.0%}** of {n} simulated futures."
        )
    else:
        body = (
            f"No ops team pays for itself here: without one, the company ends with the highest "
            f"{label} over {horizon} (best in **{best.p_best:.0%}** of {n} simulated futures)."
        )
    if v.runner_up is None:
        return Headline(title, body, "success", True)
    gap = v.gap
    runner = setup_name(v.runner_up)
    if v.separated:
        body += (
            f" It is clearly ahead of the runner-up, **{runner}**, by "
            f"{value_text(gap.mean, obj, cur, signed=False)} "
            f"({interval_text(gap.low, gap.high, obj, cur)})."
        )
        tone = "success" if v.best != BASELINE else "info"
    else:
        separate_by = plain_assumption_names(v.separate_by or "more replications")
        spans = (
            "which includes zero"
            if not gap.excludes_zero
            else "which excludes zero, but not by the stricter margin an adaptive run needs "
            "because it looked at the results after every batch"
        )
        body += (
            f" **But it is not clearly ahead of {runner}**: their difference, "
            f"{value_text(gap.mean, obj, cur)}, has a {pct}% interval from "
            f"{interval_text(gap.low, gap.high, obj, cur)}, {spans}. "
            f"What would separate them: {separate_by}."
        )
        title = f"Too close to call: {setup_name(v.best)} or {runner}"
        tone = "warning"
    return Headline(title, body, tone, v.separated)


def provisional(result: Comparison) -> str:
    """A one-line provisional verdict while replications are still running."""
    v = result.verdict
    best = result.setups[v.best]
    sc = result.scenario
    gain = value_text(best.vs_none.mean, result.objective, sc.currency)
    lead = (
        f"{setup_name(v.best)} leads ({gain} vs no ops team, best in {best.p_best:.0%} of futures)"
    )
    if v.runner_up is None:
        return lead + "."
    state = "already clearly ahead of" if v.separated else "not yet separated from"
    return f"{lead}; {state} {setup_name(v.runner_up)}."


def confidence_words(result: Comparison) -> str:
    """How sure, in two or three words, from P(best) and separation."""
    v = result.verdict
    p = result.setups[v.best].p_best
    if not v.separated:
        return "Too close to call"
    if p >= 0.9:
        return "Very likely best"
    if p >= 0.7:
        return "Likely best"
    return "Best on average"
