"""Problems in words: a field path as the form names it, a schema message in the form's units."""

from __future__ import annotations

import re

from sim.params import (
    Scenario,
    field_meta,
)
from sim.text import objective_label
from ui.form.fields import param_label
from ui.i18n import N_, _, lang
from ui.text import (
    ORG_PARAMS,
    PARAM_GROUPS,
    RUN_FIELDS,
    team_name,
)


# ----------------------------------------------------------------------------- problems
def field_label(path: str, sc: Scenario) -> str:
    """A problem's field path in words ("Sales team › Account executives (reps)")."""
    for title, params in PARAM_GROUPS.values():
        for p in params:
            if p.path == path:
                return _in(_(title), param_label(p))
    parts = path.split(".")
    if parts[0] == "segments" and len(parts) > 1 and parts[1].isdigit():
        idx = int(parts[1])
        name = sc.segments[idx].name if idx < len(sc.segments) else _("row {n}").format(n=idx + 1)
        where = _("Customers › segment {n} ({name})").format(n=idx + 1, name=name)
        return _in(where, ".".join(parts[2:])) if len(parts) > 2 else where
    if parts[:2] == ["org", "teams"] and len(parts) > 2:
        rest = ".".join(parts[3:])
        team = _("{team} team").format(team=team_name(parts[2], lang()))
        return _in(team, rest) if rest else team
    if parts[:2] == ["org", "plans"]:
        return _plan_label(parts)
    for p in ORG_PARAMS:
        if p.path == path:
            return _in(_("Overlap & setups"), param_label(p))
    if parts[0] == "org":
        return _in(_("Overlap & setups"), ".".join(parts[1:]))
    if parts[0] in ("run", "analysis"):
        if path in RUN_FIELDS.values():
            return _in(_("Run settings"), _(field_meta(path).label))
        return _in(_("Run settings"), parts[-1])
    return path


def _plan_label(parts: list[str]) -> str:
    """A plan's field in words ("Plans › later › RevOps › Start month")."""
    where = _("Plans")
    if len(parts) > 2:
        where = _in(where, parts[2])
    if len(parts) > 3:
        where = _in(where, team_name(parts[3], lang()))
    if len(parts) > 4:
        try:
            what = _(field_meta(".".join(parts)).label)
        except Exception:  # a path the schema does not know: its own words
            what = ".".join(parts[4:])
        where = _in(where, what)
    return where


def _in(where: str, what: str) -> str:
    """A field inside a section: "Sales team › Account executives (reps)"."""
    return f"{where} › {what}"  # i18n: ok (a separator only)


def _objective_words(objective: str, lang: str) -> str:
    """An objective in words, capitalised (a select box's option)."""
    return _capital(objective_label(objective, lang))


def _mode_words(mode: str, tr) -> str:
    """How the replications are chosen, in words (`tr`: the session's translator)."""
    return tr(N_("Auto: until the answer is clear") if mode == "auto" else N_("Fixed"))


def _capital(text: str) -> str:
    """The first letter in capitals (English labels start lower case; Japanese is unchanged)."""
    return text[:1].upper() + text[1:]


_BOUND = re.compile(
    r"(greater than|less than|more than|at least|at most)( or equal to)? (-?[0-9.]+(?:e-?\d+)?)"
)


def humanise(path: str, message: str) -> str:
    """A schema message in the units the form shows (percent fields: bounds x100)."""
    pct_paths = {
        p.path
        for params in [*(g[1] for g in PARAM_GROUPS.values()), ORG_PARAMS]
        for p in params
        if p.kind == "pct"
    }
    leaf = path.split(".")[-1]
    seg_pct = path.startswith("segments.") and (
        leaf in ("lead_share", "qualification_rate", "win_rate", "monthly_churn", "size")
        or leaf == "monthly_probability"
    )
    if path in pct_paths or seg_pct:

        def to_pct(m: re.Match) -> str:
            return f"{m.group(1)}{m.group(2) or ''} {float(m.group(3)) * 100:g}%"

        return _BOUND.sub(to_pct, message)
    return message
