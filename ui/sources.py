"""Where each number comes from: the end-of-line comments of a scenario's YAML text.

Presets write the source of every value as a comment on its line
(``win_rate: 0.20  # BENCHMARKS profile (J): ...``). `comment_sources` reads them back as
dotted field paths (``segments.0.win_rate``) with a line scanner, which is enough for the
block-style YAML of the presets; anything it cannot place is simply left out.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w\-]*)\s*:(?P<rest>.*)$")
_BLOCK_SCALAR = re.compile(r"^\s*[>|][+-]?\s*(#.*)?$")


def _split_comment(rest: str) -> tuple[str, str]:
    """Value and comment of the text after a key's colon (quotes respected)."""
    quote = None
    for i, ch in enumerate(rest):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or rest[i - 1].isspace()):
            return rest[:i].strip(), rest[i + 1 :].strip()
    return rest.strip(), ""


def comment_sources(text: str) -> dict[str, str]:
    """Dotted field path -> the comment on that field's line, for block-style YAML."""
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []  # (indent of key, path of key)
    list_index: dict[str, int] = {}  # path of a list -> index of its current item
    block_indent: int | None = None
    last: tuple[str, int] | None = None  # (path, column of its comment) of the last key line
    for raw in text.splitlines():
        stripped = raw.lstrip()
        if stripped.startswith("#"):
            column = len(raw) - len(stripped)
            if last is not None and column >= last[1] > 0:
                # a comment continued on the next lines, aligned under the first
                out[last[0]] = f"{out[last[0]]} {stripped.lstrip('#').strip()}".strip()
            continue
        last = None
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        m = _KEY.match(raw)
        if not m:
            continue
        key_indent = len(m.group("indent"))
        dash = m.group("dash")
        if dash:
            key_indent += len(dash)
        while stack and stack[-1][0] >= (len(m.group("indent")) if dash else key_indent):
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if dash:
            index = list_index.get(parent, -1) + 1
            list_index[parent] = index
            parent = f"{parent}.{index}" if parent else str(index)
            stack.append((len(m.group("indent")), parent))
        path = f"{parent}.{m.group('key')}" if parent else m.group("key")
        value, comment = _split_comment(m.group("rest"))
        if comment:
            out[path] = comment
            last = (path, raw.find("#", len(raw) - len(m.group("rest"))))
        if not value:
            stack.append((key_indent, path))
            list_index.pop(path, None)
        elif _BLOCK_SCALAR.match(value):
            block_indent = key_indent
    return out


def source_of(sources: dict[str, str], path: str) -> str:
    """The source comment of a field path, or "" when the file gives none."""
    return sources.get(path, "")
