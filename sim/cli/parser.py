"""The argument parser: every subcommand's options, its help translated into `--lang`.

`english_parser` is the parser with its English help (the catalogs extract its texts);
`build_parser(lang)` is the one the program parses with.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sim.cli import calibrate, compare, explore, plan, report, uplift, validate
from sim.cli.options import EXAMPLES
from sim.cli.signals import EXIT_BAD_INPUT
from sim.text import translator
from sim.text.i18n import LANGUAGES, normalize_lang

SUBCOMMANDS = (validate, uplift, compare, plan, explore, report, calibrate)
"""The modules of the subcommands, in the order of the help; each has `add_parser` and `run`."""


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors exit with code 2 and one message."""

    def error(self, message: str) -> None:
        """Exit 2 with the usage and the message, as argparse does."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language of the user's environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize_lang(env[name].split(":")[0])
    return "en"


def lang_of(argv: Sequence[str]) -> str:
    """`--lang` from the arguments, before they are parsed (help is written in it too)."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1])
    return default_lang()


def parser_messages(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text, description and group title of the parser and its subcommands."""
    out: list[str] = []
    todo = [parser]
    while todo:
        p = todo.pop(0)
        out += [t for t in (p.description, _epilog_head(p.epilog)) if t]
        out += [g.title for g in p._action_groups if g.title]
        for action in p._actions:
            if action.help and action.help != argparse.SUPPRESS:
                out.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                out += [a.help for a in action._choices_actions if a.help]
                todo += [sp for sp in action.choices.values() if sp not in todo]
    return list(dict.fromkeys(out))


def _epilog_head(epilog: str | None) -> str | None:
    """The words of an epilog: its first line ("examples:"); the commands are not words."""
    return epilog.split("\n", 1)[0] if epilog else None


def _translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """Help texts in `lang`; every (sub)command accepts `--lang`."""
    _ = translator(lang)
    todo = [parser]
    seen: list[argparse.ArgumentParser] = []
    while todo:
        p = todo.pop(0)
        seen.append(p)
        p.description = _(p.description) if p.description else p.description
        head = _epilog_head(p.epilog)
        if head and p.epilog:
            p.epilog = _(head) + p.epilog[len(head) :]
        for g in p._action_groups:
            g.title = _(g.title) if g.title else g.title
        for action in p._actions:
            if action.help and action.help != argparse.SUPPRESS:
                action.help = _(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for a in action._choices_actions:
                    a.help = _(a.help) if a.help else a.help
                todo += [sp for sp in action.choices.values() if sp not in seen + todo]
        if "--lang" not in p._option_string_actions:
            p.add_argument(
                "--lang",
                choices=LANGUAGES,
                default=lang if p is parser else argparse.SUPPRESS,
                help=_("language of the output: en or ja (default: from LANG)"),
            )


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs), its help in `lang`."""
    parser = english_parser()
    _translate_parser(parser, lang)
    return parser


def english_parser() -> argparse.ArgumentParser:
    """The argument parser with its English help."""
    parser = Parser(
        prog="python -m sim",
        description="Which ops team pays off: SalesOps, RevOps, both or neither? Simulates a "
        "company's revenue engine under each org setup on the same random futures.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    return parser
