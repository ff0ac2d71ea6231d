"""Reading a CSV or XLSX export into a table of text cells, within a stated size budget.

Cells stay text here: how a date or an amount is written is decided per column later
(`sim.calibrate.parsing`), with every unreadable cell named. The budget keeps a web app
responsive: a file past `MAX_BYTES` or `MAX_ROWS` is refused before it is parsed in full.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.calibrate.errors import DataError, Problem

MAX_BYTES = 100_000_000
"""Largest file read (100 MB), CSV or XLSX."""
MAX_ROWS = 1_000_000
"""Most data rows read from one file (a CRM export of a company this tool is for is far
smaller; a file past it is refused, naming the row where the budget ran out)."""
HEADER_ROW = 1
"""Rows are numbered as a spreadsheet shows them: the header is row 1, data from row 2."""


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text (missing = ""), its name, and what was noticed while reading."""

    name: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()

    def row_number(self, index: int) -> int:
        """The spreadsheet row of data row `index` (0-based)."""
        return index + HEADER_ROW + 1


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM); Windows-1252, as older CRM exports write, said aloud."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ["not UTF-8: read as Windows-1252 (Western European)"]
    except UnicodeDecodeError as err:
        raise DataError([Problem(name, f"not a text file (byte {err.start} unreadable)")]) from None


def _delimiter(text: str, name: str) -> str:
    """Comma, semicolon or tab, from the header line (what the exports use)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise DataError(
            [Problem(name, "one column only: expected a CSV with a header row", HEADER_ROW)]
        )
    return best


def _check_rows(count: int, name: str) -> None:
    if count > MAX_ROWS:
        raise DataError(
            [
                Problem(
                    name,
                    f"more than {MAX_ROWS:,} data rows (the size budget); export a shorter "
                    "period or fewer pipelines",
                    MAX_ROWS + HEADER_ROW + 1,
                )
            ]
        )


def _frame_from_csv(text: str, name: str) -> pd.DataFrame:
    # A quick line count refuses a huge file before pandas builds it.
    _check_rows(text.count("\n") - 1 if text.endswith("\n") else text.count("\n"), name)
    sep = _delimiter(text, name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            on_bad_lines="error",
        )
    except pd.errors.ParserError as err:
        raise DataError([Problem(name, f"not a well-formed CSV: {err}")]) from None
    except csv.Error as err:
        raise DataError([Problem(name, f"not a well-formed CSV: {err}")]) from None
    return frame


def _frame_from_xlsx(data: bytes, name: str) -> pd.DataFrame:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DataError([Problem(name, "XLSX needs openpyxl; save the sheet as CSV")]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:
        raise DataError([Problem(name, f"not a readable XLSX workbook: {err}")]) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise DataError([Problem(name, "the file is empty")])
    body = []
    for i, row in enumerate(rows):
        if i >= MAX_ROWS:
            _check_rows(i + 1, name)
        body.append(["" if v is None else _cell_text(v) for v in row])
    book.close()
    columns = ["" if h is None else str(h) for h in header]
    return pd.DataFrame(body, columns=columns, dtype=str)


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold (dates in ISO form)."""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def read_bytes(data: bytes, name: str) -> RawTable:
    """A CSV or XLSX file's contents as a `RawTable`; bad or oversized files raise `DataError`."""
    if len(data) > MAX_BYTES:
        raise DataError(
            [Problem(name, f"file is {len(data):,} bytes, over the {MAX_BYTES:,}-byte budget")]
        )
    if not data.strip():
        raise DataError([Problem(name, "the file is empty")])
    notes: list[str] = []
    if data[:4] == b"PK\x03\x04":
        frame = _frame_from_xlsx(data, name)
    else:
        text, notes = _decode(data, name)
        frame = _frame_from_csv(text, name)
    frame.columns = [str(c).strip() for c in frame.columns]
    blank = [i + 1 for i, c in enumerate(frame.columns) if not c or c.startswith("Unnamed: ")]
    if len(frame.columns) != len(set(frame.columns)):
        dup = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
        raise DataError([Problem(name, "two columns share a header", HEADER_ROW, dup[0])])
    if blank:
        notes.append(f"{len(blank)} column(s) without a header ignored")
        frame = frame.drop(columns=[frame.columns[i - 1] for i in blank])
    frame = frame.apply(lambda col: col.str.strip())
    if frame.empty:
        raise DataError([Problem(name, "no data rows under the header", HEADER_ROW + 1)])
    return RawTable(name, frame.reset_index(drop=True), tuple(notes))


def read_path(path: str | Path) -> RawTable:
    """Read a file from disk (size checked before reading it)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as err:
        raise DataError([Problem(str(p), f"cannot read the file: {err.strerror}")]) from None
    if size > MAX_BYTES:
        raise DataError(
            [Problem(p.name, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte budget")]
        )
    return read_bytes(p.read_bytes(), p.name)
