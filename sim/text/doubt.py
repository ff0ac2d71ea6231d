"""Chance apart from ignorance, in words: "most of the doubt is how well RevOps will work".

`sim.explore.doubt` returns shares and parameter paths; this module words them, per
language, like the rest of `sim.text`. Nothing here computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.text.explore import in_sentence, input_label
from sim.text.i18n import translator
from sim.text.labels import setup_name, team_name
from sim.text.numbers import value_text

if TYPE_CHECKING:
    from sim.explore.doubt import Doubt


def doubt_text(d: Doubt, setup: str, lang: str = "en") -> str:
    """One setup's gain: how much of its spread is chance, how much not knowing the inputs."""
    _ = translator(lang)
    g = d.gains[setup]
    cur = d.scenario.currency
    words = {
        "setup": setup_name(setup, lang),
        "chance": f"{g.chance_share:.0%}",
        "inputs": f"{g.input_share:.0%}",
        "sd": value_text(g.sd, d.objective, cur, signed=False, lang=lang),
    }
    if g.chance_share + g.input_share <= 0.0:
        return _(
            "The gain of {setup} over no ops team is the same in every simulated future: there "
            "is no doubt to split."
        ).format(**words)
    if g.input_share > g.chance_share:
        if g.main_team is not None:
            words["what"] = _("how well {team} will work").format(team=team_name(g.main_team, lang))
        elif g.main_input is not None:
            words["what"] = _("not knowing {input}").format(input=in_sentence(g.main_input, lang))
        else:
            words["what"] = _("not knowing the inputs")
        return _(
            "Most of the doubt about the gain of {setup} over no ops team is {what}, not "
            "chance: of its spread from one simulated future to the next (standard deviation "
            "{sd}), {inputs} comes from not knowing the inputs and {chance} from the luck of "
            "single futures."
        ).format(**words)
    return _(
        "Most of the doubt about the gain of {setup} over no ops team is chance, the luck of "
        "single futures: {chance} of its spread from one simulated future to the next "
        "(standard deviation {sd}), against {inputs} from not knowing the inputs. A study of "
        "the inputs would not narrow it much."
    ).format(**words)


def gain_text(d: Doubt, setup: str, lang: str = "en") -> str:
    """A setup's gain over no ops team with its interval: "+$408K (+$323K to +$494K)"."""
    _ = translator(lang)
    g = d.gains[setup].gain
    cur = d.scenario.currency
    interval = _("{low} to {high}").format(
        low=value_text(g.low, d.objective, cur, lang=lang),
        high=value_text(g.high, d.objective, cur, lang=lang),
    )
    return f"{value_text(g.mean, d.objective, cur, lang=lang)} ({interval})"


def main_input_text(d: Doubt, setup: str, lang: str = "en") -> str:
    """The input that matters most for a setup's gain, by its label ("—" when none does)."""
    path = d.gains[setup].main_input
    return "—" if path is None else input_label(path, lang)


def doubt_head(d: Doubt, lang: str = "en") -> list[str]:
    """The headings of `doubt_rows`."""
    _ = translator(lang)
    return [
        _("Setup"),
        _("Gain over no ops team ({level}% interval)").format(level=round(d.confidence * 100)),
        _("Share from chance"),
        _("Share from the inputs"),
        _("Input that matters most"),
    ]


def doubt_rows(d: Doubt, lang: str = "en") -> list[list[str]]:
    """The split as table rows, one per setup: gain, the two shares, the main input."""
    return [
        [
            setup_name(setup, lang),
            gain_text(d, setup, lang),
            f"{g.chance_share:.0%}",
            f"{g.input_share:.0%}",
            main_input_text(d, setup, lang),
        ]
        for setup, g in d.gains.items()
    ]
