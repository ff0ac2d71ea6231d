"""Customers' lives: churn and expansion at the moments they happen, computed vectorised.

Nothing a customer does competes for a resource, so its life need not run inside the event
loop. Each customer's churn time and expansion times are drawn from its own lead's streams
and placed by inverting the cumulative hazard, never by ticking month by month:

* churn hazard h(t) = h0 x max(0, 1 + churn effect(t)), with h0 = -ln(1 - monthly churn) per
  month. A customer won at w with unit-exponential draw E churns at the T where
  h0 * (M(T) - M(w)) = E, M being the integral of the multiplier;
* expansions are a Poisson process of rate l0 x max(0, 1 + expansion effect(t)), placed the
  same way from successive unit-exponential gaps; each adds `size` x current MRR.

The multiplier integrals are tabulated once per run on a daily grid (the effects are
piecewise linear, so the trapezoid rule is exact between grid points up to the ramp kinks).
"""

from __future__ import annotations

import numpy as np

from sim.model.arrivals import segments_of
from sim.model.records import CustomerRecords
from sim.org import StageEffects
from sim.params import MONTH_DAYS, Scenario
from sim.streams import CandidateDraws, ReplicationDraws

_FLOOR = 1e-12  # keeps the integrals strictly increasing so they can be inverted


def _cumulative(fx: StageEffects, lever: str, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Integral of the lever's hazard multiplier on a daily grid (days, multiplier-days)."""
    grid = np.linspace(0.0, horizon, int(np.ceil(horizon)) + 2)
    mult = np.maximum(_FLOOR, fx.apply(lever, 1.0, grid))
    integral = np.concatenate([[0.0], np.cumsum((mult[1:] + mult[:-1]) / 2 * np.diff(grid))])
    return grid, integral


def _gather(draws: list[CandidateDraws], owner: np.ndarray, index: np.ndarray, get) -> np.ndarray:
    """Per-customer values: row i takes `get(draws[owner[i]])[index[i]]` (1-D or 2-D)."""
    out: np.ndarray | None = None
    for k, d in enumerate(draws):
        rows = owner == k
        if rows.any():
            values = get(d)[index[rows]]
            if out is None:
                out = np.empty((len(owner), *values.shape[1:]))
            out[rows] = values
    return out if out is not None else np.empty(0)


def simulate_customers(
    scenario: Scenario,
    fx: StageEffects,
    shared: ReplicationDraws,
    won: np.ndarray,
    seg: np.ndarray,
    closed: np.ndarray,
    mrr: np.ndarray,
    sources: list[CandidateDraws],
    owner_of: np.ndarray,
    cand: np.ndarray,
) -> CustomerRecords:
    """Lives of the customers won in this run and of the starting base.

    Lead row k draws its churn and expansion from `sources[owner_of[k]]` at candidate
    `cand[k]`: the streams of the source (inbound, outbound, warm-up) it came from.
    """
    H = scenario.horizon_days
    segs = scenario.segments
    base = scenario.starting_customers
    d_base = shared.draws("starting_customers", base.count)
    base_seg = np.zeros(base.count, dtype=np.int64)
    if base.count:
        base_seg = segments_of(d_base.uniform("segment"), segs)

    draws = [*sources, d_base]
    owner = np.concatenate([owner_of[won], np.full(base.count, len(sources))])
    index = np.concatenate([cand[won], np.arange(base.count)])
    segment = np.concatenate([seg[won], base_seg]).astype(np.int64)
    start = np.concatenate([closed[won], np.zeros(base.count)])
    mrr0 = np.concatenate([mrr[won], np.full(base.count, base.mrr_each)])
    is_new = np.concatenate([np.ones(len(won), bool), np.zeros(base.count, bool)])
    n = len(start)

    # churn
    churn_h = np.array([-np.log1p(-s.monthly_churn) / MONTH_DAYS for s in segs])[segment]
    grid, m_int = _cumulative(fx, "monthly_churn", H)
    e_churn = _gather(draws, owner, index, lambda d: d.exponential("churn"))
    with np.errstate(divide="ignore", over="ignore"):  # tiny hazards: churn never comes
        target = np.interp(start, grid, m_int) + np.where(churn_h > 0, e_churn / churn_h, np.inf)
    end = np.where(
        target <= m_int[-1], np.interp(np.minimum(target, m_int[-1]), m_int, grid), np.inf
    )

    # expansion
    p_exp = np.array([s.expansion.monthly_probability for s in segs])
    size = np.array([s.expansion.size for s in segs])[segment]
    rate = (-np.log1p(-np.minimum(p_exp, 1 - 1e-12)) / MONTH_DAYS)[segment]
    live = (rate > 0) & (size > 0)
    grid_x, x_int = _cumulative(fx, "expansion", H)
    alive_until = np.minimum(end, H)
    cum = np.interp(start, grid_x, x_int)
    count = np.zeros(n, dtype=np.int64)
    current = mrr0.copy()
    ex_t: list[np.ndarray] = []
    ex_owner: list[np.ndarray] = []
    ex_mrr: list[np.ndarray] = []
    block = 0
    active = live.copy()
    safe_rate = np.where(rate > 0, rate, 1.0)
    while active.any():
        gaps = _gather(draws, owner, index, lambda d, b=block: d.exponential_block("expansion", b))
        for col in range(gaps.shape[1]):
            with np.errstate(over="ignore"):  # tiny rates: the next expansion never comes
                cum = cum + gaps[:, col] / safe_rate
            t = np.where(
                cum <= x_int[-1], np.interp(np.minimum(cum, x_int[-1]), x_int, grid_x), np.inf
            )
            hit = active & (t < alive_until)
            rows = np.flatnonzero(hit)
            if len(rows):
                added = current[rows] * size[rows]
                ex_t.append(t[rows])
                ex_owner.append(rows)
                ex_mrr.append(added)
                current[rows] += added
                count[rows] += 1
            active = hit
        block += 1

    def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    return CustomerRecords(
        start=start,
        end=end,
        mrr_start=mrr0,
        mrr_end=current,
        segment=segment,
        is_new=is_new,
        expansion_time=_cat(ex_t, float),
        expansion_owner=_cat(ex_owner, np.int64),
        expansion_mrr=_cat(ex_mrr, float),
        churn_multiplier_end=float(fx.apply_scalar("monthly_churn", 1.0, H)),
        expansion_multiplier_end=float(fx.apply_scalar("expansion", 1.0, H)),
    )
