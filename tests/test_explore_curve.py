"""Curves: P(best) and expected loss along one input, the company's size, the command line."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from conftest import make

import sim
from sim.cli import main
from sim.executors import SerialExecutor
from sim.explore import RunOptions
from sim.explore.curve import (
    SIZE,
    Curve,
    CurvePoint,
    SetupPoint,
    curve,
    size_changes,
    size_input,
    wilson,
)
from sim.explore.inputs import make_input
from sim.io import scenario_to_yaml
from sim.text.curve import curve_text
from sim.verdict.stats import Interval

REPS = 4
SEED = 3
COST = "org.teams.revops.cost_per_fte_month"


@pytest.fixture(scope="module")
def scenario():
    return make(horizon_months=12)


def _options() -> RunOptions:
    return RunOptions(replications=REPS, seed=SEED, executor=SerialExecutor())


@pytest.fixture(scope="module")
def plain(scenario):
    """The plain comparison of the scenario as it is, same seed and replications."""
    return sim.compare(scenario, REPS, seed=SEED, explain=False, executor=SerialExecutor())


@pytest.mark.parametrize(("param", "low", "high"), [(COST, 7000, 27000), (SIZE, 0.5, 2.0)])
def test_at_the_company_own_value_the_curve_is_the_comparison(scenario, plain, param, low, high):
    """At today's value (the middle of three) each setup's P(best) and expected loss are the
    comparison's P(best) and regret: same futures, same tie rule."""
    c = curve(scenario, param, low, high, points=3, options=_options())
    today = 17000 if param == COST else 1.0
    assert c.values[1] == today and c.today == today
    at = c.points[1].setups
    assert set(at) == set(plain.setups)
    for name, summary in plain.setups.items():
        assert at[name].p_best == summary.p_best
        assert at[name].expected_loss.mean == pytest.approx(summary.regret, rel=1e-9, abs=1e-6)
        lo, hi = at[name].p_best_interval
        assert 0 <= lo <= at[name].p_best <= hi <= 1
    assert sum(s.p_best for s in at.values()) == pytest.approx(1.0)
    assert c.points[1].best == plain.verdict.best
    # the ends differ from today: the input does move the figures
    moved = [
        c.points[i].setups[s].expected_loss.mean != at[s].expected_loss.mean
        for i in (0, 2)
        for s in at
    ]
    assert any(moved)


def test_a_setup_best_in_every_future_has_no_loss():
    """Teams that cost a fortune: none is best in every replication at every size, so its
    expected loss is exactly 0 with a zero interval and its P(best) is 1."""
    dear = make(
        horizon_months=12,
        **{
            "org.teams.revops.cost_per_fte_month": 1e8,
            "org.teams.salesops.cost_per_fte_month": 1e8,
        },
    )
    c = curve(dear, SIZE, 0.5, 2.0, points=3, options=_options())
    assert len(c.points) == 3
    for p in c.points:
        none = p.setups["none"]
        assert none.p_best == 1.0
        assert (none.expected_loss.mean, none.expected_loss.low, none.expected_loss.high) == (
            0.0,
            0.0,
            0.0,
        )
        assert p.best == "none"
        for name, s in p.setups.items():
            if name != "none":
                assert s.p_best == 0.0 and s.expected_loss.mean > 0 and not s.beats_none
    assert c.pays_from() == {"salesops": None, "revops": None, "both": None}


def test_company_size_scales_reps_leads_and_the_rest_together():
    sc = make(
        **{
            "sales.reps": 8,
            "sales.hiring": [{"month": 3, "reps": 2}, {"month": 6, "reps": -4}],
            "starting_customers.count": 150,
            "starting_customers.mrr_each": 3000,
            "costs.other_gtm_per_month": 100000,
        }
    )
    half = size_changes(sc, 0.5)
    assert half["sales.reps"] == 4
    # the plan's seats as running totals: 8 -> 10 -> 6 becomes 4 -> 5 -> 3
    assert (half["sales.hiring.0.reps"], half["sales.hiring.1.reps"]) == (1, -2)
    assert half["market.inbound_mqls_per_month"] == sc.market.inbound_mqls_per_month / 2
    assert half["market.audience_size"] == sc.market.audience_size / 2
    assert half["market.marketing_spend_per_month"] == sc.market.marketing_spend_per_month / 2
    assert half["lead_handling.first_touch.capacity"] == 2  # 3 SDRs -> 1.5, rounded
    assert half["costs.other_gtm_per_month"] == 50000
    assert half["starting_customers.count"] == 75
    assert size_changes(sc, 0.01)["sales.reps"] == 1  # never below one rep
    assert size_changes(sc, 0.01)["lead_handling.first_touch.capacity"] == 1
    same = size_changes(sc, 1.0)
    assert same["sales.reps"] == sc.sales.reps
    assert same["market.inbound_mqls_per_month"] == sc.market.inbound_mqls_per_month
    # no audience (an unlimited market) and reps making first touches stay so
    open_market = make(**{"market.audience_size": None, "lead_handling.first_touch.capacity": 0})
    twice = size_changes(open_market, 2.0)
    assert "market.audience_size" not in twice
    assert "lead_handling.first_touch.capacity" not in twice
    with pytest.raises(ValueError, match=SIZE):
        size_changes(sc, 0.0)


def test_the_size_grid_is_geometric_and_holds_today():
    grid = size_input().grid(9)
    assert grid[0] == 0.25 and grid[-1] == 4.0 and 1.0 in grid
    ratios = [b / a for a, b in itertools.pairwise(grid)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-6)
    with pytest.raises(ValueError, match=SIZE):
        size_input(-1, 2)


def test_wilson_matches_its_closed_form():
    lo, hi = wilson(0.5, 10, 0.95)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    lo, hi = wilson(1.0, 20, 0.90)
    assert hi == 1.0 and 0.85 < lo < 0.9
    assert wilson(0.0, 20, 0.90)[0] == 0.0


def _point(value: float, gains: dict[str, float]) -> CurvePoint:
    setups = {"none": SetupPoint(0.5, (0.2, 0.8), Interval(1.0, 0.0, 2.0), None)}
    for name, g in gains.items():
        setups[name] = SetupPoint(
            0.5, (0.2, 0.8), Interval(1.0, 0.0, 2.0), Interval(g, g - 1, g + 1)
        )
    return CurvePoint(value, setups, {})


def test_pays_from_reads_the_first_value_from_which_on_a_team_clearly_beats_none():
    """Clearly beats = mean gain and the interval's low end above 0 (gain g, interval g ± 1)."""
    sc = make()
    gains = [  # salesops pays from 2 on; revops pays up to 1; both pays only in the middle
        {"salesops": 5.0, "revops": 5.0, "both": -5.0},
        {"salesops": 0.5, "revops": 5.0, "both": 5.0},
        {"salesops": 5.0, "revops": -5.0, "both": -5.0},
        {"salesops": 5.0, "revops": -5.0, "both": -5.0},
    ]
    points = [_point(float(i), g) for i, g in enumerate(gains)]
    c = Curve(sc, "value_created", 0.9, 4, 0, size_input(0.25, 4), (0.0, 3.0), points)
    assert c.pays_from() == {"salesops": 2.0, "revops": None, "both": None}
    assert c.pays_up_to() == {"salesops": 0.0, "revops": 1.0, "both": None}
    text = " ".join(curve_text(c))
    assert "SalesOps clearly beats No ops team from 2× today upward" in text
    assert "RevOps clearly beats No ops team up to 1× today" in text
    assert "only between 1× today and 1× today" in text
    facts = c.facts()
    assert facts["pays_from"]["salesops"] == 2.0 and facts["pays_up_to"]["revops"] == 1.0


def test_a_team_effect_axis_runs_as_make_input_makes_it(scenario):
    item = make_input(scenario, "org.teams.revops.effects")
    c = curve(scenario, item, None, None, points=2, options=_options())
    assert c.values == [0.0, 1.0] and c.today is None
    worst, best = (p.setups["revops"].vs_none.mean for p in c.points)
    assert best > worst  # a team at the favourable end of its ranges gains more


RUN = ["--reps", "2", "--backend", "serial", "--quiet"]


def test_cli_json_csv_and_bad_input(tmp_path, capsys):
    f = tmp_path / "s.yaml"
    f.write_text(scenario_to_yaml(make(horizon_months=6)), encoding="utf-8")
    args = ["explore", "curve", str(f), "--param", SIZE, "--between", "0.5", "2", "--points", "2"]
    assert main([*args, *RUN, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"scenario", "objective", "confidence", "replications", "seed"} <= set(out)
    assert {"param", "points", "pays_from"} <= set(out)
    assert out["param"] == SIZE and [p["value"] for p in out["points"]] == [0.5, 2.0]
    setups = out["points"][0]["setups"]
    assert set(setups) == {"none", "salesops", "revops", "both"}
    for s in setups.values():
        assert {"p_best", "expected_loss"} <= set(s)
        assert set(s["expected_loss"]) == {"mean", "low", "high"}
        assert 0 <= s["p_best"] <= 1 and math.isfinite(s["expected_loss"]["mean"])
    assert set(out["pays_from"]) == {"salesops", "revops", "both"}
    assert main([*args, *RUN, "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("param,value,setup,p_best,p_best_low,p_best_high,expected_loss")
    assert main(["explore", "curve", str(f), "--param", "sales.nope", *RUN]) == 2
    assert "sales.nope" in capsys.readouterr().err
    bad = ["--param", "sales.reps", "--between", "9", "3"]
    assert main(["explore", "curve", str(f), *bad, *RUN]) == 2
    assert "--between" in capsys.readouterr().err


def test_the_charts_draw_every_setup_in_its_colour():
    from ui.charts import setup_colors
    from ui.curve_charts import curve_frame, loss_chart, p_best_chart
    from ui.widgets import chart_svg

    gains = [{"salesops": 5.0, "revops": -5.0, "both": 1.0} for _ in range(3)]
    points = [_point(v, g) for v, g in zip((0.5, 1.0, 2.0), gains, strict=True)]
    c = Curve(make(), "value_created", 0.9, 4, 0, size_input(0.5, 2), (0.5, 2.0), points)
    frame = curve_frame(c)
    assert len(frame) == 3 * 4 and set(frame["setup_name"]) >= {"No ops team", "SalesOps"}
    setups = c.setups
    for chart in (
        p_best_chart(frame, setups, "Company size", 1.0, log=True),
        loss_chart(frame, setups, "Company size", "Expected loss (USD)", 1.0, log=True),
    ):
        spec = chart.to_dict()
        scales = [
            layer["encoding"]["color"]["scale"]
            for layer in spec["layer"]
            if "color" in layer.get("encoding", {})
        ]
        assert scales and all(s["range"] == list(setup_colors(setups).values()) for s in scales)
        assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
        svg = chart_svg(chart)
        for name in ("No ops team", "SalesOps", "RevOps"):
            assert f">{name}<" in svg


def test_the_app_default_size_curve_fits_the_app_budget_for_every_preset():
    """9 sizes from a quarter to four times today's at 20 futures: the costliest end (four
    times the leads) stands for every point, and it fits for every preset."""
    from pathlib import Path

    from sim.budget import APP_BUDGET
    from sim.io import load_scenario

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "scenarios").glob("*.yaml")):
        sc = load_scenario(path)
        options = RunOptions(replications=20, budget=APP_BUDGET, workers=2)
        grid = size_input().grid(9)
        biggest = sim.experiments.variants_from(sc, [size_changes(sc, grid[-1])])[0].scenario
        assert biggest.sales.reps == 4 * sc.sales.reps
        options.check(biggest, len(grid), path.stem)
