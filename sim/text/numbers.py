"""Figures written for people: short money, percentages, hours, multiples.

Shared by every sentence and screen, so a figure reads the same in the verdict, the tables
and the CLI. Missing or undefined figures are a dash, never "nan".
"""

from __future__ import annotations

import math

from sim.verdict.ranking import MONEY_OBJECTIVES

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
MISSING = "—"


def money(
    x: float | None, currency: str = "USD", signed: bool = False, missing: str = MISSING
) -> str:
    """Money in short form: $5.47M, €120K, -$3.2K; `signed` adds a + to gains."""
    if x is None or math.isnan(x):
        return missing
    if math.isinf(x):
        return "+∞" if x > 0 else "-∞"
    sym = CURRENCY_SYMBOLS.get(currency, "")
    suffix = "" if sym else f" {currency}"
    a = abs(x)
    if a >= 1e9:
        body = f"{a / 1e9:.2f}B"
    elif a >= 1e6:
        body = f"{a / 1e6:.2f}M"
    elif a >= 1e4:
        body = f"{a / 1e3:.0f}K"
    elif a >= 1e3:
        body = f"{a / 1e3:.1f}K"
    else:
        body = f"{a:.0f}"
    sign = "-" if x < 0 else ("+" if signed and x > 0 else "")
    return f"{sign}{sym}{body}{suffix}"


def fmt_number(x: float | None, kind: str, currency: str = "USD") -> str:
    """A figure by its format kind: pct, pct2, signed_pct, money, days, hours, count, ..."""
    if x is None or not math.isfinite(x):
        return MISSING
    if kind == "pct":
        return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"
    if kind == "pct0":
        return f"{x:.0%}"
    if kind == "pct2":
        return f"{x:.2%}"
    if kind == "signed_pct":
        return f"{x:+.0%}"
    if kind == "money":
        return money(x, currency)
    if kind == "days":
        return f"{x:.0f} d"
    if kind == "hours":
        return f"{x:.1f} h"
    if kind == "count":
        return f"{x:,.0f}"
    if kind == "multiple":
        return f"{x:.2f}x"
    if kind == "ratio":
        return f"{x:.2f}"
    if kind == "decimal1":
        return f"{x:.1f}"
    return f"{x:,.3g}"


def value_text(x: float, objective: str, currency: str, signed: bool = True) -> str:
    """An objective value: short money, or a multiple of the ops spend for ROI."""
    if objective in MONEY_OBJECTIVES or not math.isfinite(x):
        return money(x, currency, signed=signed)
    return f"{x:+.2f}x" if signed else f"{x:.2f}x"


def count_of(share: float, total: int) -> int:
    """A share of `total` things as a whole count (55% of 40 futures -> 22)."""
    return round(share * total)
