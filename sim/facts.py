"""Facts as plain JSON: what every JSON answer (the verdict's, explore's) is made of."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _num(x: float) -> float | None:
    """JSON has no NaN: undefined figures become null."""
    return x if math.isfinite(x) else None


def json_ready(obj: Any) -> Any:
    """Plain JSON types: numpy scalars unwrapped, NaN and infinities as null."""
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_ready(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(float(obj))
    return obj
