"""The comparison as plain text: the CLI's `--format table` output."""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

from sim.outcomes import MONEY_OBJECTIVES, outcome
from sim.text.diagnostics import diagnostic_text
from sim.text.i18n import translator
from sim.text.labels import (
    attribution_label,
    criterion_text,
    kpi_label,
    objective_label,
    objective_short,
    setup_name,
)
from sim.text.numbers import fmt_number
from sim.text.verdict import objectives_sentence, robust_text, verdict_summary

if TYPE_CHECKING:
    from sim.verdict.compare import Comparison

KEY_KPIS = (
    "win_rate",
    "wins",
    "sqls",
    "sqls_gone_cold",
    "deal_slot_utilization",
    "ending_arr",
    "nrr",
    "cac",
)
"""KPIs the plain-text table shows for every setup."""


def width(text: str) -> int:
    """Columns `text` takes in a terminal (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell(text: str, size: int, right: bool = True) -> str:
    """`text` padded to `size` terminal columns (cut to fit when longer)."""
    while width(text) > size and len(text) > 1:
        text = text[:-1]
    pad = " " * max(size - width(text), 0)
    return pad + text if right else text + pad


def label_width(labels, at_least: int) -> int:
    """A label column wide enough for its longest label: labels are never cut."""
    return max([at_least, *(width(str(label)) + 2 for label in labels)])


def comparison_table(result: Comparison, lang: str = "en") -> str:
    """The verdict and the key figures as plain text, one setup per row."""
    _ = translator(lang)
    sc = result.scenario
    pct = round(result.confidence * 100)
    names_of = {setup: setup_name(setup, lang) for setup in result.setups}
    first = label_width([_("setup"), *names_of.values()], 14)
    sw = max([14, *(width(n) + 2 for n in names_of.values())])
    heads = "".join(cell(names_of[setup], sw) for setup in result.setups)
    lines = [
        _(
            "{scenario} — {n} simulated futures (replications), seed {seed}, {months} months, "
            "objective: {objective}"
        ).format(
            scenario=sc.name,
            n=result.replications,
            seed=result.seed,
            months=sc.horizon_months,
            objective=objective_label(result.objective, lang),
        ),
        "",
        verdict_summary(result, lang),
        "",
        cell(_("setup"), first, right=False)
        + cell(_("mean"), 14)
        + cell("P10", 14)
        + cell("P90", 14)
        + cell(_("vs none"), 14)
        + cell(_("{pct}% interval").format(pct=pct), 28)
        + cell(_("P(best)"), 9),
    ]
    f = ",.2f" if result.objective not in MONEY_OBJECTIVES else ",.0f"
    for name, s in result.setups.items():
        ci = f"[{s.vs_none.low:{f}}, {s.vs_none.high:{f}}]"
        lines.append(
            cell(names_of[name], first, right=False)
            + f"{s.mean:>14{f}}{s.p10:>14{f}}{s.p90:>14{f}}{s.vs_none.mean:>14{f}}"
            f"{ci:>28}{s.p_best:>9.0%}"
        )
    boards = result.objectives()
    names = {name: objective_short(name, lang) for name in boards}
    wide = label_width([_("objective"), *names.values()], 26)
    lines += [
        "",
        _("Every objective, gain over no ops team (mean); * = best on that objective:"),
        cell(_("objective"), wide, right=False) + heads,
    ]
    for name, board in boards.items():
        cells = "".join(
            cell(f"{board.vs_none[s].mean:,.0f}", sw - 1) + ("*" if s == board.best else " ")
            for s in result.setups
        )
        lines.append(cell(names[name], wide, right=False) + cells)
    lines += [objectives_sentence(result, lang)]
    robust = robust_text(result, lang)
    if robust:
        lines += ["", robust]
    lines += [
        "",
        _("Setups: {names}").format(
            names=_("; ").join(f"{s} = {setup_name(s, lang)}" for s in result.setups)
        ),
    ]
    lines += ["", _("Why (the baseline, no ops team):")]
    for d in result.diagnostics:
        mark = "!" if d.pressure else " "
        text = diagnostic_text(d, sc.currency, lang)
        lines.append(f" {mark} {text}  [{criterion_text(d.criterion, lang)}]")
    if result.attribution is not None and len(result.attribution):
        subject = result.attribution["setup"].iloc[0]
        runs = result.lever_runs
        k = len(runs.replications) if runs is not None else result.replications
        name = setup_name(subject, lang)
        if k < result.replications:  # the split is made on the first k futures (its own total)
            head = _(
                "Where '{setup}' gains (vs none), on the first {k} of {n} simulated futures:"
            ).format(setup=name, k=k, n=result.replications)
        else:
            head = _("Where '{setup}' gains (vs none):").format(setup=name)
        lines += ["", head]
        rows = list(result.attribution.itertuples())
        wide = label_width([attribution_label(row.source, lang) for row in rows], 50)
        for row in rows:
            label = cell(attribution_label(row.source, lang), wide, right=False)
            lines.append(f"   {label}{row.mean:>14{f}}  [{row.low:{f}}, {row.high:{f}}]")
    table = result.kpi_table()
    wide = label_width([_("KPI"), *(kpi_label(kpi, lang) for kpi in KEY_KPIS)], 34)
    lines += [
        "",
        _("Key KPIs (mean over simulated futures):"),
        cell(_("KPI"), wide, right=False) + heads,
    ]
    for kpi in KEY_KPIS:
        row = []
        for s in result.setups:
            v = table[(table.setup == s) & (table.kpi == kpi)]["mean"]
            x = float(v.iloc[0]) if len(v) else math.nan
            row.append(cell(fmt_number(x, outcome(kpi).format, sc.currency, lang), sw))
        lines.append(cell(kpi_label(kpi, lang), wide, right=False) + "".join(row))
    return "\n".join(lines) + "\n"
