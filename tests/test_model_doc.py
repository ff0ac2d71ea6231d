"""docs/MODEL.md's KPI and series tables agree with what `sim.metrics` computes."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import make

import sim
from sim.metrics import MONTHLY_SERIES

MODEL_DOC = Path(__file__).resolve().parents[1] / "docs" / "MODEL.md"


def _documented_names(section: str, until: str = "\n## ") -> set[str]:
    """Backquoted names in the first column of the tables of one part of MODEL.md."""
    text = MODEL_DOC.read_text(encoding="utf-8")
    start = text.index(section)
    end = text.find(until, start + len(section))
    names: set[str] = set()
    for line in text[start : end if end > 0 else None].splitlines():
        cell = line.split("|")[1] if line.startswith("|") else ""
        names.update(re.findall(r"`([a-z_0-9<>]+)`", cell))
    return names


def test_every_kpi_the_metrics_compute_is_documented_and_nothing_more():
    """A KPI added to sim.metrics without a formula in MODEL.md (or the reverse) fails here."""
    run = sim.simulate(make(horizon_months=14), "both", replication=0, seed=3)
    computed = {k for k in run.kpis if not k.startswith("ending_arr_")} | {"ending_arr_<segment>"}
    documented = _documented_names("## KPI definitions", until="**Monthly series.**")
    assert computed - documented == set(), "computed but not documented"
    assert documented - computed == set(), "documented but not computed"


def test_every_monthly_series_is_documented():
    """The monthly series table lists exactly `sim.metrics.MONTHLY_SERIES`."""
    documented = _documented_names("**Monthly series.**")
    assert set(MONTHLY_SERIES) <= documented
