"""Figures written for people: money in short form (shared by the verdict text and the app)."""

from __future__ import annotations

import math

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(x: float | None, currency: str = "USD", signed: bool = False, missing: str = "—") -> str:
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
