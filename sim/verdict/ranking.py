"""Ranking: each setup's figures on the objective, and the verdict as facts.

* For each setup: mean, P10 and P90 of the objective; the paired difference with the
  baseline (`none`) and with the best, each with a t-interval of the mean (paired because
  replication r of every setup shares its random numbers); P(best); expected regret.
* The top two are *separated* when the interval of their paired difference excludes zero
  at the separation level (the display level, or a stricter one after adaptive looks).
  Separation is a statement about the *average* gap; P(best) is about single futures. The
  two answer different questions and the text layer words them apart.
* When they are not separated, the verdict records what would separate them: the
  replications the observed spread needs, and the assumption (a team's effect range) whose
  draws move their difference most.

No sentence is built here: words come from `sim.text`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments import Replications
from sim.org import draw_team_effects, draw_team_strength
from sim.params import BASELINE, Scenario
from sim.verdict.stats import (
    CONFIDENCE,
    Interval,
    expected_regret,
    mean_interval,
    p_best,
    replications_needed,
)

INFLUENCE_MIN = 0.2
"""Smallest |correlation| for an assumption to be named as what moves a difference."""

REPLICATIONS_WITHIN_REACH = 100_000
"""More replications than this are not offered as a way to separate two setups: a gap that
small is, for the decision, no gap (and a gap of float dust would ask for 10^29)."""


@dataclass(frozen=True)
class SetupSummary:
    """How one setup did on the objective."""

    setup: str
    mean: float
    p10: float
    p90: float
    vs_none: Interval
    vs_best: Interval
    p_best: float
    regret: float
    ops_cost_per_month: float
    vs_none_within: Interval | None = None
    """For value created: the part of the gain earned in cash within the horizon."""
    vs_none_after: Interval | None = None
    """For value created: the part of the gain counted as value after the horizon."""


SPLIT_KPIS = {"value_created": ("value_within", "value_after")}
"""Objectives whose gain splits into a part within the horizon and a part after it."""


@dataclass(frozen=True)
class Influence:
    """A team's effect range whose per-replication draws move a paired difference."""

    team: str
    lever: str
    correlation: float

    @property
    def path(self) -> str:
        """The scenario field holding the range (`revops.effects.monthly_churn`).

        For the team's overall strength: `revops.strength`.
        """
        if self.lever == "strength":
            return f"{self.team}.strength"
        return f"{self.team}.effects.{self.lever}"


@dataclass(frozen=True)
class SeparateBy:
    """What would separate two setups that are not separated yet."""

    replications: int
    """Replications the difference was measured on."""
    replications_needed: int | None
    """About how many replications the observed spread needs (None: more would not help,
    or it would take more than `REPLICATIONS_WITHIN_REACH`)."""
    influential: Influence | None
    """The assumption that moves the difference most (None: none moves it much)."""

    @property
    def within_reach(self) -> bool:
        """Whether anything named here could separate them."""
        return self.replications_needed is not None or self.influential is not None


@dataclass(frozen=True)
class Verdict:
    """The answer as facts: the winner, the runner-up, their gap and whether it is separated."""

    best: str
    runner_up: str | None
    separated: bool
    gap: Interval
    """Best minus runner-up, paired, at the display confidence."""
    separation_level: float
    """Confidence at which `separated` was judged (stricter than display after adaptive looks)."""
    separate_by: SeparateBy | None = None
    """What would separate the top two; None when they are separated."""
    deciding_gap: Interval | None = None
    """The same difference at `separation_level` when that differs from the display level."""

    @property
    def deciding(self) -> Interval:
        """The interval that decides whether the top two are separated (its sign says so)."""
        return self.deciding_gap if self.deciding_gap is not None else self.gap

    @property
    def stricter_level(self) -> bool:
        """Whether separation was judged at a stricter level than the intervals are shown."""
        return self.runner_up is not None and self.gap.excludes_zero and not self.separated


def summarise(
    results: Replications, objective: str, confidence: float = CONFIDENCE
) -> dict[str, SetupSummary]:
    """Per-setup summaries of the objective, ranked best first."""
    values = results.objective(objective)
    means = values.mean()
    best = str(means.idxmax())
    pb = p_best(values)
    regret = expected_regret(values)
    parts = None
    if objective in SPLIT_KPIS and set(SPLIT_KPIS[objective]) <= set(results.kpis.columns):
        parts = [results.objective(kpi) for kpi in SPLIT_KPIS[objective]]
    out = {}
    for setup in sorted(values.columns, key=lambda s: -means[s]):
        x = values[setup].to_numpy(dtype=float)
        split = [None, None]
        if parts is not None:
            split = [
                mean_interval(
                    p[setup].to_numpy(dtype=float) - p[BASELINE].to_numpy(dtype=float),
                    confidence,
                )
                for p in parts
            ]
        out[setup] = SetupSummary(
            setup=setup,
            mean=float(means[setup]),
            p10=float(np.nanpercentile(x, 10)),
            p90=float(np.nanpercentile(x, 90)),
            vs_none=mean_interval(x - values[BASELINE].to_numpy(dtype=float), confidence),
            vs_best=mean_interval(x - values[best].to_numpy(dtype=float), confidence),
            p_best=float(pb[setup]),
            regret=float(regret[setup]),
            ops_cost_per_month=results.scenario.org.monthly_cost(setup),
            vs_none_within=split[0],
            vs_none_after=split[1],
        )
    return out


@dataclass(frozen=True)
class ObjectiveStanding:
    """How the setups rank on one objective: the best, and each setup's gain over none."""

    objective: str
    best: str
    means: dict[str, float]
    vs_none: dict[str, Interval]
    p_best: dict[str, float]


def objective_board(
    results: Replications, objectives: Sequence[str], confidence: float = CONFIDENCE
) -> dict[str, ObjectiveStanding]:
    """Every objective side by side on the same replications.

    A cash view, an NPV view, the value created and ending ARR: a horizon that cuts off
    retention cannot mislead when they are read together.
    """
    out = {}
    for objective in objectives:
        summary = summarise(results, objective, confidence)
        out[objective] = ObjectiveStanding(
            objective=objective,
            best=next(iter(summary)),
            means={s: v.mean for s, v in summary.items()},
            vs_none={s: v.vs_none for s, v in summary.items()},
            p_best={s: v.p_best for s, v in summary.items()},
        )
    return out


def kpi_table(results: Replications, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Tidy KPI summary: setup, kpi, mean, p10, p90, low, high (interval of the mean)."""
    frame = results.kpis.drop(columns=["replication"])
    rows = []
    for setup in results.setups:
        sub = frame[frame["setup"] == setup].drop(columns=["setup"])
        for kpi in sub.columns:
            x = sub[kpi].to_numpy(dtype=float)
            ci = mean_interval(x, confidence)
            finite = x[~np.isnan(x)]
            rows.append(
                {
                    "setup": setup,
                    "kpi": kpi,
                    "mean": ci.mean,
                    "p10": float(np.percentile(finite, 10)) if len(finite) else math.nan,
                    "p90": float(np.percentile(finite, 90)) if len(finite) else math.nan,
                    "low": ci.low,
                    "high": ci.high,
                }
            )
    return pd.DataFrame(rows)


def most_influential_assumption(
    scenario: Scenario, seed: int, replications: list[int], diff: np.ndarray
) -> Influence | None:
    """The team effect range whose draws correlate most with a paired difference.

    Each replication draws every team's effects from its own stream (`sim.org`), so the
    draws can be re-made here without simulating.
    """
    best: Influence | None = None
    diff = np.asarray(diff, dtype=float)
    if np.std(diff) == 0:
        return None
    for name, team in scenario.org.teams.items():
        draws = [
            draw_team_effects(name, team, seed, r, scenario.org.effect_scale) for r in replications
        ]
        strengths = np.array([draw_team_strength(name, team, seed, r) for r in replications])
        if np.std(strengths) > 0:
            corr = float(np.corrcoef(strengths, diff)[0, 1])
            if best is None or abs(corr) > abs(best.correlation):
                best = Influence(name, "strength", corr)
        for lever in team.effects:
            x = np.array([d[lever] for d in draws])
            if np.std(x) == 0:
                continue
            corr = float(np.corrcoef(x, diff)[0, 1])
            if best is None or abs(corr) > abs(best.correlation):
                best = Influence(name, lever, corr)
    return best


def make_verdict(
    results: Replications,
    summaries: dict[str, SetupSummary],
    objective: str,
    confidence: float = CONFIDENCE,
    separation_level: float | None = None,
) -> Verdict:
    """The verdict from the ranking (no setup name is looked at, only figures).

    Intervals are at `confidence`; the top two count as separated when the interval at
    `separation_level` (default: the same) excludes zero too. Adaptive runs pass their
    level adjusted for repeated looks, so stopping and verdict agree.
    """
    strict = separation_level or confidence
    ranked = list(summaries)
    best = ranked[0]
    if len(ranked) == 1:
        return Verdict(best, None, True, Interval(0.0, 0.0, 0.0), strict)
    runner = ranked[1]
    values = results.objective(objective)
    diff = (values[best] - values[runner]).to_numpy(dtype=float)
    gap = mean_interval(diff, confidence)
    deciding = mean_interval(diff, strict) if strict != confidence else None
    separated = gap.excludes_zero and (deciding if deciding is not None else gap).excludes_zero
    if separated:
        return Verdict(best, runner, True, gap, strict, deciding_gap=deciding)
    n = results.replications
    need = replications_needed(diff, strict)
    infl = most_influential_assumption(
        results.scenario, results.seed, [int(r) for r in values.index], diff
    )
    if infl is not None and abs(infl.correlation) < INFLUENCE_MIN:
        infl = None
    return Verdict(
        best,
        runner,
        False,
        gap,
        strict,
        SeparateBy(
            replications=n,
            replications_needed=(
                need if need is not None and n < need <= REPLICATIONS_WITHIN_REACH else None
            ),
            influential=infl,
        ),
        deciding_gap=deciding,
    )
