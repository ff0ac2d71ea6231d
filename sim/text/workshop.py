"""Words of the workshop.

Changes, the reconciled confidence sentence, the article's expectation, variants, before
and after, the link, the report's headings.

Screens and the report take every sentence from here, so a catalog per language covers them.
`say(key, lang, **values)` looks a message up in `WORDS` and fills it in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.params import BASELINE
from sim.text.explore import input_label, input_value
from sim.text.i18n import N_, translator
from sim.text.labels import setup_name, team_name
from sim.text.numbers import value_text
from sim.text.verdict import gap_words

if TYPE_CHECKING:
    from sim.verdict.compare import Comparison
    from sim.workshop import Change

ARTICLE_EXPECTS = {
    "default": "revops",
    "early_stage_direct": "salesops",
    "enterprise_complex": "salesops",
    "admin_burdened_reps": "salesops",
    "high_churn_fast_market": "revops",
    "growth_stage_both": "both",
    "japan_midmarket_saas": "both",
}
"""Preset -> the setup the seed article would recommend for the company it depicts
(scenarios/README.md); what the article argues, not what the simulation finds."""

WORDS = {
    # landing page
    "gap_title": N_("What each setup adds over no ops team"),
    "gap_axis": N_("Gain over no ops team"),
    "gap_caption": N_(
        "Dark bar: the range we are {pct}% sure holds the average gain. Light bar: the middle "
        "80% of single futures. A dark bar clear of zero is a gain you can count on; a wide "
        "light bar means single futures vary a lot."
    ),
    "gap_band_average": N_("{pct}% sure of the average"),
    "gap_band_futures": N_("middle 80% of futures"),
    "objective_pick": N_("What counts as best"),
    "metric_clear": N_("Clearly ahead on average"),
    "metric_close": N_("Too close to call"),
    "objective_pick_help": N_(
        "The measure the setups are ranked on. Changing it re-judges the same simulated "
        "futures; nothing is simulated again."
    ),
    "article_agrees": N_(
        "**The article's view.** For a company like this, the article recommends "
        "**{expected}**. The simulation agrees."
    ),
    "article_differs": N_(
        "**The article's view.** For a company like this, the article recommends "
        "**{expected}**; on these numbers the simulation finds **{found}**. The mechanisms "
        "behind the difference are in the Why tab."
    ),
    "what_changed": N_("What I changed ({n})"),
    "what_changed_none": N_("Nothing changed: these are the preset's numbers."),
    "changed_against": N_("Against the preset {preset}:"),
    "unsaved": N_("Unsaved changes on the Assumptions page"),
    "unsaved_help": N_(
        "You edited assumptions without running them. They are kept while you look at other "
        "pages; press Run on the Assumptions page to see their verdict."
    ),
    "glossary": N_("Words used on this page"),
    # before / after, runs
    "before": N_("Before"),
    "after": N_("After"),
    "before_after": N_("Before and after your last change"),
    "dismiss": N_("Dismiss"),
    "out_of_date": N_(
        "**Out of date** — the answer below is for the previous assumptions; the new one is "
        "being worked out."
    ),
    "cancel": N_("Cancel and keep the previous assumptions"),
    "cancelled": N_("Cancelled: the previous assumptions and their answer are back."),
    "delta_col_setup": N_("Setup"),
    "delta_col_change": N_("Change"),
    "gain_short": N_("Gain vs no ops team"),
    "best_in": N_("best in {p} of futures"),
    # variants
    "save_variant": N_("Save as a variant"),
    "variant_name": N_("Variant name"),
    "variant_default_name": N_("Variant {n}"),
    "variant_saved": N_("Saved as variant '{name}'."),
    "variant_full": N_("At most {n} variants: delete one first."),
    "variants_title": N_("Variants, side by side"),
    "variants_intro": N_(
        "Save the current assumptions as a named variant on the landing page (up to {n}), "
        "then compare them here: each on the same simulated futures."
    ),
    "variants_none": N_("No variants yet. Use **Save as a variant** on the landing page."),
    "col_variant": N_("Variant"),
    "col_verdict": N_("Verdict"),
    "col_gain": N_("Gain of the best vs no ops team"),
    "col_pbest": N_("Futures where best"),
    "col_clear": N_("Clearly ahead on average"),
    "col_changed": N_("What changed against the preset"),
    "yes": N_("yes"),
    "no": N_("no"),
    "nothing": N_("nothing"),
    "rename": N_("Rename"),
    "delete": N_("Delete"),
    "open_variant": N_("Open"),
    "download_workshop": N_("Download the workshop (all variants)"),
    "upload_workshop": N_("Upload a workshop file"),
    "workshop_loaded": N_("Loaded {n} variants from `{name}`."),
    "variant_part": N_("Variant '{name}'"),
    "variant_no_result": N_("no answer: see the message above"),
    "workshop_bad": N_("`{name}` was not loaded — the current variants are kept:"),
    "gains_by_variant": N_("Each setup's gain over no ops team, by variant"),
    # link
    "share": N_("Share"),
    "share_help": N_(
        "This page's address holds the preset, your changes, the objective and the language: "
        "opened anywhere, it shows the same scenario and verdict. Copy it with the button on "
        "the right of the box."
    ),
    "bad_link": N_(
        "**This link could not be used** — the default scenario is shown instead. What was wrong:"
    ),
    # report
    "report_download": N_("One-page report (HTML)"),
    "report_help": N_(
        "The verdict, the money, how sure, the charts and what you changed, on one printable page."
    ),
    "report_title": N_("Which ops team pays off? — {name}"),
    "report_money": N_("The money at stake"),
    "report_money_text": N_(
        "{setup} costs {cost} a month ({total} over {months} months), already subtracted. "
        "Its gain over no ops team is {gain} ({pct}% sure: {low} to {high})."
    ),
    "report_money_none": N_(
        "Not hiring saves what the best team setup would lose: {loss} over {months} months."
    ),
    "report_confidence": N_("How sure"),
    "report_measures": N_("Other measures"),
    "report_breakevens": N_("What would change the answer"),
    "report_chart": N_("The gap"),
    "report_assumptions": N_("Assumptions that differ from the preset"),
    "report_assumptions_none": N_("None: the preset's numbers, as published."),
    "report_col_field": N_("Assumption"),
    "report_col_preset": N_("Preset"),
    "report_col_here": N_("Here"),
    "report_col_source": N_("Source of the preset's number"),
    "report_footer": N_(
        "{n} simulated futures per setup, every setup on the same futures (seed {seed}); "
        "{months}-month horizon; best means the highest {objective}."
    ),
    "report_fan": N_("Profit after go-to-market costs, to date"),
    "report_when": N_("When to start each team"),
    "report_when_note": N_(
        "Cost of delay: the loss against the best plan when only that team's start moves, the "
        "other teams as in the best plan; {plans} plans compared on up to {n} simulated futures "
        "each (seed {seed}), best means the highest {objective}."
    ),
    "report_curve": N_("Which setup is best along {axis}"),
    "report_curve_note": N_(
        "{points} values from {low} to {high}, {n} simulated futures at each (seed {seed}); "
        "P(best) is the share of futures in which a setup is best (band: its interval), the "
        "expected loss what choosing it leaves on the table on average against the best setup "
        "of each future; best means the highest {objective}."
    ),
    "report_doubt": N_("Chance or not knowing the inputs"),
    "report_doubt_note": N_(
        "The same {n} simulated futures run twice (seed {seed}): with every uncertain input "
        "drawn afresh in each, and with each at its most likely value. The spread left with the "
        "inputs fixed is chance; what drawing them adds is not knowing the inputs, which a "
        "study or a pilot could narrow. Best means the highest {objective}."
    ),
    "month": N_("Month"),
}


def say(key: str, lang: str = "en", **values: Any) -> str:
    """The message `key` in `lang`, filled in with `values`."""
    text = translator(lang)(WORDS[key])
    return text.format(**values) if values else text


# ----------------------------------------------------------------------------- changes
def value_words(value: Any) -> str:
    """A value as it reads in a change list: 12, 0.25, 0 / 0.01 / 0.02, none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return " / ".join(value_words(v) for v in value) if value else "—"
    if isinstance(value, dict | list):
        return "…"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def change_label(path: str, lang: str = "en") -> str:
    """A changed field as people call it ("RevOps's effect on price", "Reps")."""
    parts = path.split(".")
    if parts[:2] == ["org", "plans"] and len(parts) > 2:
        return _plan_field(parts, lang)
    try:
        return input_label(path, lang)
    except Exception:
        return path


def _plan_field(parts: list[str], lang: str) -> str:
    """A plan's field: "Plans › later › RevOps › Start month"."""
    _ = translator(lang)
    words = [_("Plans"), parts[2]]
    if len(parts) > 3:
        words.append(team_name(parts[3], lang))
    if len(parts) > 4:
        try:
            words.append(input_label(".".join(parts), lang))
        except Exception:
            words.append(".".join(parts[4:]))
    return " › ".join(words)


def _step_start(step: Any) -> Any:
    """A plan step in the file layout as `start_label` takes it (None: never)."""
    if not isinstance(step, dict):
        return step
    if step.get("when"):
        return {"when": step["when"], "recruit_months": step.get("recruit_months", 0)}
    return step.get("start")


def _plan_value(path: str, value: Any, currency: str, lang: str) -> str | None:
    """A plan, a plan's steps, or the hiring plan in words; None for any other field."""
    from sim.text.plans import plan_words, start_label

    _ = translator(lang)
    parts = path.split(".")
    if path == "sales.hiring" and isinstance(value, list):
        steps = [v for v in value if isinstance(v, dict)]
        return (
            "; ".join(
                _("{reps} seats in month {month}").format(
                    reps=f"{int(v.get('reps', 0)):+d}", month=v.get("month")
                )
                for v in steps
            )
            or "—"
        )
    if parts[:2] != ["org", "plans"] or not isinstance(value, dict):
        return None
    if len(parts) == 2:
        return (
            "; ".join(
                f"{name}: "
                + plan_words({t: _step_start(v) for t, v in steps.items()}, currency, lang)
                for name, steps in value.items()
                if isinstance(steps, dict)
            )
            or "—"
        )
    if len(parts) == 3:
        return plan_words({t: _step_start(v) for t, v in value.items()}, currency, lang)
    if len(parts) == 4:
        return start_label(_step_start(value), currency, lang)
    return None


def change_value(path: str, value: Any, currency: str = "USD", lang: str = "en") -> str:
    """A changed value in its field's unit.

    Money in the currency and the language's way ($1.20M, ¥120万), shares as percentages;
    other values as `value_words`.
    """
    worded = _plan_value(path, value, currency, lang)
    if worded is not None:
        return worded
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return input_value(path, float(value), currency, lang)
        except Exception:
            return value_words(value)
    return value_words(value)


def change_text(change: Change, lang: str = "en", currency: str = "USD") -> str:
    """One change in words: "Account executives (reps): 11 → 12"."""
    return (
        f"{change_label(change.path, lang)}: "
        f"{change_value(change.path, change.before, currency, lang)} → "
        f"{change_value(change.path, change.after, currency, lang)}"
    )


# ----------------------------------------------------------------------------- confidence
def confidence_sentence(result: Comparison, lang: str = "en") -> str:
    """How sure, with the average and single futures reconciled in one sentence.

    "On average SalesOps is ahead of Both teams by $163K (90%: +$62K to +$264K); in a
    single future it comes out on top 55% of the time, because futures differ more than
    the teams do."
    """
    _ = translator(lang)
    v = result.verdict
    best = setup_name(v.best, lang)
    p = result.setups[v.best].p_best
    if v.runner_up is None:
        return _("Only one setup is compared.")
    words = {
        **gap_words(result, lang),
        "best": best,
        "runner": setup_name(v.runner_up, lang),
        "p": f"{p:.0%}",
        "q": f"{result.setups[v.runner_up].p_best:.0%}",
    }
    if v.separated:
        head = _("On average {best} is ahead of {runner} by {gap} ({pct}%: {low} to {high})")
    else:
        head = _(
            "On average {best} is ahead of {runner} by {gap}, but that could be either sign "
            "({pct}%: {low} to {high})"
        )
    if p >= 0.9:
        tail = _("; it also comes out on top in {p} of single futures.")
    elif v.separated:
        tail = _(
            "; in a single future it comes out on top {p} of the time, because futures differ "
            "more than the teams do."
        )
    else:
        tail = _(
            "; in a single future {best} comes out on top {p} of the time and {runner} {q}: "
            "too close to call."
        )
    return (head + tail).format(**words)


def article_text(preset: str, result: Comparison, lang: str = "en") -> str | None:
    """The article's expected verdict for a preset beside the simulated one (None: no view)."""
    expected = ARTICLE_EXPECTS.get(preset)
    if expected is None:
        return None
    found = result.verdict.best
    key = "article_agrees" if found == expected else "article_differs"
    return say(key, lang, expected=setup_name(expected, lang), found=setup_name(found, lang))


def gain_cell(result: Comparison, setup: str, lang: str = "en") -> str:
    """A setup's gain over no ops team with its interval: "+$408K (+$323K to +$494K)"."""
    if setup == BASELINE:
        return "—"
    s = result.setups[setup].vs_none
    obj, cur = result.objective, result.scenario.currency
    _ = translator(lang)
    interval = _("{low} to {high}").format(
        low=value_text(s.low, obj, cur, lang=lang), high=value_text(s.high, obj, cur, lang=lang)
    )
    return f"{value_text(s.mean, obj, cur, lang=lang)} ({interval})"
