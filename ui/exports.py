"""Downloads: everything on screen as a file (CSV, YAML, JSON; charts as SVG or PNG).

CSV goes through `sim.io.safe_csv`, so no cell can run as a spreadsheet formula. Every
table carries the scenario name, its content hash and the seed, so a file can always be
traced back to the run that produced it.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pandas as pd

from sim.answers import comparison_json
from sim.io import safe_csv, scenario_hash, scenario_to_yaml
from sim.params import Scenario
from sim.verdict import Comparison
from ui import data

UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*\s,;'`]+")
"""Characters no file name may hold on Windows, macOS or Linux, and white space."""
BOM = "\ufeff"
"""The UTF-8 byte-order mark: Excel reads a CSV that starts with it as UTF-8."""


def file_stem(scenario: Scenario) -> str:
    """A file-name stem for a scenario's downloads; Japanese and other letters are kept.

    NFKC-normalised (full-width letters and digits become plain ones), characters unsafe in
    file names become "_", at most 60 characters, never empty, never hidden.
    """
    name = unicodedata.normalize("NFKC", scenario.name).lower()
    stem = UNSAFE_IN_NAMES.sub("_", name).strip("._-")[:60].strip("._-")
    return stem or "scenario"


def csv_bytes(text: str, bom: bool) -> bytes:
    """A CSV's text as the bytes of a download: UTF-8, with a byte-order mark if `bom`."""
    return ((BOM if bom and not text.startswith(BOM) else "") + text).encode("utf-8")


def _stamped(frame: pd.DataFrame, result: Comparison) -> pd.DataFrame:
    """The frame with run identification columns in front."""
    out = frame.copy()
    out.insert(0, "seed", result.seed)
    out.insert(0, "scenario_hash", scenario_hash(result.scenario))
    out.insert(0, "scenario", result.scenario.name)
    return out


def kpi_csv(result: Comparison) -> str:
    """Per setup and KPI: mean, P10, P90 and the 90% interval of the mean."""
    return safe_csv(_stamped(data.kpi_summary(result), result))


def replications_csv(result: Comparison) -> str:
    """One row per (setup, replication) with every KPI (the CLI's CSV layout)."""
    return safe_csv(_stamped(data.per_replication(result), result))


def monthly_csv(result: Comparison) -> str:
    """Monthly series, one row per (setup, replication, month)."""
    return safe_csv(_stamped(result.results.monthly, result))


def summary_csv(result: Comparison) -> str:
    """The ranking: objective, gain over no ops team, P(best), regret, team cost per setup."""
    frame = data.setup_summary(result)
    frame.insert(3, "objective", result.objective)
    return safe_csv(_stamped(frame, result))


def article_csv(result: Comparison) -> str:
    """The article's metric table (numeric), grouped as the article groups it."""
    return safe_csv(_stamped(data.article_metrics(result), result))


def diagnostics_csv(result: Comparison) -> str:
    """The diagnostics of the no-ops-team run."""
    frame = data.diagnostics_table(result)[
        ["signal", "value", "Pressure", "criterion_id", "Article criterion", "What it means"]
    ]
    return safe_csv(_stamped(frame, result))


def attribution_csv(result: Comparison) -> str:
    """The gain attribution by lever group (empty when no team wins)."""
    frame = data.attribution_data(result)
    return safe_csv(_stamped(frame, result))


def verdict_json(result: Comparison, lang: str = "en") -> str:
    """The verdict and every setup's figures as JSON (the CLI's answer), words in `lang`."""
    out = comparison_json(result, lang)
    out["scenario_hash"] = scenario_hash(result.scenario)
    return json.dumps(out, indent=2, ensure_ascii=False)


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML that loads back to the same scenario."""
    return scenario_to_yaml(scenario)
