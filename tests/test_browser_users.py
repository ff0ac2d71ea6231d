"""First-time users in a real browser: runs that finish tidy up, Cancel really goes back,
a Japanese session reads Japanese.

Reuses the server and browser of `test_browser` (one `streamlit run app.py` per test
session). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re

import pytest
import test_browser
from test_browser import ARTIFACTS, VERDICT_TIMEOUT_MS, _fill, _settle, _verdict

pytestmark = pytest.mark.browser

# the same fixtures: one server and one Chromium for both files
server, browser, page = test_browser.server, test_browser.browser, test_browser.page

PROGRESS = '[data-testid="stProgress"]'


def test_finished_explore_run_leaves_no_progress_bar(server, page):
    """The tornado's progress bar and its Cancel button go once the tornado is drawn."""
    page.goto(f"{server}/explore")
    page.get_by_role("button", name="Run the tornado").click()
    page.locator('[data-testid="stVegaLiteChart"]:visible').first.wait_for(
        timeout=VERDICT_TIMEOUT_MS
    )
    page.get_by_text("Facts (JSON)").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    assert page.locator(f"{PROGRESS}:visible").count() == 0
    assert page.get_by_role("button", name="Cancel").count() == 0
    page.screenshot(path=str(ARTIFACTS / "explore_done.png"))


def test_landing_breakevens_leave_no_progress_bar(server, page):
    """The landing page's *What would change it* tab clears its progress when done."""
    page.goto(server)
    _verdict(page)
    _settle(page)
    page.get_by_role("tab").filter(has_text="What would change it").click()
    page.get_by_role("link", name=re.compile("Explore: tornado")).wait_for(
        timeout=VERDICT_TIMEOUT_MS
    )
    page.wait_for_timeout(1500)
    assert page.locator(f"{PROGRESS}:visible").count() == 0
    assert page.get_by_role("button", name="Cancel").count() == 0


def test_cancel_restores_the_form(server, page):
    """Run an edit, cancel it while it runs: the form shows the assumptions it went back to,
    nothing is marked unsaved, and the next Run does not re-submit the cancelled edit."""
    page.goto(f"{server}/assumptions")
    strip = page.locator(".st-key-assumptions_verdict")
    strip.wait_for(timeout=VERDICT_TIMEOUT_MS)
    reps = 'input[aria-label="Account executives (reps)"]:visible'
    page.get_by_role("tab", name="Sales team").click()
    before = page.locator(reps).input_value()
    _fill(page, "Run settings", "Fixed number of replications", "400")
    _fill(page, "Sales team", "Account executives (reps)", str(int(before) + 6))
    page.get_by_role("button", name="Run with these assumptions").click()
    cancel = page.locator(".st-key-stale_answer button")
    cancel.wait_for(timeout=60_000)
    cancel.click()
    page.get_by_text("Cancelled: the previous assumptions").first.wait_for(timeout=60_000)
    strip.wait_for(timeout=VERDICT_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.get_by_role("tab", name="Sales team").click()
    assert page.locator(reps).input_value() == before
    assert page.get_by_text("Unsaved changes").count() == 0
    page.screenshot(path=str(ARTIFACTS / "cancel_restored.png"))


# ----------------------------------------------------------------------------- Japanese
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]+(?:[ ,\-/]+[A-Za-z][A-Za-z'’]+){2,}")
"""Three or more English words in a row: an English phrase left on a Japanese screen."""

UNTRANSLATABLE = {
    "Skip to main content",  # Streamlit's own accessibility link
    "MB per file",  # Streamlit's file uploader ("200MB per file"): not configurable
    "YAML, YML, JSON",  # the file types the uploader takes
}


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("", ".st-key-verdict"),
        ("assumptions", ".st-key-assumptions_verdict"),
        ("status", None),
    ],
    ids=["landing", "assumptions", "status"],
)
def test_a_japanese_session_shows_no_english_sentence(server, page, path, ready):
    page.goto(f"{server}/{path}?lang=ja")
    if ready:
        page.locator(ready).wait_for(timeout=VERDICT_TIMEOUT_MS)
    if path == "":
        page.get_by_role("button", name="KPI表（CSV）").wait_for(timeout=VERDICT_TIMEOUT_MS)
    page.wait_for_timeout(2000)
    text = page.locator('[data-testid="stApp"]').inner_text()
    english = {m.group(0) for m in ENGLISH_RUN.finditer(text)} - UNTRANSLATABLE
    assert not english, english
    if path == "status":
        assert not re.search(r"\d+中\d+", text), text  # "2 / 2", not "2中2"
    page.screenshot(path=str(ARTIFACTS / f"ja_{path or 'landing'}.png"))
