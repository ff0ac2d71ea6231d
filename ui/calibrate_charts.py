"""Altair charts of the Calibrate page: fits against their data, and the back-test band."""

from __future__ import annotations

import altair as alt
import pandas as pd

FONT = "Source Sans Pro, sans-serif"


def _finish(chart: alt.Chart, title: str, height: int = 260) -> alt.Chart:
    return (
        chart.properties(title=title, height=height, width="container")
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_title(font=FONT, anchor="start")
    )


def cycle_chart(frame: pd.DataFrame, segment: str) -> alt.Chart:
    """Kaplan–Meier steps with their 90% band, and the parametric fits as lines."""
    d = frame[frame.segment == segment]
    km = d[d.curve == "Kaplan–Meier"]
    band = (
        alt.Chart(km)
        .mark_area(opacity=0.2, interpolate="step-after", color="#8E959E")
        .encode(
            x=alt.X("days:Q", title="Days since the deal was created"),
            y=alt.Y("low:Q", title="Share of deals still open"),
            y2="high:Q",
        )
    )
    lines = (
        alt.Chart(d)
        .mark_line()
        .encode(
            x="days:Q",
            y="survival:Q",
            color=alt.Color("curve:N", title=None),
            strokeDash=alt.condition(
                alt.datum.curve == "Kaplan–Meier", alt.value([1, 0]), alt.value([5, 3])
            ),
        )
    )
    return _finish(band + lines, f"Sales cycle, {segment}: data (Kaplan–Meier) and fits")


def size_chart(frame: pd.DataFrame, segment: str) -> alt.Chart:
    """Won deal sizes (log scale): the observed density and the fitted lognormal."""
    d = frame[frame.segment == segment]
    bars = (
        alt.Chart(d)
        .mark_bar(opacity=0.5, color="#2F6FD6")
        .encode(
            x=alt.X("size:Q", scale=alt.Scale(type="log"), title="Deal size (annual)"),
            y=alt.Y("observed:Q", title="Density of log size"),
        )
    )
    line = alt.Chart(d).mark_line(color="#D2434F").encode(x="size:Q", y="fitted:Q")
    return _finish(bars + line, f"Deal size, {segment}: won deals and the lognormal fit")


def flow_chart(frame: pd.DataFrame, what: str) -> alt.Chart:
    """Monthly counts with the Poisson trend and its 90% band."""
    base = alt.Chart(frame).encode(x=alt.X("month:O", title=None))
    band = base.mark_area(opacity=0.2, color="#E0802E").encode(
        y=alt.Y("low:Q", title=what), y2="high:Q"
    )
    line = base.mark_line(color="#E0802E").encode(y="trend:Q")
    dots = base.mark_circle(color="#333333").encode(y="observed:Q")
    return _finish(band + line + dots, f"{what} a month and the fitted trend")


def backtest_chart(frame: pd.DataFrame, series: str, title: str) -> alt.Chart:
    """The simulated 90% band and median, and the actual months (red when outside)."""
    d = frame[frame.series == series]
    base = alt.Chart(d).encode(x=alt.X("month:O", title=None))
    band = base.mark_area(opacity=0.25, color="#8E959E").encode(
        y=alt.Y("low:Q", title=title), y2="high:Q"
    )
    median = base.mark_line(color="#8E959E").encode(y="median:Q")
    dots = base.mark_circle(size=50).encode(
        y="actual:Q",
        color=alt.Color(
            "inside:N",
            scale=alt.Scale(domain=[True, False], range=["#23958A", "#D2434F"]),
            legend=alt.Legend(title="Inside the band"),
        ),
    )
    return _finish(band + median + dots, f"Back-test: {title}, actual vs simulated 90% band")
