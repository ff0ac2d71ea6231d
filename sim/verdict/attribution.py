"""Where a setup's gain comes from: its gain over the baseline split by lever group.

The setup is re-run on the headline's own replications — the first
`ATTRIBUTION_REPLICATIONS` of them by default, all of them when asked — once with no lever
at all (its teams' cost only), then with each lever group alone (`sim.levers.LEVER_GROUPS`).
Per replication:

* `ops_cost` = cost-only run - baseline;
* a group's contribution = that group's run - cost-only run;
* `interaction` = full gain - cost - the groups' sum: what the groups do together beyond
  their sum (overlap and synergy make effects non-additive);
* `total` = the setup's paired gain over the baseline on the same replications.

Each row is the mean over those replications with its own t-interval, so the rows add up
to `total` exactly. On a subset, `total` is the gain *on that subset* (the headline's
interval is wider or narrower only by chance and the number of futures); the text says on
how many futures the split was made. Why a subset: the split costs one run of the setup per
lever group and replication (six for a setup with both teams, against the comparison's
four runs per replication, one per setup), so on every replication it would cost about 1.6
comparisons; the parts are paired differences on common random numbers, with far less
spread than the gain itself, so a few dozen futures pin them down. All of a replication's
re-runs go to one task (`sim.experiments.run_lever_sets`), sharing its draws and warm-up.

For the ROI objective every per-replication part is divided by that replication's ops
spend, as ROI itself is, so the rows still add up to the total. The re-runs are kept
(`LeverRuns`) so another objective or confidence re-splits the gain without simulating
again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments import Replications, run_lever_sets
from sim.levers import LEVER_GROUPS
from sim.params import BASELINE, Scenario
from sim.verdict.stats import CONFIDENCE, mean_interval

SOURCES = ("ops_cost", *LEVER_GROUPS, "interaction", "total")
"""Every row id an attribution can have, in display order (words in `sim.text`)."""

COLUMNS = ("setup", "objective", "source", "mean", "low", "high")

ATTRIBUTION_REPLICATIONS = 12
"""Replications the split is made on by default (the headline's first ones). Its re-runs,
up to six per replication of a setup with both teams, then cost at most about a fifth of a
100-replication comparison (bench/README.md: 16 measured 28%); the parts are paired
differences on common random numbers, so 12 futures pin them down (t with 11 degrees of
freedom: intervals 1.15x as wide as on 16)."""


@dataclass(frozen=True)
class LeverRuns:
    """The re-runs behind an attribution: the setup with no lever, then each group alone."""

    setup: str
    replications: tuple[int, ...]
    runs: dict[str, Replications]
    """"ops_cost" (no lever) and each lever group used by the setup -> its runs."""


def explained_setup(ranked: Sequence[str], scenario: Scenario) -> str | None:
    """The setup whose gain is explained: the winner, or the runner-up when no team wins.

    None when that setup has no team (there is then no gain to split).
    """
    ranked = list(ranked)
    subject = ranked[0] if ranked[0] != BASELINE else (ranked[1] if len(ranked) > 1 else None)
    if subject is None or not scenario.org.setups[subject]:
        return None
    return subject


def groups_used(scenario: Scenario, setup: str) -> tuple[str, ...]:
    """The lever groups that any of the setup's teams (or their synergy) moves."""
    teams = scenario.org.team_names(setup)
    used: set[str] = set()
    for team in teams:
        used |= set(scenario.org.teams[team].effects)
    if len(teams) > 1:
        used |= set(scenario.org.synergy)
    return tuple(g for g, levers in LEVER_GROUPS.items() if used & set(levers))


def attribution_replications(available: Sequence[int], limit: int | None) -> tuple[int, ...]:
    """The replications a split is made on: the first `limit` of `available` (None: all)."""
    reps = tuple(sorted(int(r) for r in available))
    if limit is None:
        return reps
    if isinstance(limit, bool) or int(limit) < 2:
        raise ValueError(f"the split needs at least 2 replications, got {limit!r}")
    return reps[: int(limit)]


def run_lever_groups(
    results: Replications,
    setup: str,
    *,
    replications: int | None = ATTRIBUTION_REPLICATIONS,
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
) -> LeverRuns:
    """Re-run `setup` with no lever, then with each lever group alone.

    On the first `replications` replications of `results` (None: every one), with common
    random numbers: the same futures as the headline's, so a split made from these runs adds
    up to the setup's paired gain on them. One task per replication runs all its re-runs.
    """
    scenario, seed = results.scenario, results.seed
    reps = attribution_replications(results.kpis["replication"].unique(), replications)
    sets = {"ops_cost": ()} | {g: LEVER_GROUPS[g] for g in groups_used(scenario, setup)}
    runs = run_lever_sets(
        scenario,
        setup,
        reps,
        seed,
        sets,
        executor=executor,  # type: ignore[arg-type]
        workers=workers,
        cache=cache,  # type: ignore[arg-type]
    )
    return LeverRuns(setup=setup, replications=reps, runs=runs)


def split_gain(
    results: Replications, runs: LeverRuns, objective: str, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """The setup's gain over the baseline split by lever group (no simulation).

    Columns: setup, objective, source, mean, low, high; `total` is the setup's paired gain
    on the replications of `runs` (the headline's when they are all of its replications).
    """
    setup = runs.setup
    headline = results.objective(objective)
    if not set(runs.replications) <= {int(r) for r in headline.index}:
        raise ValueError("the lever-group runs are not on the replications of these results")
    headline = headline.loc[list(runs.replications)]
    gain = headline[setup].to_numpy(dtype=float) - headline[BASELINE].to_numpy(dtype=float)
    money = "cumulative_contribution" if objective == "ops_roi" else objective
    none = results.objective(money).loc[headline.index, BASELINE].to_numpy(dtype=float)
    if objective == "ops_roi":
        # ROI is contribution gained per unit of ops spend, replication by replication
        cost = results.objective("ops_cost").loc[headline.index, setup].to_numpy(dtype=float)
        scale = np.divide(1.0, cost, out=np.zeros_like(cost), where=cost > 0)
    else:
        scale = np.ones_like(gain)

    def values(source: str) -> np.ndarray:
        frame = runs.runs[source].objective(money)
        return frame[setup].reindex(headline.index).to_numpy(dtype=float)

    cost_only = values("ops_cost")
    parts = {"ops_cost": (cost_only - none) * scale}
    for group in runs.runs:
        if group != "ops_cost":
            parts[group] = (values(group) - cost_only) * scale
    parts["interaction"] = gain - sum(parts.values())
    parts["total"] = gain
    rows = [
        {"setup": setup, "objective": objective, "source": source}
        | mean_interval(x, confidence).as_dict()
        for source, x in parts.items()
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def attribute_gain(
    results: Replications,
    setup: str,
    objective: str,
    *,
    replications: int | None = ATTRIBUTION_REPLICATIONS,
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """`run_lever_groups` then `split_gain`: the gain split on the first `replications`."""
    runs = run_lever_groups(
        results, setup, replications=replications, workers=workers, executor=executor, cache=cache
    )
    return split_gain(results, runs, objective, confidence)
