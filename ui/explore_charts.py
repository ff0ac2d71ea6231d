"""Altair charts of the explore methods: pure functions of tidy frames (`ui.explore_data`).

Setup colours are the app's (`ui.charts.color_scale`), so a setup looks the same here as on
the verdict's charts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts import _finish, _number_format, color_scale

ENDS = alt.Scale(domain=["low end", "high end"], range=["#5B8DB8", "#D98B3A"])


def tornado_chart(
    data: pd.DataFrame,
    base_gap: float,
    x_title: str,
    kind: str = "money",
    title: str | None = None,
    top: int = 10,
) -> alt.LayerChart:
    """Bars from today's gap to the gap at each end of each input; whiskers: its interval.

    `data`: label, end ("low end"/"high end"), value_text, gap, low, high, swing, base.
    """
    fmt = _number_format(kind)
    labels = list(dict.fromkeys(data.sort_values("swing", ascending=False)["label"]))[:top]
    shown = data[data["label"].isin(labels)]
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("label:N", title="Input"),
        alt.Tooltip("end:N", title="End"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("gap:Q", title="Gap", format=fmt),
        alt.Tooltip("low:Q", title="Interval low", format=fmt),
        alt.Tooltip("high:Q", title="Interval high", format=fmt),
    ]
    base = alt.Chart(shown).encode(y=y)
    bars = base.mark_bar(opacity=0.8, height=14).encode(
        x=alt.X("base:Q", title=x_title, axis=alt.Axis(format=fmt)),
        x2="gap:Q",
        color=alt.Color("end:N", scale=ENDS, title=None, legend=alt.Legend(orient="top")),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="#333", opacity=0.6).encode(x="low:Q", x2="high:Q")
    today = alt.Chart(pd.DataFrame({"x": [base_gap]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    zero = (
        alt.Chart(pd.DataFrame({"x": [0.0]}))
        .mark_rule(color="#B22", strokeWidth=1.5)
        .encode(x="x:Q")
    )
    return _finish(alt.layer(bars, whiskers, today, zero), title, 30 + 28 * len(labels))


def breakeven_chart(
    data: pd.DataFrame,
    x_title: str,
    y_title: str,
    crossing: float | None,
    today: float | None,
    kind: str = "money",
    title: str | None = None,
) -> alt.LayerChart:
    """The pair's gap along the input, its interval as a band, zero, today and the crossing.

    `data`: value, gap, low, high.
    """
    fmt = _number_format(kind)
    base = alt.Chart(data).encode(x=alt.X("value:Q", title=x_title))
    band = base.mark_area(opacity=0.2, color="#5B8DB8").encode(
        y=alt.Y("low:Q", title=y_title, axis=alt.Axis(format=fmt)), y2="high:Q"
    )
    line = base.mark_line(point=True, color="#2F6FD6").encode(
        y="gap:Q", tooltip=[alt.Tooltip("value:Q"), alt.Tooltip("gap:Q", format=fmt)]
    )
    layers = [
        band,
        line,
        alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#B22").encode(y="y:Q"),
    ]
    marks = pd.DataFrame(
        [
            {"x": v, "what": w}
            for v, w in ((crossing, "breakeven"), (today, "today"))
            if v is not None
        ]
    )
    if len(marks):
        layers.append(
            alt.Chart(marks)
            .mark_rule(strokeDash=[4, 3])
            .encode(
                x="x:Q",
                color=alt.Color(
                    "what:N",
                    title=None,
                    scale=alt.Scale(domain=["breakeven", "today"], range=["#B22", "#333"]),
                ),
            )
        )
    return _finish(alt.layer(*layers), title, 320)


def map_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    y_title: str,
    own: tuple[float | None, float | None],
    title: str | None = None,
) -> alt.LayerChart:
    """Heatmap of the winner per cell (opacity: P(best)); ✓ where clearly ahead; own point.

    `data`: x, y, x0, x1, y0, y1, setup_name, p_best, separated, mark.
    """
    rect = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("x0:Q", title=x_title, scale=alt.Scale(zero=False, nice=False)),
            x2="x1:Q",
            y=alt.Y("y0:Q", title=y_title, scale=alt.Scale(zero=False, nice=False)),
            y2="y1:Q",
            color=alt.Color(
                "setup_name:N",
                scale=color_scale(setups),
                title="Best setup",
                legend=alt.Legend(orient="top"),
            ),
            opacity=alt.Opacity(
                "p_best:Q", scale=alt.Scale(domain=[0, 1], range=[0.35, 1]), legend=None
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=x_title),
                alt.Tooltip("y:Q", title=y_title),
                alt.Tooltip("setup_name:N", title="Best"),
                alt.Tooltip("p_best:Q", title="P(best)", format=".0%"),
                alt.Tooltip("separated:N", title="Clearly ahead"),
            ],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(color="white", fontSize=14)
        .encode(x="x:Q", y="y:Q", text="mark:N")
    )
    layers = [rect, text]
    if own[0] is not None and own[1] is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"x": [own[0]], "y": [own[1]], "who": ["today"]}))
            .mark_point(shape="diamond", size=220, filled=True, color="black")
            .encode(x="x:Q", y="y:Q", tooltip=[alt.Tooltip("who:N", title="The company")])
        )
    return _finish(alt.layer(*layers), title, 380)


def voi_chart(
    data: pd.DataFrame,
    evpi: float,
    x_title: str,
    kind: str = "money",
    title: str | None = None,
    top: int = 12,
) -> alt.LayerChart:
    """Partial EVPI per parameter as bars, EVPI as a dashed line. `data`: label, value."""
    fmt = _number_format(kind)
    shown = data.sort_values("value", ascending=False).head(top)
    bars = (
        alt.Chart(shown)
        .mark_bar(color="#7A4DC2")
        .encode(
            x=alt.X("value:Q", title=x_title, axis=alt.Axis(format=fmt)),
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", format=fmt)],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [evpi]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    return _finish(alt.layer(bars, rule), title, 30 + 26 * len(shown))


def discovery_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    box: dict | None,
    title: str | None = None,
) -> alt.LayerChart:
    """The sampled points on two inputs, filled where the setup wins; the first box drawn."""
    points = (
        alt.Chart(data)
        .mark_circle(size=60)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "wins:N",
                title="Setup wins",
                scale=alt.Scale(domain=[True, False], range=["#23958A", "#C9CDD2"]),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title),
                alt.Tooltip(f"{y}:Q", title=y_title),
                alt.Tooltip("winner:N", title="Winner"),
            ],
        )
    )
    layers = [points]
    if box is not None:
        layers.append(
            alt.Chart(pd.DataFrame([box]))
            .mark_rect(fillOpacity=0.08, stroke="#23958A", strokeWidth=2)
            .encode(x="x0:Q", x2="x1:Q", y="y0:Q", y2="y1:Q")
        )
    return _finish(alt.layer(*layers), title, 360)
