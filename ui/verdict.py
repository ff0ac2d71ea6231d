"""The answer on screen: headline, provisional line and confidence words, from `sim.text`.

Pure functions (no streamlit). The facts are the verdict's own (`sim.verdict`); the words
are the text layer's (`sim.text`), in the session's language. This module only adds what
is purely screen layout, such as a range written for a table cell.
"""

from __future__ import annotations

from sim.text import Headline, confidence_words, headline, provisional, translator, value_text

__all__ = [
    "Headline",
    "confidence_words",
    "headline",
    "provisional",
    "range_text",
    "value_text",
]


def range_text(low: float, high: float, objective: str, currency: str, lang: str = "en") -> str:
    """A range for a table cell: "+$5.19M to +$5.75M" ("+¥5.19億〜+¥5.75億")."""
    _ = translator(lang)
    return _("{low} to {high}").format(
        low=value_text(low, objective, currency, lang=lang),
        high=value_text(high, objective, currency, lang=lang),
    )
