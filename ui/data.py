"""Data shaping for the screen: a `Comparison` -> tidy DataFrames for charts and tables.

Pure pandas, no streamlit: every function here is testable on a small comparison. Charts
(`ui.charts`) take these frames; tables and downloads use them too, so what is drawn and
what is downloaded are the same numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.metrics import slug
from sim.params import BASELINE, Scenario
from sim.text import (
    attribution_label,
    criterion_text,
    diagnostic_label,
    diagnostic_text,
    translator,
)
from sim.verdict import Comparison
from ui.text import (
    ATTRIBUTION_LABELS,
    DIAGNOSTIC_LABELS,
    FUNNEL_STAGES,
    KPI_GROUPS,
    fmt_diagnostic,
    fmt_kpi,
    kpi_kind,
    setup_name,
    team_name,
)


def setup_order(result: Comparison) -> list[str]:
    """Setups in the scenario's order (baseline first): the order of legends and colours."""
    return list(result.scenario.org.setups)


def fan_data(
    monthly: pd.DataFrame, series: str, setups: list[str] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """P10, P50 and P90 of a monthly series over replications, per setup and month."""
    grouped = monthly.groupby(["setup", "month"])[series]
    frame = pd.DataFrame(
        {
            "p10": grouped.quantile(0.10),
            "p50": grouped.quantile(0.50),
            "p90": grouped.quantile(0.90),
            "mean": grouped.mean(),
        }
    ).reset_index()
    order = setups or list(dict.fromkeys(monthly["setup"]))
    frame = frame[frame["setup"].isin(order)]
    frame["setup_name"] = frame["setup"].map(lambda s: setup_name(s, lang))
    frame["series"] = series
    frame["rank"] = frame["setup"].map({s: i for i, s in enumerate(order)})
    frame = frame.sort_values(["rank", "month"]).drop(columns="rank")
    return frame.reset_index(drop=True)


def gain_data(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """Each setup's paired gain over no ops team, one row per (setup, replication)."""
    values = result.results.objective(result.objective)
    rows = []
    for setup in setup_order(result):
        if setup == BASELINE:
            continue
        gain = values[setup] - values[BASELINE]
        rows.append(
            pd.DataFrame(
                {
                    "setup": setup,
                    "setup_name": setup_name(setup, lang),
                    "replication": values.index.to_numpy(),
                    "gain": gain.to_numpy(dtype=float),
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["setup", "setup_name", "replication", "gain"])
    return pd.concat(rows, ignore_index=True)


def funnel_data(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """Mean count at each funnel stage per setup, with the conversion from the stage above."""
    kpis = result.results.kpis
    rows = []
    for setup in setup_order(result):
        sub = kpis[kpis["setup"] == setup]
        previous = math.nan
        for order, (col, label) in enumerate(FUNNEL_STAGES):
            value = float(sub[col].mean()) if col in sub else math.nan
            rows.append(
                {
                    "setup": setup,
                    "setup_name": setup_name(setup, lang),
                    "stage": translator(lang)(label),
                    "stage_order": order,
                    "count": value,
                    "conversion": value / previous if previous else math.nan,
                }
            )
            previous = value
    return pd.DataFrame(rows)


def attribution_data(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """The gain of the explained setup split by lever group: source label, mean, interval."""
    frame = result.attribution
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["setup", "source", "label", "mean", "low", "high", "kind"])
    out = frame.copy()
    out["label"] = out["source"].map(
        lambda s: attribution_label(s, lang) if s in ATTRIBUTION_LABELS else s
    )
    out["kind"] = np.where(
        out["source"] == "total",
        "total",
        np.where(out["mean"] >= 0, "adds", "costs"),
    )
    out["order"] = np.arange(len(out))
    return out.reset_index(drop=True)


def setup_summary(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """One row per setup, ranked best first: objective, spread, gain, P(best), regret, cost."""
    rows = []
    for rank, (name, s) in enumerate(result.setups.items(), 1):
        teams = result.scenario.org.setups[name]
        rows.append(
            {
                "rank": rank,
                "setup": name,
                "setup_name": setup_name(name, lang),
                "teams": ", ".join(team_name(t, lang) for t in teams) or "—",
                "objective_mean": s.mean,
                "objective_p10": s.p10,
                "objective_p90": s.p90,
                "gain_vs_none": s.vs_none.mean,
                "gain_low": s.vs_none.low,
                "gain_high": s.vs_none.high,
                "p_best": s.p_best,
                "expected_regret": s.regret,
                "ops_cost_per_month": s.ops_cost_per_month,
            }
        )
    return pd.DataFrame(rows)


def _cell(row: pd.Series, kind: str, currency: str, lang: str = "en") -> str:
    mean = fmt_kpi(row["mean"], kind, currency, lang)
    if not (math.isfinite(row["low"]) and math.isfinite(row["high"])):
        return mean
    low, high = (
        fmt_kpi(row["low"], kind, currency, lang),
        fmt_kpi(row["high"], kind, currency, lang),
    )
    return f"{mean}  ({low} – {high})"


def article_metrics(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """The article's metric table, numeric: group, kpi, label, setup, mean, p10, p90, low, high."""
    table = result.kpi_table()
    rows = []
    for group, items in KPI_GROUPS.items():
        for kpi, label in items:
            sub = table[table["kpi"] == kpi]
            for setup in setup_order(result):
                hit = sub[sub["setup"] == setup]
                if hit.empty:
                    continue
                r = hit.iloc[0]
                rows.append(
                    {
                        "group": group,
                        "kpi": kpi,
                        "metric": translator(lang)(label),
                        "setup": setup,
                        **{k: float(r[k]) for k in ("mean", "p10", "p90", "low", "high")},
                    }
                )
    return pd.DataFrame(rows)


def article_table(result: Comparison, group: str, lang: str = "en") -> pd.DataFrame:
    """One group of the article's table for display: metric x setup, "mean (low – high)"."""
    frame = article_metrics(result, lang)
    frame = frame[frame["group"] == group]
    cur = result.scenario.currency
    out = pd.DataFrame({"Metric": list(dict.fromkeys(frame["metric"]))})
    for setup in setup_order(result):
        sub = frame[frame["setup"] == setup].set_index("metric")
        out[setup_name(setup, lang)] = [
            _cell(sub.loc[m], kpi_kind(sub.loc[m, "kpi"]), cur, lang) if m in sub.index else "—"
            for m in out["Metric"]
        ]
    return out


def segment_arr(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """ARR at the horizon by segment (KPI columns ending_arr_<slug>): display table."""
    table = result.kpi_table()
    cur = result.scenario.currency
    out = pd.DataFrame({"Segment": [s.name for s in result.scenario.segments]})
    for setup in setup_order(result):
        cells = []
        for seg in result.scenario.segments:
            hit = table[
                (table["setup"] == setup) & (table["kpi"] == f"ending_arr_{slug(seg.name)}")
            ]
            cells.append(_cell(hit.iloc[0], "money", cur, lang) if len(hit) else "—")
        out[setup_name(setup, lang)] = cells
    return out


def diagnostics_table(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """Diagnostics of the no-ops-team run: signal, figure, whether it flags a problem, why."""
    rows = []
    cur = result.scenario.currency
    for d in result.diagnostics:
        label = diagnostic_label(d.signal, lang) if d.signal in DIAGNOSTIC_LABELS else d.signal
        rows.append(
            {
                "signal": d.signal,
                "Signal": label,
                "Figure": fmt_diagnostic(d.signal, d.value, lang),
                "value": d.value,
                "Pressure": bool(d.pressure),
                "criterion_id": d.criterion,
                "Article criterion": criterion_text(d.criterion, lang),
                "What it means": diagnostic_text(d, cur, lang),
            }
        )
    return pd.DataFrame(rows)


def team_costs(scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """Each setup's ops teams and what they cost per month and over the horizon."""
    rows = []
    for setup in scenario.org.setups:
        monthly = scenario.org.monthly_cost(setup)
        rows.append(
            {
                "setup": setup,
                "Setup": setup_name(setup, lang),
                "Teams": ", ".join(
                    team_name(f"{t}@{fte:g}", lang) for t, fte in scenario.org.members(setup)
                )
                or "—",
                "per_month": monthly,
                "over_horizon": monthly * scenario.horizon_months,
            }
        )
    return pd.DataFrame(rows)


def per_replication(result: Comparison) -> pd.DataFrame:
    """One row per (setup, replication) with every KPI (the CLI's CSV layout)."""
    return result.results.kpis.copy()


def kpi_summary(result: Comparison) -> pd.DataFrame:
    """Per setup and KPI: mean, P10, P90 and the interval of the mean (tidy)."""
    return result.kpi_table()
