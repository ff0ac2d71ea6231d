"""A curve in words: the axis, its values, who is best at each end, from where a team pays.

`sim.explore.curve` returns numbers and setup ids along one input; this module words them,
per language. The company's size (`company.size`) is an axis of its own, written as a
multiple of today's company; every other axis is written as `sim.text.explore` writes inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.params import BASELINE
from sim.text.explore import in_sentence, input_label, input_value
from sim.text.i18n import translator
from sim.text.labels import setup_name
from sim.text.numbers import value_text
from sim.text.report import cell, width

if TYPE_CHECKING:
    from sim.explore.curve import Curve

SIZE = "company.size"


def axis_label(path: str, lang: str = "en") -> str:
    """A curve's axis as a heading: "Company size (× today)", or the input's label."""
    _ = translator(lang)
    if path == SIZE:
        return _("Company size (× today)")
    return input_label(path, lang)


def axis_in_sentence(path: str, lang: str = "en") -> str:
    """A curve's axis inside a sentence: "the company's size", "RevOps' cost per FTE"."""
    _ = translator(lang)
    if path == SIZE:
        return _("the company's size")
    return in_sentence(path, lang)


def axis_value(path: str, value: float | None, currency: str = "USD", lang: str = "en") -> str:
    """A value on a curve's axis: "2× today" for the size, else as the input is written."""
    _ = translator(lang)
    if path == SIZE and value is not None:
        return _("{x}× today").format(x=f"{value:.3g}")
    return input_value(path, value, currency, lang)


def curve_text(c: Curve, lang: str = "en") -> list[str]:
    """The curve in sentences: the best at each end, then from where each team pays."""
    _ = translator(lang)
    cur = c.scenario.currency
    path = c.param
    first, last = c.points[0], c.points[-1]
    lines = [
        _(
            "Along {label}: at {low} the best on average is {a} (best in {pa:.0%} of "
            "futures); at {high} it is {b} (best in {pb:.0%})."
        ).format(
            label=axis_in_sentence(path, lang),
            low=axis_value(path, first.value, cur, lang),
            a=setup_name(first.best, lang),
            pa=first.setups[first.best].p_best,
            high=axis_value(path, last.value, cur, lang),
            b=setup_name(last.best, lang),
            pb=last.setups[last.best].p_best,
        )
    ]
    pays_from, pays_up_to = c.pays_from(), c.pays_up_to()
    none = setup_name(BASELINE, lang)
    for setup in c.team_setups():
        name = setup_name(setup, lang)
        beats = [p.value for p in c.points if p.setups[setup].beats_none]
        if pays_from[setup] is not None and pays_from[setup] != first.value:
            text = _("{setup} clearly beats {none} from {value} upward.").format(
                setup=name, none=none, value=axis_value(path, pays_from[setup], cur, lang)
            )
        elif pays_from[setup] is not None:
            text = _("{setup} clearly beats {none} everywhere from {low} to {high}.").format(
                setup=name,
                none=none,
                low=axis_value(path, first.value, cur, lang),
                high=axis_value(path, last.value, cur, lang),
            )
        elif pays_up_to[setup] is not None:
            text = _("{setup} clearly beats {none} up to {value}.").format(
                setup=name, none=none, value=axis_value(path, pays_up_to[setup], cur, lang)
            )
        elif beats:
            text = _("{setup} clearly beats {none} only between {low} and {high}.").format(
                setup=name,
                none=none,
                low=axis_value(path, beats[0], cur, lang),
                high=axis_value(path, beats[-1], cur, lang),
            )
        else:
            text = _("{setup} never clearly beats {none} between {low} and {high}.").format(
                setup=name,
                none=none,
                low=axis_value(path, first.value, cur, lang),
                high=axis_value(path, last.value, cur, lang),
            )
        lines.append(text)
    return lines


def curve_head(c: Curve, lang: str = "en") -> list[str]:
    """The headings of `curve_rows`: the axis, then every setup by name."""
    return [axis_label(c.param, lang)] + [setup_name(s, lang) for s in c.setups]


def curve_rows(c: Curve, lang: str = "en") -> list[list[str]]:
    """One row per value: the value, then each setup's P(best) and expected loss."""
    _ = translator(lang)
    cur = c.scenario.currency
    return [
        [axis_value(c.param, p.value, cur, lang)]
        + [
            _("{p:.0%} · loss {loss}").format(
                p=p.setups[s].p_best,
                loss=value_text(p.setups[s].expected_loss.mean, c.objective, cur, False, lang),
            )
            for s in c.setups
        ]
        for p in c.points
    ]


def curve_table(c: Curve, lang: str = "en") -> str:
    """A plain-text table: one row per value, P(best) and expected loss of every setup."""
    _ = translator(lang)
    head, rows = curve_head(c, lang), curve_rows(c, lang)
    sizes = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [_("P(best) · expected loss, per setup")]
    for r in [head, *rows]:
        lines.append(
            "  ".join(cell(text, sizes[i], right=i > 0) for i, text in enumerate(r)).rstrip()
        )
    return "\n".join(lines)
