"""Each preset depicts the company its description tells of: its baseline (no ops team)
shows the figures the story states. A preset whose numbers drift from its own story fails
here, before anyone reads a verdict off it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiments import run_replications
from sim.model import OUTBOUND

ROOT = Path(__file__).resolve().parents[1]
REPS = 8


@cache
def baseline(name: str):
    """KPIs, monthly series and one record of the preset's baseline (no ops team)."""
    sc = sim.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    results = run_replications(sc, REPS, seed=0, setups=["none"])
    record = sim.simulate(sc, "none", 0, 0).record
    return sc, results.kpis.mean(numeric_only=True), results.monthly, record


def _outbound_share_of_sqls(record) -> float:
    own = record.leads.created >= 0
    sql = own & (record.leads.sql >= 0)
    return float((sql & (record.leads.source == OUTBOUND)).sum() / sql.sum())


def _median_response(record) -> float:
    """Median first response to the run's inbound leads (outbound ones need none)."""
    inbound = (record.leads.created >= 0) & (record.leads.source != OUTBOUND)
    return float(np.nanmedian(record.leads.response_hours[inbound]))


def test_default_reps_are_busy_but_not_swamped_and_the_market_is_being_used_up():
    sc, k, monthly, _ = baseline("default")
    assert 0.75 <= k["deal_slot_utilization"] <= 0.88
    assert k["cold_share"] <= 0.05
    assert k["audience_used"] >= 0.30
    leads = monthly.groupby("month")["leads"].mean().to_numpy()
    assert leads[-6:].mean() < leads[:6].mean()  # shrinking lead supply
    assert k["ending_arr"] > 12 * sc.starting_customers.count * sc.starting_customers.mrr_each


def test_early_stage_pipeline_comes_mostly_from_the_reps_own_outreach():
    sc, k, _, record = baseline("early_stage_direct")
    assert sc.lead_handling.first_touch.capacity == 0  # no SDRs: reps answer inbound
    assert _outbound_share_of_sqls(record) > 0.5
    assert 2.0 <= _median_response(record) <= 8.0  # "about 4 hours"
    assert k["leaked"] / k["mqls"] == pytest.approx(0.25, abs=0.05)  # a quarter never worked


def test_enterprise_has_slack_slots_long_cycles_and_mostly_outbound_pipeline():
    _, k, _, record = baseline("enterprise_complex")
    assert 0.70 <= k["deal_slot_utilization"] <= 0.90  # "~80% of deal slots in use"
    assert k["cold_share"] <= 0.01
    assert k["sales_cycle_days"] >= 150  # about six months
    assert 0.45 <= _outbound_share_of_sqls(record) <= 0.75  # "~60% from outbound/ABM"
    assert k["grr"] >= 0.93  # churn rarely


def test_admin_burdened_reps_have_full_slots_and_about_a_fifth_of_sqls_go_cold():
    _, k, _, _ = baseline("admin_burdened_reps")
    assert k["deal_slot_utilization"] >= 0.95
    assert 0.12 <= k["cold_share"] <= 0.35


def test_high_churn_reps_have_room_and_churn_eats_new_business():
    _, k, _, _ = baseline("high_churn_fast_market")
    assert k["deal_slot_utilization"] <= 0.85 and k["cold_share"] <= 0.01
    assert k["logo_churn_monthly"] == pytest.approx(0.035, abs=0.006)
    assert k["churned_mrr"] / k["new_mrr"] >= 0.4


def test_growth_stage_strains_both_halves_of_the_engine():
    _, k, _, record = baseline("growth_stage_both")
    assert k["deal_slot_utilization"] >= 0.88 and k["cold_share"] >= 0.05  # full slots
    assert k["leaked"] / k["mqls"] == pytest.approx(0.25, abs=0.05)
    assert 12.0 <= _median_response(record) <= 48.0  # about a day
    assert k["audience_used"] >= 0.30
