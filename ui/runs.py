"""Running comparisons: cached by the validated scenario's content, live progress on a miss.

`st.cache_data` replays any element a cached function draws, so a cached function must not
update progress widgets. The pattern here:

* `cached_comparison` is a pure cached function of the scenario JSON and the run settings
  (bounded with `max_entries`); its `_precomputed` argument, not hashed, lets a result
  computed elsewhere be stored under its key.
* `_known_runs` (an `st.cache_resource` set, shared like the cache) remembers which keys
  have been stored. A known key is fetched from the cache at once; an unknown one runs here,
  outside the cache, with a progress bar and a provisional verdict after each batch, and is
  then stored.

A reload or a second browser session with the same scenario and settings gets the cached
result without running the simulation again. The gain attribution is not part of a run:
it is computed when the *Why* tab is opened, on the headline's first replications, and its
re-runs are cached apart (`cached_lever_runs`).

Many sessions, one server. Every run goes to one process pool for the server
(`shared_executor`, created once under `st.cache_resource`'s lock). Sessions that ask for
the same comparison while it is being computed wait for that one computation and share its
result (`RunBoard`: one *flight* per key, its progress shown to all). A session runs one
comparison at a time (`MAX_RUNS_PER_SESSION`), and at most `ORGSIM_APP_CONCURRENT_RUNS`
(default 2) run at once, the others queued first come first served; the pool interleaves
the running ones' tasks, so a large run slows the others but cannot hold them back. Every
run is checked against the app's budget (`sim.budget.APP_BUDGET`) before it starts.
`service_status()` says how the simulation service is doing (the Status page shows it).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

from sim.budget import APP_BUDGET, Budget, BudgetError, Estimate, budget_from_env, check_budget
from sim.cache import RunCache
from sim.executors import ProcessExecutor, default_workers, pool_status
from sim.io import scenario_hash
from sim.params import Scenario
from sim.params.analysis import RunSettings
from sim.text import provisional
from sim.verdict import Comparison, LeverRuns, compare, explain_gain, run_lever_groups
from ui import state
from ui.i18n import _, lang
from ui.safe import md_escape

MAX_CACHED_RUNS = 16
MAX_CACHED_SINGLE_RUNS = 50_000
AUTO_BATCH = 20
MAX_RUNS_PER_SESSION = 1
POLL_SECONDS = 0.2
STALL_SECONDS = 120.0
"""Tasks in flight but none finished for this long: the service is reported stalled."""


def concurrent_runs() -> int:
    """Comparisons computed at once on this server (`ORGSIM_APP_CONCURRENT_RUNS`, default 2)."""
    raw = os.environ.get("ORGSIM_APP_CONCURRENT_RUNS", "").strip()
    try:
        return max(1, int(raw)) if raw else 2
    except ValueError:
        raise ValueError(
            f"ORGSIM_APP_CONCURRENT_RUNS must be a whole number, got {raw!r}"  # i18n: ok (operator)
        ) from None


def app_budget() -> Budget:
    """The app's budget, with any `ORGSIM_APP_BUDGET_*` environment variable applied."""
    return budget_from_env(APP_BUDGET)


def check_app_budget(scenario: Scenario, settings: RunSettings) -> Estimate:
    """Refuse (`sim.budget.BudgetError`, fields named) a comparison over the app's budget.

    Counted at the most replications the settings allow, with the gain attribution's runs.
    """
    most = settings.max_replications if settings.replications == "auto" else settings.replications
    return check_budget(
        scenario, int(most), app_workers(), app_budget(), explain=True, source=scenario.name
    )


def app_workers() -> int:
    """Worker processes of the server's pool: all cores."""
    return default_workers()


@st.cache_resource(show_spinner=False)
def shared_executor() -> ProcessExecutor:
    """The server's one executor (created once: `st.cache_resource` holds a lock for it).

    Its pool is started on first use and shared by every session; each run keeps at most one
    task per worker in it, so concurrent runs take turns.
    """
    return ProcessExecutor(app_workers())


def run_key(scenario: Scenario, settings: RunSettings) -> str:
    """The cache key of a comparison: the scenario's content hash and the run settings."""
    return (
        f"{scenario_hash(scenario)}|reps={settings.replications}|max={settings.max_replications}"
        f"|seed={settings.seed}"
    )


def attribution_subject(result: Comparison) -> str | None:
    """The setup whose gain is explained (the same rule as `sim.compare`)."""
    return result.explained_setup


def compute(
    scenario: Scenario,
    settings: RunSettings,
    progress: Callable[[int, int], None] | None = None,
    on_batch: Callable[[Comparison], None] | None = None,
) -> Comparison:
    """Run the comparison: every setup on the same futures, the verdict and diagnostics.

    The gain attribution (re-runs of the winner, lever group by lever group) is left out
    here and added by `ensure_attribution` when it is asked for, so the verdict shows
    without waiting for it. Refused (`BudgetError`) over the app's budget.
    """
    check_app_budget(scenario, settings)
    return compare(
        scenario,
        replications=settings.replications,
        seed=settings.seed,
        max_replications=settings.max_replications,
        confidence=scenario.analysis.confidence,
        batch=AUTO_BATCH,
        explain=False,
        progress=progress,
        on_batch=on_batch,
        cache=run_cache(),
        executor=shared_executor(),
    )


@st.cache_resource(show_spinner=False)
def run_cache() -> RunCache:
    """Every simulated run of this server, keyed by what it depends on (`sim.cache`).

    Shared by all sessions: an edit re-runs only the setups it touches, and a change of
    objective or confidence re-runs nothing. Bounded: about 50,000 runs (a few hundred MB).
    """
    return RunCache(max_runs=MAX_CACHED_SINGLE_RUNS)


@st.cache_data(max_entries=MAX_CACHED_RUNS, show_spinner=False)
def cached_comparison(
    scenario_json: str,
    replications: int | str,
    max_replications: int,
    seed: int,
    _precomputed: Comparison | None = None,
) -> Comparison:
    """The comparison of a scenario (given as JSON) under run settings, cached.

    `_precomputed` (not part of the key) stores a result computed with live progress.
    """
    if _precomputed is not None:
        return _precomputed
    scenario = Scenario.model_validate_json(scenario_json)
    settings = RunSettings(replications, max_replications, seed)
    return compute(scenario, settings)


@st.cache_data(max_entries=MAX_CACHED_RUNS, show_spinner=False)
def cached_lever_runs(key: str, replications: int, subject: str, _result: Comparison) -> LeverRuns:
    """The lever-group re-runs of `subject` on the first replications of `_result`, cached.

    `key` (`run_key`) and the realised number of replications identify `_result`, which is
    not hashed. The runs, not the split, are cached: the split is cheap to redo.
    """
    return run_lever_groups(_result.results, subject, cache=run_cache(), executor=shared_executor())


@dataclass
class _KnownRuns:
    """Keys stored in `cached_comparison`, most recent last (bounded like the cache)."""

    keys: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __contains__(self, key: str) -> bool:
        with self.lock:
            return key in self.keys

    def add(self, key: str) -> None:
        with self.lock:
            self.keys[key] = True
            self.keys.move_to_end(key)
            while len(self.keys) > MAX_CACHED_RUNS:
                self.keys.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _known_runs() -> _KnownRuns:
    """The process-wide index of stored comparisons (shared, like the cache it indexes)."""
    return _KnownRuns()


# ----------------------------------------------------------------------------- many sessions
class SessionBusy(RuntimeError):
    """A session asked for a run while its own limit of runs was already going."""


@dataclass
class Flight:
    """One comparison being computed, and the sessions waiting for it."""

    key: str
    done: int = 0
    total: int = 0
    waiters: int = 0
    result: Comparison | None = None
    error: BaseException | None = None
    abandoned: bool = False
    finished: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int) -> None:
        """Progress of the computation, for the sessions that wait for it."""
        self.done, self.total = done, total


@dataclass
class RunBoard:
    """Process-wide: comparisons in flight, the fair queue of runs, per-session counts.

    One flight per key: the first session to ask computes (the *leader*), later ones wait for
    it. A flight whose leader stopped (its browser tab rerun or closed) is abandoned and
    the next waiting session takes it over. Runs enter through a first-come-first-served gate
    of `slots` places.
    """

    slots: int = 2
    lock: threading.Condition = field(default_factory=threading.Condition)
    flights: dict[str, Flight] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)
    queue: deque = field(default_factory=deque)
    running: int = 0
    computed: int = 0
    shared: int = 0

    def join(self, key: str) -> tuple[Flight, bool]:
        """The flight for `key` and whether the caller leads it (computes it)."""
        with self.lock:
            flight = self.flights.get(key)
            if flight is not None and not flight.finished.is_set():
                flight.waiters += 1
                return flight, False
            flight = self.flights[key] = Flight(key)
            return flight, True

    def land(self, flight: Flight, result: Comparison | None, error: BaseException | None) -> None:
        """The leader is done: share the result or the error, or abandon the flight."""
        with self.lock:
            if result is not None:
                flight.result = result
                self.computed += 1
                self.shared += flight.waiters
            elif isinstance(error, Exception) and not isinstance(error, SessionBusy):
                flight.error = error
            else:  # stopped by its session (a rerun): someone else should compute it
                flight.abandoned = True
            if self.flights.get(flight.key) is flight:
                del self.flights[flight.key]
            flight.finished.set()
            self.lock.notify_all()

    @contextmanager
    def session_slot(self, session: str) -> Iterator[None]:
        """Count a run against its session; refuse one over `MAX_RUNS_PER_SESSION`."""
        with self.lock:
            if self.sessions.get(session, 0) >= MAX_RUNS_PER_SESSION:
                raise SessionBusy(
                    _("this session already runs {n} comparison(s); wait for it to finish").format(
                        n=MAX_RUNS_PER_SESSION
                    )
                )
            self.sessions[session] = self.sessions.get(session, 0) + 1
        try:
            yield
        finally:
            with self.lock:
                self.sessions[session] -= 1
                if not self.sessions[session]:
                    del self.sessions[session]

    @contextmanager
    def gate(self, on_wait: Callable[[int], None] | None = None) -> Iterator[None]:
        """A place among the `slots` running comparisons, first come first served.

        `on_wait(ahead)` is called while queued (outside the lock), so a waiting session can
        show its place and be stopped by its own rerun.
        """
        ticket = object()
        with self.lock:
            self.queue.append(ticket)
        try:
            while True:
                with self.lock:
                    if self.queue[0] is ticket and self.running < self.slots:
                        self.queue.popleft()
                        self.running += 1
                        self.lock.notify_all()
                        break
                    ahead = self.queue.index(ticket) + self.running - self.slots + 1
                    self.lock.wait(POLL_SECONDS)
                if on_wait is not None:
                    on_wait(max(ahead, 1))
        except BaseException:
            with self.lock:
                if ticket in self.queue:
                    self.queue.remove(ticket)
                self.lock.notify_all()
            raise
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                self.lock.notify_all()

    def snapshot(self) -> dict[str, Any]:
        """Counts for the status page."""
        with self.lock:
            return {
                "runs_running": self.running,
                "runs_queued": len(self.queue),
                "run_slots": self.slots,
                "flights": len(self.flights),
                "sessions_waiting": sum(f.waiters for f in self.flights.values()),
                "comparisons_computed": self.computed,
                "comparisons_shared": self.shared,
            }


@st.cache_resource(show_spinner=False)
def run_board() -> RunBoard:
    """The server's one board of runs (shared by every session)."""
    return RunBoard(slots=concurrent_runs())


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else f"thread-{threading.get_ident()}"


def service_status() -> dict[str, Any]:
    """How the simulation service is doing, beyond the web server's own health.

    `state` is "ok", "idle", "stalled" (tasks in flight, none finished for `STALL_SECONDS`)
    or "no workers" (tasks in flight and no live worker process).
    """
    pool = pool_status()
    board = run_board().snapshot()
    state_ = "ok" if board["runs_running"] or pool["tasks_in_flight"] else "idle"
    if pool["tasks_in_flight"]:
        since = pool["seconds_since_last_task"]
        if not pool["worker_pids"]:
            state_ = "no workers"
        elif since is not None and since > STALL_SECONDS:
            state_ = "stalled"
    return {"state": state_, "workers": app_workers(), **pool, **board}


def _cache_args(scenario: Scenario, settings: RunSettings) -> tuple:
    return (
        scenario.model_dump_json(),
        settings.replications,
        settings.max_replications,
        settings.seed,
    )


class LiveProgress:
    """A progress bar, a status line and a provisional verdict, updated while a run goes."""

    def __init__(self, container, describe: Callable[[Comparison], str], auto: bool) -> None:
        with container:
            self._bar = st.progress(0.0, text=_("Starting the simulation…"))
            self._provisional = st.empty()
        self._describe = describe
        self._last = 0.0
        self._auto = auto

    def progress(self, done: int, total: int) -> None:
        """Replications done out of the run's total (or its cap when adaptive)."""
        now = time.monotonic()
        if done < total and now - self._last < 0.15:
            return
        self._last = now
        if self._auto:
            text = _(
                "Simulating futures: {done} of up to {total}, every setup on the same futures…"
            )
        else:
            text = _("Simulating futures: {done} of {total}, every setup on the same futures…")
        self._bar.progress(min(1.0, done / max(total, 1)), text=text.format(done=done, total=total))

    def on_batch(self, provisional: Comparison) -> None:
        """Show the provisional verdict after a batch."""
        self._provisional.info(
            _("**Provisional, after {n} futures:** {verdict}").format(
                n=provisional.replications, verdict=self._describe(provisional)
            ),
            icon=":material/hourglass_top:",
        )

    def clear(self) -> None:
        """Remove the progress widgets."""
        self._bar.empty()
        self._provisional.empty()


def get_comparison(
    scenario: Scenario,
    settings: RunSettings,
    container=None,
    describe: Callable[[Comparison], str] | None = None,
) -> tuple[Comparison, float, bool]:
    """The comparison for `scenario` and `settings`: (result, seconds, from cache).

    Fetched from the cache when known; shared when another session is computing it (its
    progress shown here); otherwise run here with live progress drawn in `container`
    (default: the main area) once the fair queue lets it, then stored in the cache.
    """
    key = run_key(scenario, settings)
    args = _cache_args(scenario, settings)
    known = _known_runs()
    board = run_board()
    start = time.perf_counter()
    check_app_budget(scenario, settings)  # refused before it joins anything
    while True:
        if key in known:
            with st.spinner(_("Fetching the stored result…"), show_time=True):
                result = cached_comparison(*args)
            return result, time.perf_counter() - start, True
        flight, leader = board.join(key)
        if not leader:
            result = _wait_for(flight, container)
            if result is None:  # its leader stopped: take over
                continue
            return result, time.perf_counter() - start, True

        def store(result: Comparison) -> None:
            cached_comparison(*args, _precomputed=result)
            known.add(key)

        result = _lead(flight, scenario, settings, container, describe, store)
        return result, time.perf_counter() - start, False


@contextmanager
def gated(container=None) -> Iterator[None]:
    """Run the body as one of the server's concurrent runs (explore, calibrate, back-test).

    The same limits as a comparison: counted against the session (one at a time) and
    admitted through the fair gate of `ORGSIM_APP_CONCURRENT_RUNS` places, its place in the
    queue shown meanwhile.
    """
    board = run_board()
    target = container if container is not None else st.container()
    with board.session_slot(_session_id()):
        with target:
            queued = st.empty()

        def on_wait(ahead: int) -> None:
            queued.info(
                _(
                    "Queued: {ahead} run(s) of other sessions ahead of this one; it starts as "
                    "soon as one finishes."
                ).format(ahead=ahead),
                icon=":material/hourglass_empty:",
            )

        try:
            with board.gate(on_wait):
                queued.empty()
                yield
        finally:
            queued.empty()


def _lead(
    flight: Flight,
    scenario: Scenario,
    settings: RunSettings,
    container,
    describe: Callable[[Comparison], str] | None,
    store: Callable[[Comparison], None],
) -> Comparison:
    """Compute a flight's comparison here (queued fairly first), sharing its progress.

    The result is stored (`store`) before the flight lands: a session asking in between
    then finds it stored rather than finding neither and computing it again.
    """
    board = run_board()
    target = container if container is not None else st.container()
    result: Comparison | None = None
    error: BaseException | None = None
    try:
        with board.session_slot(_session_id()):
            with target:
                queued = st.empty()

            def on_wait(ahead: int) -> None:
                queued.info(
                    _(
                        "Queued: {ahead} comparison(s) of other sessions ahead of this one; it "
                        "starts as soon as one finishes."
                    ).format(ahead=ahead),
                    icon=":material/hourglass_empty:",
                )

            with board.gate(on_wait):
                queued.empty()
                live = LiveProgress(
                    target,
                    describe or (lambda r: provisional(r, lang())),
                    auto=settings.replications == "auto",
                )

                def progress(done: int, total: int) -> None:
                    flight.progress(done, total)
                    live.progress(done, total)

                try:
                    result = compute(scenario, settings, progress, live.on_batch)
                finally:
                    live.clear()
        store(result)
        return result
    except BaseException as err:
        error = err
        raise
    finally:
        board.land(flight, result, error)


def _wait_for(flight: Flight, container) -> Comparison | None:
    """Wait for another session's computation of the same comparison; None if abandoned."""
    target = container if container is not None else st.container()
    with target:
        bar = st.progress(0.0, text=_("Another session is computing this comparison…"))
    try:
        while not flight.finished.wait(POLL_SECONDS):
            if flight.total:
                bar.progress(
                    min(1.0, flight.done / flight.total),
                    text=_(
                        "Computing for several sessions at once: {done} of {total} futures…"
                    ).format(done=flight.done, total=flight.total),
                )
    finally:
        bar.empty()
    if flight.error is not None:
        raise flight.error
    return flight.result


def failure_message(err: BaseException) -> str:
    """Why a comparison could not run, in words that say what to change.

    A run over the app's budget names the fields that make it large; anything else names
    the error.
    """
    if isinstance(err, BudgetError):
        return _(
            "This scenario is too large for the app: {problems}. Lower those fields, or run it "
            "from the command line, whose budget is larger."
        ).format(problems=md_escape("; ".join(f"{f}: {m}" if f else m for f, m in err.problems)))
    return _("The simulation could not run: {kind}: {error}").format(
        kind=type(err).__name__, error=md_escape(err)
    )


def ensure_result(container=None, describe: Callable[[Comparison], str] | None = None) -> None:
    """Make sure `st.session_state.result` is the comparison of the current scenario.

    Runs (or fetches) it when the scenario or settings changed since the last result.
    """
    ss = st.session_state
    sc, settings = state.scenario(), state.settings()
    key = run_key(sc, settings)
    if ss.get("result") is not None and ss.get("result_key") == key:
        return
    result, seconds, cached = get_comparison(sc, settings, container, describe)
    ss.result = result
    ss.result_key = key
    ss.result_seconds = seconds
    ss.result_cached = cached


def ensure_attribution(container=None) -> bool:
    """Add the gain attribution to `st.session_state.result` if it lacks it.

    The split uses the headline's first `sim.verdict.ATTRIBUTION_REPLICATIONS`
    replications (its total is the gain on them, with its own interval). Returns whether
    the result has an attribution afterwards (False when no setup with a team ranks first
    or second, so there is no gain to explain, or when the settings turn the explanation
    off).
    """
    ss = st.session_state
    result: Comparison | None = ss.get("result")
    if result is None:
        return False
    if result.attribution is not None:
        return True
    subject = attribution_subject(result)
    settings = state.settings()
    if subject is None or settings.attribution_replications <= 0:
        return False
    target = container if container is not None else st.container()
    with (
        target,
        st.spinner(
            _(
                "Working out where the gain comes from: re-running the winner one lever group "
                "at a time on the same futures…"
            ),
            show_time=True,
        ),
    ):
        runs = cached_lever_runs(ss.result_key, result.replications, subject, result)
    ss.result = explain_gain(replace(result, lever_runs=runs))
    return True
