"""Stage 2, first touch: handoff leakage, then the first-touch desk and its response time.

A share of inbound MQLs is never followed up (the marketing-sales handoff leaks). The rest
queue first come, first served for the first-touch desk — SDRs, or the reps themselves when
the desk has no people of its own. Response time = queue wait + a lognormal handling delay.
Outbound leads are touched by the rep who found them (response time 0).

The desk is a FCFS multi-server queue that nothing else interacts with, so it is computed by
its exact recursion rather than simulated: a heap holds the time each person next becomes
free; lead k starts at ``max(arrival_k, earliest free time)`` and frees that person at start
+ service. This is the queue a SimPy ``Resource`` with one process per lead would produce,
at a fraction of the cost (`tests/test_verification.py` checks it against Erlang C).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sim.model.arrivals import Arrivals
from sim.model.records import HOURS_PER_DAY, INBOUND, LEAKED
from sim.org import StageEffects
from sim.params import Scenario


@dataclass(frozen=True)
class FirstTouch:
    """When each lead was first touched and how long the lead waited for it."""

    contacted: np.ndarray  # day of first touch; nan if not touched within the horizon
    response_hours: np.ndarray  # nan if not touched
    capacity: int | None  # people on the desk (None = unlimited)
    desk_free: tuple[float, ...] | None = None  # when each person is next free, afterwards


_SPECULATE = 512  # jobs checked at once for "nobody waits"
_SEQUENTIAL = 16  # jobs then taken one by one after a job that waits (doubling while busy)


def fcfs_start_times(
    arrive: np.ndarray,
    service_days: np.ndarray,
    capacity: int,
    horizon: float,
    free: list[float] | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Start time of each job of a FCFS `capacity`-server queue (inf if not by the horizon).

    `arrive` must be sorted. `free` (a heap) is when each server is next free — by default
    all are free from the first arrival; the heap after the last job is returned with the
    start times, so a later batch of jobs (arriving after these) can continue the queue.
    Start times never decrease (the earliest free time never does), so the first job that
    cannot start before the horizon ends the loop.

    The recursion is job by job: job k starts at max(arrival, earliest free time) and frees
    that server at start + service. On a desk that is mostly idle almost no job waits, so
    it is checked a block at a time: if none of the jobs before k waited, job k finds a free
    server exactly when fewer than `capacity` of the times {servers' free times, a_j + s_j
    for the block's jobs before k} lie after a_k — then it starts at a_k, the float the
    recursion gives. Up to the first job that waits the block is settled at once, and the
    servers are then free at the `capacity` latest of those times (each job replaced the
    earliest, never by an earlier time); from the waiting job on, the recursion runs job by
    job for a stretch. Same start times and the same free times as the recursion alone.
    """
    n = len(arrive)
    if len(service_days) != n:
        raise ValueError("arrive and service_days differ in length")
    start = np.full(n, np.inf)
    free = [float(arrive[0]) if n else 0.0] * capacity if free is None else list(free)
    servers = len(free)
    # jobs arriving before the horizon (a later one cannot start before it)
    reachable = int(np.searchsorted(arrive, horizon, side="left"))
    replace = heapq.heapreplace
    k, stretch = 0, _SEQUENTIAL
    while k < n:
        if k < reachable:
            end = min(reachable, k + _SPECULATE)
            a = arrive[k:end]
            done = a + service_days[k:end]  # each job's end if it starts on arrival
            if (done > a).all():  # (a service too short to move the clock: one by one)
                # of the block's jobs before k, those still busy at a_k: all before it
                # minus those done by a_k (a later job ends after a_k: done_j > a_j >= a_k)
                busy = np.arange(end - k) - np.searchsorted(np.sort(done), a, side="right")
                busy += servers - np.searchsorted(np.sort(free), a, side="right")
                waits = busy >= servers
                m = int(waits.argmax()) if waits.any() else end - k
                if m:
                    start[k : k + m] = a[:m]
                    # sorted ascending: a valid heap
                    free = np.sort(np.concatenate((free, done[:m])))[-servers:].tolist()
                    k += m
                    stretch = _SEQUENTIAL
                    continue
        # job k waits (or the horizon is near): the recursion, job by job, for a stretch
        stop = min(n, k + stretch)
        begins: list[float] = []
        append = begins.append
        cut = False
        for a_j, s_j in zip(arrive[k:stop].tolist(), service_days[k:stop].tolist(), strict=True):
            t = free[0]
            begin = a_j if a_j > t else t
            if begin >= horizon:
                cut = True  # the server stays free: the heap keeps all `capacity` of them
                break
            append(begin)
            replace(free, begin + s_j)
        start[k : k + len(begins)] = begins
        if cut:
            break
        k, stretch = stop, min(2 * stretch, 4096)
    return start, free


def first_touch(
    scenario: Scenario,
    fx: StageEffects,
    arrivals: Arrivals,
    state: np.ndarray,
    desk_free: tuple[float, ...] | None = None,
) -> FirstTouch:
    """Leak, queue and touch the inbound leads; outbound leads are touched at creation.

    Marks leaked leads in `state`. `desk_free` continues a desk that earlier leads (the
    warm-up's) left busy.
    """
    H = scenario.horizon_days
    lh = scenario.lead_handling
    ft = lh.first_touch
    created = arrivals.created
    draws = arrivals.draws
    n = len(created)
    inbound = arrivals.source == INBOUND
    contacted = np.full(n, np.nan)
    response_h = np.full(n, np.nan)

    leak_p = fx.apply("handoff_leakage", lh.handoff_leakage, created)
    leaked = inbound & (draws.attr("uniform", "leak") < leak_p)
    state[leaked] = LEAKED

    to_touch = np.flatnonzero(inbound & ~leaked)
    capacity = ft.capacity if ft.capacity is None or ft.capacity > 0 else scenario.sales.reps
    free = None
    if capacity is None:
        start = created[to_touch]
    elif capacity == 0:
        start = np.full(len(to_touch), np.inf)
    else:
        service = draws.attr("exponential", "touch")[to_touch] / ft.touches_per_person_day
        start, free = fcfs_start_times(
            created[to_touch], service, capacity, H, None if desk_free is None else list(desk_free)
        )
    delay = ft.handling_delay_hours
    delay_h = delay.median * np.exp(delay.sigma * draws.attr("normal", "handling")[to_touch])
    delay_h = fx.apply("response_time", delay_h, created[to_touch])
    touch_time = start + delay_h / HOURS_PER_DAY
    touched = touch_time < H
    rows = to_touch[touched]
    contacted[rows] = touch_time[touched]
    response_h[rows] = (touch_time[touched] - created[rows]) * HOURS_PER_DAY
    outbound = np.flatnonzero(~inbound)
    contacted[outbound] = created[outbound]
    response_h[outbound] = 0.0
    return FirstTouch(contacted, response_h, capacity, None if free is None else tuple(free))
