"""Tidy data for the calibration's fit plots: each estimate shown against its data.

Pure functions of a `Calibration` (and a back-test) returning DataFrames; the app draws them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.backtest import Backtest
from sim.calibrate.estimates import Calibration


def cycle_curves(cal: Calibration, points: int = 120) -> pd.DataFrame:
    """Survival of the sales cycle: Kaplan–Meier (with its band) and each parametric fit.

    Columns: segment, days, survival, low, high, curve ("Kaplan–Meier" or a family; the one
    the scenario uses is marked "(used)").
    """
    rows = []
    for sf in cal.segment_fits:
        name = sf.name or "all deals"
        km = sf.km
        rows.append(
            pd.DataFrame(
                {
                    "segment": name,
                    "days": km.time,
                    "survival": km.survival,
                    "low": km.low,
                    "high": km.high,
                    "curve": "Kaplan–Meier",
                }
            )
        )
        grid = np.linspace(0.5, float(np.percentile(sf.durations, 99)), points)
        for fam, f in sf.fits.items():
            label = f"{fam} (used)" if fam == sf.chosen.family else fam
            rows.append(
                pd.DataFrame(
                    {
                        "segment": name,
                        "days": grid,
                        "survival": f.survival(grid),
                        "low": np.nan,
                        "high": np.nan,
                        "curve": label,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def deal_sizes(cal: Calibration, bins: int = 30) -> pd.DataFrame:
    """Won deal sizes as a histogram density on the log scale, beside the lognormal fit.

    Columns: segment, size (bin centre), observed (density), fitted (density).
    """
    rows = []
    for sf in cal.segment_fits:
        logs = np.log(sf.sizes)
        hist, edges = np.histogram(logs, bins=bins, density=True)
        centre = (edges[:-1] + edges[1:]) / 2
        mu, s = np.log(sf.size_fit.median.value), sf.size_fit.sigma.value
        rows.append(
            pd.DataFrame(
                {
                    "segment": sf.name or "all deals",
                    "size": np.exp(centre),
                    "observed": hist,
                    "fitted": stats.norm.pdf(centre, mu, s),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def flow(cal: Calibration) -> pd.DataFrame:
    """The monthly counts the inbound trend was fitted to, and the trend with its band."""
    t = cal.trend
    fitted = [t.rate_at(m) for m in range(t.months)]
    months = pd.period_range(cal.start.to_period("M"), periods=t.months, freq="M").astype(str)
    counts = cal.monthly.deals.to_numpy() if cal.trend_source == cal.files["deals"].name else None
    if counts is None:
        leads = cal.files["leads"].frame
        mql = leads[~leads.outbound & leads.mql.notna()].mql.dt.to_period("M").astype(str)
        counts = mql.value_counts().reindex(months, fill_value=0).to_numpy()
    return pd.DataFrame(
        {
            "month": months,
            "observed": counts[: t.months],
            "trend": [i.value for i in fitted],
            "low": [i.low for i in fitted],
            "high": [i.high for i in fitted],
        }
    )


def backtest_long(bt: Backtest) -> pd.DataFrame:
    """The back-test per series and month: actual, band and median, inside or not."""
    rows = []
    for name in ("wins", "new_arr"):
        m = bt.months
        rows.append(
            pd.DataFrame(
                {
                    "series": name,
                    "month": m.month,
                    "actual": m[f"{name}_actual"],
                    "low": m[f"{name}_low"],
                    "median": m[f"{name}_median"],
                    "high": m[f"{name}_high"],
                    "inside": m[f"{name}_inside"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
