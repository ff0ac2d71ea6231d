"""Value after the horizon: a going concern, teams that leave, or cash only.

The going-concern value must not depend on where the simulation stops: on a stationary
company every setup's gain at a 36-month horizon matches its gain at 96 months. The two
other conventions equal their closed forms on a company where nothing moves.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make

import sim
from sim.answers import comparison_json
from sim.metrics import monthly_discount_rate


def _frozen_company(after: str, horizon: int = 12):
    """No leads, no churn, no expansion: a base of constant MRR and constant costs."""
    return make(
        horizon_months=horizon,
        analysis__after_horizon=after,
        market__inbound_mqls_per_month=0,
        sales__outbound_leads_per_rep_month=0,
        segments__0__monthly_churn=0.0,
        segments__0__expansion__monthly_probability=0.0,
        starting_customers__count=10,
        starting_customers__mrr_each=5000,
        costs__other_gtm_per_month=20000,
        costs__customer_value_months=60,
        **{"org.teams.revops.effects": {"selling_time_share": [0.0, 0.01, 0.02]}},
    )


@pytest.mark.parametrize("after", ["going_concern", "teams_leave", "cash_only"])
def test_each_convention_equals_its_closed_form_on_a_frozen_company(after):
    """cash = sum_{m<=H} d^m (g MRR - C); after it, A(L) = sum_{k=1..L} d^k, L = cap - H:
    teams_leave adds d^H g MRR A(L); going_concern adds d^H (g MRR - C) A(L), C with the
    teams kept; cash_only adds nothing."""
    H = 12
    sc = _frozen_company(after, H)
    d = 1.0 / (1.0 + monthly_discount_rate(sc.costs))
    gm = sc.costs.gross_margin
    mrr = 10 * 5000.0
    L = 60 - H
    annuity = d * (1 - d**L) / (1 - d)
    for setup in ("none", "revops"):
        run = sim.simulate(sc, setup, 0, 0)
        k = run.kpis
        monthly_cost = float(sum(v.mean() for v in run.record.monthly_costs.values()))
        assert k["total_cost"] == pytest.approx(H * monthly_cost)
        cash = sum(d**m * (gm * mrr - monthly_cost) for m in range(1, H + 1))
        after_value = {
            "going_concern": d**H * (gm * mrr - monthly_cost) * annuity,
            "teams_leave": d**H * gm * mrr * annuity,
            "cash_only": 0.0,
        }[after]
        assert k["value_within"] == pytest.approx(cash, rel=1e-9)
        assert k["value_after"] == pytest.approx(after_value, rel=1e-9)
        assert k["value_created"] == pytest.approx(cash + after_value, rel=1e-9)
        assert k[f"value_{after}"] == pytest.approx(k["value_created"], rel=1e-12)


def test_the_cap_on_value_runs_from_today():
    """With the cap at the horizon nothing is counted after it, whatever the convention."""
    sc = make(horizon_months=12, costs__customer_value_months=12)
    k = sim.simulate(sc, "revops", 0, 0).kpis
    assert k["value_going_concern"] == pytest.approx(k["value_cash_only"])
    assert k["value_teams_leave"] == pytest.approx(k["value_cash_only"])


def _gains(horizon: int, reps: int) -> tuple[dict[str, float], dict[str, float]]:
    sc = make(
        horizon_months=horizon,
        objective="value_created",
        market__inbound_growth_per_month=0.0,
        market__audience_size=None,
        starting_customers__count=150,
        starting_customers__mrr_each=3775,
    )
    k = sim.compare(sc, reps, seed=3, explain=False).results.kpis
    wide = k.pivot(index="replication", columns="setup", values="value_created")
    gains, ses = {}, {}
    for setup in ("salesops", "revops", "both"):
        diff = (wide[setup] - wide["none"]).to_numpy(float)
        gains[setup] = float(diff.mean())
        ses[setup] = float(diff.std(ddof=1) / np.sqrt(len(diff)))
    return gains, ses


@pytest.mark.slow
def test_going_concern_gains_do_not_depend_on_where_the_simulation_stops():
    """Stationary company: each setup's gain at 36 months is within 15% of its gain at 96
    months, plus the runs' own noise (2.5 standard errors of the difference)."""
    g36, s36 = _gains(36, 16)
    g96, s96 = _gains(96, 16)
    for setup in g36:
        noise = 2.5 * float(np.hypot(s36[setup], s96[setup]))
        assert abs(g36[setup] - g96[setup]) <= 0.15 * abs(g96[setup]) + noise, (
            setup,
            g36[setup],
            g96[setup],
            noise,
        )


def test_the_verdict_splits_each_gain_into_within_and_after_the_horizon():
    """vs_none_within + vs_none_after = vs_none, in the JSON and in words."""
    sc = make(horizon_months=12, objective="value_created")
    result = sim.compare(sc, 6, seed=1, explain=False)
    facts = comparison_json(result)
    assert facts["after_horizon"] == "going_concern"
    for name, s in facts["setups"].items():
        within, after = s["vs_none_within"]["mean"], s["vs_none_after"]["mean"]
        assert within + after == pytest.approx(s["vs_none"]["mean"], abs=1e-6), name
    if facts["verdict"]["best"] != "none":
        assert "within the 12 months" in facts["verdict"]["summary"]
    cash = result.with_objective("npv_contribution").facts()
    assert all(s["vs_none_within"] is None for s in cash["setups"].values())


def test_the_cli_chooses_how_value_after_the_horizon_is_counted(tmp_path):
    import json

    from sim.cli import main
    from sim.io import scenario_to_yaml

    path = tmp_path / "s.yaml"
    path.write_text(scenario_to_yaml(make(horizon_months=12, objective="value_created")))
    out = tmp_path / "v.json"
    args = ["compare", str(path), "--reps", "3", "--no-explain", "--quiet", "--backend"]
    rc = main(
        [*args, "serial", "--after-horizon", "cash_only", "--format", "json", "--out", str(out)]
    )
    assert rc == 0
    facts = json.loads(out.read_text())
    assert facts["after_horizon"] == "cash_only"
    for s in facts["setups"].values():
        assert s["vs_none_after"]["mean"] == pytest.approx(0.0, abs=1e-6)
