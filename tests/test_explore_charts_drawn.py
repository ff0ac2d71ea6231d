"""The explore charts as drawn: every tornado and value-of-information row keeps its label,
scenario discovery draws its points with words, not true/false, and the doubt split draws
each setup's bar in its colour with both shares written on it.

Rendered to SVG with the same renderer as the app's downloads (`ui.widgets.chart_svg`).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from ui.charts import setup_colors
from ui.explore_charts import ROW_STEP, discovery_chart, doubt_chart, tornado_chart, voi_chart
from ui.explore_data import doubt_parts
from ui.widgets import chart_svg

LABELS = [
    "SalesOps's effects, all together",
    "Inbound MQLs per month",
    "RevOps's effects, all together",
    "Account executives (reps)",
    "ACV median",
    "Win rate %",
    "Addressable accounts",
    "Churn %/month",
    "Horizon (months)",
    "Share of rep time spent selling (%)",
]


def _tornado_frame() -> pd.DataFrame:
    rows = []
    for i, label in enumerate(LABELS):
        swing = 1e6 * (len(LABELS) - i)
        for end, gap in (("low end", -swing / 2), ("high end", swing / 2)):
            rows.append(
                {
                    "param": f"p{i}",
                    "label": label,
                    "end": end,
                    "value": 1.0,
                    "value_text": "1",
                    "gap": 5e6 + gap,
                    "low": 4e6 + gap,
                    "high": 6e6 + gap,
                    "swing": swing,
                    "base": 5e6,
                }
            )
    return pd.DataFrame(rows)


def test_every_tornado_row_label_is_drawn():
    chart = tornado_chart(_tornado_frame(), 5e6, "Gap (USD)", title="What moves the gap")
    spec = chart.to_dict()
    # a step per row, never a total height the app would squeeze the rows into
    assert spec["height"] == {"step": ROW_STEP} and ROW_STEP >= 24
    svg = chart_svg(chart)
    for label in LABELS:
        assert f">{label}<" in svg.replace("&#x27;", "'").replace("&apos;", "'"), label


def test_a_row_that_changes_the_winner_is_drawn_and_marked():
    """A row that hands the win to another setup is drawn even below the top rows by swing,
    and its end is marked with the new winner's name."""
    frame = _tornado_frame()
    frame["winner"] = "Both teams"
    frame["changes"] = False
    last = frame["label"] == LABELS[-1]
    flip = last & (frame["end"] == "high end")
    frame.loc[flip, "winner"] = "SalesOps"
    frame.loc[flip, "changes"] = True
    chart = tornado_chart(frame, 5e6, "Gap (USD)", top=3)
    svg = chart_svg(chart).replace("&#x27;", "'").replace("&apos;", "'")
    assert f">{LABELS[-1]}<" in svg  # outside the top 3 by swing, drawn as it flips
    assert f">{LABELS[5]}<" not in svg  # outside the top 3, no flip: left out
    assert svg.count(">→ SalesOps<") == 1  # the one end that changes the winner


def test_every_value_of_information_row_label_is_drawn():
    frame = pd.DataFrame({"label": LABELS, "value": np.linspace(1e6, 1e4, len(LABELS))})
    chart = voi_chart(frame, 1.2e6, "Worth knowing (USD)", title="Value of information")
    assert chart.to_dict()["height"] == {"step": ROW_STEP}
    svg = chart_svg(chart).replace("&#x27;", "'").replace("&apos;", "'")
    for label in LABELS:
        assert f">{label}<" in svg, label


def test_discovery_draws_its_points_with_words():
    rng = np.random.default_rng(0)
    n = 24
    data = pd.DataFrame(
        {
            "sales.reps": rng.uniform(8, 16, n),
            "segments.0.win_rate": rng.uniform(0.1, 0.3, n),
            "winner": ["both" if i % 3 else "salesops" for i in range(n)],
        }
    )
    data["wins"] = data["winner"] == "both"
    box = {"x0": 9.0, "x1": 14.0, "y0": 0.12, "y1": 0.25}
    chart = discovery_chart(
        data, "sales.reps", "segments.0.win_rate", "Reps", "Win rate", box, "Where", setup="both"
    )
    spec = chart.to_dict()
    fields = {
        enc.get("field")
        for layer in spec["layer"]
        for enc in layer.get("encoding", {}).values()
        if isinstance(enc, dict)
    }
    assert not any("." in str(f) for f in fields if f), fields
    svg = chart_svg(chart)
    assert svg.count("<path") >= n  # every sampled point is drawn
    assert "Both teams wins" in svg and "another setup wins" in svg
    assert ">true<" not in svg and ">false<" not in svg
    assert isinstance(chart, alt.LayerChart)


def test_the_doubt_split_draws_each_setup_in_its_colour_with_its_shares():
    rng = np.random.default_rng(3)
    inputs = rng.uniform(0.1, 0.9, 3).round(2)
    frame = pd.DataFrame(
        {
            "setup": ["both", "revops", "salesops"],
            "setup_name": ["Both teams", "RevOps", "SalesOps"],
            "chance_share": 1 - inputs,
            "input_share": inputs,
        }
    )
    parts = doubt_parts(frame)
    assert list(parts["x1"][1::2]) == pytest.approx([1.0, 1.0, 1.0])  # each bar ends at 100%
    setups = ["none", "salesops", "revops", "both"]
    svg = chart_svg(doubt_chart(parts, setups, "Doubt"))
    colours = setup_colors(setups)
    for setup in ("both", "revops", "salesops"):
        assert colours[setup].lower() in svg.lower(), setup
    for name in frame["setup_name"]:
        assert f">{name}<" in svg
    for share in [*inputs, *(1 - inputs)]:
        assert f">{share:.0%}<" in svg
    assert ">Not knowing the inputs<" in svg and ">Chance<" in svg
