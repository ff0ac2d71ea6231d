"""The layout's two rules, read from the source (module-level and function-level imports):

* no import circle between modules of `sim/`;
* no fact package imports the words (`sim.text`) or the command line (`sim.cli`).

`from package import name` counts as an import of `package.name` when that is a module,
else of `package`; a package's `__init__` is not counted as imported by its submodules.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FACTS = (
    "sim.params",
    "sim.model",
    "sim.verdict",
    "sim.explore",
    "sim.calibrate",
    "sim.metrics",
    "sim.experiments",
    "sim.org",
    "sim.levers",
    "sim.streams",
    "sim.budget",
    "sim.io",
    "sim.cache",
    "sim.errors",
    "sim.facts",
    "sim.plans",
)
"""Packages and modules of facts: ids and numbers, no words, no command line."""
UPPER = ("sim.text", "sim.cli")


def _modules() -> dict[str, Path]:
    out = {}
    for path in (ROOT / "sim").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def import_graph() -> dict[str, set[str]]:
    """Module -> modules of `sim` it imports, anywhere in its source."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                targets = [
                    f"{origin}.{a.name}" if f"{origin}.{a.name}" in modules else origin
                    for a in node.names
                ]
            else:
                continue
            for target in targets:
                found = resolve(target) if _within(target, ("sim",)) else None
                if found and found != name:
                    graph[name].add(found)
    return graph


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_is_read(graph):
    """The reader finds the arrows it must (else the rules below would pass vacuously)."""
    assert "sim.io" in graph["sim.cli.compare"]
    assert "sim.text" in graph["sim.answers"]
    assert "sim.cli.parser" in graph["sim.cli"]  # imported inside `main`: counted too
    assert sum(map(len, graph.values())) > 100


def test_no_import_circles_in_sim(graph):
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        pytest.fail(f"an import circle: {' -> '.join(err.args[1])}")


def test_facts_import_neither_words_nor_the_command_line(graph):
    upward = sorted(
        (a, b)
        for a, targets in graph.items()
        for b in targets
        if _within(a, FACTS) and _within(b, UPPER)
    )
    assert not upward, f"fact modules importing sim.text or sim.cli: {upward}"
