"""Running explore methods from the app: progress, cancel, and results kept per server.

A method runs under the same limits as a comparison: the app's budget (checked by the
method before it builds a variant) and the server's concurrent-run limit (`ui.runs.gated`:
one place among the running comparisons, queued fairly, one run per session).

A method runs in the script with a progress bar and a *Cancel* button: pressing it makes
Streamlit stop the script at the next progress update, which cancels the executor's
remaining tasks (finished runs stay in the run cache). A finished result is kept in a small
server-wide store keyed by the method, the scenario's content and the settings, so another
session asking the same question gets it at once. Runs go through the app's run cache
(`ui.runs.run_cache`), so variants that a comparison already simulated are not re-run.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from sim.explore import RunOptions
from sim.io import scenario_hash
from sim.params import Scenario
from ui.i18n import _
from ui.runs import app_budget, app_workers, gated, run_cache

MAX_RESULTS = 32


class _Store:
    """The last results, most recent last (bounded; shared by every session)."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > MAX_RESULTS:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _store() -> _Store:
    return _Store()


def result_key(method: str, scenario: Scenario, settings: dict[str, Any]) -> str:
    """The key of a result: method, the scenario's content hash, the settings."""
    blob = json.dumps(settings, sort_keys=True, default=str)
    digest = hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()
    return f"{method}|{scenario_hash(scenario)}|{digest}"


def stored(key: str) -> Any:
    """A stored result, or None."""
    return _store().get(key)


def run_method(
    key: str,
    fn: Callable[[RunOptions], Any],
    replications: int,
    seed: int,
    label: str,
) -> Any:
    """fn(options) with a progress bar and a Cancel button; the result is stored under `key`."""
    area = st.empty()  # one slot: emptied, it takes the bar and the button with it
    with area.container():
        bar = st.progress(0.0, text=_("{label}: starting…").format(label=label))
        st.button(
            _("Cancel"),
            key=f"cancel_{key}",
            icon=":material/cancel:",
            help=_("Stop this run; runs already finished are kept for next time."),
        )
        queue_area = st.container()  # the queue's notice, inside the slot, gone with it
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        bar.progress(
            min(1.0, done / max(total, 1)),
            text=_("{label}: {done} of {total} tasks").format(label=label, done=done, total=total),
        )

    options = RunOptions(
        replications=replications,
        seed=seed,
        cache=run_cache(),
        progress=progress,
        workers=app_workers(),
        budget=app_budget(),
    )
    start = time.perf_counter()
    try:
        with gated(queue_area):
            result = fn(options)  # each method checks the app's budget before it builds
    finally:
        area.empty()
    _store().put(key, (result, time.perf_counter() - start))
    return result


LAST = "explore_last"
"""Session key: per method, the scenario hash and stored-result key of the last result shown."""


def remember(method: str, scenario: Scenario, key: str) -> None:
    """Note that this session was last shown the result stored under `key` for `method`."""
    last = dict(st.session_state.get(LAST) or {})
    last[method] = {"scenario": scenario_hash(scenario), "key": key}
    st.session_state[LAST] = last


def last_result(method: str, scenario: Scenario) -> Any:
    """The session's last result of `method` for `scenario`, if it is still kept (else None)."""
    last = (st.session_state.get(LAST) or {}).get(method)
    if not last or last.get("scenario") != scenario_hash(scenario):
        return None
    found = stored(last["key"])
    return None if found is None else found[0]
