"""`python -m sim report SCENARIO --out report.html`: the one-page report from the shell.

The preset it is compared with is `--base FILE`, or else the preset in `scenarios/` of the
same scenario name (none: no assumption table). `--breakevens` adds the breakevens nearest
to today (a short tornado of the top two; slower); `--plan-teams` adds when to start each
of those teams (the `plan` search on the report's replications; slower); `--curve-param`
adds P(best) and expected loss of every setup along one input (`explore curve`, on at most
20 replications), and `--doubt` each gain's spread split into chance and not knowing the
inputs (`explore doubt`, on at most 50). Every option is checked before anything runs.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from sim.budget import check_comparison, check_explore
from sim.cli import options
from sim.cli.plan import check_search, parse_starts, teams_and_starts
from sim.executors import default_workers
from sim.explore.curve import POINTS, curve_input
from sim.explore.doubt import REPLICATIONS as DOUBT_REPLICATIONS
from sim.explore.runs import REPLICATIONS as CURVE_REPLICATIONS
from sim.io import ScenarioError, load_scenario
from sim.params import Scenario

PRESET_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def add_parser(sub: Any) -> None:
    """Register `report` on the main parser's subparsers."""
    r = sub.add_parser(
        "report", help="a one-page HTML report: verdict, money, how sure, charts, changes"
    )
    options.add_scenario(r)
    r.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    r.add_argument("--base", type=Path, help="the preset to list changes against")
    r.add_argument(
        "--reps", type=options.whole("--reps", 2), help="replications (default: the file's)"
    )
    options.add_seed(r)
    options.add_objective(r)
    options.add_after_horizon(r)
    r.add_argument("--lang", default="en", help="language of the words (default en)")
    r.add_argument("--breakevens", action="store_true", help="add the nearest breakevens")
    r.add_argument(
        "--plan-teams",
        help="add when to start each of these comma-separated teams (the `plan` search, "
        "on the report's replications; slower)",
    )
    r.add_argument(
        "--plan-starts",
        type=parse_starts,
        help="start months searched with --plan-teams, 'never' for not at all "
        "(default: 0,3,6,9,12,18,24,never, those within the horizon)",
    )
    r.add_argument(
        "--curve-param",
        metavar="PATH",
        help="add P(best) and expected loss of every setup along this input, or company.size "
        f"(the `explore curve` method, on at most {CURVE_REPLICATIONS} replications)",
    )
    r.add_argument(
        "--curve-between",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        help="range of --curve-param (default: its uncertain range; 0.25 to 4 for the size)",
    )
    r.add_argument(
        "--curve-points",
        type=options.whole("--curve-points", 2),
        help=f"values along --curve-param's range (default {POINTS})",
    )
    r.add_argument(
        "--doubt",
        action="store_true",
        help="add each gain's spread split into chance and not knowing the inputs (the "
        f"`explore doubt` method, on at most {DOUBT_REPLICATIONS} replications)",
    )
    options.add_run_options(r)


def find_base(scenario: Scenario, path: Path | None) -> Scenario | None:
    """The preset to compare with: the one given, or a preset of the same name."""
    if path is not None:
        return load_scenario(path)
    for preset in sorted(PRESET_DIR.glob("*.yaml")):
        try:
            candidate = load_scenario(preset)
        except ScenarioError:
            continue
        if candidate.name == scenario.name:
            return candidate
    return None


def run(args: argparse.Namespace) -> int:
    """Write the report to `--out`."""
    cache = options.cache(args)
    executor = options.executor(args)
    try:
        text = html(args, executor, cache)
    finally:
        executor.close()
    options.write(text, args.out)
    return 0


def html(args: argparse.Namespace, executor: Any, cache: Any) -> str:
    """Simulate, judge and write the report as HTML text."""
    scenario = load_scenario(args.scenario, [*args.set, *options.after_horizon_override(args)])
    a = scenario.analysis
    replications = a.replications if args.reps is None else args.reps
    check_comparison(scenario, replications, args.workers, source=str(args.scenario))
    asked = _plan_request(scenario, args, replications)  # checked before anything runs
    curve_asked = _curve_request(scenario, args, replications)
    doubt_reps = _doubt_request(scenario, args, replications)
    from sim.report import report_html  # imported once the run is known to fit
    from sim.verdict import compare

    result = compare(
        scenario,
        replications,
        seed=a.seed if args.seed is None else args.seed,
        objective=args.objective or a.objective,
        max_replications=a.max_replications,
        confidence=a.confidence,
        explain=False,
        executor=executor,
        cache=cache,
    )
    breakevens = None
    if args.breakevens and result.verdict.runner_up is not None:
        from sim.explore import RunOptions, nearest_breakevens
        from sim.text.explore import breakeven_text

        run_options = RunOptions(
            replications=min(20, result.replications),
            seed=result.seed,
            executor=executor,
            cache=cache,
        )
        pair = (result.verdict.best, result.verdict.runner_up)
        found = nearest_breakevens(scenario, pair, run_options)
        breakevens = [breakeven_text(b, args.lang) for b in found]
    plans = None
    if asked is not None:
        from sim.plans import search_plans

        teams, starts, objective = asked
        plans = search_plans(
            scenario,
            teams,
            starts,
            replications=args.reps,
            max_replications=replications,
            seed=result.seed,
            objective=objective,
            executor=executor,
            cache=cache,
        )
    curve = doubt = None
    if curve_asked is not None or doubt_reps is not None:
        from sim.explore import RunOptions

        def explore_options(reps: int) -> RunOptions:
            return RunOptions(
                replications=reps,
                seed=result.seed,
                objective=result.objective,
                confidence=result.confidence,
                executor=executor,
                cache=cache,
            )

        if curve_asked is not None:
            from sim.explore.curve import curve as run_curve

            param, low, high, points, reps = curve_asked
            curve = run_curve(scenario, param, low, high, points, explore_options(reps))
        if doubt_reps is not None:
            from sim.explore.doubt import doubt as run_doubt

            doubt = run_doubt(scenario, explore_options(doubt_reps))
    return report_html(
        result,
        find_base(scenario, args.base),
        breakevens,
        args.lang,
        plans,
        curve=curve,
        doubt=doubt,
    )


def _plan_request(
    scenario: Scenario, args: argparse.Namespace, most: int
) -> tuple[list[str], list[int | None], str] | None:
    """The teams, starts and objective of `--plan-teams`, checked like `plan` (None: none)."""
    if args.plan_teams is None:
        if args.plan_starts is not None:
            raise options.BadInput("--plan-starts: give --plan-teams too")
        return None
    teams, starts = teams_and_starts(
        scenario, args.plan_teams, args.plan_starts, "--plan-teams", "--plan-starts"
    )
    objective = args.objective or scenario.objective
    if objective == "ops_roi":
        raise options.BadInput("--plan-teams: plans are compared on value, not on ops_roi")
    check_search(scenario, teams, starts, most, args, "--plan-starts")
    return teams, starts, objective


def _workers(args: argparse.Namespace) -> int:
    return args.workers or (1 if args.backend == "serial" else default_workers())


def _curve_request(
    scenario: Scenario, args: argparse.Namespace, most: int
) -> tuple[str, float | None, float | None, int, int] | None:
    """The input, range, points and replications of `--curve-param`, checked (None: none).

    Each error names its option; the curve's variants (the costlier end standing for every
    point, as `explore curve` counts them) are checked against the budget.
    """
    if args.curve_param is None:
        for given, option in (
            (args.curve_between, "--curve-between"),
            (args.curve_points, "--curve-points"),
        ):
            if given is not None:
                raise options.BadInput(f"{option}: give --curve-param too")
        return None
    from sim.experiments import variants_from

    param = args.curve_param.strip()
    try:
        curve_input(scenario, param)
    except (KeyError, ValueError) as err:
        raise options.BadInput(f"--curve-param: {str(err).strip(chr(34) + chr(39))}") from None
    low, high = args.curve_between if args.curve_between else (None, None)
    points = POINTS if args.curve_points is None else args.curve_points
    reps = min(CURVE_REPLICATIONS, most)
    try:
        for end in (low, high):
            if end is not None and not math.isfinite(end):
                raise ValueError(f"LOW and HIGH must be finite numbers, got {end}")
        if low is not None and high is not None and not low < high:
            raise ValueError(f"LOW must be below HIGH, got {low:g} and {high:g}")
        item = curve_input(scenario, param, low, high)
        lo = item.low if low is None else low
        hi = item.high if high is None else high
        if not lo < hi:
            raise ValueError(f"LOW must be below HIGH, got {lo:g} and {hi:g}")
        grid = item.grid(points, lo, hi)
        ends = variants_from(
            scenario, [item.changes(scenario, grid[0]), item.changes(scenario, grid[-1])]
        )
    except (KeyError, ValueError) as err:
        raise options.BadInput(f"--curve-between: {str(err).strip(chr(34) + chr(39))}") from None
    for sc in (scenario, *(e.scenario for e in ends)):
        check_explore(
            sc,
            points,
            reps,
            "--curve-points",
            _workers(args),
            options.cli_budget(),
            source=str(args.scenario),
        )
    return param, low, high, points, reps


def _doubt_request(scenario: Scenario, args: argparse.Namespace, most: int) -> int | None:
    """The replications of `--doubt`, its two variants checked against the budget (None: none)."""
    if not args.doubt:
        return None
    reps = min(DOUBT_REPLICATIONS, most)
    check_explore(
        scenario,
        2,
        reps,
        "--doubt",
        _workers(args),
        options.cli_budget(),
        source=str(args.scenario),
    )
    return reps
