"""The "when" search against one comparison, on the same machine in the same run.

Run from the project root:

    .venv/bin/python bench/bench_plan.py [--scenario PATH] [--workers N] [--reps N]

Times one default comparison (`sim.compare`, the scenario's replications, gain attribution
included, as `python -m sim compare` runs it) and the whole search (`sim.plans.search_plans`,
2 teams x 8 starts 0,3,6,9,12,18,24,never, successive elimination up to the same
replications), each with a fresh cache. Prints the two wall times, their ratio (target: at
most 15x) and the plan-replications run with elimination against without.

Not part of the test run: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.executors import make_executor  # noqa: E402
from sim.plans import DEFAULT_STARTS, search_plans  # noqa: E402

TARGET = 15.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--reps", type=int, default=None, help="default: analysis.replications")
    args = ap.parse_args()
    scenario = sim.load_scenario(args.scenario)
    reps = args.reps or scenario.analysis.replications
    backend = "serial" if args.workers == 1 else "processes"
    executor = make_executor(backend, None, args.workers)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        comparison = sim.compare(scenario, reps, executor=executor)
        compare_s, compare_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        result = search_plans(
            scenario,
            ["salesops", "revops"],
            DEFAULT_STARTS,
            max_replications=reps,
            executor=executor,
        )
        search_s, search_cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        executor.close()
    ratio = search_s / compare_s
    # with one worker everything runs in this process: CPU time is the work, whatever the load
    cpu_ratio = search_cpu / compare_cpu
    print(f"scenario: {scenario.name}; replications: {reps}; workers: {args.workers}")
    print(f"one comparison:   {compare_s:8.1f} s wall, {compare_cpu:8.1f} s CPU")
    print(f"the when search:  {search_s:8.1f} s wall, {search_cpu:8.1f} s CPU")
    print(
        f"ratio: {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU (target <= {TARGET:g}x: "
        f"{'PASS' if max(ratio, cpu_ratio) <= TARGET else 'MISS'})"
    )
    print(
        f"comparison setup-runs: {comparison.results.runs_executed} (plus its attribution re-runs)"
    )
    print(
        f"plan-replications: {result.runs} with elimination, "
        f"{result.runs_without_elimination} without "
        f"({result.runs / result.runs_without_elimination:.0%}); best {result.best}, "
        f"{len(result.plans)} plans, the best on {result.replications} replications"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
