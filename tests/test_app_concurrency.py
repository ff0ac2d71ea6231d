"""Many sessions on one server: shared computations, fair queue, per-session limit, status.

AppTest sessions (the real scripts, in this process, sharing the server's caches as real
sessions do) open the default scenario at once: it is computed once, and every session
gets the same verdict (3 sessions here; tests/test_load.py opens 8 in CI, and 8 real browser
sessions on a real server). The queue and the limits are checked on `RunBoard` directly.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ui import runs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "default.yaml"
SESSIONS = 3  # tests/test_load.py opens 8 (in CI)
TIMEOUT = 180


@pytest.fixture(autouse=True)
def _unique_run(monkeypatch):
    """A replication count no other test uses: the comparison is not cached yet."""
    monkeypatch.setenv("ORGSIM_APP_REPS", "7")


def _verdict_text(at) -> str:
    return "\n".join(b.value for b in [*at.success, *at.warning, *at.info])


def open_together(sessions: int) -> None:
    """`sessions` AppTest sessions open the app at the same moment; checks the sharing."""
    from streamlit.testing.v1 import AppTest

    apps = [AppTest.from_file(APP, default_timeout=TIMEOUT) for _ in range(sessions)]
    before = runs.run_board().snapshot()
    errors: list[BaseException] = []
    start = threading.Barrier(sessions)

    def open_app(at) -> None:
        try:
            start.wait()
            at.run(timeout=TIMEOUT)
        except BaseException as err:  # reported below, on the test's thread
            errors.append(err)

    threads = [threading.Thread(target=open_app, args=(at,)) for at in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    after = runs.run_board().snapshot()
    for at in apps:
        assert not at.exception, [e.value for e in at.exception]
    keys = {at.session_state["result_key"] for at in apps}
    assert len(keys) == 1
    texts = {_verdict_text(at) for at in apps}
    assert len(texts) == 1 and texts != {""}
    assert after["comparisons_computed"] - before["comparisons_computed"] == 1
    fresh = [at for at in apps if not at.session_state["result_cached"]]
    assert len(fresh) == 1  # the others shared its computation or fetched it from the cache
    assert after["flights"] == 0 and after["runs_running"] == 0


@pytest.mark.timeout(300)
def test_sessions_on_the_default_scenario_compute_it_once_and_all_get_the_verdict():
    open_together(SESSIONS)


def test_the_queue_is_first_come_first_served_and_bounded():
    board = runs.RunBoard(slots=1)
    order: list[int] = []
    first_in = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with board.gate():
            first_in.set()
            release.wait(5)
            order.append(0)

    def later(n: int) -> None:
        with board.gate():
            order.append(n)

    holder = threading.Thread(target=hold)
    holder.start()
    first_in.wait(5)
    waiting = []
    for n in (1, 2, 3):
        t = threading.Thread(target=later, args=(n,))
        t.start()
        waiting.append(t)
        deadline = time.monotonic() + 5
        while board.snapshot()["runs_queued"] < n and time.monotonic() < deadline:
            time.sleep(0.01)
    assert board.snapshot()["runs_running"] == 1
    assert board.snapshot()["runs_queued"] == 3
    release.set()
    for t in [holder, *waiting]:
        t.join(5)
    assert order == [0, 1, 2, 3]
    assert board.snapshot()["runs_running"] == 0


def test_a_session_runs_one_comparison_at_a_time():
    board = runs.RunBoard()
    with (
        board.session_slot("a"),
        board.session_slot("b"),
        pytest.raises(runs.SessionBusy),
        board.session_slot("a"),
    ):
        pass
    with board.session_slot("a"):
        pass


def test_a_stopped_leader_hands_the_flight_to_a_waiting_session():
    board = runs.RunBoard()
    flight, leader = board.join("k")
    again, second = board.join("k")
    assert leader and not second and again is flight
    board.land(flight, None, KeyboardInterrupt())  # a rerun stopped the leader's script
    assert flight.finished.is_set() and flight.abandoned and flight.error is None
    _, takes_over = board.join("k")
    assert takes_over


def test_a_comparison_is_stored_before_its_flight_lands(monkeypatch):
    """No moment when a session finds neither the flight nor the stored result.

    Otherwise a session asking just as the computation lands computes it a second time
    (seen once in the eight-browser load test: two comparisons computed).
    """
    from sim.io import load_scenario
    from sim.params.analysis import RunSettings

    board, known, stored, computed = runs.RunBoard(), runs._KnownRuns(), {}, []
    monkeypatch.setattr(runs, "run_board", lambda: board)
    monkeypatch.setattr(runs, "_known_runs", lambda: known)
    monkeypatch.setattr(runs, "check_app_budget", lambda scenario, settings: None)

    def compute(scenario, settings, progress=None, on_batch=None):
        computed.append(settings)
        return f"result {len(computed)}"

    def cached_comparison(*args, _precomputed=None):
        if _precomputed is not None:
            stored[args] = _precomputed
        return stored[args]

    monkeypatch.setattr(runs, "compute", compute)
    monkeypatch.setattr(runs, "cached_comparison", cached_comparison)
    stored_when_landed = []
    land = board.land

    def landing(flight, result, error):
        stored_when_landed.append(flight.key in known)
        land(flight, result, error)

    monkeypatch.setattr(board, "land", landing)
    scenario, settings = load_scenario(DEFAULT), RunSettings(4, 4, 1)
    first = runs.get_comparison(scenario, settings)
    again = runs.get_comparison(scenario, settings)
    assert stored_when_landed == [True]
    assert first[0] == again[0] == "result 1" and not first[2] and again[2]
    assert len(computed) == 1


def test_the_status_page_shows_the_simulation_service():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/status.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert "Simulation service" in " ".join(b.value for b in [*at.success, *at.error])
    labels = {m.label: m.value for m in at.metric}
    assert labels["Live workers"].endswith(f"of {runs.app_workers()}")
    assert int(labels["Comparisons computed"]) >= 1
