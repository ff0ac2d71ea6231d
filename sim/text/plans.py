"""The "when" search in words: the advice sentence and the CLI table."""

from __future__ import annotations

from typing import Any

from sim.plans import PlanSearch
from sim.text.i18n import N_, translator
from sim.text.labels import objective_label, team_name
from sim.text.numbers import money

METRIC_WORDS = {
    "reps": N_("reps"),
    "arr": N_("ARR"),
    "leads_per_month": N_("leads a month"),
    "cold_share": N_("share of SQLs going cold"),
    "slot_use": N_("share of deal slots in use"),
}
"""What a trigger watches, in words."""

SHARE_METRICS = ("cold_share", "slot_use")
"""Trigger figures that are shares (0 to 1), written in percent."""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def start_words(
    team: str, start: Any, currency: str, lang: str = "en", name: str | None = None
) -> str:
    """One team's start as advice: "hire RevOps in month 12", "do not hire SalesOps".

    `name` words several teams that start together ("SalesOps and RevOps").
    """
    _ = translator(lang)
    name = name or team_name(team, lang)
    if start is None:
        return _("do not hire {team}").format(team=name)
    if isinstance(start, dict):  # a trigger
        when = start["when"]
        metric = when["metric"]
        threshold = threshold_words(metric, when["at_least"], currency, lang)
        return _("hire {team} when {figure} reaches {threshold}").format(
            team=name, figure=_(METRIC_WORDS[metric]), threshold=threshold
        )
    if start == 0:
        return _("hire {team} now").format(team=name)
    return _("hire {team} in month {month}").format(team=name, month=start)


def threshold_words(metric: str, value: float, currency: str, lang: str = "en") -> str:
    """A trigger's threshold as people read it: money for ARR, shares in percent."""
    if metric == "arr":
        return money(value, currency, lang=lang)
    if metric in SHARE_METRICS:
        return f"{value:.0%}"
    return f"{value:g}"


def start_label(start: Any, currency: str = "USD", lang: str = "en") -> str:
    """One team's start, short: "month 6", "never", "when ARR reaches $5.00M (+2 months)"."""
    _ = translator(lang)
    if start is None:
        return _("never")
    if isinstance(start, dict):
        when = start["when"]
        text = _("when {figure} reaches {threshold}").format(
            figure=_(METRIC_WORDS[when["metric"]]),
            threshold=threshold_words(when["metric"], when["at_least"], currency, lang),
        )
        recruit = start.get("recruit_months") or 0
        if recruit:
            text += " " + _("(+{months} months to recruit)").format(months=f"{recruit:g}")
        return text
    return _("month {month}").format(month=start)


def plan_words(starts: dict[str, Any], currency: str = "USD", lang: str = "en") -> str:
    """A plan as people read it: "SalesOps: month 0 · RevOps: never"."""
    _ = translator(lang)
    if not starts:
        return _("no team")
    return " · ".join(
        _("{team}: {start}").format(
            team=team_name(team, lang), start=start_label(start, currency, lang)
        )
        for team, start in starts.items()
    )


def delay_rows(result: PlanSearch, currency: str = "USD", lang: str = "en") -> list[list[str]]:
    """The cost of delay as table rows: team, start, loss against the best, its interval."""
    rows = []
    for team, points in result.delay_cost.items():
        for d in points:
            rows.append(
                [
                    team_name(team, lang),
                    start_label(d.start, currency, lang),
                    money(d.loss.mean, currency, lang=lang),
                    f"{money(d.loss.low, currency, lang=lang)} .. "
                    f"{money(d.loss.high, currency, lang=lang)}",
                ]
            )
    return rows


def delay_head(result: PlanSearch, lang: str = "en") -> list[str]:
    """The headings of `delay_rows`."""
    _ = translator(lang)
    return [
        _("Team"),
        _("Start"),
        _("Loss vs best"),
        _("{level}% interval").format(level=round(result.confidence * 100)),
    ]


def _joined(parts: list[str], lang: str) -> str:
    _ = translator(lang)
    out = parts[0]
    for part in parts[1:]:
        out = _("{first} and {second}").format(first=out, second=part)
    return out


def plan_sentence(result: PlanSearch, currency: str = "USD", lang: str = "en") -> str:
    """The advice: who to hire when, the range of good starts, what waiting costs."""
    _ = translator(lang)
    best = result.plan(result.best)
    # teams that start together are named together: "hire SalesOps and RevOps now"
    groups: dict[str, list[str]] = {}
    for team, start in best.starts.items():
        groups.setdefault(repr(start), []).append(team)
    parts = []
    for members in groups.values():
        team, start = members[0], best.starts[members[0]]
        name = team_name(members[0], lang)
        for other in members[1:]:
            name = _("{team} and {other}").format(team=name, other=team_name(other, lang))
        words = start_words(team, start, currency, lang, name)
        points = result.delay_cost.get(team, ())
        close = [p.start for p in points if p.start is not None and p.loss.low <= 0]
        wide = len(close) > 1 and (min(close), max(close)) != (start,) * 2
        if len(members) == 1 and isinstance(start, int) and wide:
            words += " " + _("(best between month {low} and month {high})").format(
                low=min(close), high=max(close)
            )
        parts.append(words)
    text = _joined(parts, lang)
    # what waiting costs: the next later start of the first team that has one
    for team, start in best.starts.items():
        if not isinstance(start, int):
            continue
        later = [
            p for p in result.delay_cost.get(team, ()) if p.start is not None and p.start > start
        ]
        if not later:
            continue
        point = (
            later[-1]
            if all(p.loss.low <= 0 for p in later)
            else next(p for p in later if p.loss.low > 0)
        )
        text += _(
            "; waiting until month {month} to hire {team} costs {loss} ({level}%: {low} to {high})"
        ).format(
            month=point.start,
            team=team_name(team, lang),
            loss=money(point.loss.mean, currency, lang=lang),
            level=round(result.confidence * 100),
            low=money(point.loss.low, currency, lang=lang),
            high=money(point.loss.high, currency, lang=lang),
        )
        break
    return (_capital(text) if lang == "en" else text) + _(".")


def _interval(x: Any, currency: str, lang: str) -> str:
    low, high = money(x.low, currency, lang=lang), money(x.high, currency, lang=lang)
    return f"{money(x.mean, currency, lang=lang)} ({low} .. {high})"


def plans_table(result: PlanSearch, currency: str = "USD", lang: str = "en") -> str:
    """The search as a plain-text table: plans best first, then the cost of delay per team."""
    _ = translator(lang)
    level = round(result.confidence * 100)
    head = [
        _("Plan"),
        objective_label(result.objective, lang),
        _("Loss vs best ({level}%)").format(level=level),
        _("P(best)"),
        _("Replications"),
    ]
    rows = []
    for p in sorted(result.plans, key=lambda p: (p.loss_vs_best.mean, p.name)):
        loss = p.loss_vs_best
        rows.append(
            [
                p.name + (" *" if p.name == result.best else ""),
                money(p.value.mean, currency, lang=lang),
                _interval(loss, currency, lang),
                f"{p.p_best:.0%}",
                str(p.replications),
            ]
        )
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [plan_sentence(result, currency, lang), ""]
    lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    for team, points in result.delay_cost.items():
        lines.append(_("Cost of delay, {team}:").format(team=team_name(team, lang)))
        for d in points:
            when = _("never") if d.start is None else _("month {month}").format(month=d.start)
            lines.append(f"  {when:>10}  {_interval(d.loss, currency, lang)}")
    lines.append("")
    lines.append(
        _(
            "{runs} plan runs with elimination; {without} without ({simulated} simulated now)."
        ).format(
            runs=result.runs,
            without=result.runs_without_elimination,
            simulated=result.runs_executed,
        )
    )
    return "\n".join(lines) + "\n"


__all__ = [
    "METRIC_WORDS",
    "delay_head",
    "delay_rows",
    "plan_sentence",
    "plan_words",
    "plans_table",
    "start_label",
    "start_words",
    "threshold_words",
]
