"""Altair chart builders: pure functions of tidy DataFrames (from `ui.data`) -> charts.

Every setup has one fixed colour, used by every chart (`setup_colors`): no ops team is grey,
SalesOps blue, RevOps orange, both purple; other setups take the next free colour.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.text import setup_name

KNOWN_COLORS = {
    "none": "#8E959E",
    "salesops": "#2F6FD6",
    "revops": "#E0802E",
    "both": "#7A4DC2",
}
EXTRA_COLORS = ("#23958A", "#D2434F", "#8C6D31", "#D665B5", "#3FA7C4", "#6B8E23")
FONT = "Source Sans Pro, sans-serif"
WIDTH = "container"


def setup_colors(setups: list[str] | tuple[str, ...]) -> dict[str, str]:
    """One fixed colour per setup: known setups keep theirs, others take free ones in order."""
    used = {KNOWN_COLORS[s] for s in setups if s in KNOWN_COLORS}
    free = [c for c in EXTRA_COLORS if c not in used]
    out = {}
    for s in setups:
        if s in KNOWN_COLORS:
            out[s] = KNOWN_COLORS[s]
        else:
            out[s] = free.pop(0) if free else "#555555"
            if not free:
                free = list(EXTRA_COLORS)
    return out


def color_scale(setups: list[str] | tuple[str, ...]) -> alt.Scale:
    """The colour scale of setup display names, in the setups' order."""
    colors = setup_colors(setups)
    return alt.Scale(domain=[setup_name(s) for s in setups], range=[colors[s] for s in setups])


def _setup_color(setups, legend: bool = True, title: str | None = None) -> alt.Color:
    return alt.Color(
        "setup_name:N",
        scale=color_scale(setups),
        legend=alt.Legend(
            title=title,
            orient="top",
            symbolOpacity=1,
            symbolType="circle",
            symbolSize=120,
            labelFontSize=12,
        )
        if legend
        else None,
        sort=[setup_name(s) for s in setups],
    )


def _number_format(kind: str) -> str:
    """d3 format of an axis: short SI money (5.47M), a multiple, or a count."""
    return {"money": ",.3~s", "multiple": ".2f", "count": ",.0f", "pct": ".0%"}.get(kind, ",.3~s")


def _finish(chart, title: str | None, height: int) -> alt.Chart:
    props = {"height": height, "width": WIDTH}
    if title:
        props["title"] = alt.TitleParams(title, anchor="start", fontSize=15, font=FONT)
    return (
        chart.properties(**props)
        .configure_axis(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=12,
            titleFontSize=12,
            grid=True,
            gridOpacity=0.4,
        )
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12)
        .configure_view(strokeWidth=0)
    )


def fan_chart(
    data: pd.DataFrame,
    setups: list[str],
    y_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int = 380,
) -> alt.LayerChart:
    """A fan chart: each setup's P10–P90 band over months and its P50 (median) line.

    `data` is `ui.data.fan_data(...)`: setup, setup_name, month, p10, p50, p90.
    """
    fmt = _number_format(kind)
    months = int(data["month"].max()) if len(data) else 1
    base = alt.Chart(data).encode(
        x=alt.X(
            "month:Q",
            title="Month",
            scale=alt.Scale(domain=[1, max(months, 2)], nice=False),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        color=_setup_color(setups),
    )
    tooltip = [
        alt.Tooltip("setup_name:N", title="Setup"),
        alt.Tooltip("month:Q", title="Month"),
        alt.Tooltip("p10:Q", title="P10", format=fmt),
        alt.Tooltip("p50:Q", title="Median", format=fmt),
        alt.Tooltip("p90:Q", title="P90", format=fmt),
    ]
    band = base.mark_area(opacity=0.16).encode(
        y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format=fmt)),
        y2="p90:Q",
        tooltip=tooltip,
    )
    line = base.mark_line(strokeWidth=2.5).encode(y="p50:Q", tooltip=tooltip)
    return _finish(alt.layer(band, line), title, height)


def gain_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int = 340,
) -> alt.LayerChart:
    """Distribution of each setup's paired gain over no ops team, one value per future.

    `data` is `ui.data.gain_data(...)`: setup, setup_name, replication, gain. Drawn as a
    smoothed density per setup, with each future as a tick below and a rule at zero.
    """
    shown = [s for s in setups if s in set(data["setup"])]
    fmt = _number_format(kind)
    base = alt.Chart(data)
    if len(data):
        lo, hi = float(data["gain"].min()), float(data["gain"].max())
    else:
        lo, hi = -1.0, 1.0
    pad = 0.15 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
    extent = [min(lo - pad, 0.0), max(hi + pad, 0.0)]
    density = (
        base.transform_density(
            "gain", groupby=["setup_name"], as_=["gain", "density"], steps=160, extent=extent
        )
        .mark_area(opacity=0.3, line={"strokeWidth": 2})
        .encode(
            x=alt.X(
                "gain:Q",
                title=x_title,
                axis=alt.Axis(format=fmt),
                scale=alt.Scale(domain=extent, nice=False),
            ),
            y=alt.Y(
                "density:Q",
                title="How likely",
                stack=None,
                axis=alt.Axis(labels=False, ticks=False, grid=False),
            ),
            color=_setup_color(shown),
            tooltip=[alt.Tooltip("setup_name:N", title="Setup")],
        )
    )
    ticks = base.mark_tick(thickness=1.5, size=14, opacity=0.8).encode(
        x="gain:Q",
        y=alt.datum(0),
        color=_setup_color(shown, legend=False),
        tooltip=[
            alt.Tooltip("setup_name:N", title="Setup"),
            alt.Tooltip("replication:Q", title="Future #"),
            alt.Tooltip("gain:Q", title="Gain", format=fmt),
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#333333", strokeDash=[4, 3])
        .encode(x="zero:Q")
    )
    return _finish(alt.layer(density, ticks, zero), title, height)


def funnel_chart(
    data: pd.DataFrame, setups: list[str], title: str | None = None, height: int = 420
) -> alt.LayerChart:
    """The funnel per setup: mean leads, contacted, SQLs, opportunities and wins.

    `data` is `ui.data.funnel_data(...)`: setup, setup_name, stage, stage_order, count,
    conversion (from the stage above).
    """
    stages = list(dict.fromkeys(data.sort_values("stage_order")["stage"]))
    names = [setup_name(s) for s in setups]
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=stages, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("setup_name:N", sort=names),
        x=alt.X("count:Q", title="Mean count over the horizon", axis=alt.Axis(format=",.0f")),
        color=_setup_color(setups),
        tooltip=[
            alt.Tooltip("setup_name:N", title="Setup"),
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("count:Q", title="Mean count", format=",.0f"),
            alt.Tooltip("conversion:Q", title="From stage above", format=".1%"),
        ],
    )
    bars = base.mark_bar(height={"band": 1})
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#333333").encode(
        text=alt.Text("count:Q", format=",.0f")
    )
    return _finish(alt.layer(bars, labels), title, height)


ATTRIBUTION_COLORS = alt.Scale(
    domain=["adds", "costs", "total"], range=["#2E8B57", "#C8453C", "#333F4F"]
)


def attribution_chart(
    data: pd.DataFrame,
    x_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int | None = None,
) -> alt.LayerChart:
    """Where a setup's gain comes from: each lever group's contribution with its interval.

    `data` is `ui.data.attribution_data(...)`: label, mean, low, high, kind, order.
    """
    fmt = _number_format(kind)
    height = height or 90 + 34 * max(len(data), 1)
    order = list(data.sort_values("order")["label"]) if "order" in data else list(data["label"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[
            alt.Tooltip("label:N", title="Source"),
            alt.Tooltip("mean:Q", title="Mean", format=fmt),
            alt.Tooltip("low:Q", title="90% low", format=fmt),
            alt.Tooltip("high:Q", title="90% high", format=fmt),
        ],
    )
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("mean:Q", title=x_title, axis=alt.Axis(format=fmt)),
        color=alt.Color(
            "kind:N",
            scale=ATTRIBUTION_COLORS,
            legend=alt.Legend(
                title=None,
                orient="top",
                labelExpr=(
                    "datum.label == 'adds' ? 'adds to the gain' : "
                    "datum.label == 'costs' ? 'takes from it' : 'total gain'"
                ),
            ),
        ),
    )
    whiskers = base.mark_rule(color="#222222", strokeWidth=1.5).encode(x="low:Q", x2="high:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555555").encode(x="zero:Q")
    return _finish(alt.layer(bars, whiskers, zero), title, height)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """A chart as SVG text (via vl-convert); container width becomes a fixed 900 px."""
    import vl_convert as vlc

    spec = _fixed_width(chart.to_dict())
    return vlc.vegalite_to_svg(spec)


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """A chart as PNG bytes (via vl-convert) at `scale` x resolution."""
    import vl_convert as vlc

    spec = _fixed_width(chart.to_dict())
    return vlc.vegalite_to_png(spec, scale=scale)


def _fixed_width(spec: dict, width: int = 900) -> dict:
    """Replace "container" widths (unknown outside a page) with a fixed width."""
    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = width
    for layer in spec.get("layer", []):
        if isinstance(layer, dict) and layer.get("width") == "container":
            layer["width"] = width
    return spec


def gap_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    kind: str = "money",
    labels: tuple[str, str] = ("middle 80% of futures", "90% sure of the average"),
) -> alt.LayerChart:
    """Each setup's gain over no ops team: the answer at a glance.

    `data` is `sim.report.gap_frame(...)`: setup, setup_name, mean, low, high, p10, p90.
    A light bar spans single futures' middle 80%, a dark bar the interval of the average,
    a dot the average; the dashed rule is zero (no ops team).
    """
    fmt = _number_format(kind)
    shown = [s for s in setups if s in set(data["setup"])]
    names = list(data["setup_name"])
    y = alt.Y("setup_name:N", sort=names, title=None, axis=alt.Axis(labelLimit=200))
    tooltip = [
        alt.Tooltip("setup_name:N", title="Setup"),
        alt.Tooltip("mean:Q", title="Average", format=fmt),
        alt.Tooltip("low:Q", title=f"{labels[1]} (low)", format=fmt),
        alt.Tooltip("high:Q", title=f"{labels[1]} (high)", format=fmt),
        alt.Tooltip("p10:Q", title=f"{labels[0]} (low)", format=fmt),
        alt.Tooltip("p90:Q", title=f"{labels[0]} (high)", format=fmt),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    futures = base.mark_rule(strokeWidth=12, opacity=0.25).encode(
        x=alt.X("p10:Q", title=x_title, axis=alt.Axis(format=fmt)),
        x2="p90:Q",
        color=_setup_color(shown, legend=False),
    )
    average = base.mark_rule(strokeWidth=12).encode(
        x="low:Q", x2="high:Q", color=_setup_color(shown, legend=False)
    )
    dot = base.mark_point(filled=True, size=90, color="#111111").encode(x="mean:Q")
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#333333", strokeDash=[4, 3])
        .encode(x="zero:Q")
    )
    return _finish(alt.layer(futures, average, dot, zero), None, 50 * max(len(data), 1) + 40)
