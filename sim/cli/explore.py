"""`python -m sim explore tornado|breakeven|map|voi|discover|curve SCENARIO ...`.

Each subcommand runs one method of `sim.explore` on the run options every simulating
command takes (`--backend`, `--scheduler`, `--workers`, `--cache-dir`) and writes its facts
as JSON (the keys are stable), a CSV table, or a plain-text table with sentences.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.cli import explore_curve, options
from sim.executors import default_workers
from sim.explore import (
    RunOptions,
    breakeven,
    decision_map,
    discover,
    sobol_indices,
    tornado,
    value_of_information,
)
from sim.explore.discovery import REPLICATIONS as DISCOVER_REPLICATIONS
from sim.explore.discovery import SAMPLES
from sim.explore.doubt import REPLICATIONS as DOUBT_REPLICATIONS
from sim.explore.doubt import doubt
from sim.explore.inputs import parse_range
from sim.explore.runs import REPLICATIONS
from sim.facts import json_ready
from sim.io import load_scenario, safe_csv
from sim.params import Scenario
from sim.text import N_, setup_name, translator, value_text
from sim.text import explore as words
from sim.text.doubt import doubt_text
from sim.text.report import cell, width

METHODS = ("tornado", "breakeven", "map", "voi", "discover", "curve", "doubt")
ENDS = {"low": N_("low end"), "high": N_("high end")}


def add_parser(sub: Any) -> None:
    """Register `explore` and its subcommands on the main parser's subparsers."""
    e = sub.add_parser(
        "explore",
        help="what would change the answer: tornado, breakeven, map, voi, discover, curve, doubt",
        description="Sensitivity of the verdict on common random numbers, on any executor.",
    )
    methods = e.add_subparsers(dest="method", required=True, parser_class=type(e))

    def common(p: argparse.ArgumentParser, reps: int) -> None:
        options.add_scenario(p)
        p.add_argument(
            "--reps",
            type=options.whole("--reps", 2),
            default=reps,
            help=f"replications per variant (default {reps})",
        )
        options.add_seed(p)
        options.add_objective(p)
        options.add_output(p)
        options.add_run_options(p)

    t = methods.add_parser("tornado", help="each input alone at its low and high end")
    common(t, REPLICATIONS)
    t.add_argument(
        "--params",
        help="comma-separated paths, each optionally =LOW:HIGH; "
        "'all' for every number (default: the article's handful)",
    )
    t.add_argument("--pair", help="two setups A,B (default: today's top two)")

    b = methods.add_parser("breakeven", help="where a pair's gap crosses zero along one input")
    common(b, REPLICATIONS)
    b.add_argument("--param", required=True, help="dotted path of the input")
    b.add_argument(
        "--between",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        help="range searched (default: the input's uncertain range)",
    )
    b.add_argument("--pair", help="two setups A,B (default: today's top two)")
    b.add_argument(
        "--points",
        type=options.whole("--points", 3),
        default=7,
        help="values along the range (default 7)",
    )

    m = methods.add_parser("map", help="the verdict on a grid of two inputs")
    common(m, REPLICATIONS)
    m.add_argument("--x", help="PATH=LOW:HIGH:N (default: audience size)")
    m.add_argument("--y", help="PATH=LOW:HIGH:N (default: selling-time share)")

    v = methods.add_parser("voi", help="value of information: EVPI and partial EVPI")
    common(v, 100)

    c = methods.add_parser(
        "doubt", help="each gain's spread: chance (run-to-run) apart from not knowing the inputs"
    )
    common(c, DOUBT_REPLICATIONS)

    d = methods.add_parser("discover", help="Latin hypercube + PRIM: where a setup wins")
    common(d, DISCOVER_REPLICATIONS)
    d.add_argument("--setup", required=True, help="the setup whose wins to explain")
    d.add_argument(
        "--samples",
        type=options.whole("--samples", 8),
        default=SAMPLES,
        help=f"points of the Latin hypercube (default {SAMPLES})",
    )
    d.add_argument("--params", help="comma-separated paths (default: the article's handful)")
    d.add_argument(
        "--sobol",
        type=options.whole("--sobol", 2),
        metavar="N",
        help="also Sobol indices of the top-two gap from N x (2k+2) points",
    )

    explore_curve.add_parser(methods, common)


def _pair(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise ValueError(f"--pair: two setups A,B, got {text!r}")
    return parts[0], parts[1]


def _axis(text: str | None, option: str) -> tuple[str, float | None, float | None, int] | None:
    if not text:
        return None
    path, _, spec = text.partition("=")
    if not spec:
        return path.strip(), None, None, 6
    bits = spec.split(":")
    if len(bits) != 3:
        raise ValueError(f"{option}: write PATH=LOW:HIGH:N, got {text!r}")
    lo, hi = parse_range(":".join(bits[:2]), option)
    try:
        n = int(bits[2])
    except ValueError:
        raise ValueError(f"{option}: N must be a whole number, got {bits[2]!r}") from None
    if n < 2:
        raise ValueError(f"{option}: N must be at least 2")
    return path.strip(), lo, hi, n


def _params(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def run(args: argparse.Namespace) -> int:
    """Run the asked method on the run options and write its answer."""
    scenario = load_scenario(args.scenario, args.set)
    options.check_workers(args)
    # each variant explored is one comparison of this size: a scenario too big to compare
    # is too big to explore
    options.check_run_budget(
        scenario, int(args.reps), args.workers or default_workers(), False, str(args.scenario)
    )
    cache = options.cache(args)
    executor = options.executor(args)
    try:
        progress = progress_bar(not args.quiet)
        facts, table, text = answer(args, scenario, executor, cache, progress)
    finally:
        executor.close()
    options.write(render(args, facts, table, text), args.out)
    return 0


def answer(
    args: argparse.Namespace,
    scenario: Scenario,
    executor: Any,
    cache: Any,
    progress: Callable[[int, int], None],
) -> tuple[dict, pd.DataFrame, str]:
    """Run the asked method: (JSON facts, CSV table, text) — the CLI writes one of them."""
    options = RunOptions(
        replications=args.reps,
        seed=scenario.analysis.seed if args.seed is None else args.seed,
        objective=args.objective,
        executor=executor,
        cache=cache,
        progress=progress,
    )
    cur = scenario.currency
    lang = getattr(args, "lang", "en")
    _ = translator(lang)
    if args.method == "tornado":
        t = tornado(scenario, _params(args.params), options, _pair(args.pair))
        facts = t.facts()
        table = pd.DataFrame(
            [
                {
                    "param": r["param"],
                    "low_value": r["low_value"],
                    "high_value": r["high_value"],
                    "gap_low": r["gap_low"]["mean"],
                    "gap_low_low": r["gap_low"]["low"],
                    "gap_low_high": r["gap_low"]["high"],
                    "gap_high": r["gap_high"]["mean"],
                    "gap_high_low": r["gap_high"]["low"],
                    "gap_high_high": r["gap_high"]["high"],
                    "swing": r["swing"],
                    "winner_low": r["winner_low"],
                    "winner_high": r["winner_high"],
                    "flips": r["flips"],
                    "new_winner": r["new_winner"] or "",
                }
                for r in facts["rows"]
            ]
        )
        lines = [words.tornado_text(t, lang), ""]
        cells = [
            (
                words.input_label(r.input.path, lang),
                words.input_value(r.input.path, r.low_value, cur, lang),
                value_text(r.gap_low.mean, t.objective, cur, lang=lang),
                words.input_value(r.input.path, r.high_value, cur, lang),
                value_text(r.gap_high.mean, t.objective, cur, lang=lang),
                # the setup that takes over, and at which end
                ", ".join(
                    _("→ {setup} ({end})").format(setup=setup_name(w, lang), end=_(ENDS[end]))
                    for end, w in r.flip_ends
                ),
            )
            for r in t.rows
        ]
        # each column as wide as its widest entry: no label or value is cut
        sizes = [max([9, *(width(c[i]) for c in cells)]) for i in range(5)]
        lines += [
            cell(c[0], sizes[0], right=False)
            + " "
            + cell(c[1], sizes[1])
            + " "
            + cell(c[2], sizes[2])
            + "   "
            + cell(c[3], sizes[3])
            + " "
            + cell(c[4], sizes[4])
            + ("   " + c[5] if c[5] else "")
            for c in cells
        ]
        return facts, table, "\n".join(lines)
    if args.method == "breakeven":
        b = breakeven(
            scenario,
            args.param,
            tuple(args.between) if args.between else None,
            _pair(args.pair),
            options,
            args.points,
        )
        facts = b.facts()
        facts["text"] = words.breakeven_text(b, lang)
        table = pd.DataFrame(
            [
                {
                    "param": b.input.path,
                    "value": p["value"],
                    "gap": p["gap"]["mean"],
                    "gap_low": p["gap"]["low"],
                    "gap_high": p["gap"]["high"],
                }
                for p in facts["points"]
            ]
        )
        return facts, table, facts["text"]
    if args.method == "map":
        m = decision_map(scenario, _axis(args.x, "--x"), _axis(args.y, "--y"), options)
        facts = m.facts()
        table = pd.DataFrame([{**c, "gap": c["gap"]["mean"]} for c in facts["cells"]])
        table.insert(0, "y_param", m.y.path)
        table.insert(0, "x_param", m.x.path)
        grid = table.pivot(index="y", columns="x", values="best").map(lambda s: setup_name(s, lang))
        text = _("{rows} (rows) x {columns} (columns)").format(
            rows=words.input_label(m.y.path, lang), columns=words.input_label(m.x.path, lang)
        )
        text += "\n"
        return facts, table, text + grid.sort_index(ascending=False).to_string()
    if args.method == "curve":
        return explore_curve.answer(args, scenario, options, lang)
    if args.method == "voi":
        v = value_of_information(scenario, options)
        facts = v.facts()
        facts["text"] = [words.evpi_text(v, lang)] + [
            words.evppi_text(v, i, lang) for i in range(min(3, len(v.evppi)))
        ]
        table = pd.DataFrame(facts["evppi"])
        return facts, table, "\n".join(facts["text"])
    if args.method == "doubt":
        return _doubt(scenario, options, lang)
    d = discover(scenario, args.setup, _params(args.params), args.samples, options)
    facts = d.facts()
    facts["text"] = [words.box_text(d, i, lang) for i in range(len(d.boxes))]
    if args.sobol:
        s = sobol_indices(scenario, d.inputs, args.sobol, options)
        facts["sobol"] = s.facts()
    table = d.sample_frame()
    text = _("{setup} wins at {share:.0%} of {n} sampled points.").format(
        setup=setup_name(d.setup, lang), share=d.share, n=len(d.winners)
    )
    return facts, table, text + "\n" + ("\n".join(facts["text"]) or _("No box found."))


def _doubt(scenario: Scenario, options: RunOptions, lang: str) -> tuple[dict, pd.DataFrame, str]:
    """`explore doubt`: each gain's spread split into chance and the inputs."""
    result = doubt(scenario, options)
    facts = result.facts()
    facts["text"] = [doubt_text(result, setup, lang) for setup in result.gains]
    table = pd.DataFrame(
        [
            {
                "setup": setup,
                "gain": g["gain"]["mean"],
                "gain_low": g["gain"]["low"],
                "gain_high": g["gain"]["high"],
                "chance_share": g["chance_share"],
                "input_share": g["input_share"],
                "main_input": g["main_input"],
            }
            for setup, g in facts["setups"].items()
        ]
    )
    return facts, table, "\n".join(facts["text"])


def render(args: argparse.Namespace, facts: dict, table: pd.DataFrame, text: str) -> str:
    """The output in the asked format."""
    if args.format == "json":
        return json.dumps(json_ready(facts), indent=2, ensure_ascii=False) + "\n"
    if args.format == "csv":
        return safe_csv(table)
    return text + "\n"


def progress_bar(
    enabled: bool, terminal: bool | None = None, every: float = 5.0
) -> Callable[[int, int], None]:
    """Progress on stderr: tasks done of total, the percentage and the time left.

    On a terminal one line is redrawn in place; otherwise (a log, a pipe) a line is written
    every `every` seconds and at the end, so a long run still says how far it is.
    """
    terminal = sys.stderr.isatty() if terminal is None else terminal
    start = time.monotonic()
    last = [-math.inf]

    def show(done: int, total: int) -> None:
        if not enabled:
            return
        now = time.monotonic()
        finished = done >= total
        if not terminal and not finished and now - last[0] < every:
            return
        last[0] = now
        share = done / total if total else 1.0
        line = f"{done}/{total} tasks  {share:4.0%}"
        if 0 < done < total:
            left = (now - start) * (total - done) / done
            line += f"  ETA {int(left // 60)}:{int(left % 60):02d}"
        if terminal:
            sys.stderr.write(f"\r{line:<40}" + ("\n" if finished else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return show
