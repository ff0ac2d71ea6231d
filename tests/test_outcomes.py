"""The outcome registry (`sim.outcomes`) is complete: every KPI the metrics produce is
declared there and every declared outcome is produced; the docs' KPI table, the screens'
formats and the objectives agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make

import sim
from sim.outcomes import ARTICLE_METRICS, MONEY_OBJECTIVES, OUTCOMES, outcome
from sim.params import OBJECTIVES
from sim.text import kpi_label
from ui.text import kpi_kind

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def produced() -> set[str]:
    """The KPI columns of a compared scenario (one run's KPIs and the paired ones)."""
    scenario = make(horizon_months=13)
    run = sim.simulate(scenario, "revops", replication=0, seed=1)
    reps = sim.run_replications(scenario, replications=2, seed=1)
    columns = set(reps.kpis.columns) - {"setup", "replication", "seed"}
    assert set(run.kpis) <= columns
    return columns


def test_every_kpi_produced_is_an_outcome_and_every_outcome_is_produced(produced):
    missing = sorted(k for k in produced if k not in OUTCOMES and not k.startswith("ending_arr_"))
    assert not missing, f"KPIs without an outcome in sim.outcomes: {missing}"
    segments = {k for k in produced if k.startswith("ending_arr_")}
    assert segments and all(outcome(k).id == "ending_arr_segment" for k in segments)
    never = sorted(set(OUTCOMES) - produced - {"ending_arr_segment"})
    assert not never, f"outcomes the metrics never produce: {never}"


def test_the_objectives_are_the_outcomes_that_can_decide():
    assert {k for k, o in OUTCOMES.items() if o.objective} == set(OBJECTIVES)
    assert set(OBJECTIVES) - {"ops_roi"} == MONEY_OBJECTIVES
    assert all(OUTCOMES[k].direction == "higher" for k in OBJECTIVES)


def test_the_article_table_lists_outcomes_and_their_formats_come_from_the_registry():
    for rows in ARTICLE_METRICS.values():
        for kpi, _label in rows:
            assert kpi in OUTCOMES and OUTCOMES[kpi].groups
    assert kpi_kind("logo_churn_monthly") == "pct2"
    assert kpi_kind("ending_arr_smb") == "money"
    assert kpi_kind("ops_roi") == "multiple"
    assert kpi_label("wins") == "Wins" and kpi_label("win_rate") == "Win rate (close rate)"


def test_the_docs_kpi_table_names_every_outcome_and_nothing_else():
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    start = text.index("Volumes and states\n\n| KPI |")
    end = text.index("**Monthly series.**", start)
    cells = re.findall(r"^\| ([^|]+) \|", text[start:end], re.M)
    documented = {k for cell in cells for k in re.findall(r"`([a-z_0-9<>]+)`", cell)}
    documented = {"ending_arr_segment" if k == "ending_arr_<segment>" else k for k in documented}
    assert documented == set(OUTCOMES), (
        f"in the docs only: {sorted(documented - set(OUTCOMES))}; "
        f"in the registry only: {sorted(set(OUTCOMES) - documented)}"
    )
