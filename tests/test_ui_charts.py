"""Chart builders (ui.charts) and the data shaping behind them (ui.data), without a running app.

Every builder gets a small real comparison (4 replications, in-process) and must return an
Altair chart whose spec encodes the right fields; setup colours must be the same everywhere.
"""

from __future__ import annotations

import dataclasses

import altair as alt
import pandas as pd
import pytest
from conftest import base_dict, make_from

from sim.verdict import attribute_gain, compare
from ui import charts, data
from ui.text import setup_name


@pytest.fixture(scope="module")
def result():
    """A 4-replication comparison of a two-segment company, with a gain attribution."""
    raw = base_dict()
    seg = dict(raw["segments"][0])
    raw["segments"][0]["lead_share"] = 0.6
    raw["segments"].append({**seg, "name": "SMB", "lead_share": 0.4, "acv": {"median": 12000}})
    raw["horizon_months"] = 18
    scenario = make_from(raw)
    comp = compare(scenario, replications=4, seed=3, explain=False, workers=1)
    subject = next(s for s in comp.setups if s != "none")
    attribution = attribute_gain(comp.results, subject, comp.objective, workers=1)
    return dataclasses.replace(comp, attribution=attribution)


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _color_scale(spec: dict) -> tuple[list, list]:
    for layer in _layers(spec):
        color = layer.get("encoding", {}).get("color", {})
        if color.get("field") == "setup_name" and "scale" in color:
            return color["scale"]["domain"], color["scale"]["range"]
    raise AssertionError("no setup colour scale in the chart")


def test_setup_colors_are_fixed_and_distinct():
    """Known setups keep their colour in any order; extra setups get distinct free colours."""
    a = charts.setup_colors(["none", "salesops", "revops", "both"])
    b = charts.setup_colors(["both", "revops_2fte", "none", "salesops", "revops", "x"])
    for name in ("none", "salesops", "revops", "both"):
        assert a[name] == b[name] == charts.KNOWN_COLORS[name]
    assert len(set(b.values())) == len(b)
    assert charts.setup_colors(["x", "revops_2fte"]) == charts.setup_colors(["x", "revops_2fte"])


def test_fan_chart_has_band_and_median_per_setup(result):
    """The fan chart is a P10-P90 area and a P50 line over months, coloured by setup."""
    setups = data.setup_order(result)
    fan = data.fan_data(result.results.monthly, "cumulative_contribution", setups)
    assert (fan["p10"] <= fan["p50"] + 1e-9).all() and (fan["p50"] <= fan["p90"] + 1e-9).all()
    assert set(fan["setup"]) == set(setups)
    assert fan["month"].max() == result.scenario.horizon_months
    chart = charts.fan_chart(fan, setups, "Cumulative contribution (USD)")
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    area, line = _layers(spec)
    assert area["mark"]["type"] == "area" and line["mark"]["type"] == "line"
    assert area["encoding"]["x"]["field"] == "month"
    assert area["encoding"]["y"]["field"] == "p10" and area["encoding"]["y2"]["field"] == "p90"
    assert line["encoding"]["y"]["field"] == "p50"
    domain, colors = _color_scale(spec)
    assert domain == [setup_name(s) for s in setups]
    palette = charts.setup_colors(setups)
    assert colors == [palette[s] for s in setups]


def test_gain_chart_is_a_density_of_paired_gains(result):
    """Each setup's gain over no ops team per replication, as a density with a zero rule."""
    setups = data.setup_order(result)
    gains = data.gain_data(result)
    values = result.results.objective(result.objective)
    sub = gains[gains["setup"] == "both"].set_index("replication")["gain"]
    pd.testing.assert_series_equal(
        sub, (values["both"] - values["none"]).rename("gain"), check_names=False
    )
    assert "none" not in set(gains["setup"])
    spec = charts.gain_chart(gains, setups, "Gain").to_dict()
    density = _layers(spec)[0]
    assert density["transform"][0]["density"] == "gain"
    assert density["transform"][0]["groupby"] == ["setup_name"]
    assert density["encoding"]["x"]["field"] == "gain"
    assert density["encoding"]["y"]["stack"] is None
    assert any(layer["mark"]["type"] == "rule" for layer in _layers(spec))
    domain, _ = _color_scale(spec)
    assert domain == [setup_name(s) for s in setups if s != "none"]


def test_funnel_chart_stages_in_order(result):
    """The funnel goes leads -> contacted -> SQL -> opportunity -> won, never widening."""
    setups = data.setup_order(result)
    funnel = data.funnel_data(result)
    for _, sub in funnel.groupby("setup"):
        counts = sub.sort_values("stage_order")["count"].to_numpy()
        assert (counts[1:] <= counts[:-1] + 1e-9).all()
    spec = charts.funnel_chart(funnel, setups).to_dict()
    bars = _layers(spec)[0]
    assert bars["encoding"]["y"]["field"] == "stage"
    assert bars["encoding"]["x"]["field"] == "count"
    assert bars["encoding"]["yOffset"]["field"] == "setup_name"
    assert bars["encoding"]["y"]["sort"][0].startswith("Leads")


def test_attribution_chart_bars_and_intervals(result):
    """Gain attribution: one bar per source with its interval, total gain last."""
    frame = data.attribution_data(result)
    assert frame["source"].iloc[-1] == "total"
    assert set(frame["kind"]) <= {"adds", "costs", "total"}
    spec = charts.attribution_chart(frame, "Gain").to_dict()
    bars, whiskers, _zero = _layers(spec)
    assert bars["encoding"]["y"]["field"] == "label"
    assert bars["encoding"]["x"]["field"] == "mean"
    assert whiskers["encoding"]["x"]["field"] == "low"
    assert whiskers["encoding"]["x2"]["field"] == "high"


def test_attribution_chart_fits_a_phone_and_exports_whole(result):
    """On a phone-narrow container long lever-group names take two lines (none hidden), the
    rows keep their height whatever the legend takes, a long axis title is two lines; an
    export (no container) keeps each name on one line."""
    frame = data.attribution_data(result)
    long = "Sales execution (time, win rate, cycle, scoring)"
    assert long in set(frame["label"])
    title = "Value created, counting the customers kept (USD)"
    spec = charts.attribution_chart(frame, title).to_dict()
    bars = _layers(spec)[0]
    axis = bars["encoding"]["y"]["axis"]
    assert axis["labelExpr"].startswith(charts.NARROW_VIEW)
    assert '["Sales execution (time, win", "rate, cycle, scoring)"]' in axis["labelExpr"]
    assert '"Total gain" ?' not in axis["labelExpr"]  # short names stay as they are
    assert axis["labelOverlap"] is False
    assert spec["height"] == {"step": charts.ROW_STEP}
    lines = bars["encoding"]["x"]["title"]
    assert len(lines) == 2 and " ".join(lines) == title
    assert bars["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert charts.narrow_labels(["Pricing", "Total gain"]) == "datum.label"
    assert charts.axis_title("Gain (USD)") == "Gain (USD)"
    svg = charts.chart_svg(spec)
    assert f">{long.replace('&', '&amp;')}<" in svg


def test_calibration_charts_fit_a_phone():
    """The Calibrate page's charts: legends under the plot, long titles in two lines on a
    phone, the plot's own height kept whatever they take; the back-test's legend in words."""
    from ui.calibrate_charts import backtest_chart, cycle_chart, flow_chart

    months = [f"2024-{m:02d}" for m in range(1, 13)]
    flow = pd.DataFrame(
        {"month": months, "low": 90.0, "high": 110.0, "trend": 100.0, "observed": 101.0}
    )
    spec = flow_chart(flow, "Inbound MQLs", "en").to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelBound"] is True
    curves = pd.DataFrame(
        {
            "segment": "Mid-Market",
            "curve": ["Kaplan–Meier", "Kaplan–Meier", "lognormal", "lognormal"],
            "days": [0.0, 100.0, 0.0, 100.0],
            "survival": [1.0, 0.2, 1.0, 0.25],
            "low": [1.0, 0.1, None, None],
            "high": [1.0, 0.3, None, None],
        }
    )
    spec = cycle_chart(curves, "Mid-Market", "en").to_dict()
    assert charts.NARROW in spec["title"]["text"]["expr"]  # a long title: two lines there
    assert spec["layer"][1]["encoding"]["color"]["legend"]["orient"] == "bottom"
    backtest = pd.DataFrame(
        {
            "series": "wins",
            "month": months,
            "low": 5.0,
            "high": 9.0,
            "median": 7.0,
            "actual": [7.0] * 11 + [12.0],
            "inside": [True] * 11 + [False],
        }
    )
    spec = backtest_chart(backtest, "wins", "受注数", "ja").to_dict()
    legend = spec["layer"][2]["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and "はい" in legend["labelExpr"]


def test_charts_export_as_svg_and_png(result):
    """Charts convert to SVG text and PNG bytes for download."""
    setups = data.setup_order(result)
    chart = charts.fan_chart(data.fan_data(result.results.monthly, "arr", setups), setups, "ARR")
    svg = charts.chart_svg(chart)
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    png = charts.chart_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_tables_cover_the_article_metrics_and_segments(result):
    """The article's table has every metric of both groups for every setup; ARR by segment."""
    from sim.outcomes import ARTICLE_METRICS

    numeric = data.article_metrics(result)
    for group, items in ARTICLE_METRICS.items():
        shown = data.article_table(result, group)
        assert list(shown["Metric"]) == [label for _, label in items]
        assert list(shown.columns[1:]) == [setup_name(s) for s in data.setup_order(result)]
        assert set(numeric[numeric["group"] == group]["kpi"]) == {k for k, _ in items}
    seg = data.segment_arr(result)
    assert list(seg["Segment"]) == ["mid-market", "SMB"]
    assert not (seg == "—").any().any()


def test_setup_summary_ranked_and_costed(result):
    """The ranking table is best first, with each setup's team cost per month."""
    summary = data.setup_summary(result)
    assert list(summary["setup"]) == list(result.setups)
    assert summary["objective_mean"].is_monotonic_decreasing
    costs = dict(zip(summary["setup"], summary["ops_cost_per_month"], strict=True))
    assert costs["none"] == 0
    assert costs["both"] == costs["salesops"] + costs["revops"]
