"""Executors: task order, progress, identical results on every backend, worker deaths, close.

The Dask tests share one real `LocalCluster` (two single-threaded worker processes on free
local ports), started once for this module; the last test closes it and checks that every
process it started is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import executor_tasks as et
import pandas as pd
import psutil
import pytest

import sim
import sim.executors as executors
from sim.executors import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    TaskFailed,
    make_executor,
)
from sim.experiments import RunTask, run_replications, run_task

ROOT = Path(__file__).resolve().parents[1]
SEED = 3


@pytest.fixture(scope="module")
def dask_executor():
    """A DaskExecutor on a local cluster of 2 workers; a worker may die once per task."""
    executor = DaskExecutor(workers=2, retries=1)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def scenario():
    """The default scenario over 6 months (what matters is equality across executors)."""
    return sim.load_scenario(ROOT / "scenarios" / "default.yaml").with_changes(horizon_months=6)


def executor_named(name: str, request: pytest.FixtureRequest):
    """The executor a parametrised test asks for by name."""
    if name == "dask":
        return request.getfixturevalue("dask_executor")
    return {"serial": SerialExecutor(), "processes": ProcessExecutor(2)}[name]


def task_table(per_task: list) -> pd.DataFrame:
    """run_task outputs as one frame: KPIs and monthly series per (task, setup) in order."""
    rows = []
    for task_no, out in enumerate(per_task):
        for run_no, run in enumerate(out):
            k, series = run.kpis, run.series
            rows.append(
                {
                    "task": task_no,
                    "run": run_no,
                    **k,
                    **{n: v.tolist() for n, v in series.items()},
                }
            )
    return pd.DataFrame(rows)


# --- order and progress -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["serial", "processes", "dask"])
def test_map_returns_results_in_task_order_and_reports_progress(name, request):
    """Results come back in task order although tasks finish out of order; progress n of n."""
    executor = executor_named(name, request)
    calls: list[tuple[int, int]] = []
    tasks = list(range(10))
    out = executor.map(et.square, tasks, lambda done, total: calls.append((done, total)))
    assert out == [t * t for t in tasks]
    assert calls == [(i, 10) for i in range(1, 11)]
    assert executor.map(et.square, []) == []


@pytest.mark.parametrize("name", ["processes", "dask"])
def test_an_exception_raised_by_the_task_is_reraised_once_not_retried(name, request, tmp_path):
    """A task that raises gives its own exception back, after one attempt only."""
    executor = executor_named(name, request)
    counter = tmp_path / "calls"
    with pytest.raises(ValueError, match="bad input: 3"):
        executor.map(et.fail_counting, [(i, str(counter)) for i in range(6)])
    assert counter.read_text(encoding="ascii").split().count("3") == 1


def test_dask_workers_import_this_checkout_of_sim(dask_executor):
    """Spawned Dask workers run this worktree's `sim`, not another installed copy."""
    assert set(dask_executor.map(et.where_is_sim, [0, 1])) == {sim.__file__}


# --- the real model -----------------------------------------------------------------------


def test_results_are_identical_on_every_executor(scenario, dask_executor):
    """The same comparison on 1 process, a pool of 2 and a Dask cluster: identical tables."""
    one = run_replications(scenario, 4, SEED, executor=ProcessExecutor(1))
    two = run_replications(scenario, 4, SEED, executor=ProcessExecutor(2))
    dask = run_replications(scenario, 4, SEED, executor=dask_executor)
    for other in (two, dask):
        pd.testing.assert_frame_equal(one.kpis, other.kpis)
        pd.testing.assert_frame_equal(one.monthly, other.monthly)
    assert len(one.kpis) == 4 * len(one.setups)


def test_workers_and_executor_together_are_refused(scenario):
    """Both a worker count and an executor: which one counts is unclear, so it is an error."""
    with pytest.raises(ValueError, match="workers"):
        run_replications(scenario, 2, SEED, workers=2, executor=SerialExecutor())


def test_run_task_describes_itself_without_the_scenario(scenario):
    """A task's name in messages is short: replication, setups, seed and the scenario's name."""
    task = RunTask(scenario, ("none", "revops"), 7, SEED)
    assert executors.describe(task) == (
        f"replication 7 of none, revops (seed 3, scenario {scenario.name!r})"
    )


# --- process pool: faults and sharing -----------------------------------------------------


@pytest.mark.timeout(120)
def test_process_pool_survives_a_worker_killed_once(scenario, tmp_path):
    """A worker SIGKILLed on a task's first try: pool rebuilt, results as in a clean run."""
    tasks = [RunTask(scenario, scenario.setup_names, r, SEED) for r in range(4)]
    clean = task_table([run_task(t) for t in tasks])
    marker = str(tmp_path / "killed")
    calls: list[tuple[int, int]] = []
    out = ProcessExecutor(2).map(
        et.run_task_killing_once,
        [(t, marker if t.replication == 2 else None) for t in tasks],
        lambda done, total: calls.append((done, total)),
    )
    assert Path(marker).exists()  # the kill did happen
    pd.testing.assert_frame_equal(task_table(out), clean)
    assert calls == [(i, 4) for i in range(1, 5)]


@pytest.mark.timeout(120)
def test_process_pool_gives_up_on_a_task_that_always_kills_its_worker():
    """The deadly task alone is named in TaskFailed after 1 + retries attempts; no hang."""
    with pytest.raises(TaskFailed, match=r"task \(3, True\)") as info:
        ProcessExecutor(2, retries=2).map(et.kill_always, [(i, i == 3) for i in range(6)])
    assert info.value.attempts == 3
    assert info.value.task == (3, True)
    assert "BrokenProcessPool" in str(info.value)
    # and the pool works again for the next caller
    assert ProcessExecutor(2).map(et.square, [1, 2, 3]) == [1, 4, 9]


@pytest.mark.timeout(120)
def test_process_pool_gives_up_when_every_task_kills_its_worker():
    """Every task deadly: TaskFailed names one of them, promptly."""
    with pytest.raises(TaskFailed, match=r"task \(\d, True\)"):
        ProcessExecutor(2, retries=1).map(et.kill_always, [(i, True) for i in range(4)])


def test_closing_a_process_executor_keeps_the_shared_pool():
    """close() refuses further maps on that executor but leaves the pool to other users."""
    first = ProcessExecutor(2)
    first.map(et.square, [1, 2])
    pool = executors._pool(2, executors._start_method())
    with first:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        first.map(et.square, [1])
    assert ProcessExecutor(2).map(et.square, [3, 4]) == [9, 16]
    assert executors._pool(2, executors._start_method()) is pool


OWNER = """
import threading, time
threading.Thread(target=time.sleep, args=(120,), daemon=True).start()  # threads: a fork server
from sim.executors import _start_method, start_pool
pids = start_pool(2)
print(_start_method(), *pids, flush=True)
time.sleep(120)
"""


@pytest.mark.timeout(60)
def test_fork_server_workers_go_when_their_owner_is_killed_outright():
    """SIGKILL the process that owns the pool: its workers and the fork server follow."""
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        method, *pids = owner.stdout.readline().split()
        assert method == "forkserver" and len(pids) == 2
        workers = [psutil.Process(int(pid)) for pid in pids]
        fork_server = workers[0].parent()
        assert fork_server.pid != owner.pid  # so Linux's parent-death signal cannot help
        owner.kill()
        owner.wait(10)
        _gone, alive = psutil.wait_procs([*workers, fork_server], timeout=10)
        assert alive == []
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_start_pool_starts_the_shared_pool_before_any_task():
    pids = executors.start_pool(2)
    assert len(pids) == 2 and pids == executors.worker_pids()
    assert executors.start_pool(1) == []  # one worker: tasks run in the caller, no pool


# --- make_executor and imports ------------------------------------------------------------


def test_make_executor_builds_each_backend_and_names_bad_fields():
    """Known backends build; a bad backend, a stray scheduler or workers are named errors."""
    assert isinstance(make_executor("serial"), SerialExecutor)
    proc = make_executor("processes", workers=2)
    assert (proc.name, proc.workers) == ("processes", 2)
    with pytest.raises(ValueError, match="backend must be one of"):
        make_executor("threads")
    with pytest.raises(ValueError, match="scheduler"):
        make_executor("processes", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="scheduler"):
        make_executor("serial", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="workers"):
        make_executor("serial", workers=2)
    with pytest.raises(ValueError, match="workers"):
        make_executor("processes", workers=0)
    with pytest.raises(ValueError, match="workers"):
        make_executor("dask", scheduler="tcp://127.0.0.1:8786", workers=2)


def test_importing_the_executors_does_not_import_dask():
    """The app and the CLI start without Dask: it is imported only by DaskExecutor."""
    code = (
        "import sys, sim, sim.executors, sim.experiments, sim.cli; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


# --- Dask: faults, connecting, closing ----------------------------------------------------


@pytest.mark.timeout(120)
def test_dask_survives_a_worker_killed_once(scenario, dask_executor, tmp_path):
    """A Dask worker SIGKILLed mid-run: the task reruns elsewhere, results as in a clean run."""
    tasks = [RunTask(scenario, scenario.setup_names, r, SEED) for r in range(4)]
    clean = task_table([run_task(t) for t in tasks])
    marker = str(tmp_path / "killed")
    out = dask_executor.map(
        et.run_task_killing_once, [(t, marker if t.replication == 1 else None) for t in tasks]
    )
    assert Path(marker).exists()
    pd.testing.assert_frame_equal(task_table(out), clean)


@pytest.mark.timeout(120)
def test_dask_gives_up_on_a_task_that_always_kills_its_worker(dask_executor):
    """A task whose worker always dies: TaskFailed naming it (allowed failures = retries)."""
    with pytest.raises(TaskFailed, match=r"task \(3, True\)") as info:
        dask_executor.map(et.kill_always, [(i, i == 3) for i in range(6)])
    assert "KilledWorker" in str(info.value)
    assert info.value.attempts == 2
    # the cluster replaced its workers and carries on
    assert dask_executor.map(et.square, [1, 2, 3]) == [1, 4, 9]


def test_a_client_connected_to_a_cluster_does_not_close_it(dask_executor):
    """make_executor with a scheduler address connects; closing it leaves the cluster up."""
    dask_executor.client.wait_for_workers(2, timeout=60)  # a worker killed earlier restarts
    address = dask_executor.client.scheduler.address
    with make_executor("dask", scheduler=address) as connected:
        assert connected.workers == 2
        assert connected.map(et.square, [5, 6]) == [25, 36]
    assert dask_executor.map(et.square, [7]) == [49]


def test_dask_workers_ignore_ctrl_c_and_keep_their_scratch_in_a_temp_folder(dask_executor):
    """Ctrl-C reaches the whole process group: the workers ignore it (this process stops
    them) instead of dying with a traceback each; their scratch space is in a folder of
    its own, not `dask-scratch-space` in the current or the temp directory."""
    dask_executor.client.wait_for_workers(2, timeout=60)  # a worker killed earlier restarts
    time.sleep(1.0)  # and settles
    pids = dask_executor.client.run(os.getpid)
    for pid in pids.values():
        os.kill(pid, signal.SIGINT)
    time.sleep(1.0)
    assert dask_executor.client.run(os.getpid) == pids
    assert dask_executor.map(et.square, [2, 3]) == [4, 9]
    scratch = Path(dask_executor._scratch)
    assert scratch.is_dir() and (scratch / "dask-scratch-space").is_dir()
    assert not (Path.cwd() / "dask-scratch-space").exists()


class _FakeClient:
    """A client whose scheduler reports the workers a test scripts, one list per look."""

    def __init__(self, looks: list[list[str]]) -> None:
        self.looks = looks

    def scheduler_info(self, n_workers: int = -1) -> dict:
        workers = self.looks.pop(0) if len(self.looks) > 1 else self.looks[0]
        return {"workers": {key: {} for key in workers}}


def _watch(looks: list[list[str]], retries: int = 1, workers: int = 2, stall: float = 60.0):
    from types import SimpleNamespace

    from sim.executors import _Deaths

    ex = SimpleNamespace(
        client=_FakeClient(looks), retries=retries, workers=workers, stall_seconds=stall
    )
    return _Deaths(ex, ["task-a", "task-b"])


def test_dask_gives_up_when_workers_keep_dying_without_progress():
    """The pool's guard, on Dask: (retries + 1) x workers deaths in a row, no task
    finished in between (deaths the scheduler pins on no task: killed while idle or
    starting), raise TaskFailed; a finished task resets the count."""
    looks = [[f"w{i}", f"w{i + 100}"] for i in range(20)]  # both workers replaced each look
    watch = _watch(looks)
    watch.check(progressed=False, unfinished=[0, 1])  # first look: nothing died yet
    watch.check(progressed=False, unfinished=[0, 1])  # 2 deaths
    watch.check(progressed=True, unfinished=[1])  # a task finished: count restarts
    watch.check(progressed=False, unfinished=[1])  # 2
    with pytest.raises(TaskFailed, match=r"task 'task-b' failed; .*died 6 times in a row"):
        for _ in range(3):
            watch.check(progressed=False, unfinished=[1])  # 4 -> 6 > (1 + 1) x 2


def test_dask_gives_up_when_no_worker_is_connected():
    watch = _watch([[]], stall=0.2)
    watch.check(progressed=False, unfinished=[0])
    time.sleep(0.3)
    with pytest.raises(TaskFailed, match=r"no Dask worker was connected for 0.2 s"):
        watch.check(progressed=False, unfinished=[0])


@pytest.mark.timeout(180)
def test_dask_gives_up_under_continuous_worker_kills():
    """Every worker killed every half second on a real cluster: the map raises TaskFailed
    (the scheduler's allowed failures, deaths in a row, or 3 s without a worker) within a
    minute instead of retrying forever; the executor closes cleanly after."""
    import threading

    executor = DaskExecutor(workers=2, retries=1, stall_seconds=3)
    stop = threading.Event()

    def kill_workers() -> None:  # this cluster's workers only (not the module's cluster)
        while not stop.is_set():
            for nanny in list(executor._cluster.workers.values()):
                pid = getattr(getattr(nanny, "process", None), "pid", None)
                if pid:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            stop.wait(0.5)

    killer = threading.Thread(target=kill_workers, daemon=True)
    try:
        executor.client.wait_for_workers(2, timeout=60)
        killer.start()
        start = time.monotonic()
        with pytest.raises(TaskFailed) as info:
            executor.map(et.slow, list(range(8)))
        took = time.monotonic() - start
        print(f"gave up after {took:.1f} s: {info.value}")
    finally:
        stop.set()
        killer.join()
        executor.close()
    assert took < 60, took
    assert not Path(executor._scratch).exists()


def test_closing_the_dask_executor_stops_every_process_it_started(dask_executor):
    """close() stops the client, scheduler and worker processes (runs last in this module)."""
    dask_executor.client.wait_for_workers(2, timeout=60)  # a worker killed earlier restarts
    pids = list(dask_executor.client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids
    dask_executor.close()
    dask_executor.close()  # idempotent

    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    assert not [pid for pid in pids if alive(pid)]
    spawned = [
        p
        for p in psutil.Process().children(recursive=True)
        if "spawn_main" in " ".join(p.cmdline())
    ]
    assert spawned == []
    with pytest.raises(RuntimeError, match="closed"):
        dask_executor.map(et.square, [1])
    assert not Path(dask_executor._scratch).exists()
