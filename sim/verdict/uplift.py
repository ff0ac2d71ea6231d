"""Each team alone, measured on outcomes: the uplift that justifies its effect ranges.

A team's per-lever ranges are inputs nobody observes; what published studies report are
*outcomes* — growth of net-new ARR, gross revenue retention, win rate, cycle length. So a
preset's ranges are checked by running each team alone against no team on the same futures
and comparing its uplift on those outcomes with the published bands (`UPLIFT_BANDS`, sources
in docs/SOURCES.md). The bands are ceilings and judgment, stated so they can be argued with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.cache import RunCache
from sim.executors import Executor
from sim.experiments import run_replications
from sim.params import BASELINE, Scenario
from sim.verdict.stats import CONFIDENCE, mean_interval

TOGETHER = "both"
"""The row of every team together (the combined band is theirs)."""


@dataclass(frozen=True)
class Band:
    """The published band of one outcome's uplift (low, high), and how it is measured."""

    low: float
    high: float
    measure: str  # "relative" (share of the baseline's) or "points" (difference)
    source: str  # row id in docs/SOURCES.md
    levers: tuple[str, ...] = ()  # the band applies to a team moving one of these (() = all)
    judged_on: tuple[str, ...] | None = None
    """Levers the band is judged on (the team run with only these; None = the whole team):
    a published anchor on one job (retention) is checked against that job's outcome, not
    against what the team's other jobs (a price rise at renewal) do to it."""
    min_baseline_growth: float = -math.inf
    """The band is judged only where the baseline's ARR grows at least this much over the
    horizon: the surveys measured growing companies, and a relative uplift of a small
    net-new ARR (a company whose churn eats its growth) is not what they measured."""


UPLIFT_BANDS: dict[str, Band] = {
    # survey ceilings of 15-28% growth from ops teams; ~25% is the sanity bound (B17, B18)
    "net_new_arr": Band(0.0, 0.25, "relative", "B18", min_baseline_growth=1.0),
    # churn / GRR: 0 to +3 GRR points (B16)
    "grr": Band(0.0, 0.03, "points", "B16", ("monthly_churn",), ("monthly_churn", "expansion")),
    # pipeline discipline: 0 to +4 win-rate points, HBR 2015 as the ceiling (B13)
    "win_rate": Band(0.0, 0.04, "points", "B13", ("win_rate",)),
    # cycle: 0 to -15% (B14)
    "sales_cycle_days": Band(-0.15, 0.0, "relative", "B14", ("sales_cycle",)),
}
"""Outcome -> the band a team's uplift should fall in, for the teams that claim to move it
(a RevOps price rise may lower the win rate; no band says it must not)."""


def net_new_arr(kpis: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """ARR at the horizon less the starting customers' ARR, per run."""
    start = 12.0 * scenario.starting_customers.count * scenario.starting_customers.mrr_each
    return kpis["ending_arr"] - start


def team_uplifts(
    scenario: Scenario,
    replications: int = 40,
    seed: int = 0,
    confidence: float = CONFIDENCE,
    executor: Executor | None = None,
    cache: RunCache | None = None,
) -> pd.DataFrame:
    """One row per (team, outcome): each team alone and all together, against no team.

    All together (`both`) is run when there are two or more teams; every setup is paired
    with no team by replication. Columns: team, outcome, measure, mean, low, high (interval
    of the mean), p10, p90 (of single futures' uplifts), band_low, band_high, inside (the
    interval of the mean meets the band — at modest replications a
    mean just outside is within its error; None where the band does not apply to the team or
    the company), source.
    """
    org = scenario.org
    setups = {BASELINE: (), **{name: (name,) for name in org.teams}}
    if len(org.teams) >= 2:
        setups[TOGETHER] = tuple(org.teams)
    data = scenario.model_dump()
    data["org"]["setups"] = {k: list(v) for k, v in setups.items()}
    alone = Scenario.model_validate(data)
    results = run_replications(alone, replications, seed, executor=executor, cache=cache)
    k = results.kpis.sort_values(["setup", "replication"])
    base = k[k["setup"] == BASELINE].set_index("replication")
    start_arr = 12.0 * scenario.starting_customers.count * scenario.starting_customers.mrr_each
    growth = float(base["ending_arr"].mean()) / start_arr - 1.0 if start_arr > 0 else math.inf
    rows = []
    for team in [name for name in setups if name != BASELINE]:
        moved = set().union(*(org.teams[t].effects for t in setups[team]))
        t = k[k["setup"] == team].set_index("replication").loc[base.index]
        for outcome, band in UPLIFT_BANDS.items():
            judged = t
            if band.judged_on is not None:
                only = run_replications(
                    alone,
                    replications,
                    seed,
                    setups=[team],
                    levers=band.judged_on,
                    baseline=False,
                    executor=executor,
                    cache=cache,
                ).kpis
                judged = only.set_index("replication").loc[base.index]
            if outcome == "net_new_arr":
                x, b = net_new_arr(t, scenario), net_new_arr(base, scenario)
            else:
                x, b = judged[outcome], base[outcome]
            x, b = x.to_numpy(float), b.to_numpy(float)
            if band.measure == "relative":
                diff = (x - b) / np.where(b != 0, np.abs(b), np.nan)
            else:
                diff = x - b
            diff = diff[np.isfinite(diff)]
            if len(diff) < 2:
                continue
            ci = mean_interval(diff, confidence)
            rows.append(
                {
                    "team": team,
                    "outcome": outcome,
                    "measure": band.measure,
                    "mean": ci.mean,
                    "low": ci.low,
                    "high": ci.high,
                    "p10": float(np.percentile(diff, 10)),
                    "p90": float(np.percentile(diff, 90)),
                    "band_low": band.low,
                    "band_high": band.high,
                    "inside": (
                        bool(ci.high >= band.low - 1e-9 and ci.low <= band.high + 1e-9)
                        if (not band.levers or set(band.levers) & moved)
                        and growth >= band.min_baseline_growth
                        else None
                    ),
                    "source": band.source,
                    "judged_on": ",".join(band.judged_on) if band.judged_on else "all",
                }
            )
    return pd.DataFrame(rows)
