"""The verdict's statistics on constructed data with known answers (sim/verdict/stats.py)."""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from sim.verdict.stats import (
    Interval,
    expected_regret,
    mean_interval,
    p_best,
    replications_needed,
    t_quantile,
)

# Student's t table (two-sided 90% and 95% critical values)
T_TABLE = {
    0.95: {1: 6.3138, 2: 2.9200, 5: 2.0150, 10: 1.8125, 30: 1.6973, 1000: 1.6464},
    0.975: {1: 12.7062, 2: 4.3027, 5: 2.5706, 10: 2.2281, 30: 2.0423, 1000: 1.9623},
}


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [(p, df, v) for p, row in T_TABLE.items() for df, v in row.items()],
)
def test_t_quantile_matches_the_t_table(p, df, expected):
    """t_quantile agrees with the printed t table: exact at df 1, within 1% for df >= 2."""
    got = t_quantile(p, df)
    tol = 1e-4 if df == 1 else 1e-2
    assert got == pytest.approx(expected, rel=tol)


def test_t_quantile_is_symmetric_and_tends_to_the_normal():
    """t(1-p) = -t(p); t(0.5) = 0; and t(p, df) -> z(p) as df grows, from above."""
    z = NormalDist().inv_cdf(0.95)
    assert t_quantile(0.05, 7) == pytest.approx(-t_quantile(0.95, 7), abs=1e-12)
    assert t_quantile(0.5, 4) == pytest.approx(0.0, abs=1e-12)
    qs = [t_quantile(0.95, df) for df in (2, 5, 10, 30, 100, 10_000)]
    assert all(a > b for a, b in itertools.pairwise(qs)), qs
    assert qs[-1] == pytest.approx(z, rel=1e-4)
    assert math.isinf(t_quantile(0.95, 0))


@pytest.mark.parametrize("n", [3, 5, 20])
def test_mean_interval_covers_the_true_mean_at_the_nominal_rate(n):
    """Over 4000 normal samples of size n, the 90% t-interval covers the mean ~90% of the time."""
    rng = np.random.default_rng(12345 + n)
    samples = rng.normal(7.0, 3.0, (4000, n))
    hits = sum(ci.low <= 7.0 <= ci.high for ci in (mean_interval(x, 0.90) for x in samples))
    rate = hits / len(samples)
    # binomial sd at 0.9 over 4000 trials is 0.0047; allow ~4 sd
    assert abs(rate - 0.90) < 0.02, rate


def test_mean_interval_known_values_and_edge_cases():
    """Interval = mean ± t * sd / sqrt(n); NaNs dropped; one value gives an unbounded interval."""
    x = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    ci = mean_interval(x, 0.90)
    half = t_quantile(0.95, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert ci.mean == pytest.approx(2.5)
    assert (ci.low, ci.high) == pytest.approx((2.5 - half, 2.5 + half))
    one = mean_interval(np.array([5.0]))
    assert one.mean == 5.0 and math.isinf(one.low) and math.isinf(one.high)
    assert not one.excludes_zero
    assert math.isnan(mean_interval(np.array([])).mean)
    constant = mean_interval(np.zeros(10))
    assert (constant.low, constant.high) == (0.0, 0.0)
    assert not constant.excludes_zero  # a difference of exactly zero is never "separated"
    assert Interval(1, 0.5, 2).excludes_zero and Interval(-1, -2, -0.1).excludes_zero
    assert not Interval(0.1, -0.1, 0.3).excludes_zero


def test_p_best_shares_wins_and_splits_ties():
    """P(best) is the share of rows each column wins; a tie gives each tied column its share."""
    frame = pd.DataFrame(
        {"a": [1.0, 3.0, 5.0, 2.0], "b": [2.0, 3.0, 1.0, 2.0], "c": [3.0, 1.0, 1.0, 2.0]}
    )
    # row 0: c; row 1: a/b tie; row 2: a; row 3: three-way tie
    got = p_best(frame)
    assert got["a"] == pytest.approx((0 + 0.5 + 1 + 1 / 3) / 4)
    assert got["b"] == pytest.approx((0 + 0.5 + 0 + 1 / 3) / 4)
    assert got["c"] == pytest.approx((1 + 0 + 0 + 1 / 3) / 4)
    assert got.sum() == pytest.approx(1.0)


def test_expected_regret_is_mean_shortfall_from_each_rows_best():
    """Regret = mean over rows of (row max - value); the column best in every row has 0."""
    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0], "b": [2.0, 3.0, 1.0], "c": [3.0, 1.0, 1.0]})
    got = expected_regret(frame)
    assert got["a"] == pytest.approx((2 + 0 + 0) / 3)
    assert got["b"] == pytest.approx((1 + 0 + 4) / 3)
    assert got["c"] == pytest.approx((0 + 2 + 4) / 3)
    dominant = pd.DataFrame({"x": [9.0, 9.0], "y": [1.0, 2.0]})
    assert expected_regret(dominant)["x"] == 0.0


@pytest.mark.parametrize(("mean", "sd"), [(10.0, 1000.0), (-3.0, 40.0), (50.0, 900.0)])
def test_replications_needed_is_where_the_interval_just_clears_zero(mean, sd):
    """A sample of the needed size, with the observed mean and spread, has a 90% interval
    that just excludes zero; one replication fewer and it would not (up to t vs normal)."""
    rng = np.random.default_rng(1)
    pilot = rng.normal(0, 1, 30)
    pilot = mean + sd * (pilot - pilot.mean()) / pilot.std(ddof=1)
    need = replications_needed(pilot, 0.90)
    assert need is not None and need > 30

    def half_width(n: int) -> float:
        return t_quantile(0.95, n - 1) * sd / math.sqrt(n)

    # the t quantile is a little above z: within 1% of |mean| at `need`, and past it before
    assert half_width(need) == pytest.approx(abs(mean), rel=0.01)
    assert half_width(need - 1) > abs(mean)


def test_replications_needed_is_none_when_more_would_not_help():
    """Zero spread or zero mean difference: no number of replications separates them."""
    assert replications_needed(np.zeros(10), 0.9) is None
    assert replications_needed(np.array([1.0, -1.0] * 5), 0.9) is None
    assert replications_needed(np.array([5.0]), 0.9) is None
