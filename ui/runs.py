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
it is computed when the *Why* tab is opened, on the same replications as the headline, and
its re-runs are cached apart (`cached_lever_runs`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import streamlit as st

from sim.cache import RunCache
from sim.io import scenario_hash
from sim.params import Scenario
from sim.text import provisional
from sim.verdict import Comparison, LeverRuns, compare, explain_gain, run_lever_groups
from ui import state
from ui.state import RunSettings

MAX_CACHED_RUNS = 16
MAX_CACHED_SINGLE_RUNS = 50_000
AUTO_BATCH = 20


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
    without waiting for it.
    """
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
    """The lever-group re-runs of `subject` on every replication of `_result`, cached.

    `key` (`run_key`) and the realised number of replications identify `_result`, which is
    not hashed. The runs, not the split, are cached: the split is cheap to redo.
    """
    return run_lever_groups(_result.results, subject, cache=run_cache())


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
            self._bar = st.progress(0.0, text="Starting the simulation…")
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
        of = f"up to {total}" if self._auto else f"{total}"
        self._bar.progress(
            min(1.0, done / max(total, 1)),
            text=f"Simulating futures: {done} of {of}, every setup on the same futures…",
        )

    def on_batch(self, provisional: Comparison) -> None:
        """Show the provisional verdict after a batch."""
        self._provisional.info(
            f"**Provisional, after {provisional.replications} futures:** "
            + self._describe(provisional),
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

    Fetched from the cache when known; otherwise run here with live progress drawn in
    `container` (default: the main area), then stored in the cache.
    """
    key = run_key(scenario, settings)
    args = _cache_args(scenario, settings)
    known = _known_runs()
    start = time.perf_counter()
    if key in known:
        with st.spinner("Fetching the stored result…", show_time=True):
            result = cached_comparison(*args)
        return result, time.perf_counter() - start, True
    live = LiveProgress(
        container if container is not None else st.container(),
        describe or provisional,
        auto=settings.replications == "auto",
    )
    try:
        result = compute(scenario, settings, live.progress, live.on_batch)
    finally:
        live.clear()
    cached_comparison(*args, _precomputed=result)
    known.add(key)
    return result, time.perf_counter() - start, False


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

    The split uses every replication of the headline, so its total is the headline's gain.
    Returns whether the result has an attribution afterwards (False when no setup with a
    team ranks first or second, so there is no gain to explain, or when the settings turn
    the explanation off).
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
            "Working out where the gain comes from: re-running the winner one lever group at a "
            "time on the same futures…",
            show_time=True,
        ),
    ):
        runs = cached_lever_runs(ss.result_key, result.replications, subject, result)
    ss.result = explain_gain(replace(result, lever_runs=runs))
    return True
