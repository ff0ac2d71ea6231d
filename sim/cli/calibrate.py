"""`python -m sim calibrate`: CRM exports -> a calibrated scenario (and a back-test report).

    python -m sim calibrate --deals deals.csv [--leads leads.csv] [--customers customers.csv]
        [--base SCENARIO] --out calibrated.yaml [--backtest report.json]

Prints the detected column mappings, every estimate with its 90% interval, and the
back-test's coverage. A bad file exits with code 2 and one line per problem naming the
file, row and column.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from sim.calibrate.backtest import Backtest, run_backtest
from sim.calibrate.errors import DataError, printable
from sim.calibrate.mapping import KINDS
from sim.calibrate.pipeline import Result, calibrate
from sim.calibrate.readers import MAX_BYTES, MAX_ROWS, read_path
from sim.cli.signals import EXIT_BAD_INPUT
from sim.io import ScenarioError, load_scenario, scenario_to_yaml

DEFAULT_BASE = Path(__file__).resolve().parents[2] / "scenarios" / "default.yaml"

EXAMPLES = f"""\
examples:
  python -m sim calibrate --deals examples/lumen_ledger/deals.csv --out calibrated.yaml
  python -m sim calibrate --deals examples/lumen_ledger/deals.csv \\
      --leads examples/lumen_ledger/leads.csv --customers examples/lumen_ledger/customers.csv \\
      --base scenarios/default.yaml --out calibrated.yaml --backtest backtest.json
  python -m sim calibrate --deals opps.csv --map deals.created="Opened On" --out c.yaml

Files: CSV (comma, semicolon or tab) or XLSX, at most {MAX_BYTES // 1_000_000} MB and
{MAX_ROWS:,} rows each.
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the `calibrate` subcommand on the main parser's subparsers."""
    p = sub.add_parser(
        "calibrate",
        help="estimate a scenario from the company's CRM exports, with intervals",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--deals", type=Path, required=True, help="deals / opportunities export")
    p.add_argument("--leads", type=Path, help="leads / contacts export (MQL, SQL dates)")
    p.add_argument("--customers", type=Path, help="customers / subscriptions export")
    p.add_argument(
        "--base",
        type=Path,
        default=DEFAULT_BASE,
        help="scenario whose numbers fill what the data cannot give (default: the default preset)",
    )
    p.add_argument("--out", type=Path, required=True, help="where to write the scenario YAML")
    p.add_argument(
        "--backtest",
        type=Path,
        metavar="REPORT.json",
        help="run the back-test and write its report here",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="KIND.ROLE=COLUMN",
        help="set a column mapping, e.g. deals.created='Opened On' (repeatable)",
    )
    p.add_argument("--date-format", help="strptime format of every date, e.g. %%d/%%m/%%Y")
    p.add_argument(
        "--amounts",
        choices=("annual", "monthly"),
        default="annual",
        help="deal amounts are annual contract values (default) or monthly (MRR)",
    )
    p.add_argument("--reps", type=int, default=50, help="back-test replications (default 50)")
    p.add_argument("--seed", type=int, default=0, help="back-test seed")
    return p


def _overrides(items: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for item in items:
        key, eq, column = item.partition("=")
        kind, dot, role = key.strip().partition(".")
        if not eq or not dot or kind not in KINDS:
            raise ValueError(
                f"--map {item!r}: write KIND.ROLE=COLUMN with KIND one of {', '.join(KINDS)}"
            )
        out.setdefault(kind, {})[role.strip()] = column.strip().strip("'\"")
    return out


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def report(result: Result, backtest: Backtest | None) -> str:
    """What was read and found, as plain text."""
    cal = result.calibration
    lines = []
    for kind, table in cal.files.items():
        lines.append(
            f"{table.name} ({kind}, {table.mapping.flavour} layout, {len(table.frame)} rows):"
        )
        for row in table.mapping.rows():
            if row["column"]:
                lines.append(f"  {row['role']:<12} <- {row['column']!r} ({row['how']})")
        lines += [f"  note: {n}" for n in table.notes]
    lines.append("")
    lines.append(f"{'field':<55} {'value':>10}  90% interval")
    for e in cal.estimates:
        ci = f"{_fmt(e.low)} – {_fmt(e.high)}" if e.low is not None else ""
        lines.append(f"{e.path:<55} {_fmt(e.value):>10}  {ci}")
    lines += [f"note: {n}" for n in cal.notes]
    if backtest is not None:
        cov = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in backtest.coverage.items())
        lines.append(
            f"back-test: {len(backtest.months)} months after a {backtest.burn_in_months}-month "
            f"burn-in, {backtest.replications} replications; months inside the 90% band: {cov}"
        )
        if backtest.warning:
            lines.append(f"warning: {backtest.warning}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code (2 for bad files or options)."""
    try:
        overrides = _overrides(args.map)
        base = load_scenario(args.base)
        paths = {"deals": args.deals, "leads": args.leads, "customers": args.customers}
        raws = {}
        problems = []
        for kind, path in paths.items():
            if path is None:
                continue
            try:
                raws[kind] = read_path(path)
            except DataError as err:
                problems += err.problems
        if problems:
            raise DataError(problems)
        result = calibrate(
            raws,
            base,
            args.base.name,
            overrides=overrides,
            date_format=args.date_format,
            amounts=args.amounts,
        )
        bt = None
        if args.backtest is not None:
            bt = run_backtest(result.calibration, result.scenario, args.reps, args.seed)
        args.out.write_text(scenario_to_yaml(result.scenario), encoding="utf-8")
        if bt is not None:
            args.backtest.write_text(
                json.dumps(bt.to_json(), indent=2, default=_json_default) + "\n", encoding="utf-8"
            )
    except DataError as err:
        print("error: the data cannot be used as it is:", file=sys.stderr)
        for p in err.problems:
            print(f"  {p}", file=sys.stderr)
        if err.more:
            print(f"  ... and {err.more} more", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ScenarioError as err:
        print(f"error: {printable(str(err))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, OSError) as err:
        print(f"error: {printable(str(err))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # file names, headers and notes come from the user's files: printed harmless
    sys.stdout.write("\n".join(printable(line) for line in report(result, bt).split("\n")))
    print(f"wrote {args.out}" + (f" and {args.backtest}" if args.backtest else ""))
    return 0


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return str(value)
