"""The translation hook: every string of the text layer goes through `translator(lang)`.

Language is chosen per call (per browser session, per CLI run), never process-wide: no
`gettext.install`, no global locale. English is the source language, so `translator("en")`
is gettext's identity. Catalogs for other languages will live in `locales/<lang>/LC_MESSAGES/
orgsim.mo`; a language without a catalog falls back to English.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

DOMAIN = "orgsim"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"
Translate = Callable[[str], str]


@lru_cache(maxsize=16)
def translator(lang: str = "en") -> Translate:
    """The `gettext` function for `lang` (English: the message itself)."""
    if lang == "en":
        return gettext.NullTranslations().gettext
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
    ).gettext


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (tables of labels)."""
    return message
