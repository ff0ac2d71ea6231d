"""The Japanese catalog keeps its glossary (locales/ja/GLOSSARY.md): one translation per term.

A message whose English holds a term marked *yes* uses the term's Japanese; no message uses
a word the glossary rules out (a wrong word for the field, or a second translation).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli.catalogs import load

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "locales" / "ja" / "GLOSSARY.md"


def _rows() -> list[tuple[str, str, bool, list[str]]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        english, japanese, every, banned = cells
        rows.append(
            (english, japanese, every == "yes", [w.strip() for w in banned.split(",") if w.strip()])
        )
    return rows


def _messages() -> list[tuple[str, str]]:
    out = []
    for m in load("ja"):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out += [(ids[0], s) for s in strings if s]
    return out


COMMAND_NAMES = {
    "what would change the answer: tornado, breakeven, map, voi, discover, curve, doubt"
}
"""Messages naming the CLI's subcommands, which are typed as they are, in English."""

ROWS = _rows()
MESSAGES = _messages()


def test_the_glossary_has_its_terms():
    terms = {r[0] for r in ROWS}
    assert {"breakeven", "win rate", "quota", "variant", "confidence, how sure"} <= terms
    assert len(ROWS) >= 12


@pytest.mark.parametrize("row", [r for r in ROWS if r[2]], ids=lambda r: r[0])
def test_a_term_is_translated_one_way(row):
    english, japanese, _every, _banned = row
    pattern = re.compile(rf"\b{re.escape(english)}", re.IGNORECASE)
    wrong = [
        (i, s)
        for i, s in MESSAGES
        if pattern.search(i) and japanese not in s and i not in COMMAND_NAMES
    ]
    assert not wrong, f"'{english}' should be {japanese} in: {wrong[:5]}"


@pytest.mark.parametrize("row", [r for r in ROWS if r[3]], ids=lambda r: r[0])
def test_no_message_uses_a_word_the_glossary_rules_out(row):
    english, japanese, _every, banned = row
    wrong = [(i, s) for i, s in MESSAGES for word in banned if word in s]
    assert not wrong, f"use {japanese} for '{english}', not {banned}: {wrong[:5]}"
