"""Shared helpers: the reference company (`base_dict`) as plain data, and a builder with overrides.

Tests build their scenarios from `base_dict()` (never from files under scenarios/, which
other people edit) and change what they need with dotted overrides, exactly as a user of
the CLI's `--set dotted.key=value` would.
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

import numpy as np
import pytest

from sim.io import apply_overrides, parse_scenario
from sim.model import COLD, INBOUND, LEAKED, LOST, OPEN, OUTBOUND, UNQUALIFIED, WON
from sim.params import MONTH_DAYS, Scenario

_BASE: dict[str, Any] = {
    "name": "Scaling mid-market SaaS, shrinking lead supply",
    "description": "one paragraph on the company and where each number comes from",
    "currency": "USD",
    "horizon_months": 36,
    "objective": "cumulative_contribution",
    "segments": [
        {
            "name": "mid-market",
            "lead_share": 1.0,
            "acv": {"median": 40000, "sigma": 0.5},
            "qualification_rate": 0.30,
            "win_rate": 0.20,
            "sales_cycle_days": {"distribution": "lognormal", "median": 90, "sigma": 0.6},
            "monthly_churn": 0.009,
            "expansion": {"monthly_probability": 0.02, "size": 0.15},
            "win_propensity_spread": 1.0,
        }
    ],
    "market": {
        "audience_size": 20000,
        "inbound_mqls_per_month": 250,
        "inbound_growth_per_month": -0.015,
        "marketing_spend_per_month": 37500,
    },
    "lead_handling": {
        "handoff_leakage": 0.15,
        "first_touch": {
            "capacity": 3,
            "touches_per_person_day": 30,
            "handling_delay_hours": {"median": 4, "sigma": 1.0},
        },
        "speed_to_lead_decay": {"floor": 0.55, "tau_hours": 6},
    },
    "sales": {
        "reps": 8,
        "max_open_deals_per_rep": 15,
        "selling_time_share": 0.28,
        "outbound_leads_per_rep_month": 4,
        "sql_patience_days": 21,
        "cycle_time_elasticity": 0.5,
        "price_elasticity": 1.0,
    },
    "costs": {
        "rep_per_month": 15800,
        "first_touch_per_person_month": 9000,
        "other_gtm_per_month": 0,
        "gross_margin": 0.78,
        "discount_rate_annual": 0.10,
    },
    "starting_customers": {"count": 0, "mrr_each": 0},
    "org": {
        "teams": {
            "salesops": {
                "headcount": 1,
                "cost_per_fte_month": 10000,
                "months_to_full_effect": 4,
                "effects": {
                    "selling_time_share": [0.01, 0.04, 0.08],
                    "win_rate": [0.0, 0.015, 0.04],
                    "sales_cycle": [-0.15, -0.05, 0.0],
                    "response_time": [-0.5, -0.3, 0.0],
                    "lead_scoring_accuracy": [0.3, 0.5, 0.7],
                },
            },
            "revops": {
                "headcount": 1,
                "cost_per_fte_month": 17000,
                "months_to_full_effect": 6,
                "effects": {
                    "qualification_rate": [0.0, 0.10, 0.25],
                    "handoff_leakage": [-0.8, -0.5, -0.2],
                    "inbound_rate": [0.0, 0.10, 0.30],
                    "audience_size": [0.0, 0.20, 0.50],
                    "price": [0.0, 0.03, 0.08],
                    "monthly_churn": [-0.30, -0.10, 0.0],
                    "expansion": [0.0, 0.15, 0.40],
                    "sales_cycle": [-0.05, -0.02, 0.0],
                    "selling_time_share": [0.0, 0.01, 0.02],
                },
            },
        },
        "overlap": 0.5,
        "synergy": {"handoff_leakage": -0.1},
        "setups": {
            "none": [],
            "salesops": ["salesops"],
            "revops": ["revops"],
            "both": ["salesops", "revops"],
        },
    },
}


def base_dict() -> dict[str, Any]:
    """The reference example company as a fresh, mutable Python dict."""
    return copy.deepcopy(_BASE)


def settings(**dotted: Any) -> list[str]:
    """`key.path=value` strings for `apply_overrides`; `__` in a name stands for a dot.

    Values are Python objects written as JSON (which is YAML), so None becomes null.
    """
    return [f"{key.replace('__', '.')}={json.dumps(value)}" for key, value in dotted.items()]


def make_from(data: dict[str, Any], **dotted: Any) -> Scenario:
    """A validated scenario from `data` with dotted overrides applied."""
    return parse_scenario(apply_overrides(data, settings(**dotted)))


def make(**dotted: Any) -> Scenario:
    """The reference company with dotted overrides: make(**{"sales.reps": 4}) or sales__reps=4."""
    return make_from(base_dict(), **dotted)


def stderr_of_mean(x: Any) -> float:
    """Standard error of the mean of independent values."""
    a = np.asarray(x, dtype=float)
    return float(a.std(ddof=1) / np.sqrt(len(a)))


def check_conservation(record, scenario, kpis=None):
    """Every lead is in exactly one state, and the state agrees with its timestamps."""
    leads = record.leads
    H = record.horizon_days
    n = len(leads)
    for name in ("source", "segment", "created", "contacted", "response_hours", "sql"):
        assert len(getattr(leads, name)) == n
    for name in ("slot_start", "closed", "acv", "mrr"):
        assert len(getattr(leads, name)) == n
    state = leads.state
    assert set(np.unique(state).tolist()) <= {LEAKED, UNQUALIFIED, COLD, LOST, WON, OPEN}
    counts = [int((state == s).sum()) for s in (LEAKED, UNQUALIFIED, COLD, LOST, WON, OPEN)]
    assert sum(counts) == n

    has = {name: ~np.isnan(getattr(leads, name)) for name in ("contacted", "sql", "slot_start")}
    has_closed = ~np.isnan(leads.closed)
    warmup = scenario.sales.warmup_months * MONTH_DAYS
    assert ((leads.created >= -warmup - 1e-9) & (leads.created < H)).all()
    # warm-up leads are kept only while in play at day 0: nothing of theirs closed before it
    assert (leads.closed[has_closed] >= 0).all()
    warm = leads.created < 0
    in_play = ~has["contacted"] | (leads.contacted >= 0) | (has["sql"] & (state != UNQUALIFIED))
    assert in_play[warm].all(), "a warm-up lead settled before day 0 is history"
    assert np.isin(leads.source, [INBOUND, OUTBOUND]).all()
    assert ((leads.segment >= 0) & (leads.segment < len(scenario.segments))).all()

    leaked = state == LEAKED
    assert (leads.source[leaked] == INBOUND).all(), "only inbound MQLs can leak"
    assert not has["contacted"][leaked].any()
    unq = state == UNQUALIFIED
    assert has["contacted"][unq].all() and not has["sql"][unq].any()
    cold = state == COLD
    assert has["sql"][cold].all() and not has["slot_start"][cold].any()
    assert not has_closed[cold].any()
    closed_states = (state == WON) | (state == LOST)
    assert has["slot_start"][closed_states].all()
    assert has_closed[closed_states].all()
    assert (has_closed == closed_states).all(), "only won or lost deals have a close time"
    opened = state == OPEN
    assert not has_closed[opened].any()
    # OPEN: never touched, or an SQL waiting, or a deal in a slot
    assert (has["sql"][opened] | ~has["slot_start"][opened]).all()

    # timestamps in order along the funnel, all within the horizon
    c = has["contacted"]
    assert (leads.contacted[c] >= leads.created[c] - 1e-9).all()
    assert (leads.contacted[c] < H).all()
    s = has["sql"]
    assert c[s].all() and np.allclose(leads.sql[s], leads.contacted[s])
    o = has["slot_start"]
    assert s[o].all() and (leads.slot_start[o] >= leads.sql[o] - 1e-9).all()
    assert (leads.closed[has_closed] >= leads.slot_start[has_closed]).all()
    assert (leads.closed[has_closed] <= H).all()
    assert np.allclose(leads.response_hours[c], (leads.contacted[c] - leads.created[c]) * 24)
    assert (leads.response_hours[leads.source == OUTBOUND] == 0).all()

    # money only for wins; one customer per win
    won = state == WON
    assert (leads.mrr[won] > 0).all() and (leads.mrr[~won] == 0).all()
    cust = record.customers
    assert int(cust.is_new.sum()) == int(won.sum())
    assert len(cust) == int(won.sum()) + scenario.starting_customers.count

    if kpis is None:
        return
    # the KPI counts are the record counts
    k = kpis
    new = int((leads.created >= 0).sum())  # the run's own leads (the rest: the warm-up's)
    assert k["leads"] == new
    assert k["wins"] == counts[WON] and k["losses"] == counts[LOST]
    assert k["leaked"] == counts[LEAKED] and k["unqualified"] == counts[UNQUALIFIED]
    assert k["sqls_gone_cold"] == counts[COLD] and k["open"] == counts[OPEN]
    assert k["sqls"] == int((leads.sql >= 0).sum())
    assert k["opportunities"] == int((leads.slot_start >= 0).sum())
    assert k["mqls"] + k["outbound_leads"] == new


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Put `sys.modules["__main__"]` back after every test.

    Streamlit's AppTest leaves it set to the last page script it ran; a process started
    later by spawn (a Dask worker, say) would then run that page's script before its task.
    """
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def base() -> dict[str, Any]:
    """The reference company as a dict (fresh per test)."""
    return base_dict()


@pytest.fixture(scope="session")
def example() -> Scenario:
    """The reference company, validated."""
    return make()


# KPI names the JSON must carry for every setup
SPEC_KPIS = [
    "win_rate",
    "cac",
    "cltv",
    "sales_cycle_days",
    "time_to_close_days",
    "win_loss_ratio",
    "cost_per_lead",
    "mqls",
    "sqls",
    "opportunities",
    "wins",
    "ending_arr",
    "ending_mrr",
    "nrr",
    "grr",
    "upsell_rate",
    "logo_churn_monthly",
    "pipeline_velocity",
    "net_revenue_growth",
    "ops_roi",
    "cumulative_contribution",
    "response_time_hours",
    "deal_slot_wait_days",
    "rep_utilization",
    "sqls_gone_cold",
    "audience_used",
]


# ----------------------------------------------------------------------------- verdict helpers
def hand_built(values: dict[str, Any], scenario: Scenario | None = None, seed: int = 0):
    """A `Replications` whose objective values are exactly `values` (setup -> per-rep array).

    Lets the verdict's statistics be checked on numbers whose answer is known in advance.
    """
    import pandas as pd

    from sim.experiments import Replications

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


def two_setup(team: dict[str, Any], horizon: int = 12, **more: Any) -> Scenario:
    """The reference company reduced to setups {none, <team name>} with one custom team."""
    ((name, spec),) = team.items()
    return make(
        horizon_months=horizon,
        org__teams={name: spec},
        org__setups={"none": [], name: [name]},
        org__synergy={},
        **more,
    )


GHOST = {"ghost": {"headcount": 1, "cost_per_fte_month": 0, "effects": {}}}
"""A team with no effect and no cost: ties the baseline exactly, run for run."""

BOOST = {
    "boost": {
        "headcount": 1,
        "cost_per_fte_month": 0,
        "months_to_full_effect": 0,
        "effects": {"win_rate": [0.3, 0.3, 0.3], "qualification_rate": [0.5, 0.5, 0.5]},
    }
}
"""A free team with large effects: wins clearly at once."""


# ----------------------------------------------------------------------------- two workers
# `make test` runs the suite on two workers (pytest-xdist, `-n 2 --dist loadfile`). Each test
# file is one unit of work, so a file's module fixtures are computed once, on one worker;
# the browser tests, the longest file by far, are two units (their tests taken alternately)
# that start first, one on each worker, each worker starting its own server and browser.
BROWSER_FILE = "test_browser.py"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker, the browser tests first (the order the units are handed out)."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: item.path.name != BROWSER_FILE)  # a stable sort


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile`, with test_browser.py split in two units (see above)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesAndTwoBrowserUnits(LoadFileScheduling):
        def __init__(self, config: pytest.Config, log: Any) -> None:
            super().__init__(config, log)
            self.units: dict[str, str] = {}
            self.browser_tests = 0

        def _split_scope(self, nodeid: str) -> str:
            if nodeid not in self.units:
                path = nodeid.split("::", 1)[0]
                if path.rsplit("/", 1)[-1] == BROWSER_FILE:
                    self.browser_tests += 1
                    path = f"{path}::half-{self.browser_tests % 2 + 1}"
                self.units[nodeid] = path
            return self.units[nodeid]

    config.option.loadscopereorder = False  # units in collection order: the browser first
    return FilesAndTwoBrowserUnits(config, log)
