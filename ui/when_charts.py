"""Altair charts of the When? page: pure functions of the frames of `ui.when_data`.

Team colours are the app's (SalesOps blue, RevOps orange); words come from the catalogs in
`lang`; money on axes and in tooltips is written as the text layer writes it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sim.text import N_, translator
from ui.charts import (
    KNOWN_COLORS,
    _finish,
    _units,
    fan_layers,
    narrow_legend,
    setup_colors,
    value_axis,
    value_tooltip,
)

PHASES = {
    "ramp": N_("ramping up"),
    "full": N_("full effect"),
    "trigger": N_("starts on its trigger"),
}
PHASE_OPACITY = {"ramp": 0.4, "full": 1.0, "trigger": 0.22}
LINE_COLORS = {
    "best": KNOWN_COLORS["both"],
    "none": KNOWN_COLORS["none"],
    "seats_filled": "#23958A",
    "ramped_reps": "#D2434F",
}
ROW_STEP = 44
LEGEND_UNITS = 18
"""A legend label longer than this (a CJK character counts two) gets a line of its own on a
phone: two such labels side by side ran past the plot's edge."""
LATE = 0.6
"""A team starting later than this share of the horizon has its start written left of the
horizon's end (right-aligned): written from its start, it ran past a phone's plot."""


def team_scale(teams: list[str], names: list[str]) -> alt.Scale:
    """Team display names -> the teams' colours (as their setups have them)."""
    colors = setup_colors(teams)
    return alt.Scale(domain=names, range=[colors[t] for t in teams])


def _quote(text: str) -> str:
    """Text inside a single-quoted Vega string."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def timeline_chart(
    data: pd.DataFrame, horizon: int, x_title: str, title: str | None = None, lang: str = "en"
) -> alt.LayerChart:
    """Who starts when in the best plan: per team a bar from its start to the horizon.

    Paler while the team ramps to full effect; a trigger's bar spans the horizon, palest;
    the start in words beside each team. `data`: `ui.when_data.timeline_frame`.
    """
    _ = translator(lang)
    frame = data.copy()
    frame["phase_words"] = [_(PHASES[p]) if p in PHASES else "" for p in frame["phase"]]
    teams = list(dict.fromkeys(frame["team"]))
    names = list(dict.fromkeys(frame["team_name"]))
    y = alt.Y("team_name:N", sort=names, title=None, axis=alt.Axis(labelLimit=200))
    x_scale = alt.Scale(domain=[0, horizon], nice=False)
    phases = [p for p in PHASES if p in set(frame["phase"])]
    bars = (
        alt.Chart(frame[frame["phase"] != "never"])
        .mark_bar(height=22, cornerRadius=2)
        .encode(
            y=y,
            x=alt.X(
                "begin:Q",
                title=x_title,
                scale=x_scale,
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            x2="end:Q",
            color=alt.Color("team_name:N", scale=team_scale(teams, names), legend=None),
            opacity=alt.Opacity(
                "phase_words:N",
                scale=alt.Scale(
                    domain=[_(PHASES[p]) for p in phases],
                    range=[PHASE_OPACITY[p] for p in phases],
                ),
                legend=narrow_legend(None, symbolType="square"),
            ),
            tooltip=[
                alt.Tooltip("team_name:N", title=_("Team")),
                alt.Tooltip("start_words:N", title=_("Start")),
                alt.Tooltip("phase_words:N", title=_("Phase")),
                alt.Tooltip("begin:Q", title=_("From month"), format=".1f"),
                alt.Tooltip("end:Q", title=_("To month"), format=".1f"),
            ],
        )
    )
    labels = frame.groupby("team_name", sort=False).agg(
        begin=("begin", "min"), start_words=("start_words", "first")
    )
    labels = labels.reset_index()
    late = labels["begin"] > LATE * horizon
    text = {"baseline": "bottom", "dy": -13, "fontSize": 12, "color": "#1f2430"}
    words = (
        alt.Chart(labels[~late])
        .mark_text(align="left", dx=2, **text)
        .encode(y=y, x=alt.X("begin:Q", scale=x_scale), text="start_words:N")
    )
    late_words = (
        alt.Chart(labels[late].assign(end=float(horizon)))
        .mark_text(align="right", dx=-2, **text)
        .encode(y=y, x=alt.X("end:Q", scale=x_scale), text="start_words:N")
    )
    return _finish(alt.layer(bars, words, late_words), title, alt.Step(ROW_STEP), lang)


def delay_chart(
    data: pd.DataFrame,
    horizon: int,
    never_at: float,
    x_title: str,
    y_title: str,
    title: str | None = None,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """The cost of delay: per team, the loss against the best plan by start month.

    A band holds its interval, a dot each start searched; 'never' is a labelled point right
    of the horizon. `data`: `ui.when_data.delay_frame`.
    """
    _ = translator(lang)
    never_word = _("never")
    teams = list(dict.fromkeys(data["team"]))
    names = list(dict.fromkeys(data["team_name"]))
    color = alt.Color(
        "team_name:N",
        scale=team_scale(teams, names),
        legend=narrow_legend(None, symbolType="circle", symbolOpacity=1),
        sort=names,
    )
    ticks = sorted({float(x) for x in data["x"]} | {float(never_at)})
    x = alt.X(
        "x:Q",
        title=x_title,
        scale=alt.Scale(domain=[0, never_at], nice=False),
        axis=alt.Axis(
            values=ticks,
            labelExpr=f"datum.value == {never_at:g} ? '{_quote(never_word)}' : datum.label",
        ),
    )
    base = alt.Chart(data)
    tips = []
    for field, name in (("loss", _("Loss vs best")), ("low", _("Low")), ("high", _("High"))):
        base, tip = value_tooltip(base, field, name, "money", currency, lang)
        tips.append(tip)
    tooltip = [
        alt.Tooltip("team_name:N", title=_("Team")),
        alt.Tooltip("start_words:N", title=_("Start")),
        *tips,
    ]
    dated = base.transform_filter("!datum.never")
    band = dated.mark_area(opacity=0.15).encode(
        x=x,
        y=alt.Y("low:Q", title=y_title, axis=value_axis("money", currency, lang)),
        y2="high:Q",
        color=color,
    )
    line = dated.mark_line(strokeWidth=2.2, point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=x, y="loss:Q", color=color, tooltip=tooltip
    )
    never = base.transform_filter("datum.never")
    whisker = never.mark_rule(strokeWidth=3, opacity=0.55).encode(
        x=x, y="low:Q", y2="high:Q", color=color
    )
    dot = never.mark_point(size=110, filled=True, shape="diamond").encode(
        x=x, y="loss:Q", color=color, tooltip=tooltip
    )
    label = never.mark_text(align="right", dx=-9, fontSize=12).encode(
        x=x, y="loss:Q", text="start_words:N", color=color
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#555555").encode(y="y:Q")
    horizon_rule = (
        alt.Chart(pd.DataFrame({"x": [float(horizon)]}))
        .mark_rule(color="#999999", strokeDash=[3, 3])
        .encode(x=alt.X("x:Q", scale=alt.Scale(domain=[0, never_at], nice=False)))
    )
    return _finish(alt.layer(band, line, whisker, dot, label, zero, horizon_rule), title, 340, lang)


def lines_fan_chart(
    data: pd.DataFrame,
    labels: dict[str, str],
    y_title: str,
    title: str | None = None,
    kind: str = "money",
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """A fan per line (P10–P90 band, median line) over months.

    `data`: key, month, p10, p50, p90; `labels`: key -> its words, in legend order.
    """
    _ = translator(lang)
    frame = data[data["key"].isin(list(labels))].copy()
    frame["label"] = frame["key"].map(labels)
    keys = list(labels)
    color = alt.Color(
        "label:N",
        scale=alt.Scale(
            domain=[labels[k] for k in keys], range=[LINE_COLORS.get(k, "#555555") for k in keys]
        ),
        # long labels ("Sales seats filled, no ops team") one a line on a phone
        legend=narrow_legend(
            None,
            1 if max((_units(labels[k]) for k in keys), default=0) > LEGEND_UNITS else 2,
            symbolType="circle",
            symbolOpacity=1,
        ),
        sort=[labels[k] for k in keys],
    )
    layers = fan_layers(frame, color, ("label", _("Line")), y_title, kind, currency, lang)
    return _finish(layers, title, 320, lang)


__all__ = ["delay_chart", "lines_fan_chart", "timeline_chart"]
