"""Every sentence and label, made from facts — the one text layer.

The verdict, diagnostics and attribution are facts (`sim.verdict`): setup ids, numbers,
parameter paths and criterion ids. This package words them for people, per language: each
function takes `lang` and routes its strings through `translator(lang)`, so a catalog per
language can be added without touching the code that computes anything. Nothing outside
this package (and the screens in `ui/`) builds sentences, and nothing parses them back.

* `labels`: setup, team, objective, lever, attribution and diagnostic names; the glossary.
* `numbers`: money and other figures in short form.
* `verdict`: the CLI/JSON sentence, the app's headline, provisional and confidence words.
* `diagnostics`: one sentence per diagnostic.
* `report`: the plain-text table of the CLI.
"""

from sim.text.diagnostics import diagnostic_text, fmt_diagnostic
from sim.text.i18n import N_, translator
from sim.text.labels import (
    ATTRIBUTION_LABELS,
    CRITERION_TEXT,
    DIAGNOSTIC_LABELS,
    GLOSSARY,
    LEVER_LABELS,
    LEVER_PHRASES,
    OBJECTIVE_HELP,
    OBJECTIVES_TEXT,
    SETUP_NAMES,
    TEAM_NAMES,
    attribution_label,
    criterion_text,
    diagnostic_label,
    glossary,
    kpi_label,
    lever_label,
    lever_phrase,
    objective_help,
    objective_label,
    scenario_title,
    setup_action,
    setup_name,
    team_name,
)
from sim.text.numbers import CURRENCY_SYMBOLS, count_of, fmt_number, money, value_text
from sim.text.report import comparison_table
from sim.text.verdict import (
    Headline,
    confidence_words,
    headline,
    influence_text,
    interval_text,
    objectives_sentence,
    provisional,
    robust_text,
    separate_by_text,
    verdict_summary,
)

__all__ = [
    "ATTRIBUTION_LABELS",
    "CRITERION_TEXT",
    "CURRENCY_SYMBOLS",
    "DIAGNOSTIC_LABELS",
    "GLOSSARY",
    "LEVER_LABELS",
    "LEVER_PHRASES",
    "N_",
    "OBJECTIVES_TEXT",
    "OBJECTIVE_HELP",
    "SETUP_NAMES",
    "TEAM_NAMES",
    "Headline",
    "attribution_label",
    "comparison_table",
    "confidence_words",
    "count_of",
    "criterion_text",
    "diagnostic_label",
    "diagnostic_text",
    "fmt_diagnostic",
    "fmt_number",
    "glossary",
    "headline",
    "influence_text",
    "interval_text",
    "kpi_label",
    "lever_label",
    "lever_phrase",
    "money",
    "objective_help",
    "objective_label",
    "objectives_sentence",
    "provisional",
    "robust_text",
    "scenario_title",
    "separate_by_text",
    "setup_action",
    "setup_name",
    "team_name",
    "translator",
    "value_text",
    "verdict_summary",
]
