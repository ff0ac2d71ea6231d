"""The run cache: keyed by what a run depends on, so edits re-run only what they change."""

from __future__ import annotations

import pytest
from conftest import make

from sim.cache import RunCache, run_key
from sim.experiments import run_replications

SEED = 2


@pytest.fixture(scope="module")
def short():
    """The reference company over 6 months."""
    return make(horizon_months=6)


def _revops_cost(scenario, cost):
    return make(horizon_months=6, **{"org.teams.revops.cost_per_fte_month": cost})


def test_a_change_of_revops_cost_reruns_only_the_setups_with_revops(short):
    """Count the runs: the second compare simulates revops and both, nothing else."""
    cache = RunCache()
    first = run_replications(short, 3, SEED, workers=1, cache=cache)
    assert first.runs_executed == 4 * 3
    second = run_replications(_revops_cost(short, 12_000), 3, SEED, workers=1, cache=cache)
    assert second.runs_executed == 2 * 3
    cached = second.kpis[second.kpis.setup.isin(["none", "salesops"])].reset_index(drop=True)
    fresh = first.kpis[first.kpis.setup.isin(["none", "salesops"])].reset_index(drop=True)
    assert cached.drop(columns="ops_roi").equals(fresh.drop(columns="ops_roi"))
    # the re-run setups did change: RevOps now costs less
    revops = second.kpis[second.kpis.setup == "revops"]["ops_cost"]
    assert (revops < first.kpis[first.kpis.setup == "revops"]["ops_cost"].to_numpy()).all()


def test_a_change_of_objective_or_name_runs_nothing(short):
    """What a run does not depend on is not in its key."""
    cache = RunCache()
    run_replications(short, 2, SEED, workers=1, cache=cache)
    again = run_replications(
        short.with_changes(objective="ending_arr", name="Renamed"), 2, SEED, workers=1, cache=cache
    )
    assert again.runs_executed == 0


def test_a_change_of_the_world_or_seed_misses(short):
    """A different market, horizon, replication or seed is a different run."""
    base = run_key(short, "none", 0, SEED)
    assert run_key(make(horizon_months=6, **{"sales.reps": 9}), "none", 0, SEED) != base
    assert run_key(make(horizon_months=7), "none", 0, SEED) != base
    assert run_key(short, "none", 1, SEED) != base
    assert run_key(short, "none", 0, SEED + 1) != base
    assert run_key(short, "revops", 0, SEED, levers=("price",)) != run_key(short, "revops", 0, SEED)


def test_cached_results_equal_fresh_ones(short):
    """A run answered from the cache is the very run that was simulated."""
    cache = RunCache()
    fresh = run_replications(short, 2, SEED, workers=1, cache=cache)
    cached = run_replications(short, 2, SEED, workers=1, cache=cache)
    assert cached.runs_executed == 0
    assert cached.kpis.equals(fresh.kpis)
    assert cached.monthly.equals(fresh.monthly)


def test_the_lru_keeps_at_most_its_size(short):
    """A bounded cache forgets the least recently used runs, and re-runs them on demand."""
    cache = RunCache(max_runs=4)
    run_replications(short, 2, SEED, workers=1, cache=cache)
    assert len(cache) == 4
    again = run_replications(short, 2, SEED, workers=1, cache=cache)
    assert again.runs_executed > 0


def test_the_disk_store_survives_a_new_cache_object(short, tmp_path):
    """Runs written as Parquet are found by a later cache on the same folder."""
    first = run_replications(short, 2, SEED, workers=1, cache=RunCache(path=tmp_path))
    assert list(tmp_path.glob("*.parquet"))
    later = RunCache(path=tmp_path)
    again = run_replications(short, 2, SEED, workers=1, cache=later)
    assert again.runs_executed == 0
    assert again.kpis.equals(first.kpis)


def test_a_damaged_disk_file_is_ignored_and_its_runs_redone(short, tmp_path):
    """A file cut short by a crash costs a re-run, never a wrong answer or a crash."""
    run_replications(short, 1, SEED, workers=1, cache=RunCache(path=tmp_path))
    (file,) = tmp_path.glob("*.parquet")
    file.write_bytes(file.read_bytes()[:50])
    again = run_replications(short, 1, SEED, workers=1, cache=RunCache(path=tmp_path))
    assert again.runs_executed == 4


def test_analysis_settings_other_than_the_horizon_leave_every_key_alone(short):
    """Objective, confidence, replication count and cap, sources and the layout the file used
    do not enter a run's key; the horizon does (seed and replication enter as arguments)."""
    from sim.cache import world_key

    judged = short.with_changes(
        objective="ops_roi", confidence=0.99, replications="auto", max_replications=50, seed=9
    )
    judged = judged.with_changes(sources={"sales.reps": "judgment"})
    assert world_key(judged) == world_key(short)
    for setup in short.setup_names:
        assert run_key(judged, setup, 0, SEED) == run_key(short, setup, 0, SEED)
    assert world_key(short.with_changes(horizon_months=7)) != world_key(short)


# ----------------------------------------------------------------------------- a disk not to trust
def _stored(tmp_path):
    (file,) = tmp_path.glob("runs-*.parquet")
    return file


def test_flipped_bytes_cost_a_rerun_with_the_same_answer(short, tmp_path, caplog):
    """Bytes flipped inside the stored runs (the key column still readable): the run is
    simulated again with the same answer, and the damage is logged once."""
    first = run_replications(short, 2, SEED, workers=1, cache=RunCache(path=tmp_path))
    file = _stored(tmp_path)
    data = bytearray(file.read_bytes())
    for at in range(len(data) // 3, 2 * len(data) // 3, 97):
        data[at] ^= 0xFF
    file.write_bytes(bytes(data))
    with caplog.at_level("WARNING", logger="orgsim.cache"):
        again = run_replications(short, 2, SEED, workers=1, cache=RunCache(path=tmp_path))
    assert again.runs_executed > 0
    assert again.kpis.equals(first.kpis)
    assert again.monthly.equals(first.monthly)
    assert len([r for r in caplog.records if file.name in r.getMessage()]) == 1


def test_a_tampered_value_is_detected_and_rerun(short, tmp_path, caplog):
    """One KPI value rewritten in a well-formed file: its checksum fails, that run is simulated
    again, the answer is the true one; the other runs of the file are still used."""
    import pandas as pd

    first = run_replications(short, 2, SEED, workers=1, cache=RunCache(path=tmp_path))
    file = _stored(tmp_path)
    frame = pd.read_parquet(file)
    values = frame.at[0, "kpi_values"].copy()
    values[0] += 1_000_000.0
    frame.at[0, "kpi_values"] = values
    frame.to_parquet(file, index=False)
    with caplog.at_level("WARNING", logger="orgsim.cache"):
        again = run_replications(short, 2, SEED, workers=1, cache=RunCache(path=tmp_path))
    assert again.runs_executed == 1
    assert again.kpis.equals(first.kpis)
    assert any("checksum" in r.getMessage() for r in caplog.records)


def _refuse_writes(monkeypatch, tmp_path, error):
    """Make the folder read-only; as root, where permissions do not stop writes, the OS's
    error is raised where the store writes instead."""
    import os

    import pandas as pd

    tmp_path.chmod(0o555)
    probe = tmp_path / "probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return
    probe.unlink()

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(pd.DataFrame, "to_parquet", refuse)
    assert os.access(tmp_path, os.W_OK)


@pytest.mark.parametrize(
    "error",
    [PermissionError(13, "Permission denied"), OSError(28, "No space left on device")],
    ids=["read-only", "full"],
)
def test_an_unwritable_store_still_answers(short, tmp_path, monkeypatch, caplog, error):
    """A read-only or full cache folder: every run finishes, the answer comes back equal to
    an uncached one, one warning is logged, the runs are reused from memory."""
    fresh = run_replications(short, 2, SEED, workers=1)
    store = tmp_path / "runs"
    store.mkdir()
    _refuse_writes(monkeypatch, store, error)
    cache = RunCache(path=store)
    with caplog.at_level("WARNING", logger="orgsim.cache"):
        first = run_replications(short, 2, SEED, workers=1, cache=cache)
        again = run_replications(short, 2, SEED, workers=1, cache=cache)
    store.chmod(0o755)
    assert first.kpis.equals(fresh.kpis) and again.runs_executed == 0
    assert not cache.writable and not list(store.iterdir())
    warnings = [r for r in caplog.records if "cannot write" in r.getMessage()]
    assert len(warnings) == 1, warnings


def test_a_cache_folder_that_cannot_be_created_still_answers(short, tmp_path, caplog):
    """The folder's place is a file: a warning, and the runs are kept in memory."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with caplog.at_level("WARNING", logger="orgsim.cache"):
        cache = RunCache(path=blocker / "runs")
        out = run_replications(short, 1, SEED, workers=1, cache=cache)
    assert out.runs_executed == 4 and not cache.writable
    assert any("cannot write" in r.getMessage() for r in caplog.records)
