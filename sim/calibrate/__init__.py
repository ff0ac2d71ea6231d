"""Calibration from a company's own CRM exports: deals, leads and customers -> a scenario.

    >>> from sim.calibrate import calibrate, read_path
    >>> raws = {"deals": read_path("examples/lumen_ledger/deals.csv")}
    >>> result = calibrate(raws, base_scenario, "default.yaml")
    >>> result.calibration.table()  # every estimate with its 90% interval and basis
    >>> result.scenario  # a validated Scenario; its `sources:` say where each number is from

Modules, one job each: `readers` (files -> text cells, size budget), `mapping` (which column
is what), `parsing` and `tables` (typed, checked rows), `estimators` and `survival` (the
statistics), `estimates` (tables -> named estimates), `writer` (estimates + base ->
scenario), `backtest` (the model against the data's own months), `cli` (`python -m sim
calibrate`). Bad data raises `DataError`, whose problems name file, row and column.
"""

from sim.calibrate.errors import DataError, Problem
from sim.calibrate.estimates import Calibration, Estimate
from sim.calibrate.mapping import KINDS, ROLES, ColumnMapping, detect
from sim.calibrate.pipeline import Result, calibrate, mapping_for, tables
from sim.calibrate.readers import MAX_BYTES, MAX_ROWS, RawTable, read_bytes, read_path

__all__ = [
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ROLES",
    "Calibration",
    "ColumnMapping",
    "DataError",
    "Estimate",
    "Problem",
    "RawTable",
    "Result",
    "calibrate",
    "detect",
    "mapping_for",
    "read_bytes",
    "read_path",
    "tables",
]
