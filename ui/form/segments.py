"""The segment table: one editable row per segment, and the edited rows back as segments.

Shares are shown in percent, as each field's unit in the schema says.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sim.params import (
    CYCLE_DISTRIBUTIONS,
    CycleLognormal,
    Scenario,
    field_meta,
)
from sim.params.paths import get_path, set_path
from ui.form.fields import _num, _pct_in, _pct_out
from ui.i18n import _
from ui.safe import md_escape
from ui.state import form_key_prefix
from ui.text import (
    SEGMENT_COLUMNS,
    SEGMENT_FIELDS,
)

SEGMENT_PERCENT = frozenset(
    key
    for key, rel in SEGMENT_FIELDS.items()
    if field_meta(f"segments.0.{rel}").unit.startswith("share")
)
"""Segment columns shown in percent: the fields whose unit is a share (from the schema)."""
SEGMENT_NUMBERS = {
    key: rel
    for key, rel in SEGMENT_FIELDS.items()
    if key != "name" and not key.startswith("cycle_")
}
"""Segment columns that edit one number each (the cycle's columns depend on its shape)."""
EMPTY_IS_DEFAULT = {
    "acv_sigma": None,
    "expansion_probability": 0.0,
    "expansion_size": 0.0,
    "win_propensity_spread": 0.0,
}
"""Segment columns that may be left empty: the value they then stand for (None: the field
is left out, so the schema's default applies). Any other empty column is an error."""


# ----------------------------------------------------------------------------- segments
def segments_frame(segments: list[dict]) -> pd.DataFrame:
    """Segments (file layout) -> one editable row each, shares in percent."""
    rows = []
    for seg in segments:
        cycle = seg.get("sales_cycle_days") or {}
        dist = cycle.get("distribution", "lognormal")
        shape = CYCLE_DISTRIBUTIONS.get(dist, CycleLognormal)
        days = cycle.get(shape.days_field)
        spread = cycle.get(shape.spread_field) if shape.spread_field else None
        row = {"name": seg.get("name")}
        for key, rel in SEGMENT_NUMBERS.items():
            value = get_path(seg, rel)
            row[key] = _pct_in(value) if key in SEGMENT_PERCENT else value
        row |= {"cycle_distribution": dist, "cycle_days": days, "cycle_spread": spread}
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))


def frame_segments(frame: pd.DataFrame) -> tuple[list[dict], list[tuple[str, str]]]:
    """Edited segment rows -> segments in the file layout, and row-level problems."""
    out, problems = [], []
    for i, row in enumerate(frame.to_dict(orient="records")):
        numbers = [v for k, v in row.items() if k not in ("name", "cycle_distribution")]
        if not row.get("name") and all(_num(v) is None for v in numbers):
            continue  # an empty row added and left blank
        dist = row.get("cycle_distribution") or "lognormal"
        if dist not in CYCLE_DISTRIBUTIONS:
            problems.append(
                (f"segments.{i}.sales_cycle_days.distribution", f"unknown shape '{dist}'")
            )
            dist = "lognormal"
        days, spread = _num(row.get("cycle_days")), _num(row.get("cycle_spread"))
        cycle = CYCLE_DISTRIBUTIONS[dist].form_data(days, spread)
        name = row.get("name")
        seg: dict[str, Any] = {"name": str(name).strip() if name is not None else ""}
        for key, rel in SEGMENT_FIELDS.items():
            if key == "cycle_distribution":
                seg["sales_cycle_days"] = cycle
            if key not in SEGMENT_NUMBERS:
                continue
            value = _num(row.get(key))
            value = _pct_out(value) if key in SEGMENT_PERCENT else value
            if value is None and key in EMPTY_IS_DEFAULT:
                value = EMPTY_IS_DEFAULT[key]
                if value is None:
                    continue
            set_path(seg, rel, value, create=True)
        out.append(seg)
    if not out:
        problems.append(("segments", _("at least one segment is needed")))
    return out, problems


def _segment_editor(data: dict, sc: Scenario) -> pd.DataFrame:
    cfg = {}
    for key, (english, english_help) in SEGMENT_COLUMNS.items():
        label, help_text = _(english), _(english_help)
        if key == "name":
            cfg[key] = st.column_config.TextColumn(label, help=help_text, required=True)
        elif key == "cycle_distribution":
            cfg[key] = st.column_config.SelectboxColumn(
                label, help=help_text, options=list(CYCLE_DISTRIBUTIONS), required=True
            )
        elif key == "acv_median":
            cfg[key] = st.column_config.NumberColumn(label, help=help_text, format="%.0f")
        else:
            cfg[key] = st.column_config.NumberColumn(label, help=help_text, format="%.2f")
    edited = st.data_editor(
        segments_frame(data.get("segments") or []),
        column_config=cfg,
        num_rows="dynamic",
        hide_index=True,
        key=form_key_prefix() + "segments",
        width="stretch",
    )
    seg_sources = {path: text for path, text in sc.sources.items() if path.startswith("segments.")}
    if seg_sources:
        with st.expander(_("Where these numbers come from")):
            names = [s.get("name") for s in data.get("segments") or []]
            lines = []
            for path, text in seg_sources.items():
                parts = path.split(".")
                idx = int(parts[1]) if parts[1].isdigit() else -1
                seg = names[idx] if 0 <= idx < len(names) else parts[1]
                field = md_escape(".".join(parts[2:]), code=True)
                lines.append(f"- **{md_escape(seg)}** · `{field}`: {md_escape(text)}")
            st.markdown("\n".join(lines))
    return edited
