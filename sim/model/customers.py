"""Customers' lives: churn and expansion at the moments they happen, computed vectorised.

Nothing a customer does competes for a resource, so its life need not run inside the event
loop. Each customer's churn time and expansion times are drawn from its own lead's streams
and placed by inverting the cumulative hazard, never by ticking month by month:

* churn hazard h(t) = h0 x max(0, 1 + churn effect(t)), with h0 = -ln(1 - monthly churn) per
  month. A customer won at w with unit-exponential draw E churns at the T where
  h0 * (M(T) - M(w)) = E, M being the integral of the multiplier;
* expansions are a Poisson process of rate l0 x max(0, 1 + expansion effect(t)), placed the
  same way from successive unit-exponential gaps; each adds `size` x current MRR;
* repricing: every `sales.renewal_months` a customer renews (new customers from their win,
  the starting base at a uniformly drawn phase) at the price then in force. Its MRR follows
  the price ratio (a cut lowers it, a rise raises it), and a rise of ratio x > 1 loses the
  customer at that renewal with probability 1 - exp(-e_r (x - 1)), the demand curve of new
  deals with the renewal elasticity e_r (customers already using the product switch less
  readily than new buyers walk away).

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


def _gatherer(draws: list[CandidateDraws], owner: np.ndarray, index: np.ndarray):
    """`gather(get)`: per-customer values, row i from `get(draws[owner[i]])[index[i]]`.

    Who comes from which source is sorted out once, for every attribute gathered after.
    """
    groups = []
    for k, d in enumerate(draws):
        rows = np.flatnonzero(owner == k)
        if len(rows):
            groups.append((d, rows, index[rows]))
    n = len(owner)

    def gather(get) -> np.ndarray:
        out: np.ndarray | None = None
        for d, rows, at in groups:
            values = get(d)[at]
            if out is None:
                out = np.empty((n, *values.shape[1:]))
            out[rows] = values
        return out if out is not None else np.empty(0)

    return gather


def _gather(draws: list[CandidateDraws], owner: np.ndarray, index: np.ndarray, get) -> np.ndarray:
    """Per-customer values: row i takes `get(draws[owner[i]])[index[i]]` (1-D or 2-D)."""
    return _gatherer(draws, owner, index)(get)


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
    gather = _gatherer(draws, owner, index)
    e_churn = gather(lambda d: d.exponential("churn"))
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
        gaps = gather(lambda d, b=block: d.exponential_block("expansion", b))
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

    ex_time, ex_who, ex_add = _cat(ex_t, float), _cat(ex_owner, np.int64), _cat(ex_mrr, float)
    re_time = np.zeros(0)
    re_who = np.zeros(0, dtype=np.int64)
    re_add = np.zeros(0)
    if fx.moves("price") and n:
        phase_u = np.concatenate(
            [np.zeros(len(won)), d_base.uniform("renewal_phase") if base.count else []]
        )
        end, ex_time, ex_who, ex_add, current, re_time, re_who, re_add = _reprice(
            scenario, fx, draws, owner, index, start, end, mrr0, phase_u, ex_time, ex_who, ex_add
        )

    return CustomerRecords(
        start=start,
        end=end,
        mrr_start=mrr0,
        mrr_end=current,
        segment=segment,
        is_new=is_new,
        expansion_time=ex_time,
        expansion_owner=ex_who,
        expansion_mrr=ex_add,
        reprice_time=re_time,
        reprice_owner=re_who,
        reprice_mrr=re_add,
        churn_multiplier_end=float(fx.apply_scalar("monthly_churn", 1.0, H)),
        expansion_multiplier_end=float(fx.apply_scalar("expansion", 1.0, H)),
    )


def _reprice(
    scenario: Scenario,
    fx: StageEffects,
    draws: list[CandidateDraws],
    owner: np.ndarray,
    index: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    mrr0: np.ndarray,
    phase_u: np.ndarray,
    ex_time: np.ndarray,
    ex_who: np.ndarray,
    ex_add: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Renewals at the price in force (see the module docstring).

    A customer's MRR path is its price factor f (price now / price it started at, changed
    only at renewals) times its path without repricing, so an expansion after a renewal adds
    its share of the repriced MRR. Returns the new churn times, the expansion events (those
    after a churn at renewal dropped, the rest scaled by f), the MRR at the end, and the
    repricing events (time, customer, MRR added: negative for a cut).
    """
    H = scenario.horizon_days
    n = len(start)
    term = scenario.sales.renewal_months * MONTH_DAYS
    eps = scenario.sales.renewal_price_elasticity
    # new customers start at the price of their win (in mrr0); the base at today's (1)
    is_base = phase_u > 0
    paid = np.where(is_base, 1.0, fx.apply("price", 1.0, start))
    first = start + np.where(is_base, phase_u * term, term)
    f = np.ones(n)
    end = end.copy()
    renewals: list[tuple[float, np.ndarray, np.ndarray, np.ndarray]] = []
    k = 0
    while True:
        r = first + k * term
        valid = r < np.minimum(end, H)
        if not valid.any():
            break
        rows = np.flatnonzero(valid)
        x = fx.apply("price", 1.0, r[rows])
        ratio = x / paid[rows]
        u = _gather(draws, owner[rows], index[rows], lambda d, k=k: d.uniform(f"renewal.{k}"))
        leave = (ratio > 1.0) & (u < -np.expm1(-eps * np.maximum(ratio - 1.0, 0.0)))
        end[rows[leave]] = r[rows[leave]]
        stay = rows[~leave]
        f_new = f[stay] * ratio[~leave]
        renewals.append((k, stay, f[stay].copy(), f_new))
        f[stay] = f_new
        paid[stay] = x[~leave]
        k += 1
    # expansions after a churn at renewal never happen
    keep = ex_time < end[ex_who]
    ex_time, ex_who, ex_add = ex_time[keep], ex_who[keep], ex_add[keep]
    # each expansion is scaled by the price factor in force when it happens
    scale = np.ones(len(ex_time))
    re_t, re_w, re_a = [], [], []
    for k, stay, f_old, f_new in renewals:
        when = np.full(n, np.inf)
        when[stay] = first[stay] + k * term
        prior = ex_time < when[ex_who]
        # MRR without repricing at the renewal: start plus the expansions before it
        raw = mrr0 + np.bincount(ex_who[prior], weights=ex_add[prior], minlength=n)
        changed = f_new != f_old
        re_t.append(when[stay][changed])
        re_w.append(stay[changed])
        re_a.append(raw[stay][changed] * (f_new - f_old)[changed])
        factor = np.ones(n)
        factor[stay] = f_new
        after = ~prior & np.isfinite(when[ex_who])
        scale[after] = factor[ex_who[after]]
    current = (mrr0 + np.bincount(ex_who, weights=ex_add, minlength=n)) * f
    ex_add = ex_add * scale

    def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    return (
        end,
        ex_time,
        ex_who,
        ex_add,
        current,
        _cat(re_t, float),
        _cat(re_w, np.int64),
        _cat(re_a, float),
    )
