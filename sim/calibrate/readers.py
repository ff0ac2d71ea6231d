"""Reading a CSV or XLSX export into a table of text cells, within the data budget.

Cells stay text here: how a date or an amount is written is decided per column later
(`sim.calibrate.parsing`), with every unreadable cell named. The budget
(`sim.budget.DataBudget`: bytes, unpacked bytes, rows, columns, cells) is checked *before*
anything is expanded — a file's size before it is read, a workbook's unpacked size before it
is unzipped, rows, columns and cells as the records stream past — so that a small file that
declares a sheet of 16,384 columns by a million rows, or a CSV whose million rows end in bare
carriage returns, is refused in a fraction of a second instead of taking the server down.

Rows are numbered as a spreadsheet shows them (header = row 1) and each data row keeps its own
number, so a quoted cell spanning lines or a skipped empty row never shifts the row a message
names.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.budget import DataBudget, data_budget
from sim.calibrate.errors import DataError, Problem

MAX_BYTES = DataBudget().bytes
"""Largest file read (100 MB), CSV or XLSX: the default of `DataBudget.bytes`."""
MAX_ROWS = DataBudget().rows
"""Most data rows read from one file: the default of `DataBudget.rows`."""
HEADER_ROW = 1
"""Rows are numbered as a spreadsheet shows them: the header is row 1, data from row 2."""
EXCEL_COLUMNS = 16_384
"""Excel's widest sheet (column XFD): a row element with more cells is not a real sheet."""
_FIRST_LINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text (missing = ""), its name, and what was noticed while reading.

    `rows` holds the spreadsheet row of each data row when it is not simply its position + 2
    (empty rows skipped, quoted cells over several lines).
    """

    name: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    rows: tuple[int, ...] = field(default=(), repr=False)

    def row_number(self, index: int) -> int:
        """The spreadsheet row of data row `index` (0-based)."""
        if self.rows:
            return self.rows[index]
        return index + HEADER_ROW + 1

    def row_numbers(self) -> np.ndarray:
        """The spreadsheet row of every data row, in order."""
        if self.rows:
            return np.asarray(self.rows, dtype=np.int64)
        return np.arange(len(self.frame), dtype=np.int64) + HEADER_ROW + 1


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
    header = _FIRST_LINE.split(text, maxsplit=1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise DataError(
            [Problem(name, "one column only: expected a CSV with a header row", HEADER_ROW)]
        )
    return best


class _Limits:
    """Rows, columns and cells counted as records stream past; the first one over refuses."""

    def __init__(self, budget: DataBudget, name: str) -> None:
        self.budget, self.name = budget, name
        self.rows = 0  # data rows holding a value
        self.width = 0  # widest row, in columns holding a value

    def add(self, row: int, width: int, column: str = "") -> None:
        """Count data row `row` (spreadsheet numbering) whose last value is in column `width`."""
        b = self.budget
        if width > b.columns:
            raise DataError(
                [
                    Problem(
                        self.name,
                        f"a value in column {width:,}: more than {b.columns:,} columns (the size "
                        f"budget, {b.env_name('columns')}); keep only the columns needed",
                        row,
                        column or None,
                    )
                ]
            )
        if row > HEADER_ROW:
            self.rows += 1
            if self.rows > b.rows:
                raise DataError(
                    [
                        Problem(
                            self.name,
                            f"more than {b.rows:,} data rows (the size budget, "
                            f"{b.env_name('rows')}); export a shorter period or fewer pipelines",
                            row,
                        )
                    ]
                )
        self.width = max(self.width, width)
        if self.rows * self.width > b.cells:
            raise DataError(
                [
                    Problem(
                        self.name,
                        f"more than {b.cells:,} cells ({self.rows:,} rows by {self.width:,} "
                        f"columns; the size budget, {b.env_name('cells')}); keep only the "
                        "columns needed or export a shorter period",
                        row,
                    )
                ]
            )


def _width(values: list[str]) -> int:
    """Columns up to the last one holding a value (trailing empty cells do not count)."""
    n = len(values)
    while n and not values[n - 1].strip():
        n -= 1
    return n


def _csv_records(text: str, sep: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of each record.

    Any line end (CRLF, LF, a bare CR) ends a record outside quotes; one inside quotes stays
    in its cell, so the records are counted as a spreadsheet counts its rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    row = 0
    try:
        for cells in reader:
            row += 1
            yield row, cells
    except csv.Error as err:
        raise DataError([Problem(name, f"not a well-formed CSV: {err}", row + 1)]) from None


def _frame_from_csv(
    text: str, name: str, budget: DataBudget
) -> tuple[pd.DataFrame, tuple[int, ...], list[str]]:
    sep = _delimiter(text, name)
    # First pass: count only (nothing kept), so an oversized file is refused before it is built.
    limits = _Limits(budget, name)
    for row, cells in _csv_records(text, sep, name):
        width = _width(cells)
        if width:
            limits.add(row, width)
    header: list[str] = []
    body: list[list[str]] = []
    numbers: list[int] = []
    empty = 0
    for row, cells in _csv_records(text, sep, name):
        if row == HEADER_ROW:
            header = cells
            continue
        width = _width(cells)
        if not width:
            empty += 1
            continue
        if width > len(header):
            raise DataError(
                [
                    Problem(
                        name,
                        f"{width} cells but the header has {len(header)}: a separator inside "
                        "an unquoted value?",
                        row,
                    )
                ]
            )
        body.append(cells[: len(header)] + [""] * (len(header) - len(cells)))
        numbers.append(row)
    notes = [f"{empty} empty row(s) skipped"] if empty else []
    frame = (
        pd.DataFrame(body, columns=header, dtype=str)
        if body
        else pd.DataFrame(columns=header, dtype=str)
    )
    return frame, tuple(numbers), notes


def _check_unpacked(data: bytes, name: str, budget: DataBudget) -> None:
    """Refuse a workbook whose parts unzip past the budget, before unzipping anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError) as err:
        raise DataError([Problem(name, f"not a readable XLSX workbook: {err}")]) from None
    if unpacked > budget.unpacked_bytes:
        raise DataError(
            [
                Problem(
                    name,
                    f"the workbook unpacks to {unpacked:,} bytes, over the "
                    f"{budget.unpacked_bytes:,}-byte budget ({budget.env_name('unpacked_bytes')})",
                )
            ]
        )


def _xlsx_rows(book: object, sheet: object, name: str) -> Iterator[tuple[int, dict[int, object]]]:
    """(spreadsheet row, {column: value}) of each row element, streamed cell by cell.

    openpyxl's own row iteration pads every row to the sheet's *declared* width (up to 16,384
    columns) and materialises every missing row up to the declared height; here only cells
    that hold a value are kept, and a row element's cells are freed as they are read.
    """
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    src = sheet._get_source()  # type: ignore[attr-defined]
    parser = WorkSheetParser(
        src,
        sheet._shared_strings,  # type: ignore[attr-defined]
        data_only=True,
        epoch=book.epoch,  # type: ignore[attr-defined]
        date_formats=book._date_formats,  # type: ignore[attr-defined]
        timedelta_formats=book._timedelta_formats,  # type: ignore[attr-defined]
    )
    try:
        values: dict[int, object] = {}
        count = 0
        parent = None
        for event, el in iterparse(src, events=("start", "end")):
            if event == "start":
                if el.tag == ROW_TAG:
                    r = el.get("r")
                    try:
                        parser.row_counter = int(r) if r else parser.row_counter + 1
                    except ValueError:
                        raise DataError(
                            [Problem(name, f"not a readable XLSX workbook: row number {r!r}")]
                        ) from None
                    parser.col_counter = 0
                    values, count = {}, 0
                elif parent is None and el.tag.endswith("}sheetData"):
                    parent = el
                continue
            if el.tag == CELL_TAG:
                count += 1
                if count > EXCEL_COLUMNS:
                    raise DataError(
                        [
                            Problem(
                                name,
                                f"a row with more than {EXCEL_COLUMNS:,} cells: not a real sheet",
                                parser.row_counter,
                            )
                        ]
                    )
                cell = parser.parse_cell(el)
                el.clear()
                if cell["value"] is not None and _cell_text(cell["value"]).strip():
                    values[cell["column"]] = cell["value"]
            elif el.tag == ROW_TAG:
                yield parser.row_counter, values
                el.clear()
                if parent is not None:
                    parent.clear()  # drop the emptied row element itself
    except DataError:
        raise
    except Exception as err:
        raise DataError([Problem(name, f"not a readable XLSX workbook: {err}")]) from None
    finally:
        src.close()


def _frame_from_xlsx(
    data: bytes, name: str, budget: DataBudget
) -> tuple[pd.DataFrame, tuple[int, ...], list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _check_unpacked(data, name, budget)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:
        raise DataError([Problem(name, f"not a readable XLSX workbook: {err}")]) from None
    try:
        sheet = book.worksheets[0]
        limits = _Limits(budget, name)
        header: dict[int, object] | None = None
        body: list[dict[int, object]] = []
        numbers: list[int] = []
        for row, values in _xlsx_rows(book, sheet, name):
            if not values:
                continue  # empty rows hold nothing: skipped, never materialised
            width = max(values)
            if header is None:
                header_row = row
                header = values
                limits.add(HEADER_ROW, width, get_column_letter(min(width, EXCEL_COLUMNS)))
                continue
            limits.add(row - header_row + HEADER_ROW, width, get_column_letter(width))
            body.append(values)
            numbers.append(row)
    finally:
        book.close()
    if header is None:
        raise DataError([Problem(name, "the file is empty")])
    width = limits.width
    columns = [_cell_text(header.get(c, "")) for c in range(1, width + 1)]
    frame = (
        pd.DataFrame(
            [[_cell_text(v.get(c, "")) for c in range(1, width + 1)] for v in body],
            columns=columns,
            dtype=str,
        )
        if body
        else pd.DataFrame(columns=columns, dtype=str)
    )
    notes = [f"header read from row {header_row}"] if header_row != HEADER_ROW else []
    shift = header_row - HEADER_ROW
    return frame, tuple(n - shift for n in numbers), notes


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold (dates in ISO form, numbers in full)."""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def read_bytes(data: bytes, name: str, budget: DataBudget | None = None) -> RawTable:
    """A CSV or XLSX file's contents as a `RawTable`; bad or oversized files raise `DataError`."""
    budget = budget or data_budget()
    if len(data) > budget.bytes:
        raise DataError(
            [
                Problem(
                    name,
                    f"file is {len(data):,} bytes, over the {budget.bytes:,}-byte budget "
                    f"({budget.env_name('bytes')})",
                )
            ]
        )
    if not data.strip():
        raise DataError([Problem(name, "the file is empty")])
    notes: list[str] = []
    if data[:4] == b"PK\x03\x04":
        frame, numbers, more = _frame_from_xlsx(data, name, budget)
    else:
        text, notes = _decode(data, name)
        frame, numbers, more = _frame_from_csv(text, name, budget)
    notes += more
    frame.columns = [str(c).strip() for c in frame.columns]
    blank = [i + 1 for i, c in enumerate(frame.columns) if not c]
    if blank:
        notes.append(f"{len(blank)} column(s) without a header ignored")
        frame = frame.iloc[:, [i for i, c in enumerate(frame.columns) if c]]
    if len(frame.columns) != len(set(frame.columns)):
        dup = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
        raise DataError([Problem(name, "two columns share a header", HEADER_ROW, dup[0])])
    frame = frame.apply(lambda col: col.str.strip())
    if frame.empty:
        raise DataError([Problem(name, "no data rows under the header", HEADER_ROW + 1)])
    simple = numbers == tuple(range(HEADER_ROW + 1, HEADER_ROW + 1 + len(frame)))
    return RawTable(name, frame.reset_index(drop=True), tuple(notes), () if simple else numbers)


def read_path(path: str | Path, budget: DataBudget | None = None) -> RawTable:
    """Read a file from disk; its kind and size are checked before a byte is read.

    Only regular files are read: a named pipe with no writer would block forever, a device
    never ends.
    """
    budget = budget or data_budget()
    p = Path(path)
    try:
        st = p.stat()
    except OSError as err:
        raise DataError([Problem(str(p), f"cannot read the file: {err.strerror}")]) from None
    if not stat.S_ISREG(st.st_mode):
        raise DataError([Problem(str(p), "not a regular file (a pipe, device or directory)")])
    if st.st_size > budget.bytes:
        raise DataError(
            [
                Problem(
                    p.name,
                    f"file is {st.st_size:,} bytes, over the {budget.bytes:,}-byte budget "
                    f"({budget.env_name('bytes')})",
                )
            ]
        )
    try:
        data = p.read_bytes()
    except OSError as err:
        raise DataError([Problem(str(p), f"cannot read the file: {err.strerror}")]) from None
    return read_bytes(data, p.name, budget)
