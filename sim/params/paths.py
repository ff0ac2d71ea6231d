"""Dotted paths into plain scenario data: `segments.0.win_rate`, `org.teams.revops.headcount`.

One reader and one writer for every caller (the `--set` overrides, the form, the
workshop's changes, calibration): list items by index, mapping entries by key. A path
that cannot be followed raises `PathError` naming the part that fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["PathError", "get_path", "has_path", "set_path", "walk_paths"]


class PathError(ValueError):
    """A dotted path that cannot be followed; `path` is the prefix where it fails."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


_ABSENT = object()


def _step(node: Any, part: str) -> tuple[bool, Any]:
    """(found, child) one part down from `node`."""
    if isinstance(node, list | tuple):
        if part.isdigit() and int(part) < len(node):
            return True, node[int(part)]
        return False, None
    if isinstance(node, dict) and part in node:
        return True, node[part]
    return False, None


def get_path(data: Any, path: str, default: Any = None) -> Any:
    """The value at `path` (`default` when any part is absent)."""
    node = data
    for part in path.split("."):
        found, node = _step(node, part)
        if not found:
            return default
    return node


def has_path(data: Any, path: str) -> bool:
    """Whether `path` names something in `data` (a null value there counts)."""
    return get_path(data, path, _ABSENT) is not _ABSENT


def set_path(data: dict, path: str, value: Any, create: bool = False) -> None:
    """Set `value` at `path` in place.

    List items must exist. With `create`, a missing (or null) block on the way becomes an
    empty mapping (`--set market.new_key=1`); without, it is an error naming the block.
    """
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise PathError(here, f"no list item {part} (the list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif node.get(part) is not None:
                node = node[part]  # a plain value: the next part says it cannot be entered
            elif create:
                node[part] = {}
                node = node[part]
            else:
                raise PathError(here, "no such block in the scenario")
        else:
            raise PathError(here, "cannot set a key inside a plain value")


def walk_paths(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every leaf of nested mappings and lists, depth first."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk_paths(value, f"{prefix}{key}.")
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from walk_paths(value, f"{prefix}{i}.")
    else:
        yield prefix.rstrip("."), data
