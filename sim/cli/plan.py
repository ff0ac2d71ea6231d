"""`python -m sim plan SCENARIO`: when to start each ops team, searched on common numbers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from sim.budget import check_explore
from sim.cli import options
from sim.cli.compare import Bar
from sim.executors import default_workers
from sim.io import load_scenario, safe_csv
from sim.params import Scenario
from sim.plans import DEFAULT_STARTS, search_json, search_plans
from sim.text.plans import plan_sentence, plans_table


def parse_starts(value: str) -> list[int | None]:
    """An argparse type: comma-separated start months, 'never' for not at all."""
    out: list[int | None] = []
    for part in value.split(","):
        part = part.strip()
        if part == "never":
            out.append(None)
            continue
        try:
            month = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--starts: {part!r} is neither a month (a whole number) nor 'never'"
            ) from None
        if month < 0:
            raise argparse.ArgumentTypeError(f"--starts: month {month} is negative")
        out.append(month)
    if len(set(out)) != len(out):
        raise argparse.ArgumentTypeError("--starts: a start is listed twice")
    return out


def add_parser(sub: Any) -> None:
    """Register `plan` on the main parser's subparsers."""
    c = sub.add_parser(
        "plan",
        help="when to start each ops team: every combination of start months, compared",
        epilog=options.EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_scenario(c)
    c.add_argument(
        "--teams",
        help="comma-separated teams whose start is searched (default: every team)",
    )
    c.add_argument(
        "--starts",
        type=parse_starts,
        help="comma-separated start months, 'never' for not at all "
        "(default: 0,3,6,9,12,18,24,never, those within the horizon)",
    )
    c.add_argument(
        "--reps",
        type=options.whole("--reps", 2),
        help="exactly this many replications per plan, none dropped (default: successive "
        "elimination up to the scenario's analysis.replications)",
    )
    options.add_seed(c)
    options.add_objective(c)
    options.add_output(c)
    options.add_run_options(c)


def teams_and_starts(
    scenario: Scenario,
    teams_arg: str | None,
    starts_arg: list[int | None] | None,
    teams_option: str = "--teams",
    starts_option: str = "--starts",
) -> tuple[list[str], list[int | None]]:
    """The teams and start months asked for, checked against the scenario (BadInput)."""
    horizon = scenario.horizon_months
    known = list(scenario.org.teams)
    teams = known if teams_arg is None else [t.strip() for t in teams_arg.split(",") if t.strip()]
    unknown = [t for t in teams if t not in known]
    if unknown or not teams or len(set(teams)) != len(teams):
        raise options.BadInput(
            f"{teams_option}: unknown or repeated team(s) {unknown or teams} "
            f"(known: {', '.join(known)})"
        )
    if starts_arg is None:
        starts = [s for s in DEFAULT_STARTS if s is None or s < horizon]
    else:
        starts = starts_arg
        late = [s for s in starts if s is not None and s >= horizon]
        if late:
            raise options.BadInput(
                f"{starts_option}: month {late[0]} is beyond the horizon ({horizon} months)"
            )
    return teams, starts


def check_search(
    scenario: Scenario,
    teams: list[str],
    starts: list[int | None],
    most: int,
    args: argparse.Namespace,
    starts_option: str = "--starts",
) -> None:
    """Refuse (BudgetError, the option named) a search over the command line's budget.

    Each plan runs like one setup for up to `most` replications: the search is checked as
    that many runs (the replications, a run's size and memory, then the plans' total work).
    """
    plans = len(starts) ** len(teams) + len(scenario.org.plans)
    check_explore(
        scenario,
        plans,
        most,
        starts_option,
        args.workers or (1 if args.backend == "serial" else default_workers()),
        options.cli_budget(),
        setups=1,
        source=str(args.scenario),
    )


def run(args: argparse.Namespace) -> int:
    """Search the plans; write the advice and table, the JSON facts, or CSV (one row per plan)."""
    scenario = load_scenario(args.scenario, list(args.set))
    teams, starts = teams_and_starts(scenario, args.teams, args.starts)
    objective = args.objective or scenario.objective
    if objective == "ops_roi":
        raise options.BadInput("--objective: plans are compared on value, not on ops_roi")
    most = args.reps or scenario.analysis.replications
    options.check_workers(args)
    check_search(scenario, teams, starts, most, args)
    cache = options.cache(args)
    executor = options.executor(args)
    bar = Bar(enabled=not args.quiet and sys.stderr.isatty())  # one bar per batch of plans
    try:
        result = search_plans(
            scenario,
            teams,
            starts,
            replications=args.reps,
            max_replications=most,
            seed=scenario.analysis.seed if args.seed is None else args.seed,
            objective=objective,
            executor=executor,
            cache=cache,
            progress=bar,
        )
    finally:
        bar.close()
        executor.close()
    currency = scenario.currency
    if args.format == "json":
        facts = search_json(result)
        facts["sentence"] = plan_sentence(result, currency, args.lang)
        text = json.dumps(facts, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        rows = [
            {
                "scenario": scenario.name,
                "seed": result.seed,
                "plan": p.name,
                **{f"start_{t}": json.dumps(s) for t, s in p.starts.items()},
                "value": p.value.mean,
                "value_low": p.value.low,
                "value_high": p.value.high,
                "loss_vs_best": p.loss_vs_best.mean,
                "loss_low": p.loss_vs_best.low,
                "loss_high": p.loss_vs_best.high,
                "p_best": p.p_best,
                "replications": p.replications,
                "best": p.name == result.best,
            }
            for p in result.plans
        ]
        text = safe_csv(pd.DataFrame(rows))
    else:
        text = plans_table(result, currency, args.lang)
    options.write(text, args.out)
    return 0
