"""The back-test: simulate the data's own period and see whether its months fall in the band.

The calibrated scenario is run, without any ops team, over the months of the data after a
burn-in (the pipeline the company already had then is the model's warm-up), starting from
the inbound rate the fitted trend gives for the first back-test month. Each month's actual
wins and new ARR are compared with the simulated 90% band (5th to 95th percentile over
replications). It is an in-sample check of the model's structure — month-to-month swings
in lead volume beyond chance, capacity limits or a funnel the model does not have show as
months outside the band — not a test of a forecast. Under 70% of months inside the band is
a warning. A season the calibration found (`market.seasonality`) is turned to start in the
back-test's first calendar month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.budget import CLI_BUDGET, Budget, budget_from_env, check_budget
from sim.calibrate.estimates import Calibration
from sim.executors import Executor, SerialExecutor
from sim.experiments import run_replications
from sim.params import BASELINE, Scenario

BAND = (0.05, 0.95)
WARN_BELOW = 0.7
SERIES = {"wins": "wins", "new_arr": "new_mrr"}
"""Compared series: actual column -> the model's monthly series (new ARR = 12 x new MRR)."""


@dataclass(frozen=True)
class Backtest:
    """Month by month: actuals, the simulated band and median, inside or not; coverage."""

    months: pd.DataFrame
    coverage: dict[str, float]
    replications: int
    burn_in_months: int
    warning: str | None

    def to_json(self) -> dict:
        """The report as plain data (the CLI's `--backtest` file)."""
        return {
            "band": list(BAND),
            "replications": self.replications,
            "burn_in_months": self.burn_in_months,
            "months_compared": len(self.months),
            "coverage": self.coverage,
            "warning": self.warning,
            "months": self.months.to_dict(orient="records"),
        }


def backtest_scenario(cal: Calibration, scenario: Scenario, burn_in: int, months: int) -> Scenario:
    """The calibrated scenario set to the back-test window: horizon, warm-up, inbound then.

    `burn_in` is the data month (0 = the data's first) the simulation starts in. A season
    (`market.seasonality`, written from the month after the data) is turned to start in that
    month's calendar month.
    """
    ratio = cal.trend.rate_at(burn_in).value / cal.trend.rate_at(cal.trend.months - 1).value
    data = scenario.model_dump()
    data["analysis"]["horizon_months"] = months
    data["sales"]["warmup_months"] = float(burn_in)
    data["market"]["inbound_mqls_per_month"] = scenario.market.inbound_mqls_per_month * ratio
    season = scenario.market.seasonality
    if season is not None:
        start = cal.start.to_period("M") + burn_in
        shift = (start.month - cal.first_month.month) % 12
        data["market"]["seasonality"] = [season[(k + shift) % 12] for k in range(12)]
    return Scenario.model_validate(data)


def run_backtest(
    cal: Calibration,
    scenario: Scenario,
    replications: int = 50,
    seed: int = 0,
    burn_in: int | None = None,
    executor: Executor | None = None,
    budget: Budget | None = None,
) -> Backtest:
    """Back-test `scenario` (calibrated from `cal`) on the data's complete months.

    Checked against `budget` (default: the command line's) before it simulates, counting
    every setup of the scenario although only the baseline runs: an upper estimate.
    """
    actual = cal.monthly[cal.monthly.complete].reset_index(drop=True)
    if burn_in is None:
        burn_in = int(min(6, max(1, len(actual) // 4)))
    first = cal.monthly.index[cal.monthly.complete][0]
    window = actual.iloc[burn_in:].reset_index(drop=True)
    if len(window) < 3:
        raise ValueError(
            f"the data cover {len(actual)} complete months: a back-test needs at least "
            f"{burn_in + 3} (a {burn_in}-month burn-in and 3 to compare)"
        )
    sc = backtest_scenario(cal, scenario, int(first) + burn_in, len(window))
    check_budget(
        sc, replications, 1, budget or budget_from_env(CLI_BUDGET), False, "back-test (--reps)"
    )
    # One setup over a few years: a second or two in this process, no pool worth starting.
    runs = run_replications(
        sc, replications, seed, setups=[BASELINE], executor=executor or SerialExecutor()
    )
    sim = runs.monthly[runs.monthly.setup == BASELINE].copy()
    sim["new_arr"] = sim["new_mrr"] * 12.0
    out = window[["month"]].copy()
    coverage = {}
    for name in SERIES:
        q = sim.groupby("month")[name].quantile([BAND[0], 0.5, BAND[1]]).unstack()
        lo, mid, hi = (q[c].to_numpy()[: len(window)] for c in q.columns)
        values = window[name].to_numpy(dtype=float)
        inside = (values >= lo) & (values <= hi)
        out[f"{name}_actual"] = values
        out[f"{name}_low"] = lo
        out[f"{name}_median"] = mid
        out[f"{name}_high"] = hi
        out[f"{name}_inside"] = inside
        coverage[name] = float(np.mean(inside))
    worst = min(coverage.values())
    warning = None
    if worst < WARN_BELOW:
        which = " and ".join(
            f"{v:.0%} of months of {k.replace('_', ' ')}"
            for k, v in coverage.items()
            if v < WARN_BELOW
        )
        warning = (
            f"only {which} fall inside the simulated 90% band "
            f"(under {WARN_BELOW:.0%}): the calibrated model does not reproduce the data's "
            "months well. Look at the chart: lead volume that varies from month to month more "
            "than chance (the model's arrivals vary as chance does, around the trend and the "
            "season it found), capacity, or a trend it misses"
        )
    return Backtest(out, coverage, replications, burn_in, warning)
