"""Which column of an export holds what: detected from the headers, shown, and correctable.

Each kind of file (deals, leads, customers) has roles (`created`, `amount`, ...). A role is
matched to a header by the names HubSpot and Salesforce export, then by common renamings
(every word of a known name present, or a close spelling). How each match was made is kept,
so the user sees it and can override it (`--map deals.created="Opened On"`, or the app's
mapping step); a required role that no header matches is an error listing the headers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field

from sim.calibrate.errors import DataError, Problem
from sim.calibrate.readers import HEADER_ROW

KINDS = ("deals", "leads", "customers")


@dataclass(frozen=True)
class Role:
    """One thing a file may say: its name, whether calibration needs it, and its header names."""

    name: str
    label: str
    required: bool
    names: tuple[str, ...]


ROLES: dict[str, tuple[Role, ...]] = {
    "deals": (
        Role("id", "Deal id", False, ("record id", "deal id", "opportunity id", "id")),
        Role("name", "Deal name", False, ("deal name", "opportunity name", "name")),
        Role("stage", "Stage", False, ("deal stage", "stage", "stage name", "status")),
        Role(
            "amount",
            "Amount (annual)",
            True,
            ("amount", "deal amount", "deal value", "value", "acv", "annual contract value"),
        ),
        Role(
            "created",
            "Created",
            True,
            ("create date", "created date", "created", "created on", "creation date", "opened"),
        ),
        Role(
            "closed", "Close date", True, ("close date", "closed date", "closed on", "date closed")
        ),
        Role("won", "Won flag", False, ("won", "is won", "is closed won", "closed won")),
        Role("is_closed", "Closed flag", False, ("closed", "is closed", "is deal closed")),
        Role("pipeline", "Pipeline", False, ("pipeline", "sales pipeline")),
        Role(
            "owner",
            "Owner",
            False,
            (
                "deal owner",
                "opportunity owner",
                "owner",
                "owner name",
                "sales rep",
                "account executive",
            ),
        ),
        Role(
            "segment", "Segment", False, ("segment", "customer segment", "market segment", "tier")
        ),
        Role(
            "currency",
            "Currency",
            False,
            ("currency", "deal currency code", "opportunity currency", "currency code"),
        ),
    ),
    "leads": (
        Role("id", "Lead id", False, ("record id", "contact id", "lead id", "id")),
        Role("created", "Created", True, ("create date", "created date", "created", "created on")),
        Role(
            "mql",
            "Became MQL",
            False,
            (
                "became a marketing qualified lead date",
                "mql date",
                "marketing qualified date",
                "became mql",
            ),
        ),
        Role(
            "sql",
            "Became SQL",
            False,
            (
                "became a sales qualified lead date",
                "sql date",
                "sales qualified date",
                "became sql",
                "converted date",
            ),
        ),
        Role(
            "first_touch",
            "First touch",
            False,
            (
                "first contact date",
                "first touch",
                "first touch date",
                "first engagement date",
                "first outreach date",
                "time of first engagement",
                "contacted date",
            ),
        ),
        Role(
            "source",
            "Source",
            False,
            ("original source", "lead source", "source", "channel", "original source type"),
        ),
    ),
    "customers": (
        Role("id", "Customer id", False, ("record id", "customer id", "account id", "id")),
        Role(
            "start",
            "Start date",
            True,
            ("start date", "subscription start", "customer since", "started", "start"),
        ),
        Role(
            "end",
            "Cancel date",
            False,
            (
                "cancel date",
                "cancellation date",
                "end date",
                "churn date",
                "canceled at",
                "churned",
            ),
        ),
        Role("mrr", "MRR", True, ("mrr", "current mrr", "monthly recurring revenue", "mrr amount")),
        Role(
            "initial_mrr",
            "MRR at start",
            False,
            ("initial mrr", "starting mrr", "mrr at start", "start mrr", "first mrr"),
        ),
        Role(
            "segment", "Segment", False, ("segment", "customer segment", "market segment", "tier")
        ),
        Role("currency", "Currency", False, ("currency", "currency code")),
    ),
}

HOW_WORDS = {
    "exact": "known header",
    "words": "header contains the words",
    "close": "similar spelling",
    "user": "set by you",
}


def normalise(header: str) -> str:
    """Lower case, words only: 'Deal owner ', 'deal_owner' and 'Deal-Owner' read the same."""
    words = re.sub(r"[^0-9a-z]+", " ", header.lower().replace("?", "")).split()
    return " ".join(words)


@dataclass(frozen=True)
class ColumnMapping:
    """A file's detected (or confirmed) mapping: role -> header, and how each was found."""

    kind: str
    columns: dict[str, str]
    how: dict[str, str]
    flavour: str
    headers: tuple[str, ...] = ()
    missing: tuple[str, ...] = field(default=())

    def column(self, role: str) -> str | None:
        """The header mapped to a role, or None."""
        return self.columns.get(role)

    def rows(self) -> list[dict[str, str]]:
        """The mapping as a table for people: role, column, how it was found."""
        out = []
        for role in ROLES[self.kind]:
            col = self.columns.get(role.name)
            out.append(
                {
                    "role": role.name,
                    "meaning": role.label,
                    "column": col or "",
                    "how": HOW_WORDS.get(self.how.get(role.name, ""), "")
                    if col
                    else ("missing: required" if role.required else "not found"),
                }
            )
        return out


def _flavour(headers: set[str]) -> str:
    if {"deal stage", "create date"} <= headers or "deal owner" in headers:
        return "HubSpot"
    if {"opportunity name", "created date"} <= headers or "opportunity owner" in headers:
        return "Salesforce"
    return "generic"


def _score(role: Role, header: str) -> tuple[int, str] | None:
    """How well a normalised header fits a role: 3 exact, 2 all words, 1 close spelling."""
    if header in role.names:
        return 3, "exact"
    words = set(header.split())
    if any(len(n.split()) >= 1 and set(n.split()) <= words for n in role.names if len(n) > 2):
        return 2, "words"
    if difflib.get_close_matches(header, role.names, n=1, cutoff=0.85):
        return 1, "close"
    return None


def detect(kind: str, headers: list[str], file: str = "") -> ColumnMapping:
    """The best header for each role of a `kind` of file (each header used once)."""
    if kind not in ROLES:
        raise ValueError(f"unknown kind of file {kind!r} (one of {', '.join(KINDS)})")
    norm = {h: normalise(h) for h in headers}
    candidates: list[tuple[int, int, str, str, str]] = []
    for order, role in enumerate(ROLES[kind]):
        for h in headers:
            s = _score(role, norm[h])
            if s is not None:
                # Exact names first, then roles in declaration order (specific before generic).
                candidates.append((-s[0], order, role.name, h, s[1]))
    candidates.sort()
    columns: dict[str, str] = {}
    how: dict[str, str] = {}
    used: set[str] = set()
    for _, _, role_name, h, method in candidates:
        if role_name in columns or h in used:
            continue
        columns[role_name] = h
        how[role_name] = method
        used.add(h)
    missing = tuple(r.name for r in ROLES[kind] if r.required and r.name not in columns)
    return ColumnMapping(kind, columns, how, _flavour(set(norm.values())), tuple(headers), missing)


def with_overrides(
    mapping: ColumnMapping, overrides: MappingABC[str, str], file: str
) -> ColumnMapping:
    """The mapping with roles set by the user (an empty column unsets a role)."""
    roles = {r.name for r in ROLES[mapping.kind]}
    problems = []
    columns = dict(mapping.columns)
    how = dict(mapping.how)
    for role, column in overrides.items():
        if role not in roles:
            problems.append(
                Problem(
                    file,
                    f"no role '{role}' in a {mapping.kind} file (roles: "
                    f"{', '.join(sorted(roles))})",
                )
            )
            continue
        if not column:
            columns.pop(role, None)
            how.pop(role, None)
            continue
        if column not in mapping.headers:
            problems.append(
                Problem(file, f"no column '{column}' to map to '{role}'", HEADER_ROW, column)
            )
            continue
        for other, col in list(columns.items()):
            if col == column and other != role:
                del columns[other]
                how.pop(other, None)
        columns[role] = column
        how[role] = "user"
    if problems:
        raise DataError(problems)
    missing = tuple(r.name for r in ROLES[mapping.kind] if r.required and r.name not in columns)
    return ColumnMapping(mapping.kind, columns, how, mapping.flavour, mapping.headers, missing)


def require(mapping: ColumnMapping, file: str) -> None:
    """Raise naming each required role no column was found for, with the headers present."""
    if not mapping.missing:
        return
    labels = {r.name: r for r in ROLES[mapping.kind]}
    problems = [
        Problem(
            file,
            f"missing column for '{role}' ({labels[role].label}; e.g. "
            f"'{labels[role].names[0].title()}'). Headers found: "
            f"{', '.join(mapping.headers)}. Map one with --map {mapping.kind}.{role}=COLUMN",
            HEADER_ROW,
            labels[role].names[0].title(),
        )
        for role in mapping.missing
    ]
    raise DataError(problems)
