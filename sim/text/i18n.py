"""The translation hook: every string of the text layer goes through `translator(lang)`.

Language is chosen per call (per browser session, per CLI run), never process-wide: no
`gettext.install`, no global locale. English is the source language: its messages are the
catalogs' ids. The catalogs are `locales/<lang>/LC_MESSAGES/orgsim.po` in the repository
(English and Japanese); each is compiled in memory with Babel the first time a language is
asked for, so a fresh clone needs no build step and no `.mo` can go stale. A language without
a catalog falls back to English, as does a message a catalog does not translate.

`python -m sim.cli.catalogs update` re-extracts the messages (from `sim/text`, `ui/`,
`app.py`, the CLI and the schema's field labels) into both catalogs.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

DOMAIN = "orgsim"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"
LANGUAGES = ("en", "ja")
"""Languages with a catalog, the source language first."""
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}  # i18n: ok (each in its own language)
"""Each language in its own words (the language switch)."""
DEFAULT_LANGUAGE = "en"
Translate = Callable[[str], str]


def catalog_path(lang: str) -> Path:
    """Where the catalog of `lang` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def normalize_lang(code: str | None) -> str:
    """A supported language from a locale or language code ("ja-JP", "ja_JP.UTF-8" -> "ja").

    Anything not supported (or missing) is English.
    """
    if not code:
        return DEFAULT_LANGUAGE
    head = str(code).strip().replace("_", "-").split("-")[0].split(".")[0].lower()
    return head if head in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=16)
def translations(lang: str = "en") -> gettext.NullTranslations:
    """The compiled catalog of `lang` (gettext's identity where there is none)."""
    path = catalog_path(lang)
    if not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translator(lang: str = "en") -> Translate:
    """The `gettext` function for `lang` (a message without translation: itself)."""
    return translations(lang).gettext


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (tables of labels)."""
    return message
