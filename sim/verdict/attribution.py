"""Where a setup's gain comes from: its gain over the baseline split by lever group.

The setup is re-run on the *same* replications as the headline (every one of them, so the
split and the headline describe the same futures): once with no lever at all (its teams'
cost only), then with each lever group alone (`sim.levers.LEVER_GROUPS`). Per replication:

* `ops_cost` = cost-only run - baseline;
* a group's contribution = that group's run - cost-only run;
* `interaction` = full gain - cost - the groups' sum: what the groups do together beyond
  their sum (overlap and synergy make effects non-additive);
* `total` = the setup's paired gain over the baseline: the headline's own numbers.

Each row is the mean over replications with its t-interval. For the ROI objective every
per-replication part is divided by that replication's ops spend, as ROI itself is, so the
rows still add up to the headline. The re-runs are kept (`LeverRuns`) so another objective
or confidence re-splits the gain without simulating again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments import Replications, run_replications
from sim.levers import LEVER_GROUPS
from sim.params import BASELINE, Scenario
from sim.verdict.stats import CONFIDENCE, mean_interval

SOURCES = ("ops_cost", *LEVER_GROUPS, "interaction", "total")
"""Every row id an attribution can have, in display order (words in `sim.text`)."""

COLUMNS = ("setup", "objective", "source", "mean", "low", "high")


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


def _blocks(replications: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs of replication numbers as (first, count)."""
    out: list[tuple[int, int]] = []
    for r in sorted(replications):
        if out and out[-1][0] + out[-1][1] == r:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((r, 1))
    return out


def run_lever_groups(
    results: Replications,
    setup: str,
    *,
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
) -> LeverRuns:
    """Re-run `setup` with no lever, then with each lever group alone.

    On every replication of `results` (common random numbers: the same futures as the
    headline), so a split made from these runs adds up to the headline's gain.
    """
    scenario, seed = results.scenario, results.seed
    reps = tuple(int(r) for r in sorted(results.kpis["replication"].unique()))

    def run(levers: tuple[str, ...]) -> Replications:
        parts = [
            run_replications(
                scenario,
                count,
                seed,
                setups=[setup],
                workers=workers,
                first_replication=first,
                levers=levers,
                baseline=False,
                executor=executor,
                cache=cache,
            )
            for first, count in _blocks(reps)
        ]
        out = parts[0]
        for more in parts[1:]:
            out = out.extend(more)
        return out

    runs = {"ops_cost": run(())}
    for group in groups_used(scenario, setup):
        runs[group] = run(LEVER_GROUPS[group])
    return LeverRuns(setup=setup, replications=reps, runs=runs)


def split_gain(
    results: Replications, runs: LeverRuns, objective: str, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """The setup's gain over the baseline split by lever group (no simulation).

    Columns: setup, objective, source, mean, low, high; `total` is the headline's paired
    gain, computed from the same replications in the same way.
    """
    setup = runs.setup
    headline = results.objective(objective)
    if tuple(int(r) for r in headline.index) != runs.replications:
        raise ValueError("the lever-group runs are not on the replications of these results")
    gain = headline[setup].to_numpy(dtype=float) - headline[BASELINE].to_numpy(dtype=float)
    money = "cumulative_contribution" if objective == "ops_roi" else objective
    none = results.objective(money)[BASELINE].to_numpy(dtype=float)
    if objective == "ops_roi":
        # ROI is contribution gained per unit of ops spend, replication by replication
        cost = results.objective("ops_cost")[setup].to_numpy(dtype=float)
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
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """`run_lever_groups` then `split_gain`: the gain split on every replication of `results`."""
    runs = run_lever_groups(results, setup, workers=workers, executor=executor, cache=cache)
    return split_gain(results, runs, objective, confidence)
