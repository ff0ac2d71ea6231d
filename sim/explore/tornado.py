"""Tornado: each uncertain input alone at its low and its high end, everything else as today.

The subject is the gap between today's top two setups (best minus runner-up, paired on the
same futures) and each setup's gain over no ops team. A row's *swing* is how far the gap
moves between the two ends; rows come sorted by swing. The pair stays fixed along every
row, so a gap below zero at one end means the runner-up wins there. One run of the
experiment covers every row (the executor sees all of it at once); the base variant is
today's scenario, so a tornado also re-uses the comparison's runs when they are cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.explore.inputs import Input, parse_inputs
from sim.explore.runs import (
    RunOptions,
    check_pair,
    default_pair,
    facts_header,
    objective_table,
    paired_gap,
    run_variants,
)
from sim.params import BASELINE, Scenario
from sim.verdict.stats import Interval


@dataclass(frozen=True)
class TornadoRow:
    """One input at its two ends: the pair's gap and every setup's gain vs none there."""

    input: Input
    low_value: float
    high_value: float
    gap_low: Interval
    gap_high: Interval
    gains_low: dict[str, Interval] = field(default_factory=dict)
    gains_high: dict[str, Interval] = field(default_factory=dict)

    @property
    def swing(self) -> float:
        """|gap at high - gap at low|: how much this input alone moves the gap."""
        return abs(self.gap_high.mean - self.gap_low.mean)

    @property
    def flips(self) -> bool:
        """Whether the pair's order changes at either end (a mean gap below zero)."""
        return self.gap_low.mean < 0 or self.gap_high.mean < 0


@dataclass(frozen=True)
class Tornado:
    """A tornado as facts: the pair, today's gap and gains, and the rows by swing."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    pair: tuple[str, str]
    base_gap: Interval
    base_gains: dict[str, Interval]
    rows: list[TornadoRow]

    def facts(self) -> dict[str, Any]:
        """JSON-ready: pair, base_gap, rows (param, low/high values, gaps, gains, swing)."""

        def gains(d: dict[str, Interval]) -> dict[str, dict[str, float]]:
            return {s: i.as_dict() for s, i in d.items()}

        return {
            **facts_header(self),
            "pair": list(self.pair),
            "base_gap": self.base_gap.as_dict(),
            "base_gains": gains(self.base_gains),
            "rows": [
                {
                    "param": r.input.path,
                    "kind": r.input.kind,
                    "base_value": r.input.base,
                    "low_value": r.low_value,
                    "high_value": r.high_value,
                    "gap_low": r.gap_low.as_dict(),
                    "gap_high": r.gap_high.as_dict(),
                    "swing": r.swing,
                    "flips": r.flips,
                    "gains_low": gains(r.gains_low),
                    "gains_high": gains(r.gains_high),
                }
                for r in self.rows
            ],
        }


def _gains(values, confidence: float) -> dict[str, Interval]:
    if BASELINE not in values.columns:
        return {}
    return {s: paired_gap(values, s, BASELINE, confidence) for s in values.columns if s != BASELINE}


def tornado(
    scenario: Scenario,
    inputs: list[Input] | list[str] | None = None,
    options: RunOptions | None = None,
    pair: tuple[str, str] | None = None,
    only_pair: bool = False,
) -> Tornado:
    """One-at-a-time low/high swings of `inputs` (default: the article's handful).

    `inputs` are `Input`s or `path[=LOW:HIGH]` strings; `pair` defaults to today's top two.
    `only_pair` runs only the pair's setups (no gains vs none unless none is one of them).
    """
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    items = [i for i in (inputs or []) if isinstance(i, Input)] or parse_inputs(
        scenario, [i for i in (inputs or []) if isinstance(i, str)]
    )
    changes: dict[str, dict[str, Any]] = {"base": {}}
    for k, item in enumerate(items):
        changes[f"{k}:low"] = item.changes(scenario, item.low)
        changes[f"{k}:high"] = item.changes(scenario, item.high)
    if pair is not None:
        pair = check_pair(scenario, pair)
    options.check(
        scenario, len(changes), "tornado inputs (--params)", 2 if only_pair and pair else None
    )
    runs = run_variants(scenario, changes, options, list(pair) if only_pair and pair else None)
    values = {vid: objective_table(kpis, objective) for vid, (_, kpis) in runs.items()}
    base = values["base"]
    a, b = pair or default_pair(base)
    rows = []
    for k, item in enumerate(items):
        lo, hi = values[f"{k}:low"], values[f"{k}:high"]
        rows.append(
            TornadoRow(
                input=item,
                low_value=item.low,
                high_value=item.high,
                gap_low=paired_gap(lo, a, b, confidence),
                gap_high=paired_gap(hi, a, b, confidence),
                gains_low=_gains(lo, confidence),
                gains_high=_gains(hi, confidence),
            )
        )
    rows.sort(key=lambda r: -r.swing)
    return Tornado(
        scenario=scenario,
        objective=objective,
        confidence=confidence,
        replications=options.replications,
        seed=options.seed,
        pair=(a, b),
        base_gap=paired_gap(base, a, b, confidence),
        base_gains=_gains(base, confidence),
        rows=rows,
    )
