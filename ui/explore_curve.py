"""The explore page's *Curve* section: P(best) and expected loss of every setup along one axis.

The axis is one of a short list (each team's cost and strength, the company's size, the
horizon) over a range the user picks; the curve runs like the page's other methods (the
page passes its `get`, which runs with progress and Cancel and keeps the result, and its
`downloads`), then two charts with interval bands and the sentences of `sim.text.curve`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from sim.explore.curve import POINTS, SIZE, axis_paths, curve, curve_input
from sim.outcomes import objective_unit
from sim.text import curve as words
from ui import curve_charts as charts
from ui.i18n import _, lang
from ui.safe import md_escape
from ui.widgets import chart_with_downloads

HORIZON = "analysis.horizon_months"
SIZE_BOUNDS = (0.1, 10.0)
"""The size slider's ends: a tenth to ten times today's company."""


def _bounds(item) -> tuple[float, float, float]:
    """(slider min, slider max, step) of an axis.

    Its default range widened by its width each side, never below 0 for a number that is not
    negative today (a horizon: 1 month).
    """
    if item.path == SIZE:
        return SIZE_BOUNDS[0], SIZE_BOUNDS[1], 0.05
    if item.kind == "effects":
        return 0.0, 1.0, 0.05
    width = (item.high - item.low) or abs(item.high) or 1.0
    lo, hi = item.low - width, item.high + width
    if item.low >= 0:
        lo = max(lo, 1.0 if item.path == HORIZON else 0.0)
    step = 1.0 if item.integer else (hi - lo) / 100
    return float(lo), float(hi), float(step)


def draw(
    sc,
    stem: str,
    reps: int,
    seed: int,
    get: Callable[..., Any],
    downloads: Callable[[str, str, dict, Any], None],
) -> None:
    """Draw the section (`get` and `downloads`: the page's runner and download buttons)."""
    st.markdown(
        _(
            "How sure is each setup to be the best, and how much does choosing it cost when "
            "it is not, along one axis? P(best) is the share of futures in which a setup is "
            "best; its expected loss is what it leaves on the table on average against the "
            "best setup of each future."
        )
    )
    c1, c2 = st.columns([3, 1])
    paths = axis_paths(sc)
    path = c1.selectbox(
        _("Axis"),
        paths,
        index=paths.index(SIZE),
        format_func=partial(words.axis_label, lang=lang()),
        key="curve_path",
    )
    n = c2.number_input(_("Points"), 3, 20, POINTS, key="curve_n")
    if path == SIZE:
        st.caption(
            _(
                "The company's size scales the reps, inbound leads and the audience, the "
                "marketing spend, the first-touch desk, other go-to-market costs and the "
                "existing customers together; the ops teams stay as they are."
            )
        )
    item = curve_input(sc, path)
    lo_bound, hi_bound, step = _bounds(item)
    lo, hi = st.slider(
        _("Range"),
        lo_bound,
        hi_bound,
        (float(item.low), float(item.high)),
        step=step,
        key=f"curve_range_{path}",
    )
    if not lo < hi:
        st.warning(_("Choose a range whose low end is below its high end."))
        return
    settings = {"path": path, "range": [lo, hi], "n": int(n), "reps": reps, "seed": seed}
    found = get(
        "curve",
        sc,
        settings,
        _("Curve"),
        lambda o: curve(sc, path, lo, hi, int(n), o),
        _("Draw the curves"),
    )
    if found is None:
        return
    for line in words.curve_text(found, lang()):
        st.markdown(f"- {md_escape(line)}")
    frame = charts.curve_frame(found, lang())
    setups = found.setups
    label = words.axis_label(path, lang())
    log = path == SIZE
    chart_with_downloads(
        charts.p_best_chart(
            frame,
            setups,
            label,
            found.today,
            _("P(best) along the axis"),
            log=log,
            lang=lang(),
        ),
        "curve_p_best",
        stem,
        _("P(best) of every setup along the axis, with its interval"),
    )
    chart_with_downloads(
        charts.loss_chart(
            frame,
            setups,
            label,
            _("Expected loss ({currency})").format(currency=sc.currency),
            found.today,
            objective_unit(found.objective),
            _("Expected loss along the axis"),
            log=log,
            currency=sc.currency,
            lang=lang(),
        ),
        "curve_loss",
        stem,
        _("Expected loss of every setup along the axis, with its interval"),
    )
    facts = found.facts()
    facts["text"] = words.curve_text(found, lang())
    downloads(stem, "curve", facts, frame)
