"""The Status page: whether the simulation service works, not only the web server.

The web server's own health check (`/_stcore/health`) answers while the simulations behind
it are stalled; this page shows the process pool's live workers, tasks in flight, the last
finished task, the runs running and queued, and how many comparisons were shared between
sessions.
"""

from __future__ import annotations

import streamlit as st

from ui import runs
from ui.i18n import N_, _

STATE_WORDS = {
    "ok": (N_("Simulation service: working"), st.success),
    "idle": (N_("Simulation service: idle, ready"), st.success),
    "stalled": (N_("Simulation service: stalled (tasks in flight, none finishing)"), st.error),
    "no workers": (N_("Simulation service: no live worker process"), st.error),
}


def render() -> None:
    """Draw the page."""
    st.title(_("Status"))
    status = runs.service_status()
    words, box = STATE_WORDS[status["state"]]
    with st.container(key="service_state"):
        box(_(words), icon=":material/monitor_heart:")
    since = status["seconds_since_last_task"]
    c1, c2, c3, c4 = st.columns(4)
    of = _("{n} of {total}")
    c1.metric(_("Live workers"), of.format(n=len(status["worker_pids"]), total=status["workers"]))
    c2.metric(_("Tasks in flight"), status["tasks_in_flight"])
    c3.metric(
        _("Last task finished"),
        _("never") if since is None else _("{seconds} s ago").format(seconds=f"{since:.1f}"),
    )
    c4.metric(_("Tasks finished"), status["tasks_finished"])
    d1, d2, d3, d4 = st.columns(4)
    d1.metric(
        _("Comparisons running"), of.format(n=status["runs_running"], total=status["run_slots"])
    )
    d2.metric(_("Comparisons queued"), status["runs_queued"])
    d3.metric(_("Comparisons computed"), status["comparisons_computed"])
    d4.metric(_("Shared with waiting sessions"), status["comparisons_shared"])
    st.caption(
        _(
            "Sessions asking for a comparison that is being computed wait for it and share it; "
            "at most {n} comparisons run at once, the others queue first come first served."
        ).format(n=status["run_slots"])
    )
    if st.button(_("Refresh"), key="status_refresh"):
        st.rerun()


render()
