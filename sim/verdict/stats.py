"""The statistics behind the verdict: intervals of a mean, P(best), regret, sample size.

Every figure of the verdict is one of these applied to simulated replications. They are
plain functions of arrays so they can be checked against tables and closed forms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

CONFIDENCE = 0.90
"""Default level of every interval the verdict shows."""


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t (Cornish-Fisher expansion; exact enough for df >= 2).

    Written out so the verdict needs no SciPy; the tests hold it to the printed t table.
    """
    if df <= 0:
        return math.inf
    z = NormalDist().inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Interval:
    """A mean with a confidence interval."""

    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly above or below zero (the sign is known)."""
        return self.low > 0 or self.high < 0

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON."""
        return {"mean": self.mean, "low": self.low, "high": self.high}


def mean_interval(x: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    """Two-sided t-interval of the mean of `x` (NaNs dropped)."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    m = float(x.mean())
    if n == 1:
        return Interval(m, -math.inf, math.inf)
    half = t_quantile(0.5 + confidence / 2, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return Interval(m, m - half, m + half)


def p_best(values: pd.DataFrame) -> pd.Series:
    """Share of replications (rows) in which each setup (column) is best; ties split."""
    arr = values.to_numpy(dtype=float)
    best = arr == np.nanmax(arr, axis=1, keepdims=True)
    share = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
    return pd.Series(share, index=values.columns)


def expected_regret(values: pd.DataFrame) -> pd.Series:
    """Mean over replications of (best setup's value - this setup's value)."""
    arr = values.to_numpy(dtype=float)
    return pd.Series(
        (np.nanmax(arr, axis=1, keepdims=True) - arr).mean(axis=0), index=values.columns
    )


def replications_needed(diff: np.ndarray, confidence: float) -> int | None:
    """Replications at which the observed mean paired difference would clear its interval.

    A normal approximation at the observed spread; None when the spread or the mean is zero
    (no number of replications would change anything).
    """
    diff = np.asarray(diff, dtype=float)
    diff = diff[~np.isnan(diff)]
    if len(diff) < 2:
        return None
    m, sd = abs(float(diff.mean())), float(diff.std(ddof=1))
    if m == 0 or sd == 0:
        return None
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return math.ceil((z * sd / m) ** 2)
