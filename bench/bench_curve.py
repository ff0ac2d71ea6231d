"""Curve benchmark: a 20-point curve against one comparison, in the same run.

Run from the project root:

    .venv/bin/python bench/bench_curve.py [--scenario PATH] [--reps N] [--points N]
        [--workers N] [--param PATH ...]

Times one default comparison (`sim.compare`, every setup x N replications, no gain
attribution) and then, for each `--param` (default: the company's size from 0.25 to 4 times
today's, and RevOps' cost over its uncertain range), a curve of `--points` (20) values at the
same N replications per value (`sim.explore.curve`), each with a fresh run cache. Prints wall
and CPU seconds, each curve as a multiple of the comparison, and the runs each simulated.

With one worker (the default) everything runs in this process, so the CPU ratio is the work
whatever else the machine does; the wall ratio is what a user waits. The 1-minute load
average before and after is printed: a shared machine makes the wall times pessimistic.
Not part of the test run: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.cache import RunCache  # noqa: E402
from sim.executors import make_executor  # noqa: E402
from sim.explore import RunOptions  # noqa: E402
from sim.explore.curve import SIZE, curve  # noqa: E402

DEFAULT_PARAMS = (SIZE, "org.teams.revops.cost_per_fte_month")


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--param", action="append", help="repeatable (default: size, RevOps' cost)")
    args = ap.parse_args()
    scenario = sim.load_scenario(args.scenario)
    params = args.param or list(DEFAULT_PARAMS)
    backend = "serial" if args.workers == 1 else "processes"
    executor = make_executor(backend, None, args.workers)
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    rows = []
    try:
        sim.compare(scenario, 2, seed=0, explain=False, executor=executor)  # warm up
        comparison, cmp_s, cmp_cpu = _timed(
            lambda: sim.compare(
                scenario, args.reps, seed=0, explain=False, executor=executor, cache=RunCache()
            )
        )
        for param in params:
            options = RunOptions(
                replications=args.reps, seed=0, executor=executor, cache=RunCache(max_runs=10**9)
            )
            c, wall, cpu = _timed(
                lambda param=param, options=options: curve(
                    scenario, param, points=args.points, options=options
                )
            )
            rows.append((param, c, wall, cpu, len(options.cache)))
    finally:
        executor.close()
    load_after = os.getloadavg()[0]
    print(
        f"scenario: {scenario.name}; {args.reps} replications; {args.points} points; "
        f"workers: {args.workers}"
    )
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    print(
        f"one comparison: {cmp_s:8.1f} s wall {cmp_cpu:8.1f} s CPU "
        f"({comparison.results.runs_executed} runs)"
    )
    for param, c, wall, cpu, runs in rows:
        lo, hi = c.between
        print(
            f"curve {param} {lo:g}..{hi:g}: {wall:8.1f} s wall {cpu:8.1f} s CPU = "
            f"{wall / cmp_s:5.1f}x wall, {cpu / cmp_cpu:5.1f}x CPU ({runs} runs)"
        )
    print(f"(benchmark took {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
