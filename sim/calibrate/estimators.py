"""The statistics behind calibration: pure functions of arrays, each with its interval.

- a rate of successes (win rate, conversion): the Jeffreys interval, Beta(s + ½, f + ½);
- monthly counts with a trend: a Poisson regression log μ = a + b·month, its interval
  widened by the Pearson dispersion when months vary more than Poisson (seasonality);
- sizes (deal size, response time): lognormal, t interval for the median, χ² for the spread;
- an exponential hazard from events and exposure (churn): the exact Poisson interval.

All intervals are equal-tailed at `level` (0.9 by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.9


@dataclass(frozen=True)
class Interval:
    """A point estimate, its interval and the observations behind it."""

    value: float
    low: float
    high: float
    n: int

    def scaled(self, factor: float) -> Interval:
        """The same estimate in another unit (factor > 0)."""
        return Interval(self.value * factor, self.low * factor, self.high * factor, self.n)


def beta_rate(successes: int, trials: int, level: float = LEVEL) -> Interval:
    """Share of successes with its Jeffreys interval (good coverage even near 0 or 1)."""
    if trials <= 0:
        raise ValueError("no trials to estimate a rate from")
    a, b = successes + 0.5, trials - successes + 0.5
    tail = (1 - level) / 2
    low = 0.0 if successes == 0 else float(stats.beta.ppf(tail, a, b))
    high = 1.0 if successes == trials else float(stats.beta.ppf(1 - tail, a, b))
    return Interval(successes / trials, low, high, trials)


@dataclass(frozen=True)
class Trend:
    """A Poisson log-linear trend of monthly counts: μ(m) = exp(a + b·(m − centre))."""

    a: float
    b: float
    cov: np.ndarray
    centre: float
    dispersion: float
    months: int
    level: float

    def rate_at(self, month: float) -> Interval:
        """The expected count in month `month` (0 = the first month) with its interval."""
        x = np.array([1.0, month - self.centre])
        eta = float(self.a + self.b * x[1])
        se = math.sqrt(float(x @ self.cov @ x))
        z = stats.norm.ppf(0.5 + self.level / 2)
        return Interval(math.exp(eta), math.exp(eta - z * se), math.exp(eta + z * se), self.months)

    def growth(self) -> Interval:
        """Monthly growth factor minus one, e^b − 1, with its interval."""
        z = stats.norm.ppf(0.5 + self.level / 2)
        se = math.sqrt(float(self.cov[1, 1]))
        return Interval(
            math.expm1(self.b),
            math.expm1(self.b - z * se),
            math.expm1(self.b + z * se),
            self.months,
        )


def poisson_trend(
    counts: np.ndarray, exposure: np.ndarray | None = None, level: float = LEVEL
) -> Trend:
    """Fit log μ_m = log(exposure_m) + a + b·(m − centre) by iteratively reweighted least squares.

    Exposure is the share of each month observed (a partial first or last month). The
    covariance is multiplied by the Pearson dispersion when it exceeds 1 (quasi-Poisson):
    seasonal months vary more than a Poisson count, and the interval should say so.
    """
    y = np.asarray(counts, dtype=float)
    n = len(y)
    if n < 2:
        raise ValueError("at least two months are needed for a trend")
    off = np.log(np.ones(n) if exposure is None else np.asarray(exposure, dtype=float))
    m = np.arange(n, dtype=float)
    centre = float(m.mean())
    X = np.column_stack([np.ones(n), m - centre])
    beta = np.array([math.log(max(y.sum(), 0.5) / np.exp(off).sum()), 0.0])
    for _ in range(50):
        mu = np.exp(off + X @ beta)
        step = np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = np.exp(off + X @ beta)
    cov = np.linalg.inv(X.T @ (X * mu[:, None]))
    dispersion = float(np.sum((y - mu) ** 2 / mu) / max(n - 2, 1)) if n > 2 else 1.0
    cov = cov * max(1.0, dispersion)
    return Trend(float(beta[0]), float(beta[1]), cov, centre, dispersion, n, level)


SEASON_MIN_MONTHS = 24
"""Months of counts a season needs: each month of the year seen at least twice, so that the
season and the trend are not one another."""

SEASON_P = 0.05
"""A season is kept when its months differ more than chance would (quasi-Poisson F test)."""


@dataclass(frozen=True)
class Season:
    """A yearly season of monthly counts: January..December multipliers of the trend."""

    multipliers: tuple[float, ...]
    """12 multiples of the trend, January first, averaging 1."""
    p_value: float
    """F test of the 11 seasonal terms against the trend alone (quasi-Poisson)."""
    months: int


def _irls(y: np.ndarray, off: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson regression log μ = off + X β by iteratively reweighted least squares: (β, μ)."""
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.sum(), 0.5) / np.exp(off).sum())
    for _ in range(100):
        mu = np.exp(off + X @ beta)
        step = np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta, np.exp(off + X @ beta)


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def seasonal_trend(
    counts: np.ndarray,
    exposure: np.ndarray | None,
    calendar: np.ndarray,
    level: float = LEVEL,
) -> tuple[Trend, Season | None]:
    """The trend of `poisson_trend`, and a yearly season around it when the data show one.

    With `SEASON_MIN_MONTHS` months or more, log μ_m = log(exposure_m) + a + b·(m − centre)
    + s_{calendar month of m} is fitted with the 12 s summing to zero; the season is kept when
    the F test of its 11 terms against the trend alone (deviance, quasi-Poisson dispersion of
    the larger fit) gives p < `SEASON_P`. The multipliers exp(s) are then scaled to average 1
    and the trend's level takes the scale, so the fitted counts are unchanged; the trend's
    dispersion and interval are those of the seasonal fit. Otherwise: `poisson_trend`, no
    season. `calendar` is each count's month of the year (1 = January).
    """
    plain = poisson_trend(counts, exposure, level)
    y = np.asarray(counts, dtype=float)
    n = len(y)
    month = np.asarray(calendar, dtype=int) - 1
    if n < SEASON_MIN_MONTHS or len(set(month.tolist())) < 12:
        return plain, None
    off = np.log(np.ones(n) if exposure is None else np.asarray(exposure, dtype=float))
    m = np.arange(n, dtype=float)
    centre = float(m.mean())
    effects = np.zeros((n, 11))
    for k in range(11):
        effects[:, k] = (month == k).astype(float) - (month == 11).astype(float)
    X0 = np.column_stack([np.ones(n), m - centre])
    X1 = np.column_stack([X0, effects])
    _, mu0 = _irls(y, off, X0)
    beta, mu1 = _irls(y, off, X1)
    dof = n - X1.shape[1]
    d0, d1 = _deviance(y, mu0), _deviance(y, mu1)
    scale = max(d1 / dof, 1e-12)
    f = max(d0 - d1, 0.0) / 11.0 / scale
    p_value = float(stats.f.sf(f, 11, dof))
    if p_value >= SEASON_P:
        return plain, None
    s = np.append(beta[2:], -beta[2:].sum())
    raw = np.exp(s)
    mean = float(raw.mean())
    cov = np.linalg.inv(X1.T @ (X1 * mu1[:, None]))[:2, :2]
    dispersion = float(np.sum((y - mu1) ** 2 / mu1) / max(dof, 1))
    cov = cov * max(1.0, dispersion)
    trend = Trend(
        float(beta[0]) + math.log(mean), float(beta[1]), cov, centre, dispersion, n, level
    )
    return trend, Season(tuple(float(x) for x in raw / mean), p_value, n)


@dataclass(frozen=True)
class LognormalFit:
    """A lognormal fit: median and log-sd, each with an interval."""

    median: Interval
    sigma: Interval


def lognormal(values: np.ndarray, level: float = LEVEL) -> LognormalFit:
    """Median (t interval on the log mean) and sigma (χ² interval) of positive values."""
    x = np.log(np.asarray(values, dtype=float))
    n = len(x)
    if n < 3:
        raise ValueError("at least three values are needed for a lognormal fit")
    mu, s = float(x.mean()), float(x.std(ddof=1))
    tail = (1 - level) / 2
    t = stats.t.ppf(1 - tail, n - 1)
    half = t * s / math.sqrt(n)
    median = Interval(math.exp(mu), math.exp(mu - half), math.exp(mu + half), n)
    lo = s * math.sqrt((n - 1) / stats.chi2.ppf(1 - tail, n - 1))
    hi = s * math.sqrt((n - 1) / stats.chi2.ppf(tail, n - 1))
    return LognormalFit(median, Interval(s, lo, hi, n))


def exponential_hazard(events: int, exposure: float, level: float = LEVEL) -> Interval:
    """Events per unit of exposure with the exact (Garwood) Poisson interval."""
    if exposure <= 0:
        raise ValueError("no exposure to estimate a hazard from")
    tail = (1 - level) / 2
    low = 0.0 if events == 0 else stats.chi2.ppf(tail, 2 * events) / (2 * exposure)
    high = stats.chi2.ppf(1 - tail, 2 * events + 2) / (2 * exposure)
    return Interval(events / exposure, float(low), float(high), events)


def monthly_probability(hazard: Interval) -> Interval:
    """A monthly hazard as the chance of the event within a month, 1 − e^(−h)."""
    return Interval(
        -math.expm1(-hazard.value), -math.expm1(-hazard.low), -math.expm1(-hazard.high), hazard.n
    )
