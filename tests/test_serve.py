"""serve.py, the real server `make run` starts: warm, local, and stopped whole.

Started for real (`streamlit run serve.py` on a free port) and stopped by its process id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest
from streamlit import file_util
from streamlit_server import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.mark.timeout(120)
def test_the_server_is_warm_when_it_first_answers_and_leaves_nothing_behind_on_sigterm():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "serve_server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_healthy(url, server, log.name)
            # The launch through st.App keeps the app's settings: this machine only.
            listening = [
                c.laddr.ip
                for c in psutil.Process(server.pid).net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN
            ]
            assert listening and set(listening) <= {"127.0.0.1", "::1"}, listening
            # Before any visitor: the pool's workers are running (a fork server's children).
            family = psutil.Process(server.pid).children(recursive=True)
            assert len(family) >= 3, family  # the fork server and its two workers

            static = Path(file_util.get_static_dir()) / "static" / "js"
            asset = sorted(static.iterdir())[0]
            with urllib.request.urlopen(f"{url}/static/js/{asset.name}", timeout=10) as resp:
                assert resp.read() == asset.read_bytes()
                assert "immutable" in resp.headers["Cache-Control"]
            with urllib.request.urlopen(url, timeout=10) as resp:
                assert b"<html" in resp.read().lower()

            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            _gone, alive = psutil.wait_procs(family, timeout=10)
            assert alive == [], alive
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
