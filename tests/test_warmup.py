"""ui.warmup: what a server does before it takes visitors."""

from __future__ import annotations

import gc
import sys

from sim.executors import worker_pids
from ui.warmup import page_imports, warm_up


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
