"""The explore page's Curve section in Streamlit's test harness (few replications)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", "3")


def test_explore_page_draws_the_curves_along_a_team_cost():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="curve_path").value == "company.size"
    assert "existing customers" in " ".join(c.value for c in at.caption)
    at.selectbox(key="curve_path").set_value("org.teams.revops.cost_per_fte_month")
    at.number_input(key="curve_n").set_value(3)
    at.run(timeout=TIMEOUT)
    at.button(key="run_curve").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(m.value for m in at.markdown)
    assert "the best on average is" in shown
    assert "clearly beats" in shown
    labels = [b.label for b in at.get("download_button")]
    assert "Table (CSV)" in labels and "Facts (JSON)" in labels
