"""Exit codes and signals: Ctrl-C exits with 130 and SIGTERM with 143, within seconds.

SIGTERM is turned into `Terminated` (a `KeyboardInterrupt`), raised where the program is,
so a terminated run unwinds as Ctrl-C does: queued work is cancelled and the workers stop.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_GRACE_SECONDS = 3.0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it unwinds like Ctrl-C (workers stopped)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises `Terminated` inside the block (restored after; main thread only)."""
    previous = None
    if threading.current_thread() is threading.main_thread():  # only it may set handlers
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def exit_soon(code: int, armed: bool) -> int:
    """`code`, with a watchdog (when `armed`) that ends the process if the normal exit hangs.

    After an interrupt the process must be gone in seconds; Python's exit waits for
    library threads (a process pool's, a Dask client's), which a killed peer can leave
    waiting. The watchdog is a daemon thread: a clean exit never meets it. Only the program
    itself arms it (not a caller of `main` with its own arguments, such as a test).
    """
    if not armed:
        return code

    def force() -> None:
        time.sleep(EXIT_GRACE_SECONDS)
        sys.stderr.flush()
        os._exit(code)

    threading.Thread(target=force, name="orgsim-exit-watchdog", daemon=True).start()
    return code
