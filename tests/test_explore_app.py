"""The explore page and the landing page's breakevens in Streamlit's test harness."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
CHANGE_TAB = ":material/alt_route: What would change it"


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", "3")


def test_explore_page_runs_a_breakeven():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "What would change the answer?"
    at.selectbox(key="be_path").set_value("org.teams.revops.cost_per_fte_month")
    at.run(timeout=TIMEOUT)
    at.button(key="run_breakeven").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(s.value for s in at.success)
    assert "overtakes" in text or "no breakeven" in text


def test_landing_page_shows_the_nearest_breakevens():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.session_state["result_tabs"] = CHANGE_TAB
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(s.value for s in at.success)
    assert "overtakes" in shown or "No single input" in shown


def test_decision_map_says_who_wins_and_the_sidebar_the_futures_run():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    at.number_input(key="map_n").set_value(2)
    at.run(timeout=TIMEOUT)
    at.button(key="run_map").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(i.value for i in at.info)
    assert "wins everywhere on this map" in said or "The winner changes on this map" in said
    ran = [c.value for c in at.caption if "simulated futures per variant" in c.value]
    assert ran and ran[0].startswith("3 simulated futures")
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "decision map and curve 3;" in sidebar and "scenario discovery 3 per" in sidebar


def test_explore_page_runs_a_tornado_and_names_the_winner():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    at.multiselect(key="tornado_inputs").set_value(["org.teams.salesops.cost_per_fte_month"])
    at.run(timeout=TIMEOUT)
    at.button(key="run_tornado").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(i.value for i in at.info)
    assert "moves the gap" in text or "None of these inputs" in text
    # the words say whether the winner changes, by name
    assert "changes the winner" in text or "wins instead of" in text
