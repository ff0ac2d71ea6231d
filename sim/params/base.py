"""What every schema block shares: the frozen base, the number types, the month length.

Kept apart so the world, the org and the analysis settings declare their fields with the
same strict rules: unknown keys are errors, every number is finite, and a YAML `yes` is never
read as the number 1.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticUndefined

MONTH_DAYS = 365.25 / 12
"""Length of a month in days: all model time is in days."""


def _no_bool(value: object) -> object:
    """YAML reads `yes`/`true` as booleans; a number field must not take them as 1."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a true/false value")
    return value


Number = Annotated[float, BeforeValidator(_no_bool)]
Whole = Annotated[int, BeforeValidator(_no_bool)]
Probability = Annotated[Number, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[Number, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[Number, Field(gt=0.0, allow_inf_nan=False)]
Finite = Annotated[Number, Field(allow_inf_nan=False)]


class Frozen(BaseModel):
    """Base for every schema block: immutable, strict about unknown keys, finite numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


META_KEY = "orgsim"
"""The key under a field's `json_schema_extra` that holds its metadata (`sim.params.meta`)."""


def info(
    default: Any = PydanticUndefined,
    *,
    label: str,
    unit: str = "",
    help: str = "",
    low: float | None = None,
    high: float | None = None,
    step: float | None = None,
    **field_kwargs: Any,
) -> Any:
    """A pydantic `Field` that carries what people and sweeps need to know about it.

    `label`, `unit` and `help` are what the form and reports show; `low`/`high` is the
    range a sensitivity sweep moves the value over (a plausible span for a real company,
    narrower than what validation allows); `step` is the form's increment.
    """
    meta = {"label": label, "unit": unit, "help": help, "low": low, "high": high, "step": step}
    return Field(default, json_schema_extra={META_KEY: meta}, **field_kwargs)
