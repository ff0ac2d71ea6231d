"""The errors of an unusable scenario, naming its fields, and of a run whose arithmetic broke.

They live below the reader (`sim.io`), the budget (`sim.budget`), the model (`sim.org`) and
the metrics (`sim.metrics`), which raise them.
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


class NonFiniteResult(ArithmeticError):
    """A run produced NaN or infinity where a number must be: its results are not used.

    Undefined ratios (a win rate with no closed deal) are NaN by design; money, counts and
    every monthly series never are. A NaN there means the arithmetic broke (an effect or a
    value past what floats hold), and a verdict computed from it would be wrong while looking
    right — so it is an error that names the run and the figure.
    """
