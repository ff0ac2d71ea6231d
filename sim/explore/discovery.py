"""Scenario discovery: where, over the uncertain ranges, a given setup wins.

A Latin hypercube (McKay et al. 1979; as EMA Workbench samples) spreads `samples` points
over every input's range — each range cut into `samples` equal slices, each slice used once,
slices paired at random across inputs. Every point is a variant run on the same futures;
the setup "wins" at a point when its mean objective is the highest there. PRIM
(`sim.explore.prim`) then finds boxes of inputs where wins concentrate, written as rules.

Sobol indices (Saltelli's sampling and estimators, through SALib) are the analyst's view of
the same question for the top-two gap: the share of its variance over the ranges that each
input explains alone (S1) and with its interactions (ST). They need N x (2k + 2) variants,
so they are asked for separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.explore.inputs import Input, parse_inputs
from sim.explore.prim import prim
from sim.explore.runs import RunOptions, default_pair, objective_table, run_variants
from sim.params import Scenario

SAMPLES = 64
REPLICATIONS = 8
"""Replications per sampled point: the points, not the futures, carry the variation here."""


def latin_hypercube(samples: int, dims: int, seed: int = 0) -> np.ndarray:
    """`samples` x `dims` points in [0, 1): one per slice of every dimension, randomly paired."""
    rng = np.random.default_rng(seed)
    cut = (np.arange(samples)[:, None] + rng.random((samples, dims))) / samples
    for d in range(dims):
        cut[:, d] = cut[rng.permutation(samples), d]
    return cut


def _scaled(unit: np.ndarray, inputs: list[Input]) -> np.ndarray:
    lows = np.array([i.low for i in inputs], dtype=float)
    highs = np.array([i.high for i in inputs], dtype=float)
    whole = np.array([i.integer for i in inputs], dtype=bool)
    lows = np.where(whole, lows - 0.5, lows)  # whole numbers: every value an equal slice
    highs = np.where(whole, highs + 0.5, highs)
    x = lows + unit * (highs - lows)
    x[:, whole] = np.clip(np.round(x[:, whole]), lows[whole] + 0.5, highs[whole] - 0.5)
    return x


def _run_points(
    scenario: Scenario, inputs: list[Input], x: np.ndarray, options: RunOptions
) -> list[Any]:
    changes = {}
    for n, row in enumerate(x):
        change: dict[str, Any] = {}
        for item, value in zip(inputs, row, strict=True):
            change.update(item.changes(scenario, float(value)))
        changes[f"s{n}"] = change
    runs = run_variants(scenario, changes, options)
    return [
        objective_table(runs[f"s{n}"][1], options.objective_for(scenario)) for n in range(len(x))
    ]


@dataclass(frozen=True)
class Discovery:
    """Where a setup wins: the sample, who won at each point, and PRIM's boxes."""

    scenario: Scenario
    objective: str
    replications: int
    seed: int
    setup: str
    inputs: list[Input]
    x: np.ndarray
    winners: list[str]
    boxes: list[Any]

    @property
    def share(self) -> float:
        """Share of sampled points where the setup wins."""
        return float(np.mean([w == self.setup for w in self.winners])) if self.winners else 0.0

    def facts(self) -> dict[str, Any]:
        """JSON-ready: setup, boxes (rules with param/low/high, coverage, density), sample."""
        return {
            "scenario": self.scenario.name,
            "objective": self.objective,
            "replications": self.replications,
            "seed": self.seed,
            "setup": self.setup,
            "samples": len(self.winners),
            "share": self.share,
            "ranges": [{"param": i.path, "low": i.low, "high": i.high} for i in self.inputs],
            "boxes": [
                {
                    "rules": [
                        {"param": self.inputs[r.dim].path, "low": r.low, "high": r.high}
                        for r in b.rules
                    ],
                    "coverage": b.coverage,
                    "density": b.density,
                }
                for b in self.boxes
            ],
        }

    def sample_frame(self):
        """The sampled points, one row each, with the winner there (for CSV and charts)."""
        import pandas as pd

        frame = pd.DataFrame(self.x, columns=[i.path for i in self.inputs])
        frame["winner"] = self.winners
        frame["wins"] = [w == self.setup for w in self.winners]
        return frame


def discover(
    scenario: Scenario,
    setup: str,
    inputs: list[Input] | list[str] | None = None,
    samples: int = SAMPLES,
    options: RunOptions | None = None,
    max_boxes: int = 3,
) -> Discovery:
    """Latin hypercube over the inputs' ranges, then PRIM boxes where `setup` wins."""
    options = options or RunOptions(replications=REPLICATIONS)
    if setup not in scenario.org.setups:
        raise ValueError(f"unknown setup '{setup}'; known: {list(scenario.org.setups)}")
    if samples < 8:
        raise ValueError("--samples must be at least 8")
    options.check(scenario, samples, "sampled points (--samples)")
    items = _items(scenario, inputs)
    x = _scaled(latin_hypercube(samples, len(items), options.seed), items)
    tables = _run_points(scenario, items, x, options)
    winners = [str(t.mean().idxmax()) for t in tables]
    y = np.array([w == setup for w in winners], dtype=float)
    bounds = (
        np.array([i.low for i in items], dtype=float),
        np.array([i.high for i in items], dtype=float),
    )
    boxes = prim(x, y, bounds=bounds, max_boxes=max_boxes)
    return Discovery(
        scenario,
        options.objective_for(scenario),
        options.replications,
        options.seed,
        setup,
        items,
        x,
        winners,
        boxes,
    )


def _items(scenario: Scenario, inputs: list[Input] | list[str] | None) -> list[Input]:
    given = list(inputs or [])
    if given and all(isinstance(i, Input) for i in given):
        return given  # type: ignore[return-value]
    return parse_inputs(scenario, [str(i) for i in given])


@dataclass(frozen=True)
class Sobol:
    """First-order and total Sobol indices of the top-two gap, with their confidence."""

    pair: tuple[str, str]
    inputs: list[Input]
    s1: np.ndarray
    s1_conf: np.ndarray
    st: np.ndarray
    st_conf: np.ndarray
    variants: int

    def facts(self) -> dict[str, Any]:
        """JSON-ready: pair and one row per input (S1, ST and their half-widths)."""
        return {
            "pair": list(self.pair),
            "variants": self.variants,
            "indices": [
                {
                    "param": i.path,
                    "s1": float(self.s1[k]),
                    "s1_conf": float(self.s1_conf[k]),
                    "st": float(self.st[k]),
                    "st_conf": float(self.st_conf[k]),
                }
                for k, i in enumerate(self.inputs)
            ],
        }


def sobol_indices(
    scenario: Scenario,
    inputs: list[Input] | list[str] | None = None,
    base_samples: int = 8,
    options: RunOptions | None = None,
    pair: tuple[str, str] | None = None,
) -> Sobol:
    """Sobol indices of the pair's mean gap over the inputs' ranges (SALib; N(2k+2) points)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    options = options or RunOptions(replications=REPLICATIONS)
    items = _items(scenario, inputs)
    problem = {
        "num_vars": len(items),
        "names": [i.path for i in items],
        "bounds": [[i.low, i.high] for i in items],
    }
    options.check(scenario, base_samples * (2 * len(items) + 2), "Sobol points (--sobol)")
    x = sample.sample(problem, base_samples, calc_second_order=True, seed=options.seed)
    for d, item in enumerate(items):
        if item.integer:
            x[:, d] = np.round(x[:, d])
    tables = _run_points(scenario, items, x, options)
    a, b = pair or default_pair(tables[0])
    gap = np.array([float((t[a] - t[b]).mean()) for t in tables])
    res = analyze.analyze(problem, gap, calc_second_order=True, seed=options.seed)
    return Sobol((a, b), items, res["S1"], res["S1_conf"], res["ST"], res["ST_conf"], len(x))


def sobol_function(problem: dict, fn, base_samples: int, seed: int = 0) -> dict:
    """Sobol indices of a plain function over `problem` (SALib's format): checks the wiring."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    x = sample.sample(problem, base_samples, calc_second_order=True, seed=seed)
    return analyze.analyze(problem, np.array([fn(row) for row in x]), seed=seed)
