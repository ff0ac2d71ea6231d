"""The drawing gate: one session draws at a time, never a stall, never a leaked gate."""

from __future__ import annotations

import threading
import time

import pytest

from ui import render_gate


def test_sessions_draw_one_at_a_time():
    inside, most, lock = [0], [0], threading.Lock()

    def session() -> None:
        for _ in range(20):
            with render_gate.drawing():
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.0005)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=session) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert most[0] == 1


def test_a_section_inside_a_section_of_the_same_session_does_not_wait_for_itself():
    done = threading.Event()

    def session() -> None:
        with render_gate.drawing(), render_gate.drawing():
            pass
        done.set()

    threading.Thread(target=session).start()
    assert done.wait(2.0)  # re-entering would have waited WAIT_SECONDS


def test_a_session_kept_waiting_too_long_draws_anyway(monkeypatch):
    monkeypatch.setattr(render_gate, "WAIT_SECONDS", 0.1)
    held, release = threading.Event(), threading.Event()

    def slow_session() -> None:
        with render_gate.drawing():
            held.set()
            release.wait(5)

    slow = threading.Thread(target=slow_session)
    slow.start()
    assert held.wait(2)
    before = render_gate.stats()["timed_out"]
    start = time.perf_counter()
    with render_gate.drawing():
        waited = time.perf_counter() - start
    release.set()
    slow.join(5)
    assert 0.09 <= waited < 2.0
    assert render_gate.stats()["timed_out"] == before + 1


def test_an_error_while_drawing_frees_the_gate():
    with pytest.raises(RuntimeError), render_gate.drawing():
        raise RuntimeError("the page failed")
    entered = threading.Event()

    def next_session() -> None:
        with render_gate.drawing():
            entered.set()

    threading.Thread(target=next_session).start()
    assert entered.wait(1.0)  # well under WAIT_SECONDS: the gate was free
