"""The report's explore sections: a curve (P(best) chart and table) and the doubt split.

From `report_html(..., curve=, doubt=)` with and without them, and from `python -m sim
report --curve-param PATH [--curve-between LOW HIGH] [--curve-points N] --doubt`, whose
options are checked (exit 2, the option named) before the comparison runs.
"""

from __future__ import annotations

import html
import re

import pytest
import yaml
from conftest import base_dict, make
from test_cli import assert_bad_input, run_main

from sim.executors import make_executor
from sim.explore import RunOptions
from sim.explore.curve import curve
from sim.explore.doubt import doubt
from sim.report import p_best_spec, report_html, setup_colors
from sim.text.curve import curve_text
from sim.text.doubt import doubt_text
from sim.verdict import compare

SERIAL = make_executor("serial", None, 1)
FAST = ["--workers", "1", "--backend", "serial", "--set", "analysis.horizon_months=12"]
CURVE = "Which setup is best along"
DOUBT = "<h2>Chance or not knowing the inputs</h2>"


@pytest.fixture
def specs(monkeypatch):
    """The report's charts as empty SVG (drawing them is slow); the specs asked for, kept."""
    import sim.report

    asked: list[dict] = []

    def fake(spec):
        asked.append(spec)
        return f'<svg data-chart="{len(asked)}"></svg>'

    monkeypatch.setattr(sim.report, "svg", fake)
    return asked


@pytest.fixture(scope="module")
def runs():
    """A tiny comparison, a size curve of 3 points and a doubt split, on 3 futures."""
    sc = make(analysis__horizon_months=12)
    comparison = compare(sc, replications=3, seed=0, explain=False, executor=SERIAL)
    options = RunOptions(replications=3, seed=0, executor=SERIAL)
    c = curve(sc, "company.size", 0.5, 2.0, 3, options)
    d = doubt(sc, options)
    return comparison, c, d


def _section(page: str, start: str) -> str:
    """From the heading that contains `start` to the next heading."""
    i = page.index(start)
    return page[i : page.index("<h2>", i + len(start))]


def test_the_report_has_no_explore_sections_unless_given(runs, specs):
    comparison, _, _ = runs
    page = report_html(comparison)
    assert CURVE not in page and DOUBT not in page
    assert len(specs) == 2  # the gap and the profit charts only


def test_the_report_carries_a_curve_and_a_doubt_split(runs, specs):
    comparison, c, d = runs
    page = report_html(comparison, curve=c, doubt=d)
    assert len(specs) == 3
    section = _section(page, CURVE)
    for line in curve_text(c):
        assert html.escape(line) in section
    table = section.split("<tbody>", 1)[1].split("</tbody>")[0]
    assert table.count("<tr>") == len(c.points)
    assert 'data-chart="3"' in section  # the P(best) chart, drawn inline
    split = _section(page, DOUBT)
    for setup in d.gains:
        assert html.escape(doubt_text(d, setup)) in split
    rows = re.findall(r"<tr>(.*?)</tr>", split.split("<tbody>", 1)[1])
    assert len(rows) == len(d.gains)
    for row, g in zip(rows, d.gains.values(), strict=True):
        cells = re.findall(r"<td>(.*?)</td>", row)
        assert cells[2] == f"{g.chance_share:.0%}" and cells[3] == f"{g.input_share:.0%}"
    # after the other sections, before the assumptions
    assert page.index(CURVE) < page.index(DOUBT) < page.index("Assumptions that differ")


def test_the_report_sections_are_in_japanese(runs, specs):
    comparison, c, d = runs
    page = report_html(comparison, lang="ja", curve=c, doubt=d)
    assert "偶然か、前提を知らないことか" in page and "に沿って最良の体制" in page
    assert "Share from chance" not in page and "simulated futures" not in page


def test_the_p_best_chart_keeps_the_setup_colours_and_a_log_axis_for_the_size(runs):
    _, c, _ = runs
    spec = p_best_spec(c)
    colors = setup_colors(c.setups)
    line = spec["layer"][1]["encoding"]
    assert line["color"]["scale"]["range"] == [colors[s] for s in c.setups]
    assert line["x"]["scale"]["type"] == "log"
    assert len(spec["data"]["values"]) == len(c.points) * len(c.setups)
    assert spec["layer"][-1]["data"]["values"] == [{"today": 1.0}]


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(base_dict(), sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.usefixtures("specs")
def test_report_command_adds_a_curve_and_the_doubt(capsys, scenario_file, tmp_path):
    out = tmp_path / "report.html"
    code, _, err = run_main(
        capsys,
        "report",
        scenario_file,
        "--out",
        out,
        "--reps",
        "2",
        "--curve-param",
        "company.size",
        "--curve-between",
        "0.5",
        "2",
        "--curve-points",
        "3",
        "--doubt",
        *FAST,
    )
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    table = _section(page, CURVE).split("<tbody>", 1)[1].split("</tbody>")[0]
    assert table.count("<tr>") == 3 and "0.5× today" in table and "2× today" in table
    assert DOUBT in page


@pytest.mark.parametrize(
    ("extra", "named", "variants"),
    [
        (["--curve-between", "1", "2"], "--curve-between", None),
        (["--curve-points", "3"], "--curve-points", None),
        (["--curve-param", "no.such.field"], "--curve-param", None),
        (["--curve-param", "company.size", "--curve-between", "2", "1"], "--curve-between", None),
        (["--curve-param", "company.size", "--curve-between", "0", "1"], "--curve-between", None),
        (["--curve-param", "company.size", "--curve-points", "1"], "--curve-points", None),
        # over the budget's variants: 5 curve points, a doubt's two variants
        (["--curve-param", "company.size", "--curve-points", "5"], "--curve-points", "4"),
        (["--doubt"], "--doubt", "1"),
    ],
)
def test_report_command_checks_its_explore_options_before_running(
    capsys, monkeypatch, scenario_file, tmp_path, extra, named, variants
):
    import sim.verdict

    def never(*args, **kwargs):
        raise AssertionError("the comparison ran before the options were checked")

    monkeypatch.setattr(sim.verdict, "compare", never)
    if variants is not None:
        monkeypatch.setenv("ORGSIM_BUDGET_VARIANTS", variants)
    out = tmp_path / "report.html"
    found = run_main(capsys, "report", scenario_file, "--out", out, "--reps", "2", *extra, *FAST)
    assert_bad_input(found, named)
    assert not out.exists()
