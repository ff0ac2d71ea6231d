"""Every entry point checks the one budget before work starts, and the budget is honest.

`report`, every `explore` method and the app's explore page refuse what is too large with
the field and the limit named (exit 2 on the command line), quickly and without building
the variants; the app's explore runs take a place among the concurrent runs as comparisons
do. The estimate follows what the model really simulates, so no normal company (every
preset, the calibrated example) is refused, and a refused run in the app clears its
"being worked out" banner and says what to change.
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import base_dict

from sim.budget import APP_BUDGET, estimate
from sim.cli import main
from sim.experiments import simulate
from sim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumen_ledger"
APP = str(ROOT / "app.py")
TIMEOUT = 180
REFUSE_SECONDS = 8.0  # in-process, memory traced (slow under tracing and a loaded machine)
REFUSE_MB = 60  # traced memory a refusal may allocate


@pytest.fixture(scope="module", autouse=True)
def _imports_done():
    """Import what the commands import, so the timings below are of the refusals alone."""
    from sim.cli.parser import build_parser

    build_parser("en")


def _file(tmp_path: Path, data: dict, name: str = "s") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _refused(args: list[str], capsys) -> tuple[str, float, float]:
    """Run the CLI (memory traced); assert exit 2 and return (stderr, seconds, peak MB)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        code = main(args)
    finally:
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err, seconds, peak / 1e6


@pytest.mark.parametrize(
    ("case", "extra", "named"),
    [
        ("reps", ["--reps", "1000000"], ["analysis.replications", "ORGSIM_BUDGET_REPLICATIONS"]),
        (
            "inbound",
            ["--set", "market.inbound_mqls_per_month=1e7"],
            ["market.inbound_mqls_per_month", "ORGSIM_BUDGET_LEADS_PER_RUN"],
        ),
    ],
)
def test_report_over_budget_is_refused_before_it_runs(tmp_path, capsys, case, extra, named):
    out = tmp_path / "r.html"
    err, seconds, peak = _refused(
        ["report", _file(tmp_path, base_dict()), "--out", str(out), *extra], capsys
    )
    for piece in named:
        assert piece in err, err
    assert not out.exists()
    assert seconds < REFUSE_SECONDS and peak < REFUSE_MB, (seconds, peak)


def test_report_with_too_many_setups_is_refused_before_simulating(tmp_path, capsys):
    data = base_dict()
    data["org"]["setups"] = {"none": [], **{f"s{i}": ["salesops"] for i in range(10_001)}}
    err, _, _ = _refused(
        ["report", _file(tmp_path, data), "--out", str(tmp_path / "r.html")], capsys
    )
    assert "org.setups: 10,002 setups" in err and "ORGSIM_BUDGET_SETUPS" in err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (
            [
                "map",
                "--x",
                "market.audience_size=1000:50000:300",
                "--y",
                "sales.selling_time_share=0.2:0.6:300",
            ],
            "map grid points (--x, --y): 90,000 variants",
        ),
        (
            ["breakeven", "--param", "sales.reps", "--points", "100000"],
            "breakeven points (--points): 100,000 variants",
        ),
        (
            ["discover", "--setup", "both", "--samples", "1000000"],
            "sampled points (--samples): 1,000,000 variants",
        ),
    ],
    ids=["map_300x300", "breakeven_1e5", "discover_1e6"],
)
def test_explore_over_budget_is_refused_naming_the_option_and_limit(tmp_path, capsys, args, named):
    path = _file(tmp_path, base_dict())
    err, seconds, peak = _refused(["explore", args[0], path, "--quiet", *args[1:]], capsys)
    assert named in err and "ORGSIM_BUDGET_VARIANTS" in err, err
    assert seconds < REFUSE_SECONDS and peak < REFUSE_MB, (seconds, peak)


def test_explore_within_the_variant_cap_but_over_the_work_is_refused(tmp_path, capsys):
    path = _file(tmp_path, base_dict())
    x = "market.audience_size=1000:50000:100"
    y = "sales.selling_time_share=0.2:0.6:100"
    err, _, _ = _refused(["explore", "map", path, "--quiet", "--x", x, "--y", y], capsys)
    assert "map grid points (--x, --y), replications: about 14.6 billion leads" in err
    assert "ORGSIM_BUDGET_EXPLORE_LEADS" in err, err


def _companies() -> list[tuple[str, object]]:
    out = [(p.stem, load_scenario(p)) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    return out


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    out = tmp_path_factory.mktemp("cal") / "c.yaml"
    args = ["calibrate", "--out", str(out)]
    for kind in ("deals", "leads", "customers"):
        args += [f"--{kind}", str(EXAMPLE / f"{kind}.csv")]
    assert main(args) == 0
    return load_scenario(out)


def test_the_estimate_is_within_a_sane_factor_of_the_leads_really_simulated(calibrated):
    """Over every preset and the calibrated example: 0.5x to 3x the leads a run makes."""
    ratios = {}
    for name, sc in [*_companies(), ("calibrated example", calibrated)]:
        made = [len(simulate(sc, s, 0, 0).record.leads.created) for s in sc.setup_names]
        ratios[name] = estimate(sc, 1).leads_per_run / (sum(made) / len(made))
    assert all(0.5 <= r <= 3.0 for r in ratios.values()), ratios


def test_the_calibrated_example_fits_the_app_budget(calibrated):
    """It was refused ('64.1 million leads ... allows 60.0 million') for ~290 MQLs a month."""
    from ui.runs import check_app_budget
    from ui.state import RunSettings

    est = check_app_budget(calibrated, RunSettings())
    assert est.total_leads < APP_BUDGET.total_leads / 2
    assert est.leads_per_run < 30_000


def test_an_explore_run_in_the_app_takes_a_place_among_the_concurrent_runs():
    from ui import explore_runs, runs

    board = runs.run_board()
    seen = []

    def method(options):
        seen.append((board.snapshot()["runs_running"], options.budget.name))
        return "answer"

    assert explore_runs.run_method("gate-test", method, 3, 0, "test") == "answer"
    assert seen == [(1, "app")]
    assert board.snapshot()["runs_running"] == 0
    with board.session_slot(runs._session_id()), pytest.raises(runs.SessionBusy):
        explore_runs.run_method("gate-test-2", method, 3, 0, "test")


def test_the_explore_page_refuses_a_map_over_the_app_budget(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ORGSIM_APP_REPS", "3")
    monkeypatch.setenv("ORGSIM_APP_BUDGET_VARIANTS", "20")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    at.button(key="run_map").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(e.value for e in at.error).replace("\\", "")  # shown Markdown-escaped
    assert "map grid points" in text and "36 variants" in text, text
    assert "ORGSIM_APP_BUDGET_VARIANTS" in text


def test_a_refused_run_clears_its_banner_and_says_what_to_change(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ORGSIM_APP_REPS", "3")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    assert not at.exception and at.session_state["result"] is not None
    monkeypatch.setenv("ORGSIM_APP_BUDGET_TOTAL_LEADS", "1000")
    at.session_state["settings"] = replace(at.session_state["settings"], replications=4)
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "Out of date" in w.value]
    text = "\n".join(e.value for e in at.error).replace("\\", "")  # shown Markdown-escaped
    assert "too large for the app" in text and "ORGSIM_APP_BUDGET_TOTAL_LEADS" in text, text


def test_a_back_test_over_budget_is_refused_before_it_simulates(tmp_path, capsys):
    out = tmp_path / "c.yaml"
    args = ["calibrate", "--deals", str(EXAMPLE / "deals.csv"), "--out", str(out)]
    args += ["--backtest", str(tmp_path / "bt.json"), "--reps", "1000000"]
    err, _, _ = _refused(args, capsys)
    assert "back-test (--reps): analysis.replications: 1,000,000 replications" in err, err
    assert not out.exists()


def test_the_explore_pages_defaults_fit_the_app_budget_for_every_company(calibrated):
    """A 6x6 map, 48 sampled points, the tornado and 7 breakeven points at 20 futures, and
    value of information at 100, for every preset and the calibrated example; the one-click
    10x10 map at 200 futures (20,000 tasks) is refused for every one of them."""
    from sim.budget import BudgetError, check_explore
    from sim.explore.inputs import default_input_paths

    for name, sc in [*_companies(), ("calibrated example", calibrated)]:
        ends = 2 * len(default_input_paths(sc)) + 1
        for points, reps in [(36, 20), (48, 20), (ends, 20), (7, 20), (1, 100)]:
            check_explore(sc, points, reps, name, 2, APP_BUDGET)
        with pytest.raises(BudgetError, match="ORGSIM_APP_BUDGET_EXPLORE_LEADS"):
            check_explore(sc, 100, 200, name, 2, APP_BUDGET)
