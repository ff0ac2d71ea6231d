"""The app in Japanese and English (AppTest): `?lang=ja` gives a Japanese landing page with no
English sentence, and two sessions at once each keep their own language."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:'-]+[a-z]{2,}){2,}")
"""Three English words in a row ("is not clearly", "Change the assumptions")."""


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", "6")


def _run(lang: str | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at) -> list[str]:
    """Every text a person reads on the page, element by element."""
    out = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "success",
        "warning",
        "info",
        "error",
    ):
        # as read: without the backslashes that escape user text in Markdown (ui.safe)
        out += [re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(e.value)) for e in getattr(at, kind)]
    out += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    out += [t.label for t in at.tabs] + [b.label for b in at.button]
    out += [e.label for e in at.selectbox] + [e.label for e in at.checkbox]
    return [t for t in out if t]


def _scenario_words(at) -> list[str]:
    """The scenario's own name and description: data, written in whatever language it is."""
    sc = at.session_state["scenario"]
    return [sc.name, sc.description or ""]


def _english_sentences(text: str, data: list[str]) -> list[str]:
    for words in data:
        if words:
            text = text.replace(words, " ")
    text = re.sub(r"`[^`]*`|:material/[a-z_]+:|https?://\S+", " ", text)
    return ENGLISH_SENTENCE.findall(text)


def test_lang_ja_landing_page_is_japanese():
    at = _run("ja")
    texts = _texts(at)
    # only the open result tab is drawn: open each of the others (not the breakevens', which
    # run a tornado) and read it too
    for tab in at.tabs[1:5]:
        at.session_state["result_tabs"] = tab.label
        at.run(timeout=TIMEOUT)
        assert not at.exception, [e.value for e in at.exception]
        opened = next(t for t in at.tabs if t.label == tab.label)
        assert opened.children, tab.label
        texts += _texts(at)
    verdict = "\n".join(str(b.value) for b in [*at.success, *at.warning, *at.info])
    assert JAPANESE.search(at.title[0].value), at.title[0].value
    assert JAPANESE.search(verdict) and "将来シナリオ" in verdict, verdict
    assert any("万" in t or "億" in t for t in texts) or re.search(r"[万億]", verdict)
    data = _scenario_words(at)
    english = {t[:80]: _english_sentences(t, data) for t in texts}
    english = {t: found for t, found in english.items() if found}
    assert not english, english


def test_two_sessions_at_once_each_in_its_own_language():
    from streamlit.testing.v1.util import patch_config_options

    # AppTest.run patches Streamlit's config (`global.appTest`) for its run only: the first
    # run to end put it back while the other still ran, whose widgets then kept no format
    # function (a KeyError on its next run). Patched around both, it stays on throughout.
    with patch_config_options({"global.appTest": True}), ThreadPoolExecutor(2) as pool:
        ja, en = pool.map(_run, ["ja", "en"])
    ja_title, en_title = ja.title[0].value, en.title[0].value
    assert JAPANESE.search(ja_title) and not JAPANESE.search(en_title), (ja_title, en_title)
    assert ja.session_state["lang"] == "ja" and en.session_state["lang"] == "en"
    # each goes on in its own language after a rerun
    ja.run(timeout=TIMEOUT)
    en.run(timeout=TIMEOUT)
    assert JAPANESE.search(ja.title[0].value) and not JAPANESE.search(en.title[0].value)
