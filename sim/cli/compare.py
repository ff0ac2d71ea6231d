"""`python -m sim compare SCENARIO`: simulate every setup and give the verdict."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from sim.answers import comparison_json
from sim.cli import options
from sim.executors import default_workers
from sim.io import load_scenario, safe_csv
from sim.text import comparison_table
from sim.verdict import compare


def add_parser(sub: Any) -> None:
    """Register `compare` on the main parser's subparsers."""
    c = sub.add_parser(
        "compare",
        help="simulate every setup and give the verdict",
        epilog=options.EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_scenario(c)
    c.add_argument(
        "--reps",
        type=options.reps_or_auto,
        help="replications, or 'auto' (default: the scenario's analysis.replications, 100)",
    )
    c.add_argument(
        "--max-reps",
        type=options.whole("--max-reps", 2),
        help="cap for --reps auto (default: analysis.max_replications, 400)",
    )
    options.add_seed(c)
    c.add_argument(
        "--confidence",
        type=options.confidence,
        help="how sure 'clearly ahead' must be, in (0.5, 1) (default: analysis.confidence, 0.9)",
    )
    c.add_argument(
        "--horizon",
        type=options.whole("--horizon", 1),
        help="horizon in months (overrides the file)",
    )
    options.add_objective(c)
    options.add_after_horizon(c)
    options.add_output(c)
    c.add_argument("--no-explain", action="store_true", help="skip the gain attribution runs")
    options.add_run_options(c)


class Bar:
    """A progress bar on stderr (only when stderr is a terminal or forced)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        """Redraw: `done` of `total` replications finished."""
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.perf_counter() - self.start
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} replications "
            f"{elapsed:5.1f}s"
        )
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            sys.stderr.write("\n")


def run(args: argparse.Namespace) -> int:
    """Simulate, judge, write the verdict as a table, JSON or CSV (one row per run)."""
    overrides = list(args.set)
    if args.horizon is not None:
        overrides.append(f"horizon_months={args.horizon}")
    overrides += options.after_horizon_override(args)
    scenario = load_scenario(args.scenario, overrides)
    settings = scenario.analysis  # what the file asks for, unless an option says otherwise
    reps = settings.replications if args.reps is None else args.reps
    most = settings.max_replications if args.max_reps is None else args.max_reps
    options.check_workers(args)
    options.check_run_budget(
        scenario,
        most if reps == "auto" else int(reps),
        args.workers or (1 if args.backend == "serial" else default_workers()),
        explain=not args.no_explain,
        source=str(args.scenario),
    )
    bar = Bar(enabled=not args.quiet and sys.stderr.isatty())
    cache = options.cache(args)
    executor = options.executor(args)
    try:
        result = compare(
            scenario,
            reps,
            seed=settings.seed if args.seed is None else args.seed,
            objective=args.objective or settings.objective,
            max_replications=most,
            confidence=settings.confidence if args.confidence is None else args.confidence,
            explain=not args.no_explain,
            progress=bar,
            executor=executor,
            cache=cache,
        )
    finally:
        bar.close()
        executor.close()
    if args.format == "json":
        text = json.dumps(comparison_json(result, args.lang), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        frame = result.results.kpis.copy()
        frame.insert(0, "seed", result.seed)
        frame.insert(0, "scenario", scenario.name)
        text = safe_csv(frame)
    else:
        text = comparison_table(result, args.lang)
    options.write(text, args.out)
    return 0
