"""Parameter recovery: data drawn with known parameters (with censoring) -> the 90%
intervals cover the truth for at least 80% of parameters over repeated draws."""

from __future__ import annotations

import numpy as np

from sim.calibrate import estimators as est
from sim.calibrate.survival import fit, kaplan_meier

DRAWS = 30
TRUTH = {
    "win_rate": 0.22,
    "acv_median": 30000.0,
    "acv_sigma": 0.55,
    "cycle_median": 60.0,
    "cycle_sigma": 0.7,
    "churn_hazard": 0.02,
    "leads_rate_last": None,  # set from the trend below
    "leads_growth": 0.015,
}


def _one_draw(rng: np.random.Generator) -> dict[str, est.Interval]:
    out: dict[str, est.Interval] = {}
    n = 300
    won = int(rng.binomial(n, TRUTH["win_rate"]))
    out["win_rate"] = est.beta_rate(won, n)
    sizes = TRUTH["acv_median"] * np.exp(TRUTH["acv_sigma"] * rng.standard_normal(120))
    ln = est.lognormal(sizes)
    out["acv_median"], out["acv_sigma"] = ln.median, ln.sigma
    # Cycles: deals created uniformly over 2 years, observed at the end: young ones censored.
    created = rng.uniform(0, 730, 250)
    cycle = TRUTH["cycle_median"] * np.exp(TRUTH["cycle_sigma"] * rng.standard_normal(250))
    observed = created + cycle <= 730
    f = fit(np.where(observed, cycle, 730 - created), observed, "lognormal")
    out["cycle_median"], out["cycle_sigma"] = f.interval(0), f.interval(1)
    # Churn: customers start over 3 years, exponential lifetimes, active ones censored.
    start = rng.uniform(0, 36, 400)
    life = rng.exponential(1 / TRUTH["churn_hazard"], 400)
    churned = start + life <= 36
    exposure = np.where(churned, life, 36 - start).sum()
    out["churn_hazard"] = est.exponential_hazard(int(churned.sum()), float(exposure))
    # Leads: Poisson months with a trend.
    months = np.arange(30)
    counts = rng.poisson(150 * (1 + TRUTH["leads_growth"]) ** months)
    trend = est.poisson_trend(counts)
    out["leads_growth"] = trend.growth()
    out["leads_rate_last"] = trend.rate_at(29)
    return out


def test_intervals_cover_the_truth_in_at_least_80_percent():
    rng = np.random.default_rng(12)
    truth = dict(TRUTH, leads_rate_last=150 * 1.015**29)
    hits: dict[str, int] = dict.fromkeys(truth, 0)
    for _ in range(DRAWS):
        for name, iv in _one_draw(rng).items():
            hits[name] += iv.low <= truth[name] <= iv.high
    rates = {k: v / DRAWS for k, v in hits.items()}
    overall = sum(hits.values()) / (DRAWS * len(hits))
    assert overall >= 0.8, rates
    assert min(rates.values()) >= 0.6, rates  # no single estimator badly off


def test_censoring_matters_and_kaplan_meier_agrees_with_the_fit():
    rng = np.random.default_rng(3)
    created = rng.uniform(0, 365, 600)
    cycle = 90 * np.exp(0.6 * rng.standard_normal(600))
    observed = created + cycle <= 365
    durations = np.where(observed, cycle, 365 - created)
    naive = float(np.median(cycle[observed]))  # closed deals only: biased short
    f = fit(durations, observed, "lognormal")
    km = kaplan_meier(durations, observed)
    assert naive < 80 < f.params[0] < 100
    assert abs(km.median() - f.median) < 10


def test_trend_interval_widens_with_seasonal_months():
    months = np.arange(36)
    season = 1 + 0.3 * np.sin(2 * np.pi * months / 12)
    rng = np.random.default_rng(5)
    flat = est.poisson_trend(rng.poisson(200 * np.ones(36)))
    seasonal = est.poisson_trend(rng.poisson(200 * season))
    assert seasonal.dispersion > 3 > flat.dispersion
    assert seasonal.growth().high - seasonal.growth().low > flat.growth().high - flat.growth().low
