"""Serve the app: `streamlit run serve.py` (what `make run` does).

The app itself is `app.py`; this wraps it in a Streamlit `st.App` that warms up before it
takes visitors (`ui.warmup` says why) and stops the simulation's workers when it
stops. `streamlit run app.py` serves the same app without either.
"""

from contextlib import asynccontextmanager

import anyio
import streamlit as st

from sim.executors import kill_pools
from ui.warmup import warm_up


@asynccontextmanager
async def _lifespan(_app: st.App):
    """Warm up before the first request; kill the pool's workers at shutdown."""
    await anyio.to_thread.run_sync(warm_up)
    try:
        yield
    finally:
        kill_pools()


app = st.App("app.py", lifespan=_lifespan)
