"""Experiments: results independent of workers and processes, common random numbers, batches."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make

import sim
from sim.experiments import run_experiment, run_replications, variants_from

SEED = 5
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def short():
    """The reference company over 12 months."""
    return make(horizon_months=12)


def frame_hash(frame: pd.DataFrame) -> str:
    """A content hash of a frame, exact to the last bit of every float."""
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


def test_results_do_not_depend_on_the_number_of_workers(short):
    """workers=1 (in process) and workers=2 (process pool) give identical tables."""
    one = run_replications(short, 4, SEED, workers=1)
    two = run_replications(short, 4, SEED, workers=2)
    pd.testing.assert_frame_equal(one.kpis, two.kpis)
    pd.testing.assert_frame_equal(one.monthly, two.monthly)
    assert frame_hash(one.kpis) == frame_hash(two.kpis)


_CHILD = """
import hashlib, sys
import sim
scenario = sim.load_scenario(sys.argv[1])
reps = sim.run_replications(scenario, 3, int(sys.argv[2]), workers=1)
print(hashlib.sha256(reps.kpis.to_csv(index=False, float_format="%.17g").encode()).hexdigest())
"""


def test_results_are_identical_in_separate_processes(short, tmp_path):
    """Two fresh interpreters (different hash salts) reproduce this process's results."""
    path = tmp_path / "scenario.yaml"
    path.write_text(sim.scenario_to_yaml(short), encoding="utf-8")
    here = frame_hash(run_replications(sim.load_scenario(path), 3, SEED, workers=1).kpis)
    hashes = []
    for salt in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": salt}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), str(SEED)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
            check=True,
        )
        hashes.append(out.stdout.strip().splitlines()[-1])
    assert hashes == [here, here]


@pytest.mark.slow
def test_common_random_numbers_shrink_the_variance_of_paired_differences():
    """Paired (salesops - none) on the same futures varies at least 3x less than unpaired.

    The unpaired difference takes `none` from another seed: independent futures. SalesOps'
    effects are fixed at their modes and slots are ample, so what is left of the paired
    variance is what CRN cannot remove (the extra leads and wins the effects create); with
    uncertain effects the paired variance also carries the effects' own spread, which CRN
    rightly keeps.
    """
    modes = {
        "selling_time_share": 0.04,
        "win_rate": 0.015,
        "sales_cycle": -0.05,
        "response_time": -0.3,
        "lead_scoring_accuracy": 0.5,
    }
    scenario = make(horizon_months=24, **{"sales.reps": 30, "org.teams.salesops.effects": modes})
    n = 30
    same = run_replications(scenario, n, SEED, setups=["none", "salesops"], workers=1)
    other = run_replications(scenario, n, SEED + 1000, setups=["none"], workers=1)
    table = same.objective("cumulative_contribution")
    paired = (table["salesops"] - table["none"]).to_numpy()
    other_none = other.objective("cumulative_contribution")["none"].to_numpy()
    unpaired = table["salesops"].to_numpy() - other_none
    var_paired, var_unpaired = float(np.var(paired, ddof=1)), float(np.var(unpaired, ddof=1))
    assert var_paired > 0
    assert var_unpaired >= 3 * var_paired, (var_paired, var_unpaired)
    # and SalesOps' gain is visible on the paired differences
    assert paired.mean() > 2 * paired.std(ddof=1) / np.sqrt(n)


def test_batches_from_first_replication_concatenate_to_one_run(short):
    """Replications 0-2 then 3-4 (first_replication=3) equal replications 0-4 at once."""
    whole = run_replications(short, 5, SEED, workers=1)
    first = run_replications(short, 3, SEED, workers=1)
    second = run_replications(short, 2, SEED, workers=1, first_replication=3)
    assert sorted(second.kpis["replication"].unique()) == [3, 4]
    joined = first.extend(second)
    key = ["replication", "setup"]
    pd.testing.assert_frame_equal(
        joined.kpis.sort_values(key).reset_index(drop=True),
        whole.kpis.sort_values(key).reset_index(drop=True),
    )
    mkey = ["replication", "setup", "month"]
    pd.testing.assert_frame_equal(
        joined.monthly.sort_values(mkey).reset_index(drop=True),
        whole.monthly.sort_values(mkey).reset_index(drop=True),
    )
    assert joined.replications == 5


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_is_reported_after_each_replication_ending_at_n_of_n(short, workers):
    """progress(done, total) is called once per replication, done rising to total."""
    calls = []
    run_replications(
        short.with_changes(horizon_months=3),
        5,
        SEED,
        workers=workers,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(i, 5) for i in range(1, 6)]


def test_tables_are_tidy_with_the_baseline_first(short):
    """One KPI row per (setup, replication), one monthly row per month; `none` runs first."""
    reps = run_replications(short, 2, SEED, setups=["both", "salesops"], workers=1)
    assert reps.setups == ("none", "both", "salesops")
    assert len(reps.kpis) == 3 * 2
    assert len(reps.monthly) == 3 * 2 * 12
    assert set(reps.monthly["month"]) == set(range(1, 13))
    assert reps.replications == 2
    table = reps.objective("cumulative_contribution")
    assert list(table.columns) == ["none", "both", "salesops"]
    assert list(table.index) == [0, 1]


def test_ops_roi_is_the_paired_gain_over_the_ops_spend(short):
    """ops_roi = (contribution - baseline contribution) / ops cost; 0 for the baseline."""
    reps = run_replications(short, 2, SEED, workers=1)
    k = reps.kpis.set_index(["replication", "setup"])
    for r in range(2):
        base = k.loc[(r, "none"), "cumulative_contribution"]
        assert k.loc[(r, "none"), "ops_roi"] == 0.0
        for setup in ("salesops", "revops", "both"):
            row = k.loc[(r, setup)]
            assert row["ops_cost"] > 0
            assert row["ops_roi"] == pytest.approx(
                (row["cumulative_contribution"] - base) / row["ops_cost"]
            )


def test_runner_rows_equal_single_runs(short):
    """A runner row is exactly what `simulate` gives for that setup and replication."""
    reps = run_replications(short, 2, SEED, setups=["revops"], workers=1)
    one = sim.simulate(short, "revops", 1, SEED)
    row = reps.kpis[(reps.kpis.setup == "revops") & (reps.kpis.replication == 1)].iloc[0]
    for key, value in one.kpis.items():
        if key == "ops_roi":  # paired with the baseline by the runner only
            continue
        assert row[key] == value or (np.isnan(row[key]) and np.isnan(value)), key
    monthly = reps.monthly[(reps.monthly.setup == "revops") & (reps.monthly.replication == 1)]
    np.testing.assert_array_equal(monthly["mrr"].to_numpy(), one.monthly["mrr"].to_numpy())


def test_bad_requests_are_refused(short):
    """An unknown setup is a KeyError naming it; fewer than one replication is refused."""
    with pytest.raises(KeyError, match="nosuch"):
        run_replications(short, 1, SEED, setups=["nosuch"], workers=1)
    with pytest.raises(ValueError):
        run_replications(short, 0, SEED, workers=1)
    with pytest.raises(KeyError, match="nosuch"):
        sim.simulate(short, "nosuch", 0, SEED)


# ----------------------------------------------------------------------------- variants
def test_variant_rows_carry_the_variant_id_and_its_parameter_values(short):
    """Each row of an experiment says which variant made it and with which values."""
    variants = variants_from(short, [{"sales.reps": 6}, {"sales.reps": 10}], ids=["six", "ten"])
    exp = run_experiment(variants, 2, SEED, workers=1)
    assert list(exp.kpis.columns[:4]) == ["variant", "sales.reps", "setup", "replication"]
    by_variant = exp.kpis.groupby("variant")["sales.reps"].unique()
    assert by_variant["six"].tolist() == [6] and by_variant["ten"].tolist() == [10]
    # and each variant is the scenario it claims to be: more reps, more deal slots
    six, ten = exp.variant("six"), exp.variant("ten")
    assert six.scenario.sales.reps == 6 and ten.scenario.sales.reps == 10
    assert ten.kpis["deal_slot_utilization"].mean() < six.kpis["deal_slot_utilization"].mean()


def test_a_variant_equals_the_same_scenario_run_alone(short):
    """Running inside an experiment changes nothing: variant 'ten' is sales.reps=10 alone."""
    (ten,) = variants_from(short, [{"sales.reps": 10}], ids=["ten"])
    exp = run_experiment([ten], 2, SEED, workers=1)
    alone = run_replications(make(horizon_months=12, **{"sales.reps": 10}), 2, SEED, workers=1)
    pd.testing.assert_frame_equal(exp.variant("ten").kpis, alone.kpis)


def test_runs_shared_by_variants_are_simulated_once(short):
    """Two variants differing only in RevOps' cost share the runs without RevOps."""
    variants = variants_from(
        short,
        [{"org.teams.revops.cost_per_fte_month": c} for c in (17000, 12000)],
        ids=["now", "cheaper"],
    )
    exp = run_experiment(variants, 3, SEED, workers=1)
    # 4 setups x 3 replications for the first variant, then only revops and both again
    assert exp.runs_executed == 4 * 3 + 2 * 3
    none = exp.kpis[exp.kpis.setup == "none"].groupby("variant")["cumulative_contribution"]
    assert none.apply(list)["now"] == none.apply(list)["cheaper"]


def test_a_bad_variant_path_is_an_error_naming_the_field(short):
    """A misspelt parameter in a variant is refused with its path, never ignored."""
    with pytest.raises(sim.ScenarioError, match=r"sales\.repz"):
        variants_from(short, [{"sales.repz": 3}])
