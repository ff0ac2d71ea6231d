"""The app in Streamlit's test harness (AppTest): every page, the verdict, the form, uploads.

Runs use few replications (`ORGSIM_APP_REPS`) so the whole file stays fast. AppTest runs
the real scripts in this process, with the same caches a server would use.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import make

from sim.io import scenario_to_yaml
from ui.text import SETUP_NAMES

WHY_TAB = ":material/lightbulb: Why"
SURE_TAB = ":material/insights: How sure"

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
REPS = "6"


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    """Every app run in these tests uses a handful of replications."""
    monkeypatch.setenv("ORGSIM_APP_REPS", REPS)


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture
def landing():
    """The app after its first run: the landing page with the default preset's verdict."""
    at = _app()
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _verdict_text(at) -> str:
    boxes = [*at.success, *at.warning, *at.info]
    return "\n".join(b.value for b in boxes)


def test_every_page_loads(landing):
    """The three pages run without an exception or an error box."""
    assert not landing.error
    for page in ("ui/pages/assumptions.py", "ui/pages/model.py", "ui/pages/which_team.py"):
        landing.switch_page(page).run(timeout=TIMEOUT)
        assert not landing.exception, (page, [e.value for e in landing.exception])
        assert not landing.error, (page, [e.value for e in landing.error])
    assert landing.title[0].value == "Which ops team pays off?"


def test_landing_shows_a_verdict_without_input(landing):
    """The landing page opens on the default preset and states the verdict in words."""
    text = _verdict_text(landing)
    assert any(name in text for name in SETUP_NAMES.values())
    assert "simulated futures" in text
    labels = [m.label for m in landing.metric]
    assert labels[:4] == [
        "Best setup",
        "Gain vs no ops team",
        "Futures where it is best",
        "Ops team cost",
    ]
    result = landing.session_state["result"]
    assert result.replications == int(REPS)
    assert result.attribution is None  # the Why tab is closed: nothing re-run for it yet
    assert landing.session_state["origin"] == "preset:default"


def test_opening_why_explains_the_gain_on_the_verdicts_futures(landing):
    """Opening the Why tab splits the winner's gain by lever group, on the same simulated
    futures as the verdict: the split's total is the headline's gain."""
    landing.session_state["result_tabs"] = WHY_TAB
    landing.run(timeout=TIMEOUT)
    assert not landing.exception, [e.value for e in landing.exception]
    result = landing.session_state["result"]
    subject = result.explained_setup
    assert subject is not None and result.attribution is not None
    total = result.attribution.set_index("source").loc["total"]
    assert total["mean"] == result.setups[subject].vs_none.mean
    assert result.lever_runs.replications == tuple(range(int(REPS)))
    shown = "\n".join(m.value for m in landing.markdown)
    assert "Where the gain of" in shown
    assert "safest against a bad future" in shown  # the robust choice beside the winner


def _kinds(block) -> list[str]:
    """The types of every element drawn inside `block` (a tab), depth first."""
    found = []
    for child in getattr(block, "children", {}).values():
        found += [child.type, *_kinds(child)]
    return found


def _tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def test_a_closed_tabs_charts_and_tables_are_not_built(landing):
    """Only the open result tab is drawn: the first (money over time) on arrival, the How sure
    tab's chart and table only once it is opened, and then the first tab's no more. A series
    picked in the first tab is still picked when it is opened again."""
    money = landing.tabs[0].label
    assert landing.session_state["result_tabs"] == money
    assert _kinds(landing.tabs[0]).count("vega_lite_chart") == 3  # two fans and the explorer
    for closed in landing.tabs[1:]:
        assert _kinds(closed) == [], closed.label
    assert not any("beats no ops team" in " ".join(d.value.columns) for d in landing.dataframe)
    landing.selectbox(key="explore_series").set_value("wins").run(timeout=TIMEOUT)

    landing.session_state["result_tabs"] = SURE_TAB
    landing.run(timeout=TIMEOUT)
    assert not landing.exception, [e.value for e in landing.exception]
    sure = _kinds(_tab(landing, SURE_TAB))
    assert sure.count("vega_lite_chart") == 1 and sure.count("dataframe") == 1, sure
    assert _kinds(_tab(landing, money)) == []
    assert any("beats no ops team" in " ".join(d.value.columns) for d in landing.dataframe)
    assert landing.session_state["result"].attribution is None  # Why is still closed

    landing.session_state["result_tabs"] = money
    landing.run(timeout=TIMEOUT)
    assert _kinds(_tab(landing, SURE_TAB)) == []
    assert landing.selectbox(key="explore_series").value == "wins"


def test_results_survive_page_switches(landing):
    """Switching pages and back reuses the stored result: nothing runs again."""
    first = landing.session_state["result"]
    landing.switch_page("ui/pages/model.py").run(timeout=TIMEOUT)
    landing.switch_page("ui/pages/which_team.py").run(timeout=TIMEOUT)
    assert landing.session_state["result"] is first


def test_a_second_session_gets_the_cached_result(landing):
    """A new session (a reload) with the same scenario gets the result from the cache."""
    again = _app()
    again.run(timeout=TIMEOUT)
    assert again.session_state["result_cached"] is True
    assert again.session_state["result_key"] == landing.session_state["result_key"]
    assert _verdict_text(again) == _verdict_text(landing)


def test_assumption_change_and_submit_changes_the_result(landing):
    """Making RevOps very expensive on the Assumptions page and submitting changes the verdict."""
    before = landing.session_state["result"]
    at = landing.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.number_input(key="a.org.teams.revops.cost_per_fte_month").set_value(400_000)
    at.button(key="submit_assumptions").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    after = at.session_state["result"]
    assert after.scenario.org.teams["revops"].cost_per_fte_month == 400_000
    assert after is not before and after.scenario != before.scenario
    # RevOps now costs $400K a month: every setup with it falls far behind
    assert after.setups["revops"].mean < before.setups["revops"].mean - 10_000_000
    assert after.setups["both"].mean < before.setups["both"].mean - 10_000_000
    assert after.verdict.best in ("salesops", "none")
    assert at.session_state["origin"].startswith("edited:")
    shown = "\n".join(m.value for m in at.markdown)
    assert setup_name_of(after.verdict.best) in shown


def setup_name_of(setup: str) -> str:
    """Display name of a setup (as the page shows it)."""
    return SETUP_NAMES.get(setup, setup)


def test_invalid_form_value_names_the_field_and_keeps_the_scenario(landing):
    """A negative number of reps is refused with the field named; nothing changes."""
    before = landing.session_state["scenario"]
    at = landing.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.number_input(key="a.sales.reps").set_value(-3)
    at.button(key="submit_assumptions").click().run(timeout=TIMEOUT)
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "sales.reps" in errors and "Account executives" in errors
    assert at.session_state["scenario"] == before


def test_bad_upload_shows_field_errors_and_keeps_the_scenario(landing):
    """An invalid scenario file lists every problem by field; the previous scenario stays."""
    before = landing.session_state["scenario"]
    at = landing.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.file_uploader(key="upload_scenario").upload(
        "bad.yaml", b"sales: {reps: -3}\nfoo: 1\n", "application/x-yaml"
    )
    at.run(timeout=TIMEOUT)
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "bad.yaml" in errors and "sales.reps" in errors and "`foo`" in errors
    assert "unknown key" in errors
    assert at.session_state["scenario"] == before
    assert at.session_state["origin"] == "preset:default"


def test_malformed_yaml_upload_is_refused(landing):
    """A file that is not YAML at all is refused with a message; nothing crashes."""
    at = landing.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.file_uploader(key="upload_scenario").upload("broken.yaml", b"a: [1, 2\nb: }", "text/yaml")
    at.run(timeout=TIMEOUT)
    assert not at.exception
    assert "not valid YAML" in "\n".join(e.value for e in at.error)


def test_good_upload_replaces_the_scenario(landing):
    """A valid file becomes the current scenario and gets its own verdict."""
    sc = make(**{"sales.reps": 5, "horizon_months": 12, "name": "Uploaded company"})
    at = landing.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.file_uploader(key="upload_scenario").upload(
        "mine.yaml", scenario_to_yaml(sc).encode(), "application/x-yaml"
    )
    at.run(timeout=TIMEOUT)
    assert not at.exception
    assert at.session_state["scenario"] == sc
    assert at.session_state["origin"] == "upload:mine.yaml"
    assert at.session_state["result"].scenario == sc


def test_preset_picker_loads_a_preset(landing):
    """Choosing another preset in the sidebar loads it and shows its verdict."""
    landing.selectbox(key="preset_picker_landing").set_value("early_stage_direct")
    landing.run(timeout=TIMEOUT)
    assert not landing.exception
    assert landing.session_state["origin"] == "preset:early_stage_direct"
    assert landing.session_state["result"].scenario == landing.session_state["scenario"]


@pytest.mark.parametrize(
    "changes",
    [
        {"objective": "ops_roi", "name": "ROI objective"},
        {"org.teams.salesops.cost_per_fte_month": 900_000, "name": "Teams too dear"},
        {"currency": "EUR", "horizon_months": 12, "name": "Extra setup"},
    ],
    ids=["roi-objective", "no-team-wins", "extra-setup-eur"],
)
def test_unusual_scenarios_render(landing, changes):
    """ROI objective, a verdict of no ops team, and an extra setup all render cleanly."""
    changes = dict(changes)
    if changes["name"] == "Teams too dear":
        changes["org.teams.revops.cost_per_fte_month"] = 900_000
    if changes["name"] == "Extra setup":
        changes["org.teams.revops_2fte"] = {
            "headcount": 2,
            "cost_per_fte_month": 17000,
            "months_to_full_effect": 6,
            "effects": {"inbound_rate": [0.0, 0.2, 0.5], "monthly_churn": [-0.4, -0.2, 0.0]},
        }
        changes["org.setups.revops_2fte"] = ["revops_2fte"]
    sc = make(**changes)
    landing.session_state["scenario"] = sc
    landing.run(timeout=TIMEOUT)
    assert not landing.exception, [e.value for e in landing.exception]
    assert not landing.error, [e.value for e in landing.error]
    result = landing.session_state["result"]
    assert result.scenario == sc
    text = _verdict_text(landing)
    if changes["name"] == "Teams too dear":
        assert result.verdict.best == "none"
        assert "No ops team pays for itself" in text
    if changes["name"] == "Extra setup":
        assert "Revops 2fte" in "\n".join(m.value for m in landing.markdown) or any(
            "Revops 2fte" in str(df.value.to_dict()) for df in landing.dataframe
        )


def test_model_page_shows_the_flow_diagram(landing):
    """The Model page draws the flow diagram and the model text (or a note)."""
    at = landing.switch_page("ui/pages/model.py").run(timeout=TIMEOUT)
    assert not at.exception
    assert at.title[0].value == "How the model works"
    assert at.get("graphviz_chart")


def test_server_config_is_safe():
    """The server config keeps XSRF protection, small uploads, no watcher, no tracebacks."""
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableCORS"] is True
    assert cfg["server"]["maxUploadSize"] == 1
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["server"]["headless"] is True
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["browser"]["gatherUsageStats"] is False


def test_pages_have_no_stray_string_statements():
    """Streamlit's magic writes any bare string in a page script onto the page: only the
    module docstring may be one (an attribute docstring once showed up above the title)."""
    import ast

    for page in sorted((ROOT / "ui" / "pages").glob("*.py")):
        body = ast.parse(page.read_text(encoding="utf-8")).body
        stray = [
            node.lineno
            for node in body[1:]
            if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ]
        assert not stray, (page.name, stray)


def test_the_landing_page_shows_every_objective_side_by_side():
    """Value created decides, and cash, NPV and ending ARR stand beside it."""
    at = _app()
    at.run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "Every measure, side by side" in texts
    frames = [d.value for d in at.dataframe]
    side = [f for f in frames if "value created" in f.columns]
    others = {"cash profit", "NPV", "ending ARR"}
    assert side and others <= set(side[0].columns)
