"""`python -m sim explore curve SCENARIO --param PATH [--between LOW HIGH] [--points N]`.

P(best) and expected loss of every setup along one input (`sim.explore.curve`): the
subparser and the answer of the `curve` method of `sim.cli.explore`, kept in their own
module. JSON keys: the explore header, `param`, `kind`, `today`, `between`, `pays_from`,
`pays_up_to` and `points` (`value`, `best`, and per setup `p_best`, `p_best_interval`,
`expected_loss` {mean, low, high}, `vs_none`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.cli import options
from sim.explore.curve import POINTS, SIZE, curve
from sim.explore.runs import REPLICATIONS, RunOptions
from sim.params import Scenario
from sim.text import curve as words


def add_parser(methods: Any, common: Callable[[argparse.ArgumentParser, int], None]) -> None:
    """Register `curve` on the explore subcommands (`common`: the options every one takes)."""
    c = methods.add_parser("curve", help="P(best) and expected loss of every setup along one input")
    common(c, REPLICATIONS)
    c.add_argument(
        "--param",
        required=True,
        help=f"dotted path of the input, or {SIZE} (reps, leads and customers scaled "
        "together, 1 = today)",
    )
    c.add_argument(
        "--between",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        help="range of the input (default: its uncertain range; 0.25 to 4 for the size)",
    )
    c.add_argument(
        "--points",
        type=options.whole("--points", 2),
        default=POINTS,
        help=f"values along the range (default {POINTS})",
    )


def answer(
    args: argparse.Namespace, scenario: Scenario, run: RunOptions, lang: str
) -> tuple[dict, pd.DataFrame, str]:
    """Run the curve: (JSON facts, CSV table, text)."""
    low, high = args.between if args.between else (None, None)
    c = curve(scenario, args.param, low, high, args.points, run)
    facts = c.facts()
    facts["text"] = words.curve_text(c, lang)
    text = "\n".join([*facts["text"], "", words.curve_table(c, lang)])
    return facts, c.frame(), text
