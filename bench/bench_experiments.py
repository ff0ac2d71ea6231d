"""Experiment benchmark: a full comparison against bare SimPy, the cache, and Dask's overhead.

Run from the project root:

    .venv/bin/python bench/bench_experiments.py [--scenario PATH] [--reps N]

Prints, each with its target and PASS/MISS (see bench/README.md):

1. The default comparison (every setup x N replications, all cores, cold process pool and
   warm) as a multiple of a 1,000,000-event bare SimPy loop timed in the same run.
   Target <= 8x; aim 4x.
2. A re-run after a RevOps-only edit (RevOps' cost per FTE -30%) with a shared `RunCache`, as a
   share of a cold run of the same comparison. Aim <= 50%.
3. A change of objective with the same cache: runs simulated (target 0) and wall time.
4. The same comparison on a Dask `LocalCluster` with as many worker processes: cluster start
   and the run itself, against the process pool.

Not part of the test run: timings depend on the machine. Exit status is 0 unless `--strict`
is given and a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import simpy  # noqa: E402

import sim  # noqa: E402
from sim.cache import RunCache  # noqa: E402
from sim.executors import DaskExecutor, ProcessExecutor, default_workers  # noqa: E402
from sim.io import apply_overrides, parse_scenario, scenario_to_dict  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "default.yaml"
SEED = 1
BARE_EVENTS = 1_000_000
MAX_RATIO = 8.0
AIM_RATIO = 4.0
AIM_EDIT_SHARE = 0.5


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call, garbage collected beforehand."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bare_loop(n: int) -> None:
    """One process yielding env.timeout(1) n times."""
    env = simpy.Environment()

    def ticker(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(1)

    env.process(ticker(env))
    env.run()


def revops_cheaper(s: sim.Scenario) -> sim.Scenario:
    """The scenario with RevOps' cost per FTE 30% lower (a RevOps-only edit)."""
    data = scenario_to_dict(s)
    cost = data["org"]["teams"]["revops"]["cost_per_fte_month"]
    return parse_scenario(
        apply_overrides(data, [f"org.teams.revops.cost_per_fte_month={0.7 * cost!r}"])
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", help="scenario YAML (default scenarios/default.yaml)")
    ap.add_argument("--reps", type=int, default=100, help="replications (default 100)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)
    scenario = sim.load_scenario(args.scenario or DEFAULT_SCENARIO)
    workers = default_workers()
    n = args.reps
    misses: list[str] = []
    pool = ProcessExecutor(workers)

    def compare(s: sim.Scenario, executor=pool, cache: RunCache | None = None):
        return sim.run_replications(s, n, seed=SEED, executor=executor, cache=cache)

    cold, _ = timed(lambda: compare(scenario))
    warm, _ = timed(lambda: compare(scenario))
    bare_loop(BARE_EVENTS // 20)  # warm-up
    bare = min(timed(lambda: bare_loop(BARE_EVENTS))[0] for _ in range(3))

    cache = RunCache()
    first, _ = timed(lambda: compare(scenario, cache=cache))
    edit, edited = timed(lambda: compare(revops_cheaper(scenario), cache=cache))
    objective, reassessed = timed(
        lambda: compare(scenario.with_changes(objective="ending_arr"), cache=cache)
    )

    print(
        f"Experiment benchmark: {scenario.name}; {len(scenario.setup_names)} setups x {n} "
        f"replications x {scenario.horizon_months} months; {workers} worker(s); seed {SEED}"
    )
    print()
    ratio = warm / bare
    ok = ratio <= MAX_RATIO
    misses += [] if ok else ["comparison / bare loop"]
    print(f"1. bare SimPy loop, {BARE_EVENTS:,} events      {bare:7.2f} s")
    print(f"   comparison, cold pool                 {cold:7.2f} s  ({cold / bare:.1f}x)")
    print(
        f"   comparison, warm pool                 {warm:7.2f} s  ({ratio:.1f}x)  "
        f"target <= {MAX_RATIO:g}x {verdict(ok)}; aim {AIM_RATIO:g}x "
        f"{'met' if ratio <= AIM_RATIO else 'not met'}"
    )
    share = edit / first
    print(
        f"2. RevOps-only edit, shared cache        {edit:7.2f} s  = {share:.0%} of a cold run "
        f"({first:.2f} s); {edited.runs_executed} of {len(scenario.setup_names) * n} runs; "
        f"aim <= {AIM_EDIT_SHARE:.0%} {'met' if share <= AIM_EDIT_SHARE else 'not met'}"
    )
    ok = reassessed.runs_executed == 0
    misses += [] if ok else ["objective change re-ran runs"]
    print(
        f"3. objective change, shared cache        {objective:7.2f} s  "
        f"{reassessed.runs_executed} runs simulated  target 0 {verdict(ok)}"
    )
    if not args.no_dask:
        start, dask = timed(lambda: DaskExecutor(workers=workers))
        try:
            first_dask, _ = timed(lambda: compare(scenario, executor=dask))
            second_dask, _ = timed(lambda: compare(scenario, executor=dask))
        finally:
            dask.close()
        print(
            f"4. Dask LocalCluster, {workers} workers: start {start:.2f} s; comparison "
            f"{first_dask:.2f} s first, {second_dask:.2f} s second "
            f"(process pool {warm:.2f} s: overhead {second_dask / warm - 1:+.0%})"
        )
    print()
    print("Targets: " + ("all PASS" if not misses else "MISS: " + ", ".join(misses)))
    return 1 if (args.strict and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
