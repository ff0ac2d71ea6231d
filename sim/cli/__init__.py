"""Command line: `python -m sim compare|validate|uplift|explore|report|calibrate ...`.

One module per subcommand in this package (each with `add_parser` and `run`), the options
they share in `sim.cli.options`, the parser in `sim.cli.parser`, exit codes and signals in
`sim.cli.signals`, the message catalogs' tool in `sim.cli.catalogs`.

Bad input (an unreadable or invalid scenario, a bad ``--set``, an unknown setup, a run over
the command-line budget of `sim.budget`) prints one message naming the field and exits with
code 2, never a traceback. Ctrl-C exits with 130 and SIGTERM with 143, within seconds: queued
work is cancelled and the worker processes are stopped. Text from a scenario (its name,
its field names) is printed with control characters removed, so a file cannot drive the
terminal with escape sequences.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code.

    SIGTERM is turned into `Terminated` while it runs (restored after), so a terminated run
    cancels its queued work and stops its workers as Ctrl-C does. Messages are in `--lang`.
    """
    from sim.cli import parser, signals
    from sim.cli.options import BadInput, terminal_safe
    from sim.errors import NonFiniteResult
    from sim.executors import TaskFailed
    from sim.io import ScenarioError
    from sim.text import translator

    lang = parser.lang_of(sys.argv[1:] if argv is None else argv)
    _ = translator(lang)

    def fail(message: str, code: int) -> int:
        print(terminal_safe(_("error: {message}").format(message=message)), file=sys.stderr)
        return code

    args = parser.build_parser(lang).parse_args(argv)
    args.lang = getattr(args, "lang", lang)
    commands = {m.__name__.rsplit(".", 1)[1]: m for m in parser.SUBCOMMANDS}
    with signals.sigterm_interrupts():
        try:
            return commands[args.command].run(args)
        except (ScenarioError, BadInput, KeyError, ValueError) as err:
            return fail(str(err), signals.EXIT_BAD_INPUT)
        except TaskFailed as err:
            return fail(str(err), signals.EXIT_FAILED)
        except NonFiniteResult as err:  # never a verdict from broken arithmetic
            return fail(str(err), signals.EXIT_FAILED)
        except signals.Terminated:
            print(_("terminated"), file=sys.stderr)
            return signals.exit_soon(signals.EXIT_TERMINATED, argv is None)
        except KeyboardInterrupt:
            print(_("interrupted"), file=sys.stderr)
            return signals.exit_soon(signals.EXIT_INTERRUPTED, argv is None)
        except (MemoryError, RecursionError) as err:
            what = _("memory") if isinstance(err, MemoryError) else _("stack")
            return fail(
                _(
                    "the run needs more {what} than this machine has; lower the scenario's "
                    "volumes or the replications"
                ).format(what=what),
                signals.EXIT_BAD_INPUT,
            )
        except Exception as err:
            if os.environ.get("ORGSIM_DEBUG") == "1":
                raise
            return fail(
                _("internal error: {kind}: {error} (set ORGSIM_DEBUG=1 for details)").format(
                    kind=type(err).__name__, error=err
                ),
                signals.EXIT_FAILED,
            )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
