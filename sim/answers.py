"""The JSON answers: the facts of a result and, beside them, the sentences that explain them.

The verdict (`sim.verdict`) holds ids and numbers; the words come from `sim.text`. This
module sits above both and joins them, so neither imports the other.
"""

from __future__ import annotations

from typing import Any

from sim import text
from sim.verdict import Comparison


def comparison_json(result: Comparison, lang: str = "en") -> dict[str, Any]:
    """The CLI's JSON answer: the facts, plus the sentences that explain them."""
    out = result.facts()
    out["lang"] = lang
    out["verdict"]["summary"] = text.verdict_summary(result, lang)
    out["verdict"]["objectives_text"] = text.objectives_sentence(result, lang)
    out["verdict"]["robust_text"] = text.robust_text(result, lang)
    out["diagnostics"] = [
        {
            "signal": d["signal"],
            "value": d["value"],
            "criterion": text.criterion_text(diag.criterion, lang),
            "text": text.diagnostic_text(diag, result.scenario.currency, lang),
            **{k: v for k, v in d.items() if k not in ("signal", "value")},
        }
        for d, diag in zip(out["diagnostics"], result.diagnostics, strict=True)
    ]
    return out
