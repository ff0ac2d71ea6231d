"""Diagnostics of the baseline run as facts (sim/verdict/diagnostics.py).

Built on constructed KPI tables whose figures are known, so each diagnostic's value,
pressure flag and figures can be checked against hand arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import make

from sim.experiments import Replications
from sim.verdict.diagnostics import CRITERIA, SIGNALS, Diagnostic, diagnose

ALL_SIGNALS = {
    "selling_time_share",
    "deal_slot_utilization",
    "sales_cycle_days",
    "sqls_gone_cold",
    "audience_used",
    "lead_flow_trend",
    "handoff_leakage",
    "response_time_hours",
    "churned_vs_new_mrr",
}


def _results(pressure: bool, audience: bool = True, months: int = 24) -> Replications:
    sc = make(horizon_months=months, **{"sales.selling_time_share": 0.25 if pressure else 0.5})
    n = 3
    k = {
        "deal_slot_utilization": 0.95 if pressure else 0.5,
        "sales_cycle_days": 120.0 if pressure else 30.0,
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
    # the team setup's figures are far off: diagnostics must read the baseline's only
    other = {key: v * 3 for key, v in k.items()}
    kpis = pd.DataFrame(
        [
            {"setup": s, "replication": r, **(k if s == "none" else other)}
            for s in ("none", "salesops")
            for r in range(n)
        ]
    )
    leads = np.linspace(200, 80, months) if pressure else np.full(months, 150.0)
    monthly = pd.DataFrame(
        [
            {"setup": s, "replication": r, "month": m + 1, "leads": leads[m] * (s == "none")}
            for s in ("none", "salesops")
            for r in range(n)
            for m in range(months)
        ]
    )
    return Replications(sc, 0, ("none", "salesops"), kpis, monthly)


def test_each_article_criterion_is_flagged_when_its_figure_says_so():
    """Every diagnostic reports the baseline's figure and flags pressure past its threshold."""
    d = {x.signal: x for x in diagnose(_results(pressure=True))}
    assert set(d) == ALL_SIGNALS
    assert all(x.pressure for x in d.values()), [x.signal for x in d.values() if not x.pressure]
    assert d["deal_slot_utilization"].value == pytest.approx(0.95)
    assert d["handoff_leakage"].value == pytest.approx(0.3)
    assert d["churned_vs_new_mrr"].value == pytest.approx(0.5)
    leads = np.linspace(200, 80, 24)
    assert d["lead_flow_trend"].value == pytest.approx(leads[-6:].mean() / leads[:6].mean() - 1)


def test_a_healthy_company_flags_nothing_and_an_unlimited_audience_has_no_row():
    """No figure past its threshold -> no pressure; an unlimited audience has no audience row."""
    d = {x.signal: x for x in diagnose(_results(pressure=False, audience=False))}
    assert set(d) == ALL_SIGNALS - {"audience_used"}
    assert not any(x.pressure for x in d.values()), [x.signal for x in d.values() if x.pressure]
    assert d["lead_flow_trend"].value == pytest.approx(0.0)


def test_a_short_horizon_has_no_lead_flow_trend():
    """Fewer than 12 months cannot compare a first and a last half-year: no trend row."""
    d = {x.signal for x in diagnose(_results(pressure=True, months=9))}
    assert "lead_flow_trend" not in d


def test_diagnostics_carry_the_figures_a_sentence_needs():
    """Beside its value, each diagnostic carries the parts it is made of (no prose)."""
    d = {x.signal: x for x in diagnose(_results(pressure=True))}
    assert d["sqls_gone_cold"].figures == {"count": 40.0, "wait_days": 9.0}
    assert d["handoff_leakage"].figures == {"leaked": 300.0, "mqls": 1000.0}
    assert d["churned_vs_new_mrr"].figures["logo_churn_monthly"] == pytest.approx(0.03)
    trend = d["lead_flow_trend"].figures
    assert trend["last_6"] / trend["first_6"] - 1 == pytest.approx(d["lead_flow_trend"].value)
    assert not {"text", "summary"} & set(Diagnostic.__dataclass_fields__)


def test_slow_response_is_judged_on_the_qualification_it_keeps_not_the_hours():
    """30 hours with 97% of qualification kept is no pressure; the flag follows `kept`."""
    res = _results(pressure=True)
    res.kpis.loc[res.kpis["setup"] == "none", "speed_to_lead_kept"] = 0.97
    d = {x.signal: x for x in diagnose(res)}["response_time_hours"]
    assert d.value == pytest.approx(30.0)
    assert d.judged_on == "kept" and d.figures["kept"] == pytest.approx(0.97)
    assert not d.pressure


def test_every_signal_points_at_a_registered_criterion_of_the_article():
    """Each diagnostic's criterion id is in the registry; the registry cites the article's
    sections by number (SalesOps criteria 1-7, RevOps criteria 1-6, jobs 1-9, differences 1-5)."""
    limits = {"salesops_criteria": 7, "revops_criteria": 6, "revops_jobs": 9, "differences": 5}
    for d in diagnose(_results(pressure=True)):
        assert d.criterion in CRITERIA
        assert d.criterion == SIGNALS[d.signal].criterion
    for cid, c in CRITERIA.items():
        assert c.id == cid
        assert all(1 <= k <= limits[c.section] for k in c.numbers), c
        assert cid.endswith("_".join(map(str, c.numbers))), c


def test_capacity_signals_evidence_the_paperwork_criterion_and_long_cycles_the_complex_sale():
    """Reps at capacity is SalesOps criterion 5 (their time is the constraint); a long cycle is
    criterion 4 (a complex sale) — each signal names the one item of the article it shows."""
    assert {s: SIGNALS[s].criterion for s in ("deal_slot_utilization", "sqls_gone_cold")} == {
        "deal_slot_utilization": "salesops_5",
        "sqls_gone_cold": "salesops_5",
    }
    assert SIGNALS["selling_time_share"].criterion == "salesops_5"
    assert SIGNALS["sales_cycle_days"].criterion == "salesops_4"
    assert CRITERIA["salesops_4"].numbers == (4,) and CRITERIA["salesops_5"].numbers == (5,)
