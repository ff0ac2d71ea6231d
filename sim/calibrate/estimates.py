"""From checked tables to the numbers a scenario needs, each with its interval and basis.

Every estimate names the scenario field it sets (`segments.0.win_rate`), the file and the
observations behind it, the method, and a 90% interval; `Estimate.source` is the text the
scenario's `sources:` carries. What the files cannot say is left to the base scenario
(`sim.calibrate.scenario`), never filled in here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.calibrate import estimators as est
from sim.calibrate.survival import Fit, KaplanMeier, best_for_model, fit_all, kaplan_meier
from sim.calibrate.tables import Table
from sim.params import MONTH_DAYS

MIN_SEGMENT_DEALS = 30
"""Closed deals a segment needs before it gets its own numbers (else segments are pooled)."""
MIN_CLOSED = 5
"""Closed deals needed at all: fewer cannot give a win rate or a cycle worth the name."""
SETTLE_DAYS = 30
"""Leads younger than this at the data's end are left out of conversion shares: they have
not had time to be touched or qualified."""
RECENT_DAYS = 90
_BLANK = "blank"
OVERDISPERSED = 1.5
"""Monthly counts varying this much more than Poisson around their fit get a note."""
"""Owners with a deal created this recently count as today's reps."""


@dataclass(frozen=True)
class Estimate:
    """One calibrated number: the field it sets, value, interval, and where it comes from."""

    path: str
    label: str
    value: float
    low: float | None
    high: float | None
    basis: str
    file: str
    method: str
    level: float = est.LEVEL

    def source(self) -> str:
        """The `sources:` text: 'calibrated: deals.csv, 412 closed deals, 90% CI 0.18–0.24'."""
        ci = ""
        if self.low is not None and self.high is not None:
            ci = f", {round(self.level * 100)}% CI {_num(self.low)}–{_num(self.high)}"
        return f"calibrated: {self.file}, {self.basis}{ci} ({self.method})"


def _num(x: float) -> str:
    if x == 0 or abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


@dataclass(frozen=True)
class SegmentFits:
    """What the plots of one segment need: durations, Kaplan–Meier, fits, deal sizes."""

    name: str
    durations: np.ndarray
    observed: np.ndarray
    km: KaplanMeier
    fits: dict[str, Fit]
    chosen: Fit
    sizes: np.ndarray
    size_fit: est.LognormalFit


@dataclass(frozen=True)
class Calibration:
    """Everything calibration found: estimates, the period, per-segment fits, actuals, notes."""

    estimates: tuple[Estimate, ...]
    segments: tuple[str, ...]
    start: pd.Timestamp
    as_of: pd.Timestamp
    files: dict[str, Table]
    segment_fits: tuple[SegmentFits, ...]
    monthly: pd.DataFrame
    trend: est.Trend
    trend_source: str
    notes: tuple[str, ...] = field(default=())
    currency: str = ""
    amounts: str = "annual"
    response_hours: np.ndarray | None = None
    """Observed first-response times (hours), to undo today's speed-to-lead in conversion."""
    season: est.Season | None = None
    """The inbound flow's yearly season (January first), when the data show one."""

    @property
    def first_month(self) -> pd.Period:
        """The calendar month a simulation of this company starts in: the one after the data."""
        return (self.as_of + pd.Timedelta(days=1)).to_period("M")

    def season_from(self, month: pd.Period) -> tuple[float, ...] | None:
        """The season's 12 multipliers starting at calendar `month` (None without a season)."""
        if self.season is None:
            return None
        s = self.season.multipliers
        return tuple(s[(month.month - 1 + k) % 12] for k in range(12))

    def get(self, path: str) -> Estimate | None:
        """The estimate for a field path, if the data gave one."""
        return next((e for e in self.estimates if e.path == path), None)

    def table(self) -> pd.DataFrame:
        """The estimates as rows: field, label, value, interval, basis, method."""
        return pd.DataFrame(
            [
                {
                    "field": e.path,
                    "what": e.label,
                    "value": e.value,
                    "low": e.low,
                    "high": e.high,
                    "basis": f"{e.file}: {e.basis}",
                    "method": e.method,
                }
                for e in self.estimates
            ]
        )


def _months(start: pd.Timestamp, end: pd.Timestamp) -> pd.PeriodIndex:
    return pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")


def _exposure(months: pd.PeriodIndex, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Share of each calendar month inside [start, end] (partial first and last months)."""
    out = []
    for p in months:
        a, b = p.start_time, p.end_time
        inside = (min(b, end) - max(a, start)).total_seconds()
        out.append(max(inside, 0.0) / (b - a).total_seconds())
    return np.clip(np.array(out), 1e-3, 1.0)


def monthly_counts(times: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Events per calendar month from `start` to `end` (zeros included)."""
    months = _months(start, end)
    counts = times.dropna().dt.to_period("M").value_counts()
    return counts.reindex(months, fill_value=0).astype(int)


def calibrate_tables(
    deals: Table,
    leads: Table | None = None,
    customers: Table | None = None,
    *,
    amounts: str = "annual",
) -> Calibration:
    """Estimate every number the tables support.

    `amounts` says whether deal amounts are annual (ACV) or monthly (MRR) values.
    """
    d = deals.frame
    notes: list[str] = []
    closed = d[d.outcome != "open"]
    if len(closed) < MIN_CLOSED:
        from sim.calibrate.errors import DataError, Problem

        raise DataError(
            [
                Problem(
                    deals.name,
                    f"only {len(closed)} closed deal(s): at least {MIN_CLOSED} "
                    "won or lost deals are needed",
                )
            ]
        )
    start = d.created.min()
    as_of = max(d.created.max(), closed.closed.max())
    notes.append(
        f"data period {start:%Y-%m-%d} to {as_of:%Y-%m-%d} (the latest date in {deals.name})"
    )
    factor = 12.0 if amounts == "monthly" else 1.0
    segs = _segments(d, notes)
    estimates: list[Estimate] = []
    fits: list[SegmentFits] = []
    for i, name in enumerate(segs):
        part = d if name == "" else d[d.segment == name]
        e, f = _segment_estimates(i, name, part, deals.name, as_of, factor, len(d))
        estimates += e
        fits.append(f)
    # Deal flow: what the lead funnel must deliver.
    flow = monthly_counts(d.created, start, as_of)
    exposure = _exposure(flow.index, start, as_of)
    trend, season = est.seasonal_trend(flow.to_numpy(), exposure, flow.index.month.to_numpy())
    trend_source = deals.name
    reps, slots = _capacity(d, as_of, deals.name, notes)
    estimates += [reps, slots]
    response = None
    if leads is not None:
        lead_est, lead_trend, response = _lead_estimates(leads, as_of, _whole(reps.value), notes)
        estimates += lead_est
        if lead_trend is not None:
            (trend, season), trend_source = lead_trend, leads.name
    else:
        notes.append(
            "no leads file: inbound MQLs a month are implied by the deals' own flow and the "
            "base scenario's funnel rates"
        )
    last = trend.rate_at(trend.months - 1)
    growth = trend.growth()
    what = "inbound MQLs" if trend_source != deals.name else "deals created"
    on_season = " and month of the year" if season is not None else ""
    if season is not None:
        by_month = ", ".join(
            f"{pd.Period(f'2000-{k + 1:02d}', 'M'):%b} {x:.2f}"
            for k, x in enumerate(season.multipliers)
        )
        notes.append(
            f"a yearly season in {trend.months} months of {what} (its months differ more than "
            f"chance, p = {season.p_value:.2g}): {by_month} x the trend; the scenario's "
            "market.seasonality carries it"
        )
    if trend.dispersion > OVERDISPERSED:
        notes.append(
            f"monthly {what} vary {trend.dispersion:.1f} times as much as chance around the "
            f"trend{' and season' if season is not None else ''}; the model's arrivals vary as "
            "chance does, so a back-test may show months outside its band"
        )
    if season is None and trend.months >= est.SEASON_MIN_MONTHS:
        notes.append(f"no yearly season in {trend.months} months of {what}")
    elif season is None:
        notes.append(
            f"{trend.months} months of {what}: a season needs {est.SEASON_MIN_MONTHS} (each "
            "month of the year twice); none is modelled"
        )
    estimates.append(
        Estimate(
            "market.inbound_growth_per_month",
            "Inbound drift per month",
            growth.value,
            growth.low,
            growth.high,
            f"{trend.months} months of {what}",
            trend_source,
            f"Poisson regression on month{on_season}, dispersion {trend.dispersion:.2f}",
        )
    )
    if trend_source != deals.name:
        estimates.append(
            Estimate(
                "market.inbound_mqls_per_month",
                "Inbound MQLs per month",
                last.value,
                last.low,
                last.high,
                f"{trend.months} months of inbound MQLs, trend at the last month",
                trend_source,
                f"Poisson regression on month{on_season}",
            )
        )
    else:
        estimates.append(
            Estimate(
                "hint.deals_per_month",
                "Deals created per month (trend at the last month)",
                last.value,
                last.low,
                last.high,
                f"{trend.months} months of deals created",
                deals.name,
                f"Poisson regression on month{on_season}",
            )
        )
    if customers is not None:
        estimates += _customer_estimates(customers, segs, as_of, notes)
    monthly = _actuals(d, start, as_of, factor)
    currency = deals.currency or (customers.currency if customers is not None else "")
    return Calibration(
        tuple(estimates),
        tuple(segs),
        start,
        as_of,
        {t.mapping.kind: t for t in (deals, leads, customers) if t is not None},
        tuple(fits),
        monthly,
        trend,
        trend_source,
        tuple(notes),
        currency,
        amounts,
        response,
        season,
    )


def _whole(x: float) -> int:
    return 0 if math.isnan(x) else int(x)


def _segments(d: pd.DataFrame, notes: list[str]) -> list[str]:
    """Segment names that each have enough closed deals, or [""] (pooled)."""
    if not (d.segment != "").any():
        return [""]
    closed = d[d.outcome != "open"]
    counts = closed.segment.value_counts()
    if "" in counts.index or len(counts) > 6 or counts.min() < MIN_SEGMENT_DEALS:
        notes.append(
            f"segments pooled: each needs {MIN_SEGMENT_DEALS} closed deals and a name "
            f"(found {', '.join(f'{k or _BLANK}: {v}' for k, v in counts.items())})"
        )
        return [""]
    return sorted(counts.index)


def _segment_estimates(
    i: int, name: str, part: pd.DataFrame, file: str, as_of: pd.Timestamp, factor: float, total: int
) -> tuple[list[Estimate], SegmentFits]:
    p = f"segments.{i}."
    who = f" ({name})" if name else ""
    out: list[Estimate] = []
    won = int((part.outcome == "won").sum())
    lost = int((part.outcome == "lost").sum())
    wr = est.beta_rate(won, won + lost)
    out.append(
        Estimate(
            p + "win_rate",
            f"Win rate{who}",
            wr.value,
            wr.low,
            wr.high,
            f"{won + lost} closed deals ({won} won)",
            file,
            "Beta, Jeffreys prior",
        )
    )
    if name:
        share = est.beta_rate(len(part), total)
        out.append(
            Estimate(
                p + "lead_share",
                f"Share of deals{who}",
                share.value,
                share.low,
                share.high,
                f"{len(part)} of {total} deals",
                file,
                "Beta, Jeffreys prior",
            )
        )
    sizes = part.amount[(part.outcome == "won") & (part.amount > 0)].to_numpy() * factor
    size_fit = est.lognormal(sizes)
    out += [
        Estimate(
            p + "acv.median",
            f"Deal size, median{who}",
            size_fit.median.value,
            size_fit.median.low,
            size_fit.median.high,
            f"{len(sizes)} won deals",
            file,
            "lognormal, t interval",
        ),
        Estimate(
            p + "acv.sigma",
            f"Deal size, spread{who}",
            size_fit.sigma.value,
            size_fit.sigma.low,
            size_fit.sigma.high,
            f"{len(sizes)} won deals",
            file,
            "lognormal, chi-square interval",
        ),
    ]
    is_closed = (part.outcome != "open").to_numpy()
    end = part.closed.where(part.outcome != "open", as_of)
    days = ((end - part.created).dt.total_seconds() / 86400).to_numpy()
    fits = fit_all(days, is_closed)
    chosen = best_for_model(fits)
    best = next(iter(fits.values()))
    basis = f"{int(is_closed.sum())} closed + {int((~is_closed).sum())} open deals (censored)"
    aic = ", ".join(f"{f.family} {f.aic:.1f}" for f in fits.values())
    method = f"{chosen.family} by maximum likelihood with censoring; AIC {aic}"
    if best.family != chosen.family:
        method += f"; {best.family} fits best but the model takes lognormal or gamma"
    first, second = chosen.interval(0), chosen.interval(1)
    if chosen.family == "lognormal":
        out += [
            Estimate(
                p + "sales_cycle_days.median",
                f"Cycle days, median{who}",
                first.value,
                first.low,
                first.high,
                basis,
                file,
                method,
            ),
            Estimate(
                p + "sales_cycle_days.sigma",
                f"Cycle spread (log-sd){who}",
                second.value,
                second.low,
                second.high,
                basis,
                file,
                method,
            ),
        ]
    else:
        out += [
            Estimate(
                p + "sales_cycle_days.mean",
                f"Cycle days, mean{who}",
                first.value,
                first.low,
                first.high,
                basis,
                file,
                method,
            ),
            Estimate(
                p + "sales_cycle_days.shape",
                f"Cycle shape (gamma){who}",
                second.value,
                second.low,
                second.high,
                basis,
                file,
                method,
            ),
        ]
    km = kaplan_meier(days, is_closed)
    return out, SegmentFits(name, days, is_closed, km, fits, chosen, sizes, size_fit)


def _capacity(
    d: pd.DataFrame, as_of: pd.Timestamp, file: str, notes: list[str]
) -> tuple[Estimate, Estimate]:
    """Reps (owners with a recent deal) and the open deals one rep has carried at once."""
    owners = d[d.owner != ""]
    if owners.empty:
        notes.append("no owner column: reps and open deals per rep come from the base scenario")
        return (
            Estimate("hint.reps", "Reps", math.nan, None, None, "no owner column", file, "-"),
            Estimate("hint.open", "Open deals per rep", math.nan, None, None, "", file, "-"),
        )
    recent = owners[owners.created >= as_of - pd.Timedelta(days=RECENT_DAYS)]
    reps = int(recent.owner.nunique()) or int(owners.owner.nunique())
    ends = pd.date_range(as_of - pd.DateOffset(months=6), as_of, freq="ME")
    loads = []
    for t in ends:
        open_at = owners[(owners.created <= t) & ~(owners.closed <= t)]
        loads.extend(open_at.groupby("owner").size().tolist())
    p90 = float(np.percentile(loads, 90)) if loads else math.nan
    r = Estimate(
        "sales.reps",
        "Reps (deal owners)",
        reps,
        None,
        None,
        f"owners with a deal created in the last {RECENT_DAYS} days",
        file,
        "count",
    )
    s = Estimate(
        "sales.max_open_deals_per_rep",
        "Open deals a rep works at once",
        max(1, math.ceil(p90)) if loads else math.nan,
        None,
        None,
        f"90th percentile of open deals per owner at {len(ends)} month ends (a lower "
        "bound: reps carried this many)",
        file,
        "percentile",
    )
    return r, s


def _lead_estimates(
    leads: Table, as_of: pd.Timestamp, reps: int, notes: list[str]
) -> tuple[list[Estimate], tuple[est.Trend, est.Season | None] | None, np.ndarray | None]:
    f = leads.frame
    file = leads.name
    out: list[Estimate] = []
    response = None
    f = f[f.created <= as_of]
    inbound = f[~f.outbound]
    mql = inbound[inbound.mql.notna()]
    start = f.created.min()
    counts = monthly_counts(mql.mql, start, as_of)
    trend = est.seasonal_trend(
        counts.to_numpy(), _exposure(counts.index, start, as_of), counts.index.month.to_numpy()
    )
    settled = mql[mql.mql <= as_of - pd.Timedelta(days=SETTLE_DAYS)]
    if leads.mapping.column("first_touch"):
        touched = settled.first_touch.notna()
        leak = est.beta_rate(int((~touched).sum()), len(settled))
        out.append(
            Estimate(
                "lead_handling.handoff_leakage",
                "MQLs never followed up",
                leak.value,
                leak.low,
                leak.high,
                f"{len(settled)} MQLs older than {SETTLE_DAYS} days",
                file,
                "Beta, Jeffreys prior",
            )
        )
        hours = (settled.first_touch - settled.mql).dt.total_seconds()[touched] / 3600
        has_time = (
            settled.first_touch[touched].dt.normalize() != settled.first_touch[touched]
        ).mean()
        if len(hours) >= 3 and has_time > 0.5:
            response = np.maximum(hours.to_numpy(), 1 / 60)
            fit = est.lognormal(response)
            basis = f"{len(hours)} first touches"
            out += [
                Estimate(
                    "lead_handling.first_touch.handling_delay_hours.median",
                    "Response time, median (hours)",
                    fit.median.value,
                    fit.median.low,
                    fit.median.high,
                    basis,
                    file,
                    "lognormal, t interval; includes any queue",
                ),
                Estimate(
                    "lead_handling.first_touch.handling_delay_hours.sigma",
                    "Response time, spread (log-sd)",
                    fit.sigma.value,
                    fit.sigma.low,
                    fit.sigma.high,
                    basis,
                    file,
                    "lognormal, chi-square interval",
                ),
            ]
        else:
            notes.append("first touches have dates only: response time needs timestamps")
        settled = settled[touched]
    if leads.mapping.column("sql"):
        q = est.beta_rate(int(settled.sql.notna().sum()), len(settled))
        out.append(
            Estimate(
                "segments.*.qualification_rate",
                "MQL -> SQL",
                q.value,
                q.low,
                q.high,
                f"{len(settled)} contacted MQLs older than {SETTLE_DAYS} days",
                file,
                "Beta, Jeffreys prior; as observed, at today's response times",
            )
        )
    outbound = f[f.outbound & (f.created > as_of - pd.DateOffset(months=6))]
    if leads.mapping.column("source") and reps > 0:
        months = 6.0
        h = est.exponential_hazard(len(outbound), months * reps)
        out.append(
            Estimate(
                "sales.outbound_leads_per_rep_month",
                "Outbound leads per rep a month",
                h.value,
                h.low,
                h.high,
                f"{len(outbound)} outbound leads in 6 months, {reps} reps",
                file,
                "Poisson, exact interval",
            )
        )
    return out, trend, response


def _customer_estimates(
    customers: Table, segs: list[str], as_of: pd.Timestamp, notes: list[str]
) -> list[Estimate]:
    c = customers.frame
    file = customers.name
    c = c[c.start <= as_of]
    out: list[Estimate] = []
    by_segment = segs != [""] and set(segs) <= set(c.segment.unique())
    if segs != [""] and not by_segment:
        notes.append("customers' segments do not match the deals': churn is pooled")
    for i, name in enumerate(segs):
        part = c[c.segment == name] if by_segment else c
        end = part.end.where(part.end <= as_of)
        stop = end.fillna(as_of)
        months = ((stop - part.start).dt.total_seconds() / 86400 / MONTH_DAYS).to_numpy()
        events = int(end.notna().sum())
        h = est.monthly_probability(est.exponential_hazard(events, float(months.sum())))
        who = f" ({name})" if name else ""
        out.append(
            Estimate(
                f"segments.{i}.monthly_churn",
                f"Logo churn per month{who}",
                h.value,
                h.low,
                h.high,
                f"{events} cancellations in {months.sum():,.0f} customer-months "
                f"({len(part)} customers, active ones censored)",
                file,
                "exponential hazard, exact Poisson interval",
            )
        )
        growth = _expansion_growth(part, months)
        if growth is not None:
            out.append(
                Estimate(
                    f"segments.{i}.expansion.growth",
                    f"MRR growth from expansion{who}",
                    growth.value,
                    growth.low,
                    growth.high,
                    f"{growth.n} customers' MRR at start and now",
                    file,
                    "log MRR growth per customer-month, ratio estimator",
                )
            )
    active = c[~(c.end <= as_of)]
    out += [
        Estimate(
            "starting_customers.count",
            "Customers today",
            len(active),
            None,
            None,
            f"customers active on {as_of:%Y-%m-%d}",
            file,
            "count",
        ),
        Estimate(
            "starting_customers.mrr_each",
            "MRR per customer today",
            float(active.mrr.mean()) if len(active) else 0.0,
            None,
            None,
            f"mean MRR of {len(active)} active customers",
            file,
            "mean",
        ),
    ]
    return out


def _expansion_growth(part: pd.DataFrame, months: np.ndarray) -> est.Interval | None:
    """Mean log MRR growth per customer-month, from MRR at start and now (None without it)."""
    ok = (part.initial_mrr > 0).to_numpy() & (part.mrr > 0).to_numpy() & (months > 0)
    if ok.sum() < 10:
        return None
    y = np.log(part.mrr.to_numpy()[ok] / part.initial_mrr.to_numpy()[ok])
    e = months[ok]
    g = y.sum() / e.sum()
    se = math.sqrt(np.sum((y - g * e) ** 2)) / e.sum()
    z = 1.6448536269514722
    return est.Interval(g, g - z * se, g + z * se, int(ok.sum()))


def _actuals(
    d: pd.DataFrame, start: pd.Timestamp, as_of: pd.Timestamp, factor: float
) -> pd.DataFrame:
    """Per calendar month: deals created, wins and new ARR (won amounts, annualised)."""
    months = _months(start, as_of)
    won = d[d.outcome == "won"]
    wm = won.closed.dt.to_period("M")
    return pd.DataFrame(
        {
            "month": months.astype(str),
            "deals": monthly_counts(d.created, start, as_of).to_numpy(),
            "wins": wm.value_counts().reindex(months, fill_value=0).to_numpy(),
            "new_arr": (won.amount.fillna(0) * factor)
            .groupby(wm)
            .sum()
            .reindex(months, fill_value=0.0)
            .to_numpy(),
            "complete": _exposure(months, start, as_of) >= 0.999,
        }
    )
