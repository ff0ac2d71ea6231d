"""`python -m sim calibrate`: the example export end to end, and every kind of bad file
exits with code 2 naming the file, the row and the column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumen_ledger"
HEADER = "Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Deal owner\n"
GOOD = [
    "1,A,Closed Won,12000,2024-01-05,2024-02-20,Ana",
    "2,B,Closed Lost,9000,2024-01-10,2024-03-01,Ben",
    "3,C,Closed Won,15000,2024-02-01,2024-03-15,Ana",
    "4,D,Closed Lost,,2024-02-11,2024-04-01,Ben",
    "5,E,Closed Won,11000,2024-03-01,2024-04-20,Ana",
    "6,F,Qualified To Buy,,2024-04-01,,Ben",
]


def _run(tmp_path: Path, *args: str) -> int:
    return main(["calibrate", *args, "--out", str(tmp_path / "c.yaml")])


def test_example_export_calibrates_and_backtest_reports_its_coverage(tmp_path, capsys):
    report = tmp_path / "bt.json"
    rc = _run(
        tmp_path,
        "--deals",
        str(EXAMPLE / "deals.csv"),
        "--leads",
        str(EXAMPLE / "leads.csv"),
        "--customers",
        str(EXAMPLE / "customers.csv"),
        "--backtest",
        str(report),
        "--reps",
        "20",
    )
    out = capsys.readouterr().out
    assert rc == 0, out
    sc = load_scenario(tmp_path / "c.yaml")
    assert [s.name for s in sc.segments] == ["Mid-Market", "SMB"]
    src = sc.sources
    assert src["segments.1.win_rate"].startswith("calibrated: deals.csv, ")
    assert "90% CI" in src["segments.1.win_rate"] and "closed deals" in src["segments.1.win_rate"]
    assert "censored" in src["segments.0.sales_cycle_days.mean"]
    assert src["costs.gross_margin"].startswith("base default.yaml (not in the data)")
    assert src["market.audience_size"].startswith("calibrated:")
    assert 0.19 < sc.segments[0].win_rate < 0.24 and 0.23 < sc.segments[1].win_rate < 0.28
    bt = json.loads(report.read_text())
    assert set(bt["coverage"]) == {"wins", "new_arr"}
    assert all(0 <= v <= 1 for v in bt["coverage"].values())
    assert bt["months_compared"] >= 24 and len(bt["months"]) == bt["months_compared"]
    assert "months inside the 90% band: wins" in out


def test_salesforce_report_gives_the_same_win_rate(tmp_path, capsys):
    assert _run(tmp_path, "--deals", str(EXAMPLE / "opportunities.csv")) == 0
    out = capsys.readouterr().out
    assert "Salesforce layout" in out and "outcome from 'Closed' and 'Won'" in out
    sc = load_scenario(tmp_path / "c.yaml")
    assert abs(sc.segments[0].win_rate - 591 / 2468) < 1e-9  # 213 + 378 won of 2468 closed
    assert "less" in sc.sources["market.inbound_mqls_per_month"]


BAD = {
    "missing column": (
        "Deal Name,Amount,Create Date\nA,100,2024-01-01\n",
        ["row 1", "column 'Close Date'", "missing column for 'closed'"],
    ),
    "unparseable date": (
        HEADER + "\n".join(GOOD[:3]) + "\n9,X,Closed Won,100,2024-13-45,2024-02-01,Ana\n",
        ["row 5", "column 'Create Date'", "not a date: '2024-13-45'"],
    ),
    "mixed currencies": (
        HEADER + "\n".join(GOOD) + "\n7,G,Closed Won,€5000,2024-01-02,2024-02-02,Ana\n"
        "8,H,Closed Won,$5000,2024-01-02,2024-02-02,Ana\n9,I,Closed Won,$5000,2024-01-02,"
        "2024-02-02,Ana\n",
        ["row 8", "column 'Amount'", "mixed currencies"],
    ),
    "negative amount": (
        HEADER + "\n".join(GOOD) + "\n7,G,Closed Won,-1200,2024-01-02,2024-02-02,Ana\n",
        ["row 8", "column 'Amount'", "negative amount -1200"],
    ),
    "close before create": (
        HEADER + "\n".join(GOOD) + "\n7,G,Closed Won,1200,2024-05-02,2024-02-02,Ana\n",
        ["row 8", "column 'Close Date'", "before it was created"],
    ),
    "duplicate id": (
        HEADER + "\n".join(GOOD) + "\n3,G,Closed Won,1200,2024-01-02,2024-02-02,Ana\n",
        ["row 8", "column 'Record ID'", "duplicate id '3' (first seen on row 4)"],
    ),
    "empty file": ("", ["deals.csv: the file is empty"]),
    "header only": (HEADER, ["row 2", "no data rows"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_exits_2_naming_file_row_and_column(case, tmp_path, capsys):
    text, expected = BAD[case]
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    assert _run(tmp_path, "--deals", str(path)) == 2
    err = capsys.readouterr().err
    assert "deals.csv" in err
    for piece in expected:
        assert piece in err, (case, err)
    assert not (tmp_path / "c.yaml").exists()


def test_a_file_past_the_row_budget_is_refused_naming_the_row(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ORGSIM_BUDGET_DATA_ROWS", "1000")
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "\n".join(GOOD * 200) + "\n", encoding="utf-8")
    assert _run(tmp_path, "--deals", str(path)) == 2
    err = capsys.readouterr().err
    assert "deals.csv, row 1002" in err and "more than 1,000 data rows" in err


def test_ambiguous_day_month_dates_ask_for_the_format(tmp_path, capsys):
    rows = [
        "1,A,Closed Won,100,03/04/2024,05/06/2024,Ana",
        "2,B,Closed Lost,100,01/02/2024,02/03/2024,Ana",
    ] * 3
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "\n".join(f"{i}{r[1:]}" for i, r in enumerate(rows)) + "\n")
    assert _run(tmp_path, "--deals", str(path)) == 2
    assert "--date-format" in capsys.readouterr().err
    assert _run(tmp_path, "--deals", str(path), "--date-format", "%d/%m/%Y") == 0


def test_bad_map_option_exits_2(tmp_path, capsys):
    assert _run(tmp_path, "--deals", str(EXAMPLE / "deals.csv"), "--map", "created=X") == 2
    assert "KIND.ROLE=COLUMN" in capsys.readouterr().err
