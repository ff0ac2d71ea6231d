"""Close calls never contradict themselves: one interval, the one that decides, and words
that agree with its sign.

For every case in a table (clear wins, ties, and adaptive runs judged at a stricter level
than the display's), each sentence that speaks of the top two's average difference shows the
interval that decided separation, and says "sure of the sign" only when that interval
excludes zero, "could be either sign" only when it spans zero.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import hand_built

from sim.text import headline, verdict_summary
from sim.text.numbers import value_text
from sim.text.verdict import interval_text, level_text
from sim.text.workshop import confidence_sentence
from sim.verdict import Comparison, make_verdict, summarise

OBJ = "cumulative_contribution"

# (mean gap, spread of the gap, display confidence, separation level)
CASES = [
    (2e5, 1e5, 0.9, 0.9),  # clearly ahead
    (2e4, 4e5, 0.9, 0.9),  # a tie
    (-0.0, 3e5, 0.9, 0.9),  # nothing between them
    (1e5, 3.5e5, 0.9, 0.99),  # 90% excludes zero, the stricter level does not
    (1.4e5, 5e5, 0.9, 0.973),  # the case: positive at 90%, either sign when it decides
    (3e5, 2e5, 0.9, 0.995),  # clear even at the stricter level
    (5e4, 3e5, 0.8, 0.95),
    (1e3, 1e4, 0.95, 0.95),
]


def _comparison(mean: float, spread: float, confidence: float, level: float) -> Comparison:
    n = 60
    rng = np.random.default_rng(7)
    base = rng.normal(5e6, 5e5, n)
    noise = rng.normal(0, 1, n)
    gap = mean + spread * (noise - noise.mean()) / noise.std(ddof=1)
    values = {"none": base, "salesops": base + 3e5 + gap, "revops": base + 3e5, "both": base - 1e6}
    res = hand_built(values)
    s = summarise(res, OBJ, confidence)
    return Comparison(
        scenario=res.scenario,
        seed=0,
        objective=OBJ,
        confidence=confidence,
        results=res,
        setups=s,
        verdict=make_verdict(res, s, OBJ, confidence, level),
        diagnostics=[],
    )


def _plain(text: str) -> str:
    return text.replace("**", "")


@pytest.mark.parametrize("case", CASES, ids=[f"gap{c[0]:+.0f}_lvl{c[3]}" for c in CASES])
def test_the_words_sign_claim_agrees_with_the_interval_shown(case):
    c = _comparison(*case)
    v = c.verdict
    d = v.deciding
    cur = c.scenario.currency
    assert v.separated == d.excludes_zero
    shown_between = interval_text(d.low, d.high, OBJ, cur)
    shown_to = f"{value_text(d.low, OBJ, cur)} to {value_text(d.high, OBJ, cur)}"
    pct = level_text(v.separation_level)
    sentences = {
        "headline": _plain(headline(c).body),
        "summary": verdict_summary(c),
        "confidence": confidence_sentence(c),
    }
    for where, text in sentences.items():
        either = "either sign" in text
        sure = "sure of the sign" in text or (where == "confidence" and not either)
        assert either != sure, (where, text)
        assert either == (not d.excludes_zero), (where, text)
        shown = shown_to if where == "confidence" else shown_between
        assert shown in text, (where, shown, text)
        assert f"{pct}%" in text, (where, pct, text)
        # one interval of the pair, not two: the display-level one is not shown beside it
        if v.deciding_gap is not None:
            other = value_text(v.gap.low, OBJ, cur)
            assert other not in text or other == value_text(d.low, OBJ, cur), (where, text)
        # the signs printed agree with the words
        signs = re.findall(r"([+\-−])\$", shown)
        assert len(signs) == 2
        spans_zero = signs[0] != signs[1]
        assert spans_zero == either, (where, shown, text)


def test_level_text():
    assert level_text(0.9) == "90"
    assert level_text(0.973) == "97.3"
    assert level_text(0.99) == "99"
