"""PRIM: boxes of inputs where a case of interest concentrates, as readable rules.

The patient rule induction method (Friedman & Fisher 1999) as scenario discovery uses it
(Bryant & Lempert 2010; EMA Workbench's `prim`).

Peeling: starting from the box holding every point, repeatedly cut the `alpha` share of
points at the low or the high end of one input — whichever cut leaves the highest share
of cases of interest (density) — until the box would hold fewer than `min_support` of all
points. From that peeling trajectory the box kept is the one with the most coverage (the
share of all cases of interest inside) among those whose density reaches `threshold`
(the densest one when none does). Covering: the points in the box are set aside and the
search repeats for the next box, up to `max_boxes`. Pasting is left out: on a Latin
hypercube it rarely changes the boxes, and without it every rule is an observed cut.

A small implementation (pure NumPy) rather than EMA Workbench itself: that package pulls in
scikit-learn, statsmodels, seaborn and an optimiser framework for these hundred lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALPHA = 0.05
MIN_SUPPORT = 0.05
THRESHOLD = 0.8


@dataclass(frozen=True)
class Rule:
    """One input's bounds in a box (only inputs the box restricts get a rule)."""

    dim: int
    low: float
    high: float


@dataclass(frozen=True)
class Box:
    """A box: its rules, coverage (share of all cases inside), density (share of it that are)."""

    rules: tuple[Rule, ...]
    coverage: float
    density: float
    support: int
    """Points inside the box (of those left when it was found)."""


def _stats(inside: np.ndarray, y: np.ndarray, total_cases: float) -> tuple[float, float]:
    n = int(inside.sum())
    cases = float(y[inside].sum())
    return cases / total_cases if total_cases else 0.0, cases / n if n else 0.0


def _peel(
    x: np.ndarray, y: np.ndarray, alpha: float, min_points: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The peeling trajectory: (lows, highs, inside mask) after each cut, the full box first."""
    lows, highs = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    inside = np.ones(len(x), dtype=bool)
    steps = [(lows.copy(), highs.copy(), inside.copy())]
    while True:
        best = None
        for d in range(x.shape[1]):
            col = x[inside, d]
            for side in ("low", "high"):
                if side == "low":
                    cut = np.quantile(col, alpha)
                    keep = inside & (x[:, d] >= cut)
                    if cut <= lows[d]:
                        keep = inside & (x[:, d] > lows[d])
                        cut = x[keep, d].min() if keep.any() else cut
                else:
                    cut = np.quantile(col, 1 - alpha)
                    keep = inside & (x[:, d] <= cut)
                    if cut >= highs[d]:
                        keep = inside & (x[:, d] < highs[d])
                        cut = x[keep, d].max() if keep.any() else cut
                n = int(keep.sum())
                if n < min_points or n == int(inside.sum()):
                    continue
                density = float(y[keep].mean())
                if best is None or density > best[0]:
                    best = (density, d, side, float(cut), keep)
        if best is None:
            return steps
        _, d, side, cut, keep = best
        if side == "low":
            lows[d] = cut
        else:
            highs[d] = cut
        inside = keep
        steps.append((lows.copy(), highs.copy(), inside.copy()))


def prim(
    x: np.ndarray,
    y: np.ndarray,
    *,
    alpha: float = ALPHA,
    min_support: float = MIN_SUPPORT,
    threshold: float = THRESHOLD,
    max_boxes: int = 3,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Box]:
    """Boxes of `x` (n x k) where `y` (n, 0/1) is concentrated, best first.

    `bounds` (lows, highs) are the ranges sampled: a box edge at the sample's own extreme
    is not a rule. Coverage is over all cases of interest in `y`; density over the points
    left when the box was found.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or len(x) != len(y):
        raise ValueError("x must be n x k and y must have n values")
    total = float(y.sum())
    lo_all, hi_all = bounds if bounds is not None else (x.min(axis=0), x.max(axis=0))
    remaining = np.ones(len(x), dtype=bool)
    min_points = max(2, int(np.ceil(min_support * len(x))))
    boxes: list[Box] = []
    for _ in range(max_boxes):
        if y[remaining].sum() == 0 or remaining.sum() < 2 * min_points:
            break
        idx = np.flatnonzero(remaining)
        steps = _peel(x[idx], y[idx], alpha, min_points)
        scored = []
        for lows, highs, inside in steps:
            coverage, density = _stats(inside, y[idx], total)
            scored.append((coverage, density, lows, highs, inside))
        dense = [s for s in scored if s[1] >= threshold]
        coverage, density, lows, highs, inside = (
            max(dense, key=lambda s: (s[0], s[1])) if dense else max(scored, key=lambda s: s[1])
        )
        if density <= (y[idx].mean() if len(idx) else 0):
            break  # no box beats the points left: nothing more to find
        data_lo, data_hi = x[idx].min(axis=0), x[idx].max(axis=0)
        rules = tuple(
            Rule(
                d,
                float(lows[d]) if lows[d] > data_lo[d] else float(lo_all[d]),
                float(highs[d]) if highs[d] < data_hi[d] else float(hi_all[d]),
            )
            for d in range(x.shape[1])
            if lows[d] > data_lo[d] or highs[d] < data_hi[d]
        )
        boxes.append(Box(rules, coverage, density, int(inside.sum())))
        remaining[idx[inside]] = False
    return boxes
