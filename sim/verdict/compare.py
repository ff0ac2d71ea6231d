"""`compare`: every setup on the same simulated futures, then the verdict, diagnostics and why.

* **Fixed or adaptive replications.** `replications=N` runs exactly N. `"auto"` runs batches
  until the top two setups are separated or a maximum is reached. Looking after every batch
  would inflate the chance of a false "separated", so each look uses a Bonferroni-adjusted
  level (alpha / number of possible looks): a sequential paired-t procedure, conservative by
  construction. The verdict is judged at that same level, so stopping and verdict agree.
* **Nothing computed twice.** A `Comparison` keeps its replications: `reassess` (or
  `Comparison.with_objective`) re-ranks them for another objective or confidence without
  simulating, and the gain attribution's re-runs are kept for the same reason.
* **Robust beside best.** `Comparison.robust` reads the same futures x setups table for the
  setup with the smallest worst shortfall (minimax regret) and the one closest to the best in
  90% of futures (satisficing; `sim.verdict.robust`).
* **Facts, not words.** A `Comparison` holds setup ids, numbers and criterion ids;
  `sim.answers` puts the sentences of `sim.text` beside them for the JSON answer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.experiments import Replications, run_replications
from sim.facts import json_ready
from sim.params import OBJECTIVES, Scenario
from sim.verdict.attribution import (
    ATTRIBUTION_REPLICATIONS,
    LeverRuns,
    explained_setup,
    run_lever_groups,
    split_gain,
)
from sim.verdict.diagnostics import Diagnostic, diagnose
from sim.verdict.ranking import (
    ObjectiveStanding,
    SetupSummary,
    Verdict,
    kpi_table,
    make_verdict,
    objective_board,
    summarise,
)
from sim.verdict.robust import RobustChoice, robust_choice
from sim.verdict.stats import CONFIDENCE, mean_interval

SIDE_BY_SIDE = ("value_created", "npv_contribution", "cumulative_contribution", "ending_arr")
"""The objectives every verdict shows beside the one that decides: value, NPV, cash, ARR."""

OnBatch = Callable[["Comparison"], None]
"""on_batch(provisional): called with a provisional comparison after each batch."""


def separation_level(confidence: float, looks_possible: int) -> float:
    """The level each look must reach: `confidence` with alpha split over the possible looks."""
    return 1 - (1 - confidence) / max(1, looks_possible)


@dataclass(frozen=True)
class Comparison:
    """Everything `compare` found, as facts: for the text layer, UI, CLI and reports."""

    scenario: Scenario
    seed: int
    objective: str
    confidence: float
    results: Replications
    setups: dict[str, SetupSummary]
    verdict: Verdict
    diagnostics: list[Diagnostic]
    attribution: pd.DataFrame | None = None
    """The explained setup's gain by lever group (`sim.verdict.attribution.split_gain`)."""
    lever_runs: LeverRuns | None = None
    """The re-runs behind `attribution`, kept so a new objective re-splits without simulating."""
    looks: int = 1
    looks_possible: int = 1
    """How many times an adaptive run could have looked (1 for a fixed number)."""
    history: list[dict] = field(default_factory=list)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Tables derived from the replications, made once: the app's sessions share an answer
    and read them on every rerun (never pickled: they are rebuilt on demand)."""

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_memo", {})

    @property
    def replications(self) -> int:
        """Replications per setup."""
        return self.results.replications

    @property
    def separation_level(self) -> float:
        """Confidence at which the top two are judged separated."""
        return self.verdict.separation_level

    @property
    def explained_setup(self) -> str | None:
        """The setup whose gain the attribution explains (None: no team's gain to explain)."""
        return explained_setup(list(self.setups), self.scenario)

    def kpi_table(self) -> pd.DataFrame:
        """Per setup and KPI: mean, P10, P90 over replications and the interval of the mean."""
        table = self._memo.get("kpi_table")
        if table is None:
            table = self._memo["kpi_table"] = kpi_table(self.results, self.confidence)
        return table.copy()  # the kept one stays as made

    def objectives(self) -> dict[str, ObjectiveStanding]:
        """Every money objective side by side (the deciding one first), same replications."""
        board = self._memo.get("objectives")
        if board is None:
            order = [self.objective, *(o for o in SIDE_BY_SIDE if o != self.objective)]
            order = [o for o in order if o in self.results.kpis.columns]
            board = self._memo["objectives"] = objective_board(self.results, order, self.confidence)
        return dict(board)

    def payoff_table(self) -> pd.DataFrame:
        """The objective as a futures x setups table, futures where every setup ran only."""
        return self.results.objective(self.objective).dropna(how="any")

    def robust(self) -> RobustChoice | None:
        """Minimax regret and the satisficing setup on this comparison's own futures.

        None with a single setup or no future in which every setup ran. Setups are taken
        best on average first, so a tie goes to the better one on average.
        """
        table = self.payoff_table()[list(self.setups)]
        if table.shape[1] < 2 or len(table) == 0:
            return None
        return robust_choice(table)

    def with_objective(self, objective: str, confidence: float | None = None) -> Comparison:
        """The same replications judged on another objective (or confidence); no simulation."""
        return reassess(self, objective, confidence)

    def facts(self) -> dict[str, Any]:
        """The answer as JSON-ready facts: ids and numbers, no sentences."""
        table = self.kpi_table()
        setups = {}
        for name, s in self.setups.items():
            kp = table[table["setup"] == name]
            setups[name] = {
                "objective": {"mean": s.mean, "p10": s.p10, "p90": s.p90},
                "vs_none": s.vs_none.as_dict(),
                "vs_none_within": None if s.vs_none_within is None else s.vs_none_within.as_dict(),
                "vs_none_after": None if s.vs_none_after is None else s.vs_none_after.as_dict(),
                "vs_best": s.vs_best.as_dict(),
                "p_best": s.p_best,
                "expected_regret": s.regret,
                "ops_cost_per_month": s.ops_cost_per_month,
                "kpis": {
                    row.kpi: {k: getattr(row, k) for k in ("mean", "p10", "p90", "low", "high")}
                    for row in kp.itertuples()
                },
            }
        v = self.verdict
        sep = v.separate_by
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.replications,
            "horizon_months": self.scenario.horizon_months,
            "after_horizon": self.scenario.analysis.after_horizon,
            "objective": self.objective,
            "confidence": self.confidence,
            "currency": self.scenario.currency,
            "looks": self.looks,
            "verdict": {
                "best": v.best,
                "runner_up": v.runner_up,
                "separated": v.separated,
                "separation_level": v.separation_level,
                "gap": v.gap.as_dict(),
                "separate_by": None
                if sep is None
                else {
                    "replications": sep.replications,
                    "replications_needed": sep.replications_needed,
                    "influential": None
                    if sep.influential is None
                    else {
                        "team": sep.influential.team,
                        "lever": sep.influential.lever,
                        "path": sep.influential.path,
                        "correlation": sep.influential.correlation,
                    },
                },
                "explained_setup": self.explained_setup,
                "robust": robust_facts(self.robust()),
            },
            "setups": setups,
            "objectives": {
                name: {
                    "best": board.best,
                    "decides": name == self.objective,
                    "setups": {
                        s: {
                            "mean": board.means[s],
                            "vs_none": board.vs_none[s].as_dict(),
                            "p_best": board.p_best[s],
                        }
                        for s in board.means
                    },
                }
                for name, board in self.objectives().items()
            },
            "diagnostics": [
                {
                    "signal": d.signal,
                    "value": d.value,
                    "criterion_id": d.criterion,
                    "pressure": d.pressure,
                    "threshold": d.threshold,
                    "judged_on": d.judged_on,
                    "figures": dict(d.figures),
                }
                for d in self.diagnostics
            ],
        }
        if self.attribution is not None:
            out["attribution"] = self.attribution.to_dict(orient="records")
            if self.lever_runs is not None:
                out["attribution_replications"] = len(self.lever_runs.replications)
        return json_ready(out)


def robust_facts(choice: RobustChoice | None) -> dict[str, Any] | None:
    """The robust readings for JSON: the minimax-regret setup and the satisficing one.

    `minimax_regret.max_regret` is the chosen setup's worst shortfall against the best setup
    of the same future (`max_regrets`: every setup's); `satisficing.margins[s]` is how far
    from the best setup `s` stays in `share` of the futures.
    """
    if choice is None:
        return None
    return {
        "best_on_average": choice.best_on_average,
        "minimax_regret": {
            "setup": choice.minimax_regret,
            "max_regret": choice.max_regret[choice.minimax_regret],
            "max_regrets": dict(choice.max_regret),
        },
        "satisficing": {
            "share": choice.satisficing_share,
            "setup": choice.satisficing,
            "margin": choice.satisficing_margin[choice.satisficing],
            "margins": dict(choice.satisficing_margin),
        },
    }


def _assemble(
    results: Replications,
    objective: str,
    confidence: float,
    looks_possible: int,
    *,
    diagnostics: list[Diagnostic] | None = None,
    looks: int = 1,
    history: list[dict] | None = None,
) -> Comparison:
    """Rank `results` and judge them: a Comparison without attribution."""
    summaries = summarise(results, objective, confidence)
    verdict = make_verdict(
        results, summaries, objective, confidence, separation_level(confidence, looks_possible)
    )
    return Comparison(
        scenario=results.scenario,
        seed=results.seed,
        objective=objective,
        confidence=confidence,
        results=results,
        setups=summaries,
        verdict=verdict,
        diagnostics=diagnose(results) if diagnostics is None else diagnostics,
        looks=looks,
        looks_possible=looks_possible,
        history=list(history or []),
    )


def _check_objective(objective: str) -> None:
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got '{objective}'")


def reassess(
    comparison: Comparison, objective: str | None = None, confidence: float | None = None
) -> Comparison:
    """Re-rank a comparison's replications for another objective or confidence.

    Nothing is simulated: the verdict, intervals and (when the explained setup is still the
    one re-run) the attribution are recomputed from what the comparison already holds.
    """
    objective = objective or comparison.objective
    confidence = comparison.confidence if confidence is None else confidence
    _check_objective(objective)
    out = _assemble(
        comparison.results,
        objective,
        confidence,
        comparison.looks_possible,
        diagnostics=comparison.diagnostics,
        looks=comparison.looks,
        history=comparison.history,
    )
    runs = comparison.lever_runs
    if runs is not None and runs.setup == out.explained_setup:
        out = dataclasses.replace(
            out, attribution=split_gain(out.results, runs, objective, confidence), lever_runs=runs
        )
    elif runs is not None:
        out = dataclasses.replace(out, lever_runs=runs)
    return out


def explain_gain(
    comparison: Comparison,
    *,
    replications: int | None = ATTRIBUTION_REPLICATIONS,
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
) -> Comparison:
    """The comparison with its gain attribution, on its first `replications` (None: all).

    Simulates the explained setup once per lever group (unless those runs are already
    held); returns the comparison unchanged when there is no team's gain to explain.
    """
    subject = comparison.explained_setup
    if subject is None:
        return comparison
    runs = comparison.lever_runs
    if runs is None or runs.setup != subject:
        runs = run_lever_groups(
            comparison.results,
            subject,
            replications=replications,
            workers=workers,
            executor=executor,
            cache=cache,
        )
    attribution = split_gain(comparison.results, runs, comparison.objective, comparison.confidence)
    return dataclasses.replace(comparison, attribution=attribution, lever_runs=runs)


def compare(
    scenario: Scenario,
    replications: int | str = 100,
    seed: int = 0,
    objective: str | None = None,
    *,
    max_replications: int = 400,
    batch: int = 20,
    confidence: float = CONFIDENCE,
    workers: int | None = None,
    executor: object | None = None,
    cache: object | None = None,
    explain: bool = True,
    explain_replications: int | None = ATTRIBUTION_REPLICATIONS,
    progress: Callable[[int, int], None] | None = None,
    on_batch: OnBatch | None = None,
) -> Comparison:
    """Compare every setup of `scenario` and give the verdict.

    `replications` is a number (exactly that many) or ``"auto"``: batches of `batch` until
    the top two are separated at `confidence` (Bonferroni-adjusted over the possible looks)
    or `max_replications` is reached. `on_batch` receives a provisional `Comparison` after
    each batch (for live progress); `progress(done, total)` after each replication.
    `executor` and `cache` go to `sim.experiments.run_replications` unchanged. With
    `explain`, the winner's gain is split by lever group on the first
    `explain_replications` of the same replications (None: all of them; see
    `sim.verdict.attribution` for why a subset).
    """
    objective = objective or scenario.objective
    _check_objective(objective)
    adaptive = replications == "auto"
    if adaptive and (not isinstance(max_replications, int) or max_replications < 2):
        raise ValueError("max_replications must be an integer >= 2")
    if batch < 2:
        raise ValueError("batch must be at least 2")
    if adaptive:
        target, step = max_replications, batch
        looks_possible = max(1, math.ceil(max_replications / batch))
    else:
        if not isinstance(replications, int) or replications < 2:
            raise ValueError("replications must be an integer >= 2 or 'auto'")
        target, step, looks_possible = replications, replications, 1
        if on_batch is not None:
            step = max(batch, math.ceil(replications / 5))
    look_level = separation_level(confidence, looks_possible)
    results: Replications | None = None
    looks = 0
    history: list[dict] = []
    done = 0
    while done < target:
        n = min(step, target - done)

        def _progress(i: int, _total: int, base: int = done) -> None:
            if progress:
                progress(base + i, target)

        more = run_replications(
            scenario,
            n,
            seed,
            workers=workers,
            progress=_progress,
            first_replication=done,
            executor=executor,
            cache=cache,
        )
        results = more if results is None else results.extend(more)
        done += n
        looks += 1
        summaries = summarise(results, objective, confidence)
        ranked = list(summaries)
        if len(ranked) > 1:
            v = results.objective(objective)
            gap = mean_interval((v[ranked[0]] - v[ranked[1]]).to_numpy(float), look_level)
            history.append({"replications": done, "best": ranked[0], "gap": gap.as_dict()})
            if adaptive and gap.excludes_zero:
                break
        if on_batch is not None and done < target:
            provisional = _assemble(
                results,
                objective,
                confidence,
                looks_possible,
                diagnostics=[],
                looks=looks,
                history=history,
            )
            on_batch(provisional)
    assert results is not None
    result = _assemble(results, objective, confidence, looks_possible, looks=looks, history=history)
    if not explain:
        return result
    return explain_gain(
        result,
        replications=explain_replications,
        workers=workers,
        executor=executor,
        cache=cache,
    )
