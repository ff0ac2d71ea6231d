"""The explore page's Doubt section in Streamlit's test harness (few replications).

The split runs from its button; the page shows one sentence per setup with a team, a table
with one row per such setup whose two shares add up to 100% (or both 0), the stacked chart
and the downloads; the session remembers the result for the report; in Japanese no English
sentence is left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_i18n_app import _english_sentences, _scenario_words

from sim.io import scenario_hash

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
TEXT_KINDS = ("markdown", "caption", "success", "warning", "info", "error")


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", "3")


def _doubt_tab(lang: str | None = None):
    """The app on the explore page, its Doubt split run; (app, the Doubt tab)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/explore.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="run_doubt").click().run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    tab = at.tabs[-1]
    return at, tab


def _texts(block) -> list[str]:
    out = []
    for kind in TEXT_KINDS:
        out += [str(e.value) for e in getattr(block, kind)]
    return [t for t in out if t]


def test_the_doubt_tab_splits_every_gain_and_offers_its_downloads():
    at, tab = _doubt_tab()
    sc = at.session_state["scenario"]
    teams = [s for s in sc.org.setups if s != "none"]
    assert tab.label == "Doubt"
    sentences = [t for t in _texts(tab) if t.startswith("- Most of the doubt about the gain of")]
    assert len(sentences) == len(teams), _texts(tab)
    assert "3 simulated futures per variant" in " ".join(c.value for c in tab.caption)
    frame = tab.dataframe[0].value
    assert len(frame) == len(teams)
    chance, inputs = frame["Share from chance"], frame["Share from the inputs"]
    for c, i in zip(chance, inputs, strict=True):
        assert 0.0 <= c <= 1.0 and 0.0 <= i <= 1.0
        assert abs(c + i - 1.0) < 1e-9 or c + i == 0.0
    labels = [b.label for b in at.get("download_button")]
    assert "Table (CSV)" in labels and "Facts (JSON)" in labels
    # the report of this scenario carries the session's last split
    last = at.session_state["explore_last"]["doubt"]
    assert last["scenario"] == scenario_hash(sc)
    # the sidebar says how many futures the split runs
    side = " ".join(c.value for c in at.sidebar.caption)
    assert "doubt 3, twice" in side


def test_the_doubt_tab_in_japanese_has_no_english_sentence():
    at, tab = _doubt_tab("ja")
    assert tab.label != "Doubt"
    data = _scenario_words(at)
    texts = _texts(tab) + [c.value for c in at.sidebar.caption] + [b.label for b in tab.button]
    texts += [str(c) for c in tab.dataframe[0].value.columns]
    english = {t[:80]: _english_sentences(t, data) for t in texts}
    english = {t: found for t, found in english.items() if found}
    assert not english, english
    assert any("%" in t for t in _texts(tab))
