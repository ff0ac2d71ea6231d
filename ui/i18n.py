"""The session's language: `?lang=ja|en`, else the browser's locale, else English; a switch.

Each browser session keeps its own language in `st.session_state` (never process-wide: no
`gettext.install`, no global locale), so two people may use the app in two languages at the
same time. Screens translate through `_` (a message now, in this session's language) and mark
table entries with `N_` (translated where they are shown); sentences built from facts come
from `sim.text`, which takes the language as an argument: pass `lang()`.
"""

from __future__ import annotations

import streamlit as st

from sim.text.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    normalize_lang,
    translator,
)

__all__ = ["N_", "_", "csv_bom", "init_language", "lang", "language_switch"]

LANG_KEY = "lang"
SWITCH_KEY = "lang_switch"
BOM_KEY = "csv_bom"


def _from_request() -> str:
    """The language the request asks for: `?lang=`, else the browser's locale."""
    asked = st.query_params.get("lang")
    if asked:
        return normalize_lang(asked)
    try:
        locale = st.context.locale
    except Exception:  # no browser context (scripts, some tests)
        locale = None
    return normalize_lang(locale)


def init_language() -> str:
    """Settle this session's language once (an explicit `?lang=` always wins)."""
    asked = st.query_params.get("lang")
    if LANG_KEY not in st.session_state or (
        asked and normalize_lang(asked) != st.session_state[LANG_KEY]
    ):
        st.session_state[LANG_KEY] = _from_request()
    return st.session_state[LANG_KEY]


def lang() -> str:
    """The language of this session ("en" or "ja"); English outside a session (scripts)."""
    try:
        if LANG_KEY not in st.session_state:
            return init_language()
        return st.session_state[LANG_KEY]
    except Exception:  # no script run context: a plain call from Python
        return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` in this session's language."""
    return translator(lang())(message)


def csv_bom() -> bool:
    """Whether CSV downloads start with a UTF-8 byte-order mark (default: on in Japanese)."""
    return bool(st.session_state.get(BOM_KEY, lang() == "ja"))


def _switch_language() -> None:
    chosen = st.session_state[SWITCH_KEY]
    if chosen != st.session_state.get(LANG_KEY):
        st.session_state[LANG_KEY] = chosen
        st.session_state.pop(BOM_KEY, None)  # back to the new language's default
    st.query_params["lang"] = chosen


def language_switch() -> None:
    """The sidebar's language switch and the CSV byte-order-mark option."""
    current = lang()
    if st.session_state.get(SWITCH_KEY) != current:
        st.session_state[SWITCH_KEY] = current  # e.g. after `?lang=` changed it
    with st.sidebar:
        st.segmented_control(
            "Language / 言語",  # i18n: ok (both languages at once, so either can find it)
            options=list(LANGUAGES),
            format_func=lambda code: LANGUAGE_NAMES[code],
            key=SWITCH_KEY,
            on_change=_switch_language,
            required=True,
        )
        if BOM_KEY not in st.session_state:
            st.session_state[BOM_KEY] = current == "ja"
        st.checkbox(
            _("CSV for Excel (UTF-8 with BOM)"),
            key=BOM_KEY,
            help=_(
                "Starts each CSV download with a byte-order mark, so Excel reads Japanese text "
                "correctly. On by default in Japanese."
            ),
        )
