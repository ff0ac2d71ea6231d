"""Exports stay safe: no CSV cell a spreadsheet would run, however a reader splits rows.

Each hostile text is written by `sim.io.safe_csv`, read back by pandas and by the csv
module, and also split the way a naive reader splits (on CR, LF and tabs): no resulting cell
may start, after spaces, with a character that makes a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from sim.io import safe_csv

ROOT = Path(__file__).resolve().parent.parent
FORMULA = re.compile(r"^\s*[=+\-@|\t\r\n\uff1d\uff0b\uff0d\uff20\uff5c]")
HOSTILE = [
    "Acme Corp\r=cmd|' /C calc'!A0",
    'Acme Corp\n=HYPERLINK("http://x")',
    "Acme Corp\r\n+1+1",
    "tab\t=1+1",
    "\uff1dcmd|' /C calc'!A0",  # full-width equals sign
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    "\uff5ccalc",
    "|calc",
    "@SUM(A1:A2)",
    "  =1+1",
    "\t=1+1",
    "\r=1+1",
    "-2+3",
    'quote " and, comma',
    "plain text",
]


def _formula_cells(cells: list[str]) -> list[str]:
    return [c for c in cells if FORMULA.match(c)]


@pytest.fixture(scope="module")
def written() -> str:
    frame = pd.DataFrame({"name": HOSTILE, "value": range(len(HOSTILE))})
    frame["\uff1dheader"] = "x"
    return safe_csv(frame)


def test_pandas_reads_every_row_back_and_no_cell_is_a_formula(written):
    back = pd.read_csv(io.StringIO(written), dtype=str, keep_default_na=False)
    assert len(back) == len(HOSTILE)
    assert back["value"].tolist() == [str(i) for i in range(len(HOSTILE))]
    cells = [*back.columns, *back.to_numpy().ravel().tolist()]
    assert _formula_cells(cells) == []
    # the text survives: only an apostrophe was added
    for original, read in zip(HOSTILE, back["name"], strict=True):
        assert read.replace("'", "") == original.replace("'", "")


def test_the_csv_module_reads_every_row_back_and_no_cell_is_a_formula(written):
    rows = list(csv.reader(io.StringIO(written, newline="")))
    assert len(rows) == len(HOSTILE) + 1
    assert _formula_cells([c for row in rows for c in row]) == []


def test_a_reader_that_splits_on_cr_lf_or_tab_meets_no_formula(written):
    pieces = re.split(r"[\r\n\t,]", written)
    assert _formula_cells([p.strip('"') for p in pieces]) == []


def test_cells_with_a_line_break_or_tab_anywhere_are_quoted():
    text = safe_csv(pd.DataFrame({"a": ["x\ry", "x\ty", "x\ny", "xy"]}))
    assert text.split("\n")[1:3] == ['"x\ry"', '"x\ty"']
    assert text.endswith('"x\ny"\nxy\n')


def test_numbers_and_missing_values_are_written_as_before():
    frame = pd.DataFrame({"n": [1.5, -2.0, None], "s": ["a", None, "b"], "i": [1, 2, 3]})
    assert safe_csv(frame) == "n,s,i\n1.5,a,1\n-2.0,,2\n,b,3\n"


def test_server_defaults_are_safe():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["disableDataExport"] is True
    assert cfg["server"]["address"] == "localhost"
