"""`python -m sim report SCENARIO --out report.html`: the one-page report from the shell.

The preset it is compared with is `--base FILE`, or else the preset in `scenarios/` of the
same scenario name (none: no assumption table). `--breakevens` adds the breakevens nearest
to today (a short tornado of the top two; slower); `--plan-teams` adds when to start each
of those teams (the `plan` search on the report's replications; slower).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.budget import check_comparison
from sim.cli import options
from sim.cli.plan import check_search, parse_starts, teams_and_starts
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
    return report_html(result, find_base(scenario, args.base), breakevens, args.lang, plans)


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
