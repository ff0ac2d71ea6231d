"""The inbound supply over time: shrinking, compounding or logistic toward a cap.

Read by the arrivals (the inbound rate) and the reps' time budget (the inbound workload),
so it lives below both.
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
