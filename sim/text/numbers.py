"""Figures written for people: short money, percentages, hours, multiples — per language.

Shared by every sentence, screen, chart axis and the CLI, so a figure reads the same
everywhere. English writes money in K/M/B ($5.47M); Japanese in 万/億/兆, as Japanese
business writing does (¥6,541万, ¥30億, $547万). Missing or undefined figures are a dash,
never "nan".
"""

from __future__ import annotations

import math

from sim.outcomes import MONEY_OBJECTIVES

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
MISSING = "—"


JA_UNITS = ((1e12, "兆"), (1e8, "億"), (1e4, "万"))
"""Japanese large-number units, largest first."""


def _trim(text: str) -> str:
    """A decimal without trailing zeros ("30.00" -> "30", "1.50" -> "1.5")."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ja_amount(a: float) -> str:
    """A non-negative amount in 万/億/兆: 6,541万, 30億, 1.5億, 9,800 (three or more digits)."""
    for i, (unit, word) in enumerate(JA_UNITS):
        if a < unit * 0.99995:
            continue
        v = a / unit
        if v >= 100:
            body = f"{v:,.0f}"
        elif v >= 10:
            body = _trim(f"{v:.1f}")
        else:
            body = _trim(f"{v:.2f}")
        if i > 0 and float(body.replace(",", "")) >= 10_000:  # 9,999.7万 -> 1億
            prev_unit, prev_word = JA_UNITS[i - 1]
            return _trim(f"{a / prev_unit:.2f}") + prev_word
        return body + word
    return f"{a:,.0f}"


def money(
    x: float | None,
    currency: str = "USD",
    signed: bool = False,
    missing: str = MISSING,
    lang: str = "en",
) -> str:
    """Money in short form: $5.47M, €120K, -$3.2K; in Japanese 6,541万円, 30億円, $547万.

    `signed` adds a + to gains.
    """
    if x is None or math.isnan(x):
        return missing
    if math.isinf(x):
        return "+∞" if x > 0 else "-∞"
    sym = CURRENCY_SYMBOLS.get(currency, "")
    suffix = "" if sym else f" {currency}"
    a = abs(x)
    sign = "-" if x < 0 else ("+" if signed and x > 0 else "")
    if lang == "ja" and currency == "JPY":
        return f"{sign}{_ja_amount(a)}円"  # in words as in print: 6,541万円 (charts keep ¥)
    if lang == "ja":
        return f"{sign}{sym}{_ja_amount(a)}{suffix}"
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
    return f"{sign}{sym}{body}{suffix}"


def fmt_number(x: float | None, kind: str, currency: str = "USD", lang: str = "en") -> str:
    """A figure by its format kind: pct, pct2, signed_pct, money, days, hours, count, ..."""
    ja = lang == "ja"
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
        return money(x, currency, lang=lang)
    if kind == "days":
        return f"{x:.0f}日" if ja else f"{x:.0f} d"
    if kind == "hours":
        return f"{x:.1f}時間" if ja else f"{x:.1f} h"
    if kind == "count":
        return f"{x:,.0f}"
    if kind == "multiple":
        return f"{x:.2f}倍" if ja else f"{x:.2f}x"
    if kind == "ratio":
        return f"{x:.2f}"
    if kind == "decimal1":
        return f"{x:.1f}"
    return f"{x:,.3g}"


def value_text(
    x: float, objective: str, currency: str, signed: bool = True, lang: str = "en"
) -> str:
    """An objective value: short money, or a multiple of the ops spend for ROI."""
    if objective in MONEY_OBJECTIVES or not math.isfinite(x):
        return money(x, currency, signed=signed, lang=lang)
    unit = "倍" if lang == "ja" else "x"
    return f"{x:+.2f}{unit}" if signed else f"{x:.2f}{unit}"


def count_of(share: float, total: int) -> int:
    """A share of `total` things as a whole count (55% of 40 futures -> 22)."""
    return round(share * total)


def money_expr(value: str, currency: str = "USD", lang: str = "en") -> str:
    """A Vega expression writing the number `value` (an expression) as short money.

    The conventions of `money` on chart axes and in tooltips: "$5.5M", "-€120K" in
    English, "¥6,541万", "¥30億" in Japanese (charts keep the ¥ sign).
    """
    sym = CURRENCY_SYMBOLS.get(currency, "")
    tail = "" if sym else f" {currency}"
    a = f"abs({value})"
    sign = f"({value} < 0 ? '-' : '')"
    if lang == "ja":
        units = ((1e12, "兆", ".3~r"), (1e8, "億", ".3~r"), (1e4, "万", ",.4~r"))
    else:
        units = ((1e9, "B", ".3~r"), (1e6, "M", ".3~r"), (1e3, "K", ".3~r"))
    body = f"format({a}, ',.0f')"
    for unit, word, fmt in reversed(units):
        body = f"({a} >= {unit:g} ? format({a} / {unit:g}, '{fmt}') + '{word}' : {body})"
    return f"{sign} + '{sym}' + {body} + '{tail}'"
