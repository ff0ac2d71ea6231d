"""Command line: `python -m sim compare SCENARIO.yaml ...` and `python -m sim validate ...`.

Bad input (an unreadable or invalid scenario, a bad ``--set``, an unknown setup, a run over
the command-line budget of `sim.budget`) prints one message naming the field and exits with
code 2, never a traceback. Ctrl-C exits with 130 and SIGTERM with 143, within seconds: queued
work is cancelled and the worker processes are stopped. Text from a scenario (its name,
its field names) is printed with control characters removed, so a file cannot drive the
terminal with escape sequences.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.budget import CLI_BUDGET, Budget, budget_from_env, check_budget
from sim.cache import RunCache
from sim.executors import BACKENDS, Executor, TaskFailed, default_workers, make_executor
from sim.io import ScenarioError, load_scenario, safe_csv
from sim.params import OBJECTIVES, Scenario
from sim.text import comparison_table, translator
from sim.text.i18n import LANGUAGES, normalize_lang
from sim.verdict import Comparison, compare

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but tab and newline: ESC starts ANSI and OSC sequences, CR overwrites."""

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
"""


class BadInput(Exception):
    """An argument that cannot be used; the message names it."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it unwinds like Ctrl-C (workers stopped)."""


def terminal_safe(text: str) -> str:
    """`text` without control characters (tab and newline kept), for a terminal."""
    return _CONTROL.sub("", text)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


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


def _whole(option: str, minimum: int) -> Callable[[str], int]:
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


def _reps(value: str) -> int | str:
    """--reps: a number of replications (>= 2) or 'auto'."""
    if value == "auto":
        return "auto"
    try:
        return _whole("--reps", 2)(value)
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{err} (or 'auto')") from None


def _confidence(value: str) -> float:
    """--confidence: a probability strictly between 0.5 and 1."""
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--confidence must be a number, got {value!r}") from None
    if not 0.5 < x < 1.0:
        raise argparse.ArgumentTypeError("--confidence must lie strictly between 0.5 and 1")
    return x


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a message, as argparse does
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language of the user's environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    import os

    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize_lang(env[name].split(":")[0])
    return "en"


def lang_of(argv: Sequence[str]) -> str:
    """`--lang` from the arguments, before they are parsed (help is written in it too)."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1])
    return default_lang()


def parser_messages(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text, description and group title of the parser and its subcommands."""
    out: list[str] = []
    todo = [parser]
    while todo:
        p = todo.pop(0)
        out += [t for t in (p.description, _epilog_head(p.epilog)) if t]
        out += [g.title for g in p._action_groups if g.title]
        for action in p._actions:
            if action.help and action.help != argparse.SUPPRESS:
                out.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                out += [a.help for a in action._choices_actions if a.help]
                todo += [sp for sp in action.choices.values() if sp not in todo]
    return list(dict.fromkeys(out))


def _epilog_head(epilog: str | None) -> str | None:
    """The words of an epilog: its first line ("examples:"); the commands are not words."""
    return epilog.split("\n", 1)[0] if epilog else None


def _translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """Help texts in `lang`; every (sub)command accepts `--lang`."""
    _ = translator(lang)
    todo = [parser]
    seen: list[argparse.ArgumentParser] = []
    while todo:
        p = todo.pop(0)
        seen.append(p)
        p.description = _(p.description) if p.description else p.description
        head = _epilog_head(p.epilog)
        if head and p.epilog:
            p.epilog = _(head) + p.epilog[len(head) :]
        for g in p._action_groups:
            g.title = _(g.title) if g.title else g.title
        for action in p._actions:
            if action.help and action.help != argparse.SUPPRESS:
                action.help = _(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for a in action._choices_actions:
                    a.help = _(a.help) if a.help else a.help
                todo += [sp for sp in action.choices.values() if sp not in seen + todo]
        if "--lang" not in p._option_string_actions:
            p.add_argument(
                "--lang",
                choices=LANGUAGES,
                default=lang if p is parser else argparse.SUPPRESS,
                help=_("language of the output: en or ja (default: from LANG)"),
            )


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs), its help in `lang`."""
    parser = _build_parser()
    _translate_parser(parser, lang)
    return parser


def _build_parser() -> argparse.ArgumentParser:
    """The argument parser with its English help."""
    parser = _Parser(
        prog="python -m sim",
        description="Which ops team pays off: SalesOps, RevOps, both or neither? Simulates a "
        "company's revenue engine under each org setup on the same random futures.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check a scenario file and report every problem")
    v.add_argument("scenario", type=Path)
    v.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")

    u = sub.add_parser(
        "uplift",
        help="each team alone vs no team, on outcomes (net-new ARR, GRR, win rate, cycle), "
        "beside the published bands its effect ranges are checked against",
    )
    u.add_argument("scenario", type=Path)
    u.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    u.add_argument("--reps", type=_whole("--reps", 2), default=40, help="replications (40)")
    u.add_argument("--seed", type=_whole("--seed", 0), default=0, help="master seed (0)")
    u.add_argument("--format", choices=("table", "json", "csv"), default="table")
    u.add_argument("--out", type=Path, help="write to this file instead of standard output")

    c = sub.add_parser(
        "compare",
        help="simulate every setup and give the verdict",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("scenario", type=Path, help="scenario YAML file")
    c.add_argument(
        "--reps",
        type=_reps,
        help="replications, or 'auto' (default: the scenario's analysis.replications, 100)",
    )
    c.add_argument(
        "--max-reps",
        type=_whole("--max-reps", 2),
        help="cap for --reps auto (default: analysis.max_replications, 400)",
    )
    c.add_argument(
        "--seed",
        type=_whole("--seed", 0),
        help="master seed (default: the scenario's analysis.seed, 0)",
    )
    c.add_argument(
        "--confidence",
        type=_confidence,
        help="how sure 'clearly ahead' must be, in (0.5, 1) (default: analysis.confidence, 0.9)",
    )
    c.add_argument(
        "--horizon", type=_whole("--horizon", 1), help="horizon in months (overrides the file)"
    )
    c.add_argument(
        "--objective",
        choices=OBJECTIVES,
        help="what 'best' means (default: the scenario's analysis.objective)",
    )
    c.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value: dotted key (list items by index), YAML value; repeatable",
    )
    c.add_argument("--format", choices=("table", "json", "csv"), default="table")
    c.add_argument("--out", type=Path, help="write the output to this file instead of stdout")
    c.add_argument("--no-explain", action="store_true", help="skip the gain attribution runs")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    add_run_options(c)
    from sim.explore.cli import add_explore_parser

    add_explore_parser(sub, _whole, add_run_options)
    from sim.report_cli import add_report_parser

    add_report_parser(sub, _whole, add_run_options)
    from sim.calibrate.cli import add_parser as add_calibrate  # its statistics load on use

    add_calibrate(sub)
    return parser


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
        "--workers", type=_whole("--workers", 1), help="processes (default: all cores)"
    )
    group.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep every simulated run in DIR (Parquet) and reuse it on the next call",
    )


def _check_workers(args: argparse.Namespace) -> None:
    """Local workers are capped at the cores: more only add memory (each is a process)."""
    cores = default_workers()
    if args.scheduler is None and args.workers is not None and args.workers > cores:
        raise BadInput(
            f"--workers: at most {cores} on this machine (its cores), got {args.workers}"
        )


def _executor(args: argparse.Namespace) -> Executor:
    """The executor the run options ask for; a mistake names the option."""
    _check_workers(args)
    try:
        return make_executor(args.backend, args.scheduler, args.workers)
    except ValueError as err:
        raise BadInput(f"--{str(err).split()[0]}: {err}") from None
    except OSError as err:
        raise BadInput(f"--scheduler: cannot reach {args.scheduler}: {err}") from None


def _cache(args: argparse.Namespace) -> RunCache | None:
    if args.cache_dir is None:
        return None
    try:
        return RunCache(path=args.cache_dir)
    except OSError as err:
        raise BadInput(f"--cache-dir: cannot use {args.cache_dir}: {err.strerror}") from None


class _Bar:
    """A progress bar on stderr (only when stderr is a terminal or forced)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.perf_counter() - self.start
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} replications "
            f"{elapsed:5.1f}s"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def format_table(result: Comparison, lang: str = "en") -> str:
    """The verdict and the key figures as plain text (words from `sim.text`)."""
    return comparison_table(result, lang)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(terminal_safe(text))
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise BadInput(f"--out: cannot write {out}: {err.strerror}") from None


def _compare(args: argparse.Namespace) -> int:
    overrides = list(args.set)
    if args.horizon is not None:
        overrides.append(f"horizon_months={args.horizon}")
    scenario = load_scenario(args.scenario, overrides)
    settings = scenario.analysis  # what the file asks for, unless an option says otherwise
    reps = settings.replications if args.reps is None else args.reps
    most = settings.max_replications if args.max_reps is None else args.max_reps
    _check_workers(args)
    check_run_budget(
        scenario,
        most if reps == "auto" else int(reps),
        args.workers or (1 if args.backend == "serial" else default_workers()),
        explain=not args.no_explain,
        source=str(args.scenario),
    )
    bar = _Bar(enabled=not args.quiet and sys.stderr.isatty())
    cache = _cache(args)
    executor = _executor(args)
    try:
        result = compare(
            scenario,
            reps,
            seed=settings.seed if args.seed is None else args.seed,
            objective=args.objective or settings.objective,
            max_replications=most,
            confidence=settings.confidence if args.confidence is None else args.confidence,
            explain=not args.no_explain,
            progress=bar,
            executor=executor,
            cache=cache,
        )
    finally:
        bar.close()
        executor.close()
    if args.format == "json":
        text = json.dumps(result.to_json(args.lang), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        frame = result.results.kpis.copy()
        frame.insert(0, "seed", result.seed)
        frame.insert(0, "scenario", scenario.name)
        text = safe_csv(frame)
    else:
        text = format_table(result, args.lang)
    _write(text, args.out)
    return 0


def _explore(args: argparse.Namespace) -> int:
    from sim.explore import cli as explore_cli

    scenario = load_scenario(args.scenario, args.set)
    _check_workers(args)
    # each variant explored is one comparison of this size: a scenario too big to compare
    # is too big to explore
    check_run_budget(
        scenario, int(args.reps), args.workers or default_workers(), False, str(args.scenario)
    )
    cache = _cache(args)
    executor = _executor(args)
    try:
        progress = explore_cli.progress_bar(not args.quiet)
        facts, table, text = explore_cli.run(args, scenario, executor, cache, progress)
    finally:
        executor.close()
    _write(explore_cli.render(args, facts, table, text), args.out)
    return 0


def _report(args: argparse.Namespace) -> int:
    from sim.report_cli import run

    cache = _cache(args)
    executor = _executor(args)
    try:
        text = run(args, executor, cache)
    finally:
        executor.close()
    _write(text, args.out)
    return 0


def _uplift(args: argparse.Namespace) -> int:
    from sim.verdict.uplift import team_uplifts

    scenario = load_scenario(args.scenario, args.set)
    check_run_budget(scenario, args.reps, default_workers(), False, str(args.scenario))
    table = team_uplifts(scenario, args.reps, args.seed)
    if args.format == "json":
        text = table.to_json(orient="records", indent=2) + "\n"
    elif args.format == "csv":
        text = safe_csv(table)
    else:
        lines = [
            f"{scenario.name}: each team alone vs no team, {args.reps} replications, seed "
            f"{args.seed} (mean uplift [interval]; band; ok)",
        ]
        for row in table.itertuples():
            fmt = (
                (lambda x: f"{x:+.1%}")
                if row.measure == "relative"
                else (lambda x: f"{x * 100:+.1f} pts")
            )
            ok = {True: "inside", False: "OUTSIDE", None: "-"}[row.inside]
            lines.append(
                f"  {row.team:<12}{row.outcome:<18}{fmt(row.mean):>11} [{fmt(row.low)}, "
                f"{fmt(row.high)}]   band {fmt(row.band_low)} .. {fmt(row.band_high)} "
                f"[{row.source}]  {ok}"
            )
        text = "\n".join(lines) + "\n"
    _write(text, args.out)
    return 0


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.set)
    settings = scenario.analysis
    most = settings.max_replications if settings.replications == "auto" else settings.replications
    est = check_budget(
        scenario, int(most), default_workers(), cli_budget(), source=str(args.scenario)
    )
    _ = translator(args.lang)
    text = _(
        "{file}: valid — '{name}', {segments} segment(s), setups: {setups}; about {leads} "
        "leads per run, {memory} MB at most"
    ).format(
        file=args.scenario,
        name=scenario.name,
        segments=len(scenario.segments),
        setups=", ".join(scenario.setup_names),
        leads=f"{est.leads_per_run:,.0f}",
        memory=f"{est.memory_mb:,.0f}",
    )
    print(terminal_safe(text))
    return 0


EXIT_GRACE_SECONDS = 3.0


def _exit_soon(code: int, armed: bool) -> int:
    """`code`, with a watchdog (when `armed`) that ends the process if the normal exit hangs.

    After an interrupt the process must be gone in seconds; Python's exit waits for
    library threads (a process pool's, a Dask client's), which a killed peer can leave
    waiting. The watchdog is a daemon thread: a clean exit never meets it. Only the program
    itself arms it (not a caller of `main` with its own arguments, such as a test).
    """
    if not armed:
        return code

    def force() -> None:
        time.sleep(EXIT_GRACE_SECONDS)
        sys.stderr.flush()
        os._exit(code)

    threading.Thread(target=force, name="orgsim-exit-watchdog", daemon=True).start()
    return code


def _fail(message: str, code: int, lang: str = "en") -> int:
    _ = translator(lang)
    print(terminal_safe(_("error: {message}").format(message=message)), file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code.

    SIGTERM is turned into `Terminated` while it runs (restored after), so a terminated run
    cancels its queued work and stops its workers as Ctrl-C does. Messages are in `--lang`.
    """
    lang = lang_of(sys.argv[1:] if argv is None else argv)
    _ = translator(lang)
    args = build_parser(lang).parse_args(argv)
    args.lang = getattr(args, "lang", lang)
    previous = None
    if threading.current_thread() is threading.main_thread():  # only it may set handlers
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        if args.command == "calibrate":
            from sim.calibrate.cli import run as run_calibrate

            return run_calibrate(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "explore":
            return _explore(args)
        if args.command == "uplift":
            return _uplift(args)
        if args.command == "report":
            return _report(args)
        return _compare(args)
    except ScenarioError as err:
        return _fail(str(err), EXIT_BAD_INPUT, lang)
    except (BadInput, KeyError, ValueError) as err:
        return _fail(str(err), EXIT_BAD_INPUT, lang)
    except TaskFailed as err:
        return _fail(str(err), 1, lang)
    except Terminated:
        print(_("terminated"), file=sys.stderr)
        return _exit_soon(EXIT_TERMINATED, argv is None)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return _exit_soon(EXIT_INTERRUPTED, argv is None)
    except (MemoryError, RecursionError) as err:
        what = _("memory") if isinstance(err, MemoryError) else _("stack")
        return _fail(
            _(
                "the run needs more {what} than this machine has; lower the scenario's volumes "
                "or the replications"
            ).format(what=what),
            EXIT_BAD_INPUT,
            lang,
        )
    except Exception as err:
        if os.environ.get("ORGSIM_DEBUG") == "1":
            raise
        return _fail(
            _("internal error: {kind}: {error} (set ORGSIM_DEBUG=1 for details)").format(
                kind=type(err).__name__, error=err
            ),
            1,
            lang,
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
