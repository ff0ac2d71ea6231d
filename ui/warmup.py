"""The web server's warm-up: what a fresh server did in its first visitors' page runs.

`serve.py` wraps the app (`app.py`) in a Streamlit `st.App` whose lifespan calls `warm_up`
before the server accepts anyone: the modules the pages import are imported, the
simulation's worker pool is started, and what all that allocated is moved out of the
garbage collector's sight. A fresh server used to do the first two inside the first
visitors' page runs, holding the interpreter lock for seconds, and the collector then
walked those objects in a full collection (0.5-0.8 s) just as the first browsers came in;
the health check and every other session waited meanwhile.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_SCRIPTS = ("app.py", "ui/pages")
"""The scripts Streamlit runs for each session: what they import is imported at start."""
FIRST_USE_IMPORTS = (
    "streamlit.emojis",
    "streamlit.material_icon_names",
    "streamlit.runtime.scriptrunner.magic_funcs",
    "pandas.io.formats.string",
    "pandas.core.methods.to_dict",
    "pandas.core.reshape.reshape",
)
"""Modules the libraries import only when first used, beyond what `_exercise` reaches."""

_log = logging.getLogger(__name__)


def page_imports(root: Path = ROOT) -> list[str]:
    """Every module the app's page scripts import, in the order first seen (read, not run)."""
    scripts: list[Path] = []
    for entry in PAGE_SCRIPTS:
        path = root / entry
        scripts += sorted(path.glob("*.py")) if path.is_dir() else [path]
    names: list[str] = []
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                base = node.module
                found = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            names += [name for name in found if name not in names]
    return names


def _import_all(names: Iterable[str]) -> int:
    """Import what can be imported (a `from x import y` name may be a function): the count."""
    count = 0
    for name in names:
        try:
            importlib.import_module(name)
            count += 1
        except ImportError:
            pass  # `y` in `from x import y` was not a module: x itself was imported
    return count


def _exercise() -> None:
    """What a first page run does once per process: catalogs read, a chart and a table converted.

    Reading a catalog parses its .po file; a chart's spec goes through Altair's data layer
    (narwhals) and its table through pyarrow's pandas layer, each imported on first use.
    """
    import altair as alt
    import pandas as pd
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

    from sim.text.i18n import LANGUAGES, translations

    for language in LANGUAGES:
        translations(language)
    frame = pd.DataFrame({"month": [1, 2], "setup": ["a", "b"], "value": [1.0, 2.0]})
    alt.Chart(frame).mark_line().encode(x="month:Q", y="value:Q", color="setup:N").to_dict()
    convert_pandas_df_to_arrow_bytes(frame)
    _import_all(FIRST_USE_IMPORTS)


def warm_up(workers: int | None = None) -> dict[str, float]:
    """Import the pages' modules (and what they import on first use), start the worker pool.

    Returns what took how long (seconds).

    Runs before the server accepts connections, so no visitor's page waits for it. What
    start-up made is then moved out of the garbage collector's sight (`gc.freeze`): a full
    collection used to walk those ~200,000 objects too, holding the interpreter lock for
    0.5-0.8 s just as the first browsers came in.
    """
    from sim.executors import start_pool

    started = time.perf_counter()
    modules = _import_all(page_imports())
    _exercise()
    imported = time.perf_counter()
    start_pool(workers)
    gc.collect()
    gc.freeze()
    done = time.perf_counter()
    figures = {
        "modules": float(modules),
        "import_s": round(imported - started, 2),
        "pool_s": round(done - imported, 2),
    }
    _log.info("warmed up: %s", figures)
    return figures
