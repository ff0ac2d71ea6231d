"""The Status page: whether the simulation service works, not only the web server.

The web server's own health check (`/_stcore/health`) answers while the simulations behind
it are stalled; this page shows the process pool's live workers, tasks in flight, the last
finished task, the runs running and queued, and how many comparisons were shared between
sessions.
"""

from __future__ import annotations

import streamlit as st

from ui import runs

STATE_WORDS = {
    "ok": ("Simulation service: working", st.success),
    "idle": ("Simulation service: idle, ready", st.success),
    "stalled": ("Simulation service: stalled (tasks in flight, none finishing)", st.error),
    "no workers": ("Simulation service: no live worker process", st.error),
}


def render() -> None:
    """Draw the page."""
    st.title("Status")
    status = runs.service_status()
    words, box = STATE_WORDS[status["state"]]
    with st.container(key="service_state"):
        box(words, icon=":material/monitor_heart:")
    since = status["seconds_since_last_task"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Live workers", f"{len(status['worker_pids'])} of {status['workers']}")
    c2.metric("Tasks in flight", status["tasks_in_flight"])
    c3.metric("Last task finished", "never" if since is None else f"{since:.1f} s ago")
    c4.metric("Tasks finished", status["tasks_finished"])
    d1, d2, d3, d4 = st.columns(4)
    d1.metric("Comparisons running", f"{status['runs_running']} of {status['run_slots']}")
    d2.metric("Comparisons queued", status["runs_queued"])
    d3.metric("Comparisons computed", status["comparisons_computed"])
    d4.metric("Shared with waiting sessions", status["comparisons_shared"])
    st.caption(
        "Sessions asking for a comparison that is being computed wait for it and share it; "
        f"at most {status['run_slots']} comparisons run at once, the others queue first come "
        "first served."
    )
    if st.button("Refresh", key="status_refresh"):
        st.rerun()


render()
