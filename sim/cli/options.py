"""The options every command shares, declared once, and the objects they make.

A scenario file and its `--set` overrides, `--seed`, `--objective`, the output
(`--format`, `--out`, `--quiet`) and where the runs go (`--backend`, `--scheduler`,
`--workers`, `--cache-dir`). A value that cannot be used raises `BadInput`, whose message
names the option; the entry turns it into exit code 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sim.budget import CLI_BUDGET, Budget, budget_from_env, check_budget
from sim.cache import RunCache
from sim.executors import BACKENDS, Executor, default_workers, make_executor
from sim.params import AFTER_HORIZON, OBJECTIVES, Scenario

FORMATS = ("table", "json", "csv")
EXAMPLES = """\
examples:
  python -m sim validate scenarios/default.yaml
  python -m sim compare scenarios/default.yaml
  python -m sim compare scenarios/default.yaml --reps 200 --seed 7 --format json --out v.json
  python -m sim compare scenarios/default.yaml --reps auto --max-reps 400
  python -m sim compare scenarios/default.yaml --set sales.reps=12 --set segments.0.win_rate=0.25
  python -m sim compare scenarios/default.yaml --set market.audience_size=null
  python -m sim compare scenarios/default.yaml --format csv --out runs.csv   # one row per run
  python -m sim compare scenarios/default.yaml --backend dask --workers 4    # a local Dask cluster
  python -m sim compare scenarios/default.yaml --backend dask --scheduler tcp://host:8786
  python -m sim compare scenarios/default.yaml --cache-dir .orgsim-runs      # reuse finished runs
  python -m sim explore tornado scenarios/default.yaml --reps 20 --format json
  python -m sim explore breakeven scenarios/default.yaml --param org.teams.revops.cost_per_fte_month
  python -m sim report scenarios/default.yaml --out report.html            # one-page HTML report
  python -m sim plan scenarios/default.yaml --teams salesops,revops --starts 0,6,12,never
"""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but tab and newline: ESC starts ANSI and OSC sequences, CR overwrites."""


class BadInput(Exception):
    """An argument that cannot be used; the message names it."""


def terminal_safe(text: str) -> str:
    """`text` without control characters (tab and newline kept), for a terminal."""
    return _CONTROL.sub("", text)


def whole(option: str, minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= `minimum`, errors naming `option`."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} must be a whole number, got {value!r}"
            ) from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"{option} must be at least {minimum}")
        return n

    return parse


def reps_or_auto(value: str) -> int | str:
    """--reps: a number of replications (>= 2) or 'auto'."""
    if value == "auto":
        return "auto"
    try:
        return whole("--reps", 2)(value)
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{err} (or 'auto')") from None


def confidence(value: str) -> float:
    """--confidence: a probability strictly between 0.5 and 1."""
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--confidence must be a number, got {value!r}") from None
    if not 0.5 < x < 1.0:
        raise argparse.ArgumentTypeError("--confidence must lie strictly between 0.5 and 1")
    return x


def add_scenario(parser: argparse.ArgumentParser, set_help: str | None = None) -> None:
    """The scenario file and its repeatable `--set KEY=VALUE` overrides."""
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=set_help
        or "override a value: dotted key (list items by index), YAML value; repeatable",
    )


def add_seed(parser: argparse.ArgumentParser, default: int | None = None, help: str = "") -> None:
    """`--seed`: the master seed (None: the scenario's `analysis.seed`)."""
    parser.add_argument(
        "--seed",
        type=whole("--seed", 0),
        default=default,
        help=help or "master seed (default: the scenario's analysis.seed, 0)",
    )


def add_objective(parser: argparse.ArgumentParser) -> None:
    """`--objective`: what 'best' means (None: the scenario's `analysis.objective`)."""
    parser.add_argument(
        "--objective",
        choices=OBJECTIVES,
        help="what 'best' means (default: the scenario's analysis.objective)",
    )


def add_after_horizon(parser: argparse.ArgumentParser) -> None:
    """`--after-horizon`: how value created counts what comes after the horizon."""
    parser.add_argument(
        "--after-horizon",
        choices=AFTER_HORIZON,
        help="how value created counts what comes after the horizon: going_concern (the "
        "customers and the sales engine, teams kept), teams_leave (teams and their effects "
        "stop; the customers keep their value) or cash_only (default: analysis.after_horizon)",
    )


def after_horizon_override(args: argparse.Namespace) -> list[str]:
    """The `--set` override `--after-horizon` stands for (none when it is not given)."""
    value = getattr(args, "after_horizon", None)
    return [] if value is None else [f"analysis.after_horizon={value}"]


def add_output(parser: argparse.ArgumentParser, quiet: bool = True) -> None:
    """`--format table|json|csv`, `--out FILE` and (when `quiet`) `--quiet`."""
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--out", type=Path, help="write the output to this file instead of stdout")
    if quiet:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Where the simulations run and where finished runs are kept (every simulating command)."""
    group = parser.add_argument_group("where it runs")
    group.add_argument(
        "--backend",
        choices=BACKENDS,
        default="processes",
        help="processes: a local process pool (default); dask: a Dask cluster (a local one "
        "of --workers processes, or the one at --scheduler); serial: this process only",
    )
    group.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    group.add_argument(
        "--workers", type=whole("--workers", 1), help="processes (default: all cores)"
    )
    group.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep every simulated run in DIR (Parquet) and reuse it on the next call",
    )


def check_workers(args: argparse.Namespace) -> None:
    """Local workers are capped at the cores: more only add memory (each is a process)."""
    cores = default_workers()
    if args.scheduler is None and args.workers is not None and args.workers > cores:
        raise BadInput(
            f"--workers: at most {cores} on this machine (its cores), got {args.workers}"
        )


def executor(args: argparse.Namespace) -> Executor:
    """The executor the run options ask for; a mistake names the option."""
    check_workers(args)
    try:
        return make_executor(args.backend, args.scheduler, args.workers)
    except ValueError as err:
        word = str(err).split()[0]
        option = word if word in {"backend", "scheduler", "workers"} else None
        if option is None:  # from the scheduler's client: its address is what is wrong
            option = "scheduler" if args.scheduler is not None else "backend"
        raise BadInput(f"--{option}: {err}") from None
    except OSError as err:
        raise BadInput(f"--scheduler: cannot reach {args.scheduler}: {err}") from None


def cache(args: argparse.Namespace) -> RunCache | None:
    """The run cache of `--cache-dir` (None without it)."""
    if args.cache_dir is None:
        return None
    try:
        return RunCache(path=args.cache_dir)
    except OSError as err:
        raise BadInput(f"--cache-dir: cannot use {args.cache_dir}: {err.strerror}") from None


def write(text: str, out: Path | None) -> None:
    """`text` to `--out`, or to standard output without control characters."""
    if out is None:
        sys.stdout.write(terminal_safe(text))
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise BadInput(f"--out: cannot write {out}: {err.strerror}") from None


def cli_budget() -> Budget:
    """The command-line budget, with any `ORGSIM_BUDGET_*` environment variable applied."""
    return budget_from_env(CLI_BUDGET)


def check_run_budget(
    scenario: Scenario, replications: int, workers: int, explain: bool = True, source: str = ""
) -> None:
    """Refuse (`sim.budget.BudgetError`) a run over the command-line budget.

    For every subcommand that simulates: `replications` is the most it may run.
    """
    check_budget(scenario, replications, workers, cli_budget(), explain, source)
