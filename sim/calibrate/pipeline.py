"""One call from raw files to a calibrated scenario, shared by the command line and the app.

Reading, mapping and checking happen per file; every problem in every file is collected
before anything is estimated, so a user fixes all of them in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.calibrate.errors import DataError, Problem
from sim.calibrate.estimates import Calibration, calibrate_tables
from sim.calibrate.mapping import ColumnMapping, detect, with_overrides
from sim.calibrate.readers import RawTable
from sim.calibrate.tables import Table, customers_table, deals_table, leads_table
from sim.calibrate.writer import build_scenario
from sim.params import Scenario

BUILDERS = {"deals": deals_table, "leads": leads_table, "customers": customers_table}


@dataclass(frozen=True)
class Result:
    """A finished calibration: the estimates and the scenario written from them."""

    calibration: Calibration
    scenario: Scenario


def mapping_for(
    kind: str, raw: RawTable, overrides: Mapping[str, str] | None = None
) -> ColumnMapping:
    """The detected mapping of a raw file, with the user's corrections applied."""
    mapping = detect(kind, list(raw.frame.columns), raw.name)
    if overrides:
        mapping = with_overrides(mapping, overrides, raw.name)
    return mapping


def tables(
    raws: Mapping[str, RawTable],
    mappings: Mapping[str, ColumnMapping] | None = None,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
    date_format: str | None = None,
) -> dict[str, Table]:
    """Checked tables for every file given; problems of all files raised together."""
    out: dict[str, Table] = {}
    problems: list[Problem] = []
    for kind, raw in raws.items():
        mapping = (mappings or {}).get(kind) or mapping_for(kind, raw, (overrides or {}).get(kind))
        try:
            out[kind] = BUILDERS[kind](raw, mapping, date_format)
        except DataError as err:
            problems += err.problems
    if problems:
        raise DataError(problems)
    return out


def calibrate(
    raws: Mapping[str, RawTable],
    base: Scenario,
    base_label: str,
    *,
    mappings: Mapping[str, ColumnMapping] | None = None,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
    date_format: str | None = None,
    amounts: str = "annual",
) -> Result:
    """Raw files (`deals` required, `leads` and `customers` optional) -> a calibrated scenario."""
    if "deals" not in raws:
        raise DataError([Problem("deals", "a deals (opportunities) export is required")])
    t = tables(raws, mappings, overrides, date_format)
    cal = calibrate_tables(t["deals"], t.get("leads"), t.get("customers"), amounts=amounts)
    return Result(cal, build_scenario(cal, base, base_label))
