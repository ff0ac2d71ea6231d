"""The landing page's "What would change it": the breakevens nearest to today's values.

Computed only when its tab is opened: a tornado of the top two setups alone over the
article's handful of inputs finds where their order flips, and each flip is narrowed to a
breakeven with its interval (`sim.explore.nearest_breakevens`), through the app's run cache.
"""

from __future__ import annotations

import streamlit as st

from sim.explore import nearest_breakevens
from sim.text.explore import breakeven_text
from sim.verdict import Comparison
from ui.explore_runs import result_key, run_method, stored
from ui.i18n import _, lang
from ui.runs import SessionBusy
from ui.safe import md_escape

REPLICATIONS = 20


def _key(result: Comparison, count: int) -> str:
    """Where the breakevens of `result`'s top two are stored."""
    v = result.verdict
    reps = min(REPLICATIONS, result.replications)
    settings = {"pair": [v.best, v.runner_up], "reps": reps, "seed": result.seed, "count": count}
    return result_key("nearest_breakevens", result.scenario, settings)


def stored_breakevens(result: Comparison, lang: str = "en", count: int = 3) -> list[str] | None:
    """The nearest breakevens in words if they were already worked out (None otherwise)."""
    if result.verdict.runner_up is None:
        return None
    found = stored(_key(result, count))
    return None if found is None else [breakeven_text(b, lang) for b in found[0]]


def flip_paths(result: Comparison, count: int = 3) -> list[str]:
    """The inputs of the nearest breakevens already worked out (empty when none are)."""
    if result.verdict.runner_up is None:
        return []
    found = stored(_key(result, count))
    return [] if found is None else [b.input.path for b in found[0]]


def landing_breakevens(result: Comparison, count: int = 3) -> None:
    """The two or three breakevens of the top two nearest to today, in words."""
    v = result.verdict
    if v.runner_up is None:
        st.info(_("Only one setup: nothing to overtake."))
        return
    sc = result.scenario
    reps = min(REPLICATIONS, result.replications)
    pair = (v.best, v.runner_up)
    key = _key(result, count)
    found = stored(key)
    if found is None:
        try:
            run_method(
                key,
                lambda o: nearest_breakevens(sc, pair, o, count=count),
                reps,
                result.seed,
                _("Looking for the breakevens nearest to today"),
            )
        except (ValueError, SessionBusy) as err:  # over the app's budget, or busy
            st.warning(
                _("The breakevens could not be worked out: {error}").format(error=md_escape(err)),
                icon=":material/warning:",
            )
            return
        found = stored(key)
    breakevens, _seconds = found
    if not breakevens:
        st.success(
            _(
                "No single input of the usual handful, moved alone across its range, changes "
                "which of the top two wins."
            ),
            icon=":material/verified:",
        )
    for b in breakevens:
        st.markdown(f"- {breakeven_text(b, lang())}")
    st.page_link(
        "ui/pages/explore.py",
        label=_("Explore: tornado, decision map, value of information"),
        icon=":material/alt_route:",
    )
