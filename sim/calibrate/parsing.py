"""Text cells -> dates, amounts, flags and deal outcomes, with every unreadable cell named.

A column's date format is found from its values, not assumed: a format is used only if it
reads every filled cell, and when day-first and month-first both do and disagree, the user
must say which (`date_format`). Dates outside `FIRST_YEAR`..`LAST_YEAR` (a 9999 "never"
placeholder) are refused, cell named.

Amounts are read as numbers, never by stripping what is not a digit: a currency sign or code,
thousands separators (`1,234.56`, `1.234,56`, `1 234,56`, `1'234.50`: the convention is
decided per column, from the cells that only one convention reads) and E-notation
(`2.980E+04`, as spreadsheets write large numbers) are understood; anything else, and any
amount that is not finite (`1e400`), is refused with its file, row and column. More than one
currency in a file is an error, never converted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.errors import Problem, row_problems

DATE_FORMATS = (
    "ISO8601",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d",
)
"""Formats tried, in this order; the exports write ISO or US dates, Europeans day-first."""

FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Dates a CRM export can truly hold; outside them a date is a placeholder or a typo."""
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODE = re.compile(r"\b([A-Z]{3})\b")
_CURRENCY = re.compile(r"[$€£¥₹]|\b[A-Za-z]{3}\b")
_GROUP_SPACES = re.compile(r"(?<=\d)[\s\u00a0\u202f\u2009']+(?=\d)")
_EXP = r"([eE][-+]?\d+)?"
_POINT_DECIMAL = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?" + _EXP + "$")
"""1,234.56 (US, UK, Japan): ',' groups thousands, '.' is the decimal point."""
_COMMA_DECIMAL = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d*)(,\d*)?" + _EXP + "$")
"""1.234,56 (most of Europe): '.' groups thousands, ',' is the decimal point."""
TRUE_WORDS = {"true", "yes", "y", "1", "won", "checked", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "", "unchecked"}


@dataclass(frozen=True)
class Parsed:
    """A parsed column and the problems found on its rows."""

    values: pd.Series
    problems: list[Problem]
    note: str = ""


def _try(values: pd.Series, fmt: str) -> pd.Series:
    if fmt == "ISO8601":
        out = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
        return out.dt.tz_localize(None)
    return pd.to_datetime(values, format=fmt, errors="coerce")


def parse_dates(
    cells: pd.Series, file: str, column: str, rows: np.ndarray, date_format: str | None = None
) -> Parsed:
    """Dates from text; empty cells are NaT; a cell no consistent format reads is a problem."""
    filled = cells != ""
    sample = cells[filled]
    if sample.empty:
        return Parsed(pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]"), [])
    if date_format:
        formats = [date_format]
    else:
        head = sample.iloc[:2000]
        full = [f for f in DATE_FORMATS if _try(head, f).notna().all()]
        if not full:
            counts = {f: int(_try(head, f).notna().sum()) for f in DATE_FORMATS}
            formats = [max(counts, key=lambda f: counts[f])]
        else:
            formats = full
    parsed = _try(sample, formats[0])
    if len(formats) > 1:
        for other in formats[1:]:
            alt = _try(sample, other)
            if alt.notna().all() and not alt.equals(parsed):
                # e.g. 03/04/2024: March 4 or 3 April? Only the user knows.
                return Parsed(
                    pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]"),
                    [
                        Problem(
                            file,
                            f"dates read both as {formats[0]} and {other}: give the format "
                            "(--date-format, e.g. %d/%m/%Y)",
                            int(rows[int(np.flatnonzero(filled.to_numpy())[0])]),
                            column,
                        )
                    ],
                )
    bad = parsed.isna()
    problems = []
    if bad.any():
        bad_rows = rows[sample.index[bad.to_numpy()]]
        problems = row_problems(
            file,
            column,
            bad_rows,
            [f"not a date: '{v}' (the column reads as {formats[0]})" for v in sample[bad]],
        )
    years = parsed.dt.year
    far = parsed.notna() & ((years < FIRST_YEAR) | (years > LAST_YEAR))
    if far.any():
        problems += row_problems(
            file,
            column,
            rows[sample.index[far.to_numpy()]],
            [
                f"date out of range: '{v}' (dates from {FIRST_YEAR} to {LAST_YEAR}; leave a "
                "cell empty for no date)"
                for v in sample[far]
            ],
        )
        parsed = parsed.where(~far)
    out = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    out[sample.index] = parsed.astype("datetime64[ns]")
    return Parsed(out, problems, f"dates as {formats[0]}")


def _currency_of(text: str) -> str:
    for sign, code in CURRENCY_SIGNS.items():
        if sign in text:
            return code
    m = _CODE.search(text.upper())
    return m.group(1) if m else ""


def parse_amounts(
    cells: pd.Series,
    file: str,
    column: str,
    rows: np.ndarray,
    currency_cells: pd.Series | None = None,
    currency_column: str | None = None,
) -> tuple[Parsed, str]:
    """Non-negative amounts from text and the file's one currency ("" if none is written)."""
    filled = cells != ""
    text = cells[filled]
    codes = text.map(_currency_of)
    if currency_cells is not None:
        given = currency_cells[filled].str.upper().str.strip()
        codes = given.where(given != "", codes)
    named = codes[codes != ""]
    problems: list[Problem] = []
    currency = ""
    if not named.empty:
        counts = named.value_counts()
        currency = str(counts.index[0])
        if len(counts) > 1:
            minority = named[named != currency]
            problems += row_problems(
                file,
                currency_column or column,
                rows[minority.index.to_numpy()],
                [
                    f"mixed currencies: {', '.join(f'{c} ({n} rows)' for c, n in counts.items())}; "
                    f"this one is {code} (convert to one currency before calibrating)"
                    for code in minority
                ],
            )
    values, style, bad = _numbers(text)
    if bad.any():
        problems += row_problems(
            file,
            column,
            rows[text.index[bad.to_numpy()]],
            [_why_not(t) for t in text[bad]],
        )
    negative = values < 0
    if negative.any():
        problems += row_problems(
            file,
            column,
            rows[text.index[negative.to_numpy()]],
            [
                f"negative amount {v:g} (refunds or credits do not belong in a deals export)"
                for v in values[negative]
            ],
        )
    out = pd.Series(np.nan, index=cells.index, dtype=float)
    out[text.index] = values.to_numpy(dtype=float)
    return Parsed(out, problems, style), currency


def _number(bare: str, pattern: re.Pattern[str], group: str, point: str) -> float:
    """`bare` read under one convention, or NaN when the convention does not read it."""
    if not pattern.match(bare) or not any(c.isdigit() for c in bare.split("e")[0].split("E")[0]):
        return math.nan
    return float(bare.replace(group, "").replace(point, "."))


def _numbers(text: pd.Series) -> tuple[pd.Series, str, pd.Series]:
    """Amounts from text cells, the convention used (in words) and which cells are unreadable.

    A cell reads under the point-decimal convention (1,234.56), the comma-decimal one
    (1.234,56), or both (1234, 1.5e5, 1,234 — ambiguous). The column uses the convention
    that reads the most cells; when both read every cell and disagree (only `1,234`- or
    `1.234`-like cells), the point-decimal one is used and the note says so aloud.
    """
    bare = text.str.replace(_CURRENCY, "", regex=True).str.strip()
    bare = bare.str.replace(_GROUP_SPACES, "", regex=True).str.replace(r"\s", "", regex=True)
    point = bare.map(lambda b: _number(b, _POINT_DECIMAL, ",", "."))
    comma = bare.map(lambda b: _number(b, _COMMA_DECIMAL, ".", ","))
    use_comma = comma.notna().sum() > point.notna().sum()
    values = (comma if use_comma else point).astype(float)
    style = "amounts written 1.234,56 (comma decimals)" if use_comma else ""
    both = point.notna() & comma.notna() & (point != comma)
    if not use_comma and both.any() and comma.notna().all():
        style = (
            f"'{text[both].iloc[0]}' read as {point[both].iloc[0]:g} ('.' the decimal point, "
            f"',' between thousands); the other convention would make it "
            f"{comma[both].iloc[0]:g}, and no cell of the column tells them apart"
        )
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values)
    return values.where(~bad), style, bad


def _why_not(cell: str) -> str:
    """Why a cell is not an amount, naming its own value."""
    shown = cell if len(cell) <= 40 else cell[:37] + "..."
    try:
        if not math.isfinite(float(re.sub(r"[^\d.eE+\-]", "", cell) or "x")):
            return f"not a finite amount: '{shown}' (too large to be a number)"
    except ValueError:
        pass
    return f"not an amount: '{shown}'"


def parse_flags(cells: pd.Series, file: str, column: str, rows: np.ndarray) -> Parsed:
    """True/false flags (true/false, yes/no, 1/0, checked); anything else is a problem."""
    low = cells.str.lower()
    known = low.isin(TRUE_WORDS | FALSE_WORDS)
    problems = []
    if not known.all():
        problems = row_problems(
            file, column, rows[~known.to_numpy()], [f"not true/false: '{v}'" for v in cells[~known]]
        )
    return Parsed(low.isin(TRUE_WORDS), problems)


def stage_outcome(stage: str) -> str:
    """'won', 'lost' or 'open' from a stage name (HubSpot's closedwon, 'Closed Won', ...)."""
    s = re.sub(r"[^a-z]", "", stage.lower())
    if "won" in s:
        return "won"
    if "lost" in s or s.startswith("closed") or "disqualified" in s:
        return "lost"
    return "open"
