"""`python -m sim uplift SCENARIO`: each team alone and all together vs no team, by band."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli import options
from sim.executors import default_workers
from sim.io import load_scenario, safe_csv


def add_parser(sub: Any) -> None:
    """Register `uplift` on the main parser's subparsers."""
    u = sub.add_parser(
        "uplift",
        help="each team alone and all together vs no team, on outcomes (net-new ARR, GRR, "
        "win rate, cycle), beside the published bands the effect ranges are checked against",
    )
    options.add_scenario(u)
    u.add_argument("--reps", type=options.whole("--reps", 2), default=40, help="replications (40)")
    options.add_seed(u, default=0, help="master seed (0)")
    options.add_output(u, quiet=False)


def run(args: argparse.Namespace) -> int:
    """Simulate each team alone, all together and none; write the uplifts (table/JSON/CSV)."""
    from sim.verdict.uplift import team_uplifts

    scenario = load_scenario(args.scenario, args.set)
    options.check_run_budget(scenario, args.reps, default_workers(), False, str(args.scenario))
    table = team_uplifts(scenario, args.reps, args.seed)
    if args.format == "json":
        text = table.to_json(orient="records", indent=2) + "\n"
    elif args.format == "csv":
        text = safe_csv(table)
    else:
        lines = [
            f"{scenario.name}: each team alone and all together vs no team, {args.reps} "
            f"replications, seed {args.seed} (mean uplift [interval]; P10..P90 of single "
            "futures; band; ok)",
        ]
        for row in table.itertuples():
            fmt = (
                (lambda x: f"{x:+.1%}")
                if row.measure == "relative"
                else (lambda x: f"{x * 100:+.1f} pts")
            )
            ok = {True: "inside", False: "OUTSIDE", None: "-"}[row.inside]
            lines.append(
                f"  {row.team:<12}{row.outcome:<18}{fmt(row.mean):>11} [{fmt(row.low)}, "
                f"{fmt(row.high)}]  {fmt(row.p10)}..{fmt(row.p90)}   band {fmt(row.band_low)} "
                f".. {fmt(row.band_high)} [{row.source}]  {ok}"
            )
        text = "\n".join(lines) + "\n"
    options.write(text, args.out)
    return 0
