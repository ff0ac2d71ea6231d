"""Tidy frames of the explore methods' facts, for the charts, the tables and the CSVs."""

from __future__ import annotations

import itertools

import pandas as pd

from sim.explore import Breakeven, DecisionMap, Discovery, Tornado, ValueOfInformation
from sim.explore.doubt import Doubt
from sim.text import translator
from sim.text.explore import input_label, input_value
from ui.text import setup_name


def tornado_frame(t: Tornado, lang: str = "en") -> pd.DataFrame:
    """Two rows per input (low end, high end): gap and its interval, value, swing, winners.

    `winner` is the setup that wins at that end (its name), `changes` whether it is not
    today's winner there; `flips` and `new_winner` are the row's (the same at both ends).
    """
    cur = t.scenario.currency
    rows = []
    for r in t.rows:
        for end, value, gap, winner in (
            ("low end", r.low_value, r.gap_low, r.winner_low),
            ("high end", r.high_value, r.gap_high, r.winner_high),
        ):
            rows.append(
                {
                    "param": r.input.path,
                    "label": input_label(r.input.path, lang),
                    "end": end,
                    "value": value,
                    "value_text": input_value(r.input.path, value, cur, lang),
                    "gap": gap.mean,
                    "low": gap.low,
                    "high": gap.high,
                    "swing": r.swing,
                    "base": t.base_gap.mean,
                    "winner": setup_name(winner, lang) if winner else "",
                    "changes": bool(winner) and winner != t.winner,
                    "flips": r.flips,
                    "new_winner": setup_name(r.new_winner, lang) if r.new_winner else "",
                }
            )
    return pd.DataFrame(rows)


def tornado_flips_frame(t: Tornado, lang: str = "en") -> pd.DataFrame:
    """One row per input whose swing changes the winner (empty when none does).

    The table beside the chart: the input, each end's value and winner, and the new winner.
    """
    _ = translator(lang)
    cur = t.scenario.currency
    return pd.DataFrame(
        [
            {
                _("Input"): input_label(r.input.path, lang),
                _("Low end"): input_value(r.input.path, r.low_value, cur, lang),
                _("Winner at the low end"): setup_name(r.winner_low, lang),
                _("High end"): input_value(r.input.path, r.high_value, cur, lang),
                _("Winner at the high end"): setup_name(r.winner_high, lang),
                _("New winner"): setup_name(r.new_winner, lang) if r.new_winner else "",
            }
            for r in t.flipping
        ]
    )


def breakeven_frame(b: Breakeven) -> pd.DataFrame:
    """The gap curve: value, gap, low, high."""
    return pd.DataFrame(
        [
            {"param": b.input.path, "value": v, "gap": g.mean, "low": g.low, "high": g.high}
            for v, g in zip(b.values, b.gaps, strict=True)
        ]
    )


def _edges(values: list[float]) -> list[tuple[float, float]]:
    """Cell edges halfway between neighbouring values (a lone value gets a unit cell)."""
    if len(values) == 1:
        return [(values[0] - 0.5, values[0] + 0.5)]
    mids = [(a + b) / 2 for a, b in itertools.pairwise(values)]
    first = values[0] - (mids[0] - values[0])
    last = values[-1] + (values[-1] - mids[-1])
    bounds = [first, *mids, last]
    return list(itertools.pairwise(bounds))


def map_frame(m: DecisionMap, lang: str = "en") -> pd.DataFrame:
    """One row per cell with its edges, the winner's name, P(best), separation mark."""
    xe = dict(zip(m.x_values, _edges(m.x_values), strict=True))
    ye = dict(zip(m.y_values, _edges(m.y_values), strict=True))
    return pd.DataFrame(
        [
            {
                "x": c.x,
                "y": c.y,
                "x0": xe[c.x][0],
                "x1": xe[c.x][1],
                "y0": ye[c.y][0],
                "y1": ye[c.y][1],
                "best": c.best,
                "setup_name": setup_name(c.best, lang),
                "runner_up": c.runner_up,
                "p_best": c.p_best,
                "separated": c.separated,
                "mark": "✓" if c.separated else "",
                "gap": c.gap["mean"],
                "gap_low": c.gap["low"],
                "gap_high": c.gap["high"],
            }
            for c in m.cells
        ]
    )


def voi_frame(v: ValueOfInformation, lang: str = "en") -> pd.DataFrame:
    """One row per parameter: path, label, partial EVPI."""
    return pd.DataFrame(
        [{"param": r.param, "label": input_label(r.param, lang), "value": r.value} for r in v.evppi]
    )


def discovery_frame(d: Discovery) -> pd.DataFrame:
    """The sampled points (one column per input), the winner and whether the setup won."""
    return d.sample_frame()


def box_rect(d: Discovery, x: str, y: str) -> dict | None:
    """The first box's rectangle on inputs x and y (unrestricted sides at the ranges' ends)."""
    if not d.boxes:
        return None
    ranges = {i.path: (i.low, i.high) for i in d.inputs}
    rules = {d.inputs[r.dim].path: (r.low, r.high) for r in d.boxes[0].rules}
    (x0, x1), (y0, y1) = rules.get(x, ranges[x]), rules.get(y, ranges[y])
    return {"x0": x0, "x1": x1, "y0": y0, "y1": y1}


DOUBT_PARTS = ("inputs", "chance")
"""The two parts of a gain's spread, in the order they are stacked (the inputs first)."""


def doubt_frame(d: Doubt, lang: str = "en") -> pd.DataFrame:
    """One row per setup, largest gain first: the gain, its interval, both shares, spreads.

    With the input that matters most (its path and label; empty when none does).
    """
    return pd.DataFrame(
        [
            {
                "setup": setup,
                "setup_name": setup_name(setup, lang),
                "gain": g.gain.mean,
                "gain_low": g.gain.low,
                "gain_high": g.gain.high,
                "gain_inputs_fixed": g.gain_inputs_fixed.mean,
                "sd": g.sd,
                "sd_inputs_fixed": g.sd_inputs_fixed,
                "chance_share": g.chance_share,
                "input_share": g.input_share,
                "main_input": g.main_input or "",
                "main_input_label": input_label(g.main_input, lang) if g.main_input else "",
            }
            for setup, g in d.gains.items()
        ],
        columns=[
            "setup",
            "setup_name",
            "gain",
            "gain_low",
            "gain_high",
            "gain_inputs_fixed",
            "sd",
            "sd_inputs_fixed",
            "chance_share",
            "input_share",
            "main_input",
            "main_input_label",
        ],
    )


def doubt_parts(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """`doubt_frame` as two stacked pieces per setup: the inputs' share, then chance's.

    Columns: setup, setup_name, part (`DOUBT_PARTS`), part_name (in `lang`), share, and the
    piece's ends on the 0..1 bar (x0, x1).
    """
    _ = translator(lang)
    names = {"inputs": _("Not knowing the inputs"), "chance": _("Chance")}
    rows = []
    for r in frame.itertuples(index=False):
        start = 0.0
        for part, share in (("inputs", r.input_share), ("chance", r.chance_share)):
            rows.append(
                {
                    "setup": r.setup,
                    "setup_name": r.setup_name,
                    "part": part,
                    "part_name": names[part],
                    "share": float(share),
                    "x0": start,
                    "x1": start + float(share),
                }
            )
            start += float(share)
    return pd.DataFrame(
        rows, columns=["setup", "setup_name", "part", "part_name", "share", "x0", "x1"]
    )
