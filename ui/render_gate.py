"""One session draws a heavy section at a time, so the web server stays responsive.

The server is one Python process: every session's script runs in its own thread, and the
web server (health check, every session's websocket) runs in the main thread on the same
interpreter lock. Python runs one thread at a time whatever the number of cores, so eight
sessions drawing the landing page at once are no faster than eight drawing it one after
the other; but each time the web server's thread wants the lock it queues behind every
drawing thread (a hand-off every `sys.getswitchinterval()`, 5 ms), and a request that needs
the lock several times waited hundreds of milliseconds. Behind this gate only one drawing
thread competes with the web server at a time; the others sleep on the gate without the
interpreter lock.

Wrap only sections that draw (pure Python on data already computed), never a wait for a
computation: a session waiting for its comparison inside the gate would hold every other
session's drawing. A session that waited `WAIT_SECONDS` for the gate draws anyway, so a
slow section can delay others but never stall them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

WAIT_SECONDS = 5.0
"""How long a session waits for the gate before drawing without it."""

_gate = threading.Lock()
_local = threading.local()
_stats_lock = threading.Lock()
_stats = {"entered": 0, "waited": 0, "timed_out": 0}


@contextmanager
def drawing() -> Iterator[None]:
    """Hold the process-wide drawing gate for the block (re-entrant within a thread)."""
    if getattr(_local, "depth", 0):
        _local.depth += 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    held = _gate.acquire(blocking=False)
    waited = not held
    if not held:
        held = _gate.acquire(timeout=WAIT_SECONDS)
    with _stats_lock:
        _stats["entered"] += 1
        _stats["waited"] += waited
        _stats["timed_out"] += not held
    _local.depth = 1
    try:
        yield
    finally:
        _local.depth = 0
        if held:
            _gate.release()


def stats() -> dict[str, int]:
    """How often sessions entered the gate, waited for it, and gave up waiting."""
    with _stats_lock:
        return dict(_stats)
