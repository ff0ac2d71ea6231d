"""ui.warmup: what a server does before it takes visitors."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.executors import worker_pids
from ui.warmup import page_imports, warm_up

ROOT = Path(__file__).resolve().parent.parent


def test_the_page_imports_are_read_from_the_page_scripts_without_running_them():
    names = page_imports()
    assert "streamlit" in names
    assert "sim.verdict" in names  # the landing page's
    assert "ui.runs" in names  # `from ui import runs`
    assert all(not name.startswith(".") for name in names)


def test_warm_up_imports_the_pages_modules_starts_the_pool_and_freezes_what_it_made():
    try:
        figures = warm_up(workers=2)
        assert figures["modules"] > 10
        assert "ui.verdict" in sys.modules
        assert len(worker_pids()) >= 2
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


FIRST_RUN = """
import json, sys
from ui.warmup import warm_up
warm_up(workers=1)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
before = set(sys.modules)
at.run()
assert not at.exception, at.exception
print(json.dumps(sorted(set(sys.modules) - before)))
"""
LIBRARIES = ("sim", "ui", "altair", "narwhals", "pandas", "pyarrow", "numpy", "babel", "yaml")


@pytest.mark.timeout(180)
def test_after_the_warm_up_a_first_landing_page_run_imports_none_of_the_apps_libraries():
    """In a fresh process: what the landing page imports was imported by the warm-up."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN],
        cwd=ROOT,
        env={**os.environ, "ORGSIM_APP_REPS": "8"},
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert [m for m in imported if m.split(".")[0] in LIBRARIES] == []
