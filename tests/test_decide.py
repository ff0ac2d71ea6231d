"""The verdict's statistics on constructed data with known answers (sim/decide.py).

Every test here either feeds hand-built numbers whose answer is known in advance, or runs a
tiny simulation whose answer is known by construction (a team with no effect and no cost
must tie the baseline exactly; a team's cost-only run must lose exactly its cost).
"""

from __future__ import annotations

import itertools
import json
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from conftest import SPEC_KPIS, make

from sim.decide import (
    CONFIDENCE,
    Interval,
    attribute_gain,
    compare,
    diagnose,
    expected_regret,
    make_verdict,
    mean_interval,
    p_best,
    replications_needed,
    summarise,
    t_quantile,
)
from sim.experiments import Replications, run_replications

SETUPS = ("none", "salesops", "revops", "both")
SHORT = 12  # months: the decide tests check bookkeeping, not long-run economics


# ----------------------------------------------------------------------------- helpers
def hand_built(values: dict[str, np.ndarray], scenario=None, seed: int = 0) -> Replications:
    """A `Replications` whose objective values are exactly `values` (setup -> per-rep array)."""
    scenario = scenario or make()
    n = len(next(iter(values.values())))
    rows = [
        {"setup": s, "replication": r, "cumulative_contribution": float(values[s][r])}
        for s in values
        for r in range(n)
    ]
    return Replications(
        scenario=scenario,
        seed=seed,
        setups=tuple(values),
        kpis=pd.DataFrame(rows),
        monthly=pd.DataFrame(columns=["setup", "replication", "month", "leads"]),
    )


def two_setup(team: dict, horizon: int = SHORT, **more):
    """The §9 example reduced to setups {none, <team name>} with one custom team."""
    ((name, spec),) = team.items()
    return make(
        horizon_months=horizon,
        org__teams={name: spec},
        org__setups={"none": [], name: [name]},
        org__synergy={},
        **more,
    )


GHOST = {"ghost": {"headcount": 1, "cost_per_fte_month": 0, "effects": {}}}
BOOST = {
    "boost": {
        "headcount": 1,
        "cost_per_fte_month": 0,
        "months_to_full_effect": 0,
        "effects": {"win_rate": [0.3, 0.3, 0.3], "qualification_rate": [0.5, 0.5, 0.5]},
    }
}


# ----------------------------------------------------------------------------- t quantile
# Student's t table (two-sided 90% and 95% critical values)
T_TABLE = {
    0.95: {1: 6.3138, 2: 2.9200, 5: 2.0150, 10: 1.8125, 30: 1.6973, 1000: 1.6464},
    0.975: {1: 12.7062, 2: 4.3027, 5: 2.5706, 10: 2.2281, 30: 2.0423, 1000: 1.9623},
}


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [(p, df, v) for p, row in T_TABLE.items() for df, v in row.items()],
)
def test_t_quantile_matches_the_t_table(p, df, expected):
    """t_quantile agrees with the printed t table: exact at df 1, within 1% for df >= 2."""
    got = t_quantile(p, df)
    tol = 1e-4 if df == 1 else 1e-2
    assert got == pytest.approx(expected, rel=tol)


def test_t_quantile_is_symmetric_and_tends_to_the_normal():
    """t(1-p) = -t(p); t(0.5) = 0; and t(p, df) -> z(p) as df grows, from above."""
    z = NormalDist().inv_cdf(0.95)
    assert t_quantile(0.05, 7) == pytest.approx(-t_quantile(0.95, 7), abs=1e-12)
    assert t_quantile(0.5, 4) == pytest.approx(0.0, abs=1e-12)
    qs = [t_quantile(0.95, df) for df in (2, 5, 10, 30, 100, 10_000)]
    assert all(a > b for a, b in itertools.pairwise(qs)), qs
    assert qs[-1] == pytest.approx(z, rel=1e-4)
    assert math.isinf(t_quantile(0.95, 0))


# ----------------------------------------------------------------------------- intervals
@pytest.mark.parametrize("n", [3, 5, 20])
def test_mean_interval_covers_the_true_mean_at_the_nominal_rate(n):
    """Over 4000 normal samples of size n, the 90% t-interval covers the mean ~90% of the time."""
    rng = np.random.default_rng(12345 + n)
    trials = 4000
    true_mean = 7.0
    hits = 0
    for _ in range(trials):
        ci = mean_interval(rng.normal(true_mean, 3.0, n), 0.90)
        hits += ci.low <= true_mean <= ci.high
    rate = hits / trials
    # binomial sd at 0.9 over 4000 trials is 0.0047; allow ~4 sd
    assert abs(rate - 0.90) < 0.02, rate


def test_mean_interval_known_values_and_edge_cases():
    """Interval = mean ± t * sd / sqrt(n); NaNs dropped; one value gives an unbounded interval."""
    x = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    ci = mean_interval(x, 0.90)
    half = t_quantile(0.95, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert ci.mean == pytest.approx(2.5)
    assert (ci.low, ci.high) == pytest.approx((2.5 - half, 2.5 + half))
    one = mean_interval(np.array([5.0]))
    assert one.mean == 5.0 and math.isinf(one.low) and math.isinf(one.high)
    assert not one.excludes_zero
    assert math.isnan(mean_interval(np.array([])).mean)
    constant = mean_interval(np.zeros(10))
    assert (constant.low, constant.high) == (0.0, 0.0)
    assert not constant.excludes_zero  # a difference of exactly zero is never "separated"
    assert Interval(1, 0.5, 2).excludes_zero and Interval(-1, -2, -0.1).excludes_zero
    assert not Interval(0.1, -0.1, 0.3).excludes_zero


# ----------------------------------------------------------------------------- P(best), regret
def test_p_best_shares_wins_and_splits_ties():
    """P(best) is the share of rows each column wins; a tie gives each tied column half."""
    frame = pd.DataFrame(
        {"a": [1.0, 3.0, 5.0, 2.0], "b": [2.0, 3.0, 1.0, 2.0], "c": [3.0, 1.0, 1.0, 2.0]}
    )
    # row 0: c; row 1: a/b tie; row 2: a; row 3: three-way tie
    got = p_best(frame)
    assert got["a"] == pytest.approx((0 + 0.5 + 1 + 1 / 3) / 4)
    assert got["b"] == pytest.approx((0 + 0.5 + 0 + 1 / 3) / 4)
    assert got["c"] == pytest.approx((1 + 0 + 0 + 1 / 3) / 4)
    assert got.sum() == pytest.approx(1.0)


def test_expected_regret_is_mean_shortfall_from_each_rows_best():
    """Regret = mean over rows of (row max - value); the column best in every row has 0."""
    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0], "b": [2.0, 3.0, 1.0], "c": [3.0, 1.0, 1.0]})
    got = expected_regret(frame)
    assert got["a"] == pytest.approx((2 + 0 + 0) / 3)
    assert got["b"] == pytest.approx((1 + 0 + 4) / 3)
    assert got["c"] == pytest.approx((0 + 2 + 4) / 3)
    dominant = pd.DataFrame({"x": [9.0, 9.0], "y": [1.0, 2.0]})
    assert expected_regret(dominant)["x"] == 0.0


# ----------------------------------------------------------------------------- summarise / verdict
def _separated_values(n: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    base = rng.normal(5e6, 4e5, n)  # common random numbers: every setup shares `base`
    return {
        "none": base,
        "salesops": base + 2e5 + rng.normal(0, 1e4, n),
        "revops": base - 1e5 + rng.normal(0, 1e4, n),
        "both": base + 1e6 + rng.normal(0, 1e4, n),
    }


def test_summarise_ranks_and_pairs_on_hand_built_results():
    """summarise ranks by mean, pairs differences per replication, and knows each setup's cost."""
    values = _separated_values()
    res = hand_built(values)
    s = summarise(res, "cumulative_contribution")
    assert list(s) == ["both", "salesops", "none", "revops"]
    diff = values["both"] - values["none"]
    assert s["both"].vs_none.mean == pytest.approx(diff.mean())
    assert s["both"].vs_none == mean_interval(diff, CONFIDENCE)
    assert s["both"].p_best == 1.0 and s["both"].regret == 0.0
    assert s["none"].vs_none == Interval(0.0, 0.0, 0.0)
    assert s["revops"].vs_best.mean == pytest.approx((values["revops"] - values["both"]).mean())
    assert s["salesops"].p10 == pytest.approx(np.percentile(values["salesops"], 10))
    assert s["salesops"].p90 == pytest.approx(np.percentile(values["salesops"], 90))
    # §9 example: SalesOps 1 x 10,000, RevOps 1 x 17,000 a month
    assert s["none"].ops_cost_per_month == 0
    assert s["salesops"].ops_cost_per_month == 10_000
    assert s["both"].ops_cost_per_month == 27_000


def test_verdict_on_a_clearly_separated_case_names_the_winner():
    """A winner far ahead of the runner-up on every replication: separated, and said so."""
    values = _separated_values()
    res = hand_built(values)
    s = summarise(res, "cumulative_contribution")
    v = make_verdict(res, s, "cumulative_contribution", CONFIDENCE)
    assert v.best == "both" and v.runner_up == "salesops"
    assert v.separated is True
    assert v.gap.low > 0
    assert v.gap.mean == pytest.approx((values["both"] - values["salesops"]).mean())
    assert v.summary.startswith("'both' wins")
    assert "clearly ahead" in v.summary and "'salesops'" in v.summary
    assert "not separated" not in v.summary
    assert v.separate_by == ""


def test_verdict_on_a_tie_says_not_separated_and_what_would_separate():
    """Two setups whose paired difference is noise around ~0: not separated, and the verdict
    names the replications that the observed spread would need."""
    n = 20
    rng = np.random.default_rng(3)
    base = rng.normal(5e6, 4e5, n)
    noise = np.tile([1000.0, -1000.0], n // 2)
    values = {
        "none": base,
        "salesops": base + 10.0 + noise,  # ahead by 10 on average, spread 1000
        "revops": base - 5e5,
        "both": base - 6e5,
    }
    res = hand_built(values)
    s = summarise(res, "cumulative_contribution")
    v = make_verdict(res, s, "cumulative_contribution", CONFIDENCE)
    assert v.best == "salesops" and v.runner_up == "none"
    assert v.separated is False
    assert v.gap.low < 0 < v.gap.high
    assert "not separated" in v.summary
    assert v.separate_by != ""
    need = replications_needed(values["salesops"] - values["none"], CONFIDENCE)
    z = NormalDist().inv_cdf(0.95)
    assert need == math.ceil((z * np.std(noise + 10.0, ddof=1) / 10.0) ** 2)
    assert f"about {need} replications (now {n})" in v.separate_by


def test_verdict_when_no_team_pays_says_so():
    """If every team costs more than it gains, the baseline wins and the summary says so."""
    n = 10
    base = np.linspace(4e6, 6e6, n)
    values = {"none": base, "salesops": base - 1e5, "revops": base - 2e5, "both": base - 3e5}
    res = hand_built(values)
    v = make_verdict(res, summarise(res, "cumulative_contribution"), "cumulative_contribution", 0.9)
    assert v.best == "none" and v.separated
    assert v.summary.startswith("No ops team pays for itself")


# ----------------------------------------------------------------------------- diagnostics
def _diag_results(pressure: bool, audience: bool = True) -> Replications:
    sc = make(horizon_months=24)
    n = 3
    k = {
        "rep_utilization": 0.95 if pressure else 0.5,
        "cold_share": 0.2 if pressure else 0.0,
        "sqls_gone_cold": 40.0 if pressure else 0.0,
        "deal_slot_wait_days": 9.0 if pressure else 0.0,
        "audience_used": (0.6 if pressure else 0.1) if audience else math.nan,
        "leaked": 300.0 if pressure else 10.0,
        "mqls": 1000.0,
        "response_time_hours": 30.0 if pressure else 0.5,
        "speed_to_lead_kept": 0.6 if pressure else 0.97,
        "churned_mrr": 50_000.0 if pressure else 5_000.0,
        "new_mrr": 100_000.0,
        "logo_churn_monthly": 0.03 if pressure else 0.005,
    }
    kpis = pd.DataFrame(
        [{"setup": s, "replication": r, **k} for s in ("none", "salesops") for r in range(n)]
    )
    leads = np.linspace(200, 80, 24) if pressure else np.full(24, 150.0)
    monthly = pd.DataFrame(
        [
            {"setup": s, "replication": r, "month": m + 1, "leads": leads[m]}
            for s in ("none", "salesops")
            for r in range(n)
            for m in range(24)
        ]
    )
    return Replications(sc, 0, ("none", "salesops"), kpis, monthly)


def test_diagnose_flags_each_article_criterion_when_its_figure_says_so():
    """Every diagnostic reports its baseline figure and flags pressure above its threshold."""
    d = {x.signal: x for x in diagnose(_diag_results(pressure=True))}
    assert set(d) == {
        "rep_utilization",
        "sqls_gone_cold",
        "audience_used",
        "lead_flow_trend",
        "handoff_leakage",
        "response_time_hours",
        "churned_vs_new_mrr",
    }
    assert all(x.pressure for x in d.values()), [x.signal for x in d.values() if not x.pressure]
    assert d["rep_utilization"].value == pytest.approx(0.95)
    assert d["handoff_leakage"].value == pytest.approx(0.3)
    assert d["churned_vs_new_mrr"].value == pytest.approx(0.5)
    expected_trend = np.linspace(200, 80, 24)[-6:].mean() / np.linspace(200, 80, 24)[:6].mean() - 1
    assert d["lead_flow_trend"].value == pytest.approx(expected_trend)
    assert all(x.criterion and x.text for x in d.values())


def test_diagnose_flags_nothing_in_a_healthy_company_and_skips_an_unlimited_audience():
    """No figure past its threshold -> no pressure; an unlimited audience has no audience row."""
    d = {x.signal: x for x in diagnose(_diag_results(pressure=False, audience=False))}
    assert "audience_used" not in d
    assert not any(x.pressure for x in d.values()), [x.signal for x in d.values() if x.pressure]
    assert d["lead_flow_trend"].value == pytest.approx(0.0)


# ----------------------------------------------------------------------------- adaptive stopping
def test_adaptive_replications_stop_early_on_a_clear_case():
    """A free team with large effects separates at once: 'auto' stops before the maximum."""
    sc = two_setup(BOOST)
    cmp_ = compare(sc, "auto", seed=5, batch=10, max_replications=60, workers=1, explain=False)
    assert cmp_.replications < 60
    assert cmp_.replications % 10 == 0
    assert cmp_.verdict.best == "boost" and cmp_.verdict.separated
    assert cmp_.looks == len(cmp_.history) == cmp_.replications // 10


def test_adaptive_replications_run_to_the_maximum_on_an_exact_tie():
    """A team with no effect and no cost ties the baseline exactly in every replication
    (common random numbers): 'auto' never separates them and runs to the maximum."""
    sc = two_setup(GHOST)
    cmp_ = compare(sc, "auto", seed=5, batch=10, max_replications=60, workers=1, explain=False)
    assert cmp_.replications == 60
    assert cmp_.looks == 6
    v = cmp_.results.objective("cumulative_contribution")
    assert (v["ghost"] - v["none"]).abs().max() == 0.0
    assert cmp_.verdict.separated is False
    assert "not separated" in cmp_.verdict.summary
    assert cmp_.verdict.separate_by  # says something, even if "nothing within reach"


def test_fixed_replications_run_exactly_that_many():
    """compare(replications=N) runs exactly N replications and rejects N < 2."""
    sc = two_setup(GHOST)
    assert compare(sc, 3, workers=1, explain=False).replications == 3
    with pytest.raises(ValueError):
        compare(sc, 1, workers=1, explain=False)
    with pytest.raises(ValueError, match="objective"):
        compare(sc, 3, objective="profit", workers=1, explain=False)


# ----------------------------------------------------------------------------- attribution
@pytest.fixture(scope="module")
def small_comparison():
    """The §9 example over 12 months, 6 replications, with gain attribution."""
    return compare(
        make(horizon_months=SHORT), 6, seed=11, workers=1, explain=True, attribution_replications=6
    )


def test_attribution_rows_add_up_to_the_total_gain(small_comparison):
    """groups + ops team cost + interaction == total gain (means, to float tolerance)."""
    a = small_comparison.attribution
    assert a is not None
    subject = a["setup"].iloc[0]
    assert subject == small_comparison.verdict.best or small_comparison.verdict.best == "none"
    parts = a[a["source"] != "total"]["mean"].sum()
    total = a.loc[a["source"] == "total", "mean"].iloc[0]
    assert parts == pytest.approx(total, rel=1e-9, abs=1e-6)
    v = small_comparison.results.objective("cumulative_contribution")
    assert total == pytest.approx((v[subject] - v["none"]).mean())


def test_attribution_cost_only_run_loses_exactly_the_team_cost():
    """With every lever off, a setup is the baseline plus its team cost, run for run."""
    sc = make(horizon_months=SHORT)
    res = run_replications(sc, 3, seed=2, workers=1)
    a = attribute_gain(res, "both", "cumulative_contribution", 3, workers=1)
    cost = a[a["source"] == "ops_cost"].iloc[0]
    expected = -(10_000 + 17_000) * SHORT
    assert cost["mean"] == pytest.approx(expected)
    assert cost["low"] == pytest.approx(expected) and cost["high"] == pytest.approx(expected)
    groups = set(a["source"]) - {"ops_cost", "interaction", "total"}
    # 'both' moves levers of every group
    assert groups == {
        "funnel_top",
        "speed_to_lead",
        "sales_execution",
        "pricing",
        "retention_expansion",
    }


# ----------------------------------------------------------------------------- JSON (SPEC §10)
def test_to_json_has_the_spec_keys_and_every_spec_kpi(small_comparison):
    """to_json carries SPEC §10's keys and KPI names, and is strict JSON (no NaN)."""
    out = small_comparison.to_json()
    text = json.dumps(out, allow_nan=False)  # raises on NaN / inf
    assert json.loads(text) == out
    for key in ("scenario", "seed", "replications", "horizon_months", "objective"):
        assert key in out
    assert out["seed"] == 11 and out["replications"] == 6 and out["horizon_months"] == SHORT
    assert out["objective"] == "cumulative_contribution"
    assert {"best", "separated", "summary"} <= set(out["verdict"])
    assert out["verdict"]["best"] in out["setups"]
    assert isinstance(out["verdict"]["separated"], bool) and out["verdict"]["summary"]
    assert set(out["setups"]) == set(SETUPS)
    for name, s in out["setups"].items():
        assert {"mean", "p10", "p90"} <= set(s["objective"]), name
        assert {"mean", "low", "high"} <= set(s["vs_none"]), name
        assert 0.0 <= s["p_best"] <= 1.0
        missing = [k for k in SPEC_KPIS if k not in s["kpis"]]
        assert not missing, f"{name}: KPIs missing from the JSON: {missing}"
        for k in SPEC_KPIS:
            assert {"mean", "p10", "p90"} <= set(s["kpis"][k]), (name, k)
    assert sum(s["p_best"] for s in out["setups"].values()) == pytest.approx(1.0)
    best = max(out["setups"], key=lambda n: out["setups"][n]["objective"]["mean"])
    assert out["verdict"]["best"] == best
    assert out["diagnostics"]
    for d in out["diagnostics"]:
        assert {"signal", "value", "criterion", "text"} <= set(d)
        assert isinstance(d["signal"], str) and isinstance(d["text"], str)


def test_to_json_turns_undefined_figures_into_null():
    """An unlimited audience has no 'audience used': JSON gets null, never NaN."""
    cmp_ = compare(
        make(horizon_months=SHORT, market__audience_size=None), 2, workers=1, explain=False
    )
    out = cmp_.to_json()
    json.dumps(out, allow_nan=False)
    assert out["setups"]["none"]["kpis"]["audience_used"]["mean"] is None
