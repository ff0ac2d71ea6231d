"""Load and long fault tests, run in CI (`.ci/run`) and skipped by default (too slow).

Set ORGSIM_LOAD_TESTS=1 to run them:

* eight real browser sessions open the default scenario on a real server (`serve.py`) at
  once: every one gets its verdict, the Status page counts one computation, and the web
  server's health check, polled every 50 ms throughout, answers with a p99 under 500 ms.
  The goal is 200 ms: on an idle 2-core machine, with the eight browsers on the same two
  cores, runs measure 73-312 ms (median about 130 ms; 2 of 9 over 200 ms in one series), so
  the gate keeps a margin for a run in the tail;
* eight AppTest sessions do the same in-process (the comparison is computed once);
* a worker of a running `python -m sim compare` is killed: same JSON as a clean run;
* conservation over 1,000 random valid scenarios.

Figures go to tests/artifacts/load.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit_server import health_poller, streamlit_server
from test_app_concurrency import open_together
from test_conservation_fuzz import fuzz
from test_faults import DEFAULT, _start, _workers

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
SESSIONS = 8
HEALTH_P99_S = 0.5
VERDICT_TIMEOUT_MS = 240_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("ORGSIM_LOAD_TESTS") != "1",
        reason="load tests run in CI; set ORGSIM_LOAD_TESTS=1 to run them here",
    ),
]


def _record(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "load.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = figures
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\n{name}: {figures}")


@pytest.fixture
def server():
    """A fresh `streamlit run serve.py` on a free port, at the app's real settings."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the load test needs a real browser")
    env = {k: v for k, v in os.environ.items() if k != "ORGSIM_APP_REPS"}
    with streamlit_server(env, ARTIFACTS / "load_server.log") as url:
        yield url


@pytest.mark.timeout(600)
def test_eight_browser_sessions_get_their_verdicts_while_health_stays_fast(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            pages = [browser.new_context().new_page() for _ in range(SESSIONS)]
            with health_poller(server) as polled:
                start = time.perf_counter()
                for page in pages:
                    page.goto(server)
                landed = []
                for page in pages:
                    page.locator(".st-key-verdict").wait_for(
                        state="visible", timeout=VERDICT_TIMEOUT_MS
                    )
                    landed.append(time.perf_counter() - start)
                texts = {p.locator(".st-key-verdict").inner_text() for p in pages}
            status = pages[0]
            status.goto(f"{server}/status")
            status.locator(".st-key-service_state").wait_for(timeout=60_000)
            status.get_by_text("Shared with waiting sessions").wait_for(timeout=60_000)
            metrics = {}
            for box in status.locator('[data-testid="stMetric"]').all():
                label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
                value = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
                metrics[label] = value
        finally:
            browser.close()
    latencies, failures = polled["latencies"], polled["failures"]
    ordered = sorted(latencies)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    figures = {
        "sessions": SESSIONS,
        "landing_s_max": round(max(landed), 2),
        "landing_s_median": round(statistics.median(landed), 2),
        "health_polls": len(latencies),
        "health_failures": failures[0],
        "health_p50_ms": round(1000 * statistics.median(ordered), 1),
        "health_p99_ms": round(1000 * p99, 1),
        "health_max_ms": round(1000 * ordered[-1], 1),
        "comparisons_computed": metrics.get("Comparisons computed"),
        "shared": metrics.get("Shared with waiting sessions"),
    }
    _record("eight_browser_sessions", figures)
    assert len(texts) == 1
    assert failures[0] == 0
    assert p99 < HEALTH_P99_S, figures
    assert metrics["Comparisons computed"] == "1", metrics


@pytest.mark.timeout(600)
def test_eight_apptest_sessions_compute_the_default_scenario_once():
    open_together(SESSIONS)


@pytest.mark.timeout(120)
def test_a_worker_killed_mid_run_is_retried_and_the_answer_is_unchanged():
    """SIGKILL one worker of a running comparison: same JSON as an undisturbed run."""
    args = ["--reps", "24", "--horizon", "12", "--no-explain", "--quiet", "--format", "json"]
    clean = subprocess.run(
        [sys.executable, "-m", "sim", "compare", DEFAULT, *args, "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    proc = _start(*args, "--workers", "2")
    try:
        victim = _workers(proc)[0]
        victim.kill()
        assert proc.poll() is None  # killed while the comparison was running
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert json.loads(out) == json.loads(clean.stdout)


@pytest.mark.timeout(900)
def test_conservation_over_a_thousand_random_valid_scenarios():
    start = time.perf_counter()
    draws, failures = fuzz(1000, seed=1)
    _record(
        "conservation_fuzz",
        {
            "scenarios": 1000,
            "draws": draws,
            "failures": len(failures),
            "seconds": round(time.perf_counter() - start, 1),
        },
    )
    assert failures == [], failures[:5]
