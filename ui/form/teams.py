"""The teams' tables: effect ranges, synergy and the setups' members, to and from the editor."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from sim.params import (
    LEVERS,
    Scenario,
)
from sim.params.paths import get_path
from sim.text import lever_label, translator
from ui.form.fields import _num, _pct_in, _pct_out, _scalar_group
from ui.i18n import _, lang
from ui.state import form_key_prefix
from ui.text import (
    LEVER_LABELS,
    LEVER_UNITS,
    TEAM_PARAMS,
    team_name,
)


# ----------------------------------------------------------------------------- teams
def effects_frame(
    effects: dict[str, list[float]], sources: Mapping[str, str], prefix: str, lang: str = "en"
):
    """A team's effect ranges -> one row per lever (values x100 in the lever's unit).

    `sources` is the scenario's `sources:`; `prefix` the team's path (`org.teams.<team>.`).
    """
    rows = []
    for lever in LEVERS:
        rng = effects.get(lever)
        rows.append(
            {
                "lever": lever,
                "Lever": lever_label(lever, lang),
                "Moves it": rng is not None,
                "Low": _pct_in(rng[0]) if rng else 0.0,
                "Most likely": _pct_in(rng[1]) if rng else 0.0,
                "High": _pct_in(rng[2]) if rng else 0.0,
                "Unit": translator(lang)(LEVER_UNITS[LEVERS[lever].kind]),
                "Source": sources.get(f"{prefix}effects.{lever}", ""),
            }
        )
    return pd.DataFrame(rows)


def frame_effects(frame: pd.DataFrame) -> dict[str, list[float | None]]:
    """Edited effect rows -> {lever: [low, mode, high]} for the levers the team moves."""
    out = {}
    for row in frame.to_dict(orient="records"):
        if not row.get("Moves it"):
            continue
        out[row["lever"]] = [
            _pct_out(_num(row.get("Low"))),
            _pct_out(_num(row.get("Most likely"))),
            _pct_out(_num(row.get("High"))),
        ]
    return out


def _team_section(team: str, data: dict, sc: Scenario, values: dict) -> pd.DataFrame:
    prefix = f"org.teams.{team}."
    _scalar_group(TEAM_PARAMS, data, sc, values, prefix=prefix)
    st.caption(
        _(
            "Effect at full strength, as a triangular range: low / most likely / high. Points "
            "are added to a share (4 = +4 points); % change multiplies (-50 = halved); "
            "lowering levers (cycle, response time, leakage, churn) take values ≤ 0."
        )
    )
    team_data = get_path(data, f"org.teams.{team}") or {}
    frame = effects_frame(team_data.get("effects") or {}, sc.sources, prefix, lang())
    return st.data_editor(
        frame,
        height=35 * (len(frame) + 1) + 3,
        column_config={
            "lever": None,
            "Lever": st.column_config.TextColumn(_("Lever"), disabled=True),
            "Moves it": st.column_config.CheckboxColumn(
                _("Moves it"), help=_("Does this team move this lever?")
            ),
            "Low": st.column_config.NumberColumn(_("Low"), format="%.2f"),
            "Most likely": st.column_config.NumberColumn(_("Most likely"), format="%.2f"),
            "High": st.column_config.NumberColumn(_("High"), format="%.2f"),
            "Unit": st.column_config.TextColumn(_("Unit"), disabled=True),
            "Source": st.column_config.TextColumn(_("Source"), disabled=True, width="large"),
        },
        hide_index=True,
        num_rows="fixed",
        key=f"{form_key_prefix()}{prefix}effects",
        width="stretch",
    )


def synergy_frame(synergy: dict[str, float], lang: str = "en") -> pd.DataFrame:
    """Synergy effects -> rows (lever label, effect x100)."""
    return pd.DataFrame(
        [{"Lever": lever_label(k, lang), "Effect": _pct_in(v)} for k, v in synergy.items()],
        columns=["Lever", "Effect"],
    )


def frame_synergy(
    frame: pd.DataFrame, lang: str = "en"
) -> tuple[dict[str, float | None], list[tuple[str, str]]]:
    """Edited synergy rows -> {lever: effect}, and problems."""
    by_label = {lever_label(k, lang): k for k in LEVER_LABELS}
    out, problems = {}, []
    for row in frame.to_dict(orient="records"):
        label = row.get("Lever")
        if not label:
            continue
        lever = by_label.get(label)
        if lever is None:
            problems.append(("org.synergy", _("unknown lever '{label}'").format(label=label)))
            continue
        out[lever] = _pct_out(_num(row.get("Effect")))
    return out, problems


def _fte_column(team: str) -> str:
    return f"{team_name(team)} (FTE)"


def setups_frame(
    setups: dict[str, list[str]], teams: list[str], headcounts: dict[str, float] | None = None
) -> pd.DataFrame:
    """Setups -> one row each with the FTE of each team in it (0 = not in the setup).

    A member `team` shows the team's headcount; a sized option `team@0.5` shows 0.5.
    """
    heads = headcounts or {}
    rows = []
    for name, members in setups.items():
        fte = dict.fromkeys(teams, 0.0)
        for member in members:
            team, at, size = str(member).partition("@")
            if team in fte:
                fte[team] = float(size) if at else float(heads.get(team, 1.0))
        rows.append({"Setup": name, **{_fte_column(t): fte[t] for t in teams}})
    return pd.DataFrame(rows, columns=["Setup", *[_fte_column(t) for t in teams]])


def _member(team: str, value: object, headcount: float) -> str | None:
    """One cell of the setups table -> a setup member (None: not in the setup)."""
    if isinstance(value, bool):  # a tick, as older tables had
        return team if value else None
    number = _num(value)
    if number is None or not math.isfinite(number) or number <= 0:
        return None
    return team if math.isclose(number, headcount) else f"{team}@{number:g}"


def frame_setups(
    frame: pd.DataFrame, teams: list[str], headcounts: dict[str, float] | None = None
) -> tuple[dict, list[tuple[str, str]]]:
    """Edited setup rows -> {setup: [members]}, and problems."""
    heads = headcounts or {}
    out, problems = {}, []
    for row in frame.to_dict(orient="records"):
        name = str(row.get("Setup") or "").strip()
        if not name:
            continue
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            problems.append((f"org.setups.{name}", _("a setup name uses letters, digits, _ or -")))
            continue
        if name in out:
            problems.append((f"org.setups.{name}", _("setup names must be unique")))
            continue
        members = [_member(t, row.get(_fte_column(t)), float(heads.get(t, 1.0))) for t in teams]
        out[name] = [m for m in members if m is not None]
    return out, problems
