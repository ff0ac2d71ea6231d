"""The error of an unusable scenario, naming its fields.

It lives below the reader (`sim.io`) and the budget (`sim.budget`), which both raise it.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario could not be read or is invalid; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "") -> None:
        self.problems = problems
        self.source = source
        where = f"{source}: " if source else ""
        lines = [f"{field}: {msg}" if field else msg for field, msg in problems]
        super().__init__(where + "; ".join(lines))
