"""Budgets and hostile inputs: each is refused quickly, with exit 2 and the field named.

The hostile cases are those that, unchecked, grew past 6 GiB or ran for minutes: huge
arrival rates, reps, customer bases and growth; 300 workers; 10,000 setups; 2,000 segments;
50,000-deep nesting; overflowing spreads, sizes and costs; an endless stream. Every case
runs in-process through `sim.cli.main` (time and traced memory measured), and all of them
again in one child process whose whole process tree's memory is sampled.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import psutil
import pytest
import yaml
from conftest import base_dict, make

from sim.budget import (
    APP_BUDGET,
    CLI_BUDGET,
    BudgetError,
    budget_from_env,
    check_budget,
    estimate,
)
from sim.cli import main
from sim.io import MAX_NESTING, ScenarioError, load_scenario, parse_scenario, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
REFUSE_SECONDS = 5.0  # each case, untraced, in the child process (a 200 KB YAML: ~1.5 s)
TRACED_SECONDS = 8.0  # in-process with memory tracing on, which slows Python several times
TRACED_CEILING_MB = 60  # in-process: what refusing a case may allocate
TREE_CEILING_MB = 600  # the child process running every case, with its imports


def _write(tmp: Path, name: str, data: object) -> str:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _with(**dotted: object) -> dict:
    """The base scenario as data with dotted changes (no validation: hostile values)."""
    data = base_dict()
    for key, value in dotted.items():
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = value
    return data


def _many_setups(n: int) -> dict:
    data = base_dict()
    data["org"]["setups"] = {"none": [], **{f"s{i}": ["salesops"] for i in range(n)}}
    return data


def _many_segments(n: int) -> dict:
    data = base_dict()
    seg = data["segments"][0]
    data["segments"] = [{**seg, "name": f"seg{i}", "lead_share": 1.0 / n} for i in range(n)]
    return data


def _deep(tmp: Path) -> str:
    path = tmp / "deep.yaml"
    path.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    return str(path)


HOSTILE = {
    # case: (scenario data or a builder, extra CLI arguments, field the message must name)
    "inbound_1e7": (
        lambda t: _with(**{"market.inbound_mqls_per_month": 1e7}),
        [],
        "market.inbound_mqls_per_month",
    ),
    "reps_100000": (lambda t: _with(**{"sales.reps": 100_000}), [], "sales.reps"),
    "customers_1e8": (
        lambda t: _with(**{"starting_customers.count": 10**8}),
        [],
        "starting_customers.count",
    ),
    "growth_0.3": (
        lambda t: _with(
            **{"market.inbound_growth_per_month": 0.3, "market.inbound_growth_cap": None}
        ),
        [],
        "market.inbound_growth_per_month",
    ),
    "growth_1.0": (
        lambda t: _with(
            **{"market.inbound_growth_per_month": 1.0, "market.inbound_growth_cap": None}
        ),
        [],
        "market.inbound_growth_per_month",
    ),
    "workers_300": (lambda t: base_dict(), ["--workers", "300"], "--workers"),
    "setups_10000": (lambda t: _many_setups(10_000), [], "org.setups"),
    "segments_2000": (lambda t: _many_segments(2000), [], "segments"),
    "nesting_50000": (_deep, [], "nested more than"),
    "acv_sigma_1000": (
        lambda t: _with(**{"segments.0.acv.sigma": 1000}),
        [],
        "segments.0.acv.sigma",
    ),
    "expansion_1e300": (
        lambda t: _with(**{"segments.0.expansion.size": 1e300}),
        [],
        "segments.0.expansion.size",
    ),
    "cost_1e308": (lambda t: _with(**{"costs.rep_per_month": 1e308}), [], "costs.rep_per_month"),
    "dev_zero": (lambda t: "/dev/zero", [], "too large"),
}


def _case_args(name: str, tmp: Path) -> tuple[list[str], str]:
    build, extra, field = HOSTILE[name]
    made = build(tmp)
    path = made if isinstance(made, str) else _write(tmp, name, made)
    if name == "dev_zero":
        return ["validate", path], field
    return ["compare", path, "--quiet", *extra], field


BIG_FILES = {"setups_10000", "segments_2000"}  # slow to parse under tracing: child test only


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - BIG_FILES))
def test_hostile_input_is_refused_quickly_with_the_field_named(name, tmp_path, capsys):
    args, field = _case_args(name, tmp_path)
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
    assert field in err, err
    assert "Traceback" not in err
    assert seconds < TRACED_SECONDS, seconds
    assert peak / 1e6 < TRACED_CEILING_MB, peak / 1e6


@pytest.mark.parametrize("name", ["inbound_1e7", "reps_100000", "growth_1.0", "customers_1e8"])
def test_validate_refuses_what_compare_would_refuse(name, tmp_path, capsys):
    args, field = _case_args(name, tmp_path)
    assert main(["validate", args[1]]) == 2
    assert field in capsys.readouterr().err


def _tree_rss_mb(proc: psutil.Process) -> float:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total / 1e6


def test_every_hostile_case_in_a_child_process_stays_under_the_memory_ceiling(tmp_path):
    """One child runs every case through the CLI; its process tree is sampled every 20 ms."""
    cases = {name: _case_args(name, tmp_path)[0] for name in sorted(HOSTILE)}
    code = (
        "import json, sys\n"
        "from sim.cli import main\n"
        "import contextlib, io\n"
        "from time import perf_counter as now\n"
        "out = {}\n"
        "for name, args in json.loads(sys.argv[1]).items():\n"
        "    start, err = now(), io.StringIO()\n"
        "    with contextlib.redirect_stderr(err):\n"
        "        code = main(args)\n"
        "    out[name] = (code, now() - start, err.getvalue())\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(cases)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched = psutil.Process(proc.pid)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss_mb(watched))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        stop.set()
        sampler.join()
    outcome = json.loads(out.strip().splitlines()[-1])
    slowest = max(outcome.items(), key=lambda item: item[1][1])
    print(
        f"\nhostile cases: tree peak {peak[0]:.0f} MB, slowest {slowest[0]} {slowest[1][1]:.2f} s"
    )
    assert {name: code for name, (code, *_) in outcome.items()} == dict.fromkeys(cases, 2), err
    slow = {name: s for name, (_, s, _) in outcome.items() if s > REFUSE_SECONDS}
    assert not slow, slow
    unnamed = {n: m for n, (*_, m) in outcome.items() if HOSTILE[n][2] not in m or "Trace" in m}
    assert not unnamed, unnamed
    assert "Traceback" not in err
    assert peak[0] < TREE_CEILING_MB, peak[0]


# --- the budget itself ----------------------------------------------------------------------


def test_every_preset_fits_the_app_budget_at_its_cap():
    """The shipped companies run in the app at 100 replications with the attribution."""
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        check_budget(load_scenario(path), 100, 2, APP_BUDGET)


def test_the_app_budget_is_tighter_than_the_command_line_budget():
    for field in ("leads_per_run", "total_leads", "memory_mb", "setups", "segments"):
        assert getattr(APP_BUDGET, field) < getattr(CLI_BUDGET, field)


def test_a_run_between_the_budgets_passes_the_cli_and_is_refused_by_the_app():
    sc = make(**{"market.inbound_mqls_per_month": 20_000})
    check_budget(sc, 100, 2, CLI_BUDGET)
    with pytest.raises(BudgetError, match=r"market\.inbound_mqls_per_month") as info:
        check_budget(sc, 100, 2, APP_BUDGET)
    assert "ORGSIM_APP_BUDGET_LEADS_PER_RUN" in str(info.value)


def test_budgets_change_through_the_environment_and_bad_values_are_named():
    env = {"ORGSIM_BUDGET_SETUPS": "3", "ORGSIM_APP_BUDGET_MEMORY_MB": "9_000"}
    assert budget_from_env(CLI_BUDGET, env).setups == 3
    assert budget_from_env(APP_BUDGET, env).memory_mb == 9000
    assert budget_from_env(APP_BUDGET, env).setups == APP_BUDGET.setups
    with pytest.raises(ValueError, match="ORGSIM_BUDGET_TOTAL_LEADS"):
        budget_from_env(CLI_BUDGET, {"ORGSIM_BUDGET_TOTAL_LEADS": "lots"})
    with pytest.raises(BudgetError, match=r"org\.setups: 4 setups"):
        check_budget(make(), 10, 1, budget_from_env(CLI_BUDGET, env))


def test_the_cli_reads_its_budget_from_the_environment(tmp_path, monkeypatch, capsys):
    path = _write(tmp_path, "s", base_dict())
    monkeypatch.setenv("ORGSIM_BUDGET_TOTAL_LEADS", "1000")
    assert main(["compare", path, "--reps", "2", "--quiet"]) == 2
    assert "ORGSIM_BUDGET_TOTAL_LEADS" in capsys.readouterr().err


def test_the_estimate_tracks_the_leads_a_run_really_makes():
    """The estimate counts the leads a run makes, within a small factor of them."""
    from sim.experiments import simulate

    sc = make(**{"analysis.horizon_months": 12})
    est = estimate(sc, 1)
    made = simulate(sc, "none").record.leads
    assert 0.5 * len(made) <= est.leads_per_run <= 3 * len(made)
    assert est.candidates >= est.leads_per_run  # drawn at the arrival stage's bounds


def test_replications_and_segments_are_capped():
    with pytest.raises(BudgetError, match=r"analysis\.replications"):
        check_budget(make(), APP_BUDGET.replications + 1, 1, APP_BUDGET)
    many = parse_scenario(_many_segments(APP_BUDGET.segments + 1))
    with pytest.raises(BudgetError, match="segments: 51 segments"):
        check_budget(many, 2, 1, APP_BUDGET)


# --- parsing limits ---------------------------------------------------------------------------


def test_nesting_is_limited_before_the_parser_recurses():
    ok = "a: " + "[" * (MAX_NESTING - 2) + "]" * (MAX_NESTING - 2)
    parse_yaml(ok)
    with pytest.raises(ScenarioError, match="nested more than"):
        parse_yaml("a: " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ScenarioError, match="nested more than"):
        parse_yaml("\n".join("  " * i + f"k{i}:" for i in range(200)) + " 1")


def test_a_large_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # sparse: its size is known without reading it
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="file too large: 50,000,000 bytes"):
        load_scenario(big)
    assert time.perf_counter() - start < 0.5


def test_overflowing_numbers_are_refused_at_validation_with_the_field():
    for path, value in [
        ("segments.0.acv.sigma", 1000),
        ("segments.0.expansion.size", 1e300),
        ("costs.rep_per_month", 1e308),
        ("org.teams.revops.cost_per_fte_month", 1e300),
        ("lead_handling.first_touch.handling_delay_hours.sigma", 400),
    ]:
        with pytest.raises(ScenarioError, match=path.replace(".", r"\.")):
            make(**{path: value})
    make(**{"segments.0.acv.sigma": 3.0, "segments.0.expansion.size": 5.0})  # large, finite


def test_control_characters_in_a_name_never_reach_the_terminal(tmp_path, capsys):
    name = "Acme \x1b[2J\x1b]0;pwned\x07 Corp\r"
    path = _write(tmp_path, "ansi", {**base_dict(), "name": name})
    assert main(["validate", path]) == 0
    out = capsys.readouterr().out
    assert "Acme [2J]0;pwned Corp" in out
    assert not any(ch in out for ch in "\x1b\x07\r")
