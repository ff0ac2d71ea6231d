"""Tornado: each uncertain input alone at its low and its high end, everything else as today.

The subject is the gap between today's top two setups (best minus runner-up, paired on the
same futures) and each setup's gain over no ops team. A row's *swing* is how far the gap
moves between the two ends; rows come sorted by swing. The pair stays fixed along every
row, so a gap below zero at one end means the runner-up beats the leader there.

Each end also names its winner over every setup run (the highest mean objective over the
replications of that variant): a row *flips* when the winner at either end is not today's,
and names the setup that takes over — which may be one outside the pair. When only the
pair is run, the winner is judged within the pair (`winner_among` says which setups were
judged). Inputs whose low or high end is not a valid scenario (a lead share moved alone)
are left out and listed as skipped.

One run of the experiment covers every row (the executor sees all of it at once); the base
variant is today's scenario, so a tornado also re-uses the comparison's runs when cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.explore.inputs import Input, Skipped, asked_inputs, sweepable
from sim.explore.runs import (
    RunOptions,
    check_pair,
    default_pair,
    facts_header,
    objective_table,
    paired_gap,
    ranked,
    run_variants,
)
from sim.params import BASELINE, Scenario
from sim.verdict.stats import Interval


@dataclass(frozen=True)
class TornadoRow:
    """One input at its two ends: the pair's gap, every setup's gain vs none, the winners."""

    input: Input
    low_value: float
    high_value: float
    gap_low: Interval
    gap_high: Interval
    gains_low: dict[str, Interval] = field(default_factory=dict)
    gains_high: dict[str, Interval] = field(default_factory=dict)
    winner_low: str = ""
    """The setup with the highest mean objective at the low end (of those judged)."""
    winner_high: str = ""
    """The same at the high end."""
    winner_today: str = ""
    """Today's winner (of the same setups), which `flips` compares the ends with."""

    @property
    def swing(self) -> float:
        """|gap at high - gap at low|: how much this input alone moves the gap."""
        return abs(self.gap_high.mean - self.gap_low.mean)

    @property
    def flip_ends(self) -> list[tuple[str, str]]:
        """(end, winner) for each end ("low", "high") whose winner is not today's."""
        return [
            (end, w)
            for end, w in (("low", self.winner_low), ("high", self.winner_high))
            if w and w != self.winner_today
        ]

    @property
    def flips(self) -> bool:
        """Whether the winner at either end is not today's winner."""
        return bool(self.flip_ends)

    @property
    def new_winner(self) -> str | None:
        """The setup that takes over (the low end's when both ends change it), else None."""
        ends = self.flip_ends
        return ends[0][1] if ends else None


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
    winner: str = ""
    """Today's winner: the highest mean objective of the setups judged."""
    winner_among: tuple[str, ...] = ()
    """The setups the winners are judged among: every setup, or the pair when only it ran."""
    skipped: list[Skipped] = field(default_factory=list)
    """Inputs left out: an end of them is not a valid scenario."""

    @property
    def flipping(self) -> list[TornadoRow]:
        """The rows whose swing changes the winner, in swing order."""
        return [r for r in self.rows if r.flips]

    def facts(self) -> dict[str, Any]:
        """JSON-ready: pair, base_gap, winner, rows (values, gaps, gains, swing, winners)."""

        def gains(d: dict[str, Interval]) -> dict[str, dict[str, float]]:
            return {s: i.as_dict() for s, i in d.items()}

        return {
            **facts_header(self),
            "pair": list(self.pair),
            "base_gap": self.base_gap.as_dict(),
            "base_gains": gains(self.base_gains),
            "winner": self.winner,
            "winner_among": list(self.winner_among),
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
                    "winner_low": r.winner_low,
                    "winner_high": r.winner_high,
                    "new_winner": r.new_winner,
                    "gains_low": gains(r.gains_low),
                    "gains_high": gains(r.gains_high),
                }
                for r in self.rows
            ],
            "skipped": [s.as_dict() for s in self.skipped],
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
    `only_pair` runs only the pair's setups (no gains vs none unless none is one of them,
    and the winners judged within the pair). Inputs an end of which is not a valid scenario
    are left out (`Tornado.skipped`); a ValueError when none is left.
    """
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    # every candidate asked for ("all": each number), so what cannot move is listed as skipped
    asked = [i for i in (inputs or []) if isinstance(i, Input)] or asked_inputs(
        scenario, [i for i in (inputs or []) if isinstance(i, str)]
    )
    if pair is not None:
        pair = check_pair(scenario, pair)
    # refused before any variant is built (checking the ends builds them one at a time)
    options.check(
        scenario, 2 * len(asked) + 1, "tornado inputs (--params)", 2 if only_pair and pair else None
    )
    items, skipped = sweepable(scenario, asked)
    if asked and not items:
        raise ValueError(
            "no input can move alone: " + "; ".join(f"{s.param} {s.reason}" for s in skipped)
        )
    changes: dict[str, dict[str, Any]] = {"base": {}}
    for k, item in enumerate(items):
        changes[f"{k}:low"] = item.changes(scenario, item.low)
        changes[f"{k}:high"] = item.changes(scenario, item.high)
    runs = run_variants(scenario, changes, options, list(pair) if only_pair and pair else None)
    values = {vid: objective_table(kpis, objective) for vid, (_, kpis) in runs.items()}
    base = values["base"]
    a, b = pair or default_pair(base)
    among = tuple(base.columns)
    today = ranked(base)[0]
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
                winner_low=ranked(lo)[0],
                winner_high=ranked(hi)[0],
                winner_today=today,
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
        winner=today,
        winner_among=among,
        skipped=skipped,
    )
