"""What would change the answer, in words: inputs, values, breakevens, value of information.

The explore methods (`sim.explore`) return numbers, setup ids and parameter paths; this
module words them, per language, like the rest of `sim.text`. Nothing here computes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.levers import LEVERS
from sim.params import BASELINE, field_meta
from sim.text.i18n import N_, translator
from sim.text.labels import lever_phrase, objective_label, setup_name, team_name
from sim.text.numbers import money, value_text

if TYPE_CHECKING:
    from sim.explore.breakeven import Breakeven
    from sim.explore.decision_map import DecisionMap
    from sim.explore.discovery import Discovery
    from sim.explore.tornado import Tornado, TornadoRow
    from sim.explore.voi import ValueOfInformation

MONEY_UNITS = {"money": "", "money/month": N_("/month"), "money/year": N_("/year")}
SHARE_UNITS = {"share", "share/month", "share/year"}
RANGE_LABELS = {
    "strength": N_("Overall strength"),
    "retention_strength": N_("Retention strength"),
}
"""A team's strength ranges as inputs: one value, so without the range's "low / most likely /
high"."""
UNIT_WORDS = {
    "accounts": N_("accounts"),
    "customers": N_("customers"),
    "days": N_("days"),
    "deals": N_("deals"),
    "futures": N_("futures"),
    "hours": N_("hours"),
    "hours/month": N_("hours/month"),
    "leads/month": N_("leads/month"),
    "leads/rep/month": N_("leads/rep/month"),
    "months": N_("months"),
    "people": N_("people"),
    "touches/day": N_("touches/day"),
}
"""Units written after a number (other units are technical and left out)."""


def unit_text(unit: str, lang: str = "en") -> str:
    """A unit after a number ("9 people", "9人"); technical units are not written."""
    word = UNIT_WORDS.get(unit)
    return translator(lang)(word) if word else ""


def input_label(path: str, lang: str = "en") -> str:
    """An input as a heading: "RevOps' effects (all)", "RevOps: cost per FTE", "Reps"."""
    _ = translator(lang)
    parts = path.split(".")
    if parts[:2] == ["org", "teams"] and len(parts) >= 4 and parts[3] == "effects":
        team = team_name(parts[2], lang)
        if len(parts) == 4:
            return _("{team}'s effects, all together").format(team=team)
        return _("{team}'s effect on {lever}").format(team=team, lever=lever_phrase(parts[4], lang))
    try:
        label = _(field_meta(path).label)
    except KeyError:
        label = path
    if parts[:2] == ["org", "teams"] and len(parts) == 4 and parts[3] in RANGE_LABELS:
        label = _(RANGE_LABELS[parts[3]])
    if parts[:2] == ["org", "teams"] and len(parts) >= 3:
        if lang == "en":
            label = label[:1].lower() + label[1:]
        return _("{team}: {label}").format(team=team_name(parts[2], lang), label=label)
    return label


def input_value(path: str, value: float | None, currency: str = "USD", lang: str = "en") -> str:
    """A value of an input as people read it: $11.2K/month, 21%, 9 people, 70% of the way."""
    _ = translator(lang)
    if value is None or not math.isfinite(value):
        return "—"
    parts = path.split(".")
    if len(parts) == 4 and parts[3] == "effects":
        return _("{share:.0%} of the way from worst to best").format(share=value)
    if len(parts) == 5 and parts[3] == "effects":
        return effect_value(parts[4], value, lang)
    try:
        meta = field_meta(path)
    except KeyError:
        return f"{value:,.4g}"
    if meta.unit in MONEY_UNITS:
        unit = MONEY_UNITS[meta.unit]
        return _money(value, currency, lang) + (_(unit) if unit else "")
    if meta.unit in SHARE_UNITS:
        return share_text(value)
    if meta.unit == "multiplier":
        return f"×{value:.3g}"
    unit = unit_text(meta.unit, lang)
    sep = "" if lang == "ja" else " "
    if meta.integer or float(value).is_integer():
        return f"{value:,.0f}{sep}{unit}".strip()
    return f"{value:,.3g}{sep}{unit}".strip()


def effect_value(lever: str, value: float, lang: str = "en") -> str:
    """One team effect in its lever's terms: -10% (relative), +2.0 points, a 0.50 correlation."""
    _ = translator(lang)
    kind = LEVERS[lever].kind if lever in LEVERS else "points"
    if kind == "relative":
        return f"{value:+.0%}" if abs(value) >= 0.1 or value == 0 else f"{value:+.1%}"
    if kind == "points":
        return _("{value} points").format(value=f"{value * 100:+.1f}")
    return _("a {value} correlation").format(value=f"{value:.2f}")


def share_text(x: float) -> str:
    """A share as a percentage with enough digits to read a small one (1.2%, 0.35%)."""
    return f"{x:.2%}" if abs(x) < 0.01 else f"{x:.1%}"


def _money(x: float, currency: str, lang: str = "en") -> str:
    """Money with three significant figures below a million ($11.2K, not $11K; ¥112万)."""
    if lang == "en" and 1e4 <= abs(x) < 1e6:
        sign = "-" if x < 0 else ""
        head = money(1000.0, currency).replace("1.0K", "{body}")
        return sign + head.format(
            body=f"{abs(x) / 1e3:.1f}K" if abs(x) < 1e5 else f"{abs(x) / 1e3:.0f}K"
        )
    return money(x, currency, lang=lang)


def in_sentence(path: str, lang: str = "en") -> str:
    """An input inside a sentence: "RevOps' cost per FTE", "the reps' selling time"."""
    label = input_label(path, lang)
    if lang != "en":
        return label
    parts = path.split(".")
    if parts[:2] == ["org", "teams"]:
        return (
            label.replace(": ", "'s ", 1)
            if parts[3:4] != ["effects"] and ".effects." not in path
            else label
        )
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _range(path: str, low: float, high: float, currency: str, lang: str) -> str:
    return f"{input_value(path, low, currency, lang)} – {input_value(path, high, currency, lang)}"


def breakeven_text(b: Breakeven, lang: str = "en") -> str:
    """The breakeven in words: who overtakes whom, where, and how sure (or: no breakeven)."""
    _ = translator(lang)
    cur = b.scenario.currency
    path = b.input.path
    label = input_label(path, lang)
    if b.breakeven is None:
        lo, hi = b.between
        return _(
            "{winner} stays ahead of {other} for {label} anywhere from {low} to {high} "
            "(the range searched): no breakeven there."
        ).format(
            winner=setup_name(b.below, lang),
            other=setup_name(b.pair[1] if b.below == b.pair[0] else b.pair[0], lang),
            label=in_sentence(path, lang),
            low=input_value(path, lo, cur, lang),
            high=input_value(path, hi, cur, lang),
        )
    x = input_value(path, b.breakeven, cur, lang)
    pct = round(b.confidence * 100)
    band = (
        _("{pct}%: {range}").format(
            pct=pct, range=_range(path, b.interval[0], b.interval[1], cur, lang)
        )
        if b.interval
        else ""
    )
    today = b.input.base if b.input.base is not None else 0.5 * (b.input.low + b.input.high)
    if b.below == b.above:
        return _("{first} and {second} swap places around {label} = {x} and back ({band}).").format(
            first=setup_name(b.pair[0], lang),
            second=setup_name(b.pair[1], lang),
            label=label,
            x=x,
            band=band,
        )
    if today <= b.breakeven:
        text = _("{winner} overtakes {other} when {label} rises above {x} ({band}).").format(
            winner=setup_name(b.above, lang),
            other=setup_name(b.below, lang),
            label=in_sentence(path, lang),
            x=x,
            band=band,
        )
    else:
        text = _("{winner} overtakes {other} when {label} falls below {x} ({band}).").format(
            winner=setup_name(b.below, lang),
            other=setup_name(b.above, lang),
            label=in_sentence(path, lang),
            x=x,
            band=band,
        )
    said = uplift_text(b, lang)
    return (text + ("" if lang == "ja" else " ") + said) if said else text


def uplift_text(b: Breakeven, lang: str = "en") -> str:
    """A team's breakeven in the outcome it implies ("" when there is none).

    "That is: no ops team wins if net-new ARR with RevOps is less than 1.2% above no ops
    team's."
    """
    _ = translator(lang)
    u = b.uplift
    if u is None or u.at is None or b.below == b.above or not math.isfinite(u.at):
        return ""
    setup = u.setup
    other = b.pair[1] if setup == b.pair[0] else b.pair[0]
    if not u.relative and other == BASELINE:
        return ""  # against no ops team the objective's gain at the breakeven is zero
    end = u.values[0] if b.below == other else u.values[-1]
    less = end < u.at
    if u.relative and less:
        template = _(
            "That is: {winner} wins if net-new ARR with {setup} is less than {value} above "
            "no ops team's."
        )
    elif u.relative:
        template = _(
            "That is: {winner} wins if net-new ARR with {setup} is more than {value} above "
            "no ops team's."
        )
    elif less:
        template = _(
            "That is: {winner} wins if {objective} with {setup} is less than {value} above "
            "no ops team's."
        )
    else:
        template = _(
            "That is: {winner} wins if {objective} with {setup} is more than {value} above "
            "no ops team's."
        )
    value = (
        share_text(u.at)
        if u.relative
        else value_text(u.at, u.outcome, b.scenario.currency, signed=False, lang=lang)
    )
    return template.format(
        winner=setup_name(other, lang),
        setup=setup_name(setup, lang),
        value=value,
        objective=objective_label(u.outcome, lang) if not u.relative else "",
    )


def map_text(m: DecisionMap, lang: str = "en") -> str:
    """Who wins where on a decision map, and whether the winner changes in the range shown."""
    _ = translator(lang)
    cur = m.scenario.currency
    winners = m.winners
    if len(winners) == 1:
        return _(
            "{setup} wins everywhere on this map: the winner does not change for {x} from "
            "{x_low} to {x_high} and {y} from {y_low} to {y_high}. Widen the ranges or pick "
            "other inputs to find where it would."
        ).format(
            setup=setup_name(winners[0], lang),
            x=in_sentence(m.x.path, lang),
            x_low=input_value(m.x.path, m.x_values[0], cur, lang),
            x_high=input_value(m.x.path, m.x_values[-1], cur, lang),
            y=in_sentence(m.y.path, lang),
            y_low=input_value(m.y.path, m.y_values[0], cur, lang),
            y_high=input_value(m.y.path, m.y_values[-1], cur, lang),
        )
    counts = _(", ").join(
        _("{setup} in {n} of {total}").format(
            setup=setup_name(s, lang), n=m.wins(s), total=len(m.cells)
        )
        for s in winners
    )
    return _("The winner changes on this map: {counts} cells.").format(counts=counts)


def tornado_text(t: Tornado, lang: str = "en") -> str:
    """The tornado in words: what moves the gap between the top two most, and what flips.

    Each input that hands the win to another setup (even one outside the pair) is named
    with the setup that takes over; inputs left out are listed.
    """
    _ = translator(lang)
    a, b = (setup_name(s, lang) for s in t.pair)
    cur = t.scenario.currency
    if not t.rows or t.rows[0].swing == 0:
        text = _("None of these inputs moves the gap between {a} and {b}.").format(a=a, b=b)
    else:
        top = t.rows[0]
        text = _(
            "{label} moves the gap between {a} and {b} most: from {low} to {high} across its "
            "range (today {base})."
        ).format(
            label=input_label(top.input.path, lang),
            a=a,
            b=b,
            low=value_text(top.gap_low.mean, t.objective, cur, lang=lang),
            high=value_text(top.gap_high.mean, t.objective, cur, lang=lang),
            base=value_text(t.base_gap.mean, t.objective, cur, lang=lang),
        )
    flipping = t.flipping
    for row in flipping[:FLIPS_WORDED]:
        text += " " + flip_text(t, row, lang)
    if len(flipping) > FLIPS_WORDED:
        names = ", ".join(input_label(r.input.path, lang) for r in flipping[FLIPS_WORDED:])
        text += " " + _("The winner also changes at one end of: {names}.").format(names=names)
    if not flipping:
        if _pair_only(t):
            text += " " + _(
                "No single input, moved alone across its range, changes which of {a} and {b} wins."
            ).format(a=a, b=b)
        else:
            text += " " + _(
                "No single input, moved alone across its range, changes the winner: {winner} "
                "stays best."
            ).format(winner=setup_name(t.winner, lang))
    if t.skipped:
        names = ", ".join(input_label(s.param, lang) for s in t.skipped)
        text += " " + _(
            "Left out, as moving them alone makes the scenario invalid: {names}."
        ).format(names=names)
    return text


FLIPS_WORDED = 3
"""Flipping rows a tornado's words name one by one; the rest are listed."""


def _pair_only(t: Tornado) -> bool:
    """Whether the winners were judged within the pair only (the other setups not run)."""
    return len(t.winner_among) < len(t.scenario.org.setups)


def flip_text(t: Tornado, row: TornadoRow, lang: str = "en") -> str:
    """A row that changes the winner in words, one sentence per end that changes it.

    "With RevOps's cost per FTE at its high end ($10M/month), SalesOps wins instead of both."
    """
    _ = translator(lang)
    cur = t.scenario.currency
    today = setup_name(t.winner, lang)
    sentences = []
    for end, winner in row.flip_ends:
        value = input_value(
            row.input.path, row.low_value if end == "low" else row.high_value, cur, lang
        )
        message = (
            _("With {label} at its low end ({value}), {new} wins instead of {today}.")
            if end == "low"
            else _("With {label} at its high end ({value}), {new} wins instead of {today}.")
        )
        sentences.append(
            message.format(
                label=in_sentence(row.input.path, lang),
                value=value,
                new=setup_name(winner, lang),
                today=today,
            )
        )
    return " ".join(sentences)


def evpi_text(v: ValueOfInformation, lang: str = "en") -> str:
    """EVPI in words: what knowing every team effect before deciding would be worth."""
    _ = translator(lang)
    cur = v.scenario.currency
    pct = round(v.confidence * 100)
    message = _(
        "Choosing {chosen} now leaves an expected {evpi} on the table against knowing every "
        "team's real effects before deciding ({pct}%: {low} to {high}). No study is worth "
        "more than that."
    )
    if v.scenario.uncertainty:
        message = _(
            "Choosing {chosen} now leaves an expected {evpi} on the table against knowing every "
            "team's real effects and the world's uncertain numbers before deciding ({pct}%: "
            "{low} to {high}). No study is worth more than that."
        )
    return message.format(
        chosen=setup_name(v.chosen, lang),
        evpi=value_text(v.evpi.mean, v.objective, cur, signed=False, lang=lang),
        pct=pct,
        low=value_text(v.evpi.low, v.objective, cur, signed=False, lang=lang),
        high=value_text(v.evpi.high, v.objective, cur, signed=False, lang=lang),
    )


def evppi_text(v: ValueOfInformation, index: int = 0, lang: str = "en") -> str:
    """One partial EVPI in words: "learning RevOps' real effect on churn ... is worth $X"."""
    _ = translator(lang)
    if not v.evppi:
        return _("There is no team effect to learn about.")
    row = v.evppi[index]
    if row.team is None:  # an uncertain world number
        what = _("the real {input}").format(input=in_sentence(row.param, lang))
    elif row.lever is None:
        what = _("{team}'s real effects").format(team=team_name(row.team, lang))
    else:
        what = _("{team}'s real effect on {lever}").format(
            team=team_name(row.team, lang), lever=lever_phrase(row.lever, lang)
        )
    return _("Learning {what} before deciding is worth about {value}.").format(
        what=what,
        value=value_text(row.value, v.objective, v.scenario.currency, signed=False, lang=lang),
    )


def rule_text(param: str, low: float, high: float, currency: str = "USD", lang: str = "en") -> str:
    """One PRIM rule: "Reps between 7 and 10 people"."""
    _ = translator(lang)
    return _("{label} between {low} and {high}").format(
        label=input_label(param, lang),
        low=input_value(param, low, currency, lang),
        high=input_value(param, high, currency, lang),
    )


def box_text(d: Discovery, index: int, lang: str = "en") -> str:
    """A PRIM box in words: where the setup wins, how often there, and what share of its wins."""
    _ = translator(lang)
    box = d.boxes[index]
    cur = d.scenario.currency
    rules = [rule_text(d.inputs[r.dim].path, r.low, r.high, cur, lang) for r in box.rules] or [
        _("anywhere in the ranges")
    ]
    return _(
        "{setup} wins in {density:.0%} of the sampled cases where {rules} ({coverage:.0%} of "
        "all the cases where it wins)."
    ).format(
        setup=setup_name(d.setup, lang),
        density=box.density,
        rules=_(" and ").join(rules),
        coverage=box.coverage,
    )
