"""Durations with censoring (sales cycles of open deals): Kaplan–Meier and parametric fits.

An open deal has lasted *at least* its age; dropping it, or counting it as closed today,
biases the cycle short. Kaplan–Meier shows the data without a shape; lognormal, Weibull and
gamma are fitted by maximum likelihood with censoring and compared by AIC. The model takes a
lognormal or a gamma cycle, so the best of those two is what a scenario can use; the
overall best (Weibull too) is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from sim.calibrate.estimators import LEVEL, Interval

FAMILIES = ("lognormal", "weibull", "gamma")
MODEL_FAMILIES = ("lognormal", "gamma")
"""Cycle shapes a scenario can take (`sim.params.CycleLognormal`, `CycleGamma`)."""


@dataclass(frozen=True)
class KaplanMeier:
    """The survival curve at each event time with a log-log Greenwood interval."""

    time: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def median(self) -> float:
        """The first time survival falls to 0.5 or below (NaN if it never does)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.time[below[0]]) if len(below) else math.nan


def kaplan_meier(durations: np.ndarray, observed: np.ndarray, level: float = LEVEL) -> KaplanMeier:
    """Kaplan–Meier estimate; `observed` False marks a censored duration (still open)."""
    t = np.asarray(durations, dtype=float)
    d = np.asarray(observed, dtype=bool)
    times, deaths = np.unique(t[d], return_counts=True)
    deaths = deaths.astype(float)
    at_risk = (len(t) - np.searchsorted(np.sort(t), times, side="left")).astype(float)
    s = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        z = stats.norm.ppf(0.5 + level / 2)
        log_s = np.log(s)
        se = np.sqrt(green) / np.abs(log_s)
        low = np.exp(-np.exp(np.log(-log_s) + z * se))
        high = np.exp(-np.exp(np.log(-log_s) - z * se))
    low = np.where(np.isfinite(low), low, 0.0)
    high = np.where(np.isfinite(high), high, 1.0)
    return KaplanMeier(times, s, low, high)


@dataclass(frozen=True)
class Fit:
    """A parametric fit: family, parameters (on their natural scale), AIC and covariance.

    Parameters: lognormal (median, sigma); weibull (scale, shape); gamma (mean, shape).
    `cov` is the covariance of the log parameters (from the observed information).
    """

    family: str
    params: tuple[float, float]
    log_likelihood: float
    aic: float
    cov: np.ndarray
    n: int
    events: int

    def interval(self, which: int, level: float = LEVEL) -> Interval:
        """Parameter `which` (0 or 1) with a Wald interval on its log."""
        z = stats.norm.ppf(0.5 + level / 2)
        se = math.sqrt(max(float(self.cov[which, which]), 0.0))
        v = self.params[which]
        return Interval(v, v * math.exp(-z * se), v * math.exp(z * se), self.n)

    def survival(self, t: np.ndarray) -> np.ndarray:
        """S(t) under the fit."""
        return _dist(self.family, *np.log(self.params)).sf(t)

    @property
    def median(self) -> float:
        """The fitted median duration."""
        return float(_dist(self.family, *np.log(self.params)).median())


def _dist(family: str, lp0: float, lp1: float):
    """The frozen scipy distribution from log parameters."""
    p0, p1 = math.exp(lp0), math.exp(lp1)
    if family == "lognormal":
        return stats.lognorm(s=p1, scale=p0)
    if family == "weibull":
        return stats.weibull_min(c=p1, scale=p0)
    if family == "gamma":
        return stats.gamma(a=p1, scale=p0 / p1)
    raise ValueError(f"unknown family {family!r}")


def _nll(theta: np.ndarray, family: str, t: np.ndarray, d: np.ndarray, w: np.ndarray) -> float:
    dist = _dist(family, float(theta[0]), float(theta[1]))
    ll = (w[d] * dist.logpdf(t[d])).sum() + (w[~d] * dist.logsf(t[~d])).sum()
    return float(-ll) if np.isfinite(ll) else 1e300


def _grouped(t: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Durations to the hour, each distinct (duration, closed) pair once with its count.

    CRM times are at best to the minute, so this loses nothing that matters and turns a
    million deals into a few thousand likelihood terms.
    """
    key = np.round(t * 24.0) * 2 + d
    uniq, counts = np.unique(key, return_counts=True)
    closed = (uniq % 2).astype(bool)
    return np.maximum((uniq - closed) / 48.0, 0.5), closed, counts.astype(float)


def _hessian(f, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """A central-difference Hessian (two parameters: nine evaluations)."""
    k = len(x)
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
            out[i, j] = out[j, i] = v
    return out


def fit(durations: np.ndarray, observed: np.ndarray, family: str) -> Fit:
    """Maximum-likelihood fit of one family to censored durations (all > 0)."""
    t = np.maximum(np.asarray(durations, dtype=float), 0.5)  # a same-day close lasts half a day
    d = np.asarray(observed, dtype=bool)
    if d.sum() < 3:
        raise ValueError("at least three closed deals are needed to fit a cycle")
    logs = np.log(t[d])
    t, d, w = _grouped(t, d)
    start = {
        "lognormal": (float(np.median(logs)), math.log(max(float(logs.std()), 0.1))),
        "weibull": (float(logs.mean()) + 0.3, 0.0),
        "gamma": (float(logs.mean()) + 0.2, 0.0),
    }[family]
    res = optimize.minimize(
        _nll,
        np.array(start),
        args=(family, t, d, w),
        method="Nelder-Mead",
        options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 2000},
    )
    theta = res.x
    hess = _hessian(lambda x: _nll(x, family, t, d, w), theta)
    try:
        cov = np.linalg.inv(hess)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.full((2, 2), np.nan)
    ll = -float(res.fun)
    params = (math.exp(theta[0]), math.exp(theta[1]))
    return Fit(family, params, ll, 2 * 2 - 2 * ll, cov, int(w.sum()), int(w[d].sum()))


def fit_all(durations: np.ndarray, observed: np.ndarray) -> dict[str, Fit]:
    """Every family's fit, best AIC first."""
    fits = [fit(durations, observed, f) for f in FAMILIES]
    return {f.family: f for f in sorted(fits, key=lambda f: f.aic)}


def best_for_model(fits: dict[str, Fit]) -> Fit:
    """The lowest-AIC fit among the shapes a scenario can take."""
    return min((fits[f] for f in MODEL_FAMILIES), key=lambda f: f.aic)
