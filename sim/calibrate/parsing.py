"""Text cells -> dates, amounts, flags and deal outcomes, with every unreadable cell named.

A column's date format is found from its values, not assumed: a format is used only if it
reads every filled cell, and when day-first and month-first both do and disagree, the user
must say which (`date_format`). Amounts may carry a currency sign or code and thousands
separators; more than one currency in a file is an error, never converted.
"""

from __future__ import annotations

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

CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODE = re.compile(r"\b([A-Z]{3})\b")
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
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
        first = sample[bad].iloc[0]
        problems = row_problems(
            file, column, bad_rows, f"not a date: '{first}' (the column reads as {formats[0]})"
        )
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
                f"mixed currencies: {', '.join(f'{c} ({n} rows)' for c, n in counts.items())}; "
                f"this one is {minority.iloc[0]} (convert to one currency before calibrating)",
            )
    bare = text.str.replace(r"[^\d.,\-]", "", regex=True)
    ok = bare.str.match(_NUMBER)
    values = pd.to_numeric(bare.where(ok).str.replace(",", "", regex=False), errors="coerce")
    bad = values.isna()
    if bad.any():
        problems += row_problems(
            file,
            column,
            rows[text.index[bad.to_numpy()]],
            f"not an amount: '{text[bad].iloc[0]}'",
        )
    negative = values < 0
    if negative.any():
        problems += row_problems(
            file,
            column,
            rows[text.index[negative.to_numpy()]],
            f"negative amount {values[negative].iloc[0]:g} (refunds or credits do not "
            "belong in a deals export)",
        )
    out = pd.Series(np.nan, index=cells.index, dtype=float)
    out[text.index] = values.to_numpy(dtype=float)
    return Parsed(out, problems), currency


def parse_flags(cells: pd.Series, file: str, column: str, rows: np.ndarray) -> Parsed:
    """True/false flags (true/false, yes/no, 1/0, checked); anything else is a problem."""
    low = cells.str.lower()
    known = low.isin(TRUE_WORDS | FALSE_WORDS)
    problems = []
    if not known.all():
        problems = row_problems(
            file, column, rows[~known.to_numpy()], f"not true/false: '{cells[~known].iloc[0]}'"
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
