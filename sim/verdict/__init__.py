"""The verdict: which setup wins, by how much, how sure, and why — as facts.

Everything here is computed from simulated replications; no rule looks at a setup's name,
and no sentence is built here (words come from `sim.text`, per language).

* `stats`: t-intervals of a mean, P(best), expected regret, replications needed.
* `ranking`: each setup's figures on the objective and the `Verdict` (best, runner-up, their
  gap, separated or not, and what would separate them).
* `diagnostics`: figures of the baseline run tied to the article's criteria, by id.
* `attribution`: the explained setup's gain split by lever group, on the headline's first
  `ATTRIBUTION_REPLICATIONS` replications (or all of them), with its own intervals.
* `compare`: `compare(...)` runs it all (fixed or adaptive replications) and returns a
  `Comparison`; `reassess` re-judges one without simulating.
"""

from sim.verdict.attribution import (
    ATTRIBUTION_REPLICATIONS,
    LeverRuns,
    attribute_gain,
    explained_setup,
    groups_used,
    run_lever_groups,
    split_gain,
)
from sim.verdict.compare import Comparison, compare, explain_gain, reassess, separation_level
from sim.verdict.diagnostics import CRITERIA, SIGNALS, Criterion, Diagnostic, Signal, diagnose
from sim.verdict.ranking import (
    Influence,
    SeparateBy,
    SetupSummary,
    Verdict,
    kpi_table,
    make_verdict,
    most_influential_assumption,
    summarise,
)
from sim.verdict.stats import (
    CONFIDENCE,
    Interval,
    expected_regret,
    mean_interval,
    p_best,
    replications_needed,
    t_quantile,
)

__all__ = [
    "ATTRIBUTION_REPLICATIONS",
    "CONFIDENCE",
    "CRITERIA",
    "SIGNALS",
    "Comparison",
    "Criterion",
    "Diagnostic",
    "Influence",
    "Interval",
    "LeverRuns",
    "SeparateBy",
    "SetupSummary",
    "Signal",
    "Verdict",
    "attribute_gain",
    "compare",
    "diagnose",
    "expected_regret",
    "explain_gain",
    "explained_setup",
    "groups_used",
    "kpi_table",
    "make_verdict",
    "mean_interval",
    "most_influential_assumption",
    "p_best",
    "reassess",
    "replications_needed",
    "run_lever_groups",
    "separation_level",
    "split_gain",
    "summarise",
    "t_quantile",
]
