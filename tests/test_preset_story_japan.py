"""The Japanese preset (scenarios/japan_midmarket_saas.yaml) depicts the company its Japanese
description tells of, in yen, and its verdict reads in Japanese with money in 万/億."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiments import run_replications
from sim.model import OUTBOUND
from sim.text import comparison_table, headline

ROOT = Path(__file__).resolve().parents[1]
PRESET = ROOT / "scenarios" / "japan_midmarket_saas.yaml"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def baseline():
    sc = sim.load_scenario(PRESET)
    results = run_replications(sc, 8, seed=0, setups=["none"])
    record = sim.simulate(sc, "none", 0, 0).record
    return sc, results.kpis.mean(numeric_only=True), record


def test_a_japanese_company_in_yen(baseline):
    sc, _, _ = baseline
    assert sc.currency == "JPY"
    assert JAPANESE.search(sc.name) and JAPANESE.search(sc.description)
    assert 2_000_000 <= sc.segments[0].acv.median <= 3_000_000  # "年間契約額およそ240万円"


def test_the_story_holds_busy_reps_a_leaky_handoff_a_slow_ringi_cycle(baseline):
    sc, k, record = baseline
    assert sc.sales.selling_time_share == pytest.approx(0.25)  # "販売に使える時間は25%"
    assert k["deal_slot_utilization"] >= 0.9  # "商談枠はほぼ埋まり"
    assert 0.01 <= k["cold_share"] <= 0.2  # "SQLの一部は...冷めてしまいます"
    assert k["leaked"] / k["mqls"] == pytest.approx(0.20, abs=0.04)  # "MQLの2割"
    inbound = (record.leads.created >= 0) & (record.leads.source != OUTBOUND)
    assert 6.0 <= float(np.nanmedian(record.leads.response_hours[inbound])) <= 24.0  # 半日
    assert k["sales_cycle_days"] >= 100  # "約4か月"
    assert k["grr"] >= 0.9  # "解約は少なめ"
    arr0 = 12 * sc.starting_customers.count * sc.starting_customers.mrr_each
    assert 4.5e8 <= arr0 <= 5.5e8  # "ARR約5.0億円"


def test_its_verdict_reads_in_japanese_with_oku_and_man():
    result = sim.compare(sim.load_scenario(PRESET), 6, seed=0, explain=False, workers=1)
    h = headline(result, "ja")
    assert JAPANESE.search(h.title) and re.search(r"[\d,.]+[万億]円", h.body), h.body
    table = comparison_table(result, "ja")
    assert "将来シナリオ" in table and re.search(r"[\d,.]+[万億]円", table)
