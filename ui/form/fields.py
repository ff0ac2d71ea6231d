"""The form's scalar fields: one input widget per parameter; percent in and out; cells."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from sim.params import (
    Scenario,
    source_of,
)
from sim.params.meta import _RANGE_WORDS
from sim.params.paths import get_path, has_path
from ui.i18n import _
from ui.state import form_key_prefix
from ui.text import (
    Param,
)


# ----------------------------------------------------------------------------- helpers
def _pct_in(x: float | None) -> float | None:
    """A fraction shown as percent (rounded so 0.28 shows 28, not 28.000000000000004)."""
    return None if x is None else round(float(x) * 100.0, 8)


def _pct_out(x: float | None) -> float | None:
    """Percent entered -> fraction stored."""
    return None if x is None else round(float(x) / 100.0, 12)


def _num(x: Any) -> Any:
    """A table cell as a plain number, None for empty/NaN cells."""
    if x is None:
        return None
    try:
        if isinstance(x, float) and math.isnan(x):
            return None
    except TypeError:
        return x
    if pd.isna(x):
        return None
    return float(x)


def _help(param_help: str, source: str) -> str:
    text = _(param_help) if param_help else ""
    return _("{help}\n\n**Source:** {source}").format(help=text, source=source) if source else text


def param_label(param: Param) -> str:
    """A parameter's label in the session's language (a strength number's label composed)."""
    head, _dot, part = param.path.rpartition(".")
    if head.endswith("retention_strength") and part in _RANGE_WORDS:
        return _("Retention strength, {part}").format(part=_(_RANGE_WORDS[part]))
    if head.endswith("strength") and part in _RANGE_WORDS:
        return _("Overall strength, {part}").format(part=_(_RANGE_WORDS[part]))
    return _(param.label)


def _widget(param: Param, value: Any, key: str, source: str) -> Any:
    """One scalar parameter's input widget; returns the value in the scenario's units."""
    help_text = _help(param.help, source)
    param = replace(param, label=param_label(param))
    kind = param.kind
    if kind == "text":
        return st.text_input(param.label, value=str(value or ""), key=key, help=help_text)
    if kind == "longtext":
        return st.text_area(param.label, value=str(value or ""), key=key, help=help_text, height=96)
    if kind == "int":
        out = st.number_input(
            param.label, value=int(value or 0), step=int(param.step or 1), key=key, help=help_text
        )
        return int(out) if out is not None else None
    if kind == "opt_int":
        out = st.number_input(
            param.label,
            value=None if value is None else int(value),
            step=int(param.step or 1),
            key=key,
            help=help_text,
            placeholder=_("unlimited"),
        )
        return None if out is None else int(out)
    if kind == "pct":
        out = st.number_input(
            param.label,
            value=_pct_in(value),
            step=float(param.step or 0.01) * 100.0,
            format="%.2f",
            key=key,
            help=help_text,
        )
        return _pct_out(out)
    if kind == "money":
        return st.number_input(
            param.label,
            value=float(value or 0.0),
            step=float(param.step or 100.0),
            format="%.0f",
            key=key,
            help=help_text,
        )
    if kind == "opt_float":
        return st.number_input(
            param.label,
            value=None if value is None else float(value),
            step=float(param.step or 1.0),
            format="%g",
            key=key,
            help=help_text,
            placeholder=_("unlimited")
            if param.path.endswith(("audience_size", "_cap"))
            else _("never"),
        )
    return st.number_input(
        param.label,
        value=float(value if value is not None else 0.0),
        step=float(param.step or 0.1),
        format="%g",
        key=key,
        help=help_text,
    )


def _scalar_group(
    params: tuple[Param, ...],
    data: dict,
    sc: Scenario,
    values: dict[str, Any],
    prefix: str = "",
    columns: int = 3,
) -> None:
    """Widgets for a group of scalar parameters in `columns` columns; values collected."""
    params = tuple(p for p in params if has_path(data, f"{prefix}{p.path}"))
    wide = [p for p in params if p.kind == "longtext"]
    narrow = [p for p in params if p.kind != "longtext"]
    cols = st.columns(columns)
    for i, p in enumerate(narrow):
        path = f"{prefix}{p.path}"
        with cols[i % columns]:
            values[path] = _widget(
                p, get_path(data, path), form_key_prefix() + path, source_of(sc, path)
            )
    for p in wide:
        path = f"{prefix}{p.path}"
        values[path] = _widget(
            p, get_path(data, path), form_key_prefix() + path, source_of(sc, path)
        )
