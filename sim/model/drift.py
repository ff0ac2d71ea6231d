"""The inbound supply over time: a trend (shrinking, compounding or logistic) and a season.

The trend shrinks, compounds or grows logistically toward a cap; a yearly season of 12
monthly multipliers moves the volume around it. Read by the arrivals (the inbound rate) and
the reps' time budget (the inbound workload), so it lives below both. The trend alone
(`inbound_drift`) also gives the run-rate after the horizon; the volume (`inbound_level`)
is the trend times the month's season.
"""

from __future__ import annotations

import math

import numpy as np

from sim.params import MONTH_DAYS, Market


def inbound_drift(market: Market, t: np.ndarray | float) -> np.ndarray:
    """Today's inbound rate x this = the rate at day `t` (negative t: the past).

    A shrinking supply decays geometrically at the stated monthly rate. A growing one follows
    a logistic curve toward `inbound_growth_cap` x today's rate, starting at the stated
    monthly growth: g(t) = K / (1 + (K - 1) exp(-r t)), r = ln(1 + growth) K / (K - 1), so
    g'(0) = ln(1 + growth) as for compounding, and g never passes K (no cap: compounding).
    """
    months = np.asarray(t, dtype=float) / MONTH_DAYS
    growth = market.inbound_growth_per_month
    cap = market.inbound_growth_cap
    if growth <= 0 or cap is None:
        return (1.0 + growth) ** months
    if cap <= 1.0:
        return np.ones_like(months)
    r = math.log1p(growth) * cap / (cap - 1.0)
    with np.errstate(over="ignore"):
        return cap / (1.0 + (cap - 1.0) * np.exp(-r * months))


def season_at(season: tuple[float, ...], t: np.ndarray | float) -> np.ndarray:
    """The season's multiplier at day `t`.

    Month k of the simulation (k = 0 from day 0, negative before it) takes entry k mod 12.
    """
    month = np.floor(np.asarray(t, dtype=float) / MONTH_DAYS).astype(np.int64) % 12
    return np.asarray(season, dtype=float)[month]


def season_peak(market: Market) -> float:
    """The season's largest multiplier (1 without a season): the arrivals' bound uses it."""
    return 1.0 if market.season is None else max(market.season)


def inbound_level(market: Market, t: np.ndarray | float) -> np.ndarray:
    """Today's inbound rate x this = the inbound volume at day `t`.

    The drift times the month's season (`market.seasonality`). Without a season (or with 12
    ones) it is the drift itself, the very same floats.
    """
    drift = inbound_drift(market, t)
    if market.season is None:
        return drift
    return drift * season_at(market.season, t)
