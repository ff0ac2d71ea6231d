"""The text layer (sim/text): every sentence and label, made from the verdict's facts.

Sentences are checked for what they must say given known facts (who wins, by how much, how
sure, what would separate), for the two facts an executive once read as a contradiction
(separation is about the average; P(best) about single futures), and for the plumbing: all
words go through the translation hook, and the facts themselves hold no words.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import gettext
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import hand_built, make

import sim.text.diagnostics
import sim.text.labels
import sim.text.report
import sim.text.verdict
from sim.levers import LEVER_GROUPS, LEVERS
from sim.params import AFTER_HORIZON, OBJECTIVES
from sim.text import (
    ATTRIBUTION_LABELS,
    CRITERION_TEXT,
    DIAGNOSTIC_LABELS,
    GLOSSARY,
    LEVER_LABELS,
    LEVER_PHRASES,
    OBJECTIVE_HELP,
    OBJECTIVES_TEXT,
    comparison_table,
    confidence_words,
    diagnostic_text,
    headline,
    influence_text,
    money,
    provisional,
    setup_action,
    setup_name,
    translator,
    verdict_summary,
)
from sim.text.labels import OBJECTIVES_SHORT
from sim.verdict import (
    CRITERIA,
    SIGNALS,
    Comparison,
    Diagnostic,
    Influence,
    SeparateBy,
    compare,
    make_verdict,
    summarise,
)
from sim.verdict.attribution import SOURCES

ROOT = Path(__file__).resolve().parents[1]
OBJ = "cumulative_contribution"


def comparison_of(values: dict[str, np.ndarray], confidence: float = 0.9) -> Comparison:
    """A Comparison of hand-built objective values (no simulation, no diagnostics)."""
    res = hand_built(values)
    s = summarise(res, OBJ, confidence)
    return Comparison(
        scenario=res.scenario,
        seed=0,
        objective=OBJ,
        confidence=confidence,
        results=res,
        setups=s,
        verdict=make_verdict(res, s, OBJ, confidence),
        diagnostics=[],
    )


@pytest.fixture(scope="module")
def ahead_but_often_beaten() -> Comparison:
    """'both' ahead of 'salesops' on average for sure (t ≈ 4), yet best in few more than half
    the futures: the case an executive read as a contradiction."""
    n = 400
    rng = np.random.default_rng(5)
    base = rng.normal(5e6, 4e5, n)
    noise = rng.normal(0, 1, n)
    gap = 2e4 + 1e5 * (noise - noise.mean()) / noise.std(ddof=1)
    values = {
        "none": base,
        "salesops": base + 4e5,
        "revops": base - 1e6,
        "both": base + 4e5 + gap,
    }
    return comparison_of(values)


# ----------------------------------------------------------------------------- names
def test_setup_names_and_advice():
    """Default setups have plain names; advice follows the setup's teams, not its name."""
    assert setup_name("none") == "No ops team"
    assert setup_name("both") == "Both teams"
    assert setup_name("revops_2fte") == "Revops 2fte"
    assert setup_action("none", ()) == "Don't build an ops team (yet)"
    assert setup_action("x", ("revops",)) == "Build a RevOps team"
    assert setup_action("both", ("salesops", "revops")) == "Build both teams: SalesOps and RevOps"
    assert setup_action("x", ("a", "b", "c")) == "Build A, B and C"


def test_money_is_short_with_its_sign_and_currency():
    """Money is short with its sign; unknown currencies are written after; NaN is a dash."""
    assert money(5_470_000) == "$5.47M"
    assert money(5_470_000, signed=True) == "+$5.47M"
    assert money(-12_300, "EUR") == "-€12K"
    assert money(1500, "CHF") == "1.5K CHF"
    assert money(math.nan) == "—"


def test_every_id_the_facts_can_hold_has_words():
    """Levers, lever groups, attribution rows, criteria, signals and objectives all have a
    label (a missing one would print an id to an executive)."""
    assert set(LEVER_LABELS) == set(LEVERS) == set(LEVER_PHRASES) - {"strength"}
    assert set(SOURCES) == set(ATTRIBUTION_LABELS)
    assert set(LEVER_GROUPS) < set(ATTRIBUTION_LABELS)
    assert set(CRITERIA) == set(CRITERION_TEXT)
    assert set(SIGNALS) == set(DIAGNOSTIC_LABELS)
    assert set(OBJECTIVES) == set(OBJECTIVES_TEXT) == set(OBJECTIVE_HELP) == set(OBJECTIVES_SHORT)


def test_criterion_words_cite_the_article_item_they_stand_for():
    """Each criterion's words name its section and numbers, as the registry records them."""
    section_words = {
        "salesops_criteria": "SalesOps criteri",
        "revops_criteria": "RevOps criterion",
        "revops_jobs": "RevOps job",
        "differences": "Difference",
    }
    for cid, c in CRITERIA.items():
        text = CRITERION_TEXT[cid]
        assert text.startswith(section_words[c.section]), text
        assert "–".join(map(str, c.numbers)) in text, text


def test_jargon_is_in_the_glossary_and_not_in_the_objective_labels():
    """Plain words first: objective labels avoid the analysts' terms, which the glossary and
    the objective help define."""
    for label in OBJECTIVES_TEXT.values():
        assert "contribution" not in label.lower() and "roi" not in label.lower().split()
    glossary = " ".join(GLOSSARY.values())
    for term in ("Replications", "Seed", "P10–P90", "Expected regret", "confidence interval"):
        assert term in glossary, term
    assert "Cumulative contribution" in OBJECTIVE_HELP["cumulative_contribution"]


# ----------------------------------------------------------------------------- the verdict
def test_ahead_on_average_and_best_in_some_futures_are_worded_apart(ahead_but_often_beaten):
    """Separation speaks of the average and the sign; P(best) of single futures, as a count.
    Neither is worded so that it seems to deny the other."""
    c = ahead_but_often_beaten
    assert c.verdict.separated and c.verdict.best == "both"
    p = c.setups["both"].p_best
    assert 0.5 < p < 0.7
    k = round(p * 400)
    body = headline(c).body
    assert "On average it is ahead of the runner-up, **SalesOps**" in body
    assert "90% sure of the sign" in body
    assert f"best setup in **{k} of 400** simulated futures" in body
    assert "Taken one future at a time" in body
    assert f"{p:.0%}" not in body and "clearly ahead" not in body
    summary = verdict_summary(c)
    assert "on average by" in summary and f"best in {k} of 400 simulated futures" in summary
    assert confidence_words(c) == "Ahead on average; single futures vary"


def test_headline_names_winner_gain_and_how_sure(ahead_but_often_beaten):
    """The title is the advice; the body has the gain over no ops team and its interval."""
    c = ahead_but_often_beaten
    h = headline(c)
    s = c.setups["both"]
    assert h.title == "Build both teams: SalesOps and RevOps"
    assert h.tone == "success" and h.separated
    assert f"**{money(s.vs_none.mean, signed=True)}**" in h.body
    assert f"between {money(s.vs_none.low, signed=True)} and " in h.body


def test_not_separated_says_so_and_what_would_separate_from_structured_facts(
    ahead_but_often_beaten,
):
    """What would separate the two is worded from data: a number of futures and a team's
    effect (no field path is parsed out of a sentence)."""
    c = ahead_but_often_beaten
    v = dataclasses.replace(
        c.verdict,
        separated=False,
        gap=type(c.verdict.gap)(1000.0, -500.0, 2500.0),
        separate_by=SeparateBy(4, 80, Influence("revops", "monthly_churn", 0.6)),
    )
    tie = dataclasses.replace(c, verdict=v)
    h = headline(tie)
    assert h.tone == "warning" and not h.separated
    assert h.title == "Too close to call: Both teams or SalesOps"
    assert "not clearly ahead of SalesOps" in h.body and "could be either sign" in h.body
    assert (
        "What would separate them: about 80 simulated futures (now 4) or a narrower range for "
        "RevOps's effect on monthly churn (it moves the difference most)." in h.body
    )
    assert "revops.effects" not in h.body + verdict_summary(tie)
    assert confidence_words(tie) == "Too close to call"
    assert "not yet clearly ahead of SalesOps on average" in provisional(tie)
    nothing = dataclasses.replace(v, separate_by=SeparateBy(4, None, None))
    assert "nothing within reach" in headline(dataclasses.replace(c, verdict=nothing)).body


def test_a_stricter_adaptive_level_shows_the_interval_that_decides(ahead_but_often_beaten):
    """A gap whose displayed interval excludes zero but that adaptive looks did not accept:
    the sentences show the stricter interval (spanning zero) and its level, not the other."""
    c = ahead_but_often_beaten
    wide = type(c.verdict.gap)(c.verdict.gap.mean, -1000.0, 2 * c.verdict.gap.high)
    v = dataclasses.replace(
        c.verdict,
        separated=False,
        separation_level=0.995,
        separate_by=SeparateBy(400, 900, None),
        deciding_gap=wide,
    )
    strict = dataclasses.replace(c, verdict=v)
    for text in (headline(strict).body, verdict_summary(strict)):
        assert "could be either sign (99.5% sure it lies between -$1.0K and " in text, text
        assert money(c.verdict.gap.low, signed=True) not in text
        assert "stricter margin" not in text


def test_influence_words_follow_team_and_lever_names():
    """Custom teams are tidied; levers are phrased for a sentence, not as table headings."""
    assert influence_text(Influence("revops", "qualification_rate", 0.3)) == (
        "RevOps's effect on MQL-to-SQL qualification"
    )
    assert (
        influence_text(Influence("revops_2fte", "price", -0.4)) == "Revops 2fte's effect on price"
    )


def test_when_no_team_pays_the_words_say_so():
    """The baseline wins: the summary and headline say no ops team pays for itself."""
    n = 10
    base = np.linspace(4e6, 6e6, n)
    c = comparison_of(
        {"none": base, "salesops": base - 1e5, "revops": base - 2e5, "both": base - 3e5}
    )
    assert verdict_summary(c).startswith("No ops team pays for itself")
    h = headline(c)
    assert h.tone == "info" and h.title == "Don't build an ops team (yet)"
    assert "No ops team pays for itself" in h.body and "**SalesOps**" in h.body


# ----------------------------------------------------------------------------- diagnostics
@pytest.mark.parametrize("signal", sorted(SIGNALS))
def test_each_diagnostic_sentence_shows_its_figure_and_never_nan(signal):
    """Each diagnostic's sentence carries its figure; undefined figures read as a dash."""
    figures = {"count": 40.0, "wait_days": 9.0, "kept": 0.6, "logo_churn_monthly": 0.03}
    d = Diagnostic(signal, 0.3, SIGNALS[signal].criterion, True, 0.0, "value", figures)
    text = diagnostic_text(d)
    assert ("30%" in text) or ("0.3 hours" in text) or ("0.3 days" in text), text
    undefined = dataclasses.replace(d, value=math.nan, figures={})
    assert "nan" not in diagnostic_text(undefined).lower()


# ----------------------------------------------------------------------------- plumbing
def test_english_is_the_source_and_languages_are_per_call():
    """English is the source language (its catalog returns each message as it is); an
    unknown language falls back to English; Japanese comes from its catalog; nothing is
    installed process-wide."""
    en = translator("en")
    assert en("Too close to call") == "Too close to call"
    assert isinstance(en.__self__, gettext.NullTranslations)
    assert translator("xx")("Build a {team} team") == "Build a {team} team"
    assert translator("ja")("Too close to call") == "僅差で判定できません"
    assert translator("en")("Too close to call") == "Too close to call"
    assert not hasattr(builtins, "_")


def test_every_sentence_goes_through_the_translation_hook(ahead_but_often_beaten, monkeypatch):
    """With a pseudo-language that marks each message, every sentence comes out marked:
    no words bypass the hook."""

    def pseudo(lang: str = "en"):
        return lambda message: f"⟦{message}⟧"

    for module in (sim.text.labels, sim.text.verdict, sim.text.diagnostics, sim.text.report):
        monkeypatch.setattr(module, "translator", pseudo)
    c = ahead_but_often_beaten
    for text in (
        headline(c).title,
        headline(c).body,
        verdict_summary(c),
        provisional(c),
        confidence_words(c),
        setup_name("both"),
        diagnostic_text(Diagnostic("handoff_leakage", 0.2, "revops_2", True, 0.1, "value")),
    ):
        assert text.startswith("⟦") or text.startswith("**⟦"), text


def test_the_facts_hold_ids_and_numbers_only():
    """Every string in a comparison's facts is an id (setup, signal, criterion, lever group,
    team, lever, objective) or the scenario's name or currency: no sentence."""
    result = compare(make(horizon_months=6), 4, seed=2, workers=1)
    sc = result.scenario
    ids = (
        set(sc.org.setups)
        | set(SIGNALS)
        | set(CRITERIA)
        | set(SOURCES)
        | set(sc.org.teams)
        | set(LEVERS)
        | set(OBJECTIVES)
        | {sc.name, sc.currency, "value", "kept"}
    )
    ids |= {f"{t}.effects.{lever}" for t in sc.org.teams for lever in LEVERS}
    ids |= set(AFTER_HORIZON)

    def strings(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                yield from strings(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from strings(v)
        elif isinstance(obj, str):
            yield obj

    assert set(strings(result.facts())) <= ids


def test_only_the_text_layer_builds_sentences():
    """sim.verdict imports sim.text only where the JSON needs its words (at call time), and
    the screen's verdict module parses nothing back with regular expressions."""
    for path in sorted((ROOT / "sim" / "verdict").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        names = [getattr(n, "module", None) or n.names[0].name for n in top]
        assert not any(str(m).startswith("sim.text") for m in names), path
    ui_verdict = (ROOT / "ui" / "verdict.py").read_text(encoding="utf-8")
    assert "import re" not in ui_verdict


def test_the_cli_table_uses_the_same_words(ahead_but_often_beaten):
    """The plain-text table leads with the summary sentence and plain words."""
    table = comparison_table(ahead_but_often_beaten)
    assert verdict_summary(ahead_but_often_beaten) in table
    assert "400 simulated futures (replications)" in table
