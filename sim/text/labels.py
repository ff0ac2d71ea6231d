"""Names and labels: setups, teams, objectives, levers, attribution rows, diagnostics.

Tables hold English messages marked with `N_` (the catalogs' message ids); the functions
translate them per call. Plain words come first; the analysts' terms (contribution,
P10–P90, regret, replications, seed, confidence interval) are defined in `GLOSSARY`, which
screens show as help text.
"""

from __future__ import annotations

from sim.levers import LEVER_LABELS
from sim.outcomes import ARTICLE_METRICS, OUTCOMES
from sim.text.i18n import N_, translator

# ----------------------------------------------------------------------------- setups, teams
SETUP_NAMES = {
    "none": N_("No ops team"),
    "salesops": N_("SalesOps"),
    "revops": N_("RevOps"),
    "both": N_("Both teams"),
    "salesops_half": N_("SalesOps at half size"),
    "revops_half": N_("RevOps at half size"),
}
"""Display names of the presets' setups; other setups are shown by a tidied name."""

PRESET_TITLES = {
    "Scaling mid-market SaaS, shrinking lead supply": N_(
        "Scaling mid-market SaaS, shrinking lead supply"
    ),
    "Reps buried in admin, plentiful leads": N_("Reps buried in admin, plentiful leads"),
    "Early-stage direct sales, little inbound": N_("Early-stage direct sales, little inbound"),
    "Enterprise, high ACV, complex sale": N_("Enterprise, high ACV, complex sale"),
    "Growth stage, field reps and a leaky funnel": N_(
        "Growth stage, field reps and a leaky funnel"
    ),
    "High churn in a fast SMB market": N_("High churn in a fast SMB market"),
    "日本の中堅企業向けB2B SaaS（円建て）": N_("Japanese mid-market B2B SaaS (in yen)"),
}
"""The presets' names (their `name:`) -> the name in English, translated per language."""


def scenario_title(name: str, lang: str = "en") -> str:
    """A scenario's name as shown: a preset's in the session's language, others as given."""
    return translator(lang)(PRESET_TITLES[name]) if name in PRESET_TITLES else name


TEAM_NAMES = {"salesops": N_("SalesOps"), "revops": N_("RevOps")}
"""Display names of the default teams."""


def _tidy(name: str) -> str:
    """A snake_case name as words ("revops_2fte" -> "Revops 2fte")."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else name


def setup_name(setup: str, lang: str = "en") -> str:
    """How a setup is named to people."""
    return translator(lang)(SETUP_NAMES[setup]) if setup in SETUP_NAMES else _tidy(setup)


def team_name(team: str, lang: str = "en") -> str:
    """How a team is named to people; a sized option `revops@0.5` as "RevOps (0.5 FTE)"."""
    name, at, fte = team.partition("@")
    if at:
        _ = translator(lang)
        return _("{team} ({fte} FTE)").format(team=team_name(name, lang), fte=fte)
    return translator(lang)(TEAM_NAMES[team]) if team in TEAM_NAMES else _tidy(team)


def setup_action(setup: str, teams: tuple[str, ...] | list[str], lang: str = "en") -> str:
    """The setup as advice: "Build a RevOps team", "Build both teams: SalesOps and RevOps".

    Follows the setup's teams, not its name.
    """
    _ = translator(lang)
    if not teams:
        return _("Don't build an ops team (yet)")
    names = [team_name(t, lang) for t in teams]
    if len(names) == 1:
        return _("Build a {team} team").format(team=names[0])
    if len(names) == 2:
        return _("Build both teams: {first} and {second}").format(first=names[0], second=names[1])
    return _("Build {teams} and {last}").format(teams=", ".join(names[:-1]), last=names[-1])


# ----------------------------------------------------------------------------- objectives
OBJECTIVES_TEXT = {
    "value_created": N_("value created, counting the customers kept"),
    "cumulative_contribution": N_("profit after go-to-market costs"),
    "npv_contribution": N_("profit after go-to-market costs, in today's money"),
    "ending_arr": N_("annual recurring revenue at the end"),
    "ops_roi": N_("return on the ops spend"),
}
"""Objective key -> plain words (the analysts' term is in `OBJECTIVE_HELP`)."""

OBJECTIVES_SHORT = {
    "value_created": N_("value created"),
    "cumulative_contribution": N_("cash profit"),
    "npv_contribution": N_("NPV"),
    "ending_arr": N_("ending ARR"),
    "ops_roi": N_("ops ROI"),
}
"""Objective key -> a short name, for lists of objectives in one sentence."""


def objective_short(objective: str, lang: str = "en") -> str:
    """An objective's short name ("cash profit")."""
    return translator(lang)(OBJECTIVES_SHORT[objective])


OBJECTIVE_HELP = {
    "value_created": N_(
        "Value created: NPV of contribution over the horizon, plus what the customers still "
        "paying at the end are worth (their expected margin over the next years under the "
        "churn and expansion then in force, discounted), minus the cost of keeping the ops "
        "teams over those years. A CFO's measure: retention is not cut off at the horizon."
    ),
    "cumulative_contribution": N_(
        "Cumulative contribution: revenue x gross margin minus every go-to-market cost "
        "(reps, SDRs, marketing, other, ops teams), summed over the horizon."
    ),
    "npv_contribution": N_(
        "NPV of contribution: cumulative contribution, discounted at the annual discount rate."
    ),
    "ending_arr": N_("Ending ARR: annual recurring revenue at the end of the horizon."),
    "ops_roi": N_(
        "Ops ROI: gain in cumulative contribution over no ops team, per unit of money spent "
        "on the ops teams (0 for no ops team)."
    ),
}
"""Objective key -> what it measures, with the analysts' term."""


def objective_label(objective: str, lang: str = "en") -> str:
    """An objective in plain words."""
    return translator(lang)(OBJECTIVES_TEXT[objective])


def objective_help(objective: str, lang: str = "en") -> str:
    """An objective's definition (help text)."""
    return translator(lang)(OBJECTIVE_HELP[objective])


# ----------------------------------------------------------------------------- levers
LEVER_PHRASES = {
    "strength": N_("overall strength"),
    "selling_time_share": N_("reps' selling time"),
    "win_rate": N_("the win rate"),
    "sales_cycle": N_("the sales cycle"),
    "response_time": N_("response time to leads"),
    "lead_scoring_accuracy": N_("lead-scoring accuracy"),
    "qualification_rate": N_("MQL-to-SQL qualification"),
    "handoff_leakage": N_("handoff leakage"),
    "inbound_rate": N_("inbound lead flow"),
    "audience_size": N_("the audience's size"),
    "price": N_("price"),
    "monthly_churn": N_("monthly churn"),
    "expansion": N_("expansion (upsell)"),
}
"""Lever key -> the lever inside a sentence ("RevOps's effect on monthly churn")."""


def lever_label(lever: str, lang: str = "en") -> str:
    """A lever as a heading."""
    return translator(lang)(LEVER_LABELS[lever]) if lever in LEVER_LABELS else _tidy(lever)


def lever_phrase(lever: str, lang: str = "en") -> str:
    """A lever inside a sentence."""
    if lever in LEVER_PHRASES:
        return translator(lang)(LEVER_PHRASES[lever])
    return lever.replace("_", " ")


# ----------------------------------------------------------------------------- attribution
ATTRIBUTION_LABELS = {
    "ops_cost": N_("Team cost"),
    "funnel_top": N_("Funnel top (leads, leakage, qualification)"),
    "speed_to_lead": N_("Speed to lead"),
    "sales_execution": N_("Sales execution (time, win rate, cycle, scoring)"),
    "pricing": N_("Pricing"),
    "retention_expansion": N_("Retention & expansion"),
    "interaction": N_("Overlap & synergy"),
    "total": N_("Total gain"),
}
"""Attribution source -> label."""


def attribution_label(source: str, lang: str = "en") -> str:
    """An attribution row's label."""
    label = ATTRIBUTION_LABELS.get(source)
    return translator(lang)(label) if label else source


# ----------------------------------------------------------------------------- diagnostics
DIAGNOSTIC_LABELS = {
    "selling_time_share": (N_("Reps' time spent selling"), "pct"),
    "deal_slot_utilization": (N_("Deal slots in use"), "pct"),
    "sales_cycle_days": (N_("Mean sales cycle"), "days"),
    "sqls_gone_cold": (N_("SQLs gone cold"), "pct"),
    "audience_used": (N_("Audience used up"), "pct"),
    "lead_flow_trend": (N_("Lead flow, first vs last 6 months"), "signed_pct"),
    "handoff_leakage": (N_("MQLs never followed up"), "pct"),
    "response_time_hours": (N_("Mean first response"), "hours"),
    "churned_vs_new_mrr": (N_("Churned MRR / new MRR"), "pct"),
}
"""Diagnostic signal -> (label, format kind)."""

CRITERION_TEXT = {
    "salesops_4": N_(
        "SalesOps criterion 4: a complex or high-priced product with long sales cycles"
    ),
    "salesops_5": N_(
        "SalesOps criterion 5: reps spend too much time on paperwork, so their selling "
        "time is the constraint"
    ),
    "revops_2": N_("RevOps criterion 2: communication between teams loses opportunities"),
    "revops_4": N_("RevOps criterion 4: the audience is too small, reps exhaust the leads"),
    "revops_8": N_("RevOps job 8: reduce churn, which eats new revenue"),
    "difference_2": N_("Difference 2: direct sales alone dries up in the long run"),
}
"""Criterion id (`sim.verdict.CRITERIA`) -> the article's criterion in words."""


def diagnostic_label(signal: str, lang: str = "en") -> str:
    """A diagnostic signal's label."""
    if signal not in DIAGNOSTIC_LABELS:
        return signal
    return translator(lang)(DIAGNOSTIC_LABELS[signal][0])


def criterion_text(criterion: str, lang: str = "en") -> str:
    """The article's criterion a diagnostic evidences, in words."""
    text = CRITERION_TEXT.get(criterion)
    return translator(lang)(text) if text else criterion


# ----------------------------------------------------------------------------- jargon
GLOSSARY = {
    "simulated_futures": N_(
        "Replications: each simulated future is one run of the company's next months with "
        "its own random luck, the same for every setup, so setups are compared on equal terms."
    ),
    "seed": N_("Seed: the same seed and assumptions give the same futures and the same answer."),
    "confidence": N_(
        "90% confidence interval of the mean: if the simulation were repeated with new futures, "
        "the average would land in this range 9 times in 10."
    ),
    "sure_of_sign": N_(
        "Separated: the 90% confidence interval of the average gap between the top two lies "
        "wholly above zero. It is about the average; single futures can still go the other way."
    ),
    "best_in_futures": N_(
        "P(best): the share of simulated futures in which the setup had the highest value, "
        "future by future. A setup can be clearly ahead on average and still lose in many "
        "single futures."
    ),
    "spread": N_(
        "P10–P90: the middle 80% of simulated futures; one future in ten falls below, one in "
        "ten above."
    ),
    "regret": N_(
        "Expected regret: the average, over simulated futures, of how far the setup falls "
        "short of that future's best setup."
    ),
    "robust": N_(
        "Safest against a bad future (minimax regret): in each simulated future, each setup "
        "falls short of that future's best setup by some amount; the safest setup is the one "
        "whose largest shortfall is smallest. Within X of the best in 90% of futures "
        "(satisficing): the shortfall a setup stays under in 9 futures out of 10."
    ),
    "contribution": OBJECTIVE_HELP["cumulative_contribution"],
}
"""Analysts' terms, explained (help text; plain words are on screen first)."""


def glossary(term: str, lang: str = "en") -> str:
    """The help text for an analysts' term."""
    return translator(lang)(GLOSSARY[term])


# ----------------------------------------------------------------------------- KPIs
def kpi_label(kpi: str, lang: str = "en") -> str:
    """A KPI's label: the article's wording, else the outcome registry's, else its id."""
    for rows in ARTICLE_METRICS.values():
        for key, label in rows:
            if key == kpi:
                return translator(lang)(label)
    label = OUTCOMES[kpi].label if kpi in OUTCOMES else None
    return translator(lang)(label) if label else kpi
