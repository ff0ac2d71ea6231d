"""Altair charts of a curve (`sim.explore.curve`): P(best) and expected loss along one input.

One line per setup in the app's setup colours (`ui.charts.color_scale`), its interval as a
band of the same colour, and a dashed rule at today's value. The company's size is drawn on
a log axis (its grid is geometric: half and twice today's are as far from today).
Pure functions of the tidy frame `curve_frame` makes.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sim.text import setup_name, translator
from ui.charts import _finish, color_scale, value_axis, value_tooltip

HEIGHT = 300


def curve_frame(c, lang: str = "en") -> pd.DataFrame:
    """A curve as a tidy frame: one row per value and setup, with the setup's display name."""
    frame = c.frame()
    frame.insert(3, "setup_name", [setup_name(s, lang) for s in frame["setup"]])
    return frame


def _x(x_title: str, log: bool) -> alt.X:
    scale = alt.Scale(type="log", nice=False) if log else alt.Scale(zero=False, nice=False)
    return alt.X("value:Q", title=x_title, scale=scale)


def _today(today: float | None) -> list:
    if today is None:
        return []
    return [
        alt.Chart(pd.DataFrame({"x": [today]}))
        .mark_rule(strokeDash=[4, 3], color="#333")
        .encode(x="x:Q")
    ]


def p_best_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    today: float | None = None,
    title: str | None = None,
    log: bool = False,
    lang: str = "en",
) -> alt.LayerChart:
    """P(best) of each setup along the input, with its Wilson interval as a band.

    `data`: value, setup_name, p_best, p_best_low, p_best_high.
    """
    _ = translator(lang)
    color = alt.Color(
        "setup_name:N",
        scale=color_scale(setups, lang),
        title=None,
        legend=alt.Legend(orient="top", symbolOpacity=1),
    )
    base = alt.Chart(data).encode(x=_x(x_title, log), color=color)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y(
            "p_best_low:Q",
            title=_("P(best)"),
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%"),
        ),
        y2="p_best_high:Q",
    )
    line = base.mark_line(point=True).encode(
        y="p_best:Q",
        tooltip=[
            alt.Tooltip("setup_name:N", title=_("Setup")),
            alt.Tooltip("value:Q", title=x_title, format=",.4~g"),
            alt.Tooltip("p_best:Q", title=_("P(best)"), format=".0%"),
            alt.Tooltip("p_best_low:Q", title=_("Interval low"), format=".0%"),
            alt.Tooltip("p_best_high:Q", title=_("Interval high"), format=".0%"),
        ],
    )
    return _finish(alt.layer(band, line, *_today(today)), title, HEIGHT, lang)


def loss_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    y_title: str,
    today: float | None = None,
    kind: str = "money",
    title: str | None = None,
    log: bool = False,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Expected loss of each setup along the input, with its t-interval as a band.

    `data`: value, setup_name, expected_loss, expected_loss_low, expected_loss_high.
    """
    _ = translator(lang)
    color = alt.Color(
        "setup_name:N",
        scale=color_scale(setups, lang),
        title=None,
        legend=alt.Legend(orient="top", symbolOpacity=1),
    )
    base, tip = value_tooltip(
        alt.Chart(data), "expected_loss", _("Expected loss"), kind, currency, lang
    )
    base = base.encode(x=_x(x_title, log), color=color)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("expected_loss_low:Q", title=y_title, axis=value_axis(kind, currency, lang)),
        y2="expected_loss_high:Q",
    )
    line = base.mark_line(point=True).encode(
        y="expected_loss:Q",
        tooltip=[
            alt.Tooltip("setup_name:N", title=_("Setup")),
            alt.Tooltip("value:Q", title=x_title, format=",.4~g"),
            tip,
        ],
    )
    return _finish(alt.layer(band, line, *_today(today)), title, HEIGHT, lang)
