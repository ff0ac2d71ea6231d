"""The verdict in words: the CLI/JSON sentence, the app's headline, provisional lines.

Two facts are worded so they cannot be read as contradicting each other:

* *separated* is about the **average** gap between the top two ("ahead on average by $X,
  90% sure of the sign");
* *P(best)* is about **single futures** ("taken one future at a time, best in 55 of 100").

A setup can be clearly ahead on average and still lose in many single futures; saying
"best in 55%" beside "clearly ahead" without that distinction read as a contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.params import BASELINE
from sim.text.i18n import translator
from sim.text.labels import (
    lever_phrase,
    objective_label,
    objective_short,
    setup_action,
    setup_name,
    team_name,
)
from sim.text.numbers import count_of, value_text
from sim.verdict.ranking import Influence, SeparateBy

if TYPE_CHECKING:
    from sim.verdict.compare import Comparison


@dataclass(frozen=True)
class Headline:
    """What the landing page says first."""

    title: str
    """"Build both teams: SalesOps and RevOps", or "Too close to call: ..."."""
    body: str
    """Markdown sentences with the money, how sure, and what single futures show."""
    tone: str
    """"success" (separated), "warning" (not separated), "info" (no ops team wins)."""
    separated: bool


def interval_text(low: float, high: float, objective: str, currency: str, lang: str = "en") -> str:
    """An interval as "+$5.19M and +$5.75M" (read after "between")."""
    _ = translator(lang)
    return _("{low} and {high}").format(
        low=value_text(low, objective, currency, lang=lang),
        high=value_text(high, objective, currency, lang=lang),
    )


def influence_text(influence: Influence, lang: str = "en") -> str:
    """An assumption in words: "RevOps's effect on monthly churn"."""
    _ = translator(lang)
    return _("{team}'s effect on {lever}").format(
        team=team_name(influence.team, lang), lever=lever_phrase(influence.lever, lang)
    )


def separate_by_text(separate_by: SeparateBy, lang: str = "en") -> str:
    """What would separate the top two: more futures, a narrower assumption, or nothing."""
    _ = translator(lang)
    parts = []
    if separate_by.replications_needed is not None:
        parts.append(
            _("about {needed} simulated futures (now {now})").format(
                needed=f"{separate_by.replications_needed:,}", now=separate_by.replications
            )
        )
    if separate_by.influential is not None:
        parts.append(
            _("a narrower range for {assumption} (it moves the difference most)").format(
                assumption=influence_text(separate_by.influential, lang)
            )
        )
    if not parts:
        return _("nothing within reach: on these assumptions they are equivalent")
    return _(" or ").join(parts)


def level_text(level: float) -> str:
    """A confidence level in percent without needless decimals: "90", "97.3"."""
    return f"{level * 100:.1f}".rstrip("0").rstrip(".")


def gap_words(result: Comparison, lang: str) -> dict[str, str]:
    """The top two's average difference in words, from the one interval that decides.

    Separation is judged on `verdict.deciding` (stricter than the display level after an
    adaptive run's repeated looks), so the interval shown and the words "sure of the sign"
    or "could be either sign" always agree: the first excludes zero, the second spans it.
    """
    v = result.verdict
    obj, cur = result.objective, result.scenario.currency
    d = v.deciding
    return {
        "gap": value_text(abs(d.mean), obj, cur, signed=False, lang=lang),
        "signed_gap": value_text(d.mean, obj, cur, lang=lang),
        "pct": level_text(v.separation_level),
        "interval": interval_text(d.low, d.high, obj, cur, lang),
        "low": value_text(d.low, obj, cur, lang=lang),
        "high": value_text(d.high, obj, cur, lang=lang),
    }


def _futures(result: Comparison, setup: str) -> tuple[int, int]:
    """(futures in which `setup` was best, futures simulated)."""
    n = result.replications
    return count_of(result.setups[setup].p_best, n), n


def verdict_summary(result: Comparison, lang: str = "en") -> str:
    """The verdict as plain text (the CLI's and the JSON's `verdict.summary`).

    Setups are named as people read them ("Both teams"); the JSON's keys keep the ids.
    """
    _ = translator(lang)
    v, sc = result.verdict, result.scenario
    name = setup_name(v.best, lang)
    obj, cur = result.objective, sc.currency
    pct = round(result.confidence * 100)
    label = objective_label(obj, lang)
    months = sc.horizon_months
    if v.runner_up is None:
        return _("Only one setup: '{setup}'.").format(setup=name)
    best = result.setups[v.best]
    if v.best == BASELINE:
        head = _(
            "No ops team pays for itself here: '{best}' has the highest {label} over "
            "{months} months."
        ).format(best=name, label=label, months=months)
    else:
        head = _(
            "'{best}' wins: {gain} {label} over {months} months against no ops team ({pct}% "
            "sure it lies between {interval})."
        ).format(
            best=name,
            gain=value_text(best.vs_none.mean, obj, cur, lang=lang),
            label=label,
            months=months,
            pct=pct,
            interval=interval_text(best.vs_none.low, best.vs_none.high, obj, cur, lang),
        )
    words = {**gap_words(result, lang), "runner": setup_name(v.runner_up, lang)}
    if v.separated:
        middle = _(
            " It is ahead of the runner-up '{runner}' on average by {gap} ({pct}% sure of the "
            "sign: between {interval})."
        ).format(**words)
    else:
        middle = _(
            " But it is not clearly ahead of '{runner}' on average: their average "
            "difference, {signed_gap}, could be either sign ({pct}% sure it lies between "
            "{interval})."
        ).format(**words)
        if v.separate_by is not None:
            middle += _(" What would separate them: {what}.").format(
                what=separate_by_text(v.separate_by, lang)
            )
    k, n = _futures(result, v.best)
    tail = _(" Taken one future at a time, '{best}' was best in {k} of {n} simulated futures.")
    return head + split_text(result, v.best, lang) + middle + tail.format(best=name, k=k, n=n)


def split_text(result: Comparison, setup: str, lang: str = "en") -> str:
    """' Of that gain, X is cash within the horizon and Y value after it.' ('' if no split)."""
    _ = translator(lang)
    s = result.setups[setup]
    after_horizon = result.scenario.analysis.after_horizon
    if (
        setup == BASELINE
        or s.vs_none_within is None
        or s.vs_none_after is None
        or after_horizon == "cash_only"
    ):
        return ""
    cur, obj = result.scenario.currency, result.objective
    if after_horizon == "teams_leave":
        sentence = _(
            " Of that gain, {within} is cash earned within the {months} months and {after} is "
            "value after them (the customers kept, once the teams have left)."
        )
    else:
        sentence = _(
            " Of that gain, {within} is cash earned within the {months} months and {after} is "
            "value after them (the customers kept and the sales engine's continuing run-rate)."
        )
    return sentence.format(
        within=value_text(s.vs_none_within.mean, obj, cur, lang=lang),
        after=value_text(s.vs_none_after.mean, obj, cur, lang=lang),
        months=result.scenario.horizon_months,
    )


def headline(result: Comparison, lang: str = "en") -> Headline:
    """The verdict as a title and a few Markdown sentences, with display names."""
    _ = translator(lang)
    v, sc = result.verdict, result.scenario
    cur, obj = sc.currency, result.objective
    label = objective_label(obj, lang)
    pct = round(result.confidence * 100)
    best = result.setups[v.best]
    title = setup_action(v.best, sc.org.setups[v.best], lang)
    months = sc.horizon_months
    name = setup_name(v.best, lang)
    if v.best != BASELINE:
        words = {
            "setup": name,
            "gain": value_text(best.vs_none.mean, obj, cur, lang=lang),
            "label": label,
            "months": months,
            "pct": pct,
            "interval": interval_text(best.vs_none.low, best.vs_none.high, obj, cur, lang),
        }
        if obj == "ops_roi":
            body = _(
                "**{setup}** returns **{gain}** its ops spend in extra profit over {months} "
                "months ({pct}% sure it lies between {interval})."
            ).format(**words)
        else:
            body = _(
                "**{setup}** adds **{gain}** {label} over {months} months compared with no ops "
                "team, after paying for the team ({pct}% sure it lies between {interval})."
            ).format(**words) + split_text(result, v.best, lang)
    else:
        body = _(
            "No ops team pays for itself here: without one, the company ends with the highest "
            "{label} over {months} months."
        ).format(label=label, months=months)
    k, n = _futures(result, v.best)
    futures = _(
        " Taken one future at a time, it was the best setup in **{k} of {n}** simulated futures."
    ).format(k=k, n=n)
    if v.runner_up is None:
        return Headline(title, body + futures, "success", True)
    runner = setup_name(v.runner_up, lang)
    words = {**gap_words(result, lang), "runner": runner}
    if v.separated:
        body += _(
            " On average it is ahead of the runner-up, **{runner}**, by {gap}: {pct}% sure of "
            "the sign (between {interval})."
        ).format(**words)
        tone = "success" if v.best != BASELINE else "info"
    else:
        body += _(
            " **But on average it is not clearly ahead of {runner}**: their average "
            "difference, {signed_gap}, could be either sign ({pct}% sure it lies between "
            "{interval})."
        ).format(**words)
        if v.separate_by is not None:
            body += _(" What would separate them: {what}.").format(
                what=separate_by_text(v.separate_by, lang)
            )
        title = _("Too close to call: {best} or {runner}").format(best=name, runner=runner)
        tone = "warning"
    return Headline(title, body + futures, tone, v.separated)


def provisional(result: Comparison, lang: str = "en") -> str:
    """A one-line provisional verdict while simulated futures are still running."""
    _ = translator(lang)
    v = result.verdict
    best = result.setups[v.best]
    k, n = _futures(result, v.best)
    lead = _("{setup} leads ({gain} vs no ops team; best in {k} of {n} futures so far)").format(
        setup=setup_name(v.best, lang),
        gain=value_text(best.vs_none.mean, result.objective, result.scenario.currency, lang=lang),
        k=k,
        n=n,
    )
    if v.runner_up is None:
        return lead + "."
    runner = setup_name(v.runner_up, lang)
    if v.separated:
        return lead + _("; already clearly ahead of {runner} on average.").format(runner=runner)
    return lead + _("; not yet clearly ahead of {runner} on average.").format(runner=runner)


def confidence_words(result: Comparison, lang: str = "en") -> str:
    """How sure, in a few words: separation (the average) first, then single futures."""
    _ = translator(lang)
    v = result.verdict
    if v.runner_up is not None and not v.separated:
        return _("Too close to call")
    p = result.setups[v.best].p_best
    if p >= 0.9:
        return _("Ahead on average and in nearly every future")
    if p >= 0.7:
        return _("Ahead on average and in most futures")
    return _("Ahead on average; single futures vary")


def objectives_sentence(result: Comparison, lang: str = "en") -> str:
    """Which setup each objective favours, and why they differ when they do.

    E.g. "'salesops' is best on profit after go-to-market costs; 'both' on value created,
    counting the customers kept — the cash measures stop counting at the horizon, so they
    leave out what the customers still paying then are worth."
    """
    _ = translator(lang)
    boards = result.objectives()
    winners: dict[str, list[str]] = {}
    for name, board in boards.items():
        winners.setdefault(board.best, []).append(name)
    if len(winners) == 1:
        (best,) = winners
        return _("Every measure agrees: '{best}' comes out on top on {labels}.").format(
            best=setup_name(best, lang),
            labels=_("; ").join(objective_short(o, lang) for o in boards),
        )
    parts = [
        _("'{setup}' is best on {labels}").format(
            setup=setup_name(setup, lang),
            labels=_("; ").join(objective_short(o, lang) for o in objectives),
        )
        for setup, objectives in winners.items()
    ]
    why = []
    cash = {boards[o].best for o in ("cumulative_contribution", "npv_contribution") if o in boards}
    if "value_created" in boards and boards["value_created"].best not in cash:
        why.append(
            _(
                "the cash measures stop counting at the horizon, so they leave out what the "
                "customers still paying then are worth"
            )
        )
    if "ending_arr" in boards and boards["ending_arr"].best not in cash:
        why.append(_("ending ARR does not count what it cost to get there"))
    text = _("; ").join(parts)
    if why:
        return _("{setups} — {why}.").format(setups=text, why=_("; ").join(why))
    return _("{setups}.").format(setups=text)


def robust_text(result: Comparison, lang: str = "en") -> str:
    """The robust choice beside the best on average, in one or two sentences.

    E.g. "Best on average: 'Both teams'. Safest against a bad future: 'RevOps only' (its
    worst shortfall against the best setup of the same future is $0.40M, against $0.90M for
    'Both teams'). Within $0.30M of the best in 90% of futures: 'Both teams' ...". Says so
    plainly when the robust choice is the winner itself; '' with a single setup.
    """
    _ = translator(lang)
    choice = result.robust()
    if choice is None:
        return ""
    obj, cur = result.objective, result.scenario.currency
    best = result.verdict.best

    def amount(x: float) -> str:
        return value_text(x, obj, cur, signed=False, lang=lang)

    words = {
        "best": setup_name(best, lang),
        "safe": setup_name(choice.minimax_regret, lang),
        "near": setup_name(choice.satisficing, lang),
        "regret": amount(choice.max_regret[choice.minimax_regret]),
        "best_regret": amount(choice.max_regret[best]),
        "margin": amount(choice.satisficing_margin[choice.satisficing]),
        "best_margin": amount(choice.satisficing_margin[best]),
        "pct": level_text(choice.satisficing_share),
    }
    outright = choice.satisficing_margin[choice.satisficing] <= 0.0
    if choice.minimax_regret == best and choice.satisficing == best:
        if outright:
            return _(
                "The robust choice is the winner too: '{best}' is best on average and also "
                "the safest against a bad future (its worst shortfall against the best setup "
                "of the same future is {regret}, the smallest of any setup), and it is the "
                "best setup outright in at least {pct}% of futures."
            ).format(**words)
        return _(
            "The robust choice is the winner too: '{best}' is best on average and also the "
            "safest against a bad future (its worst shortfall against the best setup of the "
            "same future is {regret}, the smallest of any setup), and it is within {margin} of "
            "the best in {pct}% of futures."
        ).format(**words)
    text = _("Best on average: '{best}'.").format(**words)
    if choice.minimax_regret == best:
        text += _(
            " It is also the safest against a bad future (its worst shortfall against the best "
            "setup of the same future is {regret})."
        ).format(**words)
    else:
        text += _(
            " Safest against a bad future: '{safe}' (its worst shortfall against the best "
            "setup of the same future is {regret}, against {best_regret} for '{best}')."
        ).format(**words)
    if choice.satisficing == best and outright:
        text += _(" It is also the best setup outright in at least {pct}% of futures.").format(
            **words
        )
    elif choice.satisficing == best:
        text += _(
            " It is also the closest to the best in {pct}% of futures (within {margin})."
        ).format(**words)
    elif outright:
        text += _(
            " The best setup outright in at least {pct}% of futures: '{near}' ('{best}': within "
            "{best_margin})."
        ).format(**words)
    else:
        text += _(
            " Within {margin} of the best in {pct}% of futures: '{near}' ('{best}': within "
            "{best_margin})."
        ).format(**words)
    return text
