"""Where tasks run: in this process, on a local process pool, or on a Dask cluster.

An executor is an object the caller passes (never a global setting), so one program can run a
quick check in-process and a large study on a cluster side by side. Every executor returns
results in task order whatever the completion order, and the model's tasks depend only on
their arguments, so results are identical on every executor and any number of workers.

Failures are split in two. A task whose function *raises* gets its exception back unchanged
and is not retried: the same input raises the same error again, and a clear bad-input error
is worth more than three copies of it. A task whose worker *dies* (killed, out of memory,
crashed in native code) is retried up to `retries` times and then reported as `TaskFailed`,
naming the task. Importing this module does not import Dask.

Stopping is prompt. A process-pool map keeps only as many tasks in the pool as it has
workers, so maps from several callers (sessions of the web app) take turns instead of the
first one's whole queue running before anyone else's task, and so there is little queued
work to cancel. Ctrl-C or SIGTERM (`KeyboardInterrupt`) during a map cancels what is queued
and kills the pool's workers at once instead of letting them finish; workers ignore SIGINT
themselves (the terminal sends it to the whole process group) and die with their parent.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("orgsim.executors")

Progress = Callable[[int, int], None]
"""progress(done, total): called in the caller's thread after each finished task."""

BACKENDS = ("processes", "dask", "serial")


class TaskFailed(RuntimeError):
    """A task whose worker kept dying: it was tried `attempts` times and never finished.

    The last error is chained as ``__cause__``; `task` is the task itself, for a caller
    that wants to rerun it alone (in a debugger, say).
    """

    def __init__(self, task: object, attempts: int | None, last_error: BaseException | str) -> None:
        self.task = task
        self.attempts = attempts  # None: the cluster's scheduler counted them
        detail = last_error if isinstance(last_error, str) else repr(last_error)
        tries = f" after {attempts} attempt(s)" if attempts is not None else ""
        super().__init__(f"task {describe(task)} failed{tries}; last error: {detail}")


def describe(task: object, limit: int = 200) -> str:
    """A short name for a task in messages: its `describe()` if it has one, else its repr.

    The model's tasks carry a whole scenario, whose repr is pages long; they describe
    themselves by what identifies them (replication, setups, seed).
    """
    method = getattr(task, "describe", None)
    text = method() if callable(method) else repr(task)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Executor(Protocol):
    """What runners need from an executor: an ordered map with progress, and close."""

    name: str
    workers: int

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """fn(task) for every task, in task order; progress(done, total) after each."""
        ...

    def close(self) -> None:
        """Release what this executor started."""
        ...

    def __enter__(self) -> Self:
        """The executor itself."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the executor."""
        ...


class _Closing:
    """Context-manager support and the closed check, shared by the executors."""

    _closed: bool = False

    def close(self) -> None:
        """Mark the executor closed: later `map` calls are refused."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed")

    def __enter__(self) -> Self:
        """The executor itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the executor."""
        self.close()


def _serial_map(fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None) -> list[R]:
    total = len(tasks)
    results = []
    for done, task in enumerate(tasks, 1):
        results.append(fn(task))
        if progress:
            progress(done, total)
    return results


class SerialExecutor(_Closing):
    """Every task in this process, one after the other (debuggers and profilers see them).

    No isolation: a task that kills its process kills the caller.
    """

    name = "serial"
    workers = 1

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """fn(task) for every task, in order, here."""
        self._check_open()
        return _serial_map(fn, list(tasks), progress)

    def __repr__(self) -> str:
        return "SerialExecutor()"


# --- local process pool -------------------------------------------------------------------


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


_method: list[str] = []


def _start_method() -> str:
    """How worker processes start: `fork` when this process has one thread, else forkserver.

    Fork is fast and never re-runs the caller's script (a plain analysis script without an
    ``if __name__ == "__main__"`` guard works), but forking a process whose other threads
    may hold locks is unsafe; a host with threads (a web server) gets a fork server instead,
    which has imported the model once and whose children inherit no threads. Decided
    once per process (under a lock): the pool's own threads must not change the choice later.
    """
    with _pools_lock:
        if not _method:
            methods = mp.get_all_start_methods()
            if "fork" in methods and threading.active_count() == 1:
                _method.append("fork")
            else:
                _method.append("forkserver" if "forkserver" in methods else "spawn")
        return _method[0]


_PR_SET_PDEATHSIG = 1


WORKER_NICENESS = 10
"""How much lower a pool worker's CPU priority is than its parent's (`os.nice`)."""


def _worker_init(owner: int | None = None) -> None:
    """Set up a pool worker: deaf to Ctrl-C, gone when its owner dies, and polite.

    Workers run at a lower CPU priority than the process that owns them: on a small machine
    the simulation fills every core, and the app's server (or the CLI's progress) must still
    answer at once; a lower priority costs the runs nothing when nothing else wants the CPU.

    SIGINT from the terminal reaches every process of the group; the owner decides what
    stops (it kills its workers), so a worker must not die mid-task with a traceback of its
    own. Should the owner itself be killed outright, the worker exits too, so no worker is
    left running with nobody to report to: Linux kills it with its parent
    (PR_SET_PDEATHSIG), and a worker whose parent is a fork server (the web app's), which
    outlives the owner as long as any worker lives, watches the owner itself
    (`_exit_with`).
    """
    if threading.current_thread() is threading.main_thread():  # where Python allows it
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # no nice() here: run as we are
        os.nice(WORKER_NICENESS)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: nothing to arm
            pass
        if os.getppid() == 1:  # the parent died before the death signal was armed
            os._exit(1)
    if owner is not None and owner != os.getppid():
        threading.Thread(target=_exit_with, args=(owner,), name="owner-watch", daemon=True).start()


def _exit_with(owner: int) -> None:
    """Wait for process `owner` to end, then end this process (a worker's watch thread)."""
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd here: look every second
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)
            except OSError:  # pragma: no cover - alive but not ours to signal
                pass
    select.select([handle], [], [])  # readable when the owner has exited
    os._exit(1)


_pools: dict[tuple[int, str], ProcessPoolExecutor] = {}
_pools_lock = threading.RLock()


def _pool(workers: int, method: str) -> ProcessPoolExecutor:
    """The process-wide pool for (workers, method), started on first use.

    Kept for the life of the process and shared by every `ProcessExecutor` (start-up costs
    about a second with forkserver, and the web app runs many short jobs).
    """
    key = (workers, method)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            ctx = mp.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["sim.experiments"])
            pool = _pools[key] = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        return pool


def start_pool(workers: int | None = None) -> list[int]:
    """Start the process-wide pool `ProcessExecutor(workers)` will use, workers and all.

    A server calls this before it takes visitors, so that the first comparison does not
    pay for starting the pool. Returns the process ids of the pools' live workers.
    """
    workers = default_workers() if workers is None else int(workers)
    if workers < 2:
        return []  # one worker runs tasks in the calling process: there is no pool
    pool = _pool(workers, _start_method())
    for done in [pool.submit(os.getpid) for _ in range(workers)]:  # one per worker
        done.result()
    return worker_pids()


def _drop_pool(workers: int, method: str, pool: ProcessPoolExecutor) -> None:
    """Forget a broken pool (unless another caller already replaced it) and reap it."""
    with _pools_lock:
        if _pools.get((workers, method)) is pool:
            del _pools[(workers, method)]
    pool.shutdown(wait=True, cancel_futures=True)


def _kill_pool(workers: int, method: str, pool: ProcessPoolExecutor) -> None:
    """Forget the pool and kill its workers now, running tasks and all (Ctrl-C, SIGTERM)."""
    with _pools_lock:
        if _pools.get((workers, method)) is pool:
            del _pools[(workers, method)]
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        if proc.is_alive():
            proc.kill()
    # A worker killed halfway through sending a result leaves the pool's reader thread
    # waiting for the rest for ever (and exit would wait for that thread): with this end
    # closed too, nobody can write, the read ends and the thread winds the pool down.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        for proc in processes:
            proc.join(1.0)
        writer.close()
    pool.shutdown(wait=False)  # its manager thread fails what was pending (see `_forget`)
    deadline = time.monotonic() + 3.0
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))


def worker_pids() -> list[int]:
    """Process ids of the live workers of every cached pool (status pages, tests)."""
    with _pools_lock:
        pools = list(_pools.values())
    pids = []
    for pool in pools:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            if proc.is_alive() and proc.pid is not None:
                pids.append(proc.pid)
    return sorted(pids)


class _Activity:
    """Tasks in flight and finished on the process pools of this process (for status)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.finished = 0
        self.maps = 0
        self.last_finished: float | None = None

    def change(self, in_flight: int = 0, finished: int = 0, maps: int = 0) -> None:
        with self.lock:
            self.in_flight += in_flight
            self.finished += finished
            self.maps += maps
            if finished:
                self.last_finished = time.monotonic()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            ago = None if self.last_finished is None else time.monotonic() - self.last_finished
            return {
                "tasks_in_flight": self.in_flight,
                "tasks_finished": self.finished,
                "maps_running": self.maps,
                "seconds_since_last_task": ago,
            }


_activity = _Activity()


def pool_status() -> dict[str, Any]:
    """What the local process pools are doing: live workers, tasks in flight and finished."""
    return {"worker_pids": worker_pids(), **_activity.snapshot()}


def shutdown_pools() -> None:
    """Stop every cached process pool (at exit, or to free the workers' memory early)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)


atexit.register(shutdown_pools)


def kill_pools() -> None:
    """Kill the workers of every cached process pool now (a server shutting down)."""
    with _pools_lock:
        pools = list(_pools.items())
    for (workers, method), pool in pools:
        _kill_pool(workers, method, pool)


def _run_tracked(fn: Callable[[T], R], task: T, marker: str) -> R:
    """fn(task) in a worker, leaving `marker` on disk while it runs.

    A marker left behind after the pool broke means the task was running when its worker
    died: it is a suspect, unlike the tasks that were merely queued.
    """
    Path(marker).write_text(str(os.getpid()), encoding="ascii")
    try:
        return fn(task)
    finally:
        Path(marker).unlink(missing_ok=True)


class ProcessExecutor(_Closing):
    """Tasks on a pool of local worker processes; `workers=1` runs them in this process.

    A worker that dies breaks the whole pool (Python terminates the other workers too), so
    the pool is dropped and started again and only unfinished tasks are resubmitted. Tasks
    that were running at the time are suspects; when several were, each is rerun alone so
    the one that kills its worker is found, and a task whose worker died `retries` + 1 times
    (the last time alone) raises `TaskFailed`. Exceptions raised by the function itself are
    re-raised unchanged, not retried.

    `close()` leaves the shared pool running: other executors (other sessions of the web
    app) use it at the same moment and restarting it costs a second; `shutdown_pools()`
    stops it, and it stops at exit.
    """

    name = "processes"

    def __init__(
        self, workers: int | None = None, retries: int = 2, window: int | None = None
    ) -> None:
        if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        if isinstance(retries, bool) or int(retries) < 0:
            raise ValueError(f"retries must be at least 0, got {retries!r}")
        if window is not None and (isinstance(window, bool) or int(window) < 1):
            raise ValueError(f"window must be at least 1, got {window!r}")
        self.workers = default_workers() if workers is None else int(workers)
        self.retries = int(retries)
        self.window = 2 * self.workers if window is None else int(window)
        """Tasks of one map in the pool at a time (default: two per worker — one running,
        one queued so a worker never waits for the parent to hand it the next; measured
        20% faster than one per worker on the default comparison, while a cancelled run
        still leaves at most one queued task per worker behind)."""

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.workers}, retries={self.retries})"

    @staticmethod
    def _forget(in_flight: dict[Future[Any], int], cancel: bool = True) -> None:
        """Cancel what has not started; what runs finishes for nobody (and is counted).

        Not cancelled when the pool is about to be killed: its manager thread then fails
        every pending future itself, and on Python 3.11 it raises (a traceback on stderr)
        when one of them was cancelled first.
        """
        for fut in in_flight if cancel else ():
            fut.cancel()
        _activity.change(in_flight=-len(in_flight))
        in_flight.clear()

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """fn(task) for every task on the pool; results in task order."""
        self._check_open()
        tasks = list(tasks)
        if self.workers == 1 or not tasks:
            return _serial_map(fn, tasks, progress)
        marker_dir = tempfile.mkdtemp(prefix="orgsim-tasks-")
        try:
            return self._map(fn, tasks, progress, marker_dir)
        finally:
            shutil.rmtree(marker_dir, ignore_errors=True)

    def _map(
        self,
        fn: Callable[[T], R],
        tasks: list[T],
        progress: Progress | None,
        marker_dir: str,
    ) -> list[R]:
        total = len(tasks)
        results: dict[int, R] = {}
        pending = list(range(total))  # not yet finished, not suspected
        suspects: list[int] = []  # running when a worker died: rerun alone
        deaths = [0] * total  # times a task's worker died under it
        blind_breaks = 0  # pool broke with none of our tasks running
        attempt = 0
        method = _start_method()
        while pending or suspects:
            batch = suspects[:1] if suspects else pending
            attempt += 1
            pool = _pool(self.workers, method)
            for out in (sys.stdout, sys.stderr):  # a forked worker must not repeat buffered text
                out.flush()
            markers = {i: os.path.join(marker_dir, f"{attempt}-{i}") for i in batch}
            queue = deque(batch)
            in_flight: dict[Future[R], int] = {}
            broken: BaseException | None = None
            _activity.change(maps=1)
            try:
                while queue or in_flight:
                    # at most `window` of ours in the pool: other callers' tasks take turns
                    while queue and broken is None and len(in_flight) < self.window:
                        i = queue[0]
                        try:
                            fut = pool.submit(_run_tracked, fn, tasks[i], markers[i])
                        except BrokenProcessPool as exc:  # broke before we submitted it
                            broken = exc
                            break
                        queue.popleft()
                        in_flight[fut] = i
                        _activity.change(in_flight=1)
                    if not in_flight:
                        break
                    ready, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for fut in ready:
                        i = in_flight.pop(fut)
                        _activity.change(in_flight=-1, finished=1)
                        exc = fut.exception()
                        if isinstance(exc, BrokenProcessPool):
                            broken = exc
                            continue
                        if exc is not None:
                            raise exc
                        results[i] = fut.result()
                        if progress:
                            progress(len(results), total)
            except KeyboardInterrupt:  # Ctrl-C or SIGTERM: stop now, running tasks too
                self._forget(in_flight, cancel=False)
                _kill_pool(self.workers, method, pool)
                raise
            except BaseException:
                self._forget(in_flight)  # leave the shared pool free for its other users
                raise
            finally:
                _activity.change(maps=-1)
            if broken is None:
                done = set(batch)
                suspects = [i for i in suspects if i not in done]
                pending = [i for i in pending if i not in done]
                continue
            _drop_pool(self.workers, method, pool)  # reaps the workers: markers are final
            running = [i for i in batch if i not in results and os.path.exists(markers[i])]
            if not running:
                blind_breaks += 1
                if blind_breaks > self.retries:
                    first = next(i for i in range(total) if i not in results)
                    raise TaskFailed(
                        tasks[first],
                        blind_breaks,
                        f"worker processes died {blind_breaks} times before running a task "
                        f"({broken!r})",
                    ) from broken
            for i in running:
                deaths[i] += 1
                if len(running) == 1 and deaths[i] > self.retries:
                    raise TaskFailed(tasks[i], deaths[i], broken) from broken
            pending = [i for i in pending if i not in results and i not in running]
            suspects = [i for i in suspects if i not in results]
            suspects += [i for i in running if i not in suspects]
        return [results[i] for i in range(total)]


# --- Dask ---------------------------------------------------------------------------------


class DaskExecutor(_Closing):
    """Tasks on a Dask cluster: a local one started here, or an existing one at an address.

    With no address a `distributed.LocalCluster` of `workers` single-threaded worker
    processes starts on free local ports (no dashboard); with an address the client
    connects to that scheduler, whose workers must be able to import `sim`. Worker deaths
    are retried by the scheduler: a task is given up after its workers died `retries` + 1
    times (`distributed.scheduler.allowed-failures`, set from `retries` for a cluster started
    here; a remote scheduler keeps its own setting), which raises `TaskFailed`. Exceptions
    raised by the function are re-raised unchanged, not retried, as on the process pool.

    Like the process pool, it gives up rather than wait forever: when workers died more than
    (`retries` + 1) x workers times in a row without a task finishing, or no worker was
    connected for `stall_seconds`, the map raises `TaskFailed` naming the first unfinished
    task. A cluster started here keeps its scratch space in a temporary folder removed on
    `close()`, and its workers ignore SIGINT (Ctrl-C reaches the whole process group; this
    process stops them), so Ctrl-C prints one line, not each worker's traceback.

    `close()` closes the client and the cluster it started, never a cluster it merely
    connected to.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int = 2,
        retries: int = 2,
        stall_seconds: float = 60.0,
    ) -> None:
        if isinstance(workers, bool) or int(workers) < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        if isinstance(retries, bool) or int(retries) < 0:
            raise ValueError(f"retries must be at least 0, got {retries!r}")
        import dask
        from distributed import Client, LocalCluster

        self.retries = int(retries)
        self.stall_seconds = float(stall_seconds)
        self.scheduler = scheduler
        self._cluster: Any = None
        self._scratch: str | None = None
        self._attempts: int | None = None  # a remote scheduler's allowed-failures decides
        if scheduler is None:
            settings = {
                "distributed.scheduler.allowed-failures": self.retries,
                # one task per single-threaded worker at a time: a worker that dies takes
                # only the task it was running down with it, not a queued bystander
                "distributed.scheduler.worker-saturation": 1.0,
                "distributed.worker.preload": [__name__],  # dask_setup: ignore SIGINT
            }
            self._scratch = tempfile.mkdtemp(prefix="orgsim-dask-")
            try:
                with dask.config.set(settings):
                    self._cluster = LocalCluster(
                        n_workers=int(workers),
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        scheduler_port=0,
                        # no dashboard; its HTTP routes on a free port, never a busy 8787
                        dashboard_address="127.0.0.1:0",
                        scheduler_kwargs={"dashboard": False},
                        worker_dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                        local_directory=self._scratch,
                    )
                self._client: Any = Client(self._cluster)
            except BaseException:
                self._close_cluster()
                raise
            self.workers = int(workers)
            self._attempts = self.retries + 1
        else:
            self._client = Client(scheduler)
            self.workers = max(1, sum(self._client.nthreads().values()))

    def __repr__(self) -> str:
        where = self.scheduler or "local cluster"
        return f"DaskExecutor({where}, workers={self.workers}, retries={self.retries})"

    @property
    def client(self) -> Any:
        """The `distributed.Client` (for dashboards, worker logs and diagnostics)."""
        return self._client

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """fn(task) for every task on the cluster; results gathered in task order."""
        from distributed import KilledWorker
        from distributed import wait as wait_for

        self._check_open()
        tasks = list(tasks)
        total = len(tasks)
        if not tasks:
            return []
        futures = self._client.map(fn, tasks, pure=False, retries=0)
        index = {fut.key: i for i, fut in enumerate(futures)}
        results: dict[int, R] = {}
        watch = _Deaths(self, tasks)
        pending = set(futures)
        try:
            while pending:
                try:
                    done, pending = wait_for(
                        pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED"
                    )
                except TimeoutError:
                    done = set()
                before = len(results)
                for fut in done:
                    i = index[fut.key]
                    if fut.status == "error":
                        exc = fut.exception()
                        if isinstance(exc, KilledWorker):
                            raise TaskFailed(tasks[i], self._attempts, exc) from exc
                        fut.result()  # re-raises the task's own exception with its traceback
                    try:
                        results[i] = fut.result(timeout=POLL_SECONDS)
                    except TimeoutError:  # its result died with a worker: computed again
                        pending.add(fut)
                        continue
                    if progress:
                        progress(len(results), total)
                watch.check(
                    progressed=len(results) > before,
                    unfinished=[i for i in range(total) if i not in results],
                )
        finally:
            self._client.cancel([f for f in futures if not f.done()])
        return [results[i] for i in range(total)]

    def close(self) -> None:
        """Close the client, and the local cluster if this executor started it."""
        if self._closed:
            return
        super().close()
        try:
            self._client.close()
        finally:
            self._close_cluster()

    def _close_cluster(self) -> None:
        """Stop the cluster started here and remove its scratch space.

        A failure to stop cleanly (workers restarting after Ctrl-C, say) is one log line,
        not a traceback.
        """
        try:
            if self._cluster is not None:
                self._cluster.close()
        except Exception as err:
            log.warning("the Dask cluster did not close cleanly: %s: %s", type(err).__name__, err)
        finally:
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)


POLL_SECONDS = 0.5
"""How often a Dask map looks at its workers while it waits for results."""


class _Deaths:
    """The give-up guard of a Dask map: worker deaths with no task finishing, or no worker.

    Workers are seen by address; a worker that leaves the scheduler (killed, crashed) is one
    death, and a restarted one comes back under a new address.
    """

    def __init__(self, executor: DaskExecutor, tasks: list[Any]) -> None:
        self.executor = executor
        self.tasks = tasks
        self.seen: set[str] = set()
        self.dead: set[str] = set()
        self.in_a_row = 0
        self.without_workers_since: float | None = None

    def check(self, progressed: bool, unfinished: list[int]) -> None:
        """Raise `TaskFailed` when the cluster cannot finish the map."""
        if progressed:
            self.in_a_row = 0
        if not unfinished:
            return
        ex = self.executor
        workers = set(ex.client.scheduler_info(n_workers=-1).get("workers", {}))
        gone = (self.seen - workers) - self.dead
        self.dead |= gone
        self.seen |= workers
        self.in_a_row += len(gone)
        limit = (ex.retries + 1) * max(1, ex.workers)
        first = self.tasks[unfinished[0]]
        if self.in_a_row > limit:
            raise TaskFailed(
                first,
                None,
                f"Dask workers died {self.in_a_row} times in a row without finishing a task "
                f"(at most {limit})",
            )
        now = time.monotonic()
        if workers:
            self.without_workers_since = None
        elif self.without_workers_since is None:
            self.without_workers_since = now
        elif now - self.without_workers_since > ex.stall_seconds:
            raise TaskFailed(
                first, None, f"no Dask worker was connected for {ex.stall_seconds:g} s"
            )


def dask_setup(worker: object) -> None:
    """Run by each worker of a cluster started here (`distributed.worker.preload`).

    Ctrl-C sends SIGINT to the whole process group; the worker leaves stopping to the
    process that started it, so it neither dies mid-task nor prints a traceback.
    """
    if threading.current_thread() is threading.main_thread():  # where Python allows it
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_executor(
    backend: str = "processes", scheduler: str | None = None, workers: int | None = None
) -> Executor:
    """An executor from plain settings (CLI flags, app widgets); mistakes name the field.

    `workers=None` means all cores (a local cluster gets as many workers); a remote Dask
    cluster has the workers it has, so `workers` with `scheduler` is refused.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError(f"scheduler is only used with backend 'dask', not {backend!r}")
    if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    if backend == "serial":
        if workers not in (None, 1):
            raise ValueError(f"workers must be 1 with backend 'serial', got {workers!r}")
        return SerialExecutor()
    if backend == "processes":
        return ProcessExecutor(workers)
    if scheduler is not None and workers is not None:
        raise ValueError("workers cannot be set with scheduler: the cluster has its own workers")
    return DaskExecutor(scheduler, default_workers() if workers is None else workers)
