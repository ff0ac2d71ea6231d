"""Engine benchmark: how fast is one simulated lead, and a full comparison?

Run from the project root:

    .venv/bin/python bench/bench_engine.py [--scenario PATH] [--reps N]

Prints one table with every figure, its target and PASS/MISS (see bench/README.md):

1. SimPy events per lead created, and microseconds per lead (wall time of `sim.simulate`
   divided by leads created), per setup, median over N replications.
2. That time per lead as a multiple of two references measured in the same run: a bare SimPy
   event loop (us per event) and a minimal SimPy funnel (us per lead).
3. Scaling: time per replication (all setups) at 2x leads and at 2x horizon, vs the base.
4. Wall time of a full comparison (`sim.run_replications(s, 100, seed=1)`, all cores), cold
   (first call in the process, pool start included) and warm (second call).

Not part of the test run: timings depend on the machine. Exit status is 0 unless `--strict`
is given and a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import simpy  # noqa: E402

import sim  # noqa: E402
import sim.executors  # noqa: E402
from sim.experiments import default_workers  # noqa: E402
from sim.io import apply_overrides, parse_scenario, scenario_to_dict  # noqa: E402
from sim.model import run_replication  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "default.yaml"
SEED = 1

# Targets
MAX_EVENTS_PER_LEAD = 3.0
MAX_SCALING_RATIO = 2.2
MAX_COMPARISON_S = 10.0
AIM_COMPARISON_S = 5.0

# Reference loops
BARE_EVENTS = 200_000
FUNNEL_LEADS = 20_000
FUNNEL_CAPACITY = 10
FUNNEL_RATE = 1.0  # arrivals per time unit
FUNNEL_MEAN_HOLD = 8.0  # utilisation 0.8
REFERENCE_REPEATS = 5


# ----------------------------------------------------------------------------- helpers
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


CLOCK = [time.perf_counter]
"""The clock `timed` reads: wall time, or this process's CPU time with `--cpu`."""


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call, garbage collected beforehand."""
    gc.collect()
    t0 = CLOCK[0]()
    out = fn()
    return CLOCK[0]() - t0, out


def events_of(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event), as sim.model counts."""
    return next(env._eid)  # type: ignore[attr-defined]


def other_cpu_load(seconds: float = 1.0) -> float | None:
    """Cores kept busy by other processes, sampled from /proc/stat while this one sleeps."""

    def busy_total() -> tuple[int, int]:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + v[4]  # idle + iowait
        return sum(v) - idle, sum(v)

    try:
        b0, t0 = busy_total()
        time.sleep(seconds)
        b1, t1 = busy_total()
    except (OSError, ValueError, IndexError):
        return None
    cores = os.cpu_count() or 1
    return (b1 - b0) / max(1, t1 - t0) * cores


def load(path: str | None) -> tuple[sim.Scenario, str]:
    """The scenario to benchmark and a label saying where it came from."""
    if path is not None:
        return sim.load_scenario(path), path
    return sim.load_scenario(DEFAULT_SCENARIO), str(DEFAULT_SCENARIO.relative_to(ROOT))


def doubled_leads(s: sim.Scenario) -> sim.Scenario:
    """2x leads with the deal slots under the same load.

    Inbound MQLs and the audience double; reps double, which doubles outbound leads (reps x
    leads per rep) and deal slots (reps x open deals per rep). Leads per rep are kept: doubling
    them as well would quadruple outbound.
    """
    data = scenario_to_dict(s)
    m, sales = data["market"], data["sales"]
    sets = [
        f"market.inbound_mqls_per_month={2 * m['inbound_mqls_per_month']!r}",
        f"sales.reps={2 * sales['reps']}",
    ]
    if m.get("audience_size") is not None:
        sets.append(f"market.audience_size={2 * m['audience_size']!r}")
    return parse_scenario(apply_overrides(data, sets))


# ----------------------------------------------------------------------------- references
def bare_loop(n: int) -> int:
    """One process yielding env.timeout(1) n times; returns events scheduled."""
    env = simpy.Environment()

    def ticker(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(1)

    env.process(ticker(env))
    env.run()
    return events_of(env)


def minimal_funnel(n_leads: int, capacity: int, rate: float, mean_hold: float, seed: int) -> int:
    """Poisson arrivals; each lead is a process: request a slot, hold Exp(mean), release."""
    rng = random.Random(seed)
    env = simpy.Environment()
    slots = simpy.Resource(env, capacity)

    def lead(env: simpy.Environment):
        req = slots.request()
        yield req
        yield env.timeout(rng.expovariate(1.0 / mean_hold))
        slots.release(req)

    def arrivals(env: simpy.Environment):
        for _ in range(n_leads):
            yield env.timeout(rng.expovariate(rate))
            env.process(lead(env))

    env.process(arrivals(env))
    env.run()
    return events_of(env)


@dataclass
class Reference:
    us: float  # median us per unit (event or lead)
    events_per_unit: float


def measure_references() -> tuple[Reference, Reference]:
    bare_loop(BARE_EVENTS // 10)  # warm-up
    bare_t, bare_ev = [], 0
    for _ in range(REFERENCE_REPEATS):
        t, bare_ev = timed(lambda: bare_loop(BARE_EVENTS))
        bare_t.append(t)
    bare = Reference(statistics.median(bare_t) / BARE_EVENTS * 1e6, bare_ev / BARE_EVENTS)

    def funnel(seed: int) -> int:
        return minimal_funnel(FUNNEL_LEADS, FUNNEL_CAPACITY, FUNNEL_RATE, FUNNEL_MEAN_HOLD, seed)

    funnel(0)  # warm-up
    fun_t, fun_ev = [], []
    for r in range(REFERENCE_REPEATS):
        t, ev = timed(lambda r=r: funnel(r + 1))
        fun_t.append(t)
        fun_ev.append(ev)
    fun = Reference(
        statistics.median(fun_t) / FUNNEL_LEADS * 1e6, statistics.median(fun_ev) / FUNNEL_LEADS
    )
    return bare, fun


# ----------------------------------------------------------------------------- engine
@dataclass
class SetupStats:
    leads: float  # median leads created per replication
    events_per_lead: float
    us_per_lead: float  # sim.simulate (model + KPIs + monthly series)
    model_us_per_lead: float  # sim.model.run_replication only


def measure_engine(
    cases: dict[str, sim.Scenario], setups: tuple[str, ...], reps: int
) -> tuple[dict[str, SetupStats], dict[str, tuple[float, float]]]:
    """Time `simulate` for every case x setup on replications 1..reps (0 is the warm-up).

    Cases are interleaved replication by replication so drift in machine speed hits them
    alike. Returns per-setup stats of the first case, and per case (median seconds per
    replication of all setups, median leads per replication).
    """
    for s in cases.values():  # warm-up: imports, lru caches, numpy paths
        for setup in setups:
            sim.simulate(s, setup, 0, SEED)
    base = next(iter(cases))
    t_sim: dict[str, list[float]] = {s: [] for s in setups}
    t_model: dict[str, list[float]] = {s: [] for s in setups}
    leads: dict[str, list[int]] = {s: [] for s in setups}
    evpl: dict[str, list[float]] = {s: [] for s in setups}
    rep_time: dict[str, list[float]] = {c: [] for c in cases}
    rep_leads: dict[str, list[int]] = {c: [] for c in cases}
    for r in range(1, reps + 1):
        for case, s in cases.items():
            total_t, total_n = 0.0, 0
            for setup in setups:
                t, res = timed(lambda s=s, setup=setup, r=r: sim.simulate(s, setup, r, SEED))
                n = len(res.record.leads)
                total_t += t
                total_n += n
                if case == base:
                    t_sim[setup].append(t / n)
                    leads[setup].append(n)
                    evpl[setup].append(res.record.events / n)
                    tm, _ = timed(lambda s=s, setup=setup, r=r: run_replication(s, setup, r, SEED))
                    t_model[setup].append(tm / n)
            rep_time[case].append(total_t)
            rep_leads[case].append(total_n)
    stats = {
        setup: SetupStats(
            leads=statistics.median(leads[setup]),
            events_per_lead=statistics.median(evpl[setup]),
            us_per_lead=statistics.median(t_sim[setup]) * 1e6,
            model_us_per_lead=statistics.median(t_model[setup]) * 1e6,
        )
        for setup in setups
    }
    per_case = {c: (statistics.median(rep_time[c]), statistics.median(rep_leads[c])) for c in cases}
    return stats, per_case


def measure_comparison(
    s: sim.Scenario, replications: int, workers: int | None = None
) -> tuple[float, float]:
    """Seconds of run_replications(s, replications, seed=1): first call, second call."""
    cold, _ = timed(lambda: sim.run_replications(s, replications, seed=SEED, workers=workers))
    warm, _ = timed(lambda: sim.run_replications(s, replications, seed=SEED, workers=workers))
    return cold, warm


# ----------------------------------------------------------------------------- report
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", help="scenario YAML (default scenarios/default.yaml)")
    ap.add_argument("--reps", type=int, default=10, help="timed replications (default 10)")
    ap.add_argument("--comparison-reps", type=int, default=100, help="replications of benchmark 4")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time in this process's CPU seconds, the comparison in this process too "
        "(the work, whatever the machine's load)",
    )
    args = ap.parse_args(argv)
    if args.cpu:
        CLOCK[0] = time.process_time
    if args.reps < 1 or args.comparison_reps < 1:
        ap.error("--reps and --comparison-reps must be at least 1")

    t_start = time.perf_counter()
    other_before = other_cpu_load()
    scenario, label = load(args.scenario)
    setups = scenario.setup_names
    workers = 1 if args.cpu else default_workers()
    start_method = getattr(sim.executors, "_start_method", lambda: "?")()
    misses: list[str] = []

    # 4 first, so its cold call really is the first in the process (no pool yet)
    cold, warm = measure_comparison(scenario, args.comparison_reps, 1 if args.cpu else None)
    bare, fun = measure_references()
    cases = {
        "base": scenario,
        "2x leads": doubled_leads(scenario),
        "2x horizon": scenario.with_changes(horizon_months=2 * scenario.horizon_months),
    }
    stats, per_case = measure_engine(cases, setups, args.reps)

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Engine benchmark  {now}")
    print(f"scenario: {label} ({scenario.name}); {scenario.horizon_months} months")
    print(
        f"Python {platform.python_version()}, SimPy {simpy.__version__}, "
        f"{workers} core(s) usable, seed {SEED}"
    )
    other_after = other_cpu_load()
    if other_before is not None and other_after is not None:
        busy = max(other_before, other_after)
        print(
            f"other processes' CPU use while idle: {other_before:.2f} cores before, "
            f"{other_after:.2f} after"
            + ("  <- machine shared: timings pessimistic" if busy > 0.25 else "")
        )
    print()
    print("References (median of 5 runs, same process)")
    print(
        f"  bare SimPy loop     {BARE_EVENTS:>7,} x env.timeout(1)            "
        f"{bare.us:7.3f} us/event"
    )
    print(
        f"  minimal SimPy funnel {FUNNEL_LEADS:>6,} leads, Resource c={FUNNEL_CAPACITY}, "
        f"rho={FUNNEL_RATE * FUNNEL_MEAN_HOLD / FUNNEL_CAPACITY:.1f}  "
        f"{fun.us:7.3f} us/lead ({fun.events_per_unit:.1f} events/lead)"
    )
    print()
    print(f"1-2. Per lead, median over {args.reps} replications (us/lead: sim.simulate;")
    print("     model: sim.model.run_replication alone; x bare ev / x funnel: us/lead ratios)")
    head = (
        f"  {'setup':<10}{'leads':>7}{'events/lead':>13}  {'target':<7}{'':5}"
        f"{'us/lead':>9}{'model':>8}{'x bare ev':>11}{'x funnel':>10}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    for setup, st in stats.items():
        ok = st.events_per_lead <= MAX_EVENTS_PER_LEAD
        if not ok:
            misses.append(f"events/lead {setup}")
        print(
            f"  {setup:<10}{st.leads:>7.0f}{st.events_per_lead:>13.2f}  "
            f"{'<= 3':<7}{verdict(ok):<5}"
            f"{st.us_per_lead:>9.2f}{st.model_us_per_lead:>8.2f}"
            f"{st.us_per_lead / bare.us:>11.1f}{st.us_per_lead / fun.us:>10.2f}"
        )
    print()
    print(f"3. Scaling, time per replication of all {len(setups)} setups (median of {args.reps})")
    head = (
        f"  {'case':<12}{'leads':>7}{'ms/rep':>9}{'x base':>8}  {'target':<8}{'':5}{'us/lead':>8}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    base_t, _ = per_case["base"]
    for case, (t, n) in per_case.items():
        ratio = t / base_t
        if case == "base":
            tgt, res = "", ""
        else:
            tgt, ok = f"<= {MAX_SCALING_RATIO}", ratio <= MAX_SCALING_RATIO
            res = verdict(ok)
            if not ok:
                misses.append(f"scaling {case}")
        print(
            f"  {case:<12}{n:>7.0f}{t * 1e3:>9.1f}{ratio:>8.2f}  "
            f"{tgt:<8}{res:<5}{t / n * 1e6:>8.2f}"
        )
    print()
    print(
        f"4. Full comparison: {len(setups)} setups x {args.comparison_reps} replications x "
        f"{scenario.horizon_months} months, {min(workers, args.comparison_reps)} worker(s), "
        f"pool start: {start_method}"
    )
    head = f"  {'call':<22}{'wall s':>8}  {'target':<8}{'':5}{'aim <= 5 s'}"
    print(head)
    print("  " + "-" * (len(head) - 2))
    for name, t in (("cold (1st, pool start)", cold), ("warm (2nd call)", warm)):
        ok = t <= MAX_COMPARISON_S
        if not ok:
            misses.append(f"comparison {name}")
        aim = "met" if t <= AIM_COMPARISON_S else "not met"
        print(f"  {name:<22}{t:>8.2f}  {'<= 10 s':<8}{verdict(ok):<5}{aim}")
    w = min(workers, args.comparison_reps)
    ideal = args.comparison_reps * base_t / w
    print(
        f"  (work measured in 3: {args.comparison_reps} x {base_t * 1e3:.1f} ms / {w} worker(s) "
        f"= {ideal:.1f} s on otherwise idle cores)"
    )
    print()
    n_targets = len(stats) + (len(per_case) - 1) + 2
    print(
        f"Targets: {n_targets - len(misses)}/{n_targets} PASS"
        + (f"; MISS: {', '.join(misses)}" if misses else "")
        + f"   (benchmark took {time.perf_counter() - t_start:.0f} s)"
    )
    return 1 if (args.strict and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
