"""Explore benchmark: a 12-input tornado and a 6x6 decision map, against one comparison.

Run from the project root:

    .venv/bin/python bench/bench_explore.py [--scenario PATH] [--reps N] [--no-dask]

Prints wall times on all cores, each with a fresh run cache (nothing reused), for

1. one default comparison (every setup x 100 replications, no gain attribution) — the unit;
2. a tornado of the first 12 default inputs at N (20) replications per variant;
3. a 6x6 decision map (the default axes) at N replications per cell;

on the local process pool and on a Dask `LocalCluster` with as many workers, each as a
multiple of the comparison on the same backend. Target: a tornado within 30x one comparison.
Not part of the test run: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.cache import RunCache  # noqa: E402
from sim.executors import DaskExecutor, ProcessExecutor, default_workers  # noqa: E402
from sim.explore import RunOptions, decision_map, default_inputs, tornado  # noqa: E402

TORNADO_TARGET = 30.0


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(scenario, executor, reps: int) -> dict[str, float]:
    """Wall seconds of the comparison, the tornado and the map on one executor (cold cache)."""
    inputs = default_inputs(scenario)[:12]
    sim.compare(scenario, 4, seed=0, explain=False, executor=executor)  # warm the workers
    out = {
        "comparison": _timed(
            lambda: sim.compare(
                scenario, 100, seed=0, explain=False, executor=executor, cache=RunCache()
            )
        )
    }
    opts = RunOptions(replications=reps, executor=executor)
    out["tornado"] = _timed(
        lambda: tornado(scenario, inputs, RunOptions(**{**opts.__dict__, "cache": RunCache()}))
    )
    out["map"] = _timed(
        lambda: decision_map(scenario, options=RunOptions(**{**opts.__dict__, "cache": RunCache()}))
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    scenario = sim.load_scenario(args.scenario)
    workers = default_workers()
    began = time.perf_counter()
    rows = []
    backends = [("process pool", lambda: ProcessExecutor(workers))]
    if not args.no_dask:
        backends.append(("Dask LocalCluster", lambda: DaskExecutor(None, workers)))
    for name, make in backends:
        executor = make()
        try:
            rows.append((name, measure(scenario, executor, args.reps)))
        finally:
            executor.close()
    print(
        f"Explore on {workers} worker(s), {args.reps} replications per variant; "
        f"tornado: 12 inputs x 2 ends + today; map: 6 x 6 cells"
    )
    print(
        f"  {'backend':20} {'comparison s':>13} {'tornado s':>10} {'x cmp':>6} "
        f"{'target':>8} {'map s':>7} {'x cmp':>6}"
    )
    ok = True
    for name, r in rows:
        xt, xm = r["tornado"] / r["comparison"], r["map"] / r["comparison"]
        passed = xt <= TORNADO_TARGET
        ok &= passed
        print(
            f"  {name:20} {r['comparison']:13.2f} {r['tornado']:10.2f} {xt:6.1f} "
            f"{'<=30 ' + ('PASS' if passed else 'MISS'):>8} {r['map']:7.2f} {xm:6.1f}"
        )
    print(f"(benchmark took {time.perf_counter() - began:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
