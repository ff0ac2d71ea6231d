"""The When? page's pure parts, and plans carried by the link, the variants and the report.

The plan search for the app (`ui.when_data.run_when`: the search and the fans of its best
plan), the frames its charts draw, the plan form's round trip through the schema; the share
link and the workshop file keep `org.plans` and `sales.hiring`; the report's "When" section
from the app and from `python -m sim report --plan-teams`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import base_dict, make
from test_cli import assert_bad_input, run_main

from sim.budget import CLI_BUDGET
from sim.executors import make_executor
from sim.io import load_scenario
from sim.text.plans import plan_sentence
from sim.text.workshop import change_text
from sim.workshop import Variant, changes, read_workshop, workshop_data
from ui import urlstate
from ui import when_data as data

ROOT = Path(__file__).resolve().parent.parent
SERIAL = make_executor("serial", None, 1)
TEAMS = ["salesops", "revops"]
STARTS = [0, 6, None]
HORIZON = 12


@pytest.fixture(scope="module")
def base():
    return load_scenario(ROOT / "scenarios" / "default.yaml")


@pytest.fixture(scope="module")
def with_plans(base):
    """The default preset with a hiring plan, attrition, a dated and a triggered plan."""
    return load_scenario(
        ROOT / "scenarios" / "default.yaml",
        [
            "sales.hiring=[{month: 3, reps: 2}, {month: 12, reps: -1}]",
            "sales.attrition_per_year=0.25",
            "sales.ramp_months=4",
            "org.plans={later: {salesops: {start: 6}}, "
            "on_arr: {salesops: {start: 0}, revops: {when: {metric: cold_share, at_least: 0.2},"
            " recruit_months: 2}}}",
        ],
    )


@pytest.fixture(scope="module")
def when():
    """A tiny search: two teams x three starts, 3 futures each, 12 months, seats simulated."""
    sc = make(
        analysis__horizon_months=HORIZON,
        sales__hiring=[{"month": 2, "reps": 2}],
        sales__attrition_per_year=0.3,
        sales__ramp_months=3,
    )
    result = data.run_when(sc, TEAMS, STARTS, 3, 0, workers=1, budget=CLI_BUDGET, executor=SERIAL)
    return sc, result


# ----------------------------------------------------------------------------- link, variants
def test_share_link_carries_plans_and_hiring(base, with_plans):
    params = urlstate.encode("default", base, with_plans)
    paths = {c.path for c in changes(base, with_plans)}
    assert {"org.plans", "sales.hiring", "sales.attrition_per_year"} <= paths
    found = urlstate.decode(params, {"default": base}, "default")
    assert not found.problems, found.problems
    assert found.scenario == with_plans
    assert found.scenario.org.plans["on_arr"]["revops"].when.metric == "cold_share"
    assert [h.reps for h in found.scenario.sales.hiring] == [2, -1]
    assert urlstate.encode("default", base, found.scenario) == params


def test_share_link_carries_one_moved_start(with_plans):
    """Against a base with plans, a moved start travels as that one field."""
    moved = load_scenario(
        ROOT / "scenarios" / "default.yaml",
        [
            "sales.hiring=[{month: 3, reps: 2}, {month: 12, reps: -1}]",
            "sales.attrition_per_year=0.25",
            "sales.ramp_months=4",
            "org.plans={later: {salesops: {start: 9}}, "
            "on_arr: {salesops: {start: 0}, revops: {when: {metric: cold_share, at_least: 0.2},"
            " recruit_months: 2}}}",
        ],
    )
    assert [c.path for c in changes(with_plans, moved)] == ["org.plans.later.salesops.start"]
    found = urlstate.decode(
        urlstate.encode("default", with_plans, moved), {"default": with_plans}, "default"
    )
    assert not found.problems and found.scenario == moved


def test_variants_carry_plans_and_hiring(base, with_plans):
    items = [Variant("As published", base, "default"), Variant("Plans", with_plans, "default")]
    back = read_workshop(yaml.safe_dump(workshop_data(items), allow_unicode=True))
    assert back == items
    assert back[1].scenario.org.plans == with_plans.org.plans
    assert back[1].scenario.sales.hiring == with_plans.sales.hiring


def test_what_changed_words_plans_and_hiring(base, with_plans):
    """The variants' and the report's change list say what a plan and a hiring plan are."""
    found = {c.path: c for c in changes(base, with_plans)}
    plans = change_text(found["org.plans"], "en", "USD")
    assert "later: SalesOps: month 6" in plans and "share of SQLs going cold reaches 20%" in plans
    assert "+2 seats in month 3" in change_text(found["sales.hiring"], "en", "USD")
    ja = change_text(found["org.plans"], "ja", "USD")
    assert "6か月目" in ja and "month" not in ja and "reaches" not in ja


# ----------------------------------------------------------------------------- the plan form
def test_plan_form_round_trip(with_plans):
    """A plan's form values give the plan back (shares shown in percent)."""
    inputs = data.plan_inputs(with_plans, "on_arr")
    assert inputs["revops"]["kind"] == "trigger" and inputs["revops"]["at_least"] == 20.0
    new, problems = data.with_plan(with_plans, "on_arr", "on_arr", data.plan_from_inputs(inputs))
    assert not problems and new == with_plans
    blank = data.plan_inputs(with_plans, None)
    assert {row["kind"] for row in blank.values()} == {"month"}


def test_plan_form_saves_renames_and_deletes(with_plans):
    inputs = data.plan_inputs(with_plans, "later")
    inputs["revops"] |= {"kind": "trigger", "metric": "arr", "at_least": 2e6, "recruit": 3}
    new, problems = data.with_plan(with_plans, "later", "both_later", data.plan_from_inputs(inputs))
    assert not problems
    assert "later" not in new.org.plans
    step = new.org.plans["both_later"]["revops"]
    assert step.when.metric == "arr" and step.when.at_least == 2e6 and step.recruit_months == 3
    gone, problems = data.with_plan(new, "both_later", "", None)
    assert not problems and list(gone.org.plans) == ["on_arr"]


@pytest.mark.parametrize(
    ("name", "change", "field"),
    [
        ("bad name!", {}, "org.plans"),
        ("on_arr", {}, "org.plans.on_arr"),
        ("both", {}, "org.plans.both"),
        ("late", {"salesops": {"kind": "month", "start": 40}}, "org.plans.late.salesops.start"),
        ("low", {"revops": {"kind": "trigger", "recruit": 30}}, "org.plans.low.revops"),
    ],
)
def test_plan_form_problems_name_the_field(with_plans, name, change, field):
    inputs = data.plan_inputs(with_plans, None)
    for team, row in change.items():
        inputs[team] |= row
    new, problems = data.with_plan(with_plans, None, name, data.plan_from_inputs(inputs))
    assert new is None
    assert any(p.startswith(field) for p, _ in problems), problems


# ----------------------------------------------------------------------------- the search
def test_run_when_gives_the_search_and_its_fans(when):
    _sc, result = when
    s = result.search
    assert len(s.plans) == 9 and s.replications == 3
    frame = data.plans_frame(result)
    assert frame["best"].iloc[0] and frame["loss_vs_best"].iloc[0] == 0.0
    assert (frame["loss_vs_best"].iloc[1:] >= frame["loss_vs_best"].iloc[0]).all()
    assert sorted(set(result.fans["line"])) == ["best", "none"]
    assert sorted(set(result.fans["month"])) == list(range(1, HORIZON + 1))
    # the ops teams hire no reps: the seats are the same in every plan, ARR is not
    assert data.same_lines(result.fans, "seats_filled")
    assert data.same_lines(result.fans, "ramped_reps")
    arr = result.fans[result.fans["series"] == "arr"]
    assert (arr[arr["line"] == "best"]["p90"] >= arr[arr["line"] == "best"]["p10"]).all()
    facts = json.loads(data.facts_json(result))
    assert facts["best"]["name"] == s.best and facts["sentence"] == plan_sentence(s)
    assert data.plans_csv(result).splitlines()[0].startswith("plan,plan_words")


def test_delay_and_timeline_frames(when):
    sc, result = when
    best = result.search.plan(result.search.best)
    delay = data.delay_frame(result)
    assert len(delay) == len(TEAMS) * len(STARTS)
    never = delay[delay["never"]]
    assert (never["x"] == data.never_x(HORIZON)).all() and data.never_x(HORIZON) > HORIZON
    for team in TEAMS:
        at_best = delay[
            (delay["team"] == team) & (delay["start"].isna() == (best.starts[team] is None))
        ]
        if best.starts[team] is not None:
            at_best = at_best[at_best["start"] == best.starts[team]]
        assert at_best["loss"].iloc[0] == 0.0
    timeline = data.timeline_frame(result)
    for team in TEAMS:
        rows = timeline[timeline["team"] == team]
        start = best.starts[team]
        if start is None:
            assert list(rows["phase"]) == ["never"]
            continue
        assert rows["begin"].min() == start and rows["end"].max() == HORIZON
        ramp = sc.org.teams[team].months_to_full_effect
        if ramp > 0 and start < HORIZON:
            assert rows.iloc[0]["phase"] == "ramp"
            assert rows.iloc[0]["end"] == min(HORIZON, start + ramp)


def test_charts_draw_never_and_the_teams(when):
    from ui.when_charts import delay_chart, lines_fan_chart, timeline_chart
    from ui.widgets import chart_svg

    _sc, result = when
    svg = chart_svg(
        delay_chart(
            data.delay_frame(result, "ja"),
            HORIZON,
            data.never_x(HORIZON),
            "開始月",
            "損失",
            lang="ja",
        )
    )
    assert ">なし<" in svg and ">RevOps<" in svg and ">SalesOps<" in svg
    svg = chart_svg(timeline_chart(data.timeline_frame(result), HORIZON, "Month"))
    assert ">SalesOps<" in svg and ">RevOps<" in svg
    arr = result.fans[result.fans["series"] == "arr"].assign(key=result.fans["line"])
    svg = chart_svg(lines_fan_chart(arr, {"best": "Best plan", "none": "No ops team"}, "ARR"))
    assert ">Best plan<" in svg and ">No ops team<" in svg


def test_when_charts_fit_a_phone():
    """Legends sit under the plot (long labels one a line on a phone); a team starting late
    has its start written leftwards from the horizon's end, not past the plot's edge."""
    import pandas as pd

    from ui.when_charts import lines_fan_chart, timeline_chart

    frame = pd.DataFrame(
        [
            ("salesops", "SalesOps", "month 0", "ramp", 0.0, 4.0),
            ("salesops", "SalesOps", "month 0", "full", 4.0, 12.0),
            ("revops", "RevOps", "month 10", "ramp", 10.0, 12.0),
        ],
        columns=["team", "team_name", "start_words", "phase", "begin", "end"],
    )
    spec = timeline_chart(frame, 12, "Month").to_dict()
    bars, early, late = spec["layer"]
    assert bars["encoding"]["opacity"]["legend"]["orient"] == "bottom"
    assert early["mark"]["align"] == "left" and late["mark"]["align"] == "right"
    assert [r["team_name"] for r in spec["datasets"][early["data"]["name"]]] == ["SalesOps"]
    assert [r["team_name"] for r in spec["datasets"][late["data"]["name"]]] == ["RevOps"]
    fans = pd.DataFrame(
        {"key": ["best", "none"], "month": [1, 1], "p10": 1.0, "p50": 2.0, "p90": 3.0}
    )
    short = {"best": "Best plan", "none": "No ops team"}
    long = {"best": "Sales seats filled", "none": "Sales seats filled, no ops team"}
    for labels, columns in ((short, 2), (long, 1)):
        legend = lines_fan_chart(fans, labels, "ARR").to_dict()["layer"][0]["encoding"]
        legend = legend["color"]["legend"]
        assert legend["orient"] == "bottom"
        assert legend["columns"]["expr"].endswith(f"? {columns} : 0")


# ----------------------------------------------------------------------------- the report
@pytest.fixture
def _no_svg(monkeypatch):
    """The report's charts as empty SVG: their drawing is tested elsewhere, and slow."""
    import sim.report

    monkeypatch.setattr(sim.report, "svg", lambda spec: "<svg></svg>")


@pytest.mark.usefixtures("_no_svg")
def test_report_has_a_when_section_with_a_search(when):
    from sim.report import report_html
    from sim.verdict import compare

    sc, result = when
    comparison = compare(sc, replications=2, seed=0, explain=False, executor=SERIAL)
    plain = report_html(comparison)
    assert "When to start each team" not in plain
    page = report_html(comparison, plans=result.search)
    assert "<h2>When to start each team</h2>" in page
    assert plan_sentence(result.search).split(";")[0].replace("&", "&amp;") in page
    section = page.split("<h2>When to start each team</h2>", 1)[1].split("</table>")[0]
    assert section.count("<tr>") == 1 + len(TEAMS) * len(STARTS)
    ja = report_html(comparison, lang="ja", plans=result.search)
    assert "各チームをいつ始めるか" in ja


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(base_dict(), sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.usefixtures("_no_svg")
def test_report_command_adds_when_with_plan_teams(capsys, scenario_file, tmp_path):
    out = tmp_path / "report.html"
    fast = ["--workers", "1", "--backend", "serial", "--set", "analysis.horizon_months=12"]
    code, _, err = run_main(
        capsys,
        "report",
        scenario_file,
        "--out",
        out,
        "--reps",
        "2",
        "--plan-teams",
        "revops",
        "--plan-starts",
        "0,never",
        *fast,
    )
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    section = page.split("<h2>When to start each team</h2>", 1)[1].split("</table>")[0]
    assert section.count("<tr>") == 3 and "RevOps" in section
    assert_bad_input(
        run_main(capsys, "report", scenario_file, "--out", out, "--plan-starts", "0", *fast),
        "--plan-starts",
    )
    assert_bad_input(
        run_main(
            capsys,
            "report",
            scenario_file,
            "--out",
            out,
            "--reps",
            "2",
            "--plan-teams",
            "mops",
            *fast,
        ),
        "--plan-teams",
    )
