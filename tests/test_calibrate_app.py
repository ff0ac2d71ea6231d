"""The Calibrate page in Streamlit's test harness: the example end to end, and a bad file.

The page runs on its own (not through the landing page), so no comparison is simulated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "ui" / "pages" / "calibrate.py")
TIMEOUT = 120


@pytest.fixture
def calib(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ORGSIM_APP_REPS", "4")
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(timeout=TIMEOUT)


def test_example_company_estimates_backtests_and_becomes_the_scenario(calib):
    at = calib
    assert not at.exception and at.title[0].value == "Calibrate from your CRM data"
    at.button(key="cal.example").click().run(timeout=TIMEOUT)
    at.button(key="cal.run").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    # labels and values in their units, not field paths and raw floats
    assert any("Win rate" in x for x in table["Estimate"]), list(table["Estimate"])
    assert not [x for x in table["Estimate"] if "segments." in x]
    # two segments: each row says whose number it is
    assert len({x for x in table["Estimate"] if x.endswith("Win rate %")}) == 2
    assert (table["90% interval"] != "—").sum() > 15
    assert not [x for x in table["Value"] if re.fullmatch(r"\d+\.\d{4,}", x)]
    season = table[table["Estimate"] == "Inbound season (12 monthly multipliers)"]
    assert len(season) == 1 and "busiest" in season["Value"].iloc[0], list(table["Estimate"])
    at.button(key="cal.bt").click().run(timeout=TIMEOUT)
    inside = {m.label: float(m.value.rstrip("%")) for m in at.metric}
    assert "Months of wins inside the band" in inside
    # the example passes its own back-test: no warning, both series at 70% or more
    assert min(inside.values()) >= 70 and not at.warning, (inside, [w.value for w in at.warning])
    at.button(key="cal.use").click().run(timeout=TIMEOUT)
    sc = at.session_state["scenario"]
    assert sc.sources["segments.0.win_rate"].startswith("calibrated: deals.csv")
    assert at.session_state["origin"] == "upload:deals.csv (calibrated)"


def test_bad_file_shows_file_row_and_column(calib):
    at = calib
    bad = (
        b"Record ID,Deal Stage,Amount,Create Date,Close Date\n"
        b"1,Closed Won,-5,2024-01-01,2024-02-01\n"
    )
    at.session_state["cal.raw_bytes"] = {"deals": ("crm.csv", bad)}
    at.run(timeout=TIMEOUT)
    at.button(key="cal.run").click().run(timeout=TIMEOUT)
    assert not at.exception
    text = "\n".join(e.value for e in at.error).replace("\\", "")  # the data's text, escaped
    assert "crm.csv, row 2, column 'Amount': negative amount -5" in text
    assert "nothing was estimated" in text
