"""The verdict: which setup wins, by how much, how sure, and why.

Everything here is computed from simulated replications; no rule looks at a setup's name.

* **Ranking.** For each setup: mean, P10 and P90 of the objective; the paired difference
  with the baseline (`none`) and with the best, each with a t-interval of the mean (paired
  because replication r of every setup shares its random numbers); P(best), the share of
  replications in which the setup has the highest objective; expected regret, the mean
  shortfall from the best setup of each replication.
* **Separated or not.** The top two are separated when the interval of their paired
  difference excludes zero. If not, the verdict says so and names what would separate
  them: the replications needed at the observed spread, and the assumption (a team's
  effect range) whose draws move the difference most.
* **Adaptive replications** (`compare(..., replications="auto")`): batches are run until the
  top two are separated or a maximum is reached. To keep the overall error rate of looking
  repeatedly, each look uses a Bonferroni-adjusted level (alpha / number of possible looks):
  a sequential paired-t procedure, conservative by construction.
* **Why.** Diagnostics of the baseline run tied to the article's criteria, and the gain of
  the winner split by lever group, measured by re-running it with one group at a time on
  the same random numbers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from sim.experiments import Replications, run_replications
from sim.formatting import money
from sim.levers import LEVER_GROUPS
from sim.org import draw_team_effects
from sim.params import BASELINE, OBJECTIVES, Scenario

CONFIDENCE = 0.90
OBJECTIVE_LABELS = {
    "cumulative_contribution": "cumulative contribution",
    "npv_contribution": "NPV of contribution",
    "ending_arr": "ending ARR",
    "ops_roi": "return on the ops spend",
}
MONEY_OBJECTIVES = {"cumulative_contribution", "npv_contribution", "ending_arr"}


# ----------------------------------------------------------------------------- statistics
def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t (Cornish-Fisher expansion; exact enough for df >= 2)."""
    if df <= 0:
        return math.inf
    z = NormalDist().inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Interval:
    """A mean with a confidence interval."""

    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly above or below zero."""
        return self.low > 0 or self.high < 0

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON."""
        return {"mean": self.mean, "low": self.low, "high": self.high}


def mean_interval(x: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    """Two-sided t-interval of the mean of `x` (NaNs dropped)."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    m = float(x.mean())
    if n == 1:
        return Interval(m, -math.inf, math.inf)
    half = t_quantile(0.5 + confidence / 2, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return Interval(m, m - half, m + half)


def p_best(values: pd.DataFrame) -> pd.Series:
    """Share of replications (rows) in which each setup (column) is best; ties split."""
    arr = values.to_numpy(dtype=float)
    best = arr == np.nanmax(arr, axis=1, keepdims=True)
    share = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
    return pd.Series(share, index=values.columns)


def expected_regret(values: pd.DataFrame) -> pd.Series:
    """Mean over replications of (best setup's value - this setup's value)."""
    arr = values.to_numpy(dtype=float)
    return pd.Series(
        (np.nanmax(arr, axis=1, keepdims=True) - arr).mean(axis=0), index=values.columns
    )


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class SetupSummary:
    """How one setup did on the objective."""

    setup: str
    mean: float
    p10: float
    p90: float
    vs_none: Interval
    vs_best: Interval
    p_best: float
    regret: float
    ops_cost_per_month: float


@dataclass(frozen=True)
class Verdict:
    """The answer in one place: the winner, whether it is separated, and in words."""

    best: str
    runner_up: str | None
    separated: bool
    gap: Interval  # best - runner-up, paired
    summary: str
    separate_by: str = ""  # what would separate the top two, when they are not


@dataclass(frozen=True)
class Diagnostic:
    """A figure from the baseline run that evidences one of the article's criteria."""

    signal: str
    value: float
    criterion: str
    text: str
    pressure: bool  # whether the figure says this problem is present


@dataclass(frozen=True)
class Comparison:
    """Everything `compare` found; plain data for the UI, CLI and reports."""

    scenario: Scenario
    seed: int
    objective: str
    confidence: float
    results: Replications
    setups: dict[str, SetupSummary]
    verdict: Verdict
    diagnostics: list[Diagnostic]
    attribution: pd.DataFrame | None = None
    looks: int = 1
    history: list[dict] = field(default_factory=list)
    separation_confidence: float | None = None  # level that decided "separated", if stricter

    @property
    def replications(self) -> int:
        """Replications per setup."""
        return self.results.replications

    def kpi_table(self) -> pd.DataFrame:
        """Per setup and KPI: mean, P10, P90 over replications and the interval of the mean."""
        return kpi_table(self.results, self.confidence)

    def to_json(self) -> dict:
        """The CLI's JSON answer (SPEC §10)."""
        table = self.kpi_table()
        setups = {}
        for name, s in self.setups.items():
            kp = table[table["setup"] == name]
            setups[name] = {
                "objective": {"mean": s.mean, "p10": s.p10, "p90": s.p90},
                "vs_none": s.vs_none.as_dict(),
                "vs_best": s.vs_best.as_dict(),
                "p_best": s.p_best,
                "expected_regret": s.regret,
                "ops_cost_per_month": s.ops_cost_per_month,
                "kpis": {
                    row.kpi: {
                        "mean": _num(row.mean),
                        "p10": _num(row.p10),
                        "p90": _num(row.p90),
                        "low": _num(row.low),
                        "high": _num(row.high),
                    }
                    for row in kp.itertuples()
                },
            }
        out = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.replications,
            "horizon_months": self.scenario.horizon_months,
            "objective": self.objective,
            "confidence": self.confidence,
            "currency": self.scenario.currency,
            "verdict": {
                "best": self.verdict.best,
                "runner_up": self.verdict.runner_up,
                "separated": self.verdict.separated,
                "gap": self.verdict.gap.as_dict(),
                "summary": self.verdict.summary,
                "separate_by": self.verdict.separate_by,
            },
            "setups": setups,
            "diagnostics": [
                {
                    "signal": d.signal,
                    "value": _num(d.value),
                    "criterion": d.criterion,
                    "text": d.text,
                    "pressure": d.pressure,
                }
                for d in self.diagnostics
            ],
        }
        if self.attribution is not None:
            out["attribution"] = [
                {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.attribution.to_dict(orient="records")
            ]
        return _clean(out)


def _num(x: float) -> float | None:
    """JSON has no NaN: undefined figures become null."""
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return None
    return xf if math.isfinite(xf) else None


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return _num(float(obj))
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def kpi_table(results: Replications, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Tidy KPI summary: setup, kpi, mean, p10, p90, low, high (interval of the mean)."""
    frame = results.kpis.drop(columns=["replication"])
    rows = []
    for setup in results.setups:
        sub = frame[frame["setup"] == setup].drop(columns=["setup"])
        for kpi in sub.columns:
            x = sub[kpi].to_numpy(dtype=float)
            ci = mean_interval(x, confidence)
            finite = x[~np.isnan(x)]
            rows.append(
                {
                    "setup": setup,
                    "kpi": kpi,
                    "mean": ci.mean,
                    "p10": float(np.percentile(finite, 10)) if len(finite) else math.nan,
                    "p90": float(np.percentile(finite, 90)) if len(finite) else math.nan,
                    "low": ci.low,
                    "high": ci.high,
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- ranking
def summarise(
    results: Replications, objective: str, confidence: float = CONFIDENCE
) -> dict[str, SetupSummary]:
    """Per-setup summaries of the objective, ranked best first."""
    values = results.objective(objective)
    means = values.mean()
    best = str(means.idxmax())
    pb = p_best(values)
    regret = expected_regret(values)
    out = {}
    for setup in sorted(values.columns, key=lambda s: -means[s]):
        x = values[setup].to_numpy(dtype=float)
        out[setup] = SetupSummary(
            setup=setup,
            mean=float(means[setup]),
            p10=float(np.nanpercentile(x, 10)),
            p90=float(np.nanpercentile(x, 90)),
            vs_none=mean_interval(x - values[BASELINE].to_numpy(dtype=float), confidence),
            vs_best=mean_interval(x - values[best].to_numpy(dtype=float), confidence),
            p_best=float(pb[setup]),
            regret=float(regret[setup]),
            ops_cost_per_month=sum(
                results.scenario.org.teams[t].monthly_cost
                for t in results.scenario.org.setups[setup]
            ),
        )
    return out


def _money(x: float, currency: str) -> str:
    return money(x, currency, signed=True, missing="unknown")


def fmt_value(x: float, objective: str, currency: str) -> str:
    """An objective value in words: money for money objectives, a multiple for ROI."""
    if objective in MONEY_OBJECTIVES:
        return _money(x, currency)
    if not math.isfinite(x):
        return _money(x, currency)
    return f"{x:+.2f}x"


def replications_needed(diff: np.ndarray, confidence: float) -> int | None:
    """Replications at which the observed mean paired difference would clear its interval."""
    diff = diff[~np.isnan(diff)]
    if len(diff) < 2:
        return None
    m, sd = abs(float(diff.mean())), float(diff.std(ddof=1))
    if m == 0 or sd == 0:
        return None
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return math.ceil((z * sd / m) ** 2)


def most_influential_assumption(
    scenario: Scenario, seed: int, replications: list[int], diff: np.ndarray
) -> tuple[str, float] | None:
    """The team effect range whose draws correlate most with a paired difference."""
    best: tuple[str, float] | None = None
    for name, team in scenario.org.teams.items():
        draws = [
            draw_team_effects(name, team, seed, r, scenario.org.effect_scale) for r in replications
        ]
        for lever in team.effects:
            x = np.array([d[lever] for d in draws])
            if np.std(x) == 0 or np.std(diff) == 0:
                continue
            corr = float(np.corrcoef(x, diff)[0, 1])
            if best is None or abs(corr) > abs(best[1]):
                best = (f"{name}.effects.{lever}", corr)
    return best


def make_verdict(
    results: Replications,
    summaries: dict[str, SetupSummary],
    objective: str,
    confidence: float,
    separation_confidence: float | None = None,
) -> Verdict:
    """Plain-words verdict from the ranking (no setup name is looked at, only figures).

    Intervals are shown at `confidence`; the top two count as separated when the interval
    at `separation_confidence` (default: the same) excludes zero. Adaptive runs pass their
    level adjusted for repeated looks, so stopping and verdict agree.
    """
    sc = results.scenario
    ranked = list(summaries)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    label = OBJECTIVE_LABELS[objective]
    horizon = f"{sc.horizon_months} months"
    n = results.replications
    s = summaries[best]
    cur = sc.currency
    pct = round(confidence * 100)
    if runner is None:
        return Verdict(best, None, True, Interval(0, 0, 0), f"Only one setup: {best}.")
    values = results.objective(objective)
    diff = (values[best] - values[runner]).to_numpy(dtype=float)
    gap = mean_interval(diff, confidence)
    strict = separation_confidence or confidence
    separated = gap.excludes_zero and mean_interval(diff, strict).excludes_zero
    if best == BASELINE:
        head = (
            f"No ops team pays for itself here: '{best}' has the highest {label} over {horizon}, "
            f"ahead of '{runner}' by {fmt_value(gap.mean, objective, cur)[1:]} "
            f"({pct}% interval {fmt_value(gap.low, objective, cur)} to "
            f"{fmt_value(gap.high, objective, cur)})."
        )
    else:
        head = (
            f"'{best}' wins: {fmt_value(s.vs_none.mean, objective, cur)} {label} over {horizon} "
            f"against no ops team ({pct}% interval {fmt_value(s.vs_none.low, objective, cur)} to "
            f"{fmt_value(s.vs_none.high, objective, cur)}), best in {s.p_best:.0%} of {n} "
            f"simulated futures."
        )
    separate_by = ""
    if separated:
        tail = (
            f" It is clearly ahead of the runner-up '{runner}' by "
            f"{fmt_value(gap.mean, objective, cur)[1:]} ({pct}% interval "
            f"{fmt_value(gap.low, objective, cur)} to {fmt_value(gap.high, objective, cur)})."
        )
    else:
        need = replications_needed(diff, strict)
        reps_list = sorted(results.kpis["replication"].unique().tolist())
        infl = most_influential_assumption(sc, results.seed, reps_list, diff)
        parts = []
        if need is not None and need > n:
            parts.append(f"about {need} replications (now {n})")
        if infl is not None and abs(infl[1]) >= 0.2:
            parts.append(f"a narrower range for {infl[0]} (it moves the difference most)")
        separate_by = " or ".join(parts) if parts else "nothing within reach: they are equivalent"
        spans = (
            "which spans zero"
            if not gap.excludes_zero
            else f"which excludes zero, but not at the {strict:.1%} level that adaptive "
            f"stopping needs to allow for its repeated looks"
        )
        tail = (
            f" But it is not separated from '{runner}': their difference, "
            f"{fmt_value(gap.mean, objective, cur)}, has a {pct}% interval from "
            f"{fmt_value(gap.low, objective, cur)} to {fmt_value(gap.high, objective, cur)}, "
            f"{spans}. What would separate them: {separate_by}."
        )
    return Verdict(best, runner, separated, gap, head + tail, separate_by)


# ----------------------------------------------------------------------------- diagnostics
def diagnose(results: Replications) -> list[Diagnostic]:
    """Figures of the baseline (no ops team) run, each tied to the article's criterion."""
    sc = results.scenario
    k = results.kpis[results.kpis["setup"] == BASELINE]
    m = results.monthly[results.monthly["setup"] == BASELINE]

    def mean(col: str) -> float:
        x = k[col].to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        return float(x.mean()) if len(x) else math.nan

    out = []
    util = mean("rep_utilization")
    out.append(
        Diagnostic(
            "rep_utilization",
            util,
            "SalesOps criteria 4-5: reps' capacity is the constraint",
            f"Reps' deal slots are {util:.0%} in use on average"
            + (" — the sales team is the bottleneck." if util >= 0.85 else "; there is slack."),
            util >= 0.85,
        )
    )
    cold = mean("cold_share")
    out.append(
        Diagnostic(
            "sqls_gone_cold",
            cold,
            "SalesOps criteria 4-5: qualified demand lost for want of rep time",
            f"{cold:.0%} of SQLs go cold waiting for a rep ({mean('sqls_gone_cold'):.0f} over the "
            f"horizon; mean wait for a slot {mean('deal_slot_wait_days'):.1f} days).",
            cold >= 0.05,
        )
    )
    used = mean("audience_used")
    if not math.isnan(used):
        out.append(
            Diagnostic(
                "audience_used",
                used,
                "RevOps criterion 4: the audience is too small, leads run out",
                f"{used:.0%} of the addressable audience is used up by the horizon"
                + (" — lead flow is drying up." if used >= 0.3 else "."),
                used >= 0.3,
            )
        )
    leads = m.groupby("month")["leads"].mean().to_numpy()
    if len(leads) >= 12:
        first, last = leads[:6].mean(), leads[-6:].mean()
        trend = (last / first - 1) if first > 0 else math.nan
        out.append(
            Diagnostic(
                "lead_flow_trend",
                trend,
                "Difference 2 / RevOps criterion 4: direct sales alone dries up",
                f"Monthly leads change by {trend:+.0%} from the first to the last six months.",
                trend <= -0.2,
            )
        )
    leak = mean("leaked") / mean("mqls") if mean("mqls") else math.nan
    out.append(
        Diagnostic(
            "handoff_leakage",
            leak,
            "RevOps criterion 2: communication between teams loses opportunities",
            f"{leak:.0%} of MQLs are never followed up at the marketing-sales handoff.",
            leak >= 0.1,
        )
    )
    resp = mean("response_time_hours")
    kept = mean("speed_to_lead_kept")
    out.append(
        Diagnostic(
            "response_time_hours",
            resp,
            "RevOps criterion 2 / SalesOps routing: slow response wastes leads",
            f"Mean first response takes {resp:.1f} hours; slow response keeps {kept:.0%} of the "
            f"qualification a lead would have at once.",
            kept <= 0.85,
        )
    )
    churned, new = mean("churned_mrr"), mean("new_mrr")
    ratio = churned / new if new else math.nan
    out.append(
        Diagnostic(
            "churned_vs_new_mrr",
            ratio,
            "RevOps criterion 8 / difference 4: churn eats new revenue",
            f"Churn takes away {ratio:.0%} as much MRR as new customers bring "
            f"(logo churn {mean('logo_churn_monthly'):.1%} a month).",
            ratio >= 0.25,
        )
    )
    _ = sc
    return out


# ----------------------------------------------------------------------------- attribution
def attribute_gain(
    results: Replications,
    setup: str,
    objective: str,
    replications: int,
    workers: int | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Split `setup`'s gain over the baseline by lever group, on the same random numbers.

    Re-runs the setup with no lever at all (its cost only), then with each group of levers
    alone, on the first `replications` replications of `results`. A group's contribution is
    its run minus the cost-only run; what the groups do not add up to is their interaction
    (overlap and synergy make effects non-additive). ROI is split as contribution.
    """
    scenario, seed = results.scenario, results.seed
    if objective == "ops_roi":
        objective = "cumulative_contribution"
    values = results.objective(objective).iloc[:replications]
    none = values[BASELINE].to_numpy(dtype=float)
    gain = values[setup].to_numpy(dtype=float) - none

    def run(levers: tuple[str, ...]) -> np.ndarray:
        res = run_replications(
            scenario,
            replications,
            seed,
            setups=[setup],
            workers=workers,
            levers=levers,
            baseline=False,
        )
        return res.objective(objective)[setup].to_numpy(dtype=float)

    cost_only = run(())
    rows = [{"source": "ops_cost", **mean_interval(cost_only - none, confidence).as_dict()}]
    used: set[str] = set()
    for team in scenario.org.setups[setup]:
        used |= set(scenario.org.teams[team].effects)
    if len(scenario.org.setups[setup]) > 1:
        used |= set(scenario.org.synergy)
    total_groups = np.zeros_like(gain)
    for group, levers in LEVER_GROUPS.items():
        if not used & set(levers):
            continue
        contrib = run(levers) - cost_only
        total_groups += contrib
        rows.append({"source": group, **mean_interval(contrib, confidence).as_dict()})
    interaction = gain - (cost_only - none) - total_groups
    rows.append({"source": "interaction", **mean_interval(interaction, confidence).as_dict()})
    rows.append({"source": "total", **mean_interval(gain, confidence).as_dict()})
    frame = pd.DataFrame(rows)
    frame.insert(0, "setup", setup)
    frame.insert(1, "objective", objective)
    return frame


def explained_setup(result: Comparison) -> str | None:
    """The setup whose gain `compare` explains: the winner, or the runner-up when no team wins.

    None when that setup has no team (there is then no gain to split).
    """
    ranked = list(result.setups)
    subject = ranked[0] if ranked[0] != BASELINE else (ranked[1] if len(ranked) > 1 else None)
    if subject is None or not result.scenario.org.setups[subject]:
        return None
    return subject


def _prefixed(ci: Interval) -> dict[str, float]:
    return {"mean": ci.mean, "low": ci.low, "high": ci.high}


# ----------------------------------------------------------------------------- compare
OnBatch = Callable[["Comparison"], None]


def compare(
    scenario: Scenario,
    replications: int | str = 100,
    seed: int = 0,
    objective: str | None = None,
    *,
    max_replications: int = 400,
    batch: int = 20,
    confidence: float = CONFIDENCE,
    workers: int | None = None,
    explain: bool = True,
    attribution_replications: int = 20,
    progress: Callable[[int, int], None] | None = None,
    on_batch: OnBatch | None = None,
) -> Comparison:
    """Compare every setup of `scenario` and give the verdict.

    `replications` is a number (exactly that many) or ``"auto"``: batches of `batch` until
    the top two are separated at `confidence` (Bonferroni-adjusted over the possible looks)
    or `max_replications` is reached. `on_batch` receives a provisional `Comparison` after
    each batch (for live progress); `progress(done, total)` after each replication.
    """
    objective = objective or scenario.objective
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got '{objective}'")
    adaptive = replications == "auto"
    if adaptive and (not isinstance(max_replications, int) or max_replications < 2):
        raise ValueError("max_replications must be an integer >= 2")
    if batch < 2:
        raise ValueError("batch must be at least 2")
    if adaptive:
        target, step = max_replications, batch
        looks_possible = max(1, math.ceil(max_replications / batch))
        look_conf = 1 - (1 - confidence) / looks_possible
    else:
        if not isinstance(replications, int) or replications < 2:
            raise ValueError("replications must be an integer >= 2 or 'auto'")
        target, step, look_conf = replications, replications, confidence
        if on_batch is not None:
            step = max(batch, math.ceil(replications / 5))
    results: Replications | None = None
    looks = 0
    history = []
    done = 0
    while done < target:
        n = min(step, target - done)

        def _progress(i: int, _total: int, base: int = done) -> None:
            if progress:
                progress(base + i, target)

        batch_res = run_replications(
            scenario, n, seed, workers=workers, progress=_progress, first_replication=done
        )
        results = batch_res if results is None else results.extend(batch_res)
        done += n
        looks += 1
        summaries = summarise(results, objective, confidence)
        ranked = list(summaries)
        if len(ranked) > 1:
            v = results.objective(objective)
            gap = mean_interval((v[ranked[0]] - v[ranked[1]]).to_numpy(float), look_conf)
            history.append({"replications": done, "best": ranked[0], "gap": gap.as_dict()})
            if adaptive and gap.excludes_zero:
                break
        if on_batch is not None and done < target:
            on_batch(
                _assemble(
                    scenario,
                    seed,
                    objective,
                    confidence,
                    results,
                    [],
                    None,
                    looks,
                    history,
                    look_conf,
                )
            )
    assert results is not None
    diagnostics = diagnose(results)
    result = _assemble(
        scenario,
        seed,
        objective,
        confidence,
        results,
        diagnostics,
        None,
        looks,
        history,
        look_conf,
    )
    subject = explained_setup(result) if explain else None
    if subject is None:
        return result
    attribution = attribute_gain(
        results,
        subject,
        objective,
        min(attribution_replications, results.replications),
        workers,
        confidence,
    )
    return dataclasses.replace(result, attribution=attribution)


def _assemble(
    scenario: Scenario,
    seed: int,
    objective: str,
    confidence: float,
    results: Replications,
    diagnostics: list[Diagnostic],
    attribution: pd.DataFrame | None,
    looks: int,
    history: list[dict],
    separation_confidence: float | None = None,
) -> Comparison:
    summaries = summarise(results, objective, confidence)
    verdict = make_verdict(results, summaries, objective, confidence, separation_confidence)
    return Comparison(
        scenario=scenario,
        seed=seed,
        objective=objective,
        confidence=confidence,
        results=results,
        setups=summaries,
        verdict=verdict,
        diagnostics=diagnostics,
        attribution=attribution,
        looks=looks,
        history=list(history),
        separation_confidence=(
            separation_confidence
            if separation_confidence is not None and separation_confidence != confidence
            else None
        ),
    )


__all__ = [
    "Comparison",
    "Diagnostic",
    "Interval",
    "SetupSummary",
    "Verdict",
    "attribute_gain",
    "compare",
    "diagnose",
    "expected_regret",
    "explained_setup",
    "kpi_table",
    "mean_interval",
    "p_best",
    "summarise",
    "t_quantile",
]
