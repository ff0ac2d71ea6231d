"""The "when" search: every combination of start months on common random numbers, the
elimination of clearly worse plans, the cost of delay, and the `plan` command."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import base_dict, make
from test_cli import assert_bad_input, run_main

from sim.executors import make_executor
from sim.plans import plan_name, search_plans
from sim.text.plans import plan_sentence

SERIAL = make_executor("serial", None, 1)
FAST = ["--workers", "1", "--backend", "serial", "--set", "analysis.horizon_months=12"]


def _free(**more):
    return make(
        analysis__horizon_months=12,
        org__teams__salesops__cost_per_fte_month=0.0,
        org__teams__revops__cost_per_fte_month=0.0,
        **more,
    )


def test_free_teams_are_best_started_now():
    """A team that costs nothing and helps: the best plan starts it at month 0."""
    result = search_plans(
        _free(), ["salesops", "revops"], (0, 6, None), replications=6, executor=SERIAL
    )
    assert result.best == plan_name({"salesops": 0, "revops": 0})
    assert result.runs == result.runs_without_elimination == 9 * 6
    assert plan_sentence(result).startswith("Hire SalesOps and RevOps now")
    assert plan_sentence(result, lang="ja").startswith("今すぐSalesOpsとRevOpsを採用")


def test_the_cost_of_delay_is_zero_at_the_best_start_and_never_clearly_negative():
    sc = make(analysis__horizon_months=12)
    result = search_plans(
        sc,
        ["salesops", "revops"],
        (0, 4, 8, None),
        max_replications=20,
        batch=10,
        executor=SERIAL,
    )
    best = result.plan(result.best)
    for team, points in result.delay_cost.items():
        at_best = [p for p in points if p.start == best.starts[team]]
        assert len(at_best) == 1
        assert at_best[0].loss.mean == 0.0
        for p in points:
            assert p.loss.high >= 0.0, (team, p)
    for p in result.plans:
        assert p.loss_vs_best.high >= 0.0, p
    assert result.plan(result.best).replications == result.replications


def test_elimination_spends_fewer_runs_and_keeps_the_best():
    """Plans clearly worse are dropped after the first batch; the best runs to the end."""
    sc = make(analysis__horizon_months=12)
    teams, starts = ["salesops", "revops"], (0, 6, None)
    full = search_plans(sc, teams, starts, replications=20, executor=SERIAL)
    lean = search_plans(sc, teams, starts, max_replications=20, batch=10, executor=SERIAL)
    assert lean.runs < lean.runs_without_elimination == full.runs
    assert lean.plan(lean.best).replications == lean.replications
    dropped = [p for p in lean.plans if p.dropped_after is not None]
    assert dropped and all(p.replications <= lean.replications for p in dropped)
    assert lean.best == full.best
    # common random numbers: the runs both searches made are the same runs
    shared = full.values.iloc[:10][lean.best]
    assert (shared.to_numpy() == lean.values.iloc[:10][lean.best].to_numpy()).all()


def test_the_scenario_own_plans_join_the_search(tmp_path):
    sc = make(
        analysis__horizon_months=12,
        org__plans={"at_20_reps": {"revops": {"when": {"metric": "reps", "at_least": 20}}}},
    )
    result = search_plans(sc, ["revops"], (0, None), replications=3, executor=SERIAL)
    names = [p.name for p in result.plans]
    assert names == ["at_20_reps", "revops@0", "revops@never"]
    # 20 reps never reached: the trigger plan is the plan without RevOps, run for run
    assert (result.values["at_20_reps"] == result.values["revops@never"]).all()


# ----------------------------------------------------------------------------- the command
@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(base_dict(), sort_keys=False), encoding="utf-8")
    return path


def test_plan_json_keeps_its_contract(capsys, scenario_file):
    code, out, err = run_main(
        capsys,
        "plan",
        scenario_file,
        "--teams",
        "salesops,revops",
        "--starts",
        "0,6,never",
        "--reps",
        "3",
        "--format",
        "json",
        *FAST,
    )
    assert code == 0, err
    facts = json.loads(out)
    assert {"scenario", "objective", "seed", "replications", "best", "plans", "delay_cost"} <= set(
        facts
    )
    assert set(facts["best"]) >= {"starts", "p_best"}
    assert len(facts["plans"]) == 9
    for plan in facts["plans"]:
        assert set(plan) >= {"name", "starts", "value", "loss_vs_best", "p_best", "replications"}
        assert set(plan["value"]) == {"mean", "low", "high"}
        assert plan["replications"] == 3
    assert [p["start"] for p in facts["delay_cost"]["revops"]] == [0, 6, None]
    best = facts["best"]["starts"]
    for team, points in facts["delay_cost"].items():
        assert next(p for p in points if p["start"] == best[team])["loss"]["mean"] == 0.0
    assert facts["sentence"]


def test_plan_table_and_csv(capsys, scenario_file):
    code, out, _ = run_main(
        capsys,
        "plan",
        scenario_file,
        "--teams",
        "revops",
        "--starts",
        "0,never",
        "--reps",
        "2",
        *FAST,
    )
    assert code == 0 and "revops@never" in out and "RevOps" in out
    code, out, _ = run_main(
        capsys,
        "plan",
        scenario_file,
        "--teams",
        "revops",
        "--starts",
        "0,never",
        "--reps",
        "2",
        "--format",
        "csv",
        *FAST,
    )
    assert code == 0 and out.splitlines()[0].startswith("scenario,seed,plan")
    assert len(out.strip().splitlines()) == 3


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--starts", "0,12"], "--starts"),
        (["--starts", "0,-3"], "--starts"),
        (["--starts", "0,soon"], "--starts"),
        (["--teams", "mops"], "--teams"),
        (["--objective", "ops_roi"], "--objective"),
        (["--set", "org.plans.p.revops.start=40"], "org.plans.p.revops.start"),
        (["--set", "org.plans.p.revops.when.metric=mood"], "org.plans.p.revops.when.metric"),
        (["--set", "sales.hiring=[{month: 1, reps: -99}]"], "hiring.0.reps"),
    ],
)
def test_bad_plan_input_exits_2_naming_the_field(capsys, scenario_file, args, field):
    assert_bad_input(run_main(capsys, "plan", scenario_file, "--reps", "2", *FAST, *args), field)


def test_plan_checks_the_budget_before_any_work(capsys, scenario_file, monkeypatch):
    monkeypatch.setenv("ORGSIM_BUDGET_REPLICATIONS", "10")
    assert_bad_input(
        run_main(capsys, "plan", scenario_file, "--starts", "0,never", "--reps", "20", *FAST),
        "analysis.replications: 20 replications",
    )
    monkeypatch.delenv("ORGSIM_BUDGET_REPLICATIONS")
    monkeypatch.setenv("ORGSIM_BUDGET_VARIANTS", "10")  # 4 x 4 plans are too many
    assert_bad_input(
        run_main(capsys, "plan", scenario_file, "--starts", "0,3,6,never", "--reps", "2", *FAST),
        "--starts: 16 variants",
    )


def test_a_dearer_team_never_starts_earlier_than_a_cheaper_one():
    """Same runs, only the cost differs: the extra cost weighs most on the earliest starts."""
    starts = (0, 3, 6, 9, None)

    def search(cost):
        sc = make(analysis__horizon_months=12, org__teams__revops__cost_per_fte_month=cost)
        return search_plans(sc, ["revops"], starts, replications=4, executor=SERIAL)

    cheap, dear = search(5_000.0), search(60_000.0)
    order = [plan_name({"revops": s}) for s in starts]
    extra = (cheap.values[order] - dear.values[order]).mean().to_numpy()
    assert (extra[:-1] >= extra[1:] - 1e-6).all(), extra  # later starts lose less to the cost
    month = {name: s for name, s in zip(order, starts, strict=True)}
    rank = {s: i for i, s in enumerate(starts)}
    assert rank[month[dear.best]] >= rank[month[cheap.best]]


def test_a_second_search_reuses_every_run_from_the_cache():
    from sim.cache import RunCache

    cache = RunCache()
    sc = make(analysis__horizon_months=12)
    first = search_plans(sc, ["revops"], (0, None), replications=3, executor=SERIAL, cache=cache)
    again = search_plans(sc, ["revops"], (0, None), replications=3, executor=SERIAL, cache=cache)
    assert first.runs_executed == 6 and again.runs_executed == 0
    assert first.values.equals(again.values)
