"""Budgets: what a comparison will cost, estimated from the scenario before anything runs.

A scenario can be valid and still ask for the impossible: a million inbound leads a month,
100,000 reps prospecting, 10,000 setups. Such a run does not fail, it grows until the machine
runs out of memory, and on a shared server it stalls everyone else. So before a run its size
is estimated from the scenario alone — candidate leads per run (inbound and outbound, at the
rate bounds the arrival stage uses, warm-up included), customers, runs, memory of the workers
and of the results — and a run over the budget is refused with a message that names the
fields that make it large and the budget it exceeds.

Two budgets are defined: `CLI_BUDGET` for the command line (an analyst's own machine) and a
tighter `APP_BUDGET` for the web app (one server shared by many people). Each figure can be
changed through an environment variable, `ORGSIM_BUDGET_<NAME>` for the command line and
`ORGSIM_APP_BUDGET_<NAME>` for the app (names: `LEADS_PER_RUN`, `TOTAL_LEADS`, `MEMORY_MB`,
`SETUPS`, `SEGMENTS`, `REPLICATIONS`, `VARIANTS`, `EXPLORE_LEADS`).

Every entry point checks the same budget before work starts: a comparison (`check_budget`:
`compare`, `report`, `validate`, the app's runs), an exploration (`check_explore`: grid
points, sampled points or range ends times replications — `explore`, the app's explore
page) and a data file (`DataBudget`: bytes, unpacked bytes, rows, columns, cells —
`calibrate`, the app's Calibrate page).

`check_numbers` catches the other way a valid scenario goes wrong: numbers whose products
overflow (a deal-size spread of 1000, a cost of 1e308) and would turn the verdict into NaN.
It runs with validation (`sim.io.parse_scenario`), so such a file is refused, field named.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TypeVar

import numpy as np

from sim.errors import ScenarioError
from sim.params import MONTH_DAYS, Scenario

__all__ = [
    "APP_BUDGET",
    "CLI_BUDGET",
    "Budget",
    "BudgetError",
    "DataBudget",
    "Estimate",
    "budget_from_env",
    "check_budget",
    "check_comparison",
    "check_explore",
    "check_numbers",
    "data_budget",
    "estimate",
    "number_problems",
]

# Measured on the model (peak traced memory of one task, its setups run one after another):
# 220-300 bytes per candidate lead, about 730 per existing customer; rounded up. A simulated
# lead's records (dates, states, draws) take about as much again.
BYTES_PER_CANDIDATE = 400
BYTES_PER_LEAD = 400
BYTES_PER_CUSTOMER = 1_000
BYTES_PER_RESULT_MONTH = 16 * 8 * 3  # monthly series of one run, with pandas' copies
BYTES_PER_RESULT_RUN = 120 * 8 * 3  # one run's KPI row, with copies
WORKER_BASE_MB = 150  # a worker process with numpy, pandas and SimPy imported
INBOUND_BOUND_FACTOR = 2.0  # the arrival stage's rate bound: teams can at most double inbound
ATTRIBUTION_GROUPS = 5  # lever groups re-run for the gain attribution

MONEY_LIMIT = 1e100
"""Largest money total over a run accepted: sums of such totals over customers, months and
replications stay far from float overflow (1.8e308), where results turn into inf and NaN."""
DEAL_LIMIT = 1e100
"""Largest single deal (a one-in-a-billion deal of the ACV distribution) accepted."""
DAYS_LIMIT = 1e7
"""Longest one-in-a-billion cycle or delay accepted, in days (about 27,000 years)."""
TAIL_Z = 6.0  # standard normal quantile of a one-in-a-billion draw


class BudgetError(ScenarioError):
    """A run over its budget, as a `ScenarioError` naming the fields that make it large.

    So every caller that reports bad scenarios reports this one the same way.
    """


@dataclass(frozen=True)
class Budget:
    """What one comparison may use; `name` says which budget it is in messages."""

    name: str
    leads_per_run: int
    """Candidate leads of one run (one setup, one replication): memory of one task."""
    total_leads: int
    """Candidate leads over every run of the comparison: its work."""
    memory_mb: int
    """Memory of the workers (tasks in flight) and of the results, together."""
    setups: int
    segments: int
    replications: int
    variants: int = 20_000
    """Scenario variants one explore run may build (grid points, sampled points, ends)."""
    explore_leads: int = 10_000_000_000
    """Leads over every run of one exploration (variants x replications x setups, and the
    candidates each variant's futures draw): its work, larger than one comparison's."""

    def env_name(self, field_name: str) -> str:
        """The environment variable that sets `field_name` of this budget."""
        prefix = "ORGSIM_APP_BUDGET_" if self.name == "app" else "ORGSIM_BUDGET_"
        return prefix + field_name.upper()


CLI_BUDGET = Budget(
    name="command-line",
    leads_per_run=5_000_000,
    total_leads=2_000_000_000,
    memory_mb=4_096,
    setups=64,
    segments=200,
    replications=10_000,
    variants=20_000,
    explore_leads=10_000_000_000,
)
APP_BUDGET = Budget(
    name="app",
    leads_per_run=300_000,
    total_leads=60_000_000,
    memory_mb=1_024,
    setups=16,
    segments=50,
    replications=400,
    variants=1_000,
    # the explore page's defaults for the largest preset (a 6x6 map or 48 sampled points at
    # 20 futures: about 110 million) fit; a 10x10 map at 200 futures (2 billion) does not
    explore_leads=150_000_000,
)

_LIMITS = (
    "leads_per_run",
    "total_leads",
    "memory_mb",
    "setups",
    "segments",
    "replications",
    "variants",
    "explore_leads",
)


_B = TypeVar("_B")


def budget_from_env(base: Budget, environ: Mapping[str, str] | None = None) -> Budget:
    """`base` with any figure its environment variables set; a bad value names the variable."""
    return _figures_from_env(base, _LIMITS, environ)


def _figures_from_env(base: _B, names: Sequence[str], environ: Mapping[str, str] | None) -> _B:
    """`base` with the figures in `names` its environment variables set.

    `base` is a frozen dataclass with `env_name`; values are whole numbers of at least 1,
    underscores allowed as separators, and a bad one names its variable.
    """
    env = os.environ if environ is None else environ
    changes: dict[str, int] = {}
    for name in names:
        var = base.env_name(name)
        raw = env.get(var, "").strip().replace("_", "")
        if not raw:
            continue
        try:
            value = int(float(raw))
        except ValueError:
            raise ValueError(f"{var} must be a whole number, got {env[var]!r}") from None
        if value < 1:
            raise ValueError(f"{var} must be at least 1, got {env[var]!r}")
        changes[name] = value
    return replace(base, **changes)


@dataclass(frozen=True)
class Estimate:
    """A comparison's size, estimated before it runs from what the model will really do.

    `inbound_leads` and `outbound_leads` are the leads one run simulates (expected, warm-up
    included): the work. `candidates` are what the arrival stage draws once per replication
    before thinning, at the rate bounds that stage uses (shared by every setup): memory.
    """

    inbound_leads: float  # per run, warm-up included
    outbound_leads: float
    candidates: float  # per replication, drawn once and shared by its setups
    customers: float  # existing customers per run
    runs: int
    replications: int
    workers: int
    memory_mb: float

    @property
    def leads_per_run(self) -> float:
        """Leads one run (one setup, one replication) simulates."""
        return self.inbound_leads + self.outbound_leads

    @property
    def total_leads(self) -> float:
        """Leads over every run, and the candidates drawn for them."""
        return self.leads_per_run * self.runs + self.candidates * self.replications


def _mean_drift(scenario: Scenario, start_days: float, end_days: float) -> float:
    """The inbound multiplier averaged over [start, end] days, as the model's arrivals use it."""
    from sim.model.drift import inbound_level  # the model's own curve, not a copy

    if end_days <= start_days:
        return 0.0
    t = np.linspace(start_days, end_days, 257)
    with np.errstate(over="ignore"):
        g = np.asarray(inbound_level(scenario.market, t), dtype=float)
    return float(np.trapezoid(g, t) / (end_days - start_days))


def _max_drift(scenario: Scenario, days: float) -> float:
    from sim.model.drift import inbound_drift, season_peak

    with np.errstate(over="ignore"):
        return max(1.0, float(inbound_drift(scenario.market, days))) * season_peak(scenario.market)


def estimate(
    scenario: Scenario, replications: int, workers: int = 1, explain: bool = True
) -> Estimate:
    """Leads, candidates, customers, runs and peak memory of comparing every setup.

    Leads per run are the expected arrivals over the horizon (inbound along its drift,
    outbound at today's selling time) and over the warm-up. Memory: every worker holds one
    task (a replication of all setups: its candidates, one setup's leads and customers at a
    time) plus the results gathered in this process.
    """
    m, sales = scenario.market, scenario.sales
    months = scenario.horizon_months
    warm = sales.warmup_months
    horizon, warm_days = months * MONTH_DAYS, warm * MONTH_DAYS
    in_rate = m.inbound_mqls_per_month
    out_rate = sales.reps * sales.outbound_leads_per_rep_month
    inbound = in_rate * (
        _mean_drift(scenario, 0.0, horizon) * months + _mean_drift(scenario, -warm_days, 0.0) * warm
    )
    outbound = out_rate * (months + warm)
    candidates = (
        in_rate * _max_drift(scenario, horizon) * INBOUND_BOUND_FACTOR * months
        + in_rate * _max_drift(scenario, -warm_days) * warm
        + out_rate * months / sales.selling_time_share
        + out_rate * warm
    )
    customers = float(scenario.starting_customers.count)
    setups = len(scenario.setup_names)
    runs = replications * (setups + (ATTRIBUTION_GROUPS if explain else 0))
    task_bytes = (
        BYTES_PER_CANDIDATE * candidates
        + BYTES_PER_LEAD * (inbound + outbound)
        + BYTES_PER_CUSTOMER * customers
    )
    results = runs * (BYTES_PER_RESULT_RUN + BYTES_PER_RESULT_MONTH * months)
    memory = workers * (WORKER_BASE_MB * 1e6 + task_bytes) + results
    return Estimate(
        inbound, outbound, candidates, customers, runs, replications, workers, memory / 1e6
    )


def _n(x: float) -> str:
    """A large number in words people read at a glance (12,000 / 3.4 million / inf)."""
    if not math.isfinite(x):
        return "an unbounded number"
    if x >= 1e12:
        return f"{x:.2g}"
    if x >= 1e9:
        return f"{x / 1e9:,.1f} billion"
    if x >= 1e6:
        return f"{x / 1e6:,.1f} million"
    return f"{x:,.0f}"


def _lead_fields(scenario: Scenario, est: Estimate) -> str:
    """The fields that make a run's leads many: inbound, outbound or both, biggest first."""
    inbound = ["market.inbound_mqls_per_month"]
    if scenario.market.inbound_growth_per_month > 0:
        inbound.append("market.inbound_growth_per_month")
        if scenario.market.inbound_growth_cap is not None:
            inbound.append("market.inbound_growth_cap")
    elif _max_drift(scenario, -scenario.sales.warmup_months * MONTH_DAYS) > 2.0:
        inbound += ["market.inbound_growth_per_month", "sales.warmup_months"]
    outbound = ["sales.reps", "sales.outbound_leads_per_rep_month"]
    parts = [(est.inbound_leads, inbound), (est.outbound_leads, outbound)]
    parts.sort(key=lambda p: -p[0])
    chosen = [names for size, names in parts if size >= 0.2 * est.leads_per_run]
    return ", ".join([*[n for names in chosen for n in names], "analysis.horizon_months"])


def check_budget(
    scenario: Scenario,
    replications: int,
    workers: int = 1,
    budget: Budget = CLI_BUDGET,
    explain: bool = True,
    source: str = "",
) -> Estimate:
    """The estimate of comparing `scenario`, or `BudgetError` naming what is over `budget`.

    `replications` is the most the run may use (the cap, for adaptive runs).
    """
    est = estimate(scenario, replications, workers, explain)
    how = f"the {budget.name} budget"
    problems: list[tuple[str, str]] = []
    setups = len(scenario.setup_names)
    if setups > budget.setups:
        problems.append(
            (
                "org.setups",
                f"{setups:,} setups; {how} allows {budget.setups:,} ({budget.env_name('setups')})",
            )
        )
    if len(scenario.segments) > budget.segments:
        problems.append(
            (
                "segments",
                f"{len(scenario.segments):,} segments; {how} allows {budget.segments:,} "
                f"({budget.env_name('segments')})",
            )
        )
    if replications > budget.replications:
        problems.append(
            (
                "analysis.replications",
                f"{replications:,} replications; {how} allows "
                f"{budget.replications:,} ({budget.env_name('replications')})",
            )
        )
    if problems:  # the size follows from these; fix them first
        raise BudgetError(problems, source)
    if est.leads_per_run > budget.leads_per_run:
        problems.append(
            (
                _lead_fields(scenario, est),
                f"about {_n(est.leads_per_run)} leads in one run; "
                f"{how} allows {_n(budget.leads_per_run)} ({budget.env_name('leads_per_run')})",
            )
        )
    elif est.total_leads > budget.total_leads:
        problems.append(
            (
                f"{_lead_fields(scenario, est)}, analysis.replications, org.setups",
                f"about {_n(est.total_leads)} leads over {est.runs:,} runs; {how} allows "
                f"{_n(budget.total_leads)} ({budget.env_name('total_leads')})",
            )
        )
    if est.memory_mb > budget.memory_mb and not problems:
        big = (
            "starting_customers.count"
            if BYTES_PER_CUSTOMER * est.customers > BYTES_PER_CANDIDATE * est.leads_per_run
            else _lead_fields(scenario, est)
        )
        problems.append(
            (
                f"{big}, workers",
                f"about {est.memory_mb:,.0f} MB with {workers} worker(s); "
                f"{how} allows {budget.memory_mb:,} MB ({budget.env_name('memory_mb')})",
            )
        )
    if problems:
        raise BudgetError(problems, source)
    return est


def check_comparison(
    scenario: Scenario,
    replications: int | str | None = None,
    workers: int | None = None,
    budget: Budget | None = None,
    explain: bool = False,
    source: str = "",
) -> Estimate:
    """`check_budget` for a comparison as a command asks for it.

    `replications` None means the scenario's own, "auto" its `max_replications` (the most an
    adaptive run may use); `workers` None means one per core; `budget` None the command
    line's, from the environment.
    """
    from sim.executors import default_workers

    a = scenario.analysis
    asked = a.replications if replications is None else replications
    most = a.max_replications if asked == "auto" else int(asked)
    return check_budget(
        scenario,
        most,
        workers or default_workers(),
        budget or budget_from_env(CLI_BUDGET),
        explain,
        source,
    )


def check_explore(
    scenario: Scenario,
    points: int,
    replications: int,
    field: str,
    workers: int = 1,
    budget: Budget = CLI_BUDGET,
    setups: int | None = None,
    source: str = "",
) -> Estimate:
    """Refuse (`BudgetError`, `field` and the limit named) an exploration over `budget`.

    An exploration runs `points` variants of the scenario (grid points, sampled points,
    range ends), each compared over `replications` futures: checked before any variant is
    built, as `points` scenario copies can exhaust memory on their own. `setups` is how many
    setups each variant runs (default: all of them).
    """
    how = f"the {budget.name} budget"
    est = check_budget(scenario, replications, workers, budget, explain=False, source=source)
    n_setups = len(scenario.setup_names) if setups is None else setups
    if points > budget.variants:
        raise BudgetError(
            [
                (
                    field,
                    f"{points:,} variants to run; {how} allows {budget.variants:,} "
                    f"({budget.env_name('variants')}): ask for fewer points",
                )
            ],
            source,
        )
    runs = points * replications * n_setups
    total = points * replications * (n_setups * est.leads_per_run + est.candidates)
    if total > budget.explore_leads:
        raise BudgetError(
            [
                (
                    f"{field}, replications",
                    f"about {_n(total)} leads over {runs:,} runs ({points:,} variants x "
                    f"{replications:,} replications x {n_setups} setups); {how} allows "
                    f"{_n(budget.explore_leads)} ({budget.env_name('explore_leads')}): ask for "
                    "fewer points or replications",
                )
            ],
            source,
        )
    months = scenario.horizon_months
    memory = est.memory_mb + runs * (BYTES_PER_RESULT_RUN + BYTES_PER_RESULT_MONTH * months) / 1e6
    if memory > budget.memory_mb:
        raise BudgetError(
            [
                (
                    f"{field}, replications",
                    f"about {memory:,.0f} MB for {runs:,} runs; {how} allows "
                    f"{budget.memory_mb:,} MB ({budget.env_name('memory_mb')})",
                )
            ],
            source,
        )
    return replace(est, runs=runs, memory_mb=memory)


# ----------------------------------------------------------------------------- numbers
def _log10(x: float) -> float:
    return math.log10(x) if x > 0 else -math.inf


def number_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Fields whose values, though each valid, overflow the results (NaN, inf) when combined.

    Checked: one-in-a-billion deal sizes, cycles and delays; compounding expansions; every
    monthly cost and the existing customers' revenue over the whole run.
    """
    out: list[tuple[str, str]] = []
    months = scenario.horizon_months + scenario.sales.warmup_months
    log_money = math.log10(MONEY_LIMIT)
    for i, seg in enumerate(scenario.segments):
        at = f"segments.{i}"
        tail = _log10(seg.acv.median) + TAIL_Z * seg.acv.sigma / math.log(10)
        if tail > math.log10(DEAL_LIMIT):
            name = "sigma" if seg.acv.sigma > 1.0 else "median"
            out.append(
                (
                    f"{at}.acv.{name}",
                    f"deal sizes this spread reach {10 ** min(tail, 300):.3g} "
                    f"(over {DEAL_LIMIT:.0e}); results would overflow",
                )
            )
        out += seg.sales_cycle_days.sampling_problems(f"{at}.sales_cycle_days", TAIL_Z, DAYS_LIMIT)
        exp = seg.expansion
        lam = exp.monthly_probability * months
        k = math.ceil(lam + TAIL_Z * math.sqrt(lam) + 1) if lam > 0 else 0
        grow = k * math.log10(1.0 + exp.size) if k else 0.0
        if tail - math.log10(12) + grow > log_money and tail <= math.log10(DEAL_LIMIT):
            out.append(
                (
                    f"{at}.expansion.size",
                    f"{k} expansions of {exp.size:g} each compound past "
                    f"{MONEY_LIMIT:.0e} a month; results would overflow",
                )
            )
    delay = scenario.lead_handling.first_touch.handling_delay_hours
    if _log10(delay.median / 24) + TAIL_Z * delay.sigma / math.log(10) > math.log10(DAYS_LIMIT):
        out.append(
            (
                "lead_handling.first_touch.handling_delay_hours.sigma",
                "delays this spread cannot be sampled (they overflow)",
            )
        )
    c, sales = scenario.costs, scenario.sales
    ft = scenario.lead_handling.first_touch.capacity or 0
    monthly = [
        ("costs.rep_per_month", c.rep_per_month * sales.reps),
        ("costs.first_touch_per_person_month", c.first_touch_per_person_month * ft),
        ("costs.other_gtm_per_month", c.other_gtm_per_month),
        ("market.marketing_spend_per_month", scenario.market.marketing_spend_per_month),
        (
            "starting_customers.mrr_each",
            scenario.starting_customers.mrr_each * scenario.starting_customers.count,
        ),
    ]
    for name, team in scenario.org.teams.items():
        monthly.append(
            (f"org.teams.{name}.cost_per_fte_month", team.cost_per_fte_month * team.headcount)
        )
    for path, per_month in monthly:
        total = per_month * months
        if not math.isfinite(total) or total > MONEY_LIMIT:
            out.append(
                (
                    path,
                    f"{per_month:.3g} a month over {months:g} months passes {MONEY_LIMIT:.0e}; "
                    "results would overflow",
                )
            )
    return out


def check_numbers(scenario: Scenario, source: str = "") -> Scenario:
    """`scenario` unchanged, or `sim.io.ScenarioError` naming the fields that overflow."""
    problems = number_problems(scenario)
    if problems:
        raise ScenarioError(problems, source)
    return scenario


# ----------------------------------------------------------------------------- data files
@dataclass(frozen=True)
class DataBudget:
    """What one uploaded or exported data file (CSV or XLSX) may hold, checked while reading.

    Every figure is checked before the table is built: a file's bytes before it is read, an
    XLSX workbook's unpacked bytes before it is unpacked, and rows, columns and cells (rows
    times columns: what the table will hold) as the rows stream past, so a small file that
    declares a huge sheet or hides a million rows behind unusual line ends costs nothing.
    """

    bytes: int = 100_000_000
    """Largest file read (100 MB)."""
    unpacked_bytes: int = 500_000_000
    """Largest XLSX workbook once unzipped (its XML); a 3 KB zip can unpack to gigabytes."""
    rows: int = 1_000_000
    """Most data rows (a CRM export of a company this tool is for is far smaller)."""
    columns: int = 1_000
    """Most columns holding a value."""
    cells: int = 10_000_000
    """Most cells: data rows times columns, the table's size in memory."""

    @staticmethod
    def env_name(field_name: str) -> str:
        """The environment variable that sets `field_name` (the CLI and the app share it)."""
        return "ORGSIM_BUDGET_DATA_" + field_name.upper()


def data_budget(environ: Mapping[str, str] | None = None) -> DataBudget:
    """The data-file budget, with any `ORGSIM_BUDGET_DATA_*` environment variable applied."""
    base = DataBudget()
    return _figures_from_env(base, [f.name for f in fields(base)], environ)
