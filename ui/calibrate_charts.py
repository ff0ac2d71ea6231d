"""Altair charts of the Calibrate page: fits against their data, and the back-test band.

Titles are in the language passed in (`lang`), the font one with Japanese glyphs for Japanese.
As on the landing page, legends sit under the plot and long titles break into two lines where
the plot is phone-narrow (`ui.charts.narrow_legend`, `narrow_title`).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from sim.text import translator
from ui.charts import font, narrow_legend, narrow_title


def _months() -> alt.X:
    """The months axis: on a phone every other label (or fewer), none past the plot's edge."""
    return alt.X(
        "month:O",
        title=None,
        # a step of room at each end: the last month's label ran past the plot's edge
        scale=alt.Scale(padding=1),
        axis=alt.Axis(labelOverlap="parity", labelBound=True),
    )


def _finish(chart: alt.Chart, title: str, height: int = 200, lang: str = "en") -> alt.Chart:
    """Title, fonts and size: the plot `height` px high, its width the container's.

    The height is the plot's alone (`fit-x`): when the whole chart had to fit it, a phone's
    legend rows and two-line title left the plot no room beside its long y-axis title.
    """
    face = font(lang)
    return (
        chart.properties(
            title=alt.TitleParams(narrow_title(title)),
            height=height,
            width="container",
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
        .configure(font=face)
        .configure_axis(labelFont=face, titleFont=face)
        .configure_title(font=face, anchor="start")
    )


def cycle_chart(frame: pd.DataFrame, segment: str, lang: str = "en") -> alt.Chart:
    """Kaplan–Meier steps with their 90% band, and the parametric fits as lines."""
    _ = translator(lang)
    d = frame[frame.segment == segment]
    km = d[d.curve == "Kaplan–Meier"]
    band = (
        alt.Chart(km)
        .mark_area(opacity=0.2, interpolate="step-after", color="#8E959E")
        .encode(
            x=alt.X("days:Q", title=_("Days since the deal was created")),
            y=alt.Y("low:Q", title=_("Share of deals still open")),
            y2="high:Q",
        )
    )
    lines = (
        alt.Chart(d)
        .mark_line()
        .encode(
            x="days:Q",
            y="survival:Q",
            color=alt.Color("curve:N", legend=narrow_legend(None)),
            strokeDash=alt.condition(
                alt.datum.curve == "Kaplan–Meier", alt.value([1, 0]), alt.value([5, 3])
            ),
        )
    )
    title = _("Sales cycle, {segment}: data (Kaplan–Meier) and fits").format(segment=segment)
    return _finish(band + lines, title, lang=lang)


def size_chart(frame: pd.DataFrame, segment: str, lang: str = "en") -> alt.Chart:
    """Won deal sizes (log scale): the observed density and the fitted lognormal."""
    _ = translator(lang)
    d = frame[frame.segment == segment]
    bars = (
        alt.Chart(d)
        .mark_bar(opacity=0.5, color="#2F6FD6")
        .encode(
            x=alt.X("size:Q", scale=alt.Scale(type="log"), title=_("Deal size (annual)")),
            y=alt.Y("observed:Q", title=_("Density of log size")),
        )
    )
    line = alt.Chart(d).mark_line(color="#D2434F").encode(x="size:Q", y="fitted:Q")
    title = _("Deal size, {segment}: won deals and the lognormal fit").format(segment=segment)
    return _finish(bars + line, title, lang=lang)


def flow_chart(frame: pd.DataFrame, what: str, lang: str = "en") -> alt.Chart:
    """Monthly counts with the Poisson trend and its 90% band."""
    _ = translator(lang)
    base = alt.Chart(frame).encode(x=_months())
    band = base.mark_area(opacity=0.2, color="#E0802E").encode(
        y=alt.Y("low:Q", title=what), y2="high:Q"
    )
    line = base.mark_line(color="#E0802E").encode(y="trend:Q")
    dots = base.mark_circle(color="#333333").encode(y="observed:Q")
    title = _("{what} a month and the fitted trend").format(what=what)
    return _finish(band + line + dots, title, lang=lang)


def backtest_chart(frame: pd.DataFrame, series: str, title: str, lang: str = "en") -> alt.Chart:
    """The simulated 90% band and median, and the actual months (red when outside)."""
    _ = translator(lang)
    d = frame[frame.series == series]
    base = alt.Chart(d).encode(x=_months())
    band = base.mark_area(opacity=0.25, color="#8E959E").encode(
        y=alt.Y("low:Q", title=title), y2="high:Q"
    )
    median = base.mark_line(color="#8E959E").encode(y="median:Q")
    yes = json.dumps(_("yes"), ensure_ascii=False)
    no = json.dumps(_("no"), ensure_ascii=False)
    dots = base.mark_circle(size=50).encode(
        y="actual:Q",
        color=alt.Color(
            "inside:N",
            scale=alt.Scale(domain=[True, False], range=["#23958A", "#D2434F"]),
            legend=narrow_legend(
                _("Inside the band"),
                labelExpr=f"datum.label == 'true' ? {yes} : {no}",
            ),
        ),
    )
    heading = _("Back-test: {title}, actual vs simulated 90% band").format(title=title)
    return _finish(band + median + dots, heading, lang=lang)
