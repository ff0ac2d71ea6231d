"""The When? page in Streamlit's test harness: a tiny plan search, the plan form, Japanese.

Two teams x two starts on a 12-month horizon with 2 futures per plan: the page shows the
best plan in words, its charts (the cost of delay among them) and the plans table; a plan
saved on the form joins the search; a bad one is refused naming its field; in Japanese no
English sentence shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_i18n_app import JAPANESE, _english_sentences, _scenario_words, _texts

from sim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
PAGE = "ui/pages/when.py"


@pytest.fixture(autouse=True)
def _few_replications(monkeypatch):
    monkeypatch.setenv("ORGSIM_APP_REPS", "2")


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _unescaped(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _when_page(lang: str | None = None):
    """The page on the default preset cut to 12 months, starts 0 and never."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.switch_page(PAGE).run(timeout=TIMEOUT)
    _ok(at)
    at.session_state["scenario"] = load_scenario(
        ROOT / "scenarios" / "default.yaml", ["analysis.horizon_months=12"]
    )
    at.run(timeout=TIMEOUT)
    at.multiselect(key="when_starts").set_value([0, None]).run(timeout=TIMEOUT)
    _ok(at)
    return at


def _search(at):
    at.button(key="run_when").click().run(timeout=TIMEOUT)
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    return at


def _specs(at) -> list[str]:
    return [json.dumps(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart")]


def _widget(items, prefix: str):
    return next(w for w in items if str(w.key).startswith(prefix))


def test_the_page_searches_and_shows_the_best_plan_and_the_delay_cost():
    at = _search(_when_page())
    sentence = _unescaped(at.success[0].value)
    assert re.match(r"(Hire|Do not hire) (SalesOps|RevOps)", sentence), sentence
    specs = _specs(at)
    delay = [s for s in specs if "Loss vs best plan (USD)" in s]
    # 'never' labels the point right of the horizon; both teams have a colour
    assert len(delay) == 1 and "? 'never'" in delay[0], delay
    assert '"domain": ["SalesOps", "RevOps"]' in delay[0], delay
    assert any("full effect" in s or "ramping up" in s for s in specs)  # the timeline
    table = next(d.value for d in at.dataframe if "Futures" in d.value.columns)
    assert len(table) == 4 and table.iloc[0, 0].startswith("★")
    assert (table["Futures"] == 2).all()
    assert any("4 plans" in c.value for c in at.caption)

    # a plan saved on the form joins the search
    _widget(at.selectbox, "when_kind_revops").set_value("trigger")
    _widget(at.selectbox, "when_metric_revops").set_value("arr")
    _widget(at.number_input, "when_at_least_revops").set_value(5e6)
    at.button(key="when_plan_save").click().run(timeout=TIMEOUT)
    _ok(at)
    plan = at.session_state["scenario"].org.plans["plan_1"]
    assert plan["salesops"].start == 0 and plan["revops"].when.at_least == 5e6
    assert any("5 plans" in c.value for c in at.caption)

    # a start beyond the horizon is refused, naming the field; the plans stay as they were
    at.selectbox(key="when_plan_pick").select_index(0).run(timeout=TIMEOUT)  # a new plan
    _widget(at.number_input, "when_start_salesops").set_value(40)
    at.button(key="when_plan_save").click().run(timeout=TIMEOUT)
    _ok(at)
    shown = _unescaped("\n".join(e.value for e in at.error))
    assert "Plans › plan_2 › SalesOps › Start month" in shown, shown
    assert list(at.session_state["scenario"].org.plans) == ["plan_1"]


def test_the_page_in_japanese_shows_no_english_sentence():
    at = _search(_when_page("ja"))
    assert JAPANESE.search(at.title[0].value), at.title[0].value
    sentence = at.success[0].value
    assert "採用" in sentence, sentence
    texts = _texts(at) + [str(m.value) for m in at.metric]
    data = _scenario_words(at)
    english = {t[:80]: _english_sentences(t, data) for t in texts}
    english = {t: found for t, found in english.items() if found}
    assert not english, english
