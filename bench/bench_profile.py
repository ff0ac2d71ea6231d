"""Where one default comparison spends its CPU time, stage by stage, against bare SimPy.

Run from the project root:

    .venv/bin/python bench/bench_profile.py [--scenario PATH] [--reps N] [--rounds K]

Runs the comparison without its explanation (`sim.compare(..., explain=False)`, as
`python -m sim compare --no-explain` does) in this process (serial executor) and times it
in this process's CPU seconds (`time.process_time`), which a busy machine inflates far less
than wall time. The model's stages are wrapped with timers that count each stage's *own*
time (a stage called inside another is subtracted from it): the deal floor's event loop,
arrivals, the first-touch desk, qualification, SQL preparation, customers, the warm-up
(its event loop apart), the metrics, the tabulation. A 1,000,000-event bare SimPy loop
(one process yielding `env.timeout(1)`) is timed in the same process before every round and
once after, and the comparison is reported as a multiple of the fastest. Each round starts
without the process's kept warm-ups (`sim.model.warmup`), as at 100 replications where 64
kept warm-ups never serve the next comparison. The round with the least total is printed.
Last, the pickling a process pool would add: one task out, its outputs back.

The timers cost a little themselves (a few percent, on the stages called most often).
Not part of the test run: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import simpy  # noqa: E402

import sim  # noqa: E402
import sim.experiments as experiments  # noqa: E402
import sim.model as model  # noqa: E402
import sim.model.deal_floor as deal_floor  # noqa: E402
import sim.model.warmup as warmup  # noqa: E402
from sim.executors import SerialExecutor  # noqa: E402

BARE_EVENTS = 1_000_000
OWN: Counter[str] = Counter()  # CPU seconds spent in each stage itself
CALLS: Counter[str] = Counter()
_open: list[float] = []  # time spent in stages called by the one running, per level
_in_warmup = [0]

# label, then (module or class, attribute) pairs timed under it
STAGES: list[tuple[str, list[tuple[Any, str]]]] = [
    ("task: shared draws, the loop over setups", [(experiments, "run_task")]),
    ("run: assembling the records", [(experiments, "run_replication")]),
    ("setup effects (team draws)", [(model, "setup_effects")]),
    ("reps' time, seats", [(model, "rep_time"), (model, "sales_seats")]),
    ("arrivals (thinning, audience)", [(model, "generate_arrivals")]),
    ("first touch (leakage, desk)", [(model, "first_touch")]),
    ("qualification", [(model, "qualify")]),
    ("SQL preparation (cycles, scores)", [(model, "sqls_of")]),
    ("deal floor: set-up, prices, slots", [(model, "work_the_floor")]),
    ("customers (churn, expansion, repricing)", [(model, "simulate_customers")]),
    ("costs", [(model, "monthly_costs")]),
    (
        "warm-up: all but its event loop",
        [
            (warmup, "generate_warmup_arrivals"),
            (model, "warm_start"),
            (warmup, "first_touch"),
            (warmup, "qualify"),
            (warmup, "sqls_of"),
            (warmup, "setup_effects"),
        ],
    ),
    ("metrics: monthly series", [(experiments, "monthly_series")]),
    ("metrics: KPIs", [(experiments, "kpis")]),
    ("metrics: finiteness check", [(experiments, "check_finite")]),
    ("tabulation (pandas, once)", [(experiments, "_tabulate")]),
]
FLOOR = "deal floor: the SimPy event loop"
WARM_FLOOR = "warm-up: its event loop"


def _timed(
    label: str | Callable[[], str], fn: Callable[..., Any], count: bool = True
) -> Callable[..., Any]:
    """`fn`, its own CPU time (callees timed elsewhere left out) added to OWN[label].

    `count`: whether its calls are the stage's calls (a stage's helpers add time only).
    """

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        _open.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.process_time() - t0
            inner = _open.pop()
            name = label() if callable(label) else label
            OWN[name] += spent - inner
            CALLS[name] += count
            if _open:
                _open[-1] += spent

    return timed


def _instrument() -> None:
    for label, places in STAGES:
        for k, (owner, name) in enumerate(places):
            setattr(owner, name, _timed(label, getattr(owner, name), count=k == 0))
    inner_warm = warmup._warm_start

    def warm_start(*args: Any, **kwargs: Any) -> Any:
        _in_warmup[0] += 1
        try:
            return inner_warm(*args, **kwargs)
        finally:
            _in_warmup[0] -= 1

    warmup._warm_start = _timed("warm-up: all but its event loop", warm_start, count=False)
    floor = deal_floor.SalesFloor.run
    deal_floor.SalesFloor.run = _timed(lambda: WARM_FLOOR if _in_warmup[0] else FLOOR, floor)


def bare_loop(n: int) -> None:
    """One process yielding env.timeout(1) n times."""
    env = simpy.Environment()

    def ticker(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(1)

    env.process(ticker(env))
    env.run()


def cpu(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    ap.add_argument("--reps", type=int, default=100, help="replications (default 100)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds, the least kept (default 2)")
    args = ap.parse_args(argv)
    scenario = sim.load_scenario(args.scenario)
    _instrument()

    def comparison() -> object:
        warmup._kept.clear()  # every replication's warm-up computed, as at 100 replications
        return sim.compare(scenario, args.reps, seed=1, explain=False, executor=SerialExecutor())

    sim.compare(scenario, 2, seed=1, explain=False, executor=SerialExecutor())  # imports
    bares, best = [], None
    for _ in range(args.rounds):
        bares.append(cpu(lambda: bare_loop(BARE_EVENTS)))
        OWN.clear()
        CALLS.clear()
        total = cpu(comparison)
        if best is None or total < best[0]:
            best = (total, dict(OWN), dict(CALLS))
    bares.append(cpu(lambda: bare_loop(BARE_EVENTS)))
    bare = min(bares)
    assert best is not None
    total, own, calls = best

    task = experiments.RunTask(scenario, tuple(scenario.setup_names), 0, 1)
    outputs = experiments.run_task(task)
    sent, back = pickle.dumps(task), pickle.dumps(outputs)
    t0 = time.process_time()
    for _ in range(100):
        pickle.loads(pickle.dumps(task))
        pickle.loads(pickle.dumps(outputs))
    pickling = (time.process_time() - t0) / 100
    per_task = total / args.reps

    print(
        f"Profile: {scenario.name}; {len(scenario.setup_names)} setups x {args.reps} "
        f"replications, no explanation; serial, CPU seconds of this process; the least of "
        f"{args.rounds} round(s)"
    )
    print(f"bare SimPy loop, {BARE_EVENTS:,} events: {bare:.3f} s (fastest of {len(bares)})")
    print(
        f"comparison: {total:.2f} s = {total / bare:.2f}x the bare loop; "
        f"{per_task * 1e3:.1f} ms a task"
    )
    print()
    print(f"  {'stage (own time)':44s} {'s':>7s} {'share':>7s} {'calls':>6s}")
    inside = 0.0
    for label, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        inside += seconds
        print(f"  {label:44s} {seconds:7.3f} {seconds / total:7.1%} {calls[label]:6d}")
    rest = total - inside
    print(f"  {'outside the runs (verdict, set-up)':44s} {rest:7.3f} {rest / total:7.1%}")
    print()
    print(
        f"pickling (process pool only): {pickling * 1e3:.2f} ms a task = "
        f"{pickling / per_task:.1%} of it (a task {len(sent) / 1e3:.1f} KB, its outputs "
        f"{len(back) / 1e3:.1f} KB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
