"""The workshop: changes against a preset, the link, variants, before and after, the report.

Unit tests of the pure parts (`sim.workshop`, `ui.urlstate`, `sim.report`) and AppTest runs
of the pages with a handful of replications.
"""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import pytest

from sim.io import ScenarioError, load_scenario
from sim.workshop import Variant, apply_changes, changes, read_workshop, workshop_data
from ui import urlstate

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
REPS = "4"


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", REPS)


@pytest.fixture(scope="module")
def base():
    return load_scenario(ROOT / "scenarios" / "default.yaml")


@pytest.fixture(scope="module")
def edited():
    return load_scenario(
        ROOT / "scenarios" / "default.yaml",
        [
            "sales.reps=12",
            "org.teams.revops.effects.price=[0.0, 0.01, 0.02]",
            "segments.0.win_rate=0.25",
            "analysis.objective=ending_arr",
        ],
    )


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


# ----------------------------------------------------------------------------- pure parts
def test_changes_round_trip(base, edited):
    """The changes against the preset rebuild the scenario exactly."""
    found = changes(base, edited)
    assert {c.path for c in found} == {
        "sales.reps",
        "org.teams.revops.effects.price",
        "segments.0.win_rate",
        "analysis.objective",
    }
    assert apply_changes(base, [(c.path, c.after) for c in found]) == edited
    assert changes(base, base) == []


def test_url_encode_decode_is_identity(base, edited):
    """Scenario -> parameters -> scenario -> parameters gives the same parameters."""
    params = urlstate.encode("default", base, edited, "ja")
    assert set(params) == {"p", "c", "o", "lang"} and params["o"] == "ending_arr"
    found = urlstate.decode(params, {"default": base}, "default")
    assert not found.problems and found.scenario == edited and found.lang == "ja"
    assert urlstate.encode("default", base, found.scenario, found.lang) == params


def _packed(data: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(data)).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"p": "../../etc/passwd"}, "p"),
        ({"p": "default", "o": "<script>"}, "o"),
        ({"p": "default", "lang": "xx"}, "lang"),
        ({"p": "default", "c": "!!!not base64!!!"}, "c"),
        ({"p": "default", "c": _packed(b"{not json")}, "c"),
        ({"p": "default", "c": _packed(b'[["__class__", 1]]')}, "c"),
        ({"p": "default", "c": _packed(b'[["sales.reps", -3]]')}, "c: sales.reps"),
        ({"p": "default", "c": _packed(b" " * 300_000)}, "c"),
        ({"p": "default", "c": "A" * 9000}, "c"),
        ({"p": ["default", "early_stage_direct"]}, "p"),
    ],
)
def test_hostile_parameters_are_refused(base, params, where):
    """Every malformed or hostile address gives problems naming the parameter, no scenario."""
    found = urlstate.decode(params, {"default": base}, "default")
    assert found.scenario is None and found.preset == "default"
    assert any(p.startswith(where) for p, _ in found.problems), found.problems


def test_workshop_file_round_trip_and_errors(base, edited):
    """A workshop file holds every variant; a bad one names the variant and field."""
    import yaml

    items = [Variant("Base", base, "default"), Variant("More reps", edited, "default")]
    text = yaml.safe_dump(workshop_data(items))
    assert read_workshop(text) == items
    data = workshop_data(items)
    data["variants"][1]["scenario"]["sales"]["reps"] = -1
    with pytest.raises(ScenarioError) as err:
        read_workshop(yaml.safe_dump(data))
    assert any(p.startswith("variants.1.scenario.sales.reps") for p, _ in err.value.problems)


def test_report_is_self_contained_html(base, edited):
    """The report holds the verdict, the confidence sentence, inline SVG and the changes."""
    from sim.report import report_html
    from sim.text import headline
    from sim.text.workshop import confidence_sentence
    from sim.verdict import compare

    result = compare(edited, replications=4, seed=0, explain=False, workers=1)
    page = report_html(result, base, ["A breakeven sentence."])
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert headline(result).title in page
    assert confidence_sentence(result).split(" (")[0] in page
    assert page.count("<svg") >= 2
    assert "Account executives" in page and "A breakeven sentence." in page
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "<script" not in page


# ----------------------------------------------------------------------------- the app
def test_two_variants_compared_side_by_side():
    """Save the preset and an edited version as variants; the Variants page compares them."""
    at = _app()
    at.run(timeout=TIMEOUT)
    _ok(at)
    at.text_input(key="variant_name_0").set_value("As published")
    at.button(key="save_variant").click().run(timeout=TIMEOUT)
    _ok(at)
    at = at.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    at.number_input(key="a.sales.reps").set_value(14)
    at.button(key="submit_assumptions").click().run(timeout=TIMEOUT)
    _ok(at)
    at = at.switch_page("ui/pages/which_team.py").run(timeout=TIMEOUT)
    at.text_input(key="variant_name_1").set_value("Fourteen reps")
    at.button(key="save_variant").click().run(timeout=TIMEOUT)
    _ok(at)
    at = at.switch_page("ui/pages/variants.py").run(timeout=TIMEOUT)
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert list(table["Variant"]) == ["As published", "Fourteen reps"]
    changed = list(table["What changed against the preset"])
    assert changed[0] == "nothing" and "Account executives" in changed[1] and "14" in changed[1]
    assert table["Verdict"].str.len().min() > 5


def test_before_and_after_after_a_submit():
    """Edits survive page switches (marked unsaved); after a submit the previous answer
    stays beside the new one until dismissed."""
    at = _app()
    at.run(timeout=TIMEOUT)
    before = at.session_state["result"]
    at = at.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    assert at.session_state["draft_dirty"] is False
    cost = "a.org.teams.revops.cost_per_fte_month"
    at.number_input(key=cost).set_value(400_000).run(timeout=TIMEOUT)
    assert at.session_state["draft_dirty"] is True
    # unsubmitted edits survive a page switch, with a visible mark
    at = at.switch_page("ui/pages/model.py").run(timeout=TIMEOUT)
    assert "Unsaved changes" in "\n".join(w.value for w in at.warning)
    at = at.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    assert at.number_input(key=cost).value == 400_000
    at.button(key="submit_assumptions").click().run(timeout=TIMEOUT)
    _ok(at)
    assert at.session_state["draft_dirty"] is False
    at = at.switch_page("ui/pages/which_team.py").run(timeout=TIMEOUT)
    _ok(at)
    assert at.session_state["previous"]["result"] is before
    shown = "\n".join(m.value for m in at.markdown)
    assert "Before and after" in shown
    plain = shown.replace("\\", "")  # the change list is Markdown-escaped
    assert "loaded cost per FTE a month: $17.0K/month → $400K/month" in plain, shown
    at.button(key="dismiss_previous").click().run(timeout=TIMEOUT)
    _ok(at)
    assert at.session_state["previous"] is None
    assert "Before and after" not in "\n".join(m.value for m in at.markdown)


def test_url_state_round_trip(base, edited):
    """Query parameters open their scenario, and the page writes back the same parameters."""
    params = urlstate.encode("default", base, edited)
    at = _app()
    for k, v in params.items():
        at.query_params[k] = v
    at.run(timeout=TIMEOUT)
    _ok(at)
    assert at.session_state["scenario"] == edited
    assert at.session_state["result"].objective == "ending_arr"
    assert {k: at.query_params[k] for k in at.query_params} == params
    assert not at.error


@pytest.mark.parametrize(
    "params",
    [
        {"p": "nope", "c": "%%%"},
        {"p": "default", "c": _packed(b'[["sales.reps", "many"]]'), "o": "ops_roi"},
        {"lang": "<b>x</b>"},
    ],
    ids=["unknown-preset", "bad-value", "bad-lang"],
)
def test_bad_link_gives_a_message_and_the_default(params):
    """A malformed or hostile address: a clear message, and the default scenario."""
    at = _app()
    for k, v in params.items():
        at.query_params[k] = v
    at.run(timeout=TIMEOUT)
    _ok(at)
    errors = "\n".join(e.value for e in at.error)
    assert "This link could not be used" in errors
    assert at.session_state["origin"] == "preset:default"
    assert at.session_state["result"] is not None
    assert at.query_params["p"] == "default" and "c" not in at.query_params


# ----------------------------------------------------------------------------- hostile input
def _deep_link(depth: int) -> str:
    blob = ("[" * depth + "]" * depth).encode()
    return base64.urlsafe_b64encode(zlib.compress(blob, 9)).decode().rstrip("=")


@pytest.mark.parametrize("depth", [13, 50_000])
def test_deeply_nested_link_is_refused_with_a_reason(base, depth):
    """Nested past what a scenario needs, or past the interpreter's recursion limit: a
    problem naming `c`, never a RecursionError."""
    found = urlstate.decode({"p": "default", "c": _deep_link(depth)}, {"default": base}, "default")
    assert found.scenario is None
    assert found.problems == [("c", "nested more than 12 levels deep")], found.problems


def test_deeply_nested_link_leaves_a_usable_page():
    """The app opens the default preset with the bad-link notice, and keeps working."""
    at = _app()
    at.query_params["p"] = "default"
    at.query_params["c"] = _deep_link(50_000)
    at.run(timeout=TIMEOUT)
    _ok(at)
    assert any("nested more than 12 levels" in e.value for e in at.error), at.error
    assert at.session_state["origin"] == "preset:default"
    assert at.session_state["result"] is not None
    at = at.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    _ok(at)
    at.number_input(key="a.sales.reps").set_value(12)
    at.button(key="submit_assumptions").click().run(timeout=TIMEOUT)
    _ok(at)
    assert at.session_state["scenario"].sales.reps == 12


def _huge(base):
    from sim.io import parse_scenario, scenario_to_dict

    data = scenario_to_dict(base)
    data["market"]["inbound_mqls_per_month"] = 1e7
    data["name"] = "Huge"
    return parse_scenario(data)


def test_over_budget_variant_leaves_a_usable_page(base):
    """A variant over the app's budget (kept from earlier, say) is named with the fields that
    make it large; the other variant is compared, and deleting the bad one works."""
    at = _app()
    at.run(timeout=TIMEOUT)
    at.session_state["variants"] = [
        Variant("Huge", _huge(base), "default"),
        Variant("As published", base, "default"),
    ]
    at = at.switch_page("ui/pages/variants.py").run(timeout=TIMEOUT)
    _ok(at)
    shown = "\n".join(e.value for e in at.error)
    assert "Variant 'Huge'" in shown and "`market.inbound_mqls_per_month" in shown, shown
    table = at.dataframe[0].value
    assert list(table["Variant"]) == ["Huge", "As published"]
    assert table["Verdict"].iloc[0] == "no answer: see the message above"
    assert table["Verdict"].iloc[1] and table["Verdict"].iloc[1] != table["Verdict"].iloc[0]
    at.button(key="variant_delete_0").click().run(timeout=TIMEOUT)
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    assert list(at.dataframe[0].value["Variant"]) == ["As published"]


def test_workshop_file_with_an_over_budget_variant_is_refused(base):
    """Uploading it names the variant and the field; the current variants are kept."""
    import yaml

    items = [Variant("As published", base, "default"), Variant("Huge", _huge(base), "default")]
    at = _app()
    at.run(timeout=TIMEOUT)
    at = at.switch_page("ui/pages/variants.py").run(timeout=TIMEOUT)
    at.file_uploader(key="upload_workshop").upload(
        "workshop.yaml", yaml.safe_dump(workshop_data(items)).encode(), "text/yaml"
    )
    at.run(timeout=TIMEOUT)
    _ok(at)
    shown = "\n".join(e.value for e in at.error)
    assert "variants.1.scenario.market.inbound" in shown, shown
    assert at.session_state["variants"] == []


def test_an_error_in_a_page_is_shown_and_the_session_goes_on(monkeypatch):
    """Any exception in a page body is shown naming the page; the next page still works."""
    from ui import workshop

    def broken(result):
        raise ZeroDivisionError("[click](https://evil.example)")

    at = _app()
    at.run(timeout=TIMEOUT)
    monkeypatch.setattr(workshop, "gap_section", broken)
    at.run(timeout=TIMEOUT)
    _ok(at)
    shown = "\n".join(e.value for e in at.error)
    assert "**Which team?** could not be shown" in shown, shown
    assert "ZeroDivisionError: \\[click\\]\\(https\\:/\u2060/evil\\.example\\)" in shown, shown
    monkeypatch.undo()
    at = at.switch_page("ui/pages/variants.py").run(timeout=TIMEOUT)
    _ok(at)
    assert not at.error
    at = at.switch_page("ui/pages/which_team.py").run(timeout=TIMEOUT)
    _ok(at)
    assert not at.error
