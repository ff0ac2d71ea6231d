"""The message catalogs: extraction (Babel), update and checks. A maintainer's tool.

    python -m sim.cli.catalogs update   # re-extract; add new messages, drop vanished ones
    python -m sim.cli.catalogs check    # exit 1 when a message lacks a translation

Messages are extracted with Babel from the text layer (`sim/text`), the screens (`ui/`,
`app.py`) and the CLI (`sim/cli`) — calls of `_`, `N_`, `gettext`,
`ngettext`, `pgettext` — and from the schema: every field's label and help
(`sim.params.base.info`), the lever-effect words of `sim.params.meta`, the article's metric
table and the outcomes' labels (`sim.outcomes`) and the CLI's help texts (its argparse parser). The
English catalog is the source language written out (each translation is its message, unless
a maintainer rewords it there); the Japanese catalog is written by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from sim.text.i18n import DOMAIN, LANGUAGES, catalog_path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("sim/text", "ui", "app.py", "sim/cli")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
HEADER = "Messages of orgsim: the app, the CLI, verdict sentences, diagnostics and reports."


def source_files() -> list[Path]:
    """The Python files messages are extracted from."""
    files: list[Path] = []
    for entry in SOURCES:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [f for f in files if "__pycache__" not in f.parts and f.name != "catalogs.py"]


def _schema_messages() -> Iterator[tuple[str, str]]:
    """(message, where) for every label and help text of the scenario schema."""
    from pydantic import BaseModel

    from sim.levers import LEVER_LABELS
    from sim.params import Scenario
    from sim.params.base import META_KEY
    from sim.params.meta import _LEVER_HELP, _RANGE_WORDS, _members

    seen: set[type] = set()
    stack: list[Any] = [Scenario]
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            meta = extra.get(META_KEY) if isinstance(extra, dict) else None
            where = f"sim/params:{model.__name__}.{name}"
            if meta:
                for key in ("label", "help"):
                    if meta.get(key):
                        yield meta[key], where
            todo = [field.annotation]
            while todo:
                t = todo.pop()
                for member in _members(t)[0]:
                    if isinstance(member, type) and issubclass(member, BaseModel):
                        stack.append(member)
                    else:
                        todo.extend(getattr(member, "__args__", ()))
    for text in (*_LEVER_HELP.values(), *_RANGE_WORDS.values()):
        yield text, "sim/params/meta.py"
    for text in LEVER_LABELS.values():
        yield text, "sim/levers.py:LEVER_LABELS"


def _table_messages() -> Iterator[tuple[str, str]]:
    """(message, where) for the article's metric table and the CLI's help texts."""
    from sim.cli.parser import english_parser, parser_messages
    from sim.outcomes import ARTICLE_METRICS, OUTCOMES

    for group, rows in ARTICLE_METRICS.items():
        yield group, "sim/outcomes.py:ARTICLE_METRICS"
        for _kpi, label in rows:
            yield label, "sim/outcomes.py:ARTICLE_METRICS"
    for outcome in OUTCOMES.values():
        if outcome.label:
            yield outcome.label, "sim/outcomes.py:OUTCOMES"
    for text in parser_messages(english_parser()):
        yield text, "sim/cli:argparse"


def extract() -> Catalog:
    """Every message of the code and the schema, as a template catalog."""
    template = Catalog(domain=DOMAIN, project="orgsim", header_comment=f"# {HEADER}")
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True
        ):
            template.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    for message, where in (*_schema_messages(), *_table_messages()):
        template.add(message, None, [(where, 0)])
    return template


def load(lang: str) -> Catalog:
    """The catalog of `lang` as it is in the repository (empty when there is none)."""
    path = catalog_path(lang)
    if not path.is_file():
        return Catalog(locale=lang, domain=DOMAIN, project="orgsim")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def save(catalog: Catalog, lang: str) -> None:
    """Write a catalog to its place (sorted by message, no line numbers: stable diffs)."""
    path = catalog_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False, include_lineno=False)


def update() -> dict[str, list[str]]:
    """Merge the extracted messages into every catalog; -> untranslated messages per language."""
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog.update(extract(), no_fuzzy_matching=True)  # a template per language: shared
        catalog.fuzzy = False
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            if lang == "en" and not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
        save(catalog, lang)
        missing[lang] = untranslated(catalog)
    return missing


def untranslated(catalog: Catalog) -> list[str]:
    """Messages of `catalog` without a translation."""
    return [
        str(m.id)
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]


def main(argv: list[str] | None = None) -> int:
    """`update` or `check`; prints the untranslated messages."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command == "update":
        missing = update()
    else:
        template = {str(m.id) for m in extract() if m.id}
        missing = {}
        for lang in LANGUAGES:
            catalog = load(lang)
            have = {str(m.id) for m in catalog if m.id}
            missing[lang] = sorted(template - have) + untranslated(catalog)
    for lang, ids in missing.items():
        for message in ids:
            print(f"{lang}: untranslated: {message!r}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
