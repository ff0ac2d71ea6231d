"""Altair chart builders: pure functions of tidy DataFrames (from `ui.data`) -> charts.

Every setup has one fixed colour, used by every chart (`setup_colors`): no ops team is grey,
SalesOps blue, RevOps orange, both purple; other setups take the next free colour.

Words and numbers follow the language passed in (`lang`): titles come from the catalogs,
money on axes and in tooltips is written as `sim.text.money` writes it (K/M/B in English,
万/億 in Japanese) by a Vega expression (`money_expr`), and Japanese charts use a font with
Japanese glyphs (Noto Sans CJK JP, Debian's `fonts-noto-cjk`), so PNG exports show them.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from sim.text import translator
from sim.text.numbers import money_expr
from ui.text import setup_name

KNOWN_COLORS = {
    "none": "#8E959E",
    "salesops": "#2F6FD6",
    "revops": "#E0802E",
    "both": "#7A4DC2",
}
EXTRA_COLORS = ("#23958A", "#D2434F", "#8C6D31", "#D665B5", "#3FA7C4", "#6B8E23")
FONT = "Source Sans Pro, Noto Sans CJK JP, sans-serif"  # i18n: ok (font names)
FONT_JA = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"  # i18n: ok
WIDTH = "container"
NARROW = "width < 360"
"""A Vega expression, true where the plot is phone-narrow. It reads the plot's own width, so a
chart follows its container, and exports (a fixed 900 px) keep the wide layout."""
TITLE_UNITS = 40
"""A title longer than this (a CJK character counts two) takes two lines on a phone."""
NARROW_VIEW = "containerSize()[0] < 480"
"""A Vega expression, true where the chart's container is phone-narrow. Unlike `NARROW` it does
not read the plot's width, so what it changes (axis labels, whose width sets the plot's) cannot
feed back into it; outside a page (exports) there is no container and it is false."""
LABEL_UNITS = 24
"""An axis label longer than this (a CJK character counts two) takes two lines on a phone."""
AXIS_TITLE_UNITS = 34
"""An axis title longer than this takes two lines everywhere (it cannot follow the width)."""
ROW_STEP = 36
"""Height (px) of a row of the attribution chart: room for a label in two lines."""


def font(lang: str = "en") -> str:
    """The font family of a chart's text in `lang` (one with Japanese glyphs for Japanese)."""
    return FONT_JA if lang == "ja" else FONT


def value_axis(kind: str, currency: str = "USD", lang: str = "en", **props) -> alt.Axis:
    """An axis for values of `kind`: money written as `money_expr`, others by d3 format."""
    if kind == "money":
        return alt.Axis(labelExpr=money_expr("datum.value", currency, lang), **props)
    return alt.Axis(format=_number_format(kind), **props)


def value_tooltip(
    chart: alt.Chart, field: str, title: str, kind: str, currency: str = "USD", lang: str = "en"
) -> tuple[alt.Chart, alt.Tooltip]:
    """A tooltip of `field` written like the axis: money as text computed in the chart."""
    if kind != "money":
        return chart, alt.Tooltip(f"{field}:Q", title=title, format=_number_format(kind))
    text = f"{field}_text"
    chart = chart.transform_calculate(**{text: money_expr(f"datum['{field}']", currency, lang)})
    return chart, alt.Tooltip(f"{text}:N", title=title)


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


def color_scale(setups: list[str] | tuple[str, ...], lang: str = "en") -> alt.Scale:
    """The colour scale of setup display names, in the setups' order."""
    colors = setup_colors(setups)
    return alt.Scale(
        domain=[setup_name(s, lang) for s in setups], range=[colors[s] for s in setups]
    )


def narrow_legend(title: str | None = None, narrow_columns: int = 2, **props) -> alt.Legend:
    """A legend under the chart: one row, or `narrow_columns` columns on a phone.

    On a phone the one row ran off the right edge; in columns it wraps.
    """
    return alt.Legend(
        title=title,
        orient="bottom",
        columns={"expr": f"{NARROW} ? {narrow_columns} : 0"},
        **props,
    )


def _units(text: str) -> int:
    """Display width of `text` in Latin characters (a CJK character is two)."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _lines(text: str, units: int) -> list[str]:
    """`text` in lines of at most about `units` (at spaces; anywhere in CJK text)."""
    words = text.split(" ") if " " in text else list(text)
    sep = " " if " " in text else ""
    lines: list[str] = [""]
    for word in words:
        joined = f"{lines[-1]}{sep}{word}" if lines[-1] else word
        if lines[-1] and _units(joined) > units:
            lines.append(word)
        else:
            lines[-1] = joined
    return lines


def narrow_title(text: str) -> str | dict:
    """A chart title: as it is, or (long) broken into lines where the plot is phone-narrow."""
    if _units(text) <= TITLE_UNITS:
        return text
    lines = _lines(text, max(_units(text) // 2 + 2, TITLE_UNITS // 2))
    full = json.dumps(text, ensure_ascii=False)
    return {"expr": f"{NARROW} ? {json.dumps(lines, ensure_ascii=False)} : {full}"}


def narrow_labels(labels, units: int = LABEL_UNITS) -> str:
    """An axis `labelExpr`: labels longer than `units` in two lines in a phone-narrow view.

    With whole labels a row of long lever-group names took most of a phone's width and left
    the bars a sliver.
    """
    cases = [
        f"datum.label == {json.dumps(label, ensure_ascii=False)} ? "
        + json.dumps(_lines(label, max(_units(label) // 2 + 2, units)), ensure_ascii=False)
        for label in dict.fromkeys(str(x) for x in labels)
        if _units(label) > units
    ]
    if not cases:
        return "datum.label"
    return f"{NARROW_VIEW} ? ({' : '.join(cases)} : datum.label) : datum.label"


def axis_title(text: str) -> str | list[str]:
    """An axis title: as it is, or (long) in two lines, which a phone's plot has room for."""
    if _units(text) <= AXIS_TITLE_UNITS:
        return text
    return _lines(text, _units(text) // 2 + 2)


def _setup_color(
    setups, legend: bool = True, title: str | None = None, lang: str = "en"
) -> alt.Color:
    return alt.Color(
        "setup_name:N",
        scale=color_scale(setups, lang),
        legend=narrow_legend(
            title,
            symbolOpacity=1,
            symbolType="circle",
            symbolSize=120,
            labelFontSize=12,
        )
        if legend
        else None,
        sort=[setup_name(s, lang) for s in setups],
    )


def _number_format(kind: str) -> str:
    """d3 format of an axis: short SI money (5.47M), a multiple, or a count."""
    return {"money": ",.3~s", "multiple": ".2f", "count": ",.0f", "pct": ".0%"}.get(kind, ",.3~s")


def _finish(chart, title: str | None, height: int | alt.Step, lang: str = "en") -> alt.Chart:
    face = font(lang)
    props = {"height": height, "width": WIDTH}
    if title:
        props["title"] = alt.TitleParams(
            narrow_title(title), anchor="start", fontSize=15, font=face
        )
    return (
        chart.properties(**props)
        .configure(font=face)
        .configure_axis(
            labelFont=face,
            titleFont=face,
            labelFontSize=12,
            titleFontSize=12,
            grid=True,
            gridOpacity=0.4,
        )
        .configure_legend(labelFont=face, titleFont=face, labelFontSize=12)
        .configure_view(strokeWidth=0)
    )


def fan_layers(
    data: pd.DataFrame,
    color: alt.Color,
    name: tuple[str, str],
    y_title: str,
    kind: str = "money",
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """P10–P90 bands over months and P50 (median) lines, one per colour.

    `data`: month, p10, p50, p90 and the field `name[0]` that the tooltip shows as `name[1]`.
    """
    _ = translator(lang)
    months = int(data["month"].max()) if len(data) else 1
    base = alt.Chart(data)
    tips = []
    for field, label in (("p10", "P10"), ("p50", _("Median")), ("p90", "P90")):
        base, tip = value_tooltip(base, field, label, kind, currency, lang)
        tips.append(tip)
    base = base.encode(
        x=alt.X(
            "month:Q",
            title=_("Month"),
            scale=alt.Scale(domain=[1, max(months, 2)], nice=False),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        color=color,
    )
    tooltip = [
        alt.Tooltip(f"{name[0]}:N", title=name[1]),
        alt.Tooltip("month:Q", title=_("Month")),
        *tips,
    ]
    band = base.mark_area(opacity=0.16).encode(
        y=alt.Y("p10:Q", title=y_title, axis=value_axis(kind, currency, lang)),
        y2="p90:Q",
        tooltip=tooltip,
    )
    line = base.mark_line(strokeWidth=2.5).encode(y="p50:Q", tooltip=tooltip)
    return alt.layer(band, line)


def fan_chart(
    data: pd.DataFrame,
    setups: list[str],
    y_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int = 380,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """A fan chart: each setup's P10–P90 band over months and its P50 (median) line.

    `data` is `ui.data.fan_data(...)`: setup, setup_name, month, p10, p50, p90.
    """
    _ = translator(lang)
    color = _setup_color(setups, lang=lang)
    layers = fan_layers(data, color, ("setup_name", _("Setup")), y_title, kind, currency, lang)
    return _finish(layers, title, height, lang)


def gain_chart(
    data: pd.DataFrame,
    setups: list[str],
    x_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int = 340,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Distribution of each setup's paired gain over no ops team, one value per future.

    `data` is `ui.data.gain_data(...)`: setup, setup_name, replication, gain. Drawn as a
    smoothed density per setup, with each future as a tick below and a rule at zero.
    """
    _ = translator(lang)
    shown = [s for s in setups if s in set(data["setup"])]
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
                axis=value_axis(kind, currency, lang),
                scale=alt.Scale(domain=extent, nice=False),
            ),
            y=alt.Y(
                "density:Q",
                title=_("How likely"),
                stack=None,
                axis=alt.Axis(labels=False, ticks=False, grid=False),
            ),
            color=_setup_color(shown, lang=lang),
            tooltip=[alt.Tooltip("setup_name:N", title=_("Setup"))],
        )
    )
    tick_base, gain_tip = value_tooltip(base, "gain", _("Gain"), kind, currency, lang)
    ticks = tick_base.mark_tick(thickness=1.5, size=14, opacity=0.8).encode(
        x="gain:Q",
        y=alt.datum(0),
        color=_setup_color(shown, legend=False, lang=lang),
        tooltip=[
            alt.Tooltip("setup_name:N", title=_("Setup")),
            alt.Tooltip("replication:Q", title=_("Future #")),
            gain_tip,
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#333333", strokeDash=[4, 3])
        .encode(x="zero:Q")
    )
    return _finish(alt.layer(density, ticks, zero), title, height, lang)


def funnel_chart(
    data: pd.DataFrame,
    setups: list[str],
    title: str | None = None,
    height: int = 420,
    lang: str = "en",
) -> alt.LayerChart:
    """The funnel per setup: mean leads, contacted, SQLs, opportunities and wins.

    `data` is `ui.data.funnel_data(...)`: setup, setup_name, stage, stage_order, count,
    conversion (from the stage above).
    """
    _ = translator(lang)
    stages = list(dict.fromkeys(data.sort_values("stage_order")["stage"]))
    names = [setup_name(s, lang) for s in setups]
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=stages, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("setup_name:N", sort=names),
        x=alt.X("count:Q", title=_("Mean count over the horizon"), axis=alt.Axis(format=",.0f")),
        color=_setup_color(setups, lang=lang),
        tooltip=[
            alt.Tooltip("setup_name:N", title=_("Setup")),
            alt.Tooltip("stage:N", title=_("Stage")),
            alt.Tooltip("count:Q", title=_("Mean count"), format=",.0f"),
            alt.Tooltip("conversion:Q", title=_("From stage above"), format=".1%"),
        ],
    )
    bars = base.mark_bar(height={"band": 1})
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#333333").encode(
        text=alt.Text("count:Q", format=",.0f")
    )
    return _finish(alt.layer(bars, labels), title, height, lang)


ATTRIBUTION_COLORS = alt.Scale(
    domain=["adds", "costs", "total"], range=["#2E8B57", "#C8453C", "#333F4F"]
)


def attribution_chart(
    data: pd.DataFrame,
    x_title: str,
    title: str | None = None,
    kind: str = "money",
    height: int | alt.Step | None = None,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Where a setup's gain comes from: each lever group's contribution with its interval.

    `data` is `ui.data.attribution_data(...)`: label, mean, low, high, kind, order.
    """
    _ = translator(lang)
    # rows of a fixed step: a legend in rows and a two-line axis title (phone) take no room
    # from the bars
    height = height or alt.Step(ROW_STEP)
    order = list(data.sort_values("order")["label"]) if "order" in data else list(data["label"])
    base = alt.Chart(data)
    tips = []
    for field, name in (("mean", _("Mean")), ("low", _("90% low")), ("high", _("90% high"))):
        base, tip = value_tooltip(base, field, name, kind, currency, lang)
        tips.append(tip)
    base = base.encode(
        y=alt.Y(
            "label:N",
            sort=order,
            title=None,
            # two-line labels on a phone: each row has room for them, none is hidden
            axis=alt.Axis(
                labelLimit=320,
                labelExpr=narrow_labels(order),
                labelOverlap=False,
                labelLineHeight=13,
            ),
        ),
        tooltip=[alt.Tooltip("label:N", title=_("Source")), *tips],
    )
    legend_words = {
        "adds": _("adds to the gain"),
        "costs": _("takes from it"),
        "total": _("total gain"),
    }
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("mean:Q", title=axis_title(x_title), axis=value_axis(kind, currency, lang)),
        color=alt.Color(
            "kind:N",
            scale=ATTRIBUTION_COLORS,
            legend=narrow_legend(
                None,
                1,
                labelExpr=(
                    f"datum.label == 'adds' ? '{legend_words['adds']}' : "
                    f"datum.label == 'costs' ? '{legend_words['costs']}' : "
                    f"'{legend_words['total']}'"
                ),
            ),
        ),
    )
    whiskers = base.mark_rule(color="#222222", strokeWidth=1.5).encode(x="low:Q", x2="high:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555555").encode(x="zero:Q")
    return _finish(alt.layer(bars, whiskers, zero), title, height, lang)


def chart_svg(chart: alt.TopLevelMixin | dict) -> str:
    """A chart (or its Vega-Lite spec) as SVG text (via vl-convert).

    A "container" width becomes a fixed 900 px.
    """
    import vl_convert as vlc

    spec = _fixed_width(chart if isinstance(chart, dict) else chart.to_dict())
    return vlc.vegalite_to_svg(spec)


def chart_png(chart: alt.TopLevelMixin | dict, scale: float = 2.0) -> bytes:
    """A chart (or its Vega-Lite spec) as PNG bytes (via vl-convert) at `scale` x resolution."""
    import vl_convert as vlc

    spec = _fixed_width(chart if isinstance(chart, dict) else chart.to_dict())
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
    x_title: str | list[str],
    kind: str = "money",
    labels: tuple[str, str] | None = None,
    currency: str = "USD",
    lang: str = "en",
) -> alt.LayerChart:
    """Each setup's gain over no ops team: the answer at a glance.

    `data` is `sim.report.gap_frame(...)`: setup, setup_name, mean, low, high, p10, p90.
    A light bar spans single futures' middle 80%, a dark bar the interval of the average,
    a dot the average; the dashed rule is zero (no ops team).
    """
    _ = translator(lang)
    if labels is None:
        labels = (_("middle 80% of futures"), _("90% sure of the average"))
    shown = [s for s in setups if s in set(data["setup"])]
    names = list(data["setup_name"])
    y = alt.Y("setup_name:N", sort=names, title=None, axis=alt.Axis(labelLimit=200))
    base = alt.Chart(data)
    tips = []
    for field, name in (
        ("mean", _("Average")),
        ("low", _("{band} (low)").format(band=labels[1])),
        ("high", _("{band} (high)").format(band=labels[1])),
        ("p10", _("{band} (low)").format(band=labels[0])),
        ("p90", _("{band} (high)").format(band=labels[0])),
    ):
        base, tip = value_tooltip(base, field, name, kind, currency, lang)
        tips.append(tip)
    tooltip = [alt.Tooltip("setup_name:N", title=_("Setup")), *tips]
    base = base.encode(y=y, tooltip=tooltip)
    futures = base.mark_rule(strokeWidth=12, opacity=0.25).encode(
        x=alt.X("p10:Q", title=x_title, axis=value_axis(kind, currency, lang)),
        x2="p90:Q",
        color=_setup_color(shown, legend=False, lang=lang),
    )
    average = base.mark_rule(strokeWidth=12).encode(
        x="low:Q", x2="high:Q", color=_setup_color(shown, legend=False, lang=lang)
    )
    dot = base.mark_point(filled=True, size=90, color="#111111").encode(x="mean:Q")
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#333333", strokeDash=[4, 3])
        .encode(x="zero:Q")
    )
    return _finish(alt.layer(futures, average, dot, zero), None, 50 * max(len(data), 1) + 40, lang)
