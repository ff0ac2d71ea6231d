"""Problems with a user's data file, each naming the file, the row and the column.

A calibration must never guess past bad data: every problem found is collected (up to a
limit per file, then counted) and raised together, so one run shows all there is to fix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_LISTED = 12
"""Problems listed one by one; the rest are counted."""


def printable(text: str) -> str:
    r"""`text` safe to print or show: control and formatting characters written as escapes.

    A cell or file name can hold terminal escapes (colours, OSC links, a cleared screen) or
    right-to-left overrides that make a message lie about what it says; shown as `\x1b` or
    `\u202e` they are visible and harmless. Tabs become spaces.
    """
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row is the file's line, header = 1) and what."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [printable(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{printable(self.column)}'")
        return f"{', '.join(where)}: {printable(self.message)}"


class DataError(ValueError):
    """A data file that cannot be used as it is; `problems` says where and why."""

    def __init__(self, problems: Iterable[Problem], more: int = 0) -> None:
        self.problems = list(problems)
        self.more = more
        lines = [str(p) for p in self.problems]
        if more:
            lines.append(f"... and {more} more problem(s) like these")
        super().__init__("\n".join(lines))


def row_problems(
    file: str, column: str, rows: Iterable[int], message: str | Sequence[str], limit: int = 3
) -> list[Problem]:
    """The same problem on many rows: the first `limit` rows named, the count in the last.

    `message` is one message for every row, or one per row (each naming its own value).
    """
    rows = [int(r) for r in rows]
    messages = [message] * len(rows) if isinstance(message, str) else list(message)
    out = [
        Problem(file, msg, row, column) for row, msg in zip(rows[:limit], messages, strict=False)
    ]
    if len(rows) > limit and out:
        last = out[-1]
        out[-1] = Problem(
            file, f"{last.message} (and {len(rows) - limit} more rows like it)", last.row, column
        )
    return out


def raise_if_any(problems: list[Problem]) -> None:
    """Raise one `DataError` with every problem (the first `MAX_LISTED` listed)."""
    if problems:
        raise DataError(problems[:MAX_LISTED], max(0, len(problems) - MAX_LISTED))
