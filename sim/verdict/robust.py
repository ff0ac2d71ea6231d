"""A robust choice beside the best on average: minimax regret and satisficing.

The verdict's winner is best on average over the simulated futures. A decision maker who
fears the bad futures more than they value the good ones asks two other questions, as robust
decision making does (EMA Workbench reports both):

- *minimax regret*: which setup's worst shortfall against the best setup of the same future
  is smallest?
- *satisficing*: within how much of the best is each setup in 90% of futures (its margin X),
  and which setup has the smallest X?

And a third that says what kind of doubt is left: of a gain's spread, how much is chance
(run-to-run noise with the inputs fixed) and how much is not knowing the inputs (the law of
total variance: the spread with inputs drawn minus the spread with inputs fixed).

Plain functions of a futures x setups table so they can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SATISFICING_SHARE = 0.90
"""Share of futures in which a satisficing setup must be within its margin of the best."""


def regret_table(values: pd.DataFrame) -> pd.DataFrame:
    """Each future's (row's) best value minus each setup's (column's) value; >= 0."""
    arr = values.to_numpy(dtype=float)
    if np.isnan(arr).any():
        raise ValueError("a payoff table with missing values has no regret")
    return pd.DataFrame(
        arr.max(axis=1, keepdims=True) - arr, index=values.index, columns=values.columns
    )


def max_regret(values: pd.DataFrame) -> pd.Series:
    """Each setup's largest regret over the futures."""
    return regret_table(values).max(axis=0)


def satisficing_margin(values: pd.DataFrame, share: float = SATISFICING_SHARE) -> pd.Series:
    """Smallest X such that each setup is within X of the best in at least `share` of futures.

    The empirical `share` quantile of its regret, taken as the order statistic that leaves
    at least `share` of futures at or below it (no interpolation, so the claim is exact on
    the futures run).
    """
    if not 0.0 < share <= 1.0:
        raise ValueError("share must be in (0, 1]")
    regrets = regret_table(values)
    n = len(regrets)
    if n == 0:
        raise ValueError("no futures")
    rank = int(np.ceil(share * n)) - 1
    return pd.Series(np.sort(regrets.to_numpy(), axis=0)[rank], index=values.columns, dtype=float)


@dataclass(frozen=True)
class RobustChoice:
    """The robust readings of one payoff table (setup ids and money in its unit)."""

    best_on_average: str
    minimax_regret: str
    max_regret: dict[str, float]
    satisficing: str
    satisficing_margin: dict[str, float]
    satisficing_share: float

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON."""
        return {
            "best_on_average": self.best_on_average,
            "minimax_regret": {"setup": self.minimax_regret, "max_regret": self.max_regret},
            "satisficing": {
                "setup": self.satisficing,
                "share": self.satisficing_share,
                "margin": self.satisficing_margin,
            },
        }


def robust_choice(values: pd.DataFrame, share: float = SATISFICING_SHARE) -> RobustChoice:
    """Best on average, minimax regret and the satisficing setup of one payoff table.

    Ties go to the setup listed first, so the answer is stable for a given column order.
    """
    worst = max_regret(values)
    margin = satisficing_margin(values, share)
    means = values.mean(axis=0)
    return RobustChoice(
        best_on_average=str(means.idxmax()),
        minimax_regret=str(worst.idxmin()),
        max_regret={str(k): float(v) for k, v in worst.items()},
        satisficing=str(margin.idxmin()),
        satisficing_margin={str(k): float(v) for k, v in margin.items()},
        satisficing_share=share,
    )


@dataclass(frozen=True)
class DoubtSplit:
    """A gain's variance split into chance and input uncertainty (shares add to 1)."""

    chance_share: float
    input_share: float
    total_variance: float


def doubt_split(gains_inputs_fixed: np.ndarray, gains_inputs_drawn: np.ndarray) -> DoubtSplit:
    """Split a gain's spread: run-to-run noise against not knowing the inputs.

    With the inputs fixed (at their modes) the gain still varies from future to future:
    that variance estimates chance. With the inputs drawn from their ranges as well, the
    variance is chance plus input uncertainty (law of total variance). The input share is
    the difference, floored at zero (two samples can invert it by noise alone).
    """
    fixed = np.asarray(gains_inputs_fixed, dtype=float)
    drawn = np.asarray(gains_inputs_drawn, dtype=float)
    if fixed.size < 2 or drawn.size < 2:
        raise ValueError("need at least two futures on each side")
    if np.isnan(fixed).any() or np.isnan(drawn).any():
        raise ValueError("a gain is missing")
    chance = float(fixed.var(ddof=1))
    total = float(drawn.var(ddof=1))
    if total <= 0.0:
        return DoubtSplit(chance_share=0.0, input_share=0.0, total_variance=0.0)
    chance_share = min(chance / total, 1.0)
    return DoubtSplit(
        chance_share=chance_share, input_share=1.0 - chance_share, total_variance=total
    )
