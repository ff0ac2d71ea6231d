"""Altair charts of the explore methods: pure functions of tidy frames (`ui.explore_data`).

Setup colours are the app's (`ui.charts.color_scale`), so a setup looks the same here as on
the verdict's charts. Words come from the catalogs in `lang`; money axes and tooltips are
written as the text layer writes money (`ui.charts.value_axis`, `value_tooltip`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sim.text import N_, setup_name, translator
from ui.charts import _finish, color_scale, narrow_legend, value_axis, value_tooltip

ENDS = alt.Scale(domain=["low end", "high end"], range=["#5B8DB8", "#D98B3A"])
ENDS_WORDS = {"low end": N_("low end"), "high end": N_("high end")}
MARK_WORDS = {"breakeven": N_("breakeven"), "today": N_("today")}
ROW_STEP = 30
"""Pixels per row of the bar charts (tornado, value of information)."""


def _words_expr(value: str, words: dict[str, str], lang: str) -> str:
    """A Vega expression turning the ids in `value` into their words in `lang`."""
    _ = translator(lang)
    out = value
    for key, message in words.items():
        out = f"{value} == '{key}' ? '{_(message)}' : ({out})"
    return out


def tornado_chart(
    data: pd.DataFrame,
    base_gap: float,
    x_title: str,
    kind: str = "money",
    title: str | None = None,
    top: int = 10,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Bars from today's gap to the gap at each end of each input; whiskers: its interval.

    `data`: label, end ("low end"/"high end"), value_text, gap, low, high, swing, base, and
    optionally winner and changes (`ui.explore_data.tornado_frame`): an end where another
    setup wins is marked "→ winner" beside its bar. The `top` rows by swing are drawn, and
    every row that changes the winner besides.
    """
    _ = translator(lang)
    by_swing = list(dict.fromkeys(data.sort_values("swing", ascending=False)["label"]))
    changes = data["changes"] if "changes" in data.columns else pd.Series(False, data.index)
    flipping = set(data.loc[changes.astype(bool), "label"])
    labels = [label for i, label in enumerate(by_swing) if i < top or label in flipping]
    shown = data[data["label"].isin(labels)]
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(shown)
    tips = []
    for field, name in (
        ("gap", _("Gap")),
        ("low", _("Interval low")),
        ("high", _("Interval high")),
    ):
        base, tip = value_tooltip(base, field, name, kind, currency, lang)
        tips.append(tip)
    base = base.transform_calculate(end_text=_words_expr("datum.end", ENDS_WORDS, lang))
    tooltip = [
        alt.Tooltip("label:N", title=_("Input")),
        alt.Tooltip("end_text:N", title=_("End")),
        alt.Tooltip("value_text:N", title=_("Value")),
        *tips,
    ]
    if "winner" in shown.columns:
        tooltip.append(alt.Tooltip("winner:N", title=_("Winner")))
    base = base.encode(y=y)
    bars = base.mark_bar(opacity=0.8, height=14).encode(
        x=alt.X("base:Q", title=x_title, axis=value_axis(kind, currency, lang)),
        x2="gap:Q",
        color=alt.Color(
            "end:N",
            scale=ENDS,
            title=None,
            legend=alt.Legend(orient="top", labelExpr=_words_expr("datum.label", ENDS_WORDS, lang)),
        ),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="#333", opacity=0.6).encode(x="low:Q", x2="high:Q")
    today = alt.Chart(pd.DataFrame({"x": [base_gap]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    zero = (
        alt.Chart(pd.DataFrame({"x": [0.0]}))
        .mark_rule(color="#B22", strokeWidth=1.5)
        .encode(x="x:Q")
    )
    layers = [bars, whiskers, today, zero]
    if "winner" in shown.columns and "changes" in shown.columns:
        marked = shown[shown["changes"].astype(bool)].assign(
            mark=lambda d: "→ " + d["winner"].astype(str)
        )
        # beyond the bar's outer end: left of a bar that goes left of today, right otherwise
        left = marked["gap"] < marked["base"]
        for part, align, dx in ((marked[left], "right", -6), (marked[~left], "left", 6)):
            if len(part):
                layers.append(
                    alt.Chart(part)
                    .mark_text(align=align, dx=dx, fontWeight="bold", color="#B22")
                    .encode(x="gap:Q", y=y, text="mark:N")
                )
    # a fixed step per row (not a total height): the app fits a total height to the title
    # and legend too, which squeezed the rows until bars overlapped and labels were dropped
    return _finish(alt.layer(*layers), title, alt.Step(ROW_STEP), lang)


def breakeven_chart(
    data: pd.DataFrame,
    x_title: str,
    y_title: str,
    crossing: float | None,
    today: float | None,
    kind: str = "money",
    title: str | None = None,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """The pair's gap along the input, its interval as a band, zero, today and the crossing.

    `data`: value, gap, low, high.
    """
    _ = translator(lang)
    base, gap_tip = value_tooltip(alt.Chart(data), "gap", _("Gap"), kind, currency, lang)
    base = base.encode(x=alt.X("value:Q", title=x_title))
    band = base.mark_area(opacity=0.2, color="#5B8DB8").encode(
        y=alt.Y("low:Q", title=y_title, axis=value_axis(kind, currency, lang)), y2="high:Q"
    )
    line = base.mark_line(point=True, color="#2F6FD6").encode(
        y="gap:Q", tooltip=[alt.Tooltip("value:Q", title=x_title), gap_tip]
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
                    legend=alt.Legend(labelExpr=_words_expr("datum.label", MARK_WORDS, lang)),
                ),
            )
        )
    return _finish(alt.layer(*layers), title, 320, lang)


def map_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    y_title: str,
    own: tuple[float | None, float | None],
    title: str | None = None,
    lang: str = "en",
) -> alt.LayerChart:
    """Heatmap of the winner per cell (opacity: P(best)); ✓ where clearly ahead; own point.

    `data`: x, y, x0, x1, y0, y1, setup_name, p_best, separated, mark.
    """
    _ = translator(lang)
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
                scale=color_scale(setups, lang),
                title=_("Best setup"),
                legend=alt.Legend(orient="top"),
            ),
            opacity=alt.Opacity(
                "p_best:Q", scale=alt.Scale(domain=[0, 1], range=[0.35, 1]), legend=None
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=x_title),
                alt.Tooltip("y:Q", title=y_title),
                alt.Tooltip("setup_name:N", title=_("Best")),
                alt.Tooltip("p_best:Q", title=_("P(best)"), format=".0%"),
                alt.Tooltip("separated:N", title=_("Clearly ahead")),
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
            .encode(
                x="x:Q",
                y="y:Q",
                tooltip=[alt.Tooltip("who_text:N", title=_("The company"))],
            )
            .transform_calculate(who_text=f"'{_('today')}'")
        )
    return _finish(alt.layer(*layers), title, 380, lang)


def voi_chart(
    data: pd.DataFrame,
    evpi: float,
    x_title: str,
    kind: str = "money",
    title: str | None = None,
    top: int = 12,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Partial EVPI per parameter as bars, EVPI as a dashed line. `data`: label, value."""
    _ = translator(lang)
    shown = data.sort_values("value", ascending=False).head(top)
    base, value_tip = value_tooltip(alt.Chart(shown), "value", _("Value"), kind, currency, lang)
    bars = base.mark_bar(color="#7A4DC2").encode(
        x=alt.X("value:Q", title=x_title, axis=value_axis(kind, currency, lang)),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("label:N", title=_("Input")), value_tip],
    )
    rule = alt.Chart(pd.DataFrame({"x": [evpi]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    return _finish(alt.layer(bars, rule), title, alt.Step(ROW_STEP), lang)


def discovery_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    box: dict | None,
    title: str | None = None,
    lang: str = "en",
    setup: str | None = None,
) -> alt.LayerChart:
    """The sampled points on two inputs, coloured where the setup wins; the first box drawn.

    `data`: one column per input (named by its dotted path), winner (a setup id), wins.
    The chart's own fields are plain names: Vega-Lite reads a dot in a field name as a
    nested field, so dotted paths would draw no points.
    """
    _ = translator(lang)
    wins_word = (
        _("{setup} wins").format(setup=setup_name(setup, lang)) if setup else _("Setup wins")
    )
    other_word = _("another setup wins")
    frame = pd.DataFrame(
        {
            "x": data[x].to_numpy(dtype=float),
            "y": data[y].to_numpy(dtype=float),
            "winner": [setup_name(str(w), lang) for w in data["winner"]],
            "outcome": [wins_word if w else other_word for w in data["wins"]],
        }
    )
    points = (
        alt.Chart(frame)
        .mark_circle(size=70, opacity=0.85)
        .encode(
            x=alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "outcome:N",
                title=None,
                scale=alt.Scale(domain=[wins_word, other_word], range=["#23958A", "#B5BAC1"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=x_title, format=",.3~g"),
                alt.Tooltip("y:Q", title=y_title, format=",.3~g"),
                alt.Tooltip("winner:N", title=_("Winner")),
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
    return _finish(alt.layer(*layers), title, 360, lang)


def doubt_chart(
    data: pd.DataFrame,
    setups: list[str],
    title: str | None = None,
    lang: str = "en",
) -> alt.LayerChart:
    """Each setup's bar split into the inputs' share (solid) and chance's (pale), 0 to 100%.

    `data`: `ui.explore_data.doubt_parts` (setup_name, part, part_name, share, x0, x1), in
    the setups' order top to bottom; `setups` gives the colours (the app's, by setup).
    """
    _ = translator(lang)
    order = list(dict.fromkeys(data["setup_name"]))
    parts = list(dict.fromkeys(data["part_name"]))
    y = alt.Y("setup_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X(
            "x0:Q",
            title=_("Share of the gain's spread"),
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1]),
        ),
        x2="x1:Q",
        color=alt.Color("setup_name:N", scale=color_scale(setups, lang), legend=None),
        opacity=alt.Opacity(
            "part_name:N",
            scale=alt.Scale(domain=parts, range=[1.0, 0.3][: len(parts)]),
            sort=parts,
            legend=narrow_legend(None, symbolType="square", symbolFillColor="#555555"),
        ),
        tooltip=[
            alt.Tooltip("setup_name:N", title=_("Setup")),
            alt.Tooltip("part_name:N", title=_("Part of the spread")),
            alt.Tooltip("share:Q", title=_("Share of the gain's spread"), format=".0%"),
        ],
    )
    labels = (
        base.transform_filter("datum.share >= 0.08")
        .transform_calculate(mid="(datum.x0 + datum.x1) / 2")
        .mark_text(fontSize=12, fontWeight="bold")
        .encode(
            x="mid:Q",
            text=alt.Text("share:Q", format=".0%"),
            # white on the solid part, dark on the pale one
            color=alt.condition(
                "datum.part == 'inputs'", alt.value("#ffffff"), alt.value("#1f2430")
            ),
        )
    )
    return _finish(alt.layer(bars, labels), title, alt.Step(44), lang)
