"""An answer that scales with the company: ops work has a capacity, and a small company gets
no ops team or a fractional one — measured by the simulation, never by a rule on size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.io import load_scenario
from sim.params import Scenario

ROOT = Path(__file__).resolve().parents[1]


def scaled(scenario: Scenario, reps: int, **dotted: float) -> Scenario:
    """The company with `reps` reps and its leads, audience, marketing, SDR desk, overhead
    and customer base scaled together (fractional teams added to the setups)."""
    f = reps / scenario.sales.reps
    d = scenario.model_dump()
    d["sales"]["reps"] = reps
    m = d["market"]
    m["inbound_mqls_per_month"] *= f
    if m["audience_size"] is not None:
        m["audience_size"] *= f
    m["marketing_spend_per_month"] *= f
    desk = d["lead_handling"]["first_touch"]
    if desk["capacity"]:
        desk["capacity"] = max(1, round(desk["capacity"] * f))
    d["costs"]["other_gtm_per_month"] *= f
    d["starting_customers"]["count"] = max(1, round(d["starting_customers"]["count"] * f))
    for key, value in dotted.items():
        block, name = key.split("__")
        d[block][name] = value
    d["org"]["setups"]["salesops_half"] = ["salesops@0.5"]
    d["org"]["setups"]["revops_half"] = ["revops@0.5"]
    return Scenario.model_validate(d)


@pytest.mark.slow
def test_a_three_rep_one_million_company_gets_no_team_or_a_fractional_one():
    """3 reps and about $1M ARR (22 customers at the default's $3,775 MRR): the best setup by
    value created is no ops team or a half-time one, never a full hire or two."""
    default = load_scenario(ROOT / "scenarios" / "default.yaml")
    small = scaled(default, 3, starting_customers__count=22)
    arr = 12 * small.starting_customers.count * small.starting_customers.mrr_each
    assert 0.9e6 <= arr <= 1.1e6
    result = sim.compare(small, 40, seed=0, explain=False)
    assert result.verdict.best in ("none", "salesops_half", "revops_half"), {
        s: v.vs_none.mean for s, v in result.setups.items()
    }


def _gain_per_rep(reps: int, n: int) -> tuple[float, float]:
    """One full-time SalesOps analyst's gain in value created per rep, with its standard error."""
    default = load_scenario(ROOT / "scenarios" / "default.yaml")
    sc = scaled(default, reps)
    d = sc.model_dump()
    d["analysis"]["horizon_months"] = 24
    d["org"]["teams"]["salesops"]["strength"] = [1.0, 1.0, 1.0]
    d["org"]["setups"] = {"none": [], "salesops": ["salesops"]}
    sc = Scenario.model_validate(d)
    k = sim.compare(sc, n, seed=5, explain=False).results.kpis
    wide = k.pivot(index="replication", columns="setup", values="value_created")
    # net of the analyst's cost, which per rep is four times smaller at 24 reps: that works
    # against the test, so a fall in gain per rep is the capacity's doing
    diff = (wide["salesops"] - wide["none"]).to_numpy(float) / reps
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))


@pytest.mark.slow
def test_one_ops_fte_earns_less_per_rep_when_the_reps_quadruple():
    """6 reps -> 24 reps, leads and all scaled with them: one analyst covers 25 reps in full,
    so at 24 reps its effects are smaller and so is what it earns per rep (paired runs)."""
    small, se_small = _gain_per_rep(6, 12)
    large, se_large = _gain_per_rep(24, 12)
    assert large < small - 1.0 * np.hypot(se_small, se_large), (small, large)
