"""A yearly season on inbound volume (`market.seasonality`): validated, followed, and free
when absent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make

import sim
from sim.io import ScenarioError
from sim.model.records import INBOUND
from sim.params import MONTH_DAYS

SEASON = (1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.5, 0.6, 0.9, 1.0, 1.1, 1.0)


def test_the_season_is_12_positive_numbers_averaging_1():
    assert abs(np.mean(SEASON) - 1.0) < 1e-12
    assert make(**{"market.seasonality": list(SEASON)}).market.season == SEASON
    assert make().market.seasonality is None and make().market.season is None
    assert make(**{"market.seasonality": [1.0] * 12}).market.season is None
    for bad, words in (
        ([1.0] * 11, "12 numbers"),
        ([2.0] + [0.0] + [1.0] * 10, "above 0"),
        ([1.1] * 12, "average 1"),
    ):
        with pytest.raises(ScenarioError, match=r"market\.seasonality") as err:
            make(**{"market.seasonality": bad})
        assert words in str(err.value)


@pytest.mark.parametrize("setup", ["none", "both"])
def test_absent_and_all_ones_give_the_same_runs_bit_for_bit(setup):
    plain = make(horizon_months=14)
    ones = make(horizon_months=14, **{"market.seasonality": [1.0] * 12})
    a = sim.simulate(plain, setup, replication=2, seed=5)
    b = sim.simulate(ones, setup, replication=2, seed=5)
    assert a.kpis == b.kpis
    pd.testing.assert_frame_equal(a.monthly, b.monthly, check_exact=True)
    np.testing.assert_array_equal(a.record.leads.created, b.record.leads.created)


def test_inbound_leads_follow_the_months_multipliers():
    """Inbound leads counted by month of the year, over several years and futures, stand to
    each other as the multipliers do (no growth, an unlimited audience)."""
    overrides = {
        "market.seasonality": list(SEASON),
        "market.audience_size": None,
        "market.inbound_growth_per_month": 0.0,
    }
    sc = make(horizon_months=48, **overrides)
    counts = np.zeros(12)
    for replication in range(3):
        leads = sim.simulate(sc, "none", replication=replication, seed=1).record.leads
        created = leads.created[(leads.source == INBOUND) & (leads.created >= 0)]
        month = (np.floor(created / MONTH_DAYS).astype(int)) % 12
        counts += np.bincount(month, minlength=12)
    shares = counts / counts.mean()
    # about 2,000 leads a month of the year: a Poisson count's relative error is ~2%
    np.testing.assert_allclose(shares, SEASON, rtol=0.08)
    assert np.argmax(shares) == 0 and np.argmin(shares) == 6


def test_the_reps_time_for_one_moment_follows_the_season_too():
    """The plain-Python selling share (`RepTime.ratio_fn`) is `share`'s own float with a season."""
    from sim.model.rep_time import rep_time
    from sim.org import setup_effects

    sc = make(**{"market.seasonality": list(SEASON), "lead_handling.first_touch.capacity": 0})
    times = [0.0, 1.0, 30.4375, 200.0, -45.0, 700.0]
    checked = 0
    for setup in sc.setup_names:
        fx = setup_effects(sc, setup, 0, 1, None)
        for rt in (rep_time(sc, fx.stage("rep_time")), rep_time(sc, None)):
            if rt.touch_hours_per_mql == 0:
                continue
            ratio = rt.ratio_fn()
            for t in times:
                assert ratio(t) == float(rt.share(t)) / rt.today, (setup, t)
                checked += 1
    assert checked > 0


# ----------------------------------------------------------------------------- calibration
def test_calibration_finds_a_season_in_counts_that_have_one_and_none_in_flat_ones():
    from sim.calibrate import estimators as est

    rng = np.random.default_rng(11)
    months = np.arange(36)
    calendar = (months + 4) % 12 + 1  # the data start in May
    truth = np.array(SEASON)[calendar - 1]
    counts = rng.poisson(250 * 1.01**months * truth)
    trend, season = est.seasonal_trend(counts, None, calendar)
    assert season is not None and season.p_value < est.SEASON_P
    np.testing.assert_allclose(season.multipliers, SEASON, atol=0.08)
    assert abs(np.mean(season.multipliers) - 1) < 1e-12
    assert abs(trend.growth().value - 0.01) < 0.005
    plain = rng.poisson(250 * 1.01**months)
    flat, none = est.seasonal_trend(plain, None, calendar)
    assert none is None
    assert flat.growth() == est.poisson_trend(plain).growth()
    # fewer than two years: no season is fitted, whatever the counts
    assert est.seasonal_trend(counts[:20], None, calendar[:20])[1] is None


@pytest.fixture(scope="module")
def example():
    """The bundled example company calibrated on all three of its files."""
    from pathlib import Path

    from sim.calibrate.pipeline import calibrate
    from sim.calibrate.readers import read_path
    from sim.io import load_scenario

    root = Path(__file__).resolve().parents[1]
    raws = {k: read_path(root / "examples" / "lumen_ledger" / f"{k}.csv") for k in KINDS}
    return calibrate(raws, load_scenario(root / "scenarios" / "default.yaml"), "default.yaml")


KINDS = ("deals", "leads", "customers")


def test_the_example_carries_its_season_from_the_month_after_its_data(example):
    cal, sc = example.calibration, example.scenario
    assert cal.season is not None
    assert str(cal.first_month) == (cal.as_of + pd.Timedelta(days=1)).strftime("%Y-%m")
    start = cal.first_month.month - 1
    expected = [round(cal.season.multipliers[(start + k) % 12], 4) for k in range(12)]
    assert list(sc.market.seasonality) == expected
    assert "market.seasonality" in sc.sources


def test_the_back_test_turns_the_season_to_its_own_first_month(example):
    from sim.calibrate.backtest import backtest_scenario

    cal, sc = example.calibration, example.scenario
    at = backtest_scenario(cal, sc, 7, 12)
    month = (cal.start.to_period("M") + 7).month
    assert at.market.seasonality[0] == pytest.approx(cal.season.multipliers[month - 1], abs=1e-4)
    assert at.market.seasonality[5] == pytest.approx(
        cal.season.multipliers[(month - 1 + 5) % 12], abs=1e-4
    )


def test_the_example_passes_its_back_test_and_the_season_is_why(example):
    """At the command line's defaults (50 futures, seed 0) the example's months fall inside
    the band often enough; the same scenario without its season does worse on both series."""
    from sim.calibrate.backtest import WARN_BELOW, run_backtest
    from sim.io import parse_scenario, scenario_to_dict

    cal, sc = example.calibration, example.scenario
    bt = run_backtest(cal, sc, 50, 0)
    assert bt.warning is None and min(bt.coverage.values()) >= WARN_BELOW, bt.coverage
    data = scenario_to_dict(sc)
    data["market"]["seasonality"] = None
    flat = run_backtest(cal, parse_scenario(data, "no season"), 50, 0)
    assert all(bt.coverage[k] > flat.coverage[k] for k in bt.coverage), (bt.coverage, flat.coverage)
