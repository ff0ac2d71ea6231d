"""Typed, checked tables from raw exports: deals, leads, customers.

Each builder applies a confirmed column mapping, parses every mapped column and checks the
rules the estimators rely on: a closed deal closes on or after it was created, ids are
unique, amounts are one currency and not negative. Every broken rule is a `Problem` naming
the file, row and column; nothing is dropped or repaired without saying so (`notes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.errors import Problem, raise_if_any, row_problems
from sim.calibrate.mapping import ColumnMapping, require
from sim.calibrate.parsing import parse_amounts, parse_dates, parse_flags, stage_outcome
from sim.calibrate.readers import RawTable

OUTBOUND_WORDS = ("outbound", "prospect", "cold", "sdr sourced", "ae sourced", "sales generated")
"""Lead sources that mean the reps found the lead (everything else counts as inbound)."""


@dataclass(frozen=True)
class Table:
    """A typed table from one file, the mapping it was read with, and what was noticed."""

    name: str
    frame: pd.DataFrame
    mapping: ColumnMapping
    notes: tuple[str, ...]
    currency: str = ""


def _rows(raw: RawTable) -> np.ndarray:
    return raw.row_numbers()


def _duplicates(raw: RawTable, mapping: ColumnMapping, problems: list[Problem]) -> None:
    col = mapping.column("id")
    if col is None:
        return
    ids = raw.frame[col]
    dup = ids.duplicated(keep="first") & (ids != "")
    if dup.any():
        rows = _rows(raw)
        first_row = dict(zip(ids[~dup], rows[(~dup).to_numpy()], strict=True))
        problems += row_problems(
            raw.name,
            col,
            rows[dup.to_numpy()],
            [f"duplicate id '{i}' (first seen on row {first_row[i]})" for i in ids[dup]],
        )


def _dates(raw, mapping, role, problems, fmt, notes) -> pd.Series | None:
    col = mapping.column(role)
    if col is None:
        return None
    parsed = parse_dates(raw.frame[col], raw.name, col, _rows(raw), fmt)
    problems += parsed.problems
    if parsed.note:
        notes.append(f"'{col}': {parsed.note}")
    return parsed.values


def deals_table(raw: RawTable, mapping: ColumnMapping, date_format: str | None = None) -> Table:
    """Deals with created, closed, outcome (won/lost/open), amount, owner, segment, pipeline."""
    require(mapping, raw.name)
    f = raw.frame
    problems: list[Problem] = []
    notes = list(raw.notes)
    rows = _rows(raw)
    created = _dates(raw, mapping, "created", problems, date_format, notes)
    closed = _dates(raw, mapping, "closed", problems, date_format, notes)
    cur_col = mapping.column("currency")
    amount, currency = parse_amounts(
        f[mapping.columns["amount"]],
        raw.name,
        mapping.columns["amount"],
        rows,
        f[cur_col] if cur_col else None,
        cur_col,
    )
    problems += amount.problems
    if amount.note:
        notes.append(f"'{mapping.columns['amount']}': {amount.note}")
    outcome = _outcomes(raw, mapping, problems, notes)
    assert created is not None and closed is not None
    missing_created = created.isna() & (f[mapping.columns["created"]] == "")
    if missing_created.any():
        problems += row_problems(
            raw.name, mapping.columns["created"], rows[missing_created.to_numpy()], "no date"
        )
    is_closed = outcome != "open"
    no_close = is_closed & closed.isna() & (f[mapping.columns["closed"]] == "")
    if no_close.any():
        problems += row_problems(
            raw.name,
            mapping.columns["closed"],
            rows[no_close.to_numpy()],
            "a closed deal without a close date",
        )
    before = is_closed & (closed < created.dt.normalize())
    if before.any():
        problems += row_problems(
            raw.name,
            mapping.columns["closed"],
            rows[before.to_numpy()],
            [
                f"closes ({c:%Y-%m-%d}) before it was created ({o:%Y-%m-%d})"
                for c, o in zip(closed[before], created[before], strict=True)
            ],
        )
    _duplicates(raw, mapping, problems)
    raise_if_any(problems)
    frame = pd.DataFrame(
        {
            "created": created,
            "closed": closed.where(is_closed),
            "outcome": outcome,
            "amount": amount.values,
            "owner": f[mapping.columns["owner"]] if "owner" in mapping.columns else "",
            "segment": f[mapping.columns["segment"]] if "segment" in mapping.columns else "",
            "pipeline": f[mapping.columns["pipeline"]] if "pipeline" in mapping.columns else "",
            "row": rows,
        }
    )
    won_no_amount = int(((frame.outcome == "won") & frame.amount.isna()).sum())
    if won_no_amount:
        notes.append(f"{won_no_amount} won deal(s) without an amount: left out of deal size")
    if currency:
        notes.append(f"amounts in {currency}")
    return Table(raw.name, frame, mapping, tuple(notes), currency)


def _outcomes(raw, mapping, problems, notes) -> pd.Series:
    """won/lost/open from the Won and Closed flags if present, else from the stage."""
    f = raw.frame
    rows = _rows(raw)
    won_col, closed_col, stage_col = (mapping.column(r) for r in ("won", "is_closed", "stage"))
    if won_col and closed_col:
        won = parse_flags(f[won_col], raw.name, won_col, rows)
        closed = parse_flags(f[closed_col], raw.name, closed_col, rows)
        problems += won.problems + closed.problems
        notes.append(f"outcome from '{closed_col}' and '{won_col}'")
        out = np.where(~closed.values, "open", np.where(won.values, "won", "lost"))
        return pd.Series(out, index=f.index)
    if stage_col is None:
        problems.append(
            Problem(
                raw.name,
                "no way to tell won from lost: map a stage column (deals.stage) or both the "
                "won and closed flags (deals.won, deals.is_closed)",
                1,
                "Deal Stage",
            )
        )
        return pd.Series("open", index=f.index)
    out = f[stage_col].map(stage_outcome)
    if won_col:
        won = parse_flags(f[won_col], raw.name, won_col, rows)
        problems += won.problems
        out = out.where(~won.values, "won")
    stages = f[stage_col].groupby(out).unique()
    for kind in ("won", "lost", "open"):
        if kind in stages.index:
            names = sorted(str(s) for s in stages[kind])
            shown = ", ".join(names[:6]) + (" ..." if len(names) > 6 else "")
            notes.append(f"stages read as {kind}: {shown}")
    return out


def leads_table(raw: RawTable, mapping: ColumnMapping, date_format: str | None = None) -> Table:
    """Leads with created, MQL, SQL and first-touch times, and inbound/outbound source."""
    require(mapping, raw.name)
    problems: list[Problem] = []
    notes = list(raw.notes)
    rows = _rows(raw)
    times = {
        role: _dates(raw, mapping, role, problems, date_format, notes)
        for role in ("created", "mql", "sql", "first_touch")
    }
    created = times["created"]
    assert created is not None
    for role in ("sql", "first_touch"):
        t = times[role]
        if t is None:
            continue
        early = t < created.dt.normalize()
        if early.any():
            problems += row_problems(
                raw.name,
                mapping.columns[role],
                rows[early.to_numpy()],
                "before the lead was created",
            )
    _duplicates(raw, mapping, problems)
    raise_if_any(problems)
    src_col = mapping.column("source")
    source = raw.frame[src_col].str.lower() if src_col else pd.Series("", index=raw.frame.index)
    outbound = source.map(lambda s: any(w in s for w in OUTBOUND_WORDS))
    if src_col:
        kinds = raw.frame[src_col][outbound].unique()
        notes.append(
            f"sources read as outbound: {', '.join(map(str, kinds)) if len(kinds) else 'none'}"
        )
    frame = pd.DataFrame(
        {
            "created": created,
            "mql": times["mql"] if times["mql"] is not None else created,
            "sql": times["sql"],
            "first_touch": times["first_touch"],
            "outbound": outbound.astype(bool),
            "row": rows,
        }
    )
    return Table(raw.name, frame, mapping, tuple(notes))


def customers_table(raw: RawTable, mapping: ColumnMapping, date_format: str | None = None) -> Table:
    """Customers with start, end (NaT while active), MRR now, MRR at start, segment."""
    require(mapping, raw.name)
    problems: list[Problem] = []
    notes = list(raw.notes)
    rows = _rows(raw)
    start = _dates(raw, mapping, "start", problems, date_format, notes)
    end = _dates(raw, mapping, "end", problems, date_format, notes)
    assert start is not None
    if end is None:
        end = pd.Series(pd.NaT, index=raw.frame.index, dtype="datetime64[ns]")
        notes.append("no cancel date column: every customer counted as active")
    missing = start.isna() & (raw.frame[mapping.columns["start"]] == "")
    if missing.any():
        problems += row_problems(
            raw.name, mapping.columns["start"], rows[missing.to_numpy()], "no date"
        )
    early = end < start.dt.normalize()
    if early.any():
        problems += row_problems(
            raw.name, mapping.columns["end"], rows[early.to_numpy()], "cancelled before it started"
        )
    cur_col = mapping.column("currency")
    mrr, currency = parse_amounts(
        raw.frame[mapping.columns["mrr"]],
        raw.name,
        mapping.columns["mrr"],
        rows,
        raw.frame[cur_col] if cur_col else None,
        cur_col,
    )
    problems += mrr.problems
    if mrr.note:
        notes.append(f"'{mapping.columns['mrr']}': {mrr.note}")
    initial = None
    if "initial_mrr" in mapping.columns:
        parsed, _ = parse_amounts(
            raw.frame[mapping.columns["initial_mrr"]],
            raw.name,
            mapping.columns["initial_mrr"],
            rows,
        )
        problems += parsed.problems
        initial = parsed.values
    _duplicates(raw, mapping, problems)
    raise_if_any(problems)
    seg_col = mapping.column("segment")
    frame = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "mrr": mrr.values,
            "initial_mrr": initial if initial is not None else np.nan,
            "segment": raw.frame[seg_col] if seg_col else "",
            "row": rows,
        }
    )
    return Table(raw.name, frame, mapping, tuple(notes), currency)
