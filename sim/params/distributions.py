"""Sales-cycle distributions as objects: a new shape touches this file only.

Each declares its fields (with their form metadata, `info`), its mean, its quantiles, how it
samples a candidate's cycle from that candidate's own named stream (`sim.streams`, so every
setup sees the same cycle: common random numbers), what makes it impossible to sample (the
budget's check, `sim.budget`) and how the form's two columns (days, spread) map to its
fields. The model, the budget and the form ask the object; none of them tests its type.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.params.base import Frozen, NonNegative, Positive, info

if TYPE_CHECKING:
    from sim.streams import CandidateDraws

__all__ = [
    "CYCLE_DISTRIBUTIONS",
    "CycleDistribution",
    "CycleExponential",
    "CycleFixed",
    "CycleGamma",
    "CycleLognormal",
    "cycle_shapes",
]

Problem = tuple[str, str]


class CycleLognormal(Frozen):
    """Sales-cycle length, lognormal (the default: long right tail, as in CRM data)."""

    distribution: Literal["lognormal"] = "lognormal"
    median: Positive = info(
        label="Cycle days",
        unit="days",
        help="Median length of the sales cycle (lognormal); the mean for gamma and "
        "exponential, the value when fixed.",
        low=14.0,
        high=270.0,
        step=5.0,
    )
    sigma: NonNegative = info(
        0.6,
        label="Cycle spread",
        unit="log-sd",
        help="Log-sd of the cycle (lognormal) or its shape (gamma); unused otherwise.",
        low=0.2,
        high=1.2,
        step=0.05,
    )

    days_field: ClassVar[str] = "median"
    """The field the form's days column edits."""
    spread_field: ClassVar[str | None] = "sigma"
    """The field the form's spread column edits (None: no spread)."""
    draws_shapes: ClassVar[bool] = False
    """Whether it samples from the per-candidate gamma stream (`cycle_shapes`)."""

    @property
    def mean(self) -> float:
        """Mean cycle length in days."""
        return self.median * math.exp(self.sigma**2 / 2)

    def quantile(self, q: float) -> float:
        """The cycle length below which a share `q` of cycles falls."""
        return self.median * math.exp(self.sigma * NormalDist().inv_cdf(q))

    def sample(self, draws: CandidateDraws, cand: np.ndarray, shapes: Any = None) -> np.ndarray:
        """The cycles of candidates `cand` from their own standard-normal draws."""
        return self.median * np.exp(self.sigma * draws.normal("cycle.z")[cand])

    def sampling_problems(self, at: str, tail_z: float, days_limit: float) -> list[Problem]:
        """Why these cycles cannot be sampled: a tail past `days_limit` overflows."""
        tail = math.log10(self.median) + tail_z * self.sigma / math.log(10)
        if tail > math.log10(days_limit):
            return [(f"{at}.sigma", "cycles this spread cannot be sampled (they overflow)")]
        return []

    @classmethod
    def form_data(cls, days: float | None, spread: float | None) -> dict[str, Any]:
        """The file layout of the form's days and spread columns."""
        out: dict[str, Any] = {"distribution": "lognormal", "median": days}
        if spread is not None:
            out["sigma"] = spread
        return out


class CycleExponential(Frozen):
    """Exponential cycle: memoryless, what queueing closed forms (Erlang C) assume."""

    distribution: Literal["exponential"]
    mean: Positive = info(
        label="Cycle days",
        unit="days",
        help="Mean length of the sales cycle (exponential).",
        low=14.0,
        high=270.0,
        step=5.0,
    )

    days_field: ClassVar[str] = "mean"
    spread_field: ClassVar[str | None] = None
    draws_shapes: ClassVar[bool] = False

    def quantile(self, q: float) -> float:
        """The cycle length below which a share `q` of cycles falls."""
        return -self.mean * math.log1p(-q)

    def sample(self, draws: CandidateDraws, cand: np.ndarray, shapes: Any = None) -> np.ndarray:
        """The cycles of candidates `cand` from their own unit-exponential draws."""
        return self.mean * draws.exponential("cycle.exp")[cand]

    def sampling_problems(self, at: str, tail_z: float, days_limit: float) -> list[Problem]:
        """Nothing: an exponential cycle always samples."""
        return []

    @classmethod
    def form_data(cls, days: float | None, spread: float | None) -> dict[str, Any]:
        """The file layout of the form's days column (no spread)."""
        return {"distribution": "exponential", "mean": days}


class CycleGamma(Frozen):
    """Gamma cycle given by its mean and shape (shape 1 = exponential)."""

    distribution: Literal["gamma"]
    mean: Positive = info(
        label="Cycle days",
        unit="days",
        help="Mean length of the sales cycle (gamma).",
        low=14.0,
        high=270.0,
        step=5.0,
    )
    shape: Positive = info(
        label="Cycle spread",
        unit="shape",
        help="Shape of the gamma cycle: 1 = exponential, higher = more alike.",
        low=0.5,
        high=8.0,
        step=0.5,
    )

    days_field: ClassVar[str] = "mean"
    spread_field: ClassVar[str | None] = "shape"
    draws_shapes: ClassVar[bool] = True

    def quantile(self, q: float) -> float:
        """The cycle length below which a share `q` of cycles falls."""
        from scipy.stats import gamma  # loaded on use: the model's hot path never needs it

        return float(gamma.ppf(q, self.shape, scale=self.mean / self.shape))

    def sample(self, draws: CandidateDraws, cand: np.ndarray, shapes: Any = None) -> np.ndarray:
        """The cycles of candidates `cand` from gamma draws of every candidate's own shape.

        `shapes` gives each candidate the shape of its segment, so the stream is one
        draw per candidate whatever segment it falls in (`cycle_shapes`).
        """
        return self.mean / self.shape * draws.gamma("cycle.gamma", shapes)[cand]

    def sampling_problems(self, at: str, tail_z: float, days_limit: float) -> list[Problem]:
        """Why these cycles cannot be sampled: a shape too small for the sampler."""
        if self.shape < 1e-3:
            return [(f"{at}.shape", "a gamma shape below 0.001 cannot be sampled")]
        return []

    @classmethod
    def form_data(cls, days: float | None, spread: float | None) -> dict[str, Any]:
        """The file layout of the form's days and spread columns."""
        return {"distribution": "gamma", "mean": days, "shape": spread}


class CycleFixed(Frozen):
    """Deterministic cycle length in days."""

    distribution: Literal["fixed"]
    value: Positive = info(
        label="Cycle days",
        unit="days",
        help="Length of every sales cycle (fixed).",
        low=14.0,
        high=270.0,
        step=5.0,
    )

    days_field: ClassVar[str] = "value"
    spread_field: ClassVar[str | None] = None
    draws_shapes: ClassVar[bool] = False

    @property
    def mean(self) -> float:
        """Mean cycle length in days."""
        return self.value

    def quantile(self, q: float) -> float:
        """Every cycle is `value` days."""
        return self.value

    def sample(self, draws: CandidateDraws, cand: np.ndarray, shapes: Any = None) -> np.ndarray:
        """Every candidate's cycle is `value` days (no draw)."""
        return np.full(len(cand), self.value)

    def sampling_problems(self, at: str, tail_z: float, days_limit: float) -> list[Problem]:
        """Nothing: a fixed cycle always samples."""
        return []

    @classmethod
    def form_data(cls, days: float | None, spread: float | None) -> dict[str, Any]:
        """The file layout of the form's days column (no spread)."""
        return {"distribution": "fixed", "value": days}


CycleDistribution = Annotated[
    CycleLognormal | CycleExponential | CycleGamma | CycleFixed,
    Field(discriminator="distribution"),
]

CYCLE_DISTRIBUTIONS: dict[str, type[Frozen]] = {
    "lognormal": CycleLognormal,
    "gamma": CycleGamma,
    "exponential": CycleExponential,
    "fixed": CycleFixed,
}
"""Every cycle distribution by its `distribution:` name, in the order the form offers them."""


def cycle_shapes(
    cycles: list[Any], segment_of_candidate: Callable[[], np.ndarray]
) -> np.ndarray | None:
    """Each candidate's gamma shape (its segment's; 1 for other shapes), or None without gamma.

    The gamma stream draws one number per candidate, whichever segment it falls in, so adding
    or editing a segment leaves the other candidates' draws alone. `segment_of_candidate`
    is asked only when a segment's cycle is gamma.
    """
    if not any(c.draws_shapes for c in cycles):
        return None
    per_segment = [getattr(c, "shape", 1.0) for c in cycles]
    return np.array(per_segment)[segment_of_candidate()]
