"""The model of one replication: conservation, reproducibility and functional behaviour.

Functional claims ("more reps never means fewer wins") are about averages over
replications on common random numbers (equal seeds), as an analyst would check them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import base_dict, check_conservation, make, make_from

import sim
from sim.levers import LEVERS
from sim.model import COLD, INBOUND, OPEN, WON, run_replication

SEED = 11
ROOT = Path(__file__).resolve().parents[1]


def _short(**dotted):
    """The reference company over 12 months (fast), with overrides."""
    return make(horizon_months=12, **dotted)


def _mean_kpi(scenario, kpi, replications=8, setup="none", seed=SEED):
    reps = sim.run_replications(scenario, replications, seed, setups=[setup], workers=1)
    return reps.kpis.loc[reps.kpis["setup"] == setup, kpi].to_numpy()


# --------------------------------------------------------------------------- conservation
@pytest.mark.parametrize("setup", ["none", "salesops", "revops", "both"])
def test_every_lead_is_in_exactly_one_state_consistent_with_its_timestamps(example, setup):
    """Conservation on the reference company, every setup."""
    scenario = example.with_changes(horizon_months=12)
    for r in range(2):
        run = sim.simulate(scenario, setup, r, SEED)
        assert len(run.record.leads) > 1000
        check_conservation(run.record, scenario, run.kpis)


@pytest.mark.parametrize(
    "dotted",
    [
        # SQLs go cold: scarce slots, short patience
        {"sales.reps": 1, "sales.max_open_deals_per_rep": 3, "sales.sql_patience_days": 5},
        # the reps make the first touch, and there are none: nobody is ever touched
        {"sales.reps": 0, "lead_handling.first_touch.capacity": 0},
        # no reps but an SDR desk: SQLs pile up and go cold with no slot at all
        {"sales.reps": 0},
        # SQLs waiting for ever (no patience) stay open
        {"sales.reps": 1, "sales.sql_patience_days": None},
        # two segments, gamma and fixed cycles, a starting base
        {
            "segments.0.lead_share": 0.6,
            "segments.1": {
                "name": "smb",
                "lead_share": 0.4,
                "acv": {"median": 8000, "sigma": 0.4},
                "qualification_rate": 0.4,
                "win_rate": 0.3,
                "sales_cycle_days": {"distribution": "gamma", "mean": 20, "shape": 2},
                "monthly_churn": 0.03,
            },
            "starting_customers": {"count": 50, "mrr_each": 2000},
        },
    ],
    ids=["cold", "no-one-touches", "no-reps", "no-patience", "two-segments"],
)
def test_conservation_holds_at_the_edges(dotted):
    """Conservation also where leads pile up, go cold or are never touched (the records)."""
    data = base_dict()
    if "segments.1" in dotted:
        data["segments"].append({})
    scenario = make_from(data, horizon_months=12, **dotted)
    for setup in ("none", "both"):
        check_conservation(run_replication(scenario, setup, 0, SEED), scenario)


def test_scarce_slots_and_short_patience_make_sqls_go_cold():
    """A tiny sales floor with short patience loses SQLs to the cold state."""
    run = sim.simulate(
        _short(
            **{"sales.reps": 1, "sales.max_open_deals_per_rep": 3, "sales.sql_patience_days": 5}
        ),
        "none",
        0,
        SEED,
    )
    assert run.kpis["sqls_gone_cold"] > 0.5 * run.kpis["sqls"]
    cold = run.record.leads.state == COLD
    # a cold SQL went cold at sql + patience, within the horizon
    assert (run.record.leads.sql[cold] + 5 <= run.record.horizon_days + 1e-9).all()


def test_when_reps_touch_first_and_there_are_none_nobody_is_contacted():
    """first_touch.capacity 0 means the reps do it: with no reps no lead is ever touched."""
    scenario = _short(**{"sales.reps": 0, "lead_handling.first_touch.capacity": 0})
    leads = run_replication(scenario, "none", 0, SEED).leads
    assert len(leads) > 0
    assert np.isnan(leads.contacted[leads.source == INBOUND]).all()
    assert not (leads.state == WON).any()


# --------------------------------------------------------------------------- reproducibility
def _arrays(run):
    rec = run.record
    out = {f"leads.{k}": v for k, v in vars(rec.leads).items()}
    out.update({f"customers.{k}": v for k, v in vars(rec.customers).items()})
    return out


def test_same_scenario_and_seed_give_identical_records(example):
    """Same scenario + seed + replication -> the very same record arrays, KPIs and series."""
    scenario = example.with_changes(horizon_months=12)
    for setup in ("none", "both"):
        a = sim.simulate(scenario, setup, 3, SEED)
        b = sim.simulate(scenario, setup, 3, SEED)
        arrays_a, arrays_b = _arrays(a), _arrays(b)
        assert arrays_a.keys() == arrays_b.keys()
        for name, value in arrays_a.items():
            np.testing.assert_array_equal(value, arrays_b[name], err_msg=name)
        assert a.record.slot_busy_days == b.record.slot_busy_days
        assert a.record.events == b.record.events
        assert a.kpis.keys() == b.kpis.keys()
        for key, value in a.kpis.items():
            assert value == b.kpis[key] or (math.isnan(value) and math.isnan(b.kpis[key])), key
        assert a.monthly.equals(b.monthly)


def test_different_seeds_or_replications_give_different_futures(example):
    """Another seed, or another replication, is another random future."""
    scenario = example.with_changes(horizon_months=6)
    base = sim.simulate(scenario, "none", 0, SEED)
    for other in (
        sim.simulate(scenario, "none", 0, SEED + 1),
        sim.simulate(scenario, "none", 1, SEED),
    ):
        a, b = base.record.leads.created, other.record.leads.created
        assert len(a) != len(b) or not np.array_equal(a, b)
        assert base.kpis["cumulative_contribution"] != other.kpis["cumulative_contribution"]


def test_setups_share_their_leads_on_common_random_numbers():
    """Lead k is the same lead in every setup (CRN): same inbound leads and attributes, and
    more selling time (SalesOps) finds a superset of the baseline's outbound leads.

    The audience is unlimited here: with a finite one, extra outbound leads use it up and
    rightly thin inbound.
    """
    scenario = _short(**{"market.audience_size": None})
    none = run_replication(scenario, "none", 0, SEED).leads
    salesops = run_replication(scenario, "salesops", 0, SEED).leads
    a, b = none.source == INBOUND, salesops.source == INBOUND
    np.testing.assert_array_equal(none.created[a], salesops.created[b])
    np.testing.assert_array_equal(none.acv[a], salesops.acv[b])
    np.testing.assert_array_equal(none.segment[a], salesops.segment[b])
    out_none, out_so = none.created[~a], salesops.created[~b]
    assert len(out_so) > len(out_none) > 0
    assert np.isin(out_none, out_so).all()
    both = np.isin(salesops.created, none.created)
    np.testing.assert_array_equal(
        salesops.acv[both], none.acv[np.isin(none.created, salesops.created)]
    )


# --------------------------------------------------------------------------- degenerate cases
def test_zero_leads_give_zero_revenue():
    """No inbound, no outbound and no starting customers: no wins and no revenue at all."""
    scenario = _short(
        **{"market.inbound_mqls_per_month": 0, "sales.outbound_leads_per_rep_month": 0}
    )
    for setup in scenario.setup_names:
        run = sim.simulate(scenario, setup, 0, SEED)
        assert len(run.record.leads) == 0
        assert run.kpis["wins"] == 0
        assert run.kpis["revenue"] == 0
        assert run.kpis["ending_arr"] == 0
        assert (run.monthly["mrr"] == 0).all()
        # costs still accrue: contribution is minus the costs
        assert run.kpis["cumulative_contribution"] == pytest.approx(-run.kpis["total_cost"])


def test_no_customer_at_all_still_gives_a_result():
    """A run that wins nothing (win rate 0) reports zero revenue instead of failing."""
    run = sim.simulate(_short(**{"segments.0.win_rate": 0.0}), "none", 0, SEED)
    assert run.kpis["sqls"] > 0
    assert run.kpis["wins"] == 0
    assert run.kpis["revenue"] == 0
    assert math.isnan(run.kpis["cac"])


def test_costs_are_headcount_times_loaded_cost_each_month(example):
    """Monthly costs: reps, first-touch desk, marketing, other GTM and the setup's teams."""
    scenario = example.with_changes(horizon_months=6)
    run = sim.simulate(scenario, "both", 0, SEED)
    per_month = 8 * 15800 + 3 * 9000 + 37500 + 0 + 10000 + 17000
    np.testing.assert_allclose(run.monthly["costs"].to_numpy(), per_month)
    assert run.kpis["ops_cost"] == 6 * 27000
    assert run.kpis["total_cost"] == pytest.approx(6 * per_month)
    # contribution = revenue x gross margin - costs, month by month
    np.testing.assert_allclose(
        run.monthly["contribution"], run.monthly["revenue"] * 0.78 - per_month
    )


# --------------------------------------------------------------------------- functional claims
def test_more_reps_never_lowers_wins_on_average_at_equal_seeds():
    """4 -> 8 -> 16 reps: mean wins over replications do not fall (and rise from 4 to 8)."""
    means = [_mean_kpi(_short(**{"sales.reps": n}), "wins").mean() for n in (4, 8, 16)]
    assert means[0] < means[1] <= means[2] * 1.0001, means


def test_more_leads_give_more_wins_on_average():
    """Doubling inbound MQLs raises mean wins."""
    few = _mean_kpi(_short(**{"market.inbound_mqls_per_month": 100}), "wins")
    many = _mean_kpi(_short(**{"market.inbound_mqls_per_month": 200}), "wins")
    assert many.mean() > few.mean()


def test_higher_win_rate_gives_more_wins_on_average():
    """A higher segment win rate raises mean wins; with equal seeds, never lowers any."""
    low = _mean_kpi(_short(**{"segments.0.win_rate": 0.15}), "wins")
    high = _mean_kpi(_short(**{"segments.0.win_rate": 0.30}), "wins")
    assert high.mean() > low.mean()
    assert (high >= low).all()


def test_lower_churn_gives_more_ending_arr_on_average():
    """Lower monthly churn keeps more customers: more ending ARR (per replication too)."""
    scen = {"horizon_months": 24}
    high = _mean_kpi(make(**scen, **{"segments.0.monthly_churn": 0.05}), "ending_arr", 6)
    low = _mean_kpi(make(**scen, **{"segments.0.monthly_churn": 0.005}), "ending_arr", 6)
    assert low.mean() > high.mean()
    assert (low >= high).all()


def test_a_team_with_no_effect_and_no_cost_changes_nothing():
    """A setup `ghost` whose team moves every lever by [0, 0, 0] at zero cost equals `none`."""
    data = base_dict()
    data["org"]["teams"]["ghost"] = {
        "headcount": 1,
        "cost_per_fte_month": 0,
        "months_to_full_effect": 3,
        "effects": {lever: [0.0, 0.0, 0.0] for lever in LEVERS},
    }
    data["org"]["setups"]["ghost"] = ["ghost"]
    scenario = make_from(data, horizon_months=12)
    reps = sim.run_replications(scenario, 3, SEED, setups=["none", "ghost"], workers=1)
    k = reps.kpis.set_index(["replication", "setup"]).sort_index()
    none = k.xs("none", level="setup")
    ghost = k.xs("ghost", level="setup")
    assert none.columns.equals(ghost.columns)
    for col in none.columns:
        np.testing.assert_array_equal(none[col].to_numpy(), ghost[col].to_numpy(), err_msg=col)
    m = reps.monthly
    series = [c for c in m.columns if c not in ("setup", "replication", "month")]
    np.testing.assert_array_equal(
        m.loc[m.setup == "none", series].to_numpy(), m.loc[m.setup == "ghost", series].to_numpy()
    )


def test_events_per_lead_stay_at_most_three_on_the_spec_example(example):
    """The engine schedules at most three SimPy events per lead on the reference company."""
    for setup in example.setup_names:
        run = sim.simulate(example, setup, 0, SEED)
        assert 0 < run.kpis["events_per_lead"] <= 3, setup


def test_no_capacity_means_every_sql_goes_cold_after_its_patience():
    """With zero reps there is no deal slot: SQLs go cold once their patience runs out."""
    record = run_replication(_short(**{"sales.reps": 0}), "none", 0, SEED)
    leads = record.leads
    sql = ~np.isnan(leads.sql)
    assert sql.sum() > 0
    expired = sql & (leads.sql + 21 < record.horizon_days)
    assert (leads.state[expired] == COLD).all()
    assert (leads.state[sql & ~expired] == OPEN).all()
    assert np.isnan(leads.slot_start).all() and not (leads.state == WON).any()


# --------------------------------------------------------------------------- lead scoring
def _scoring_only(accuracy, weight=14, **dotted):
    """A busy sales floor where SalesOps does nothing but score leads at `accuracy`."""
    data = base_dict()
    data["org"]["teams"]["salesops"] = {
        "headcount": 0,
        "cost_per_fte_month": 0,
        "months_to_full_effect": 0,
        "effects": {"lead_scoring_accuracy": [accuracy, accuracy, accuracy]},
    }
    data["org"]["effect_scale"] = 1.0
    return make_from(
        data,
        horizon_months=12,
        **{"sales.reps": 4, "sales.score_weight_days": weight, **dotted},
    )


def test_a_score_with_no_accuracy_serves_first_come_first_served():
    """Accuracy 0 (or weight 0): the scored queue gives exactly the results of no scoring."""
    for scenario in (_scoring_only(0.0), _scoring_only(0.9, weight=0)):
        none = sim.simulate(scenario, "none", 0, SEED).record
        scored = sim.simulate(scenario, "salesops", 0, SEED).record
        assert np.array_equal(none.leads.state, scored.leads.state)
        assert np.array_equal(none.leads.slot_start, scored.leads.slot_start, equal_nan=True)


def test_a_weak_score_does_not_send_more_sqls_cold():
    """A nearly uninformative score must not scramble the queue (no extra reneging)."""
    scenario = _scoring_only(0.02)
    cold = {
        s: _mean_kpi(scenario, "sqls_gone_cold", replications=6, setup=s).mean()
        for s in ("none", "salesops")
    }
    assert cold["none"] > 20  # the floor is busy enough for the test to mean something
    assert cold["salesops"] <= cold["none"] * 1.02


def test_an_accurate_score_raises_the_win_rate_when_slots_are_scarce():
    """Scoring helps only where leads differ in fit and SQLs queue: then it lifts wins."""
    scenario = _scoring_only(0.9)
    wr = {
        s: _mean_kpi(scenario, "win_rate", replications=6, setup=s).mean()
        for s in ("none", "salesops")
    }
    assert wr["salesops"] > wr["none"] + 0.01
    flat = _scoring_only(0.9, **{"segments.0.win_propensity_spread": 0.0})
    wr_flat = {
        s: _mean_kpi(flat, "win_rate", replications=6, setup=s).mean() for s in ("none", "salesops")
    }
    assert abs(wr_flat["salesops"] - wr_flat["none"]) < 0.01


# ----------------------------------------------------------------------------- CRN across variants
@pytest.mark.parametrize(
    "change",
    [
        {"org.teams.revops.effects.inbound_rate": [0.2, 0.5, 0.9]},
        {"org.teams.revops.cost_per_fte_month": 5000},
        {"org.teams.revops.months_to_full_effect": 1},
        {"org.teams.revops.headcount": 2},
        {"org.teams.revops.durability_months": 6},
        {"org.teams.revops.coverage": {"fte_per_rep": 0.05}},
    ],
    ids=["effect-range", "cost", "ramp", "headcount", "durability", "coverage"],
)
def test_setups_without_a_team_are_identical_run_for_run_whatever_that_team_is(change):
    """Variants differing only in RevOps see the same futures in none and salesops."""
    before = make(horizon_months=9)
    after = make(horizon_months=9, **change)
    for setup in ("none", "salesops"):
        for r in range(2):
            a = run_replication(before, setup, r, 11)
            b = run_replication(after, setup, r, 11)
            np.testing.assert_array_equal(a.leads.created, b.leads.created)
            np.testing.assert_array_equal(a.leads.state, b.leads.state)
            np.testing.assert_array_equal(a.customers.mrr_end, b.customers.mrr_end)


def test_no_org_can_more_than_double_the_inbound_rate():
    """The inbound effect is capped at +100%: a claimed +300% brings twice the MQLs, not 4x."""
    wild = {
        "org.teams.revops.effects.inbound_rate": [3.0, 3.0, 3.0],
        "org.teams.revops.months_to_full_effect": 0,
        "market.audience_size": None,
        "market.inbound_growth_per_month": 0.0,
    }
    scenario = make(horizon_months=12, **wild)
    mqls = {
        s: np.mean(
            [
                run_replication(scenario, s, r, 2).leads.source.tolist().count(INBOUND)
                for r in range(3)
            ]
        )
        for s in ("none", "revops")
    }
    assert mqls["revops"] / mqls["none"] == pytest.approx(2.0, rel=0.06)


# ----------------------------------------------------------------------------- warm start
def test_month_one_looks_like_a_normal_month_under_today_s_org():
    """Default preset, no ops team: mean wins in month 1 within 15% of months 4-6."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "default.yaml")
    reps = sim.run_replications(scenario, 120, seed=4, setups=["none"])
    wins = reps.monthly.groupby("month")["wins"].mean()
    assert wins[1] == pytest.approx(wins[[4, 5, 6]].mean(), rel=0.15)


def test_without_a_warm_up_the_pipeline_starts_empty():
    """warmup_months 0: no deal can close in month 1 when every cycle is 60 days."""
    fixed = {"distribution": "fixed", "value": 60}
    scenario = make(
        horizon_months=4, **{"sales.warmup_months": 0, "segments.0.sales_cycle_days": fixed}
    )
    warm = make(horizon_months=4, **{"segments.0.sales_cycle_days": fixed})
    cold_wins = [sim.simulate(scenario, "none", r, SEED).monthly["wins"][0] for r in range(3)]
    warm_wins = [sim.simulate(warm, "none", r, SEED).monthly["wins"][0] for r in range(3)]
    assert sum(cold_wins) == 0 and sum(warm_wins) > 0


def test_the_day_zero_pipeline_is_the_same_in_every_setup():
    """The warm-up runs under today's org: every setup starts from the same leads and deals."""
    scenario = make(horizon_months=6)
    runs = {s: run_replication(scenario, s, 1, SEED) for s in scenario.setup_names}
    first = runs["none"].leads
    warm = first.created < 0
    assert warm.sum() > 0
    for record in runs.values():
        leads = record.leads
        np.testing.assert_array_equal(leads.created[: warm.sum()], first.created[warm])
        np.testing.assert_array_equal(leads.acv[: warm.sum()], first.acv[warm])
        opened_before = leads.slot_start[: warm.sum()] < 0
        np.testing.assert_array_equal(opened_before, first.slot_start[warm] < 0)


def test_reps_time_for_one_moment_is_shares_own_float():
    """When reps make first touches the floor reads the selling share at every event through
    a plain-Python path (`RepTime.ratio_fn`); it gives `share`'s own float at any time, for
    every preset with that load, every setup, lever restriction and today's organisation."""
    import glob

    from sim.model.rep_time import rep_time
    from sim.org import setup_effects

    rng = np.random.default_rng(3)
    times = [0.0, 1.0, 30.4375, *rng.uniform(-400.0, 1200.0, 60).tolist()]
    checked = 0
    for path in sorted(glob.glob(str(ROOT / "scenarios" / "*.yaml"))):
        sc = sim.load_scenario(path)
        for setup in sc.setup_names:
            for levers in (None, (), ("inbound_rate", "handoff_leakage")):
                fx = setup_effects(sc, setup, 0, 1, levers)
                for rt in (rep_time(sc, fx.stage("rep_time")), rep_time(sc, None)):
                    if rt.touch_hours_per_mql == 0:
                        continue
                    ratio = rt.ratio_fn()
                    for t in times:
                        assert ratio(t) == float(rt.share(t)) / rt.today, (path, setup, t)
                        checked += 1
    assert checked > 0


def test_a_warm_up_is_kept_between_tasks_of_the_same_replication(monkeypatch):
    """A second task of a replication starts from the warm-up the first one made (same
    world, seed and replication), and its runs equal fresh ones; another world does not."""
    import sim.model.warmup as warmup
    from sim.streams import ReplicationDraws

    made = []
    real = warmup._warm_start

    def counting(*args, **kwargs):
        made.append(args[1].replication)
        return real(*args, **kwargs)

    monkeypatch.setattr(warmup, "_warm_start", counting)
    monkeypatch.setattr(warmup, "_kept", type(warmup._kept)())
    sc = make(horizon_months=4)
    first = run_replication(sc, "both", 7, 3, None, ReplicationDraws(3, 7))
    again = run_replication(sc, "both", 7, 3, None, ReplicationDraws(3, 7))
    assert made == [7]
    assert np.array_equal(first.leads.closed, again.leads.closed, equal_nan=True)
    assert np.array_equal(first.leads.state, again.leads.state)
    other = sc.model_copy(update={"sales": sc.sales.model_copy(update={"reps": sc.sales.reps + 1})})
    run_replication(other, "both", 7, 3, None, ReplicationDraws(3, 7))
    assert made == [7, 7]


def test_audience_depletion_in_blocks_keeps_exactly_the_leads_of_the_one_by_one_loop():
    """`arrivals._deplete` decides most candidates a block at a time: the same ones as before.

    The one-by-one rule (each lead kept uses up one account) on audiences small enough that
    depletion decides many candidates, rounded draws with ties, ramping audiences and block
    edges: the kept set is the loop's, candidate for candidate.
    """
    from sim.model.arrivals import _DEPLETE_BLOCK, _deplete

    def one_by_one(u, ratio, audience):
        kept, used = np.zeros(len(u), dtype=bool), 0.0
        triples = zip(u.tolist(), ratio.tolist(), audience.tolist(), strict=True)
        for j, (uj, rj, aj) in enumerate(triples):
            if uj < rj * (1.0 - used / aj):
                kept[j], used = True, used + 1.0
        return kept

    rng = np.random.default_rng(11)
    sizes = [0, 1, _DEPLETE_BLOCK - 1, _DEPLETE_BLOCK, _DEPLETE_BLOCK + 1, 3 * _DEPLETE_BLOCK + 7]
    for case in range(240):
        n = sizes[case % len(sizes)] if case < 60 else int(rng.integers(0, 4000))
        u, ratio = rng.random(n), rng.random(n) * rng.choice([0.5, 1.0, 3.0])
        if case % 5 == 0:  # ties: rounded draws
            u, ratio = np.round(u, 2), np.round(ratio, 2)
        size = float(rng.choice([1.0, 7.0, 300.0, 2_000.0, 20_000.0]))
        audience = size * (1.0 + np.sort(rng.random(n)) * rng.choice([0.0, 0.5]))
        np.testing.assert_array_equal(
            _deplete(u, ratio, audience), one_by_one(u, ratio, audience), err_msg=str(case)
        )
