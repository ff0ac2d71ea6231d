"""The one-page report: a self-contained HTML page to hand a client after a workshop.

Everything is inline — styles (with print rules), charts as SVG (Vega-Lite rendered by
vl-convert) — so the file opens and prints anywhere, offline. Words come from `sim.text`;
facts from the `Comparison`; the assumptions that differ from the preset from
`sim.workshop.changes`, each with the preset's source for that number.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.outcomes import objective_unit
from sim.params import BASELINE, Scenario, source_of
from sim.plans import PlanSearch
from sim.text import (
    headline,
    objective_label,
    objectives_sentence,
    scenario_title,
    setup_name,
    translator,
)
from sim.text.curve import (
    axis_in_sentence,
    axis_label,
    axis_value,
    curve_head,
    curve_rows,
    curve_text,
)
from sim.text.doubt import doubt_head, doubt_rows, doubt_text
from sim.text.numbers import money, money_expr, value_text
from sim.text.plans import delay_head, delay_rows, plan_sentence
from sim.text.workshop import change_label, change_value, confidence_sentence, say
from sim.verdict import Comparison
from sim.workshop import changes

if TYPE_CHECKING:
    from sim.explore.curve import Curve
    from sim.explore.doubt import Doubt

KNOWN_COLORS = {"none": "#8E959E", "salesops": "#2F6FD6", "revops": "#E0802E", "both": "#7A4DC2"}
EXTRA_COLORS = ("#23958A", "#D2434F", "#8C6D31", "#D665B5", "#3FA7C4", "#6B8E23")
CHART_WIDTH = 640

STYLE = """
body{font-family:"Source Sans Pro",Helvetica,Arial,sans-serif;color:#1f2430;max-width:760px;
margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:1.2rem 0 .4rem}
.verdict{border-left:5px solid #2E8B57;background:#f1f8f3;padding:.6rem 1rem;margin:.8rem 0}
.verdict.warning{border-color:#d98c00;background:#fff8e8}.verdict.info{border-color:#2F6FD6;
background:#eef4fd}.verdict h2{margin-top:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #dde1e6;padding:.3rem .4rem;text-align:left;vertical-align:top}
.muted{color:#5b6573;font-size:.85rem}svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.chart,table{break-inside:avoid}
a{color:inherit;text-decoration:none}}
"""


def setup_colors(setups: list[str]) -> dict[str, str]:
    """One fixed colour per setup, as on screen: known setups keep theirs."""
    free = [c for c in EXTRA_COLORS if c not in KNOWN_COLORS.values()]
    out = {}
    for s in setups:
        out[s] = KNOWN_COLORS.get(s) or (free.pop(0) if free else "#555555")
    return out


def gap_frame(result: Comparison, lang: str = "en") -> pd.DataFrame:
    """Each setup's gain over no ops team, best first.

    The average with its interval, and single futures' middle 80% (P10–P90 of the gain).
    """
    values = result.results.objective(result.objective)
    rows = []
    for order, (setup, s) in enumerate(result.setups.items()):
        if setup == BASELINE or BASELINE not in values:
            continue
        gain = (values[setup] - values[BASELINE]).to_numpy(float)
        rows.append(
            {
                "setup": setup,
                "setup_name": setup_name(setup, lang),
                "mean": s.vs_none.mean,
                "low": s.vs_none.low,
                "high": s.vs_none.high,
                "p10": float(pd.Series(gain).quantile(0.1)),
                "p90": float(pd.Series(gain).quantile(0.9)),
                "order": order,
            }
        )
    return pd.DataFrame(
        rows, columns=["setup", "setup_name", "mean", "low", "high", "p10", "p90", "order"]
    )


def gap_spec(
    frame: pd.DataFrame,
    x_title: str,
    kind: str = "money",
    lang: str = "en",
    currency: str = "USD",
) -> dict:
    """The gap chart as a Vega-Lite spec.

    Light bar: single futures' middle 80%; dark bar: the interval of the average; dot: the
    average; a dashed rule at zero.
    """
    fmt = {"money": ",.3~s", "multiple": ".2f"}.get(kind, ",.3~s")
    colors = setup_colors(list(frame["setup"]))
    names = list(frame["setup_name"])
    color = {
        "field": "setup_name",
        "type": "nominal",
        "legend": None,
        "scale": {"domain": names, "range": [colors[s] for s in frame["setup"]]},
    }
    y = {
        "field": "setup_name",
        "type": "nominal",
        "sort": names,
        "title": None,
        "axis": {"labelLimit": 260, "labelFontSize": 12},
    }
    axis = (
        {"labelExpr": money_expr("datum.value", currency, lang)}
        if kind == "money"
        else {"format": fmt}
    )
    x = {"type": "quantitative", "title": x_title, "axis": axis}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": frame.to_dict(orient="records")},
        "width": CHART_WIDTH,
        "height": 46 * max(len(frame), 1),
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 10, "opacity": 0.25},
                "encoding": {
                    "y": y,
                    "x": {**x, "field": "p10"},
                    "x2": {"field": "p90"},
                    "color": color,
                },
            },
            {
                "mark": {"type": "rule", "strokeWidth": 10},
                "encoding": {
                    "y": y,
                    "x": {**x, "field": "low"},
                    "x2": {"field": "high"},
                    "color": color,
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "color": "#111111"},
                "encoding": {"y": y, "x": {**x, "field": "mean"}},
            },
            {
                "data": {"values": [{"zero": 0}]},
                "mark": {"type": "rule", "color": "#333333", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "zero", "type": "quantitative"}},
            },
        ],
        "config": {"font": "Helvetica", "view": {"stroke": None}},
    }


def fan_spec(result: Comparison, title: str, month: str, lang: str = "en") -> dict:
    """Cumulative profit over months: each setup's median line and its P10–P90 band."""
    monthly = result.results.monthly
    g = monthly.groupby(["setup", "month"])["cumulative_contribution"]
    frame = pd.DataFrame(
        {"p10": g.quantile(0.1), "p50": g.quantile(0.5), "p90": g.quantile(0.9)}
    ).reset_index()
    setups = list(result.scenario.org.setups)
    frame["setup_name"] = frame["setup"].map(lambda s: setup_name(s, lang))
    colors = setup_colors(setups)
    names = [setup_name(s, lang) for s in setups]
    color = {
        "field": "setup_name",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "range": [colors[s] for s in setups]},
        "legend": {"orient": "top"},
    }
    x = {"field": "month", "type": "quantitative", "title": month}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": frame.to_dict(orient="records")},
        "width": CHART_WIDTH,
        "height": 260,
        "title": {"text": title, "anchor": "start"},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.15},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "p10",
                        "type": "quantitative",
                        "title": None,
                        "axis": {
                            "labelExpr": money_expr("datum.value", result.scenario.currency, lang)
                        },
                    },
                    "y2": {"field": "p90"},
                    "color": color,
                },
            },
            {
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {"x": x, "y": {"field": "p50", "type": "quantitative"}, "color": color},
            },
        ],
        "config": {"font": "Helvetica", "view": {"stroke": None}},
    }


def p_best_spec(c: Curve, lang: str = "en") -> dict:
    """A curve's P(best) as a Vega-Lite spec: each setup's line and its interval as a band.

    The company's size on a log axis (its grid is geometric), a dashed rule at today's value.
    """
    _ = translator(lang)
    frame = c.frame()
    frame["setup_name"] = frame["setup"].map(lambda s: setup_name(s, lang))
    setups = c.setups
    colors = setup_colors(setups)
    names = [setup_name(s, lang) for s in setups]
    color = {
        "field": "setup_name",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "range": [colors[s] for s in setups]},
        "legend": {"orient": "top"},
    }
    scale = {"type": "log"} if c.param == "company.size" else {"zero": False}
    x = {
        "field": "value",
        "type": "quantitative",
        "title": axis_label(c.param, lang),
        "scale": {**scale, "nice": False},
    }
    y = {
        "type": "quantitative",
        "title": _("P(best)"),
        "scale": {"domain": [0, 1]},
        "axis": {"format": ".0%"},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.15},
            "encoding": {
                "x": x,
                "y": {**y, "field": "p_best_low"},
                "y2": {"field": "p_best_high"},
                "color": color,
            },
        },
        {
            "mark": {"type": "line", "strokeWidth": 2.5, "point": True},
            "encoding": {"x": x, "y": {**y, "field": "p_best"}, "color": color},
        },
    ]
    if c.today is not None:
        layers.append(
            {
                "data": {"values": [{"today": c.today}]},
                "mark": {"type": "rule", "color": "#333333", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "today", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": frame.to_dict(orient="records")},
        "width": CHART_WIDTH,
        "height": 240,
        "layer": layers,
        "config": {"font": "Helvetica", "view": {"stroke": None}},
    }


def svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as inline SVG text (its XML declaration dropped)."""
    import vl_convert as vlc

    text = vlc.vegalite_to_svg(spec)
    return re.sub(r"^<\?xml[^>]*>\s*", "", text)


def _md(text: str) -> str:
    """The text layer's light Markdown (**bold**) as escaped HTML."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _assumptions(result: Comparison, base: Scenario | None, lang: str) -> str:
    found = changes(base, result.scenario) if base is not None else []
    if not found:
        return f"<p>{html.escape(say('report_assumptions_none', lang))}</p>"
    head = "".join(
        f"<th>{html.escape(say(k, lang))}</th>"
        for k in ("report_col_field", "report_col_preset", "report_col_here", "report_col_source")
    )
    rows = []
    for c in found:
        source = source_of(base, c.path) if base is not None else ""
        cur = result.scenario.currency
        cells = (
            change_label(c.path, lang),
            change_value(c.path, c.before, cur, lang),
            change_value(c.path, c.after, cur, lang),
            source,
        )
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _money(result: Comparison, lang: str) -> str:
    v, sc = result.verdict, result.scenario
    obj, cur, months = result.objective, sc.currency, sc.horizon_months
    if v.best == BASELINE:
        runner = result.setups[v.runner_up] if v.runner_up else None
        loss = (
            value_text(-runner.vs_none.mean, obj, cur, signed=False, lang=lang) if runner else "—"
        )
        return say("report_money_none", lang, loss=loss, months=months)
    best = result.setups[v.best]
    return say(
        "report_money_text",
        lang,
        setup=setup_name(v.best, lang),
        cost=money(best.ops_cost_per_month, cur, lang=lang),
        total=money(best.ops_cost_per_month * months, cur, lang=lang),
        months=months,
        gain=value_text(best.vs_none.mean, obj, cur, lang=lang),
        pct=round(result.confidence * 100),
        low=value_text(best.vs_none.low, obj, cur, lang=lang),
        high=value_text(best.vs_none.high, obj, cur, lang=lang),
    )


def _when(plans: PlanSearch, currency: str, lang: str) -> str:
    """The "when" section: the advice in words and the cost of delay per team and start."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in delay_head(plans, lang))
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in delay_rows(plans, currency, lang)
    )
    note = say(
        "report_when_note",
        lang,
        plans=len(plans.plans),
        n=plans.replications,
        seed=plans.seed,
        objective=objective_label(plans.objective, lang),
    )
    return (
        f"<h2>{html.escape(say('report_when', lang))}</h2>"
        f"<p>{_md(plan_sentence(plans, currency, lang))}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f'<p class="muted">{html.escape(note)}</p>'
    )


def _table(head: list[str], rows: list[list[str]]) -> str:
    """A plain HTML table of text cells (escaped)."""
    top = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"


def _curve(c: Curve, lang: str) -> str:
    """The curve section: its sentences, P(best) along the axis, and its table."""
    cur = c.scenario.currency
    items = "".join(f"<li>{_md(line)}</li>" for line in curve_text(c, lang))
    note = say(
        "report_curve_note",
        lang,
        points=len(c.points),
        low=axis_value(c.param, c.between[0], cur, lang),
        high=axis_value(c.param, c.between[1], cur, lang),
        n=c.replications,
        seed=c.seed,
        objective=objective_label(c.objective, lang),
    )
    heading = say("report_curve", lang, axis=axis_in_sentence(c.param, lang))
    return (
        f"<h2>{html.escape(heading)}</h2><ul>{items}</ul>"
        f'<div class="chart">{svg(p_best_spec(c, lang))}</div>'
        f"{_table(curve_head(c, lang), curve_rows(c, lang))}"
        f'<p class="muted">{html.escape(note)}</p>'
    )


def _doubt(d: Doubt, lang: str) -> str:
    """The doubt section: one sentence per setup and the table of shares."""
    items = "".join(f"<li>{_md(doubt_text(d, setup, lang))}</li>" for setup in d.gains)
    note = say(
        "report_doubt_note",
        lang,
        n=d.replications,
        seed=d.seed,
        objective=objective_label(d.objective, lang),
    )
    return (
        f"<h2>{html.escape(say('report_doubt', lang))}</h2><ul>{items}</ul>"
        f"{_table(doubt_head(d, lang), doubt_rows(d, lang))}"
        f'<p class="muted">{html.escape(note)}</p>'
    )


def report_html(
    result: Comparison,
    base: Scenario | None = None,
    breakevens: list[str] | None = None,
    lang: str = "en",
    plans: PlanSearch | None = None,
    curve: Curve | None = None,
    doubt: Doubt | None = None,
) -> str:
    """The report as one HTML page.

    Verdict, money, how sure, charts, breakevens (when given, already worded), when to start
    each team (when a plan search is given), P(best) along one input (when a curve is
    given), the doubt split into chance and the inputs (when given), and every assumption
    that differs from `base` with its source.
    """
    sc = result.scenario
    h = headline(result, lang)
    obj = result.objective
    kind = objective_unit(obj)
    gap = gap_frame(result, lang)
    parts = [
        f"<h1>{html.escape(say('report_title', lang, name=scenario_title(sc.name, lang)))}</h1>",
        f'<div class="verdict {h.tone}"><h2>{html.escape(h.title)}</h2><p>{_md(h.body)}</p></div>',
        f"<h2>{html.escape(say('report_money', lang))}</h2><p>{_md(_money(result, lang))}</p>",
        f"<h2>{html.escape(say('report_confidence', lang))}</h2>",
        f"<p>{_md(confidence_sentence(result, lang))}</p>",
    ]
    if len(gap):
        title = f"{say('gap_axis', lang)} ({objective_label(obj, lang)})"
        parts += [
            f"<h2>{html.escape(say('report_chart', lang))}</h2>",
            f'<div class="chart">{svg(gap_spec(gap, title, kind, lang, sc.currency))}</div>',
            f'<p class="muted">{_md(say("gap_caption", lang, pct=round(result.confidence * 100)))}'
            "</p>",
        ]
    parts.append(
        f'<div class="chart">'
        f"{svg(fan_spec(result, say('report_fan', lang), say('month', lang), lang))}</div>"
    )
    parts += [
        f"<h2>{html.escape(say('report_measures', lang))}</h2>",
        f"<p>{_md(objectives_sentence(result, lang))}</p>",
    ]
    if breakevens:
        items = "".join(f"<li>{_md(b)}</li>" for b in breakevens)
        parts.append(f"<h2>{html.escape(say('report_breakevens', lang))}</h2><ul>{items}</ul>")
    if plans is not None:
        parts.append(_when(plans, sc.currency, lang))
    if curve is not None:
        parts.append(_curve(curve, lang))
    if doubt is not None:
        parts.append(_doubt(doubt, lang))
    parts += [
        f"<h2>{html.escape(say('report_assumptions', lang))}</h2>",
        _assumptions(result, base, lang),
        '<p class="muted">'
        + html.escape(
            say(
                "report_footer",
                lang,
                n=result.replications,
                seed=result.seed,
                months=sc.horizon_months,
                objective=objective_label(obj, lang),
            )
        )
        + "</p>",
    ]
    title = html.escape(say("report_title", lang, name=scenario_title(sc.name, lang)))
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
