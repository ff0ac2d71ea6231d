"""`python -m sim validate SCENARIO`: check a scenario file and report every problem."""

from __future__ import annotations

import argparse
from typing import Any

from sim.budget import check_budget
from sim.cli import options
from sim.executors import default_workers
from sim.io import load_scenario
from sim.text import translator


def add_parser(sub: Any) -> None:
    """Register `validate` on the main parser's subparsers."""
    v = sub.add_parser("validate", help="check a scenario file and report every problem")
    options.add_scenario(v)


def run(args: argparse.Namespace) -> int:
    """Load the file (a problem raises and exits 2); print what it holds and costs."""
    scenario = load_scenario(args.scenario, args.set)
    settings = scenario.analysis
    most = settings.max_replications if settings.replications == "auto" else settings.replications
    est = check_budget(
        scenario, int(most), default_workers(), options.cli_budget(), source=str(args.scenario)
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
    print(options.terminal_safe(text))
    return 0
