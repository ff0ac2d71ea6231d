"""Column mapping: HubSpot and Salesforce headers, renamed columns, user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.calibrate import DataError, detect
from sim.calibrate.mapping import require, with_overrides

HUBSPOT = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Amount",
    "Create Date",
    "Close Date",
    "Pipeline",
    "Deal owner",
]
SALESFORCE = [
    "Opportunity ID",
    "Opportunity Name",
    "Stage",
    "Amount",
    "Created Date",
    "Close Date",
    "Closed",
    "Won",
    "Opportunity Owner",
]


def test_hubspot_deals_headers():
    m = detect("deals", HUBSPOT)
    assert m.flavour == "HubSpot" and not m.missing
    assert m.columns == {
        "id": "Record ID",
        "name": "Deal Name",
        "stage": "Deal Stage",
        "amount": "Amount",
        "created": "Create Date",
        "closed": "Close Date",
        "pipeline": "Pipeline",
        "owner": "Deal owner",
    }
    assert set(m.how.values()) == {"exact"}


def test_salesforce_opportunity_headers():
    m = detect("deals", SALESFORCE)
    assert m.flavour == "Salesforce" and not m.missing
    assert m.columns["won"] == "Won" and m.columns["is_closed"] == "Closed"
    assert m.columns["created"] == "Created Date" and m.columns["owner"] == "Opportunity Owner"
    assert m.columns["stage"] == "Stage"


def test_renamed_columns_are_found_and_say_how():
    m = detect(
        "deals",
        [
            "deal_id",
            "Opportunity Created On",
            "DEAL VALUE (USD)",
            "Date closed",
            "Sales Stage",
            "Rep / Owner",
            "Customer segment",
        ],
    )
    assert m.columns["created"] == "Opportunity Created On"
    assert m.columns["amount"] == "DEAL VALUE (USD)"
    assert m.columns["closed"] == "Date closed"
    assert m.columns["stage"] == "Sales Stage"
    assert m.columns["owner"] == "Rep / Owner"
    assert m.columns["segment"] == "Customer segment"
    assert m.how["created"] == "words"
    assert {r["role"]: r["how"] for r in m.rows()}["closed"] in {
        "known header",
        "header contains the words",
    }


def test_leads_and_customers_headers():
    leads = detect(
        "leads",
        [
            "Create Date",
            "Became a Marketing Qualified Lead Date",
            "Became a Sales Qualified Lead Date",
            "Original Source",
        ],
    )
    assert leads.columns["mql"].startswith("Became a Marketing") and not leads.missing
    cust = detect("customers", ["Customer ID", "Start Date", "Cancel Date", "MRR", "Initial MRR"])
    assert cust.columns["mrr"] == "MRR" and cust.columns["initial_mrr"] == "Initial MRR"


def test_missing_required_role_names_file_row_and_headers():
    m = detect("deals", ["Deal Name", "Amount", "Create Date"])
    assert m.missing == ("closed",)
    with pytest.raises(DataError) as err:
        require(m, "deals.csv")
    text = str(err.value)
    assert "deals.csv, row 1" in text and "column 'Close Date'" in text
    assert "Headers found: Deal Name, Amount, Create Date" in text and "--map deals.closed" in text


def test_user_override_replaces_and_unknown_column_is_an_error():
    m = detect("deals", ["Deal Name", "Amount", "Create Date", "Expected close", "Closed On"])
    fixed = with_overrides(m, {"closed": "Closed On"}, "d.csv")
    assert fixed.columns["closed"] == "Closed On" and fixed.how["closed"] == "user"
    assert not fixed.missing
    with pytest.raises(DataError, match="no column 'Nope'"):
        with_overrides(m, {"closed": "Nope"}, "d.csv")
    with pytest.raises(DataError, match="no role 'when'"):
        with_overrides(m, {"when": "Closed On"}, "d.csv")


def test_xlsx_export_reads_like_its_csv(tmp_path):
    from openpyxl import Workbook

    from sim.calibrate import read_bytes, read_path

    csv_path = Path(__file__).resolve().parent.parent / "examples/lumen_ledger/opportunities.csv"
    raw = read_path(csv_path)
    book = Workbook()
    sheet = book.active
    sheet.append(list(raw.frame.columns))
    for row in raw.frame.head(50).itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "opps.xlsx"
    book.save(path)
    xlsx = read_bytes(path.read_bytes(), "opps.xlsx")
    assert list(xlsx.frame.columns) == list(raw.frame.columns)
    assert xlsx.frame.equals(raw.frame.head(50).reset_index(drop=True))
    assert detect("deals", list(xlsx.frame.columns)).flavour == "Salesforce"
