"""Hostile and oddly written data files: each is refused quickly and cheaply, or read right.

The size budget (`sim.budget.DataBudget`) is checked before anything is expanded, so an XLSX
that declares 16,384 columns by a million rows, or a CSV whose 1.5 million rows end in bare
carriage returns, is refused with the file, row and column named, its peak memory measured in
a child process. Amounts written in E-notation or with a locale's separators are read as the
numbers they are; every message names each row's own value and prints no terminal escapes.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sim.calibrate import readers
from sim.calibrate.errors import DataError, printable
from sim.cli import main
from sim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumen_ledger"
PEAK_CEILING_MB = 1_536  # 1.5 GiB: what refusing a hostile file may take, imports included
HEADER = "Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Deal owner\n"
GOOD = [
    "1,A,Closed Won,12000,2024-01-05,2024-02-20,Ana",
    "2,B,Closed Lost,9000,2024-01-10,2024-03-01,Ben",
    "3,C,Closed Won,15000,2024-02-01,2024-03-15,Ana",
    "4,D,Closed Lost,,2024-02-11,2024-04-01,Ben",
    "5,E,Closed Won,11000,2024-03-01,2024-04-20,Ana",
    "6,F,Qualified To Buy,,2024-04-01,,Ben",
]

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _xlsx(dimension: str, rows: str) -> bytes:
    """A minimal workbook whose first sheet declares `dimension` and holds `rows` (XML)."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return buf.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


BOMB_XLSX = _xlsx(
    "A1:XFD1048576",
    f'<row r="1">{_inline("A1", "Amount")}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c>'
    "</row>",
)


def _write_cr_csv(path: Path, rows: int = 1_500_000) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write("Record ID,Amount,Create Date\r")
        f.write("".join(f"{i},100,2024-01-01\r" for i in range(rows)))


def _refuse_in_child(path: Path) -> tuple[int, str, float, float]:
    """Exit code, stderr, seconds and peak memory (MB) of `calibrate --deals path`, run alone."""
    code = (
        "import resource, sys\n"
        "from sim.cli import main\n"
        f"rc = main(['calibrate', '--deals', {str(path)!r}, '--out', {str(path) + '.yaml'!r}])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'PEAK {peak:.0f}')\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    seconds = time.perf_counter() - t0
    peak = float(proc.stdout.rsplit("PEAK ", 1)[1].split()[0])
    return proc.returncode, proc.stderr, seconds, peak


def test_an_xlsx_declaring_the_widest_sheet_is_refused_cheaply(tmp_path):
    """3 KB declaring A1:XFD1048576 with a cell at XFD1048576: padding rows to the declared
    width took the server past 6 GiB; now the column is refused as it streams past."""
    path = tmp_path / "deals.xlsx"
    path.write_bytes(BOMB_XLSX)
    assert len(BOMB_XLSX) < 3_000
    rc, err, seconds, peak = _refuse_in_child(path)
    assert rc == 2, err
    assert "deals.xlsx, row 1048576, column 'XFD'" in err
    assert "more than 1,000 columns" in err and "ORGSIM_BUDGET_DATA_COLUMNS" in err
    assert peak < PEAK_CEILING_MB, peak
    assert seconds < 60


def test_a_csv_with_bare_carriage_returns_cannot_pass_the_row_budget(tmp_path):
    """1.5 million rows ended by CR alone were one 'line' to the old row count."""
    path = tmp_path / "deals.csv"
    _write_cr_csv(path)
    rc, err, _seconds, peak = _refuse_in_child(path)
    assert rc == 2, err
    assert "deals.csv, row 1000002: more than 1,000,000 data rows" in err
    assert peak < PEAK_CEILING_MB, peak


def test_a_declared_dimension_alone_costs_nothing_and_is_ignored():
    data = _xlsx(
        "A1:XFD1048576",
        f'<row r="1">{_inline("A1", "Amount")}{_inline("B1", "Stage")}</row>'
        f'<row r="2"><c r="A2"><v>2.98E4</v></c>{_inline("B2", "won")}<c r="XFD2" s="0"/></row>',
    )
    raw = readers.read_bytes(data, "d.xlsx")
    assert raw.frame.to_dict("records") == [{"Amount": "29800", "Stage": "won"}]


@pytest.mark.parametrize(
    ("limit", "value", "text"),
    [
        ("COLUMNS", "3", "a value in column 4: more than 3 columns"),
        ("CELLS", "10", "more than 10 cells (3 rows by 4 columns"),
        ("BYTES", "40", "over the 40-byte budget (ORGSIM_BUDGET_DATA_BYTES)"),
    ],
)
def test_every_figure_of_the_data_budget_is_checked_for_csv_and_xlsx(
    monkeypatch, limit, value, text
):
    monkeypatch.setenv(f"ORGSIM_BUDGET_DATA_{limit}", value)
    csv_text = "a,b,c,d\n" + "1,2,3,4\n" * 5
    with pytest.raises(DataError, match=re.escape(text)):
        readers.read_bytes(csv_text.encode(), "f.csv")
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCD") + "</row>"
        for r in range(1, 7)
    )
    with pytest.raises(DataError, match=re.escape(text)):
        readers.read_bytes(_xlsx("A1:D6", cells), "f.xlsx")


def test_a_workbook_that_unzips_past_the_budget_is_refused_before_unzipping(monkeypatch):
    monkeypatch.setenv("ORGSIM_BUDGET_DATA_UNPACKED_BYTES", "1000")
    with pytest.raises(DataError, match=r"unpacks to .* over the 1,000-byte budget"):
        readers.read_bytes(BOMB_XLSX, "f.xlsx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_with_no_writer_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "deals.csv"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    assert main(["calibrate", "--deals", str(fifo), "--out", str(tmp_path / "c.yaml")]) == 2
    assert time.perf_counter() - t0 < 5


def test_rows_are_named_as_the_spreadsheet_shows_them_past_a_quoted_bare_cr(tmp_path, capsys):
    """A quoted cell holding a bare CR, and an empty row: the bad amount is still on row 6."""
    rows = [*GOOD[:3], '7,"two\rlines",Closed Won,100,2024-01-02,2024-02-02,Ana', ",,,,,,"]
    rows.append("8,G,Closed Won,12x,2024-01-02,2024-02-02,Ana")
    path = tmp_path / "deals.csv"
    path.write_bytes((HEADER + "\n".join([*rows, *GOOD[3:]]) + "\n").encode())
    assert main(["calibrate", "--deals", str(path), "--out", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "deals.csv, row 7, column 'Amount': not an amount: '12x'" in err, err


def test_e_notation_amounts_are_read_as_numbers(tmp_path, capsys):
    """The example's deals with every amount in E-notation give the same ACV median ($30,187),
    not $3.29 (digits stripped of the exponent's sign and letters)."""
    lines = (EXAMPLE / "deals.csv").read_text(encoding="utf-8").splitlines()
    import csv

    table = list(csv.reader(lines))
    amount = table[0].index("Amount")
    for row in table[1:]:
        text = row[amount].replace("$", "").replace(",", "").strip()
        if text:
            row[amount] = f"{float(text):.3E}" if len(text) < 9 else f"{float(text):.6E}"
    path = tmp_path / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)
    assert "E+04" in path.read_text(encoding="utf-8")
    out = tmp_path / "c.yaml"
    assert main(["calibrate", "--deals", str(path), "--out", str(out)]) == 0
    ref = tmp_path / "ref.yaml"
    assert main(["calibrate", "--deals", str(EXAMPLE / "deals.csv"), "--out", str(ref)]) == 0
    got = load_scenario(out).segments[0].acv.median
    want = load_scenario(ref).segments[0].acv.median
    assert got == pytest.approx(30_187, rel=0.01)
    assert got == pytest.approx(want, rel=0.002)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("2.980E+04", 29_800.0),
        ("1.5e5", 150_000.0),
        ("$9,000.00", 9_000.0),
        ("USD 1,234", 1_234.0),
        ("1'234.50", 1_234.5),
    ],
)
def test_amounts_in_every_common_writing(cell, value):
    import numpy as np
    import pandas as pd

    from sim.calibrate.parsing import parse_amounts

    parsed, _ = parse_amounts(pd.Series([cell, "10"]), "f", "Amount", np.array([2, 3]))
    assert not parsed.problems
    assert parsed.values.iloc[0] == value


def test_comma_decimal_amounts_follow_the_columns_convention():
    import numpy as np
    import pandas as pd

    from sim.calibrate.parsing import parse_amounts

    cells = pd.Series(["1.234,56", "12,5", "€ 1 234,50", "3"])
    parsed, currency = parse_amounts(cells, "f", "Amount", np.arange(4) + 2)
    assert parsed.values.tolist() == [1234.56, 12.5, 1234.5, 3.0] and currency == "EUR"


def test_non_finite_and_unreadable_amounts_are_refused_each_with_its_own_value(tmp_path, capsys):
    bad = ["1e400", "9" * 400, "12x", "7y"]
    rows = [f"{10 + i},Z,Closed Won,{v},2024-01-02,2024-02-02,Ana" for i, v in enumerate(bad)]
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "\n".join([*GOOD, *rows]) + "\n", encoding="utf-8")
    assert main(["calibrate", "--deals", str(path), "--out", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "row 8, column 'Amount': not a finite amount: '1e400'" in err
    assert "row 9, column 'Amount': not a finite amount: '999" in err
    assert "row 10, column 'Amount': not an amount: '12x'" in err
    assert "'12x' (and 1 more rows like it)" in err  # three rows listed, the rest counted
    assert not (tmp_path / "c.yaml").exists()


def test_a_year_9999_date_names_file_row_and_column(tmp_path, capsys):
    rows = [*GOOD[:2], "9,X,Closed Won,100,2024-01-05,9999-12-31,Ana", *GOOD[2:]]
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["calibrate", "--deals", str(path), "--out", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "deals.csv, row 4, column 'Close Date': date out of range: '9999-12-31'" in err, err
    assert "nanosecond" not in err


def test_escapes_and_direction_overrides_in_cells_are_printed_harmless(tmp_path, capsys):
    evil = "\x1b[2J\x1b]8;;http://x\x07click\u202eabc"
    rows = [*GOOD, f'7,G,Closed Won,"{evil}",2024-01-02,2024-02-02,Ana']
    path = tmp_path / "deals\x1b[31m.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["calibrate", "--deals", str(path), "--out", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert "\\x1b[2J" in err and "\\u202e" in err
    assert printable("tab\there") == "tab here"


def test_a_named_pipe_as_a_scenario_file_is_refused_not_waited_on(tmp_path, capsys):
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes")
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    assert main(["validate", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert time.perf_counter() - t0 < 5


def test_the_calibrate_page_refuses_the_xlsx_bomb_naming_row_and_column():
    """The page reads uploads with the same reader and budget as the command line."""
    from streamlit.testing.v1 import AppTest

    page = str(ROOT / "ui" / "pages" / "calibrate.py")
    at = AppTest.from_file(page, default_timeout=120).run(timeout=120)
    at.session_state["cal.raw_bytes"] = {"deals": ("bomb.xlsx", BOMB_XLSX)}
    at.run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(e.value for e in at.error).replace("\\", "")  # shown Markdown-escaped
    assert "bomb.xlsx, row 1048576, column 'XFD'" in text and "1,000 columns" in text, text


def test_an_ambiguous_amount_column_says_how_it_was_read():
    """'1,234' alone could be 1234 or 1.234: read one way, and the note says so aloud."""
    import numpy as np
    import pandas as pd

    from sim.calibrate.parsing import parse_amounts

    parsed, _ = parse_amounts(pd.Series(["1,234", "5,000"]), "f", "Amount", np.array([2, 3]))
    assert parsed.values.tolist() == [1234.0, 5000.0]
    assert "'1,234' read as 1234" in parsed.note and "would make it 1.234" in parsed.note


def test_a_real_workbook_reads_the_same_as_its_csv(tmp_path):
    """The example's deals saved by openpyxl (dates as dates, amounts as numbers, shared
    strings) give the same table as the CSV: the streaming reader misses nothing."""
    import csv
    import datetime

    from openpyxl import Workbook

    rows = list(csv.reader((EXAMPLE / "deals.csv").open(encoding="utf-8")))
    amount, created = rows[0].index("Amount"), rows[0].index("Create Date")
    book = Workbook()
    sheet = book.active
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        text = row[amount].replace("$", "").replace(",", "").strip()
        cells[amount] = float(text) if text else None
        cells[created] = datetime.datetime.strptime(row[created], "%Y-%m-%d %H:%M")
        sheet.append(cells)
    path = tmp_path / "deals.xlsx"
    book.save(path)
    xlsx, csv_table = readers.read_path(path), readers.read_path(EXAMPLE / "deals.csv")
    assert xlsx.frame.shape == csv_table.frame.shape
    assert list(xlsx.frame.columns) == list(csv_table.frame.columns)
    assert (xlsx.frame["Deal Stage"] == csv_table.frame["Deal Stage"]).all()
    assert xlsx.frame["Create Date"].str.startswith("2022-01-07 08:18").iloc[0]
    assert xlsx.row_number(len(xlsx.frame) - 1) == len(rows)
