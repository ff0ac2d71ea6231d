"""The real server, `streamlit run serve.py` (what `make run` starts), on a free local port.

Shared by the browser and load tests, so both start and stop the server the same way.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_latency(url: str, timeout: float = 5.0) -> float | None:
    """Seconds the health check took, or None when it did not answer 'ok'."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as resp:
            ok = resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return None
    return time.perf_counter() - start if ok else None


def wait_until_healthy(url: str, proc: subprocess.Popen, log_name: str, seconds: float = 60):
    """Return once the server at `url` answers its health check; raise if it exits or is late."""
    deadline = time.monotonic() + seconds
    while health_latency(url, timeout=2) is None:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_name}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {seconds} s")
        time.sleep(0.3)


@contextmanager
def streamlit_server(
    env: Mapping[str, str], log_path: Path, extra_args: Sequence[str] = ()
) -> Iterator[str]:
    """Start the app, wait until it is healthy (60 s at most), yield its URL, stop it.

    Under pytest-xdist each worker's server writes its own log (`<stem>-gw0.log`, ...).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        log_path = log_path.with_name(f"{log_path.stem}-{worker}{log_path.suffix}")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    command = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port)]
    proc = subprocess.Popen(
        [*command, *extra_args],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_healthy(url, proc, log.name)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@contextmanager
def health_poller(url: str, every: float = 0.05) -> Iterator[dict[str, list]]:
    """Poll the health check from a separate process while the block runs.

    A separate process, so the latencies are the server's and not the test process's own
    threads (Playwright's driver) competing for its interpreter. Yields a dict filled with
    "latencies" (seconds) and "failures" (count, as a one-item list) when the block ends.
    """
    stop = ROOT / "tests" / "artifacts" / f"poll-stop-{free_port()}"
    stop.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, __file__, "poll", url, str(stop), str(every)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out: dict[str, list] = {"latencies": [], "failures": [0]}
    try:
        yield out
    finally:
        stop.touch()
        text, _ = proc.communicate(timeout=30)
        stop.unlink(missing_ok=True)
        data = json.loads(text)
        out["latencies"].extend(data["latencies"])
        out["failures"][0] = data["failures"]


def _poll(url: str, stop: str, every: float) -> None:
    latencies, failures = [], 0
    while not Path(stop).exists():
        took = health_latency(url)
        if took is None:
            failures += 1
        else:
            latencies.append(took)
        time.sleep(every)
    print(json.dumps({"latencies": latencies, "failures": failures}))


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "poll":
    _poll(sys.argv[2], sys.argv[3], float(sys.argv[4]))
