"""Experiment benchmark: the full answer against bare SimPy, the cache, and Dask's overhead.

Run from the project root:

    .venv/bin/python bench/bench_experiments.py [--scenario PATH] [--small PATH] [--reps N]

Prints, each with its target and PASS/MISS (see bench/README.md):

1. The default comparison (every setup x N replications, all cores, warm process pool)
   without and with its explanation (the gain attribution, `sim.verdict.explain_gain`), as
   multiples of a 1,000,000-event bare SimPy loop timed in the same run, interleaved over
   `--repeats` rounds (medians; the bare loop's fastest). Targets: without <= 5x, with
   <= 8x (aim 4x); the explanation at most 25% of the comparison.
2. A re-run after a RevOps-only edit (RevOps' cost per FTE -30%) with a shared `RunCache`, as
   a share of a cold run of the same comparison, on the scenario and on a small company
   (`--small`). Target <= 60%.
3. A change of objective with the same cache: runs simulated (target 0) and wall time.
4. The same comparison on a Dask `LocalCluster` with as many worker processes: cluster start
   and the run itself, against the process pool.

Not part of the test run: timings depend on the machine. Exit status is 0 unless `--strict`
is given and a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
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
from sim.executors import (  # noqa: E402
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    default_workers,
)
from sim.io import apply_overrides, parse_scenario, scenario_to_dict  # noqa: E402
from sim.verdict import explain_gain  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "default.yaml"
SMALL_SCENARIO = ROOT / "scenarios" / "early_stage_direct.yaml"
SEED = 1
BARE_EVENTS = 1_000_000
MAX_RATIO = 8.0  # the full answer, with its explanation
MAX_RATIO_BARE = 5.0  # the comparison without its explanation
AIM_RATIO = 4.0
MAX_EXPLAIN_SHARE = 0.25
MAX_EDIT_SHARE = 0.6


CLOCK = [time.perf_counter]
"""The clock `timed` reads: wall time, or this process's CPU time with `--cpu`."""


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call, garbage collected beforehand."""
    gc.collect()
    t0 = CLOCK[0]()
    out = fn()
    return CLOCK[0]() - t0, out


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


def loadavg() -> str:
    """The 1-minute load average (how busy the machine was), or '?' off Linux."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", help="scenario YAML (default scenarios/default.yaml)")
    ap.add_argument("--small", help="small company for the edit (default early_stage_direct)")
    ap.add_argument("--reps", type=int, default=100, help="replications (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="everything in this process, timed in its CPU seconds (the work, whatever the "
        "machine's load; implies --no-dask)",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)
    scenario = sim.load_scenario(args.scenario or DEFAULT_SCENARIO)
    small = sim.load_scenario(args.small or SMALL_SCENARIO)
    workers = default_workers()
    n = args.reps
    misses: list[str] = []
    pool: Executor = ProcessExecutor(workers)
    if args.cpu:
        pool, workers, args.no_dask = SerialExecutor(), 1, True
        CLOCK[0] = time.process_time
    loads = [loadavg()]

    def compare(s: sim.Scenario, executor=pool, cache: RunCache | None = None):
        return sim.run_replications(s, n, seed=SEED, executor=executor, cache=cache)

    def answer(s: sim.Scenario):
        return sim.compare(s, n, seed=SEED, explain=False, executor=pool)

    cold = 0.0 if args.cpu else timed(lambda: compare(scenario))[0]
    bare_loop(BARE_EVENTS // 20)  # warm-up
    bares: list[float] = []
    plain: list[float] = []
    explained: list[float] = []
    for _ in range(args.repeats):  # interleaved: a change in the machine's load hits all
        bares.append(timed(lambda: bare_loop(BARE_EVENTS))[0])
        t, result = timed(lambda: answer(scenario))
        plain.append(t)
        explained.append(timed(lambda r=result: explain_gain(r, executor=pool))[0])
    bare = min(bares)
    cmp_s, why_s = statistics.median(plain), statistics.median(explained)
    full_s = statistics.median([a + b for a, b in zip(plain, explained, strict=True)])

    edits = []
    for s in (scenario, small):
        shares, firsts, edited_runs, total = [], [], 0, len(s.setup_names) * n
        for _ in range(args.repeats):
            cache = RunCache()
            first, _ = timed(lambda s=s, cache=cache: compare(s, cache=cache))
            edit, edited = timed(lambda s=s, cache=cache: compare(revops_cheaper(s), cache=cache))
            shares.append(edit / first)
            firsts.append(first)
            edited_runs = edited.runs_executed
        edits.append((s, statistics.median(shares), statistics.median(firsts), edited_runs, total))
    cache = RunCache()
    compare(scenario, cache=cache)
    objective, reassessed = timed(
        lambda: compare(scenario.with_changes(objective="ending_arr"), cache=cache)
    )
    loads.append(loadavg())

    print(
        f"Experiment benchmark: {scenario.name}; {len(scenario.setup_names)} setups x {n} "
        f"replications x {scenario.horizon_months} months; {workers} worker(s); seed {SEED}; "
        f"load average {loads[0]} before, {loads[1]} after; medians of {args.repeats} rounds"
        + ("; CPU seconds of this process" if args.cpu else "")
    )
    print()
    print(f"1. bare SimPy loop, {BARE_EVENTS:,} events      {bare:7.2f} s (fastest round)")
    if not args.cpu:
        print(f"   comparison, cold pool                 {cold:7.2f} s  ({cold / bare:.1f}x)")
    ok = cmp_s / bare <= MAX_RATIO_BARE
    misses += [] if ok else ["comparison / bare loop"]
    print(
        f"   comparison, warm pool                 {cmp_s:7.2f} s  ({cmp_s / bare:.1f}x)  "
        f"target <= {MAX_RATIO_BARE:g}x {verdict(ok)}"
    )
    share = why_s / cmp_s
    ok = share <= MAX_EXPLAIN_SHARE
    misses += [] if ok else ["explanation share"]
    print(
        f"   its explanation (gain attribution)    {why_s:7.2f} s  = {share:.0%} of the "
        f"comparison  target <= {MAX_EXPLAIN_SHARE:.0%} {verdict(ok)}"
    )
    ratio = full_s / bare
    ok = ratio <= MAX_RATIO
    misses += [] if ok else ["full answer / bare loop"]
    print(
        f"   full answer (comparison + why)        {full_s:7.2f} s  ({ratio:.1f}x)  "
        f"target <= {MAX_RATIO:g}x {verdict(ok)}; aim {AIM_RATIO:g}x "
        f"{'met' if ratio <= AIM_RATIO else 'not met'}"
    )
    for i, (s, share, first, runs, total) in enumerate(edits):
        ok = share <= MAX_EDIT_SHARE
        misses += [] if ok else [f"RevOps-only edit ({s.name})"]
        lead = "2." if i == 0 else "  "
        print(
            f"{lead} RevOps-only edit, shared cache: {share:.0%} of a cold run ({first:.2f} s); "
            f"{runs} of {total} runs; target <= {MAX_EDIT_SHARE:.0%} {verdict(ok)}  [{s.name}]"
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
        warm = statistics.median(plain)
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
