"""Errors inside one part of a page are shown there, naming the part; the session goes on.

Without this, an exception in a page body replaces the page with a traceback, and since the
session keeps its state (a variant, a link's scenario) it comes back on every rerun: the
session is lost. `shown_errors` around a page body (see `app.py`) or one part of it (one
variant) shows the error in words, logs it with its traceback for the operator, and lets
the rest of the page and the next interaction run. Streamlit's own control flow
(`st.stop`, `st.rerun`, `st.switch_page`) passes through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from sim.io import ScenarioError
from ui.i18n import _
from ui.safe import md_escape
from ui.upload import problem_lines

log = logging.getLogger("orgsim.app")
T = TypeVar("T")


def error_text(part: str, err: Exception) -> str:
    """What went wrong in `part`, as escaped Markdown: a scenario's problems field by field."""
    if isinstance(err, ScenarioError) and err.problems:
        lines = "\n".join(f"- {line}" for line in problem_lines(list(err.problems)))
        detail = f"\n\n{lines}"
    else:
        detail = _(": {kind}: {error}").format(kind=type(err).__name__, error=md_escape(err))
    return (
        _("**{part}** could not be shown").format(part=md_escape(part))
        + detail
        + "\n\n"
        + _(
            "The rest of the app still works: change the assumptions, delete the variant, "
            "open another page or reload."
        )
    )


@contextmanager
def shown_errors(part: str) -> Iterator[None]:
    """Run a part of a page; an error in it is shown in its place instead of ending the page."""
    try:
        yield
    except ScriptControlException:
        raise
    except ScenarioError as err:  # refused input (a budget, a field): no traceback needed
        log.warning("%s refused: %s", part, err)
        st.error(error_text(part, err), icon=":material/error:")
    except Exception as err:
        log.exception("%s failed", part)
        st.error(error_text(part, err), icon=":material/error:")


def attempt(part: str, fn: Callable[[], T]) -> T | None:
    """`fn()`, or None after its error is shown (see `shown_errors`)."""
    with shown_errors(part):
        return fn()
    return None
